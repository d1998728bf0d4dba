"""The figures of a run, defined once for the TUI, the CLI and the tests (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

MODES = ("sequential", "threads", "processes")


@dataclass(frozen=True)
class RunResult:
    """One lane's measured figures. ``speedup`` and ``efficiency`` need the sequential lane."""

    mode: str
    workers: int
    start_method: str | None
    chunksize: int | None
    wall_s: float
    startup_s: float
    cpu_s: float
    tasks_done: int
    peak_threads: int
    peak_processes: int
    peak_rss_bytes: int
    status: str = "ok"  # ok | error | stopped
    error: str | None = None
    speedup: float | None = None
    efficiency: float | None = None
    #: Longest single task seen (seconds); the floor under any lane's wall time.
    longest_task_s: float = 0.0

    @property
    def effective_cores(self) -> float:
        """CPU seconds per wall second: about 1 for GIL-bound threads, about N for N busy processes."""
        return self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def throughput_per_s(self) -> float:
        return self.tasks_done / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, object]:
        fields = asdict(self)
        fields["effective_cores"] = self.effective_cores
        fields["throughput_per_s"] = self.throughput_per_s
        order = RUN_FIELDS
        return {key: fields[key] for key in order}


RUN_FIELDS = (
    "mode",
    "workers",
    "start_method",
    "chunksize",
    "wall_s",
    "startup_s",
    "cpu_s",
    "effective_cores",
    "speedup",
    "efficiency",
    "tasks_done",
    "throughput_per_s",
    "peak_threads",
    "peak_processes",
    "peak_rss_bytes",
    "status",
    "error",
)


def speedup(baseline: RunResult, lane: RunResult, timed: bool) -> float | None:
    """wall(sequential) / wall(lane) for a batch; throughput(lane) / throughput(sequential) when timed."""
    if not (baseline.ok and lane.ok) or lane.wall_s <= 0 or baseline.wall_s <= 0:
        return None
    if timed:
        return lane.throughput_per_s / baseline.throughput_per_s if baseline.throughput_per_s else None
    return baseline.wall_s / lane.wall_s


def efficiency(lane_speedup: float | None, workers: int, logical_cores: int) -> float | None:
    """speedup / min(workers, logical cores): 1.0 means every usable core paid off fully."""
    if lane_speedup is None:
        return None
    return lane_speedup / min(workers, logical_cores)


def with_comparisons(results: list[RunResult], logical_cores: int, timed: bool) -> list[RunResult]:
    """Fill speedup and efficiency of every lane against the sequential lane, if there is one."""
    baseline = next((r for r in results if r.mode == "sequential"), None)
    if baseline is None:
        return results
    out = []
    for result in results:
        s = speedup(baseline, result, timed)
        out.append(replace(result, speedup=s, efficiency=efficiency(s, result.workers, logical_cores)))
    return out
