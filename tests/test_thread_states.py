"""The thread-state sampler: its classifier on a fake /proc tree, then real threads (physics)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from paraviz.core.measure import thread_reading
from paraviz.core.measure.threads import ThreadStateSampler, classify

from tests.support.physics import physics
from tests.test_interpreter import PYTHON_314, needs_314
from tests.test_nogil import NOGIL, needs_nogil

FUTEX = thread_reading.FUTEX_SYSCALL or 202
GIL_COND = 0x7F00_0000_06F0  # glibc waits on a condition variable at two words, 4 bytes apart
LOCK = 0x7F00_0000_04C0  # a semaphore: one word


class FakeProc:
    """/proc/PID/task/TID/{schedstat,syscall,stat,wchan} files, and a clock the test moves."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.now = 100.0
        self.run: dict[int, int] = {}
        self.queue: dict[int, int] = {}

    def thread(self, pid: int, tid: int, syscall: str | None, state: str = "S", wchan: str = "futex_do_wait") -> None:
        folder = self.root / str(pid) / "task" / str(tid)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "schedstat").write_text(f"{self.run.get(tid, 0)} {self.queue.get(tid, 0)} 1\n")
        if syscall is not None:
            (folder / "syscall").write_text(syscall + "\n")
        (folder / "stat").write_text(f"{tid} (python) {state} 1 2 3\n")
        (folder / "wchan").write_text(wchan)

    def advance(self, seconds: float, tid: int, run: float = 0.0, queue: float = 0.0) -> None:
        self.run[tid] = self.run.get(tid, 0) + int(run * 1e9)
        self.queue[tid] = self.queue.get(tid, 0) + int(queue * 1e9)


def futex(address: int, timed: bool) -> str:
    return f"{FUTEX} {address:#x} 0x89 0x0 {'0x7ffd0000' if timed else '0x0'} 0x0 0x0 0x7ffd 0x7f00"


def run_ticks(fake: FakeProc, sampler: ThreadStateSampler, pid: int, lines: list[dict[int, tuple]], dt: float = 0.02):
    """Each tick: every thread's (syscall line, seconds on a CPU, seconds in the run queue) since the last."""
    for tick in lines:
        fake.now += dt
        for tid, (syscall, run, queue) in tick.items():
            fake.advance(dt, tid, run, queue)
            fake.thread(pid, tid, syscall)
        sampler.tick([pid])


def sampler_on(tmp_path: Path) -> tuple[FakeProc, ThreadStateSampler]:
    fake = FakeProc(tmp_path)
    return fake, ThreadStateSampler(proc=str(tmp_path), clock=lambda: fake.now)


def test_classify_reads_each_kind_of_line():
    assert classify(b"running").state == "running"
    assert classify(b"230 0x1 0x0 0x7ffd 0x0 0x0 0x0 0x7ffd 0x7f00").state == "io"  # clock_nanosleep
    timed = classify(futex(GIL_COND, True).encode())
    assert (timed.state, timed.timed, timed.key) == ("wait", True, GIL_COND >> 3)
    assert classify(futex(GIL_COND + 4, True).encode()).key == timed.key  # the pair: one key
    # -1: blocked outside a syscall; stat says whether it is runnable, in a disk wait, or asleep
    assert classify(b"-1 0x7ffd 0x7f00", b"R").state == "running"
    assert classify(b"-1 0x7ffd 0x7f00", b"D").state == "io"
    assert classify(b"-1 0x7ffd 0x7f00", b"S").state == "wait"


