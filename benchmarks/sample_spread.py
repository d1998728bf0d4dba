"""Does the app's chart read a sequential lane as `paraviz run` does? Per-sample cores, both ways.

    python benchmarks/sample_spread.py [rounds]

Each round runs one sequential cumsum lane (8 tasks of 1.5e7, about 2 s) twice, in turn: in the
app, in a pseudo-terminal of 120x40, pressing s as a person would; and with `paraviz run`. Both
record every LaneSampled the relay makes (the readings the chart draws), from inside, to a file.
A one-thread lane uses one core: every sample should read 1.00. It prints, for each way, the
interior samples' median, their spread (min-max, and the share over 1.05 cores) over all rounds.
The first and last samples of a lane are left out: they cover part of a sample interval.
"""

from __future__ import annotations

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
from tests.support.terminal import drain, spawn, stop

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
LANE = ["--workload", "cumsum", "--tasks", "8", "--size", "15000000", "--workers", "2"]
#: Every sample the relay sends is written to PARAVIZ_SAMPLES as "cores" lines, in the app and the CLI.
RECORD = (
    "import os\n"
    "from paraviz.core.measure import relay\n"
    "made = relay.LaneSampled\n"
    "def recorded(*args, **kwargs):\n"
    "    sample = made(*args, **kwargs)\n"
    "    with open(os.environ['PARAVIZ_SAMPLES'], 'a') as log:\n"
    "        log.write(f'{sample.elapsed_s} {sample.cores_in_use}\\n')\n"
    "    return sample\n"
    "relay.LaneSampled = recorded\n"
    "import sys\nfrom paraviz.tui.cli import main\nsys.argv[0] = 'paraviz'\nmain()\n"
)


def interior(path: Path) -> list[float]:
    cores = [float(line.split()[1]) for line in path.read_text().splitlines()]
    return cores[1:-1]


def in_app(log: Path) -> list[float]:
    os.environ["PARAVIZ_SAMPLES"] = str(log)  # the pty's child inherits it
    pid, fd = spawn([sys.executable, "-c", RECORD, *LANE])
    app = psutil.Process(pid)
    try:
        drain(fd, 2.5)
        os.write(fd, b"s")
        t0 = last_child = time.monotonic()
        while time.monotonic() - last_child < 1.0 and time.monotonic() - t0 < 120:
            drain(fd, 0.25)
            if app.children():
                last_child = time.monotonic()
    finally:
        stop(pid, fd)
    return interior(log)


def headless(log: Path) -> list[float]:
    command = [sys.executable, "-c", RECORD, "run", *LANE, "--modes", "sequential", "--repeat", "1"]
    subprocess.run(command, env={**os.environ, "PARAVIZ_SAMPLES": str(log)}, capture_output=True, check=True)
    return interior(log)


def describe(name: str, values: list[float]) -> str:
    over = sum(v > 1.05 for v in values) / max(1, len(values))
    return (
        f"  {name:<9} {len(values):>7} {statistics.median(values):>7.3f} "
        f"{min(values):>6.3f}-{max(values):<6.3f} {statistics.pstdev(values):>7.3f} {over:>9.0%}"
    )


def main() -> None:
    readings: dict[str, list[float]] = {"app": [], "headless": []}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(ROUNDS):  # interleaved: a slow minute of the machine falls on both
            readings["app"] += in_app(Path(folder) / f"app-{n}")
            readings["headless"] += headless(Path(folder) / f"run-{n}")
    print(f"a sequential cumsum lane's samples (cores; one thread: 1.00), {ROUNDS} interleaved rounds")
    print(f"  {'way':<9} {'samples':>7} {'median':>7} {'min-max':>13} {'stdev':>7} {'> 1.05':>9}")
    for name, values in readings.items():
        print(describe(name, values))


if __name__ == "__main__":
    main()
