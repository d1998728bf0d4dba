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

Which futex is the GIL's is learnt from what the threads do (core/measure/gil_keys.py). Other waits
are told apart by syscall and file descriptor: a sleep, a pipe, a socket, a file, a child's end.

More threads than MAX_THREADS: every listing reads all their CPU counters (schedstat, kept open) and
the threads that ran since the last listing are the ones read, the busiest first; the others used no
CPU meanwhile. How many were seen and how many read is kept: no share is claimed over threads unread.

Still: every thread blocked on a lock, a pipe or a child's end and none on a CPU, tick after tick,
is a program that cannot move by itself (a deadlock, a queue nobody will fill); how long is kept.

Where ``syscall`` cannot be read (a process paraviz did not start, under ptrace restrictions) the
kernel's ``wchan`` and ``stat`` still say running, waiting or sleeping, with no GIL split.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from collections.abc import Callable

from paraviz.core.measure.gil_keys import GilKeys
from paraviz.core.measure.thread_reading import (
    JOIN,
    LETTER,
    LOCK,
    PIPE,
    RUNNING,
    RUNNING_READING,
    ThreadReading,
    classify,
    classify_wchan,
    read_file,
    read_small,
    stat_state,
)
from paraviz.core.measure.thread_track import CpuCounters, ThreadTrack
from paraviz.core.model.budget import THREAD_STATES

__all__ = ["STATE_INTERVAL_S", "ThreadStateSampler", "classify"]

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


#: What a still thread waits on: another thread or process of the program, which cannot move either.
STILL_WAITS = (LOCK, PIPE, JOIN)


