"""A followed process's activity cut into bursts of work (``paraviz attach``): pure data.

A notebook kernel idles between cells; each cell that computes is a burst of CPU. A burst starts at
the first sample above ``IDLE_CORES`` and ends once the tree has stayed under it for ``QUIET_S``; its
figures are its own (cores, peaks, busy workers), so a cell with threads and the next with Pool.map
stand side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Above this many cores the followed tree was working (an idle kernel polls at ~0.01).
IDLE_CORES = 0.15
#: Under IDLE_CORES this long, a burst has ended.
QUIET_S = 1.0


@dataclass(frozen=True)
class Reading:
    """One sample of the followed tree: when (seconds since following began), and what it held."""

    t: float
    cores: float
    processes: int
    threads: int
    busy_workers: int
    rss_bytes: int


@dataclass(frozen=True)
class Burst:
    start_s: float
    end_s: float
    cpu_s: float
    peak_processes: int
    peak_threads: int
    busy_workers: int
    peak_rss_bytes: int

    @property
    def wall_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def cores(self) -> float:
        return self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0


def bursts(readings: list[Reading]) -> list[Burst]:
    """The bursts of work in a series of readings, in order (each reading covers the time since the
    one before: a burst starts where the reading before its first busy one was taken)."""
    found: list[Burst] = []
    current: list[Reading] = []  # the burst so far, short dips under idle included
    busy_count = 0  # readings of ``current`` up to its last busy one
    start = previous = 0.0
    quiet_since: float | None = None
    for reading in readings:
        if reading.cores >= IDLE_CORES:
            if not current:
                start = previous
            current.append(reading)
            busy_count, quiet_since = len(current), None
        elif current:
            current.append(reading)
            quiet_since = previous if quiet_since is None else quiet_since
            if reading.t - quiet_since >= QUIET_S:
                found.append(burst_of(current[:busy_count], start))
                current = []
        previous = reading.t
    if current:
        found.append(burst_of(current[:busy_count], start))
    return found


def burst_of(busy: list[Reading], start: float) -> Burst:
    cpu, before = 0.0, start
    for reading in busy:  # each reading's cores held since the one before
        cpu += reading.cores * (reading.t - before)
        before = reading.t
    return Burst(
        start_s=start,
        end_s=busy[-1].t,
        cpu_s=cpu,
        peak_processes=max(r.processes for r in busy),
        peak_threads=max(r.threads for r in busy),
        busy_workers=max(r.busy_workers for r in busy),
        peak_rss_bytes=max(r.rss_bytes for r in busy),
    )


def lone_tail_s(readings: list[Reading], end_s: float) -> float | None:
    """How long one worker ran alone at the end after several had been busy together (unequal
    tasks), or None when several never were or the end was shared."""
    together = [r.t for r in readings if r.busy_workers >= 2]
    if not together or not any(r.busy_workers == 1 for r in readings if r.t > together[-1]):
        return None
    return max(0.0, end_s - together[-1])
