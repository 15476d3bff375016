"""Render paper pages on every core.

MkDocs renders pages one after another, and on a wiki of ten thousand papers that is most of the
build. After the generator has run, the build forks one worker per extra core. Every process
goes on with MkDocs' own build over the same files, but each one renders only its share of the
paper pages: a page another process owns is read as empty, rendered through an empty template
and so never written. The main process keeps every other page, the theme's assets and
templates and the post-build steps; a worker sends back its log records and its search-index
entries, then exits just before post-build. The site is byte-for-byte the one a serial build
makes.

Forking is only safe when every plugin is one whose per-page state is known (this one and
search) and no other thread runs, so anything else builds serially.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import jinja2
from material.plugins.search.plugin import SearchIndex, SearchPlugin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..processes import (
    fork_is_safe,
    fork_with_pipe,
    processes_for,
    receive,
    send_and_exit,
    stop,
)

log = logging.getLogger("mkdocs.plugins.paperwiki")

SKIP_TEMPLATE = "paperwiki-skipped-page.html"
SAFE_PLUGINS = frozenset({"paperwiki", "search", "material/search"})
# A page costs about as much as this many bytes of Markdown before its content counts.
PAGE_OVERHEAD_BYTES = 2500
MIN_PAGES_PER_PROCESS = 100


def process_count(jobs: int, shardable_pages: int) -> int:
    """How many processes render pages: ``jobs`` if set, else one per core while each still
    gets a worthwhile share."""
    if jobs:
        return max(1, min(jobs, shardable_pages))
    return processes_for(shardable_pages, MIN_PAGES_PER_PROCESS)


def can_fork(config: MkDocsConfig) -> tuple[bool, str]:
    """Whether this build may fork, and why not."""
    unknown = sorted(set(config.plugins) - SAFE_PLUGINS)
    if unknown:
        return False, f"plugins {', '.join(unknown)} may keep per-page state"
    return fork_is_safe()


@dataclass
class _Worker:
    pid: int
    reader: int


@dataclass
class PageShards:
    """One build's split of pages over processes. ``foreign`` are the pages this process skips."""

    foreign: frozenset[str] = frozenset()
    is_worker: bool = False
    workers: list[_Worker] = field(default_factory=list)
    page_order: dict[str, int] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)  # a worker's log, to send
    _writer: int | None = None
    _log_filter: logging.Filter | None = None
    _blanked: list[tuple[File, str | None]] = field(default_factory=list)  # and their sources

    @property
    def active(self) -> bool:
        return bool(self.foreign) or self.is_worker

    # -- splitting and forking ------------------------------------------------------------

    @classmethod
    def fork(cls, pages: Sequence[File], positions: dict[str, int], processes: int,
             shardable: list[File]) -> PageShards:
        """Fork ``processes - 1`` workers, each owning a contiguous run of ``shardable`` (some
        of ``pages``, placed by ``page_positions``); the main process keeps the first run and
        every page that is not shardable."""
        shares = split_pages(shardable, processes, _main_extra_cost(pages, shardable))
        shards = cls(page_order=positions)
        for index in range(1, processes):
            pid, pipe = fork_with_pipe()
            if pid == 0:
                for worker in shards.workers:
                    os.close(worker.reader)
                owned = {file.src_uri for file in shares[index]}
                foreign = frozenset(file.src_uri for file in pages) - owned
                return cls(foreign=foreign, is_worker=True, _writer=pipe)._start(pages)
            shards.workers.append(_Worker(pid, pipe))
        shards.foreign = frozenset(file.src_uri for share in shares[1:] for file in share)
        return shards._start(pages)

    def _start(self, pages: Sequence[File]) -> PageShards:
        for file in pages:
            if file.src_uri in self.foreign:
                self._blanked.append((file, file.abs_src_path))
                file.content_string = ""
        self._log_filter = SkippedPageFilter(self.foreign)
        logging.getLogger("mkdocs.commands.build").addFilter(self._log_filter)
        if self.is_worker:
            self._collect_logs()
        return self

    def _collect_logs(self) -> None:
        """A worker's log records go to the main process, which logs them as its own (so
        strict mode counts a worker's warnings) instead of straight to the terminal."""
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.handlers[:] = [_ListHandler(self.records)]

    # -- during the build -----------------------------------------------------------------

    def skip_if_foreign(self, markdown: str, page: Page) -> str:
        """A page another process renders: empty, through an empty template, out of search."""
        if page.file.src_uri not in self.foreign:
            return markdown
        page.meta = {"template": SKIP_TEMPLATE, "search": {"exclude": True}}
        render_nothing(page)
        return ""

    def prepare_environment(self, files: Files, config: MkDocsConfig) -> None:
        if self.is_worker:  # assets and theme templates are the main process's to write
            for file in files:
                if not file.is_documentation_page():
                    file.inclusion = InclusionLevel.EXCLUDED
            config.theme.static_templates.clear()
            config.extra_templates.clear()

    # -- the end ---------------------------------------------------------------------------

    def finish_worker(self, config: MkDocsConfig | None, failed: bool = False,
                      page_keys: dict[str, str] | None = None) -> None:
        """Hand this worker's results to the main process and exit without running anything
        else: post-build belongs to the main process. ``page_keys`` are the page cache's
        keys of the pages this worker keyed (see warm.py)."""
        index = _search_index(config)
        payload = {"records": self.records, "failed": failed, "keys": page_keys or {},
                   "search": index.entries if index is not None else []}
        send_and_exit(self._writer, payload, status=1 if failed else 0)  # type: ignore[arg-type]

    def join(self, config: MkDocsConfig) -> dict[str, str]:
        """Wait for every worker, replay its log, merge its search entries; fail if one failed.
        Returns the page keys the workers sent."""
        if not self.workers:
            return {}
        processes, started = len(self.workers) + 1, time.perf_counter()
        entries: list[dict[str, Any]] = []
        keys: dict[str, str] = {}
        failures: list[str] = []
        for worker in self.workers:
            payload, status = receive(worker.pid, worker.reader)
            payload = payload or {}
            for record in payload.get("records", []):
                logging.getLogger(record["name"]).handle(logging.makeLogRecord(record))
            entries += payload.get("search", [])
            keys.update(payload.get("keys", {}))
            if payload.get("failed") or status != 0:
                failures.append(_failure(worker.pid, status))
        self.workers = []
        self._undo_split()
        if failures:
            raise PluginError(f"{len(failures)} page-rendering worker(s) failed: "
                              f"{'; '.join(failures)}")
        index = _search_index(config)
        if index is not None and entries:
            index.entries = in_page_order(index.entries + entries, self.page_order)
        log.info("PaperWiki: pages rendered in %d processes; the main one then waited %.1f s "
                 "for the others", processes, time.perf_counter() - started)
        return keys

    def abort(self) -> None:
        """The main process failed: stop the workers rather than leave them running."""
        for worker in self.workers:
            stop(worker.pid, worker.reader)
        self.workers = []
        self._undo_split()

    def _undo_split(self) -> None:
        # The skipped pages read and render their files again: `serve` renders them after an
        # edit with this build's files (see quickbuild.py).
        for file, source in self._blanked:
            file.abs_src_path, file._content = source, None
            if file.page is not None:
                vars(file.page).pop("render", None)  # undo render_nothing
        self._blanked = []
        if self._log_filter is not None:
            logging.getLogger("mkdocs.commands.build").removeFilter(self._log_filter)
            self._log_filter = None


