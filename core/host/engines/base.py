"""What every engine shares: the batch of tasks, the lane context it runs in, and the bounded
submission window (the event emitter is core/host/engines/emitter.py). Standard library only (the
run host may be another Python)."""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, Protocol

from paraviz.core.host.engines.emitter import FLUSH_EVERY_S, Emitter
from paraviz.core.host.protocol import POOL_READY, LaneDetails, PoolReadyMessage
from paraviz.core.host.worker import Record, run_chunk
from paraviz.core.i18n import _

#: Chunks submitted to a pool and not yet collected, in batch mode: enough to keep every worker
#: busy, few enough that a million tiny tasks do not sit in memory at once (1.2 GB when they did).
BATCH_WINDOW = 256


class Batch:
    """Which tasks to run: a fixed list of arguments (batch mode) or as many as fit in ``seconds``.

    Each task gets one argument: its size (``task(index, size)``) or its item (``f(item)``).
    """

    def __init__(self, cfg: dict[str, Any]) -> None:
        items = cfg.get("items")
        item_range = cfg.get("item_range")
        self.items: list[Any] | range | None = range(*item_range) if item_range else items or cfg.get("sizes")
        self.size: int = cfg["size"]
        self.tasks: int = len(self.items) if self.items else cfg["tasks"]
        self.seconds: float | None = cfg.get("seconds")

    def arg_of(self, index: int) -> Any:
        return self.items[index % len(self.items)] if self.items else self.size

    def more(self, index: int, started_at: float) -> bool:
        if self.seconds is not None:
            return time.monotonic() - started_at < self.seconds
        return index < self.tasks

    def chunks(self, chunksize: int, started_at: float) -> Iterator[tuple[int, list[Any]]]:
        """(first index, arguments) of consecutive chunks, lazily (a timed batch has no end)."""
        first = 0
        while self.more(first, started_at):
            count = chunksize if self.seconds is not None else min(chunksize, self.tasks - first)
            yield first, [self.arg_of(first + k) for k in range(count)]
            first += count


@dataclass
class Outcome:
    """What an engine hands back to the host when its tasks are done (or one failed)."""

    error: str | None = None
    startup_s: float = 0.0
    #: CPU seconds each worker process reported with its last results, by pid.
    worker_cpu: dict[int, float] = field(default_factory=dict)
    #: Whether the workers were this host's own children, reaped, so that os.times() counts them.
    children_counted: bool = True
    #: Engine facts the figures and the explanation name (protocol.LaneDetails).
    details: LaneDetails = field(default_factory=lambda: LaneDetails())
    #: Called after the lane's clock stops (pool shutdown is not part of the lane's time).
    cleanup: Callable[[], None] | None = None
    #: --payload bytes pickled to worker processes, and the worker seconds they took to arrive.
    bytes_sent: int = 0
    transfer_s: float = 0.0

    def took(self, result: tuple[Any, ...]) -> tuple[list[Record], str | None, float]:
        """Note one chunk's result (worker CPU, data arrival); return its records, error and the CPU
        its tasks took."""
        records, error, pid, cpu, waited, task_cpu = result
        self.worker_cpu[pid] = max(cpu, self.worker_cpu.get(pid, 0.0))
        self.transfer_s += waited
        return records, error, task_cpu


@dataclass
class LaneContext:
    mode: str  # "threads" or "processes"
    cfg: dict[str, Any]
    task: Callable[..., Any]
    batch: Batch
    emitter: Emitter
    t0: float
    #: --payload: data every task receives (shared by threads, pickled to each process chunk).
    payload: bytes | None = None

    @property
    def workers(self) -> int:
        return int(self.cfg["workers"])

    @property
    def copies_arguments(self) -> bool:
        """Whether each task's data is pickled into another process or interpreter (not shared)."""
        return self.mode == "processes" or self.cfg.get("engine") == "interpreters"

    @property
    def start_method(self) -> str:
        return str(self.cfg["start_method"])

    def ready(self, startup_s: float, **details: Any) -> None:
        """Tell the caller the workers exist (the lane's start-up ends here)."""
        self.emitter.emit(PoolReadyMessage(event=POOL_READY, startup_s=startup_s, details=details))


class Engine(Protocol):
    """One module per engine under core/engines, each with a ``run`` of this shape."""

    def run(self, lane: LaneContext) -> Outcome: ...


class Pending(Protocol):
    def result(self, timeout: float | None = None) -> Any: ...


