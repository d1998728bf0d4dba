"""Turn a run or sweep report into JSON, CSV (pandas) or a readable table (rich); export both."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paraviz.core.host.engines import engine_spec
from paraviz.core.host.engines.spec import EngineSpec
from paraviz.core.i18n import _, ngettext, num
from paraviz.core.model.budget import FACTORS, PARTS, THREAD_STATES
from paraviz.core.model.config import RunConfig
from paraviz.core.model.diagnosis import IO_KINDS
from paraviz.core.model.figures import (
    MEASURABLE_WALL_S,
    RUN_FIELDS,
    SPREAD_FIELDS,
    RunResult,
    figure_text,
    mode_name,
    status_name,
)
from paraviz.core.model.results import RunReport
from paraviz.core.model.workloads import CALL_ITEM
from paraviz.core.teach.explain import explain_report
from paraviz.core.teach.explain_budget import biggest_loss, short_factor_name
from paraviz.core.teach.explain_diagnosis import diagnosis_sentence

if TYPE_CHECKING:  # the sweep imports the runner: not needed to print a table
    from paraviz.core.measure.sweep import AmdahlFit, SweepReport


def _fmt(value: float | None, pattern: str) -> str:
    return "—" if value is None else num(value, pattern)


def with_spread(result: RunResult, name: str, pattern: str, unit: str = "", between: str = " ") -> str:
    """``1.98x (1.91-2.03)``: the median, and the range over the rounds when there are several
    (``between`` a newline: the range under the median, where a table has no room beside it)."""
    value = getattr(result, name)
    if value is None:
        return "—"
    text = num(value, pattern) + unit + ("!" if name in result.over_bound else "")
    spread = result.spread(name)
    if spread is not None:
        text += f"{between}({num(spread[0], pattern)}-{num(spread[1], pattern)})"
    return text


def arguments_text(config: RunConfig, size: int) -> str:
    """What each task receives, and how: ``f(item) · items 0..9``, ``sizes 10,20``, ``size 1,000``."""
    call = "f(item)" if config.call == CALL_ITEM else "task(index, size)"
    if config.items is not None:
        items = config.items
        shown = f"{items.start}..{items.stop - 1}" if isinstance(items, range) else ",".join(map(str, items[:8]))
        more = "…" if isinstance(items, tuple) and len(items) > 8 else ""
        return _("{call} · items {items}").format(call=call, items=shown + more)
    sizes = (
        _("sizes {sizes}").format(sizes=",".join(map(str, config.sizes)))
        if config.sizes
        else _("size {size}").format(size=num(size, ","))
    )
    return f"{call} · {sizes}" if config.workload.is_custom else sizes


def tasks_text(count: int) -> str:
    """``1,000 tasks`` (``1.000 tareas``)."""
    return ngettext("{count} task", "{count} tasks", count).format(count=num(count, ","))


def lanes_python(report: RunReport) -> dict[str, str]:
    """The Python the lanes ran under, as their hosts reported it (--python), else this machine's."""
    host = next((r for r in report.results if r.python), None)
    if host is None or not report.config.python:
        return {"python": report.machine.python, "gil": gil_text(report.machine.gil_enabled)}
    return {"python": host.python, "gil": gil_text(bool(host.gil_enabled))}


def gil_text(enabled: bool) -> str:
    return _("GIL on") if enabled else _("GIL off")


def lane_label(result: RunResult) -> str:
    """``processes fork c125000``: the mode, and for processes how workers start and get tasks
    (in the engine's own form: ``processes loky``, ``processes fork 1/task``)."""
    if result.burst is not None:  # paraviz attach: the followed process, and which burst of work
        return f"{result.mode} #{result.burst}"
    if result.command is not None:  # a user's command: its lane's own name
        return result.mode
    name = mode_name(result.mode)
    if result.mode != "processes":
        return name
    label = engine_spec(result.engine).label if result.engine else EngineSpec.label
    return _(label).format(mode=name, start_method=result.start_method, chunksize=result.chunksize)


