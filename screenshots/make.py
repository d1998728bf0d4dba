"""Regenerate the SVG screenshots of the real app after real runs: python screenshots/make.py

Each shot runs the workload for real on this machine, so the figures in the pictures are
the figures of that run. Pass --png to also write PNG copies (needs cairosvg) for a quick look,
--out DIR to write elsewhere, and --cores for the shots named after this machine's core count
(one worker per logical core, two tasks per worker), taken where more than 2 cores are lent.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from paraviz.core.i18n import set_language
from paraviz.core.measure.interpreter import find_nogil_python
from paraviz.core.model.config import RunConfig
from paraviz.core.model.workloads import get_workload
from paraviz.core.teach.conditions import noise
from paraviz.core.teach.lecture import STEPS
from paraviz.tui.app import make_app
from paraviz.tui.lecture import make_lecture

HERE = Path(__file__).parent
OUT = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else HERE

#: The threads lane beside the same threads without the GIL (a free-threaded Python: see README).
FOUR_LANES = ("sequential", "threads", "nogil", "processes")
FIVE_LANES = ("sequential", "threads", "processes", "asyncio", "hybrid")


def cumsum(workers: int, size: int, **settings: Any) -> RunConfig:
    """8 tasks of sum(range(size)) on ``workers``: most shots' run, 3 interleaved rounds (medians), as
    the lecture's GIL step takes them: one round of GIL-bound threads read anywhere from 0.94x to 1.17x."""
    settings.setdefault("repeat", 3)
    return RunConfig(workload=get_workload("cumsum"), workers=workers, tasks=8, size=size, **settings)


SHOTS = [
    ("cumsum-120x40", (120, 40), cumsum(2, 10_000_000)),
    ("sleep-120x40", (120, 40), RunConfig(workload=get_workload("sleep"), workers=8, tasks=8, size=250)),
    ("squares-120x40", (120, 40), RunConfig(workload=get_workload("squares"), workers=2, tasks=20_000, size=1)),
    ("transfer-pool-120x40", (120, 40), RunConfig(workload=get_workload("transfer"), workers=2, engine="pool")),
    ("cumsum-dask-120x40", (120, 40), cumsum(2, 20_000_000, modes=("sequential", "threads", "processes", "dask"))),
    ("cumsum-80x24", (80, 24), cumsum(2, 10_000_000)),
    ("cumsum-nogil-120x40", (120, 40), cumsum(2, 10_000_000, modes=FOUR_LANES)),
    ("cumsum-nogil-80x24", (80, 24), cumsum(2, 10_000_000, modes=FOUR_LANES)),
    ("cumsum-120x40-midrun", (120, 40), cumsum(2, 30_000_000)),
    # The GIL, thread by thread: 4 threads on 2 cores beside the same threads without it, and processes.
    ("gil-states-120x40", (120, 40), cumsum(4, 10_000_000, modes=FOUR_LANES)),
    ("gil-states-120x40-midrun", (120, 40), cumsum(4, 20_000_000, modes=FOUR_LANES)),
    ("gil-states-80x24", (80, 24), cumsum(2, 10_000_000, modes=FOUR_LANES)),
    # I/O then CPU on five lanes: threads, processes, asyncio and the hybrid.
    ("pipeline-120x40", (120, 40), RunConfig(workload=get_workload("pipeline"), workers=2, modes=FIVE_LANES)),
    ("pipeline-80x24", (80, 24), RunConfig(workload=get_workload("pipeline"), workers=2, modes=FIVE_LANES)),
]
#: A shot whose explanation calls a figure noise is taken again, up to this many runs in all; make.py
#: says when it had to keep one anyway.
ATTEMPTS = 4
#: The lane a mid-run shot waits for, a second into it.
MIDRUN_LANE = {"cumsum-120x40-midrun": "processes", "gil-states-120x40-midrun": "threads"}


def noisy_lanes(app: Any) -> list[str]:
    """The lanes whose figures the explanation calls noise (a speedup physics forbids)."""
    results = [r for r in app.results.values() if r.ok and not r.too_short]
    return sorted(noise(results, app.config, app.machine.logical_cores))


async def shoot_until_clean(name: str, shot: Any, *args: Any) -> Path | None:
    """Take a shot again while its explanation carries a noise caveat, ATTEMPTS runs at most."""
    path, noisy = None, []
    for attempt in range(1, ATTEMPTS + 1):
        path, noisy = await shot(name, *args)
        if not noisy:
            break
        print(
            f"{name}: run {attempt} called {', '.join(noisy)} noise"
            + (", taking it again" if attempt < ATTEMPTS else "")
        )
    if noisy:
        print(f"{name}: KEPT with a noise caveat ({', '.join(noisy)}) after {ATTEMPTS} runs")
    return path


async def shoot(name: str, size: tuple[int, int], config: RunConfig) -> tuple[Path | None, list[str]]:
    if "nogil" in config.modes:
        config = replace(config, nogil_python=find_nogil_python())
        if config.nogil_python is None:
            print(f"{name}: skipped, no free-threaded Python (bash .ci/nogil-python.sh builds one)")
            return None, []
    app = make_app(config)
    async with app.run_test(size=size) as pilot:
        await pilot.press("r")
        await pilot.pause(0.5)
        deadline = time.monotonic() + 300
        if name.endswith("-midrun"):  # a lane a second in: processes filling the cores, threads taking turns
            while not app.lane(MIDRUN_LANE[name]).has_class("-running") and time.monotonic() < deadline:
                await pilot.pause(0.05)
            await pilot.pause(1.0)
        while app.running and time.monotonic() < deadline and not name.endswith("-midrun"):
            await pilot.pause(0.2)
        await pilot.pause(0.0 if name.endswith("-midrun") else 1.0)
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(OUT))
        noisy = [] if name.endswith("-midrun") else noisy_lanes(app)  # a run half done says nothing yet
    return path, noisy