class WorkerBoard:
    """Shared memory where each pool worker notes the task it is running, so that when a worker
    dies the host can name the task it died in (the pools themselves only say that one died)."""

    def __init__(self, context: Any, workers: int) -> None:
        self.slots = context.RawArray("q", 2 * 2 * workers)  # (pid, task index) pairs, spare room
        self.next_slot = context.Value("i", 0)

    def initargs(self) -> tuple[Any, Any]:
        return self.slots, self.next_slot

    def dead_worker_task(self, processes: dict[int, Any]) -> str | None:
        """'task 3: worker pid 123 was killed by SIGKILL' for a worker that exited on its own."""
        for k in range(0, len(self.slots), 2):
            pid, index = self.slots[k], self.slots[k + 1]
            process = processes.get(pid)
            code = process.exitcode if process is not None else None
            if code is None or code == -signal.SIGTERM:  # alive, or ended by the pool after the fact
                continue
            return f"{task_name(index)}: worker pid {pid} {exit_text(code)}"
        return None


def proc_stat(pid: int | str) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None if the process
    is gone (or this is not Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None


def task_name(index: int) -> str:
    return _("task {index}").format(index=index) if index >= 0 else _("between tasks")


def exit_text(code: int) -> str:
    return (
        _("was killed by {signal}").format(signal=signal.Signals(-code).name)
        if code < 0
        else _("exited with code {code}").format(code=code)
    )


class WorkerDied(Exception):
    """A process pool lost a worker; the message names the task when the board knows it."""


def run_windowed(
    lane: LaneContext,
    submit: Callable[..., Pending],
    chunksize: int,
    outcome: Outcome,
    live_started: deque[Record] | None = None,
    check_workers: Callable[[], str | None] | None = None,
) -> str | None:
    """Submit chunks through a bounded window and collect results in order, flushing events
    while waiting. ``check_workers`` names a dead worker's task for pools that would hang."""
    emitter, batch = lane.emitter, lane.batch
    window = 2 * lane.workers if batch.seconds is not None else max(BATCH_WINDOW, 4 * lane.workers)
    chunks = batch.chunks(chunksize, lane.t0)
    pending: deque[tuple[int, Pending]] = deque()

    def submit_more() -> None:
        while len(pending) < window:
            chunk = next(chunks, None)
            if chunk is None:
                return
            first, args = chunk
            if lane.payload is not None and lane.copies_arguments:
                outcome.bytes_sent += len(lane.payload)
            sent_at = time.monotonic() if lane.payload is not None else 0.0
            pending.append((first, submit(run_chunk, lane.task, first, args, live_started, lane.payload, sent_at)))

    submit_more()
    while pending:
        first, future = pending[0]
        try:
            result = future.result(timeout=FLUSH_EVERY_S)
        except (FutureTimeout, TimeoutError):
            emitter.flush()
            dead = check_workers() if check_workers is not None else None
            if dead:
                return dead
            continue
        except WorkerDied as exc:
            return str(exc) or _(
                "task {index} or a later one: a worker process ended abruptly (killed, or os._exit)"
            ).format(index=first)
        pending.popleft()
        records, error, task_cpu = outcome.took(result)
        emitter.finish(records, task_cpu)
        if error:
            return error
        emitter.maybe_flush()
        submit_more()
    return None


def drain_from_thread(
    lane: LaneContext,
    produce: Callable[[Callable[[Any], None]], None],
    on_item: Callable[[Any], str | None],
    tick: Callable[[], None] | None = None,
) -> str | None:
    """Run ``produce(put)`` in a helper thread (for engines whose calls block until done) while
    this, the main thread, takes each item it puts and flushes events every FLUSH_EVERY_S
    (and calls ``tick``, which may emit events of its own)."""
    import queue

    items: queue.Queue[Any] = queue.Queue()
    done = object()
    failure: list[BaseException] = []

    def worker() -> None:
        try:
            produce(items.put)
        except BaseException as exc:  # handed to the main thread, which reports it
            failure.append(exc)
        finally:
            items.put(done)

    thread = threading.Thread(target=worker, name="paraviz-engine", daemon=True)
    thread.start()
    while True:
        try:
            item = items.get(timeout=FLUSH_EVERY_S)
        except queue.Empty:
            lane.emitter.flush()
            if tick is not None:
                tick()
            continue
        if item is done:
            break
        error = on_item(item)
        if error:
            return error
        lane.emitter.maybe_flush()
        if tick is not None:
            tick()
    thread.join()
    if failure:
        exc = failure[0]
        return f"{type(exc).__name__}: {exc}"
    return None
