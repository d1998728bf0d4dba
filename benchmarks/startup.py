"""Start-up: process start to the first frame of the app (its header drawn), median of N.

python benchmarks/startup.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import time

from _pty import read_until, spawn, stop

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def once(argv: list[str], needle: bytes) -> float:
    t0 = time.monotonic()
    pid, fd = spawn(argv)
    seen = read_until(fd, needle, 20)
    elapsed = (time.monotonic() - t0) if seen is not None else float("nan")
    stop(pid, fd)
    return elapsed


def main() -> None:
    paraviz = [once([sys.executable, "-m", "paraviz.tui"], b"logical cores") for _ in range(RUNS)]
    bare = [once([sys.executable, "-c", "pass"], b"") for _ in range(RUNS)]
    print(f"first frame of paraviz: median {statistics.median(paraviz):.3f} s over {RUNS} runs (target <= 0.4 s)")
    print(f"python -c pass in a pty:  median {statistics.median(bare):.3f} s")


if __name__ == "__main__":
    main()
