"""Workload tasks that need only the standard library.

Each is a top-level function ``task(index, size)`` so it pickles by reference into any
process pool, and returns something small so results cost nothing to send back.
"""

from __future__ import annotations

import time

from paraviz.core.host.worker import received_payload


def cumsum(index: int, size: int) -> int:
    """Pure-Python CPU: the notebooks' ``sum(range(1, n + 1))``; holds the GIL throughout."""
    return sum(range(1, size + 1))


def sleep(index: int, size: int) -> int:
    """Waits ``size`` milliseconds, as a download or a disk read would; releases the GIL."""
    time.sleep(size / 1000)
    return size


def squares(index: int, size: int) -> int:
    """A tiny task: the square of one list element (``size`` consecutive ones, default 1)."""
    return sum((index + k) * (index + k) for k in range(size))


def transfer(index: int, size: int) -> int:
    """Light work on the data the task was sent (--payload): reads one byte in 4,096 of it, then
    ``sum(range(size))``. Threads share the data; processes receive a pickled copy per chunk."""
    data = received_payload()
    return sum(data[::4096]) + sum(range(size))
