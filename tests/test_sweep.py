from __future__ import annotations

import io
import json
import math
import subprocess

import pandas as pd
import pytest
from paraviz.core.measure.sweep import amdahl, fit_amdahl, run_sweep
from paraviz.core.model.config import RunConfig
from paraviz.core.model.machine import default_worker_counts
from paraviz.core.model.workloads import get_workload
from paraviz.core.teach.export import fit_line

from tests.conftest import PARAVIZ
from tests.support.physics import physics


@pytest.mark.parametrize("serial", [0.0, 0.05, 0.3, 0.9])
def test_fit_recovers_a_known_serial_fraction(serial):
    workers = [1, 2, 4, 8, 16]
    fit = fit_amdahl(workers, [amdahl(n, serial) for n in workers])
    assert fit.serial_fraction == pytest.approx(serial, abs=1e-9)
    assert fit.r2 == pytest.approx(1.0)
    assert fit.note == ""
    if serial:
        assert fit.max_speedup == pytest.approx(1 / serial)


def test_fit_with_noise_stays_close():
    workers = [1, 2, 4, 8]
    noisy = [amdahl(n, 0.1) * (1 + e) for n, e in zip(workers, [0.01, -0.02, 0.015, -0.01], strict=True)]
    assert fit_amdahl(workers, noisy).serial_fraction == pytest.approx(0.1, abs=0.03)


def test_fit_says_where_the_model_does_not_fit():
    fit = fit_amdahl([1, 2, 4], [1.0, 1.9, 1.2], cores=2)
    assert "slower past 2 cores" in fit.note


def test_fit_says_when_speedup_stops_at_the_core_count():
    fit = fit_amdahl([1, 2, 4], [0.95, 1.78, 1.77], cores=2)
    assert "flat past 2 cores" in fit.note
    # On 2 cores only n = 2 is fitted: one point fixes f, and an R² of 1.00 would say nothing.
    assert math.isnan(fit.r2) and "R²" not in fit_line("processes", fit)


def test_fit_is_of_each_modes_own_scaling_up_to_the_core_count():
    """A sweep on 16 cores (cumsum, 32 tasks) whose sequential baseline ran slow: every point
    is 1.1-1.3x too high. Threads never left one core; processes scaled to the core count."""
    workers = [1, 2, 4, 8, 16, 32]
    threads = fit_amdahl(workers, [1.22, 1.16, 1.29, 1.29, 1.18, 1.24], cores=16)
    assert threads.serial_fraction > 0.95 and "did not help" in threads.note and "flat past" not in threads.note
    processes = fit_amdahl(workers, [1.13, 2.05, 4.89, 7.58, 12.59, 14.17], cores=16)
    assert processes.serial_fraction < 0.05 and processes.r2 > 0.95
    assert processes.speedup_at(1) == pytest.approx(1.13)


def test_default_counts_reach_twice_the_cores():
    assert default_worker_counts(2) == [1, 2, 4]
    assert default_worker_counts(16) == [1, 2, 4, 8, 16, 32]


@physics
def test_sweep_runs_each_mode_at_each_count():
    config = RunConfig(workload=get_workload("cumsum"), tasks=4, size=2_000_000)
    report = run_sweep(config, [1, 2])
    assert [(p.mode, p.workers) for p in report.points] == [
        ("threads", 1),
        ("processes", 1),
        ("threads", 2),
        ("processes", 2),
    ]
    assert all(p.speedup is not None for p in report.points)
    assert set(report.fits) == {"threads", "processes"}
    assert report.fits["threads"].serial_fraction > report.fits["processes"].serial_fraction


def test_cli_sweep_json_and_csv():
    base = [*PARAVIZ, "sweep", "-w", "sleep", "--tasks", "4", "--size", "20", "--workers", "1,2,4"]
    done = subprocess.run([*base, "--format", "json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["runs"]) == 6
    assert set(report["fits"]) == {"threads", "processes"}
    assert set(report["fits"]["threads"]) >= {"serial_fraction", "max_speedup", "r2"}
    done = subprocess.run([*base, "--format", "csv", "--modes", "threads"], capture_output=True, text=True, timeout=120)
    frame = pd.read_csv(io.StringIO(done.stdout))
    assert list(frame["workers"]) == [1, 2, 4] and (frame["mode"] == "threads").all()
    bad = subprocess.run([*PARAVIZ, "sweep", "--workers", "1,0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "workers must be between" in bad.stderr
