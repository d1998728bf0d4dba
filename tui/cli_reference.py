"""The CLI reference page (docs/cli.md), written from the parser itself so that it cannot drift:

    python -m paraviz.tui.cli_reference > docs/cli.md

A test compares the page with this output."""

from __future__ import annotations

import os
from unittest import mock

from paraviz.core.i18n import set_language
from paraviz.tui.cli import build_parser
from paraviz.tui.headless import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

COMMANDS = ("run", "sweep", "watch", "attach", "lecture", "serve", "workloads")
#: The page is the same on every machine and Python: help wrapped at this width, defaults for 2
#: cores and for a Python that starts pools with fork (3.13 and older on Linux).
WIDTH = 100
CORES = 2
START_METHOD = "fork"


def help_text(command: str | None) -> str:
    with (
        mock.patch.dict(os.environ, {"COLUMNS": str(WIDTH)}),
        mock.patch("os.cpu_count", return_value=CORES),
        mock.patch("paraviz.tui.cli.default_start_method", return_value=START_METHOD),
    ):
        parser = build_parser()
        if command is None:
            return parser.format_help()
        return parser._subparsers._group_actions[0].choices[command].format_help()  # type: ignore[union-attr]


def reference() -> str:
    set_language("en")
    parts = [
        "# Command-line reference\n",
        "Written from the parser by `python -m paraviz.tui.cli_reference > docs/cli.md`; a test fails when the two",
        "differ. Defaults that depend on the machine are shown for 2 cores and a Python that starts",
        "pools with fork (3.14 starts them with forkserver on Linux). `--lang es` gives the same help in Spanish.\n",
        "## paraviz\n",
        f"```text\n{help_text(None).rstrip()}\n```\n",
    ]
    for command in COMMANDS:
        parts += [f"## paraviz {command}\n", f"```text\n{help_text(command).rstrip()}\n```\n"]
    parts += ["## Keys\n", *key_tables(), "## Exit codes\n", exit_codes()]
    return "\n".join(parts)


def key_tables() -> list[str]:
    """The app's keys and the lecture's, from their bindings (as the help screen shows them)."""
    from paraviz.tui.keys import APP_BINDINGS, help_rows
    from paraviz.tui.lecture import LectureApp

    tables = []
    for title, bindings in (
        ("The app (`paraviz`, `watch`, `attach`)", APP_BINDINGS),
        ("The lecture", LectureApp.BINDINGS),
    ):
        rows = "\n".join(f"| `{key}` | {what} |" for key, what in help_rows(list(bindings)))
        tables.append(f"{title}:\n\n| key | does |\n|---|---|\n{rows}\n")
    return tables


def exit_codes() -> str:
    return (
        f"`{EXIT_OK}` done; `{EXIT_FAILED}` a lane failed (every lane is still reported); `{EXIT_USAGE}` bad "
        f"arguments (one line on stderr, no traceback); `{EXIT_INTERRUPTED}` interrupted (Ctrl+C, SIGTERM, "
        "SIGHUP: lanes not finished are reported as stopped).\n"
    )


if __name__ == "__main__":
    print(reference(), end="")
