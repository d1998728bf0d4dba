"""``paraviz lecture``: the live app, one lesson at a time (the steps are data in core/lecture.py).

Each step shows its title and question with its settings in the header; ``r`` runs it; then the
measured figure that answers the question is highlighted, and the explanation comes from that
run's own figures. A run that contradicts the lesson is said to, plainly.
"""

from __future__ import annotations

from paraviz.core.i18n import N_, _
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult, mode_title
from paraviz.core.teach.lecture import (
    FIGURE_NAMES,
    STEPS,
    Step,
    answer_line,
    expectation_failures,
    figure_value,
    playable_step_config,
    question_text,
)
from paraviz.tui.app import ParavizApp
from paraviz.tui.keys import translated
from paraviz.tui.run_view import RunEnded
from paraviz.tui.textual_internals import translate_bindings
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class LectureApp(ParavizApp):
    """The guided tour: ``→``/``n``/space next step, ``←``/``b`` previous, ``r`` runs it."""

    BINDINGS = [
        Binding("right,n,space", "step(1)", N_("next"), key_display="→", tooltip=N_("next step (→, n or space)")),
        Binding("left,b", "step(-1)", N_("back"), key_display="←", tooltip=N_("previous step (← or b)")),
    ]

    def __init__(self, config: RunConfig, first_step: int = 1, **kwargs: object) -> None:
        super().__init__(config, **kwargs)  # type: ignore[arg-type]
        translate_bindings(self)
        self.step_index = first_step - 1
        self.lecture_bar = Static(id="lecture")
        #: Each step's last results, for the steps that quote an earlier one (chunks vs chunksize 1).
        self.step_results: dict[str, dict[str, RunResult]] = {}
        self.run_by_hand: set[str] = set()
        #: Why the step's own lanes cannot run here (the nogil step without a free-threaded Python).
        self.step_note: str | None = None
        self.config, self.step_note = playable_step_config(self.step, config, self.machine.logical_cores)

    @property
    def step(self) -> Step:
        return STEPS[self.step_index]

    def own_bindings(self) -> list[Binding]:
        """The lecture's keys first, then the app's (they all work here too)."""
        return [translated(b) for b in LectureApp.BINDINGS] + super().own_bindings()

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield widget
            if widget is self.header_bar:
                yield self.lecture_bar

    def on_mount(self) -> None:
        super().on_mount()
        self.default_screen.add_class("-lecture")
        self.show_step()

    def action_step(self, delta: int) -> None:
        target = self.step_index + delta
        if not 0 <= target < len(STEPS):
            last = _("This is the last step: ← goes back.") if delta > 0 else _("This is the first step: → goes on.")
            self.notify(last)
            return
        if self.running:
            self.notify(_("A run is in progress: x stops it, then → or ← moves."), severity="warning")
            return
        self.step_index = target
        self.run_by_hand.clear()
        config, self.step_note = playable_step_config(self.step, self.config, self.machine.logical_cores)
        if self.set_config(config):
            self.show_step()

    def show_step(self) -> None:
        step = self.step
        for mode, lane in self.lanes.items():  # the lanes this lesson runs, and any run by hand (t, d…)
            lane.display = mode in self.config.modes or mode in self.results or mode in self.run_by_hand
        self.lecture_bar.border_title = _("Step {number}/{count} · {title}").format(
            number=self.step_index + 1, count=len(STEPS), title=_(step.title)
        )
        lines = [f"[b]{escape(question_text(step, self.config))}[/b]"]
        if self.step_note:
            lines.append(f"[yellow]{escape(self.step_note)}[/yellow]")
        answer = answer_line(step, self.results, self.step_results.get(step.compare_with or "", {}))
        if answer and not self.running:
            lines.append(f"[reverse b] {escape(answer)} [/]")
            lines += [f"[yellow]{escape(line)}[/yellow]" for line in self.failures()]
        else:
            lines.append(_("[dim]r runs this step · → next · ← back · o options · z projector · ? help[/dim]"))
        self.lecture_bar.update("\n".join(lines))

    def failures(self) -> list[str]:
        return expectation_failures(self.step, self.results, self.machine.logical_cores)

    def big_figure_texts(self) -> dict[str, tuple[str, str]]:
        """In a lecture the large digits show the figure that answers the step's question."""
        _lane, figure = self.step.answer
        shown = {}
        for mode, result in self.results.items():
            value = figure_value(result, figure) if result.ok else None
            if value is not None:
                text = f"{value:.0%}".replace("%", "") if figure.endswith("_share") else f"{value:.2f}"
                unit = "x" if figure == "speedup" else ""
                shown[mode] = (f"{mode_title(mode)} · {_(FIGURE_NAMES[figure])}", text + unit)
        return shown

    def on_run_ended(self, message: RunEnded) -> None:
        super().on_run_ended(message)
        if message.report is not None:
            self.step_results[self.step.key] = dict(self.results)
        self.show_step()

    def action_run(self, which: str) -> None:
        if which != "all" and not self.running:
            self.run_by_hand.add(which)
        super().action_run(which)
        self.show_step()


def make_lecture(config: RunConfig | None = None, first_step: int = 1, **kwargs: object) -> LectureApp:
    return LectureApp(config or RunConfig(), first_step=first_step, **kwargs)
