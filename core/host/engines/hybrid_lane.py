"""The hybrid mode: one event loop does every task's I/O, a process pool does their computing.

Each task's I/O part (the workload's ``io_part``, a coroutine) is awaited on the loop, all of them
at once (up to the window of 256), so the waits overlap as asyncio's do; its CPU part
(``cpu_part(size, answer)``) goes to a ``ProcessPoolExecutor`` of ``--workers`` processes through
``loop.run_in_executor``, so the computing fills the cores as processes do. The worker rows are the
pool's processes; the figures split the time tasks waited on the loop from the time the pool
computed. Standard library only.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from paraviz.core.host.engines.asyncio_lane import TaskFailed, start_all
from paraviz.core.host.engines.base import BATCH_WINDOW, LaneContext, Outcome
from paraviz.core.host.worker import init_worker, ping
from paraviz.core.i18n import _
from paraviz.core.model.workloads import resolve


def compute_in_worker(cpu_part: str, size: Any, answer: Any) -> tuple[int, int, float, float, float, float]:
    """In a pool worker: the CPU part, timed; (pid, thread id, start, end, this worker's CPU seconds,
    the part's CPU seconds on its thread)."""
    start, cpu0 = time.monotonic(), time.thread_time()
    resolve(cpu_part)(size, answer)
    return (
        os.getpid(),
        threading.get_native_id(),
        start,
        time.monotonic(),
        time.process_time(),
        time.thread_time() - cpu0,
    )


def run(lane: LaneContext) -> Outcome:
    context = multiprocessing.get_context(lane.start_method)
    executor = ProcessPoolExecutor(
        max_workers=lane.workers,
        mp_context=context,
        initializer=init_worker,
        initargs=(lane.cfg.get("configure"), lane.cfg.get("inner_threads")),
    )
    # forkserver's workers are the fork server's children: their CPU comes with their results.
    outcome = Outcome(children_counted=lane.start_method != "forkserver")
    outcome.cleanup = lambda: executor.shutdown(wait=True)
    try:
        executor.submit(ping).result()  # the first worker answering ends the start-up
    except BrokenProcessPool:
        outcome.error = _("the process pool could not start a worker")
    outcome.startup_s = time.monotonic() - lane.t0
    lane.ready(outcome.startup_s, start_method=lane.start_method)
    if outcome.error is None:
        try:
            waited, computed = asyncio.run(run_tasks(lane, executor, outcome))
        except TaskFailed as exc:
            outcome.error = str(exc)
        else:
            outcome.details = {"io_wait_s": waited, "compute_s": computed}
    return outcome


async def run_tasks(lane: LaneContext, executor: ProcessPoolExecutor, outcome: Outcome) -> tuple[float, float]:
    """Every task: its I/O awaited here, its computing in the pool. (Seconds the tasks waited on
    the loop, seconds the pool computed), each summed over the tasks."""
    io_part, cpu_part = resolve(lane.cfg["io_part"]), lane.cfg["cpu_part"]
    loop = asyncio.get_running_loop()
    emitter, batch = lane.emitter, lane.batch
    window = asyncio.Semaphore(BATCH_WINDOW)
    totals = [0.0, 0.0]

    async def one(index: int) -> None:
        try:
            t0 = time.monotonic()
            answer = await io_part(index)
            totals[0] += time.monotonic() - t0
            pid, tid, start, end, cpu, task_cpu = await loop.run_in_executor(
                executor, compute_in_worker, cpu_part, batch.arg_of(index), answer
            )
        except Exception as exc:
            kind = "a worker process died" if isinstance(exc, BrokenProcessPool) else type(exc).__name__
            raise TaskFailed(
                _("task {index} raised {kind}: {error}").format(index=index, kind=kind, error=exc)
            ) from None
        finally:
            window.release()
        totals[1] += end - start
        outcome.worker_cpu[pid] = max(cpu, outcome.worker_cpu.get(pid, 0.0))
        emitter.finish([(index, 1, pid, tid, start, end)], task_cpu)

    async def admit(index: int) -> Coroutine[Any, Any, None]:
        await window.acquire()
        return one(index)

    await start_all(lane, admit)
    return totals[0], totals[1]
