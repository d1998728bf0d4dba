"""The workload registry: what each workload does, what it teaches, and its defaults.

Functions are named by ``module:function`` reference, not imported here, so the registry
costs nothing to load and a run host imports only the workload it runs.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paraviz.core.i18n import N_, _

#: How the host calls the workload's function: task(index, size), or f(item) as map calls it.
CALL_INDEX_SIZE, CALL_ITEM = "index_size", "item"

PURE = N_("pure-Python CPU")
NUMERIC = N_("NumPy/scikit-learn CPU")
WAIT = N_("I/O wait")
TINY = N_("tiny tasks")
NESTED = N_("nested threads")
DATA = N_("moving data")
PIPELINE = N_("I/O then CPU")
CUSTOM = N_("custom")


@dataclass(frozen=True)
class Workload:
    name: str
    lesson: str
    kind: str
    task: str  # "module:function" of a top-level task(index, size)
    default_tasks: int
    default_size: int
    size_unit: str
    #: Size for the one-task calibration run (small, so calibration takes a moment).
    trial_size: int
    #: Whether calibration may scale the size (False where the lesson needs the default).
    calibrate: bool = True
    prepare: str | None = None  # "module:function" run in the host before the clock starts
    uses_inner_threads: bool = False
    #: Megabytes of data each task is sent unless --payload says otherwise.
    default_payload_mb: float = 0.0
    #: ``async def task(index, size)`` for the asyncio lane, where the task awaits its I/O (None: the
    #: asyncio lane runs ``task`` inside the loop, blocking it, as CPU work does).
    async_task: str | None = None
    #: The hybrid lane's two parts: ``async def io(index)`` awaited on the loop, and
    #: ``cpu(size, answer)`` handed to a process pool (None: no hybrid form).
    io_part: str | None = None
    cpu_part: str | None = None

    @property
    def requires(self) -> tuple[str, ...]:
        """Modules beyond the standard library its tasks import (checked under --python)."""
        return ("numpy", "sklearn", "threadpoolctl") if self.task.startswith(_ML) else ()

    @property
    def is_custom(self) -> bool:
        return self.kind == CUSTOM


_PURE = "paraviz.core.host.tasks_pure"
_IO = "paraviz.core.host.tasks_io"
_ML = "paraviz.core.host.tasks_ml"

WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload(
            "cumsum",
            N_("The GIL: CPU-bound threads share one core; processes use them all."),
            PURE,
            f"{_PURE}:cumsum",
            8,
            10_000_000,
            N_("n in sum(range(1, n + 1))"),
            2_000_000,
        ),
        Workload(
            "linreg",
            N_("NumPy releases the GIL in places: threads get part of the way, processes further."),
            NUMERIC,
            f"{_ML}:linreg",
            8,
            100,
            N_("LinearRegression fits per task"),
            20,
            prepare=f"{_ML}:prepare",
            uses_inner_threads=True,
        ),
        Workload(
            "forest",
            N_("Long tasks: processes win; unequal sizes (--sizes) cap the speedup at the longest."),
            NUMERIC,
            f"{_ML}:forest",
            8,
            20,
            N_("trees per RandomForestRegressor"),
            4,
            prepare=f"{_ML}:prepare",
            uses_inner_threads=True,
        ),
        Workload(
            "groups",
            N_("Oversubscription: workers x inner threads above the core count runs slower."),
            NESTED,
            f"{_ML}:groups",
            8,
            5_000,
            N_("rows per group (one HistGradientBoosting per group)"),
            2_000,
            prepare=f"{_ML}:prepare_groups",
            uses_inner_threads=True,
        ),
        Workload(
            "sleep",
            N_("Waiting on I/O: threads overlap the waits as well as processes, far cheaper."),
            WAIT,
            f"{_PURE}:sleep",
            8,
            250,
            N_("milliseconds of waiting per task"),
            50,
            async_task=f"{_IO}:sleep_async",
        ),
        Workload(
            "squares",
            N_("Overhead: one tiny task per element costs processes more than the work, until --chunksize."),
            TINY,
            f"{_PURE}:squares",
            20_000,
            1,
            N_("elements squared per task"),
            1,
            calibrate=False,
        ),
        Workload(
            "transfer",
            N_("Moving data: threads share each task's 32 MB; processes receive a pickled copy of it per task."),
            DATA,
            f"{_PURE}:transfer",
            16,
            1_000_000,
            N_("n in sum(range(n)) after reading the data"),
            1_000_000,
            calibrate=False,
            default_payload_mb=32.0,
        ),
        Workload(
            "pipeline",
            N_("I/O then CPU: a request to a loopback server (--io-ms), then pure Python on its answer."),
            PIPELINE,
            f"{_IO}:pipeline",
            12,
            10_000_000,
            N_("n in sum(range(1, n + 1)) on each answer"),
            1_000_000,
            calibrate=False,
            prepare=f"{_IO}:prepare",
            async_task=f"{_IO}:pipeline_async",
            io_part=f"{_IO}:fetch_async",
            cpu_part=f"{_IO}:compute",
        ),
    )
}


class WorkloadError(ValueError):
    """A workload that does not exist, cannot be imported, or cannot be pickled."""


def is_custom_reference(name: str) -> bool:
    return ":" in name


def _is_module_path(module: str) -> bool:
    """``path/to/notebook.py`` rather than ``package.module``."""
    return module.endswith(".py")


def custom_workload(reference: str) -> Workload:
    """A user's ``package.module:function`` or ``path/to/file.py:function`` as a workload (checked
    later, in a subprocess: the UI process never imports the user's code)."""
    module, _colon, function = reference.rpartition(":")
    shape = "package.module:function or path/to/notebook.py:function"
    if _is_module_path(module):
        path = Path(module).expanduser()
        if not path.is_file():
            raise WorkloadError(
                _("no such file {module!r} (in {reference!r})").format(module=module, reference=reference)
            )
        if not path.stem.isidentifier():
            raise WorkloadError(
                _("{name!r} is not importable as a module: rename it like my_notebook.py").format(name=path.name)
            )
        reference = f"{path.resolve()}:{function}"
    elif not module or not all(p.isidentifier() for p in module.split(".")):
        raise WorkloadError(
            _("custom workload must look like {shape}, not {reference!r}").format(shape=shape, reference=reference)
        )
    if not function.isidentifier():
        raise WorkloadError(
            _("custom workload must look like {shape}, not {reference!r}").format(shape=shape, reference=reference)
        )
    return Workload(
        reference,
        N_("Your own function: f(item) as map calls it, or task(index, size)."),
        CUSTOM,
        reference,
        8,
        1,
        N_("size passed to your function"),
        1,
        calibrate=False,
    )


