"""The figures of a run, defined once for the TUI, the CLI and the tests (the table in README.md)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from paraviz.core.i18n import N_, _, num
from paraviz.core.model.budget import scaled_budget
from paraviz.core.model.diagnosis import Diagnosis

#: In the order they run and stand on screen: the no-GIL threads beside the threads they answer.
MODES = ("sequential", "threads", "nogil", "processes", "asyncio", "hybrid", "dask")
#: The lanes run unless --modes says otherwise (dask starts a cluster, nogil needs a free-threaded
#: Python: chosen, not default).
DEFAULT_MODES = ("sequential", "threads", "processes")
#: What a person reads for each mode and status (JSON and CSV keep the English keys above).
MODE_NAMES = {
    "sequential": N_("sequential"),
    "threads": N_("threads"),
    "nogil": N_("threads, no GIL"),
    "processes": N_("processes"),
    "asyncio": "asyncio",
    "hybrid": N_("hybrid"),
    "dask": "dask",
}
MODE_TITLES = {
    "sequential": N_("Sequential"),
    "threads": N_("Threads"),
    "nogil": N_("Threads, no GIL"),
    "processes": N_("Processes"),
    "asyncio": "asyncio",
    "hybrid": N_("Hybrid"),
    "dask": "Dask",
}
STATUS_NAMES = {"ok": N_("ok"), "error": N_("error"), "stopped": N_("stopped")}


#: Under this wall time a lane is too short to measure: its cores and speedup are not shown, and no
#: cause is drawn from it. Both come from counters read at the lane's start and end (CPU to the µs
#: by getrusage and the kernel's CPU clocks, wall to the ns), not from the 4 Hz samples, which bound
#: only what the chart can draw; what bounds them is a lane's jitter: its wall time over 10 rounds
#: spread 34 % (IQR) at 0.7 ms, 11 % at 3 ms and 6-9 % at 13-45 ms on a 2-vCPU VM, where a
#: 0.7 ms lane also read 1.13 cores (the host's own fixed costs). 20 ms keeps both under ~10 %.
MEASURABLE_WALL_S = 0.02
#: How far a figure may pass its physical bound before it is a measurement error, not noise to keep.
BOUND_MARGIN = 0.05


def mode_name(mode: str) -> str:
    """``threads`` as a person reads it, in the language in use."""
    return _(MODE_NAMES.get(mode, mode))


def mode_title(mode: str) -> str:
    """``Threads``: the mode at the start of a sentence or a panel title."""
    return _(MODE_TITLES.get(mode, mode))


def status_name(status: str) -> str:
    return _(STATUS_NAMES.get(status, status))


@dataclass(frozen=True)
class RunResult:
    """One lane's measured figures. ``speedup`` and ``efficiency`` need the sequential lane."""

    mode: str
    workers: int
    start_method: str | None
    chunksize: int | None
    wall_s: float
    startup_s: float
    cpu_s: float
    tasks_done: int
    peak_threads: int
    peak_processes: int
    peak_rss_bytes: int
    status: str = "ok"  # ok | error | stopped
    error: str | None = None
    speedup: float | None = None
    efficiency: float | None = None
    #: Longest single task seen (seconds); the floor under any lane's wall time.
    longest_task_s: float = 0.0
    #: What the rest of the machine used meanwhile, in cores (not this lane, not paraviz).
    background_cores: float = 0.0
    #: paraviz's own CPU (the app or CLI: drawing, the relay, the sampler) per wall second of the lane.
    observer_cores: float = 0.0
    #: How the lane ran its tasks (core/engines); None for the sequential loop.
    engine: str | None = None
    #: Why the chunksize is what it is (Pool.map's default, --chunksize...).
    chunksize_why: str | None = None
    #: OMP_NUM_THREADS as the engine's workers saw it (loky sets cores // workers).
    inner_thread_limit: str | None = None
    #: --payload bytes pickled to worker processes, and worker seconds they took to arrive.
    bytes_sent: int = 0
    transfer_s: float = 0.0
    #: The dask lane: CPU seconds its workers' own counters gave, and Dask's task-stream compute time.
    cluster_cpu_s: float | None = None
    compute_s: float | None = None
    #: The hybrid lane: seconds its tasks waited on the event loop for their I/O, summed over tasks
    #: (compute_s is then the pool's computing, summed the same way).
    io_wait_s: float | None = None
    #: The host's Python ("3.13.0", "3.14.0t") and whether its GIL was on at the lane's end.
    python: str | None = None
    gil_enabled: bool | None = None
    #: The nogil lane: its tasks on one worker under its own (free-threaded) Python, timed before it,
    #: and how many tasks that loop did: the build's single-thread cost against the sequential lane.
    nogil_sequential_wall_s: float | None = None
    nogil_sequential_tasks: float | None = None
    #: ``paraviz watch``: the command as written, how it exited, and the file its output went to.
    command: str | None = None
    #: A lane without task events: its last stretch with one worker busy after several were (a long tail).
    tail_s: float | None = None
    exit_code: int | None = None
    output_path: str | None = None
    #: ``paraviz attach``: which burst of work this is (1, 2…) and when it began, in seconds since
    #: following began; its figures are that burst's own.
    burst: int | None = None
    burst_start_s: float | None = None
    #: Each worker's first task against its later ones (per task, medians over the workers), and
    #: what the first cost beyond a later one: imports in a fresh spawn worker, warm caches.
    first_task_s: float | None = None
    later_task_s: float | None = None
    warmup_s: float | None = None
    #: Figures over their physical bound (cores above the logical count or the lane's threads, a
    #: CPU-bound efficiency above 100 %): shown as measurement errors, never explained.
    over_bound: tuple[str, ...] = ()
    #: Shares of the lane's sampled thread-time by state (core/measure/threads.py), and where they
    #: were read from ("syscall", or "wchan" without the GIL split); None where nothing was read.
    thread_states: dict[str, float] | None = None
    thread_states_source: str | None = None
    #: Where the workers' time went (core/model/budget.py): the lane's budget in worker-seconds by
    #: part, each worker's, the CPU its tasks took on their threads' clocks (None: not read), and its
    #: efficiency as a product of factors (filled against the sequential lane).
    time_budget: dict[str, float] | None = None
    worker_budgets: tuple[dict[str, float], ...] = ()
    task_cpu_s: float | None = None
    efficiency_factors: dict[str, float] | None = None
    #: What its threads did, as causes (core/model/diagnosis.py); its read threads' time by kind of I/O;
    #: the most threads listed at once and how many of them were read.
    diagnosis: tuple[Diagnosis, ...] = ()
    io_detail: dict[str, float] | None = None
    threads_seen: int | None = None
    threads_read: int | None = None
    #: With --repeat N, each round's own figures; the figures above are their medians.
    rounds: tuple[RunResult, ...] = ()

    @property
    def effective_cores(self) -> float:
        """CPU seconds per wall second: about 1 for GIL-bound threads, about N for N busy processes."""
        return self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def too_short(self) -> bool:
        """Shorter than MEASURABLE_WALL_S: its cores and speedup are not measured, only its wall time."""
        return self.wall_s < MEASURABLE_WALL_S

    @property
    def measured_cores(self) -> float | None:
        """effective_cores where the lane was long enough to measure them, else None."""
        return None if self.too_short else self.effective_cores

    @property
    def gil_share(self) -> float | None:
        return None if self.thread_states is None else self.thread_states.get("gil")

    @property
    def throughput_per_s(self) -> float:
        return self.tasks_done / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def spread(self, name: str) -> tuple[float, float] | None:
        """(min, max) of a figure over the rounds, or None with fewer than two rounds."""
        values = [v for v in (getattr(r, name) for r in self.rounds) if v is not None]
        return (min(values), max(values)) if len(self.rounds) > 1 and values else None

    def to_dict(self) -> dict[str, object]:
        fields = figure_dict(self)
        fields["worker_budgets"] = [dict(b) for b in self.worker_budgets]
        fields["rounds"] = [figure_dict(r) for r in self.rounds]
        return fields


