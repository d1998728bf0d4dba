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


@dataclass
class ProcessTree:
    """Keeps psutil.Process objects between ticks: cpu_percent() needs the previous reading."""

    root_pid: int
    known: dict[int, psutil.Process] = field(default_factory=dict)
    thread_times: dict[int, float] = field(default_factory=dict)
    last_sample: float = 0.0
    last_thread_sample: float = 0.0
    peak_threads: int = 0
    peak_processes: int = 0
    peak_rss_bytes: int = 0
    #: CPU seconds of the tree summed from the samples: a lane stopped before it reported its own.
    sampled_cpu_s: float = 0.0

    def __post_init__(self) -> None:
        try:
            root = psutil.Process(self.root_pid)
            root.cpu_percent()
            self.known[self.root_pid] = root
        except psutil.Error:
            pass
        self.last_sample = time.monotonic()

    def pids(self) -> list[int]:
        return list(self.known)

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
                    proc.cpu_percent()  # baseline: the first reading is meaningless
                except psutil.Error:
                    continue
            alive[pid] = proc
        self.known = alive
        now = time.monotonic()
        interval, self.last_sample = now - self.last_sample, now
        cpu = 0.0
        threads = rss = 0
        loads: list[WorkerLoad] = []
        for pid, proc in alive.items():
            try:
                with proc.oneshot():
                    pct = proc.cpu_percent()
                    threads += proc.num_threads()
                    rss += proc.memory_info().rss
            except psutil.Error:
                continue
            cpu += pct
            if pid != self.root_pid:
                loads.append(WorkerLoad(f"pid {pid}", pct, pid=pid))
        if len(alive) == 1 and per_thread:
            loads = self._thread_loads(root)
        self.sampled_cpu_s += cpu / 100 * interval
        self.peak_threads = max(self.peak_threads, threads)
        self.peak_processes = max(self.peak_processes, len(alive))
        self.peak_rss_bytes = max(self.peak_rss_bytes, rss)
        return TreeSample(cpu, threads, len(alive), rss, tuple(loads))

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
    t = os.times()
    return t.user + t.system


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
