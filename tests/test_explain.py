from __future__ import annotations

import pytest
from paraviz.core.model.comparisons import with_comparisons
from paraviz.core.model.config import RunConfig
from paraviz.core.model.workloads import get_workload
from paraviz.core.teach.explain import explain

from tests.support.fakes import result


def explained(results, config=None):
    config = config or RunConfig(workers=2)
    return " ".join(explain(with_comparisons(results, 2, False), config, 2))


def test_gil_sentence_quotes_the_measured_cores():
    text = explained([result("sequential", 1.4, 1.4, 1), result("threads", 1.41, 1.43), result("processes", 0.7, 1.39)])
    assert "Threads used 1.01 of 2 cores" in text and "GIL" in text
    assert "Processes used 1.99 cores and ran 2.00× faster" in text


def test_io_wait_sentence_when_threads_win_without_cpu():
    text = explained(
        [result("sequential", 2.0, 0.01, 1), result("threads", 0.25, 0.01), result("processes", 0.29, 0.05)]
    )
    assert "Threads ran 8.0× faster" in text and "waiting" in text
    assert "more than 2 cores could give" in text and "efficient" not in text
    assert "GIL lets one thread" not in text


def test_numpy_sentence_when_threads_exceed_one_core():
    text = explained([result("sequential", 3.0, 3.0, 1), result("threads", 2.0, 3.2)])
    assert "Threads used 1.60 cores" in text and "released the GIL" in text


def test_tiny_task_overhead_and_startup_are_explained_from_figures():
    results = [
        result("sequential", 0.02, 0.02, 1, tasks_done=20000),
        result("processes", 2.4, 2.9, tasks_done=20000, startup_s=0.005),
    ]
    text = explained(results, RunConfig(workload=get_workload("squares")))
    assert "120.0× slower" in text and "chunksize 1" in text
    slow_start = explained([result("sequential", 1.0, 1.0, 1), result("processes", 1.5, 1.6, startup_s=1.1)])
    assert "Pool start-up (fork) took 1.10 s of 1.50 s" in slow_start


def test_oversubscription_and_imbalance():
    config = RunConfig(workload=get_workload("groups"), inner_threads=2)
    text = explained([result("sequential", 1.5, 2.9, 1), result("processes", 32.0, 64.0)], config)
    assert "2 workers × 2 inner threads = 4 threads on 2 cores" in text
    results = [
        result("sequential", 19.2, 19.2, 1, tasks_done=4),
        # one worker ran the longest task to the end; the other sat idle its last 6.5 s
        result("processes", 13.0, 19.5, tasks_done=4, time_budget={"running": 19.5, "tail": 6.5}),
    ]
    unequal = explained(results, RunConfig(sizes=(10, 20, 50, 100)))
    assert "biggest loss balance 75%: its workers sat idle 3.25 s each after their last task" in unequal
    assert "1.48×" in unequal


def test_nothing_is_claimed_without_figures():
    assert explain([], RunConfig(), 2) == []
    failed = explained([result("threads", 0.1, 0.1, status="error", error="task 3 raised ValueError: x")])
    assert failed == "Threads failed: task 3 raised ValueError: x."


def test_a_busy_machine_is_said_first_for_its_lane():
    results = [result("sequential", 1.4, 1.4, 1), result("threads", 1.41, 1.43, background_cores=0.62)]
    lines = explain(with_comparisons(results, 2, False), RunConfig(workers=2), 2)
    assert lines[0].startswith("The machine was busy during the threads lane: other programs used 0.62 cores")
    quiet = [result("sequential", 1.4, 1.4, 1), result("threads", 1.41, 1.43, background_cores=0.05)]
    assert "busy" not in explained(quiet)


def test_paraviz_own_cpu_is_said_first_on_a_small_machine_only():
    results = [result("sequential", 1.4, 1.4, 1), result("processes", 0.8, 1.5, observer_cores=0.26)]
    lines = explain(with_comparisons(results, 2, False), RunConfig(workers=2), 2)
    assert lines[0].startswith("paraviz itself used 0.26 cores during the processes lane, on a machine of 2 cores")
    assert not any("paraviz itself" in line for line in explain(with_comparisons(results, 8, False), RunConfig(), 8))
    light = [result("sequential", 1.4, 1.4, 1), result("processes", 0.8, 1.5, observer_cores=0.04)]
    assert "paraviz itself" not in explained(light)


