"""What the figures of the run just done say, in plain sentences.

Every sentence is conditioned on measured figures and quotes them; nothing here is canned.
Each threshold sits beside its reason; the sentences go through the catalog (core/i18n.py).
"""

from __future__ import annotations

from paraviz.core.host.engines import engine_spec
from paraviz.core.i18n import _, num
from paraviz.core.model.comparisons import single_thread_cost
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult, figure_text, mode_title
from paraviz.core.model.results import RunReport
from paraviz.core.teach.conditions import (
    CPU_BOUND_CORES,
    GIL_BOUND,
    PHYSICS_MARGIN,
    busy_machine,
    noise,
    observer,
    one_task_sentences,
    over_bound_sentences,
    too_short_sentences,
)
from paraviz.core.teach.explain_budget import budget_sentences, lost_little, smallest_clause
from paraviz.core.teach.explain_commands import burst_sentences, command_sentences
from paraviz.core.teach.explain_costs import STARTUP_SHARE, dask_sentences, data_sentences
from paraviz.core.teach.explain_loops import hybrid_sentences, loop_sentences
from paraviz.core.teach.explain_slow import slow_lane_sentences, warmup_sentences

TINY_TASK_S = 0.001
#: A share of the lane's thread-time waiting for the GIL (or sleeping) worth a sentence.
GIL_WAIT_SHARE = 0.2
#: Threads the GIL did not hold: waited for it less than this share of their time.
NO_GIL_WAIT_SHARE = 0.05
#: Workers runnable with no core free this share of their time were oversubscribed.
READY_SHARE = 0.2
#: Threads this much faster than sequential on under WAITING_CORES cores were waiting, not computing.
WAITING_SPEEDUP, WAITING_CORES = 1.5, 0.5
#: A speedup at least this large is worth a sentence about the processes' efficiency.
WORTH_SAYING_SPEEDUP = 1.2
#: Below this share of the usable cores' speedup, processes were held back.
CAPPED_SHARE = 0.85


__all__ = ["dask_sentences", "data_sentences", "explain"]


def explain_report(report: RunReport) -> list[str]:
    """What a finished run's figures say, sentence by sentence."""
    return explain(report.results, report.config, report.machine.logical_cores)


def explain(results: list[RunResult], config: RunConfig, logical_cores: int) -> list[str]:
    lanes = {r.mode: r for r in results}
    lines: list[str] = observer(results, logical_cores) + busy_machine(results)
    lines += [
        _("{lane} failed: {error}.").format(lane=mode_title(r.mode), error=r.error)
        for r in results
        if r.status == "error"
    ]
    lines += [
        _("{lane}: {reason}, on {cores} cores while it ran.").format(
            lane=mode_title(r.mode), reason=r.error or _("stopped"), cores=figure_text(r, "effective_cores")
        )
        for r in results
        if r.status == "stopped"
    ]
    if config.attach:
        return lines + burst_sentences(results)
    if config.commands:
        return lines + command_sentences(results, logical_cores)
    lines += too_short_sentences(results) + over_bound_sentences(results, logical_cores)
    single = one_task_sentences(config)
    if single:  # nothing ran beside anything: no lesson about running at once is drawn
        return lines + single
    # Lessons are drawn only from lanes long enough to measure, whose cores are within physics.
    measured = {m: r for m, r in lanes.items() if not r.too_short and "effective_cores" not in r.over_bound}
    noisy = noise(list(measured.values()), config, logical_cores)
    seq = measured.get("sequential")
    thr = measured.get("threads")
    # A speedup that physics forbids is noise: its lane keeps its cores' lesson, not its speed's.
    proc = None if "processes" in noisy else measured.get("processes")
    usable = min(config.workers, logical_cores)
    explained: set[str] = set()
    # Its cores and GIL share carry the no-GIL lesson, whatever its speed read (its bound is its own
    # build's one-thread loop: figures.own_speedup).
    nogil = measured.get("nogil")
    side_by_side = nogil_sentences(seq, thr, nogil)
    if not (side_by_side and thr and thr.ok and nogil and nogil.gil_enabled is False):
        said = thread_sentences(seq, thr, config, usable)  # else the side by side says it
        lines.extend(said)
        explained.update({"threads"} if said else set())
    lines.extend(side_by_side)
    # The hybrid answers its own question (which lane is fastest?) against every other lane: said
    # before them, so that a short screen (80x24) keeps it.
    lines.extend(hybrid_sentences(measured, explained))
    # Where each lane's time went: its biggest loss, from its budget (the one model of causes).
    # A noisy speed leaves the shares' lesson standing: the lane's factors but computation (its speed).
    # (processes that lost nothing much say their smallest factor in their own sentence, below)
    quiet = (
        {"processes"}
        if proc and proc.ok and lost_little(proc) and (proc.speedup or 0) >= WORTH_SAYING_SPEEDUP
        else set()
    )
    lanes_with_budget = [r for r in measured.values() if r.mode not in quiet]
    lines.extend(budget_sentences(lanes_with_budget, explained, set(noisy)))
    lines.extend(process_sentences(seq, proc, config, usable, logical_cores, explained))
    lines.extend(engine_sentences(thr, proc, logical_cores))
    lines.extend(data_sentences(seq, thr, proc, config, explained))
    lines.extend(dask_sentences(measured.get("dask"), proc, explained))
    lines.extend(loop_sentences(measured, config, explained))  # a noisy speedup: its caveat follows
    lines.extend(warmup_sentences(list(measured.values()), explained))
    lines.extend(slow_lane_sentences(lanes.get("sequential"), list(measured.values()), explained))
    return lines + list(noisy.values())  # the lesson first, its caveat after


