"""The run host: one child process per lane, started with ``python -c`` (see runner.HOST_MAIN).

It runs one batch (a sequential loop, or the chosen engine's threads or processes, see
core/engines) and writes small JSON-line events to the file descriptor it is given. It imports only the
standard library and the workload's own module, so a pure-Python lane can run under another
interpreter (a free-threaded ``python3.14t``, say) and the UI never shares its GIL.

Events are coalesced to at most about ten writes a second, each carrying at most
``MAX_RECORDS`` task records, so that reporting never slows the run it reports on.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import signal
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from typing import Any

from paraviz.core.host.engines import MODE_MODULES, load_lane_runner
from paraviz.core.host.engines.base import Batch, Emitter, Engine, LaneContext, Outcome
from paraviz.core.host.engines.emitter import kill_own_group
from paraviz.core.host.protocol import (
    CALIBRATED,
    CHECKED,
    LANE_FINISHED,
    LANE_STARTED,
    POOL_READY,
    CalibratedMessage,
    CheckedMessage,
    LaneFinishedMessage,
    LaneStartedMessage,
    PoolReadyMessage,
)
from paraviz.core.host.tasks_io import IO_MS_ENV
from paraviz.core.host.worker import ItemCall, hold_payload
from paraviz.core.i18n import _
from paraviz.core.model.config import DEFAULT_ENGINE
from paraviz.core.model.workloads import CALL_ITEM, WorkloadError, check_picklable, resolve, signature_contract


def run_sequential(task: Callable[[int, Any], Any], batch: Batch, emitter: Emitter, t0: float) -> str | None:
    pid, tid = os.getpid(), threading.get_native_id()
    index = 0
    while batch.more(index, t0):
        ts = time.monotonic()
        emitter.started.append((index, 1, pid, tid, ts, ts))
        cpu0 = time.thread_time()
        try:
            task(index, batch.arg_of(index))
        except Exception as exc:
            emitter.finish([(index, 0, pid, tid, ts, time.monotonic())])  # count 0: a failed task
            return _("task {index} raised {kind}: {error}").format(index=index, kind=type(exc).__name__, error=exc)
        te = time.monotonic()
        emitter.finish([(index, 1, pid, tid, ts, te)], time.thread_time() - cpu0)
        emitter.maybe_flush(te)
        index += 1
    return None


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the caller dies (an SSH drop), so no lane outlives it."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def configure(cfg: dict[str, Any]) -> None:
    """Limit the workload's inner threads in the host itself (pool workers do it in init_worker),
    and tell a workload's prepare how long its I/O waits (--io-ms: the pipeline's loopback server)."""
    if cfg.get("io_ms") is not None:
        os.environ[IO_MS_ENV] = str(cfg["io_ms"])
    if cfg.get("configure"):
        resolve(cfg["configure"])(cfg.get("inner_threads"))


def load_task(cfg: dict[str, Any]) -> Callable[[int, Any], Any]:
    """The workload's function, called as task(index, size) whatever its own contract."""
    function = resolve(cfg["task"])
    return ItemCall(function) if cfg.get("call") == CALL_ITEM else function


def python_label() -> str:
    """This host's Python version, marked "t" for a free-threaded build as Python marks it."""
    return platform.python_version() + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")


def gil_enabled() -> bool:
    """Whether the GIL is on now, after the workload's imports (importing an extension that does
    not declare free-threading support turns it back on)."""
    return bool(getattr(sys, "_is_gil_enabled", lambda: True)())


def finished_message(
    outcome: Outcome, wall_s: float, cpu_s: float, tasks_done: int, spans: list[list[float]] | None = None
) -> LaneFinishedMessage:
    return LaneFinishedMessage(
        event=LANE_FINISHED,
        status="error" if outcome.error else "ok",
        error=outcome.error,
        wall_s=wall_s,
        startup_s=outcome.startup_s,
        cpu_s=cpu_s,
        tasks_done=tasks_done,
        details=outcome.details,
        bytes_sent=outcome.bytes_sent,
        transfer_s=outcome.transfer_s,
        python=python_label(),
        gil_enabled=gil_enabled(),
        spans=spans or [],
    )


def lane_error(emitter: Emitter, error: str) -> int:
    emitter.emit(finished_message(Outcome(error=error), 0.0, 0.0, 0))
    return 1


def prepare_lane(cfg: dict[str, Any]) -> tuple[Callable[[int, Any], Any], Engine | None]:
    """Before the clock: import the workload, limit its inner threads, build its data, import the
    engine. WorkloadError with one line when any of it fails."""
    mode = cfg["mode"]
    task = load_task(cfg)
    if mode == "processes":
        check_picklable(cfg["task"])
    configure(cfg)
    if cfg.get("prepare"):
        resolve(cfg["prepare"])(cfg["size"])
    try:
        return task, load_lane_runner(mode, cfg.get("engine") or DEFAULT_ENGINE)
    except ImportError as exc:  # an engine's library missing from this interpreter
        what = (
            _("the {mode} lane").format(mode=mode)
            if mode in MODE_MODULES
            else _("engine {name!r}").format(name=cfg.get("engine"))
        )
        raise WorkloadError(
            _("{what} needs {module}: pip install {name}").format(what=what, module=exc.name or exc, name=exc.name)
        ) from None


