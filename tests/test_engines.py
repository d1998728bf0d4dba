"""Every engine against the same physics and the same failures (2-core machine, margins kept)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from paraviz.core.host.engines import ENGINES
from paraviz.core.host.engines.pool import default_chunksize
from paraviz.core.measure.runner import run_lanes
from paraviz.core.measure.validation import validate
from paraviz.core.model.config import ConfigError, RunConfig
from paraviz.core.model.events import LaneStarted
from paraviz.core.model.workloads import get_workload
from paraviz.core.teach.explain import explain_report

from tests.conftest import PARAVIZ, sigterm_leaves_nothing
from tests.support.physics import physics

pytestmark = pytest.mark.usefixtures("no_leftover_processes")

#: Engines this Python can run (InterpreterPoolExecutor needs 3.14; test_interpreter.py runs it there).
ENGINES_HERE = [e for e in ENGINES if e != "interpreters" or sys.version_info >= (3, 14)]
#: Of those, the ones whose threads share one GIL.
GIL_ENGINES = [e for e in ENGINES_HERE if e != "interpreters"]


def by_mode(report):
    return {r.mode: r for r in report.results}


@pytest.mark.parametrize("engine", GIL_ENGINES)
@physics
def test_every_engine_shows_the_gil(engine):
    config = RunConfig(workload=get_workload("cumsum"), workers=2, tasks=8, size=8_000_000, engine=engine, repeat=1)
    lanes = by_mode(run_lanes(config))
    assert all(r.ok for r in lanes.values()), lanes
    assert lanes["threads"].effective_cores < 1.3
    assert lanes["processes"].effective_cores > 1.6
    assert lanes["threads"].engine == lanes["processes"].engine == engine
    assert lanes["processes"].tasks_done == 8


@pytest.mark.parametrize("engine", ENGINES_HERE)
@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_every_engine_names_the_task_that_raised(engine, mode, user_module):
    config = RunConfig(
        workload=get_workload("userwork:fails_on_three"), workers=2, tasks=8, size=1, modes=(mode,), engine=engine
    )
    (lane,) = run_lanes(config).results
    assert lane.status == "error"
    assert "task 3 raised ValueError: bad row 3" in lane.error


@pytest.mark.parametrize("engine", ENGINES_HERE)
def test_every_engine_names_a_killed_worker(engine, user_module):
    config = RunConfig(
        workload=get_workload("userwork:killed_on_two"),
        workers=2,
        tasks=6,
        size=1,
        modes=("processes",),
        engine=engine,
        start_method="fork",
    )
    (lane,) = run_lanes(config).results
    assert lane.status == "error"
    assert "task 2" in lane.error and ("SIGKILL" in lane.error or "-9" in lane.error), lane.error


@pytest.mark.parametrize("engine", ENGINES_HERE)
def test_stopping_any_engine_leaves_no_process(engine):
    """The stop flag (the app's x) mid-lane: every worker (loky's reusable ones too) is gone."""
    stop = threading.Event()
    seen: list[int] = []

    def sink(event):
        if isinstance(event, LaneStarted):
            seen.append(event.pid)
            threading.Timer(1.0, stop.set).start()

    config = RunConfig(
        workload=get_workload("sleep"), workers=2, tasks=8, size=3000, modes=("processes",), engine=engine
    )
    (lane,) = run_lanes(config, sink=sink, stop=stop).results
    assert lane.status == "stopped" and seen
    # no_leftover_processes checks every descendant of this test, loky's included


def test_sigterm_to_paraviz_run_leaves_no_loky_worker():
    sigterm_leaves_nothing(
        ["run", "-w", "sleep", "--size", "5000", "--tasks", "4", "--modes", "processes", "--engine", "joblib"],
        at_least=3,
    )


def test_pool_takes_pool_maps_own_chunksize_and_says_why():
    assert default_chunksize(1_000_000, 2) == 125_000
    assert default_chunksize(8, 2) == 1
    config = RunConfig(
        workload=get_workload("squares"), workers=2, tasks=100_000, modes=("processes",), engine="pool", size=1
    )
    (lane,) = run_lanes(config).results
    assert lane.ok and lane.tasks_done == 100_000
    assert lane.chunksize == 12_500
    assert "Pool.map's default" in lane.chunksize_why


@physics
def test_pool_default_chunks_beat_chunksize_one_tenfold():
    base = RunConfig(
        workload=get_workload("squares"), workers=2, tasks=100_000, modes=("processes",), engine="pool", size=1
    )
    (default,) = run_lanes(base).results
    (one,) = run_lanes(RunConfig(**{**base.__dict__, "chunksize": 1})).results
    assert default.ok and one.ok
    assert one.wall_s > 10 * default.wall_s, (one.wall_s, default.wall_s)


def test_joblib_reports_lokys_inner_thread_limit():
    config = RunConfig(workload=get_workload("cumsum"), workers=2, tasks=2, size=100_000, engine="joblib")
    lanes = by_mode(run_lanes(config))
    assert lanes["processes"].inner_thread_limit == str(max(1, os.cpu_count() // 2))
    assert lanes["processes"].startup_s > 0


def test_raw_engine_starts_one_per_task_and_is_bounded():
    config = RunConfig(workload=get_workload("sleep"), workers=2, tasks=6, size=300, modes=("threads",), engine="raw")
    (lane,) = run_lanes(config).results
    assert lane.ok and lane.workers == 6
    assert lane.wall_s < 0.3 * 6 / 2  # six waits at once, not two at a time
    with pytest.raises(ConfigError, match="at most 256 tasks"):
        validate(RunConfig(workload=get_workload("squares"), tasks=10_000, engine="raw"))


NOTEBOOK = """
import time

