"""What the asyncio and hybrid lanes' figures say, beside threads and processes: the event loop
overlaps waits in one thread; a process pool behind it adds the cores."""

from __future__ import annotations

from paraviz.core.i18n import _, num
from paraviz.core.model.comparisons import CPU_BOUND_CORES
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult, mode_name

#: An asyncio lane at most this much faster than a CPU-bound sequential lane gained nothing.
NO_GAIN = 1.15
#: An asyncio lane under this many cores, this much faster than sequential, was overlapping waits.
WAITING_CORES, WAITING_SPEEDUP = 0.5, 1.5
#: A share of thread-time waiting for the GIL worth naming.
GIL_WAIT_SHARE = 0.1


def loop_sentences(lanes: dict[str, RunResult], config: RunConfig, explained: set[str]) -> list[str]:
    """asyncio and, on a workload that waits then computes, the threads beside it (the hybrid's
    sentence, which compares every lane, is said first: hybrid_sentences)."""
    seq = lanes.get("sequential")
    lines = asyncio_sentences(seq, lanes.get("asyncio"), explained)
    if config.workload.io_part:
        lines += threads_on_a_pipeline(lanes.get("threads"))
    return lines


def asyncio_sentences(seq: RunResult | None, lane: RunResult | None, explained: set[str]) -> list[str]:
    if not (lane and lane.ok and lane.speedup is not None):
        return []
    cores, speedup, in_flight = num(lane.effective_cores), num(lane.speedup), lane.workers
    explained.add("asyncio")
    if lane.effective_cores < WAITING_CORES and lane.speedup > WAITING_SPEEDUP:
        return [
            _(
                "asyncio overlapped up to {in_flight} waits at a time in one thread: {speedup}× sequential on "
                "{cores} cores, as threads do, with no thread per task."
            ).format(in_flight=in_flight, speedup=speedup, cores=cores)
        ]
    if seq is not None and seq.ok and seq.effective_cores >= CPU_BOUND_CORES and lane.speedup <= NO_GAIN:
        return [
            _(
                "asyncio gained nothing on this CPU work ({speedup}× on {cores} cores): its tasks ran on one "
                "event loop, and a coroutine that computes blocks the loop until it is done."
            ).format(speedup=speedup, cores=cores)
        ]
    return [
        _(
            "asyncio overlapped the waits of {in_flight} tasks at a time, but computed in its one thread: "
            "{cores} cores, {speedup}× sequential."
        ).format(in_flight=in_flight, cores=cores, speedup=speedup)
    ]


def threads_on_a_pipeline(thr: RunResult | None) -> list[str]:
    """Threads waiting on I/O and computing Python: the waits overlap, the computing does not."""
    if not (thr and thr.ok and thr.speedup is not None and thr.gil_share is not None):
        return []
    if thr.gil_share < GIL_WAIT_SHARE:
        return []
    return [
        _(
            "Threads overlapped the waits but computed one at a time: {cores} cores, and they waited for the "
            "GIL {share} of their time."
        ).format(cores=num(thr.effective_cores), share=num(thr.gil_share, ".0%"))
    ]


def hybrid_sentences(lanes: dict[str, RunResult], explained: set[str]) -> list[str]:
    """The hybrid lane's split (waiting on the loop, computing in the pool) and how it compares."""
    hybrid = lanes.get("hybrid")
    if not (hybrid and hybrid.ok and hybrid.speedup is not None and hybrid.compute_s is not None):
        return []
    explained.add("hybrid")
    line = _(
        "Hybrid: one event loop overlapped every task's wait ({waited} s of waiting, summed over the tasks) "
        "while {workers} processes computed ({computed} s) on {cores} cores: {speedup}× sequential"
    ).format(
        waited=num(hybrid.io_wait_s or 0.0),
        workers=hybrid.workers,
        computed=num(hybrid.compute_s),
        cores=num(hybrid.effective_cores),
        speedup=num(hybrid.speedup),
    )
    others = [lanes[m] for m in ("threads", "processes", "asyncio") if m in lanes and lanes[m].speedup is not None]
    if others:
        best = max(others, key=lambda r: r.speedup or 0.0)
        line += _(", {ratio}× the best of the others ({lane}, {speedup}×)").format(
            ratio=num((hybrid.speedup or 0.0) / (best.speedup or 1.0)),
            lane=mode_name(best.mode),
            speedup=num(best.speedup or 0.0),
        )
    return [line + "."]
