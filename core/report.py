"""Turn a run or sweep report into JSON, CSV (pandas) or a readable table (rich); export both."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from paraviz.core.config import CALL_ITEM, RunConfig
from paraviz.core.figures import RUN_FIELDS, SPREAD_FIELDS, RunResult
from paraviz.core.runner import RunReport
from paraviz.core.sweep import AmdahlFit, SweepReport


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def with_spread(result: RunResult, name: str, pattern: str, unit: str = "") -> str:
    """``1.98x (1.91-2.03)``: the median, and the range over the rounds when there are several."""
    value = getattr(result, name)
    if value is None:
        return "–"
    text = format(value, pattern) + unit
    spread = result.spread(name)
    if spread is not None:
        text += f" ({format(spread[0], pattern)}-{format(spread[1], pattern)})"
    return text


def arguments_text(config: RunConfig, size: int) -> str:
    """What each task receives, and how: ``f(item) · items 0..9``, ``sizes 10,20``, ``size 1,000``."""
    call = "f(item)" if config.call == CALL_ITEM else "task(index, size)"
    if config.items is not None:
        items = config.items
        shown = f"{items.start}..{items.stop - 1}" if isinstance(items, range) else ",".join(map(str, items[:8]))
        more = "…" if isinstance(items, tuple) and len(items) > 8 else ""
        return f"{call} · items {shown}{more}"
    sizes = f"sizes {','.join(map(str, config.sizes))}" if config.sizes else f"size {size:,}"
    return f"{call} · {sizes}" if config.workload.is_custom else sizes


def lane_label(result: RunResult) -> str:
    """``processes fork c125000``: the mode, and for processes how workers start and get tasks."""
    if result.mode != "processes":
        return result.mode
    if result.engine == "joblib":
        return "processes loky"
    if result.engine == "raw":
        return f"processes {result.start_method} 1/task"
    return f"processes {result.start_method} c{result.chunksize}"


def to_table(report: RunReport) -> Any:
    """A rich Table of the figures, one row per lane."""
    from rich import box
    from rich.table import Table

    c = report.config
    m = report.machine
    what = f"{c.seconds:g} s per lane" if c.timed else f"{c.task_count} tasks"
    rounds = f" · medians of {c.repeat} rounds (min-max)" if c.repeat > 1 else ""
    table = Table(
        title=f"{c.workload.name} · {what} · {arguments_text(c, report.size)} · engine {c.engine}{rounds}",
        caption=f"{m.logical_cores} logical cores · Python {m.python} · GIL {'on' if m.gil_enabled else 'off'}"
        " · others: cores used by other programs · --format json has every round",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    headers = ["lane", "workers", "wall s", "start s", "cores", "speedup", "effic."]  # CPU s: in JSON/CSV
    headers += ["tasks/s"] if c.timed else []
    for header in [*headers, "others", "thr/proc", "status"]:
        justify = "left" if header in ("lane", "status") else "right"
        table.add_column(header, justify=justify, no_wrap=True, min_width=len(header))
    for r in report.results:
        row = [
            lane_label(r),
            str(r.workers),
            f"{r.wall_s:.3f}",
            f"{r.startup_s:.3f}",
            f"{r.effective_cores:.2f}",
            with_spread(r, "speedup", ".2f", "×"),
            _fmt(r.efficiency, ".0%"),
        ]
        row += [f"{r.throughput_per_s:,.1f}"] if c.timed else []
        table.add_row(*row, f"{r.background_cores:.2f}", f"{r.peak_threads}/{r.peak_processes}", r.status)
    return table


def spread_columns(run: dict[str, Any]) -> dict[str, Any]:
    """``<figure>_min`` and ``<figure>_max`` over a run's rounds, for each figure that varies."""
    columns = {}
    for name in SPREAD_FIELDS:
        values = [r[name] for r in run.get("rounds", ()) if r[name] is not None]
        columns[f"{name}_min"] = min(values) if values else None
        columns[f"{name}_max"] = max(values) if values else None
    return columns


CSV_COLUMNS = ["workload", "tasks", "size", *RUN_FIELDS, *(f"{n}_{e}" for n in SPREAD_FIELDS for e in ("min", "max"))]


def rows_of(report: RunReport | SweepReport) -> list[dict[str, Any]]:
    """One flat row per run: the workload's name, tasks and size, the run fields, their spread."""
    data = report.to_dict()
    w = data["workload"]
    return [
        {"workload": w["name"], "tasks": w["tasks"], "size": w["size"], **run, **spread_columns(run)}
        for run in data["runs"]
    ]


def table_of(report: RunReport | SweepReport) -> Any:
    return sweep_table(report) if isinstance(report, SweepReport) else to_table(report)


def csv_of(report: RunReport | SweepReport) -> str:
    import pandas as pd

    frame = pd.DataFrame(rows_of(report), columns=CSV_COLUMNS)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


def json_of(report: RunReport | SweepReport) -> str:
    return json.dumps(report.to_dict(), indent=2)


class ExportError(OSError):
    """An export that would overwrite a file, or could not be written (one line)."""


def export(report: RunReport | SweepReport, path: str | Path) -> tuple[Path, Path]:
    """Write ``<path>.csv`` and ``<path>.json``; refuse to overwrite either."""
    base = Path(path).expanduser()
    if base.suffix in (".csv", ".json"):
        base = base.with_suffix("")
    targets = (base.with_suffix(".csv"), base.with_suffix(".json"))
    existing = [str(t) for t in targets if t.exists()]
    if existing:
        raise ExportError(f"{', '.join(existing)} already exists; choose another name")
    try:
        targets[0].write_text(csv_of(report))
        targets[1].write_text(json_of(report))
    except OSError as exc:
        raise ExportError(f"cannot write {base}: {exc.strerror or exc}") from None
    return targets


def sweep_table(sweep: SweepReport) -> Any:
    from rich.table import Table

    table = Table(title=f"{sweep.config.workload.name} sweep · baseline {sweep.baseline.wall_s:.3f} s sequential")
    for header in ("mode", "workers", "wall s", "cores", "speedup", "effic.", "status"):
        table.add_column(header, justify="left" if header in ("mode", "status") else "right")
    for p in sweep.points:
        table.add_row(*sweep_row(p), p.status)
    notes = [fit_line(mode, fit) for mode, fit in sweep.fits.items()]
    table.caption = "\n".join(notes)
    return table


def sweep_row(p: RunResult) -> tuple[str, ...]:
    """One sweep point as the CLI table and the app's table show it."""
    return (
        p.mode,
        str(p.workers),
        f"{p.wall_s:.3f}",
        f"{p.effective_cores:.2f}",
        with_spread(p, "speedup", ".2f", "×"),
        _fmt(p.efficiency, ".0%"),
    )


def fit_line(mode: str, fit: AmdahlFit) -> str:
    ceiling = "unbounded" if fit.max_speedup == float("inf") else f"{fit.max_speedup:.1f}×"
    line = f"{mode}: serial fraction {fit.serial_fraction:.2f}, max speedup {ceiling}"
    if fit.serial_fraction < 0.95:  # R² of a flat line says nothing useful
        line += f", R² {fit.r2:.2f}"
    return line + (f" — {fit.note}" if fit.note else "")
