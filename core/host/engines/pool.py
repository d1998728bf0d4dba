"""multiprocessing: ``Pool(workers).map`` for processes and ``pool.ThreadPool`` for threads, as the
notebooks write them, with Pool's own default chunksize unless ``--chunksize`` is given."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from paraviz.core.host.engines.base import LaneContext, Outcome, WorkerBoard, run_windowed
from paraviz.core.host.engines.spec import EngineSpec
from paraviz.core.host.worker import init_worker, ping
from paraviz.core.i18n import N_, _, num

if TYPE_CHECKING:
    from paraviz.core.model.figures import RunResult


def sentences(thr: RunResult | None, proc: RunResult | None, logical_cores: int) -> list[str]:
    """Pool.map's chunks: why the processes lane sent its tasks in chunks of that size."""
    if not (proc and proc.ok and proc.chunksize_why):
        return []
    return [
        _("Pool sent {tasks} tasks in chunks of {chunksize} ({why}): one message per chunk, not per task.").format(
            tasks=num(proc.tasks_done, ","), chunksize=num(proc.chunksize or 1, ","), why=proc.chunksize_why
        )
    ]


SPEC = EngineSpec("pool", N_("multiprocessing ThreadPool / Pool.map"), sentences=sentences)


class _Async:
    """An AsyncResult read like a concurrent.futures.Future."""

    def __init__(self, result: Any) -> None:
        self.async_result = result

    def result(self, timeout: float | None = None) -> Any:
        import multiprocessing

        try:
            return self.async_result.get(timeout)
        except multiprocessing.TimeoutError:
            raise TimeoutError from None


def default_chunksize(tasks: int, workers: int) -> int:
    """What ``Pool.map`` picks when given none: ceil(tasks / (4 x workers)) (CPython's pool.py)."""
    return max(1, math.ceil(tasks / (4 * workers)))


def chunking(lane: LaneContext) -> tuple[int, str]:
    """(chunksize, why): the user's, or Pool.map's default."""
    given = lane.cfg.get("chunksize")
    if given:
        return int(given), _("given with --chunksize")
    if lane.batch.seconds is not None:  # no task count to divide: one chunk per task, like imap
        return 1, _("timed run: Pool.imap's default of 1")
    size = default_chunksize(lane.batch.tasks, lane.workers)
    return size, _("Pool.map's default, ceil({tasks} tasks / (4 × {workers} workers))").format(
        tasks=lane.batch.tasks, workers=lane.workers
    )


def run(lane: LaneContext) -> Outcome:
    import multiprocessing
    from multiprocessing.pool import Pool, ThreadPool

    board = None
    pool: Pool
    if lane.mode == "threads":
        pool = ThreadPool(lane.workers)
    else:
        context = multiprocessing.get_context(lane.start_method)
        board = WorkerBoard(context, lane.workers)
        pool = context.Pool(
            lane.workers,
            initializer=init_worker,
            initargs=(lane.cfg.get("configure"), lane.cfg.get("inner_threads"), *board.initargs()),
        )
    outcome = Outcome(children_counted=lane.mode == "threads" or lane.start_method != "forkserver")
    pool.apply(ping)  # the first worker answering ends the start-up
    outcome.startup_s = time.monotonic() - lane.t0
    chunksize, why = chunking(lane)
    outcome.details = {"chunksize": chunksize, "chunksize_why": why}
    lane.ready(outcome.startup_s, **outcome.details)

    # Pool replaces a dead worker and waits for its lost task for ever: watch the workers (the
    # first ones from the start: the pool forgets a dead worker as soon as it replaces it).
    known: dict[int, Any] = {p.pid: p for p in getattr(pool, "_pool", [])} if board is not None else {}

    def dead_worker() -> str | None:
        if board is None:
            return None
        known.update({p.pid: p for p in getattr(pool, "_pool", [])})
        return board.dead_worker_task(known)

    def submit(fn: Any, *args: Any) -> _Async:
        return _Async(pool.apply_async(fn, args))

    # Chunks go out through a bounded window of apply_async calls rather than one map over the
    # whole list: the same chunks reach the same shared queue, without holding a million at once.
    live = lane.emitter.started if lane.mode == "threads" else None
    outcome.error = run_windowed(lane, submit, chunksize, outcome, live, dead_worker)

    def cleanup() -> None:
        pool.close()
        pool.join()

    outcome.cleanup = cleanup
    return outcome
