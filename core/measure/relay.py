"""One lane's relay: its host's messages become events, and its tree is sampled from outside."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import cast

from paraviz.core.host.protocol import (
    CLUSTER_SAMPLED,
    LANE_FINISHED,
    LANE_STARTED,
    POOL_READY,
    TASKS,
    ClusterSampledMessage,
    LaneDetails,
    LaneFinishedMessage,
    LaneStartedMessage,
    Message,
    PoolReadyMessage,
    RawRecord,
    TasksMessage,
)
from paraviz.core.i18n import _, num
from paraviz.core.measure.attach import AttachedProcess
from paraviz.core.measure.command import CommandProcess
from paraviz.core.measure.launch import HostProcess, host_config
from paraviz.core.measure.threads import LIST_EVERY_S, ThreadStateSampler
from paraviz.core.measure.tree import BackgroundMeter
from paraviz.core.model.budget import WorkerSpan, lane_budget
from paraviz.core.model.config import RunConfig
from paraviz.core.model.diagnosis import ThreadsRead, children_busy, diagnose, io_detail
from paraviz.core.model.events import (
    ClusterSampled,
    Event,
    LaneSampled,
    LaneStarted,
    PoolReady,
    RemoteWorker,
    TaskRecord,
    TasksReported,
)
from paraviz.core.model.figures import RunResult
from paraviz.core.model.lanes import ATTACHED_MODE, COMMAND_MODE, LaneSpec
from paraviz.core.model.segments import Reading, lone_tail_s

#: A worker (a thread, or a pool's process) at this CPU % or more in a sample was busy.
BUSY_WORKER_PERCENT = 20.0
#: Task reports may add a sample between ticks; no two samples are closer than this.
MIN_EXTRA_SAMPLE_S = 0.1

#: Lanes whose threads' states are read at 50 Hz: several threads of one process, which may wait for
#: its GIL. The loop, pools of processes and the event-loop lanes are read with each sample.
FAST_STATE_MODES = ("threads", COMMAND_MODE, ATTACHED_MODE)
#: Later tasks kept to compare each worker's first with (their median is all that is used).
MAX_LATER_TASKS = 10_000

EventSink = Callable[[Event], None]


class Lane:
    """One lane's run: its host, the events it sent, and its tree sampled from outside."""

    def __init__(self, config: RunConfig, spec: LaneSpec, size: int, sink: EventSink, round_number: int = 1) -> None:
        self.spec = spec
        self.mode = spec.key  # what events and results call it
        self.round_number = round_number
        self.config = config
        self.sink = sink
        self.host: HostProcess | CommandProcess | AttachedProcess
        if spec.command:
            self.host = CommandProcess(spec, config.output_dir or ".", round_number)
        elif spec.pid:
            self.host = AttachedProcess(spec)
        else:
            self.host = HostProcess(host_config(config, config.workload, spec, size))
        #: Every sample as taken (paraviz attach cuts them into bursts of work).
        self.readings: list[Reading] = []
        self.started_at = time.monotonic()
        self.lane_t0: float | None = None
        self.finished: LaneFinishedMessage | None = None
        self.startup_s = 0.0
        self.details: LaneDetails = {}
        self.longest_task_s = 0.0
        #: Each worker's first task, per task of its chunk; and (a bounded number of) later ones.
        self.first_tasks: dict[tuple[int, int], float] = {}
        self.later_tasks: list[float] = []
        self.background = BackgroundMeter()
        self.tasks_done = 0
        #: A lane without task events: the most workers (threads or processes) busy at once, and when
        #: the first was busy (its start-up), both from the samples.
        self.busy_workers = 0
        self.first_busy_s: float | None = None
        self.last_sample_s = 0.0
        #: Set when the runner stopped the lane at config.time_limit_s.
        self.over_time_limit = False
        #: Every thread of the lane's tree, read while the lane's clock runs: at 50 Hz where threads of
        #: one process may wait for its GIL (threads, a user's command or process), else with each
        #: sample. On a CPU and runnable are counters, exact at any rate; only where a blocked
        #: thread waits is a snapshot, and a one-thread process waits for no GIL.
        self.states = ThreadStateSampler()
        self.fast_states = spec.mode in FAST_STATE_MODES
        #: A user's command or process may start processes between two samples: walked at 10 Hz.
        self.walks = spec.mode in (COMMAND_MODE, ATTACHED_MODE)
        self.walked: list[int] = []
        self.walked_at = -math.inf

    def sample_states(self) -> None:
        """One look at every thread's state, while the lane runs (not its imports, not its pool's exit).
        A user's program is walked again as often as its threads are listed."""
        if self.lane_t0 is None or self.finished is not None:
            return
        if not self.walks:
            self.states.tick(self.host.tree.pids())
            return
        if time.monotonic() - self.walked_at >= LIST_EVERY_S:
            self.walked, self.walked_at = self.host.tree.walk(), time.monotonic()
        self.states.tick(self.walked)

    def past_time_limit(self) -> bool:
        limit = self.config.time_limit_s
        return limit is not None and time.monotonic() - self.started_at > limit

    def handle(self, message: Message) -> None:
        kind = message["event"]
        if kind == LANE_STARTED:
            started = cast(LaneStartedMessage, message)
            self.lane_t0 = started["t"]
            self.sample_states()  # the counters' start: a lane shorter than a sample still has its states
            self.background = BackgroundMeter()  # from the lane's clock start, not the host's imports
            self.sink(LaneStarted(self.mode, started["pid"], self.round_number, self.config.repeat))
        elif kind == POOL_READY:
            ready = cast(PoolReadyMessage, message)
            self.startup_s, self.details = ready["startup_s"], ready["details"]
            self.sample()  # workers exist now; make sure the peaks see them
            self.sink(PoolReady(self.mode, self.startup_s))
        elif kind == TASKS:
            self.tasks_reported(cast(TasksMessage, message))
        elif kind == CLUSTER_SAMPLED:
            rows = cast(ClusterSampledMessage, message)["workers"]
            self.sink(ClusterSampled(self.mode, tuple(RemoteWorker(*row) for row in rows)))
        elif kind == LANE_FINISHED:
            self.sample_states()  # and their end, before the pool's exit
            self.finished = cast(LaneFinishedMessage, message)
            self.background.finish(self.finished["cpu_s"], self.finished["wall_s"])

    def tasks_reported(self, message: TasksMessage) -> None:
        t0 = self.lane_t0 or 0.0

        def records(raw: list[RawRecord]) -> list[TaskRecord]:
            return [TaskRecord(i, n, pid, tid, s - t0, e - t0) for i, n, pid, tid, s, e in raw]

        finished = records(message["finished"])
        singles = [r.end - r.start for r in finished if r.count == 1]
        self.longest_task_s = max([self.longest_task_s, *singles])
        for record in sorted(finished, key=lambda r: r.start):
            if record.count < 1:
                continue
            per_task = (record.end - record.start) / record.count
            if (record.pid, record.tid) not in self.first_tasks:
                self.first_tasks[(record.pid, record.tid)] = per_task
            elif len(self.later_tasks) < MAX_LATER_TASKS:
                self.later_tasks.append(per_task)
        if time.monotonic() - self.host.tree.last_sample >= MIN_EXTRA_SAMPLE_S:
            self.sample(per_thread=False)  # an extra, cheaper look between ticks: short lanes' peaks
        self.tasks_done = message["done"]
        self.sink(TasksReported(self.mode, message["done"], records(message["started"]), finished))

    def sample(self, per_thread: bool = True) -> None:
        """One look at the lane's tree; sent as a LaneSampled only once the lane's clock started.

        Before the host says LaneStarted (its imports) a look still sets psutil's baselines and
        the peaks, but nothing is sent: a sample timed from Popen would land before the start
        on a clock that is not the lane's, and LaneStarted would then clear it from the chart."""
        if self.finished is not None:  # the host is shutting its pool down: not the lane's work
            return
        if not self.fast_states:
            self.sample_states()
        sample = self.host.tree.sample(per_thread)
        if sample is None or self.lane_t0 is None:
            return
        # On the lane's own clock (the host's t0; CLOCK_MONOTONIC is one clock for every
        # process), so samples and task records share one time axis; stamped by the reading.
        elapsed_s = sample.stamp - self.lane_t0
        busy = sum(1 for load in sample.workers if load.cpu_percent >= BUSY_WORKER_PERCENT)
        self.busy_workers = max(self.busy_workers, busy)
        if busy and self.first_busy_s is None:  # busy since the sample before, at most
            self.first_busy_s = self.last_sample_s
        self.last_sample_s = elapsed_s
        self.readings.append(
            Reading(elapsed_s, sample.cpu_percent / 100, sample.processes, sample.threads, busy, sample.rss_bytes)
        )
        ticks = self.states.drain_ticks()
        keys = sorted({key for _stamp, letters in ticks for key in letters})
        shares = self.states.shares() if ticks else None
        self.sink(
            LaneSampled(
                self.mode,
                elapsed_s,
                sample.cpu_percent,
                sample.threads,
                sample.processes,
                sample.rss_bytes,
                sample.workers,
                tuple(stamp - self.lane_t0 for stamp, _letters in ticks),
                tuple((pid, tid, "".join(letters.get((pid, tid), " ") for _s, letters in ticks)) for pid, tid in keys),
                None if shares is None else shares["gil"],
                self.states.still_s(),
                self.states.still_on.most_common(1)[0][0] if self.states.still_on else None,
            )
        )

    def result(self, stopped: bool) -> RunResult:
        tree = self.host.tree
        f = self.finished or {}
        if not self.finished:  # stopped or failed: the machine's counters up to now, the tree's samples
            self.background.finish(tree.sampled_cpu_s, time.monotonic() - (self.lane_t0 or self.started_at))
        if self.over_time_limit:
            status = "stopped"
            error = _("stopped at the {limit} s time limit with {done} of {tasks} tasks done").format(
                limit=num(self.config.time_limit_s or 0, "g"), done=self.tasks_done, tasks=self.config.task_count
            )
        elif stopped and not self.finished:
            status, error = "stopped", _("stopped by the user")
        elif not self.finished:
            code = self.host.popen.returncode
            reason = self.host.last_error_line() or _("exit code {code}").format(code=code)
            status, error = "error", _("the run host ended unexpectedly: {reason}").format(reason=reason)
        else:
            status, error = f["status"], f.get("error")
        processes = self.spec.mode == "processes"
        details: LaneDetails = f.get("details") or {}
        tail_s = None
        if not self.spec.reports_tasks:  # no events: workers, start-up and tail as measured from outside
            workers, startup_s = max(1, self.busy_workers), self.first_busy_s or 0.0
            tail_s = lone_tail_s(self.readings, f.get("wall_s", time.monotonic() - self.started_at))
        else:
            workers = 1 if self.spec.mode == "sequential" else self.details.get("workers", self.config.workers)
            startup_s = f.get("startup_s", self.startup_s)
        wall_s = f.get("wall_s", time.monotonic() - self.started_at)
        budget, per_worker, task_cpu = self.budget(f.get("spans") or [], workers, wall_s, f.get("transfer_s", 0.0))
        read = self.threads_read()
        return RunResult(
            mode=self.mode,
            workers=workers,
            start_method=self.config.start_method if processes else details.get("start_method"),
            chunksize=self.details.get("chunksize", self.config.chunksize or 1) if processes else None,
            engine=self.spec.engine,
            chunksize_why=self.details.get("chunksize_why") if processes else None,
            inner_thread_limit=self.details.get("inner_thread_limit"),
            bytes_sent=f.get("bytes_sent", 0),
            transfer_s=f.get("transfer_s", 0.0),
            cluster_cpu_s=details.get("cluster_cpu_s"),
            compute_s=details.get("compute_s"),
            io_wait_s=details.get("io_wait_s"),
            command=details.get("command"),
            tail_s=tail_s,
            exit_code=details.get("exit_code"),
            output_path=details.get("output_path"),
            wall_s=wall_s,
            startup_s=startup_s,
            cpu_s=f.get("cpu_s", tree.sampled_cpu_s),
            tasks_done=f.get("tasks_done", self.tasks_done),
            peak_threads=max(tree.peak_threads, self.states.threads_seen),  # the 50 Hz listing sees short threads
            peak_processes=tree.peak_processes,
            peak_rss_bytes=tree.peak_rss_bytes,
            status=status,
            error=error,
            longest_task_s=self.longest_task_s,
            thread_states=self.states.shares(),
            thread_states_source=self.states.source if self.states.threads_gone or self.states.tracks else None,
            time_budget=budget,
            worker_budgets=tuple(per_worker),
            task_cpu_s=task_cpu,
            diagnosis=diagnose(read),
            io_detail=io_detail(read),
            threads_seen=self.states.threads_seen or None,
            threads_read=self.states.threads_read or None,
            first_task_s=statistics.median(self.first_tasks.values()) if self.first_tasks else None,
            later_task_s=statistics.median(self.later_tasks) if self.later_tasks else None,
            background_cores=self.background.cores or 0.0,
            observer_cores=self.background.observer_cores or 0.0,
            python=f.get("python"),
            gil_enabled=f.get("gil_enabled"),
        )

    def threads_read(self) -> ThreadsRead:
        """What was read of the lane's threads and processes, for its diagnoses."""
        states = self.states
        children, at_once = children_busy(states.busy_spans, self.host.tree.root_pid)
        return ThreadsRead(
            states.thread_seconds(),
            states.thread_details(),
            states.longest_still_s,
            states.longest_still_on,
            states.threads_seen,
            states.threads_read,
            children,
            at_once,
            states.readable,
        )

    def budget(
        self, rows: list[list[float]], workers: int, wall_s: float, transfer_s: float
    ) -> tuple[dict[str, float] | None, list[dict[str, float]], float | None]:
        """The lane's time budget from its workers' task spans (the host's) and their threads' states
        (read here): the lane's, each worker's (with its pid and thread), and its tasks' CPU."""
        if not rows or self.lane_t0 is None or wall_s <= 0:
            return None, [], None
        t0 = self.lane_t0
        spans = [
            WorkerSpan(int(pid), int(tid), first - t0, last - t0, busy, None if cpu < 0 else cpu, int(tasks))
            for pid, tid, first, last, busy, cpu, tasks in rows
        ]
        total, per_worker = lane_budget(spans, workers, wall_s, self.states.thread_seconds(), transfer_s)
        cpus = [span.task_cpu_s for span in spans if span.task_cpu_s is not None]
        labelled = [{"pid": span.pid, "tid": span.tid} | parts for span, parts in zip(spans, per_worker, strict=True)]
        return total, labelled, sum(cpus) if cpus else None
