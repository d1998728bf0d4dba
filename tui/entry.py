"""The ``paraviz`` command's first step. paraviz reads Linux's /proc (threads' states, children,
pidfds, CPU clocks): on another platform it says so in one line and exits 2, before importing
anything that would fail there somewhere inside."""

from __future__ import annotations

import sys

#: The exit code of a usage error: the command cannot run as asked here.
EXIT_NOT_HERE = 2


def entry() -> None:
    if not sys.platform.startswith("linux"):
        from paraviz.core.i18n import _, set_language

        set_language()  # the environment's language: the arguments are not parsed yet
        sys.stderr.write(
            _(
                "paraviz needs Linux (it reads /proc), and this is {platform}: run it on a Linux machine over "
                "SSH, in a Linux VM or in a container (docker run -it python:3.12 bash)"
            ).format(platform=sys.platform)
            + "\n"
        )
        raise SystemExit(EXIT_NOT_HERE)
    from paraviz.tui.cli import entry as command

    command()
