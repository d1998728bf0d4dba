"""The machine a run happens on, as values: what the figures are bounded by."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass


def logical_cores() -> int:
    return os.cpu_count() or 1


@dataclass(frozen=True)
class MachineInfo:
    logical_cores: int
    physical_cores: int
    python: str
    implementation: str
    gil_enabled: bool
    platform: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def default_worker_counts(cores: int | None = None) -> list[int]:
    """1, 2, 4, ... up to twice the logical cores."""
    limit = 2 * (cores or logical_cores())
    counts, n = [], 1
    while n < limit:
        counts.append(n)
        n *= 2
    return [*counts, limit]
