"""Where a lane's time went: each worker's time as a budget, and its efficiency as a product of factors.

The budget (Brendan Gregg's thread state analysis, per worker): every worker's time from the lane's
start to its end, tiled exactly — before its first task (start-up), between tasks (dispatch, and the
part of it spent waiting for --payload data: transfer), after its last task (tail), and inside its
tasks by the states its thread was read in (running, ready, GIL, wait, I/O). The parts sum to
workers x wall.

The factors (the POP Centre of Excellence's efficiency metrics, in Python's words): the lane's
efficiency, speedup / min(workers, cores), as a product of ratios, one per cause, each 1.0 where its
cause cost nothing. The chain is read on the cores' capacity, P x wall with P = min(workers, cores):

- the tasks' own work is ``running`` + ``io`` inside tasks (computing, or waiting on their own I/O);
- every other part is a loss; together they cost the capacity the work did not use (with more
  workers than cores a worker's second off a core is not a core's second lost: another worker had
  it, so only their shares count);
- the losses' factors multiply to work / capacity, each that ratio raised to its loss's share of all
  the losses: the order of the causes does not matter, a cause that cost nothing is 1.0, and the
  largest loss is always the smallest factor (a chain of ratios in a fixed order made the later
  causes look larger: dispatch's 4.9 worker-seconds read 17 %, a 0.9 s wait for a core 6 %);
- ``computation`` is the sequential lane's time for the same tasks over the work here: the same tasks
  cost more CPU here (the GIL's hand-overs, a slower free-threaded build, cold caches) below 1;
- ``overlap`` is above 1 only where the tasks' waits overlapped beyond the cores (I/O on more workers
  than cores): waits need no core, so the tasks' I/O adds to the capacity the losses are read on, up
  to workers x wall, and overlap is that over the cores' capacity.

So efficiency = (product of the losses) x computation x overlap, exactly. Pure: no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A thread's states, as core/measure/threads.py reads them: on a core, runnable with no core free,
#: waiting for the GIL, waiting on a lock/queue/condition/event, sleeping or in I/O.
THREAD_STATES = ("running", "ready", "gil", "wait", "io")
#: A worker's time, in the order it is tiled.
PARTS = ("startup", "transfer", "dispatch", *THREAD_STATES, "tail")
#: Each loss, the part it is read from, in the chain's order; then computation and overlap.
LOSSES = (
    ("startup", "startup"),
    ("transfer", "transfer"),
    ("dispatch", "dispatch"),
    ("load_balance", "tail"),
    ("oversubscription", "ready"),
    ("gil", "gil"),
    ("waits", "wait"),
)
FACTORS = (*(factor for factor, _part in LOSSES), "computation", "overlap")
#: Inside a task, the parts that are the task's own work (not a loss).
WORK_PARTS = ("running", "io")
#: Time between tasks comes off a worker's idle-like states first (a pool's worker waits for its next
#: task on a queue's lock or a pipe), in this order.
IDLE_ORDER = ("wait", "io", "ready", "gil", "running")
#: Inside a task, the time off its CPU comes off the thread's states in this order.
INSIDE_ORDER = ("ready", "gil")


@dataclass(frozen=True)
class WorkerSpan:
    """One worker's tasks, on the lane's clock: when its first began and its last ended, the
    seconds inside them, their CPU on its thread's clock (None: not read) and how many."""

    pid: int
    tid: int
    first_start: float
    last_end: float
    busy_s: float
    task_cpu_s: float | None
    tasks: int


def clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def inside_states(
    span: WorkerSpan, inside: float, outside: float, wall_s: float, states: dict[str, float] | None
) -> tuple[dict[str, float], float, float]:
    """The worker's time inside its tasks by state: its thread's states over the lane, less the time
    it spent outside tasks (taken off its idle-like states first, and only the part of it its
    thread was read for), scaled to the time inside; the running part is its tasks' own CPU where
    read. Time whose state was not read counts as running (no loss is claimed that was not seen).
    Also the seconds outside tasks that were GIL and ready time (a new thread waiting for the GIL
    before its first task is the GIL's loss, not start-up's)."""
    left = dict.fromkeys(THREAD_STATES, 0.0)
    out_gil = out_ready = 0.0
    if states:
        left.update({state: max(0.0, states.get(state, 0.0)) for state in THREAD_STATES})
        unread = max(0.0, wall_s - sum(left.values()))  # before the thread existed, or after
        to_take = max(0.0, outside - unread)
        for state in IDLE_ORDER:
            taken = min(left[state], to_take)
            left[state] -= taken
            to_take -= taken
            out_gil += taken if state == "gil" else 0.0
            out_ready += taken if state == "ready" else 0.0
    split = dict.fromkeys(THREAD_STATES, 0.0)
    if span.task_cpu_s is not None:
        split["running"] = clamp(span.task_cpu_s, 0.0, inside)
        left["running"] = 0.0
    rest = inside - split["running"]
    if span.task_cpu_s is None:  # no CPU read: the thread's states, in their proportions
        known = sum(left.values())
        for state in THREAD_STATES:
            split[state] += rest * left[state] / known if known > 0 else 0.0
        split["running"] += rest if known <= 0 else 0.0
        return split, out_gil, out_ready
    # A task off its CPU was first waiting for a core or the GIL (it wanted to run), then blocked:
    # on a lock or on its own I/O, in the proportions its thread showed (a fixed order put a sleeping
    # task's time in the queue waits left over from between tasks: "waits 53%" for time.sleep).
    for state in INSIDE_ORDER:
        taken = min(left[state], rest)
        split[state] += taken
        rest -= taken
    blocked = left["wait"] + left["io"]
    for state in ("wait", "io"):
        split[state] += min(left[state], rest * left[state] / blocked) if blocked > 0 else 0.0
    split["running"] += inside - sum(split.values())  # not read: no loss is claimed that was not seen
    return split, out_gil, out_ready


