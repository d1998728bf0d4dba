"""paraviz lecture: steps as data, keys that move and run, answers from the run just done."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult
from paraviz.core.teach.lecture import (
    STEPS,
    answer_line,
    expectation_failures,
    parse_step,
    playable_step_config,
    step_by_key,
    step_config,
)
from paraviz.tui.lecture import make_lecture

from tests.support.fakes import result
from tests.support.screen_text import screen_lines
from tests.test_app import wait_idle
from tests.test_i18n import english_leftovers

pytestmark = pytest.mark.usefixtures("no_leftover_processes")


def test_every_step_makes_a_valid_config_that_scales_with_the_cores():
    keys = [s.key for s in STEPS]
    assert len(set(keys)) == len(keys) >= 8
    for step in STEPS:
        (two, note), (sixteen, _note) = (playable_step_config(step, RunConfig(workers=2), cores) for cores in (2, 16))
        assert two.workload.name == step.workload
        assert step.answer[0] in two.modes or (note and step.fallback_modes)
        if step.tasks_per_core:  # the step's tasks per core, never fewer than its own minimum
            assert two.task_count == max(step.min_tasks, 2 * step.tasks_per_core)
            assert sixteen.task_count == max(step.min_tasks, 16 * step.tasks_per_core) > two.task_count
        if step.compare_with:
            assert keys.index(step.compare_with) < keys.index(step.key)


async def test_the_nogil_step_says_how_to_get_a_free_threaded_python_when_there_is_none(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("PARAVIZ_CACHE", str(tmp_path))
    app = make_lecture(RunConfig(workers=2), first_step=[s.key for s in STEPS].index("nogil") + 1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.step.key == "nogil" and app.config.modes == ("sequential", "threads")
        text = " ".join(screen_lines(app))
        assert "uv python install" in text and not app.lane("nogil").display
        await pilot.press("right")  # never stuck: the next step loads as any other
        assert app.step.key == "numpy" and app.step_note is None


def test_the_nogil_step_runs_the_nogil_lane_where_a_free_threaded_python_exists():
    from tests.test_nogil import NOGIL

    if NOGIL is None:
        pytest.skip("no free-threaded Python (bash .ci/nogil-python.sh builds one)")
    config, note = playable_step_config(step_by_key("nogil"), RunConfig(workers=2), 2)
    assert note is None and config.modes == ("sequential", "threads", "nogil") and config.nogil_python


def test_step_settings_do_not_leak_into_the_next_step():
    tiny = step_config(step_by_key("tiny"), RunConfig(workers=2), 2)
    assert tiny.chunksize == 1 and tiny.engine == "pool"
    gil = step_config(step_by_key("gil"), tiny, 2)
    assert gil.chunksize is None and gil.engine == RunConfig().engine and gil.workers == 2


def gil_results(threads_speedup: float) -> dict[str, RunResult]:
    return {
        "sequential": result("sequential", 2.0, 2.0, workers=1, speedup=1.0),
        "threads": result("threads", 2.0 / threads_speedup, 2.0, speedup=threads_speedup),
        "processes": result("processes", 1.05, 2.0, speedup=1.9),
    }


def test_the_answer_quotes_the_run_and_a_contradicting_run_is_called_out():
    gil = step_by_key("gil")
    assert answer_line(gil, gil_results(1.04), {}) == "Threads: speedup 1.04× · 1.04 cores"
    # The lesson beside its figure: the cores the threads were held to, and their measured GIL wait
    states = {"running": 0.3, "ready": 0.0, "gil": 0.67, "wait": 0.03, "io": 0.0}
    rounds = tuple(replace(gil_results(1.04)["threads"], thread_states=states) for _ in range(3))
    threads = replace(gil_results(1.04)["threads"], thread_states=states, rounds=rounds)
    answer = answer_line(gil, {**gil_results(1.04), "threads": threads}, {})
    assert answer == "Threads: speedup 1.04× · 1.04 cores · GIL wait 67% (median of 3 rounds)"
    assert expectation_failures(gil, gil_results(1.04), 2) == []
    failures = expectation_failures(gil, gil_results(1.8), 2)
    assert len(failures) == 1 and "does not show the lesson" in failures[0] and "1.80×" in failures[0]
    assert "1 core" in expectation_failures(gil, gil_results(1.04), 1)[0]


def test_a_step_quotes_the_earlier_step_it_answers():
    chunks = step_by_key("chunks")
    now = {"processes": result("processes", 0.03, 0.05, speedup=0.7)}
    before = {"processes": result("processes", 2.9, 3.5, speedup=0.01)}
    line = answer_line(chunks, now, before)
    assert "0.03 s" in line and "2.90 s" in line and "Tiny tasks" in line


def test_a_step_stopped_at_the_time_limit_says_how_far_it_got_and_the_next_step_quotes_it():
    stopped = result(
        "processes", 20.1, 300.0, status="stopped", error="stopped at the 20 s time limit with 3 of 32 tasks done"
    )
    line = answer_line(step_by_key("oversubscribed"), {"processes": stopped}, {})
    assert "3 of 32 tasks done" in line and "Processes" in line
    later = answer_line(
        step_by_key("one-inner-thread"), {"processes": result("processes", 0.5, 1.0)}, {"processes": stopped}
    )
    assert "0.50 s" in later and "3 of 32 tasks done" in later


def test_every_step_has_a_time_limit_unless_the_teacher_set_one():
    assert step_config(STEPS[0], RunConfig(workers=2), 2).time_limit_s == 20.0
    assert step_config(STEPS[0], RunConfig(workers=2, time_limit_s=60.0), 2).time_limit_s == 60.0


def test_step_numbers_are_checked():
    assert parse_step("4") == 4
    for bad in ("0", "99", "x"):
        with pytest.raises(ValueError, match="--step"):
            parse_step(bad)
    done = subprocess.run(
        [sys.executable, "-m", "paraviz.tui", "--lang", "en", "lecture", "--step", "99"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "--step" in done.stderr


async def test_keys_move_between_steps_and_r_runs_the_step_then_shows_its_answer():
    app = make_lecture(RunConfig(workers=2), first_step=4)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.step.key == "io" and "4/" in app.lecture_bar.border_title
        assert not app.running and "Waiting on I/O" in app.lecture_bar.border_title
        await pilot.press("n")
        assert app.step.key == "pipeline" and app.config.workload.name == "pipeline"
        assert app.config.modes == ("sequential", "threads", "processes", "asyncio", "hybrid")
        await pilot.press("n")
        assert app.step.key == "tiny" and app.config.chunksize == 1
        await pilot.press("left")
        await pilot.press("left")
        await pilot.press("b")
        await pilot.press("space")
        assert app.step.key == "io" and app.config.workload.name == "sleep"
        await pilot.press("plus")
        assert app.config.workers == 3
        await pilot.press("r")
        assert app.running
        await pilot.press("n")  # refused while running, and said: the step stays
        assert app.step.key == "io"
        assert any("x stops it" in n.message for n in app._notifications)
        await wait_idle(app, pilot)
        shown = "\n".join(screen_lines(app))
        assert "Threads: speedup" in shown and "×" in shown
        assert f"{app.results['threads'].speedup:.2f}×" in shown  # the figure of this run
        await pilot.press("z")  # projector: large digits, the per-core panel gives way
        await pilot.pause()
        assert app.screen.has_class("-big") and app.query_one("#cores-box").display is False
        assert app.query_one("#big-figures").display is True
        digits = app.big_figures.cells["threads"][1]
        assert digits.value == f"{app.results['threads'].speedup:.2f}x"  # the answer's figure, large


async def test_lecture_in_spanish_shows_no_english(spanish):
    app = make_lecture(RunConfig(workers=2), first_step=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_idle(app, pilot)
        seen = screen_lines(app)
        assert any("Paso 4/" in line for line in seen) and any("Hilos: aceleración" in line for line in seen)
        assert english_leftovers(seen) == [], seen


async def test_a_step_shows_only_the_lanes_it_runs_unless_one_is_run_by_hand():
    app = make_lecture(RunConfig(workers=2), first_step=6)  # chunks: sequential and processes
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = {mode for mode, lane in app.lanes.items() if lane.display}
        assert shown == {"sequential", "processes"}
        await pilot.press("left", "left")  # io: all three
        assert {mode for mode, lane in app.lanes.items() if lane.display} == {"sequential", "threads", "processes"}


def test_moving_data_claims_processes_slower_than_threads():
    data = step_by_key("data")
    slower = {"threads": result("threads", 0.2, 0.2), "processes": result("processes", 0.6, 0.9)}
    assert expectation_failures(data, slower, 2) == []
    faster = {"threads": result("threads", 0.6, 0.6), "processes": result("processes", 0.2, 0.3)}
    (failure,) = expectation_failures(data, faster, 2)
    assert "Processes: wall time 0.20 s" in failure


async def test_moving_past_the_first_or_last_step_is_said():
    app = make_lecture(RunConfig(workers=2), first_step=len(STEPS))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        assert app.step_index == len(STEPS) - 1
        assert any("last step" in n.message for n in app._notifications)
    app = make_lecture(RunConfig(workers=2), first_step=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("left")
        assert app.step_index == 0
        assert any("first step" in n.message for n in app._notifications)
