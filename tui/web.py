"""``paraviz serve``: the app in a browser through textual-serve, with nothing fetched from outside.

textual-serve's page links a web font from Google; ours (templates/app_index.html) uses the
Roboto Mono files textual-serve bundles, so a class on a closed network gets the same page.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")


def app_command(language: str, options: list[str], lecture: bool = False, big: bool = False) -> str:
    """The command textual-serve runs for each browser connection: this Python, this paraviz."""
    words = [sys.executable, "-m", "paraviz.tui", "--lang", language]
    words += ["--big"] if big else []
    words += ["lecture"] if lecture else []
    return shlex.join(words + options)


def make_server(
    host: str, port: int, language: str, options: list[str], lecture: bool = False, big: bool = False
) -> Any:
    from textual_serve.server import Server

    return Server(
        app_command(language, options, lecture, big),
        host=host,
        port=port,
        title="paraviz",
        templates_path=TEMPLATES,
    )