def worker_budget(
    span: WorkerSpan, wall_s: float, states: dict[str, float] | None, transfer_s: float = 0.0
) -> dict[str, float]:
    """One worker's time from the lane's start to its end, tiled: PARTS, summing to ``wall_s``."""
    start = clamp(span.first_start, 0.0, wall_s)
    end = clamp(span.last_end, start, wall_s)
    inside = clamp(span.busy_s, 0.0, end - start)
    between = end - start - inside
    transfer = clamp(transfer_s, 0.0, between)
    outside = start + between + wall_s - end
    budget = {"startup": start, "transfer": transfer, "dispatch": between - transfer, "tail": wall_s - end}
    split, out_gil, out_ready = inside_states(span, inside, outside, wall_s, states)
    # Outside tasks, GIL and ready time are moved to those parts, off start-up, dispatch and tail alike.
    keep = 1 - (out_gil + out_ready) / outside if outside > 0 else 1.0
    budget = {part: seconds * keep for part, seconds in budget.items()}
    split["gil"] += out_gil
    split["ready"] += out_ready
    return {part: (split | budget)[part] for part in PARTS}


def lane_budget(
    spans: list[WorkerSpan],
    workers: int,
    wall_s: float,
    states: dict[tuple[int, int], dict[str, float]],
    transfer_s: float = 0.0,
) -> tuple[dict[str, float], list[dict[str, float]]]:
    """The lane's budget (PARTS in worker-seconds, summing to max(workers, spans) x wall) and each
    worker's. A worker that ran no task spent the lane in its tail (fewer tasks than workers).
    A worker's states are its thread's, else its process's main thread's (an event loop's slots)."""
    per_worker = []
    share = transfer_s / len(spans) if spans else 0.0
    for span in spans:
        thread = states.get((span.pid, span.tid)) or states.get((span.pid, span.pid))
        per_worker.append(worker_budget(span, wall_s, thread, share))
    total = dict.fromkeys(PARTS, 0.0)
    for budget in per_worker:
        for part, seconds in budget.items():
            total[part] += seconds
    total["tail"] += max(0, workers - len(spans)) * wall_s
    return total, per_worker


def efficiency_factors(
    budget: dict[str, float], wall_s: float, workers: int, logical_cores: int, sequential_s: float
) -> dict[str, float] | None:
    """The lane's efficiency as FACTORS whose product is sequential_s / (min(workers, cores) x wall_s)
    (the module's docstring says how). None where no work was measured."""
    capacity = min(workers, logical_cores) * wall_s
    work = sum(budget.get(part, 0.0) for part in WORK_PARTS)
    if capacity <= 0 or work <= 0 or sequential_s <= 0:
        return None
    # Waits need no core: the tasks' own I/O adds to what the lane could hold, up to workers x wall.
    worker_seconds = sum(budget.values())
    ceiling = max(work, min(worker_seconds, capacity + budget.get("io", 0.0)), capacity)
    losses = {factor: max(0.0, budget.get(part, 0.0)) for factor, part in LOSSES}
    lost = sum(losses.values())
    used = work / ceiling  # the product of the loss factors
    factors = {factor: used ** (loss / lost) if lost > 0 else 1.0 for factor, loss in losses.items()}
    factors["computation"] = sequential_s / work
    factors["overlap"] = ceiling / capacity
    return factors


def scaled_budget(budget: dict[str, float] | None, worker_seconds: float) -> dict[str, float] | None:
    """A round's budget scaled to sum to ``worker_seconds``: the median round's, on the median wall time
    (the same with an odd number of rounds), so its shares stay one real round's and its factors
    multiply to the medians' efficiency. (Each part's own median mixed rounds: their parts no longer
    belonged together.)"""
    if not budget:
        return None
    total = sum(budget.values())
    return {part: s * worker_seconds / total for part, s in budget.items()} if total > 0 else dict(budget)


#: A factor under this is a loss worth a sentence (the VMs' CPU speed alone moves the computation
#: factor by ±15 % run to run, so computation needs more: COMPUTATION_WORTH_SAYING).
WORTH_SAYING = 0.9
COMPUTATION_WORTH_SAYING = 0.75


def losses_in_order(factors: dict[str, float]) -> list[tuple[str, float]]:
    """The factors that lost something worth saying, smallest first (overlap is a gain, never one)."""
    found = [
        (name, value)
        for name, value in factors.items()
        if name != "overlap" and value < (COMPUTATION_WORTH_SAYING if name == "computation" else WORTH_SAYING)
    ]
    return sorted(found, key=lambda pair: pair[1])


def smallest_factor(factors: dict[str, float]) -> tuple[str, float]:
    """The biggest loss, as (factor, value), whether or not it is worth saying."""
    return min(((n, v) for n, v in factors.items() if n != "overlap"), key=lambda pair: pair[1])
