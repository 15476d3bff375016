"""``paperwiki serve``: MkDocs' live-reload server, which keeps answering while content is broken.

MkDocs' own ``serve`` stops answering every request — pages, CSS, everything — after a failed
rebuild, until a rebuild succeeds, and prints a traceback for it. A curator mid-edit breaks the
content all the time, so here a failed build is a state of the server, not an exception: the
last good site goes on being served, with a banner on every page listing the problems (the
same lines the terminal shows, no traceback); the first good build removes it. When even the
first build fails, every address answers with a page listing the problems, and reloads once
they are fixed. Each build holds the project's lock (see ``runlock.py``).
"""

from __future__ import annotations

import gc
import html
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import watchdog.events
import watchdog.observers
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer, _serve_url

from ..runlock import project_lock
from .plugin import PaperWikiPlugin
from .quickbuild import as_a_build

log = logging.getLogger("mkdocs.plugins.paperwiki")


class BuildStatus:
    """What the last build reported when it failed (nothing when it succeeded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.problems: list[str] = []

    def set(self, problems: list[str]) -> None:
        with self._lock:
            self.problems = problems

    def get(self) -> list[str]:
        with self._lock:
            return list(self.problems)


class _Warnings(logging.Handler):
    """Collects what MkDocs and the plugin report as warnings or errors during one build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("mkdocs.livereload"):  # requests served meanwhile
            self.lines += record.getMessage().splitlines()


def run_build(build_once: Callable[[], None], status: BuildStatus) -> None:
    """Run one build; on failure record its problems in ``status`` and log one line, never
    raising (the server then goes on serving the last good site)."""
    warnings = _Warnings()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(warnings)
    try:
        build_once()
    except Exception as error:  # noqa: BLE001 - every failure is shown, the server goes on
        # MkDocs has logged a build error itself (the content's problems); anything else
        # (a bug, a full disk) gets one line here, its traceback only at debug level.
        reported = list(warnings.lines)
        message = str(error).strip() or type(error).__name__
        if not reported:
            log.error("The build failed: %s", message)
        log.debug("The build failed", exc_info=True)
        status.set([*reported, message])
        log.error("Serving the last good build until the problems above are fixed.")
    else:
        status.set([])
    finally:
        mkdocs_log.removeHandler(warnings)


