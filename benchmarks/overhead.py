"""Monitor overhead: CPU of the idle app's process tree, % of one core, at 120x40.

    python benchmarks/overhead.py [seconds] [rounds]

Compares the real cores at the default 4 Hz, a fake 256-core sampler at 4 Hz, the real cores at a
2 s refresh, and htop/btop at their defaults where installed, interleaved in one run.
"""

from __future__ import annotations

import shutil
import statistics
import sys

import psutil
from paraviz.tui.terminal import drain, spawn, stop

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
FAKE_256 = (
    "from paraviz.tui.app import make_app; from paraviz.core.measure.sampler import fake_source; "
    "from paraviz.core.measure.machine import MachineInfo; "
    "make_app(cpu_source=fake_source(256), machine=MachineInfo(256, 128, '3.11', 'CPython', True, 'Linux')).run()"
)


def tree_cpu(pid: int) -> float:
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def measure(argv: list[str]) -> float:
    pid, fd = spawn(argv)
    try:
        drain(fd, 3.0)  # start-up is not idle
        before = tree_cpu(pid)
        drain(fd, SECONDS)
        return 100 * (tree_cpu(pid) - before) / SECONDS
    finally:
        stop(pid, fd)


def main() -> None:
    cases = {
        "paraviz, real cores, 4 Hz": [sys.executable, "-m", "paraviz.tui"],
        "paraviz, fake 256 cores, 4 Hz": [sys.executable, "-c", FAKE_256],
        "paraviz, real cores, 2 s refresh": [sys.executable, "-m", "paraviz.tui", "--refresh", "2"],
    }
    if shutil.which("htop"):
        cases["htop (default 1.5 s)"] = ["htop"]
    if shutil.which("btop"):
        cases["btop (default 2 s)"] = ["btop"]
    print(
        f"idle CPU, % of one core, {SECONDS:.0f} s each, 120x40, {psutil.cpu_count()} logical cores, "
        f"median of {ROUNDS} interleaved rounds"
    )
    figures: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, argv in cases.items():
            figures[name].append(measure(argv))
    for name, values in figures.items():
        print(f"  {name:<36} {statistics.median(values):6.2f} %")


if __name__ == "__main__":
    main()
