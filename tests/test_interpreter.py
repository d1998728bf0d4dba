"""--python PATH: every lane's host runs under another interpreter, which says what it is."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import venv
from dataclasses import replace
from pathlib import Path

import psutil
import pytest
from paraviz.core.measure.interpreter import probe
from paraviz.core.measure.options import config_from_text
from paraviz.core.measure.runner import run_lanes
from paraviz.core.model.config import ConfigError, RunConfig
from paraviz.core.model.events import LaneStarted
from paraviz.core.teach.explain import explain_report

from tests.support.physics import physics
from tests.test_app import wait_idle
from tests.test_nogil import free_threaded_python, needs_nogil

PARAVIZ = [sys.executable, "-m", "paraviz.tui", "--lang", "en"]
pytestmark = pytest.mark.usefixtures("no_leftover_processes")


def other_version() -> str | None:
    """A CPython 3.11+ of another minor version than this one, if the machine has one (pyenv, Debian)."""
    for path in sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1*/bin/python3"))) + [
        shutil.which(f"python3.{minor}") or "" for minor in range(11, 16)
    ]:
        if path and os.access(path, os.X_OK):
            try:
                interpreter = probe(path)
            except ValueError:
                continue
            if interpreter.version.rsplit(".", 1)[0] != f"{sys.version_info[0]}.{sys.version_info[1]}":
                return interpreter.path
    return None


@pytest.fixture(scope="module")
def second_python(tmp_path_factory) -> str:
    """Another minor version where there is one; else a virtual environment's own python, by path."""
    found = other_version()
    if found:
        return found
    folder = tmp_path_factory.mktemp("second-python")
    venv.create(folder, with_pip=False)
    return str(folder / "bin" / "python")


def test_every_lane_runs_under_the_given_interpreter_and_reports_it(second_python):
    config = config_from_text(
        RunConfig(workers=2), {"workload": "cumsum", "tasks": "4", "size": "1000000", "python": second_python}
    )
    commands = {}

    def sink(event):
        if isinstance(event, LaneStarted):
            commands[event.mode] = psutil.Process(event.pid).cmdline()[0]

    report = run_lanes(config, sink=sink)
    expected = probe(second_python)
    assert set(commands) == {"sequential", "threads", "processes"}
    assert all(command == expected.path for command in commands.values()), commands
    for lane in report.results:
        assert lane.ok, lane.error
        assert lane.python == expected.version and lane.gil_enabled == expected.gil_enabled
    runs = json.loads(json.dumps(report.to_dict()))["runs"]
    assert {r["python"] for r in runs} == {expected.version}


def test_a_workload_that_needs_numpy_is_refused_before_running(second_python):
    interpreter = probe(second_python)
    if "numpy" in interpreter.modules:
        pytest.skip(f"{interpreter.path} has NumPy")
    with pytest.raises(ConfigError, match=r"linreg needs numpy.*pure-Python workload"):
        config_from_text(RunConfig(), {"workload": "linreg", "python": second_python})


def fake_python(folder: Path, version: list[int]) -> str:
    """A wrapper that answers paraviz's question as an old Python would."""
    script = folder / "python3.10"
    answer = {"version": version, "implementation": "cpython", "free_threaded": False, "gil_enabled": True}
    script.write_text(f"#!/bin/sh\necho '{json.dumps({**answer, 'executable': str(script), 'modules': []})}'\n")
    script.chmod(0o755)
    return str(script)


