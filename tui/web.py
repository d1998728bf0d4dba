"""``paraviz serve``: the app in a browser through textual-serve, with nothing fetched from outside,
and a token at the door.

textual-serve's page links a web font from Google; ours (templates/app_index.html) uses the
Roboto Mono files textual-serve bundles, so a class on a closed network gets the same page.

Every connection starts a paraviz that runs workloads as the teacher's user, so anything but
loopback asks for a token, as Jupyter does: in the URL printed at start (``/?token=…``), checked in
constant time on every page, download and websocket; a browser that brought it once keeps it in a
cookie for the websocket and reloads. A wrong or missing token gets 403 and starts nothing.

Audience mode (``--audience``): one paraviz, the presenter's (the first connection with the
presenter's token; a second is refused while it runs), and every other browser sees its screen at
``/audience``, read-only. The presenter's app exports its screen as SVG when it changed, at most
SHARE_EVERY_S (tui/app.py), into one file; every viewer's page fetches that file
(an ETag: unchanged screens cost a 304). One render per frame, whatever the number of viewers; their
keys do nothing, and the page scrolls and zooms as any image does.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")
#: Addresses only this machine reaches: no token unless one is given.
LOOPBACK = ("127.0.0.1", "localhost", "::1")
COOKIE, AUDIENCE_COOKIE = "paraviz_token", "paraviz_audience"
#: Where the presenter's app writes its screen, for the audience (set in the server's environment,
#: which textual-serve passes to the app it starts).
SCREEN_VARIABLE = "PARAVIZ_AUDIENCE_SCREEN"


def app_command(language: str, options: list[str], lecture: bool = False, big: bool = False) -> str:
    """The command textual-serve runs for each browser connection: this Python, this paraviz."""
    words = [sys.executable, "-m", "paraviz.tui", "--lang", language]
    words += ["--big"] if big else []
    words += ["lecture"] if lecture else []
    return shlex.join(words + options)


def new_token() -> str:
    return secrets.token_urlsafe(18)


def token_matches(given: str | None, token: str | None) -> bool:
    """In constant time: how much of a guess was right must not show in how long the answer took."""
    return given is not None and token is not None and hmac.compare_digest(given.encode(), token.encode())


def make_server(
    host: str,
    port: int,
    language: str,
    options: list[str],
    lecture: bool = False,
    big: bool = False,
    token: str | None = None,
    audience: Audience | None = None,
) -> Any:
    """textual-serve's server, with every request but its static files behind ``token`` (None: open);
    with ``audience``, the presenter's token for the app and the audience's for its screen."""
    from aiohttp import web
    from textual_serve.server import Server

    presenter = audience.presenter_token if audience is not None else token
    presenting = [False]  # audience mode: one presenter's app at a time

    class GuardedServer(Server):
        def initialize_logging(self) -> None:
            super().initialize_logging()
            # a line per request: an audience polling twice a second would make the server's cost grow
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # The page's websocket and downloads at the address the browser used: with --host 0.0.0.0
            # textual-serve wrote ws://0.0.0.0:PORT/ws into it, which no student's browser reaches.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(door)
            if audience is not None:
                app.router.add_get("/audience", audience_page)
                app.router.add_get("/audience/screen.svg", audience_screen)
            return app

    def refused() -> web.Response:
        return web.Response(
            status=403, text="paraviz: this page needs its token: open the URL the teacher's terminal printed.\n"
        )

    @web.middleware
    async def door(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/static/"):  # the page's scripts and font: nothing of the app
            return await handler(request)
        viewer = request.path.startswith("/audience")
        needed, cookie = (audience.token, AUDIENCE_COOKIE) if viewer and audience is not None else (presenter, COOKIE)
        given = request.query.get("token")
        if needed is not None and not (
            token_matches(given, needed) or token_matches(request.cookies.get(cookie), needed)
        ):
            return refused()
        if audience is not None and request.path == "/ws":
            if presenting[0]:
                return web.Response(status=409, text="paraviz: a presenter is already connected.\n")
            presenting[0] = True
            try:
                return await handler(request)
            finally:
                presenting[0] = False
        response = await handler(request)
        if needed is not None and token_matches(given, needed) and not response.prepared:
            response.set_cookie(cookie, needed, httponly=True, samesite="Strict")
        return response

    async def audience_page(request: web.Request) -> web.Response:
        return web.Response(text=(TEMPLATES / "audience.html").read_text(), content_type="text/html")

    async def audience_screen(request: web.Request) -> web.StreamResponse:
        assert audience is not None
        frame = audience.frame()
        if frame is None:
            return web.Response(status=404, text="paraviz: the presenter has not connected yet.\n")
        tag, svg = frame
        if request.headers.get("If-None-Match") == tag:
            return web.Response(status=304, headers={"ETag": tag})
        return web.Response(body=svg, content_type="image/svg+xml", headers={"ETag": tag, "Cache-Control": "no-cache"})

    if audience is not None:
        os.environ[SCREEN_VARIABLE] = str(audience.path)  # the presenter's app inherits it
    return GuardedServer(
        app_command(language, options, lecture, big),
        host=host,
        port=port,
        title="paraviz",
        templates_path=TEMPLATES,
    )


class Audience:
    """The presenter's screen, one file the presenter's app rewrites, read once per change and
    served from memory to every viewer."""

    def __init__(self, token: str | None) -> None:
        self.token = token  # the viewers' (None on loopback, unless given)
        self.presenter_token = new_token()
        self.path = Path(tempfile.mkdtemp(prefix="paraviz-audience-")) / "screen.svg"
        self.read_at: float | None = None
        self.cached: tuple[str, bytes] | None = None

    def frame(self) -> tuple[str, bytes] | None:
        """(ETag, SVG) of the newest screen; the file is read again only when it changed."""
        try:
            changed = self.path.stat().st_mtime_ns
        except OSError:
            return None
        if self.cached is None or changed != self.read_at:
            svg = self.path.read_bytes()
            self.read_at, self.cached = changed, (f'"{changed:x}"', svg)
        return self.cached

    def close(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)
