"""What an audience costs the server: paraviz's own CPU (the server and the presenter's app) while 1,
10 and 30 viewers watch, interleaved.

    python benchmarks/audience_cost.py [rounds] [seconds]

`paraviz serve --audience` on loopback; the presenter is a real browser (Debian's Chromium through
Playwright, as the serve tests drive it) on the app, idle (its per-core meter still changes the
screen every frame, so the screen is exported at its full rate). The first viewer is a real browser
on /audience; the others are light clients that do what the page does (a GET of the screen every
half second, with its ETag). The CPU is read from outside with psutil, the server's process and the
presenter's app, children excluded (no lane runs), over ``seconds`` per variant.
"""

from __future__ import annotations

import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.test_serve import CHROMIUM_FLAGS, free_port, wait_for_port

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 15.0
VIEWERS = (1, 10, 30)


def poll(port: int, stop: threading.Event) -> None:
    """A light viewer: the audience page's loop, without a page."""
    tag = None
    while not stop.wait(0.5):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/audience/screen.svg")
        if tag:
            request.add_header("If-None-Match", tag)
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                tag = answer.headers.get("ETag")
                answer.read()
        except urllib.error.HTTPError:
            pass  # 304: unchanged


def own_cpu(processes: list[psutil.Process]) -> float:
    return sum(sum(p.cpu_times()[:2]) for p in processes)


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium_path = shutil.which("chromium") or shutil.which("chromium-browser")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "paraviz.tui", "--lang", "en", "serve", "--audience", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        presenter_url = ""
        while "presenter: " not in presenter_url:
            presenter_url = server.stderr.readline()
        presenter_url = presenter_url.split("presenter: ", 1)[1].strip().replace("0.0.0.0", "127.0.0.1")
        wait_for_port(port)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS)
            presenter = chromium.new_context(viewport={"width": 1280, "height": 800}).new_page()
            presenter.goto(presenter_url)
            viewer = chromium.new_context(viewport={"width": 1024, "height": 700}).new_page()
            viewer.goto(f"http://127.0.0.1:{port}/audience")
            time.sleep(5)  # the presenter's app started and draws
            ours = [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
            readings: dict[int, list[float]] = {n: [] for n in VIEWERS}
            for _ in range(ROUNDS):
                for count in VIEWERS:  # interleaved: a slow minute of the machine falls on each
                    stop = threading.Event()
                    light = [threading.Thread(target=poll, args=(port, stop)) for _ in range(count - 1)]
                    for thread in light:
                        thread.start()
                    time.sleep(1.0)
                    before, t0 = own_cpu(ours), time.monotonic()
                    viewer.wait_for_timeout(SECONDS * 1000)  # the real page polls meanwhile
                    readings[count].append(100 * (own_cpu(ours) - before) / (time.monotonic() - t0))
                    stop.set()
                    for thread in light:
                        thread.join()
            chromium.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    one = statistics.median(readings[1])
    print(f"paraviz's own CPU (server + presenter's app), {ROUNDS} interleaved rounds of {SECONDS:g} s")
    for count, values in readings.items():
        median = statistics.median(values)
        print(
            f"  {count:>2} viewers: {median:5.1f} % of one core ({min(values):.1f}-{max(values):.1f}), "
            f"{median / one:.2f}× one viewer's"
        )


if __name__ == "__main__":
    main()
