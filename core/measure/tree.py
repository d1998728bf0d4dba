"""A lane's process tree seen from outside with psutil, and what the rest of the machine did meanwhile."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import psutil
from paraviz.core.model.events import WorkerLoad


@dataclass
class TreeSample:
    cpu_percent: float
    threads: int
    processes: int
    rss_bytes: int
    workers: tuple[WorkerLoad, ...]
    #: When the CPU was read (time.monotonic()), from the reading itself: not when the caller got
    #: the GIL back (in the app the UI shares it; a stamp taken after drifted samples to 1.15 cores).
    stamp: float = 0.0


#: A CPU reading whose clock reads, before and after it, are further apart than this is taken again:
#: the reader lost the GIL in between (0.5 ms is 0.2 % of a 250 ms sample).
STAMP_TOLERANCE_S = 0.0005


def process_cpu_clock(pid: int) -> int:
    """Linux's CPU-time clock of another process (all its threads, ns): clock_getcpuclockid(3)."""
    return ((~pid) << 3) | 2  # CPUCLOCK_SCHED, process-wide


def read_cpu(pid: int) -> tuple[float, float]:
    """(stamp, CPU seconds) of a process, the stamp within STAMP_TOLERANCE_S of the reading.

    One syscall, to the nanosecond, no /proc parsing; psutil's cpu_percent() rounds to 10 ms ticks
    (4 % of a core in a 250 ms sample) and stamps its reading apart from it. OSError: gone."""
    clock = process_cpu_clock(pid)
    for _attempt in range(3):
        before = time.monotonic()
        cpu = time.clock_gettime(clock)
        after = time.monotonic()
        if after - before <= STAMP_TOLERANCE_S:
            break
    return (before + after) / 2, cpu


#: Whether this system has per-process CPU clocks (Linux); elsewhere psutil's readings.
try:
    read_cpu(os.getpid())
    CPU_CLOCKS = True
except (OSError, AttributeError, ValueError):
    CPU_CLOCKS = False


@dataclass
class ProcessTree:
    """Keeps psutil.Process objects between ticks, and each process's last CPU clock reading."""

    root_pid: int
    known: dict[int, psutil.Process] = field(default_factory=dict)
    #: pid -> (stamp, CPU seconds) at its last reading.
    cpu_read: dict[int, tuple[float, float]] = field(default_factory=dict)
    thread_times: dict[int, float] = field(default_factory=dict)
    last_sample: float = 0.0
    last_thread_sample: float = 0.0
    peak_threads: int = 0
    peak_processes: int = 0
    peak_rss_bytes: int = 0
    #: CPU seconds of the tree summed from the samples: a lane stopped before it reported its own.
    sampled_cpu_s: float = 0.0
    samples_taken: int = 0

    def __post_init__(self) -> None:
        try:
            root = psutil.Process(self.root_pid)
            self.cpu_percent(self.root_pid, root, None)  # the baseline
            self.known[self.root_pid] = root
        except psutil.Error:
            pass
        self.last_sample = time.monotonic()

    def pids(self) -> list[int]:
        return list(self.known)

    def walk(self) -> list[int]:
        """The tree's processes now, without a sample (/proc's children files: a few small reads), for
        the 50 Hz thread-state sampler: a pool's workers born between two 4 Hz samples are read."""
        root = self.known.get(self.root_pid)
        if root is None:
            return []
        try:
            return [self.root_pid, *descendant_pids(root)]
        except psutil.Error:
            return self.pids()

    def cpu_percent(self, pid: int, proc: psutil.Process, since: float | None) -> tuple[float, float]:
        """(CPU % since the process's last reading, stamp). A process first seen counts its CPU
        from ``since`` (the previous sample: it was born after it), or sets a baseline if None."""
        if not CPU_CLOCKS:
            return proc.cpu_percent(), time.monotonic()
        try:
            stamp, cpu = read_cpu(pid)
        except OSError:
            raise psutil.NoSuchProcess(pid) from None
        before = self.cpu_read.get(pid) or ((since, 0.0) if since is not None else (stamp, cpu))
        self.cpu_read[pid] = (stamp, cpu)
        return (100 * (cpu - before[1]) / (stamp - before[0]) if stamp > before[0] else 0.0), stamp

    def sample(self, per_thread: bool = True) -> TreeSample | None:
        """One look at the tree; ``per_thread`` adds each thread's CPU share for one-process lanes."""
        root = self.known.get(self.root_pid)
        if root is None:
            return None
        try:
            children = descendant_pids(root)
        except psutil.Error:
            return None
        alive = {self.root_pid: root}
        for pid in children:
            proc = self.known.get(pid)
            if proc is None:
                try:
                    proc = psutil.Process(pid)
                    if not CPU_CLOCKS:
                        proc.cpu_percent()  # baseline: the first reading is meaningless
                except psutil.Error:
                    continue
            alive[pid] = proc
        self.known = alive
        self.cpu_read = {pid: read for pid, read in self.cpu_read.items() if pid in alive}
        # Children at the first look may be older than it (paraviz attach): a baseline, not a burst.
        since = self.last_sample if self.samples_taken else None
        self.samples_taken += 1
        cpu = cpu_s = 0.0
        threads = rss = 0
        stamp = time.monotonic()
        loads: list[WorkerLoad] = []
        for pid, proc in alive.items():
            try:
                before = self.cpu_read.get(pid, (since or 0.0, 0.0))
                pct, read_at = self.cpu_percent(pid, proc, since)
                with proc.oneshot():
                    threads += proc.num_threads()
                    rss += proc.memory_info().rss
            except psutil.Error:
                continue
            if pid == self.root_pid:
                stamp = read_at
            cpu += pct
            cpu_s += pct / 100 * (read_at - before[0])
            if pid != self.root_pid:
                loads.append(WorkerLoad(f"pid {pid}", pct, pid=pid))
        self.last_sample = stamp
        if len(alive) == 1 and per_thread:
            loads = self._thread_loads(root)
        self.sampled_cpu_s += cpu_s
        self.peak_threads = max(self.peak_threads, threads)
        self.peak_processes = max(self.peak_processes, len(alive))
        self.peak_rss_bytes = max(self.peak_rss_bytes, rss)
        return TreeSample(cpu, threads, len(alive), rss, tuple(loads), stamp)

    def _thread_loads(self, root: psutil.Process) -> list[WorkerLoad]:
        """Per-thread CPU share of a single-process lane since the last such reading: the GIL made visible."""
        try:
            threads = root.threads()
        except psutil.Error:
            return []
        now = time.monotonic()
        dt = max(now - self.last_thread_sample, 1e-6)
        self.last_thread_sample = now
        loads = []
        seen: dict[int, float] = {}
        for thread in threads:
            total = thread.user_time + thread.system_time
            seen[thread.id] = total
            before = self.thread_times.get(thread.id)
            if before is not None:
                label = "main thread" if thread.id == root.pid else f"thread {thread.id}"
                loads.append(WorkerLoad(label, 100 * (total - before) / dt, pid=root.pid, tid=thread.id))
        self.thread_times = seen
        return loads