def test_gil_bound_threads_faster_than_sequential_is_called_noise_after_the_lesson():
    text = explained([result("sequential", 1.49, 1.49, 1), result("threads", 1.27, 1.28)])
    assert "Threads came out 1.17× faster than sequential on 1.01 cores" in text and "noise" in text
    # The lesson (one core: the GIL) first, its caveat (the speedup is noise) after, never instead.
    assert "--repeat 5" in text and text.index("GIL lets one thread") < text.index("noise")
    within = explained([result("sequential", 1.40, 1.40, 1), result("threads", 1.36, 1.37)])  # 1.03x: no claim
    assert "noise" not in within and "GIL lets one thread" in within


def test_speedup_beyond_the_cores_on_cpu_bound_work_is_noise_but_waiting_is_not():
    text = explained([result("sequential", 2.4, 2.4, 1), result("processes", 1.0, 2.0)])
    assert "Processes came out 2.40× faster than sequential, more than 2 cores" in text and "noise" in text
    assert "Processes used" not in text
    waiting = explained([result("sequential", 2.0, 0.01, 1), result("processes", 0.29, 0.05, workers=8)])
    assert "noise" not in waiting


def test_waiting_threads_without_a_sequential_lane_are_not_called_gil_bound():
    text = explained([result("threads", 0.012, 0.0)])
    assert "GIL lets one thread" not in text


def test_data_sentence_only_when_moving_data_dominated():
    from paraviz.core.teach.explain import data_sentences

    config = RunConfig(workload=get_workload("transfer"))
    thr = result("threads", 0.2, 0.2)
    heavy = result("processes", 1.0, 1.5, bytes_sent=512 * 2**20, transfer_s=1.6)
    light = result("processes", 1.0, 1.5, bytes_sent=512 * 2**20, transfer_s=0.2)
    (line,) = data_sentences(None, thr, heavy, config)
    assert "512 MB" in line and "1.60 s" in line and "80%" in line and "outweighed" in line and "0.20 s" in line
    (line,) = data_sentences(None, thr, light, config)
    assert "outweighed" not in line
    assert data_sentences(None, thr, result("processes", 1.0, 1.5), config) == []


def test_a_lane_too_short_to_judge_is_not_called_busy():
    from paraviz.core.teach.conditions import busy_machine

    assert busy_machine([result("sequential", 0.025, 0.02, background_cores=0.81)]) == []
    assert busy_machine([result("sequential", 0.8, 0.8, background_cores=0.81)])


def test_threads_past_one_core_say_why_from_the_engine_and_the_interpreter():
    seq = result("sequential", 4.0, 4.0, 1)
    interpreters = result("threads", 2.9, 5.0, engine="interpreters", startup_s=0.14)
    text = explained([seq, interpreters], RunConfig(workers=2))
    assert "own interpreter with its own GIL" in text and "0.14 s" in text and "compiled code" not in text
    free = result("threads", 2.2, 4.3, python="3.14.0t", gil_enabled=False)
    text = explained([seq, free], RunConfig(workers=2))
    assert "Python 3.14.0t ran without the GIL" in text and "compiled code" not in text
    numpy = result("threads", 3.0, 4.1)  # the GIL on, a library's compiled code in parallel
    assert "compiled code" in explained([seq, numpy], RunConfig(workers=2))


