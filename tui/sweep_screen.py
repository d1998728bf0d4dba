"""The sweep view: speedup against workers for threads and processes, with the Amdahl fit."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from paraviz.core.config import RunConfig
from paraviz.core.figures import RunResult
from paraviz.core.report import fit_line
from paraviz.core.runner import RunError, stop_all_hosts
from paraviz.core.sweep import SweepReport, run_sweep
from paraviz.core.workloads import WorkloadError
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

MARKS = {"threads": ("T", "cyan"), "processes": ("P", "magenta")}


def speedup_plot(points: list[RunResult], counts: list[int], width: int, height: int) -> Text:
    """A character plot: x = worker counts (evenly spaced), y = speedup; '·' is the ideal line."""
    width, height = max(20, width), max(6, height)
    plot_w, plot_h = width - 6, height - 2
    top = max([float(max(counts))] + [p.speedup or 0 for p in points]) * 1.05
    grid = [[(" ", "")] * plot_w for _ in range(plot_h)]

    def put(i: int, value: float, mark: str, style: str) -> None:
        x = round(i * (plot_w - 1) / max(1, len(counts) - 1))
        y = plot_h - 1 - round(min(value, top) / top * (plot_h - 1))
        if grid[y][x][0] in (" ", "·") or mark != "·":
            grid[y][x] = (mark, style)

    # The ideal line at every column, interpolated between the measured worker counts.
    for x in range(plot_w):
        pos = x * max(1, len(counts) - 1) / max(1, plot_w - 1)
        left = min(int(pos), len(counts) - 1)
        right = min(left + 1, len(counts) - 1)
        ideal = counts[left] + (counts[right] - counts[left]) * (pos - left)
        y = plot_h - 1 - round(min(ideal, top) / top * (plot_h - 1))
        grid[y][x] = ("·", "dim")
    for p in points:
        if p.speedup is not None and p.workers in counts:
            put(counts.index(p.workers), p.speedup, *MARKS.get(p.mode, ("?", "")))
    text = Text(no_wrap=True)
    for row, cells in enumerate(grid):
        label = f"{top * (plot_h - 1 - row) / (plot_h - 1):4.1f}×" if row % 3 == 0 or row == plot_h - 1 else "     "
        text.append(label + "│", style="dim")
        for mark, style in cells:
            text.append(mark, style=style)
        text.append("\n")
    axis = [" "] * plot_w
    for i, n in enumerate(counts):
        x = round(i * (plot_w - 1) / max(1, len(counts) - 1))
        for k, ch in enumerate(str(n)):
            if x + k < plot_w:
                axis[x + k] = ch
    text.append("      " + "".join(axis) + "\n", style="dim")
    text.append("      workers   ", style="dim")
    text.append("T threads  ", style="cyan")
    text.append("P processes  ", style="magenta")
    text.append("· ideal", style="dim")
    return text


@dataclass
class PointMeasured(Message):
    point: RunResult


@dataclass
class SweepEnded(Message):
    report: SweepReport | None
    error: str | None = None


class SweepScreen(Screen[SweepReport | None]):
    """Runs threads and processes at each worker count, live, and fits Amdahl's law."""

    BINDINGS = [
        Binding("escape,v", "close", "back"),
        Binding("x", "stop", "stop"),
    ]

    DEFAULT_CSS = """
    SweepScreen #sweep-title { height: auto; background: $panel; padding: 0 1; }
    SweepScreen #sweep-body { height: 1fr; }
    SweepScreen #sweep-plot { width: 1fr; height: 1fr; border: round $primary; padding: 0 1; }
    SweepScreen DataTable { width: 60; height: 1fr; border: round $secondary; }
    SweepScreen #sweep-fit { height: auto; min-height: 3; border: round $accent; padding: 0 1; }
    """

    def __init__(self, config: RunConfig, counts: list[int]) -> None:
        super().__init__()
        self.config = config
        self.counts = counts
        self.points: list[RunResult] = []
        self.stop_event = threading.Event()
        self.running = True
        self.report: SweepReport | None = None

    def compose(self) -> ComposeResult:
        c = self.config
        yield Static(
            f"[b]Sweep[/b] · {c.workload.name} · {c.task_count} tasks · workers {', '.join(map(str, self.counts))}"
            f" · {c.start_method} · Esc returns, x stops",
            id="sweep-title",
        )
        with Horizontal(id="sweep-body"):
            yield Static(id="sweep-plot")
            yield DataTable(id="sweep-table", cursor_type="row")
        with Vertical(id="sweep-fit"):
            yield Static("measuring the sequential baseline…", id="sweep-fit-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#sweep-plot").border_title = "speedup vs workers"
        table = self.query_one(DataTable)
        table.add_columns("mode", "workers", "wall s", "cores", "speedup", "effic.")
        self.redraw()
        self.measure()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep")
    def measure(self) -> None:
        try:
            report = run_sweep(
                self.config,
                self.counts,
                stop=self.stop_event,
                on_point=lambda p: self.post_message(PointMeasured(p)),
            )
        except (WorkloadError, RunError) as exc:
            self.post_message(SweepEnded(None, str(exc)))
            return
        self.post_message(SweepEnded(report))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A sweep that raised something unexpected ends, saying why, instead of measuring for ever."""
        if event.worker.group == "sweep" and event.state == WorkerState.ERROR:
            stop_all_hosts()
            error = event.worker.error
            self.post_message(SweepEnded(None, f"the sweep failed: {type(error).__name__}: {error}"))

    def on_point_measured(self, message: PointMeasured) -> None:
        p = message.point
        self.points.append(p)
        speedup = "–" if p.speedup is None else f"{p.speedup:.2f}×"
        efficiency = "–" if p.efficiency is None else f"{p.efficiency:.0%}"
        self.query_one(DataTable).add_row(
            p.mode, str(p.workers), f"{p.wall_s:.3f}", f"{p.effective_cores:.2f}", speedup, efficiency
        )
        self.query_one("#sweep-fit-text", Static).update(
            f"measured {len(self.points)} of {2 * len(self.counts)} points…"
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
            lines.insert(0, "stopped: the fit uses the points measured so far")
        fit.update("\n".join(lines) or "not enough points to fit")
        self.app.last_report = self.report  # type: ignore[attr-defined]

    def redraw(self) -> None:
        plot = self.query_one("#sweep-plot", Static)
        size = plot.content_size
        plot.update(speedup_plot(self.points, self.counts, size.width or 60, size.height or 16))

    def on_resize(self) -> None:
        self.redraw()

    def action_stop(self) -> None:
        self.stop_event.set()

    def action_close(self) -> None:
        self.stop_event.set()
        self.dismiss(self.report)
