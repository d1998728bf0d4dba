"""One ``threading.Thread`` per task, or one ``multiprocessing.Process`` per task, all started at
once, as seed 000 starts one thread per model: no pool, so every task pays its own start-up."""

from __future__ import annotations

import queue
import threading
import time
from typing import TYPE_CHECKING, Any

from paraviz.core.host.engines.base import FLUSH_EVERY_S, LaneContext, Outcome, exit_text
from paraviz.core.host.engines.spec import EngineSpec
from paraviz.core.host.worker import Record, init_worker, run_chunk
from paraviz.core.i18n import N_, _, num

if TYPE_CHECKING:
    from paraviz.core.model.figures import RunResult

#: More threads or processes than this at once is no longer a lesson, only a slow machine.
MAX_RAW_TASKS = 256


def sentences(thr: RunResult | None, proc: RunResult | None, logical_cores: int) -> list[str]:
    """More tasks than cores, each with a thread or process of its own."""
    return [
        one_per_task_sentence(lane, logical_cores)
        for lane in (thr, proc)
        if lane and lane.ok and lane.workers > logical_cores
    ]


def one_per_task_sentence(lane: RunResult, logical_cores: int) -> str:
    """--engine raw with more tasks than cores; 'at once' only where the samples saw them at once
    (a thread's start waits for the GIL: 32 pure-Python threads were seen 2 at a time)."""
    # The host's own main thread and the host process itself are in the peaks.
    alive = lane.peak_threads - 1 if lane.mode == "threads" else lane.peak_processes - 1
    figures = {"workers": lane.workers, "logical": logical_cores, "cores": num(lane.effective_cores), "alive": alive}
    if lane.mode == "threads" and alive * 2 <= lane.workers:
        text = _(
            "One thread per task: {workers} threads, but never more than {alive} alive at once in the samples "
            "(each start waits for the GIL); they used {cores} of {logical} cores: more threads buy no more cores."
        )
    elif lane.mode == "threads":
        text = _(
            "One thread per task: {workers} threads at once on {logical} cores used {cores} cores; "
            "more threads buy no more cores."
        )
    elif alive * 2 <= lane.workers:
        text = _(
            "One process per task: {workers} processes, never more than {alive} alive at once in the samples; "
            "they used {cores} of {logical} cores."
        )
    else:
        text = _(
            "One process per task: {workers} processes at once on {logical} cores used {cores} cores; "
            "more processes buy no more cores."
        )
    return text.format(**figures)


SPEC = EngineSpec(
    "raw",
    N_("one threading.Thread / multiprocessing.Process per task"),
    max_tasks=MAX_RAW_TASKS,
    max_tasks_why=N_(
        "the raw engine starts one thread or process per task: at most {max_tasks} "
        "tasks, not {task_count} (use --engine pool for more)"
    ),
    timed=False,
    timed_why=N_("the raw engine starts one thread or process per task: give tasks, not --seconds"),
    label=N_("{mode} {start_method} 1/task"),
    sentences=sentences,
)


def _in_process(
    results: Any, configure_ref: str | None, inner: int | None, task: Any, index: int, arg: Any, payload: Any
) -> None:
    init_worker(configure_ref, inner)
    results.put(run_chunk(task, index, [arg], None, payload))


def run(lane: LaneContext) -> Outcome:
    batch = lane.batch
    if batch.seconds is not None:
        return Outcome(error=_("the raw engine runs a fixed list of tasks, not a timed run (drop --seconds)"))
    threads = lane.mode == "threads"
    outcome = Outcome(children_counted=threads or lane.start_method != "forkserver")
    if lane.payload is not None and not threads and lane.start_method != "fork":
        outcome.bytes_sent = len(lane.payload) * batch.tasks  # fork inherits it; the others pickle it
    results: Any
    if threads:
        results = queue.Queue()
        starters: list[Any] = [
            threading.Thread(
                target=lambda i=i: results.put(
                    run_chunk(lane.task, i, [batch.arg_of(i)], lane.emitter.started, lane.payload)
                ),
                name=f"paraviz-task-{i}",
            )
            for i in range(batch.tasks)
        ]
    else:
        import multiprocessing

        context = multiprocessing.get_context(lane.start_method)
        results = context.Queue()
        cfg = lane.cfg
        starters = [
            context.Process(
                target=_in_process,
                args=(
                    results,
                    cfg.get("configure"),
                    cfg.get("inner_threads"),
                    lane.task,
                    i,
                    batch.arg_of(i),
                    lane.payload,
                ),
                name=f"paraviz-task-{i}",
            )
            for i in range(batch.tasks)
        ]
    for starter in starters:
        starter.start()
    # Each process pays its own start (a thread's start also waits for the GIL): the mean cost.
    outcome.details = {"workers": batch.tasks, "start_each_s": (time.monotonic() - lane.t0) / batch.tasks}
    lane.ready(0.0, **outcome.details)
    outcome.error = _collect(lane, results, starters, outcome, threads)
    if outcome.error is None:
        outcome.cleanup = lambda: [s.join() for s in starters]
    return outcome


def _collect(lane: LaneContext, results: Any, starters: list[Any], outcome: Outcome, threads: bool) -> str | None:
    pending = set(range(len(starters)))
    while pending:
        item = _next_result(results)
        if item is None:
            lane.emitter.flush()
            if not threads:
                for index in sorted(pending):
                    code = starters[index].exitcode
                    if code not in (None, 0):
                        return _("task {index}: process pid {pid} {how}").format(
                            index=index, pid=starters[index].pid, how=exit_text(code)
                        )
            continue
        records, error, task_cpu = outcome.took(item)
        record: Record = records[0]
        pending.discard(record[0])
        # Start-up: until the first task began (what a pool's first worker costs elsewhere).
        outcome.startup_s = min(outcome.startup_s or record[4] - lane.t0, record[4] - lane.t0)
        lane.emitter.finish(records, task_cpu)
        if error:
            return error
        lane.emitter.maybe_flush()
    return None


def _next_result(results: Any) -> Any:
    """The next task's result, or None after FLUSH_EVERY_S (queue.Queue and a multiprocessing
    Queue answer alike)."""
    try:
        return results.get(timeout=FLUSH_EVERY_S)
    except queue.Empty:
        return None