def get_workload(name: str) -> Workload:
    if is_custom_reference(name):
        return custom_workload(name)
    try:
        return WORKLOADS[name]
    except KeyError:
        known = ", ".join(WORKLOADS)
        raise WorkloadError(
            _("unknown workload {name!r}; choose one of {known}, or package.module:function").format(
                name=name, known=known
            )
        ) from None


def resolve(reference: str) -> Callable[..., Any]:
    """Import ``module:function`` or ``/path/file.py:function``; raise WorkloadError with a
    one-line reason if it fails."""
    module_name, _colon, attr = reference.rpartition(":")
    if _is_module_path(module_name):
        # Imported by its name from its folder, so that process workers (fork, spawn and
        # forkserver alike receive sys.path) unpickle the function by reference.
        folder, module_name = str(Path(module_name).parent), Path(module_name).stem
        if folder not in sys.path:
            sys.path.insert(0, folder)
    if "" not in sys.path:  # like `python -m`, find the user's modules in the working directory
        sys.path.insert(0, "")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any import-time failure is the user's module's, report it
        raise WorkloadError(
            _("cannot import {module_name!r}: {name}: {exc}").format(
                module_name=module_name, name=type(exc).__name__, exc=exc
            )
        ) from None
    function = getattr(module, attr, None)
    if function is None:
        raise WorkloadError(
            _("module {module_name!r} has no attribute {attr!r}").format(module_name=module_name, attr=attr)
        )
    if not callable(function):
        raise WorkloadError(_("{reference} is not callable").format(reference=reference))
    return function


def signature_contract(function: Callable[..., Any], reference: str) -> str:
    """'item' for f(item), as map calls it; 'index_size' for task(index, size); else WorkloadError."""
    if getattr(function, "__name__", "") == "<lambda>":
        raise WorkloadError(
            _("{reference} is a lambda: process pools cannot send it; define it with def").format(reference=reference)
        )
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        raise WorkloadError(f"{reference}: cannot read its parameters") from None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in parameters if p.kind in positional and p.default is p.empty]
    keyword_only = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if keyword_only:
        raise WorkloadError(
            _("{reference} needs keyword-only arguments ({choices}); paraviz passes none").format(
                reference=reference, choices=", ".join(keyword_only)
            )
        )
    if len(required) == 1:
        return CALL_ITEM
    if len(required) == 2:
        return CALL_INDEX_SIZE
    raise WorkloadError(
        _(
            "{reference} takes {required} required arguments; paraviz calls f(item) (one) or task(index, size) (two)"
        ).format(reference=reference, required=len(required))
    )


def check_picklable(reference: str) -> None:
    """Process pools send the function by reference: it must pickle and load back as itself."""
    function = resolve(reference)
    try:
        loaded = pickle.loads(pickle.dumps(function))
    except Exception as exc:
        raise WorkloadError(
            _("{reference} cannot be pickled for a process pool: {exc}").format(reference=reference, exc=exc)
        ) from None
    if loaded is not function:
        raise WorkloadError(
            _("{reference} does not pickle as itself (is it a top-level function?)").format(reference=reference)
        )
