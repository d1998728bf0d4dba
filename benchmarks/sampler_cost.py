"""Sampler cost: time per tick of a lane's process tree with 1, 8, 32 and 128 processes.

python benchmarks/sampler_cost.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from paraviz.core.measure.sampler import CpuSampler
from paraviz.core.measure.tree import ProcessTree

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
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            tree.sample()
            times.append(time.perf_counter() - t0)
        root.kill()
        subprocess.run(["pkill", "-f", "time.sleep(60)"], check=False)
        root.wait()
        median = statistics.median(times)
        print(f"lane tree of {n:>3} processes: {median * 1e3:6.2f} ms per tick = {median / 0.25:.1%} of a 4 Hz budget")


if __name__ == "__main__":
    main()
