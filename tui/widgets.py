"""Widgets of the paraviz screen. They render snapshots, events and results; core computes."""

from __future__ import annotations

import math
import platform
from collections import deque
from dataclasses import dataclass

from paraviz.core.events import LaneSampled, RemoteWorker, TasksReported
from paraviz.core.figures import MODES, RunResult, mode_title
from paraviz.core.i18n import _, ngettext, num
from paraviz.core.sampler import CoreSnapshot
from paraviz.tui.charts import LANE_COMPONENTS, LANE_SHORT, LaneChart, lane_css, lane_mark, level_char
from paraviz.tui.strips import KeptLines, Line
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Mount
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Digits, ProgressBar, Static

SPARK = "▁▂▃▄▅▆▇█"


def load_level(percent: float) -> str:
    """The component class that colours a load, as btop does: calm when idle, hot when saturated."""
    if percent >= 85:
        return "load--hot"
    if percent >= 50:
        return "load--busy"
    if percent >= 15:
        return "load--some"
    return "load--idle"


LOAD_CSS = """
CoreMeter > .load--hot { color: $error; text-style: bold; }
CoreMeter > .load--busy { color: $warning; }
CoreMeter > .load--some { color: $success; }
CoreMeter > .load--idle { color: $success-darken-1; }
"""


@dataclass
class LaneSpan:
    """When a lane ran, in sampler ticks, so the per-core history can mark it."""

    mode: str
    start_tick: int
    end_tick: int | None = None


