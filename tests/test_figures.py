from __future__ import annotations

from dataclasses import replace

import pytest
from paraviz.core.model.comparisons import efficiency, speedup, with_comparisons
from paraviz.core.model.figures import RUN_FIELDS

from tests.support.fakes import result


def test_effective_cores_is_cpu_seconds_per_wall_second():
    assert result("threads", wall_s=2.0, cpu_s=2.1).effective_cores == pytest.approx(1.05)
    assert result("processes", wall_s=1.0, cpu_s=1.9).effective_cores == pytest.approx(1.9)
    assert result("threads", wall_s=0.0, cpu_s=1.0).effective_cores == 0.0


def test_throughput_is_tasks_per_wall_second():
    assert result("threads", wall_s=4.0, cpu_s=1.0, tasks_done=10).throughput_per_s == pytest.approx(2.5)


def test_speedup_is_sequential_wall_over_lane_wall_in_batch_mode():
    seq, par = result("sequential", 6.0, 6.0, workers=1), result("processes", 3.2, 6.1)
    assert speedup(seq, par, timed=False) == pytest.approx(6.0 / 3.2)


def test_speedup_is_throughput_ratio_in_timed_mode():
    seq = result("sequential", 2.0, 2.0, workers=1, tasks_done=10)
    par = result("processes", 2.1, 4.0, tasks_done=38)
    assert speedup(seq, par, timed=True) == pytest.approx((38 / 2.1) / (10 / 2.0))


def test_speedup_needs_two_successful_lanes():
    seq = result("sequential", 2.0, 2.0, workers=1)
    assert speedup(seq, result("threads", 1.0, 1.0, status="error"), timed=False) is None
    assert speedup(replace(seq, status="stopped"), result("threads", 1.0, 1.0), timed=False) is None


def test_efficiency_divides_by_usable_cores():
    assert efficiency(1.8, workers=2, logical_cores=2) == pytest.approx(0.9)
    assert efficiency(1.8, workers=8, logical_cores=2) == pytest.approx(0.9)
    assert efficiency(3.0, workers=4, logical_cores=16) == pytest.approx(0.75)
    assert efficiency(None, workers=4, logical_cores=16) is None


def test_with_comparisons_fills_every_lane_against_sequential():
    results = [result("sequential", 4.0, 4.0, 1), result("threads", 4.1, 4.1), result("processes", 2.0, 3.9)]
    filled = with_comparisons(results, logical_cores=2, timed=False)
    assert [r.speedup for r in filled] == pytest.approx([1.0, 4.0 / 4.1, 2.0])
    assert filled[2].efficiency == pytest.approx(1.0)


def test_without_sequential_lane_there_is_no_speedup():
    filled = with_comparisons([result("threads", 1.0, 1.0)], logical_cores=2, timed=False)
    assert filled[0].speedup is None and filled[0].efficiency is None


def test_to_dict_has_every_run_field_in_order():
    assert tuple(result("threads", 1.0, 1.0).to_dict()) == (*RUN_FIELDS, "worker_budgets", "rounds")


def test_rounds_give_medians_and_keep_the_spread():
    from paraviz.core.model.figures import median_of_rounds

    rounds = [result("threads", w, c) for w, c in [(1.0, 1.0), (1.3, 1.2), (1.1, 1.1)]]
    merged = median_of_rounds(rounds)
    assert merged.wall_s == pytest.approx(1.1) and merged.cpu_s == pytest.approx(1.1)
    assert merged.spread("wall_s") == pytest.approx((1.0, 1.3))
    assert len(merged.rounds) == 3 and merged.to_dict()["rounds"][1]["wall_s"] == pytest.approx(1.3)
    assert median_of_rounds(rounds[:1]).spread("wall_s") is None  # one round has no spread


def test_speedup_of_every_round_is_against_the_median_sequential_time():
    from paraviz.core.model.figures import median_of_rounds

    seq = median_of_rounds([result("sequential", w, w, 1) for w in (4.0, 5.0, 4.2)])
    proc = median_of_rounds([result("processes", w, 2 * w) for w in (2.0, 2.1, 2.5)])
    filled = with_comparisons([seq, proc], logical_cores=2, timed=False)[1]
    assert filled.speedup == pytest.approx(4.2 / 2.1)
    assert [r.speedup for r in filled.rounds] == pytest.approx([4.2 / 2.0, 4.2 / 2.1, 4.2 / 2.5])
    assert filled.spread("speedup") == pytest.approx((4.2 / 2.5, 4.2 / 2.0))


def test_a_failed_round_fails_the_lane():
    from paraviz.core.model.figures import median_of_rounds

    merged = median_of_rounds([result("threads", 1.0, 1.0), result("threads", 0.2, 0.2, status="error")])
    assert merged.status == "error" and len(merged.rounds) == 2
