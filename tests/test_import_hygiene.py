"""core/ never imports Textual; the run host imports only the standard library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import paraviz.core

CORE_MODULES = [m.name for m in pkgutil.walk_packages(paraviz.core.__path__, "paraviz.core.")]
#: Everything under core/host runs inside a run host, which may be another Python: the standard
#: library only, but for the modules that exist to bring in a library (NumPy tasks, loky, Dask).
NEEDS_A_LIBRARY = {
    "paraviz.core.host.tasks_ml",
    "paraviz.core.host.engines.joblib_engine",
    "paraviz.core.host.engines.dask_lane",
}
STDLIB_ONLY = sorted(m for m in CORE_MODULES if m.startswith("paraviz.core.host.") and m not in NEEDS_A_LIBRARY)


def modules_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_modules_exist():
    assert {"paraviz.core.measure.runner", "paraviz.core.host.main", "paraviz.core.host.engines.pool"} <= set(
        CORE_MODULES
    )


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
