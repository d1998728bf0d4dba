"""One lane: its progress, live counts, chart and measured figures."""

from __future__ import annotations

import os
import platform

from paraviz.core.i18n import _, ngettext, num
from paraviz.core.model.diagnosis import STUCK_AFTER_S
from paraviz.core.model.events import LaneSampled, TasksReported
from paraviz.core.model.figures import RunResult
from paraviz.core.model.lanes import LaneSpec
from paraviz.core.teach.explain_diagnosis import stuck_text
from paraviz.tui.widgets.lane_chart import LaneChart
from paraviz.tui.widgets.lane_colours import dom_name, lane_mark
from paraviz.tui.widgets.lane_figures import figures_text, headline_text
from paraviz.tui.widgets.progress import QuietProgressBar
from paraviz.tui.widgets.text_line import TextLine
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static


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
    /* Once a run starts, the figures' room is kept: a lane's end then draws them without laying
       out the screen again (20 ms on 2 vCPUs), and the chart above keeps its size. */
    LanePanel.-reserved .lane--figures { height: 5; }
    LanePanel Static { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    result: reactive[RunResult | None] = reactive(None, init=False, always_update=True)
    """The lane's measured figures once it ended (the figures block follows it)."""

    def __init__(self, lane: LaneSpec, **kwargs: object) -> None:
        super().__init__(id=f"lane-{dom_name(lane.key)}", **kwargs)  # type: ignore[arg-type]
        self.spec = lane
        self.mode = lane.key
        self.border_title = f"{lane_mark(lane.key)} {lane.title}"
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
        self.bar = QuietProgressBar(total=1, show_eta=False, show_percentage=False, id=f"progress-{dom_name(lane.key)}")
        self.status = TextLine(_("not run"), classes="lane--status")
        self.headline = TextLine("", classes="lane--headline")
        self.chart = LaneChart(lane.key, id=f"chart-{dom_name(lane.key)}")
        self.chart.trace.measured = not lane.reports_tasks
        if not lane.reports_tasks:  # a command's progress is not known: no bar (the stylesheet hides it when short)
            self.bar.display = False
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
        self.remove_class("-running", "-error", "-reserved")
        self.bar.update(total=1, progress=0)
        self.chart.clear()
        self._set(Text(why or _("not run"), style="dim"))

    def waiting(self, total: int, timed_seconds: float | None, cores: int, usable: int, workers: int) -> None:
        self.reset(_("waiting"))
        self.add_class("-reserved")
        self.done, self.elapsed, self.latest, self.dirty = 0, 0.0, None, False
        self.total, self.timed_seconds = total, timed_seconds
        self.bar.update(total=timed_seconds or total, progress=0)
        self.chart.configure(cores, usable, workers)

    def baseline(self, python: str | None) -> None:
        """Before the lane, its tasks on one worker under its own Python (the nogil lane)."""
        # Two short lines: a lane is 16 columns wide at 80x24 with four lanes.
        self._set(_("1 worker first…"), os.path.basename(python) if python else "")

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
        if not self.spec.reports_tasks:  # a user's command: no tasks to count, only its clock
            return _("running · {seconds} s").format(seconds=num(self.elapsed, ".1f")) + self.round_text
        if self.timed_seconds is not None:
            left = max(0.0, self.timed_seconds - self.elapsed)
            return (
                _("{done} done · {left} s left").format(done=num(self.done, ","), left=num(left, ".1f"))
                + self.round_text
            )
        return f"{num(self.done, ',')}/{num(self.total, ',')} · {num(self.elapsed, '.1f')} s{self.round_text}"

    def _live_text(self, sample: LaneSampled) -> Text:
        """Cores in use, the threads' GIL wait so far (where it is worth saying), then the counts:
        the GIL's share comes before the counts, which a narrow lane cuts first."""
        live = Text(no_wrap=True, overflow="ellipsis")
        if sample.still_s >= STUCK_AFTER_S:  # every thread blocked on the program's own waits, no CPU
            error = self.app.theme_variables.get("error", "red")
            live.append(stuck_text(sample.still_s, sample.still_on), style=f"bold {error}")
            return live
        live.append(_("{cores} cores").format(cores=num(sample.cores_in_use)), style="bold")
        gil = self.chart.trace.gil_share
        narrow = (self.content_size.width or 30) < 28
        if gil is not None and gil >= LIVE_GIL_SHARE:  # the threads' waits, as they happen
            live.append(" · ")
            # a narrow lane (80 columns, in Spanish) cut "espera GIL 64%" to "espera": the short form fits
            said = f"GIL {num(gil, '.0%')}" if narrow else _("GIL wait {share}").format(share=num(gil, ".0%"))
            live.append(said, style="bold red")
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
        done = _("{done} done").format(done=num(result.tasks_done, ","))
        if result.exit_code is not None:  # a user's command: how it ended
            done = _("exit code {code}").format(code=result.exit_code)
        status = done + (f" · {num(result.throughput_per_s, ',.1f')}/s" if self.timed_seconds is not None else "")
        self._set(status + rounds)
        self.result = result  # the headline and the figures follow, laid out for the lane's width

    def show_interpreter(self, result: RunResult) -> None:
        """The title names the host's Python when it is not this one's (--python, the nogil lane), with
        its GIL state where the title does not already say it."""
        title = f"{lane_mark(self.mode)} {self.spec.title}"
        if result.python and result.python != platform.python_version():
            title += f" · {result.python}"
            if self.mode != "nogil" or result.gil_enabled:  # "no GIL" in the title says it, unless it came back
                title += " · " + (_("GIL on") if result.gil_enabled else _("GIL off"))
        self.border_title = title

    def show_figures(self) -> None:
        """The figures laid out for the lane's width now (again after every resize)."""
        if self.result is None:
            return
        compact = self.screen.has_class("-compact") if self.is_mounted else False
        width = self.content_size.width or 36
        # laid out for the headline's width when it is drawn: a panel that gains a scrollbar after
        # this (four lanes with four worker rows) had cut the loss's % off
        self.headline.update(lambda line_width, result=self.result: headline_text(result, line_width or width))
        self.show_figure_text(figures_text(self.result, width, max_lines=2 if compact else 5))

    def show_figure_text(self, text: str | Text) -> None:
        """The figures block; the screen is laid out again only when its number of lines changes
        and its room was not kept (a new layout costs 20 ms on 2 vCPUs)."""
        if text == self.figures_shown:
            return
        lines = str(text).count("\n") + 1 if str(text) else 0
        self.figures.update(text, layout=lines != self.figures_lines and not self.has_class("-reserved"))
        self.figures_shown, self.figures_lines = text, lines

    def on_resize(self) -> None:
        self.show_figures()


#: Under this share of its thread-time waiting for the GIL, a running lane's live line does not say it.
LIVE_GIL_SHARE = 0.05