def to_table(report: RunReport) -> Any:
    """A rich Table of the figures, one row per lane."""
    from rich import box
    from rich.table import Table

    c = report.config
    m = report.machine
    what = _("{seconds} s per lane").format(seconds=num(c.seconds, "g")) if c.timed else tasks_text(c.task_count)
    rounds = _(" · medians of {repeat} rounds (min-max)").format(repeat=c.repeat) if c.repeat > 1 else ""
    title = _("{workload} · {what} · {arguments} · engine {engine}{rounds}").format(
        workload=c.workload.name, what=what, arguments=arguments_text(c, report.size), engine=c.engine, rounds=rounds
    )
    caption = _(
        "{cores} logical cores · Python {python} · {gil} · others/paraviz: cores used by other "
        "programs / by paraviz itself · --format json has every round"
    ).format(cores=m.logical_cores, **lanes_python(report))
    if c.attach:  # paraviz attach: one row per burst of work of the processes followed
        title = _("bursts of work of the processes followed, measured from outside")
        caption = _(
            "{cores} logical cores · a burst: above 0.15 cores until 1 s under · others/paraviz: cores used by "
            "other programs / by paraviz itself"
        ).format(cores=m.logical_cores)
    elif c.commands:  # paraviz watch: the commands, measured from outside; their output in files
        title = _("your commands, measured from outside{rounds}").format(rounds=rounds)
        caption = _(
            "{cores} logical cores · speedup against {first} · others/paraviz: cores used by other "
            "programs / by paraviz itself · each lane's output: {folder}"
        ).format(cores=m.logical_cores, first=c.commands[0][0], folder=c.output_dir)
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    headers = [_("lane"), _("workers"), _("wall s"), _("start s"), _("cores"), _("speedup"), _("effic.")]  # CPU s: JSON
    headers += [_("GIL")]
    headers += [_("tasks/s")] if c.timed else []
    headers += [_("others/paraviz"), _("thr/proc"), _("status")]
    for index, header in enumerate(headers):
        justify = "left" if index in (0, len(headers) - 1) else "right"
        # The speedup's range over the rounds goes under it where the line is full, not cut.
        table.add_column(header, justify=justify, no_wrap=True, min_width=len(header))
    for r in report.results:
        row = [
            lane_label(r),
            str(r.workers),
            num(r.wall_s, ".3f"),
            num(r.startup_s, ".3f"),
            figure_text(r, "effective_cores"),
            with_spread(r, "speedup", ".2f", "×", between="\n"),
            figure_text(r, "efficiency", ".0%"),
            figure_text(r, "gil_share", ".0%"),
        ]
        row += [num(r.throughput_per_s, ",.1f")] if c.timed else []
        table.add_row(
            *row,
            f"{num(r.background_cores, '.2f')}/{num(r.observer_cores, '.2f')}",
            f"{r.peak_threads}/{r.peak_processes}",
            status_name(r.status),
        )
    table.caption = "\n".join([caption, *figure_notes(report.results)])
    return table


def figure_notes(results: list[RunResult]) -> list[str]:
    """What "—" and "!" mean, where the table shows them."""
    notes = []
    if any(r.too_short for r in results):
        notes.append(
            _("— a lane under {bound} s is too short to measure its cores and speedup").format(
                bound=num(MEASURABLE_WALL_S, "g")
            )
        )
    if any(r.over_bound for r in results):
        notes.append(_("! over its physical bound: a measurement error, not an effect"))
    return notes


def spread_columns(run: dict[str, Any]) -> dict[str, Any]:
    """``<figure>_min`` and ``<figure>_max`` over a run's rounds, for each figure that varies."""
    columns = {}
    for name in SPREAD_FIELDS:
        values = [r[name] for r in run.get("rounds", ()) if r[name] is not None]
        columns[f"{name}_min"] = min(values) if values else None
        columns[f"{name}_max"] = max(values) if values else None
    return columns


#: JSON fields that are dicts or lists: CSV gives them a column per key instead (or leaves them out).
NESTED_FIELDS = (
    "thread_states",
    "io_detail",
    "diagnosis",
    "time_budget",
    "efficiency_factors",
    "worker_budgets",
    "rounds",
)

CSV_COLUMNS = [
    "workload",
    "tasks",
    "size",
    *(f for f in RUN_FIELDS if f not in NESTED_FIELDS),
    *(f"state_{state}" for state in THREAD_STATES),
    "diagnosis",
    *(f"io_{kind}" for kind in IO_KINDS),
    *(f"budget_{part}" for part in PARTS),
    *(f"factor_{factor}" for factor in FACTORS),
    *(f"{n}_{e}" for n in SPREAD_FIELDS for e in ("min", "max")),
]


def rows_of(report: RunReport | SweepReport) -> list[dict[str, Any]]:
    """One flat row per run: the workload's name, tasks and size, the run fields, their spread."""
    data = report.to_dict()
    w = data["workload"]
    return [
        {"workload": w["name"], "tasks": w["tasks"], "size": w["size"], **flat(run), **spread_columns(run)}
        for run in data["runs"]
    ]


