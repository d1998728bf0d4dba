"""What one look at a thread in /proc says: its syscall line (or wchan and stat) as a reading —
running, a futex wait at a key (timed or not, which word), or any other wait (I/O, told apart by its
syscall and the kind of its file descriptor) — and the small reads that take it. Which futex key is
the GIL's is learnt by the sampler (core/measure/threads.py)."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass

from paraviz.core.model.budget import THREAD_STATES
from paraviz.core.model.diagnosis import IO_KINDS, LOCK

#: The futex syscall's number, by machine (the syscall file gives numbers).
FUTEX_SYSCALL = {"x86_64": 202, "aarch64": 98, "riscv64": 98, "loongarch64": 98}.get(platform.machine())
RUNNING, READY, GIL, WAIT, IO = THREAD_STATES
#: One letter per state in a tick's record: the trace keeps strings, not tuples.
LETTER = {RUNNING: "r", READY: "q", GIL: "g", WAIT: "w", IO: "i"}

SLEEP, PIPE, SOCKET, FILE, JOIN, POLL, OTHER = IO_KINDS

#: Syscall numbers by machine (the syscall file gives numbers): sleeps, waits for a child, polls, and
#: those whose first argument is the file descriptor they wait on.
_X86_64 = {
    SLEEP: (35, 230),  # nanosleep, clock_nanosleep
    JOIN: (61, 247),  # wait4, waitid
    POLL: (7, 23, 232, 270, 271, 281, 441),  # poll, select, epoll_wait, pselect6, ppoll, epoll_pwait(2)
    "fd": (0, 1, 17, 18, 19, 20, 42, 43, 44, 45, 46, 47, 288),  # read, write, preadv..., socket calls
}
_GENERIC = {  # aarch64, riscv64, loongarch64: the generic table
    SLEEP: (101, 115),
    JOIN: (260, 95),
    POLL: (72, 73, 22, 441),
    "fd": (63, 64, 65, 66, 67, 68, 202, 203, 206, 207, 211, 212, 242),
}
SYSCALLS = {"x86_64": _X86_64, "aarch64": _GENERIC, "riscv64": _GENERIC, "loongarch64": _GENERIC}.get(
    platform.machine(), {}
)
SYSCALL_KIND = {number: kind for kind, numbers in SYSCALLS.items() if kind != "fd" for number in numbers}
FD_SYSCALLS = frozenset(SYSCALLS.get("fd", ()))


def fd_kind(link: str) -> str:
    """The kind of a file descriptor from its /proc/PID/fd link: pipe:[…], socket:[…], a path."""
    if link.startswith("pipe:"):
        return PIPE
    if link.startswith("socket:"):
        return SOCKET
    if link.startswith("/") and not link.startswith(("/dev/pts", "/dev/tty", "/dev/null")):
        return FILE
    return OTHER


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
    #: What it waits on, for I/O (IO_KINDS); a futex's is LOCK or the GIL, known to the sampler.
    detail: str = OTHER


def classify(
    syscall: bytes, stat_state: bytes | None = None, fd_link: Callable[[int], str] | None = None
) -> ThreadReading:
    """One line of /proc/PID/task/TID/syscall as a reading (GIL waits are told apart later);
    ``fd_link`` reads the thread's process's /proc/PID/fd/N link, for what a read or write waits on."""
    fields = syscall.split()
    if not fields or fields[0] == b"running":
        return ThreadReading(RUNNING)
    if fields[0] == b"-1":  # blocked, but not in a syscall (a page fault, a stop): stat says how
        state = {b"R": RUNNING, b"D": IO}.get(stat_state or b"", WAIT)
        return ThreadReading(state, detail=FILE if state == IO else OTHER)
    number = int(fields[0])
    if number == FUTEX_SYSCALL and len(fields) >= 5:
        address = int(fields[1], 16)
        return ThreadReading(WAIT, futex_key(address), fields[4] != b"0x0", address & 4, LOCK)
    kind = SYSCALL_KIND.get(number, OTHER)
    if number in FD_SYSCALLS and fd_link is not None and len(fields) >= 2:
        try:
            kind = fd_kind(fd_link(int(fields[1], 16)))
        except (OSError, ValueError):
            kind = OTHER
    return ThreadReading(IO, detail=kind)


def classify_wchan(wchan: bytes, stat_state: bytes) -> ThreadReading:
    """Without the syscall file: running, a futex wait, or any other sleep (I/O), no GIL split."""
    if stat_state == b"R":
        return ThreadReading(RUNNING)
    if b"futex" in wchan:
        return ThreadReading(WAIT, detail=LOCK)
    kind = next((kind for mark, kind in WCHAN_KINDS if mark in wchan), FILE if stat_state == b"D" else OTHER)
    return ThreadReading(IO, detail=kind)


#: The kernel function a thread sleeps in (wchan), where the syscall file cannot be read.
WCHAN_KINDS = (
    (b"pipe", PIPE),
    (b"do_wait", JOIN),
    (b"nanosleep", SLEEP),
    (b"poll", POLL),
    (b"select", POLL),
    (b"unix_stream", SOCKET),
    (b"sk_wait", SOCKET),
    (b"inet", SOCKET),
    (b"tcp", SOCKET),
)


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
