"""The keys that open a dialog or a view over the lanes: workload, options, engine, sweep, export, help,
and the command palette that offers the same actions."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from paraviz.core.host.engines import ENGINES, engine_spec
from paraviz.core.i18n import _
from paraviz.core.measure.options import with_options
from paraviz.core.model.config import ConfigError
from paraviz.core.model.figures import mode_title
from paraviz.core.model.workloads import WorkloadError
from paraviz.tui.keys import help_rows, key_label
from textual import work
from textual.app import SystemCommand

if TYPE_CHECKING:
    from paraviz.tui.app_parts import AppParts
    from paraviz.tui.screens.dialogs import OptionValues


def served() -> bool:
    """Whether this app runs for a browser (textual-serve's driver), not in a terminal: a lesson, not a
    shell: no interpreter path to type, and exports go to the browser, not to a path on the server."""
    return os.environ.get("TEXTUAL_DRIVER", "").endswith("WebDriver")


class DialogActions:
    """ParavizApp's dialog keys; each dialog's module loads with its first use."""

    def action_choose_workload(self: AppParts) -> None:
        def chosen(name: str | None) -> None:
            if name and name != self.config.workload.name:
                self.set_config(self.config.with_workload(name))

        from paraviz.tui.screens.dialogs import WorkloadScreen

        self.push_screen(WorkloadScreen(self.config.workload.name), chosen)

    def action_options(self: AppParts) -> None:
        def chosen(values: OptionValues | None) -> None:
            if values is not None:
                self.check_options(values)

        from paraviz.tui.screens.dialogs import OptionsScreen

        self.push_screen(OptionsScreen(self.config, served=served()), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="options")
    def check_options(self: AppParts, values: OptionValues) -> None:
        """The settings typed in the dialog, checked off the event loop: a --python is asked what it
        is (a process, up to 20 s) and a scheduler is connected to; their answers are kept (the
        interpreter's for the session), so later checks of the same settings touch nothing."""
        try:
            config = with_options(self.config, **values.__dict__)
        except (ConfigError, WorkloadError) as exc:
            self.call_from_thread(self.notify, _("{error}; settings unchanged").format(error=exc), severity="error")
            return
        if config != self.config:
            self.call_from_thread(self.set_config, config)

    def action_engine(self: AppParts, name: str) -> None:
        if name != self.config.engine:
            self.set_config(replace(self.config, engine=name))
            self.notify(_("Engine: {name} ({what})").format(name=name, what=_(engine_spec(name).what)))

    def action_sweep(self: AppParts) -> None:
        from paraviz.tui.screens.sweep import SweepScreen  # plotext loads with the first sweep

        if isinstance(self.screen, SweepScreen):
            return
        if self.running:
            self.notify(_("A run is in progress: stop it with x first."), severity="warning")
            return
        if self.config.commands or self.config.attach:  # a user's own code has no worker count to vary
            self.notify(_("The sweep varies paraviz's own lanes' workers; it has nothing to vary here."))
            return
        self.push_screen(SweepScreen(self.config, self.sweep_counts))

    def action_export(self: AppParts) -> None:
        report = self.last_report
        if report is None:
            self.notify(_("Nothing to export yet: run (r) or sweep (v) first."), severity="warning")
            return
        if served():  # in a browser: the files go to the browser as downloads, never to a path on the server
            from paraviz.core.teach.export import csv_of, json_of

            stem = f"paraviz-{report.config.workload.name}"
            self.deliver_text(io.StringIO(csv_of(report)), save_filename=f"{stem}.csv", mime_type="text/csv")
            self.deliver_text(io.StringIO(json_of(report)), save_filename=f"{stem}.json", mime_type="application/json")
            self.notify(_("Sent {csv} and {json} to your browser").format(csv=f"{stem}.csv", json=f"{stem}.json"))
            return

        def chosen(path: str | None) -> None:
            if not path:
                return
            from paraviz.core.teach.export import ExportError, export

            try:
                csv_path, json_path = export(report, path)
            except ExportError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(_("Wrote {csv} and {json}").format(csv=csv_path, json=json_path))

        from paraviz.tui.screens.dialogs import ExportScreen

        self.push_screen(ExportScreen(), chosen)

    async def action_big(self: AppParts) -> None:
        """Projector mode: the key figures in large digits, the per-core panel and lane tables hidden."""
        self.big = not self.big
        if self.big:
            await self.big_figures.ensure_cells()
        self.default_screen.set_class(self.big, "-big")
        self.show_big_figures()

    def big_figure_texts(self: AppParts) -> dict[str, tuple[str, str]]:
        """Each finished lane's speedup (the sequential lane's wall time), as Digits can draw it."""
        shown = {}
        for mode, result in self.results.items():
            if result.ok and mode != "sequential" and result.speedup is not None:
                shown[mode] = (mode_title(mode), f"{result.speedup:.2f}x")
            elif result.ok:
                shown[mode] = (mode_title(mode) + " · " + _("wall s"), f"{result.wall_s:.2f}")
        return shown

    def show_big_figures(self: AppParts) -> None:
        if self.big:
            self.big_figures.show(self.big_figure_texts())

    def action_budget(self: AppParts) -> None:
        from paraviz.tui.screens.budget import BudgetScreen

        self.push_screen(BudgetScreen(list(self.results.values())))

    def action_help(self: AppParts) -> None:
        from paraviz.tui.screens.dialogs import HelpScreen

        self.push_screen(HelpScreen(help_rows(self.own_bindings())))

    def palette_commands(self: AppParts) -> Iterable[SystemCommand]:
        """The palette's own commands: every key's action from the bindings, then one per engine."""
        for binding in self.own_bindings():
            if binding.tooltip and binding.key != "ctrl+c":
                title = binding.tooltip.split(":")[0]
                yield SystemCommand(
                    title[:1].upper() + title[1:],
                    f"{binding.tooltip} ({key_label(binding)})",
                    lambda action=binding.action: self.call_later(self.run_action, action),
                )
        for name in ENGINES:
            what = _(engine_spec(name).what)
            yield SystemCommand(_("Engine: {name}").format(name=name), what, lambda n=name: self.action_engine(n))