def flat(run: dict[str, Any]) -> dict[str, Any]:
    """A run's JSON fields as CSV cells: thread_states as one column per state, lists joined."""
    states = run.get("thread_states") or {}
    budget, factors = run.get("time_budget") or {}, run.get("efficiency_factors") or {}
    cells = {k: v for k, v in run.items() if k not in NESTED_FIELDS}
    cells["over_bound"] = ";".join(run.get("over_bound") or ())
    cells["diagnosis"] = ";".join(d["kind"] for d in run.get("diagnosis") or ())
    io_kinds = run.get("io_detail") or {}
    return (
        cells
        | {f"state_{state}": states.get(state) for state in THREAD_STATES}
        | {f"io_{kind}": io_kinds.get(kind) for kind in IO_KINDS}
        | {f"budget_{part}": budget.get(part) for part in PARTS}
        | {f"factor_{factor}": factors.get(factor) for factor in FACTORS}
    )


def table_of(report: RunReport | SweepReport) -> Any:
    return to_table(report) if isinstance(report, RunReport) else sweep_table(report)


def csv_of(report: RunReport | SweepReport) -> str:
    import pandas as pd

    frame = pd.DataFrame(rows_of(report), columns=CSV_COLUMNS)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


def explanation_of(report: RunReport | SweepReport) -> list[str]:
    """The sentences printed under a run's table (a sweep's fits are its table's last lines)."""
    return explain_report(report) if isinstance(report, RunReport) else []


def json_of(report: RunReport | SweepReport) -> str:
    data = report.to_dict()
    if isinstance(report, RunReport):
        for run, result in zip(data["runs"], report.results, strict=True):
            for said, diagnosis in zip(run["diagnosis"], result.diagnosis, strict=True):
                said["sentence"] = diagnosis_sentence(result.mode, diagnosis)
        data["explanation"] = explain_report(report)
    return json.dumps(data, indent=2)


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
        raise ExportError(_("{paths} already exists; choose another name").format(paths=", ".join(existing)))
    try:
        targets[0].write_text(csv_of(report))
        targets[1].write_text(json_of(report))
    except OSError as exc:
        raise ExportError(_("cannot write {path}: {error}").format(path=base, error=exc.strerror or exc)) from None
    return targets


def sweep_table(sweep: SweepReport) -> Any:
    from rich.table import Table

    table = Table(
        title=_("{workload} sweep · baseline {wall} s sequential").format(
            workload=sweep.config.workload.name, wall=num(sweep.baseline.wall_s, ".3f")
        )
    )
    headers = (
        _("mode"),
        _("workers"),
        _("wall s"),
        _("cores"),
        _("speedup"),
        _("effic."),
        _("loss"),
        _("paraviz"),
        _("status"),
    )
    for index, header in enumerate(headers):
        table.add_column(header, justify="left" if index in (0, len(headers) - 1) else "right")
    for p in sweep.points:
        table.add_row(*sweep_row(p), num(p.observer_cores, ".2f"), status_name(p.status))
    notes = [fit_line(mode, fit) for mode, fit in sweep.fits.items()]
    table.caption = "\n".join(notes)
    return table


def sweep_row(p: RunResult) -> tuple[str, ...]:
    """One sweep point as the CLI table and the app's table show it."""
    return (
        mode_name(p.mode),
        str(p.workers),
        num(p.wall_s, ".3f"),
        figure_text(p, "effective_cores"),
        with_spread(p, "speedup", ".2f", "×"),
        figure_text(p, "efficiency", ".0%"),
        loss_cell(p),
    )


def loss_cell(p: RunResult) -> str:
    """The point's biggest loss as a factor ("GIL 83%"): which factor falls as workers grow."""
    loss = biggest_loss(p)
    return "—" if loss is None else f"{short_factor_name(loss[0])} {num(loss[1], '.0%')}"


def fit_line(mode: str, fit: AmdahlFit) -> str:
    ceiling = _("unbounded") if fit.max_speedup == float("inf") else f"{num(fit.max_speedup, '.1f')}×"
    line = _("{mode}: serial fraction {fraction}, max speedup {ceiling}").format(
        mode=mode_name(mode), fraction=num(fit.serial_fraction), ceiling=ceiling
    )
    if fit.serial_fraction < 0.95 and not math.isnan(fit.r2):  # R² of a flat line says nothing useful
        line += f", R² {num(fit.r2)}"
    return line + (f" — {fit.note}" if fit.note else "")
