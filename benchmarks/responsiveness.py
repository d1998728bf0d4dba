"""Responsiveness: key press to screen update while a thread lane runs 8 GIL-bound threads.

    python benchmarks/responsiveness.py [presses]

Opens and closes the help screen repeatedly and times each press until its text is drawn.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import psutil

# The pty driver lives with the tests (tests/support): the repository root goes on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.terminal import drain, read_until, spawn, stop

PRESSES = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def main() -> None:
    import os

    argv = [
        sys.executable,
        "-m",
        "paraviz.tui",
        "-w",
        "cumsum",
        "--size",
        "100000000",
        "--tasks",
        "64",
        "--workers",
        "8",
    ]
    pid, fd = spawn(argv)
    try:
        drain(fd, 2.0)
        os.write(fd, b"t")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not psutil.Process(pid).children():
            drain(fd, 0.1)
        drain(fd, 1.0)  # the lane's 8 threads are busy now
        latencies = []
        for _ in range(PRESSES):
            t0 = time.monotonic()
            os.write(fd, b"?")
            seen = read_until(fd, b"one after another", 5)
            if seen is not None:
                latencies.append(time.monotonic() - t0)
            os.write(fd, b"\x1b")
            drain(fd, 0.3)
        busy = sum(p.cpu_percent(0.5) for p in psutil.Process(pid).children(recursive=True))
        print(
            f"key to screen while 8 threads run cumsum (lane at {busy / 100:.2f} cores): "
            f"median {statistics.median(latencies) * 1e3:.0f} ms, max {max(latencies) * 1e3:.0f} ms, "
            f"{len(latencies)}/{PRESSES} presses (target median <= 50 ms)"
        )
    finally:
        os.write(fd, b"x")
        drain(fd, 0.5)
        stop(pid, fd)


if __name__ == "__main__":
    main()
