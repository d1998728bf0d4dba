"""The header line: the settings on the left, the machine and paraviz's own CPU on the right."""

from __future__ import annotations

from paraviz.core.i18n import _, ngettext, num
from paraviz.core.measure.interpreter import probe
from paraviz.core.model.config import RunConfig
from paraviz.core.model.machine import MachineInfo
from paraviz.core.teach.export import arguments_text, gil_text, tasks_text
from rich.markup import escape
from rich.text import Text


def header_markup(config: RunConfig, machine: MachineInfo, observer_cores: float | None, width: int) -> str:
    """Content markup for the header at ``width`` columns: one line from 120 columns where it fits."""
    c, m = config, machine
    what = _("{seconds} s per lane").format(seconds=num(c.seconds, "g")) if c.timed else tasks_text(c.task_count)
    if c.items is not None or c.sizes:
        size = arguments_text(c, c.resolved_size())
    else:
        size = (
            _("size: calibrate") if c.needs_calibration else _("size {size}").format(size=num(c.resolved_size(), ","))
        )
    if c.payload:
        size += _(" · {payload} MB sent/task").format(payload=num(c.payload, "g"))
    method = f"{c.engine} · {c.start_method}" + (
        _(" · chunk {chunksize}").format(chunksize=c.chunksize) if c.chunksize else ""
    )
    inner = _(" · {inner} inner thr").format(inner=c.inner_threads) if c.workload.uses_inner_threads else ""
    python, gil = m.python, gil_text(m.gil_enabled)
    if c.python:  # the lanes run under another Python: name it, as it answered when asked
        interpreter = probe(c.python)
        python, gil = (
            f"{interpreter.version}{'t' if interpreter.free_threaded else ''}",
            gil_text(interpreter.gil_enabled),
        )
    workers = _("{workers} workers").format(workers=c.workers)
    left = f"[b]paraviz[/b] ─ [b]{c.workload.name}[/b] · {what} · {size} · {workers} · {method}{inner}"
    if len(Text.from_markup(left).plain) > width - 2:  # a short terminal (80 columns, in Spanish): no wrap
        workers = _("{workers} wkr").format(workers=c.workers)
        left = f"[b]paraviz[/b] ─ [b]{c.workload.name}[/b] · {what} · {size} · {workers} · {method}{inner}"
    if c.attach:  # paraviz attach: what is followed, and for how long at most
        left = "[b]paraviz attach[/b] ─ " + _("following {names}").format(names=escape(", ".join(c.modes)))
        if c.time_limit_s:
            left += " · " + _("for {seconds} s at most").format(seconds=num(c.time_limit_s, "g"))
    elif c.commands:  # paraviz watch: the user's commands, and where their output goes
        count = ngettext("{count} command", "{count} commands", len(c.commands)).format(count=len(c.commands))
        left = "[b]paraviz watch[/b] ─ " + _("{commands} · output in {folder}").format(
            commands=count, folder=escape(c.output_dir or "?")
        )
    right = _("{cores} cores ({physical} physical) · Python {python} · {gil}").format(
        cores=m.logical_cores, physical=m.physical_cores, python=python, gil=gil
    )
    short = _("{cores} cores · {gil}").format(cores=m.logical_cores, gil=gil)
    sides = [right, short]
    if observer_cores is not None:  # paraviz's own CPU, shown whatever the room
        own = num(observer_cores)
        sides = [
            f"{right} · " + _("paraviz {cores} cores").format(cores=own),
            f"{short} · " + _("paraviz {cores} cores").format(cores=own),
            f"{short} · paraviz {own}",
        ]
    plain = len(Text.from_markup(left).plain)
    room = width - 2  # the header's padding (app.tcss: padding 0 1)
    # One line from 120 columns, in the first form that fits; else the full right side on a line
    # of its own (never a wrap in the middle of a figure).
    fitting = next((side for side in sides if plain + len(side) + 3 <= room), None)
    one_line = width >= 120 and fitting is not None
    right = fitting if one_line and fitting else sides[0]
    joiner = "   " if one_line else "\n"
    return f"{left}{joiner}[dim]{right}[/dim]"