def test_one_thread_per_task_says_at_once_only_when_the_samples_saw_them_at_once():
    config = RunConfig(workers=8, engine="raw")
    seen_two = explained(
        [result("sequential", 2.0, 2.0, 1), result("threads", 2.1, 2.1, workers=8, engine="raw", peak_threads=3)],
        config,
    )
    assert "8 threads, but never more than 2 alive at once" in seen_two and "8 threads at once" not in seen_two
    seen_all = explained(
        [result("sequential", 2.0, 2.0, 1), result("threads", 2.1, 2.1, workers=8, engine="raw", peak_threads=9)],
        config,
    )
    assert "8 threads at once on 2 cores" in seen_all
    processes = explained(
        [result("sequential", 2.0, 2.0, 1), result("processes", 1.1, 2.0, workers=8, engine="raw", peak_processes=9)],
        config,
    )
    assert "8 processes at once on 2 cores" in processes


def test_a_stopped_lane_says_why_and_how_busy_it_kept_the_cores():
    stopped = result(
        "processes", 20.0, 316.0, status="stopped", error="stopped at the 20 s time limit with 0 of 32 tasks done"
    )
    text = explained([stopped])
    assert "Processes: stopped at the 20 s time limit with 0 of 32 tasks done, on 15.80 cores while it ran." in text


# -- never teach noise: resolution, bounds, warm-up, no silent slow lane ---------------------------


def test_a_lane_too_short_to_measure_gets_no_cores_speedup_or_cause():
    """The issue's edge: 3-8 ms lanes read 0.00 and 2.55 cores and were called a released GIL."""
    lanes = [result("sequential", 0.003, 0.0, 1), result("threads", 0.004, 0.0102), result("processes", 0.008, 0.01)]
    compared = with_comparisons(lanes, 2, False)
    assert all(r.too_short and r.measured_cores is None and r.speedup is None for r in compared)
    assert compared[1].to_dict()["effective_cores"] is None and compared[1].to_dict()["too_short"] is True
    text = explained(lanes)
    assert "Too short to measure" in text and "--size" in text and "--seconds" in text
    for cause in ("GIL", "parallel", "efficient", "start-up", "faster"):
        assert cause not in text


def test_cores_over_the_logical_count_are_a_measurement_error_not_a_released_gil():
    lanes = [result("sequential", 1.0, 1.0, 1), result("threads", 1.0, 2.55)]
    threads = with_comparisons(lanes, 2, False)[1]
    assert threads.over_bound == ("effective_cores",)
    text = explained(lanes)
    assert "Threads read 2.55 cores, more than its 2 logical cores can use: a measurement error" in text
    assert "released the GIL" not in text and "parallel" not in text


def test_a_one_thread_lane_above_one_core_is_over_its_bound():
    [seq] = with_comparisons([result("sequential", 1.0, 1.2, 1, peak_threads=1)], 2, False)
    assert seq.over_bound == ("effective_cores",)
    [fine] = with_comparisons([result("sequential", 1.0, 1.02, 1, peak_threads=1)], 2, False)
    assert fine.over_bound == ()  # within the 5 % margin


def test_efficiency_above_100_percent_is_an_error_on_cpu_work_and_real_on_waits():
    cpu = with_comparisons([result("sequential", 4.0, 4.0, 1), result("processes", 1.6, 3.2)], 2, False)[1]
    assert {"speedup", "efficiency"} <= set(cpu.over_bound)  # 2.5x on 2 cores of CPU-bound work
    waits = with_comparisons([result("sequential", 4.0, 0.01, 1), result("threads", 0.5, 0.02)], 2, False)[1]
    assert waits.efficiency == pytest.approx(4.0) and waits.over_bound == ()  # waits need no core


def test_warm_up_is_measured_and_names_a_spawn_workers_imports():
    """The notebook's five single fits on spawn: each worker's first task imported scikit-learn."""
    lanes = [
        result("sequential", 0.05, 0.05, 1, tasks_done=5, first_task_s=0.012, later_task_s=0.009),
        result("processes", 1.05, 2.0, start_method="spawn", tasks_done=5, first_task_s=0.95, later_task_s=0.008),
    ]
    processes = with_comparisons(lanes, 2, False)[1]
    assert processes.warmup_s == pytest.approx(0.942)
    text = explained(lanes)
    assert "each worker's first task took 0.950 s against 0.008 s for their later ones (warm-up)" in text
    assert "spawn worker starts a fresh Python" in text and "do not say why" not in text


