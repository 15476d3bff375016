"""Driving a built site in headless Chromium, shared by the tests and the benchmarks.

The browser is the system Chromium (Debian's ``chromium`` package), driven through
Playwright, so no browser download is needed. Point ``PAPERWIKI_CHROMIUM`` at another
executable to use a different one. A missing Chromium is an error with instructions, so a
green test run always means the pages were really rendered.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM_ENV = "PAPERWIKI_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Headless and hermetic: no sandbox (CI containers often run as root), no GPU, and no
# background traffic of Chromium's own, so every request a test sees comes from the page.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_executable() -> str:
    """The Chromium the tests use: ``$PAPERWIKI_CHROMIUM``, else /usr/bin/chromium."""
    return os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM


def chromium_available() -> bool:
    """Whether :func:`chromium_executable` names an executable file."""
    executable = chromium_executable()
    resolved = shutil.which(executable) if os.sep not in executable else executable
    return bool(resolved) and os.path.isfile(resolved) and os.access(resolved, os.X_OK)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without writing a log line per request."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".css": "text/css",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".xml": "application/xml",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # The browser drops connections it no longer needs (page closed, request
        # superseded); that is normal and not worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _PagesHandler(_QuietHandler):
    """Like GitHub Pages: a missing file under the base path gets the site's 404 page."""

    base: str = "/"
    not_found_page: Path | None = None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404 or self.not_found_page is None or not self.path.startswith(self.base):
            super().send_error(code, message, explain)
            return
        body = self.not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve_directory(path: str | os.PathLike[str], base: str = "/",
                    not_found_page: Path | None = None) -> Iterator[str]:
    """Serve ``path`` over HTTP on 127.0.0.1 (a free port) while the block runs.

    With ``base`` (e.g. ``/paperwiki/``) the directory appears under that path, as a site
    deployed to a project's GitHub Pages does, and missing files there get ``not_found_page``.
    Yields the base URL, e.g. ``http://127.0.0.1:41234/paperwiki/``.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise NotADirectoryError(f"cannot serve {directory}: not a directory")
    with tempfile.TemporaryDirectory(prefix="serve-") as root:
        mount = Path(root) / base.strip("/")
        if base.strip("/"):
            mount.parent.mkdir(parents=True, exist_ok=True)
            mount.symlink_to(directory.resolve(), target_is_directory=True)
        served = root if base.strip("/") else directory
        handler = type("Handler", (_PagesHandler,), {"base": base, "not_found_page": not_found_page})
        server = _QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(served)))
        thread = threading.Thread(target=server.serve_forever, name="serve_directory", daemon=True)
        thread.start()
        try:
            host, port = server.server_address[:2]
            yield f"http://{host}:{port}{base}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system Chromium headless through ``playwright``.

    Raises RuntimeError explaining how to install Chromium if it is missing.
    """
    executable = chromium_executable()
    if not chromium_available():
        raise RuntimeError(
            f"Chromium not found at {executable!r}. The browser tests need it: install it "
            "with `sudo apt-get install chromium` (or run .ci/run, which does), or set "
            f"{CHROMIUM_ENV} to a Chromium executable."
        )
    return playwright.chromium.launch(
        executable_path=executable,
        headless=True,
        args=CHROMIUM_ARGS,
    )


def watch_page(page: Page, origin: str | None = None) -> list[str]:
    """Record everything that went wrong on ``page`` from now on.

    Returns a list that fills up with console errors, uncaught exceptions, failed
    requests and HTTP error responses, one readable line each. A request the browser
    abandoned (ERR_ABORTED: the page moved on before, say, its favicon arrived) is not a
    failure of the site; an HTTP error on it would still be recorded. With ``origin`` (e.g.
    the base URL from :func:`serve_directory`), every request elsewhere is recorded
    too, so a test can prove the site works offline. Assert the list stays empty.
    """
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_request(request) -> None:
        url = request.url
        if origin and not url.startswith(origin) and not url.startswith(("data:", "blob:", "about:")):
            problems.append(f"off-site request: {url}")

    def on_response(response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on("request", on_request)
    page.on("requestfailed", lambda request: None if request.failure == "net::ERR_ABORTED" else
            problems.append(f"request failed: {request.url} ({request.failure})"))
    page.on("response", on_response)
    return problems


def follow_search_result(page: Page, result_selector: str, paper_id: str) -> str:
    """Wait for the search result linking to ``paper_id``, open it, return the page's title."""
    result = page.locator(f'{result_selector}[href*="papers/{paper_id}/"]').first
    result.wait_for(timeout=30_000)
    result.click()
    page.wait_for_url(f"**/papers/{paper_id}/**")
    return page.locator("article h1").inner_text()
