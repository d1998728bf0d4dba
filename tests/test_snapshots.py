"""How the screen looks, pinned as SVG snapshots (pytest-textual-snapshot), and pilot tests of the
pictures: a fixed machine, a fake sampler and replayed events, so every run draws the same screen.

Update after a deliberate change of the look: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from paraviz.core.measure.sampler import fake_source
from paraviz.core.measure.sweep import SweepReport, fit_amdahl
from paraviz.core.model.config import RunConfig
from paraviz.core.model.events import LaneSampled
from paraviz.core.model.workloads import get_workload
from paraviz.tui.app import make_app
from paraviz.tui.screens import sweep as sweep_screen

from tests.support.fakes import MACHINE, PIPELINE_LANES, replay, result

CONFIG = RunConfig(workload=get_workload("cumsum"), workers=2, tasks=8, size=10_000_000, start_method="fork")


def app_for_snapshot():
    # A refresh this long never ticks during a test: the fake sampler's readings are the ones fed below.
    app = make_app(CONFIG, refresh=60, cpu_source=fake_source(2), machine=MACHINE)
    return app


async def fill_history(app, ticks: int = 40) -> None:
    for _ in range(ticks):
        app.sample_cpu()


def test_main_screen_mid_run(snap_compare):
    async def run_before(pilot):
        app = pilot.app
        await fill_history(app)
        replay(app, ("sequential", "threads"), running="processes", running_upto_s=1.0)
        await pilot.pause()

    assert snap_compare(app_for_snapshot(), terminal_size=(120, 40), run_before=run_before)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_main_screen_after_a_run(snap_compare, size):
    async def run_before(pilot):
        app = pilot.app
        await fill_history(app)
        replay(app, ("sequential", "threads", "processes"))
        await pilot.pause()

    assert snap_compare(app_for_snapshot(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_five_lanes_with_asyncio_and_the_hybrid(snap_compare, size):
    """Sequential, threads, processes, asyncio and the hybrid side by side, after a run."""

    async def run_before(pilot):
        app = pilot.app
        await fill_history(app)
        replay(app, FIVE_LANES, lanes=PIPELINE_LANES)
        await pilot.pause()

    config = replace(CONFIG, workload=get_workload("pipeline"), modes=FIVE_LANES)
    app = make_app(config, refresh=60, cpu_source=fake_source(2), machine=MACHINE)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


FIVE_LANES = ("sequential", "threads", "processes", "asyncio", "hybrid")


POINTS = [
    result("threads", 4.0, 4.0, workers=1, speedup=1.0),
    result("processes", 4.05, 4.0, workers=1, speedup=0.99),
    result("threads", 4.1, 4.1, workers=2, speedup=0.98),
    result("processes", 2.05, 4.0, workers=2, speedup=1.95),
    result("threads", 4.1, 4.1, workers=4, speedup=0.98),
    result("processes", 2.1, 4.1, workers=4, speedup=1.90),
]


def fake_sweep(config, counts, stop=None, on_point=lambda p: None, **_):
    for point in POINTS:
        on_point(point)
    fits = {
        m: fit_amdahl([p.workers for p in POINTS if p.mode == m], [p.speedup for p in POINTS if p.mode == m], 2)
        for m in ("threads", "processes")
    }
    return SweepReport(MACHINE, config, 10_000_000, result("sequential", 4.0, 4.0), POINTS, fits)


@pytest.fixture
def sweep_without_running(monkeypatch):
    monkeypatch.setattr(sweep_screen, "run_sweep", fake_sweep)


async def wait_sweep(pilot) -> None:
    for _ in range(100):
        if not getattr(pilot.app.screen, "running", True):
            break
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_sweep_view(snap_compare, sweep_without_running, size):
    app = app_for_snapshot()
    app.sweep_counts = [1, 2, 4]
    assert snap_compare(app, terminal_size=size, press=["v"], run_before=wait_sweep)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_sweep_plot_labels_and_legend_are_inside_the_screen(sweep_without_running, size):
    app = app_for_snapshot()
    app.sweep_counts = [1, 2, 4]
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await wait_sweep(pilot)
        plot = app.screen.query_one("#sweep-plot")
        assert plot.region.right <= size[0] and plot.region.bottom <= size[1]
        # What plotext drew for this widget's size: every label must be in it, none cut.
        drawn = str(plot.render())
        for label in ("workers", "speedup ×", "threads", "processes", "ideal: min(workers, 2 cores)", "1", "2", "4"):
            assert label in drawn, (label, drawn)


async def test_each_lane_chart_draws_exactly_the_samples_the_lane_streamed():
    seen: list[LaneSampled] = []

    def hook(message):
        # Called as a message is handled: samples that a later one replaced in the queue while the
        # app was busy (RunEvent.can_replace) come with it, in ``earlier``.
        event = getattr(message, "event", None)
        if isinstance(event, LaneSampled):
            seen.extend([*message.earlier, event])

    config = RunConfig(workload=get_workload("sleep"), workers=2, tasks=4, size=300)
    app = make_app(config, refresh=0.1)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await pilot.press("r")
        done = threading.Event()
        for _ in range(300):
            if not app.running:
                done.set()
                break
            await pilot.pause(0.1)
        assert done.is_set()
        for mode in ("sequential", "threads", "processes"):
            samples = [(e.elapsed_s, e.cores_in_use) for e in seen if e.mode == mode]
            assert samples and app.lane(mode).chart.trace.samples == samples
            assert app.lane(mode).chart.trace.end_s == pytest.approx(app.results[mode].wall_s)
        # one time axis: the longest lane fits, every lane's chart spans the same seconds
        spans = {app.lane(m).chart.span_s for m in ("sequential", "threads", "processes")}
        assert len(spans) == 1 and spans.pop() >= max(r.wall_s for r in app.results.values())


async def test_threads_draw_at_one_core_and_processes_at_two():
    """The picture itself: on replayed cumsum figures the thread lane's area stops at the 1-core
    line, the process lane's reaches 2, and thread workers' blocks are half as tall (taking turns)."""
    app = app_for_snapshot()
    async with app.run_test(size=(120, 40)) as pilot:
        replay(app, ("sequential", "threads", "processes"))
        await pilot.pause()
        rows = {m: app.lane(m).chart.plain_text().splitlines() for m in ("threads", "processes")}
        top = {m: rows[m][0] for m in rows}  # the row labelled with the 2-core maximum
        assert top["threads"].lstrip().startswith("2┤") and "█" not in top["threads"]
        assert "█" in top["processes"] or "▇" in top["processes"]
        thread_rows = [r for r in rows["threads"] if r.startswith("w")]
        process_rows = [r for r in rows["processes"] if r.startswith("w")]
        assert len(thread_rows) == 2 and all("▄" in r and "█" not in r for r in thread_rows)
        assert len(process_rows) == 2 and all("█" in r for r in process_rows)


def lecture_for_snapshot(big: bool = False):
    from paraviz.tui.lecture import make_lecture

    return make_lecture(
        RunConfig(workers=2, start_method="fork"),
        first_step=1,
        refresh=60,
        cpu_source=fake_source(2),
        machine=MACHINE,
        big=big,
    )


@pytest.mark.parametrize("big", [False, True], ids=["lecture", "projector"])
def test_lecture_in_spanish_at_80x24(snap_compare, big, spanish):
    """Step 1 after a (replayed) GIL run, in Spanish: the question, the highlighted answer."""

    async def run_before(pilot):
        app = pilot.app
        await fill_history(app)
        replay(app, ("sequential", "threads", "processes"))
        app.show_step()
        await pilot.pause()

    assert snap_compare(lecture_for_snapshot(big), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("no_color", [False, True])
async def test_lane_colours_come_from_the_theme_and_no_color_removes_them(monkeypatch, no_color):
    """Lanes are coloured through theme variables, so NO_COLOR (which Textual applies to what it
    draws) takes the colour away, and the lanes stay told apart by name."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = app_for_snapshot()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_history(app)
        replay(app, ("sequential", "threads", "processes"))
        await pilot.pause()
        svg = app.export_screenshot()
    processes_colour = app.get_theme_variable_defaults()["lane-processes"].lower()
    assert (processes_colour in svg.lower()) is not no_color
    for name in ("Sequential", "Threads", "Processes"):
        assert name in svg


