"""The live paraviz app: lanes side by side, every core live, and what the figures mean."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from paraviz.core.i18n import _
from paraviz.core.measure.machine import machine_info
from paraviz.core.measure.sampler import REFRESH_S, CoreSource, CpuSampler
from paraviz.core.measure.tree import OwnCpuMeter
from paraviz.core.measure.validation import (
    check_settings,
    check_system,
    system_inputs,
)
from paraviz.core.model.config import ConfigError, RunConfig, max_workers
from paraviz.core.model.figures import RunResult
from paraviz.core.model.lanes import screen_lanes
from paraviz.core.model.machine import MachineInfo, default_worker_counts
from paraviz.core.model.results import RunReport
from paraviz.tui.dialog_actions import DialogActions, served
from paraviz.tui.header import header_markup
from paraviz.tui.keys import APP_BINDINGS, translated
from paraviz.tui.run_view import OPTIONAL_LANES, RunView
from paraviz.tui.textual_internals import translate_bindings
from paraviz.tui.web import SCREEN_VARIABLE
from paraviz.tui.widgets import BigFigures, CoreMeter, Explanation, LanePanel
from paraviz.tui.widgets.glyphs import state_legend
from paraviz.tui.widgets.lane_colours import LANE_COLOURS
from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key, Resize
from textual.screen import Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from paraviz.core.measure.sweep import SweepReport

MIN_WIDTH, MIN_HEIGHT = 60, 20
#: paraviz's own CPU is read over this window: shorter would jump with each frame's work.
OBSERVER_WINDOW_S = 1.0
#: Below this many lines the lanes drop their progress bars and show fewer figures.
COMPACT_HEIGHT = 32


#: How often the presenter's screen is exported for the audience, at most (paraviz serve --audience).
SHARE_EVERY_S = 0.5
#: Actions on paraviz's own lanes only: hidden while watching or following a user's code.
OWN_LANES_ONLY = ("workers", "choose_workload", "options", "sweep")


class ParavizApp(RunView, DialogActions, App[int]):
    """Run one workload sequentially, with threads and with processes, and watch the cores."""

    CSS_PATH = "app.tcss"
    TITLE = "paraviz"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = APP_BINDINGS

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The lanes' colours ($lane-threads...), so that a theme may set its own."""
        return {**super().get_theme_variable_defaults(), **{f"lane-{m}": c for m, c in LANE_COLOURS.items()}}

    def __init__(
        self,
        config: RunConfig,
        refresh: float = REFRESH_S,
        cpu_source: CoreSource | None = None,
        machine: MachineInfo | None = None,
        big: bool = False,
        start_at_once: bool = False,
    ) -> None:
        super().__init__()
        self.big = big
        self.start_at_once = start_at_once
        self.shared_screen: Path | None = None
        self.last_shared = ""
        translate_bindings(self)
        self.config = config
        self.refresh_s = refresh
        self.cpu_source = cpu_source
        self.machine = machine or machine_info()
        self.results: dict[str, RunResult] = {}
        self.stop_event = threading.Event()
        self.running = False
        #: paraviz's own CPU (this process: drawing, the run's relay and sampler), per second.
        self.own_cpu = OwnCpuMeter()
        self.observer_cores: float | None = None
        self.header_text = ""
        #: When the latest key arrived, and (screen, seconds) for the screens keys opened since.
        self.key_at = time.monotonic()
        self.responses: deque[tuple[str, float]] = deque(maxlen=32)
        #: A lane's clock moved since the last frame: the shared time axis may have to grow.
        self.time_axis_moved = False
        self.last_report: RunReport | SweepReport | None = None
        #: paraviz attach: one result per burst of work, once following ended (None before).
        self.bursts: list[RunResult] | None = None
        self.sweep_counts = default_worker_counts(self.machine.logical_cores)
        #: The most workers free memory allows, read once: the + and - keys check against it.
        self.worker_bound = max_workers()
        #: Interpreters asked what they are and found fit: the nogil lane's, once g found it, or as
        #: given (a config reaches the app validated: by the CLI, or by config_from_text in tests).
        self.checked_pythons: set[str | None] = {config.nogil_python} - {None}
        # Handles made once: the sampler and run events update them many times a second, and
        # they stay valid while a modal screen is shown or the app is shutting down.
        self.header_bar = Static(id="header")
        self.core_meter = CoreMeter(id="cores")
        self.lanes = {lane.key: LanePanel(lane) for lane in screen_lanes(config)}
        self.explanation = Explanation(id="explanation")
        self.big_figures = BigFigures(eager=big, id="big-figures")
        self.too_small = Static(id="too-small")

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.header_bar
        with Vertical(id="main"):
            with Vertical(id="cores-box"):
                yield self.core_meter
            yield self.big_figures
            with Horizontal(id="lanes"):
                yield from self.lanes.values()
            yield self.explanation
        yield self.too_small
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sampler = CpuSampler(self.cpu_source)
        self.query_one("#cores-box").border_title = _("CPU · {cores} logical cores").format(
            cores=self.machine.logical_cores
        )
        self.explanation.border_title = _("What happened")
        self.explanation.border_subtitle = state_legend()
        self.refresh_header()
        self.reset_lanes(_("not run"))
        for mode in OPTIONAL_LANES:  # appear when chosen (d, g, or --modes)
            if mode in self.lanes:
                self.lane(mode).display = mode in self.config.modes
        self.frame()
        # The frame clock: the screen changes at this rate, whatever the run streams meanwhile.
        self.set_interval(self.refresh_s, self.frame)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self.action_quit)
        if not self.is_headless:
            # A plain handler, not the loop's: it must run even if the loop is stuck on a dead terminal.
            signal.signal(signal.SIGHUP, hang_up)
        self.check_size(self.size.width, self.size.height)
        self.default_screen.set_class(self.big, "-big")
        # Following starts at once (the processes are already running), and so does a watched command,
        # as `time` and `py-spy top --` do, unless the teacher asked to press r (paraviz watch --wait).
        if self.config.attach or self.start_at_once:
            self.action_run("all")
        if served() and os.environ.get(SCREEN_VARIABLE):  # paraviz serve --audience: the presenter's app
            self.shared_screen = Path(os.environ[SCREEN_VARIABLE])
            self.set_interval(SHARE_EVERY_S, self.share_screen)

    def share_screen(self) -> None:
        """The screen as SVG for the audience, when it changed: one render, whatever the viewers."""
        svg = self.export_screenshot(title="paraviz")
        if svg == self.last_shared:
            return
        self.last_shared = svg
        partial = self.shared_screen.with_suffix(".partial")
        partial.write_text(svg)
        os.replace(partial, self.shared_screen)  # a viewer never reads half a screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A user's own code has no workers, workload, options or sweep of paraviz's: those keys
        neither show in the footer nor act."""
        return not ((self.config.commands or self.config.attach) and action in OWN_LANES_ONLY)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, Key):
            self.key_at = time.monotonic()
        await super().on_event(event)

    def key_answered(self, screen: str) -> None:
        """A screen that a key opened has been drawn (AnswersAKey): how long the key took."""
        self.responses.append((screen, time.monotonic() - self.key_at))

    def on_resize(self, event: Resize) -> None:
        self.check_size(event.size.width, event.size.height)
        self.refresh_header()

    def check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.default_screen.set_class(small, "-too-small")
        self.default_screen.set_class(height < COMPACT_HEIGHT, "-compact")
        # The per-core graphs take what the lanes can spare: 3 rows at 24 lines, 11 at 40.
        self.core_meter.fit(max(3, min(12, (height - 24) // 2 + 3)))
        if small:
            self.too_small.update(
                _("Make the window larger: paraviz needs {need}, this one is {have}.").format(
                    need=f"{MIN_WIDTH}×{MIN_HEIGHT}", have=f"{width}×{height}"
                )
            )

    def refresh_header(self) -> None:
        header = header_markup(self.config, self.machine, self.observer_cores, self.size.width)
        # A new figure of the same width repaints the header; anything else lays the screen out again.
        same_size = len(header) == len(self.header_text) and header.count("\n") == self.header_text.count("\n")
        self.header_text = header
        self.header_bar.update(header, layout=not same_size)

    # -- sampling ------------------------------------------------------------------------

    def frame(self) -> None:
        """One frame: a per-core reading, and each lane's samples and tasks folded in since the last;
        once a second, paraviz's own CPU in the header."""
        self.sample_cpu()
        self.paint_lanes()
        if self.own_cpu.elapsed_s() >= OBSERVER_WINDOW_S:
            self.observer_cores = self.own_cpu.take()
            self.refresh_header()

    def sample_cpu(self) -> None:
        self.core_meter.snapshot = self.sampler.sample()

    def paint_lanes(self) -> None:
        if self.time_axis_moved:
            self.time_axis_moved = False
            self.fit_time_axis()
        for lane in self.lanes.values():
            lane.paint()

    # -- actions -------------------------------------------------------------------------

    def lane(self, mode: str) -> LanePanel:
        return self.lanes[mode]

    def reset_lanes(self, why: str) -> None:
        self.results.clear()
        for lane in self.lanes.values():
            lane.reset(why)
        self.show_explanation()

    def set_config(self, config: RunConfig) -> bool:
        """Adopt a new configuration; old figures no longer apply, so they are cleared."""
        if self.running:
            self.notify(_("A run is in progress: stop it with x first."), severity="warning")
            return False
        try:
            check_settings(config, self.worker_bound)  # pure: + and - stop here
            if system_inputs(config) != system_inputs(self.config):
                # Asks interpreters what they are: the answers were kept when they were first
                # asked, off the event loop (at start, in the options dialog, or by g).
                config = check_system(config)
                if "nogil" in config.modes:
                    self.checked_pythons.add(config.nogil_python)
        except ConfigError as exc:
            self.notify(str(exc), severity="error")
            return False
        self.config = config
        self.refresh_header()
        self.reset_lanes(_("not run with these settings"))
        return True

    def sweep_open(self) -> bool:
        """Whether the sweep view is up (its module loads with the first v, not before)."""
        module = sys.modules.get("paraviz.tui.screens.sweep")
        return module is not None and isinstance(self.screen, module.SweepScreen)

    def action_workers(self, delta: int) -> None:
        self.set_config(replace(self.config, workers=self.config.workers + delta))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette: paraviz's commands (DialogActions), then Textual's own."""
        yield from self.palette_commands()
        yield from super().get_system_commands(screen)

    def own_bindings(self) -> list[Binding]:
        """This app's own bindings (not Textual's), translated, in the order the class lists them."""
        return [translated(b) for b in self.BINDINGS if isinstance(b, Binding)]

    def action_quit(self) -> None:  # type: ignore[override]
        from paraviz.core.measure.launch import stop_all_hosts

        self.stop_event.set()
        stop_all_hosts()
        self.exit(0)
        if not self.is_headless:  # a real terminal that cannot take the last frames: leave anyway
            fallback = threading.Timer(1.5, os._exit, args=(0,))
            fallback.daemon = True  # a normal exit does not wait for it
            fallback.start()


def hang_up(_signum: int, _frame: object) -> None:
    """The terminal is gone (an SSH drop): end every lane and leave; there is no screen to restore."""
    hosts = sys.modules.get("paraviz.core.measure.launch")  # loaded with the first run; no import in a handler
    if hosts is not None:
        hosts.kill_all_hosts_now()
    os._exit(129)


def make_app(
    config: RunConfig | None = None,
    refresh: float = REFRESH_S,
    cpu_source: CoreSource | None = None,
    machine: MachineInfo | None = None,
    big: bool = False,
    start_at_once: bool = False,
) -> ParavizApp:
    """The one factory for the console script, the tests and the screenshot script."""
    config = config or RunConfig()
    return ParavizApp(config, refresh, cpu_source, machine, big=big, start_at_once=start_at_once)


__all__ = ["ParavizApp", "make_app"]