def test_bad_interpreters_get_one_line_and_exit_2(tmp_path):
    not_executable = tmp_path / "python"
    not_executable.write_text("")
    cases = {
        str(tmp_path / "missing"): "no such file",
        str(not_executable): "not an executable file",
        shutil.which("true") or "/bin/true": "does not answer as a Python interpreter",
        fake_python(tmp_path, [3, 10, 0]): "is Python 3.10.0; paraviz needs 3.11 or newer",
    }
    for path, reason in cases.items():
        done = subprocess.run([*PARAVIZ, "run", "--python", path], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (path, done.stderr)
        assert reason in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


FREE_THREADED = free_threaded_python()


@needs_nogil
@physics
def test_threads_fill_two_cores_without_the_gil():
    config = config_from_text(
        RunConfig(workers=2),
        {"workload": "cumsum", "tasks": "8", "size": "5000000", "python": FREE_THREADED, "modes": "threads"},
    )
    (threads,) = run_lanes(config).results
    assert threads.ok and threads.gil_enabled is False
    assert threads.effective_cores > 1.6


async def test_the_app_names_the_lanes_python_in_the_header_and_the_lane_title(second_python):
    import platform

    from paraviz.tui.app import make_app

    config = config_from_text(
        RunConfig(workers=2), {"workload": "sleep", "tasks": "2", "size": "20", "python": second_python}
    )
    expected = probe(second_python)
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        assert f"Python {expected.version}" in str(app.header_bar.render())
        await pilot.press("s")
        await wait_idle(app, pilot)
        title = app.lane("sequential").border_title
        assert (f" · {expected.version}" in title) == (expected.version != platform.python_version())


def python_314() -> str | None:
    """A Python 3.14+ (InterpreterPoolExecutor): on PATH, or the one .ci/python314.sh unpacks."""
    repository_copy = Path(__file__).resolve().parents[1] / ".ci" / "python3.14" / "root" / "usr" / "bin" / "python3.14"
    for path in (os.environ.get("PARAVIZ_PYTHON314"), shutil.which("python3.14"), str(repository_copy)):
        if path and os.access(path, os.X_OK):
            try:
                if tuple(int(p) for p in probe(path).version.split(".")[:2]) >= (3, 14):
                    return probe(path).path
            except ValueError:
                continue
    return None


PYTHON_314 = python_314()
needs_314 = pytest.mark.skipif(PYTHON_314 is None, reason="no Python 3.14 here (bash .ci/python314.sh unpacks one)")


@needs_314
@physics
def test_interpreters_engine_fills_the_cores_from_one_process():
    config = config_from_text(
        RunConfig(workers=2),
        {
            "workload": "cumsum",
            "tasks": "8",
            "size": "30000000",
            "python": PYTHON_314,
            "engine": "interpreters",
            "modes": "sequential,threads,processes",
            "repeat": "3",  # medians of interleaved rounds: single rounds came out 1.07x and 1.33 cores here
        },
    )
    report = run_lanes(config)
    seq, threads, processes = report.results
    assert seq.ok and threads.ok and threads.tasks_done == 8, threads.error
    assert threads.python.startswith("3.14") and threads.gil_enabled is True  # a GIL per interpreter, not none
    assert threads.peak_processes == 1  # one process: the interpreters are threads of the host
    assert threads.effective_cores > 1.5  # measured 1.77 (3 rounds, 1.1 s lanes, 0.13 s of start-up)
    # As fast as processes on the same cores, in the same rounds: an absolute 1.2 failed twice in one
    # fresh-clone CI run (1.16, then 0.99 at 1.5+ cores: a slow phase of the VM's two vCPUs); measured
    # 1.58 against processes' 1.44 in a quiet minute.
    assert threads.speedup is not None and processes.speedup is not None
    assert threads.speedup > 0.8 * processes.speedup
    assert any("own interpreter" in line for line in explain_report(report))


@needs_314
def test_interpreters_engine_refuses_numpy_workloads_in_one_line():
    done = subprocess.run(
        [*PARAVIZ, "run", "--python", PYTHON_314, "--engine", "interpreters", "-w", "linreg"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "numpy" in done.stderr


def test_interpreters_engine_needs_python_314():
    if sys.version_info >= (3, 14):
        pytest.skip("this Python has InterpreterPoolExecutor")
    done = subprocess.run([*PARAVIZ, "run", "--engine", "interpreters"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "Python 3.14 or newer" in done.stderr and "--python" in done.stderr


@needs_314
async def test_a_pool_under_another_python_starts_as_that_python_would_unless_chosen():
    """Python 3.14 made forkserver the default on Linux: a processes lane under it uses that, and the
    header says so, unless --start-method chose another."""
    from paraviz.tui.app import make_app

    own = probe(PYTHON_314).start_method
    assert own == "forkserver"  # 3.14's default on Linux
    config = config_from_text(RunConfig(workers=2), {"python": PYTHON_314, "workload": "sleep", "tasks": "2"})
    assert config.start_method == own
    chosen = config_from_text(RunConfig(workers=2), {"python": PYTHON_314, "start_method": "fork"})
    assert chosen.start_method == "fork"
    app = make_app(replace(config, size=20, modes=("processes",)))
    async with app.run_test(size=(120, 40)) as pilot:
        assert "forkserver" in str(app.header_bar.render())
        await pilot.press("p")
        await wait_idle(app, pilot)
        assert app.results["processes"].ok and app.results["processes"].start_method == "forkserver"
