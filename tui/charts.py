"""The lane chart: cores in use over time above a timeline of tasks per worker, on one time axis.

It draws only what a lane streamed: its process tree's CPU (LaneSampled, the samples the peaks
come from) and its task records (TasksReported). Every lane shares the same time axis, so a lane
that finished in half the time is half as long on screen. Updates repaint; nothing re-lays out.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from paraviz.core.events import LaneSampled, TaskRecord
from paraviz.core.i18n import _, num
from rich.text import Text
from textual.widget import Widget

LEVELS = " ▁▂▃▄▅▆▇█"
REFERENCE = "▔"  # drawn on the top edge of the row just under a reference level
LEFT, RIGHT = 4, 6  # gutters: " 16┤" or "w0" on the left; a task count or "cores" on the right
MIN_CHART_ROWS = 3
#: Lane colours, the same in titles, charts and the per-core markers: theme variables ($lane-threads...)
#: that a theme may override, read by widgets through their ``lane--MODE`` component classes.
LANE_COLOURS = {"sequential": "#0087ff", "threads": "#00af87", "processes": "#ff00ff", "dask": "#ffaf00"}
LANE_COMPONENTS = {f"lane--{mode}" for mode in LANE_COLOURS}
LANE_SHORT = {"sequential": "seq", "threads": "thr", "processes": "proc", "dask": "dask"}


def lane_css(widget: str) -> str:
    """CSS giving ``widget``'s lane component classes their theme colours."""
    return "\n".join(f"{widget} > .lane--{mode} {{ color: $lane-{mode}; }}" for mode in LANE_COLOURS)


def lane_mark(mode: str) -> str:
    """A square in the lane's colour, as content markup (titles)."""
    return f"[$lane-{mode}]■[/]"


def nice_ceiling(seconds: float) -> float:
    """The next of 1, 2, 2.5, 5 x 10^k at or above ``seconds``: an axis that does not jitter."""
    if seconds <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(seconds))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= seconds * 0.999:
            return step * power
    return 10 * power


def level_char(fraction: float) -> str:
    return LEVELS[max(0, min(8, round(fraction * 8)))]


def worker_key(pid: int, tid: int) -> tuple[str, int]:
    """Per-thread loads (one-process lanes) match a record by thread; pool workers by process."""
    return ("t", tid) if tid else ("p", pid)


@dataclass
class LaneTrace:
    """What one lane streamed so far: its tree's CPU over time, its tasks, its workers' CPU."""

    samples: list[tuple[float, float]] = field(default_factory=list)  # (elapsed s, cores in use)
    records: list[TaskRecord] = field(default_factory=list)
    running: dict[int, TaskRecord] = field(default_factory=dict)  # started, not yet finished
    worker_cpu: dict[tuple[str, int], list[tuple[float, float]]] = field(default_factory=dict)
    end_s: float | None = None  # the lane's wall time once it ended
    max_records: int = 5000

    def sampled(self, sample: LaneSampled) -> None:
        self.samples.append((sample.elapsed_s, sample.cores_in_use))
        for load in sample.workers:
            self.worker_cpu.setdefault(worker_key(load.pid, load.tid), []).append((sample.elapsed_s, load.cpu_percent))

    def reported(self, started: list[TaskRecord], finished: list[TaskRecord]) -> None:
        for record in started:
            self.running[record.index] = record
        for record in finished:
            self.running.pop(record.index, None)
        if len(self.records) < self.max_records:
            self.records.extend(finished)

    @property
    def now_s(self) -> float:
        if self.end_s is not None:
            return self.end_s
        return max([0.0, *(t for t, _ in self.samples[-1:]), *(r.end for r in self.records[-1:])])

    def cores_at(self, t: float) -> float | None:
        """The sample covering time ``t`` (each sample is the average since the one before)."""
        if not self.samples or t > self.now_s:
            return None
        i = bisect.bisect_left(self.samples, (t, -1.0))
        return self.samples[min(i, len(self.samples) - 1)][1]

    def workers(self) -> list[list[TaskRecord]]:
        """Each worker's tasks (a worker is a pid and thread), in the order they first started one.
        Tasks still running are drawn up to now (count -1)."""
        rows: dict[tuple[int, int], list[TaskRecord]] = {}
        now = self.now_s
        open_tasks = [TaskRecord(r.index, -1, r.pid, r.tid, r.start, now) for r in self.running.values()]
        for record in sorted([*self.records, *open_tasks], key=lambda r: r.start):
            rows.setdefault((record.pid, record.tid), []).append(record)
        return list(rows.values())

    def share_at(self, record: TaskRecord, t: float) -> float | None:
        """The CPU share of the worker that ran ``record`` at time ``t``, if it was measured."""
        readings = self.worker_cpu.get(worker_key(0, record.tid)) or self.worker_cpu.get(worker_key(record.pid, 0))
        if not readings:
            return None
        i = bisect.bisect_left(readings, (t, -1.0))
        return readings[min(i, len(readings) - 1)][1] / 100