def figure_dict(result: RunResult) -> dict[str, object]:
    """RUN_FIELDS as JSON values: a lane too short to measure has no cores (null)."""
    fields: dict[str, object] = {f: getattr(result, f) for f in RUN_FIELDS}
    fields["effective_cores"] = result.measured_cores
    fields["over_bound"] = list(result.over_bound)
    fields["diagnosis"] = [d.to_dict() for d in result.diagnosis]
    return fields


def figure_text(result: RunResult, name: str, pattern: str = ".2f", unit: str = "") -> str:
    """A figure as every view shows it: "—" where unmeasured (a lane too short, no baseline), and
    marked "!" where it passed its physical bound (a measurement error)."""
    value = result.measured_cores if name == "effective_cores" else getattr(result, name)
    if value is None:
        return "—"
    return num(value, pattern) + unit + ("!" if name in result.over_bound else "")


RUN_FIELDS = (
    "mode",
    "engine",
    "workers",
    "start_method",
    "chunksize",
    "chunksize_why",
    "inner_thread_limit",
    "wall_s",
    "startup_s",
    "cpu_s",
    "effective_cores",
    "too_short",
    "over_bound",
    "speedup",
    "efficiency",
    "warmup_s",
    "first_task_s",
    "later_task_s",
    "thread_states",
    "thread_states_source",
    "io_detail",
    "diagnosis",
    "threads_seen",
    "threads_read",
    "time_budget",
    "task_cpu_s",
    "efficiency_factors",
    "tasks_done",
    "throughput_per_s",
    "peak_threads",
    "peak_processes",
    "peak_rss_bytes",
    "background_cores",
    "observer_cores",
    "bytes_sent",
    "transfer_s",
    "cluster_cpu_s",
    "compute_s",
    "io_wait_s",
    "python",
    "gil_enabled",
    "nogil_sequential_wall_s",
    "command",
    "tail_s",
    "exit_code",
    "output_path",
    "burst",
    "burst_start_s",
    "status",
    "error",
)
#: Figures that vary from round to round: CSV gives each a ``_min`` and a ``_max`` column.
SPREAD_FIELDS = (
    "wall_s",
    "startup_s",
    "cpu_s",
    "effective_cores",
    "speedup",
    "throughput_per_s",
    "background_cores",
    "observer_cores",
)


