"""Runs lanes in run-host child processes and measures their process trees from outside.

``run_lanes`` is the API the CLI and the live app share: it starts one host per lane
(one after another, or together), relays the host's events, samples the lane's process tree
with psutil at a fixed rate, and returns the measured figures. ``stop`` ends every lane's
whole process group at once.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import psutil
from paraviz.core.config import CALL_INDEX_SIZE, RunConfig
from paraviz.core.events import (
    Calibrated,
    Calibrating,
    Event,
    LaneFinished,
    LaneSampled,
    LaneStarted,
    PoolReady,
    TaskRecord,
    TasksReported,
    WorkerLoad,
)
from paraviz.core.explain import explain
from paraviz.core.figures import RunResult, median_of_rounds, with_comparisons
from paraviz.core.i18n import _, num
from paraviz.core.interpreter import host_argv
from paraviz.core.machine import MachineInfo, logical_cores, machine_info
from paraviz.core.workloads import Workload, WorkloadError

SAMPLE_INTERVAL_S = 0.25
#: A worker process's memory beyond the host's, used to refuse pools that would not fit.
PURE_WORKER_BYTES = 40 * 2**20
NUMERIC_WORKER_BYTES = 300 * 2**20

#: How a host starts: with ``-c`` rather than ``-m``, spawn and forkserver workers have no main
#: module to re-import, which saved ~25 ms of pool start-up per lane (benchmarks/fidelity.py).
HOST_MAIN = "import sys; from paraviz.core.host import main; sys.exit(main(sys.argv))"
#: The longest the relay sleeps without looking at the stop flag.
MAX_WAIT_S = 0.25
#: Task reports may add a sample between ticks; no two samples are closer than this.
MIN_EXTRA_SAMPLE_S = 0.1
#: A host's settings longer than this go through a file (a million --items do not fit in argv).
MAX_ARGUMENT_CHARS = 100_000
INNER_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

EventSink = Callable[[Event], None]


class RunError(RuntimeError):
    """A run that could not start (its message is one line for the user)."""


# -- the process tree of one lane, seen from outside ---------------------------------------


@dataclass
class TreeSample:
    cpu_percent: float
    threads: int
    processes: int
    rss_bytes: int
    workers: tuple[WorkerLoad, ...]


@dataclass
class ProcessTree:
    """Keeps psutil.Process objects between ticks: cpu_percent() needs the previous reading."""

    root_pid: int
    known: dict[int, psutil.Process] = field(default_factory=dict)
    thread_times: dict[int, float] = field(default_factory=dict)
    last_sample: float = 0.0
    last_thread_sample: float = 0.0
    peak_threads: int = 0
    peak_processes: int = 0
    peak_rss_bytes: int = 0

    def __post_init__(self) -> None:
        try:
            root = psutil.Process(self.root_pid)
            root.cpu_percent()
            self.known[self.root_pid] = root
        except psutil.Error:
            pass
        self.last_sample = time.monotonic()

    def pids(self) -> list[int]:
        return list(self.known)

    def sample(self, per_thread: bool = True) -> TreeSample | None:
        """One look at the tree; ``per_thread`` adds each thread's CPU share for one-process lanes."""
        root = self.known.get(self.root_pid)
        if root is None:
            return None
        try:
            children = root.children(recursive=True)
        except psutil.Error:
            return None
        alive = {self.root_pid: root}
        for child in children:
            proc = self.known.get(child.pid)
            if proc is None:
                proc = child
                try:
                    proc.cpu_percent()  # baseline: the first reading is meaningless
                except psutil.Error:
                    continue
            alive[child.pid] = proc
        self.known = alive
        self.last_sample = time.monotonic()
        cpu = 0.0
        threads = rss = 0
        loads: list[WorkerLoad] = []
        for pid, proc in alive.items():
            try:
                with proc.oneshot():
                    pct = proc.cpu_percent()
                    threads += proc.num_threads()
                    rss += proc.memory_info().rss
            except psutil.Error:
                continue
            cpu += pct
            if pid != self.root_pid:
                loads.append(WorkerLoad(f"pid {pid}", pct, pid=pid))
        if len(alive) == 1 and per_thread:
            loads = self._thread_loads(root)
        self.peak_threads = max(self.peak_threads, threads)
        self.peak_processes = max(self.peak_processes, len(alive))
        self.peak_rss_bytes = max(self.peak_rss_bytes, rss)
        return TreeSample(cpu, threads, len(alive), rss, tuple(loads))

    def _thread_loads(self, root: psutil.Process) -> list[WorkerLoad]:
        """Per-thread CPU share of a single-process lane since the last such reading: the GIL made visible."""
        try:
            threads = root.threads()
        except psutil.Error:
            return []
        now = time.monotonic()
        dt = max(now - self.last_thread_sample, 1e-6)
        self.last_thread_sample = now
        loads = []
        seen: dict[int, float] = {}
        for thread in threads:
            total = thread.user_time + thread.system_time
            seen[thread.id] = total
            before = self.thread_times.get(thread.id)
            if before is not None:
                label = "main thread" if thread.id == root.pid else f"thread {thread.id}"
                loads.append(WorkerLoad(label, 100 * (total - before) / dt, pid=root.pid, tid=thread.id))
        self.thread_times = seen
        return loads