class LaneChart(Widget):
    """Cores in use (an area over reference lines at 1 and at the usable cores) above one row per
    worker (its tasks as blocks, each as tall as that worker's measured CPU share), one time axis."""

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

    def configure(self, cores: int, usable: int, workers: int) -> None:
        self.cores, self.usable, self.worker_count = max(1, cores), max(1, usable), max(1, workers)
        self.refresh()

    def clear(self) -> None:
        self.trace = LaneTrace()
        self.refresh()

    def set_span(self, span_s: float) -> None:
        if span_s != self.span_s:
            self.span_s = span_s
            self.refresh()

    def layout_rows(self, height: int) -> tuple[int, int]:
        """(chart rows, timeline rows) for this height; the timeline gives way to the chart."""
        body = max(1, height - 1)  # the axis takes the last row
        rows = len(self.trace.workers()) or min(self.worker_count, 1)
        timeline = max(0, min(rows, body - MIN_CHART_ROWS))
        return body - timeline, timeline

    def render(self) -> Text:
        width, height = self.content_size.width or 30, self.content_size.height or 10
        plot_w = max(4, width - LEFT - RIGHT)
        chart_rows, timeline_rows = self.layout_rows(height)
        style = str(self.get_component_rich_style(f"lane--{self.mode}", partial=True))
        step = self.span_s / plot_w
        mids = [(c + 0.5) * step for c in range(plot_w)]
        text = Text(no_wrap=True, overflow="crop")
        self._area(text, mids, step, chart_rows, plot_w, style)
        self._timeline(text, mids, step, timeline_rows, plot_w, style)
        axis_end = f"{num(self.span_s, 'g')} s"
        text.append(" " * LEFT + "0" + axis_end.rjust(plot_w - 1)[: plot_w - 1], style="dim")
        return text

    def _area(self, text: Text, mids: list[float], step: float, rows: int, plot_w: int, style: str) -> None:
        # A column the lane has reached is drawn, however little of it has passed: a one-second
        # lane on a minute's axis is one column, not none (seen on 16 cores, mid-run).
        now = self.trace.now_s
        values = [self.trace.cores_at(min(t, now)) if t - step / 2 <= now else None for t in mids]
        refs = {max(1, round(level / self.cores * rows)): level for level in sorted({1, self.usable})}
        top = rows  # the top row is labelled with the core count, the axis maximum
        labels = {**refs, top: refs.get(top, self.cores)}
        for r in range(rows - 1, -1, -1):  # top row first; r counts rows from the bottom
            ref = refs.get(r + 1)
            mark = str(labels[r + 1]) if r + 1 in labels else ("0" if r == 0 else "")
            label = f"{mark:>{LEFT - 1}}┤"
            text.append(label, style="dim")
            cells, spans = [], []
            for value in values:
                fill = 0.0 if value is None else value / self.cores * rows - r
                if fill > 0.0625:
                    cells.append(level_char(min(1.0, fill)))
                    spans.append(style)
                elif ref is not None:
                    cells.append(REFERENCE)
                    spans.append("dim")
                else:
                    cells.append(" ")
                    spans.append("")
            append_runs(text, cells, spans)
            tail = axis_unit(RIGHT - 1) if r == rows - 1 and plot_w >= 12 else ""
            text.append(f" {tail:<{RIGHT - 1}}"[:RIGHT] + "\n", style="dim")

    def _timeline(self, text: Text, mids: list[float], step: float, rows: int, plot_w: int, style: str) -> None:
        if rows <= 0:
            return
        workers = self.trace.workers()
        shown = workers if len(workers) <= rows else workers[: rows - 1]
        for n, tasks in enumerate(shown):
            label = "m" if len(workers) == 1 and self.mode == "sequential" else f"w{n}"
            text.append(f"{label:<{LEFT}}"[:LEFT], style="bold")
            cells, spans = [" "] * plot_w, [""] * plot_w
            for task in tasks:
                first = max(0, int(task.start / step))
                last = min(plot_w - 1, int(max(task.start, task.end - 1e-9) / step))
                for c in range(first, last + 1):
                    if task.count == 0:
                        cells[c], spans[c] = "✗", "bold red"
                        continue
                    share = self.trace.share_at(task, mids[c])
                    cells[c] = "█" if share is None else level_char(max(0.125, min(1.0, share)))
                    spans[c] = style
            append_runs(text, cells, spans)
            done = sum(t.count for t in tasks if t.count > 0)
            text.append(f"{done:>{RIGHT}}"[-RIGHT:] + "\n")
        if len(shown) < len(workers):
            rest = workers[len(shown) :]
            count = sum(t.count for tasks in rest for t in tasks if t.count > 0)
            summary = _("+{workers} more workers: {tasks} tasks").format(workers=len(rest), tasks=num(count, ","))
            text.append(" " * LEFT + summary[: plot_w + RIGHT].ljust(plot_w + RIGHT) + "\n", style="dim")


def axis_unit(width: int) -> str:
    """``cores``, shortened with a dot where the language's word is wider than the gutter (núcl.)."""
    word = _("cores")
    return word if len(word) <= width else word[: width - 1] + "."


def append_runs(text: Text, cells: list[str], styles: list[str]) -> None:
    """One span per run of same-styled cells, not one per cell (this runs at the refresh rate)."""
    start = 0
    for i in range(1, len(cells) + 1):
        if i == len(cells) or styles[i] != styles[start]:
            text.append("".join(cells[start:i]), style=styles[start])
            start = i
