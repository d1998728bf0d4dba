"""Runs lanes in run-host child processes and measures their process trees from outside.

``run_lanes`` is the API the CLI and the live app share: it starts one host per lane
(one after another, or together), relays the host's events, samples the lane's process tree
with psutil at a fixed rate, and returns the measured figures. ``stop`` ends every lane's
whole process group at once.
"""

from __future__ import annotations

import contextlib
import math
import selectors
import tempfile
import threading
import time
from dataclasses import replace
from typing import Any

import psutil
from paraviz.core.i18n import _, num
from paraviz.core.measure.attach import burst_results
from paraviz.core.measure.launch import HostProcess, host_config, wait_readable
from paraviz.core.measure.machine import machine_info
from paraviz.core.measure.relay import MIN_EXTRA_SAMPLE_S, EventSink, Lane
from paraviz.core.measure.sampler import REFRESH_S
from paraviz.core.measure.threads import STATE_INTERVAL_S
from paraviz.core.model.comparisons import with_comparisons
from paraviz.core.model.config import RunConfig
from paraviz.core.model.events import BaselineStarted, Calibrated, Calibrating, LaneFinished
from paraviz.core.model.figures import RunResult, median_of_rounds
from paraviz.core.model.lanes import LaneSpec, baseline_lane, lane_spec, lanes_of
from paraviz.core.model.machine import logical_cores
from paraviz.core.model.results import RunReport
from paraviz.core.model.segments import bursts
from paraviz.core.model.workloads import CALL_INDEX_SIZE, Workload, WorkloadError

__all__ = ["EventSink", "RunError", "RunReport", "calibrate", "check_memory", "check_workload", "run_lanes"]

SAMPLE_INTERVAL_S = REFRESH_S
#: A worker process's memory beyond the host's, used to refuse pools that would not fit.
PURE_WORKER_BYTES = 40 * 2**20
NUMERIC_WORKER_BYTES = 300 * 2**20
#: The longest the relay sleeps without looking at the stop flag.
MAX_WAIT_S = 0.25


class RunError(RuntimeError):
    """A run that could not start (its message is one line for the user)."""


def _one_shot(cfg: dict[str, Any], stop: threading.Event | None) -> dict[str, Any]:
    """Run a host action that answers with one event (check, calibrate)."""
    host = HostProcess(cfg)
    try:
        while True:
            for message in host.read_messages():
                return dict(message)
            if host.closed or (stop is not None and stop.is_set()):
                raise RunError(
                    _("the run host ended unexpectedly: {value}").format(value=host.last_error_line() or _("no answer"))
                )
            wait_readable([host.read_fd], 0.1)
    finally:
        host.kill()


def check_workload(workload: Workload) -> str:
    """For a custom workload: import and pickle it in a throwaway host, and read how it is called
    (task(index, size) or f(item)); raise WorkloadError. The UI process never imports it."""
    if not workload.is_custom:
        return CALL_INDEX_SIZE
    answer = _one_shot({"action": "check", "task": workload.task, "size": 1}, None)
    if answer.get("error"):
        raise WorkloadError(answer["error"])
    return str(answer["call"])


def calibrate(config: RunConfig, sink: EventSink = lambda e: None, stop: threading.Event | None = None) -> int:
    """Choose a size so the sequential lane takes about ``target_seconds``, from one timed task."""
    workload = config.workload
    sink(Calibrating(workload.name))
    cfg = host_config(config, workload, lane_spec(config, "sequential"), workload.trial_size)
    answer = _one_shot({**cfg, "action": "calibrate"}, stop)
    if answer.get("error"):
        raise WorkloadError(answer["error"])
    per_task = config.target_seconds / config.task_count
    size = max(1, round(answer["size"] * per_task / max(answer["seconds"], 1e-6)))
    size = int(float(f"{size:.2g}"))  # two significant digits read better on screen
    sink(Calibrated(workload.name, size, answer["seconds"] * size / answer["size"]))
    return size


def check_memory(config: RunConfig) -> None:
    """Refuse a process pool whose estimated footprint would push the machine into swap."""
    if "processes" not in config.modes:
        return
    per_worker = NUMERIC_WORKER_BYTES if config.workload.prepare else PURE_WORKER_BYTES
    lanes = len(config.modes) if config.together else 1
    need = per_worker * (config.workers + lanes)
    available = psutil.virtual_memory().available
    if need > 0.8 * available:
        raise RunError(
            _(
                "{workers} worker processes need about {need} GiB (~{each} MiB each) but only "
                "{free} GiB is free: use fewer workers"
            ).format(
                workers=config.workers,
                need=num(need / 2**30, ".1f"),
                each=per_worker // 2**20,
                free=num(available / 2**30, ".1f"),
            )
        )


