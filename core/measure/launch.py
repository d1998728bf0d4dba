"""Run host children: how one starts (its own session, events on a private pipe), and the registry
that ends every live one on quit, Ctrl+C, SIGTERM and SIGHUP."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import subprocess
import tempfile
import threading
from typing import Any, Protocol

from paraviz.core.host.protocol import Message
from paraviz.core.measure.interpreter import host_argv
from paraviz.core.measure.tree import ProcessTree
from paraviz.core.model.config import RunConfig
from paraviz.core.model.lanes import LaneSpec
from paraviz.core.model.workloads import Workload

#: How a host starts: with ``-c`` rather than ``-m``, spawn and forkserver workers have no main
#: module to re-import, which saved ~25 ms of pool start-up per lane (benchmarks/fidelity.py).
HOST_MAIN = "import sys; from paraviz.core.host.main import main; sys.exit(main(sys.argv))"
#: A host's settings longer than this go through a file (a million --items do not fit in argv).
MAX_ARGUMENT_CHARS = 100_000
INNER_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

_live_hosts: set[LiveProcess] = set()
_live_lock = threading.Lock()


class HostProcess:
    """A run host child: its own session and process group, events on a private pipe."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        env = dict(os.environ)
        if cfg.get("configure"):
            # threadpoolctl limits each task; the variables also bind the thread pools that
            # BLAS and OpenMP size at import, which a limit set later does not always reach
            # in forked workers (measured: 6x slower HistGradientBoosting without them).
            for name in INNER_THREAD_VARIABLES:
                env[name] = str(cfg["inner_threads"])
        read_fd, write_fd = os.pipe()
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept open for the host's lifetime
        argument = json.dumps({**cfg, "event_fd": write_fd})
        self.config_file: str | None = None
        if len(argument) > MAX_ARGUMENT_CHARS:  # Linux refuses one argument over 128 KiB
            handle, self.config_file = tempfile.mkstemp(prefix="paraviz-lane-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(argument)
            argument = "@" + self.config_file
        command, extra_env = host_argv(cfg.get("python"), HOST_MAIN)
        env.update(extra_env)
        try:
            self.popen = subprocess.Popen(
                [*command, argument],
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
                start_new_session=True,
                env=env,  # its own process group: one signal ends every worker
            )
        finally:
            os.close(write_fd)
        self.read_fd = read_fd
        os.set_blocking(read_fd, False)
        self.buffer = b""
        self.closed = False
        self.tree = ProcessTree(self.popen.pid)
        register_live(self)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def read_messages(self) -> list[Message]:
        """Every complete JSON line available now; marks the pipe closed at end of file."""
        messages: list[Message] = []
        while not self.closed:
            try:
                chunk = os.read(self.read_fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                self.closed = True
                break
            self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            if line.strip():
                messages.append(json.loads(line))
        return messages

    def kill(self) -> None:
        """SIGKILL the host's process group, and any descendant that left it."""
        pids = self.tree.pids()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.close()

    def close(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        if self.read_fd >= 0:
            os.close(self.read_fd)
            self.read_fd = -1
        if self.config_file:
            with contextlib.suppress(OSError):
                os.unlink(self.config_file)
            self.config_file = None
        unregister_live(self)

    def last_error_line(self) -> str:
        self.stderr.seek(0)
        lines = [ln for ln in self.stderr.read().decode(errors="replace").splitlines() if ln.strip()]
        return lines[-1].strip() if lines else ""


class LiveProcess(Protocol):
    """A lane's process that quit, Ctrl+C, SIGTERM and SIGHUP must end: a run host, or a user's command."""

    @property
    def pid(self) -> int: ...

    def kill(self) -> None: ...


def register_live(process: LiveProcess) -> None:
    with _live_lock:
        _live_hosts.add(process)


def unregister_live(process: LiveProcess) -> None:
    with _live_lock:
        _live_hosts.discard(process)


def stop_all_hosts() -> None:
    """End every live lane (used on quit, Ctrl+C, SIGTERM and SIGHUP)."""
    with _live_lock:
        hosts = list(_live_hosts)
    for host in hosts:
        host.kill()


def kill_all_hosts_now() -> None:
    """SIGKILL every lane's process group without waiting or locking: safe in a signal handler."""
    for host in list(_live_hosts):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(host.pid, signal.SIGKILL)


atexit.register(stop_all_hosts)


def host_config(config: RunConfig, workload: Workload, lane: LaneSpec, size: int) -> dict[str, Any]:
    """What a run host is told: the lane's mode, engine and interpreter, and the settings' tasks."""
    module = workload.task.partition(":")[0]
    return {
        "mode": lane.mode,
        "task": workload.task,
        "prepare": workload.prepare,
        "configure": f"{module}:configure" if workload.uses_inner_threads else None,
        "inner_threads": config.inner_threads,
        "workers": config.workers,
        "start_method": config.start_method,
        "engine": lane.engine,
        "call": config.call,
        "chunksize": config.chunksize,
        "tasks": config.task_count,
        "size": size,
        "sizes": list(config.sizes) if config.sizes else None,
        "items": list(config.items) if isinstance(config.items, tuple) else None,
        "item_range": [config.items.start, config.items.stop] if isinstance(config.items, range) else None,
        "seconds": config.seconds,
        "payload_mb": config.payload,
        "scheduler": config.scheduler,
        "python": lane.python,
        "async_task": workload.async_task,
        "io_part": workload.io_part,
        "cpu_part": workload.cpu_part,
        "io_ms": config.io_ms,
    }


def wait_readable(fds: list[int], timeout: float) -> None:
    with selectors.DefaultSelector() as sel:
        for fd in fds:
            sel.register(fd, selectors.EVENT_READ)
        sel.select(timeout)