class CoreMeter(KeptLines):
    """Every logical core in one widget: a history graph per core (several rows high while they
    fit, as btop draws them) over a strip that marks which lane ran when; else a heat strip of one
    cell per core (so 256 cores cost one widget, not 256)."""

    COMPONENT_CLASSES = LANE_COMPONENTS | {"load--hot", "load--busy", "load--some", "load--idle"}
    DEFAULT_CSS = (
        """
    CoreMeter {
        height: auto;
        padding: 0 1;
    }
    """
        + lane_css("CoreMeter")
        + LOAD_CSS
    )

    snapshot: reactive[CoreSnapshot | None] = reactive(None, always_update=True, repaint=False)
    """The latest per-core reading (a repaint; a new layout only when the core count changes)."""

    MIN_GRAPH_WIDTH = 30
    GUTTER = 10  # "c12  100% "
    MAX_GRAPH_ROWS = 6
    MAX_SPANS = 24
    REMOTE_HISTORY = 240
    MAX_REMOTE_ROWS = 8
    REMOTE_LABEL = 22

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.max_rows = 8
        self.spans: list[LaneSpan] = []
        self.graph_key: tuple[int, int, int] = (0, 0, 0)
        self.graph_tick = 0
        self.graph_cells: list[list[deque[str]]] = []
        #: An existing Dask cluster's workers (--scheduler), by address: the latest reading and a history.
        self.remote: dict[str, tuple[RemoteWorker, list[float]]] = {}

    def remote_sampled(self, workers: tuple[RemoteWorker, ...]) -> None:
        """The cluster's workers, measured on their own machines: one strip each under the cores."""
        before = self.remote
        self.remote = {
            w.address: (w, [*before.get(w.address, (w, []))[1][-self.REMOTE_HISTORY + 1 :], w.cpu_percent])
            for w in workers
        }
        if len(before) != len(self.remote):
            self.refresh(layout=True)
        self.paint()

    @property
    def remote_rows(self) -> int:
        return min(len(self.remote), self.MAX_REMOTE_ROWS)

    def load_style(self, percent: float) -> Style:
        return self.palette[load_level(percent)]

    def fit(self, max_rows: int) -> None:
        """The rows the screen can give the meter; the graphs grow or shrink to them."""
        if max_rows != self.max_rows:
            self.max_rows = max_rows
            self.refresh(layout=True)

    def lane_started(self, mode: str) -> None:
        tick = self.snapshot.tick if self.snapshot else 0
        self.spans = [*self.spans[-self.MAX_SPANS + 1 :], LaneSpan(mode, tick)]
        self.paint()

    def lane_ended(self, mode: str) -> None:
        tick = self.snapshot.tick if self.snapshot else 0
        for span in reversed(self.spans):
            if span.mode == mode and span.end_tick is None:
                span.end_tick = tick
                break
        self.paint()

    def graph_layout(self, width: int, cores: int) -> tuple[int, int] | None:
        """(graphs per row, rows per graph) for the per-core history, or None for the heat strip."""
        columns = max(1, min(cores, width // self.MIN_GRAPH_WIDTH))
        grid_rows = math.ceil(cores / columns)
        graph_rows = min(self.MAX_GRAPH_ROWS, (self.max_rows - 1 - self.remote_rows) // grid_rows)
        return (columns, graph_rows) if graph_rows >= 1 else None

    def uses_bars(self, width: int, cores: int) -> bool:
        return self.graph_layout(width, cores) is not None

    def watch_snapshot(self, old: CoreSnapshot | None, new: CoreSnapshot | None) -> None:
        if new is not None and (old is None or old.cores != new.cores):
            self.refresh(layout=True)
        self.paint()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        cores = self.snapshot.cores if self.snapshot else 1
        layout = self.graph_layout(width, cores)
        if layout is not None:
            columns, graph_rows = layout
            return math.ceil(cores / columns) * graph_rows + 1 + self.remote_rows
        return math.ceil(cores / max(1, width - 5)) + 1 + self.remote_rows

    def paint(self) -> None:
        """The lines for the latest snapshot: each graph row gains the newest reading's cell."""
        snap, width = self.snapshot, self.content_size.width
        if not (width and self.is_mounted):
            return
        base = self.resolve_palette()
        if snap is None:
            lines = [Line().add(_("CPU  sampling…"), self.palette["dim"])]
        else:
            layout = self.graph_layout(width, snap.cores)
            lines = self._graphs(snap, width, *layout) if layout is not None else self._heat(snap, width)
            lines += self._remote(width)
        self.lines = [line.strip(width, base) for line in lines]
        self.refresh()

    def _remote(self, width: int) -> list[Line]:
        """One strip per worker of an existing cluster: its address, its CPU history, its CPU % now
        (a worker process may use more than one core, so a strip tops out at 100 % per cell)."""
        hist_w = max(4, width - self.REMOTE_LABEL - 6)
        lines = []
        for worker, history in list(self.remote.values())[: self.MAX_REMOTE_ROWS]:
            label = worker.address.removeprefix("tcp://")[: self.REMOTE_LABEL - 6]
            line = Line().add("dask ", self.palette["lane--dask"])
            line.add(f"{label:<{self.REMOTE_LABEL - 5}}", self.palette["dim"])
            recent = history[-hist_w:]
            cells = [SPARK[min(7, int(min(p, 100) / 100 * 7.999))] for p in recent]
            line.add_styled(cells, [self.load_style(p) for p in recent])
            now = worker.cpu_percent
            lines.append(line.add(f" {now:4.0f}%".rjust(hist_w - len(recent) + 6), self.load_style(now)))
        return lines

    def _graph_rows(self, snap: CoreSnapshot, hist_w: int, graph_rows: int) -> list[list[deque[str]]]:
        """Each core's graph as rows of cells (top row first), kept between frames: a new reading
        appends one cell to each row, and the oldest falls off the left."""
        key = (snap.cores, hist_w, graph_rows)
        fresh = snap.tick - self.graph_tick
        if key != self.graph_key or not 0 <= fresh <= hist_w:
            self.graph_key, fresh = key, hist_w
            self.graph_cells = [[deque(maxlen=hist_w) for _ in range(graph_rows)] for _ in range(snap.cores)]
        self.graph_tick = snap.tick
        if fresh:
            for rows, history in zip(self.graph_cells, snap.history, strict=True):
                readings = list(history)[-fresh:] if fresh < len(history) else history
                for r, cells in enumerate(rows):
                    above = graph_rows - 1 - r  # whole rows under this one
                    cells.extend(level_char(v / 100 * graph_rows - above) for v in readings)
        return self.graph_cells

    def _graphs(self, snap: CoreSnapshot, width: int, columns: int, graph_rows: int) -> list[Line]:
        cell = width // columns
        hist_w = max(1, cell - self.GUTTER - 1)
        label_w = len(f"c{snap.cores - 1}")
        graphs = self._graph_rows(snap, hist_w, graph_rows)
        bold, blank = self.palette["bold"], " " * self.GUTTER
        lines = []
        for first in range(0, snap.cores, columns):
            cores = range(first, min(snap.cores, first + columns))
            for r in range(graph_rows):  # top row first
                above = graph_rows - 1 - r
                row_style = self.load_style(100 * (above + 0.5) / graph_rows)
                line = Line()
                for i in cores:
                    if r == 0:
                        pct = snap.percents[i]
                        line.add(f"c{i}".ljust(label_w + 1), bold)
                        line.add(f"{pct:3.0f}%".ljust(self.GUTTER - label_w - 1), self.load_style(pct))
                    else:
                        line.add(blank, self.palette[""])
                    line.add("".join(graphs[i][r]).rjust(hist_w) + " ", row_style)
                lines.append(line)
        lines.append(self._markers(snap, columns if snap.cores >= columns else snap.cores, hist_w))
        return lines

    def _markers(self, snap: CoreSnapshot, columns: int, hist_w: int) -> Line:
        """Under the graphs: which lane ran at each moment of the history, in the lane's colour."""
        cells, styles = [" "] * hist_w, [self.palette[""]] * hist_w
        oldest = snap.tick - hist_w + 1
        for span in self.spans:
            end = snap.tick if span.end_tick is None else span.end_tick
            first, last = max(span.start_tick, oldest) - oldest, end - oldest
            if last < 0 or first >= hist_w:
                continue
            # The lane's short name where the span has room, else its initial: readable without colour.
            name = LANE_SHORT.get(span.mode, span.mode)
            name = name if last - first >= len(name) else name[0]
            style = self.palette[f"lane--{span.mode}"]
            for x in range(first, min(hist_w - 1, last) + 1):
                k = x - first
                cells[x] = name[k] if k < len(name) else "━"
                styles[x] = style
        line = Line()
        for _column in range(columns):
            line.add(_("lanes").ljust(self.GUTTER), self.palette["dim"])
            line.add_styled(cells, styles).add(" ", self.palette[""])
        return line

    def _heat(self, snap: CoreSnapshot, width: int) -> list[Line]:
        per_row = max(1, width - 5)
        lines = []
        for start in range(0, snap.cores, per_row):
            values = snap.percents[start : start + per_row]
            cells = [SPARK[min(7, int(p / 100 * 7.999))] for p in values]
            line = Line().add(f"{start:>4} ", self.palette["dim"])
            lines.append(line.add_styled(cells, [self.load_style(p) for p in values]))
        busy = sum(p >= 50 for p in snap.percents)
        summary = _("{cores} cores, one cell each · average {average} · {busy} over half busy").format(
            cores=snap.cores, average=num(snap.total_percent / 100, ".0%"), busy=busy
        )
        lines.append(Line().add("     " + summary, self.palette["dim"]))
        return lines


class QuietProgressBar(ProgressBar):
    """Textual's ProgressBar without its once-a-second timer (there for the ETA, which the lanes
    do not show): four idle bars woke the app four times a second. Updates come with the frames."""

    def on_mount(self, event: Mount) -> None:
        # Stops the MRO walk before ProgressBar.on_mount arms the timer; Widget._on_mount only
        # shows scrollbars, which a bar has none of.
        event.prevent_default()
        self.update()


def fmt_bytes(n: int) -> str:
    return f"{num(n / 2**30, '.1f')} GiB" if n >= 2**30 else f"{num(n / 2**20, '.0f')} MiB"


class TextLine(Widget):
    """One line of text that repaints without a new layout (``Static.update`` re-lays out the
    whole screen, which at the refresh rate cost more than everything else a run draws)."""

    DEFAULT_CSS = """
    TextLine { height: 1; width: 1fr; }
    """

    text: reactive[str | Text] = reactive("", layout=False)
    """What the line shows; longer text is cut with an ellipsis."""

    def __init__(self, text: str | Text = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.set_reactive(TextLine.text, text)

    def update(self, text: str | Text) -> None:
        self.text = text

    def render(self) -> Text:
        text = Text(self.text) if isinstance(self.text, str) else self.text.copy()
        text.no_wrap, text.overflow = True, "ellipsis"
        return text


class LanePanel(Vertical):
    """One lane: progress and live counts while it runs, then its measured figures; throughout,
    a chart of the cores it used over the tasks each worker ran (LaneChart)."""

    DEFAULT_CSS = """
    LanePanel {
        border: round $primary;
        border-title-style: bold;
        height: 1fr;
        padding: 0 1;
    }
    LanePanel.-running { border: round $warning; }
    LanePanel.-error { border: round $error; }
    LanePanel ProgressBar { width: 1fr; }
    LanePanel ProgressBar Bar { width: 1fr; }
    LanePanel .lane--status { height: 1; }
    LanePanel .lane--headline { height: 1; }
    LanePanel .lane--figures { height: auto; }
    LanePanel Static { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    result: reactive[RunResult | None] = reactive(None, init=False, always_update=True)
    """The lane's measured figures once it ended (the figures block follows it)."""

    def __init__(self, mode: str, **kwargs: object) -> None:
        super().__init__(id=f"lane-{mode}", **kwargs)  # type: ignore[arg-type]
        self.mode = mode
        self.border_title = f"{lane_mark(mode)} {mode_title(mode)}"
        self.total = 1
        self.timed_seconds: float | None = None
        self.round_text = ""
        #: Folded in as events arrive, drawn by paint() once a frame.
        self.done = 0
        self.elapsed = 0.0
        self.latest: LaneSampled | None = None
        self.dirty = False
        self.figures_shown: str | Text = ""
        self.figures_lines = 0
        # Handles made once: events update them many times a second.
        self.bar = QuietProgressBar(total=1, show_eta=False, show_percentage=False, id=f"progress-{mode}")
        self.status = TextLine(_("not run"), classes="lane--status")
        self.headline = TextLine("", classes="lane--headline")
        self.chart = LaneChart(mode, id=f"chart-{mode}")
        self.figures = Static("", classes="lane--figures")

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.headline
        yield self.bar
        yield self.chart
        yield self.figures

    @property
    def status_text(self) -> str:
        return str(self.status.render())

    @property
    def figures_text(self) -> str:
        return str(self.figures.render())

    @property
    def live_text(self) -> str:
        return str(self.headline.render())

    def _set(self, status: str | Text, headline: str | Text = "", figures: str | Text = "") -> None:
        self.status.update(status)
        self.headline.update(headline)
        self.show_figure_text(figures)

    def watch_result(self) -> None:
        self.show_figures()

    def reset(self, why: str | None = None) -> None:
        self.set_reactive(LanePanel.result, None)
        self.remove_class("-running", "-error")
        self.bar.update(total=1, progress=0)
        self.chart.clear()
        self._set(Text(why or _("not run"), style="dim"))

    def waiting(self, total: int, timed_seconds: float | None, cores: int, usable: int, workers: int) -> None:
        self.reset(_("waiting"))
        self.done, self.elapsed, self.latest, self.dirty = 0, 0.0, None, False
        self.total, self.timed_seconds = total, timed_seconds
        self.bar.update(total=timed_seconds or total, progress=0)
        self.chart.configure(cores, usable, workers)

    def started(self, round_number: int = 1, rounds: int = 1) -> None:
        self.add_class("-running")
        self.round_text = _(" · round {round}/{rounds}").format(round=round_number, rounds=rounds) if rounds > 1 else ""
        self.done, self.elapsed, self.latest, self.dirty = 0, 0.0, None, False
        self.chart.clear()
        if self.timed_seconds is None:
            self.bar.update(progress=0)
        self._set(_("starting…") + self.round_text)

    # -- streamed: folded in now, drawn by the next frame ---------------------------------------

    def progress(self, report: TasksReported) -> None:
        self.chart.trace.reported(report.started, report.finished)
        self.done = report.done
        self.dirty = True

    def sampled(self, sample: LaneSampled, earlier: list[LaneSampled] | None = None) -> None:
        for missed in earlier or ():
            self.chart.trace.sampled(missed)
        self.chart.trace.sampled(sample)
        self.elapsed = sample.elapsed_s
        self.latest = sample
        self.dirty = True

    def paint(self) -> None:
        """One frame: what the lane streamed since the last one, on screen."""
        if not self.dirty:
            return
        self.dirty = False
        if self.timed_seconds is not None:
            self.bar.update(progress=min(self.timed_seconds, self.elapsed))
        else:
            self.bar.update(progress=self.done)
        self.status.update(self._progress_text())
        if self.latest is not None:
            self.headline.update(self._live_text(self.latest))
        self.chart.paint()

    def _progress_text(self) -> str:
        if self.timed_seconds is not None:
            left = max(0.0, self.timed_seconds - self.elapsed)
            return (
                _("{done} done · {left} s left").format(done=num(self.done, ","), left=num(left, ".1f"))
                + self.round_text
            )
        return f"{num(self.done, ',')}/{num(self.total, ',')} · {num(self.elapsed, '.1f')} s{self.round_text}"

    def _live_text(self, sample: LaneSampled) -> Text:
        live = Text(no_wrap=True, overflow="ellipsis")
        live.append(_("{cores} cores").format(cores=num(sample.cores_in_use)), style="bold")
        narrow = (self.content_size.width or 30) < 28
        counts = (_("{processes}p {threads}t") if narrow else _("{processes} proc · {threads} thr")).format(
            processes=sample.processes, threads=sample.threads
        )
        live.append(f" · {counts}")
        return live

    def finished(self, result: RunResult) -> None:
        self.dirty = False  # the figures replace the live lines
        self.remove_class("-running")
        self.show_interpreter(result)
        self.chart.trace.ended(result.wall_s)
        self.chart.paint()
        self.bar.update(progress=result.tasks_done if self.timed_seconds is None else self.timed_seconds)
        if result.status == "error":
            self.add_class("-error")
            error = self.app.theme_variables.get("error", "red")
            self._set(Text(_("failed"), style=f"bold {error}"), Text(result.error or "", style=error))
            return
        if result.status == "stopped":
            stopped = ngettext("stopped after {done} task", "stopped after {done} tasks", result.tasks_done).format(
                done=num(result.tasks_done, ",")
            )
            warning = self.app.theme_variables.get("warning", "yellow")
            self._set(Text(stopped, style=warning), Text(result.error or "", style=warning))
            return
        rounds = _(" · median of {rounds} rounds").format(rounds=len(result.rounds)) if len(result.rounds) > 1 else ""
        status = _("{done} done").format(done=num(result.tasks_done, ",")) + (
            f" · {num(result.throughput_per_s, ',.1f')}/s" if self.timed_seconds is not None else ""
        )
        headline = Text(no_wrap=True, overflow="ellipsis")
        speedup = "–" if result.speedup is None else f"{num(result.speedup)}×"
        headline.append(speedup, style="bold reverse" if result.speedup is not None else "bold")
        headline.append(_(" on "))
        headline.append(_("{cores} cores").format(cores=num(result.effective_cores)), style="bold")
        self._set(status + rounds, headline)
        self.result = result

    def show_interpreter(self, result: RunResult) -> None:
        """The title names the host's Python when it is not this one's (--python), with its GIL state."""
        title = f"{lane_mark(self.mode)} {mode_title(self.mode)}"
        if result.python and result.python != platform.python_version():
            gil = _("GIL on") if result.gil_enabled else _("GIL off")
            title += f" · Python {result.python} · {gil}"
        self.border_title = title

    def show_figures(self) -> None:
        """The figures laid out for the lane's width now (again after every resize)."""
        if self.result is None:
            return
        compact = self.screen.has_class("-compact") if self.is_mounted else False
        width = self.content_size.width or 36
        self.show_figure_text(figures_text(self.result, width, max_lines=2 if compact else 5))

    def show_figure_text(self, text: str | Text) -> None:
        """The figures block; the screen is laid out again only when its number of lines changes
        (a new layout recomposes every widget: 11 ms a time on 2 vCPUs, at each lane's end)."""
        if text == self.figures_shown:
            return
        lines = str(text).count("\n") + 1 if str(text) else 0
        self.figures.update(text, layout=lines != self.figures_lines)
        self.figures_shown, self.figures_lines = text, lines

    def on_resize(self) -> None:
        self.show_figures()


def figure_pairs(result: RunResult) -> list[tuple[str, str]]:
    """The lane's figures; a short lane shows the first few (the headline above has speedup and cores)."""
    return [
        (_("wall"), f"{num(result.wall_s, '.3f')} s"),
        (_("start-up"), f"{num(result.startup_s, '.3f')} s"),
        (_("speedup"), "–" if result.speedup is None else f"{num(result.speedup)}×"),
        (_("cores"), num(result.effective_cores)),
        (_("CPU"), f"{num(result.cpu_s)} s"),
        (_("effic."), "–" if result.efficiency is None else num(result.efficiency, ".0%")),
        (_("bg cores"), num(result.background_cores)),
        (_("peak"), _("{processes}p {threads}t").format(processes=result.peak_processes, threads=result.peak_threads)),
        ("RSS", fmt_bytes(result.peak_rss_bytes)),
    ]


def figures_text(result: RunResult, width: int = 40, max_lines: int = 5) -> Text:
    """The lane's figures, two to a line where the lane is wide enough, as many as ``max_lines`` hold."""
    pairs = figure_pairs(result)
    label_w = 9
    first_w = label_w + max(len(v) for _, v in pairs[::2]) + 2
    second_w = label_w + max(len(v) for _, v in pairs[1::2])
    per_line = 2 if width >= first_w + second_w else 1
    pairs = pairs[: per_line * max_lines]
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (label, value) in enumerate(pairs):
        column = i % per_line
        text.append(f"{label:<{label_w}}", style="dim")
        style = "bold" if label in (_("speedup"), _("cores")) else ""
        text.append(value.ljust(first_w - label_w) if column < per_line - 1 else value, style=style)
        if column == per_line - 1 and i < len(pairs) - 1:
            text.append("\n")
    return text


class BigFigures(Horizontal):
    """Projector mode: one large figure per lane (Textual's Digits), titled by the lane.

    Its cells are made at start only in projector mode (--big), else the first time z is pressed."""

    def __init__(self, eager: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.eager = eager
        self.cells: dict[str, tuple[Static, Digits]] = {}

    def make_cells(self) -> list[Vertical]:
        """The cells, once; the containers to mount (none when they exist already)."""
        if self.cells:
            return []
        self.cells = {mode: (Static("", classes="big-title"), Digits("", classes="big-digits")) for mode in MODES}
        return [
            Vertical(title, digits, classes="big-figure", id=f"big-{mode}")
            for mode, (title, digits) in self.cells.items()
        ]

    def compose(self) -> ComposeResult:
        if self.eager:
            yield from self.make_cells()

    async def ensure_cells(self) -> None:
        cells = self.make_cells()
        if cells:
            await self.mount_all(cells)

    def show(self, figures: dict[str, tuple[str, str]]) -> None:
        """``{mode: (title, text)}``; lanes not given are hidden. Digits draw 0-9 . x and a few more."""
        for mode, (title, digits) in self.cells.items():
            shown = mode in figures
            title.parent.display = shown  # type: ignore[union-attr]
            if shown:
                caption, text = figures[mode]
                title.update(f"{lane_mark(mode)} [b]{caption}[/b]")
                digits.update(text)
