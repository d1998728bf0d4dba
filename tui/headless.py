"""Without the app: the figures printed as a table, JSON or CSV, and the exit code that says how it went."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from paraviz.core.i18n import _, num
from paraviz.core.model.figures import mode_name
from paraviz.core.model.results import RunReport
from paraviz.core.model.workloads import WORKLOADS, WorkloadError

if TYPE_CHECKING:
    from paraviz.core.measure.sweep import SweepReport

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def print_workloads() -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=_("Workloads"))
    for header in (_("name"), _("kind"), _("tasks"), _("size"), _("lesson")):
        table.add_column(header)
    for w in WORKLOADS.values():
        size = f"{num(w.default_size, ',')} ({_(w.size_unit)})"
        table.add_row(w.name, _(w.kind), num(w.default_tasks, ","), size, _(w.lesson))
    table.caption = _(
        "Your own: --workload package.module:function or path/to/notebook.py:function, a top-level "
        "f(item) (with --items or --sizes) or task(index, size)."
    )
    Console().print(table)


def headless(measure: Callable[[threading.Event], RunReport | SweepReport], output_format: str) -> int:
    """Run ``measure`` with Ctrl+C, SIGTERM and SIGHUP stopping it, print the report, pick the exit code."""
    from paraviz.core.measure.runner import RunError
    from paraviz.core.teach import export as reports

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())
    try:
        result = measure(stop)
    except (WorkloadError, RunError) as exc:
        if stop.is_set():
            return EXIT_INTERRUPTED
        print(f"paraviz: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, WorkloadError) else EXIT_FAILED
    if output_format == "json":
        print(reports.json_of(result))
    elif output_format == "csv":
        print(reports.csv_of(result), end="")
    else:
        from rich.console import Console

        console = Console()
        if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
            console = Console(width=120)
        console.print(reports.table_of(result))
        for line in reports.explanation_of(result):
            console.print(line, highlight=False)
    if stop.is_set():
        print(_("paraviz: interrupted; lanes that had not finished are marked stopped"), file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.failed:
        failures = "; ".join(f"{mode_name(r.mode)}: {r.error}" for r in result.failed)
        print(_("paraviz: lane failed: {failures}").format(failures=failures), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
