"""paraviz watch: a user's own commands, unchanged, as lanes measured from outside.

The scripts in tests/scripts are the teaching notebooks' three styles (a loop, one Thread per task,
Pool.map under __main__), the notebook problem, and a command that ignores SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from paraviz.core.measure.runner import run_lanes
from paraviz.core.measure.validation import validate
from paraviz.core.model.config import ConfigError, RunConfig
from paraviz.core.model.diagnosis import STUCK_AFTER_S
from paraviz.core.teach.explain import explain_report
from paraviz.tui.app import make_app

from tests.support.physics import physics
from tests.test_app import wait_idle

SCRIPTS = Path(__file__).parent / "scripts"
PARAVIZ = [sys.executable, "-m", "paraviz.tui", "--lang", "en"]
pytestmark = pytest.mark.usefixtures("no_leftover_processes")


def script(name: str, *arguments: str) -> tuple[str, ...]:
    return (sys.executable, str(SCRIPTS / name), *arguments)


THREE_STYLES = (
    ("loop", script("loop.py")),
    ("threads", script("thread_per_task.py")),
    ("Pool.map", script("pool_map.py")),
)


def watch_config(commands: tuple[tuple[str, tuple[str, ...]], ...], tmp_path: Path, **fields: object) -> RunConfig:
    names = tuple(name for name, _command in commands)
    return validate(RunConfig(modes=names, commands=commands, output_dir=str(tmp_path), **fields))


@physics
def test_the_three_styles_show_the_lesson_as_the_lanes_do(tmp_path: Path):
    """The same margins as the GIL test of paraviz's own lanes, on medians of 3 interleaved rounds."""
    report = run_lanes(watch_config(THREE_STYLES, tmp_path, repeat=3))
    loop, threads, pool = report.results
    assert all(r.ok and r.exit_code == 0 for r in report.results), [r.error for r in report.results]
    assert 0.8 < loop.effective_cores < 1.2 and loop.peak_processes == 1
    assert threads.effective_cores < 1.3 and threads.peak_processes == 1 and threads.peak_threads > 1
    assert threads.speedup is not None and threads.speedup < 1.3  # against the first lane, the loop
    assert pool.peak_processes >= 3  # the script and its two workers
    assert pool.effective_cores > 1.5  # seen 1.8 (2 vCPUs)
    assert pool.speedup is not None and pool.speedup > 1.3
    # Read from outside, thread by thread: the GIL's share, not a guess ("held by the GIL, or waiting").
    assert threads.thread_states is not None and threads.thread_states["gil"] >= 0.4
    assert [d.kind for d in threads.diagnosis] == ["gil"]
    said = explain_report(report)
    assert any(line.startswith("threads: one process with") for line in said)
    assert any(line.startswith("threads: its") and "waited for the GIL" in line for line in said)
    assert any("Pool.map: 3 processes used" in line for line in explain_report(report))
    # Their output went to a file per lane and round, never to the screen.
    assert len(list(tmp_path.glob("*.log"))) == 9


@physics
def test_threads_in_compiled_code_that_releases_the_gil_do_not_wait_for_it(tmp_path: Path):
    """Four threads hashing (hashlib drops the GIL over 2 KiB) beside one Thread per task summing."""
    lanes = (("summing", script("thread_per_task.py")), ("hashing", script("hash_threads.py")))
    summing, hashing = run_lanes(watch_config(lanes, tmp_path)).results
    assert summing.thread_states is not None and summing.thread_states["gil"] >= 0.4  # seen 0.65
    assert hashing.thread_states is not None and hashing.thread_states["gil"] <= 0.1  # seen 0.00
    assert hashing.effective_cores > 1.3 and hashing.thread_states_source == "syscall"


FAILING = ("--", sys.executable, "-c", "print('boom'); raise SystemExit(3)")


