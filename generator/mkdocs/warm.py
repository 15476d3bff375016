"""One warm build: pages found in the page cache are written from it instead of rendered.

After the generator has run and MkDocs has gathered the files, every page gets its key
(``pagecache.page_key``). A page whose key the cache holds is written to the site at once
and then skipped by MkDocs exactly like a page another process renders (empty Markdown, an
empty template, out of search); its search entries join the index in page order and its
anchors are restored for MkDocs' anchor checks. Every other page renders as in a cold build
(on every core) and is stored. Only a build that ends without a warning trusts what it stored
(``PageCache.commit``), so a page that warned renders, and warns, again.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs import utils
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .pagecache import PageCache, build_fingerprint, cache_dir, page_key
from .parallel import (
    SKIP_TEMPLATE,
    SkippedPageFilter,
    in_page_order,
    page_of,
    render_nothing,
    search_plugin,
)
from .livesite import BuiltSite, LiveSite

log = logging.getLogger("mkdocs.plugins.paperwiki")


class WarningCounter(logging.Handler):
    """Counts the warnings of a build, those replayed from workers included."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@dataclass
class WarmBuild:
    cache: PageCache
    keys: dict[str, str] = field(default_factory=dict)  # src_uri -> key, when keyed ahead
    # src_uri -> key of the pages keyed after rendering (a cold build), by this process and,
    # once they are joined, by the workers
    rendered_keys: dict[str, str] = field(default_factory=dict)
    hits: dict[str, dict[str, Any]] = field(default_factory=dict)  # src_uri -> entry, no html
    counter: WarningCounter = field(default_factory=WarningCounter)
    _filter: logging.Filter | None = None
    _seen: int = 0  # search entries already attributed to a page
    _key_of: Callable[[File], str] | None = None
    pages: int = 0
    live: LiveSite | None = None
    planned: dict[str, File] = field(default_factory=dict)  # the pages, by src_uri
    kept: set[str] = field(default_factory=set)  # pages of the live site left in place
    # Files of the site besides its pages (search bundles): path -> key, and those left in place
    files: dict[str, str] = field(default_factory=dict)
    files_kept: set[str] = field(default_factory=set)
    built: BuiltSite = field(default_factory=BuiltSite)  # set by a build that finished

    @classmethod
    def start(cls, config_file: Path, live_site: Path | None = None) -> WarmBuild:
        """``live_site``: the published site this build replaces, whose unchanged pages it
        may keep in place instead of staging them (see livesite.py)."""
        root = cache_dir(config_file)
        warm = cls(PageCache(root), live=LiveSite(live_site, root))
        logging.getLogger("mkdocs").addHandler(warm.counter)
        return warm

    def stop(self) -> None:
        self.cache.close()
        logging.getLogger("mkdocs").removeHandler(self.counter)
        if self._filter is not None:
            logging.getLogger("mkdocs.commands.build").removeFilter(self._filter)
            self._filter = None

    def plan(self, pages: Sequence[File], files: Files, config: MkDocsConfig,
             page_dates: dict[str, str], hand_written: Collection[str]) -> list[File]:
        """Key the pages, write the cached ones to the site; returns the pages to render.
        With nothing trusted in the cache (a cold build), each page is keyed by the process
        that renders it, after rendering: the main process does not key them one by one
        before the others start."""
        known = {file.src_uri: file for file in files}
        titles = {name: _title_lines(known[name].content_bytes)
                  for name in _untitled(config.nav) if name in known}
        fingerprint = build_fingerprint(Path(config.config_file_path), [config.nav, titles],
                                        config.theme.dirs, _builder(config))
        self._key_of = _page_keys(fingerprint, known, page_dates, hand_written)
        self.pages = len(pages)
        self.planned = {file.src_uri: file for file in pages}
        if not self.cache.index:
            return list(pages)
        self.keys = {file.src_uri: self._key_of(file) for file in pages}
        misses = []
        for file in pages:
            key = self.keys[file.src_uri]
            in_place = self.live is not None and self.live.holds(file.dest_uri, key)
            entry = self.cache.get(key, with_html=not in_place)
            if entry is None:
                misses.append(file)
                continue
            if in_place:
                self.kept.add(file.dest_uri)
            else:
                _write_page(entry.pop("html"), file.abs_dest_path)
            self.hits[file.src_uri] = entry
        for name in self.hits:
            known[name].content_string = ""
        if self.hits:
            self._filter = SkippedPageFilter(frozenset(self.hits))
            logging.getLogger("mkdocs.commands.build").addFilter(self._filter)
            log.info("PaperWiki: %d of %d pages are unchanged and come from the cache in %s",
                     len(self.hits), len(pages), self.cache.root)
        return misses

    def skip_if_cached(self, markdown: str, page: Page) -> str:
        """A cached page goes through an empty template, out of search, but keeps the title
        and metadata its rendering gave it: the navigation of other pages shows them."""
        entry = self.hits.get(page.file.src_uri)
        if entry is None:
            return markdown
        page.title = entry["title"]
        page.meta = {**entry["meta"], "template": SKIP_TEMPLATE, "search": {"exclude": True}}
        render_nothing(page)
        return ""

    def after_render(self, output: str, page: Page, config: MkDocsConfig) -> None:
        """Store a page just rendered, with the search entries it added; give a cached page
        back its anchors."""
        search = search_plugin(config)
        entries = search.search_index.entries if search is not None else []
        added, self._seen = entries[self._seen:], len(entries)
        src_uri = page.file.src_uri
        if src_uri in self.hits:
            page.present_anchor_ids = set(self.hits[src_uri].get("anchors", ()))
            return
        location = "" if page.url in (".", "./") else page.url
        if self._key_of is None or not output \
                or any(page_of(entry) != location for entry in added):
            return  # another process's page, or entries not its own: render it next time
        key = self.keys.get(src_uri)
        if key is None:
            key = self.rendered_keys[src_uri] = self._key_of(page.file)
        self.cache.put(key, {"html": output, "search": added, "title": page.title,
                             "meta": page.meta,
                             "anchors": sorted(page.present_anchor_ids or ())})

    def merge_search(self, config: MkDocsConfig, positions: dict[str, int]) -> None:
        search = search_plugin(config)
        if search is None or not self.hits:
            return
        cached = [entry for hit in self.hits.values() for entry in hit.get("search", [])]
        search.search_index.entries = in_page_order(search.search_index.entries + cached,
                                                    positions)

    def finish(self) -> None:
        """Trust this build's entries if it warned of nothing; drop every other entry.
        Tell publishing which pages stayed in the live site and what every page is made of."""
        self.stop()
        kept = frozenset(self.kept | self.files_kept)
        if self.counter.count:
            log.info("PaperWiki: the build warned, so the page cache keeps its previous pages")
            self.built = BuiltSite(kept)
            return
        removed = self.cache.commit(self.keys[name] for name in self.hits)
        if self._key_of is not None:
            # A cold build keys now the pages no process keyed after rendering them (those
            # whose output it did not store), so that the next build can leave them in place.
            keys = {**self.rendered_keys, **self.keys}
            self.keys = {name: keys.get(name) or self._key_of(file)
                         for name, file in self.planned.items()}
        self.built = BuiltSite(kept, {**{self.planned[name].dest_uri: key
                                         for name, key in self.keys.items()}, **self.files})
        log.info("PaperWiki: page cache: %d pages rendered, %d from the cache (%d of them "
                 "left in place in the site), %d stale entries removed",
                 self.pages - len(self.hits), len(self.hits), len(self.kept), removed)


