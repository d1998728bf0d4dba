"""The cells charts are drawn with: eighth blocks for levels, a tick for reference lines."""

from __future__ import annotations

from paraviz.core.i18n import _

LEVELS = " ▁▂▃▄▅▆▇█"
REFERENCE = "▔"  # drawn on the top edge of the row just under a reference level
#: One cell per reading in the heat strip and the remote workers' strips.
SPARK = "▁▂▃▄▅▆▇█"


def level_char(fraction: float) -> str:
    return LEVELS[max(0, min(8, round(fraction * 8)))]


#: A worker row's cell by the thread's state (core/measure/threads.py letters): running keeps the
#: lane's blocks; the waits get shapes that differ without colour (NO_COLOR) and colours that differ
#: at a glance: runnable with no core free, waiting for the GIL, on a lock or queue, sleeping or I/O.
STATE_GLYPHS = {"q": "▒", "g": "░", "w": "·", "i": "~"}
#: Each glyph's style name (a Rich style, resolved once by the chart's palette).
STATE_STYLES = {"▒": "yellow", "░": "bold red", "·": "dim", "~": "blue"}


def state_legend() -> str:
    """The worker rows' glyphs, named (Textual markup, for a border's subtitle)."""
    names = {"q": _("ready, no core"), "g": _("GIL wait"), "w": _("lock/queue"), "i": _("sleep/I/O")}
    parts = [_("█ running")]
    parts += [f"[{STATE_STYLES[glyph]}]{glyph}[/] {names[letter]}" for letter, glyph in STATE_GLYPHS.items()]
    return "  ".join(parts)
