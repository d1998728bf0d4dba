"""How far the figures of a run can be trusted, said before what they mean: paraviz's own CPU,
other programs' load, speedups that physics forbids (noise), lanes too short to measure and
figures over their physical bound."""

from __future__ import annotations

from paraviz.core.i18n import _, num
from paraviz.core.model.comparisons import CPU_BOUND_CORES, ONE_CORE
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import (
    BOUND_MARGIN,
    MEASURABLE_WALL_S,
    RunResult,
    mode_name,
    mode_title,
)

GIL_BOUND = ONE_CORE  # effective cores under which a thread lane was held by the GIL
#: Other programs' average CPU during a lane, in cores, above which the machine was not quiet.
BUSY_MACHINE_CORES = 0.1
#: Lanes shorter than this are not judged busy: psutil's 10 ms CPU ticks and the lane's own
#: start and end swing a 25 ms lane's background figure anywhere from 0 to 0.8 cores (seen).
BUSY_MIN_WALL_S = 0.5
#: Speedup beyond what physics allows, as a fraction: more is noise, never an effect.
PHYSICS_MARGIN = BOUND_MARGIN
__all__ = [
    "CPU_BOUND_CORES",
    "GIL_BOUND",
    "PHYSICS_MARGIN",
    "busy_machine",
    "noise",
    "observer",
    "over_bound_sentences",
    "too_short_sentences",
]

#: paraviz's own CPU during a lane, in cores, above which it is said first on a small machine
#: (on 2 cores a quarter of a core spent drawing took a process lane from 1.94x to 1.72x, seen).
OBSERVER_CORES, SMALL_MACHINE_CORES = 0.1, 4


def observer(results: list[RunResult], logical_cores: int) -> list[str]:
    """Said first: paraviz itself (drawing, relaying, sampling) took CPU the lanes could have used."""
    watched = [r for r in results if r.observer_cores > OBSERVER_CORES and r.wall_s >= BUSY_MIN_WALL_S]
    if not watched or logical_cores > SMALL_MACHINE_CORES:
        return []
    worst = max(watched, key=lambda r: r.observer_cores)
    return [
        _(
            "paraviz itself used {cores} cores during the {lane} lane, on a machine of {total} cores: "
            "the lanes' figures carry that cost."
        ).format(cores=num(worst.observer_cores), lane=mode_name(worst.mode), total=logical_cores)
    ]


def busy_machine(results: list[RunResult]) -> list[str]:
    """Said before anything else: other programs took cores from these lanes."""
    return [
        _(
            "The machine was busy during the {lane} lane: other programs used {cores} cores on average, "
            "so its figures are not those of a quiet machine."
        ).format(lane=mode_name(r.mode), cores=num(r.background_cores))
        for r in results
        if r.background_cores > BUSY_MACHINE_CORES and r.wall_s >= BUSY_MIN_WALL_S
    ]


def noise(results: list[RunResult], config: RunConfig, logical_cores: int) -> dict[str, str]:
    """Lanes whose speedup physics forbids on CPU-bound work (figures.speedup_over_bound), with the
    sentence that says so."""
    usable = min(config.workers, logical_cores)
    again = max(5, 2 * config.repeat)
    found = {}
    for lane in results:
        s = lane.speedup
        if lane.mode == "sequential" or not lane.ok or s is None or "speedup" not in lane.over_bound:
            continue
        if lane.effective_cores < GIL_BOUND:
            found[lane.mode] = _(
                "{lane} came out {speedup}× faster than sequential on {cores} cores, which one core cannot do: "
                "that is noise (the sequential lane ran slow); repeat with --repeat {again}."
            ).format(lane=mode_title(lane.mode), speedup=num(s), cores=num(lane.effective_cores), again=again)
        else:
            found[lane.mode] = _(
                "{lane} came out {speedup}× faster than sequential, more than {usable} cores can give to CPU-bound "
                "work: that is noise (the sequential lane ran slow); repeat with --repeat {again}."
            ).format(lane=mode_title(lane.mode), speedup=num(s), usable=usable, again=again)
    return found


def too_short_sentences(results: list[RunResult]) -> list[str]:
    """One sentence for every lane too short to measure: what it took, and what to change."""
    short = [r for r in results if r.ok and r.too_short]
    if not short:
        return []
    walls = ", ".join(f"{mode_name(r.mode)} {num(r.wall_s, '.3f')} s" for r in short)
    return [
        _(
            "Too short to measure ({walls}, under {bound} s): no cores, speedup or cause is drawn from "
            "{these}; give the tasks more work with --size or --tasks, or run for a time with --seconds 5."
        ).format(
            walls=walls,
            bound=num(MEASURABLE_WALL_S, "g"),
            these=_("that lane") if len(short) == 1 else _("those lanes"),
        )
    ]


def one_task_sentences(config: RunConfig) -> list[str]:
    """One task: no lane had two to run at once, so nothing is concluded about running them at once."""
    if config.timed or config.task_count != 1:
        return []
    return [
        _(
            "One task: no lane had two tasks to run at once, so their cores and speeds say nothing about the "
            "GIL, threads or processes; give them more with --tasks (or --sizes, --items)."
        )
    ]


def over_bound_sentences(results: list[RunResult], logical_cores: int) -> list[str]:
    """Cores that physics forbids are a measurement error, said as one and never explained."""
    return [
        _(
            "{lane} read {cores} cores, more than its {bound} can use: a measurement error, not an effect; "
            "nothing is concluded from its cores."
        ).format(
            lane=mode_title(r.mode),
            cores=num(r.effective_cores),
            bound=(
                _("{count} logical cores").format(count=logical_cores)
                if logical_cores <= (r.peak_threads or logical_cores)
                else _("{count} threads").format(count=r.peak_threads)
            ),
        )
        for r in results
        if "effective_cores" in r.over_bound
    ]