async def open_where_the_time_went(pilot) -> None:
    replay(pilot.app, ("sequential", "threads", "processes"))
    await pilot.pause()
    await pilot.press("f")
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_where_the_time_went(snap_compare, size):
    """The "where the time went" view (f) after a replayed run: a row per factor, a column per lane."""
    assert snap_compare(app_for_snapshot(), terminal_size=size, run_before=open_where_the_time_went)


def test_where_the_time_went_in_spanish_at_80x24(snap_compare, spanish):
    assert snap_compare(app_for_snapshot(), terminal_size=(80, 24), run_before=open_where_the_time_went)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_view_and_the_panels_name_each_lanes_biggest_loss(size):
    app = app_for_snapshot()
    async with app.run_test(size=size) as pilot:
        replay(app, ("sequential", "threads", "processes"))
        await pilot.pause()
        # the replayed threads waited for the GIL 4.1 of their 8.2 worker-seconds: GIL 50 %
        assert "GIL 50%" in str(app.lane("threads").headline.render())
        assert "GIL" not in str(app.lane("processes").headline.render())
        await pilot.press("f")
        await pilot.pause()
        table = str(app.screen.query_one("#budget-table").render())
        lines = table.splitlines()
        assert "Threads" in lines[0] and "Processes" in lines[0] and "Sequential" not in lines[0]
        gil = next(line for line in lines if line.startswith("GIL"))
        assert "50%◀" in gil  # the threads' biggest loss, marked
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("#budget-table")
