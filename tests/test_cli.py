"""`paraviz` run as a user runs it: a subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import io
import json
import math
import subprocess
import time

import pandas as pd
import pytest
from paraviz.core.model.budget import PARTS, THREAD_STATES
from paraviz.core.model.figures import RUN_FIELDS

from tests.conftest import PARAVIZ
from tests.support.physics import physics


def paraviz(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PARAVIZ, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_version_and_help():
    assert paraviz("--version").stdout.strip().startswith("paraviz ")
    helped = paraviz("run", "--help").stdout
    for option in ("--workload", "--workers", "--sizes", "--seconds", "--start-method", "--chunksize", "--format"):
        assert option in helped


def test_workloads_lists_names_and_lessons():
    out = paraviz("workloads").stdout
    for name in ("cumsum", "linreg", "forest", "groups", "sleep", "squares", "transfer"):
        assert name in out
    assert "GIL" in out


@physics
def test_run_json_has_every_field_and_honest_figures():
    started = time.monotonic()
    done = paraviz("run", "-w", "cumsum", "--tasks", "4", "--size", "2000000", "--workers", "2", "--format", "json")
    took = time.monotonic() - started  # the test's own clock around the whole command
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report["machine"]) == {
        "logical_cores",
        "physical_cores",
        "python",
        "implementation",
        "gil_enabled",
        "platform",
    }
    assert report["workload"]["name"] == "cumsum" and report["workload"]["tasks"] == 4
    runs = {r["mode"]: r for r in report["runs"]}
    assert set(runs) == {"sequential", "threads", "processes"}
    for run in runs.values():
        assert tuple(run) == (*RUN_FIELDS, "worker_budgets", "rounds")
        assert run["status"] == "ok" and run["tasks_done"] == 4
        # where the time went: the budget tiles workers x wall, the factors multiply to the efficiency
        assert sum(run["time_budget"].values()) == pytest.approx(run["workers"] * run["wall_s"], rel=0.02)
        assert len(run["worker_budgets"]) == run["workers"]
        assert run["task_cpu_s"] > 0
        assert run["effective_cores"] == pytest.approx(run["cpu_s"] / run["wall_s"])  # the definition's wiring
        # physical bounds the test knows by itself: every round of a lane ran inside the command's own time,
        # and no lane used more cores than the machine has
        assert sum(r["wall_s"] for r in run["rounds"]) < took
        assert run["effective_cores"] <= report["machine"]["logical_cores"] * 1.05
        # The CLI relays and samples: some CPU, measured, far from a core.
        assert 0 <= run["observer_cores"] < 0.5
    assert runs["threads"]["speedup"] == pytest.approx(runs["sequential"]["wall_s"] / runs["threads"]["wall_s"])
    assert runs["sequential"]["efficiency_factors"] is None  # the reference has none
    for mode in ("threads", "processes"):
        factors = runs[mode]["efficiency_factors"]
        assert set(factors) >= {"startup", "dispatch", "load_balance", "gil", "computation"}
        assert math.prod(factors.values()) == pytest.approx(runs[mode]["efficiency"], rel=0.02)


def test_run_csv_loads_in_pandas():
    done = paraviz(
        "run", "-w", "sleep", "--tasks", "4", "--size", "150", "--format", "csv", "--modes", "sequential,threads"
    )
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(io.StringIO(done.stdout))
    assert list(frame["mode"]) == ["sequential", "threads"]
    # Every run field is a column; thread_states is one column per state, summing to 1; the budget
    # one column per part, summing to workers x wall; the factors one column each.
    states = [f"state_{state}" for state in THREAD_STATES]
    budget = [f"budget_{part}" for part in PARTS]
    nested = {"thread_states", "time_budget", "efficiency_factors", "io_detail"}
    assert (set(RUN_FIELDS) - nested) | {"workload", *states, *budget, "factor_gil", "io_sleep"} <= set(frame.columns)
    # sleeping threads: their sleep is the I/O kind read, and the diagnosis column names it (150 ms sleeps:
    # 20 ms ones, a 40 ms lane of two 50 Hz looks, were once never seen asleep in a fresh-clone CI run)
    assert frame["io_sleep"].tolist()[1] > 0.2 and "io" in frame["diagnosis"].tolist()[1].split(";")
    assert (frame["workload"] == "sleep").all() and (frame["tasks_done"] == 4).all()
    assert frame[states].sum(axis=1).round(6).tolist() == [1.0, 1.0]
    worker_seconds = (frame["workers"] * frame["wall_s"]).tolist()
    assert frame[budget].sum(axis=1).tolist() == pytest.approx(worker_seconds, rel=0.02)
    assert frame["factor_gil"].isna().tolist() == [True, False]  # the sequential lane has no factors


def test_table_is_the_default():
    done = paraviz("run", "-w", "sleep", "--tasks", "2", "--size", "10", "--modes", "threads")
    assert done.returncode == 0 and "threads" in done.stdout and "speedup" in done.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--workers", "0"], "workers must be between 1 and"),
        (["--workers", "-1"], "workers must be between 1 and"),
        (["--workers", "abc"], "workers must be a whole number"),
        (["--workers", "100000"], "workers must be between 1 and"),
        (["--tasks", "0"], "tasks must be between 1"),
        (["--size", "-3"], "size must be a positive"),
        (["--size", "big"], "size must be a whole number"),
        (["-w", "nope"], "unknown workload 'nope'"),
        (["--start-method", "teleport"], "unknown start method"),
        (["--modes", "fibers"], "unknown mode"),
        (["-w", "nosuchmodule:f"], "cannot import 'nosuchmodule'"),
        (["--bogus"], "unrecognized arguments"),
        (["--time-limit", "0"], "time limit must be more than 0"),
        (["--time-limit", "soon"], "time limit must be a number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    done = paraviz("run", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_refresh_zero_is_refused():
    done = paraviz("--refresh", "0")
    assert done.returncode == 2 and "refresh must be between" in done.stderr


def test_without_a_terminal_the_app_points_at_run():
    done = paraviz()
    assert done.returncode == 2 and "paraviz run" in done.stderr


def test_failed_lane_exits_1_and_still_reports_every_lane(user_module):
    done = paraviz("run", "-w", "userwork:fails_on_three", "--tasks", "6", "--size", "1", "--format", "json")
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "task 3 raised ValueError" in done.stderr
    runs = json.loads(done.stdout)["runs"]
    assert [r["mode"] for r in runs] == ["sequential", "threads", "processes"]
    assert all(r["status"] == "error" and "bad row 3" in r["error"] for r in runs)


def test_unpicklable_custom_workload_exits_2(user_module):
    done = paraviz("run", "-w", "userwork:lambda_task", "--size", "1")
    assert done.returncode == 2 and "pickle" in done.stderr and "Traceback" not in done.stderr


def test_repeat_gives_rounds_per_lane_and_medians_in_json_and_csv():
    args = ["run", "-w", "sleep", "--tasks", "2", "--size", "20", "--workers", "2", "--repeat", "3"]
    done = paraviz(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["workload"]["repeat"] == 3
    for run in report["runs"]:
        walls = sorted(r["wall_s"] for r in run["rounds"])
        assert len(walls) == 3 and run["wall_s"] == pytest.approx(walls[1])
        # what other programs used: the median of the rounds' own readings, not the last round's
        others = sorted(r["background_cores"] for r in run["rounds"])
        assert run["background_cores"] == pytest.approx(others[1])
    assert isinstance(report["explanation"], list) and report["explanation"]
    frame = pd.read_csv(io.StringIO(paraviz(*args, "--format", "csv").stdout))
    assert {"wall_s_min", "wall_s_max", "speedup_min", "speedup_max"} <= set(frame.columns)
    assert (frame["wall_s_min"] <= frame["wall_s"]).all() and (frame["wall_s"] <= frame["wall_s_max"]).all()


def test_the_table_prints_the_explanation_and_the_spread():
    done = paraviz("run", "-w", "sleep", "--tasks", "2", "--size", "20", "--workers", "2", "--repeat", "2")
    assert done.returncode == 0, done.stderr
    assert "medians of 2 rounds" in done.stdout and "Threads ran" in done.stdout


def test_sizes_with_an_empty_item_is_one_line_and_exit_2():
    done = paraviz("run", "--sizes", "1,,2")
    assert done.returncode == 2 and "empty item" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_another_platform_gets_one_line_naming_linux_and_exit_2(platform):
    """paraviz reads /proc: elsewhere it says so before importing anything that would fail inside."""
    code = (
        f"import sys; sys.platform = {platform!r}; sys.argv = ['paraviz', 'run']\n"
        "from paraviz.tui.entry import entry\n"
        "try:\n    entry()\n"
        "finally:\n    print('imported' if 'paraviz.core.measure.threads' in sys.modules else 'nothing imported')\n"
    )
    done = subprocess.run([PARAVIZ[0], "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == "nothing imported\n"
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Linux" in lines[0] and platform in lines[0] and "Traceback" not in done.stderr
