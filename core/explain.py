"""What the figures of the run just done say, in plain sentences.

Every sentence is conditioned on measured figures and quotes them; nothing here is canned.
"""

from __future__ import annotations

from paraviz.core.config import RunConfig
from paraviz.core.figures import RunResult

GIL_BOUND = 1.3  # effective cores under which a thread lane was held by the GIL
TINY_TASK_S = 0.001
#: Other programs' average CPU during a lane, in cores, above which the machine was not quiet.
BUSY_MACHINE_CORES = 0.1
#: Lanes shorter than this are not judged busy: psutil's 10 ms CPU ticks and the lane's own
#: start and end swing a 25 ms lane's background figure anywhere from 0 to 0.8 cores (seen).
BUSY_MIN_WALL_S = 0.5
#: A sequential lane using at least this many cores was CPU-bound: physics then bounds speedups.
CPU_BOUND_CORES = 0.8
#: Speedup beyond what physics allows, as a fraction: more is noise, never an effect.
PHYSICS_MARGIN = 0.05


def busy_machine(results: list[RunResult]) -> list[str]:
    """Said before anything else: other programs took cores from these lanes."""
    return [
        f"The machine was busy during the {r.mode} lane: other programs used {r.background_cores:.2f} cores "
        "on average, so its figures are not those of a quiet machine."
        for r in results
        if r.background_cores > BUSY_MACHINE_CORES and r.wall_s >= BUSY_MIN_WALL_S
    ]


def noise(results: list[RunResult], config: RunConfig, logical_cores: int) -> dict[str, str]:
    """Lanes whose speedup physics forbids on CPU-bound work, with the sentence that says so."""
    seq = next((r for r in results if r.mode == "sequential" and r.ok), None)
    if seq is None or seq.effective_cores < CPU_BOUND_CORES:
        return {}
    usable = min(config.workers, logical_cores)
    again = f"repeat with --repeat {max(5, 2 * config.repeat)}"
    found = {}
    for lane in results:
        s = lane.speedup
        if lane.mode == "sequential" or not lane.ok or s is None:
            continue
        if lane.effective_cores < GIL_BOUND and s > 1 + PHYSICS_MARGIN:
            found[lane.mode] = (
                f"{lane.mode.capitalize()} came out {s:.2f}× faster than sequential on {lane.effective_cores:.2f} "
                "cores, which one core cannot do: that is noise (the sequential lane ran slow); " + again + "."
            )
        elif s > usable * (1 + PHYSICS_MARGIN):
            found[lane.mode] = (
                f"{lane.mode.capitalize()} came out {s:.2f}× faster than sequential, more than {usable} cores "
                "can give to CPU-bound work: that is noise (the sequential lane ran slow); " + again + "."
            )
    return found


def explain(results: list[RunResult], config: RunConfig, logical_cores: int) -> list[str]:
    lanes = {r.mode: r for r in results}
    seq = lanes.get("sequential")
    lines: list[str] = busy_machine(results)
    for lane in results:
        if lane.status == "error":
            lines.append(f"{lane.mode.capitalize()} failed: {lane.error}.")
    usable = min(config.workers, logical_cores)
    noisy = noise(results, config, logical_cores)
    lines.extend(noisy.values())
    thr = None if "threads" in noisy else lanes.get("threads")
    proc = None if "processes" in noisy else lanes.get("processes")

    if thr and thr.ok:
        e = thr.effective_cores
        if thr.speedup is not None and thr.speedup > 1.5 and e < 0.5:
            lines.append(
                f"Threads ran {thr.speedup:.1f}× faster on {e:.2f} cores: the tasks were waiting, "
                "and a waiting thread releases the GIL."
            )
        elif (
            CPU_BOUND_CORES <= e < GIL_BOUND  # busy on one core: held by the GIL (waiting threads use none)
            and config.workers > 1
            and (seq is None or (seq.effective_cores > 0.3 and (thr.speedup or 0) < 1.3))
        ):
            lines.append(f"Threads used {e:.2f} of {usable} cores: the GIL lets one thread run Python at a time.")
        elif e >= GIL_BOUND:
            lines.append(
                f"Threads used {e:.2f} cores: the library released the GIL inside its compiled code, "
                "so threads ran in parallel there."
            )

    if proc and proc.ok:
        e, s = proc.effective_cores, proc.speedup
        if s is not None and s >= 1.2:
            efficiency = proc.efficiency or 0.0
            how = (
                f"{efficiency:.0%} efficient"
                if efficiency <= 1.05
                else f"more than {usable} cores could give: the tasks mostly waited, which needs no core"
            )
            lines.append(f"Processes used {e:.2f} cores and ran {s:.2f}× faster than sequential ({how}).")
        per_task = seq.wall_s / max(1, seq.tasks_done) if seq and seq.ok else None
        if s is not None and s < 1 and per_task is not None and per_task < TINY_TASK_S:
            lines.append(
                f"Processes were {1 / s:.1f}× slower than sequential: each task took {per_task * 1e6:.1f} µs, "
                f"less than sending it to a worker (chunksize {proc.chunksize or 1}); a larger --chunksize "
                "batches them."
            )
        if proc.wall_s > 0 and proc.startup_s / proc.wall_s >= 0.2:
            starter = "loky" if proc.engine == "joblib" else proc.start_method
            lines.append(
                f"Pool start-up ({starter}) took {proc.startup_s:.2f} s of {proc.wall_s:.2f} s: "
                "short runs pay for starting workers."
            )
        inner = config.workers * config.inner_threads
        if config.workload.uses_inner_threads and inner > logical_cores and s is not None and s < 1:
            lines.append(
                f"Oversubscribed: {config.workers} workers × {config.inner_threads} inner threads = {inner} threads "
                f"on {logical_cores} cores ran {1 / s:.1f}× slower than sequential; try --inner-threads 1."
            )

    lines.extend(engine_sentences(thr, proc, logical_cores))
    lines.extend(data_sentences(seq, thr, proc, config))
    lines.extend(dask_sentences(lanes.get("dask"), proc))
    unequal = bool(config.sizes) and len(set(config.sizes or ())) > 1
    for lane in (thr, proc) if unequal else ():
        gil_bound = lane is not None and lane.mode == "threads" and 0.5 <= lane.effective_cores < GIL_BOUND
        if lane and lane.ok and not gil_bound and lane.speedup is not None and lane.longest_task_s > 0:
            capped = lane.speedup < 0.85 * usable and lane.tasks_done > 1
            if capped and lane.longest_task_s >= 0.6 * lane.wall_s:
                lines.append(
                    f"{lane.mode.capitalize()}: the longest task took {lane.longest_task_s:.2f} s of the lane's "
                    f"{lane.wall_s:.2f} s, so unequal tasks capped the speedup at {lane.speedup:.2f}×."
                )
                break
    return lines


