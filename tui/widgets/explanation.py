"""What the figures say: a block of sentences that lays the screen out again only when its height changes."""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Static


class Explanation(Static):
    """``Static.update`` lays out the whole screen (20 ms on 2 vCPUs, at each lane's end); a new
    text of the same wrapped height only needs a repaint."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.text = ""

    def say(self, text: str) -> None:
        if text == self.text:
            return
        before = self.wrapped_height()
        self.text = text
        self.update(text, layout=False)
        if self.wrapped_height() != before:
            self.refresh(layout=True)

    def wrapped_height(self) -> int | None:
        """Lines the text takes at the block's width (None before the first layout)."""
        width = self.content_size.width
        if not width:
            return None
        screen = Size(width, self.app.size.height)
        return self.get_content_height(screen, screen, width)
