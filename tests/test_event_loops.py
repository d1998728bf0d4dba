"""asyncio and the hybrid pipeline: one thread that overlaps waits, and an event loop in front of a
process pool. Physics tests (margins, medians of interleaved rounds), the loopback server's life,
bad input, and the app's keys."""

from __future__ import annotations

import json
import subprocess
import time

import psutil
import pytest
from paraviz.core.measure.options import config_from_text
from paraviz.core.measure.runner import run_lanes
from paraviz.core.model.config import RunConfig
from paraviz.tui.app import make_app

from tests.conftest import PARAVIZ, sigterm_leaves_nothing
from tests.support.physics import physics
from tests.test_app import wait_idle

pytestmark = pytest.mark.usefixtures("no_leftover_processes")


def run_json(*arguments: str) -> dict[str, dict]:
    done = subprocess.run(
        [*PARAVIZ, "--lang", "en", "run", "--format", "json", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    return {r["mode"]: r for r in report["runs"]} | {"explanation": report["explanation"]}


@physics
def test_asyncio_overlaps_sleeps_as_threads_do_in_one_thread():
    runs = run_json(
        "--workload",
        "sleep",
        "--modes",
        "sequential,threads,asyncio",
        "--workers",
        "4",
        "--tasks",
        "16",
        "--repeat",
        "3",
    )
    threads, loop = runs["threads"], runs["asyncio"]
    assert loop["speedup"] >= 2.5 and loop["speedup"] >= 0.8 * threads["speedup"]  # seen 3.9 and 3.9
    assert loop["peak_threads"] <= 2  # the loop's one thread (the lane's tree: no thread per task)
    assert any("asyncio overlapped up to 4 waits" in line for line in runs["explanation"])


@physics
def test_asyncio_gains_nothing_on_cpu_work():
    # Medians of 3 interleaved rounds: one round's sequential lane on the slower vCPU read 1.2x (rerun once in CI).
    lanes = ["--modes", "sequential,asyncio", "--tasks", "8", "--size", "4000000", "--repeat", "3"]
    runs = run_json("--workload", "cumsum", *lanes)
    assert runs["asyncio"]["speedup"] <= 1.15 and runs["asyncio"]["effective_cores"] < 1.2
    assert any("asyncio gained nothing on this CPU work" in line for line in runs["explanation"])


@physics
def test_the_hybrid_beats_threads_processes_and_asyncio_on_a_pipeline():
    runs = run_json(
        "--workload", "pipeline", "--modes", "sequential,threads,processes,asyncio,hybrid", "--workers", "2",
        "--repeat", "3",
    )  # fmt: skip
    hybrid = runs["hybrid"]
    best = max(runs[m]["speedup"] for m in ("threads", "processes", "asyncio"))
    assert hybrid["speedup"] >= 1.1 * best, (hybrid["speedup"], best)  # seen 1.5-1.8x the best
    assert hybrid["effective_cores"] > 1.3 and runs["asyncio"]["effective_cores"] < 1.2
    assert hybrid["io_wait_s"] > 0 and hybrid["compute_s"] > 0  # the loop's waits and the pool's computing
    assert any(line.startswith("Hybrid: one event loop overlapped") for line in runs["explanation"])


def loopback_servers() -> list[psutil.Process]:
    """The pipeline's servers still alive: forked children of a run host, named after it."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or ())
        if "paraviz.core.host.main" in cmdline and "tasks_io:pipeline" in cmdline:
            found.append(proc)
    return found


def test_the_loopback_server_ends_with_its_lane():
    config = config_from_text(RunConfig(), {"workload": "pipeline", "modes": "asyncio", "tasks": "4", "size": "1000"})
    report = run_lanes(config)
    assert report.results[0].ok and report.results[0].peak_processes == 2  # the host and its server
    time.sleep(0.5)
    assert loopback_servers() == []


def test_the_loopback_server_ends_on_sigterm_to_paraviz():
    arguments = ["run", "--workload", "pipeline", "--modes", "hybrid", "--tasks", "400", "--io-ms", "500"]
    sigterm_leaves_nothing(arguments, at_least=3)  # the host, its server and a pool worker


async def test_x_stops_the_hybrid_lane_and_its_server():
    config = config_from_text(RunConfig(), {"workload": "pipeline", "modes": "hybrid", "tasks": "400", "io_ms": "500"})
    app = make_app(config, refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        deadline = time.monotonic() + 30
        while not loopback_servers() and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert loopback_servers(), "the lane never started its server"
        await pilot.press("x")
        await wait_idle(app, pilot)
        assert app.results["hybrid"].status == "stopped"
    time.sleep(0.5)
    assert loopback_servers() == []


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--io-ms", "-5"], "--io-ms must be between 0 and 60000 milliseconds, not -5"),
        (["--io-ms", "1e9"], "--io-ms must be between 0 and 60000 milliseconds"),
        (["--io-ms", "soon"], "--io-ms must be a number, not 'soon'"),
        (["--modes", "hybrid", "--workload", "cumsum"], "the hybrid lane needs a workload with an I/O part"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(arguments, said):
    done = subprocess.run(
        [*PARAVIZ, "--lang", "en", "run", "--workload", "pipeline", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


async def test_h_on_a_workload_without_an_io_part_says_why_and_runs_nothing():
    app = make_app(RunConfig(), refresh=0.1)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause(0.2)
        assert not app.running and "hybrid" not in app.results
        notes = [n.message for n in app._notifications]
        assert any("the hybrid lane needs a workload with an I/O part" in note for note in notes), notes


async def test_a_request_that_fails_is_a_lane_error_naming_its_task(monkeypatch):
    """The loopback server gone: every request fails, the lane's error names the task."""
    monkeypatch.setenv("PARAVIZ_PIPELINE_ADDRESS", "127.0.0.1:9")  # discard: nothing listens
    config = config_from_text(
        RunConfig(), {"workload": "pipeline", "modes": "sequential,asyncio", "tasks": "2", "size": "1000"}
    )
    report = run_lanes(config)
    for lane in report.results:
        assert lane.status == "error" and "task 0 raised ConnectionRefusedError" in (lane.error or ""), lane.error