class ThreadStateSampler:
    """The threads of a set of processes, looked at every STATE_INTERVAL_S from outside.

    ``tick(pids)`` reads every thread once; ``shares()`` gives the lane's sampled thread-time by
    state; ``drain_ticks()`` hands the chart each thread's state at each tick since the last call."""

    def __init__(self, proc: str = "/proc", clock: Callable[[], float] = time.monotonic) -> None:
        self.proc, self.clock = proc, clock  # another root and clock for tests (a fake /proc)
        self.tracks: dict[tuple[int, int], ThreadTrack] = {}
        self.gil = GilKeys(proc)
        self.readable = True  # False once a thread's syscall file could not be read
        #: Threads that ended: their time stays in the lane's shares, summed (one Thread per task
        #: makes thousands; the shares are read at every sample). Futex waits stay by key: which
        #: key is the GIL's may be learnt after the thread ended.
        self.gone_seconds: Counter[str] = Counter()
        self.gone_futex_s: Counter[tuple[int, bool]] = Counter()
        self.gone_detail_s: Counter[str] = Counter()
        self.threads_gone = 0
        #: Ended threads' own time by state, for the lane's budget at its end (the newest MAX_GONE).
        self.gone_by_thread: dict[tuple[int, int], ThreadTrack] = {}
        #: (monotonic stamp, {(pid, tid): letter of the state that took most of the tick}), for the chart.
        self.ticks: list[tuple[float, dict[tuple[int, int], str]]] = []
        self.listed_pids: list[int] = []
        self.listed_at = -math.inf
        #: The first look: threads born after it are read from their birth.
        self.first_tick: float | None = None
        self.last_tick: float | None = None
        #: The most threads listed at once, the threads ever read, whether some listed now (or ever) were not.
        self.threads_seen = 0
        self.read_keys: set[tuple[int, int]] = set()
        self.overflow = self.overflowed = False
        #: Each process's first and last look at which one of its threads had run, and its CPU seconds then.
        self.busy_spans: dict[int, list[float]] = {}
        #: Threads of processes that exited and wait to be reaped (zombies): no longer read.
        self.exited: set[tuple[int, int]] = set()
        #: More threads than MAX_THREADS: every one's CPU counter, to read those that run.
        self.counters = CpuCounters(proc + "/{pid}/task/{tid}/schedstat")
        #: Since when every thread has been still (None: not now), the longest stretch, what they waited on.
        self.still_since: float | None = None
        self.still_on: Counter[str] = Counter()
        self.longest_still_s = 0.0
        self.longest_still_on: str | None = None

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
        self.overflow = len(found) > MAX_THREADS
        if self.overflow:
            chosen = self.counters.busiest(found, self.tracks, MAX_THREADS)
        else:
            chosen = found
            self.counters.close()
        self.threads_seen = max(self.threads_seen, len(found))
        self.overflowed = self.overflowed or self.overflow
        return chosen

    def tick(self, pids: list[int]) -> None:
        """One look at every thread of ``pids`` (up to MAX_THREADS)."""
        seen: set[tuple[int, int]] = set()
        letters: dict[tuple[int, int], str] = {}
        now = self.clock()  # one stamp a tick: reading a thread takes microseconds, a tick 20 ms
        if self.first_tick is None:
            self.first_tick = now
        still = True
        for pid, tid in self.thread_ids(pids):
            if len(seen) >= MAX_THREADS:
                break
            key = (pid, tid)
            track = self.tracks.get(key)
            if track is None:
                if key in self.exited:
                    continue
                track = self.open_track(pid, tid)
                if track is None:
                    continue
                self.tracks[key] = track
            run_before = track.run_ns
            letter = self.read(track, now)
            if letter is not None:
                seen.add(key)
                letters[key] = letter
                still = still and self.is_still(track, run_before)
                if track.run_ns > run_before and run_before:  # on a CPU since the last look: its process is busy
                    self.note_busy(pid, now, track.run_ns - run_before)
        for key in [k for k in self.tracks if k not in seen]:
            self.retire(self.tracks.pop(key))
        if self.overflowed:  # counted only where it is said: one Thread per task reads thousands
            self.read_keys |= seen
        self.follow_still(now, still and bool(letters) and not self.overflow)
        self.last_tick = now
        if letters:
            self.ticks.append((now, letters))

    def note_busy(self, pid: int, now: float, ran_ns: int) -> None:
        span = self.busy_spans.get(pid)
        if span is None:
            self.busy_spans[pid] = [now, now, ran_ns / 1e9]
        else:
            span[1] = now
            span[2] += ran_ns / 1e9

    def is_still(self, track: ThreadTrack, run_before: int) -> bool:
        """Not on a CPU since the last look, and blocked on something of the program's own."""
        reading = track.last
        if reading is None or not track.stamp or track.run_ns != run_before or reading.state == RUNNING:
            return False
        if reading.key is not None:
            return not self.gil.is_gil(reading.key, reading.timed)
        return reading.detail in STILL_WAITS

    def follow_still(self, now: float, still: bool) -> None:
        if not still:
            self.still_since = None
            return
        if self.still_since is None:
            self.still_since = self.last_tick if self.last_tick is not None else now
            self.still_on = Counter()
        self.still_on.update(
            LOCK if t.last is None or t.last.key is not None else t.last.detail for t in self.tracks.values()
        )
        if now - self.still_since >= self.longest_still_s:
            self.longest_still_s = now - self.still_since
            self.longest_still_on = self.still_on.most_common(1)[0][0]

    def still_s(self) -> float:
        """How long every thread has been still, up to the last look (0: something moves)."""
        if self.still_since is None or self.last_tick is None:
            return 0.0
        return self.last_tick - self.still_since

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
                    if stat in (b"Z", b"X"):  # exited, not yet reaped by its parent: not a thread any more
                        self.exited.add((track.pid, track.tid))
                        return None
                    reading = classify(where, stat, lambda fd: os.readlink(f"{self.proc}/{track.pid}/fd/{fd}"))
                    track.last_line = b"" if stat else where
        except (OSError, IndexError, ValueError):
            return None
        if reading.timed and reading is not track.last:
            self.gil.learn(reading, track.pid)
        if track.stamp:
            wall = now - track.stamp
            state = track.account(
                self.gil, reading, wall, (run_ns - track.run_ns) / 1e9, (queue_ns - track.queue_ns) / 1e9
            )
        elif (born := self.born_since_first_tick(track)) is not None:
            # A thread born while the lane ran (a pool's worker): its life so far is the lane's, and its
            # counters start at its birth (a 4 Hz look at a 0.5 s lane had lost half of each worker).
            state = track.account(self.gil, reading, max(0.0, now - born), run_ns / 1e9, queue_ns / 1e9)
        else:
            state = self.gil.state_of(reading)
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

    @property
    def threads_read(self) -> int:
        """How many threads were read: all of them unless more than MAX_THREADS ran at once."""
        return len(self.read_keys) if self.overflowed else self.threads_seen

    # -- what was read -----------------------------------------------------------------------------

    def shares(self) -> dict[str, float] | None:
        """The lane's sampled thread-time by state, summing to 1; None where nothing was read."""
        total = Counter(self.gone_seconds)
        futex_s = Counter(self.gone_futex_s)
        for track in self.tracks.values():
            total.update(track.seconds)
            futex_s.update(track.futex_s)
        for (key, timed), blocked in futex_s.items():
            total[self.gil.state_of(ThreadReading("wait", key, timed))] += blocked
        time_read = sum(total.values())
        if time_read <= 0:
            return None
        return {state: total[state] / time_read for state in THREAD_STATES}

    def thread_seconds(self) -> dict[tuple[int, int], dict[str, float]]:
        """Each thread's time by state since it was first read, ended threads included (the lane's
        time budget splits each worker's time inside its tasks by these)."""
        found = {}
        for key, track in (self.gone_by_thread | self.tracks).items():
            seconds = track.states(self.gil)
            found[key] = {state: seconds[state] for state in THREAD_STATES}
        return found

    def thread_details(self) -> dict[tuple[int, int], dict[str, float]]:
        """Each thread's blocked seconds by what it waited on (IO_KINDS; futexes are in its states)."""
        return {key: dict(track.detail_s) for key, track in (self.gone_by_thread | self.tracks).items()}

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
        self.counters.close()

    def retire(self, track: ThreadTrack) -> None:
        """A thread that ended (or a sampler closing): its files closed, its time kept in ``gone``."""
        track.close()
        self.gone_seconds.update(track.seconds)
        self.gone_futex_s.update(track.futex_s)
        self.gone_detail_s.update(track.detail_s)
        self.threads_gone += 1
        key = (track.pid, track.tid)
        if (earlier := self.gone_by_thread.pop(key, None)) is not None:  # read again after a pause
            track.merge(earlier)
        if len(self.gone_by_thread) >= MAX_GONE:  # one Thread per task makes thousands
            self.gone_by_thread.pop(next(iter(self.gone_by_thread)))
        self.gone_by_thread[key] = track
