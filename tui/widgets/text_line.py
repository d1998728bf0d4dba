"""One line of text that repaints without a new layout."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TextLine(Widget):
    """One line of text that repaints without a new layout (``Static.update`` re-lays out the
    whole screen, which at the refresh rate cost more than everything else a run draws)."""

    DEFAULT_CSS = """
    TextLine { height: 1; width: 1fr; }
    """

    text: reactive[str | Text | Callable[[int], Text]] = reactive("", layout=False)
    """What the line shows, or what makes it for the line's width when drawn; longer text is cut
    with an ellipsis."""

    def __init__(self, text: str | Text = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.set_reactive(TextLine.text, text)

    def update(self, text: str | Text | Callable[[int], Text]) -> None:
        self.text = text

    def render(self) -> Text:
        shown = self.text(self.size.width) if callable(self.text) else self.text
        text = Text(shown) if isinstance(shown, str) else shown.copy()
        text.no_wrap, text.overflow = True, "ellipsis"
        return text
