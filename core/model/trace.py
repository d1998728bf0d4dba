"""What one lane streamed so far, folded in as events arrive: pure data the lane chart draws from."""

from __future__ import annotations

import bisect
import math
from collections import Counter, deque
from dataclasses import dataclass, field

from paraviz.core.model.events import LaneSampled, TaskRecord


def worker_key(pid: int, tid: int) -> tuple[str, int]:
    """Per-thread loads (one-process lanes) match a record by thread; pool workers by process."""
    return ("t", tid) if tid else ("p", pid)


#: Readings kept per series before the oldest half goes: columns already drawn keep them (a long
#: lane stays bounded; only a redraw after a new time axis loses the oldest detail).
MAX_READINGS = 8192
#: Finished task records kept for a redraw: the newest, as Dask's task stream keeps them.
MAX_RECORDS = 5000


def bounded_append(readings: list, reading: tuple) -> None:
    readings.append(reading)
    if len(readings) > MAX_READINGS:
        del readings[: MAX_READINGS // 2]


@dataclass
class WorkerRow:
    """A worker (a pid and thread) of the lane: when it first ran a task, and how many it finished."""

    first_start: float
    seen: int  # order of first sight, for ties
    done: int = 0
    #: Drawn from measurements, not task events (a user's command): no task count to show.
    measured: bool = False

    @property
    def label(self) -> str:
        """What the chart writes at the row's end: its tasks done; nothing for a measured row."""
        return "" if self.measured else str(self.done)


#: A lane without task events (a user's command) draws a worker's row where it used at least this CPU %.
BUSY_PERCENT = 5.0


@dataclass
class LaneTrace:
    """What one lane streamed so far: its tree's CPU over time, its tasks, its workers' CPU.

    Events fold in here as they come; the chart reads it once a frame."""

    samples: list[tuple[float, float]] = field(default_factory=list)  # (elapsed s, cores in use)
    records: deque[TaskRecord] = field(default_factory=lambda: deque(maxlen=MAX_RECORDS))
    running: dict[int, TaskRecord] = field(default_factory=dict)  # started, not yet finished
    worker_cpu: dict[tuple[str, int], list[tuple[float, float]]] = field(default_factory=dict)
    rows: dict[tuple[int, int], WorkerRow] = field(default_factory=dict)
    #: Finished records the chart has not drawn yet.
    fresh: list[TaskRecord] = field(default_factory=list)
    end_s: float | None = None  # the lane's wall time once it ended
    #: Bumped by every change: the chart draws only when it moved.
    version: int = 0
    #: Bumped when more records arrived than a hidden chart could take in: draw again from the ring.
    redraws: int = 0
    #: No task events will come (a user's command): each worker's busy stretches, as measured, are
    #: its row's blocks, so the chart draws what was measured and nothing it was not told.
    measured: bool = False
    #: Each thread's state at each look of the state sampler: (elapsed s, letter), by (pid, tid).
    states: dict[tuple[int, int], list[tuple[float, str]]] = field(default_factory=dict)
    #: The lane's share of thread-time waiting for the GIL so far, as last sampled.
    gil_share: float | None = None

    def sampled(self, sample: LaneSampled) -> None:
        since = self.samples[-1][0] if self.samples else 0.0
        bounded_append(self.samples, (sample.elapsed_s, sample.cores_in_use))
        for pid, tid, letters in sample.thread_states:
            series = self.states.setdefault((pid, tid), [])
            for t, letter in zip(sample.state_ticks, letters, strict=False):
                if letter != " ":
                    bounded_append(series, (t, letter))
        if sample.gil_share is not None:
            self.gil_share = sample.gil_share
        for load in sample.workers:
            readings = self.worker_cpu.setdefault(worker_key(load.pid, load.tid), [])
            bounded_append(readings, (sample.elapsed_s, load.cpu_percent))
        if self.measured:
            self.busy_stretches(sample, since)
        self.version += 1

    def busy_stretches(self, sample: LaneSampled, since: float) -> None:
        """Open a block where a worker became busy (since the sample before), close it where it stopped."""
        busy = {(load.pid, load.tid) for load in sample.workers if load.cpu_percent >= BUSY_PERCENT}
        open_blocks = {(r.pid, r.tid): r for r in self.running.values()}
        for key, record in open_blocks.items():
            if key not in busy:
                self.reported([], [TaskRecord(record.index, 1, record.pid, record.tid, record.start, since)])
        started = [
            TaskRecord(-1 - len(self.records) - len(self.running) - n, 1, pid, tid, since, sample.elapsed_s)
            for n, (pid, tid) in enumerate(sorted(busy - set(open_blocks)))
        ]
        if started:
            self.reported(started, [])
            for record in started:
                self.rows[(record.pid, record.tid)].measured = True

    def reported(self, started: list[TaskRecord], finished: list[TaskRecord]) -> None:
        for record in started:
            self.running[record.index] = record
            self.row(record)
        for record in finished:
            self.running.pop(record.index, None)
            self.records.append(record)
            self.fresh.append(record)
            self.row(record).done += max(0, record.count)
        if len(self.fresh) > MAX_RECORDS:  # nobody drew them (a hidden lane): the ring has the newest
            self.fresh.clear()
            self.redraws += 1
        self.version += 1

    def ended(self, wall_s: float) -> None:
        if self.measured and self.running:  # blocks still open end with the lane
            self.reported([], [TaskRecord(r.index, 1, r.pid, r.tid, r.start, wall_s) for r in self.running.values()])
        self.end_s = wall_s
        self.version += 1

    def row(self, record: TaskRecord) -> WorkerRow:
        key = (record.pid, record.tid)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = WorkerRow(record.start, len(self.rows))
        elif record.start < row.first_start:
            row.first_start = record.start
        return row

    def worker_order(self) -> list[tuple[int, int]]:
        """Workers in the order they first started a task."""
        return sorted(self.rows, key=lambda key: (self.rows[key].first_start, self.rows[key].seen))

    @property
    def now_s(self) -> float:
        if self.end_s is not None:
            return self.end_s
        last_sample = self.samples[-1][0] if self.samples else 0.0
        return max(0.0, last_sample, self.records[-1].end if self.records else 0.0)

    @property
    def final_s(self) -> float:
        """Up to here nothing more will arrive: the last sample (a column's value is the first
        sample at or after its middle), or everything once the lane ended."""
        if self.end_s is not None:
            return math.inf
        return self.samples[-1][0] if self.samples else -math.inf

    def cores_at(self, t: float) -> float | None:
        """The sample covering time ``t`` (each sample is the average since the one before)."""
        if not self.samples or t > self.now_s:
            return None
        i = bisect.bisect_left(self.samples, (t, -1.0))
        return self.samples[min(i, len(self.samples) - 1)][1]

    def state_at(self, key: tuple[int, int], start: float, end: float) -> str | None:
        """The state letter that most looks at thread ``key`` saw in [start, end) (each look says
        which state took most of the time since the one before), or the next look's where no look
        fell inside; None where the thread's states were not read."""
        series = self.states.get(key)
        if not series:
            return None
        i = bisect.bisect_left(series, (start, ""))
        j = bisect.bisect_left(series, (end, ""), lo=i)
        if i == j:
            return series[i][1] if i < len(series) else None
        return Counter(letter for _t, letter in series[i:j]).most_common(1)[0][0]

    def share_at(self, record: TaskRecord, t: float) -> float | None:
        """The CPU share of the worker that ran ``record`` at time ``t``, if it was measured."""
        readings = self.worker_cpu.get(worker_key(0, record.tid)) or self.worker_cpu.get(worker_key(record.pid, 0))
        if not readings:
            return None
        i = bisect.bisect_left(readings, (t, -1.0))
        return readings[min(i, len(readings) - 1)][1] / 100
