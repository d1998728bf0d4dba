from __future__ import annotations

from dataclasses import replace

import pytest
from paraviz.core.figures import RUN_FIELDS, RunResult, efficiency, speedup, with_comparisons


def lane(mode: str, wall: float, cpu: float, workers: int = 2, done: int = 8, status: str = "ok") -> RunResult:
    return RunResult(mode, workers, None, None, wall, 0.0, cpu, done, 1, 1, 0, status=status)


def test_effective_cores_is_cpu_seconds_per_wall_second():
    assert lane("threads", wall=2.0, cpu=2.1).effective_cores == pytest.approx(1.05)
    assert lane("processes", wall=1.0, cpu=1.9).effective_cores == pytest.approx(1.9)
    assert lane("threads", wall=0.0, cpu=1.0).effective_cores == 0.0


def test_throughput_is_tasks_per_wall_second():
    assert lane("threads", wall=4.0, cpu=1.0, done=10).throughput_per_s == pytest.approx(2.5)


def test_speedup_is_sequential_wall_over_lane_wall_in_batch_mode():
    seq, par = lane("sequential", 6.0, 6.0, workers=1), lane("processes", 3.2, 6.1)
    assert speedup(seq, par, timed=False) == pytest.approx(6.0 / 3.2)


def test_speedup_is_throughput_ratio_in_timed_mode():
    seq = lane("sequential", 2.0, 2.0, workers=1, done=10)
    par = lane("processes", 2.1, 4.0, done=38)
    assert speedup(seq, par, timed=True) == pytest.approx((38 / 2.1) / (10 / 2.0))


def test_speedup_needs_two_successful_lanes():
    seq = lane("sequential", 2.0, 2.0, workers=1)
    assert speedup(seq, lane("threads", 1.0, 1.0, status="error"), timed=False) is None
    assert speedup(replace(seq, status="stopped"), lane("threads", 1.0, 1.0), timed=False) is None


def test_efficiency_divides_by_usable_cores():
    assert efficiency(1.8, workers=2, logical_cores=2) == pytest.approx(0.9)
    assert efficiency(1.8, workers=8, logical_cores=2) == pytest.approx(0.9)
    assert efficiency(3.0, workers=4, logical_cores=16) == pytest.approx(0.75)
    assert efficiency(None, workers=4, logical_cores=16) is None


def test_with_comparisons_fills_every_lane_against_sequential():
    results = [lane("sequential", 4.0, 4.0, 1), lane("threads", 4.1, 4.1), lane("processes", 2.0, 3.9)]
    filled = with_comparisons(results, logical_cores=2, timed=False)
    assert [r.speedup for r in filled] == pytest.approx([1.0, 4.0 / 4.1, 2.0])
    assert filled[2].efficiency == pytest.approx(1.0)


def test_without_sequential_lane_there_is_no_speedup():
    filled = with_comparisons([lane("threads", 1.0, 1.0)], logical_cores=2, timed=False)
    assert filled[0].speedup is None and filled[0].efficiency is None


def test_to_dict_has_every_run_field_in_order():
    assert tuple(lane("threads", 1.0, 1.0).to_dict()) == (*RUN_FIELDS, "rounds")


def test_rounds_give_medians_and_keep_the_spread():
    from paraviz.core.figures import median_of_rounds

    rounds = [lane("threads", w, c) for w, c in [(1.0, 1.0), (1.3, 1.2), (1.1, 1.1)]]
    result = median_of_rounds(rounds)
    assert result.wall_s == pytest.approx(1.1) and result.cpu_s == pytest.approx(1.1)
    assert result.spread("wall_s") == pytest.approx((1.0, 1.3))
    assert len(result.rounds) == 3 and result.to_dict()["rounds"][1]["wall_s"] == pytest.approx(1.3)
    assert median_of_rounds(rounds[:1]).spread("wall_s") is None  # one round has no spread


def test_speedup_of_every_round_is_against_the_median_sequential_time():
    from paraviz.core.figures import median_of_rounds

    seq = median_of_rounds([lane("sequential", w, w, 1) for w in (4.0, 5.0, 4.2)])
    proc = median_of_rounds([lane("processes", w, 2 * w) for w in (2.0, 2.1, 2.5)])
    filled = with_comparisons([seq, proc], logical_cores=2, timed=False)[1]
    assert filled.speedup == pytest.approx(4.2 / 2.1)
    assert [r.speedup for r in filled.rounds] == pytest.approx([4.2 / 2.0, 4.2 / 2.1, 4.2 / 2.5])
    assert filled.spread("speedup") == pytest.approx((4.2 / 2.5, 4.2 / 2.0))


def test_a_failed_round_fails_the_lane():
    from paraviz.core.figures import median_of_rounds

    result = median_of_rounds([lane("threads", 1.0, 1.0), lane("threads", 0.2, 0.2, status="error")])
    assert result.status == "error" and len(result.rounds) == 2