def median_of_rounds(rounds: list[RunResult]) -> RunResult:
    """One lane's figures over several rounds: medians, peaks as maxima, the rounds kept.

    A failed or stopped round makes the whole lane failed or stopped: a median over a round
    that did not finish would hide it.
    """
    last = rounds[-1]
    bad = next((r for r in rounds if r.status != "ok"), None)
    if bad is not None:
        return replace(bad, rounds=tuple(rounds))

    def median(name: str) -> float:
        return statistics.median(getattr(r, name) for r in rounds)

    middle = sorted(rounds, key=lambda r: r.wall_s)[len(rounds) // 2]  # where the time went: one real round

    return replace(
        last,
        wall_s=median("wall_s"),
        startup_s=median("startup_s"),
        cpu_s=median("cpu_s"),
        tasks_done=round(median("tasks_done")),
        background_cores=median("background_cores"),
        observer_cores=median("observer_cores"),
        transfer_s=median("transfer_s"),
        nogil_sequential_wall_s=median_or_none([r.nogil_sequential_wall_s for r in rounds]),
        nogil_sequential_tasks=median_or_none([r.nogil_sequential_tasks for r in rounds]),
        peak_threads=max(r.peak_threads for r in rounds),
        peak_processes=max(r.peak_processes for r in rounds),
        peak_rss_bytes=max(r.peak_rss_bytes for r in rounds),
        longest_task_s=max(r.longest_task_s for r in rounds),
        first_task_s=median_or_none([r.first_task_s for r in rounds]),
        later_task_s=median_or_none([r.later_task_s for r in rounds]),
        thread_states=median_states([r.thread_states for r in rounds]),
        time_budget=scaled_budget(middle.time_budget, middle.workers * median("wall_s")),
        task_cpu_s=median_or_none([r.task_cpu_s for r in rounds]),
        worker_budgets=middle.worker_budgets,
        diagnosis=middle.diagnosis,
        io_detail=middle.io_detail,
        rounds=tuple(rounds),
    )


def median_states(rounds: list[dict[str, float] | None]) -> dict[str, float] | None:
    """Each state's median share over the rounds that read states, scaled to sum to 1 again."""
    known = [r for r in rounds if r]
    if not known:
        return None
    medians = {state: statistics.median(r.get(state, 0.0) for r in known) for state in known[0]}
    total = sum(medians.values()) or 1.0
    return {state: share / total for state, share in medians.items()}


def median_or_none(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None
