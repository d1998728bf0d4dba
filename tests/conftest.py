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
