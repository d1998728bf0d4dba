"""Whether a RunConfig can run here: every bound checked in one place (the CLI and the app share it).

Two parts: check_settings is pure (the bounds the settings alone decide, for every key press);
check_system touches the system (an interpreter's probe, the nogil lane's Python, a command on PATH)
and its answers are kept: ``probe`` answers once per path, so a second look is cheap."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from dataclasses import replace

from paraviz.core.host.engines import ENGINES, engine_spec
from paraviz.core.i18n import N_, _, num
from paraviz.core.measure.interpreter import (
    MIN_NOGIL_VERSION,
    Interpreter,
    InterpreterError,
    find_nogil_python,
    missing_modules,
    probe,
)
from paraviz.core.model.config import (
    MAX_INNER_THREADS,
    MAX_IO_MS,
    MAX_PAYLOAD_MB,
    MAX_REPEAT,
    MAX_SECONDS,
    MAX_SIZE,
    MAX_TASKS,
    START_METHODS,
    WORKER_MEMORY_BYTES,
    ConfigError,
    RunConfig,
    max_workers,
)
from paraviz.core.model.figures import MODES
from paraviz.core.model.workloads import WORKLOADS


def validate(config: RunConfig, worker_bound: int | None = None) -> RunConfig:
    """Raise ConfigError naming the first setting out of bounds; return the config, with the nogil
    lane's interpreter found when the lane is chosen and none was named. ``worker_bound``: the most
    workers memory allows, when the caller has read it already (max_workers)."""
    check_settings(config, max_workers() if worker_bound is None else worker_bound)
    return check_system(config)


def check_settings(config: RunConfig, worker_bound: int) -> None:
    """Every bound that the settings alone decide: pure, cheap enough for every key press."""
    if not 1 <= config.workers <= worker_bound:
        raise ConfigError(
            _(
                "workers must be between 1 and {bound} (4 per logical core, at least 32, and "
                "{value} MiB of free memory each), not {workers}"
            ).format(bound=worker_bound, value=WORKER_MEMORY_BYTES // 2**20, workers=config.workers)
        )
    if config.tasks is not None and not 1 <= config.tasks <= MAX_TASKS:
        raise ConfigError(
            _("tasks must be between 1 and {max_tasks}, not {tasks}").format(
                max_tasks=num(MAX_TASKS, ","), tasks=config.tasks
            )
        )
    if config.size is not None and not 1 <= config.size <= MAX_SIZE:
        raise ConfigError(
            _("size must be a positive whole number up to {max_size}, not {size}").format(
                max_size=num(MAX_SIZE, ".0e"), size=config.size
            )
        )
    for size in config.sizes or ():
        if not 1 <= size <= MAX_SIZE:
            raise ConfigError(_("each of --sizes must be a positive whole number, not {size}").format(size=size))
    if config.sizes is not None and len(config.sizes) > MAX_TASKS:
        raise ConfigError(_("--sizes lists at most {max_tasks} tasks").format(max_tasks=num(MAX_TASKS, ",")))
    if config.seconds is not None and not 0 < config.seconds <= MAX_SECONDS:
        raise ConfigError(
            _("seconds must be more than 0 and at most {max_seconds}, not {seconds}").format(
                max_seconds=num(MAX_SECONDS, ".0f"), seconds=config.seconds
            )
        )
    if config.start_method not in START_METHODS:
        raise ConfigError(
            _("unknown start method {start_method!r}; choose from {choices}").format(
                start_method=config.start_method, choices=", ".join(START_METHODS)
            )
        )
    if config.items is not None and len(config.items) > MAX_TASKS:
        raise ConfigError(
            _("--items lists at most {max_tasks} tasks, not {items}").format(
                max_tasks=num(MAX_TASKS, ","), items=num(len(config.items), ",")
            )
        )
    if config.engine not in ENGINES:
        raise ConfigError(
            _("unknown engine {engine!r}; choose from {choices}").format(
                engine=config.engine, choices=", ".join(ENGINES)
            )
        )
    if config.items is not None and config.sizes is not None:
        raise ConfigError(_("give --items or --sizes, not both"))
    check_engine(config)
    if config.chunksize is not None and not 1 <= config.chunksize <= MAX_TASKS:
        raise ConfigError(
            _("chunksize must be between 1 and {max_tasks}, not {chunksize}").format(
                max_tasks=num(MAX_TASKS, ","), chunksize=config.chunksize
            )
        )
    if not 1 <= config.inner_threads <= MAX_INNER_THREADS:
        raise ConfigError(
            _("inner threads must be between 1 and {max_inner_threads}, not {inner_threads}").format(
                max_inner_threads=MAX_INNER_THREADS, inner_threads=config.inner_threads
            )
        )
    if config.payload_mb is not None and not 0 <= config.payload_mb <= MAX_PAYLOAD_MB:
        raise ConfigError(
            _("payload must be between 0 and {max_payload_mb} MB, not {payload_mb}").format(
                max_payload_mb=num(MAX_PAYLOAD_MB, ".0f"), payload_mb=num(config.payload_mb, "g")
            )
        )
    if not 1 <= config.repeat <= MAX_REPEAT:
        raise ConfigError(
            _("repeat must be between 1 and {max_repeat}, not {repeat}").format(
                max_repeat=MAX_REPEAT, repeat=config.repeat
            )
        )
    if not 0 < config.target_seconds <= MAX_SECONDS:
        raise ConfigError(
            _("target seconds must be more than 0 and at most {max_seconds}").format(
                max_seconds=num(MAX_SECONDS, ".0f")
            )
        )
    if config.time_limit_s is not None and not 0 < config.time_limit_s <= MAX_SECONDS:
        raise ConfigError(
            _("the time limit must be more than 0 and at most {max_seconds} seconds").format(
                max_seconds=num(MAX_SECONDS, ".0f")
            )
        )
    if not config.modes:
        raise ConfigError(_("choose at least one mode of {choices}").format(choices=", ".join(MODES)))
    if not 0 <= config.io_ms <= MAX_IO_MS:
        raise ConfigError(
            _("--io-ms must be between 0 and {max_io_ms} milliseconds, not {io_ms}").format(
                max_io_ms=num(MAX_IO_MS, ".0f"), io_ms=num(config.io_ms, "g")
            )
        )
    check_event_loop_lanes(config)
    names = [name for name, _command in config.commands]
    for name, command in config.commands:  # paraviz watch's lanes: named once each, each a command
        if not name or names.count(name) > 1:
            raise ConfigError(_("each lane needs its own name, not {name!r}").format(name=name))
        if not command:
            raise ConfigError(_("lane {name!r} has no command").format(name=name))


def check_event_loop_lanes(config: RunConfig) -> None:
    """The hybrid lane runs only a workload with an I/O part and a CPU part (pipeline); the asyncio
    lane runs any (a task with no async form blocks the loop, which is the lesson)."""
    if "hybrid" in config.modes and not (config.workload.io_part and config.workload.cpu_part):
        with_parts = ", ".join(name for name, w in WORKLOADS.items() if w.io_part and w.cpu_part)
        raise ConfigError(
            _("the hybrid lane needs a workload with an I/O part and a CPU part ({workloads}), not {workload}").format(
                workloads=with_parts, workload=config.workload.name
            )
        )


def system_inputs(config: RunConfig) -> tuple[object, ...]:
    """What check_system reads from the settings: the same inputs give the same answer."""
    return (config.workload.requires, config.engine, config.modes, config.python, config.nogil_python, config.commands)


def check_system(config: RunConfig) -> RunConfig:
    """What the settings need from this machine: each interpreter asked what it is (a process; the
    answer is kept for the session, see probe), the nogil lane's Python found, each command on PATH.
    Run it off the event loop when the inputs changed (system_inputs)."""
    if "nogil" in config.modes and config.nogil_python is None:
        config = replace(config, nogil_python=find_nogil_python())
    if config.python is not None:
        check_interpreter(config)
    check_engine_python(config)
    check_nogil(config)
    check_commands(config)
    return config


def check_commands(config: RunConfig) -> None:
    """``paraviz watch``'s commands: each one can be found."""
    for name, command in config.commands:
        program = command[0]
        found = shutil.which(program) if os.sep not in program else (program if os.access(program, os.X_OK) else None)
        if found is None:
            raise ConfigError(
                _("lane {name!r}: no such command {program!r} (not on PATH, or not executable)").format(
                    name=name, program=program
                )
            )


