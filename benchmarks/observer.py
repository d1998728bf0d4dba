"""The observer effect: does watching a busy process slow it down? Each suspect alone, interleaved.

    python benchmarks/observer.py [rounds] [n]

A child runs the sequential lane's work (8 x sum(range(1, n + 1))) and times itself. Around it, one
variant at a time adds one thing paraviz does while a lane runs:

    alone       nothing: the bare loop
    select20    the parent wakes 20 times a second on an idle pipe (the old event-polling rate)
    psutil4     the parent reads the child's tree 4 times a second: children(), cpu_percent(),
                num_threads(), memory_info() (what every tick does)
    threads10   the parent reads the child's per-thread times 10 times a second (Process.threads())
    emit10      the child writes a small JSON event 10 times a second to a pipe the parent reads
    pinned      the bare loop pinned to CPU 0 (how much the choice of vCPU alone matters)
    paraviz     `paraviz run --modes sequential` with the same work, as a user would run it

It prints, per variant, the median wall time, its spread (min-max) and the ratio to `alone`.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import statistics
import subprocess
import sys
import time

import psutil

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
N = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
TASKS = 8

CHILD = """
import json, os, sys, time
n, tasks, emit_fd = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
t0 = time.monotonic(); last = t0
for i in range(tasks):
    sum(range(1, n + 1))
    now = time.monotonic()
    if emit_fd >= 0 and now - last >= 0.1:
        os.write(emit_fd, (json.dumps({"event": "tasks", "done": i + 1}) + "\\n").encode()); last = now
print(time.monotonic() - t0)
"""


def child(emit: bool = False, pin: bool = False) -> tuple[subprocess.Popen[str], int]:
    read_fd, write_fd = os.pipe()
    argv = [sys.executable, "-c", CHILD, str(N), str(TASKS), str(write_fd if emit else -1)]
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        text=True,
        pass_fds=(write_fd,),
        preexec_fn=(lambda: os.sched_setaffinity(0, {0})) if pin else None,
    )
    os.close(write_fd)
    return proc, read_fd


def watch(proc: subprocess.Popen[str], read_fd: int, every: float, look) -> float:
    while proc.poll() is None:
        ready, _, _ = select.select([read_fd], [], [], every)
        if ready:
            os.read(read_fd, 65536)
        look()
    os.close(read_fd)
    return float(proc.stdout.read())


def variant(name: str) -> float:
    if name == "paraviz":
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "paraviz.tui",
                "run",
                "--modes",
                "sequential",
                "--size",
                str(N),
                "--tasks",
                str(TASKS),
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)["runs"][0]["wall_s"]
    proc, read_fd = child(emit=name == "emit10", pin=name == "pinned")
    ps = psutil.Process(proc.pid)
    ps.cpu_percent()

    def nothing() -> None:
        pass

    def tree() -> None:
        try:
            for p in [ps, *ps.children(recursive=True)]:
                with p.oneshot():
                    p.cpu_percent(), p.num_threads(), p.memory_info()
        except psutil.Error:
            pass

    def threads() -> None:
        with contextlib.suppress(psutil.Error):
            ps.threads()

    if name == "select20":
        return watch(proc, read_fd, 0.05, nothing)
    if name == "psutil4":
        return watch(proc, read_fd, 0.25, tree)
    if name == "threads10":
        return watch(proc, read_fd, 0.1, threads)
    # alone, pinned, emit10: the parent just waits (reading the events, if any)
    return watch(proc, read_fd, 5.0, nothing)


def main() -> None:
    names = ["alone", "select20", "psutil4", "threads10", "emit10", "pinned", "paraviz"]
    times: dict[str, list[float]] = {n: [] for n in names}
    print(f"{TASKS} x sum(range(1, {N:,} + 1)); {ROUNDS} interleaved rounds; {os.cpu_count()} logical cores")
    for r in range(ROUNDS):
        order = names[r % len(names) :] + names[: r % len(names)]  # rotate: no variant always first
        for name in order:
            times[name].append(variant(name))
            time.sleep(0.2)
    base = statistics.median(times["alone"])
    for name in names:
        t = times[name]
        med = statistics.median(t)
        print(f"  {name:<10} median {med:6.3f} s  spread {min(t):6.3f}-{max(t):6.3f} s  ratio {med / base:5.3f}")


if __name__ == "__main__":
    main()