async def shoot_sweep(name: str, size: tuple[int, int], config: RunConfig) -> tuple[Path, list[str]]:
    app = make_app(config)
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        deadline = time.monotonic() + 300
        while getattr(app.screen, "running", False) and time.monotonic() < deadline:
            await pilot.pause(0.2)
        await pilot.pause(0.5)
        path = OUT / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(OUT))
    return path, []


#: paraviz watch on the notebooks' three styles, as real scripts (tests/scripts).
SCRIPTS = HERE.parent / "tests" / "scripts"
THREE_SCRIPTS = tuple(
    (name, (sys.executable, str(SCRIPTS / file), "10000000"))
    for name, file in (("loop", "loop.py"), ("Thread per task", "thread_per_task.py"), ("Pool.map", "pool_map.py"))
)
WATCH_SHOTS = [
    (
        "watch-three-scripts-120x40",
        (120, 40),
        RunConfig(modes=tuple(n for n, _c in THREE_SCRIPTS), commands=THREE_SCRIPTS, output_dir=tempfile.mkdtemp()),
    )
]

#: (name, size, language, step, projector): step 1 is the GIL; each shot is after a real run.
LECTURE_SHOTS = [
    ("lecture-120x40", (120, 40), "en", 1, False),
    ("lecture-80x24", (80, 24), "en", 1, False),
    ("lecture-es-120x40", (120, 40), "es", 1, False),
    ("lecture-es-80x24", (80, 24), "es", 1, False),
    ("lecture-es-big-80x24", (80, 24), "es", 1, True),
]


async def shoot_lecture(
    name: str, size: tuple[int, int], language: str, step: int, big: bool
) -> tuple[Path, list[str]]:
    set_language(language)
    try:
        app = make_lecture(RunConfig(workers=2), first_step=step, big=big)
        async with app.run_test(size=size) as pilot:
            await pilot.press("r")
            await pilot.pause(0.5)
            deadline = time.monotonic() + 300
            while app.running and time.monotonic() < deadline:
                await pilot.pause(0.2)
            await pilot.pause(1.0)
            path = OUT / f"{name}.svg"
            app.save_screenshot(filename=path.name, path=str(OUT))
            noisy = noisy_lanes(app)
    finally:
        set_language("en")
    return path, noisy


def core_count_lecture_shots() -> list[tuple[str, tuple[int, int], str, int, bool]]:
    """The oversubscription steps at this machine's width (with --cores): where the lesson needs many cores."""
    cores = os.cpu_count() or 1
    keys = [step.key for step in STEPS]
    return [
        (f"lecture-{key}-{cores}cores-120x40", (120, 40), "en", keys.index(key) + 1, False)
        for key in ("oversubscribed", "one-inner-thread")
    ]


def core_count_shots() -> list[tuple[str, tuple[int, int], RunConfig]]:
    """The lesson at this machine's width: a worker per logical core and two tasks for each."""
    cores = os.cpu_count() or 1
    cumsum = get_workload("cumsum")
    return [
        (f"cumsum-{cores}cores-120x40", (120, 40), RunConfig(workload=cumsum, tasks=2 * cores, size=15_000_000)),
        (f"cumsum-{cores}cores-120x40-midrun", (120, 40), RunConfig(workload=cumsum, tasks=2 * cores, size=40_000_000)),
        (f"cumsum-{cores}cores-80x24", (80, 24), RunConfig(workload=cumsum, tasks=2 * cores, size=15_000_000)),
        (f"sweep-{cores}cores-120x40", (120, 40), RunConfig(workload=cumsum, tasks=2 * cores, size=5_000_000)),
    ]


def main() -> None:
    """All shots, or only those whose name starts with the first argument (``lecture``…)."""
    only = next((a for a in sys.argv[1:] if not a.startswith("--") and a != str(OUT)), "")
    sweep = ("sweep-120x40", (120, 40), RunConfig(workload=get_workload("cumsum"), tasks=8, size=5_000_000))
    shots = core_count_shots() if "--cores" in sys.argv else [*SHOTS, sweep, *WATCH_SHOTS]
    for name, size, config in shots:
        if name.startswith(only):
            shot = shoot_sweep if name.startswith("sweep") else shoot
            written(asyncio.run(shoot_until_clean(name, shot, size, config)))
    lectures = core_count_lecture_shots() if "--cores" in sys.argv else LECTURE_SHOTS
    for name, size, language, step, big in lectures:
        if name.startswith(only):
            written(asyncio.run(shoot_until_clean(name, shoot_lecture, size, language, step, big)))


def written(path: Path | None) -> None:
    if path is None:
        return
    print(path)
    if "--png" in sys.argv:
        import cairosvg

        cairosvg.svg2png(url=str(path), write_to=str(path.with_suffix(".png")))


if __name__ == "__main__":
    main()
