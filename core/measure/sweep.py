"""Worker-count sweeps and the Amdahl fit of their speedups."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from paraviz.core.i18n import _, num
from paraviz.core.measure.machine import machine_info
from paraviz.core.measure.relay import EventSink
from paraviz.core.measure.runner import RunError, run_lanes
from paraviz.core.measure.validation import validate
from paraviz.core.model.comparisons import with_comparisons
from paraviz.core.model.config import RunConfig
from paraviz.core.model.figures import RunResult, median_of_rounds
from paraviz.core.model.machine import MachineInfo, logical_cores
from paraviz.core.model.results import report_head


@dataclass(frozen=True)
class AmdahlFit:
    """S(n) = scale / (f + (1 - f) / n), fitted by least squares on 1/S."""

    serial_fraction: float
    max_speedup: float  # scale / f: the ceiling however many workers, against the sequential lane
    r2: float
    note: str = ""
    #: The mode's own speedup at one worker: the fit is of its scaling from there.
    scale: float = 1.0

    def speedup_at(self, workers: float) -> float:
        return self.scale * amdahl(workers, self.serial_fraction)

    def to_dict(self) -> dict[str, Any]:
        return {
            "serial_fraction": self.serial_fraction,
            "max_speedup": None if math.isinf(self.max_speedup) else self.max_speedup,
            "r2": None if math.isnan(self.r2) else self.r2,
            "note": self.note,
            "one_worker_speedup": self.scale,
        }


def amdahl(n: float, serial_fraction: float) -> float:
    return 1.0 / (serial_fraction + (1.0 - serial_fraction) / n)


def fit_amdahl(workers: list[int], speedups: list[float], cores: int | None = None) -> AmdahlFit:
    """Least squares of 1/S - 1/n = f (1 - 1/n) over points with 1 < n <= cores; f clipped to [0, 1].

    S is each point's speedup over the mode's own one-worker point where there is one: the
    sequential baseline is one noisy run, and on 16 cores its 20 % swing put every thread point
    at 1.2x and read as a serial fraction of 0.77 for threads that never left one core. Points
    past the core count are left to the notes: Amdahl's law has no term for a core shortage."""
    import numpy as np

    n = np.asarray(workers, dtype=float)
    measured = np.asarray(speedups, dtype=float)
    ones = measured[n == 1]
    scale = float(ones[0]) if len(ones) and ones[0] > 0 else 1.0
    fitted = n <= cores if cores else np.ones_like(n, dtype=bool)
    n_fit, s = n[fitted], measured[fitted] / scale
    use = n_fit > 1
    x, y = 1 - 1 / n_fit[use], 1 / s[use] - 1 / n_fit[use]
    f = float(np.clip((x @ y) / (x @ x), 0.0, 1.0)) if use.any() else 1.0
    predicted = np.array([amdahl(k, f) for k in n_fit])
    residual = float(((s - predicted) ** 2).sum())
    spread = float(((s - s.mean()) ** 2).sum()) if len(s) else 0.0
    r2 = 1 - residual / spread if spread > 0 else (1.0 if residual < 1e-12 else 0.0)
    if use.sum() < 2:  # one point past n = 1 fixes f exactly: R² would say 1.00 about nothing
        r2 = math.nan
    s = measured  # the notes compare points with each other: the scale cancels
    notes = []
    best = int(np.argmax(s))
    if best < len(s) - 1 and s[-1] < 0.9 * s[best]:
        slower = _("slower past {cores} cores").format(cores=cores) if cores and n[best] >= cores else _("slower")
        notes.append(
            _(
                "{slower}: {last}× at {last_workers} vs {best}× at {best_workers}; "
                "Amdahl's model has no term for overhead or contention"
            ).format(
                slower=slower,
                last=num(s[-1]),
                last_workers=int(n[-1]),
                best=num(s[best]),
                best_workers=int(n[best]),
            )
        )
    within = [i for i, k in enumerate(n) if cores and k <= cores]
    if cores and within and n[-1] > cores and not notes and f < 0.95:
        at_cores = s[within[-1]]
        if abs(s[-1] - at_cores) <= 0.1 * at_cores:
            notes.append(
                _("flat past {cores} cores ({speedup}× at {workers}): there are no more cores to use").format(
                    cores=cores, speedup=num(s[-1], ".2f"), workers=int(n[-1])
                )
            )
    if f >= 0.95:
        notes.append(_("adding workers did not help: the work ran serially"))
    elif r2 < 0.8:  # False for nan
        notes.append(_("the model fits these points poorly (R² {r2})").format(r2=num(r2, ".2f")))
    return AmdahlFit(f, math.inf if f == 0 else scale / f, r2, "; ".join(notes), scale)


@dataclass(frozen=True)
class SweepReport:
    machine: MachineInfo
    config: RunConfig
    size: int
    baseline: RunResult
    points: list[RunResult]
    fits: dict[str, AmdahlFit]

    @property
    def failed(self) -> list[RunResult]:
        return [p for p in self.points if p.status == "error"]

    def to_dict(self) -> dict[str, Any]:
        return report_head(self.machine, self.config, self.size) | {
            "baseline": self.baseline.to_dict(),
            "runs": [p.to_dict() for p in self.points],
            "fits": {mode: fit.to_dict() for mode, fit in self.fits.items()},
        }


def run_sweep(
    config: RunConfig,
    worker_counts: list[int],
    modes: tuple[str, ...] = ("threads", "processes"),
    sink: EventSink = lambda e: None,
    stop: threading.Event | None = None,
    on_point: Callable[[RunResult], None] = lambda r: None,
) -> SweepReport:
    """A sequential baseline, then each mode at each worker count; speedups against the baseline.

    With ``config.repeat`` N, N rounds of all of it, interleaved; every figure is a median, and
    ``on_point`` hears each point again after every round with the medians so far.
    """
    stop = stop or threading.Event()
    for n in worker_counts:
        validate(replace(config, workers=n))
    once = replace(config, repeat=1)
    size = None
    baseline_rounds: list[RunResult] = []
    point_rounds: dict[tuple[str, int], list[RunResult]] = {}
    cores = logical_cores()
    baseline: RunResult | None = None
    for _round in range(config.repeat):
        if stop.is_set():
            break
        first = run_lanes(replace(once, modes=("sequential",)), sink, stop)
        size = first.size
        once = replace(once, size=size)
        baseline_rounds.append(first.results[0])
        baseline = median_of_rounds(baseline_rounds)
        for n in worker_counts:
            for mode in modes:
                if stop.is_set():
                    break
                lane = run_lanes(
                    replace(once, modes=(mode,), workers=n), sink, stop, one_worker_baseline=False
                ).results[0]
                point_rounds.setdefault((mode, n), []).append(lane)
                on_point(
                    with_comparisons([baseline, median_of_rounds(point_rounds[(mode, n)])], cores, config.timed)[1]
                )
    if baseline is None or size is None:
        raise RunError(_("the sweep was stopped before its sequential baseline finished"))
    points = [
        with_comparisons([baseline, median_of_rounds(rounds)], cores, config.timed)[1]
        for rounds in point_rounds.values()
    ]
    points.sort(key=lambda p: (p.workers, modes.index(p.mode)))
    fits = {}
    for mode in modes:
        done = [p for p in points if p.mode == mode and p.speedup is not None]
        if len(done) >= 2:
            fits[mode] = fit_amdahl([p.workers for p in done], [p.speedup for p in done], cores)
    return SweepReport(machine_info(), replace(config, size=size), size, baseline, points, fits)
