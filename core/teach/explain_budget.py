"""Where each lane's time went, in a sentence: its efficiency, its biggest loss as a factor with its
share, what measured it, and the next loss where it is low too. The causes are the budget's factors
(core/model/budget.py); this module only phrases them."""

from __future__ import annotations

from paraviz.core.i18n import N_, _, num
from paraviz.core.model.budget import FACTORS, LOSSES, WORK_PARTS, losses_in_order, smallest_factor
from paraviz.core.model.figures import RunResult, figure_text, mode_title

#: How each factor is named in a sentence and on screen.
FACTOR_NAMES = {
    "startup": N_("start-up"),
    "transfer": N_("transfer"),
    "dispatch": N_("dispatch"),
    "load_balance": N_("balance"),
    "oversubscription": N_("oversubscription"),
    "gil": N_("GIL"),
    "waits": N_("waits"),
    "computation": N_("computation"),
    "overlap": N_("overlap"),
}
#: Every factor at least this: the lane lost nothing worth naming (its smallest is still quoted).
NOTHING_LOST = 0.95
#: The overlap factor at least this far above 1 is worth a sentence (waits that needed no core).
OVERLAP_WORTH_SAYING = 1.2


def factor_name(factor: str) -> str:
    return _(FACTOR_NAMES.get(factor, factor))


def biggest_loss(lane: RunResult) -> tuple[str, float] | None:
    """The lane's smallest factor (its biggest loss), or None where its factors were not measured."""
    return smallest_factor(lane.efficiency_factors) if lane.efficiency_factors else None


def why(lane: RunResult, factor: str) -> str:
    """What in the lane's budget measured the loss, in a clause."""
    budget = lane.time_budget or {}
    workers = max(1, lane.workers)
    # shares of the workers' own time, from the same budget the factor was read from
    worker_seconds = sum(budget.values()) or 1.0
    states = {part: seconds / worker_seconds for part, seconds in budget.items()}
    if factor == "gil":
        return _("its workers took turns for the GIL, so one ran Python at a time")
    if factor == "load_balance":
        return _(
            "its workers sat idle {tail} s each after their last task while the longest ran (unequal tasks, or "
            "fewer tasks than workers)"
        ).format(tail=num(budget.get("tail", 0.0) / workers))
    if factor == "dispatch":
        per_task = budget.get("dispatch", 0.0) / max(1, lane.tasks_done)
        return _(
            "its workers spent {micros} µs between tasks for each task, taking the next and sending results "
            "(chunksize {chunksize}): a larger --chunksize batches them"
        ).format(micros=num(per_task * 1e6, ".0f"), chunksize=lane.chunksize or 1)
    if factor == "startup":
        return _("{startup} s of its {wall} s passed before its workers' first task").format(
            startup=num(budget.get("startup", 0.0) / workers), wall=num(lane.wall_s)
        )
    if factor == "transfer":
        return _("its workers waited {seconds} s for the data each task is sent (pickled, piped, unpickled)").format(
            seconds=num(budget.get("transfer", 0.0))
        )
    if factor == "oversubscription":
        return _("its workers were runnable with no core free {share} of their time").format(
            share=num(states.get("ready", 0.0), ".0%")
        )
    if factor == "waits":
        return _("its workers waited on a lock, queue or condition inside their tasks {share} of their time").format(
            share=num(states.get("wait", 0.0), ".0%")
        )
    return computation_why(lane)


def own_loop_cost(lane: RunResult) -> float | None:
    """How much longer per task the lane's own interpreter's one-worker loop took than the sequential
    lane's (the nogil lane's build), or None where it has no such loop."""
    loop_wall, loop_tasks = lane.nogil_sequential_wall_s, lane.nogil_sequential_tasks
    if not (loop_wall and loop_tasks and lane.speedup and lane.tasks_done):
        return None
    sequential_per_task = lane.speedup * lane.wall_s / lane.tasks_done
    return (loop_wall / loop_tasks) / sequential_per_task - 1


#: Workers runnable with no core free this share of their time or more: their first tasks' wall time
#: is no measure of a warm-up (4 processes on 2 cores: every first task ran at half speed).
READY_HIDES_WARMUP = 0.05


def ready_share(lane: RunResult) -> float:
    budget = lane.time_budget or {}
    total = sum(budget.values())
    return budget.get("ready", 0.0) / total if total > 0 else 0.0


def computation_why(lane: RunResult) -> str:
    """The same tasks cost more here than in the sequential lane: what is known of why."""
    more = 1 / lane.efficiency_factors["computation"] - 1 if lane.efficiency_factors else 0.0
    work = sum((lane.time_budget or {}).get(part, 0.0) for part in WORK_PARTS)
    extra = work * more / (1 + more)  # seconds of work beyond the sequential lane's
    loop_cost = own_loop_cost(lane)
    if loop_cost is not None and loop_cost >= 0.03:
        cause = _(
            "Python {python}'s own one-worker loop took {share} longer per task than the sequential lane's"
        ).format(python=lane.python or "?", share=num(loop_cost, ".0%"))
    elif (lane.gil_share or 0.0) > 0.05:
        cause = _("handing the GIL between cores costs CPU")
    elif lane.warmup_s and lane.warmup_s * max(1, lane.workers) >= extra / 2 and ready_share(lane) < READY_HIDES_WARMUP:
        # (first tasks are timed on the wall clock: workers waiting for a core look warmed up)
        cause = _("each worker's first task warmed up ({warmup} s)").format(warmup=num(lane.warmup_s))
    else:
        cause = _(
            "colder caches, two workers sharing one physical core, or the machine's CPU running slower for a while "
            "(these VMs vary)"
        )
    return _("its tasks took {more} more time working than the same tasks sequentially: {cause}").format(
        more=num(max(0.0, more), ".0%"), cause=cause
    )


