"""Turn a RunReport into JSON, CSV (pandas) or a readable table (rich)."""

from __future__ import annotations

import io
import json
from typing import Any

from paraviz.core.figures import RUN_FIELDS
from paraviz.core.runner import RunReport


def to_json(report: RunReport) -> str:
    return json.dumps(report.to_dict(), indent=2)


def to_rows(report: RunReport) -> list[dict[str, Any]]:
    """One flat row per run: the run fields plus the workload's name, tasks and size."""
    workload = report.to_dict()["workload"]
    return [
        {"workload": workload["name"], "tasks": workload["tasks"], "size": workload["size"], **run}
        for run in report.to_dict()["runs"]
    ]


def to_csv(report: RunReport) -> str:
    import pandas as pd

    frame = pd.DataFrame(to_rows(report), columns=["workload", "tasks", "size", *RUN_FIELDS])
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def to_table(report: RunReport) -> Any:
    """A rich Table of the figures, one row per lane."""
    from rich.table import Table

    c = report.config
    m = report.machine
    what = f"{c.seconds:g} s per lane" if c.timed else f"{c.task_count} tasks"
    sizes = f"sizes {','.join(map(str, c.sizes))}" if c.sizes else f"size {report.size:,}"
    table = Table(
        title=f"{c.workload.name} · {what} · {sizes}",
        caption=f"{m.logical_cores} logical cores · Python {m.python} · GIL {'on' if m.gil_enabled else 'off'}",
    )
    for header in ("lane", "workers", "wall s", "start s", "CPU s", "cores", "speedup", "effic.", "tasks/s"):
        table.add_column(header, justify="left" if header == "lane" else "right")
    table.add_column("thr/proc", justify="right")
    table.add_column("RSS MiB", justify="right")
    table.add_column("status")
    for r in report.results:
        lane = r.mode + (f" {r.start_method} c{r.chunksize}" if r.mode == "processes" else "")
        table.add_row(
            lane,
            str(r.workers),
            f"{r.wall_s:.3f}",
            f"{r.startup_s:.3f}",
            f"{r.cpu_s:.2f}",
            f"{r.effective_cores:.2f}",
            _fmt(r.speedup, ".2f") + ("×" if r.speedup is not None else ""),
            _fmt(r.efficiency, ".0%"),
            f"{r.throughput_per_s:,.1f}",
            f"{r.peak_threads}/{r.peak_processes}",
            f"{r.peak_rss_bytes / 2**20:.0f}",
            r.status,
        )
    return table
