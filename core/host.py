"""The run host: one child process per lane, started with ``python -c`` (see runner.HOST_MAIN).

It runs one batch (a sequential loop, a ThreadPoolExecutor or a ProcessPoolExecutor) and
writes small JSON-line events to the file descriptor it is given. It imports only the
standard library and the workload's own module, so a pure-Python lane can run under another
interpreter (a free-threaded ``python3.14t``, say) and the UI never shares its GIL.

Events are coalesced to at most about ten writes a second, each carrying at most
``MAX_RECORDS`` task records, so that reporting never slows the run it reports on.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from paraviz.core.worker import Record, init_worker, ping, run_chunk
from paraviz.core.workloads import WorkloadError, check_picklable, resolve

FLUSH_EVERY_S = 0.1
MAX_RECORDS = 64
#: Chunks submitted to a pool and not yet collected, in batch mode: enough to keep every worker
#: busy, few enough that a million tiny tasks do not sit in memory at once (1.2 GB when they did).
BATCH_WINDOW = 256


class Emitter:
    """Buffers task records and writes events as JSON lines; only the main thread writes."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.started: deque[Record] = deque(maxlen=MAX_RECORDS)
        self.finished: deque[Record] = deque(maxlen=MAX_RECORDS)
        self.done = 0
        self.last_flush = time.monotonic()

    def emit(self, event: str, **fields: Any) -> None:
        line = json.dumps({"event": event, **fields}, separators=(",", ":")) + "\n"
        data = line.encode()
        while data:
            try:
                written = os.write(self.fd, data)
            except BrokenPipeError:  # the caller went away; nobody to report to
                _kill_own_group()
                return
            data = data[written:]

    def finish(self, records: list[Record]) -> None:
        for record in records:
            self.done += record[1]
            self.finished.append(record)

    def maybe_flush(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if now - self.last_flush >= FLUSH_EVERY_S:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        self.last_flush = time.monotonic() if now is None else now
        if not self.started and not self.finished:
            return
        started, finished = list(self.started), list(self.finished)
        self.started.clear()
        self.finished.clear()
        self.emit("tasks", done=self.done, started=started, finished=finished)


class WorkerBoard:
    """Shared memory where each pool worker notes the task it is running, so that when a worker
    dies the host can name the task it died in (the pool itself only says that one died)."""

    def __init__(self, context: Any, workers: int) -> None:
        self.slots = context.RawArray("q", 2 * 2 * workers)  # (pid, task index) pairs, spare room
        self.next_slot = context.Value("i", 0)

    def initargs(self) -> tuple[Any, Any]:
        return self.slots, self.next_slot

    def dead_worker_task(self, executor: Executor) -> str | None:
        """'task 3: worker pid 123 was killed by SIGKILL' for a worker that exited on its own."""
        # The pool's manager thread reaps every worker after a break; let it finish, so that each
        # exit code is known (private attributes, but stable since Python 3.9).
        manager = getattr(executor, "_executor_manager_thread", None)
        if manager is not None:
            manager.join(timeout=2)
        processes = getattr(executor, "_processes", None) or {}
        for k in range(0, len(self.slots), 2):
            pid, index = self.slots[k], self.slots[k + 1]
            process = processes.get(pid)
            code = process.exitcode if process is not None else None
            if code is None or code == -signal.SIGTERM:  # alive, or ended by the pool after the fact
                continue
            how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
            where = f"task {index}" if index >= 0 else "between tasks"
            return f"{where}: worker pid {pid} {how}"
        return None


# -- the lane -------------------------------------------------------------------------------


class Batch:
    """Which tasks to run: a fixed list of sizes (batch mode) or as many as fit in ``seconds``."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        self.sizes: list[int] | None = cfg.get("sizes")
        self.size: int = cfg["size"]
        self.tasks: int = len(self.sizes) if self.sizes else cfg["tasks"]
        self.seconds: float | None = cfg.get("seconds")

    def size_of(self, index: int) -> int:
        return self.sizes[index % len(self.sizes)] if self.sizes else self.size

    def more(self, index: int, started_at: float) -> bool:
        if self.seconds is not None:
            return time.monotonic() - started_at < self.seconds
        return index < self.tasks


def run_sequential(task: Callable[[int, int], Any], batch: Batch, emitter: Emitter, t0: float) -> str | None:
    pid, tid = os.getpid(), threading.get_native_id()
    index = 0
    while batch.more(index, t0):
        ts = time.monotonic()
        emitter.started.append((index, 1, pid, tid, ts, ts))
        try:
            task(index, batch.size_of(index))
        except Exception as exc:
            emitter.finish([(index, 0, pid, tid, ts, time.monotonic())])  # count 0: a failed task
            return f"task {index} raised {type(exc).__name__}: {exc}"
        te = time.monotonic()
        emitter.finish([(index, 1, pid, tid, ts, te)])
        emitter.maybe_flush(te)
        index += 1
    return None


def run_pool(
    executor: Executor,
    task: Callable[[int, int], Any],
    batch: Batch,
    emitter: Emitter,
    t0: float,
    chunksize: int,
    in_flight: int,
    worker_cpu: dict[int, float],
    live_started: deque[Record] | None,
    board: WorkerBoard | None = None,
) -> str | None:
    """Submit chunks through a bounded window (``in_flight`` chunks) and collect results in order,
    flushing events while waiting."""
    pending: deque[tuple[int, Future[Any]]] = deque()
    next_index = 0

    def submit_more() -> None:
        nonlocal next_index
        while len(pending) < in_flight and batch.more(next_index, t0):
            count = chunksize if batch.seconds is not None else min(chunksize, batch.tasks - next_index)
            sizes = [batch.size_of(next_index + k) for k in range(count)]
            args = (task, next_index, sizes, live_started) if live_started is not None else (task, next_index, sizes)
            pending.append((next_index, executor.submit(run_chunk, *args)))
            next_index += count

    submit_more()
    while pending:
        first, future = pending[0]
        try:
            records, error, pid, cpu = future.result(timeout=FLUSH_EVERY_S)
        except FutureTimeout:
            emitter.flush()
            continue
        except BrokenProcessPool:
            named = board.dead_worker_task(executor) if board is not None else None
            return named or f"task {first} or a later one: a worker process ended abruptly (killed, or os._exit)"
        pending.popleft()
        worker_cpu[pid] = cpu
        emitter.finish(records)
        if error:
            return error
        emitter.maybe_flush()
        submit_more()
    return None


def _kill_own_group() -> None:
    """End this host and every worker it started (they share its process group)."""
    if os.getpgid(0) == os.getpid():
        os.killpg(0, signal.SIGKILL)
    os._exit(1)


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the caller dies (an SSH drop), so no lane outlives it."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def configure(cfg: dict[str, Any]) -> None:
    """Limit the workload's inner threads in the host itself (pool workers do it in init_worker)."""
    if cfg.get("configure"):
        resolve(cfg["configure"])(cfg.get("inner_threads"))


def run_lane(cfg: dict[str, Any], emitter: Emitter) -> int:
    mode = cfg["mode"]
    try:
        task = resolve(cfg["task"])
        if mode == "processes":
            check_picklable(cfg["task"])
        configure(cfg)
        if cfg.get("prepare"):
            resolve(cfg["prepare"])(cfg["size"])
    except WorkloadError as exc:
        emitter.emit(
            "lane_finished", status="error", error=str(exc), wall_s=0.0, startup_s=0.0, cpu_s=0.0, tasks_done=0
        )
        return 1

    batch = Batch(cfg)
    times0 = os.times()
    t0 = time.monotonic()
    emitter.emit("lane_started", t=t0, pid=os.getpid())
    startup_s = 0.0
    worker_cpu: dict[int, float] = {}
    error: str | None
    if mode == "sequential":
        emitter.emit("pool_ready", t=t0, startup_s=0.0, pids=[os.getpid()])
        error = run_sequential(task, batch, emitter, t0)
        t_end = time.monotonic()
        executor: Executor | None = None
    else:
        workers = cfg["workers"]
        board = None
        if mode == "threads":
            executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="paraviz-worker")
        else:
            import multiprocessing

            context = multiprocessing.get_context(cfg["start_method"])
            board = WorkerBoard(context, workers)
            executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=init_worker,
                initargs=(cfg.get("configure"), cfg.get("inner_threads"), *board.initargs()),
            )
        try:
            worker_pid = executor.submit(ping).result()
            error = None
        except BrokenProcessPool:
            worker_pid = 0
            error = "the process pool could not start a worker"
        startup_s = time.monotonic() - t0
        emitter.emit("pool_ready", t=t0 + startup_s, startup_s=startup_s, pids=[worker_pid])
        if error is None:
            chunksize = cfg.get("chunksize", 1) if mode == "processes" else 1
            live = emitter.started if mode == "threads" else None
            window = 2 * workers if batch.seconds is not None else max(BATCH_WINDOW, 4 * workers)
            error = run_pool(executor, task, batch, emitter, t0, chunksize, window, worker_cpu, live, board)
        t_end = time.monotonic()
    emitter.flush()
    if error is None and executor is not None:
        executor.shutdown(wait=True)
    times1 = os.times()
    cpu_s = (times1.user + times1.system + times1.children_user + times1.children_system) - (
        times0.user + times0.system + times0.children_user + times0.children_system
    )
    if mode == "processes" and cfg["start_method"] == "forkserver":
        # forkserver workers are children of the fork server, not of this host: their CPU is
        # not in our children's times, so take what each worker reported with its results.
        cpu_s += sum(worker_cpu.values())
    emitter.emit(
        "lane_finished",
        status="error" if error else "ok",
        error=error,
        wall_s=t_end - t0,
        startup_s=startup_s,
        cpu_s=cpu_s,
        tasks_done=emitter.done,
    )
    if error:
        _kill_own_group()  # do not wait for tasks still running in a failed lane
    return 0


def calibrate(cfg: dict[str, Any], emitter: Emitter) -> int:
    """Time one task, doubling the size until it takes long enough to measure."""
    try:
        task = resolve(cfg["task"])
        configure(cfg)
        if cfg.get("prepare"):
            resolve(cfg["prepare"])(cfg["size"])
    except WorkloadError as exc:
        emitter.emit("calibrated", error=str(exc))
        return 1
    size = cfg["size"]
    for _ in range(8):
        t0 = time.monotonic()
        task(0, size)
        seconds = time.monotonic() - t0
        if seconds >= 0.15:
            break
        size *= 2
    emitter.emit("calibrated", size=size, seconds=seconds)
    return 0


def main(argv: list[str]) -> int:
    cfg = json.loads(argv[1])
    emitter = Emitter(cfg["event_fd"])
    signal.signal(signal.SIGTERM, lambda *_: _kill_own_group())
    _die_with_parent()
    action = cfg.get("action", "run")
    if action == "check":
        try:
            check_picklable(cfg["task"])
            emitter.emit("checked", error=None)
        except WorkloadError as exc:
            emitter.emit("checked", error=str(exc))
        return 0
    if action == "calibrate":
        return calibrate(cfg, emitter)
    return run_lane(cfg, emitter)