class PreviewServer(LiveReloadServer):
    """The live-reload server, with a banner while the last build failed and without
    tracebacks for odd requests.

    Folders (content/, thousands of files) are watched through the system's change
    notifications (inotify on Linux), not by MkDocs' polling: polling looks at every file twice
    a second, which on a large wiki costs a build running beside it a share of the
    interpreter, and notices an edit only at its next look. Single files (mkdocs.yml) are
    still polled: an editor saving by replacing the file would end a notification watch on it.
    A folder the system cannot watch is polled too."""

    def __init__(self, status: BuildStatus, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status = status
        self.error_handler = self._error_page
        self.polling = self.observer
        # Started now, so that a folder it cannot watch fails when scheduled (and is polled).
        self.notified = _ChangeObserver()
        self.notified.start()
        self.notified_paths: set[str] = set()

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        path = os.path.abspath(path)
        if not os.path.isdir(path) or path in self._watched_paths:
            super().watch(path, func, recursive=recursive)
            return
        try:
            self.observer = self.notified
            super().watch(path, func, recursive=recursive)
            self.notified_paths.add(path)
        except OSError as error:  # no notifications here (a limit reached, a network disk)
            log.debug("PaperWiki: polling %s: %s", path, error)
            self._watched_paths.pop(path, None)
            self.observer = self.polling
            super().watch(path, func, recursive=recursive)
        finally:
            self.observer = self.polling

    def unwatch(self, path: str) -> None:
        path = os.path.abspath(path)
        self.observer = self.notified if path in self.notified_paths else self.polling
        try:
            super().unwatch(path)
        finally:
            self.observer = self.polling
        if path not in self._watched_paths:
            self.notified_paths.discard(path)

    def shutdown(self, wait: bool = False) -> None:
        self.notified.stop()
        super().shutdown(wait)
        if wait:
            self.notified.join()

    def serve_request(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        try:
            result = self._serve_request(environ, start_response)
        except Exception as error:  # noqa: BLE001 - answered, and logged in one line
            log.warning("PaperWiki: could not answer %r: %s", environ.get("PATH_INFO"), error)
            result = None
        if result is not None:
            return result
        start_response("404 Not Found", [("Content-Type", "text/html; charset=utf-8")])
        return [self._error_page(404) or b"404 Not Found"]

    def _serve_request(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        if "\0" in environ.get("PATH_INFO", ""):  # no file has such a name
            return None
        return super()._serve_request(environ, start_response)

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        problems = self.status.get()
        if not problems:
            return content
        banner = problems_banner(problems).encode("utf-8")
        at = content.find(b"</body>")
        return content + banner if at < 0 else content[:at] + banner + content[at:]

    def _error_page(self, code: int) -> bytes | None:
        """The site's 404 page, or, before any build succeeded, a page listing the problems
        (with the reload script, so it turns into the site once they are fixed)."""
        page = Path(self.root) / "404.html"
        if page.is_file():
            return self._inject_js_into_html(page.read_bytes(), self._visible_epoch)
        if not self.status.get():
            return None
        page_html = ("<!doctype html><html lang=en><meta charset=utf-8>"
                     "<title>PaperWiki: the content has problems</title><body></body></html>")
        return self._inject_js_into_html(page_html.encode("utf-8"), self._visible_epoch)


# What an edit does to a file; not reading it (opened, closed without writing), which every
# build does to every content file.
_CHANGES = [watchdog.events.FileCreatedEvent, watchdog.events.FileModifiedEvent,
            watchdog.events.FileDeletedEvent, watchdog.events.FileMovedEvent,
            watchdog.events.FileClosedEvent, watchdog.events.DirCreatedEvent,
            watchdog.events.DirDeletedEvent, watchdog.events.DirMovedEvent]


class _ChangeObserver(watchdog.observers.Observer):  # type: ignore[misc, valid-type]
    """The system's observer, told only of changes."""

    def schedule(self, event_handler: Any, path: Any, *, recursive: bool = False,
                 **options: Any) -> Any:
        return super().schedule(event_handler, path, recursive=recursive, event_filter=_CHANGES)


def problems_banner(problems: list[str]) -> str:
    """A fixed banner over the page: what the terminal said, as text."""
    lines = html.escape("\n".join(problems))
    return ('<div id="paperwiki-build-problems" role="alert" style="position:fixed;left:0;'
            'right:0;bottom:0;z-index:10000;max-height:50vh;overflow:auto;margin:0;'
            'padding:.8em 1em;background:#b00020;color:#fff;font:14px/1.4 monospace">'
            '<strong>The last build failed; this is the last good build.</strong> '
            'Fix these problems and save: the page reloads.'
            f'<pre style="white-space:pre-wrap;margin:.5em 0 0;color:#fff">{lines}</pre></div>')


def serve(config_file: str, dev_addr: str, dirty: bool) -> None:
    """Build into a temporary folder, serve it with live reload, rebuild on every change.
    Ctrl-C or SIGTERM stops it and removes the folder, as does any failure, from the start
    (a configuration that does not load, a stop while it loads)."""
    signal.signal(signal.SIGTERM, _interrupt)
    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    try:
        _serve_from(site_dir, config_file, dev_addr, dirty)
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _serve_from(site_dir: str, config_file: str, dev_addr: str, dirty: bool) -> None:
    project = Path(config_file).resolve().parent

    def get_config() -> Any:
        config = load_config(config_file=config_file, site_dir=site_dir, dev_addr=dev_addr)
        config.site_url = serve_url
        return config

    config = load_config(config_file=config_file, site_dir=site_dir, dev_addr=dev_addr)
    config.plugins.on_startup(command="serve", dirty=dirty)
    host, port = config.dev_addr
    serve_url = _serve_url(host, port, urlsplit(config.site_url or "/").path)
    config.site_url = serve_url
    status = BuildStatus()

    def builder(config: Any = None) -> None:
        log.info("Building documentation...")
        current = config or get_config()
        with project_lock(project, "paperwiki serve", waiting=log.info):
            run_build(lambda: rebuild(current, serve_url, dirty), status)

    server = PreviewServer(status, builder=builder, host=host, port=port, root=site_dir,
                           mount_path=urlsplit(serve_url).path)
    try:
        builder(config)
        # What the first build made that the process keeps (papers, templates, the theme,
        # memos) leaves the collector's view: a full collection walked it on every rebuild,
        # 0.3 s of CPU at 10,000 papers. Only that build's objects are exempt, once.
        gc.freeze()
        server.watch(config.docs_dir)
        server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM (how a service manager or a test stops a server) stops serve as Ctrl-C does:
    its default action skips every ``finally``, which left the temporary site behind (380 MB
    for a 10,000-paper wiki)."""
    raise KeyboardInterrupt


def rebuild(config: Any, serve_url: str, dirty: bool) -> None:
    """One build under serve: only what an edit changed when that gives the same site (see
    quickbuild.py), else MkDocs' build (dirty unless every page is rendered each time)."""
    plugin = next((p for p in config.plugins.values() if isinstance(p, PaperWikiPlugin)), None)
    if dirty and plugin is not None and plugin.incremental is not None and plugin.last:
        with as_a_build(config):
            config = config.plugins.on_config(config)
            edit = plugin.edit(config)
            start = partial(config.plugins.on_pre_build, config=config)
            if edit is not None and plugin.last.render(config, edit, start):
                return
        # A dirty build would show the pages it does not read again without their titles.
        plugin.incremental.forget()
    build(config, serve_url=serve_url, dirty=dirty)
