"""A run's measured figures with the machine and settings they came from (JSON-ready)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult
from paraviz.core.model.machine import MachineInfo


def report_head(machine: MachineInfo, config: RunConfig, size: int) -> dict[str, Any]:
    """What a report's JSON starts with, the same in run and sweep: the machine and the workload."""
    workload = {
        "name": config.workload.name,
        "tasks": None if config.timed else config.task_count,
        "size": size,
        "sizes": list(config.sizes) if config.sizes else None,
        "seconds": config.seconds,
        "repeat": config.repeat,
        "payload_mb": config.payload,
    }
    return {"machine": machine.to_dict(), "workload": workload}


@dataclass(frozen=True)
class RunReport:
    machine: MachineInfo
    config: RunConfig
    size: int
    results: list[RunResult]

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if r.status == "error"]

    def to_dict(self) -> dict[str, Any]:
        return report_head(self.machine, self.config, self.size) | {"runs": [r.to_dict() for r in self.results]}
