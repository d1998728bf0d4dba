"""Engines: how the threads and processes lanes run their tasks (the sequential loop needs none).

Each engine is one module here: ``run(lane) -> Outcome`` (see base.py), an optional ``prepare()``
that imports its library before the lane's clock starts, and ``SPEC`` (spec.py), what it declares
about itself for the settings checks, the tables and the explanation. Adding one is a module and
its name below; nothing outside this folder branches on an engine's name.
"""

from __future__ import annotations

import functools
import importlib

from paraviz.core.host.engines.base import Engine
from paraviz.core.host.engines.spec import EngineSpec
from paraviz.core.model.config import ENGINE_NAMES

#: name -> module, in the order the app and the help list them (the names are the model's).
ENGINES: dict[str, str] = dict(
    zip(ENGINE_NAMES, ("futures", "pool", "joblib_engine", "raw", "interpreters"), strict=True)
)


@functools.cache
def engine_spec(name: str) -> EngineSpec:
    """What the engine ``name`` declares (its module loads; its library does not)."""
    return importlib.import_module(f"{__name__}.{ENGINES[name]}").SPEC  # type: ignore[no-any-return]


def load_engine(name: str) -> Engine:
    module = importlib.import_module(f"{__name__}.{ENGINES[name]}")
    prepare = getattr(module, "prepare", None)
    if prepare is not None:
        prepare()  # its library, before the lane's clock starts
    return module  # type: ignore[return-value]


#: Lanes beyond the engine's two, each with its own module: dask (distributed), asyncio (one event
#: loop) and hybrid (an event loop for the I/O, a process pool for the computing).
MODE_MODULES = {"dask": "dask_lane", "asyncio": "asyncio_lane", "hybrid": "hybrid_lane"}


def load_lane_runner(mode: str, engine: str) -> Engine | None:
    """What runs a lane's tasks: None for the sequential loop, the engine for threads and
    processes, the mode's own module for dask. Imported before the lane's clock starts."""
    if mode == "sequential":
        return None
    if mode in MODE_MODULES:
        return importlib.import_module(f"{__name__}.{MODE_MODULES[mode]}")  # type: ignore[return-value]
    return load_engine(engine)
