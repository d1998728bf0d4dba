"""Where each lane's time went, in a sentence: its efficiency, its biggest loss as a factor with its
share, what measured it, and the next loss where it is low too. The causes are the budget's factors
(core/model/budget.py); this module only phrases them."""

from __future__ import annotations

from paraviz.core.i18n import N_, _, num
from paraviz.core.model.budget import losses_in_order, smallest_factor
from paraviz.core.model.figures import RunResult, mode_title

#: How each factor is named in a sentence and on screen.
FACTOR_NAMES = {
    "startup": N_("start-up"),
    "transfer": N_("transfer"),
    "dispatch": N_("dispatch"),
    "load_balance": N_("balance"),
    "oversubscription": N_("cores"),
    "gil": N_("GIL"),
    "waits": N_("waits"),
    "computation": N_("computation"),
    "overlap": N_("overlap"),
}
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
    states = lane.thread_states or {}
    if factor == "gil":
        return _("its threads waited for the GIL {share} of their time, so one ran Python at a time").format(
            share=num(states.get("gil", 0.0), ".0%")
        )
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
        return _("its threads were runnable with no core free {share} of their time").format(
            share=num(states.get("ready", 0.0), ".0%")
        )
    if factor == "waits":
        return _("its threads waited on a lock, queue or condition {share} of their time").format(
            share=num(states.get("wait", 0.0), ".0%")
        )
    return computation_why(lane)


def computation_why(lane: RunResult) -> str:
    """The same tasks cost more here than in the sequential lane: what is known of why."""
    more = 1 / lane.efficiency_factors["computation"] - 1 if lane.efficiency_factors else 0.0
    if lane.gil_enabled is False and lane.mode == "nogil":
        cause = _("the free-threaded build runs one thread slower than the GIL build")
    elif (lane.gil_share or 0.0) > 0.05:
        cause = _("handing the GIL between cores costs CPU")
    elif lane.warmup_s:
        cause = _("each worker's first task warmed up ({warmup} s)").format(warmup=num(lane.warmup_s))
    else:
        cause = _("colder caches, or the machine's CPU running slower for a while (these VMs vary)")
    return _("its tasks took {more} more time working than the same tasks sequentially: {cause}").format(
        more=num(max(0.0, more), ".0%"), cause=cause
    )


def budget_sentence(lane: RunResult) -> str | None:
    """'Threads: 48 % efficient; biggest loss GIL 52 %: …' (and the next loss where it is low too)."""
    factors = lane.efficiency_factors
    if not (lane.ok and factors and lane.efficiency is not None):
        return None
    losses = losses_in_order(factors)
    title = mode_title(lane.mode)
    if not losses:
        name, value = smallest_factor(factors)
        sentence = _("{lane}: {efficiency} efficient; no loss worth naming (the smallest factor, {factor}, {value}).")
        line = sentence.format(
            lane=title, efficiency=num(lane.efficiency, ".0%"), factor=factor_name(name), value=num(value, ".0%")
        )
    else:
        name, value = losses[0]
        line = _("{lane}: {efficiency} efficient; biggest loss {factor} {value}: {why}.").format(
            lane=title,
            efficiency=num(lane.efficiency, ".0%"),
            factor=factor_name(name),
            value=num(value, ".0%"),
            why=why(lane, name),
        )
        if len(losses) > 1:
            line += " " + _("Then {factor} {value}.").format(
                factor=factor_name(losses[1][0]), value=num(losses[1][1], ".0%")
            )
    if factors.get("overlap", 1.0) >= OVERLAP_WORTH_SAYING:
        line += " " + _("Its tasks' waits overlapped: {overlap}× what its cores could have computed.").format(
            overlap=num(factors["overlap"], ".1f")
        )
    return line


def budget_sentences(lanes: list[RunResult], explained: set[str]) -> list[str]:
    """One sentence per lane whose factors were measured; each such lane is then explained."""
    lines = []
    for lane in lanes:
        line = budget_sentence(lane) if lane.mode != "sequential" else None
        if line:
            lines.append(line)
            explained.add(lane.mode)
    return lines