def check_interpreter(config: RunConfig) -> None:
    """What the workload, engine and lanes import must be importable under --python."""
    interpreter = probe(config.python or "")
    needed = list(config.workload.requires)
    needed += list(engine_spec(config.engine).modules) if set(config.modes) & {"threads", "processes"} else []
    needed += ["distributed"] if "dask" in config.modes else []
    missing = missing_modules(interpreter, tuple(needed))
    if missing:
        raise ConfigError(
            _(
                "{workload} needs {modules} under {python} ({path}): install them there, "
                "or choose a pure-Python workload (cumsum, sleep, squares)"
            ).format(
                workload=config.workload.name,
                modules=", ".join(missing),
                python=interpreter.label,
                path=interpreter.path,
            )
        )


def check_engine(config: RunConfig) -> None:
    """What the chosen engine declares it cannot do (its SPEC), said before anything runs; the
    Python of --python is asked by check_engine_python."""
    spec = engine_spec(config.engine)
    too_old = spec.threads_min_python is not None and sys.version_info[:2] < spec.threads_min_python
    if "threads" in config.modes and too_old and config.python is None:
        raise ConfigError(_(spec.threads_min_python_why).format(python=f"Python {platform.python_version()}"))
    if "threads" in config.modes and not spec.threads_load_extensions and config.workload.requires:
        raise ConfigError(
            _(spec.threads_load_extensions_why).format(
                workload=config.workload.name, modules=", ".join(config.workload.requires)
            )
        )
    if config.timed and not spec.timed:
        raise ConfigError(_(spec.timed_why))
    beyond_the_loop = bool(set(config.modes) - {"sequential"})
    if beyond_the_loop and spec.max_tasks is not None and config.task_count > spec.max_tasks:
        raise ConfigError(
            _(spec.max_tasks_why).format(max_tasks=spec.max_tasks, task_count=num(config.task_count, ","))
        )


