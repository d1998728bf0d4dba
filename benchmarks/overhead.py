"""Monitor overhead: CPU of the idle app's process tree, % of one core, at 120x40.

    python benchmarks/overhead.py [seconds] [rounds]

Compares the real cores at the default 4 Hz, a fake 256-core sampler at 4 Hz, the real cores at a
2 s refresh, htop/btop at their defaults where installed, and the floor of any Textual app that
changes the screen at 4 Hz (seven lines of a minimal app repainted, no layout), interleaved in one
run. Each row also gives the CPU of one frame (ms), and paraviz's 4 Hz rows their ratio to that floor.
"""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path

import psutil

# The pty driver lives with the tests (tests/support): the repository root goes on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.terminal import drain, spawn, stop

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
FAKE_256 = (
    "from paraviz.tui.app import make_app; from paraviz.core.measure.sampler import fake_source; "
    "from paraviz.core.model.machine import MachineInfo; "
    "make_app(cpu_source=fake_source(256), machine=MachineInfo(256, 128, '3.11', 'CPython', True, 'Linux')).run()"
)
#: The floor: a minimal Textual app that repaints seven lines of 100 cells four times a second.
MINIMAL_4HZ = """
from textual.app import App
from textual.widget import Widget

class Lines(Widget):
    DEFAULT_CSS = "Lines { height: 7; }"
    tick = 0

    def render(self):
        return "\\n".join(f"c{i} " + "▁▂▃▄▅▆▇█"[(self.tick + i) % 8] * 100 for i in range(7))

class Minimal(App):
    def compose(self):
        yield Lines()

    def on_mount(self):
        self.set_interval(0.25, self.tick)

    def tick(self):
        lines = self.query_one(Lines)
        lines.tick += 1
        lines.refresh()

Minimal().run()
"""


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
    # name: (command, frames a second)
    cases = {
        "paraviz, real cores, 4 Hz": ([sys.executable, "-m", "paraviz.tui"], 4.0),
        "paraviz, fake 256 cores, 4 Hz": ([sys.executable, "-c", FAKE_256], 4.0),
        "paraviz, real cores, 2 s refresh": ([sys.executable, "-m", "paraviz.tui", "--refresh", "2"], 0.5),
        "minimal Textual app, 7 lines, 4 Hz": ([sys.executable, "-c", MINIMAL_4HZ], 4.0),
    }
    if shutil.which("htop"):
        cases["htop (default 1.5 s)"] = (["htop"], 1 / 1.5)
    if shutil.which("btop"):
        cases["btop (default 2 s)"] = (["btop"], 0.5)
    print(
        f"idle CPU, % of one core, {SECONDS:.0f} s each, 120x40, {psutil.cpu_count()} logical cores, "
        f"median of {ROUNDS} interleaved rounds"
    )
    figures: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, (argv, _rate) in cases.items():
            figures[name].append(measure(argv))
    floor = statistics.median(figures["minimal Textual app, 7 lines, 4 Hz"])
    for name, values in figures.items():
        median = statistics.median(values)
        per_frame = 10 * median / cases[name][1]  # % of one core is 10 ms a second
        spread = f"({min(values):.2f}-{max(values):.2f})"
        ratio = f"  {median / floor:.2f}x the floor" if name.startswith("paraviz") and "4 Hz" in name else ""
        print(f"  {name:<36} {median:6.2f} % {spread:>13}  {per_frame:5.2f} ms a frame{ratio}")


if __name__ == "__main__":
    main()
