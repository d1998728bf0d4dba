"""concurrent.futures: ThreadPoolExecutor and ProcessPoolExecutor (paraviz's default engine)."""

from __future__ import annotations

import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from paraviz.core.host.engines.base import LaneContext, Outcome, WorkerBoard, WorkerDied, run_windowed
from paraviz.core.host.engines.spec import EngineSpec
from paraviz.core.host.worker import init_worker, ping
from paraviz.core.i18n import N_, _

SPEC = EngineSpec("futures", N_("ThreadPoolExecutor / ProcessPoolExecutor"))


class _Result:
    """A future whose broken pool names the task its dead worker was running."""

    def __init__(self, future: Future[Any], executor: Executor, board: WorkerBoard | None) -> None:
        self.future, self.executor, self.board = future, executor, board

    def result(self, timeout: float | None = None) -> Any:
        try:
            return self.future.result(timeout)
        except BrokenProcessPool:
            raise WorkerDied(_dead_worker(self.executor, self.board)) from None


def _dead_worker(executor: Executor, board: WorkerBoard | None) -> str:
    # The pool's manager thread reaps every worker after a break; let it finish, so that each
    # exit code is known (private attributes, but stable since Python 3.9).
    manager = getattr(executor, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(timeout=2)
    processes = getattr(executor, "_processes", None) or {}
    return (board.dead_worker_task(processes) if board is not None else None) or ""


def run(lane: LaneContext) -> Outcome:
    board = None
    executor: Executor
    if lane.mode == "threads":
        executor = ThreadPoolExecutor(max_workers=lane.workers, thread_name_prefix="paraviz-worker")
    else:
        import multiprocessing

        context = multiprocessing.get_context(lane.start_method)
        board = WorkerBoard(context, lane.workers)
        executor = ProcessPoolExecutor(
            max_workers=lane.workers,
            mp_context=context,
            initializer=init_worker,
            initargs=(lane.cfg.get("configure"), lane.cfg.get("inner_threads"), *board.initargs()),
        )
    # forkserver workers are children of the fork server, not of this host: os.times() does not
    # count them, so their CPU comes from what each reported with its results.
    outcome = Outcome(children_counted=lane.mode == "threads" or lane.start_method != "forkserver")
    try:
        executor.submit(ping).result()  # the first worker answering ends the start-up
    except BrokenProcessPool:
        outcome.error = _("the process pool could not start a worker")
    outcome.startup_s = time.monotonic() - lane.t0
    chunksize = int(lane.cfg.get("chunksize") or 1) if lane.mode == "processes" else 1
    lane.ready(outcome.startup_s, chunksize=chunksize)
    if outcome.error is None:

        def submit(fn: Any, *args: Any) -> _Result:
            return _Result(executor.submit(fn, *args), executor, board)

        live = lane.emitter.started if lane.mode == "threads" else None
        outcome.error = run_windowed(lane, submit, chunksize, outcome, live)
    outcome.cleanup = lambda: executor.shutdown(wait=True)
    return outcome