def engine_sentences(thr: RunResult | None, proc: RunResult | None, logical_cores: int) -> list[str]:
    """How the chosen engine ran the lanes, from what the engine itself reported."""
    lines = []
    if proc and proc.ok and proc.chunksize_why and proc.engine == "pool":
        lines.append(
            f"Pool sent {proc.tasks_done:,} tasks in chunks of {proc.chunksize:,} ({proc.chunksize_why}): "
            "one message per chunk, not per task."
        )
    if proc and proc.ok and proc.engine == "joblib":
        limit = proc.inner_thread_limit
        limit = f", each limited to {limit} inner thread{'' if limit == '1' else 's'}" if limit else ""
        lines.append(
            f"joblib's loky started {proc.workers} worker processes in {proc.startup_s:.2f} s{limit} "
            "(loky keeps them for the next call; each lane here starts afresh)."
        )
    for lane in (thr, proc):
        if lane and lane.ok and lane.engine == "raw" and lane.workers > logical_cores:
            one, unit = ("thread", "threads") if lane.mode == "threads" else ("process", "processes")
            lines.append(
                f"One {one} per task: {lane.workers} {unit} at once "
                f"on {logical_cores} cores used {lane.effective_cores:.2f} cores; more {unit} buy no more cores."
            )
    return lines


#: Share of a process lane's wall time spent receiving data above which moving data is the story.
DATA_BOUND_SHARE = 0.3


def data_sentences(
    seq: RunResult | None, thr: RunResult | None, proc: RunResult | None, config: RunConfig
) -> list[str]:
    """When tasks carried data (--payload): what moving it cost processes, from their figures."""
    if not (proc and proc.ok and proc.bytes_sent):
        return []
    megabytes = proc.bytes_sent / 2**20
    per_worker = proc.transfer_s / max(1, proc.workers)
    line = (
        f"Processes were sent {megabytes:,.0f} MB ({config.payload:g} MB with every chunk of tasks); "
        f"receiving it took their workers {proc.transfer_s:.2f} s in all"
    )
    if proc.wall_s > 0 and per_worker >= DATA_BOUND_SHARE * proc.wall_s:
        line += f", about {per_worker / proc.wall_s:.0%} of the lane's {proc.wall_s:.2f} s: moving data outweighed"
        line += " the work"
        if thr and thr.ok and thr.wall_s < proc.wall_s:
            line += f"; threads share it in memory and took {thr.wall_s:.2f} s"
    return [line + "."]


#: Per-task scheduling cost, against each task's own compute time, above which Dask's overhead
#: is the story; and how close to the processes lane counts as a match.
DASK_OVERHEAD_SHARE = 0.5
MATCH_MARGIN = 0.10


def dask_sentences(dask: RunResult | None, proc: RunResult | None) -> list[str]:
    """What the cluster cost and bought, from the dask lane's own figures."""
    if not (dask and dask.ok and dask.tasks_done):
        return []
    lines = []
    if dask.wall_s > 0 and dask.startup_s / dask.wall_s >= 0.2:
        lines.append(f"Starting the Dask cluster took {dask.startup_s:.2f} s of the lane's {dask.wall_s:.2f} s.")
    if dask.compute_s is not None:
        busy = max(0.0, dask.wall_s - dask.startup_s) * max(1, dask.workers)
        per_task = max(0.0, busy - dask.compute_s) / dask.tasks_done
        work = dask.compute_s / dask.tasks_done
        if per_task > DASK_OVERHEAD_SHARE * work:
            lines.append(
                f"Dask spent about {per_task * 1e3:.1f} ms per task on scheduling and messages, against "
                f"{work * 1e3:.2f} ms of work in each: per-task overhead dominated; bigger tasks pay it off."
            )
    if proc and proc.ok and proc.wall_s > 0 and abs(dask.wall_s / proc.wall_s - 1) <= MATCH_MARGIN:
        lines.append(
            f"The cluster matched processes: {dask.wall_s:.2f} s against {proc.wall_s:.2f} s "
            "(on one machine a cluster buys no more cores than a pool)."
        )
    if dask.cluster_cpu_s and dask.cpu_s and abs(dask.cluster_cpu_s / dask.cpu_s - 1) > 0.05:
        lines.append(
            f"Dask's workers counted {dask.cluster_cpu_s:.2f} CPU s; the lane's whole process tree "
            f"{dask.cpu_s:.2f} s (scheduler, nannies and start-up included)."
        )
    return lines