def check_engine_python(config: RunConfig) -> None:
    """The engine's minimum Python for the threads lane, against the Python of --python (probed)."""
    spec = engine_spec(config.engine)
    if "threads" in config.modes and spec.threads_min_python is not None and config.python is not None:
        interpreter = probe(config.python)
        if tuple(int(p) for p in interpreter.version.split(".")[:2]) < spec.threads_min_python:
            raise ConfigError(_(spec.threads_min_python_why).format(python=interpreter.label))


#: Said when the nogil lane is chosen and no free-threaded Python is found: how to get one.
HOW_TO_GET_NOGIL = N_(
    "the nogil lane needs a free-threaded Python (python3.14t or python3.13t) and none was found: "
    "uv python install 3.14t, the python.org installers (free-threaded option), deadsnakes' python3.14-nogil "
    "or conda-forge's python-freethreading; then --nogil-python PATH"
)


def nogil_interpreter(path: str) -> Interpreter:
    """``--nogil-python PATH``, probed: a free-threaded CPython 3.13 or newer; ConfigError with one line."""
    try:
        interpreter = probe(path)
    except InterpreterError as exc:
        raise ConfigError(str(exc).replace("--python", "--nogil-python", 1)) from None
    if not interpreter.free_threaded:
        raise ConfigError(
            _(
                "--nogil-python {path!r} has the GIL: {python} is not a free-threaded build "
                "(Py_GIL_DISABLED is not set); give one such as python3.14t"
            ).format(path=path, python=interpreter.label)
        )
    if interpreter.gil_enabled:
        raise ConfigError(
            _(
                "--nogil-python {path!r}: {python} started with its GIL on (sys._is_gil_enabled() is True; "
                "is PYTHON_GIL=1 set?)"
            ).format(path=path, python=interpreter.label)
        )
    if interpreter.version_tuple[:2] < MIN_NOGIL_VERSION:
        raise ConfigError(
            _("--nogil-python {path!r} is {python}; the free-threaded build needs {minimum} or newer").format(
                path=path, python=interpreter.label, minimum=".".join(map(str, MIN_NOGIL_VERSION))
            )
        )
    return interpreter


def check_nogil(config: RunConfig) -> None:
    """The nogil lane's interpreter, and what the workload and engine need there."""
    if "nogil" not in config.modes:
        return
    if config.nogil_python is None:
        raise ConfigError(_(HOW_TO_GET_NOGIL))
    interpreter = nogil_interpreter(config.nogil_python)
    spec = engine_spec(config.engine)
    missing = missing_modules(interpreter, (*config.workload.requires, *spec.modules))
    if missing:
        raise ConfigError(
            _(
                "the nogil lane cannot run {workload} with engine {engine}: {python} ({path}) has no {modules} "
                "(few extension modules support free threading yet); choose a pure-Python workload "
                "(cumsum, sleep, squares) or the futures engine"
            ).format(
                workload=config.workload.name,
                engine=config.engine,
                python=interpreter.label,
                path=interpreter.path,
                modules=", ".join(missing),
            )
        )
    if spec.threads_min_python is not None and interpreter.version_tuple[:2] < spec.threads_min_python:
        raise ConfigError(_(spec.threads_min_python_why).format(python=interpreter.label))
