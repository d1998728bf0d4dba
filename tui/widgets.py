"""Widgets of the paraviz screen. They render snapshots, events and results; core computes."""

from __future__ import annotations

import math
from collections.abc import Iterable

from paraviz.core.events import LaneSampled, TaskRecord, TasksReported
from paraviz.core.figures import RunResult
from paraviz.core.sampler import CoreSnapshot
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

MAX_TIMELINE_RECORDS = 5000
MAX_TIMELINE_ROWS = 8
SPARK = "▁▂▃▄▅▆▇█"
BAR_FULL, BAR_EMPTY = "█", "░"


def load_style(percent: float) -> str:
    """Colour by load, as btop does: calm when idle, hot when saturated."""
    if percent >= 85:
        return "bold red"
    if percent >= 50:
        return "yellow"
    if percent >= 15:
        return "green"
    return "dim green"


def spark(values: Iterable[float], width: int) -> str:
    tail = list(values)[-width:]
    return "".join(SPARK[min(7, int(v / 100 * 7.999))] for v in tail).rjust(width)


def bar(fraction: float, width: int) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return BAR_FULL * filled + BAR_EMPTY * (width - filled)


class CoreMeter(Widget):
    """Every logical core in one widget: a bar and a sparkline per core while they fit,
    else a heat strip of one cell per core (so 256 cores cost one widget, not 256)."""

    DEFAULT_CSS = """
    CoreMeter {
        height: auto;
        padding: 0 1;
    }
    """

    snapshot: reactive[CoreSnapshot | None] = reactive(None, always_update=True)
    """The latest per-core reading (a repaint; a new layout only when the core count changes)."""

    CELL_WIDTH = 34  # "c12 ████████░░ 100% ▁▂▃▄▅▆▇█▁▂▃▄ "
    MAX_BAR_ROWS = 4

    def bar_columns(self, width: int) -> int:
        return max(1, width // self.CELL_WIDTH)

    def uses_bars(self, width: int, cores: int) -> bool:
        return math.ceil(cores / self.bar_columns(width)) <= self.MAX_BAR_ROWS

    def watch_snapshot(self, old: CoreSnapshot | None, new: CoreSnapshot | None) -> None:
        if new is not None and (old is None or old.cores != new.cores):
            self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        cores = self.snapshot.cores if self.snapshot else 1
        if self.uses_bars(width, cores):
            return math.ceil(cores / self.bar_columns(width))
        return math.ceil(cores / max(1, width - 5)) + 1

    def render(self) -> Text:
        snap = self.snapshot
        if snap is None:
            return Text("CPU  sampling…", style="dim")
        width = self.content_size.width or 80
        if self.uses_bars(width, snap.cores):
            return self._bars(snap, width)
        return self._heat(snap, width)

    def _bars(self, snap: CoreSnapshot, width: int) -> Text:
        columns = self.bar_columns(width)
        cell = width // columns
        label_w = len(f"c{snap.cores - 1}")
        spark_w = max(0, cell - label_w - 18)
        text = Text(no_wrap=True, overflow="crop")
        for i, (pct, hist) in enumerate(zip(snap.percents, snap.history, strict=True)):
            if i and i % columns == 0:
                text.append("\n")
            style = load_style(pct)
            text.append(f"c{i}".ljust(label_w) + " ", style="bold")
            text.append(bar(pct / 100, 10), style=style)
            text.append(f" {pct:3.0f}% ", style=style)
            text.append(spark(hist, spark_w).ljust(spark_w) + " ", style=style)
        return text

    def _heat(self, snap: CoreSnapshot, width: int) -> Text:
        per_row = max(1, width - 5)
        text = Text(no_wrap=True, overflow="crop")
        for start in range(0, snap.cores, per_row):
            text.append(f"{start:>4} ", style="dim")
            # One span per run of cells in the same colour, not one per core.
            run, run_style = "", ""
            for pct in snap.percents[start : start + per_row]:
                style = load_style(pct)
                if style != run_style and run:
                    text.append(run, style=run_style)
                    run = ""
                run_style = style
                run += SPARK[min(7, int(pct / 100 * 7.999))]
            text.append(run, style=run_style)
            text.append("\n")
        busy = sum(p >= 50 for p in snap.percents)
        text.append(
            f"     {snap.cores} cores, one cell each · average {snap.total_percent:.0f}% · {busy} over half busy",
            style="dim",
        )
        return text


def fmt_bytes(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


class LanePanel(Vertical):
    """One lane: progress and live counts while it runs, measured figures when it is done."""

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
    LanePanel .lane--live { height: auto; }
    LanePanel .lane--figures { height: auto; }
    LanePanel Static { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, mode: str, **kwargs: object) -> None:
        super().__init__(id=f"lane-{mode}", **kwargs)  # type: ignore[arg-type]
        self.mode = mode
        self.border_title = mode.capitalize()
        self.total = 1
        self.timed_seconds: float | None = None
        self.records: list[TaskRecord] = []
        self._done = 0
        self._elapsed = 0.0

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1, show_eta=False, show_percentage=False, id=f"progress-{self.mode}")
        yield Static("not run", classes="lane--status")
        yield Static("", classes="lane--figures")
        yield Static("", classes="lane--live")

    @property
    def status_text(self) -> str:
        return str(self.query_one(".lane--status", Static).render())

    @property
    def figures_text(self) -> str:
        return str(self.query_one(".lane--figures", Static).render())

    @property
    def live_text(self) -> str:
        return str(self.query_one(".lane--live", Static).render())

    def _set(self, status: str | Text, live: str | Text = "", figures: str | Text = "") -> None:
        self.query_one(".lane--status", Static).update(status)
        self.query_one(".lane--live", Static).update(live)
        self.query_one(".lane--figures", Static).update(figures)

    def reset(self, why: str = "not run") -> None:
        self.remove_class("-running", "-error")
        self.query_one(ProgressBar).update(total=1, progress=0)
        self._set(Text(why, style="dim"))

    def waiting(self, total: int, timed_seconds: float | None) -> None:
        self.reset("waiting")
        self.records = []
        self._done = 0
        self._elapsed = 0.0
        self.total, self.timed_seconds = total, timed_seconds
        self.query_one(ProgressBar).update(total=timed_seconds or total, progress=0)

    def started(self) -> None:
        self.add_class("-running")
        self._set("starting…")

    def progress(self, report: TasksReported) -> None:
        if len(self.records) < MAX_TIMELINE_RECORDS:
            self.records.extend(report.finished)
        if self.timed_seconds is None:
            self.query_one(ProgressBar).update(progress=report.done)
        self._done = report.done
        self.query_one(".lane--status", Static).update(self._progress_text())

    def _progress_text(self) -> str:
        if self.timed_seconds is not None:
            left = max(0.0, self.timed_seconds - self._elapsed)
            return f"{self._done:,} done · {left:.1f} s left"
        return f"{self._done:,}/{self.total:,} · {self._elapsed:.1f} s"

    def sampled(self, sample: LaneSampled) -> None:
        self._elapsed = sample.elapsed_s
        if self.timed_seconds is not None:
            self.query_one(ProgressBar).update(progress=min(self.timed_seconds, sample.elapsed_s))
        status = self._progress_text()
        width = self.content_size.width or 30
        narrow = width < 30
        live = Text(no_wrap=True, overflow="ellipsis")
        live.append(f"{sample.cores_in_use:.2f} cores", style="bold")
        live.append(
            f" · {sample.processes}p · {sample.threads}t\n"
            if narrow
            else f" · {sample.processes} proc · {sample.threads} thr\n"
        )
        label_w = max(6, min(13, width - 13))
        shown = sample.workers[:6]
        for worker in shown:
            pct = worker.cpu_percent
            short = worker.label.replace("main thread", "main").replace("thread ", "t").replace("pid ", "p")
            label = short if narrow else worker.label
            live.append(f"{label[-label_w:]:>{label_w}} ")
            live.append(bar(pct / 100, 6), style=load_style(pct))
            live.append(f" {pct:3.0f}%\n")
        if len(sample.workers) > len(shown):
            live.append(f"   +{len(sample.workers) - len(shown)} more\n", style="dim")
        self.query_one(".lane--status", Static).update(status)
        self.query_one(".lane--live", Static).update(live)

    def finished(self, result: RunResult) -> None:
        self.remove_class("-running")
        bar_widget = self.query_one(ProgressBar)
        if self.timed_seconds is None:
            bar_widget.update(progress=result.tasks_done)
        else:
            bar_widget.update(progress=self.timed_seconds)
        if result.status == "error":
            self.add_class("-error")
            self._set(Text("failed", style="bold red"), Text(result.error or "", style="red"))
            return
        if result.status == "stopped":
            self._set(Text(f"stopped after {result.tasks_done:,} tasks", style="yellow"))
            return
        status = f"{result.tasks_done:,} done" + (
            f" · {result.throughput_per_s:,.1f}/s" if self.timed_seconds is not None else ""
        )
        width = max(10, self.content_size.width)
        self._set(
            status, timeline_text(self.records, result.wall_s, width, result.tasks_done), figures_text(result, width)
        )


def figure_pairs(result: RunResult) -> list[tuple[str, str]]:
    speedup = "–" if result.speedup is None else f"{result.speedup:.2f}×"
    efficiency = "–" if result.efficiency is None else f"{result.efficiency:.0%}"
    return [
        ("wall", f"{result.wall_s:.3f} s"),
        ("start-up", f"{result.startup_s:.3f} s"),
        ("CPU", f"{result.cpu_s:.2f} s"),
        ("cores", f"{result.effective_cores:.2f}"),
        ("speedup", speedup),
        ("effic.", efficiency),
        ("peak", f"{result.peak_processes} proc {result.peak_threads} thr"),
        ("RSS", fmt_bytes(result.peak_rss_bytes)),
    ]


def figures_text(result: RunResult, width: int = 40) -> Text:
    """The lane's figures, two to a line where the lane is wide enough, else one."""
    pairs = figure_pairs(result)
    per_line = 2 if width >= 40 else 1
    cell = width // per_line
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (label, value) in enumerate(pairs):
        text.append(f"{label:<9}", style="dim")
        style = "bold" if label in ("speedup", "cores") else ""
        text.append(value.ljust(cell - 9) if (i % per_line) < per_line - 1 else value, style=style)
        if i % per_line == per_line - 1 and i < len(pairs) - 1:
            text.append("\n")
    return text


def timeline_text(records: list[TaskRecord], wall_s: float, width: int, done: int) -> Text:
    """One row per worker over the lane's wall time: where each was running a task.

    The host coalesces reports of many tiny tasks, so the rows may show a sample: the header says so.
    """
    text = Text(no_wrap=True, overflow="crop")
    if not records or wall_s <= 0:
        return text
    workers: dict[tuple[int, int], list[TaskRecord]] = {}
    for record in records:
        workers.setdefault((record.pid, record.tid), []).append(record)
    label_w = 4
    cells = max(4, width - label_w - 6)
    seen = sum(r.count for r in records)
    sample = f", {seen:,} of {done:,} reported" if seen < done else ""
    text.append(f"tasks per worker over {wall_s:.2f} s{sample}\n", style="dim")
    for n, (_, tasks) in enumerate(sorted(workers.items())[:MAX_TIMELINE_ROWS]):
        busy = [False] * cells
        for task in tasks:
            first = int(task.start / wall_s * cells)
            last = min(cells - 1, int(task.end / wall_s * cells))
            for cell in range(max(0, first), last + 1):
                busy[cell] = True
        count = sum(t.count for t in tasks)
        text.append(f"w{n}".ljust(label_w), style="bold")
        text.append("".join("▆" if b else "·" for b in busy), style="cyan")
        text.append(f" {count:>4}\n")
    if len(workers) > MAX_TIMELINE_ROWS:
        text.append(f"+{len(workers) - MAX_TIMELINE_ROWS} more workers", style="dim")
    return text