def test_threads_taking_turns_on_the_gils_two_words_are_gil_waits(tmp_path):
    fake, sampler = sampler_on(tmp_path)
    pid, a, b, main = 10, 11, 12, 10
    join = futex(0x7F00_0000_0B70, False)  # the main thread joins: its own lock, no timeout
    turns = []
    for n in range(40):  # a runs while b waits for the GIL, then the other way round, at both words
        word = GIL_COND + 4 * (n // 2 % 2)
        if n % 2:
            turns.append({main: (join, 0, 0), a: (futex(word, True), 0, 0), b: ("running", 0.02, 0)})
        else:
            turns.append({main: (join, 0, 0), a: ("running", 0.02, 0), b: (futex(word, True), 0, 0)})
    run_ticks(fake, sampler, pid, turns)
    shares = sampler.shares()
    assert shares is not None and sampler.source == "syscall"
    assert shares["gil"] == pytest.approx(1 / 3, abs=0.05)  # 2 of 3 threads wait half the time
    assert shares["running"] == pytest.approx(1 / 3, abs=0.05)
    assert shares["wait"] == pytest.approx(1 / 3, abs=0.05)  # the main thread's join
    letters = "".join(t[1][(pid, b)] for t in sampler.drain_ticks())
    # b's row: running and waiting for the GIL in turns, once the GIL's two words were seen (the
    # first looks, before that, read as a wait: live rows learn it within a few ticks)
    assert set(letters[4:]) == {"r", "g"}


def test_a_lock_acquired_with_a_timeout_by_several_threads_is_a_wait_not_the_gil(tmp_path):
    fake, sampler = sampler_on(tmp_path)
    ticks = [{t: (futex(LOCK, True), 0, 0) for t in (21, 22, 23)} for _ in range(20)]
    run_ticks(fake, sampler, 20, ticks)
    shares = sampler.shares()
    assert shares is not None and shares["gil"] == 0 and shares["wait"] == pytest.approx(1.0)


def test_sleep_is_io_and_run_queue_delay_is_ready(tmp_path):
    fake, sampler = sampler_on(tmp_path)
    sleep = "230 0x1 0x0 0x7ffd 0x0 0x0 0x0 0x7ffd 0x7f00"
    ticks = [{31: (sleep, 0, 0), 32: ("running", 0.005, 0.015)} for _ in range(20)]
    run_ticks(fake, sampler, 30, ticks)
    shares = sampler.shares()
    assert shares is not None
    assert shares["io"] == pytest.approx(0.5, abs=0.03)  # thread 31 slept throughout
    assert shares["ready"] == pytest.approx(0.375, abs=0.03)  # 32: runnable, no core, 3/4 of its time
    assert shares["running"] == pytest.approx(0.125, abs=0.03)


def test_without_the_syscall_file_wchan_and_stat_say_waiting_with_no_gil_split(tmp_path):
    fake, sampler = sampler_on(tmp_path)
    for _ in range(10):
        fake.now += 0.02
        fake.thread(40, 41, None, state="S", wchan="futex_do_wait")
        fake.thread(40, 42, None, state="S", wchan="hrtimer_nanosleep")
        sampler.tick([40])
    shares = sampler.shares()
    assert sampler.source == "wchan" and not sampler.readable
    assert shares is not None and shares["gil"] == 0
    assert shares["wait"] == pytest.approx(0.5, abs=0.05) and shares["io"] == pytest.approx(0.5, abs=0.05)


def test_a_thread_that_ended_keeps_its_time_in_the_shares(tmp_path):
    fake, sampler = sampler_on(tmp_path)
    run_ticks(fake, sampler, 50, [{51: ("running", 0.02, 0)} for _ in range(5)])
    for child in (tmp_path / "50" / "task" / "51").iterdir():
        child.unlink()
    (tmp_path / "50" / "task" / "51").rmdir()
    run_ticks(fake, sampler, 50, [{52: ("230 0x1", 0, 0)} for _ in range(5)])
    shares = sampler.shares()
    assert shares is not None and shares["running"] > 0.3 and shares["io"] > 0.3


def test_an_ended_threads_waits_count_as_gil_once_the_gil_is_learnt_after_it_ended(tmp_path):
    fake, sampler = sampler_on(tmp_path)
    pid, first, a, b = 60, 61, 62, 63
    # The first thread waits at one word of the GIL's condition variable only, then ends: not yet
    # known as the GIL (one thread, one word), its wait is kept by key.
    run_ticks(fake, sampler, pid, [{first: (futex(GIL_COND, True), 0, 0)} for _ in range(10)])
    for child in (tmp_path / str(pid) / "task" / str(first)).iterdir():
        child.unlink()
    (tmp_path / str(pid) / "task" / str(first)).rmdir()
    run_ticks(fake, sampler, pid, [{a: ("running", 0.02, 0), b: ("running", 0.02, 0)} for _ in range(6)])
    before = sampler.shares()
    assert sampler.threads_gone == 1 and before["gil"] == 0.0 and before["wait"] > 0.3  # its wait, by key
    # Two threads then take turns at both words: the key is the GIL's, the ended thread's wait too.
    turns = []
    for n in range(20):
        word = GIL_COND + 4 * (n % 2)
        waiting, running = (a, b) if n % 2 else (b, a)
        turns.append({waiting: (futex(word, True), 0, 0), running: ("running", 0.02, 0)})
    run_ticks(fake, sampler, pid, turns)
    after = sampler.shares()
    assert after["wait"] == pytest.approx(0.0, abs=1e-9) and after["gil"] > before["wait"] / 2


# -- physics: real threads, measured from outside -------------------------------------------------


def run_json(*args: str, python: str | None = None) -> dict[str, dict]:
    command = [sys.executable, "-m", "paraviz.tui", "run", "--format", "json", *args]
    if python:
        command += ["--python", python]
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True).stdout
    return {r["mode"]: r for r in json.loads(out)["runs"]}


@physics
def test_cpu_bound_threads_wait_for_the_gil_and_processes_do_not():
    runs = run_json("--workload", "cumsum", "--modes", "threads,processes", "--workers", "4", "--tasks", "8")
    assert runs["threads"]["thread_states_source"] == "syscall"
    assert runs["threads"]["thread_states"]["gil"] >= 0.4
    assert runs["processes"]["thread_states"]["gil"] <= 0.1


@physics
def test_sleeping_threads_sleep_and_do_not_wait_for_the_gil():
    runs = run_json("--workload", "sleep", "--modes", "threads", "--workers", "4", "--tasks", "16")
    states = runs["threads"]["thread_states"]
    assert states["gil"] <= 0.1 and states["io"] >= 0.5


@physics
@needs_314
def test_cpu_bound_threads_wait_for_the_gil_on_python_314_too():
    runs = run_json("--workload", "cumsum", "--modes", "threads", "--workers", "4", "--tasks", "8", python=PYTHON_314)
    assert runs["threads"]["python"].startswith("3.14")
    assert runs["threads"]["thread_states"]["gil"] >= 0.4


@physics
@needs_nogil
def test_free_threaded_threads_wait_for_no_gil():
    runs = run_json(
        "--workload", "cumsum", "--modes", "threads,nogil", "--workers", "2", "--tasks", "8", "--nogil-python", NOGIL
    )
    assert runs["nogil"]["thread_states"]["gil"] <= 0.1
    assert runs["threads"]["thread_states"]["gil"] >= 0.2  # the same threads with the GIL, beside them