def budget_sentence(lane: RunResult, noisy: bool = False) -> str | None:
    """'Threads: 48 % efficient; biggest loss GIL 52 %: …' (and the next loss where it is low too)."""
    factors = lane.efficiency_factors
    if lane.ok and not factors and lane.time_budget:
        return share_sentence(lane)
    if factors and noisy:  # its speed is noise: so is computation, the one factor read from it
        factors = {name: value for name, value in factors.items() if name != "computation"}
    if not (lane.ok and factors and lane.efficiency is not None):
        return None
    losses = losses_in_order(factors)
    title = mode_title(lane.mode)
    name, value = smallest_factor(factors)
    if value >= NOTHING_LOST:
        sentence = _("{lane}: {efficiency} efficient; no loss worth naming (the smallest factor, {factor}, {value}).")
        line = sentence.format(
            lane=title,
            efficiency=figure_text(lane, "efficiency", ".0%"),
            factor=factor_name(name),
            value=num(value, ".0%"),
        )
    else:
        line = _("{lane}: {efficiency} efficient; biggest loss {factor} {value}: {why}.").format(
            lane=title,
            efficiency=figure_text(lane, "efficiency", ".0%"),
            factor=factor_name(name),
            value=num(value, ".0%"),
            why=why(lane, name),
        )
        then = [loss for loss in losses if loss[0] != name]
        if then:
            line += " " + _("Then {factor} {value}.").format(
                factor=factor_name(then[0][0]), value=num(then[0][1], ".0%")
            )
    if factors.get("overlap", 1.0) >= OVERLAP_WORTH_SAYING:
        line += " " + _("Its tasks' waits overlapped: {overlap}× what its cores could have computed.").format(
            overlap=num(factors["overlap"], ".1f")
        )
    return line


#: Without a sequential lane to compare with, a part of the workers' time this large is worth saying.
SHARE_WORTH_SAYING = 0.1


def share_sentence(lane: RunResult) -> str | None:
    """Where the time went without an efficiency (no measurable sequential lane): the largest loss
    part as a share of the workers' own time."""
    budget = lane.time_budget or {}
    total = sum(budget.values())
    if total <= 0:
        return None
    factor, part = max(LOSSES, key=lambda pair: budget.get(pair[1], 0.0))
    share = budget.get(part, 0.0) / total
    if share < SHARE_WORTH_SAYING:
        return None
    return _("{lane}: {share} of its workers' time went to {factor}: {why}.").format(
        lane=mode_title(lane.mode), share=num(share, ".0%"), factor=factor_name(factor), why=why(lane, factor)
    )


def lost_little(lane: RunResult) -> bool:
    """Every factor of the lane at NOTHING_LOST or more: its smallest is worth a clause, not a sentence."""
    loss = biggest_loss(lane)
    return loss is not None and loss[1] >= NOTHING_LOST


def smallest_clause(lane: RunResult) -> str:
    """ "; smallest factor start-up 97%" for a lane that lost little, else nothing."""
    loss = biggest_loss(lane)
    if loss is None or not lost_little(lane):
        return ""
    return _("; smallest factor {factor} {value}").format(factor=factor_name(loss[0]), value=num(loss[1], ".0%"))


def budget_sentences(lanes: list[RunResult], explained: set[str], noisy: set[str] | None = None) -> list[str]:
    """One sentence per lane whose factors were measured; each such lane is then explained."""
    lines = []
    for lane in lanes:
        line = budget_sentence(lane, lane.mode in (noisy or set())) if lane.mode != "sequential" else None
        if line:
            lines.append(line)
            explained.add(lane.mode)
    return lines


#: Shorter names where a panel or a table cell has little room.
SHORT_NAMES = {"oversubscription": N_("oversub."), "computation": N_("compute")}


def short_factor_name(factor: str) -> str:
    return _(SHORT_NAMES[factor]) if factor in SHORT_NAMES else factor_name(factor)


def factor_rows(lanes: list[RunResult]) -> tuple[list[str], list[tuple[str, list[tuple[float | None, bool]]]]]:
    """The "where the time went" table: the lanes that have factors (titles), then one row per factor
    that any of them measured below 1 or above it: its name and, per lane, (value, whether it is
    that lane's smallest). The efficiency row comes first."""
    shown = [lane for lane in lanes if lane.ok and lane.efficiency_factors and lane.efficiency is not None]
    titles = [mode_title(lane.mode) for lane in shown]
    smallest = [smallest_factor(lane.efficiency_factors or {})[0] for lane in shown]
    rows: list[tuple[str, list[tuple[float | None, bool]]]] = [
        (_("efficiency"), [(lane.efficiency, False) for lane in shown])
    ]
    for factor in FACTORS:
        values = [(lane.efficiency_factors or {}).get(factor) for lane in shown]
        if all(v is None or abs(v - 1) < 0.005 for v in values):
            continue  # a cause that cost no lane anything
        rows.append((factor_name(factor), [(v, factor == s) for v, s in zip(values, smallest, strict=True)]))
    return titles, rows
