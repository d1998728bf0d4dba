"""Where the time went, on real runs: the smallest factor names the loss a class should see.

Each test runs `paraviz run --format json` as a user would, with --repeat 3 (interleaved rounds,
medians), and asserts on shares of the lanes' own time, which do not move with the CPU's speed."""

from __future__ import annotations

import json
import math

import pytest
from paraviz.core.model.budget import smallest_factor

from tests.support.physics import physics
from tests.test_cli import paraviz

pytestmark = pytest.mark.slow


def lanes(*args: str) -> dict[str, dict]:
    done = paraviz("run", *args, "--repeat", "3", "--format", "json", timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    return {run["mode"]: run | {"explanation": report["explanation"]} for run in report["runs"]}


def check_chain(run: dict) -> None:
    """The budget tiles workers x wall and the factors multiply to the efficiency (within 2 %)."""
    assert sum(run["time_budget"].values()) == pytest.approx(run["workers"] * run["wall_s"], rel=0.02)
    assert math.prod(run["efficiency_factors"].values()) == pytest.approx(run["efficiency"], rel=0.02)


@physics
def test_gil_bound_threads_lose_to_the_gil_and_processes_do_not():
    # 16 tasks, not 8: sum(range(n)) holds the GIL for a whole task, so 8 tasks on 4 threads also left
    # threads idle at the end, and balance (a real loss too) came out smaller than the GIL in 2 of 7 CI runs
    runs = lanes("-w", "cumsum", "--tasks", "16", "--size", "1500000", "--workers", "4")
    threads, processes = runs["threads"], runs["processes"]
    for run in (threads, processes):
        check_chain(run)
    assert smallest_factor(threads["efficiency_factors"])[0] == "gil"
    assert threads["efficiency_factors"]["gil"] < 0.8
    assert processes["efficiency_factors"]["gil"] > 0.97  # a process of one thread waits for no GIL
    assert any("biggest loss GIL" in line for line in threads["explanation"])


@physics
def test_unequal_tasks_lose_to_load_balance():
    runs = lanes(
        "-w", "cumsum", "--sizes", "500000,500000,500000,6000000", "--workers", "2", "--modes", "sequential,processes"
    )
    check_chain(runs["processes"])
    assert smallest_factor(runs["processes"]["efficiency_factors"])[0] == "load_balance"
    assert any("biggest loss balance" in line for line in runs["processes"]["explanation"])


@physics
def test_tiny_tasks_one_at_a_time_lose_to_dispatch():
    runs = lanes(
        "-w", "squares", "--tasks", "20000", "--workers", "2", "--chunksize", "1", "--modes", "sequential,processes"
    )
    check_chain(runs["processes"])
    assert smallest_factor(runs["processes"]["efficiency_factors"])[0] == "dispatch"
    assert any("biggest loss dispatch" in line for line in runs["processes"]["explanation"])
