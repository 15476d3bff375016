"""Incremental rebuilds for ``paperwiki serve``: seconds instead of minutes on a large wiki.

The generator rewrites exactly the Markdown an edit changes, so those are the pages the edit
touched, and the only ones ``paperwiki serve`` renders (see ``quickbuild.py``; its first build
runs MkDocs in dirty mode, which renders pages whose Markdown is newer than their HTML), with
three exceptions this module covers:

- what every page repeats — the navigation and everything set in mkdocs.yml: when either
  changes, the served site is emptied and every page rendered again;
- pages the generator removed (a hidden or merged paper): their HTML is deleted;
- the search index, which Material's dirty mode patches for one page only: entries are merged
  page by page, and each is encoded as JSON once while it is kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory

from .parallel import in_page_order, page_of, search_plugin

log = logging.getLogger("mkdocs.plugins.paperwiki")


@dataclass
class IncrementalBuilds:
    fingerprint: str = ""
    rebuilt: set[str] = field(default_factory=set)
    everything: bool = False  # this build renders every page (some maybe in other processes)
    positions: dict[str, int] = field(default_factory=dict)  # set by the plugin each build
    # Each kept search entry as JSON, by the entry's id (the entry is kept with it, so the id
    # stays its own): re-encoding ten thousand pages' entries took 0.08 s of every rebuild.
    encoded: dict[int, tuple[dict[str, Any], str]] = field(default_factory=dict)

    def start(self, config: MkDocsConfig, removed: tuple[str, ...]) -> None:
        """Before MkDocs renders: empty the site if the navigation or settings changed, else
        delete the pages the generator removed."""
        self.rebuilt = set()
        fingerprint = _fingerprint(config, config.nav)
        self.everything = fingerprint != self.fingerprint
        if self.everything:
            if self.fingerprint:
                log.info("PaperWiki: the navigation or settings changed; rendering every page")
            self.fingerprint = fingerprint
            clean_directory(config.site_dir)
            return
        for path in removed:
            _output_path(path, config).unlink(missing_ok=True)

    def unchanged(self, config: MkDocsConfig, nav: object) -> bool:
        """Whether the last build had the same settings and navigation ``nav``."""
        return self.fingerprint == _fingerprint(config, nav)

    def forget(self) -> None:
        """A build failed part-way: which pages it rendered is unknown, so the next renders all."""
        self.fingerprint = ""

    def note_rendered(self, page: Page) -> None:
        self.rebuilt.add(page.url)

    def merge_search_index(self, config: MkDocsConfig) -> None:
        """Keep the previous entries of every page that still exists and was not rendered now,
        add the new ones, in page order; Material then writes the list as it is."""
        search = search_plugin(config)
        previous = getattr(search, "search_index_prev", None)
        if search is None or previous is None:
            return
        kept = [] if self.everything else [
            entry for entry in previous.entries
            if (page := page_of(entry)) in self.positions and page not in self.rebuilt]
        index = search.search_index
        index.entries = in_page_order(kept + index.entries, self.positions)
        search.search_index_prev = None
        index.generate_search_index = partial(self._search_json, index,
                                              index.generate_search_index)

    def _search_json(self, index: Any, material: Callable[[Any], str], previous: Any) -> str:
        """What Material writes, ``json.dumps`` of the index with its settings, put together
        from each entry's JSON: Material's own output for no entries, then the entries."""
        if previous is not None:  # not the index merge_search_index made
            return material(previous)
        entries = index.entries
        index.entries = []
        try:
            skeleton = material(previous)
        finally:
            index.entries = entries
        if not skeleton.endswith("[]}"):
            return material(previous)
        encoded = {}
        for entry in entries:
            known = self.encoded.get(id(entry))
            encoded[id(entry)] = known if known and known[0] is entry else (
                entry, _search_entry(entry))
        self.encoded = encoded
        return skeleton[:-2] + ",".join(encoded[id(entry)][1] for entry in entries) + "]}"


def _search_entry(entry: dict[str, Any]) -> str:
    """One entry as Material's ``generate_search_index`` encodes it inside the index."""
    return json.dumps(entry, separators=(",", ":"), default=str)


def _fingerprint(config: MkDocsConfig, nav: object) -> str:
    settings = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
    navigation = json.dumps(nav, sort_keys=True).encode("utf-8")
    return hashlib.sha256(settings + b"\0" + navigation).hexdigest()


def _output_path(docs_path: str, config: MkDocsConfig) -> Path:
    if docs_path.endswith(".md"):
        return Path(File(docs_path, config.docs_dir, config.site_dir,
                         config.use_directory_urls).abs_dest_path)
    return Path(config.site_dir) / docs_path


class DirtyNoticeFilter(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be stale, which strict mode counts;
    IncrementalBuilds is what keeps it right, so the warning is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")
