"""``paraviz attach``: follow a process that is already running (a notebook's kernel, a script) and
its children as they come and go, from outside, without ever signalling it.

Following ends when the process exits (seen on a pidfd), when ``--seconds`` pass, or when the
person stops it; the process goes on. The activity is then cut into bursts of work
(core/model/segments.py), each reported as a run of its own.
"""

from __future__ import annotations

import contextlib
import os
import select
import time
from dataclasses import replace

import psutil
from paraviz.core.host.protocol import Message, outside_lane_finished, outside_lane_started
from paraviz.core.i18n import _
from paraviz.core.measure.tree import ProcessTree
from paraviz.core.model.config import ConfigError
from paraviz.core.model.figures import RunResult
from paraviz.core.model.lanes import LaneSpec
from paraviz.core.model.segments import Burst

#: How a Jupyter kernel shows in its command line: ``python -m ipykernel_launcher -f CONNECTION.json``.
KERNEL_MARKS = ("ipykernel_launcher", "ipykernel")


class AttachedProcess:
    """A process paraviz did not start: followed, measured, never signalled (kill() only lets go)."""

    def __init__(self, spec: LaneSpec) -> None:
        assert spec.pid is not None
        self.pid = spec.pid
        try:
            self.read_fd = os.pidfd_open(self.pid)  # readable when it exits
        except ProcessLookupError:
            raise ConfigError(_("no process {pid} to follow").format(pid=self.pid)) from None
        self.t0 = time.monotonic()
        self.closed = False
        self.tree = ProcessTree(self.pid)
        self.pending: list[Message] = outside_lane_started(self.t0, self.pid)

    def read_messages(self) -> list[Message]:
        messages, self.pending = self.pending, []
        if not self.closed and select.select([self.read_fd], [], [], 0)[0]:  # it exited
            messages.append(outside_lane_finished(time.monotonic() - self.t0, self.tree.sampled_cpu_s))
            self.closed = True
        return messages

    def kill(self) -> None:
        """Stop following. What paraviz did not start, it never signals."""
        self.close()

    def close(self) -> None:
        if self.read_fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.read_fd)
            self.read_fd = -1
        self.closed = True

    def last_error_line(self) -> str:
        return ""


def jupyter_kernels() -> list[tuple[str, int]]:
    """(connection file's name, pid) of this user's running Jupyter kernels, by their command lines."""
    me = os.getuid()
    found = []
    for process in psutil.process_iter(["pid", "cmdline", "uids"]):
        cmdline = process.info["cmdline"] or []
        uids = process.info["uids"]
        if uids is None or uids.real != me or not any(mark in " ".join(cmdline) for mark in KERNEL_MARKS):
            continue
        connection = next((cmdline[i + 1] for i, a in enumerate(cmdline[:-1]) if a == "-f"), None)
        if connection:
            found.append((os.path.basename(connection), process.info["pid"]))
    return found


def burst_results(whole: RunResult, bursts: list[Burst]) -> list[RunResult]:
    """Each burst as a run of its own: its wall time, CPU, cores and peaks; what other programs and
    paraviz used are the whole time followed's (``whole``), and so are its threads' diagnoses, given
    with the last burst (or, with no burst — a stuck kernel uses no CPU —, as the whole time followed)."""
    if not bursts:
        return [replace(whole, status="ok", error=None)] if whole.diagnosis else []
    runs = [
        RunResult(
            mode=whole.mode,
            workers=max(1, burst.busy_workers),
            start_method=None,
            chunksize=None,
            wall_s=burst.wall_s,
            startup_s=0.0,
            cpu_s=burst.cpu_s,
            tasks_done=0,
            peak_threads=burst.peak_threads,
            peak_processes=burst.peak_processes,
            peak_rss_bytes=burst.peak_rss_bytes,
            background_cores=whole.background_cores,
            observer_cores=whole.observer_cores,
            burst=number,
            burst_start_s=burst.start_s,
        )
        for number, burst in enumerate(bursts, 1)
    ]
    last = runs[-1]
    runs[-1] = replace(last, diagnosis=whole.diagnosis, io_detail=whole.io_detail, thread_states=whole.thread_states)
    return runs
