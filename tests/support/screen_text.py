"""What a screen shows, as lines of text, read from Textual's own SVG screenshot."""

from __future__ import annotations

import html
import re

from textual.app import App

TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def screen_lines(app: App) -> list[str]:
    """Every line drawn on the app's screen (modal screens included), spans joined left to right."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, content in TEXT.findall(app.export_screenshot()):
        text = html.unescape(re.sub(r"<[^>]+>", "", content)).replace("\u00a0", " ")
        rows.setdefault(float(y), []).append((float(x), text))
    return ["".join(t for _, t in sorted(spans)) for _, spans in sorted(rows.items())]
