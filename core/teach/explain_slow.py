"""Why a lane was slower than sequential, from its figures: each worker's first task (warm-up), or,
where no measured cause explains it, a sentence that says so: no slow lane is silent."""

from __future__ import annotations

from paraviz.core.i18n import _, num
from paraviz.core.model.figures import MEASURABLE_WALL_S, RunResult, mode_title
from paraviz.core.teach.conditions import PHYSICS_MARGIN

#: Warm-up at least this share of a lane's wall time, and this long, is part of its story (less is
#: a first task's cache misses, not an import).
WARMUP_SHARE, WARMUP_MIN_S = 0.2, 0.05
#: Start methods whose workers start a fresh interpreter, which imports the task's libraries again.
FRESH_INTERPRETERS = ("spawn", "forkserver")


def warmup_sentences(lanes: list[RunResult], explained: set[str]) -> list[str]:
    """Each worker's first task against its later ones, where the difference is a large share of the lane."""
    lines = []
    for lane in lanes:
        if not (lane.ok and lane.warmup_s and lane.first_task_s is not None and lane.mode != "sequential"):
            continue
        if lane.warmup_s < max(WARMUP_MIN_S, WARMUP_SHARE * lane.wall_s):
            continue
        later = lane.first_task_s - lane.warmup_s
        against = (
            _("against {later} s for their later ones").format(later=num(later, ".3f"))
            if lane.later_task_s is not None
            else _("against {later} s for a sequential task").format(later=num(later, ".3f"))
        )
        why = (
            _(
                "a {method} worker starts a fresh Python that imports the task's libraries before it runs it; "
                "fork shares the parent's, and larger tasks hide it"
            ).format(method=lane.start_method)
            if lane.mode == "processes" and lane.start_method in FRESH_INTERPRETERS
            else _("libraries imported and caches filled on first use; larger tasks hide it")
        )
        lines.append(
            _("{lane}: each worker's first task took {first} s {against} (warm-up): {why}.").format(
                lane=mode_title(lane.mode), first=num(lane.first_task_s, ".3f"), against=against, why=why
            )
        )
        explained.add(lane.mode)
    return lines


def slow_lane_sentences(seq: RunResult | None, lanes: list[RunResult], explained: set[str]) -> list[str]:
    """No silent slow lane: one slower than sequential and explained by nothing above says so."""
    if not (seq and seq.ok):
        return []
    lines = []
    for lane in lanes:
        if lane.mode == "sequential" or not lane.ok or lane.mode in explained:
            continue
        if lane.wall_s > seq.wall_s * (1 + PHYSICS_MARGIN) and lane.wall_s - seq.wall_s >= MEASURABLE_WALL_S:
            lines.append(
                _(
                    "{lane} took {wall} s against {sequential} s sequentially, and paraviz's figures do not "
                    "say why (start-up {startup} s, warm-up {warmup} s, {cores} cores)."
                ).format(
                    lane=mode_title(lane.mode),
                    wall=num(lane.wall_s),
                    sequential=num(seq.wall_s),
                    startup=num(lane.startup_s),
                    warmup=num(lane.warmup_s or 0.0),
                    cores=num(lane.effective_cores),
                )
            )
    return lines
