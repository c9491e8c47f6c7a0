"""The kiosk (or the chat) as a web page: one browser tab, one faqbot process.

Built on textual-serve. Its stock page pulls a font from the internet; this
one uses only files from this package and textual-serve's own static folder,
and a Content-Security-Policy header makes the browser enforce that. A cap on
sessions keeps one machine from being talked into more processes than it
can answer quickly.
"""

from __future__ import annotations

import logging
import shlex
import sys
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit

WEB_DIR = Path(__file__).resolve().parent / "web"
DEFAULT_MAX_SESSIONS = 40
DEFAULT_FONT_SIZE = 20

log = logging.getLogger("faqbot.serve")

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
])


def app_command(argv: Sequence[str]) -> str:
    """The shell command that starts one session: this Python, this package."""
    return shlex.join([sys.executable, "-m", "faqbot", *argv])


def _same_origin(origin: str, host: str) -> bool:
    try:
        return urlsplit(origin).netloc.lower() == host.lower()
    except ValueError:
        return False


def make_server(
    command: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    title: str = "faqbot",
    max_sessions: int = DEFAULT_MAX_SESSIONS,
    font_size: int = DEFAULT_FONT_SIZE,
    kiosk: bool = True,
):
    """A textual-serve Server with this package's page, limits and logging."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    class FaqServer(Server):
        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title=title, templates_path=WEB_DIR)
            self.max_sessions = max_sessions
            self.font_size = font_size
            self.sessions = 0

        def initialize_logging(self) -> None:
            """Plain log lines on stderr; the stock logo and colours are for a developer's desk."""
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
            for name in ("faqbot.serve", "textual-serve"):
                logger = logging.getLogger(name)
                logger.handlers[:] = [handler]
                logger.setLevel(logging.DEBUG if self.debug else logging.INFO)
                logger.propagate = False
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()

            @web.middleware
            async def headers(request: web.Request, handler):
                response = await handler(request)
                response.headers.setdefault("Content-Security-Policy", CSP)
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                response.headers.setdefault("Referrer-Policy", "no-referrer")
                response.headers.setdefault("Cache-Control", "no-store")
                return response

            app.middlewares.append(headers)
            return app

        async def on_startup(self, app: web.Application) -> None:
            log.info("serving on http://%s:%s/ (at most %d sessions)", self.host, self.port, self.max_sessions)

        @aiohttp_jinja2.template("kiosk.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            """The page; every URL in it is relative, so it works behind a proxy at any path."""
            try:
                size = int(request.query.get("fontsize", self.font_size))
            except ValueError:
                size = self.font_size
            return {"font_size": max(8, min(size, 64)), "title": self.title, "kiosk": kiosk}

        async def handle_websocket(self, request: web.Request):
            origin = request.headers.get("Origin")
            if origin and not _same_origin(origin, request.host):
                log.warning("refused a session from another site's page")
                return web.Response(status=403, text="cross-site sessions are not allowed")
            if self.sessions >= self.max_sessions:
                log.warning("refused a session: %d already open", self.sessions)
                return web.Response(status=503, text="all sessions are in use; try again shortly")
            self.sessions += 1
            log.info("session opened (%d open)", self.sessions)
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1
                log.info("session closed (%d open)", self.sessions)

    return FaqServer()


def serve(command: str, **options) -> None:
    """Run until interrupted (SIGINT or SIGTERM)."""
    make_server(command, **options).serve()
