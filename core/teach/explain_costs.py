"""What moving data and a cluster cost the lanes, from their figures: --payload's transfer, and the
Dask lane's start-up and per-task scheduling."""

from __future__ import annotations

from paraviz.core.i18n import _, num
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult

#: Start-up at least this share of a lane's wall time is the story of a short run.
STARTUP_SHARE = 0.2


#: Share of a process lane's wall time spent receiving data above which moving data is the story.
DATA_BOUND_SHARE = 0.3


def data_sentences(
    seq: RunResult | None,
    thr: RunResult | None,
    proc: RunResult | None,
    config: RunConfig,
    explained: set[str] | None = None,
) -> list[str]:
    """When tasks carried data (--payload): what moving it cost processes, from their figures."""
    if not (proc and proc.ok and proc.bytes_sent):
        return []
    per_worker = proc.transfer_s / max(1, proc.workers)
    line = _(
        "Processes were sent {megabytes} MB ({payload} MB with every chunk of tasks); "
        "receiving it took their workers {seconds} s in all"
    ).format(
        megabytes=num(proc.bytes_sent / 2**20, ",.0f"), payload=num(config.payload, "g"), seconds=num(proc.transfer_s)
    )
    if proc.wall_s > 0 and per_worker >= DATA_BOUND_SHARE * proc.wall_s:
        line += _(", about {share} of the lane's {wall} s: moving data outweighed the work").format(
            share=num(per_worker / proc.wall_s, ".0%"), wall=num(proc.wall_s)
        )
        if explained is not None:
            explained.add("processes")
        if thr and thr.ok and thr.wall_s < proc.wall_s:
            line += _("; threads share it in memory and took {wall} s").format(wall=num(thr.wall_s))
    return [line + "."]


#: Per-task scheduling cost, against each task's own compute time, above which Dask's overhead
#: is the story; and how close to the processes lane counts as a match.
DASK_OVERHEAD_SHARE = 0.5
MATCH_MARGIN = 0.10


def dask_sentences(dask: RunResult | None, proc: RunResult | None, explained: set[str] | None = None) -> list[str]:
    """What the cluster cost and bought, from the dask lane's own figures."""
    if not (dask and dask.ok and dask.tasks_done):
        return []
    lines = []
    if dask.wall_s > 0 and dask.startup_s / dask.wall_s >= STARTUP_SHARE:
        lines.append(
            _("Starting the Dask cluster took {startup} s of the lane's {wall} s.").format(
                startup=num(dask.startup_s), wall=num(dask.wall_s)
            )
        )
    if dask.compute_s is not None:
        busy = max(0.0, dask.wall_s - dask.startup_s) * max(1, dask.workers)
        per_task = max(0.0, busy - dask.compute_s) / dask.tasks_done
        work = dask.compute_s / dask.tasks_done
        if per_task > DASK_OVERHEAD_SHARE * work:
            lines.append(
                _(
                    "Dask spent about {overhead} ms per task on scheduling and messages, against {work} ms of work "
                    "in each: per-task overhead dominated; bigger tasks pay it off."
                ).format(overhead=num(per_task * 1e3, ".1f"), work=num(work * 1e3))
            )
    if lines and explained is not None:
        explained.add("dask")  # start-up or per-task overhead: why it was slow
    if proc and proc.ok and proc.wall_s > 0 and abs(dask.wall_s / proc.wall_s - 1) <= MATCH_MARGIN:
        lines.append(
            _(
                "The cluster matched processes: {dask} s against {processes} s "
                "(on one machine a cluster buys no more cores than a pool)."
            ).format(dask=num(dask.wall_s), processes=num(proc.wall_s))
        )
    if dask.cluster_cpu_s and dask.cpu_s and abs(dask.cluster_cpu_s / dask.cpu_s - 1) > 0.05:
        lines.append(
            _(
                "Dask's workers counted {cluster} CPU s; the lane's whole process tree {tree} s "
                "(scheduler, nannies and start-up included)."
            ).format(cluster=num(dask.cluster_cpu_s), tree=num(dask.cpu_s))
        )
    return lines
