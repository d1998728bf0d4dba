"""A run's settings, as one value, and their bounds (core/measure/validation checks them)."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field, replace

from paraviz.core.model.figures import DEFAULT_MODES
from paraviz.core.model.machine import logical_cores
from paraviz.core.model.workloads import CALL_INDEX_SIZE, Workload, get_workload

#: The engines a threads or processes lane runs its tasks with (core/host/engines, one module each),
#: in the order the app and the help list them.
ENGINE_NAMES = ("futures", "pool", "joblib", "raw", "interpreters")
DEFAULT_ENGINE = "futures"

START_METHODS = tuple(m for m in ("fork", "forkserver", "spawn") if m in multiprocessing.get_all_start_methods())
MAX_TASKS = 1_000_000
MAX_SIZE = 10**12
MAX_SECONDS = 3600.0
MAX_INNER_THREADS = 256
MAX_REPEAT = 50
MAX_PAYLOAD_MB = 1024.0
#: The pipeline workload's server answers after --io-ms: up to a minute (a request times out at 60 s).
MAX_IO_MS = 60_000.0
#: Memory we allow a worker process before refusing a pool that would not fit.
WORKER_MEMORY_BYTES = 100 * 2**20


class ConfigError(ValueError):
    """A setting out of bounds; its message is one line meant for the user."""


def default_start_method() -> str:
    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_context().get_start_method()
    return method if method in START_METHODS else START_METHODS[0]


def max_workers() -> int:
    """4 per logical core (at least 32), and no more than available memory allows."""
    import psutil

    by_cores = max(32, 4 * logical_cores())
    by_memory = max(1, psutil.virtual_memory().available // WORKER_MEMORY_BYTES)
    return int(min(by_cores, by_memory))


@dataclass(frozen=True)
class RunConfig:
    workload: Workload = field(default_factory=lambda: get_workload("cumsum"))
    modes: tuple[str, ...] = DEFAULT_MODES
    #: One per logical core unless chosen (the CLI and the app agree on this default).
    workers: int = field(default_factory=logical_cores)
    tasks: int | None = None
    size: int | None = None  # None: calibrate to target_seconds
    sizes: tuple[int, ...] | None = None
    seconds: float | None = None  # timed mode
    start_method: str = field(default_factory=default_start_method)
    #: How threads and processes run their tasks (core/engines); the sequential lane is a loop.
    engine: str = DEFAULT_ENGINE
    #: Tasks per message to a process worker; None: the engine's own default (Pool.map computes one).
    chunksize: int | None = None
    #: Arguments for a one-argument function f(item), one task each (--items).
    items: tuple[int | float | str, ...] | range | None = None
    #: task(index, size) or f(item): from the function's signature (checked in a run host).
    call: str = CALL_INDEX_SIZE
    inner_threads: int = 1
    together: bool = False
    target_seconds: float = 4.0
    #: Rounds per lane, interleaved; figures are medians (1 in the live app, which is live).
    repeat: int = 1
    #: Megabytes of data sent with every task (None: the workload's own, 0 for most).
    payload_mb: float | None = None
    #: tcp://HOST:PORT of an existing Dask scheduler for the dask lane (None: a LocalCluster).
    scheduler: str | None = None
    #: Another Python for every lane's host (--python PATH; None: this one).
    python: str | None = None
    #: ``paraviz watch``: (name, argv) of each command run as a lane, in order; modes are their names.
    commands: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: ``paraviz attach``: (name, pid) of each running process followed as a lane; modes are their names.
    attach: tuple[tuple[str, int], ...] = ()
    #: Where each command's output goes, a file per lane and round (None: a new temporary folder).
    output_dir: str | None = None
    #: The free-threaded Python of the nogil lane (--nogil-python PATH; None: found when the lane is chosen).
    nogil_python: str | None = None
    #: Seconds after which a lane still running is stopped and reported so (None: no limit).
    time_limit_s: float | None = None
    #: Milliseconds the pipeline workload's loopback server waits before it answers each request.
    io_ms: float = 200.0

    @property
    def payload(self) -> float:
        return self.workload.default_payload_mb if self.payload_mb is None else self.payload_mb

    @property
    def task_count(self) -> int:
        if self.items:
            return len(self.items)
        if self.sizes:
            return len(self.sizes)
        return self.tasks if self.tasks is not None else self.workload.default_tasks

    @property
    def timed(self) -> bool:
        return self.seconds is not None

    @property
    def needs_calibration(self) -> bool:
        return self.size is None and not self.sizes and self.workload.calibrate and not self.timed

    def resolved_size(self) -> int:
        return self.size if self.size is not None else self.workload.default_size

    def with_workload(self, name: str) -> RunConfig:
        return replace(self, workload=get_workload(name), size=None, sizes=None, tasks=None, payload_mb=None)
