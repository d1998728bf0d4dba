from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import psutil
import pytest


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding `userwork.py`, a user's own workload module, as the working directory."""
    (tmp_path / "userwork.py").write_text(
        textwrap.dedent(
            """
            import os, signal, time

            def square(index, size):
                return index * index

            def fails_on_three(index, size):
                if index == 3:
                    raise ValueError("bad row 3")
                time.sleep(0.01)
                return index

            def exits_on_two(index, size):
                if index == 2:
                    os._exit(3)
                time.sleep(0.05)
                return index

            def killed_on_two(index, size):
                if index == 2:
                    os.kill(os.getpid(), signal.SIGKILL)
                time.sleep(0.05)
                return index

            def slow(index, size):
                time.sleep(size)
                return index

            lambda_task = lambda index, size: index
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def descendants() -> set[int]:
    return {p.pid for p in psutil.Process(os.getpid()).children(recursive=True)}


@pytest.fixture
def no_leftover_processes():
    """Fail if a test leaves any child process of pytest running."""
    before = descendants()
    yield
    leftover = descendants() - before
    alive = []
    for pid in leftover:
        try:
            proc = psutil.Process(pid)
            if proc.status() != psutil.STATUS_ZOMBIE:
                alive.append((pid, proc.cmdline()))
        except psutil.NoSuchProcess:
            pass
    assert not alive, f"processes left behind: {alive}"


PARAVIZ = [sys.executable, "-m", "paraviz.tui"]


def sigterm_leaves_nothing(args: list[str], at_least: int, wait_s: float = 30) -> None:
    """Start ``paraviz`` with ``args``, wait until it has ``at_least`` descendants (the lane's
    processes), SIGTERM it: it exits 130 and every one of those processes is gone."""
    import signal
    import subprocess
    import time

    proc = subprocess.Popen([*PARAVIZ, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + wait_s
    tree: list[psutil.Process] = []
    while time.monotonic() < deadline and len(tree) < at_least:
        time.sleep(0.2)
        tree = psutil.Process(proc.pid).children(recursive=True)
    assert len(tree) >= at_least, f"the lane never started its processes: {tree}"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 130
    _, alive = psutil.wait_procs(tree, timeout=5)
    assert not alive, alive


@pytest.fixture
def spanish():
    """The app and the CLI in Spanish for one test, English again after it."""
    from paraviz.core.i18n import set_language

    set_language("es")
    yield
    set_language("en")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Every physics rerun, with its first failure's message: a regression that fails half the time
    passes on its rerun, and would be seen nowhere else (tests/support/physics.py)."""
    reruns = terminalreporter.stats.get("rerun", [])
    if not reruns:
        return
    terminalreporter.write_sep("=", f"{len(reruns)} physics rerun(s): why the first try failed", yellow=True)
    for report in reruns:
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if crash is not None else str(report.longrepr).strip().splitlines()[-1]
        terminalreporter.write_line(f"RERUN {report.nodeid}: {' '.join(message.split())[:300]}")
