"""The cells charts are drawn with: eighth blocks for levels, a tick for reference lines."""

from __future__ import annotations

LEVELS = " ▁▂▃▄▅▆▇█"
REFERENCE = "▔"  # drawn on the top edge of the row just under a reference level
#: One cell per reading in the heat strip and the remote workers' strips.
SPARK = "▁▂▃▄▅▆▇█"


def level_char(fraction: float) -> str:
    return LEVELS[max(0, min(8, round(fraction * 8)))]
