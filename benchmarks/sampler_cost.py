"""Sampler cost: time per tick of a lane's process tree with 1, 8, 32 and 128 processes, and of
finding its processes: /proc's per-thread children files against psutil's children(), which reads
every process of the machine (interleaved, medians).

python benchmarks/sampler_cost.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import psutil
from paraviz.core.measure.sampler import CpuSampler
from paraviz.core.measure.tree import ProcessTree, descendant_pids

SPAWNER = (
    "import subprocess, sys, time; n = int(sys.argv[1]); "
    "ps = [subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']) for _ in range(n - 1)]; "
    "time.sleep(60)"
)


def main() -> None:
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


if __name__ == "__main__":
    main()