def run_lanes(
    config: RunConfig,
    sink: EventSink = lambda e: None,
    stop: threading.Event | None = None,
    sample_interval: float = SAMPLE_INTERVAL_S,
    one_worker_baseline: bool = True,
) -> RunReport:
    """Run each mode of ``config`` in its own host and return the measured figures.

    The nogil lane is preceded by its one-worker loop under its own Python unless
    ``one_worker_baseline`` is False (a sweep, whose 1-worker point is that loop already).

    With ``config.repeat`` N the lanes run N rounds, interleaved (sequential, threads, processes,
    sequential, ...), so that a slow minute of the machine falls on every lane alike; each
    lane's figures are then the medians of its rounds. Events (including a LaneSampled every
    ``sample_interval``) go to ``sink`` from the calling thread; a LaneFinished follows every
    round with the medians so far. Setting ``stop`` ends the lanes still running within 0.25 s.
    """
    stop = stop or threading.Event()
    if config.attach:
        return follow(config, sink, stop, sample_interval)
    if config.commands:  # a user's commands: nothing to check, calibrate or size
        size = 0
        if config.output_dir is None:
            config = replace(config, output_dir=tempfile.mkdtemp(prefix="paraviz-watch-"))
    else:
        config = replace(config, call=check_workload(config.workload))
        check_memory(config)
        size = calibrate(config, sink, stop) if config.needs_calibration else config.resolved_size()
    groups = [list(config.modes)] if config.together else [[m] for m in config.modes]
    rounds: dict[str, list[RunResult]] = {}
    results: list[RunResult] = []
    for round_number in range(1, config.repeat + 1):
        for modes in groups:
            if stop.is_set():
                break
            baselines = {
                key: nogil_baseline(config, size, sink, stop, round_number, sample_interval)
                for key in modes
                if key == "nogil" and one_worker_baseline
            }
            lanes = [Lane(config, lane_spec(config, key), size, sink, round_number) for key in modes]
            for result in _drive(lanes, stop, sample_interval):
                baseline = baselines.get(result.mode)
                if baseline is not None:
                    result = replace(
                        result, nogil_sequential_wall_s=baseline.wall_s, nogil_sequential_tasks=baseline.tasks_done
                    )
                rounds.setdefault(result.mode, []).append(result)
            # The baseline lane runs first, so each lane's speedup is final as soon as it ends.
            medians = [median_of_rounds(rounds[m]) for m in config.modes if m in rounds]
            results = with_comparisons(medians, logical_cores(), config.timed, baseline_lane(config))
            for result in results:
                if result.mode in modes:
                    sink(LaneFinished(result))
    return RunReport(machine_info(), config, size, results)


def follow(config: RunConfig, sink: EventSink, stop: threading.Event, sample_interval: float) -> RunReport:
    """``paraviz attach``: follow running processes until they exit, the time limit, or ``stop``;
    each lane's panel gets the whole time followed, the report one run per burst of work."""
    lanes = [Lane(config, spec, 0, sink) for spec in lanes_of(config)]
    results: list[RunResult] = []
    for lane, whole in zip(lanes, _drive(lanes, stop, sample_interval), strict=True):
        sink(LaneFinished(replace(whole, status="ok", error=None)))  # letting go is how following ends
        results += burst_results(whole, bursts(lane.readings))
    return RunReport(machine_info(), config, 0, results)


def nogil_baseline(
    config: RunConfig,
    size: int,
    sink: EventSink,
    stop: threading.Event,
    round_number: int,
    sample_interval: float,
) -> RunResult | None:
    """The nogil lane's tasks as a one-worker loop under its own Python, run (and measured) just
    before the lane: what the free-threaded build costs a single thread. None if it did not finish."""
    sink(BaselineStarted("nogil", config.nogil_python))
    spec = LaneSpec("nogil", "sequential", None, config.nogil_python)
    [result] = _drive([Lane(config, spec, size, lambda event: None, round_number)], stop, sample_interval)
    return result if result.ok and not stop.is_set() else None


def forget(selector: selectors.BaseSelector, fd: int) -> None:
    """Stop watching ``fd`` (before its owner closes it), if it was watched."""
    with contextlib.suppress(KeyError, ValueError):
        selector.unregister(fd)


def _drive(lanes: list[Lane], stop: threading.Event, sample_interval: float) -> list[RunResult]:
    """Relay events and sample every live lane until all hosts have closed their pipes."""
    running = list(lanes)
    next_sample = next_states = time.monotonic()
    stopped = False
    # One selector for the whole drive: it wakes 50 times a second for the threads' states, and a
    # new epoll object at each wake-up cost the app's run thread more than the reading itself.
    selector = selectors.DefaultSelector()
    for lane in running:
        if lane.host.read_fd >= 0:  # a followed process without a pidfd is polled instead
            selector.register(lane.host.read_fd, selectors.EVENT_READ)
    try:
        while running:
            if stop.is_set():
                stopped = True
                break
            # Wake for events, the next sample or the next look at the threads' states, no more
            # often: every wake-up of this process may land on the core a lane is using
            # (benchmarks/observer.py).
            selector.select(min(MAX_WAIT_S, max(0.0, min(next_sample, next_states) - time.monotonic())))
            if time.monotonic() >= next_states:
                fast = [lane for lane in running if lane.fast_states]
                next_states = time.monotonic() + STATE_INTERVAL_S if fast else math.inf
                for lane in fast:
                    lane.sample_states()
            for lane in list(running):
                for message in lane.host.read_messages():
                    lane.handle(message)
                if lane.host.closed:
                    forget(selector, lane.host.read_fd)
                    lane.host.close()
                    running.remove(lane)
                elif lane.past_time_limit():
                    lane.over_time_limit = True
                    forget(selector, lane.host.read_fd)
                    lane.host.kill()
                    running.remove(lane)
            if time.monotonic() >= next_sample:
                next_sample = time.monotonic() + sample_interval
                for lane in running:
                    # Not right after an extra sample: psutil's CPU times tick every 10 ms, so a
                    # reading over a few ms jumps between 0 and 200 % (seen on the lane charts).
                    if time.monotonic() - lane.host.tree.last_sample >= MIN_EXTRA_SAMPLE_S:
                        lane.sample()
    finally:
        selector.close()
        for lane in lanes:
            lane.host.kill()
            lane.states.close()
    return [lane.result(stopped) for lane in lanes]
