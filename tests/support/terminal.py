"""Drive a program in a pseudo-terminal of a given size: what the lifecycle tests and the benchmarks share
(standard library only; it is not part of the app)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import time


def spawn(argv: list[str], cols: int = 120, rows: int = 40) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # size the terminal before the program looks at it
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvp(argv[0], argv)
    return pid, fd


def read_until(fd: int, needle: bytes, timeout: float) -> float | None:
    """Seconds until ``needle`` appears in the output, or None."""
    t0, data = time.monotonic(), b""
    while time.monotonic() - t0 < timeout:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            try:
                data += os.read(fd, 65536)
            except OSError:
                return None
            if needle in data:
                return time.monotonic() - t0
    return None


def drain(fd: int, seconds: float) -> bytes:
    """Read whatever the program writes for ``seconds`` (so its writes never block)."""
    data = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data += os.read(fd, 65536)
            except OSError:
                break
    return data


def wait_exit(pid: int, fd: int, timeout: float) -> bool:
    """Whether the program exited within ``timeout``, reading the terminal meanwhile so that its
    last writes never block."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        drain(fd, 0.05)
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return True
    return False


def stop(pid: int, fd: int) -> None:
    """SIGTERM, then SIGKILL after 10 s."""
    import signal

    os.kill(pid, signal.SIGTERM)
    if not wait_exit(pid, fd, 10):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
