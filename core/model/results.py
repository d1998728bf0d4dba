"""A run's measured figures with the machine and settings they came from (JSON-ready)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paraviz.core.measure.machine import MachineInfo
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult
from paraviz.core.teach.explain import explain


def workload_fields(config: RunConfig, size: int) -> dict[str, Any]:
    """The workload part of a report: the same in run and sweep JSON."""
    return {
        "name": config.workload.name,
        "tasks": None if config.timed else config.task_count,
        "size": size,
        "sizes": list(config.sizes) if config.sizes else None,
        "seconds": config.seconds,
        "repeat": config.repeat,
        "payload_mb": config.payload,
    }


@dataclass(frozen=True)
class RunReport:
    machine: MachineInfo
    config: RunConfig
    size: int
    results: list[RunResult]

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if r.status == "error"]

    @property
    def explanation(self) -> list[str]:
        return explain(self.results, self.config, self.machine.logical_cores)

    def to_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.to_dict(),
            "workload": workload_fields(self.config, self.size),
            "runs": [r.to_dict() for r in self.results],
            "explanation": self.explanation,
        }