# -- what the rest of the machine did meanwhile -------------------------------------------------


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine spent busy since boot (not idle, not waiting on I/O)."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def own_cpu_seconds() -> float:
    """This process's CPU seconds: paraviz itself (the app or the CLI), which is not background."""
    t = os.times()
    return t.user + t.system


@dataclass
class BackgroundMeter:
    """Busy CPU of the whole machine over a lane, less the lane's own and paraviz's own.

    Counters, not samples: exact to the kernel's 10 ms tick however short the lane."""

    machine0: float = field(default_factory=lambda: machine_busy_seconds())
    own0: float = field(default_factory=lambda: own_cpu_seconds())
    cores: float | None = None

    def finish(self, lane_cpu_s: float, wall_s: float) -> float:
        if self.cores is None:
            others = machine_busy_seconds() - self.machine0 - (own_cpu_seconds() - self.own0) - lane_cpu_s
            self.cores = max(0.0, others / wall_s) if wall_s > 0 else 0.0
        return self.cores


# -- one lane's run host ----------------------------------------------------------------------

_live_hosts: set[HostProcess] = set()
_live_lock = threading.Lock()


class HostProcess:
    """A run host child: its own session and process group, events on a private pipe."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        env = dict(os.environ)
        if cfg.get("configure"):
            # threadpoolctl limits each task; the variables also bind the thread pools that
            # BLAS and OpenMP size at import, which a limit set later does not always reach
            # in forked workers (measured: 6x slower HistGradientBoosting without them).
            for name in INNER_THREAD_VARIABLES:
                env[name] = str(cfg["inner_threads"])
        read_fd, write_fd = os.pipe()
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept open for the host's lifetime
        argument = json.dumps({**cfg, "event_fd": write_fd})
        self.config_file: str | None = None
        if len(argument) > MAX_ARGUMENT_CHARS:  # Linux refuses one argument over 128 KiB
            handle, self.config_file = tempfile.mkstemp(prefix="paraviz-lane-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(argument)
            argument = "@" + self.config_file
        command, extra_env = host_argv(cfg.get("python"), HOST_MAIN)
        env.update(extra_env)
        try:
            self.popen = subprocess.Popen(
                [*command, argument],
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
                start_new_session=True,
                env=env,  # its own process group: one signal ends every worker
            )
        finally:
            os.close(write_fd)
        self.read_fd = read_fd
        os.set_blocking(read_fd, False)
        self.buffer = b""
        self.closed = False
        self.tree = ProcessTree(self.popen.pid)
        with _live_lock:
            _live_hosts.add(self)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def read_messages(self) -> list[dict[str, Any]]:
        """Every complete JSON line available now; marks the pipe closed at end of file."""
        messages = []
        while not self.closed:
            try:
                chunk = os.read(self.read_fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                self.closed = True
                break
            self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            if line.strip():
                messages.append(json.loads(line))
        return messages

    def kill(self) -> None:
        """SIGKILL the host's process group, and any descendant that left it."""
        pids = self.tree.pids()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.close()

    def close(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        if self.read_fd >= 0:
            os.close(self.read_fd)
            self.read_fd = -1
        if self.config_file:
            with contextlib.suppress(OSError):
                os.unlink(self.config_file)
            self.config_file = None
        with _live_lock:
            _live_hosts.discard(self)

    def last_error_line(self) -> str:
        self.stderr.seek(0)
        lines = [ln for ln in self.stderr.read().decode(errors="replace").splitlines() if ln.strip()]
        return lines[-1].strip() if lines else ""


def stop_all_hosts() -> None:
    """End every live lane (used on quit, Ctrl+C, SIGTERM and SIGHUP)."""
    with _live_lock:
        hosts = list(_live_hosts)
    for host in hosts:
        host.kill()


def kill_all_hosts_now() -> None:
    """SIGKILL every lane's process group without waiting or locking: safe in a signal handler."""
    for host in list(_live_hosts):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(host.pid, signal.SIGKILL)


atexit.register(stop_all_hosts)


def host_config(config: RunConfig, workload: Workload, mode: str, size: int) -> dict[str, Any]:
    module = workload.task.partition(":")[0]
    return {
        "mode": mode,
        "task": workload.task,
        "prepare": workload.prepare,
        "configure": f"{module}:configure" if workload.uses_inner_threads else None,
        "inner_threads": config.inner_threads,
        "workers": config.workers,
        "start_method": config.start_method,
        "engine": config.engine,
        "call": config.call,
        "chunksize": config.chunksize,
        "tasks": config.task_count,
        "size": size,
        "sizes": list(config.sizes) if config.sizes else None,
        "items": list(config.items) if isinstance(config.items, tuple) else None,
        "item_range": [config.items.start, config.items.stop] if isinstance(config.items, range) else None,
        "seconds": config.seconds,
        "payload_mb": config.payload,
        "scheduler": config.scheduler,
        "python": config.python,
    }


class Lane:
    """One mode's run: its host, the events it sent, and its tree sampled from outside."""

    def __init__(self, config: RunConfig, mode: str, size: int, sink: EventSink, round_number: int = 1) -> None:
        self.mode = mode
        self.round_number = round_number
        self.config = config
        self.sink = sink
        self.host = HostProcess(host_config(config, config.workload, mode, size))
        self.started_at = time.monotonic()
        self.lane_t0: float | None = None
        self.finished: dict[str, Any] | None = None
        self.startup_s = 0.0
        self.details: dict[str, Any] = {}
        self.longest_task_s = 0.0
        self.background = BackgroundMeter()

    def handle(self, message: dict[str, Any]) -> None:
        kind = message["event"]
        if kind == "lane_started":
            self.lane_t0 = message["t"]
            self.background = BackgroundMeter()  # from the lane's clock start, not the host's imports
            self.sink(LaneStarted(self.mode, message["pid"], self.round_number, self.config.repeat))
        elif kind == "pool_ready":
            self.startup_s = message["startup_s"]
            self.details = message.get("details") or {}
            self.sample()  # workers exist now; make sure the peaks see them
            self.sink(PoolReady(self.mode, self.startup_s))
        elif kind == "tasks":
            t0 = self.lane_t0 or 0.0

            def records(raw: list[list[Any]]) -> list[TaskRecord]:
                return [TaskRecord(i, n, pid, tid, s - t0, e - t0) for i, n, pid, tid, s, e in raw]

            finished = records(message["finished"])
            singles = [r.end - r.start for r in finished if r.count == 1]
            self.longest_task_s = max([self.longest_task_s, *singles])
            if time.monotonic() - self.host.tree.last_sample >= MIN_EXTRA_SAMPLE_S:
                self.sample(per_thread=False)  # an extra, cheaper look between ticks: short lanes' peaks
            self.sink(TasksReported(self.mode, message["done"], records(message["started"]), finished))
        elif kind == "lane_finished":
            self.finished = message
            self.background.finish(message["cpu_s"], message["wall_s"])

    def sample(self, per_thread: bool = True) -> None:
        sample = self.host.tree.sample(per_thread)
        if sample is not None:
            # On the lane's own clock (the host's t0; CLOCK_MONOTONIC is one clock for every
            # process), so samples and task records share one time axis.
            elapsed = time.monotonic() - (self.lane_t0 or self.started_at)
            self.sink(
                LaneSampled(
                    self.mode,
                    elapsed,
                    sample.cpu_percent,
                    sample.threads,
                    sample.processes,
                    sample.rss_bytes,
                    sample.workers,
                )
            )

    def result(self, stopped: bool) -> RunResult:
        tree = self.host.tree
        f = self.finished or {}
        if stopped and not self.finished:
            status, error = "stopped", _("stopped by the user")
        elif not self.finished:
            code = self.host.popen.returncode
            reason = self.host.last_error_line() or _("exit code {code}").format(code=code)
            status, error = "error", _("the run host ended unexpectedly: {reason}").format(reason=reason)
        else:
            status, error = f["status"], f.get("error")
        return RunResult(
            mode=self.mode,
            workers=1
            if self.mode == "sequential"
            else self.details.get("one_per_task", self.details.get("dask_threads") or self.config.workers),
            start_method=self.config.start_method if self.mode == "processes" else None,
            chunksize=self.details.get("chunksize", self.config.chunksize or 1) if self.mode == "processes" else None,
            engine=None if self.mode in ("sequential", "dask") else self.config.engine,
            chunksize_why=self.details.get("chunksize_why") if self.mode == "processes" else None,
            inner_thread_limit=self.details.get("inner_thread_limit"),
            bytes_sent=f.get("bytes_sent", 0),
            transfer_s=f.get("transfer_s", 0.0),
            cluster_cpu_s=(f.get("details") or {}).get("cluster_cpu_s"),
            compute_s=(f.get("details") or {}).get("compute_s"),
            wall_s=f.get("wall_s", time.monotonic() - self.started_at),
            startup_s=f.get("startup_s", self.startup_s),
            cpu_s=f.get("cpu_s", 0.0),
            tasks_done=f.get("tasks_done", 0),
            peak_threads=tree.peak_threads,
            peak_processes=tree.peak_processes,
            peak_rss_bytes=tree.peak_rss_bytes,
            status=status,
            error=error,
            longest_task_s=self.longest_task_s,
            background_cores=self.background.cores or 0.0,
            python=f.get("python"),
            gil_enabled=f.get("gil_enabled"),
        )


# -- whole runs ---------------------------------------------------------------------------------


def workload_fields(config: RunConfig, size: int) -> dict[str, Any]:
    """The workload part of a report: the same in run and sweep JSON."""
    return {
        "name": config.workload.name,
        "tasks": None if config.timed else config.task_count,
        "size": size,
        "sizes": list(config.sizes) if config.sizes else None,
        "seconds": config.seconds,
        "repeat": config.repeat,
        "payload_mb": config.payload,
    }


@dataclass(frozen=True)
class RunReport:
    machine: MachineInfo
    config: RunConfig
    size: int
    results: list[RunResult]

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if r.status == "error"]

    @property
    def explanation(self) -> list[str]:
        return explain(self.results, self.config, self.machine.logical_cores)

    def to_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.to_dict(),
            "workload": workload_fields(self.config, self.size),
            "runs": [r.to_dict() for r in self.results],
            "explanation": self.explanation,
        }


