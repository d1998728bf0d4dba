"""The guided tour: ``paraviz lecture`` walks through the steps (core/teach/lecture_steps.py), one
lesson each: the step's settings on top of the teacher's, its answer from the run just done, and
the lesson's claims checked against that run (when the run contradicts one, the lecture says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TypeGuard

from paraviz.core.i18n import _
from paraviz.core.measure.options import config_from_text
from paraviz.core.model.config import ConfigError, RunConfig
from paraviz.core.model.figures import RunResult, mode_title
from paraviz.core.teach.lecture_steps import (
    FIGURE_NAMES,
    LANE_TIME_LIMIT_S,
    STEPS,
    Expect,
    Step,
    figure_text,
    figure_value,
)

__all__ = ["FIGURE_NAMES", "STEPS", "Expect", "Step", "figure_value"]


def step_config(step: Step, base: RunConfig, logical_cores: int) -> RunConfig:
    """The step's settings on top of ``base`` (its workers and refresh stay the teacher's)."""
    fields = dict(step.settings)
    if step.tasks_per_core:
        fields["tasks"] = str(max(step.min_tasks, step.tasks_per_core * logical_cores))
    fields.setdefault("modes", "sequential,threads,processes")
    fresh = replace(
        base.with_workload(step.workload),
        tasks=None,
        size=None,
        sizes=None,
        items=None,
        chunksize=None,
        engine=RunConfig().engine,
        start_method=RunConfig().start_method,
        inner_threads=1,
        payload_mb=None,
        time_limit_s=base.time_limit_s or LANE_TIME_LIMIT_S,
    )
    return config_from_text(fresh, fields)


def playable_step_config(step: Step, base: RunConfig, logical_cores: int) -> tuple[RunConfig, str | None]:
    """The step's settings, or where its own lanes cannot run here its fallback lanes and the one
    line that says why (with how to get what is missing)."""
    try:
        return step_config(step, base, logical_cores), None
    except ConfigError as exc:
        if step.fallback_modes is None:
            raise
        fallback = replace(step, settings={**step.settings, "modes": step.fallback_modes})
        return step_config(fallback, base, logical_cores), str(exc)


def question_text(step: Step, config: RunConfig) -> str:
    return _(step.question).format(workers=config.workers)


def answer_line(step: Step, results: Mapping[str, RunResult], earlier: Mapping[str, RunResult]) -> str | None:
    """The measured figure that answers the step's question, with the earlier step's for comparison."""
    lane, figure = step.answer
    result = results.get(lane)
    if not has_answer(result):
        return None
    line = _("{lane}: {figure} {value}").format(
        lane=mode_title(lane), figure=_(FIGURE_NAMES[figure]), value=answer_value(result, figure)
    )
    for more in step.also if result.ok else ():
        if figure_value(result, more) is not None:  # cores carry their unit: "1.00 cores"
            name = "" if more == "effective_cores" else _(FIGURE_NAMES[more]) + " "
            line += f" · {name}{figure_text(result, more)}"
    if len(result.rounds) > 1:
        line += _(" (median of {rounds} rounds)").format(rounds=len(result.rounds))
    before = earlier.get(lane)
    if step.compare_with and has_answer(before):
        line += _(" (step «{step}»: {value})").format(
            step=_(step_by_key(step.compare_with).title), value=answer_value(before, figure)
        )
    return line


def has_answer(result: RunResult | None) -> TypeGuard[RunResult]:
    """A finished lane, or one stopped part-way (time limit, x), whose answer says how far it got."""
    return result is not None and (result.ok or result.status == "stopped")


def answer_value(result: RunResult, figure: str) -> str:
    """The figure, or for a lane stopped before its end (time limit, x) what it got through."""
    if result.status == "stopped":
        return _("– {reason}").format(reason=result.error or _("stopped"))
    return figure_text(result, figure)


def expectation_failures(step: Step, results: Mapping[str, RunResult], logical_cores: int) -> list[str]:
    """Plain sentences for each claim of the lesson that this run's figures contradict."""
    failures = []
    for expect in step.expect:
        if logical_cores < expect.min_cores:
            failures.append(
                _("This machine has {cores} core: processes cannot show this lesson here.").format(cores=logical_cores)
            )
            continue
        if expect.holds(results) is False:
            failures.append(
                _(
                    "This run does not show the lesson ({lane}: {figure} {value}). A busy machine or an "
                    "unusual CPU can do that; run it again (r) and compare."
                ).format(
                    lane=mode_title(expect.lane),
                    figure=_(FIGURE_NAMES[expect.figure]),
                    value=figure_text(results[expect.lane], expect.figure),
                )
            )
    return failures


def step_by_key(key: str) -> Step:
    return next(s for s in STEPS if s.key == key)


def parse_step(text: str) -> int:
    """``--step 4``: a 1-based step number; ConfigError-style ValueError with one line otherwise."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= len(STEPS):
        raise ValueError(
            _("--step must be a number from 1 to {count}, not {text!r}").format(count=len(STEPS), text=text)
        )
    return number