def _page_keys(fingerprint: str, known: dict[str, File], page_dates: dict[str, str],
               hand_written: Collection[str]) -> Callable[[File], str]:
    """How a page's key is computed, in whichever process renders it. A page it links into
    is read from its source file: another process's page, or a cached one, reads as empty
    once the build skips it."""
    sources = {name: file.abs_src_path for name, file in known.items()}

    def read(name: str) -> bytes:
        source = sources.get(name)
        if not source:
            return known[name].content_bytes
        with open(source, "rb") as stream:
            return stream.read()

    def key_of(file: File) -> str:
        extra = f"{page_dates.get(file.src_uri, '')}|{file.src_uri in hand_written}"
        return page_key(fingerprint, file.src_uri, file.url, read(file.src_uri), extra, known,
                        read)

    return key_of


def _untitled(nav: object) -> list[str]:
    """The pages the navigation names without a title: every page shows the title their own
    source gives them (a section's index page, say)."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [name for item in nav for name in _untitled(item)]
    if isinstance(nav, dict):
        return [name for value in nav.values() if not isinstance(value, str)
                for name in _untitled(value)]
    return []


_TITLE_LINE = re.compile(rb"^(?:title:.*|#[^#].*|.*\n={3,}[ \t]*)$", re.MULTILINE)


def _title_lines(source: bytes) -> list[str]:
    """Every line of a page's source that may give its title (front matter, headings, a
    setext underline): when none changes, neither does the title."""
    return [line.decode("utf-8", "replace") for line in _TITLE_LINE.findall(source)]


def _builder(config: MkDocsConfig) -> str:
    """The package whose build is running (its configuration class tells), with its version
    and place."""
    package = sys.modules[type(config).__module__.split(".")[0]]
    return f"{package.__name__} {getattr(package, '__version__', '?')} {package.__file__}"


def _write_page(html: str, destination: str) -> None:
    """Write a cached page as MkDocs writes a rendered one (so a full disk stops the build
    the same way)."""
    utils.write_file(html.encode("utf-8", errors="xmlcharrefreplace"), destination)
