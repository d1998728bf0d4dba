"""core/ never imports Textual; the run host imports only the standard library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import paraviz.core

CORE_MODULES = [f"paraviz.core.{m.name}" for m in pkgutil.iter_modules(paraviz.core.__path__)]


def modules_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_modules_exist():
    assert {"paraviz.core.runner", "paraviz.core.host", "paraviz.core.sampler"} <= set(CORE_MODULES)


def test_no_core_module_imports_textual():
    for module in CORE_MODULES:
        loaded = modules_after_import(module)
        assert not any(name == "textual" or name.startswith("textual.") for name in loaded), module


def test_run_host_and_pure_tasks_import_only_the_standard_library():
    at_start = modules_after_import("sys")  # what site-packages' .pth files load anyway
    loaded = set().union(
        *(modules_after_import(m) for m in ("paraviz.core.host", "paraviz.core.worker", "paraviz.core.tasks_pure"))
    )
    third_party = (
        {name.split(".")[0] for name in loaded - at_start} - set(sys.stdlib_module_names) - {"paraviz", "__mp_main__"}
    )
    assert not third_party, third_party
