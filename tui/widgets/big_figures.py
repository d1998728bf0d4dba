"""Projector mode's large digits."""

from __future__ import annotations

from paraviz.core.model.figures import MODES
from paraviz.tui.widgets.lane_colours import dom_name, lane_mark
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static


class BigFigures(Horizontal):
    """Projector mode: one large figure per lane (Textual's Digits), titled by the lane.

    Its cells are made at start only in projector mode (--big), else the first time z is pressed."""

    def __init__(self, eager: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.eager = eager
        self.cells: dict[str, tuple[Static, Digits]] = {}

    def make_cells(self) -> list[Vertical]:
        """The cells, once; the containers to mount (none when they exist already)."""
        if self.cells:
            return []
        self.cells = {mode: (Static("", classes="big-title"), Digits("", classes="big-digits")) for mode in MODES}
        return [
            Vertical(title, digits, classes="big-figure", id=f"big-{dom_name(mode)}")
            for mode, (title, digits) in self.cells.items()
        ]

    def compose(self) -> ComposeResult:
        if self.eager:
            yield from self.make_cells()

    async def ensure_cells(self) -> None:
        cells = self.make_cells()
        if cells:
            await self.mount_all(cells)

    def show(self, figures: dict[str, tuple[str, str]]) -> None:
        """``{mode: (title, text)}``; lanes not given are hidden. Digits draw 0-9 . x and a few more."""
        for mode, (title, digits) in self.cells.items():
            shown = mode in figures
            title.parent.display = shown  # type: ignore[union-attr]
            if shown:
                caption, text = figures[mode]
                title.update(f"{lane_mark(mode)} [b]{caption}[/b]")
                digits.update(text)
