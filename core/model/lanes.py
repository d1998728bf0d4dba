"""A lane as a value: what it is called and what it runs. The runner starts its host from it, the
figures and the screen name it by its key, and a lane paraviz did not start (a command of the user's,
next) fits beside these without special cases."""

from __future__ import annotations

from dataclasses import dataclass

from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import MODES, mode_title

#: How a command's lane runs: as the user wrote it.
COMMAND_MODE = "command"
#: How a followed process's lane runs: not by paraviz at all.
ATTACHED_MODE = "attached"
#: The lanes that run their tasks in a pool of the chosen engine (the loop and Dask have their own).
POOLED_MODES = ("threads", "processes")
#: The lanes whose --workers is theirs: a pool's workers, tasks in flight on an event loop, or both.
WORKER_MODES = (*POOLED_MODES, "asyncio", "hybrid")


@dataclass(frozen=True)
class LaneSpec:
    #: How results, events and the screen name the lane ("threads").
    key: str
    #: How its host runs the tasks: sequential, threads, processes or dask (nogil runs threads).
    mode: str
    #: The engine of a pooled lane (threads, processes); None for the loop and for Dask.
    engine: str | None = None
    #: The interpreter its host runs under; None for paraviz's own.
    python: str | None = None
    #: A command of the user's (``paraviz watch``), run as it is and measured from outside; its lane
    #: has no task events: its worker rows are what was measured of its threads and processes.
    command: tuple[str, ...] | None = None
    #: A process already running (``paraviz attach``), followed and never signalled.
    pid: int | None = None

    @property
    def title(self) -> str:
        """``Threads``, in the language in use; a command's lane by its own name."""
        return self.key if self.command or self.pid else mode_title(self.key)

    @property
    def pooled(self) -> bool:
        return self.mode in POOLED_MODES

    @property
    def workers_apply(self) -> bool:
        """Whether --workers sizes this lane (a pool, or tasks in flight on an event loop)."""
        return self.mode in WORKER_MODES

    @property
    def reports_tasks(self) -> bool:
        """Whether its host reports task events (paraviz's own lanes do; a command or a followed
        process does not)."""
        return self.command is None and self.pid is None


def lane_spec(config: RunConfig, key: str) -> LaneSpec:
    """The lane ``key`` of these settings: the built-in lanes are named after how they run, a
    command's lane after the name it was given."""
    command = dict(config.commands).get(key)
    if command is not None:
        return LaneSpec(key, COMMAND_MODE, command=command)
    pid = dict(config.attach).get(key)
    if pid is not None:
        return LaneSpec(key, ATTACHED_MODE, pid=pid)
    if key == "nogil":  # the threads lane's tasks, under a free-threaded Python
        return LaneSpec(key, "threads", config.engine, config.nogil_python)
    return LaneSpec(key, key, config.engine if key in POOLED_MODES else None, config.python)


def lanes_of(config: RunConfig) -> tuple[LaneSpec, ...]:
    return tuple(lane_spec(config, key) for key in config.modes)


def baseline_lane(config: RunConfig) -> str:
    """The lane speedups are measured against: the sequential one, or a user's first command."""
    return config.commands[0][0] if config.commands else "sequential"


def screen_lanes(config: RunConfig) -> tuple[LaneSpec, ...]:
    """The lanes the app shows: a user's commands, or every lane paraviz has (some shown when chosen)."""
    if config.commands or config.attach:
        return lanes_of(config)
    return tuple(lane_spec(config, key) for key in MODES)
