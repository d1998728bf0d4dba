"""Per-core CPU use at a fixed rate, with bounded history for sparklines and heat strips."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Protocol

#: Seconds between per-core readings, lane samples and the app's frames, unless --refresh says otherwise.
REFRESH_S = 0.25
#: Readings kept per core: a minute at the default 4 Hz, enough for a run of three lanes.
HISTORY = 240


@dataclass(frozen=True)
class CoreSnapshot:
    """Per-core CPU % now, and each core's recent history (oldest first).

    ``history`` holds the sampler's own bounded rings, not copies: copying 256 x 60 readings
    every tick would cost more than drawing them. Read them on the thread that samples.
    """

    percents: tuple[float, ...]
    history: tuple[deque[float], ...]
    tick: int = 0  # readings taken so far: a time axis for marking when lanes ran

    @property
    def cores(self) -> int:
        return len(self.percents)

    @property
    def total_percent(self) -> float:
        return sum(self.percents) / max(1, len(self.percents))


class CoreSource(Protocol):
    def __call__(self) -> list[float]: ...


def psutil_source() -> CoreSource:
    """psutil's per-core CPU %, primed once: the first reading of a baseline is meaningless.

    The baseline is per calling thread, so call it from one thread only.
    """
    import psutil

    psutil.cpu_percent(percpu=True)

    def read() -> list[float]:
        return psutil.cpu_percent(interval=None, percpu=True)

    return read


def fake_source(cores: int, busy: float = 50.0) -> CoreSource:
    """A deterministic machine of ``cores`` cores for tests and screenshots."""
    tick = 0

    def read() -> list[float]:
        nonlocal tick
        tick += 1
        return [round(busy + 45 * math.sin(tick / 3 + i / 5), 1) % 100 for i in range(cores)]

    return read


class CpuSampler:
    """Reads per-core CPU % from a source and keeps ``history`` readings per core."""

    def __init__(self, source: CoreSource | None = None, history: int = HISTORY) -> None:
        self.source = source or psutil_source()
        self.history: list[deque[float]] = []
        self.length = history
        self.ticks = 0

    def sample(self) -> CoreSnapshot:
        percents = [max(0.0, min(100.0, p)) for p in self.source()]
        if len(self.history) != len(percents):  # first tick, or CPUs went on/offline
            self.history = [deque(maxlen=self.length) for _ in percents]
        for ring, value in zip(self.history, percents, strict=True):
            ring.append(value)
        self.ticks += 1
        return CoreSnapshot(tuple(percents), tuple(self.history), self.ticks)
