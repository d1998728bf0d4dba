"""The sweep view: speedup against workers for threads and processes (and, where chosen, no-GIL
threads, asyncio and the hybrid), with the Amdahl fit."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from paraviz.core.i18n import N_, _
from paraviz.core.measure.runner import RunError
from paraviz.core.measure.sweep import AmdahlFit, SweepReport, fit_amdahl, run_sweep
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult, mode_name
from paraviz.core.model.workloads import WorkloadError
from paraviz.core.teach.export import fit_line, sweep_row, tasks_text
from paraviz.tui.failures import unexpected_failure
from paraviz.tui.screens.dialogs import AnswersAKey
from paraviz.tui.textual_internals import translate_bindings
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

MODE_COLOR = {"threads": "cyan", "nogil": "green", "processes": "magenta", "asyncio": "blue", "hybrid": "yellow"}
#: Below this width the table is hidden, so the plot keeps its axis labels and legend.
NARROW_WIDTH = 100
CURVE_POINTS = 40


def draw_speedup_plot(
    plt: Plot, points: list[RunResult], counts: list[int], cores: int, fits: dict[str, AmdahlFit]
) -> None:
    """Speedup against workers: the measured points of each mode, its Amdahl fit, and the ideal
    min(workers, cores), which is flat past the core count. Drawn with plotext; nothing computed."""
    plt.clear_data()
    plt.clear_figure()
    top = max(counts)
    xs = [1 + (top - 1) * k / (CURVE_POINTS - 1) for k in range(CURVE_POINTS)]
    plt.plot(
        xs,
        [min(x, cores) for x in xs],
        color="gray",
        marker="dot",
        label=_("ideal: min(workers, {cores} cores)").format(cores=cores),
    )
    for mode, color in MODE_COLOR.items():  # the fitted curves under the measured points
        fit = fits.get(mode)
        if fit is not None:
            plt.plot(xs, [fit.speedup_at(x) for x in xs], color=color, marker="dot")
    for mode, color in MODE_COLOR.items():
        measured = [p for p in points if p.mode == mode and p.speedup is not None]
        if measured:
            xs_, ys_ = [p.workers for p in measured], [p.speedup for p in measured]
            plt.scatter(xs_, ys_, color=color, marker="●", label=mode_name(mode))
    plt.xticks(counts, [str(n) for n in counts])
    plt.xlim(0.8, top + 0.2)
    best = max([cores, *(p.speedup or 0 for p in points)])
    plt.ylim(0, best * 1.15)
    plt.xlabel(_("workers"))
    plt.ylabel(_("speedup ×"))


@dataclass
class PointMeasured(Message):
    point: RunResult


@dataclass
class SweepEnded(Message):
    report: SweepReport | None
    error: str | None = None


class SweepScreen(AnswersAKey, Screen[SweepReport | None]):
    """Runs threads (and threads without the GIL, where chosen) and processes at each worker count,
    live, and fits Amdahl's law."""

    BINDINGS = [
        Binding("escape,v", "close", N_("back")),
        Binding("x", "stop", N_("stop")),
    ]

    DEFAULT_CSS = """
    SweepScreen #sweep-title { height: auto; background: $panel; padding: 0 1; }
    SweepScreen #sweep-body { height: 1fr; }
    SweepScreen #sweep-plot { width: 1fr; height: 1fr; border: round $primary; }
    SweepScreen DataTable { width: 60; height: 1fr; border: round $secondary; }
    SweepScreen.-narrow DataTable { display: none; }
    SweepScreen #sweep-fit { height: auto; min-height: 3; border: round $accent; padding: 0 1; }
    """

    def __init__(self, config: RunConfig, counts: list[int]) -> None:
        super().__init__()
        translate_bindings(self)
        self.config = config
        self.counts = counts
        self.points: list[RunResult] = []
        self.measured: dict[str, RunResult] = {}
        self.stop_event = threading.Event()
        self.running = True
        self.report: SweepReport | None = None
        #: The no-GIL threads curve too, where the nogil lane is chosen (its Python found and checked).
        nogil = ("nogil",) if "nogil" in config.modes and config.nogil_python else ()
        # The event-loop curves too, on a workload that waits then computes (the pipeline).
        loops = tuple(m for m in ("asyncio", "hybrid") if m in config.modes and config.workload.io_part)
        self.modes = ("threads", *nogil, "processes", *loops)

    def compose(self) -> ComposeResult:
        c = self.config
        yield Static(
            _(
                "[b]Sweep[/b] · {workload} · {tasks} · workers {counts} · {start_method} · "
                "[b]Esc[/b] returns, [b]x[/b] stops"
            ).format(
                workload=c.workload.name,
                tasks=tasks_text(c.task_count),
                counts=", ".join(map(str, self.counts)),
                start_method=c.start_method,
            ),
            id="sweep-title",
        )
        with Horizontal(id="sweep-body"):
            yield PlotextPlot(id="sweep-plot")
            yield DataTable(id="sweep-table", cursor_type="row")
        with Vertical(id="sweep-fit"):
            yield Static(_("measuring the sequential baseline…"), id="sweep-fit-text")

    def on_resize(self, event: Resize) -> None:
        # Narrow: the plot keeps the room (its labels and legend), the table gives way.
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")
        self.query_one("#sweep-plot").border_title = _("speedup vs workers")
        table = self.query_one(DataTable)
        table.add_columns(_("mode"), _("workers"), _("wall s"), _("cores"), _("speedup"), _("effic."), _("loss"))
        self.redraw()
        self.measure()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep")
    def measure(self) -> None:
        try:
            report = run_sweep(
                self.config,
                self.counts,
                modes=self.modes,
                stop=self.stop_event,
                on_point=lambda p: self.post_message(PointMeasured(p)),
            )
        except (WorkloadError, RunError) as exc:
            self.post_message(SweepEnded(None, str(exc)))
            return
        self.post_message(SweepEnded(report))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A sweep that raised something unexpected ends, saying why, instead of measuring for ever."""
        reason = unexpected_failure(event, "sweep", _("the sweep failed: {kind}: {error}"))
        if reason is not None:
            self.post_message(SweepEnded(None, reason))

    def on_point_measured(self, message: PointMeasured) -> None:
        """A point measured (again, with --repeat: its medians so far replace the row)."""
        p = message.point
        key = f"{p.mode}-{p.workers}"
        table = self.query_one(DataTable)
        cells = sweep_row(p)
        if key in self.measured:
            for column, value in zip(table.columns, cells, strict=False):
                table.update_cell(key, column, value)
        else:
            table.add_row(*cells, key=key)
        self.measured[key] = p
        self.points = list(self.measured.values())
        total = len(self.modes) * len(self.counts) * self.config.repeat
        done = sum(len(q.rounds) or 1 for q in self.points)
        self.query_one("#sweep-fit-text", Static).update(
            _("measured {done} of {total} points…").format(done=done, total=total)
        )
        self.redraw()

    def on_sweep_ended(self, message: SweepEnded) -> None:
        self.running = False
        fit = self.query_one("#sweep-fit-text", Static)
        if message.error:
            fit.update(f"[red]{message.error}[/red]")
            return
        self.report = message.report
        assert self.report is not None
        lines = [fit_line(mode, f) for mode, f in self.report.fits.items()]
        if self.stop_event.is_set():
            lines.insert(0, _("stopped: the fit uses the points measured so far"))
        fit.update("\n".join(lines) or _("not enough points to fit"))
        self.app.last_report = self.report  # type: ignore[attr-defined]

    def redraw(self) -> None:
        """Fit each mode's points so far (core fits, the plot draws) and redraw the plot."""
        plot = self.query_one("#sweep-plot", PlotextPlot)
        cores = self.app.machine.logical_cores  # type: ignore[attr-defined]
        fits = dict(self.report.fits) if self.report else {}
        for mode in MODE_COLOR:
            done = [p for p in self.points if p.mode == mode and p.speedup is not None]
            if mode not in fits and len(done) >= 2:
                fits[mode] = fit_amdahl([p.workers for p in done], [p.speedup for p in done], cores)
        draw_speedup_plot(plot.plt, self.points, self.counts, cores, fits)
        plot.refresh()

    def action_stop(self) -> None:
        self.stop_event.set()

    def action_close(self) -> None:
        self.stop_event.set()
        self.dismiss(self.report)
