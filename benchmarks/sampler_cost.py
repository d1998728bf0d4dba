"""Sampler cost: time per tick of a lane's process tree with 1, 8, 32 and 128 processes, and of
finding its processes: /proc's per-thread children files against psutil's children(), which reads
every process of the machine (interleaved, medians); then the thread-state sampler's CPU per tick
for 4, 16 and 64 threads (waiting, as a blocked pool's are), as a share of one core at 50 Hz (the
issue's budget: 2 % for 16 threads), and for 2 and 4 GIL-bound threads, read 50 times a second as a
threads lane is; last, 300 sleeping threads and 8 GIL-bound ones, more than the sampler reads: every
thread's CPU counter at each listing, the busiest read (the budget: 2 % of a core at 50 Hz).

python benchmarks/sampler_cost.py [many]     (many: only the last)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import psutil
from paraviz.core.measure.sampler import CpuSampler
from paraviz.core.measure.threads import STATE_INTERVAL_S, ThreadStateSampler
from paraviz.core.measure.tree import ProcessTree, descendant_pids

SPAWNER = (
    "import subprocess, sys, time; n = int(sys.argv[1]); "
    "ps = [subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']) for _ in range(n - 1)]; "
    "time.sleep(60)"
)


def main() -> None:
    if sys.argv[1:] == ["many"]:
        print(many_threads_cost())
        return
    cpu = CpuSampler()
    ticks = []
    for _ in range(200):
        t0 = time.perf_counter()
        cpu.sample()
        ticks.append(time.perf_counter() - t0)
    print(f"per-core CPU sample: {statistics.median(ticks) * 1e3:.3f} ms")
    for n in (1, 8, 32, 128):
        root = subprocess.Popen([sys.executable, "-c", SPAWNER, str(n)])
        tree = ProcessTree(root.pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            sample = tree.sample()
            if sample and sample.processes >= n:
                break
            time.sleep(0.1)
        times, proc_walk, psutil_walk = [], [], []
        parent = psutil.Process(root.pid)
        for _ in range(20):
            t0 = time.perf_counter()
            tree.sample()
            t1 = time.perf_counter()
            descendant_pids(parent)
            t2 = time.perf_counter()
            parent.children(recursive=True)
            t3 = time.perf_counter()
            times.append(t1 - t0)
            proc_walk.append(t2 - t1)
            psutil_walk.append(t3 - t2)
        root.kill()
        subprocess.run(["pkill", "-f", "time.sleep(60)"], check=False)
        root.wait()
        median = statistics.median(times)
        ours, theirs = statistics.median(proc_walk) * 1e3, statistics.median(psutil_walk) * 1e3
        print(
            f"lane tree of {n:>3} processes: {median * 1e3:6.2f} ms per tick = {median / 0.25:.1%} of a 4 Hz budget; "
            f"finding them {ours:.2f} ms (psutil's walk {theirs:.2f} ms)"
        )
    print(f"processes on this machine: {len(psutil.pids())}")
    for n in (4, 16, 64):
        print(thread_state_cost(n))
    for n in (2, 4):
        print(gil_bound_cost(n))
    print(many_threads_cost())


THREADS = (
    "import threading, time, sys; "
    "[threading.Thread(target=time.sleep, args=(60,), daemon=True).start() for _ in range(int(sys.argv[1]) - 1)]; "
    "time.sleep(60)"
)


def thread_state_cost(n: int) -> str:
    """CPU per tick of reading ``n`` threads' states (process CPU, not wall: what it takes from a core)."""
    process = subprocess.Popen([sys.executable, "-c", THREADS, str(n)])
    try:
        while len(psutil.Process(process.pid).threads()) < n:
            time.sleep(0.05)
        sampler = ThreadStateSampler()
        sampler.tick([process.pid])  # opens the files
        ticks = 500
        t0 = time.process_time()
        for _ in range(ticks):
            sampler.tick([process.pid])
        per_tick = (time.process_time() - t0) / ticks
        sampler.close()
    finally:
        process.kill()
        process.wait()
    share = per_tick / STATE_INTERVAL_S
    return f"thread states of {n:>2} threads: {per_tick * 1e3:.3f} ms CPU per tick = {share:.1%} of a core at 50 Hz"


