"""A lane as a value: what it is called and what it runs. The runner starts its host from it, the
figures and the screen name it by its key, and a lane paraviz did not start (a command of the user's,
next) fits beside these without special cases."""

from __future__ import annotations

from dataclasses import dataclass

from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import mode_title

#: The lanes that run their tasks in a pool of the chosen engine (the loop and Dask have their own).
POOLED_MODES = ("threads", "processes")


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

    @property
    def title(self) -> str:
        """``Threads``, in the language in use."""
        return mode_title(self.key)

    @property
    def pooled(self) -> bool:
        return self.mode in POOLED_MODES


def lane_spec(config: RunConfig, key: str) -> LaneSpec:
    """The lane ``key`` of these settings: the built-in lanes are named after how they run."""
    if key == "nogil":  # the threads lane's tasks, under a free-threaded Python
        return LaneSpec(key, "threads", config.engine, config.nogil_python)
    return LaneSpec(key, key, config.engine if key in POOLED_MODES else None, config.python)


def lanes_of(config: RunConfig) -> tuple[LaneSpec, ...]:
    return tuple(lane_spec(config, key) for key in config.modes)
