"""Every logical core in one widget: history graphs, or a heat strip on many cores."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from paraviz.core.i18n import _, num
from paraviz.core.measure.sampler import CoreSnapshot
from paraviz.core.model.events import RemoteWorker
from paraviz.tui.widgets.glyphs import SPARK, level_char
from paraviz.tui.widgets.lane_colours import LANE_COMPONENTS, LANE_SHORT, lane_colour, lane_css
from paraviz.tui.widgets.strips import KeptLines, Line
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive


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
                # The newest readings only (one a frame): indexing a deque from its end is O(1).
                readings = [history[i] for i in range(-min(fresh, len(history)), 0)]
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
            style = self.palette[f"lane--{lane_colour(span.mode)}"]
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
