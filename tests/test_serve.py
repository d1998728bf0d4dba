"""paraviz serve in a real browser: Debian's headless Chromium loads the page, presses r, sees figures."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs Debian's)")


PARAVIZ = [sys.executable, "-m", "paraviz.tui"]
QUICK_RUN = ["--workload", "sleep", "--tasks", "4", "--size", "100", "--modes", "sequential,threads"]
#: As root on a closed network: no sandbox, and no background calls to Google's hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"paraviz serve did not listen on {port}")


def test_served_app_runs_in_chromium_and_leaves_nothing(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen(
        [*PARAVIZ, "--lang", "en", "serve", "--port", str(port), *QUICK_RUN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    frames: list[str] = []
    started: set[int] = set()
    try:
        wait_for_port(port)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                tmp_path / "profile",  # a fresh profile
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport={"width": 1280, "height": 800},
            )
            page = browser.new_page()
            # The terminal is drawn on a canvas: read what the app sends it instead.
            page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(decode(data))))
            page.goto(f"http://127.0.0.1:{port}/")
            seen = wait_until(page, frames, lambda text: "Sequential" in text and "Threads" in text)
            assert "not run" in seen
            started = {p.pid for p in psutil.Process(server.pid).children(recursive=True)}
            assert started, "the server started no app for the browser"
            page.mouse.click(640, 400)
            page.keyboard.press("r")
            seen = wait_until(page, frames, lambda text: len(re.findall(r"\d\.\d\d×", text)) >= 2, timeout=60)
            assert "What happened" in seen
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    _gone, alive = psutil.wait_procs([psutil.Process(pid) for pid in started if psutil.pid_exists(pid)], timeout=10)
    assert alive == [], f"left behind: {alive}"
    assert "every browser connection starts its own paraviz" in server.stderr.read().lower()


def decode(data: str | bytes) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def wait_until(page, frames: list[str], done, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)  # the sync API delivers websocket frames while it waits
        text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", "".join(frames))
        if done(text):
            return text
    raise AssertionError(f"the page never showed it; last: {''.join(frames)[-500:]!r}")
