"""The dask mode: the same tasks through ``distributed.Client.map(..., pure=False)`` on a
LocalCluster this host starts (and closes), or on an existing cluster (``--scheduler``).

Not an engine of the threads/processes lanes but a lane of its own; it reports the same events.
Figures come from the cluster, whose workers may be on other machines: CPU seconds from each
worker's own counters (``Client.run``), per-task compute time from Dask's task stream.
"""

from __future__ import annotations

import os
import time
from typing import Any

# Imported with the lane, before its clock starts, as a notebook imports it first.
from distributed import Client, LocalCluster, as_completed, get_task_stream
from paraviz.core.host.engines.base import LaneContext, Outcome, drain_from_thread
from paraviz.core.host.protocol import CLUSTER_SAMPLED, ClusterSampledMessage
from paraviz.core.host.worker import ChunkResult, run_chunk
from paraviz.core.i18n import _

#: How long to wait for an existing scheduler before calling it unreachable.
CONNECT_TIMEOUT_S = 5
#: How often to ask an existing cluster's workers for their CPU: as often as the local lanes' trees
#: are sampled, twice as rarely (each ask is a round trip to every worker).
CLUSTER_SAMPLE_S = 0.5


def dask_chunk(task: Any, index: int, arg: Any, payload: Any) -> tuple[ChunkResult, float]:
    """One task on a Dask worker: run_chunk's result, and the worker's wall-minus-monotonic clock
    offset, so the host can put its records on its own timeline (workers may be other machines)."""
    return run_chunk(task, index, [arg], None, payload), time.time() - time.monotonic()


def _worker_cpu() -> tuple[int, float, str]:
    return os.getpid(), time.process_time(), os.uname().nodename


def _worker_state() -> tuple[int, float, str, int]:
    """On a worker: pid, CPU seconds, host name and resident memory (distributed needs psutil)."""
    import psutil

    pid, cpu_s, host = _worker_cpu()
    return pid, cpu_s, host, psutil.Process().memory_info().rss


def run(lane: LaneContext) -> Outcome:
    address = lane.cfg.get("scheduler")
    outcome = Outcome(children_counted=True)  # a LocalCluster's processes are this host's; closed before the count
    cluster = None
    if address:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    else:
        cluster = LocalCluster(
            n_workers=lane.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_port=0,  # any free port: 8786/8787 in use must not matter
        )
        client = Client(cluster)

    def cleanup() -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    outcome.cleanup = cleanup
    cpu_before = client.run(_worker_cpu)
    outcome.startup_s = time.monotonic() - lane.t0
    info = client.scheduler_info()
    workers = info.get("workers", {})
    threads = sum(w.get("nthreads", 0) for w in workers.values())
    hosts = sorted({str(w.get("host", "?")) for w in workers.values()})
    outcome.details = {"cluster": address or "local", "dask_workers": len(cpu_before), "dask_hosts": ",".join(hosts)}
    if threads:
        outcome.details["workers"] = threads
    lane.ready(outcome.startup_s, **outcome.details)

    batch = lane.batch
    offset_here = time.time() - time.monotonic()
    indices = list(range(batch.tasks))
    compute = {"seconds": 0.0, "tasks": 0}

    def produce(put: Any) -> None:
        with get_task_stream(client) as stream:
            futures = client.map(
                dask_chunk,
                [lane.task] * len(indices),
                indices,
                [batch.arg_of(i) for i in indices],
                [lane.payload] * len(indices),
                pure=False,  # identical calls must not collapse into one
            )
            index_of = {future.key: i for i, future in zip(indices, futures, strict=True)}
            for future in as_completed(futures):
                if future.status == "error":
                    exc = future.exception()
                    put(("error", index_of[future.key], f"{type(exc).__name__}: {exc}"))
                    return
                put(("ok", index_of[future.key], future.result()))
        for entry in stream.data:
            for span in entry.get("startstops", ()):
                if span.get("action") == "compute":
                    compute["seconds"] += span["stop"] - span["start"]
                    compute["tasks"] += 1

    def take(item: Any) -> str | None:
        kind, index, value = item
        if kind == "error":
            return _("task {index}: {error}").format(index=index, error=_first_line(value))
        (records, error, _pid, _cpu, waited, task_cpu), offset_there = value
        shift = offset_there - offset_here  # the worker's monotonic clock onto this host's
        outcome.transfer_s += waited
        lane.emitter.finish([(i, n, p, t, s + shift, e + shift) for i, n, p, t, s, e in records], task_cpu)
        return error

    sampler = ClusterSampler(client, lane) if address else None
    outcome.error = drain_from_thread(lane, produce, take, tick=sampler)
    if sampler is not None and outcome.error is None:
        sampler(force=True)  # the last interval, up to the lane's end
    if outcome.error is None:
        cpu_after = client.run(_worker_cpu)
        outcome.details["cluster_cpu_s"] = sum(cpu_after[a][1] - cpu_before[a][1] for a in cpu_after if a in cpu_before)
        outcome.details["compute_s"] = compute["seconds"]
        if address:  # remote workers are not this host's children: their counters are the figure
            outcome.children_counted = False
            outcome.worker_cpu = {0: outcome.details["cluster_cpu_s"]}
    return outcome


class ClusterSampler:
    """Every CLUSTER_SAMPLE_S, each worker's CPU % over the interval, from its own process
    counters (``Client.run``: the workers may be other machines, which no psutil here can see),
    with its host and memory. The scheduler's heartbeat metrics lag by a heartbeat or two, which
    on a lane of a second or less showed idle workers throughout (seen in the loopback test)."""

    def __init__(self, client: Client, lane: LaneContext) -> None:
        self.client, self.lane, self.next_at = client, lane, 0.0
        self.before: dict[str, tuple[float, float]] = {}  # address -> (CPU seconds, monotonic time)

    def __call__(self, force: bool = False) -> None:
        now = time.monotonic()
        if now < self.next_at and not force:
            return
        self.next_at = now + CLUSTER_SAMPLE_S
        rows = []
        for address, (_pid, cpu_s, host, rss) in sorted(self.client.run(_worker_state).items()):
            cpu_before, t_before = self.before.get(address, (cpu_s, now))
            percent = 100 * (cpu_s - cpu_before) / (now - t_before) if now > t_before else 0.0
            self.before[address] = (cpu_s, now)
            rows.append((address, host, max(0.0, percent), rss))
        self.lane.emitter.emit(ClusterSampledMessage(event=CLUSTER_SAMPLED, workers=rows))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
