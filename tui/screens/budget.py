"""Where the time went: a row per factor, a column per lane, each cell a bar and its share; each
lane's smallest factor (its biggest loss) marked. The table is computed in core/teach."""

from __future__ import annotations

from paraviz.core.i18n import N_, _, num
from paraviz.core.model.figures import RunResult
from paraviz.core.teach.explain_budget import factor_rows
from paraviz.tui.screens.dialogs import Dialog
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

#: Eighths of a cell, for bars finer than one character.
EIGHTHS = " ▏▎▍▌▋▊▉"
#: The marker of a lane's biggest loss: readable without colour (NO_COLOR).
SMALLEST_MARK = "◀"


def bar(value: float, width: int) -> str:
    """A share of 1 as a bar ``width`` cells long (values above 1 fill it)."""
    eighths = round(max(0.0, min(1.0, value)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


def budget_table(lanes: list[RunResult], width: int) -> Text:
    """The table laid out for ``width`` columns; a line that says why where no lane has factors."""
    titles, rows = factor_rows(lanes)
    if not titles:
        return Text(_("No lane has factors yet: run the sequential lane and another (r)."), style="dim")
    label_w = max(len(name) for name, _cells in rows) + 1
    cell_w = max(9, (width - label_w) // len(titles))
    bar_w = max(1, cell_w - 8)  # " 100 %◀" after the bar (Spanish puts a space before the %)
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(" " * label_w)
    for title in titles:
        text.append(title[: cell_w - 1].ljust(cell_w), style="bold")
    for name, cells in rows:
        text.append("\n" + name.ljust(label_w), style="bold" if name == _("efficiency") else "dim")
        for value, smallest in cells:
            if value is None:
                text.append("—".ljust(cell_w), style="dim")
                continue
            style = "bold reverse" if smallest else ""
            text.append(bar(value, bar_w), style="red" if smallest else "green" if value >= 0.9 else "yellow")
            text.append(f"{num(value, '.0%'):>6}", style=style)
            text.append((SMALLEST_MARK if smallest else " ").ljust(cell_w - bar_w - 6))
    return text


class BudgetScreen(Dialog[None]):
    """Where each lane's time went, as POP's factors (core/model/budget.py)."""

    BINDINGS = [Binding("escape,f,q", "dismiss", N_("close"))]

    def __init__(self, lanes: list[RunResult]) -> None:
        super().__init__()
        self.lanes = lanes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog--budget"):
            yield Static(_("[b]Where the time went[/b]"), classes="title")
            yield Static(id="budget-table")
            yield Static(
                _(
                    "[dim]Each lane's efficiency is the product of its factors; 100% where a cause cost "
                    "nothing; ◀ its biggest loss. Esc closes.[/dim]"
                )
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.show_table()

    def on_resize(self) -> None:
        self.show_table()

    def show_table(self) -> None:
        table = self.query_one("#budget-table", Static)
        # the dialog is 92 columns wide at most (app.tcss), less its border and padding
        table.update(budget_table(self.lanes, max(40, min(92, self.size.width or 80) - 6)))
