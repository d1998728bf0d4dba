"""The lecture's steps, as data, and the figures their answers quote.

A step says what to run and which measured figure answers its question; the answer and the
explanation come from the run just done, never from here. Each step's ``expect`` is the lesson's
claim, checked against that run. Sizes are set for about 10 s of lanes on 2 cores and scale with
the core count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from paraviz.core.i18n import N_, _, num
from paraviz.core.model.figures import RunResult

#: Every step's lanes are sized for a few seconds; one still running after this is stopped and its
#: answer says how far it got, so one step cannot hold a class for minutes (on 16 cores, 16
#: processes of 4 OpenMP threads each ran over 40 s where one thread each took 0.5 s).
LANE_TIME_LIMIT_S = 20.0


@dataclass(frozen=True)
class Expect:
    """``lane``'s ``figure`` compared with ``bound``: the lesson's claim, as a check on the figures."""

    lane: str
    figure: str  # a RunResult attribute: speedup, effective_cores, wall_s, startup_share
    below: float | None = None
    above: float | None = None
    #: Only claimed on a machine with at least this many logical cores.
    min_cores: int = 1
    #: Compare with this lane's same figure, as a ratio (processes' wall time above threads').
    than: str | None = None

    def holds(self, results: Mapping[str, RunResult]) -> bool | None:
        result, other = results.get(self.lane), results.get(self.than or self.lane)
        if result is None or not result.ok or other is None or not other.ok:
            return None
        value = figure_value(result, self.figure)
        base = figure_value(other, self.figure) if self.than else 1.0
        if value is None or not base:
            return None
        ratio = value / base
        return (self.below is None or ratio < self.below) and (self.above is None or ratio > self.above)


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # marked with N_, translated where shown
    question: str
    workload: str
    #: Settings as a person would type them (core/config.py's text fields); {tasks} is replaced by
    #: the machine-sized task count.
    settings: Mapping[str, str] = field(default_factory=dict)
    #: Tasks per logical core (at least ``min_tasks``): more cores, more tasks, same seconds per lane.
    tasks_per_core: int = 0
    min_tasks: int = 0
    #: The lane and figure that answer the question: highlighted after the run.
    answer: tuple[str, str] = ("threads", "speedup")
    #: More figures of the answer's lane quoted beside it: the lesson itself, where the answer's
    #: figure alone is noisy (a GIL-bound 1.07x is noise; its 1.00 cores and GIL wait are the lesson).
    also: tuple[str, ...] = ()
    expect: tuple[Expect, ...] = ()
    #: The same figure of this earlier step's run, quoted beside this one's (chunks vs chunksize 1).
    compare_with: str | None = None
    #: The lanes run instead when the step's own cannot run here (no free-threaded Python): the step
    #: then says why, and how to get what it needs, rather than failing.
    fallback_modes: str | None = None


STEPS: tuple[Step, ...] = (
    Step(
        "gil",
        N_("The GIL"),
        N_("Will {workers} threads add up the numbers {workers} times as fast as one loop?"),
        "cumsum",
        # Three interleaved rounds, medians: one round's threads read 1.07x on 2 vCPUs of unequal speed.
        {"target_seconds": "1.2", "repeat": "3"},
        tasks_per_core=2,
        min_tasks=4,
        answer=("threads", "speedup"),
        also=("effective_cores", "gil_share"),
        expect=(Expect("threads", "speedup", below=1.3), Expect("processes", "speedup", above=1.3, min_cores=2)),
    ),
    Step(
        "nogil",
        N_("The GIL switched off"),
        N_("The same {workers} threads on a free-threaded Python, without the GIL. Do they fill the cores now?"),
        "cumsum",
        {"target_seconds": "2.5", "modes": "sequential,threads,nogil"},
        tasks_per_core=2,
        min_tasks=4,
        answer=("nogil", "effective_cores"),
        expect=(Expect("nogil", "effective_cores", above=1.3, min_cores=2), Expect("threads", "speedup", below=1.3)),
        fallback_modes="sequential,threads",
    ),
    Step(
        "numpy",
        N_("NumPy releases the GIL"),
        N_("Each task fits a linear regression in NumPy. Do threads stay on one core now?"),
        "linreg",
        {"target_seconds": "2.5"},
        tasks_per_core=2,
        min_tasks=4,
        answer=("threads", "effective_cores"),
        expect=(Expect("threads", "effective_cores", above=1.1, min_cores=2),),
    ),
    Step(
        "io",
        N_("Waiting on I/O"),
        N_("Each task only waits (time.sleep). Are threads as good as processes here?"),
        "sleep",
        {"size": "250"},
        tasks_per_core=4,
        min_tasks=8,
        answer=("threads", "speedup"),
        expect=(Expect("threads", "speedup", above=1.5, min_cores=2),),
    ),
    Step(
        "pipeline",
        N_("I/O: threads, asyncio and the hybrid"),
        N_(
            "Each task asks a server and waits for it, then computes on the answer. Threads, processes, "
            "asyncio, or one event loop in front of {workers} processes: which is fastest?"
        ),
        "pipeline",
        {"modes": "sequential,threads,processes,asyncio,hybrid", "io_ms": "200"},
        tasks_per_core=6,
        min_tasks=12,
        answer=("hybrid", "speedup"),
        also=("effective_cores",),
        expect=(Expect("hybrid", "wall_s", below=0.9, than="processes", min_cores=2),),
    ),
    Step(
        "tiny",
        N_("Tiny tasks"),
        N_("Each task squares one number, sent to a worker one at a time. Will processes help?"),
        "squares",
        {"tasks": "100000", "engine": "pool", "chunksize": "1", "modes": "sequential,processes"},
        answer=("processes", "speedup"),
        expect=(Expect("processes", "speedup", below=1.0),),
    ),
    Step(
        "chunks",
        N_("Chunks"),
        N_("The same tiny tasks, sent in Pool.map's own chunks. How much time does that save?"),
        "squares",
        {"tasks": "100000", "engine": "pool", "modes": "sequential,processes"},
        answer=("processes", "wall_s"),
        compare_with="tiny",
    ),
    Step(
        "spawn",
        N_("Starting a pool: spawn"),
        N_("Two small fits. Is it worth starting a pool of spawned worker processes?"),
        "linreg",
        {"tasks": "2", "size": "20", "start_method": "spawn", "modes": "sequential,processes"},
        # Spawned workers start a fresh interpreter and import scikit-learn again: the cost lands
        # in the lane's wall time after the first worker answers, so wall time, not start-up, shows it.
        answer=("processes", "wall_s"),
        expect=(Expect("processes", "speedup", below=1.0),),
    ),
    Step(
        "fork",
        N_("Starting a pool: fork"),
        N_("The same two fits with forked workers. How much of the start-up is left?"),
        "linreg",
        {"tasks": "2", "size": "20", "start_method": "fork", "modes": "sequential,processes"},
        answer=("processes", "wall_s"),
        compare_with="spawn",
    ),
    Step(
        "unequal",
        N_("Unequal tasks"),
        N_("Three small forests and one five times bigger. Can {workers} workers share that evenly?"),
        "forest",
        {"sizes": "4,4,4,20"},
        answer=("processes", "longest_share"),
        expect=(Expect("processes", "longest_share", above=0.6, min_cores=2),),
    ),
    Step(
        "oversubscribed",
        N_("Too many threads"),
        N_("Each task boosts a group with 4 threads of its own, in {workers} processes. How long does it take?"),
        "groups",
        # Processes only: with 4 inner threads the sequential lane is oversubscribed too, so a
        # speedup against it would hide the lesson; the next step's wall time is the comparison.
        {"inner_threads": "4", "target_seconds": "2", "modes": "processes"},
        tasks_per_core=2,
        min_tasks=4,
        answer=("processes", "wall_s"),
    ),
    Step(
        "one-inner-thread",
        N_("One thread per task"),
        N_("The same groups, each task with one inner thread. Faster or slower?"),
        "groups",
        {"inner_threads": "1", "target_seconds": "2", "modes": "processes"},
        tasks_per_core=2,
        min_tasks=4,
        answer=("processes", "wall_s"),
        compare_with="oversubscribed",
    ),
    Step(
        "data",
        N_("Moving data"),
        N_("Every task reads 32 MB. Threads share it; processes are sent a copy. Who wins?"),
        "transfer",
        {"tasks": "16", "modes": "threads,processes"},
        answer=("processes", "wall_s"),
        expect=(Expect("processes", "wall_s", above=1.0, than="threads"),),
    ),
    Step(
        "where",
        N_("Where the time went"),
        N_(
            "Back to {workers} threads adding up numbers. Where did their time go? (f shows every lane's "
            "time as factors)"
        ),
        "cumsum",
        {"target_seconds": "1.2", "repeat": "3"},
        tasks_per_core=2,
        min_tasks=4,
        answer=("threads", "factor_gil"),
        also=("efficiency", "factor_computation"),
        expect=(Expect("threads", "factor_gil", below=0.8, min_cores=2),),
    ),
)

FIGURE_NAMES = {
    "speedup": N_("speedup"),
    "effective_cores": N_("cores used"),
    "wall_s": N_("wall time"),
    "startup_s": N_("start-up"),
    "startup_share": N_("start-up share"),
    "longest_share": N_("longest task's share"),
    "gil_share": N_("GIL wait"),
    "efficiency": N_("efficiency"),
    "factor_gil": N_("GIL factor"),
    "factor_load_balance": N_("balance factor"),
    "factor_computation": N_("computation factor"),
}


def figure_value(result: RunResult, figure: str) -> float | None:
    """A figure of one lane; the shares are computed from the lane's own wall time."""
    if figure == "startup_share":
        return result.startup_s / result.wall_s if result.wall_s > 0 else None
    if figure == "longest_share":
        return result.longest_task_s / result.wall_s if result.wall_s > 0 else None
    if figure.startswith("factor_"):  # one factor of the lane's efficiency (core/model/budget.py)
        return (result.efficiency_factors or {}).get(figure.removeprefix("factor_"))
    value = getattr(result, figure)
    return None if value is None else float(value)


def figure_text(result: RunResult, figure: str) -> str:
    """``1.02x``, ``1.00 cores``, ``0.84 s``, ``35 %``: the figure as the answer shows it."""
    value = figure_value(result, figure)
    if value is None:
        return "—"
    if figure == "speedup":
        return f"{num(value)}×"
    if figure == "effective_cores":
        return _("{cores} cores").format(cores=num(value))
    if figure.endswith("_share") or figure.startswith("factor_") or figure == "efficiency":
        return num(value, ".0%")
    return f"{num(value)} s"