def thread_sentences(seq: RunResult | None, thr: RunResult | None, config: RunConfig, usable: int) -> list[str]:
    """Waiting, held by the GIL, or released by a library: the threads lane's one sentence."""
    if not (thr and thr.ok):
        return []
    e = thr.effective_cores
    if thr.speedup is not None and thr.speedup > WAITING_SPEEDUP and e < WAITING_CORES:
        states = thr.thread_states
        if states and states["io"] >= GIL_WAIT_SHARE and states["gil"] < GIL_WAIT_SHARE:
            return [
                _(
                    "Threads ran {speedup}× faster on {cores} cores: they slept or waited on I/O {io} of their "
                    "time and for the GIL {gil}: their waits overlap, and the GIL is not in the way."
                ).format(
                    speedup=num(thr.speedup, ".1f"),
                    cores=num(e),
                    io=num(states["io"], ".0%"),
                    gil=num(states["gil"], ".0%"),
                )
            ]
        return [
            _(
                "Threads ran {speedup}× faster on {cores} cores: the tasks were waiting, "
                "and a waiting thread releases the GIL."
            ).format(speedup=num(thr.speedup, ".1f"), cores=num(e))
        ]
    if (
        CPU_BOUND_CORES <= e < GIL_BOUND  # busy on one core: held by the GIL (waiting threads use none)
        and config.workers > 1
        and (seq is None or (seq.effective_cores > 0.3 and (thr.speedup or 0) < GIL_BOUND))
    ):
        gil = thr.gil_share
        if gil is not None and gil >= GIL_WAIT_SHARE:
            return [
                _(
                    "{workers} threads on {usable} cores used {cores} cores: one ran Python at a time while the "
                    "others waited for the GIL {share} of their time."
                ).format(workers=config.workers, usable=usable, cores=num(e), share=num(gil, ".0%"))
            ]
        return [
            _("Threads used {cores} of {usable} cores: the GIL lets one thread run Python at a time.").format(
                cores=num(e), usable=usable
            )
        ]
    says_why = engine_spec(thr.engine).parallel_threads if thr.engine else None
    if e >= GIL_BOUND and says_why is not None:
        return [says_why(thr)]
    if e >= GIL_BOUND and thr.gil_enabled is False:
        return [
            _(
                "Threads used {cores} cores: Python {python} ran without the GIL, so CPU-bound threads ran in parallel."
            ).format(cores=num(e), python=thr.python)
        ]
    if e >= GIL_BOUND:
        return [
            _(
                "Threads used {cores} cores: the library released the GIL inside its compiled code, "
                "so threads ran in parallel there."
            ).format(cores=num(e))
        ]
    return []


#: A free-threaded build's single thread slower than this share is worth a sentence (3.13t paid ~40 %).
SINGLE_THREAD_COST_WORTH_SAYING = 0.03


def nogil_sentences(seq: RunResult | None, thr: RunResult | None, nogil: RunResult | None) -> list[str]:
    """The same threads with and without the GIL, side by side; and what the build costs one thread."""
    if not (nogil and nogil.ok):
        return []
    python, e = nogil.python or "?", nogil.effective_cores
    if nogil.gil_enabled:
        return [
            _(
                "Python {python} turned the GIL back on while the workload's modules were imported (an "
                "extension without free-threading support): its threads used {cores} cores."
            ).format(python=python, cores=num(e))
        ]
    lines = []
    if thr and thr.ok and e >= GIL_BOUND:
        lines.append(
            _(
                "Threads on Python {gil_python} used {gil_cores} cores; the same threads on Python {python} "
                "used {cores} cores: without the GIL they ran in parallel."
            ).format(gil_python=thr.python or "?", gil_cores=num(thr.effective_cores), python=python, cores=num(e))
        )
    elif e >= GIL_BOUND:
        lines.append(
            _("Threads on Python {python} used {cores} cores: without the GIL they ran in parallel.").format(
                python=python, cores=num(e)
            )
        )
    if e >= GIL_BOUND and nogil.gil_share is not None and nogil.gil_share < NO_GIL_WAIT_SHARE:
        gil_note = (
            _(" (on Python {gil_python} they waited for it {share} of their time)").format(
                gil_python=thr.python or "?", share=num(thr.gil_share, ".0%")
            )
            if thr and thr.gil_share is not None and thr.gil_share >= GIL_WAIT_SHARE
            else ""
        )
        lines.append(
            _("No thread waited for a GIL: {share} of their time{note}.").format(
                share=num(nogil.gil_share, ".0%"), note=gil_note
            )
        )
    else:
        lines.append(
            _(
                "Threads on Python {python}, without the GIL, used {cores} cores: no more than one, so it "
                "was not the GIL that held them (waiting tasks, or one worker)."
            ).format(python=python, cores=num(e))
        )
    cost = single_thread_cost(seq, nogil) if seq else None
    if cost is not None and abs(cost) >= SINGLE_THREAD_COST_WORTH_SAYING:
        sentence = (
            _(
                "On one worker Python {python} took {share} longer per task than Python {gil_python}: "
                "the price of the free-threaded build."
            )
            if cost > 0
            else _("On one worker Python {python} took {share} less per task than Python {gil_python}.")
        )
        lines.append(sentence.format(python=python, share=num(abs(cost), ".0%"), gil_python=seq.python or "?"))
    return lines


