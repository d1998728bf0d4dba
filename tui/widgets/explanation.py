"""What the figures say: a block of sentences that lays the screen out again only when its height changes."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static


class Explanation(Static):
    """``Static.update`` lays out the whole screen (20 ms on 2 vCPUs, at each lane's end); a new
    text of the same wrapped height only needs a repaint. Sentences are plain text, never markup.

    When there are more lines than the block may have (a short terminal), the last one shown ends
    with "…": a sentence is never cut without a mark."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.text = ""

    def say(self, text: str) -> None:
        if text == self.text:
            return
        before = self.wrapped_height()
        self.text = text
        self.update(text, layout=False)
        if self.wrapped_height() != before:
            self.refresh(layout=True)

    def lines(self, width: int) -> list[Content]:
        return Content(self.text).wrap(width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))  # the whole text; max-height clips it, render marks the cut

    def render(self) -> Content:
        width, rows = self.content_size
        lines = self.lines(width) if width else []
        if len(lines) <= rows or not rows:
            return Content(self.text)
        last = lines[rows - 1].rstrip()
        if last.cell_length > width - 2:
            last = last.truncate(width - 2)
        return Content("\n").join([*lines[: rows - 1], last + " …"])

    def wrapped_height(self) -> int | None:
        """Lines the text takes at the block's width (None before the first layout)."""
        width = self.content_size.width
        if not width:
            return None
        screen = Size(width, self.app.size.height)
        return self.get_content_height(screen, screen, width)