def test_a_failing_command_is_an_error_lane_with_its_exit_code_and_exit_1(tmp_path: Path):
    done = subprocess.run(
        [*PARAVIZ, "watch", "--format", "json", "--output-dir", str(tmp_path), "--lane", "ok=true", *FAILING],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    ok, failed = json.loads(done.stdout)["runs"]
    assert ok["status"] == "ok" and ok["exit_code"] == 0
    assert failed["status"] == "error" and failed["exit_code"] == 3 and "exited with code 3: boom" in failed["error"]
    assert Path(failed["output_path"]).read_text() == "boom\n"


def test_the_notebook_problem_is_said_plainly_with_the_start_method(tmp_path: Path):
    report = run_lanes(watch_config((("cell", script("notebook_function.py")),), tmp_path))
    (cell,) = report.results
    assert cell.status == "error" and "Can't get attribute 'square'" in (cell.error or "")
    assert cell.start_method == "spawn"  # read from what the workers printed
    assert any(
        "start method spawn" in line and "move the function into a .py file" in line for line in explain_report(report)
    )


def test_sigterm_ends_a_command_that_ignores_it_and_everything_it_started(tmp_path: Path):
    watcher = subprocess.Popen(
        [*PARAVIZ, "watch", "--format", "json", "--output-dir", str(tmp_path), "--", *script("ignores_sigterm.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    log = tmp_path / "ignores_sigterm.py.1.log"
    while not (log.exists() and log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    victims = [p for p in psutil.process_iter(["cmdline"]) if "ignores_sigterm.py" in " ".join(p.info["cmdline"] or [])]
    assert victims
    watcher.send_signal(signal.SIGTERM)
    _out, err = watcher.communicate(timeout=30)
    assert watcher.returncode == 130, err
    _gone, alive = psutil.wait_procs(victims, timeout=5)
    assert not alive


@physics
def test_unequal_tasks_show_a_long_tail_on_one_worker(tmp_path: Path):
    report = run_lanes(
        watch_config((("unequal", script("unequal_pool.py", "15000000")),), tmp_path), sample_interval=0.1
    )
    (lane,) = report.results
    assert lane.ok and lane.tail_s is not None
    # One task five times the others: about half the lane on one worker (seen 0.6 of 1.4 s).
    assert lane.tail_s > 0.25 * lane.wall_s
    assert any("one worker ran alone" in line for line in explain_report(report))


def test_together_runs_the_commands_at_once(tmp_path: Path):
    sleeps = (("a", ("sleep", "1")), ("b", ("sleep", "1")))
    started = time.monotonic()
    report = run_lanes(watch_config(sleeps, tmp_path, together=True))
    took = time.monotonic() - started
    # at once: the whole took less than the two lanes' own wall times one after the other (each ≥ 1 s)
    assert all(r.ok and r.wall_s >= 1.0 for r in report.results)
    assert took < sum(r.wall_s for r in report.results), (took, [r.wall_s for r in report.results])


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ([], "give a command to watch"),
        (["--lane", "no-equals-sign"], "NAME=COMMAND"),
        (["--", "no-such-program-here"], "no such command"),
        (["--lane", "a=true", "--lane", "a=true"], "its own name"),
        (["--repeat", "0", "--", "true"], "repeat must be between"),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(arguments: list[str], says: str):
    done = subprocess.run([*PARAVIZ, "watch", "--format", "table", *arguments], capture_output=True, text=True)
    assert done.returncode == 2, done
    assert says in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_config_refuses_a_lane_without_a_command():
    with pytest.raises(ConfigError, match="has no command"):
        validate(RunConfig(modes=("x",), commands=(("x", ()),)))


@physics
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_app_draws_the_commands_side_by_side(tmp_path: Path, size: tuple[int, int]):
    # The pool's lane does 4 times the default work: in a fresh-clone CI run its 0.56 s start-up
    # was most of a 0.70 s lane, which then read 1.00 cores.
    commands = (*THREE_STYLES[:2], ("Pool.map", script("pool_map.py", "20000000")))
    app = make_app(watch_config(commands, tmp_path), refresh=0.1)
    async with app.run_test(size=size) as pilot:
        assert list(app.lanes) == ["loop", "threads", "Pool.map"]
        assert "paraviz watch" in str(app.header_bar.render()) and str(tmp_path) in str(app.header_bar.render())
        await pilot.press("r")
        await wait_idle(app, pilot)
        for name in app.lanes:
            assert app.results[name].ok and "exit code 0" in app.lane(name).status_text
        pool = app.lane("Pool.map")
        assert app.results["Pool.map"].effective_cores > 1.2
        # No task events: the worker rows are the measured busy stretches, with no task counts.
        rows = pool.chart.trace.rows
        assert len(rows) >= 2 and all(row.measured and row.label == "" for row in rows.values())
        assert "Pool.map: 3 processes used" in app.explanation.text
        await pilot.press("p")  # a built-in lane's key with no such lane here: said, nothing runs
        assert not app.running
        # No workers, workload, options or sweep of paraviz's in a user's own commands: those keys are
        # neither in the footer nor acting (they were offered and did nothing).
        footer = {key for key, active in app.screen.active_bindings.items() if active.binding.show}
        assert {"r", "x", "e", "q"} <= footer and not {"v", "w", "o", "minus", "plus"} & footer
        for key in ("v", "w", "o", "plus"):
            await pilot.press(key)
            assert app.screen is app.default_screen and app.config.workers == watch_config(commands, tmp_path).workers


def test_a_watched_lane_never_leaves_its_output_on_paravizs_stdout(tmp_path: Path):
    done = subprocess.run(
        [*PARAVIZ, "watch", "--format", "csv", "--output-dir", str(tmp_path), "--", "echo", "hello-from-the-command"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "hello-from-the-command" in (tmp_path / "echo.1.log").read_text()
    header, row = done.stdout.splitlines()[:2]
    assert "exit_code" in header.split(",") and "hello-from-the-command" not in row.replace("echo hello", "")
    assert os.listdir(tmp_path) == ["echo.1.log"]


@physics
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_app_says_a_stuck_program_is_stuck_within_a_second_of_the_threshold(tmp_path: Path, size):
    """The deadlock is stuck 0.1 s after it starts (plus Python's start-up, ~0.1 s): the lane's live
    line must say so by STUCK_AFTER_S + 1 s after that, and its explanation once stopped with x."""
    app = make_app(watch_config((("deadlock", script("deadlock.py")),), tmp_path), refresh=0.1)
    async with app.run_test(size=size) as pilot:
        await pilot.press("r")
        started = time.monotonic()
        lane = app.lane("deadlock")
        while "stuck" not in lane.live_text and time.monotonic() - started < STUCK_AFTER_S + 5:
            await pilot.pause(0.05)
        took = time.monotonic() - started
        assert "stuck" in lane.live_text and "a lock" in lane.live_text
        assert took <= STUCK_AFTER_S + 0.3 + 1.0, took  # stuck from ~0.3 s, said within 1 s of the threshold
        await pilot.press("x")
        await wait_idle(app, pilot)
        assert app.results["deadlock"].status == "stopped"
        assert "deadlock: stuck for" in app.explanation.text
