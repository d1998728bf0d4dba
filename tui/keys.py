"""Keys, help and palette from one source: each screen's ``BINDINGS``, in the language in use."""

from __future__ import annotations

from dataclasses import replace

from paraviz.core.i18n import N_, _
from textual.binding import Binding


def translated(binding: Binding) -> Binding:
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def key_label(binding: Binding) -> str:
    """``+`` for ``plus,equals_sign``, ``?`` for ``question_mark``: the key as the footer shows it."""
    if binding.key_display:
        return binding.key_display
    first = binding.key.split(",")[0]
    return {"question_mark": "?", "space": _("space"), "right": "→", "left": "←"}.get(first, first).replace(
        "ctrl+", "Ctrl+"
    )


def help_rows(bindings: list[Binding]) -> list[tuple[str, str]]:
    """(key, what it does) for every binding with a tooltip; keys of the same action share a row."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        if not binding.tooltip:
            continue
        keys, _tooltip = rows.setdefault(binding.action, ([], binding.tooltip))
        keys.append(key_label(binding))
    return [(" ".join(keys), tooltip) for keys, tooltip in rows.values()]


#: The app's keys; their tooltips are the help screen's and the palette's text.
APP_BINDINGS = [
    Binding("r", "run('all')", N_("run"), tooltip=N_("run every lane of these settings, one after another")),
    # One lane at a time: listed in help and the palette, left out of the footer for room.
    Binding("s", "run('sequential')", N_("seq"), show=False, tooltip=N_("run the sequential lane only")),
    Binding("t", "run('threads')", N_("thr"), show=False, tooltip=N_("run the threads lane only")),
    Binding("p", "run('processes')", N_("proc"), show=False, tooltip=N_("run the processes lane only")),
    Binding(
        "g",
        "run('nogil')",
        N_("no GIL"),
        show=False,
        tooltip=N_("run the threads lane on a free-threaded Python, without the GIL (--nogil-python, or python3.14t)"),
    ),
    Binding(
        "d",
        "run('dask')",
        "dask",
        show=False,
        tooltip=N_("run the dask lane: a LocalCluster of as many worker processes (or --scheduler's cluster)"),
    ),
    Binding(
        "a",
        "run('asyncio')",
        "asyncio",
        show=False,
        tooltip=N_("run the asyncio lane: every task a coroutine on one event loop, --workers of them in flight"),
    ),
    Binding(
        "h",
        "run('hybrid')",
        N_("hybrid"),
        show=False,
        tooltip=N_("run the hybrid lane: one event loop for the I/O, a pool of --workers processes for the computing"),
    ),
    Binding("x", "stop", N_("stop"), tooltip=N_("stop what runs (every process of the lane ends)")),
    Binding("plus,equals_sign", "workers(1)", N_("wkr"), key_display="+", tooltip=N_("one worker more")),
    Binding("minus", "workers(-1)", N_("wkr"), key_display="-", tooltip=N_("one worker fewer")),
    Binding("w", "choose_workload", N_("load"), tooltip=N_("choose the workload")),
    Binding(
        "o",
        "options",
        N_("opts"),
        tooltip=N_(
            "options: workers, tasks, size(s), seconds, items, engine, start method, chunksize, inner threads, "
            "payload, repeat, python"
        ),
    ),
    Binding(
        "v",
        "sweep",
        N_("sweep"),
        tooltip=N_("sweep view: threads and processes at 1, 2, 4 … 2×cores workers, Amdahl fit"),
    ),
    Binding(
        "f",
        "budget",
        N_("time"),
        show=False,
        tooltip=N_("where the time went: each lane's efficiency as a product of factors, its biggest loss marked"),
    ),
    Binding("z", "big", N_("zoom"), tooltip=N_("projector: the key figures in large digits, fewer panels")),
    Binding("e", "export", N_("export"), tooltip=N_("export the lanes on screen (or the sweep) to CSV and JSON")),
    Binding("question_mark", "help", N_("help"), key_display="?", tooltip=N_("this help")),
    Binding("q", "quit", N_("quit"), tooltip=N_("quit (stops any run first); Ctrl+C too")),
    Binding("ctrl+c", "quit", N_("quit"), show=False, priority=True),
]
