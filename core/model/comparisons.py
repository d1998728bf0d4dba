"""A lane's figures against the sequential lane's: speedup, efficiency and its factors, warm-up, and
the figures physics forbids (marked, never explained)."""

from __future__ import annotations

from dataclasses import replace

from paraviz.core.model.budget import efficiency_factors
from paraviz.core.model.figures import BOUND_MARGIN, RunResult


def single_thread_cost(sequential: RunResult, nogil: RunResult) -> float | None:
    """Time per task of the free-threaded build's one-worker loop over the main sequential lane's, less
    one: 0.08 means its single thread was 8 % slower (3.13t paid about 40 %, 3.14t 5-10 %)."""
    loop_wall, loop_tasks = nogil.nogil_sequential_wall_s, nogil.nogil_sequential_tasks
    if not (sequential.ok and loop_wall and loop_tasks and sequential.tasks_done and sequential.wall_s > 0):
        return None
    return (loop_wall / loop_tasks) / (sequential.wall_s / sequential.tasks_done) - 1


def speedup(baseline: RunResult, lane: RunResult, timed: bool) -> float | None:
    """wall(sequential) / wall(lane) for a batch; throughput(lane) / throughput(sequential) when timed."""
    if not (baseline.ok and lane.ok) or lane.wall_s <= 0 or baseline.wall_s <= 0:
        return None
    if timed:
        return lane.throughput_per_s / baseline.throughput_per_s if baseline.throughput_per_s else None
    return baseline.wall_s / lane.wall_s


def efficiency(lane_speedup: float | None, workers: int, logical_cores: int) -> float | None:
    """speedup / min(workers, logical cores): 1.0 means every usable core paid off fully."""
    if lane_speedup is None:
        return None
    return lane_speedup / min(workers, logical_cores)


def with_comparisons(
    results: list[RunResult], logical_cores: int, timed: bool, baseline_mode: str = "sequential"
) -> list[RunResult]:
    """Fill speedup and efficiency of every lane (and of each of its rounds) against the
    sequential lane's figures (``paraviz watch``: the first lane's), the median of its rounds;
    then warm-up and the figures over their physical bounds. No speedup where either lane was
    too short to measure."""
    baseline = next((r for r in results if r.mode == baseline_mode), None)

    def compared(result: RunResult) -> RunResult:
        s = None
        if baseline is not None and not (result.too_short or baseline.too_short):
            s = speedup(baseline, result, timed)
        factors = None
        if s is not None and result is not baseline and result.time_budget:
            # speedup x wall is the sequential lane's time for this lane's tasks (timed runs too)
            factors = efficiency_factors(
                result.time_budget, result.wall_s, result.workers, logical_cores, s * result.wall_s
            )
        result = replace(
            result,
            speedup=s,
            efficiency=efficiency(s, result.workers, logical_cores),
            efficiency_factors=factors,
            warmup_s=warmup(result, baseline),
            rounds=tuple(compared(r) for r in result.rounds),
        )
        return replace(result, over_bound=over_bound(result, baseline, logical_cores))

    return [compared(r) for r in results]


#: A sequential lane at this many cores or more was CPU-bound: then no lane runs faster than its cores allow.
CPU_BOUND_CORES = 0.8


def over_bound(result: RunResult, baseline: RunResult | None, logical_cores: int) -> tuple[str, ...]:
    """The figures of ``result`` that physics forbids, beyond BOUND_MARGIN: cores above the
    machine's logical cores or above the threads the lane had (a one-thread lane above one core),
    and a CPU-bound lane's efficiency above 100 % (waits need no core: an I/O lane's is real)."""
    if result.too_short or not result.ok:
        return ()
    found = []
    cores = result.effective_cores
    threads = result.peak_threads or logical_cores
    if cores > min(logical_cores, threads) * (1 + BOUND_MARGIN):
        found.append("effective_cores")
    if baseline is not None and result is not baseline and speedup_over_bound(result, baseline, logical_cores):
        found += ["speedup", "efficiency"]
    return tuple(found)


#: Effective cores under which a lane ran on one core's worth of CPU (GIL-bound threads).
ONE_CORE = 1.3


def speedup_over_bound(result: RunResult, baseline: RunResult, logical_cores: int) -> bool:
    """A speedup physics forbids on CPU-bound work (the sequential lane used a core): faster than
    sequential on one core's worth of CPU, or faster than its usable cores. Waits need no core:
    an I/O lane's speedup is never bounded so."""
    s = own_speedup(result)
    if s is None or not baseline.ok or baseline.effective_cores < CPU_BOUND_CORES:
        return False
    usable = min(result.workers, logical_cores)
    # on about one core's worth of CPU, no faster than the cores it used (unequal tasks' lone last
    # worker: 1.15 cores on average, 1.07x, is real)
    cores = result.effective_cores
    return (cores < ONE_CORE and s > max(1.0, cores) * (1 + BOUND_MARGIN)) or s > usable * (1 + BOUND_MARGIN)


def own_speedup(result: RunResult) -> float | None:
    """The lane's speedup against its own interpreter's one-thread loop where it has one (the nogil
    lane: its build's single thread may be slower or faster than the sequential lane's Python, and
    physics bounds it against its own), else against the sequential lane."""
    loop_wall, loop_tasks = result.nogil_sequential_wall_s, result.nogil_sequential_tasks
    if loop_wall and loop_tasks and result.tasks_done and result.wall_s > 0:
        return loop_wall / loop_tasks * result.tasks_done / result.wall_s
    return result.speedup


#: Lanes whose workers are processes of their own, which start cold (imports, caches). A thread's
#: first task is no warm-up: two GIL-bound threads' first tasks ran side by side, each at half speed,
#: and read as 0.49 s of "warm-up" against later tasks that ran alone.
FRESH_WORKER_MODES = ("processes", "dask")


def warmup(result: RunResult, baseline: RunResult | None) -> float | None:
    """What a worker process's first task cost beyond a later one (seconds per task, the median
    worker's): against the lane's own later tasks, else (each worker ran one task) the baseline's
    mean task. None for lanes whose workers are not processes of their own."""
    if result.mode not in FRESH_WORKER_MODES:
        return None
    first, later = result.first_task_s, result.later_task_s
    if later is None and baseline is not None and baseline.ok and baseline.tasks_done and result is not baseline:
        later = baseline.wall_s / baseline.tasks_done
    if first is None or later is None:
        return None
    return max(0.0, first - later)
