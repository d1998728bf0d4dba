"""Does the app show what `paraviz run` measures? The same lanes in the live app and headless, interleaved.

    python benchmarks/app_fidelity.py [rounds] [size]

Each round runs cumsum (8 tasks of ``size``, 2 workers) twice, in turn: once in the app, in a
pseudo-terminal of 120x40, as a person would (r, then, once the run ended, e to export what is on
screen), and once
with `paraviz run --repeat 1 --format json`. It prints, per lane, the median speedup of each way,
their ratio (app / headless) with its range over the rounds, the observer's cores each way, and the
app's own CPU while the lanes ran, read once a second from outside (median and range).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

# The pty driver lives with the tests (tests/support): the repository root goes on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.terminal import drain, read_until, spawn, stop

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 4
SIZE = sys.argv[2] if len(sys.argv) > 2 else "15000000"
LANES = ["--workload", "cumsum", "--tasks", "8", "--size", SIZE, "--workers", "2"]
MODES = ("sequential", "threads", "processes")


def in_app(folder: Path, n: int) -> tuple[dict[str, dict], list[float]]:
    """Run the lanes in the app; its exported figures, and its own CPU once a second while the
    lanes ran (the run has ended once the app has had no child process for a second)."""
    pid, fd = spawn([sys.executable, "-m", "paraviz.tui", *LANES])
    app = psutil.Process(pid)
    try:
        drain(fd, 2.0)  # start-up and a first frame
        os.write(fd, b"r")
        readings: list[float] = []
        before, t0 = app.cpu_times(), time.monotonic()
        last_child, deadline = time.monotonic(), time.monotonic() + 180
        while time.monotonic() - last_child < 1.0 and time.monotonic() < deadline:
            drain(fd, 0.25)  # a key only after the run: a notification mid-run would cost the app a layout
            if app.children():
                last_child = time.monotonic()
            if time.monotonic() - t0 >= 1.0:
                now, t1 = app.cpu_times(), time.monotonic()
                readings.append((now.user + now.system - before.user - before.system) / (t1 - t0))
                before, t0 = now, t1
        target = folder / f"app-{n}"
        os.write(fd, b"e")
        # Type the path only into the dialog: on the main screen its letters are keys (t, p, r…).
        if read_until(fd, b"Export what", 5.0) is not None:
            os.write(fd, str(target).encode() + b"\r")
        while not target.with_suffix(".json").exists() and time.monotonic() < deadline:
            drain(fd, 0.1)
        report = json.loads(target.with_suffix(".json").read_text())
        # The last reading covers the second with no child: after the run.
        return {r["mode"]: r for r in report["runs"]}, readings[:-1] or readings
    finally:
        stop(pid, fd)


def headless() -> dict[str, dict]:
    argv = [sys.executable, "-m", "paraviz.tui", "run", *LANES, "--repeat", "1", "--format", "json"]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return {r["mode"]: r for r in json.loads(done.stdout)["runs"]}


def spread(values: list[float], fmt: str = ".2f") -> str:
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def main() -> None:
    app_runs, cli_runs, own = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(ROUNDS):  # interleaved: a slow minute of the machine falls on both
            runs, readings = in_app(Path(folder), n)
            app_runs.append(runs)
            own.extend(readings)
            cli_runs.append(headless())
    print(
        f"cumsum 8 x {SIZE}, 2 workers, {psutil.cpu_count()} logical cores, {ROUNDS} interleaved rounds (median, range)"
    )
    columns = ("app speedup", "headless speedup", "app / headless", "observer app/cli")
    print(f"  {'lane':<11} " + " ".join(f"{c:>18}" for c in columns))
    for mode in MODES[1:]:
        app_s = [r[mode]["speedup"] for r in app_runs]
        cli_s = [r[mode]["speedup"] for r in cli_runs]
        ratios = [a / c for a, c in zip(app_s, cli_s, strict=True)]
        observer = (
            f"{statistics.median(r[mode]['observer_cores'] for r in app_runs):.3f}/"
            f"{statistics.median(r[mode]['observer_cores'] for r in cli_runs):.3f}"
        )
        print(f"  {mode:<11} {spread(app_s):>18} {spread(cli_s):>18} {spread(ratios, '.3f'):>18} {observer:>18}")
    ratio = statistics.median(a["processes"]["speedup"] for a in app_runs) / statistics.median(
        c["processes"]["speedup"] for c in cli_runs
    )
    print(f"processes: ratio of medians app / headless {ratio:.3f} (target >= 0.97)")
    print(f"the app's own CPU during the runs, per second: {spread([100 * c for c in own], '.1f')} % of one core")


if __name__ == "__main__":
    main()