def render_nothing(page: Page) -> None:
    """A page rendered elsewhere (by another process, or taken from the cache) skips
    Markdown: MkDocs builds a whole Markdown parser with every extension for each page, an
    empty one too, which costs seconds over ten thousand pages. The page ends as rendering
    its empty source would leave it."""
    page.render = partial(_render_empty, page)  # type: ignore[method-assign]


def _render_empty(page: Page, config: MkDocsConfig, files: Files) -> None:
    page.content = ""
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def add_skip_template(env: jinja2.Environment) -> None:
    """The empty template pages rendered elsewhere (or taken from the cache) go through."""
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({SKIP_TEMPLATE: ""}), env.loader])


def _failure(pid: int, status: int) -> str:
    if status < 0:  # killed by a signal; SIGKILL is usually the kernel running out of memory
        why = signal.Signals(-status).name + (" (out of memory?)" if -status == signal.SIGKILL
                                               else "")
        return f"process {pid} was killed by {why}"
    return f"process {pid} stopped with exit status {status}; its errors are above"


def page_positions(pages: Sequence[File]) -> dict[str, int]:
    """Each page's place in build order, by the address search entries use (home is "")."""
    return {("" if file.url in (".", "./") else file.url): index
            for index, file in enumerate(pages)}


def page_of(entry: dict[str, Any]) -> str:
    """The address of the page a search entry belongs to (entries of sections add "#…")."""
    return entry["location"].split("#")[0]


def in_page_order(entries: list[dict[str, Any]], positions: dict[str, int],
                  ) -> list[dict[str, Any]]:
    """Search entries sorted by their page's place in build order, each page's in the order
    they came: the index a serial build writes."""
    return sorted(entries, key=lambda entry: positions.get(page_of(entry), len(positions)))


def search_plugin(config: MkDocsConfig) -> SearchPlugin | None:
    """Material's search plugin (the one `- search` names with the Material theme), whose
    index is a list of entries keyed by page address."""
    for plugin in config.plugins.values() if config is not None else ():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return plugin
    return None


def _search_index(config: MkDocsConfig) -> SearchIndex | None:
    plugin = search_plugin(config)
    return plugin.search_index if plugin is not None else None


def _cost(file: File) -> int:
    try:
        return PAGE_OVERHEAD_BYTES + os.path.getsize(file.abs_src_path or "")
    except OSError:
        return PAGE_OVERHEAD_BYTES


def _main_extra_cost(pages: Sequence[File], shardable: list[File]) -> int:
    """The pages only the main process renders, which its share of shardable pages offsets."""
    kept = {file.src_uri for file in shardable}
    return sum(_cost(file) for file in pages if file.src_uri not in kept)


def split_pages(pages: list[File], processes: int, main_extra: int) -> list[list[File]]:
    """Contiguous runs of ``pages`` of about equal cost, counting ``main_extra`` against the first."""
    costs = [_cost(page) for page in pages]
    target = (sum(costs) + main_extra) / processes
    shares: list[list[File]] = [[] for _ in range(processes)]
    share, load = 0, float(main_extra)
    for page, cost in zip(pages, costs):
        if load >= target * (share + 1) and share < processes - 1:
            share += 1
        shares[share].append(page)
        load += cost
    return shares


class SkippedPageFilter(logging.Filter):
    """MkDocs notes every page that renders to nothing; for another process's pages that is
    expected and not news."""

    def __init__(self, foreign: frozenset[str]) -> None:
        super().__init__()
        self.foreign = foreign

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("Page skipped: '")
                    and message.split("'")[1] in self.foreign)


class _ListHandler(logging.Handler):
    def __init__(self, records: list[dict[str, Any]]) -> None:
        super().__init__()
        self.store = records

    def emit(self, record: logging.LogRecord) -> None:
        self.store.append({"name": record.name, "levelno": record.levelno,
                           "levelname": record.levelname, "msg": record.getMessage(),
                           "args": None})
