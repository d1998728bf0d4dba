"""What the app's parts use of the app: a Protocol, so that the parts never import the app.

ParavizApp is made of its own layout and frame clock, and two parts mixed into it: RunView (the
run's events) and DialogActions (the keys that open a dialog). The app imports both; they see it
only through AppParts, which lists every name they use of it, Textual's App included."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from paraviz.core.measure.sweep import SweepReport
    from paraviz.core.model.config import RunConfig
    from paraviz.core.model.figures import RunResult
    from paraviz.core.model.machine import MachineInfo
    from paraviz.core.model.results import RunReport
    from paraviz.tui.widgets import BigFigures, CoreMeter, Explanation, LanePanel
    from textual.binding import Binding
    from textual.message import Message
    from textual.screen import Screen


class AppParts(Protocol):
    # -- the app's state -----------------------------------------------------------------
    config: RunConfig
    machine: MachineInfo
    results: dict[str, RunResult]
    running: bool
    big: bool
    sweep_counts: list[int]
    time_axis_moved: bool
    last_report: RunReport | SweepReport | None
    bursts: list[RunResult] | None
    # -- its widgets ---------------------------------------------------------------------
    lanes: dict[str, LanePanel]
    core_meter: CoreMeter
    explanation: Explanation
    big_figures: BigFigures

    # -- its own methods -----------------------------------------------------------------
    def lane(self, mode: str) -> LanePanel: ...
    def reset_lanes(self, why: str) -> None: ...
    def set_config(self, config: RunConfig) -> bool: ...
    def refresh_header(self) -> None: ...
    def own_bindings(self) -> list[Binding]: ...

    # -- the parts' methods, which call each other ---------------------------------------
    def show_explanation(self) -> None: ...
    def lane_finished(self, result: RunResult) -> None: ...
    def fit_time_axis(self) -> None: ...
    def show_big_figures(self) -> None: ...
    def big_figure_texts(self) -> dict[str, tuple[str, str]]: ...
    def check_options(self, values: Any) -> None: ...
    def action_engine(self, name: str) -> None: ...

    # -- Textual's App, as the parts use it ----------------------------------------------
    @property
    def screen(self) -> Screen[Any]: ...
    @property
    def default_screen(self) -> Screen[Any]: ...
    def notify(self, message: str, *, severity: Any = "information", **kwargs: Any) -> None: ...
    def post_message(self, message: Message) -> bool: ...
    def push_screen(self, screen: Screen[Any], callback: Callable[[Any], Any] | None = None) -> Any: ...
    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...
    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool: ...
    async def run_action(self, action: str, default_namespace: Any = None) -> bool: ...
