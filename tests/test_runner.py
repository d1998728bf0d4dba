"""The engine against the physics of a 2-core machine, with margins for a busy one."""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
from dataclasses import replace

import psutil
import pytest
from paraviz.core.measure.runner import calibrate, run_lanes
from paraviz.core.model.config import RunConfig
from paraviz.core.model.events import LaneFinished, LaneSampled, LaneStarted, PoolReady, TasksReported
from paraviz.core.model.workloads import WorkloadError, get_workload

from tests.support.physics import physics

pytestmark = pytest.mark.usefixtures("no_leftover_processes")


def by_mode(report):
    return {r.mode: r for r in report.results}


@physics
def test_gil_holds_threads_to_one_core_while_processes_use_two():
    # Medians of 7 interleaved rounds, bounds unchanged. The VM's two vCPUs differ in speed, and
    # the one-thread sequential lane runs on one of them: its rounds came out bimodal (0.42-0.67 s).
    # With 3 rounds the processes speedup fell under 1.5 in 2 of 6 runs here (1.48, 1.30) and once in
    # a fresh-clone CI run (1.28); with 7 rounds, 8 of 8 runs gave 1.53-1.88.
    config = RunConfig(
        workload=get_workload("cumsum"), workers=2, tasks=8, size=4_000_000, start_method="fork", repeat=7
    )
    lanes = by_mode(run_lanes(config))
    assert all(r.ok for r in lanes.values()), lanes
    assert lanes["threads"].effective_cores < 1.3
    assert lanes["threads"].speedup < 1.3
    assert lanes["processes"].effective_cores > 1.6
    assert lanes["processes"].speedup > 1.5
    assert lanes["sequential"].peak_processes == 1
    assert lanes["processes"].peak_processes >= 3  # host + two workers
    assert lanes["threads"].peak_threads >= 3  # main + two pool threads


@physics
def test_threads_overlap_waits():
    config = RunConfig(workload=get_workload("sleep"), workers=8, tasks=8, size=200, modes=("sequential", "threads"))
    lanes = by_mode(run_lanes(config))
    assert lanes["threads"].speedup > 4
    assert lanes["threads"].effective_cores < 0.5  # waiting costs no CPU


def test_events_stream_while_the_run_happens():
    seen = []
    config = RunConfig(workload=get_workload("sleep"), workers=2, tasks=6, size=100, modes=("threads",))
    run_lanes(config, sink=seen.append, sample_interval=0.05)
    kinds = [type(e) for e in seen if not isinstance(e, LaneSampled)]
    assert kinds[0] is LaneStarted and PoolReady in kinds and kinds[-1] is LaneFinished
    reports = [e for e in seen if isinstance(e, TasksReported)]
    assert reports[-1].done == 6
    finished = {r.index for e in reports for r in e.finished}
    started = {r.index for e in reports for r in e.started}
    assert finished == started == set(range(6))
    assert len({r.tid for e in reports for r in e.finished}) == 2  # two pool threads did the work
    assert all(0 <= r.start <= r.end for e in reports for r in e.finished)
    samples = [e for e in seen if isinstance(e, LaneSampled)]
    assert samples and max(s.threads for s in samples) >= 3


def test_every_event_of_a_lane_comes_between_its_start_and_its_end_in_time_order():
    """All events, samples included: nothing of a lane before its LaneStarted (a sample timed from
    Popen once reached the chart before it and was wiped by it), nothing after its LaneFinished,
    and samples and task records on the lane's one clock, from zero on."""
    seen = []
    config = RunConfig(workload=get_workload("sleep"), workers=2, tasks=4, size=150, repeat=2)
    run_lanes(config, sink=seen.append, sample_interval=0.05)
    for mode in ("sequential", "threads", "processes"):
        events = [e for e in seen if getattr(e, "mode", None) == mode or getattr(e, "result", None)]
        events = [e for e in events if not isinstance(e, LaneFinished) or e.result.mode == mode]
        rounds = []
        for event in events:
            if isinstance(event, LaneStarted):
                rounds.append([])
            assert rounds, f"{mode}: {type(event).__name__} before the lane started"
            rounds[-1].append(event)
        assert len(rounds) == 2, mode
        for events_of_round in rounds:
            assert isinstance(events_of_round[-1], LaneFinished), (mode, events_of_round[-1])
            middle = events_of_round[1:-1]
            assert not any(isinstance(e, LaneStarted | LaneFinished) for e in middle)
            times = [e.elapsed_s for e in middle if isinstance(e, LaneSampled)]
            assert times and times == sorted(times) and times[0] >= 0, (mode, times)
            records = [r for e in middle if isinstance(e, TasksReported) for r in (*e.started, *e.finished)]
            starts = [r.start for r in records]
            assert starts and min(starts) >= 0, (mode, starts)


