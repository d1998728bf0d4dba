"""core/ never imports Textual; the run host imports only the standard library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import paraviz.core

CORE_MODULES = [m.name for m in pkgutil.walk_packages(paraviz.core.__path__, "paraviz.core.")]
#: What a pure-Python lane's host may load: the host, its worker code and these engines.
STDLIB_ONLY = [
    "paraviz.core.host",
    "paraviz.core.worker",
    "paraviz.core.protocol",
    "paraviz.core.tasks_pure",
    "paraviz.core.engines.futures",
    "paraviz.core.engines.pool",
    "paraviz.core.engines.raw",
]


def modules_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_modules_exist():
    assert {"paraviz.core.runner", "paraviz.core.host", "paraviz.core.engines.pool"} <= set(CORE_MODULES)


def test_no_core_module_imports_textual():
    for module in CORE_MODULES:
        loaded = modules_after_import(module)
        assert not any(name == "textual" or name.startswith("textual.") for name in loaded), module


def test_run_host_and_pure_tasks_import_only_the_standard_library():
    at_start = modules_after_import("sys")  # what site-packages' .pth files load anyway
    loaded = set().union(*(modules_after_import(m) for m in STDLIB_ONLY))
    third_party = (
        {name.split(".")[0] for name in loaded - at_start} - set(sys.stdlib_module_names) - {"paraviz", "__mp_main__"}
    )
    assert not third_party, third_party


def test_headless_commands_import_no_textual():
    """`paraviz run`, `sweep` and `workloads` stay quick: Textual loads only for the app."""
    code = (
        "import sys; from paraviz.tui import cli; "
        "cli.main(['workloads']); "
        "cli.main(['run', '-w', 'sleep', '--size', '1', '--tasks', '1', '--modes', 'sequential', '--repeat', '1']); "
        "cli.main(['sweep', '-w', 'sleep', '--size', '1', '--tasks', '2', '--workers', '1,2', '--repeat', '1']); "
        "print('TEXTUAL' if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 'CLEAN')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "CLEAN"