def run_lane(cfg: dict[str, Any], emitter: Emitter) -> int:
    try:
        task, engine = prepare_lane(cfg)
    except WorkloadError as exc:
        return lane_error(emitter, str(exc))
    batch = Batch(cfg)
    # Made before the clock, as a notebook holds its DataFrame before it maps over it.
    payload = bytes(int(cfg["payload_mb"] * 2**20)) if cfg.get("payload_mb") else None
    hold_payload(payload)
    clock0 = cpu_clock()
    t0 = time.monotonic()
    emitter.emit(LaneStartedMessage(event=LANE_STARTED, t=t0, pid=os.getpid()))
    if engine is None:
        emitter.emit(PoolReadyMessage(event=POOL_READY, startup_s=0.0, details={}))
        outcome = Outcome(error=run_sequential(task, batch, emitter, t0))
    else:
        outcome = engine.run(LaneContext(cfg["mode"], cfg, task, batch, emitter, t0, payload))
    t_end = time.monotonic()
    cpu_s = lane_cpu_seconds(clock0, cpu_clock(), outcome)  # the same window as the wall time
    emitter.flush()
    # Said before the pool shuts down: the relay reads the machine's counters when it hears it, so
    # that a pool's exit (not the lane's work) is not counted as other programs' load either.
    emitter.emit(finished_message(outcome, t_end - t0, cpu_s, emitter.done, emitter.span_rows()))
    if outcome.error:
        kill_own_group()  # do not wait for tasks still running in a failed lane
    if outcome.cleanup is not None:
        outcome.cleanup()
    return 0


def cpu_clock() -> tuple[float, float, dict[int, float]]:
    """(this process, its reaped children, each live descendant) CPU seconds, to the microsecond.

    getrusage sums the scheduler's nanosecond counters; os.times() rounds them to 10 ms ticks, which
    made a 5 ms lane read 0.00 cores, or 2.55 on 2 cores. Live descendants are read by their CPU
    clocks now, so that a pool shut down after the lane's clock adds nothing: counting its workers
    when they were reaped added their exit (spawned workers unloading scikit-learn) to a window
    that had ended, and a spawn lane read 2.44 cores on 2."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime, live_descendants_cpu()


def lane_cpu_seconds(
    before: tuple[float, float, dict[int, float]], after: tuple[float, float, dict[int, float]], outcome: Outcome
) -> float:
    """This host's CPU over the lane's window, plus its workers': those reaped by then (getrusage),
    those alive at its end (their CPU clocks, less what they had at its start); forkserver's
    workers, children of the fork server and not of this host, add what they reported with their
    results where they had gone by the end."""
    live_before, live_after = before[2], after[2]
    live = sum(cpu - live_before.get(pid, 0.0) for pid, cpu in live_after.items())
    total = (after[0] - before[0]) + (after[1] - before[1]) + live
    if not outcome.children_counted:
        total += sum(cpu for pid, cpu in outcome.worker_cpu.items() if pid not in live_after)
    return total


def live_descendants_cpu() -> dict[int, float]:
    """CPU seconds of every live process under this one, by their CPU clocks (Linux; else none)."""
    found: dict[int, float] = {}
    todo = [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as listing:
                    children = [int(word) for word in listing.read().split()]
            except OSError:
                continue
            for child in children:
                try:
                    found[child] = time.clock_gettime(((~child) << 3) | 2)  # its CPU clock (clock_getcpuclockid)
                except OSError:  # gone, or a zombie
                    continue
                todo.append(child)
    return found


def calibrate(cfg: dict[str, Any], emitter: Emitter) -> int:
    """Time one task, doubling the size until it takes long enough to measure."""
    try:
        task = load_task(cfg)
        configure(cfg)
        if cfg.get("prepare"):
            resolve(cfg["prepare"])(cfg["size"])
    except WorkloadError as exc:
        emitter.emit(CalibratedMessage(event=CALIBRATED, error=str(exc)))
        return 1
    size = cfg["size"]
    for _round in range(8):
        t0 = time.monotonic()
        task(0, size)
        seconds = time.monotonic() - t0
        if seconds >= 0.15:
            break
        size *= 2
    emitter.emit(CalibratedMessage(event=CALIBRATED, size=size, seconds=seconds))
    return 0


def check(cfg: dict[str, Any], emitter: Emitter) -> int:
    """Whether the workload imports and pickles, and how it is called (from its signature)."""
    try:
        check_picklable(cfg["task"])
        call = signature_contract(resolve(cfg["task"]), cfg["task"])
        emitter.emit(CheckedMessage(event=CHECKED, error=None, call=call))
    except WorkloadError as exc:
        emitter.emit(CheckedMessage(event=CHECKED, error=str(exc)))
    return 0


def read_config(argument: str) -> dict[str, Any]:
    """The lane's settings: JSON, or @path of a JSON file (long --items lists exceed argv's limit)."""
    if argument.startswith("@"):
        with open(argument[1:], encoding="utf-8") as handle:
            return json.load(handle)
    return json.loads(argument)


def main(argv: list[str]) -> int:
    cfg = read_config(argv[1])
    emitter = Emitter(cfg["event_fd"])
    signal.signal(signal.SIGTERM, lambda *_: kill_own_group())
    _die_with_parent()
    action = cfg.get("action", "run")
    if action == "check":
        return check(cfg, emitter)
    if action == "calibrate":
        return calibrate(cfg, emitter)
    return run_lane(cfg, emitter)
