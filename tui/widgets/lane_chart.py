"""The lane chart: cores in use over time above a timeline of tasks per worker, on one time axis.

It draws only what a lane streamed: its process tree's CPU (LaneSampled, the samples the peaks
come from) and its task records (TasksReported). Every lane shares the same time axis, so a lane
that finished in half the time is half as long on screen. Updates repaint; nothing re-lays out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from paraviz.core.i18n import _, num
from paraviz.core.model.events import TaskRecord
from paraviz.core.model.trace import LaneTrace
from paraviz.tui.widgets.glyphs import REFERENCE, STATE_GLYPHS, STATE_STYLES, level_char
from paraviz.tui.widgets.lane_colours import LANE_COMPONENTS, lane_colour, lane_css
from paraviz.tui.widgets.strips import KeptLines, Line
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

LEFT, RIGHT = 4, 6  # gutters: " 16┤" or "w0" on the left; a task count or "cores" on the right
MIN_CHART_ROWS = 2  # one row per core on 2 cores; below it the worker rows fold into "+2"


def nice_ceiling(seconds: float) -> float:
    """The next of 1, 2, 2.5, 5 x 10^k at or above ``seconds``: an axis that does not jitter."""
    if seconds <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(seconds))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= seconds * 0.999:
            return step * power
    return 10 * power


@dataclass
class Canvas:
    """The cells a LaneChart drew for one geometry (size, time axis, worker rows): kept, and
    extended column by column as the lane goes on. A new geometry starts a new canvas."""

    plot_w: int
    step: float
    area_rows: list[list[str]]  # bottom row first
    refs: dict[int, int]  # area row (from 1) -> the core count its reference line marks
    keys: tuple[tuple[int, int], ...]  # the workers shown, top to bottom
    cells: dict[tuple[int, int], list[str]]
    owner: dict[tuple[int, int], list[float]]  # start of the task drawn in each cell: the later wins
    values: list[float | None]
    final_columns: int = 0  # leading columns that no later sample can change
    pending: list[TaskRecord] = field(default_factory=list)  # drawn, not final yet
    dirty: set[int] = field(default_factory=set)  # lines to turn into strips again

    def column_value(self, c: int, value: float | None, cores: int) -> None:
        """One column of the area: each row's cell from the column's cores in use."""
        if value == self.values[c]:
            return
        self.values[c] = value
        rows = len(self.area_rows)
        for r, cells in enumerate(self.area_rows):
            fill = 0.0 if value is None else value / cores * rows - r
            cell = level_char(min(1.0, fill)) if fill > 0.0625 else REFERENCE if r + 1 in self.refs else " "
            if cells[c] != cell:
                cells[c] = cell
                self.dirty.add(rows - 1 - r)

    def task(self, trace: LaneTrace, task: TaskRecord, line: int) -> None:
        """Draw one task on its worker's row, each cell as tall as the worker's measured share."""
        cells, owner = self.cells[(task.pid, task.tid)], self.owner[(task.pid, task.tid)]
        first = max(0, int(task.start / self.step))
        last = min(self.plot_w - 1, int(max(task.start, task.end - 1e-9) / self.step))
        for c in range(first, last + 1):
            if owner[c] > task.start:  # a later task of this worker holds the cell
                continue
            owner[c] = task.start
            state = trace.state_at((task.pid, task.tid), c * self.step, (c + 1) * self.step)
            if task.count == 0:
                cell = "✗"
            elif state in STATE_GLYPHS:  # waiting, not computing: for the GIL, a core, a lock, I/O
                cell = STATE_GLYPHS[state]
            else:
                share = trace.share_at(task, (c + 0.5) * self.step)
                cell = "█" if share is None else level_char(max(0.125, min(1.0, share)))
            if cells[c] != cell:
                cells[c] = cell
                self.dirty.add(line)


class LaneChart(KeptLines):
    """Cores in use (an area over reference lines at 1 and at the usable cores) above one row per
    worker (its tasks as blocks, each as tall as that worker's measured CPU share), one time axis.

    Drawn through the line API from a kept canvas: a frame computes only the columns the lane
    reached since the last one (and tasks not final yet), and turns changed rows into strips."""

    COMPONENT_CLASSES = LANE_COMPONENTS
    DEFAULT_CSS = """
    LaneChart {
        height: 1fr;
        min-height: 5;
    }
    """ + lane_css("LaneChart")

    def __init__(self, mode: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.mode = mode
        self.trace = LaneTrace()
        self.span_s = 1.0
        self.cores = 1
        self.usable = 1
        self.worker_count = 1
        #: Worker rows every lane on screen keeps room for (the most workers of any), so that every
        #: lane's chart has the same height and one value draws the same cells in each.
        self.rows_reserved = 1
        self.canvas: Canvas | None = None
        self.geometry: tuple[object, ...] = ()
        self.painted_version = -1

    def configure(self, cores: int, usable: int, workers: int) -> None:
        self.cores, self.usable, self.worker_count = max(1, cores), max(1, usable), max(1, workers)
        self.paint()

    def reserve_rows(self, rows: int) -> None:
        """Keep room for ``rows`` worker rows, as every lane on screen does."""
        if rows != self.rows_reserved:
            self.rows_reserved = max(1, rows)
            self.paint()

    def clear(self) -> None:
        self.trace = LaneTrace(measured=self.trace.measured)
        self.paint()

    def set_span(self, span_s: float) -> None:
        if span_s != self.span_s:
            self.span_s = span_s
            self.paint()

    def layout_rows(self, height: int) -> tuple[int, int]:
        """(chart rows, timeline rows) for this height; the timeline gives way to the chart.

        The timeline keeps room for ``rows_reserved`` workers, as every lane on screen does, and the
        chart's rows are a whole number per core where they can be: each core level (the 1-core
        line) then falls on a row's edge, the same in every lane (with 11 rows for 2 cores it fell
        mid-row in one lane and on an edge in the next)."""
        body = max(1, height - 1)  # the axis takes the last row
        rows = max(len(self.trace.rows), self.rows_reserved)
        chart = body - max(0, min(rows, body - MIN_CHART_ROWS))
        if chart >= self.cores:
            chart -= chart % self.cores
        return chart, body - chart

    def paint(self) -> None:
        """Bring the canvas up to what the trace holds; repaint the lines that changed."""
        width, height = self.content_size
        if not (width and height and self.is_mounted):
            return
        self.resolve_palette()
        plot_w = max(4, width - LEFT - RIGHT)
        chart_rows, timeline_rows = self.layout_rows(height)
        order = self.trace.worker_order()
        keys = tuple(order if len(order) <= timeline_rows else order[: max(0, timeline_rows - 1)])
        geometry = (width, height, chart_rows, timeline_rows, keys, self.span_s, self.cores, self.usable)
        geometry += (id(self.trace), self.trace.redraws, self.palette.key)
        if geometry != self.geometry or self.canvas is None:
            self.geometry = geometry
            self.canvas = self.new_canvas(plot_w, chart_rows, keys)
        elif self.trace.version == self.painted_version:
            return
        self.painted_version = self.trace.version
        canvas = self.canvas
        self.draw_columns(canvas)
        self.draw_tasks(canvas, chart_rows)
        self.lines = self.build_lines(canvas, chart_rows, order, keys, width, height)
        dirty, canvas.dirty = canvas.dirty, set()
        if len(dirty) >= len(self.lines) - 1:
            self.refresh()
        else:
            for y in sorted(dirty):
                self.refresh(Region(0, y, width, 1))

    def new_canvas(self, plot_w: int, rows: int, keys: tuple[tuple[int, int], ...]) -> Canvas:
        refs = {max(1, round(level / self.cores * rows)): level for level in sorted({1, self.usable})}
        area_rows = [[REFERENCE if (r + 1) in refs else " "] * plot_w for r in range(rows)]
        canvas = Canvas(
            plot_w=plot_w,
            step=self.span_s / plot_w,
            area_rows=area_rows,
            refs=refs,
            keys=keys,
            cells={key: [" "] * plot_w for key in keys},
            owner={key: [-math.inf] * plot_w for key in keys},
            values=[None] * plot_w,
            pending=sorted(self.trace.records, key=lambda r: r.start),
            dirty=set(range(rows + len(keys) + 2)),
        )
        self.trace.fresh.clear()
        return canvas

    def draw_columns(self, canvas: Canvas) -> None:
        # A column the lane has reached is drawn, however little of it has passed: a one-second
        # lane on a minute's axis is one column, not none (seen on 16 cores, mid-run).
        trace, step = self.trace, canvas.step
        now, final_s = trace.now_s, trace.final_s
        reached = min(canvas.plot_w - 1, int(now / step)) if trace.samples or trace.end_s is not None else -1
        for c in range(canvas.final_columns, reached + 1):
            mid = (c + 0.5) * step
            if mid - step / 2 > now:
                break
            canvas.column_value(c, trace.cores_at(min(mid, now)), self.cores)
        while canvas.final_columns < canvas.plot_w and (canvas.final_columns + 0.5) * step <= final_s:
            canvas.final_columns += 1

    def draw_tasks(self, canvas: Canvas, chart_rows: int) -> None:
        trace = self.trace
        if trace.fresh:
            canvas.pending.extend(trace.fresh)
            canvas.pending.sort(key=lambda r: r.start)
            trace.fresh.clear()
        line_of = {key: chart_rows + n for n, key in enumerate(canvas.keys)}
        final_s = trace.final_s
        still: list[TaskRecord] = []
        for task in canvas.pending:
            line = line_of.get((task.pid, task.tid))
            if line is not None:
                canvas.task(trace, task, line)
            if task.end > final_s:
                still.append(task)
        canvas.pending = still
        now = trace.now_s
        for r in sorted(trace.running.values(), key=lambda r: r.start):  # drawn up to now (count -1)
            line = line_of.get((r.pid, r.tid))
            if line is not None:
                canvas.task(trace, TaskRecord(r.index, -1, r.pid, r.tid, r.start, now), line)

    def build_lines(
        self, canvas: Canvas, chart_rows: int, order: list[tuple[int, int]], keys: tuple, width: int, height: int
    ) -> list[Strip]:
        """The canvas as strips: changed lines anew, the others as they were."""
        p = self.palette
        lane = p[f"lane--{lane_colour(self.mode)}"]
        dim, bold, failed, base = p["dim"], p["bold"], p["bold red"], p[""]

        def area_style(cell: str) -> Style:
            return base if cell == " " else dim if cell == REFERENCE else lane

        waits = {glyph: p[name] for glyph, name in STATE_STYLES.items()}

        def task_style(cell: str) -> Style:
            return base if cell == " " else failed if cell == "✗" else waits.get(cell, lane)

        old = self.lines
        lines: list[Strip] = []

        def keep(y: int) -> bool:
            return y not in canvas.dirty and y < len(old)

        top = chart_rows  # the top row is labelled with the core count, the axis maximum
        labels = {**canvas.refs, top: canvas.refs.get(top, self.cores)}
        for y, r in enumerate(range(chart_rows - 1, -1, -1)):
            if keep(y):
                lines.append(old[y])
                continue
            mark = str(labels[r + 1]) if r + 1 in labels else ("0" if r == 0 else "")
            tail = axis_unit(RIGHT - 1) if r == chart_rows - 1 and canvas.plot_w >= 12 else ""
            line = Line().add(f"{mark:>{LEFT - 1}}┤", dim).add_runs(canvas.area_rows[r], area_style)
            lines.append(line.add(f" {tail:<{RIGHT - 1}}"[:RIGHT], dim).strip(width, base))
        single = len(order) == 1 and self.mode == "sequential"
        for n, key in enumerate(keys):
            y = chart_rows + n
            label = "m" if single else f"w{n}"
            line = Line().add(f"{label:<{LEFT}}"[:LEFT], bold).add_runs(canvas.cells[key], task_style)
            lines.append(line.add(f"{self.trace.rows[key].label:>{RIGHT}}"[-RIGHT:], base).strip(width, base))
        if len(keys) < len(order):
            rest = order[len(keys) :]
            count = sum(self.trace.rows[key].done for key in rest)
            room = canvas.plot_w + RIGHT
            # The longest that fits whole, down to "+2": a narrow lane (four at 80 columns) cut it mid-word.
            said = (
                _("+{workers} more workers: {tasks} tasks").format(workers=len(rest), tasks=num(count, ",")),
                _("+{workers} workers").format(workers=len(rest)),
                f"+{len(rest)}",
            )
            summary = next((text for text in said if len(text) <= room), said[-1])
            text = " " * LEFT + summary[:room].ljust(room)
            lines.append(Line().add(text, dim).strip(width, base))
        lines += [Line().strip(width, base)] * max(0, height - 1 - len(lines))  # the axis at the bottom
        axis_end = f"{num(self.span_s, 'g')} s"
        # The end label sits under the plot's end; a plot narrower than it (four or five lanes at
        # 80 columns) lends it the right gutter, so that "0" and "2.5 s" never run together.
        room = max(canvas.plot_w - 1, len(axis_end) + 1)
        axis = " " * LEFT + "0" + axis_end.rjust(room)[: canvas.plot_w - 1 + RIGHT]
        lines.append(Line().add(axis, dim).strip(width, base))
        canvas.dirty.update(range(chart_rows, len(lines)))  # counts and the axis: cheap, always anew
        return lines


def axis_unit(width: int, word: str | None = None) -> str:
    """``cores`` (or ``word``), shortened with a dot where it is wider than ``width`` (núcl.)."""
    word = _("cores") if word is None else word
    return word if len(word) <= width else word[: width - 1] + "."
