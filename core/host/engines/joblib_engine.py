"""joblib: ``Parallel(n_jobs=workers, backend="threading")`` for threads and the default loky
backend for processes, one ``delayed`` call per task (joblib batches tiny ones itself)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from typing import TYPE_CHECKING, Any

from paraviz.core.host.engines.base import LaneContext, Outcome, drain_from_thread, proc_stat
from paraviz.core.host.engines.spec import EngineSpec
from paraviz.core.host.worker import FileBoard, probe, run_chunk, run_configured_chunk
from paraviz.core.i18n import N_, _, num

if TYPE_CHECKING:
    from paraviz.core.model.figures import RunResult


def sentences(thr: RunResult | None, proc: RunResult | None, logical_cores: int) -> list[str]:
    """loky's start-up and the inner-thread limit it gives each worker."""
    if not (proc and proc.ok):
        return []
    limit = proc.inner_thread_limit
    sentence = (
        _(
            "joblib's loky started {workers} worker processes in {startup} s, each limited to {limit} "
            "inner threads (loky keeps them for the next call; each lane here starts afresh)."
        )
        if limit
        else _(
            "joblib's loky started {workers} worker processes in {startup} s "
            "(loky keeps them for the next call; each lane here starts afresh)."
        )
    )
    return [sentence.format(workers=proc.workers, startup=num(proc.startup_s), limit=limit)]


SPEC = EngineSpec(
    "joblib",
    N_('joblib Parallel, backend "threading" / loky'),
    modules=("joblib",),
    starter="loky",
    label="{mode} loky",
    sentences=sentences,
)


def prepare() -> None:
    """Imported with the engine, before the lane's clock starts, as a notebook imports it first
    (here, not at the top: the app reads SPEC without loading joblib)."""
    import joblib  # noqa: F401


def run(lane: LaneContext) -> Outcome:
    from joblib import Parallel, delayed, parallel_config

    threads = lane.mode == "threads"
    backend = "threading" if threads else "loky"
    cfg = lane.cfg
    # Like the seeds, let loky pick the inner-thread limit (cores // workers) unless the workload
    # asks for one (--inner-threads).
    inner = cfg.get("inner_threads") if cfg.get("configure") else None
    # loky workers are this host's children: their CPU clocks are read when the lane's clock stops.
    outcome = Outcome(children_counted=True)
    # parallel_config is thread-local: every Parallel below, in either thread, names it again.
    settings = {"backend": backend, "n_jobs": lane.workers, "inner_max_num_threads": None if threads else inner}
    with parallel_config(**settings):
        # loky starts its workers on the first call and keeps them for the next ones: this first
        # call is the lane's start-up.
        probes = Parallel()(delayed(probe)() for _worker in range(lane.workers))
    outcome.startup_s = time.monotonic() - lane.t0
    limits = sorted({limit for _pid, limit in probes if limit is not None})
    outcome.details = {"inner_thread_limit": ",".join(limits) if limits and not threads else None}
    lane.ready(outcome.startup_s, **outcome.details)

    batch, live = lane.batch, lane.emitter.started if threads else None
    next_index = [0]
    board = None if threads else FileBoard.create(_board_folder())

    def calls() -> Any:
        index = 0
        while batch.more(index, lane.t0):
            sent_at = time.monotonic() if lane.payload is not None else 0.0
            if threads:
                yield delayed(run_chunk)(lane.task, index, [batch.arg_of(index)], live, lane.payload, sent_at)
            else:
                if lane.payload is not None:
                    outcome.bytes_sent += len(lane.payload)
                yield delayed(run_configured_chunk)(
                    cfg.get("configure"),
                    cfg.get("inner_threads"),
                    board,
                    lane.task,
                    index,
                    [batch.arg_of(index)],
                    lane.payload,
                    sent_at,
                )
            index += 1

    def produce(put: Any) -> None:
        with parallel_config(**settings):
            for result in Parallel(return_as="generator")(calls()):
                put(result)

    def take(result: Any) -> str | None:
        records, error, task_cpu = outcome.took(result)
        next_index[0] += 1
        lane.emitter.finish(records, task_cpu)
        return error

    error = drain_from_thread(lane, produce, take)
    if error and "TerminatedWorkerError" in error:
        named = _dead_task(board) if board is not None else None
        where = named or _("task {index} or a later one: a loky worker").format(index=next_index[0])
        error = _("{where} ended abruptly ({codes})").format(where=where, codes=_exit_codes(error))
    if board is not None:
        with contextlib.suppress(OSError):
            os.unlink(board.path)
    outcome.error = error
    if not threads:
        outcome.cleanup = _stop_loky
    return outcome


def _board_folder() -> str:
    return "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


def _dead_task(board: FileBoard) -> str | None:
    """'task 2: worker pid 123', or 'task 2 or task 4: worker pid 123 or 456' when loky had ended
    the other workers too by the time we look (it does, at once, after one dies)."""
    dead = []
    for pid, index in board.entries():
        fields = proc_stat(pid)
        if (fields is None or fields[0] == b"Z") and index >= 0:
            dead.append((index, pid))
    if not dead:
        return None
    dead.sort()
    either = _(" or ")
    tasks = either.join(_("task {index}").format(index=index) for index, _pid in dead)
    pids = either.join(str(pid) for _index, pid in dead)
    return _("{tasks}: worker pid {pids}").format(tasks=tasks, pids=pids)


def _exit_codes(message: str) -> str:
    """'exit codes: {SIGKILL(-9)}' out of loky's long TerminatedWorkerError text."""
    start = message.find("exit codes")
    return message[start:].split("\n")[0].strip() if start >= 0 else "killed"


def _stop_loky() -> None:
    """loky keeps its workers for the next call; this host makes none, so end them now."""
    from joblib.externals.loky import reusable_executor

    executor = getattr(reusable_executor, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)
