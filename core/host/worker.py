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

from paraviz.core.i18n import _

#: A chunk this long reports one summary record instead of one per task.
DETAILED_CHUNK = 64

Record = tuple[int, int, int, int, float, float]  # first index, count, pid, tid, start, end
#: (records, error, pid, cpu seconds of the worker process, seconds the chunk's data took to arrive,
#: CPU seconds the chunk's tasks took on their thread's own clock)
ChunkResult = tuple[list[Record], str | None, int, float, float, float]


def load(reference: str) -> Callable[..., Any]:
    """``module:function``, already checked by the host."""
    module, _colon, name = reference.partition(":")
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


def probe() -> tuple[int, str | None]:
    """(pid, OMP_NUM_THREADS) as a worker sees them: the inner-thread limit its pool applied."""
    return os.getpid(), os.environ.get("OMP_NUM_THREADS")


class ItemCall:
    """Calls a one-argument function ``f(item)`` through the ``task(index, size)`` contract, as
    ``map`` would call it. A class, not a closure, so that it pickles for process pools."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def __call__(self, index: int, item: Any) -> Any:
        return self.function(item)


_configured = False


class FileBoard:
    """The WorkerBoard for pools that take no initializer of ours (loky): (pid, task) slots in a
    small memory-mapped file that each worker claims once, under a file lock."""

    SLOTS = 64

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def create(cls, folder: str) -> FileBoard:
        path = os.path.join(folder, f"paraviz-board-{os.getpid()}")
        with open(path, "wb") as handle:
            handle.write(bytes(16 * cls.SLOTS))
        return cls(path)

    def claim(self) -> tuple[Any, int]:
        import fcntl
        import mmap
        import struct

        with open(self.path, "r+b") as handle:
            view = mmap.mmap(handle.fileno(), 16 * self.SLOTS)
            # Unlock explicitly: mmap keeps a duplicate of the descriptor, and with it the lock.
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                for slot in range(self.SLOTS):
                    if struct.unpack_from("q", view, 16 * slot)[0] == 0:
                        struct.pack_into("qq", view, 16 * slot, os.getpid(), -1)
                        return view, 16 * slot + 8
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return view, -1

    def entries(self) -> list[tuple[int, int]]:
        import struct

        with open(self.path, "rb") as handle:
            data = handle.read()
        pairs = [struct.unpack_from("qq", data, 16 * k) for k in range(self.SLOTS)]
        return [(pid, index) for pid, index in pairs if pid]


_file_slot: tuple[Any, int] | None = None


def run_configured_chunk(
    configure_ref: str | None,
    inner_threads: int | None,
    board: FileBoard | None,
    task: Callable[..., Any],
    first: int,
    sizes: list[Any],
    payload: bytes | None = None,
    sent_at: float = 0.0,
) -> ChunkResult:
    """run_chunk in a worker with no initializer hook (joblib's loky): configure it once, first,
    and note each task on the board so that a worker's death names its task."""
    global _configured, _file_slot
    if not _configured:
        _configured = True
        if configure_ref:
            load(configure_ref)(inner_threads)
        if board is not None:
            _file_slot = board.claim()
    if _file_slot is not None and _file_slot[1] >= 0:
        _file_slot[0][_file_slot[1] : _file_slot[1] + 8] = first.to_bytes(8, "little", signed=True)
    return run_chunk(task, first, sizes, None, payload, sent_at)


def _cpu_seconds() -> float:
    return time.process_time()  # the scheduler's ns counter; os.times() rounds to 10 ms ticks


#: The data shipped with the chunk now running (--payload), for tasks that read it.
_payload = threading.local()
#: When this worker (process or thread) finished its last chunk: waiting before that is queueing.
_last_end = threading.local()


def hold_payload(payload: bytes | None) -> None:
    """The sequential lane's tasks read the data in place (nothing to send)."""
    _payload.data = payload if payload is not None else b""


def received_payload() -> bytes:
    """The --payload data this task's chunk arrived with (empty without one)."""
    return getattr(_payload, "data", b"")


def run_chunk(
    task: Callable[[int, int], Any],
    first: int,
    sizes: list[int],
    started: deque[Record] | None = None,
    payload: bytes | None = None,
    sent_at: float = 0.0,
) -> ChunkResult:
    """Run tasks first..first+len(sizes)-1; return (records, error, pid, cpu seconds of this
    process, seconds the chunk's data took to arrive, CPU seconds of the tasks on this thread).

    The arrival time is from the host's submission (``sent_at``; CLOCK_MONOTONIC is one clock for
    every process) to this chunk's start, less any time this worker was still busy before:
    pickling, the pipe and unpickling, not queueing. Errors are caught here so the caller learns
    which task failed and why.
    """
    chunk_start = time.monotonic()
    waited = 0.0
    if payload is not None and sent_at:
        waited = max(0.0, chunk_start - max(sent_at, getattr(_last_end, "t", 0.0)))
    _payload.data = payload if payload is not None else b""
    pid, tid = os.getpid(), threading.get_native_id()
    detailed = len(sizes) <= DETAILED_CHUNK
    records: list[Record] = []
    error = None
    cpu0 = time.thread_time()  # the thread's own CPU clock: this worker's tasks, not its neighbours'
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
            error = _("task {index} raised {kind}: {error}").format(index=index, kind=type(exc).__name__, error=exc)
            records.append((index, 0, pid, tid, t0, time.monotonic()))  # count 0: a failed task
            break
        if detailed:
            records.append((index, 1, pid, tid, t0, time.monotonic()))
    if not detailed and error is None:
        records.append((first, len(sizes), pid, tid, chunk_start, time.monotonic()))
    _payload.data = b""
    task_cpu = time.thread_time() - cpu0
    _last_end.t = time.monotonic()
    return records, error, pid, _cpu_seconds(), waited, task_cpu