def test_warm_up_with_one_task_a_worker_compares_with_the_sequential_task():
    lanes = [result("sequential", 0.4, 0.4, 1, tasks_done=4), result("processes", 1.2, 1.5, first_task_s=1.0)]
    processes = with_comparisons(lanes, 2, False)[1]
    assert processes.warmup_s == pytest.approx(0.9)
    assert "against 0.100 s for a sequential task" in explained(lanes)


def test_no_slow_lane_is_silent():
    lanes = [result("sequential", 1.0, 1.0, 1), result("processes", 2.0, 1.9)]
    text = explained(lanes)
    assert "Processes took 2.00 s against 1.00 s sequentially, and paraviz's figures do not say why" in text
    explained_by_start_up = [result("sequential", 1.0, 1.0, 1), result("processes", 2.0, 1.9, startup_s=0.9)]
    text = explained(explained_by_start_up)
    assert "Pool start-up" in text and "do not say why" not in text


def test_thread_states_are_quoted_in_the_gil_and_the_sleep_sentences():
    gil = {"running": 0.25, "ready": 0.0, "gil": 0.71, "wait": 0.04, "io": 0.0}
    text = explained([result("sequential", 1.4, 1.4, 1), result("threads", 1.41, 1.43, thread_states=gil)])
    assert "one ran Python at a time while the others waited for the GIL 71% of their time" in text
    slept = {"running": 0.0, "ready": 0.0, "gil": 0.01, "wait": 0.19, "io": 0.8}
    text = explained([result("sequential", 2.0, 0.01, 1), result("threads", 0.25, 0.01, thread_states=slept)])
    assert "slept or waited on I/O 80% of their time and for the GIL 1%" in text


def test_asyncio_on_cpu_work_says_it_gained_nothing_even_when_its_speedup_is_noise():
    """A one-core asyncio lane 1.10x 'faster' than a slow sequential round: the lesson, then its caveat."""
    text = explained([result("sequential", 1.1, 1.1, 1), result("asyncio", 1.0, 1.0, peak_threads=1)])
    assert "asyncio gained nothing on this CPU work (1.10× on 1.00 cores)" in text
    assert text.index("gained nothing") < text.index("noise")


def test_the_hybrids_answer_comes_before_the_other_lanes_sentences():
    """At 80x24 the explanation shows its first lines: the hybrid's comparison of every lane is one."""
    lanes = [
        result("sequential", 4.8, 2.4, 1),
        result("processes", 2.5, 2.4),
        result("asyncio", 3.0, 2.4, peak_threads=1),
        result("hybrid", 1.4, 2.4, io_wait_s=2.4, compute_s=1.6),
    ]
    config = RunConfig(workload=get_workload("pipeline"), workers=2)
    lines = explain(with_comparisons(lanes, 2, False), config, 2)
    hybrid = next(i for i, line in enumerate(lines) if line.startswith("Hybrid: one event loop overlapped"))
    assert hybrid == 0 and "the best of the others (processes, 1.92×)" in lines[0], lines
    assert any(line.startswith("Processes") for line in lines[1:]), lines


def test_one_task_draws_no_lesson_about_running_at_once():
    """One task of cumsum: threads on one core, processes slower by their pool's start; neither is the
    GIL's doing nor a lesson about processes, and the explanation says so instead of guessing."""
    lanes = [result("sequential", 0.24, 0.24, 1, tasks_done=1), result("threads", 0.24, 0.24, tasks_done=1)]
    lanes.append(result("processes", 0.29, 0.29, tasks_done=1, warmup_s=0.04))
    config = RunConfig(workload=get_workload("cumsum"), workers=2, tasks=1)
    text = " ".join(explain(with_comparisons(lanes, 2, False), config, 2))
    assert text.startswith("One task: no lane had two tasks to run at once")
    assert "GIL" not in text.replace("about the GIL", "") and "figures do not say why" not in text
    two = " ".join(explain(with_comparisons(lanes, 2, False), RunConfig(workers=2, tasks=2), 2))
    assert "One task" not in two
