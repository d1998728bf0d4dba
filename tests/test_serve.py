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
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs Debian's)")
pytestmark = pytest.mark.usefixtures("no_leftover_processes")


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


@needs_chromium
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
    assert "starts its own paraviz" in server.stderr.read().lower()


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


def start_server(*arguments: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [*PARAVIZ, "--lang", "en", "serve", "--port", str(port), *arguments, *QUICK_RUN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_for_port(port)
    return server, port


def stop_server(server: subprocess.Popen) -> str:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        _out, err = server.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        _out, err = server.communicate()
    return err


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


#: What a browser sends to open the app's websocket (RFC 6455's example key).
WEBSOCKET = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def test_off_loopback_every_page_and_websocket_needs_the_token_and_a_refusal_starts_nothing():
    server, port = start_server("--host", "0.0.0.0")
    try:
        # the token is printed in the URL at start
        line = ""
        deadline = time.monotonic() + 10
        while "token=" not in line and time.monotonic() < deadline:
            line = server.stderr.readline()
        token = re.search(r"token=([\w-]+)", line)
        assert token is not None, line
        assert len(token.group(1)) >= 20
        for path in ("/", "/?token=wrong", "/ws", "/ws?token=" + token.group(1)[:-1] + "x"):
            status, body = get(port, path, WEBSOCKET if path.startswith("/ws") else None)
            assert status == 403 and "token" in body, (path, status)
        assert psutil.Process(server.pid).children(recursive=True) == []  # no paraviz started for them
        status, page = get(port, f"/?token={token.group(1)}")
        assert status == 200 and "textual" in page.lower()
        # the browser that brought it once keeps it for the websocket and reloads: a cookie
        status, _page = get(port, "/", {"Cookie": f"paraviz_token={token.group(1)}"})
        assert status == 200
    finally:
        stop_server(server)


def test_loopback_needs_no_token_and_no_token_off_loopback_warns():
    server, port = start_server()
    try:
        status, _page = get(port, "/")
        assert status == 200
    finally:
        err = stop_server(server)
    assert "token=" not in err
    server, port = start_server("--host", "0.0.0.0", "--no-token")
    try:
        assert get(port, "/")[0] == 200
    finally:
        err = stop_server(server)
    assert "warning: no token" in err and "runs programs as you" in err
    done = subprocess.run([*PARAVIZ, "serve", "--token", "a", "--no-token"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "Traceback" not in done.stderr


@needs_chromium
def test_a_served_sessions_export_arrives_in_the_browser_as_downloads(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    server, port = start_server("--host", "0.0.0.0", "--token", "lesson-token-for-the-test")
    frames: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                tmp_path / "profile",
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport={"width": 1280, "height": 800},
                accept_downloads=True,
            )
            page = browser.new_page()
            page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(decode(data))))
            page.goto(f"http://127.0.0.1:{port}/?token=lesson-token-for-the-test")
            wait_until(page, frames, lambda text: "Sequential" in text)
            page.mouse.click(640, 400)
            page.keyboard.press("r")
            # both lanes' speedups: the run has ended, there is something to export
            wait_until(page, frames, lambda text: len(re.findall(r"\d\.\d\d×", text)) >= 2, timeout=60)
            # e: the page opens /download/KEY for each file (a new tab); the context sees each response
            delivered: list[tuple[str, str]] = []

            def keep(route) -> None:
                response = route.fetch()
                delivered.append((response.headers.get("content-disposition", ""), response.text()))
                route.fulfill(response=response)

            browser.route("**/download/**", keep)
            deadline = time.monotonic() + 60
            while len(delivered) < 2 and time.monotonic() < deadline:
                if not delivered:  # until the run has ended, e says there is nothing to export yet
                    page.keyboard.press("e")
                page.wait_for_timeout(2000)
            names = " ".join(disposition for disposition, _body in delivered)
            assert "paraviz-sleep.csv" in names and "paraviz-sleep.json" in names, delivered
            assert all("sleep" in body for _disposition, body in delivered)
            browser.close()
    finally:
        stop_server(server)
    assert not list(Path.cwd().glob("paraviz-sleep.*"))  # nothing written on the server's side


def printed(server: subprocess.Popen, label: str) -> str:
    """The URL the server printed after ``label`` (its stderr, read line by line)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = server.stderr.readline()
        if label in line:
            return line.split(label, 1)[1].strip()
    raise AssertionError(f"the server never printed {label!r}")


@needs_chromium
def test_the_audience_sees_the_presenters_run_in_two_browsers_and_cannot_drive_it(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    server, port = start_server("--audience", "--host", "0.0.0.0", "--token", "class-token")
    presenter_url = printed(server, "presenter: ")
    audience_url = printed(server, "audience: ")
    assert audience_url.endswith("/audience?token=class-token") and "token=class-token" not in presenter_url
    presenter_token = presenter_url.split("token=", 1)[1]
    frames: list[str] = []
    viewer_sockets: list[str] = []
    try:
        assert get(port, "/audience")[0] == 403
        assert get(port, "/?token=class-token")[0] == 403  # the audience's token starts no paraviz
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            viewers = [chromium.new_context(viewport={"width": 1024, "height": 700}).new_page() for _ in range(2)]
            for viewer in viewers:
                viewer.on("websocket", lambda ws: viewer_sockets.append(ws.url))
                viewer.goto(f"http://127.0.0.1:{port}/audience?token=class-token")
            presenter = chromium.new_context(viewport={"width": 1280, "height": 800}).new_page()
            presenter.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(decode(data))))
            presenter.goto(f"http://127.0.0.1:{port}/?token={presenter_token}")
            wait_until(presenter, frames, lambda text: "Sequential" in text)
            assert get(port, f"/ws?token={presenter_token}", WEBSOCKET)[0] == 409  # one presenter at a time
            presenter.mouse.click(640, 400)
            presenter.keyboard.press("r")
            wait_until(presenter, frames, lambda text: len(re.findall(r"\d\.\d\d×", text)) >= 2, timeout=60)
            for viewer in viewers:
                viewer.keyboard.press("x")  # a viewer's keys reach no app
                deadline = time.monotonic() + 15
                svg = ""
                while time.monotonic() < deadline and not ("happened" in svg and "×" in svg):
                    viewer.wait_for_timeout(500)
                    svg = viewer.request.get(f"http://127.0.0.1:{port}/audience/screen.svg").text()
                assert "happened" in svg and "Sequential" in svg and "×" in svg, svg[-300:]
                assert viewer.evaluate("document.getElementById('screen').naturalWidth") > 0  # drawn on the page
            chromium.close()
    finally:
        stop_server(server)
    assert viewer_sockets == []  # the audience never had a way in


async def test_a_served_sessions_options_name_no_interpreter_and_its_export_writes_no_file(monkeypatch, tmp_path):
    """In a browser (textual-serve's driver): no python field, the server's Python kept; e delivers."""
    from paraviz.core.model.config import RunConfig
    from paraviz.core.model.workloads import get_workload
    from paraviz.tui.app import make_app
    from paraviz.tui.screens.dialogs import OptionsScreen
    from textual.widgets import Input

    from tests.test_app import wait_idle

    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    monkeypatch.chdir(tmp_path)
    config = RunConfig(workload=get_workload("sleep"), workers=2, tasks=2, size=20, python=sys.executable)
    app = make_app(config, refresh=0.1)
    delivered: list[tuple[str, str]] = []
    app.deliver_text = lambda file, save_filename=None, **_: delivered.append((save_filename, file.read()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OptionsScreen)
        assert [w.id for w in app.screen.query(Input) if w.id == "opt-python"] == []
        await pilot.press("enter")  # applied: the lanes still run under the server's Python
        assert app.config.python == sys.executable
        await pilot.press("r")
        await wait_idle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
    assert [name for name, _text in delivered] == ["paraviz-sleep.csv", "paraviz-sleep.json"]
    assert "sleep" in delivered[0][1] and list(tmp_path.iterdir()) == []  # nothing written on the server