SPINNING = (
    "import threading, sys\n"
    "def spin():\n"
    "    while True: sum(range(10**6))\n"
    "for _ in range(int(sys.argv[1])): threading.Thread(target=spin, daemon=True).start()\n"
    "threading.Event().wait()\n"
)


def ticking_cost(pid: int, sampler: ThreadStateSampler, ticks: int = 150) -> tuple[float, float]:
    """CPU per tick at 50 Hz, the 20 ms sleep's own wake-up measured alone and taken away, and that
    wake-up (medians of 3 interleaved rounds)."""
    costs, wakes = [], []
    for _ in range(3):  # interleaved: the wake-up alone, then the ticks
        t0 = time.process_time()
        for _ in range(ticks):
            time.sleep(STATE_INTERVAL_S)
        wakes.append((time.process_time() - t0) / ticks)
        t0 = time.process_time()
        for _ in range(ticks):
            time.sleep(STATE_INTERVAL_S)
            sampler.tick([pid])
        costs.append((time.process_time() - t0) / ticks)
    wake = statistics.median(wakes)
    return statistics.median(costs) - wake, wake


MANY = SPINNING.replace(
    "for _ in range(int(sys.argv[1]))",
    "import time\n[threading.Thread(target=time.sleep, args=(60,), daemon=True).start() for _ in range(300)]\n"
    "for _ in range(int(sys.argv[1]))",
)


def many_threads_cost(spinning: int = 8) -> str:
    """300 sleeping threads and ``spinning`` GIL-bound ones: what reading them costs at 50 Hz."""
    process = subprocess.Popen([sys.executable, "-c", MANY, str(spinning)])
    try:
        while len(psutil.Process(process.pid).threads()) < 300 + spinning + 1:
            time.sleep(0.05)
        sampler = ThreadStateSampler()
        sampler.tick([process.pid])
        per_tick, _wake = ticking_cost(process.pid, sampler)
        shares, read = sampler.shares() or {}, len(sampler.tracks)
        sampler.close()
    finally:
        process.kill()
        process.wait()
    return (
        f"thread states of 300 sleeping + {spinning} GIL-bound threads: {per_tick * 1e3:.3f} ms CPU per tick = "
        f"{per_tick / STATE_INTERVAL_S:.1%} of a core at 50 Hz; {read} read at the end; "
        f"GIL wait read {shares.get('gil', 0):.0%}"
    )


def gil_bound_cost(n: int) -> str:
    """CPU per tick of reading ``n`` GIL-bound threads (and their main thread) at 50 Hz, as a threads
    lane is read: each runs at every tick, so where it waits is read at every tick. The 20 ms
    sleep's own wake-up is measured alone and taken away."""
    process = subprocess.Popen([sys.executable, "-c", SPINNING, str(n)])
    try:
        while len(psutil.Process(process.pid).threads()) < n + 1:
            time.sleep(0.05)
        sampler = ThreadStateSampler()
        sampler.tick([process.pid])
        per_tick, wake = ticking_cost(process.pid, sampler)
        shares = sampler.shares() or {}
        sampler.close()
    finally:
        process.kill()
        process.wait()
    return (
        f"thread states of {n} GIL-bound threads: {per_tick * 1e3:.3f} ms CPU per tick = "
        f"{per_tick / STATE_INTERVAL_S:.1%} of a core at 50 Hz, and the wake-up {wake * 1e3:.3f} ms "
        f"({wake / STATE_INTERVAL_S:.1%}); GIL wait read {shares.get('gil', 0):.0%}"
    )


if __name__ == "__main__":
    main()
