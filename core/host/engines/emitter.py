"""How a run host reports: task records buffered and written as JSON lines (at most about ten
writes a second), and each worker's tasks summed for the lane's time budget. Standard library only
(the run host may be another Python)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import deque

from paraviz.core.host.protocol import TASKS, Message, TasksMessage
from paraviz.core.host.worker import Record

FLUSH_EVERY_S = 0.1
MAX_RECORDS = 64


def kill_own_group() -> None:
    """End this host and every worker it started (they share its process group)."""
    if os.getpgid(0) == os.getpid():
        os.killpg(0, signal.SIGKILL)
    os._exit(1)


def drain(records: deque[Record]) -> list[Record]:
    """Take every record now in ``records``, oldest first, while other threads may still append."""
    taken = []
    while True:
        try:
            taken.append(records.popleft())
        except IndexError:
            return taken


class Emitter:
    """Buffers task records and writes events as JSON lines; only the main thread writes."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.started: deque[Record] = deque(maxlen=MAX_RECORDS)
        self.finished: deque[Record] = deque(maxlen=MAX_RECORDS)
        self.done = 0
        self.lock = threading.Lock()
        self.last_flush = time.monotonic()
        #: Every worker's tasks, summed as they finish (the deques above drop records between flushes):
        #: (pid, tid) -> [first start, last end, seconds inside tasks, CPU of its tasks (-1: not
        #: read), tasks]. The lane's time budget is cut from these (core/model/budget.py).
        self.spans: dict[tuple[int, int], list[float]] = {}

    def emit(self, message: Message) -> None:
        line = json.dumps(message, separators=(",", ":")) + "\n"
        data = line.encode()
        while data:
            try:
                written = os.write(self.fd, data)
            except BrokenPipeError:  # the caller went away; nobody to report to
                kill_own_group()
                return
            data = data[written:]

    def finish(self, records: list[Record], task_cpu: float | None = None) -> None:
        """Records of tasks one worker finished, and the CPU they took on its clock (None: not read)."""
        with self.lock:  # "+=" is not atomic without the GIL (a free-threaded host lost counts)
            for record in records:
                self.done += record[1]
                self.finished.append(record)
                span = self.spans.get((record[2], record[3]))
                if span is None:
                    self.spans[(record[2], record[3])] = [record[4], record[5], record[5] - record[4], -1.0, record[1]]
                else:
                    span[0] = min(span[0], record[4])
                    span[1] = max(span[1], record[5])
                    span[2] += record[5] - record[4]
                    span[4] += record[1]
            if task_cpu is not None and records:
                span = self.spans[(records[0][2], records[0][3])]
                span[3] = task_cpu if span[3] < 0 else span[3] + task_cpu

    def span_rows(self) -> list[list[float]]:
        """[pid, tid, first start, last end, busy, task CPU, tasks] per worker, for the lane's end."""
        with self.lock:
            return [[pid, tid, *span] for (pid, tid), span in self.spans.items()]

    def maybe_flush(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if now - self.last_flush >= FLUSH_EVERY_S:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        self.last_flush = time.monotonic() if now is None else now
        if not self.started and not self.finished:
            return
        # Drained one record at a time: worker threads append while this runs, and copying a
        # deque that another thread changes raises without the GIL (seen on 3.14t); a copy
        # followed by clear() also lost what was appended in between.
        started, finished = drain(self.started), drain(self.finished)
        self.emit(TasksMessage(event=TASKS, done=self.done, started=started, finished=finished))
