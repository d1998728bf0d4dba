"""Engines: how the threads and processes lanes run their tasks (the sequential lane is a plain
loop). Each is one module here with ``run(lane) -> Outcome`` (see base.py); adding one means a
module and a line below, nothing else."""

from __future__ import annotations

import importlib

from paraviz.core.host.engines.base import Engine
from paraviz.core.teach.i18n import N_

#: name -> (module, what it runs for threads / for processes)
ENGINES: dict[str, tuple[str, str]] = {
    "futures": ("futures", N_("ThreadPoolExecutor / ProcessPoolExecutor")),
    "pool": ("pool", N_("multiprocessing ThreadPool / Pool.map")),
    "joblib": ("joblib_engine", N_('joblib Parallel, backend "threading" / loky')),
    "raw": ("raw", N_("one threading.Thread / multiprocessing.Process per task")),
    "interpreters": ("interpreters", N_("InterpreterPoolExecutor, an interpreter per thread / ProcessPoolExecutor")),
}
DEFAULT_ENGINE = "futures"


def load_engine(name: str) -> Engine:
    module, _ = ENGINES[name]
    return importlib.import_module(f"{__name__}.{module}")  # type: ignore[return-value]


#: Lanes beyond the engine's two: the dask mode has its own module (distributed).
MODE_MODULES = {"dask": "dask_lane"}


def load_lane_runner(mode: str, engine: str) -> Engine | None:
    """What runs a lane's tasks: None for the sequential loop, the engine for threads and
    processes, the mode's own module for dask. Imported before the lane's clock starts."""
    if mode == "sequential":
        return None
    if mode in MODE_MODULES:
        return importlib.import_module(f"{__name__}.{MODE_MODULES[mode]}")  # type: ignore[return-value]
    return load_engine(engine)