#: Linux with CONFIG_PROC_CHILDREN: each thread lists the children it started (looked up once).
PROC_CHILDREN = os.path.exists(f"/proc/self/task/{os.getpid()}/children")


def descendant_pids(root: psutil.Process) -> list[int]:
    """Every process under ``root``. On Linux, from each thread's /proc/<pid>/task/<tid>/children:
    a few small files, where psutil's children() reads the stat file of every process on the
    machine (1.8 against 0.1 ms here with 67 processes, at every tick of every lane; more on a
    shared server). Elsewhere, or on a kernel without those files, psutil's walk."""
    if not PROC_CHILDREN:
        return [child.pid for child in root.children(recursive=True)]
    found: list[int] = []
    todo = [root.pid]
    while todo:
        pid = todo.pop()
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:  # gone since its parent listed it
            if pid == root.pid:
                raise psutil.NoSuchProcess(pid) from None
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as listing:
                    pids = [int(word) for word in listing.read().split()]
            except OSError:  # the thread ended meanwhile
                continue
            found += pids
            todo += pids
    return found


# -- what the rest of the machine did meanwhile -------------------------------------------------


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine spent busy since boot (not idle, not waiting on I/O)."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def own_cpu_seconds() -> float:
    """This process's CPU seconds: paraviz itself (the app or the CLI), which is not background."""
    return time.process_time()  # ns counters; os.times() rounds to 10 ms ticks


@dataclass
class BackgroundMeter:
    """Busy CPU of the whole machine over a lane, split into the lane's own, paraviz's own (the
    observer: the app or the CLI, its relay and sampler) and everything else (background).

    Counters, not samples: exact to the kernel's 10 ms tick however short the lane."""

    machine0: float = field(default_factory=lambda: machine_busy_seconds())
    own0: float = field(default_factory=lambda: own_cpu_seconds())
    cores: float | None = None
    observer_cores: float | None = None

    def finish(self, lane_cpu_s: float, wall_s: float) -> float:
        if self.cores is None:
            own = own_cpu_seconds() - self.own0
            others = machine_busy_seconds() - self.machine0 - own - lane_cpu_s
            self.cores = max(0.0, others / wall_s) if wall_s > 0 else 0.0
            self.observer_cores = own / wall_s if wall_s > 0 else 0.0
        return self.cores


class OwnCpuMeter:
    """paraviz watching itself: this process's CPU per wall second since the last reading."""

    def __init__(self) -> None:
        self.cpu0, self.t0 = own_cpu_seconds(), time.monotonic()

    def elapsed_s(self) -> float:
        return time.monotonic() - self.t0

    def take(self) -> float:
        """Cores used since the last take (or since this meter was made), then start again."""
        cpu, now = own_cpu_seconds(), time.monotonic()
        cores = (cpu - self.cpu0) / (now - self.t0) if now > self.t0 else 0.0
        self.cpu0, self.t0 = cpu, now
        return cores
