"""One line of text that repaints without a new layout."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TextLine(Widget):
    """One line of text that repaints without a new layout (``Static.update`` re-lays out the
    whole screen, which at the refresh rate cost more than everything else a run draws)."""

    DEFAULT_CSS = """
    TextLine { height: 1; width: 1fr; }
    """

    text: reactive[str | Text] = reactive("", layout=False)
    """What the line shows; longer text is cut with an ellipsis."""

    def __init__(self, text: str | Text = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.set_reactive(TextLine.text, text)

    def update(self, text: str | Text) -> None:
        self.text = text

    def render(self) -> Text:
        text = Text(self.text) if isinstance(self.text, str) else self.text.copy()
        text.no_wrap, text.overflow = True, "ellipsis"
        return text
