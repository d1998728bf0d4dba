"""Start-up: process start to the first frame of the app (its header drawn), median of N.

python benchmarks/startup.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

# The pty driver lives with the tests (tests/support): the repository root goes on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.terminal import read_until, spawn, stop

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def once(argv: list[str], needle: bytes) -> float:
    t0 = time.monotonic()
    pid, fd = spawn(argv)
    seen = read_until(fd, needle, 20)
    elapsed = (time.monotonic() - t0) if seen is not None else float("nan")
    stop(pid, fd)
    return elapsed


MINIMAL_TEXTUAL = (
    "from textual.app import App\nfrom textual.widgets import Static\n"
    "class Minimal(App):\n    def compose(self):\n        yield Static('minimal-ready')\n"
    "Minimal().run()\n"
)


def main() -> None:
    paraviz, minimal = [], []
    for _ in range(RUNS):  # interleaved, so both see the same machine
        paraviz.append(once([sys.executable, "-m", "paraviz.tui"], b"logical"))
        minimal.append(once([sys.executable, "-c", MINIMAL_TEXTUAL], b"minimal-ready"))
    p, m = statistics.median(paraviz), statistics.median(minimal)
    print(f"first frame, median of {RUNS}: paraviz {p:.3f} s (target <= 0.4 s), minimal Textual app {m:.3f} s")
    print(f"ratio paraviz / minimal Textual: {p / m:.2f}")


if __name__ == "__main__":
    main()
