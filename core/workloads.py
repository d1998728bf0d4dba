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

PURE = "pure-Python CPU"
NUMERIC = "NumPy/scikit-learn CPU"
WAIT = "I/O wait"
TINY = "tiny tasks"
NESTED = "nested threads"
DATA = "moving data"
CUSTOM = "custom"


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

    @property
    def is_custom(self) -> bool:
        return self.kind == CUSTOM


_PURE = "paraviz.core.tasks_pure"
_ML = "paraviz.core.tasks_ml"

WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload(
            "cumsum",
            "The GIL: CPU-bound threads share one core; processes use them all.",
            PURE,
            f"{_PURE}:cumsum",
            8,
            10_000_000,
            "n in sum(range(1, n + 1))",
            2_000_000,
        ),
        Workload(
            "linreg",
            "NumPy releases the GIL in places: threads get part of the way, processes further.",
            NUMERIC,
            f"{_ML}:linreg",
            8,
            100,
            "LinearRegression fits per task",
            20,
            prepare=f"{_ML}:prepare",
            uses_inner_threads=True,
        ),
        Workload(
            "forest",
            "Long tasks: processes win; unequal sizes (--sizes) cap the speedup at the longest.",
            NUMERIC,
            f"{_ML}:forest",
            8,
            20,
            "trees per RandomForestRegressor",
            4,
            prepare=f"{_ML}:prepare",
            uses_inner_threads=True,
        ),
        Workload(
            "groups",
            "Oversubscription: workers x inner threads above the core count runs slower.",
            NESTED,
            f"{_ML}:groups",
            8,
            5_000,
            "rows per group (one HistGradientBoosting per group)",
            2_000,
            prepare=f"{_ML}:prepare_groups",
            uses_inner_threads=True,
        ),
        Workload(
            "sleep",
            "Waiting on I/O: threads overlap the waits as well as processes, far cheaper.",
            WAIT,
            f"{_PURE}:sleep",
            8,
            250,
            "milliseconds of waiting per task",
            50,
        ),
        Workload(
            "squares",
            "Overhead: one tiny task per element costs processes more than the work, until --chunksize.",
            TINY,
            f"{_PURE}:squares",
            20_000,
            1,
            "elements squared per task",
            1,
            calibrate=False,
        ),
        Workload(
            "transfer",
            "Moving data: threads share each task's 32 MB; processes receive a pickled copy of it per task.",
            DATA,
            f"{_PURE}:transfer",
            16,
            1_000_000,
            "n in sum(range(n)) after reading the data",
            1_000_000,
            calibrate=False,
            default_payload_mb=32.0,
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
    module, _, function = reference.rpartition(":")
    shape = "package.module:function or path/to/notebook.py:function"
    if _is_module_path(module):
        path = Path(module).expanduser()
        if not path.is_file():
            raise WorkloadError(f"no such file {module!r} (in {reference!r})")
        if not path.stem.isidentifier():
            raise WorkloadError(f"{path.name!r} is not importable as a module: rename it like my_notebook.py")
        reference = f"{path.resolve()}:{function}"
    elif not module or not all(p.isidentifier() for p in module.split(".")):
        raise WorkloadError(f"custom workload must look like {shape}, not {reference!r}")
    if not function.isidentifier():
        raise WorkloadError(f"custom workload must look like {shape}, not {reference!r}")
    return Workload(
        reference,
        "Your own function: f(item) as map calls it, or task(index, size).",
        CUSTOM,
        reference,
        8,
        1,
        "size passed to your function",
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
        raise WorkloadError(f"unknown workload {name!r}; choose one of {known}, or package.module:function") from None


def resolve(reference: str) -> Callable[..., Any]:
    """Import ``module:function`` or ``/path/file.py:function``; raise WorkloadError with a
    one-line reason if it fails."""
    module_name, _, attr = reference.rpartition(":")
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
        raise WorkloadError(f"cannot import {module_name!r}: {type(exc).__name__}: {exc}") from None
    function = getattr(module, attr, None)
    if function is None:
        raise WorkloadError(f"module {module_name!r} has no attribute {attr!r}")
    if not callable(function):
        raise WorkloadError(f"{reference} is not callable")
    return function


def signature_contract(function: Callable[..., Any], reference: str) -> str:
    """'item' for f(item), as map calls it; 'index_size' for task(index, size); else WorkloadError."""
    if getattr(function, "__name__", "") == "<lambda>":
        raise WorkloadError(f"{reference} is a lambda: process pools cannot send it; define it with def")
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        raise WorkloadError(f"{reference}: cannot read its parameters") from None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in parameters if p.kind in positional and p.default is p.empty]
    keyword_only = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    if keyword_only:
        raise WorkloadError(
            f"{reference} needs keyword-only arguments ({', '.join(keyword_only)}); paraviz passes none"
        )
    if len(required) == 1:
        return "item"
    if len(required) == 2:
        return "index_size"
    raise WorkloadError(
        f"{reference} takes {len(required)} required arguments; paraviz calls f(item) (one) or task(index, size) (two)"
    )


def check_picklable(reference: str) -> None:
    """Process pools send the function by reference: it must pickle and load back as itself."""
    function = resolve(reference)
    try:
        loaded = pickle.loads(pickle.dumps(function))
    except Exception as exc:
        raise WorkloadError(f"{reference} cannot be pickled for a process pool: {exc}") from None
    if loaded is not function:
        raise WorkloadError(f"{reference} does not pickle as itself (is it a top-level function?)")
