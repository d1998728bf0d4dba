"""Past-tense events a run reports while it happens; the TUI and the CLI subscribe to them.

Times are seconds since the lane started (``t``), measured with the system-wide monotonic
clock in the run host and its workers, so timelines from different processes line up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paraviz.core.model.figures import RunResult


@dataclass(frozen=True)
class Calibrating:
    """Before the lanes: one task of the workload is being timed, to choose a size."""

    workload: str


@dataclass(frozen=True)
class Calibrated:
    """The size chosen so that one task takes about the target time here, and that task's time."""

    workload: str
    size: int
    task_seconds: float


@dataclass(frozen=True)
class LaneStarted:
    mode: str
    pid: int
    round: int = 1
    rounds: int = 1


@dataclass(frozen=True)
class BaselineStarted:
    """The nogil lane's tasks start on one worker under its own Python, before the lane (its build's
    single-thread cost); the lane starts when that loop ends."""

    mode: str
    python: str | None


@dataclass(frozen=True)
class PoolReady:
    mode: str
    startup_s: float


@dataclass(frozen=True)
class TaskRecord:
    """One task (or, for a long chunk, ``count`` tasks) on one worker."""

    index: int
    count: int
    pid: int
    tid: int
    start: float
    end: float


@dataclass(frozen=True)
class TasksReported:
    """Tasks started and finished since the last report (coalesced, at most ~10 a second)."""

    mode: str
    done: int
    started: list[TaskRecord] = field(default_factory=list)
    finished: list[TaskRecord] = field(default_factory=list)


@dataclass(frozen=True)
class WorkerLoad:
    label: str  # "pid 123" or "thread 4567"
    cpu_percent: float
    pid: int = 0
    tid: int = 0  # 0: the whole process (a pool worker); else one thread of a one-process lane


@dataclass(frozen=True)
class LaneSampled:
    """The lane's process tree as psutil saw it from outside."""

    mode: str
    elapsed_s: float
    cpu_percent: float
    threads: int
    processes: int
    rss_bytes: int
    workers: tuple[WorkerLoad, ...] = ()
    #: The thread-state sampler's ticks since the last sample (elapsed s), and each thread's state
    #: at each, one letter a tick (core/measure/threads.py LETTER; " " where it was not read).
    state_ticks: tuple[float, ...] = ()
    thread_states: tuple[tuple[int, int, str], ...] = ()
    #: The lane's share of sampled thread-time waiting for the GIL so far (None: not read).
    gil_share: float | None = None
    #: How long every thread has been still (no CPU, each on a lock, a pipe or a child), and on what.
    still_s: float = 0.0
    still_on: str | None = None

    @property
    def cores_in_use(self) -> float:
        return self.cpu_percent / 100


@dataclass(frozen=True)
class LaneFinished:
    """A lane ended (done, stopped or failed): its measured figures."""

    result: RunResult


@dataclass(frozen=True)
class RemoteWorker:
    """One worker of an existing Dask cluster: its CPU % over the last interval, measured there."""

    address: str
    host: str
    cpu_percent: float
    memory_bytes: int


@dataclass(frozen=True)
class ClusterSampled:
    """An existing cluster's workers (``--scheduler``), measured on their own machines."""

    mode: str
    workers: tuple[RemoteWorker, ...]


Event = (
    ClusterSampled
    | Calibrating
    | Calibrated
    | BaselineStarted
    | LaneStarted
    | PoolReady
    | TasksReported
    | LaneSampled
    | LaneFinished
)
