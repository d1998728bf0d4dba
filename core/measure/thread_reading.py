"""What one look at a thread in /proc says: its syscall line (or wchan and stat) as a reading —
running, a futex wait at a key (timed or not, which word), or any other wait (I/O) — and the small
reads that take it. Which futex key is the GIL's is learnt by the sampler (core/measure/threads.py)."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from paraviz.core.model.budget import THREAD_STATES

#: The futex syscall's number, by machine (the syscall file gives numbers).
FUTEX_SYSCALL = {"x86_64": 202, "aarch64": 98, "riscv64": 98, "loongarch64": 98}.get(platform.machine())
RUNNING, READY, GIL, WAIT, IO = THREAD_STATES
#: One letter per state in a tick's record: the trace keeps strings, not tuples.
LETTER = {RUNNING: "r", READY: "q", GIL: "g", WAIT: "w", IO: "i"}


def futex_key(address: int) -> int:
    """A condition variable's two futex words (4 bytes apart, 8-aligned) share one key."""
    return address >> 3


@dataclass
class ThreadReading:
    """Where one thread was at one look: a class, and for a futex its key and whether timed."""

    state: str
    key: int | None = None
    timed: bool = False
    word: int = 0  # which 4-byte word of the key's 8 bytes: a condition variable's two, a semaphore's one


def classify(syscall: bytes, stat_state: bytes | None = None) -> ThreadReading:
    """One line of /proc/PID/task/TID/syscall as a reading (GIL waits are told apart later)."""
    fields = syscall.split()
    if not fields or fields[0] == b"running":
        return ThreadReading(RUNNING)
    if fields[0] == b"-1":  # blocked, but not in a syscall (a page fault, a stop): stat says how
        return ThreadReading({b"R": RUNNING, b"D": IO}.get(stat_state or b"", WAIT))
    number = int(fields[0])
    if number == FUTEX_SYSCALL and len(fields) >= 5:
        address = int(fields[1], 16)
        return ThreadReading(WAIT, futex_key(address), fields[4] != b"0x0", address & 4)
    return ThreadReading(IO)


def classify_wchan(wchan: bytes, stat_state: bytes) -> ThreadReading:
    """Without the syscall file: running, a futex wait, or any other sleep (I/O), no GIL split."""
    if stat_state == b"R":
        return ThreadReading(RUNNING)
    return ThreadReading(WAIT if b"futex" in wchan else IO)


#: A thread seen on a CPU (one shared reading: most looks at a busy lane).
RUNNING_READING = ThreadReading(RUNNING)


def read_small(fd: int) -> bytes:
    return os.pread(fd, 256, 0)  # a /proc file read again from its start, without opening it


def read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def stat_state(path: str) -> bytes:
    """The state letter of a /proc/PID/task/TID/stat file (R running or runnable, S, D, ...)."""
    return read_file(path).rsplit(b")", 1)[1].split()[0]