def process_sentences(
    seq: RunResult | None,
    proc: RunResult | None,
    config: RunConfig,
    usable: int,
    logical_cores: int,
    explained: set[str] | None = None,
) -> list[str]:
    """Speedup and efficiency, tiny tasks, start-up and oversubscription, from the processes lane."""
    if not (proc and proc.ok):
        return []
    explained = set() if explained is None else explained
    lines = []
    e, s = proc.effective_cores, proc.speedup
    if s is not None and s >= WORTH_SAYING_SPEEDUP:
        efficiency = proc.efficiency or 0.0
        how = (
            _("{efficiency} efficient").format(efficiency=num(efficiency, ".0%")) + smallest_clause(proc)
            if efficiency <= 1 + PHYSICS_MARGIN
            else _("more than {usable} cores could give: the tasks mostly waited, which needs no core").format(
                usable=usable
            )
        )
        lines.append(
            _("Processes used {cores} cores and ran {speedup}× faster than sequential ({how}).").format(
                cores=num(e), speedup=num(s), how=how
            )
        )
    per_task = seq.wall_s / max(1, seq.tasks_done) if seq and seq.ok else None
    # Tiny tasks, start-up and oversubscription are the budget's dispatch, startup and
    # oversubscription factors where the lane has them (its sentence names the largest): these
    # sentences speak only for a lane without a budget.
    budgeted = proc.efficiency_factors is not None
    if not budgeted and s is not None and s < 1 and per_task is not None and per_task < TINY_TASK_S:
        lines.append(
            _(
                "Processes were {slower}× slower than sequential: each task took {micros} µs, less than sending "
                "it to a worker (chunksize {chunksize}); a larger --chunksize batches them."
            ).format(slower=num(1 / s, ".1f"), micros=num(per_task * 1e6, ".1f"), chunksize=proc.chunksize or 1)
        )
    if not budgeted and proc.wall_s > 0 and proc.startup_s / proc.wall_s >= STARTUP_SHARE:
        starter = (engine_spec(proc.engine).starter if proc.engine else None) or proc.start_method
        lines.append(
            _("Pool start-up ({starter}) took {startup} s of {wall} s: short runs pay for starting workers.").format(
                starter=starter, startup=num(proc.startup_s), wall=num(proc.wall_s)
            )
        )
    ready = (proc.thread_states or {}).get("ready", 0.0)
    if not budgeted and ready >= READY_SHARE and s is not None and s < usable * CAPPED_SHARE:
        lines.append(
            _(
                "Processes' threads were runnable with no core free {share} of their time: {peak} threads on "
                "{cores} cores took turns (oversubscribed)."
            ).format(share=num(ready, ".0%"), peak=proc.peak_threads, cores=logical_cores)
        )
    inner = config.workers * config.inner_threads
    if lines and (s is None or s < WORTH_SAYING_SPEEDUP):
        explained.add("processes")  # tiny tasks or start-up: why it was slow
    if config.workload.uses_inner_threads and inner > logical_cores and s is not None and s < 1:
        explained.add("processes")
        lines.append(
            _(
                "Oversubscribed: {workers} workers × {inner_threads} inner threads = {inner} threads on {cores} "
                "cores ran {slower}× slower than sequential; try --inner-threads 1."
            ).format(
                workers=config.workers,
                inner_threads=config.inner_threads,
                inner=inner,
                cores=logical_cores,
                slower=num(1 / s, ".1f"),
            )
        )
    return lines


def engine_sentences(thr: RunResult | None, proc: RunResult | None, logical_cores: int) -> list[str]:
    """How the chosen engine ran the lanes, in the engine's own words (its SPEC's sentences)."""
    engine = next((lane.engine for lane in (thr, proc) if lane and lane.engine), None)
    return engine_spec(engine).sentences(thr, proc, logical_cores) if engine else []
