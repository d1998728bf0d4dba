"""Pilot tests: press keys as a user would and assert what the widgets show."""

from __future__ import annotations

import asyncio
import re
import time
import typing

import psutil
import pytest
from paraviz.core.measure.sampler import fake_source
from paraviz.core.model.config import RunConfig
from paraviz.core.model.machine import MachineInfo
from paraviz.core.model.workloads import get_workload
from paraviz.core.teach.conditions import CPU_BOUND_CORES
from paraviz.core.teach.explain import explain
from paraviz.tui.app import ParavizApp, make_app
from paraviz.tui.widgets import CoreMeter, figure_pairs
from textual.widgets import ProgressBar

from tests.support.physics import physics

pytestmark = pytest.mark.usefixtures("no_leftover_processes")


def quick_config(**kw) -> RunConfig:
    settings = {"workload": get_workload("cumsum"), "workers": 2, "tasks": 4, "size": 2_000_000}
    settings.update(kw)
    return RunConfig(**settings)


async def wait_idle(app: ParavizApp, pilot, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while app.running and time.monotonic() < deadline:
        await pilot.pause(0.1)
    assert not app.running, "run did not finish"
    await pilot.pause()


@physics
async def test_run_all_shows_the_figures_of_the_run():
    app = make_app(quick_config(), refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "not run" in app.lane("threads").status_text
        await pilot.press("r")
        await wait_idle(app, pilot)
        for mode in ("sequential", "threads", "processes"):
            result = app.results[mode]
            assert result.ok and result.tasks_done == 4
            shown = app.lane(mode).figures_text
            # the values, as the test computes them from the lane's own measured wall and CPU
            cores = result.cpu_s / result.wall_s
            assert f"{result.wall_s:.3f} s" in shown and f"{cores:.2f}" in shown, (mode, shown)
            if mode != "sequential":
                speedup = app.results["sequential"].wall_s / result.wall_s
                assert f"{speedup:.2f}×" in shown, (mode, shown)
            if mode == "threads":  # the wiring: every figure the panel is given, at 120x40, is shown
                for label, value in figure_pairs(result):
                    assert f"{label:<9}{value}" in shown.replace("  ", " " * 2), (mode, label, value, shown)
            assert app.lane(mode).query_one(ProgressBar).progress == 4
        threads = app.results["threads"]
        assert threads.effective_cores < 1.3
        explanation = str(app.query_one("#explanation").render())
        # the panel shows what explain() says of this run, sentence by sentence
        said = explain(list(app.results.values()), app.config, app.machine.logical_cores)
        assert said and all(sentence in explanation for sentence in said), (said, explanation)
        cores = f"{threads.effective_cores:.2f}"
        if threads.effective_cores >= CPU_BOUND_CORES:  # busy on one core: the GIL sentence, or the noise one
            # "used 1.00 cores: one ran…", "used 0.96 of 2 cores: the GIL lets…", or the noise sentence
            assert f"used {cores} " in explanation or f"on {cores} cores, which one core" in explanation


async def test_one_lane_runs_alone_and_settings_changes_clear_stale_figures():
    app = make_app(quick_config(workload=get_workload("sleep"), size=20, tasks=4), refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await wait_idle(app, pilot)
        assert set(app.results) == {"threads"}
        assert app.results["threads"].speedup is None  # no sequential lane to compare with
        assert "not run" in app.lane("sequential").status_text
        await pilot.press("s")
        await wait_idle(app, pilot)
        assert app.results["threads"].speedup is not None  # now compared with the same settings
        await pilot.press("plus")
        assert app.config.workers == 3
        assert app.results == {}
        assert "not run with these settings" in app.lane("threads").status_text
        assert app.lane("threads").figures_text == ""


async def test_stop_ends_the_run_and_leaves_no_process():
    app = make_app(quick_config(workload=get_workload("sleep"), size=20_000, tasks=4), refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        deadline = time.monotonic() + 20
        while "starting" not in app.lane("processes").status_text and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        children = psutil.Process().children(recursive=True)
        assert children, "the lane runs in child processes"
        t0 = time.monotonic()
        await pilot.press("x")
        await wait_idle(app, pilot, timeout=10)
        assert time.monotonic() - t0 < 3  # its tasks sleep 20 s: stopped, not finished (seen 0.3-0.8 s)
        assert app.results["processes"].status == "stopped"
        assert "stopped" in app.lane("processes").status_text
        _gone, alive = psutil.wait_procs(children, timeout=3)
        assert not alive


async def test_a_lane_past_its_time_limit_says_so_in_its_panel_and_the_explanation():
    config = quick_config(workload=get_workload("sleep"), size=100, tasks=40, modes=("sequential",), time_limit_s=1.0)
    app = make_app(config, refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_idle(app, pilot, timeout=15)
        lane = app.results["sequential"]
        assert lane.status == "stopped" and 0 < lane.tasks_done < 40
        panel = app.lane("sequential")
        assert f"stopped after {lane.tasks_done} tasks" in panel.status_text
        assert "1 s time limit" in str(panel.headline.render())
        assert "1 s time limit" in str(app.explanation.render())


async def test_keys_answer_while_a_gil_bound_lane_runs():
    app = make_app(quick_config(tasks=8, size=20_000_000, modes=("threads",)), refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await pilot.pause(0.5)
        await pilot.press("question_mark")
        assert app.screen.__class__.__name__ == "HelpScreen"
        # Measured inside the app, from the key event to the help screen's first frame (Pilot.press
        # itself waits for idle twice, up to a second each, on a busy 2-core machine). The lane runs in
        # its own process: the UI shares cores with it, never its GIL. Unloaded, this is 25-35 ms
        # (benchmarks/responsiveness.py); a second is 30 times that, for the VM's slow phases.
        screen, seconds = app.responses[-1]
        assert screen == "HelpScreen" and seconds < 1.0, app.responses
        await pilot.press("escape")
        await pilot.press("x")
        await wait_idle(app, pilot)


async def test_help_lists_every_key():
    app = make_app(quick_config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        lines = [line for line in str(app.screen.query_one("#help-keys").render()).splitlines() if line.strip()]
        # Every binding (but Ctrl+C, quit's twin) has a row that starts with its key as a whole token
        # and holds what it does, in full: a missing row or a truncated description fails.
        checked = 0
        for binding in app.BINDINGS:
            if binding.key == "ctrl+c":
                continue
            shown = binding.key_display or binding.key.split(",")[0].replace("question_mark", "?")
            rows = [line.strip().partition("  ") for line in lines]
            what = next((what for keys, _gap, what in rows if shown in keys.split()), None)
            assert what is not None, (shown, lines)
            assert what.strip() == binding.tooltip, (binding.tooltip, what)
            checked += 1
        assert checked >= 14 and len(lines) >= 13


async def test_the_palette_offers_every_key_then_every_engine_then_textuals_own():
    app = make_app(quick_config())
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        keys = [b for b in app.BINDINGS if b.tooltip and b.key != "ctrl+c"]
        engines = [title for title in titles if title.startswith("Engine: ")]
        said = [b.tooltip.split(":")[0] for b in keys]
        assert titles[: len(keys)] == [t[:1].upper() + t[1:] for t in said]  # the keys, in their order
        assert engines == ["Engine: futures", "Engine: pool", "Engine: joblib", "Engine: raw", "Engine: interpreters"]
        assert len(titles) > len(keys) + len(engines)  # Textual's own commands come last (theme, keys, quit)
        assert titles.index(engines[-1]) == len(keys) + len(engines) - 1
        engine_command = next(c for c in app.get_system_commands(app.screen) if c.title == "Engine: pool")
        engine_command.callback()
        await pilot.pause()
        assert app.config.engine == "pool"


async def test_bad_option_is_refused_and_the_setting_kept():
    app = make_app(quick_config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        workers = app.screen.query_one("#opt-workers")
        workers.value = "0"
        await pilot.press("enter")
        await app.workers.wait_for_complete()  # the settings are checked off the event loop
        await pilot.pause()
        assert app.config.workers == 2
        assert any("workers must be between 1 and" in n.message for n in app._notifications)
        for _ in range(3):
            await pilot.press("minus")
        assert app.config.workers == 1


async def test_plus_and_minus_check_the_settings_without_touching_the_system(monkeypatch):
    from paraviz.core.measure import validation

    app = make_app(quick_config(workers=2))

    def touched(*_args: object) -> None:
        raise AssertionError("+ read the system on the event loop")

    monkeypatch.setattr(psutil, "virtual_memory", touched)
    monkeypatch.setattr(validation, "probe", touched)
    monkeypatch.setattr(validation, "find_nogil_python", touched)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("+", "+", "-")
        await pilot.pause()
        assert app.config.workers == 3
        app.worker_bound = 3  # what free memory allowed when the app started
        await pilot.press("+")
        await pilot.pause()
        assert app.config.workers == 3
        assert any("workers must be between 1 and 3" in str(n.message) for n in app._notifications)


async def test_workload_chooser_changes_the_workload():
    app = make_app(quick_config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.config.workload.name == "linreg"
        assert "linreg" in str(app.query_one("#header").render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("cores", [2, 64, 256])
async def test_every_core_is_drawn_and_nothing_overflows(size, cores):
    machine = MachineInfo(cores, cores // 2 or 1, "3.11.7", "CPython", True, "Linux")
    app = make_app(quick_config(), cpu_source=fake_source(cores), machine=machine)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        meter = app.query_one(CoreMeter)
        drawn = meter.plain_text()
        if meter.uses_bars(meter.content_size.width, cores):
            assert all(f"c{i} " in drawn for i in range(cores))
        else:
            cells = sum(ch in "▁▂▃▄▅▆▇█" for line in drawn.splitlines()[:-1] for ch in line)
            assert cells == cores
        assert meter.region.height >= meter.get_content_height(size, size, meter.content_size.width)
        for widget in app.query("*"):
            if widget.display and widget.region.area and widget.parent.__class__.__name__ != "Footer":
                assert widget.region.right <= size[0] and widget.region.bottom <= size[1], widget
        for mode in ("sequential", "threads", "processes"):
            assert app.lane(mode).region.height >= 8, (mode, app.lane(mode).region)


async def test_an_explanation_longer_than_its_block_ends_with_a_mark_not_a_silent_cut():
    app = make_app(quick_config())
    sentences = [f"Sentence {n} says what lane {n} measured, in words long enough to wrap." for n in range(1, 7)]
    async with app.run_test(size=(80, 24)) as pilot:
        app.explanation.say(" ".join(sentences))
        await pilot.pause()
        rows = app.explanation.content_size.height
        shown = str(app.explanation.render()).splitlines()
        assert len(shown) == rows < len(app.explanation.lines(app.explanation.content_size.width))
        assert shown[-1].endswith(" …") and all(len(line) <= app.explanation.content_size.width for line in shown)
        app.explanation.say(sentences[0])  # one that fits: whole, and no mark
        await pilot.pause()
        assert str(app.explanation.render()) == sentences[0]


async def test_a_narrow_lanes_time_axis_keeps_zero_and_its_end_apart():
    from paraviz.core.model.events import TaskRecord

    from tests.support.fakes import replay

    app = make_app(quick_config(modes=("sequential", "threads", "processes", "dask")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for mode in ("sequential", "dask"):
            chart = app.lane(mode).chart
            chart.set_span(2.5)
            axis = chart.plain_text().splitlines()[-1].split()
            assert axis == ["0", "2.5", "s"], (mode, chart.size.width, axis)
        replay(app, ("sequential", "threads", "processes"))
        for mode in ("threads", "processes"):  # more workers than rows: at 80x24 two rows fit
            chart = app.lane(mode).chart
            more = [TaskRecord(100 + k, 1, 1, 9000 + k, 0.0, 0.5) for k in range(3)]
            chart.trace.reported([], more)
            chart.paint()
        await pilot.pause()
        summaries = [
            line.strip() for m in ("threads", "processes") for line in app.lane(m).chart.plain_text().splitlines()
        ]
        summaries = [line for line in summaries if line.startswith("+")]
        assert summaries and all(re.fullmatch(r"\+\d+( workers| more workers: [\d,]+ tasks)?", s) for s in summaries)


async def test_too_small_terminal_asks_for_a_larger_window():
    app = make_app(quick_config())
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        assert "Make the window larger" in str(app.query_one("#too-small").render())


async def test_quit_in_the_middle_of_a_run_leaves_nothing():
    app = make_app(quick_config(workload=get_workload("sleep"), size=20_000), refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause(1.0)
        children = psutil.Process().children(recursive=True)
        assert children, "the lane runs in child processes: there must be some to check"
        await pilot.press("q")
        await asyncio.sleep(0.1)
    _gone, alive = psutil.wait_procs(children, timeout=3)
    assert not alive


async def test_a_crashing_workload_shows_the_error_and_the_app_goes_on(user_module):
    app = make_app(quick_config(workload=get_workload("userwork:fails_on_three"), tasks=6, size=1), refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await wait_idle(app, pilot)
        for mode in ("sequential", "threads", "processes"):
            assert app.results[mode].status == "error"
            assert "task 3 raised ValueError: bad row 3" in app.lane(mode).live_text
        assert "failed: task 3 raised ValueError" in str(app.query_one("#explanation").render())
        app.set_config(quick_config(workload=get_workload("sleep"), tasks=2, size=10))
        await pilot.press("p")
        await wait_idle(app, pilot)
        assert app.results["processes"].ok


async def swept(app: ParavizApp, pilot, timeout: float = 90):
    """Open the sweep view (v) and wait until its sweep ended; the sweep screen."""
    await pilot.press("v")
    screen = app.screen
    deadline = time.monotonic() + timeout
    while screen.running and time.monotonic() < deadline:
        await pilot.pause(0.1)
    return screen


async def test_sweep_view_runs_and_fits_then_export_reads_back(tmp_path):
    import json

    import pandas as pd

    app = make_app(quick_config(workload=get_workload("cumsum"), tasks=4, size=1_000_000), refresh=0.1)
    app.sweep_counts = [1, 2]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await swept(app, pilot)
        assert screen.report is not None and len(screen.points) == 4
        assert screen.query_one("DataTable").row_count == 4
        fit_text = str(screen.query_one("#sweep-fit-text").render())
        assert "threads: serial fraction" in fit_text and "processes: serial fraction" in fit_text
        plot = str(screen.query_one("#sweep-plot").render())
        assert "threads" in plot and "processes" in plot and "workers" in plot  # legend and axis label
        await pilot.press("escape")
        await pilot.press("e")
        app.screen.query_one("#export-path").value = str(tmp_path / "sweep")
        await pilot.press("enter")
        await pilot.pause()
        frame = pd.read_csv(tmp_path / "sweep.csv")
        data = json.loads((tmp_path / "sweep.json").read_text())
        assert list(frame["speedup"]) == pytest.approx([p.speedup for p in screen.points])
        assert [r["wall_s"] for r in data["runs"]] == pytest.approx(list(frame["wall_s"]))
        assert data["fits"]["threads"]["serial_fraction"] == pytest.approx(
            screen.report.fits["threads"].serial_fraction
        )
        # a second export to the same path is refused, the files untouched
        await pilot.press("e")
        app.screen.query_one("#export-path").value = str(tmp_path / "sweep")
        await pilot.press("enter")
        await pilot.pause()
        assert any("already exists" in n.message for n in app._notifications)


async def test_export_holds_every_lane_on_screen(tmp_path):
    """Press t, then s: both lanes are on screen, so both are exported, with their figures."""
    import json
    from pathlib import Path

    from paraviz.core.teach.export import export

    app = make_app(quick_config(tasks=2), refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await wait_idle(app, pilot)
        await pilot.press("s")
        await wait_idle(app, pilot)
        report = app.last_report
        assert [r.mode for r in report.results] == ["sequential", "threads"]
        assert report.results[1].speedup is not None  # compared with the sequential lane shown
        _csv, json_path = export(report, str(tmp_path / "both"))
        runs = json.loads(Path(json_path).read_text())["runs"]
        assert [r["mode"] for r in runs] == ["sequential", "threads"]


async def test_the_header_fits_one_line_at_120_columns_inside_its_padding():
    # 72 + 3 + 45 characters: 120 columns, two more than the header's padding leaves (seen wrapping "GIL / on").
    app = make_app(quick_config(tasks=8, size=8_000_000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = str(app.header_bar.render())
        assert "\n" not in header and len(header) <= 118, header
        assert header.endswith("GIL on")


def test_every_run_event_has_its_own_message_and_a_handler_named_after_it():
    from paraviz.core.model.events import Event
    from paraviz.tui.app import ParavizApp
    from paraviz.tui.run_view import RUN_MESSAGES

    kinds = typing.get_args(Event)
    assert set(RUN_MESSAGES) == set(kinds)
    handlers = {kind.__name__: RUN_MESSAGES[kind].handler_name for kind in kinds}
    assert handlers["LaneStarted"] == "on_run_lane_started"
    assert [name for name, handler in handlers.items() if not callable(getattr(ParavizApp, handler, None))] == []


async def test_samples_queued_while_the_ui_is_busy_coalesce_and_keep_every_point():
    from paraviz.core.model.events import LaneSampled, TasksReported
    from paraviz.tui.run_view import run_message

    from tests.support.fakes import lane_events

    samples = [e for e in lane_events("processes") if isinstance(e, LaneSampled)]
    first, second = run_message(samples[0]), run_message(samples[1])
    assert first.can_replace(second) and second.earlier == [samples[0]]
    other_lane = LaneSampled("threads", elapsed_s=0.75, cpu_percent=100.0, threads=3, processes=1, rss_bytes=0)
    assert not second.can_replace(run_message(other_lane))
    assert not second.can_replace(run_message(TasksReported("processes", 1)))

    app = make_app(quick_config())
    async with app.run_test(size=(120, 40)) as pilot:
        lane = app.lane("processes")
        lane.waiting(8, None, 2, 2, 2)
        handled = []
        fold_in = lane.sampled
        lane.sampled = lambda sample, earlier=None: handled.append(sample) or fold_in(sample, earlier)
        # A burst, posted before the app can handle any of it: fewer repaints, the same chart.
        for event in samples:
            app.post_message(run_message(event))
        await pilot.pause()
        assert [t for t, _cores in lane.chart.trace.samples] == [s.elapsed_s for s in samples]
        assert len(samples) >= 4 and len(handled) == 1, len(handled)  # one message handled for the burst


async def test_an_existing_clusters_workers_get_a_strip_each_under_the_cores():
    from paraviz.core.model.events import ClusterSampled, RemoteWorker
    from paraviz.tui.run_view import run_message

    app = make_app(
        quick_config(), cpu_source=fake_source(2), machine=MachineInfo(2, 2, "3.11.7", "CPython", True, "Linux")
    )
    async with app.run_test(size=(120, 40)) as pilot:
        meter = app.query_one(CoreMeter)
        rows_before = meter.size.height
        for cpu in (20.0, 60.0, 97.0):
            workers = (
                RemoteWorker("tcp://10.0.0.5:40001", "10.0.0.5", cpu, 2**28),
                RemoteWorker("tcp://10.0.0.6:40002", "10.0.0.6", cpu / 2, 2**28),
            )
            app.post_message(run_message(ClusterSampled("dask", workers)))
        await pilot.pause()
        lines = meter.plain_text().splitlines()
        strips = [line for line in lines if line.startswith("dask 10.0.0.")]
        assert len(strips) == 2 and strips[0].startswith("dask 10.0.0.5:40001")
        assert strips[0].rstrip().endswith("97%") and strips[1].rstrip().endswith("48%")
        # Within the rows the screen gives the meter: where they run short, the graphs give way.
        assert rows_before < meter.size.height <= meter.max_rows


async def test_a_lane_shorter_than_one_column_still_draws_its_cores():
    """Mid-run on 16 cores: a processes lane 0.9 s in, on the minute-long axis the sequential lane
    set, showed an empty chart. The column it has reached is drawn."""
    from paraviz.core.model.events import LaneSampled
    from paraviz.tui.widgets.lane_chart import LaneChart
    from paraviz.tui.widgets.lane_colours import LANE_COLOURS
    from textual.app import App

    class One(App):
        def get_theme_variable_defaults(self):
            return {**super().get_theme_variable_defaults(), **{f"lane-{m}": c for m, c in LANE_COLOURS.items()}}

        def compose(self):
            yield LaneChart("processes")

    app = One()
    async with app.run_test(size=(50, 12)):
        chart = app.query_one(LaneChart)
        chart.configure(cores=16, usable=16, workers=16)
        chart.set_span(60.0)
        for elapsed in (0.2, 0.4, 0.6):
            chart.trace.sampled(LaneSampled("processes", elapsed, 1590.0, 19, 17, 0))
        text = chart.plain_text()
        area = [line for line in text.splitlines() if "┤" in line]
        assert any("█" in line for line in area), text


def test_a_long_lane_keeps_bounded_buffers_and_its_newest_tasks():
    """5,000 ticks and more of a run on screen: samples, readings and task records stay bounded,
    and the newest records are the ones kept (a frozen worker row was the old failure)."""
    from paraviz.core.model.events import LaneSampled, TaskRecord, WorkerLoad
    from paraviz.core.model.trace import MAX_READINGS, MAX_RECORDS, LaneTrace

    trace = LaneTrace()
    for tick in range(20_000):
        t = tick * 0.25
        load = WorkerLoad("w", 100.0, pid=7)
        trace.sampled(LaneSampled("processes", t, 100.0, 3, 2, 0, (load,)))
        trace.reported([], [TaskRecord(tick, 1, 7, 0, t, t + 0.2)])
    assert len(trace.samples) <= MAX_READINGS and len(trace.worker_cpu[("p", 7)]) <= MAX_READINGS
    assert len(trace.records) == MAX_RECORDS and trace.records[-1].index == 19_999
    assert trace.rows[(7, 0)].done == 20_000  # the count is every task, not the kept ones
    assert trace.samples[-1][0] == 19_999 * 0.25


@pytest.mark.parametrize(
    ("language", "width", "shown"),
    [
        ("en", 40, "1.61× on 1.76 cores"),
        ("en", 16, "1.61× 1.76 cores"),
        ("es", 22, "1,61× con 1,76 núcleos"),
        ("es", 16, "1,61× 1,76 núcl."),  # four lanes at 80x24
        ("es", 14, "1,61× 1,76"),  # five lanes at 80x24: the figures alone, never cut
    ],
)
def test_a_lane_headline_fits_its_width(language: str, width: int, shown: str):
    from dataclasses import replace

    from paraviz.core.i18n import set_language
    from paraviz.tui.widgets.lane_figures import headline_text

    from tests.support.fakes import result

    set_language(language)
    try:
        text = headline_text(replace(result("processes", 1.0, 1.76), speedup=1.61), width).plain
    finally:
        set_language("en")
    assert text == shown and len(text) <= width


@pytest.mark.parametrize(("language", "width"), [("en", 14), ("es", 14), ("es", 16), ("es", 40)])
def test_every_figure_value_shows_whole_with_a_space_after_its_label(language: str, width: int):
    from dataclasses import replace

    from paraviz.core.i18n import set_language
    from paraviz.tui.widgets.lane_figures import figures_text

    from tests.support.fakes import result

    set_language(language)
    try:
        lane = replace(result("processes", 1.804, 1.76), speedup=1.61)
        lines = figures_text(lane, width, max_lines=2).plain.splitlines()
    finally:
        set_language("en")
    comma = language == "es"  # Spanish writes 1,804 s
    values = ["1.804 s", "0.006 s", "1.61×", "0.98"]  # wall, start-up, speedup, cores (1.76 / 1.804), in order
    values = [v.replace(".", ",") if comma else v for v in values]
    shown = values[: 4 if width >= 30 else 2]  # two figures a line where wide enough, else one
    assert len(lines) == 2 and all(line.strip() for line in lines), lines
    assert all(len(line) <= width for line in lines), lines
    for value in shown:
        assert f" {value}" in "\n".join(lines), (value, lines)  # whole, and never glued to its label