@physics
def test_timed_mode_reports_throughput():
    config = RunConfig(workload=get_workload("sleep"), workers=4, size=50, seconds=0.5, modes=("sequential", "threads"))
    lanes = by_mode(run_lanes(config))
    assert lanes["sequential"].tasks_done >= 5
    assert lanes["threads"].throughput_per_s > 2.5 * lanes["sequential"].throughput_per_s
    assert lanes["threads"].speedup > 2.5


def test_unequal_sizes_run_one_task_per_size():
    config = RunConfig(workload=get_workload("sleep"), workers=2, sizes=(50, 100, 300), modes=("processes",))
    (lane,) = run_lanes(config).results
    assert lane.tasks_done == 3 and lane.ok
    assert lane.wall_s >= 0.3  # capped by the longest task


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
@physics
def test_every_start_method_runs_and_counts_its_workers_cpu(method):
    config = RunConfig(
        workload=get_workload("cumsum"),
        workers=2,
        tasks=4,
        size=10_000_000,
        start_method=method,
        modes=("threads", "processes"),
    )
    lanes = by_mode(run_lanes(config))
    lane = lanes["processes"]
    assert lane.ok and lane.tasks_done == 4
    assert lane.effective_cores > 1.3
    assert lane.startup_s > lanes["threads"].startup_s


@physics
def test_chunksize_cuts_the_overhead_of_tiny_tasks():
    one = RunConfig(workload=get_workload("squares"), workers=2, tasks=4000, modes=("processes",), chunksize=1)
    many = RunConfig(workload=get_workload("squares"), workers=2, tasks=4000, modes=("processes",), chunksize=1000)
    assert run_lanes(many).results[0].wall_s * 3 < run_lanes(one).results[0].wall_s


def test_calibration_scales_the_size_to_the_target():
    config = RunConfig(workload=get_workload("sleep"), tasks=4, target_seconds=1.0)
    assert 200 <= calibrate(config) <= 300  # 4 tasks x 250 ms


def test_a_failing_task_is_named_and_other_lanes_go_on(user_module):
    config = RunConfig(workload=get_workload("userwork:fails_on_three"), workers=2, tasks=8, size=1)
    lanes = by_mode(run_lanes(config))
    for mode in ("sequential", "threads", "processes"):
        assert lanes[mode].status == "error"
        assert "task 3 raised ValueError: bad row 3" in lanes[mode].error


@pytest.mark.parametrize(
    "task, how", [("exits_on_two", "exited with code 3"), ("killed_on_two", "was killed by SIGKILL")]
)
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_worker_that_dies_names_its_task_and_fails_its_lane_only(user_module, task, how, method):
    config = RunConfig(
        workload=get_workload(f"userwork:{task}"), workers=2, tasks=6, size=1, modes=("processes",), start_method=method
    )
    (lane,) = run_lanes(config).results
    assert lane.status == "error"
    assert lane.error.startswith("task 2: worker pid ") and lane.error.endswith(how)
    again = RunConfig(workload=get_workload("userwork:square"), workers=2, tasks=6, size=1, modes=("processes",))
    assert run_lanes(again).results[0].ok


def test_unpicklable_custom_workload_is_refused_before_running(user_module):
    with pytest.raises(WorkloadError, match="pickle"):
        run_lanes(RunConfig(workload=get_workload("userwork:lambda_task"), size=1))


def test_stop_ends_every_lane_and_its_workers_quickly(user_module):
    stop = threading.Event()
    pids: list[int] = []

    def sink(event):
        if isinstance(event, LaneStarted):
            pids.append(event.pid)
            threading.Timer(0.5, stop.set).start()

    config = RunConfig(workload=get_workload("userwork:slow"), workers=2, tasks=4, size=30, modes=("processes",))
    t0 = time.monotonic()
    (lane,) = run_lanes(config, sink=sink, stop=stop).results
    assert time.monotonic() - t0 < 5  # tasks of 30 s, stopped at 0.5 s: the kill, not a task's end
    assert lane.status == "stopped"
    assert pids and not any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie" for p in pids)


@physics
def test_a_lane_past_its_time_limit_is_stopped_and_says_how_far_it_got():
    """Sequential sleeps of 0.1 s for 1 s: about 10 of 40 tasks; the threads lane, 4 s of work
    over 4 threads, ends in about 1 s, inside the limit, so it is not touched."""
    config = RunConfig(
        workload=get_workload("sleep"), workers=4, tasks=40, size=100, modes=("sequential", "threads"), time_limit_s=2.0
    )
    t0 = time.monotonic()
    sequential, threads = run_lanes(config).results
    # 4 s of sleeps one after another, cut at the 2 s limit (checked at each 0.25 s sample, and a task
    # of 0.1 s may end first); the threads lane's 1 s after it: 6 s would mean the limit did not act
    assert time.monotonic() - t0 < 6
    assert sequential.status == "stopped" and 2.0 <= sequential.wall_s < 3.5
    assert 4 <= sequential.tasks_done <= 19
    assert f"with {sequential.tasks_done} of 40 tasks done" in sequential.error
    assert "2 s time limit" in sequential.error
    assert sequential.effective_cores < 0.3  # sleeping, measured from the samples
    assert threads.ok and threads.tasks_done == 40


