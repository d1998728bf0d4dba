"""A command of the user's as a lane (``paraviz watch``): run as it is, measured only from outside.

It has what a run host has for the relay (a file descriptor to wait on, messages, a process tree,
kill and close), but it sends nothing: its start, its end and its CPU are read from the kernel. The
clock starts at Popen; the end is its exit, seen on a pidfd the moment it happens; its CPU is the
rusage of the process and every descendant it reaped (a pool's workers), from ``wait4``. Its output
goes to a file per lane, never to the screen; stdin is closed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import time

from paraviz.core.host.protocol import (
    LaneDetails,
    LaneFinishedMessage,
    Message,
    outside_lane_finished,
    outside_lane_started,
)
from paraviz.core.i18n import _
from paraviz.core.measure.launch import register_live, unregister_live
from paraviz.core.measure.tree import ProcessTree
from paraviz.core.model.lanes import LaneSpec

#: How much of the end of a failed command's output is read for why it failed.
OUTPUT_TAIL_BYTES = 64 * 1024


#: What a pool prints when a worker cannot find a function defined in a notebook or in ``__main__``.
PICKLING_FAILURE = re.compile(r"Can't get attribute|Can't pickle|PicklingError")


#: How a failing worker's traceback names its process ("Process SpawnProcess-1:"), by start method.
WORKER_NAMES = {"ForkServerProcess": "forkserver", "SpawnProcess": "spawn", "ForkProcess": "fork"}


def start_method_seen(text: str) -> str | None:
    """The start method a failing pool's worker traceback shows, if it shows one."""
    for name, method in WORKER_NAMES.items():
        if f"Process {name}-" in text:
            return method
    return None


def output_file_name(name: str, round_number: int) -> str:
    """``train-threads.1.log``: the lane's name as a safe file name, and the round."""
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") + f".{round_number}.log"


class CommandProcess:
    """A user's command in its own session and process group, measured from outside."""

    def __init__(self, spec: LaneSpec, output_dir: str, round_number: int = 1) -> None:
        assert spec.command is not None
        self.command = spec.command
        self.output_path = os.path.join(output_dir, output_file_name(spec.key, round_number))
        with open(self.output_path, "wb") as output:
            self.popen = subprocess.Popen(
                list(spec.command),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: one signal ends all it started
            )
        self.t0 = time.monotonic()
        self.read_fd = os.pidfd_open(self.popen.pid)  # readable when the command exits
        self.closed = False
        self.tree = ProcessTree(self.popen.pid)
        self.pending: list[Message] = outside_lane_started(self.t0, self.popen.pid)
        register_live(self)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def read_messages(self) -> list[Message]:
        """Its start (at once), and its end once it exited."""
        messages, self.pending = self.pending, []
        if self.closed or self.popen.returncode is not None:
            return messages
        pid, status, usage = os.wait4(self.popen.pid, os.WNOHANG)
        if pid == 0:
            return messages
        wall_s = time.monotonic() - self.t0
        self.popen.returncode = code = os.waitstatus_to_exitcode(status)
        self.end_group()  # what it left running in its group ends with it
        messages.append(self.finished(code, wall_s, usage.ru_utime + usage.ru_stime))
        self.closed = True
        return messages

    def finished(self, code: int, wall_s: float, cpu_s: float) -> LaneFinishedMessage:
        details: LaneDetails = {
            "exit_code": code,
            "output_path": self.output_path,
            "command": shlex.join(self.command),
        }
        if code == 0:
            return outside_lane_finished(wall_s, cpu_s, None, details)
        how = (
            _("ended by signal {signal}").format(signal=signal.Signals(-code).name)
            if code < 0
            else _("exited with code {code}").format(code=code)
        )
        # The line that says why: a pool's pickling failure where there is one (the notebook
        # problem), else the last line it printed; and the start method its workers' traceback shows.
        tail = self.output_tail()
        lines = [line.strip() for line in tail.splitlines() if line.strip()]
        why = next((line for line in lines if PICKLING_FAILURE.search(line)), lines[-1] if lines else "")
        method = start_method_seen(tail)
        if method:
            details["start_method"] = method
        return outside_lane_finished(wall_s, cpu_s, f"{how}: {why}" if why else how, details)

    def end_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL its process group and any descendant that left it (it ignores SIGTERM? still ends)."""
        pids = self.tree.pids()
        self.end_group()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.close()

    def close(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired, ChildProcessError):
            self.popen.wait(timeout=5)
        if self.read_fd >= 0:
            os.close(self.read_fd)
            self.read_fd = -1
        self.closed = True
        unregister_live(self)

    def last_error_line(self) -> str:
        """The last line the command printed (its error, usually)."""
        lines = [line.strip() for line in self.output_tail().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def output_tail(self) -> str:
        """The end of what the command printed: where its error and its workers' tracebacks are."""
        try:
            with open(self.output_path, "rb") as output:
                output.seek(max(0, os.path.getsize(self.output_path) - OUTPUT_TAIL_BYTES))
                return output.read().decode(errors="replace")
        except OSError:
            return ""
