"""What a program's threads did, as diagnoses: stuck, one at a time, the GIL, a lock, too few cores,
a kind of I/O, more threads than were read. Pure: from the thread-state sampler's per-thread seconds
(core/measure/threads.py) and the process tree's counts; core/teach/explain_diagnosis.py phrases them.

Shares are of the busy threads' time: threads that ran, were runnable or waited for the GIL
BUSY_SHARE of their own time or more (a program's workers). A pool's parent, its handler threads and
a main thread that joins wait by design, and their waits would drown the workers'; where no thread
was busy (a deadlock, sleepers) the shares are of every thread read.
"""

from __future__ import annotations

from dataclasses import dataclass

from paraviz.core.model.budget import THREAD_STATES

RUNNING, READY, GIL, WAIT, IO = THREAD_STATES
#: What a blocked thread waits on, beyond its state: a lock (a futex that is not the GIL), and the
#: kinds of I/O: a sleep, a pipe (a parent or a worker: IPC), a socket (network), a file (disk), a
#: child process's end (join), a poll over several descriptors, anything else.
LOCK = "lock"
IO_KINDS = ("sleep", "pipe", "socket", "file", "join", "poll", "other")
#: Every thread still this long (no CPU, each blocked on a lock, a pipe or a child's end): stuck.
STUCK_AFTER_S = 3.0
#: A thread is busy (a worker) that was on a CPU, runnable or waiting for the GIL this share of its time.
BUSY_SHARE = 0.1
#: A state or a kind of I/O that took this share of the threads' time is named.
NAMED_SHARE = 0.2
#: Under this much thread-time read, nothing is said (a lane of a few ticks).
MIN_READ_S = 0.05
#: The kinds, in the order they are said: what stops the program first, then what slows it.
KINDS = ("stuck", "one_at_a_time", "gil", "lock", "oversubscribed", "io", "many_threads")


@dataclass(frozen=True)
class Diagnosis:
    """One cause read from the threads: its kind, its share of the threads' time or its seconds,
    what it waited on (a kind of I/O, or what stuck threads waited on), and how many threads it
    speaks of (of how many)."""

    kind: str
    share: float | None = None
    seconds: float | None = None
    detail: str | None = None
    threads: int | None = None
    of: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {key: value for key, value in self.__dict__.items() if value is not None}


@dataclass(frozen=True)
class ThreadsRead:
    """What the sampler and the tree saw of one lane."""

    seconds: dict[tuple[int, int], dict[str, float]]  # each thread's time by state
    details: dict[tuple[int, int], dict[str, float]]  # each thread's blocked time by kind of I/O
    still_s: float = 0.0  # the longest stretch every thread was still
    still_on: str | None = None  # what most of them waited on then
    threads_seen: int = 0  # the most threads listed at once
    threads_read: int = 0  # the threads read: fewer than seen where more ran than the sampler reads
    children_busy: int = 0  # child processes seen busy over the run
    children_at_once: int = 0  # the most busy at one look
    gil_split: bool = True  # False where futexes could not be told apart (wchan)


#: A child process that ran this many CPU seconds is a worker (a forkserver's or a tracker's start is not).
CHILD_BUSY_S = 0.05


def most_at_once(spans: list[tuple[float, float]]) -> int:
    """The most spans that overlap at once (ends that touch a start do not overlap)."""
    edges = sorted([(start, 1) for start, _end in spans] + [(end, -1) for _start, end in spans])
    most = alive = 0
    for _at, step in edges:  # at one instant ends sort before starts: -1 before 1
        alive += step
        most = max(most, alive)
    return most


def children_busy(spans: dict[int, list[float]], root: int) -> tuple[int, int]:
    """How many child processes were busy (CHILD_BUSY_S of CPU or more), and the most at once, from
    the first and last look at which each ran."""
    busy = [(first, last) for pid, (first, last, cpu) in spans.items() if pid != root and cpu >= CHILD_BUSY_S]
    return len(busy), most_at_once(busy)


def busy_keys(seconds: dict[tuple[int, int], dict[str, float]]) -> list[tuple[int, int]]:
    busy = []
    for key, states in seconds.items():
        total = sum(states.values())
        if total > 0 and (states[RUNNING] + states[READY] + states[GIL]) >= BUSY_SHARE * total:
            busy.append(key)
    return busy


def group_shares(read: ThreadsRead) -> tuple[dict[str, float], int, float]:
    """The busy threads' (or, none busy, every read thread's) time by state and by kind of I/O,
    as shares; how many threads that is; their seconds."""
    keys = busy_keys(read.seconds) or list(read.seconds)
    total: dict[str, float] = dict.fromkeys(THREAD_STATES, 0.0)
    for key in keys:
        for state, value in read.seconds[key].items():
            total[state] += value
        for kind, value in read.details.get(key, {}).items():
            total["io:" + kind] = total.get("io:" + kind, 0.0) + value
    seconds = sum(total[state] for state in THREAD_STATES)
    if seconds <= 0:
        return {}, len(keys), 0.0
    return {name: value / seconds for name, value in total.items()}, len(keys), seconds


def io_detail(read: ThreadsRead) -> dict[str, float] | None:
    """Every read thread's time by kind of I/O, as shares of their time (JSON's io_detail)."""
    states = sum(sum(s.values()) for s in read.seconds.values())
    if states <= 0:
        return None
    kinds: dict[str, float] = {}
    for details in read.details.values():
        for kind, value in details.items():
            kinds[kind] = kinds.get(kind, 0.0) + value
    return {kind: value / states for kind, value in sorted(kinds.items(), key=lambda kv: -kv[1]) if value > 0}


def diagnose(read: ThreadsRead) -> tuple[Diagnosis, ...]:
    """Each cause the threads show, in KINDS' order; nothing where too little was read."""
    found: list[Diagnosis] = []
    stuck = read.still_s >= STUCK_AFTER_S
    if stuck:
        found.append(Diagnosis("stuck", seconds=read.still_s, detail=read.still_on))
    if read.children_busy >= 2 and read.children_at_once == 1:
        found.append(Diagnosis("one_at_a_time", threads=read.children_busy))
    shares, threads, seconds = group_shares(read)
    if seconds >= MIN_READ_S:
        of = len(read.seconds)
        if read.gil_split and shares[GIL] >= NAMED_SHARE:
            found.append(Diagnosis("gil", share=shares[GIL], threads=threads, of=of))
        blocked = {state: shares[state] for state in (READY, GIL, WAIT, IO)}
        if not stuck and shares[WAIT] >= NAMED_SHARE and shares[WAIT] == max(blocked.values()):
            detail = LOCK if read.gil_split else "lock_or_gil"
            found.append(Diagnosis("lock", share=shares[WAIT], detail=detail, threads=threads, of=of))
        if shares[READY] >= NAMED_SHARE:
            found.append(Diagnosis("oversubscribed", share=shares[READY], threads=threads, of=of))
        kinds = sorted(
            ((v, k[3:]) for k, v in shares.items() if k.startswith("io:") and v >= NAMED_SHARE), reverse=True
        )
        for share, kind in kinds:
            found.append(Diagnosis("io", share=share, detail=kind, threads=threads, of=of))
    if read.threads_seen > read.threads_read:  # more than MAX_THREADS at once: the busiest were read
        found.append(Diagnosis("many_threads", threads=read.threads_read, of=read.threads_seen))
    return tuple(found)
