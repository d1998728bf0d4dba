"""Where the app's own CPU goes while lanes run: the app as shipped, and with parts of its drawing
taken away, interleaved.

    python benchmarks/app_cpu_parts.py [rounds]

Each round runs cumsum (8 tasks of 1.5e7, 2 workers) in the app, in a pseudo-terminal of 120x40,
once per variant, pressing r as a person would, and reads the app's CPU from outside over the run:

    shipped      the app as it is
    no-compose   Textual's compositor never renders a frame (nothing reaches the terminal); the
                 widgets still paint their lines
    nothing      no compositor, and no widget paints (lane charts, text lines, bars, core meter)
    no-stream    as `nothing`, and the streamed events (task reports, samples) are dropped before
                 they become messages: what is left is the run thread (relay, sampler), the frame
                 timer's per-core reading and Textual's own idle loop

The differences say what each part costs; `nothing` and `no-stream` are a floor no drawing can go
under. It prints each variant's median, its range, and its share of `shipped`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import psutil

# The pty driver lives with the tests (tests/support): the repository root goes on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.terminal import drain, spawn, stop

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
LANES = ["--workload", "cumsum", "--tasks", "8", "--size", "15000000", "--workers", "2"]

NO_COMPOSE = "from textual.screen import Screen\nScreen._compositor_refresh = lambda self: None\n"
NO_PAINT = (
    "from paraviz.tui.widgets import core_meter, lane_chart, lane_panel\n"
    "lane_chart.LaneChart.paint = lambda self: None\n"
    "core_meter.CoreMeter.paint = lambda self: None\n"
    "lane_panel.TextLine.update = lambda self, text: None\n"
    "lane_panel.QuietProgressBar.update = lambda self, **kw: None\n"
)
NO_STREAM = (
    "from paraviz.core.model.events import LaneSampled, TasksReported\n"
    "from paraviz.tui.app import ParavizApp\n"
    "post = ParavizApp.post_message\n"
    "ParavizApp.post_message = lambda self, m: isinstance(getattr(m, 'event', None), (LaneSampled, TasksReported))"
    " or post(self, m)\n"
)
RUN = "import sys\nfrom paraviz.tui.cli import main\nsys.argv[0] = 'paraviz'\nmain()\n"
VARIANTS = {
    "shipped": "",
    "no-compose": NO_COMPOSE,
    "nothing": NO_COMPOSE + NO_PAINT,
    "no-stream": NO_COMPOSE + NO_PAINT + NO_STREAM,
}


def app_cpu(patch: str) -> float:
    """The app's CPU, in cores, from the key r to a second after its last child process ended."""
    pid, fd = spawn([sys.executable, "-c", patch + RUN, *LANES])
    app = psutil.Process(pid)
    try:
        drain(fd, 2.5)  # start-up and a first frame
        os.write(fd, b"r")
        t0, c0 = time.monotonic(), sum(app.cpu_times()[:2])
        last_child = t0
        while time.monotonic() - last_child < 1.0 and time.monotonic() - t0 < 120:
            drain(fd, 0.25)
            if app.children():
                last_child = time.monotonic()
        return (sum(app.cpu_times()[:2]) - c0) / (time.monotonic() - t0)
    finally:
        stop(pid, fd)


def main() -> None:
    readings: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(ROUNDS):  # interleaved: a slow minute of the machine falls on every variant
        for name, patch in VARIANTS.items():
            readings[name].append(100 * app_cpu(patch))
    shipped = statistics.median(readings["shipped"])
    print(f"the app's own CPU while cumsum 8 x 1.5e7 runs on 2 workers, {ROUNDS} interleaved rounds")
    print(f"  {'variant':<11} {'% of one core':>14} {'range':>12} {'of shipped':>11}")
    for name, values in readings.items():
        median = statistics.median(values)
        span = f"{min(values):.1f}-{max(values):.1f}"
        print(f"  {name:<11} {median:>14.1f} {span:>12} {median / shipped:>11.0%}")


if __name__ == "__main__":
    main()
