"""A run's settings, with every bound checked in one place (the CLI and the app share it)."""

from __future__ import annotations

import multiprocessing
import os
import platform
import shutil
import sys
from dataclasses import dataclass, field, replace

from paraviz.core.host.engines import DEFAULT_ENGINE, ENGINES, engine_spec
from paraviz.core.measure.interpreter import (
    MIN_NOGIL_VERSION,
    Interpreter,
    InterpreterError,
    find_nogil_python,
    missing_modules,
    probe,
)
from paraviz.core.measure.machine import logical_cores
from paraviz.core.model.figures import DEFAULT_MODES, MODES
from paraviz.core.model.workloads import Workload, get_workload
from paraviz.core.teach.i18n import N_, _, num

START_METHODS = tuple(m for m in ("fork", "forkserver", "spawn") if m in multiprocessing.get_all_start_methods())
MAX_TASKS = 1_000_000
MAX_SIZE = 10**12
MAX_SECONDS = 3600.0
MAX_INNER_THREADS = 256
MAX_REPEAT = 50
MAX_PAYLOAD_MB = 1024.0
#: How the workload's function is called: task(index, size), or f(item) as map calls it.
CALL_INDEX_SIZE, CALL_ITEM = "index_size", "item"
#: Memory we allow a worker process before refusing a pool that would not fit.
WORKER_MEMORY_BYTES = 100 * 2**20


class ConfigError(ValueError):
    """A setting out of bounds; its message is one line meant for the user."""


def default_start_method() -> str:
    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_context().get_start_method()
    return method if method in START_METHODS else START_METHODS[0]


def max_workers() -> int:
    """4 per logical core (at least 32), and no more than available memory allows."""
    import psutil

    by_cores = max(32, 4 * logical_cores())
    by_memory = max(1, psutil.virtual_memory().available // WORKER_MEMORY_BYTES)
    return int(min(by_cores, by_memory))


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
    """What the chosen engine declares it cannot do (its SPEC), said before anything runs."""
    spec = engine_spec(config.engine)
    if "threads" in config.modes and spec.threads_min_python is not None:
        if config.python is not None:
            interpreter = probe(config.python)
            version, label = tuple(int(p) for p in interpreter.version.split(".")[:2]), interpreter.label
        else:
            version, label = sys.version_info[:2], f"Python {platform.python_version()}"
        if version < spec.threads_min_python:
            raise ConfigError(_(spec.threads_min_python_why).format(python=label))
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


@dataclass(frozen=True)
class RunConfig:
    workload: Workload = field(default_factory=lambda: get_workload("cumsum"))
    modes: tuple[str, ...] = DEFAULT_MODES
    #: One per logical core unless chosen (the CLI and the app agree on this default).
    workers: int = field(default_factory=logical_cores)
    tasks: int | None = None
    size: int | None = None  # None: calibrate to target_seconds
    sizes: tuple[int, ...] | None = None
    seconds: float | None = None  # timed mode
    start_method: str = field(default_factory=default_start_method)
    #: How threads and processes run their tasks (core/engines); the sequential lane is a loop.
    engine: str = DEFAULT_ENGINE
    #: Tasks per message to a process worker; None: the engine's own default (Pool.map computes one).
    chunksize: int | None = None
    #: Arguments for a one-argument function f(item), one task each (--items).
    items: tuple[int | float | str, ...] | range | None = None
    #: task(index, size) or f(item): from the function's signature (checked in a run host).
    call: str = CALL_INDEX_SIZE
    inner_threads: int = 1
    together: bool = False
    target_seconds: float = 4.0
    #: Rounds per lane, interleaved; figures are medians (1 in the live app, which is live).
    repeat: int = 1
    #: Megabytes of data sent with every task (None: the workload's own, 0 for most).
    payload_mb: float | None = None
    #: tcp://HOST:PORT of an existing Dask scheduler for the dask lane (None: a LocalCluster).
    scheduler: str | None = None
    #: Another Python for every lane's host (--python PATH; None: this one).
    python: str | None = None
    #: ``paraviz watch``: (name, argv) of each command run as a lane, in order; modes are their names.
    commands: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: ``paraviz attach``: (name, pid) of each running process followed as a lane; modes are their names.
    attach: tuple[tuple[str, int], ...] = ()
    #: Where each command's output goes, a file per lane and round (None: a new temporary folder).
    output_dir: str | None = None
    #: The free-threaded Python of the nogil lane (--nogil-python PATH; None: found when the lane is chosen).
    nogil_python: str | None = None
    #: Seconds after which a lane still running is stopped and reported so (None: no limit).
    time_limit_s: float | None = None

    @property
    def payload(self) -> float:
        return self.workload.default_payload_mb if self.payload_mb is None else self.payload_mb

    @property
    def task_count(self) -> int:
        if self.items:
            return len(self.items)
        if self.sizes:
            return len(self.sizes)
        return self.tasks if self.tasks is not None else self.workload.default_tasks

    @property
    def timed(self) -> bool:
        return self.seconds is not None

    @property
    def needs_calibration(self) -> bool:
        return self.size is None and not self.sizes and self.workload.calibrate and not self.timed

    def resolved_size(self) -> int:
        return self.size if self.size is not None else self.workload.default_size

    def with_workload(self, name: str) -> RunConfig:
        return replace(self, workload=get_workload(name), size=None, sizes=None, tasks=None, payload_mb=None)


def validate(config: RunConfig) -> RunConfig:
    """Raise ConfigError naming the first setting out of bounds; return the config, with the nogil
    lane's interpreter found when the lane is chosen and none was named."""
    if "nogil" in config.modes and config.nogil_python is None:
        config = replace(config, nogil_python=find_nogil_python())
    bound = max_workers()
    if not 1 <= config.workers <= bound:
        raise ConfigError(
            _(
                "workers must be between 1 and {bound} (4 per logical core, at least 32, and "
                "{value} MiB of free memory each), not {workers}"
            ).format(bound=bound, value=WORKER_MEMORY_BYTES // 2**20, workers=config.workers)
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
    if config.python is not None:
        check_interpreter(config)
    if config.items is not None and config.sizes is not None:
        raise ConfigError(_("give --items or --sizes, not both"))
    check_engine(config)
    check_nogil(config)
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
    check_commands(config)
    return config


def check_commands(config: RunConfig) -> None:
    """``paraviz watch``'s lanes: named once each, each a command that can be found."""
    names = [name for name, _command in config.commands]
    for name, command in config.commands:
        if not name or names.count(name) > 1:
            raise ConfigError(_("each lane needs its own name, not {name!r}").format(name=name))
        if not command:
            raise ConfigError(_("lane {name!r} has no command").format(name=name))
        program = command[0]
        found = shutil.which(program) if os.sep not in program else (program if os.access(program, os.X_OK) else None)
        if found is None:
            raise ConfigError(
                _("lane {name!r}: no such command {program!r} (not on PATH, or not executable)").format(
                    name=name, program=program
                )
            )