def suma_acumulada(number):
    return sum(range(1, number + 1))

def preprocesar_dato(dato):
    time.sleep(1)
    return dato * 2

def calcular_cuadrado(numero):
    return numero * numero

def tres(a, b, c):
    return a

def solo_clave(*, x):
    return x
"""


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    path = tmp_path / "notebook.py"
    path.write_text(textwrap.dedent(NOTEBOOK))
    return path


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PARAVIZ, "run", *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)


@physics
def test_the_seeds_one_argument_functions_run_unchanged(notebook):
    import json

    done = run_cli(
        "-w", f"{notebook}:suma_acumulada", "--sizes", "10000000,10000000,10000000,10000000", "--workers", "2",
        "--format", "json", "--repeat", "1", "--engine", "pool",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    runs = {r["mode"]: r for r in json.loads(done.stdout)["runs"]}
    assert runs["processes"]["effective_cores"] > 1.5 and runs["threads"]["effective_cores"] < 1.3

    done = run_cli(
        "-w", f"{notebook}:preprocesar_dato", "--items", "0,1,2,3", "--workers", "4", "--modes", "sequential,threads",
        "--repeat", "1",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "f(item)" in done.stdout and "items 0,1,2,3" in done.stdout

    done = run_cli(
        "-w", f"{notebook}:calcular_cuadrado", "--items", "1..200000", "--workers", "2", "--modes", "processes",
        "--engine", "pool", "--format", "json", "--repeat", "1", "--start-method", "spawn",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert run["tasks_done"] == 200_000 and run["chunksize"] == 25_000


@pytest.mark.parametrize(
    ("function", "message"),
    [("tres", "takes 3 required arguments"), ("solo_clave", "keyword-only"), ("missing", "has no attribute")],
)
def test_unsupported_functions_get_one_line_and_exit_2(notebook, function, message):
    done = run_cli("-w", f"{notebook}:{function}", "--items", "1,2", "--repeat", "1", timeout=30)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_bad_items_and_engine_are_refused(notebook):
    for args, message in [
        (["--items", "5..1"], "counts down"),
        (["--items", "1,,2"], "empty item"),
        (["--engine", "dask"], "unknown engine"),
        (["--items", "1,2", "--sizes", "1,2"], "not allowed with"),
    ]:
        done = run_cli("-w", f"{notebook}:calcular_cuadrado", *args, timeout=30)
        assert done.returncode == 2 and message in done.stderr, (args, done.stderr)


def test_the_lambda_in_a_module_is_refused(user_module):
    done = subprocess.run(
        [*PARAVIZ, "run", "-w", "userwork:lambda_task", "--repeat", "1"], capture_output=True, text=True, timeout=30
    )
    # refused before any lane runs: exit 2, one line that names the lambda and pickling, no traceback
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr
    assert "lambda" in lines[0] and "pickle" in lines[0]


def test_a_python_file_that_is_not_there(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "paraviz.tui", "run", "-w", f"{tmp_path}/nope.py:f"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "no such file" in done.stderr


@physics
def test_moving_data_costs_processes_and_not_threads():
    """transfer: 16 tasks with 32 MB each; threads share it, pickled copies cost processes."""
    config = RunConfig(workload=get_workload("transfer"), workers=2, engine="pool")
    report = run_lanes(config)
    lanes = by_mode(report)
    assert all(r.ok for r in lanes.values()), lanes
    assert lanes["threads"].bytes_sent == 0
    assert lanes["processes"].bytes_sent >= 16 // lanes["processes"].chunksize * 32 * 2**20
    assert lanes["processes"].transfer_s > 0
    assert lanes["processes"].wall_s > 1.3 * lanes["threads"].wall_s  # moving data outweighed the work
    text = " ".join(explain_report(report))
    assert "moving data outweighed the work" in text
    assert f"{lanes['processes'].bytes_sent / 2**20:,.0f} MB" in text


def test_payload_goes_with_any_workload_and_is_bounded():
    config = RunConfig(
        workload=get_workload("cumsum"), workers=2, tasks=4, size=1000, payload_mb=8, modes=("processes",)
    )
    (lane,) = run_lanes(config).results
    assert lane.ok and lane.bytes_sent == 4 * 8 * 2**20  # chunksize 1: one copy per task
    with pytest.raises(ConfigError, match="payload must be between 0 and 1024 MB"):
        validate(RunConfig(payload_mb=5000))
