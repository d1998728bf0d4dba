"""Quit in the middle of a run, every way a run can end early: nothing may be left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import psutil
import pytest

from tests.conftest import PARAVIZ
from tests.support.terminal import drain, spawn, wait_exit

#: The lanes' tasks sleep 30 s (``--size 30000``): an exit this soon means every process was killed, not
#: that a task finished; the 2 s left are the interpreter's exit and the pool's teardown on a slow VM
#: (seen 0.3-0.6 s here), 15 times less than one task.
KILLED_WITHIN_S = 2.0

LANES = [
    ("sequential", "fork"),
    ("threads", "fork"),
    ("processes", "fork"),
    ("processes", "forkserver"),
    ("processes", "spawn"),
]


def tree_once_running(pid: int, expect_at_least: int, timeout: float = 30) -> list[psutil.Process]:
    """Wait until the process has started its lane (and its workers), then return its descendants."""
    deadline = time.monotonic() + timeout
    children: list[psutil.Process] = []
    while time.monotonic() < deadline:
        children = psutil.Process(pid).children(recursive=True)
        if len(children) >= expect_at_least:
            time.sleep(0.3)
            return psutil.Process(pid).children(recursive=True)
        time.sleep(0.05)
    raise AssertionError(f"lane never started: {children}")


def assert_all_gone(processes: list[psutil.Process], within: float = 2.0) -> None:
    _gone, alive = psutil.wait_procs(processes, timeout=within)
    alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, [p.pid for p in alive]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("mode, method", LANES)
def test_cli_run_interrupted_exits_fast_and_leaves_nothing(mode, method, signum):
    cmd = [*PARAVIZ, "run", "-w", "sleep", "--size", "30000", "--tasks", "4", "--workers", "2"]
    cmd += ["--modes", mode, "--start-method", method, "--format", "json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    expected = 1 if mode != "processes" else 3  # the host, and two workers for a pool
    descendants = tree_once_running(proc.pid, expected)
    t0 = time.monotonic()
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=10)
    assert time.monotonic() - t0 < KILLED_WITHIN_S
    assert proc.returncode == 130, err
    assert '"status": "stopped"' in out and "Traceback" not in err
    assert_all_gone(descendants)


def run_app_in_pty(args: list[str]) -> tuple[int, int]:
    return spawn([*PARAVIZ, *args], cols=120, rows=40)


@pytest.mark.parametrize("how", ["q", "ctrl+c", "SIGTERM", "SIGHUP"])
def test_app_quit_mid_run_exits_fast_and_leaves_nothing(how):
    pid, fd = run_app_in_pty(["-w", "sleep", "--size", "30000", "--tasks", "4", "--workers", "2"])
    try:
        screen = drain(fd, 3.0)
        assert b"paraviz" in screen
        os.write(fd, b"p")  # run the processes lane
        descendants = tree_once_running(pid, 3)
        t0 = time.monotonic()
        if how == "q":
            os.write(fd, b"q")
        elif how == "ctrl+c":
            os.write(fd, b"\x03")
        else:
            os.kill(pid, getattr(signal, how))
        assert wait_exit(pid, fd, 5), "the app did not exit"
        assert time.monotonic() - t0 < KILLED_WITHIN_S
        assert_all_gone(descendants)
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)


def test_app_exits_when_its_terminal_disappears():
    """Closing the terminal's master side is what an SSH drop looks like to the app."""
    pid, fd = run_app_in_pty(["-w", "sleep", "--size", "30000", "--tasks", "4", "--workers", "2"])
    drain(fd, 3.0)
    os.write(fd, b"p")
    descendants = tree_once_running(pid, 3)
    t0 = time.monotonic()
    os.close(fd)
    deadline = t0 + 5
    while time.monotonic() < deadline:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise AssertionError("the app outlived its terminal")
    assert time.monotonic() - t0 < KILLED_WITHIN_S
    assert_all_gone(descendants)


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_a_killed_cli_takes_its_lanes_with_it(method):
    """SIGKILL gives paraviz no chance to clean up: Linux tells each host (PR_SET_PDEATHSIG),
    and the host ends its whole process group."""
    cmd = [*PARAVIZ, "run", "-w", "sleep", "--size", "30000", "--tasks", "4", "--workers", "2"]
    proc = subprocess.Popen([*cmd, "--modes", "processes", "--start-method", method], stdout=subprocess.DEVNULL)
    descendants = tree_once_running(proc.pid, 3)
    proc.kill()
    proc.wait()
    assert_all_gone(descendants)
