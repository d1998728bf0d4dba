"""Deterministic runs for snapshot and pilot tests: a fixed machine and events as a run sends them."""

from __future__ import annotations

from dataclasses import replace

from paraviz.core.model.comparisons import with_comparisons
from paraviz.core.model.events import (
    Event,
    LaneFinished,
    LaneSampled,
    LaneStarted,
    TaskRecord,
    TasksReported,
    WorkerLoad,
)
from paraviz.core.model.figures import RunResult
from paraviz.core.model.machine import MachineInfo

MACHINE = MachineInfo(2, 2, "3.11.7", "CPython", True, "Linux")


def result(mode: str, wall_s: float, cpu_s: float, workers: int = 2, **fields: object) -> RunResult:
    """A lane's figures, by keyword: the one factory the tests share."""
    values: dict[str, object] = {
        "mode": mode,
        "workers": 1 if mode == "sequential" else workers,
        "start_method": "fork" if mode == "processes" else None,
        "chunksize": 1 if mode == "processes" else None,
        "wall_s": wall_s,
        "startup_s": 0.006 if mode == "processes" else 0.0,
        "cpu_s": cpu_s,
        "tasks_done": 8,
        "peak_threads": 3,
        "peak_processes": 3 if mode == "processes" else 1,
        "peak_rss_bytes": 40 * 2**20,
    }
    values.update(fields)
    return RunResult(**values)  # type: ignore[arg-type]


#: A cumsum-like run on 2 cores: (wall s, cores in use, tasks running at once, per-worker share).
LANES = {"sequential": (4.0, 1.0, 1, 1.0), "threads": (4.1, 1.0, 2, 0.5), "processes": (2.05, 1.97, 2, 0.985)}
#: A pipeline-like run (a wait, then computing, per task): five lanes, the event-loop ones included.
PIPELINE_LANES = {
    "sequential": (4.8, 0.5, 1, 0.5),
    "threads": (3.1, 0.78, 2, 0.39),
    "processes": (2.5, 0.96, 2, 0.48),
    "asyncio": (3.0, 0.8, 2, 0.4),
    "hybrid": (1.4, 1.71, 2, 0.86),
}
PIDS = {"sequential": 100, "threads": 200, "processes": 300, "asyncio": 400, "hybrid": 500}


def lane_events(mode: str, upto_s: float | None = None, lanes: dict | None = None) -> list[Event]:
    """What a lane streams: started, samples every 0.25 s, tasks per worker, finished (if it got there)."""
    wall, cores, parallel, share = (lanes or LANES)[mode]
    end = wall if upto_s is None else min(upto_s, wall)
    pid = PIDS[mode]
    workers = [(pid, pid)] if parallel == 1 else [(pid + k + 1, pid + k + 1) for k in range(parallel)]
    per_task = wall * parallel / 8
    events: list[Event] = [LaneStarted(mode, pid)]
    records = []
    for index in range(8):
        w = index % parallel
        start = (index // parallel) * per_task
        if start + per_task <= end:
            p, t = workers[w]
            records.append(TaskRecord(index, 1, p if mode == "processes" else pid, t, start, start + per_task))
    step = 0.25
    for k in range(1, int(end / step) + 1):
        loads = tuple(
            WorkerLoad(f"w{w}", 100 * share, pid=p if mode == "processes" else 0, tid=0 if mode == "processes" else t)
            for w, (p, t) in enumerate(workers)
        )
        events.append(
            LaneSampled(
                mode,
                k * step,
                100 * cores,
                1 + parallel,
                1 + (parallel if mode == "processes" else 0),
                20 * 2**20,
                loads,
            )
        )
    done = [r for r in records if r.end <= end]
    events.append(TasksReported(mode, len(done), [], done))
    if upto_s is None or upto_s >= wall:
        events.append(LaneFinished(result(mode, wall, wall * cores)))  # replaced by finished_results' in replay
    return events


def fake_budget(mode: str, wall: float, cores: float, parallel: int) -> dict[str, float]:
    """A plausible time budget for a replayed lane: its CPU running, threads' other time waiting for
    the GIL, a pool's other time in its workers' tails, an event loop's in I/O."""
    running = wall * cores
    rest = max(0.0, parallel * wall - running)
    other = {"threads": "gil", "asyncio": "io", "hybrid": "io"}.get(mode, "tail")
    return {"startup": 0.006 if mode == "processes" else 0.0, "running": running - 0.006, other: rest}


def finished_results(lanes: dict | None = None) -> list[RunResult]:
    table = lanes or LANES
    return with_comparisons(
        [result(m, w, w * c, time_budget=fake_budget(m, w, c, p)) for m, (w, c, p, _) in table.items()], 2, False
    )


def replay(
    app, modes: tuple[str, ...], running: str | None = None, running_upto_s: float = 1.0, lanes: dict | None = None
) -> None:
    """Feed a finished run (and, optionally, one lane still running) into the app's event handler."""
    from paraviz.tui.run_view import run_message

    final = {r.mode: r for r in finished_results(lanes)}
    for lane in app.lanes.values():  # as a run's start does: every lane keeps room for as many worker rows
        lane.chart.reserve_rows(app.config.workers)
    for mode in (*modes, *([running] if running else [])):
        workers = 1 if mode == "sequential" else app.config.workers
        app.lane(mode).waiting(8, None, 2, min(2, workers), workers)
        upto = running_upto_s if mode == running else None
        for event in lane_events(mode, upto, lanes):
            if isinstance(event, LaneFinished):
                event = LaneFinished(replace(final[mode]))
            message = run_message(event)
            getattr(app, message.handler_name)(message)  # at once, as the app's queue would
    app.paint_lanes()  # the frame that would follow