def _one_shot(cfg: dict[str, Any], stop: threading.Event | None) -> dict[str, Any]:
    """Run a host action that answers with one event (check, calibrate)."""
    host = HostProcess(cfg)
    try:
        while True:
            for message in host.read_messages():
                return message
            if host.closed or (stop is not None and stop.is_set()):
                raise RunError(
                    _("the run host ended unexpectedly: {value}").format(value=host.last_error_line() or _("no answer"))
                )
            _wait_readable([host.read_fd], 0.1)
    finally:
        host.kill()


def _wait_readable(fds: list[int], timeout: float) -> None:
    with selectors.DefaultSelector() as sel:
        for fd in fds:
            sel.register(fd, selectors.EVENT_READ)
        sel.select(timeout)


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
    cfg = host_config(config, workload, "sequential", workload.trial_size)
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
) -> RunReport:
    """Run each mode of ``config`` in its own host and return the measured figures.

    With ``config.repeat`` N the lanes run N rounds, interleaved (sequential, threads, processes,
    sequential, ...), so that a slow minute of the machine falls on every lane alike; each
    lane's figures are then the medians of its rounds. Events (including a LaneSampled every
    ``sample_interval``) go to ``sink`` from the calling thread; a LaneFinished follows every
    round with the medians so far. Setting ``stop`` ends the lanes still running within 0.25 s.
    """
    stop = stop or threading.Event()
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
            lanes = [Lane(config, mode, size, sink, round_number) for mode in modes]
            for result in _drive(lanes, stop, sample_interval):
                rounds.setdefault(result.mode, []).append(result)
            # The sequential lane runs first, so each lane's speedup is final as soon as it ends.
            medians = [median_of_rounds(rounds[m]) for m in config.modes if m in rounds]
            results = with_comparisons(medians, logical_cores(), config.timed)
            for result in results:
                if result.mode in modes:
                    sink(LaneFinished(result))
    return RunReport(machine_info(), config, size, results)


