"""What the figures of a user's commands say (``paraviz watch``): from outside, with no task events.

Each sentence quotes measured figures: the process tree's peaks, its CPU per wall second, how many
workers were busy at once, when the first was busy, and what the command printed when it failed.
"""

from __future__ import annotations

from dataclasses import replace

from paraviz.core.i18n import _, num
from paraviz.core.model.figures import RunResult
from paraviz.core.teach.explain_diagnosis import diagnosis_sentence, diagnosis_sentences

#: Under this many cores a process with several threads was held to one core.
GIL_BOUND = 1.3
#: Start-up this long, and at least this share of the lane, is worth a sentence.
STARTUP_S, STARTUP_SHARE = 0.5, 0.2
#: One worker alone this long, and at least this share of the lane, at its end: a long tail.
TAIL_S, TAIL_SHARE = 0.3, 0.2
#: What a pool prints when its workers cannot find a function defined in a notebook or __main__.
PICKLING_MARKS = ("Can't get attribute", "Can't pickle", "PicklingError")


def command_sentences(results: list[RunResult], logical_cores: int) -> list[str]:
    baseline = results[0] if results else None
    lines: list[str] = []
    for lane in results:
        if lane.error and any(mark in lane.error for mark in PICKLING_MARKS):
            lines.append(notebook_problem(lane))
        if not lane.ok:  # stopped or failed: what its threads were doing, if they were stuck
            lines += [diagnosis_sentence(lane.mode, d) for d in lane.diagnosis if d.kind == "stuck"]
            continue
        lines.append(shape_sentence(lane))
        lines += diagnosis_sentences(lane.mode, lane.diagnosis)
        if lane is not baseline and baseline is not None and lane.speedup is not None:
            lines.append(
                _("{lane} ran {speedup}× as fast as {baseline}.").format(
                    lane=lane.mode, speedup=num(lane.speedup), baseline=baseline.mode
                )
            )
        tail = lane.tail_s or 0.0
        if tail >= TAIL_S and tail >= TAIL_SHARE * lane.wall_s:
            lines.append(
                _(
                    "{lane}: for its last {seconds} s one worker ran alone after the others had finished: "
                    "unequal tasks (a long tail)."
                ).format(lane=lane.mode, seconds=num(tail, ".1f"))
            )
        if lane.startup_s >= STARTUP_S and lane.startup_s >= STARTUP_SHARE * lane.wall_s:
            lines.append(
                _("{lane}: {seconds} s passed before any of its threads or processes was busy (start-up).").format(
                    lane=lane.mode, seconds=num(lane.startup_s, ".1f")
                )
            )
    return lines


def burst_sentences(results: list[RunResult]) -> list[str]:
    """``paraviz attach``: each burst of work, with its own figures, side by side."""
    if not results:
        return [_("No burst of work while following: the processes stayed under 0.15 cores.")]
    lines = []
    for burst in results:
        if burst.burst is None:  # no burst of work: the whole time followed, for its diagnoses
            lines += [_("No burst of work while following: the processes stayed under 0.15 cores.")]
            lines += diagnosis_sentences(burst.mode, burst.diagnosis)
            continue
        label = _("{lane}, burst {number} ({start}–{end} s)").format(
            lane=burst.mode,
            number=burst.burst,
            start=num(burst.burst_start_s or 0.0, ".1f"),
            end=num((burst.burst_start_s or 0.0) + burst.wall_s, ".1f"),
        )
        lines.append(shape_sentence(burst, label))
        lines += diagnosis_sentences(burst.mode, burst.diagnosis)  # the whole time's, with the last burst
    return lines


def shape_sentence(lane: RunResult, label: str | None = None) -> str:
    """One process or several, one thread or several, and how many cores that gave; why it gave no
    more is the diagnoses' to say (core/teach/explain_diagnosis.py), from the threads' states."""
    cores, processes, threads = num(lane.effective_cores), lane.peak_processes, lane.peak_threads
    lane = replace(lane, mode=label or lane.mode)
    if processes > 1 and lane.effective_cores >= GIL_BOUND:
        return _("{lane}: {processes} processes used {cores} cores: they ran in parallel.").format(
            lane=lane.mode, processes=processes, cores=cores
        )
    if processes > 1:
        return _("{lane}: {processes} processes used only {cores} cores.").format(
            lane=lane.mode, processes=processes, cores=cores
        )
    if threads > 1 and lane.effective_cores < GIL_BOUND:
        if lane.thread_states is None:
            return _(
                "{lane}: one process with {threads} threads used {cores} cores: held by the GIL, or waiting "
                "(its threads' states were not read)."
            ).format(lane=lane.mode, threads=threads, cores=cores)
        return _("{lane}: one process with {threads} threads used {cores} cores.").format(
            lane=lane.mode, threads=threads, cores=cores
        )
    if threads > 1 and lane.gil_share is not None:
        return _(
            "{lane}: one process with {threads} threads used {cores} cores: its threads ran in parallel and "
            "waited for the GIL {share} of their time (compiled code that releases it, or a Python without it)."
        ).format(lane=lane.mode, threads=threads, cores=cores, share=num(lane.gil_share, ".0%"))
    if threads > 1:
        return _(
            "{lane}: one process with {threads} threads used {cores} cores: its threads ran in parallel "
            "(compiled code that releases the GIL, or a Python without it)."
        ).format(lane=lane.mode, threads=threads, cores=cores)
    return _("{lane}: one process, one thread, {cores} cores.").format(lane=lane.mode, cores=cores)


def notebook_problem(lane: RunResult) -> str:
    method = lane.start_method or _("spawn or forkserver")
    return _(
        "{lane}: its pool's workers could not load a function defined in the notebook or script itself "
        "(start method {method}: the default on macOS, and on Linux from Python 3.14, where each worker "
        "imports it by name): move the function into a .py file and import it."
    ).format(lane=lane.mode, method=method)
