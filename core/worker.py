"""What runs inside a process-pool worker: kept apart from the host so that spawn and
forkserver workers import only the standard library and this small module before the first task."""

from __future__ import annotations

import importlib
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

#: A chunk this long reports one summary record instead of one per task.
DETAILED_CHUNK = 64

Record = tuple[int, int, int, int, float, float]  # first index, count, pid, tid, start, end


def load(reference: str) -> Callable[..., Any]:
    """``module:function``, already checked by the host."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def ping() -> int:
    """The trivial call whose answer marks a pool as ready."""
    return os.getpid()


#: In a pool worker: (shared slots, this worker's slot) of the host's WorkerBoard.
_board_slot: tuple[Any, int] | None = None


def init_worker(configure_ref: str | None, inner_threads: int | None, slots: Any = None, next_slot: Any = None) -> None:
    """Pool initializer: limit inner threads, claim a slot on the host's WorkerBoard."""
    global _board_slot
    # A forked worker inherits the host's SIGTERM handler; the pool's own SIGTERM must just end it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if configure_ref:
        load(configure_ref)(inner_threads)
    if slots is not None and next_slot is not None:
        with next_slot.get_lock():
            slot = next_slot.value
            next_slot.value += 1
        if 2 * slot + 1 < len(slots):
            slots[2 * slot] = os.getpid()
            slots[2 * slot + 1] = -1
            _board_slot = (slots, 2 * slot + 1)


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def run_chunk(
    task: Callable[[int, int], Any],
    first: int,
    sizes: list[int],
    started: deque[Record] | None = None,
) -> tuple[list[Record], str | None, int, float]:
    """Run tasks first..first+len(sizes)-1; return (records, error, pid, cpu seconds of this process).

    Errors are caught here so the caller learns which task failed and why.
    """
    pid, tid = os.getpid(), threading.get_native_id()
    detailed = len(sizes) <= DETAILED_CHUNK
    records: list[Record] = []
    chunk_start = time.monotonic()
    error = None
    for offset, size in enumerate(sizes):
        index = first + offset
        t0 = time.monotonic()
        if _board_slot is not None:
            _board_slot[0][_board_slot[1]] = index
        if started is not None:
            started.append((index, 1, pid, tid, t0, t0))
        try:
            task(index, size)
        except Exception as exc:
            error = f"task {index} raised {type(exc).__name__}: {exc}"
            records.append((index, 0, pid, tid, t0, time.monotonic()))  # count 0: a failed task
            break
        if detailed:
            records.append((index, 1, pid, tid, t0, time.monotonic()))
    if not detailed and error is None:
        records.append((first, len(sizes), pid, tid, chunk_start, time.monotonic()))
    return records, error, pid, _cpu_seconds()
