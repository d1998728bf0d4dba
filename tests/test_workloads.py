from __future__ import annotations

import pytest
from paraviz.core.host import tasks_pure
from paraviz.core.model.workloads import WORKLOADS, WorkloadError, check_picklable, get_workload, resolve


def test_registry_has_the_lessons_of_the_notebooks():
    assert {"cumsum", "linreg", "forest", "groups", "sleep", "squares"} <= set(WORKLOADS)
    for workload in WORKLOADS.values():
        assert workload.lesson and workload.kind and workload.default_tasks > 0 and workload.default_size > 0
        assert callable(resolve(workload.task))
        check_picklable(workload.task)


def test_pure_tasks_compute_what_they_say():
    assert tasks_pure.cumsum(0, 100) == 5050
    assert tasks_pure.squares(7, 1) == 49
    assert tasks_pure.sleep(0, 1) == 1


def test_ml_tasks_run_on_embedded_or_generated_data():
    from paraviz.core.host import tasks_ml

    X, y, source = tasks_ml.housing()
    assert X.shape == (20640, 8) and len(y) == 20640 and source
    assert -1 <= tasks_ml.linreg(0, 1) <= 1
    assert tasks_ml.forest(0, 2) > 0
    table = tasks_ml.grouped_table(tasks_ml.GROUPS_DEFAULT, 200)
    assert table["group"].nunique() == tasks_ml.GROUPS_DEFAULT
    assert tasks_ml.groups(1, 200) > 0


def test_custom_workload_errors_are_one_line(user_module):
    assert get_workload("userwork:square").is_custom
    with pytest.raises(WorkloadError, match="cannot import 'nosuchmodule'"):
        resolve("nosuchmodule:f")
    with pytest.raises(WorkloadError, match="has no attribute 'missing'"):
        resolve("userwork:missing")
    with pytest.raises(WorkloadError, match="cannot be pickled for a process pool"):
        check_picklable("userwork:lambda_task")
    with pytest.raises(WorkloadError, match=r"package\.module:function"):
        get_workload("userwork:")
