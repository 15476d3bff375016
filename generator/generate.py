"""Run the generator: content/ in, Markdown in docs/ out — shared by the CLI and the plugin.

Only files whose bytes change are rewritten, and files no longer generated are removed, so
``mkdocs serve`` reloads only what an edit touched and docs/ never holds stale pages
(see ``docsdir.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .buildcache import BuildCache, PaperPagesInDocs
from .citations import render_bibliography
from .docsdir import DocsWriter, KnownText, remove_stale
from .errors import ContentError, Problem
from .export import render_exports
from .feeds import render_feeds
from .model import Site, build_site
from .nav import NavEntry, nav_file, page_title, site_navigation
from .outputs import NAV_FILE, clashes
from .processes import run_tasks
from .render import page_dates, render_tasks
from .stats import render_stats
from .store import ContentPaths, load_content


@dataclass(frozen=True)
class GenerateReport:
    site: Site
    nav: list[NavEntry]
    pages: int
    written: tuple[str, ...]
    removed: tuple[str, ...]
    seconds: dict[str, float]
    hand_written: tuple[str, ...]  # pages copied from content/pages/, as named in docs/
    dates: dict[str, str]  # each page's date, as the sitemap gives it (``page_dates``)


def generate(paths: ContentPaths, docs_dir: Path, site_url: str | None = None,
             site_name: str = "PaperWiki", extra_files: dict[str, str] | None = None,
             progress: Callable[[str], None] = lambda message: None,
             parallel: bool = False, cache: BuildCache | None = None,
             known: KnownText | None = None) -> GenerateReport:
    """Load, enrich, render and write; raises ContentError before writing anything.

    ``extra_files`` are pages the site's configuration asks for (such as a search page),
    written alongside the generated ones. ``cache`` holds what builds before computed (parsed
    papers, topic matches, related papers, paper pages' Markdown, what docs/ holds): a warm
    build reuses it, with the same result. ``parallel`` spreads enrichment and rendering over
    the cores (for one-off builds: a long-running process gains more from its in-memory
    caches, which work done in a forked child does not fill). ``known``: what such a process
    wrote into docs/ before, so that unchanged pages are not read back (see ``docsdir.py``).

    Every file, pages, data files and the navigation, goes through one writer, which refuses
    two files at one address before anything is published. Each process writes the pages it
    renders. So a failure while rendering (a bug, not a content problem) can leave some pages
    changed and others not, but never one half-written and no new one; the site itself is
    only replaced by a complete build."""
    clock = _Clock()
    progress(f"reading {paths.root.name}/ …")
    content = load_content(paths, parallel, cache and cache.papers)
    clock.lap("load")
    progress(f"{len(content.papers)} papers: matching topics, finding related papers …")
    site = build_site(content, parallel, cache and cache.enrichment)
    clock.lap("enrich")
    progress(f"{len(site.papers)} papers shown, {len(site.topics)} topics: "
             f"rendering and writing pages …")
    static, extra = _static_pages(paths, content.pages), extra_files or {}
    pages = cache.paper_pages(docs_dir) if cache else None
    dates = page_dates(site)
    tasks = [*render_tasks(site, site_url or "", parallel, site_name, pages, dates),
             lambda: {**render_stats(site), **_data_files(site, site_url, site_name)}]
    writer = DocsWriter(docs_dir, known)
    try:
        outcomes = run_tasks([partial(_write, writer, task, pages) for task in tasks], parallel)
        _refuse_clashes([name for outcome in outcomes for name in outcome.made],
                        {name: paths.label(paths.pages / name) for name in static}, extra)
        outcomes.append(_write(writer, lambda: {**static, **extra}))
        nav = site_navigation(site, {name: title for outcome in outcomes
                                     for name, title in outcome.top_titles.items()})
        outcomes.append(_write(writer, lambda: {NAV_FILE: nav_file(nav)}))
        writer.publish()
    finally:
        writer.discard()
    if cache and pages:
        cache.written(pages, {name: key for outcome in outcomes
                              for name, key in outcome.keys.items()})
    clock.lap("render")
    names = {name for outcome in outcomes for name in outcome.made}
    written = tuple(sorted(name for outcome in outcomes for name in outcome.written
                           if name != NAV_FILE))
    removed = remove_stale(docs_dir, names)
    clock.lap("clean")
    return GenerateReport(site, nav, len(names - {NAV_FILE}), written, removed, clock.laps,
                          content.pages, dates)


@dataclass(frozen=True)
class _Outcome:
    made: list[str]
    written: list[str]
    top_titles: dict[str, str]  # pages at the top of docs/ (which the navigation lists)
    keys: dict[str, str]  # paper pages' keys, for the record of what docs/ holds


def _write(writer: DocsWriter, render: Callable[[], dict[str, str | bytes | None]],
           pages: PaperPagesInDocs | None = None) -> _Outcome:
    """Render, then write what changed, in the same process: the pages never travel between
    processes, only their names, the titles the navigation needs and the paper pages' keys.
    A page rendered as None is in docs/ already (see ``filerecord.py``)."""
    files = render()
    return _Outcome(list(files), [name for name, text in files.items()
                                  if text is not None and writer.write(name, text)],
                    {name: page_title(name, text) for name, text in files.items()
                     if isinstance(text, str) and "/" not in name and name.endswith(".md")},
                    pages.taken() if pages else {})


GENERATED = "a generated page"


def _refuse_clashes(generated: list[str], static: dict[str, str], extra: dict[str, str]) -> None:
    """Like Pelican's writer, never let a second file take the place of a first: a hand-written
    page named like a generated one (or served at its address) is an error, not a silent
    replacement. Checked before the hand-written pages are written and anything is published.
    ``static`` maps each hand-written page to its file; ``extra`` pages come from mkdocs.yml."""
    files = [*((name, GENERATED) for name in generated),
             *((name, f"the page mkdocs.yml adds ({name})") for name in extra),
             *((name, static[name]) for name in static)]
    problems = [_clash(path, first, second) for path, first, second in clashes(files)]
    if problems:
        raise ContentError(problems)


def _clash(path: str, first: str, second: str) -> Problem:
    if second == GENERATED:  # the checks keep ids off the wiki's own pages: a bug if it happens
        return Problem(f"docs/{path}", None, "the generator made two files for this address",
                       "please report this with the content that causes it")
    return Problem(second, None, f"docs/{path} would replace {first} at the same address",
                   "rename the hand-written page")


def _static_pages(paths: ContentPaths, names: tuple[str, ...]) -> dict[str, str]:
    """Hand-written pages (the curation guide, an about page) published as they are."""
    return {name: paths.read_text(paths.pages / name) for name in names}


def _data_files(site: Site, site_url: str | None, site_name: str) -> dict[str, str | bytes]:
    """Exports, bibliography and feeds. Feeds need absolute addresses, so without a site_url
    (direct library calls only: MkDocs always has one when it runs the plugin) they are left out."""
    files: dict[str, str | bytes] = {**render_exports(site, site_url or ""),
                                     **render_bibliography(site, site_url or "")}
    if site_url:
        files.update(render_feeds(site, site_url, site_name))
    return files


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
