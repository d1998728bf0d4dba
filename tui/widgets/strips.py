"""Lines for Textual's line API (``render_line`` → ``Strip``), built from cells and styles.

The charts keep what they drew as cells and turn a changed row into one Strip; a Strip is a list
of Rich segments, so no Text is laid out and no markup is parsed at the refresh rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget


class Line:
    """One line of segments; neighbouring cells of one style become one segment."""

    __slots__ = ("length", "segments")

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.length = 0

    def add(self, text: str, style: Style) -> Line:
        if text:
            self.segments.append(Segment(text, style))
            self.length += len(text)
        return self

    def add_runs(self, cells: Sequence[str], style_of: Callable[[str], Style]) -> Line:
        """Cells whose style follows from the cell itself (a block in the lane's colour, a dim tick)."""
        start = 0
        for i in range(1, len(cells) + 1):
            if i == len(cells) or style_of(cells[i]) is not style_of(cells[start]):
                self.add("".join(cells[start:i]), style_of(cells[start]))
                start = i
        return self

    def add_styled(self, cells: Sequence[str], styles: Sequence[Style]) -> Line:
        """Cells with a style each (a load colour per reading)."""
        start = 0
        for i in range(1, len(cells) + 1):
            if i == len(cells) or styles[i] != styles[start]:
                self.add("".join(cells[start:i]), styles[start])
                start = i
        return self

    def strip(self, width: int, base: Style) -> Strip:
        """Exactly ``width`` cells: longer lines are cut (as the charts' Text was, overflow crop)."""
        return Strip(self.segments, self.length).crop_extend(0, width, base)


class Palette:
    """Rich styles resolved once for a widget's base style and theme, not once a frame or a cell.

    ``resolve`` maps a name (a component class, or a style such as ``dim``) to the style a segment
    gets: the widget's own colours under it, as Textual gives a rendered Text."""

    def __init__(self) -> None:
        self.key: object = None
        self.styles: dict[str, Style] = {}
        self.base = Style()

    def refresh(self, key: object, base: Style, named: Iterable[tuple[str, Style]]) -> None:
        """Resolve every name again, for ``key`` (the theme they were resolved under)."""
        self.key, self.base = key, base
        self.styles = {name: base + style for name, style in named}
        self.styles[""] = base

    def __getitem__(self, name: str) -> Style:
        style = self.styles.get(name)
        if style is None:
            style = self.styles[name] = self.base + Style.parse(name)
        return style


class KeptLines(Widget):
    """A widget that keeps the strips it drew: ``paint`` (the subclass's) makes them once a frame,
    ``render_line`` only hands them out (and paints again after a resize)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.palette = Palette()
        self.lines: list[Strip] = []

    def paint(self) -> None:
        raise NotImplementedError

    def resolve_palette(self) -> Style:
        """The widget's base style, with its component classes resolved: again only after a
        change of theme or of the widget's styles (``rich_style`` walks every ancestor)."""
        if self.palette.key != self.app.theme:
            base = self.rich_style
            named = [(name, self.get_component_rich_style(name, partial=True)) for name in self.COMPONENT_CLASSES]
            self.palette.refresh(self.app.theme, base, named)
        return self.palette.base

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.palette.key = None  # a theme or CSS change: resolve the colours again

    def on_resize(self) -> None:
        self.paint()  # the lines are kept for one size

    def render_line(self, y: int) -> Strip:
        if y < len(self.lines):
            return self.lines[y]
        return Strip.blank(self.content_size.width, self.rich_style)

    def plain_text(self) -> str:
        """What the widget shows now, as text (tests)."""
        self.paint()
        return "\n".join(strip.text.rstrip() for strip in self.lines)
