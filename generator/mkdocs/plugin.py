"""The MkDocs plugin: generate the wiki's Markdown before every build, watch content/.

Running the generator inside MkDocs means ``mkdocs build`` and ``mkdocs serve`` work on their
own, and that editing a YAML file under ``mkdocs serve`` rebuilds the affected pages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..docsdir import KnownText
from ..errors import ContentError
from ..generate import GenerateReport, generate
from ..search import PAGES_PER_INDEX, PagefindFailed, search_page
from ..settings import Settings, load_settings
from ..store import ContentPaths
from .incremental import DirtyNoticeFilter, IncrementalBuilds
from .livesite import BuiltSite
from .mdcache import build_cache
from .quickbuild import Edit, LastBuild
from .parallel import (
    SAFE_PLUGINS,
    SKIP_TEMPLATE,
    PageShards,
    add_skip_template,
    can_fork,
    page_positions,
    process_count,
)
from .rawhtml import put_back, set_aside
from .searchbundles import ServedBundles, index_site
from .warm import WarmBuild

log = logging.getLogger("mkdocs.plugins.paperwiki")


class ContentProblems(PluginError):
    """The content failed its checks; the message lists every problem with its location.
    ``error`` is the ContentError itself, for whoever tells content from environment problems."""

    def __init__(self, error: ContentError):
        super().__init__("the content has problems:\n" + str(error))
        self.error = error


class PaperWikiConfig(Config):
    # Read by settings.py, which every command shares; declared here so MkDocs accepts them.
    content_dir = c.Type(str, default="content")
    # builtin: Material's search (one index of the whole site, best for small wikis);
    # pagefind: an index split into chunks loaded per query, for thousands of papers.
    search = c.Choice(("builtin", "pagefind"), default="builtin")
    # Pagefind's indexer holds about 135 KB per page: a larger site is indexed as several
    # bundles of about this many pages, which the search page merges (see search.py).
    pages_per_search_index = c.Type(int, default=PAGES_PER_INDEX)
    # Processes rendering paper pages in `build`: 0 is one per core on large wikis, 1 is serial.
    jobs = c.Type(int, default=0)
    # Keep each page's HTML in .cache/paperwiki/ and reuse it while its inputs are unchanged.
    cache = c.Type(bool, default=True)


class PaperWikiPlugin(BasePlugin[PaperWikiConfig]):
    settings: Settings  # read in on_config, the first event of every build
    def __init__(self) -> None:
        super().__init__()
        self.serving = False
        self.shards = PageShards()
        self.positions: dict[str, int] = {}
        self.incremental: IncrementalBuilds | None = None
        self.dirty_notice = DirtyNoticeFilter()
        self.page_dates: dict[str, str] = {}
        self.hand_written: dict[str, str] = {}  # docs path -> content file, set per build
        self.warm: WarmBuild | None = None
        self.set_aside: dict[str, list[str]] = {}  # a generated page's HTML blocks, by page
        # The published site a build replaces (`paperwiki build` stages the new one beside
        # it): its unchanged pages may stay in place (see livesite.py).
        self.live_site: Path | None = None
        self.built = BuiltSite()
        # Under serve: the last good build's files, navigation and theme (see quickbuild.py),
        # and the generator's report when a rebuild ran it before MkDocs' build.
        self.last: LastBuild | None = None
        self.generated: GenerateReport | None = None
        self.known_docs: KnownText | None = None  # under serve: what docs/ holds (docsdir.py)
        self.served_bundles: ServedBundles | None = None  # under serve (searchbundles.py)
        self._gathered: tuple[Files, Navigation] | None = None

    def on_startup(self, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.known_docs = KnownText() if self.serving else None
        self.served_bundles = {} if self.serving else None
        if self.serving and dirty:
            self.incremental = IncrementalBuilds()
            logging.getLogger("mkdocs.commands.build").addFilter(self.dirty_notice)

    def on_shutdown(self) -> None:
        if self.warm:
            self.warm.stop()
        logging.getLogger("mkdocs.commands.build").removeFilter(self.dirty_notice)

    def _paths(self, config: MkDocsConfig) -> ContentPaths:
        return ContentPaths(self.settings.content_dir)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.settings = load_settings(Path(config.config_file_path))
        builtin = any(name.split("/")[-1] == "search" for name in config.plugins)
        if self.config.search == "pagefind" and builtin:
            raise PluginError("paperwiki is set to `search: pagefind`, but the `search` plugin "
                              "is still listed in mkdocs.yml — remove `- search` from plugins")
        return config

    def edit(self, config: MkDocsConfig) -> Edit | None:
        """Under serve, before MkDocs' build: run the generator, and return what it changed
        when rendering only that gives what a build gives (see quickbuild.py), else None.
        The build that follows uses this run's output."""
        report = self.generated = self._generate(config, cached=False)
        if (self.last is None or self.incremental is None
                or not self.incremental.unchanged(config, report.nav)):
            return None
        dates = report.dates
        dated = {page for page in dates.keys() | self.page_dates.keys()
                 if dates.get(page) != self.page_dates.get(page)}
        return self.last.edit(config, report.written, report.removed, dated)

    def _generate(self, config: MkDocsConfig, cached: bool) -> GenerateReport:
        extra = search_page() if self.config.search == "pagefind" else {}
        memo = build_cache(Path(config.config_file_path)) if cached else None
        try:
            report = generate(self._paths(config), Path(config.docs_dir),
                              site_url=_site_url(config), site_name=self.settings.site_name,
                              extra_files=extra,
                              parallel=not self.serving and self.config.jobs != 1,
                              progress=lambda message: log.info("PaperWiki: %s", message),
                              cache=memo, known=self.known_docs)
        except ContentError as error:
            raise ContentProblems(error) from None
        if memo:
            log.info("PaperWiki: paper pages' Markdown: %d from the cache, %d rendered",
                     *memo.commit())
        return report

    def on_pre_build(self, config: MkDocsConfig) -> None:
        cached = (self.config.cache and not self.serving
                  and not set(config.plugins) - SAFE_PLUGINS)
        report, self.generated = self.generated or self._generate(config, cached), None
        self.shards = PageShards()
        config.nav = report.nav
        for warning in report.site.warnings:  # at INFO: a strict build fails on WARNING
            log.info("PaperWiki: %s", warning)
        self.page_dates = report.dates
        paths = self._paths(config)
        self.hand_written = {name: paths.label(paths.pages / name) for name in report.hand_written}
        log.info("PaperWiki: %d pages generated, %d changed", report.pages, len(report.written))
        if self.incremental:
            self.incremental.start(config, report.removed)
        self.warm, self.built = None, BuiltSite()
        if cached:
            self.warm = WarmBuild.start(Path(config.config_file_path), self.live_site)

    @event_priority(-100)  # fork after every other plugin has seen the files
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.shards = PageShards()
        pages = files.documentation_pages()
        positions = page_positions(pages)
        if self.incremental:
            self.incremental.positions = positions
        self.positions = positions
        to_render = pages
        if self.warm:
            to_render = self.warm.plan(pages, files, config, self.page_dates,
                                       frozenset(self.hand_written))
        papers = [file for file in to_render if _is_paper_page(file.src_uri)]
        processes = process_count(self.config.jobs, len(papers))
        if processes < 2:
            return files
        allowed, why_not = can_fork(config)
        if not allowed:
            # Expected on every rebuild under serve, whose live server runs in threads; only
            # its first build, before the server starts, renders in parallel.
            log.log(logging.DEBUG if self.serving else logging.INFO,
                    "PaperWiki: rendering pages in one process: %s", why_not)
            return files
        log.info("PaperWiki: rendering %d pages in %d processes …", len(pages), processes)
        self.shards = PageShards.fork(pages, positions, processes, papers)
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if self.incremental:
            self._gathered = files, nav
        return nav

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig,
               files: Files) -> jinja2.Environment:
        if self._gathered:
            self.last = LastBuild(*self._gathered, env, self.positions)
            self._gathered = None
        if self.shards.active or (self.warm and self.warm.hits):
            add_skip_template(env)
        if self.shards.active:
            self.shards.prepare_environment(files, config)
        return env

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self.incremental and output:  # empty: another process renders the page
            self.incremental.note_rendered(page)
        output = collapse_indentation(output)
        if self.warm:
            self.warm.after_render(output, page, config)
        return output

    @event_priority(100)  # workers must be joined before search writes its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.shards.is_worker:
            keyed = self.warm.rendered_keys if self.warm else None
            self.shards.finish_worker(config, page_keys=keyed)
        keys = self.shards.join(config)
        if self.warm:
            self.warm.rendered_keys.update(keys)
            self.warm.merge_search(config, self.positions)
        if self.incremental:
            self.incremental.merge_search_index(config)
        if self.config.search == "pagefind":
            self._index_with_pagefind(config)
        if self.warm:
            self.warm.finish()
            self.built = self.warm.built

    def _index_with_pagefind(self, config: MkDocsConfig) -> None:
        """Pagefind reads every page: those this build wrote, and those a warm build left in
        the published site."""
        log.info("PaperWiki: indexing the pages for search with Pagefind …")
        try:
            indexed, kept = index_site(Path(config.site_dir), self.warm, self.live_site,
                                       self.config.pages_per_search_index, self.served_bundles)
        except PagefindFailed as error:
            raise PluginError(str(error)) from None
        log.info("PaperWiki: search index: %d bundle(s) indexed, %d left in place",
                 indexed, kept)

    def on_build_error(self, error: Exception) -> None:
        if self.shards.is_worker:
            self.shards.finish_worker(None, failed=True)
        self.shards.abort()
        if self.warm:
            self.warm.stop()
        if isinstance(error, ContentProblems):
            return  # found before anything was written: the last build still stands
        if self.incremental:
            self.incremental.forget()
        self.last = self.generated = None

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig,
                 builder: Callable[..., Any]) -> LiveReloadServer:
        """Rebuild when content/ changes. docs/ is the generator's output, so watching it would
        only rebuild a second time, and poll thousands of files while doing so."""
        server.watch(str(self._paths(config).root))
        try:
            server.unwatch(config.docs_dir)
        except KeyError:  # not watched: nothing to undo
            pass
        return server

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """"Edit this page" opens the YAML a page is made from, never the generated Markdown."""
        if self.shards.active:
            markdown = self.shards.skip_if_foreign(markdown, page)
        if self.warm:
            markdown = self.warm.skip_if_cached(markdown, page)
        # The sitemap's lastmod: the content's own date, or none (not the day of the build).
        # Set here for every page, those rendered elsewhere included.
        page.update_date = self.page_dates.get(page.file.src_uri, "")
        if page.meta.get("template") == SKIP_TEMPLATE:
            return markdown
        # A hand-written page is edited in content/pages/; generated pages without a source
        # (the indexes, the statistics) have nothing to edit, so they get no button.
        source = page.meta.get("source") or self.hand_written.get(page.file.src_uri)
        page.edit_url = self.settings.edit_url(source) if source else None
        if page.file.src_uri not in self.hand_written:
            markdown, self.set_aside[page.file.src_uri] = set_aside(markdown)
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The generated HTML blocks back in place (see rawhtml.py)."""
        return put_back(html, self.set_aside.pop(page.file.src_uri, []))


_PREFORMATTED = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.DOTALL)
_INDENTATION = re.compile(r"\n\s+")


def collapse_indentation(html: str) -> str:
    """Drop blank lines and indentation outside <pre>/<textarea>.

    Material's templates indent deeply; on ten thousand paper pages that whitespace is a
    fifth of the site. A line break stays, so no two words ever run together."""
    parts = _PREFORMATTED.split(html)
    return "".join(part if index % 2 else _INDENTATION.sub("\n", part)
                   for index, part in enumerate(parts))


def _is_paper_page(src_uri: str) -> bool:
    return src_uri.startswith("papers/") and src_uri != "papers/index.md"


def _site_url(config: MkDocsConfig) -> str:
    """Feeds and citations link to absolute page addresses; `mkdocs serve` always sets one."""
    if not config.site_url:
        raise PluginError("mkdocs.yml has no site_url — set it to the address the wiki is "
                          "served at, e.g. https://example.github.io/wiki/")
    return config.site_url