@physics
def test_a_lane_stopped_at_its_time_limit_reports_the_cores_it_kept_busy():
    config = RunConfig(workload=get_workload("cumsum"), workers=2, tasks=64, size=30_000_000, modes=("processes",))
    lanes = [run_lanes(replace(config, time_limit_s=1.5)).results[0] for _ in range(3)]
    assert all(lane.status == "stopped" and lane.tasks_done < 64 for lane in lanes)
    # The median of 3: one 1.5 s round on a busy 2-vCPU CI machine read 1.36 cores.
    assert statistics.median(lane.effective_cores for lane in lanes) > 1.4


def test_memory_guard_refuses_a_pool_that_would_not_fit(monkeypatch):
    from collections import namedtuple

    from paraviz.core.measure import runner

    memory = namedtuple("memory", "available")
    monkeypatch.setattr(runner.psutil, "virtual_memory", lambda: memory(500 * 2**20))
    config = RunConfig(workload=get_workload("forest"), workers=8, size=1)
    with pytest.raises(runner.RunError, match=r"8 worker processes need about .* GiB .* use fewer workers"):
        runner.check_memory(config)
    runner.check_memory(RunConfig(workload=get_workload("forest"), workers=8, size=1, modes=("threads",)))


def test_background_is_the_machine_less_the_lane_and_paraviz(monkeypatch):
    from paraviz.core.measure import tree

    machine = iter([100.0, 103.5])  # busy CPU seconds of every core, at the lane's start and end
    own = iter([10.0, 10.1])  # paraviz's own
    monkeypatch.setattr(tree, "machine_busy_seconds", lambda: next(machine))
    monkeypatch.setattr(tree, "own_cpu_seconds", lambda: next(own))
    meter = tree.BackgroundMeter()
    assert meter.finish(lane_cpu_s=2.0, wall_s=2.0) == pytest.approx((3.5 - 0.1 - 2.0) / 2.0)
    assert meter.finish(lane_cpu_s=0.0, wall_s=1.0) == pytest.approx(0.7)  # measured once, kept


@physics
def test_a_quiet_machine_has_little_background():
    config = RunConfig(workload=get_workload("cumsum"), tasks=4, size=3_000_000, modes=("sequential",))
    (lane,) = run_lanes(config).results
    assert 0 <= lane.background_cores < 0.5


def test_repeat_runs_interleaved_rounds_and_reports_medians():
    seen: list[str] = []

    def sink(event):
        if isinstance(event, LaneStarted):
            seen.append(f"{event.mode}{event.round}")

    config = RunConfig(workload=get_workload("sleep"), workers=2, tasks=2, size=30, repeat=3)
    lanes = by_mode(run_lanes(config, sink=sink))
    assert seen == [f"{m}{r}" for r in (1, 2, 3) for m in ("sequential", "threads", "processes")]
    for lane in lanes.values():
        assert len(lane.rounds) == 3
        walls = sorted(r.wall_s for r in lane.rounds)
        assert lane.wall_s == pytest.approx(walls[1])
    seq_median = lanes["sequential"].wall_s
    assert lanes["threads"].speedup == pytest.approx(seq_median / lanes["threads"].wall_s)


def test_a_million_tiny_tasks_keep_the_host_small():
    """Chunks are submitted through a bounded window, so the host does not hold every task."""
    stop = threading.Event()
    peak = done = 0
    hosts: list[int] = []

    def sink(event):
        nonlocal done
        if isinstance(event, TasksReported):
            done = event.done
        if isinstance(event, LaneStarted):
            hosts.append(event.pid)
            threading.Timer(6.0, stop.set).start()

    def watch():
        nonlocal peak
        while not stop.is_set():
            for pid in hosts:
                with contextlib.suppress(psutil.Error):
                    peak = max(peak, psutil.Process(pid).memory_info().rss)
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    config = RunConfig(workload=get_workload("squares"), workers=2, tasks=1_000_000, modes=("processes",))
    (lane,) = run_lanes(config, sink=sink, stop=stop).results
    watcher.join()
    assert lane.status == "stopped" and done > 1000  # it did run for those seconds
    assert 0 < peak < 200 * 2**20, f"host grew to {peak / 2**20:.0f} MiB"
