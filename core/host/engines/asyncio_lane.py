"""The asyncio mode: every task a coroutine on one event loop, in the host's one thread.

``--workers`` is how many tasks are in flight at once. A workload with an async form (its
``async_task``: the sleep and pipeline workloads) awaits its I/O, so the waits overlap; any other
task runs inside the loop and blocks it, as CPU work in a coroutine does: one at a time, one core.
Each task in flight has its slot, and the slots are the lane's worker rows (one thread, many
overlapping tasks). Not an engine of the threads/processes lanes but a lane of its own; it reports
the same events. Standard library only.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from paraviz.core.host.engines.base import FLUSH_EVERY_S, LaneContext, Outcome
from paraviz.core.i18n import _
from paraviz.core.model.workloads import resolve


class TaskFailed(Exception):
    """A task raised: the lane's error names it."""


def slot_row(slot: int) -> int:
    """The worker row of a slot: tasks in flight are not threads, so rows are numbered apart from
    any thread id (negative), and no thread's state is drawn over them."""
    return -1 - slot


def coroutine_of(lane: LaneContext) -> Callable[[int, Any], Awaitable[Any]]:
    """The workload's async form, or its plain task run inside a coroutine (it blocks the loop)."""
    reference = lane.cfg.get("async_task")
    if reference:
        return resolve(reference)  # type: ignore[return-value]
    task = lane.task

    async def blocking(index: int, arg: Any) -> Any:
        return task(index, arg)

    return blocking


def run(lane: LaneContext) -> Outcome:
    outcome = Outcome(children_counted=True)
    lane.ready(0.0, in_flight=lane.workers, thread=threading.get_native_id())  # a loop starts in microseconds
    try:
        asyncio.run(run_tasks(lane, coroutine_of(lane)))
    except TaskFailed as exc:
        outcome.error = str(exc)
    return outcome


async def run_tasks(lane: LaneContext, coroutine: Callable[[int, Any], Awaitable[Any]]) -> None:
    """Start tasks as slots free up, until the batch (or its time) is done; the first failure ends it."""
    pid, emitter, batch = os.getpid(), lane.emitter, lane.batch
    free: asyncio.Queue[int] = asyncio.Queue()
    for slot in range(lane.workers):
        free.put_nowait(slot)

    async def one(index: int, slot: int) -> None:
        start = time.monotonic()
        emitter.started.append((index, 1, pid, slot_row(slot), start, start))
        try:
            await coroutine(index, batch.arg_of(index))
        except Exception as exc:
            emitter.finish([(index, 0, pid, slot_row(slot), start, time.monotonic())])
            raise TaskFailed(
                _("task {index} raised {kind}: {error}").format(index=index, kind=type(exc).__name__, error=exc)
            ) from None
        finally:
            free.put_nowait(slot)
        emitter.finish([(index, 1, pid, slot_row(slot), start, time.monotonic())])

    async def admit(index: int) -> Coroutine[Any, Any, None]:
        return one(index, await free.get())

    await start_all(lane, admit)


async def start_all(lane: LaneContext, admit: Callable[[int], Awaitable[Coroutine[Any, Any, None]]]) -> None:
    """One task per index of the batch, each started when ``admit`` lets it in (a free slot, a place
    in the window); the lane's events flushed meanwhile (the loop is the only thread: it writes them
    too). The first TaskFailed ends them all and is raised."""

    async def flush() -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY_S)
            lane.emitter.maybe_flush()

    flusher = asyncio.create_task(flush())
    try:
        async with asyncio.TaskGroup() as group:
            index = 0
            while lane.batch.more(index, lane.t0):
                group.create_task(await admit(index))
                index += 1
    except* TaskFailed as failed:
        raise failed.exceptions[0] from None
    finally:
        flusher.cancel()
