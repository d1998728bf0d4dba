"""Modal screens: help, workload choice, run options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from paraviz.core.host.engines import ENGINES
from paraviz.core.i18n import N_, _, num
from paraviz.core.model.config import START_METHODS, RunConfig
from paraviz.core.model.workloads import WORKLOADS
from paraviz.tui.textual_internals import translate_bindings
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option


class AnswersAKey:
    """A screen a key opens: once it is drawn, the app learns how long the key took to answer
    (measured inside the app, from the key event to this screen's first refresh)."""

    def on_mount(self) -> None:
        self.call_after_refresh(self.app.key_answered, type(self).__name__)  # type: ignore[attr-defined]


ResultT = TypeVar("ResultT")


class Dialog(AnswersAKey, ModalScreen[ResultT]):
    """A modal screen that a key opens: Esc cancels it, and its keys are described in the user's language."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("cancel"))]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)


class HelpScreen(Dialog[None]):
    """Every key of the app, from its bindings."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", N_("close"))]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        lines = "\n".join(f"[b]{key:>7}[/b]  {what}" for key, what in self.keys)
        with Vertical(id="dialog", classes="dialog--help"):
            yield Static(_("[b]paraviz keys[/b]"), classes="title")
            yield Static(lines, id="help-keys")
            yield Static(_("[dim]Ctrl+P opens the command palette with the same actions. Esc closes.[/dim]"))


class WorkloadScreen(Dialog[str | None]):
    """Pick a workload; each line says what it teaches."""

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option(f"[b]{w.name:<8}[/b] {_(w.lesson)}", id=w.name) for w in WORKLOADS.values()]
        with Vertical(id="dialog", classes="dialog--workload"):
            yield Static(_("[b]Choose a workload[/b]  (Enter picks, Esc cancels)"), classes="title")
            yield OptionList(*options, id="workloads")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.current in WORKLOADS:
            option_list.highlighted = list(WORKLOADS).index(self.current)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


@dataclass(frozen=True)
class OptionValues:
    """What the user typed, as text; the app parses and bounds it with core's parsers."""

    workers: str
    tasks: str
    size: str
    sizes: str
    seconds: str
    start_method: str
    chunksize: str
    inner_threads: str
    repeat: str
    engine: str
    items: str
    payload: str
    python: str


class OptionsScreen(Dialog[OptionValues | None]):
    """Tasks, size(s), items, engine, start method, chunksize, inner threads, timed mode, rounds."""

    def __init__(self, config: RunConfig, served: bool = False) -> None:
        super().__init__()
        self.config = config
        self.served = served  # in a browser: no interpreter path to run (paraviz serve keeps the server's)

    def compose(self) -> ComposeResult:
        c = self.config

        def text(value: object) -> str:
            return "" if value is None else str(value)

        with Vertical(id="dialog", classes="dialog--options"):
            yield Static(_("[b]Run options[/b]\nEnter applies · Esc cancels · blank size: calibrate"), classes="title")
            with Grid(id="options-grid"):
                yield Label(_("workers"))
                yield Input(text(c.workers), compact=True, id="opt-workers")
                yield Label(_("tasks"))
                yield Input(text(c.tasks or c.task_count), compact=True, id="opt-tasks")
                yield Label(_("size"))
                yield Input(text(c.size), placeholder=_("calibrate"), compact=True, id="opt-size")
                yield Label(_("sizes a,b,c"))
                sizes = ",".join(map(str, c.sizes or ()))
                yield Input(sizes, placeholder=_("unequal tasks"), compact=True, id="opt-sizes")
                yield Label(_("seconds"))
                yield Input(text(c.seconds), placeholder=_("batch mode"), compact=True, id="opt-seconds")
                yield Label(_("items a,b | 1..N"))
                items = c.items
                shown = (
                    f"{items.start}..{items.stop - 1}" if isinstance(items, range) else ",".join(map(str, items or ()))
                )
                yield Input(shown, placeholder=_("for your f(item)"), compact=True, id="opt-items")
                yield Label(_("engine"))
                engines = [(name, name) for name in ENGINES]
                yield Select(engines, value=c.engine, allow_blank=False, compact=True, id="opt-engine")
                yield Label(_("start method"))
                methods = [(m, m) for m in START_METHODS]
                yield Select(methods, value=c.start_method, allow_blank=False, compact=True, id="opt-start")
                yield Label(_("chunksize"))
                yield Input(text(c.chunksize), placeholder=_("engine's default"), compact=True, id="opt-chunksize")
                yield Label(_("inner threads"))
                yield Input(text(c.inner_threads), compact=True, id="opt-inner")
                yield Label(_("payload MB/task"))
                yield Input(text(c.payload_mb), placeholder=num(c.payload, "g"), compact=True, id="opt-payload")
                yield Label(_("repeat (rounds)"))
                yield Input(text(c.repeat), compact=True, id="opt-repeat")
                if not self.served:
                    yield Label(_("python"))
                    yield Input(text(c.python), placeholder=_("this one"), compact=True, id="opt-python")
            yield Button(_("Apply"), variant="primary", compact=True, id="apply")

    def on_mount(self) -> None:
        self.query_one("#opt-workers", Input).focus()

    def _values(self) -> OptionValues:
        def value(widget_id: str) -> str:
            return self.query_one(widget_id, Input).value.strip()

        return OptionValues(
            workers=value("#opt-workers"),
            tasks=value("#opt-tasks"),
            size=value("#opt-size"),
            sizes=value("#opt-sizes"),
            seconds=value("#opt-seconds"),
            start_method=str(self.query_one("#opt-start", Select).value),
            chunksize=value("#opt-chunksize"),
            inner_threads=value("#opt-inner"),
            repeat=value("#opt-repeat"),
            engine=str(self.query_one("#opt-engine", Select).value),
            items=value("#opt-items"),
            payload=value("#opt-payload"),
            python=(self.config.python or "") if self.served else value("#opt-python"),
        )

    def on_input_submitted(self) -> None:
        self.dismiss(self._values())

    def on_button_pressed(self) -> None:
        self.dismiss(self._values())


class ExportScreen(Dialog[str | None]):
    """Ask where to write the CSV and JSON of the last run or sweep."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog--export"):
            yield Static(
                _("[b]Export what is on screen[/b]  (writes PATH.csv and PATH.json; never overwrites)"),
                classes="title",
            )
            yield Input(placeholder=_("path, e.g. results/cumsum-2-workers"), id="export-path")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
