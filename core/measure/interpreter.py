"""Another Python for the lanes (``--python PATH``): asked once what it is; the run host runs under it.

The host imports only the standard library for pure-Python work, so any CPython 3.11 or newer
can run it: paraviz's own ``core`` package is put on that interpreter's path through a one-package
folder (a link), never this interpreter's site-packages, whose compiled modules would not load there.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from paraviz.core.i18n import _

MIN_VERSION = (3, 11)
#: The first CPython with a free-threaded build (PEP 703).
MIN_NOGIL_VERSION = (3, 13)
#: The names a free-threaded build installs as, newest first.
NOGIL_NAMES = ("python3.14t", "python3.13t")
#: Modules a workload or engine may need beyond the standard library, asked of the interpreter.
OPTIONAL_MODULES = ("numpy", "sklearn", "pandas", "threadpoolctl", "joblib", "distributed")
PROBE = (
    "import json, sys, sysconfig, importlib.util as u\n"
    "gil = getattr(sys, '_is_gil_enabled', lambda: True)()\n"
    "print(json.dumps({'version': list(sys.version_info[:3]), 'implementation': sys.implementation.name,"
    " 'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), 'gil_enabled': gil,"
    " 'executable': sys.executable, 'start_method': __import__('multiprocessing').get_start_method(),"
    f" 'modules': [m for m in {OPTIONAL_MODULES!r} if u.find_spec(m) is not None]}}))"
)


class InterpreterError(ValueError):
    """A --python that is missing, not executable, not a Python, or too old (one line)."""


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: str
    implementation: str
    #: Built with the GIL optional (PEP 703): ``python3.13t``, ``python3.14t``.
    free_threaded: bool
    #: Whether the GIL was on when the interpreter started (it can come back on at import).
    gil_enabled: bool
    modules: frozenset[str]
    #: Its multiprocessing default (fork on Linux before 3.14, forkserver from 3.14).
    start_method: str = "fork"

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.version.split("."))

    @property
    def label(self) -> str:
        """``Python 3.13.0`` or ``Python 3.14.0t``: the free-threaded build marked as Python marks it."""
        return f"Python {self.version}{'t' if self.free_threaded else ''}"


@functools.cache
def probe(path: str) -> Interpreter:
    """Run ``path`` once and ask it what it is; InterpreterError with one line when it will not do."""
    file = Path(path).expanduser()
    if not file.exists():
        raise InterpreterError(_("--python {path!r}: no such file").format(path=path))
    if not os.access(file, os.X_OK) or file.is_dir():
        raise InterpreterError(_("--python {path!r} is not an executable file").format(path=path))
    try:
        done = subprocess.run([str(file), "-I", "-c", PROBE], capture_output=True, text=True, timeout=20)
        answer = json.loads(done.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        raise InterpreterError(
            _("--python {path!r} does not answer as a Python interpreter").format(path=path)
        ) from None
    version = tuple(answer["version"])
    if version < MIN_VERSION:
        raise InterpreterError(
            _("--python {path!r} is Python {version}; paraviz needs {minimum} or newer").format(
                path=path, version=".".join(map(str, version)), minimum=".".join(map(str, MIN_VERSION))
            )
        )
    return Interpreter(
        path=str(file.absolute()),
        version=".".join(map(str, version)),
        implementation=answer["implementation"],
        free_threaded=answer["free_threaded"],
        gil_enabled=answer["gil_enabled"],
        modules=frozenset(answer["modules"]),
        start_method=answer["start_method"],
    )


def cache_folder() -> Path:
    """Where paraviz keeps what it builds once per machine (.ci/nogil-python.sh's free-threaded CPython)."""
    explicit = os.environ.get("PARAVIZ_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "paraviz"


def find_nogil_python() -> str | None:
    """The no-GIL lane's interpreter when none is named: a free-threaded build on PATH, else the one
    ``.ci/nogil-python.sh`` built into the cache. Not probed here (validation does, and says why not)."""
    for name in NOGIL_NAMES:
        path = shutil.which(name)
        if path:
            return path
    built = sorted(cache_folder().glob("cpython-ft-*/bin/python3.1[3-9]t"))
    return str(built[-1]) if built else None


def ask_nogil_python_early() -> None:
    """Find the nogil lane's Python and ask it what it is in a daemon thread, before the event loop
    runs: a check made later on the loop (the lecture's nogil step) then finds the answer kept.
    A failure is left for that check to say."""

    def ask() -> None:
        path = find_nogil_python()
        if path:
            with contextlib.suppress(InterpreterError):
                probe(path)

    threading.Thread(target=ask, name="paraviz-nogil-probe", daemon=True).start()


def missing_modules(interpreter: Interpreter, needed: tuple[str, ...]) -> list[str]:
    return [m for m in needed if m not in interpreter.modules]


@functools.cache
def import_folder() -> str:
    """A folder holding only ``paraviz/core`` (a link to this package), for another interpreter's path."""
    folder = Path(tempfile.mkdtemp(prefix="paraviz-import-"))
    (folder / "paraviz").mkdir()
    (folder / "paraviz" / "__init__.py").write_text("")
    (folder / "paraviz" / "core").symlink_to(Path(__file__).resolve().parents[1], target_is_directory=True)
    return str(folder)


def host_argv(python: str | None, code: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment changes that start a run host under ``python`` (None: this one)."""
    if python is None or python == sys.executable:
        return [sys.executable, "-c", code], {}
    return [python, "-c", code], {"PYTHONPATH": import_folder()}
