"""Fidelity: paraviz's speedups against a bare notebook-style script, interleaved, same machine.

    python benchmarks/fidelity.py [rounds] [fork,forkserver,spawn]

Also compares each start method's pool start-up as paraviz reports it with a bare pool's.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
METHODS = sys.argv[2].split(",") if len(sys.argv) > 2 else ["fork", "forkserver", "spawn"]
N, TASKS, WORKERS = 10_000_000, 8, 2

BARE = """
import json, sys, time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
import multiprocessing as mp

def work(n):
    return sum(range(1, n + 1))

def ping():
    return 0

if __name__ == "__main__":
    n, tasks, workers, method = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    out = {}
    t0 = time.perf_counter(); [work(n) for _ in range(tasks)]; out["sequential"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as ex: list(ex.map(work, [n] * tasks))
    out["threads"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=mp.get_context(method)) as ex:
        ex.submit(ping).result(); out["startup"] = time.perf_counter() - t0
        list(ex.map(work, [n] * tasks))
        out["processes"] = time.perf_counter() - t0
    print(json.dumps(out))
"""


def bare(method: str) -> dict[str, float]:
    # A file, not -c: spawn and forkserver workers import the main module to find work().
    script = Path(tempfile.gettempdir()) / "paraviz_bare_notebook.py"
    script.write_text(BARE)
    done = subprocess.run(
        [sys.executable, str(script), str(N), str(TASKS), str(WORKERS), method],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def paraviz(method: str) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "paraviz.tui",
            "run",
            "-w",
            "cumsum",
            "--size",
            str(N),
            "--tasks",
            str(TASKS),
            "--workers",
            str(WORKERS),
            "--start-method",
            method,
            "--repeat",
            "1",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    runs = {r["mode"]: r for r in json.loads(done.stdout)["runs"]}
    out = {mode: r["wall_s"] for mode, r in runs.items()}
    out["startup"] = runs["processes"]["startup_s"]
    return out


def main() -> None:
    print(f"cumsum n={N:,}, {TASKS} tasks, {WORKERS} workers; {ROUNDS} interleaved rounds (ABBA), medians")
    for method in METHODS:
        b_runs, p_runs = [], []
        for i in range(ROUNDS):
            # Alternate which goes first (ABBA), so a slow drift of the machine cancels out.
            if i % 2:
                p_runs.append(paraviz(method))
                b_runs.append(bare(method))
            else:
                b_runs.append(bare(method))
                p_runs.append(paraviz(method))

        def med(runs: list[dict[str, float]], key: str) -> float:
            return statistics.median(r[key] for r in runs)

        for mode in ("sequential", "threads", "processes"):
            ratios = [p[mode] / b[mode] for b, p in zip(b_runs, p_runs, strict=True)]
            print(
                f"  {method:<10} {mode:<10} wall paraviz/bare {med(p_runs, mode) / med(b_runs, mode):5.3f}  "
                f"paired median {statistics.median(ratios):5.3f}  (rounds {min(ratios):.3f}-{max(ratios):.3f})"
            )
        for mode in ("threads", "processes"):
            b = med(b_runs, "sequential") / med(b_runs, mode)
            p = med(p_runs, "sequential") / med(p_runs, mode)
            per_round = [
                (pr["sequential"] / pr[mode]) / (br["sequential"] / br[mode])
                for br, pr in zip(b_runs, p_runs, strict=True)
            ]
            print(
                f"  {method:<10} {mode:<10} speedup bare {b:5.2f}×  paraviz {p:5.2f}×  ratio {p / b:5.3f}  "
                f"paired median {statistics.median(per_round):5.3f}  "
                f"(rounds {min(per_round):.3f}-{max(per_round):.3f})"
            )
        print(
            f"  {method:<10} pool start-up bare {med(b_runs, 'startup') * 1e3:7.1f} ms  "
            f"paraviz {med(p_runs, 'startup') * 1e3:7.1f} ms"
        )


if __name__ == "__main__":
    main()
