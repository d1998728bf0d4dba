from __future__ import annotations

import pytest
from paraviz.core.measure.options import parse_float, parse_int, parse_modes, parse_sizes
from paraviz.core.measure.validation import validate
from paraviz.core.model.config import ConfigError, RunConfig, max_workers
from paraviz.core.model.workloads import WorkloadError, get_workload


@pytest.mark.parametrize(
    "change, message",
    [
        ({"workers": 0}, "workers must be between 1 and"),
        ({"workers": -1}, "workers must be between 1 and"),
        ({"workers": 100_000}, "workers must be between 1 and"),
        ({"tasks": 0}, "tasks must be between 1"),
        ({"size": -5}, "size must be a positive"),
        ({"sizes": (10, 0)}, "each of --sizes"),
        ({"seconds": 0.0}, "seconds must be more than 0"),
        ({"start_method": "teleport"}, "unknown start method 'teleport'"),
        ({"chunksize": 0}, "chunksize must be between 1"),
        ({"inner_threads": 0}, "inner threads must be between 1"),
    ],
)
def test_out_of_bounds_settings_are_refused_with_one_line(change, message):
    with pytest.raises(ConfigError) as caught:
        validate(RunConfig(**change))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_worker_bound_is_named_and_allows_a_sweep_to_twice_the_cores():
    assert max_workers() >= 32
    with pytest.raises(ConfigError, match=str(max_workers())):
        validate(RunConfig(workers=max_workers() + 1))
    assert validate(RunConfig(workers=max_workers())).workers == max_workers()


def test_parsers_name_the_setting_and_the_bad_value():
    assert parse_int("1_000", "tasks") == 1000
    with pytest.raises(ConfigError, match="workers must be a whole number, not 'abc'"):
        parse_int("abc", "workers")
    with pytest.raises(ConfigError, match="finite"):
        parse_float("nan", "seconds")
    assert parse_sizes("10, 20,50") == [10, 20, 50]
    with pytest.raises(ConfigError):
        parse_sizes("10,x")
    assert parse_modes("processes,sequential") == ["sequential", "processes"]
    with pytest.raises(ConfigError, match="unknown mode"):
        parse_modes("threads,fibers")


def test_unknown_workload_lists_the_known_ones():
    with pytest.raises(WorkloadError, match="cumsum"):
        get_workload("nope")


def test_calibration_is_needed_only_without_a_size():
    assert RunConfig().needs_calibration
    assert not RunConfig(size=10).needs_calibration
    assert not RunConfig(sizes=(1, 2)).needs_calibration
    assert not RunConfig(seconds=1.0).needs_calibration
    assert not RunConfig(workload=get_workload("squares")).needs_calibration
    assert RunConfig(sizes=(1, 2, 3)).task_count == 3


@pytest.mark.parametrize("text", ["1,,2", ",1", "1,2,"])
def test_sizes_with_an_empty_item_are_refused(text):
    with pytest.raises(ConfigError, match="empty item"):
        parse_sizes(text)


def test_repeat_is_bounded():
    with pytest.raises(ConfigError, match="repeat must be between 1 and"):
        validate(RunConfig(repeat=0))


def test_one_parser_for_the_cli_and_the_dialog():
    from paraviz.core.measure.options import config_from_text, parse_worker_counts, with_options

    base = RunConfig()
    from paraviz.core.model.machine import logical_cores

    assert base.workers == logical_cores()  # the CLI's default too
    with pytest.raises(ConfigError, match="a size or sizes, not both"):
        with_options(base, size="5", sizes="1,2")  # was silently dropped
    with pytest.raises(ConfigError, match="workers needs a whole number"):
        config_from_text(base, {"workers": ""})
    with pytest.raises(ConfigError, match="--workers needs worker counts"):
        parse_worker_counts("", base)
    changed = config_from_text(base, {"size": "1000", "chunksize": "", "engine": "pool", "items": "1..5"})
    assert (changed.size, changed.chunksize, changed.engine, changed.task_count) == (1000, None, "pool", 5)
    assert config_from_text(base, {}) == validate(base)
    with pytest.raises(ValueError, match="not a run setting"):
        config_from_text(base, {"colour": "red"})


def test_checking_the_settings_touches_nothing_and_the_system_check_asks_the_interpreter(monkeypatch):
    import psutil
    from paraviz.core.measure import validation

    asked: list[str] = []

    def probe(path: str):
        asked.append(path)
        raise validation.InterpreterError(f"--python {path!r} does not exist")

    def no_system(*_args: object) -> None:
        raise AssertionError("touched the system")

    monkeypatch.setattr(validation, "probe", probe)
    monkeypatch.setattr(psutil, "virtual_memory", no_system)
    config = RunConfig(workers=4, python="/no/such/python")
    validation.check_settings(config, worker_bound=32)  # pure: no probe, no memory read
    assert asked == []
    with pytest.raises(ConfigError, match="workers must be between 1 and 2"):
        validation.check_settings(config, worker_bound=2)
    with pytest.raises(validation.InterpreterError):
        validation.check_system(config)
    assert asked == ["/no/such/python"]
    assert validation.system_inputs(config) == validation.system_inputs(RunConfig(workers=8, python="/no/such/python"))
