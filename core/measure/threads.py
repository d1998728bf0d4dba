"""Each thread's state, read from outside in /proc: running, ready, waiting for the GIL, waiting
on a lock or queue, sleeping or in I/O. No ptrace attach, no debug symbols, any CPython.

Per thread and tick, two small files are read again with pread (no open): ``schedstat`` gives the
nanoseconds it spent on a CPU and waiting in a run queue (ready: runnable, no core free), so
those two are times, not guesses; ``syscall`` tells where a blocked thread waits. The time it
was blocked goes to that wait:

- a futex wait with a timeout on the GIL's condition variable is a GIL wait (``Python/ceval_gil.c``:
  a thread asking for the GIL waits ``sys.getswitchinterval()`` at a time on ``gil->cond``);
- any other futex (a Lock, Queue, Condition, Event; an idle pool's workers) is a wait;
- any other syscall (sleep, poll, sockets, files) is I/O.

The GIL's condition variable is learnt from what the threads do, not from CPython's memory: glibc
waits on a condition variable at two adjacent futex words (its two groups of waiters), and the GIL's
is waited on, with a timeout, by several threads. A Lock or Queue acquired with a timeout waits on a
semaphore, one word (seen: three threads on one Lock with acquire(timeout=...) used one address;
the GIL's waiters, two addresses 4 bytes apart). The thread that just dropped the GIL waits on
``switch_cond`` or the GIL's mutex, next to ``cond`` in the same struct, without a timeout: GIL too.

Where ``syscall`` cannot be read (a process paraviz did not start, under ptrace restrictions) the
kernel's ``wchan`` and ``stat`` still say running, waiting or sleeping, with no GIL split.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from paraviz.core.measure.thread_reading import (
    GIL,
    LETTER,
    READY,
    RUNNING,
    RUNNING_READING,
    WAIT,
    ThreadReading,
    classify,
    classify_wchan,
    read_file,
    read_small,
    stat_state,
)
from paraviz.core.model.budget import THREAD_STATES

__all__ = ["STATE_INTERVAL_S", "ThreadStateSampler", "classify"]

#: A futex word this close after the GIL's condition variable is the GIL's own struct (switch_cond,
#: the mutexes): 88 bytes after it on 3.11 (seen).
GIL_STRUCT_BYTES = 256
#: How often the state sampler looks (the issue asked for 50 Hz or more) and at most how many threads.
STATE_INTERVAL_S = 0.02
MAX_THREADS = 64
#: /proc's clock ticks per second (a thread's start time is counted in them).
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: Ended threads whose own states are kept for the lane's budget (the newest).
MAX_GONE = 4096
#: Seconds between two listings of the processes' threads: a new thread is read within 0.1 s.
LIST_EVERY_S = 0.1
#: A thread on a CPU or runnable this share of an interval or more is read as running, unlooked at.
BUSY_SHARE = 0.98


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

    def close(self) -> None:
        for fd in (self.schedstat, self.syscall):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)


class ThreadStateSampler:
    """The threads of a set of processes, looked at every STATE_INTERVAL_S from outside.

    ``tick(pids)`` reads every thread once; ``shares()`` gives the lane's sampled thread-time by
    state; ``drain_ticks()`` hands the chart each thread's state at each tick since the last call."""

    def __init__(self, proc: str = "/proc", clock: Callable[[], float] = time.monotonic) -> None:
        self.proc, self.clock = proc, clock  # another root and clock for tests (a fake /proc)
        self.tracks: dict[tuple[int, int], ThreadTrack] = {}
        #: Timed futex keys seen: the threads that waited there, and which of its two words.
        self.timed_waiters: dict[int, set[int]] = {}
        self.timed_words: dict[int, set[int]] = {}
        self.gil_keys: set[int] = set()
        #: Untimed futex keys and whether they lie in the GIL's struct (switch_cond, its mutex).
        self.near_gil: dict[int, bool] = {}
        self.readable = True  # False once a thread's syscall file could not be read
        #: Threads that ended: their time stays in the lane's shares, summed (one Thread per task
        #: makes thousands; the shares are read at every sample). Futex waits stay by key: which
        #: key is the GIL's may be learnt after the thread ended.
        self.gone_seconds: Counter[str] = Counter()
        self.gone_futex_s: Counter[tuple[int, bool]] = Counter()
        self.threads_gone = 0
        #: Ended threads' own time by state, for the lane's budget at its end (the newest MAX_GONE).
        self.gone_by_thread: dict[tuple[int, int], ThreadTrack] = {}
        #: (monotonic stamp, {(pid, tid): letter of the state that took most of the tick}), for the chart.
        self.ticks: list[tuple[float, dict[tuple[int, int], str]]] = []
        self.listed_pids: list[int] = []
        self.listed_at = -math.inf
        #: The first look: threads born after it are read from their birth.
        self.first_tick: float | None = None

    # -- reading ---------------------------------------------------------------------------------

    def path(self, pid: int, tid: int, name: str) -> str:
        return f"{self.proc}/{pid}/task/{tid}/{name}"

    def open_track(self, pid: int, tid: int) -> ThreadTrack | None:
        try:
            schedstat = os.open(self.path(pid, tid, "schedstat"), os.O_RDONLY)
        except OSError:
            return None
        syscall: int | None
        try:
            syscall = os.open(self.path(pid, tid, "syscall"), os.O_RDONLY)
            read_small(syscall)  # permission is checked on read (PTRACE_MODE_ATTACH)
        except OSError:
            syscall = None
            self.readable = False
        return ThreadTrack(pid, tid, schedstat, syscall)

    def thread_ids(self, pids: list[int]) -> list[tuple[int, int]]:
        """The threads to read: listed again every LIST_EVERY_S or when the processes change
        (a listdir a process at 50 Hz cost more than reading the threads); between, the ones known."""
        now = self.clock()
        if pids == self.listed_pids and now - self.listed_at < LIST_EVERY_S:
            return list(self.tracks)
        self.listed_pids, self.listed_at = list(pids), now
        found = []
        for pid in pids:
            try:
                found += [(pid, int(t)) for t in os.listdir(f"{self.proc}/{pid}/task")]
            except OSError:
                continue
        return found

    def tick(self, pids: list[int]) -> None:
        """One look at every thread of ``pids`` (up to MAX_THREADS)."""
        seen: set[tuple[int, int]] = set()
        letters: dict[tuple[int, int], str] = {}
        now = self.clock()  # one stamp a tick: reading a thread takes microseconds, a tick 20 ms
        if self.first_tick is None:
            self.first_tick = now
        for pid, tid in self.thread_ids(pids):
            if len(seen) >= MAX_THREADS:
                break
            key = (pid, tid)
            track = self.tracks.get(key)
            if track is None:
                track = self.open_track(pid, tid)
                if track is None:
                    continue
                self.tracks[key] = track
            letter = self.read(track, now)
            if letter is not None:
                seen.add(key)
                letters[key] = letter
        for key in [k for k in self.tracks if k not in seen]:
            self.retire(self.tracks.pop(key))
        if letters:
            self.ticks.append((now, letters))

    def read(self, track: ThreadTrack, now: float) -> str | None:
        """Read one thread; add the time since its last reading to its states. None: it is gone."""
        try:
            counters = os.pread(track.schedstat, 256, 0).split()
            run_ns, queue_ns = int(counters[0]), int(counters[1])
            ran_ns = run_ns + queue_ns - track.run_ns - track.queue_ns
            if track.syscall is None:
                wchan = read_file(self.path(track.pid, track.tid, "wchan"))
                reading = classify_wchan(wchan, stat_state(self.path(track.pid, track.tid, "stat")))
            elif track.stamp and ran_ns >= BUSY_SHARE * (now - track.stamp) * 1e9:
                # On a CPU or runnable all the interval: it did not wait (half the reads of a busy lane).
                reading = RUNNING_READING
            elif ran_ns == 0 and track.last is not None and track.last.state != RUNNING:
                # Not run since the last look: still blocked where it was (leaving a wait takes a CPU).
                reading = track.last
            else:
                where = os.pread(track.syscall, 256, 0)
                if where == track.last_line and track.last is not None:
                    reading = track.last
                else:
                    stat = stat_state(self.path(track.pid, track.tid, "stat")) if where.startswith(b"-1") else None
                    reading = classify(where, stat)
                    track.last_line = b"" if stat else where
        except (OSError, IndexError, ValueError):
            return None
        if reading.timed and reading is not track.last:
            self.learn(track, reading)
        if track.stamp:
            wall = now - track.stamp
            state = self.account(track, reading, wall, (run_ns - track.run_ns) / 1e9, (queue_ns - track.queue_ns) / 1e9)
        elif (born := self.born_since_first_tick(track)) is not None:
            # A thread born while the lane ran (a pool's worker): its life so far is the lane's, and its
            # counters start at its birth (a 4 Hz look at a 0.5 s lane had lost half of each worker).
            state = self.account(track, reading, max(0.0, now - born), run_ns / 1e9, queue_ns / 1e9)
        else:
            state = self.state_of(reading)
        track.run_ns, track.queue_ns, track.stamp, track.last = run_ns, queue_ns, now, reading
        return LETTER[state]

    def born_since_first_tick(self, track: ThreadTrack) -> float | None:
        """When the thread was born, on the monotonic clock, if after this sampler's first look;
        else None (a thread that was there before the lane: only its time from now on is the lane's)."""
        if self.first_tick is None or self.clock is not time.monotonic:  # a fake /proc has no births
            return None
        try:
            ticks = int(read_file(self.path(track.pid, track.tid, "stat")).rsplit(b")", 1)[1].split()[19])
        except (OSError, IndexError, ValueError):
            return None
        # starttime counts clock ticks since boot (CLOCK_BOOTTIME); moved onto the monotonic clock
        offset = time.clock_gettime(time.CLOCK_BOOTTIME) - time.monotonic()
        born = ticks / CLOCK_TICKS - offset
        return born if born >= self.first_tick else None

    def account(self, track: ThreadTrack, reading: ThreadReading, wall: float, run: float, queue: float) -> str:
        """Add the interval's time: on a CPU and in the run queue from schedstat, the rest blocked
        where the thread waits now (or, running again now, where it was last seen waiting).
        Returns the state that took most of the interval."""
        # 50 times a second per thread: plain comparisons, not min/max over tuples.
        run = 0.0 if run < 0.0 else wall if run > wall else run
        queue = 0.0 if queue < 0.0 else wall - run if queue > wall - run else queue
        blocked = wall - run - queue
        blocked = blocked if blocked > 0.0 else 0.0
        seconds = track.seconds
        seconds[RUNNING] += run
        seconds[READY] += queue
        if reading.state != RUNNING:
            where = track.last_blocked = reading
        else:
            where = track.last_blocked or reading
        if where.key is not None:
            track.futex_s[(where.key, where.timed)] += blocked
            blocked_state = GIL if self.is_gil(where.key, where.timed) else WAIT
        else:
            blocked_state = where.state if where.state != RUNNING else WAIT
            seconds[blocked_state] += blocked
        # The state that took most of the interval (ties: the later name, as max() of pairs would).
        most, state = run, RUNNING
        if queue > most:  # a tie stays "running", which max() of pairs would have kept too
            most, state = queue, READY
        if blocked > most or (blocked == most and blocked_state > state):
            state = blocked_state
        return state

    def learn(self, track: ThreadTrack, reading: ThreadReading) -> None:
        """A timed futex key is the GIL's once two threads or more waited there, at both of its
        words: a condition variable's two groups of waiters (glibc); a Lock's semaphore is one word
        (three threads in acquire(timeout=...) on one Lock were taken for the GIL without this)."""
        key = reading.key
        assert key is not None
        waiters = self.timed_waiters.setdefault(key, set())
        words = self.timed_words.setdefault(key, set())
        waiters.add(track.tid)
        words.add(reading.word)
        if len(waiters) >= 2 and len(words) == 2 and key not in self.gil_keys:
            self.gil_keys.add(key)
            self.near_gil.clear()

    # -- what was read -----------------------------------------------------------------------------

    def is_gil(self, key: int, timed: bool) -> bool:
        if timed:
            return key in self.gil_keys
        near = self.near_gil.get(key)
        if near is None:  # learnt once per key (the GIL's keys only grow, and clear this)
            near = self.near_gil[key] = any(0 < key - gil <= GIL_STRUCT_BYTES >> 3 for gil in self.gil_keys)
        return near

    def state_of(self, reading: ThreadReading) -> str:
        if reading.key is not None:
            return GIL if self.is_gil(reading.key, reading.timed) else WAIT
        return reading.state

    def shares(self) -> dict[str, float] | None:
        """The lane's sampled thread-time by state, summing to 1; None where nothing was read."""
        total = Counter(self.gone_seconds)
        futex_s = Counter(self.gone_futex_s)
        for track in self.tracks.values():
            total.update(track.seconds)
            futex_s.update(track.futex_s)
        for (key, timed), blocked in futex_s.items():
            total[GIL if self.is_gil(key, timed) else WAIT] += blocked
        time_read = sum(total.values())
        if time_read <= 0:
            return None
        return {state: total[state] / time_read for state in THREAD_STATES}

    def thread_seconds(self) -> dict[tuple[int, int], dict[str, float]]:
        """Each thread's time by state since it was first read, ended threads included (the lane's
        time budget splits each worker's time inside its tasks by these)."""
        found = {}
        for key, track in (self.gone_by_thread | self.tracks).items():
            seconds = Counter(track.seconds)
            for (futex, timed), blocked in track.futex_s.items():
                seconds[GIL if self.is_gil(futex, timed) else WAIT] += blocked
            found[key] = {state: seconds[state] for state in THREAD_STATES}
        return found

    @property
    def source(self) -> str:
        return "syscall" if self.readable else "wchan"

    def drain_ticks(self) -> list[tuple[float, dict[tuple[int, int], str]]]:
        ticks, self.ticks = self.ticks, []
        return ticks

    def close(self) -> None:
        """Close every file; what was read stays in the shares."""
        for track in self.tracks.values():
            self.retire(track)
        self.tracks.clear()

    def retire(self, track: ThreadTrack) -> None:
        """A thread that ended (or a sampler closing): its files closed, its time kept in ``gone``."""
        track.close()
        self.gone_seconds.update(track.seconds)
        self.gone_futex_s.update(track.futex_s)
        self.threads_gone += 1
        if len(self.gone_by_thread) >= MAX_GONE:  # one Thread per task makes thousands
            self.gone_by_thread.pop(next(iter(self.gone_by_thread)))
        self.gone_by_thread[(track.pid, track.tid)] = track
