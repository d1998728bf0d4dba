"""Facts about the machine a run happens on."""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass

from paraviz.core.host.main import gil_enabled


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


def machine_info() -> MachineInfo:
    import psutil

    return MachineInfo(
        logical_cores=logical_cores(),
        physical_cores=psutil.cpu_count(logical=False) or logical_cores(),
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        gil_enabled=gil_enabled(),
        platform=platform.platform(terse=True),
    )


def default_worker_counts(cores: int | None = None) -> list[int]:
    """1, 2, 4, ... up to twice the logical cores."""
    limit = 2 * (cores or logical_cores())
    counts, n = [], 1
    while n < limit:
        counts.append(n)
        n *= 2
    return [*counts, limit]