def _drive(lanes: list[Lane], stop: threading.Event, sample_interval: float) -> list[RunResult]:
    """Relay events and sample every live lane until all hosts have closed their pipes."""
    running = list(lanes)
    next_sample = time.monotonic()
    stopped = False
    try:
        while running:
            if stop.is_set():
                stopped = True
                break
            # Wake for events or the next sample, no more often: every wake-up of this process
            # may land on the core a lane is using (benchmarks/observer.py).
            wait = min(MAX_WAIT_S, max(0.0, next_sample - time.monotonic()))
            _wait_readable([lane.host.read_fd for lane in running], wait)
            for lane in list(running):
                for message in lane.host.read_messages():
                    lane.handle(message)
                if lane.host.closed:
                    lane.host.close()
                    running.remove(lane)
            if time.monotonic() >= next_sample:
                next_sample = time.monotonic() + sample_interval
                for lane in running:
                    # Not right after an extra sample: psutil's CPU times tick every 10 ms, so a
                    # reading over a few ms jumps between 0 and 200 % (seen on the lane charts).
                    if time.monotonic() - lane.host.tree.last_sample >= MIN_EXTRA_SAMPLE_S:
                        lane.sample()
    finally:
        for lane in lanes:
            lane.host.kill()
    return [lane.result(stopped) for lane in lanes]
