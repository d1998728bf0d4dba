"""concurrent.futures.InterpreterPoolExecutor (Python 3.14+): one subinterpreter, with its own GIL,
per worker thread, so that CPU-bound pure Python fills N cores in one process. The processes lane
runs as in the futures engine.

Each task's function and arguments are pickled into the worker's interpreter (a copy, as for a
process), and extension modules that do not support subinterpreters (NumPy) cannot be imported
there: validation.check_interpreter refuses such workloads before anything runs.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from paraviz.core.host.engines import futures
from paraviz.core.host.engines.base import LaneContext, Outcome, run_windowed
from paraviz.core.host.engines.spec import EngineSpec
from paraviz.core.host.worker import ping
from paraviz.core.i18n import N_, _, num

if TYPE_CHECKING:
    from paraviz.core.model.figures import RunResult


def parallel_threads(thr: RunResult) -> str:
    return _(
        "Threads used {cores} cores in one process: each ran its own interpreter with its own GIL "
        "(InterpreterPoolExecutor), so pure Python ran in parallel; starting them took {startup} s."
    ).format(cores=num(thr.effective_cores), startup=num(thr.startup_s))


SPEC = EngineSpec(
    "interpreters",
    N_("InterpreterPoolExecutor, an interpreter per thread / ProcessPoolExecutor"),
    threads_min_python=(3, 14),
    threads_min_python_why=N_(
        "the interpreters engine needs Python 3.14 or newer (InterpreterPoolExecutor); "
        "the lanes would run under {python}: give one with --python PATH"
    ),
    threads_load_extensions=False,
    threads_load_extensions_why=N_(
        "the interpreters engine runs pure-Python work only: {workload} imports {modules}, which "
        "cannot load in a subinterpreter; choose cumsum, sleep or squares"
    ),
    parallel_threads=parallel_threads,
)


def run(lane: LaneContext) -> Outcome:
    if lane.mode != "threads":
        return futures.run(lane)
    from concurrent.futures import InterpreterPoolExecutor  # type: ignore[attr-defined]

    executor = InterpreterPoolExecutor(max_workers=lane.workers, thread_name_prefix="paraviz-interpreter")
    outcome = Outcome()  # one process: os.times() counts every interpreter's thread
    try:
        executor.submit(ping).result()  # the first interpreter answering ends the start-up
    except Exception as exc:  # an interpreter that could not start, or could not import paraviz
        outcome.error = _("the interpreter pool could not start a worker: {error}").format(error=exc)
    outcome.startup_s = time.monotonic() - lane.t0
    lane.ready(outcome.startup_s, interpreters=lane.workers)
    if outcome.error is None:
        # No live "started" records: a deque cannot cross into another interpreter.
        outcome.error = run_windowed(lane, executor.submit, 1, outcome, None)
    outcome.cleanup = lambda: executor.shutdown(wait=True)
    return outcome
