"""What a run host tells the runner: one JSON object per line on a private pipe.

Both sides import the event names and the message shapes from here, so that a field is sent only
where the other side reads it. Standard library only: the host may run under another Python.
Times are CLOCK_MONOTONIC seconds, one clock for every process on the machine.
"""

from __future__ import annotations

from typing import TypedDict

LANE_STARTED = "lane_started"
POOL_READY = "pool_ready"
TASKS = "tasks"
LANE_FINISHED = "lane_finished"
CALIBRATED = "calibrated"
CHECKED = "checked"
CLUSTER_SAMPLED = "cluster_sampled"

#: A task record as sent: [first index, count, pid, native thread id, start, end]. A count of 0
#: marks a failed task; a count above 1 sums a long chunk.
RawRecord = tuple[int, int, int, int, float, float]


class LaneStartedMessage(TypedDict):
    event: str
    t: float  # the lane's clock starts here: after imports and data, before any worker exists
    pid: int


class LaneDetails(TypedDict, total=False):
    """What an engine tells about how it ran a lane: each key optional, read by name on the other side."""

    workers: int  # how many ran at once when not --workers (raw: one per task; dask: the cluster's threads)
    chunksize: int
    chunksize_why: str  # Pool.map's default, --chunksize...
    inner_thread_limit: str  # OMP_NUM_THREADS as the workers saw it (loky sets cores // workers)
    interpreters: int
    start_each_s: float  # raw: the start-up of each thread or process
    cluster: str  # dask: the scheduler's address, or "local"
    dask_workers: int
    dask_hosts: str
    cluster_cpu_s: float  # dask: CPU seconds from the workers' own counters
    compute_s: float  # dask: the task stream's compute time; hybrid: the pool's, summed over tasks
    io_wait_s: float  # hybrid: seconds the tasks waited on the event loop for their I/O, summed
    in_flight: int  # asyncio: tasks in flight at once
    thread: int  # asyncio: the one thread every task ran in
    exit_code: int  # a user's command (paraviz watch): how it exited
    output_path: str  # the file its output went to
    command: str  # the command as written
    start_method: str  # the start method its output showed (a failing pool's traceback)


class PoolReadyMessage(TypedDict):
    event: str
    startup_s: float  # from the lane's start until its workers answered
    details: LaneDetails


class TasksMessage(TypedDict):
    event: str
    done: int
    started: list[RawRecord]
    finished: list[RawRecord]


class LaneFinishedMessage(TypedDict):
    event: str
    status: str  # "ok" or "error"
    error: str | None
    wall_s: float
    startup_s: float
    cpu_s: float
    tasks_done: int
    details: LaneDetails
    bytes_sent: int
    transfer_s: float
    python: str  # the host's version, "3.14.0t" for a free-threaded build
    gil_enabled: bool  # measured after the workload's imports, which can turn it back on
    #: Each worker's tasks: [pid, tid, first start, last end, seconds in tasks, their CPU (-1: not
    #: read), tasks] (Emitter.spans).
    spans: list[list[float]]


class ClusterSampledMessage(TypedDict):
    """An existing Dask cluster's workers, measured on their machines (--scheduler only)."""

    event: str
    workers: list[tuple[str, str, float, int]]  # address, host, CPU % of the worker process, memory bytes


class CalibratedMessage(TypedDict, total=False):
    event: str
    size: int
    seconds: float
    error: str


class CheckedMessage(TypedDict, total=False):
    event: str
    call: str
    error: str | None


Message = (
    LaneStartedMessage
    | PoolReadyMessage
    | TasksMessage
    | LaneFinishedMessage
    | ClusterSampledMessage
    | CalibratedMessage
    | CheckedMessage
)


def outside_lane_started(t: float, pid: int) -> list[Message]:
    """What a lane paraviz measures only from outside (a command, a followed process) "sends" at its
    start: it has no host to say so, so its launcher says it for it."""
    return [
        LaneStartedMessage(event=LANE_STARTED, t=t, pid=pid),
        PoolReadyMessage(event=POOL_READY, startup_s=0.0, details={}),
    ]


def outside_lane_finished(
    wall_s: float, cpu_s: float, error: str | None = None, details: LaneDetails | None = None
) -> LaneFinishedMessage:
    """Its end, with the figures read from the kernel (no tasks, no Python of paraviz's)."""
    return LaneFinishedMessage(
        event=LANE_FINISHED,
        status="error" if error else "ok",
        error=error,
        wall_s=wall_s,
        startup_s=0.0,
        cpu_s=cpu_s,
        tasks_done=0,
        details=details or {},
        bytes_sent=0,
        transfer_s=0.0,
        python=None,
        gil_enabled=None,
        spans=[],
    )
