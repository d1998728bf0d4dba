"""What an engine declares about itself, read outside the host by the settings checks, the tables and
the explanation, so that nothing there branches on an engine's name. Standard library only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paraviz.core.model.figures import RunResult

#: (threads lane, processes lane, logical cores) -> the sentences an engine adds to the explanation.
Sentences = Callable[["RunResult | None", "RunResult | None", int], list[str]]


def no_sentences(thr: RunResult | None, proc: RunResult | None, logical_cores: int) -> list[str]:
    return []


@dataclass(frozen=True)
class EngineSpec:
    name: str
    #: What it runs for threads / for processes (N_: translated where shown).
    what: str
    #: Modules its threads and processes lanes import in the run host (checked under --python).
    modules: tuple[str, ...] = ()
    #: The oldest Python its threads lane runs on, and why (N_), or None.
    threads_min_python: tuple[int, int] | None = None
    threads_min_python_why: str = ""
    #: Whether its threads lane can load extension modules (NumPy), and why not (N_, {workload}, {modules}).
    threads_load_extensions: bool = True
    threads_load_extensions_why: str = ""
    #: At most this many tasks (the message is N_ with {max_tasks} and {task_count}), or None.
    max_tasks: int | None = None
    max_tasks_why: str = ""
    #: Whether it can run a timed lane (--seconds), and why not (N_).
    timed: bool = True
    timed_why: str = ""
    #: What starts its worker processes, when not the start method (joblib: loky).
    starter: str | None = None
    #: The processes lane in tables ({mode}, {start_method}, {chunksize}).
    label: str = "{mode} {start_method} c{chunksize}"
    #: What it adds to the explanation.
    sentences: Sentences = no_sentences
    #: Said of its threads lane when it used more than one core (None: the general sentences apply).
    parallel_threads: Callable[[RunResult], str] | None = None
