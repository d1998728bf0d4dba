"""One thread as the state sampler follows it: its open /proc files, its last counters, and its
time by state (and by what it waited on) since the lane began."""

from __future__ import annotations

import contextlib
import functools
import os
import resource
from collections import Counter
from dataclasses import dataclass, field

from paraviz.core.measure.gil_keys import GilKeys
from paraviz.core.measure.thread_reading import GIL, READY, RUNNING, WAIT, ThreadReading


@dataclass
class ThreadTrack:
    """One thread's open files and last counters, and its time by state since the lane began."""

    pid: int
    tid: int
    schedstat: int
    syscall: int | None  # None: unreadable, wchan and stat instead
    run_ns: int = 0
    queue_ns: int = 0
    stamp: float = 0.0
    last: ThreadReading | None = None
    #: The syscall file's line behind ``last``: the same line again is the same wait (a GIL waiter's).
    last_line: bytes = b""
    #: Its last wait seen: where it most likely blocked in an interval it was running at both ends of.
    last_blocked: ThreadReading | None = None
    seconds: Counter[str] = field(default_factory=Counter)
    #: Blocked seconds on each futex key, timed or not: which of them were the GIL is known later.
    futex_s: Counter[tuple[int, bool]] = field(default_factory=Counter)
    #: Blocked seconds by what it waited on, for waits that are not futexes (IO_KINDS).
    detail_s: Counter[str] = field(default_factory=Counter)
    #: Nanoseconds on a CPU at the last listing: whether it ran since (core/measure/threads.py).
    listed_run_ns: int = 0

    def close(self) -> None:
        for fd in (self.schedstat, self.syscall):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def account(self, gil: GilKeys, reading: ThreadReading, wall: float, run: float, queue: float) -> str:
        """Add the interval's time: on a CPU and in the run queue from schedstat, the rest blocked
        where the thread waits now (or, running again now, where it was last seen waiting).
        Returns the state that took most of the interval."""
        # 50 times a second per thread: plain comparisons, not min/max over tuples.
        run = 0.0 if run < 0.0 else wall if run > wall else run
        queue = 0.0 if queue < 0.0 else wall - run if queue > wall - run else queue
        blocked = wall - run - queue
        blocked = blocked if blocked > 0.0 else 0.0
        seconds = self.seconds
        seconds[RUNNING] += run
        seconds[READY] += queue
        if reading.state != RUNNING:
            where = self.last_blocked = reading
        else:
            where = self.last_blocked or reading
        if where.key is not None:
            self.futex_s[(where.key, where.timed)] += blocked
            blocked_state = GIL if gil.is_gil(where.key, where.timed) else WAIT
        else:
            blocked_state = where.state if where.state != RUNNING else WAIT
            seconds[blocked_state] += blocked
            self.detail_s[where.detail] += blocked
        # The state that took most of the interval (ties: the later name, as max() of pairs would).
        most, state = run, RUNNING
        if queue > most:  # a tie stays "running", which max() of pairs would have kept too
            most, state = queue, READY
        if blocked > most or (blocked == most and blocked_state > state):
            state = blocked_state
        return state

    def states(self, gil: GilKeys) -> Counter[str]:
        """Its seconds by state, its futex waits split into the GIL's and the others (locks)."""
        seconds = Counter(self.seconds)
        for (key, timed), blocked in self.futex_s.items():
            seconds[GIL if gil.is_gil(key, timed) else WAIT] += blocked
        return seconds

    def merge(self, earlier: ThreadTrack) -> None:
        """Add what an earlier track of the same thread read (read again after a pause)."""
        self.seconds.update(earlier.seconds)
        self.futex_s.update(earlier.futex_s)
        self.detail_s.update(earlier.detail_s)


class CpuCounters:
    """Every listed thread's CPU counter (schedstat kept open), to pick which to read when there are
    more than the sampler reads: those that ran since the last listing, busiest first."""

    def __init__(self, path: str) -> None:
        self.path = path  # "{proc}/{pid}/task/{tid}/schedstat" with pid and tid to fill
        self.files: dict[tuple[int, int], int] = {}
        self.listed_run: dict[tuple[int, int], int] = {}

    def busiest(
        self, found: list[tuple[int, int]], tracks: dict[tuple[int, int], ThreadTrack], most: int
    ) -> list[tuple[int, int]]:
        ran: list[tuple[int, tuple[int, int]]] = []
        listed_run = {}
        for key in found:
            track = tracks.get(key)
            run_ns = track.run_ns if track is not None and track.stamp else self.run_ns(key)
            if run_ns is None:
                continue
            before = self.listed_run.get(key, 0)  # a thread new since the last listing: all its life
            listed_run[key] = run_ns
            if run_ns > before:
                ran.append((run_ns - before, key))
        self.listed_run = listed_run
        self.close(set(listed_run))
        ran.sort(reverse=True)
        return [key for _ns, key in ran[:most]]

    def run_ns(self, key: tuple[int, int]) -> int | None:
        """A thread's nanoseconds on a CPU; None: it is gone."""
        fd = self.files.get(key)
        try:
            if fd is None:
                raise_file_limit()
                fd = self.files[key] = os.open(self.path.format(pid=key[0], tid=key[1]), os.O_RDONLY)
            return int(os.pread(fd, 64, 0).split()[0])
        except (OSError, IndexError, ValueError):
            return None

    def close(self, keep: set[tuple[int, int]] | None = None) -> None:
        for key in [k for k in self.files if keep is None or k not in keep]:
            with contextlib.suppress(OSError):
                os.close(self.files.pop(key))
        if keep is None:
            self.listed_run = {}


@functools.cache
def raise_file_limit() -> None:
    """Open files up to the hard limit: 300 threads' counters kept open pass a soft limit of 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
