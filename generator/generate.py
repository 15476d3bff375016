"""Run the generator: content/ in, Markdown in docs/ out — shared by the CLI and the plugin.

Only files whose bytes change are rewritten, and files no longer generated are removed, so
``mkdocs serve`` reloads only what an edit touched and docs/ never holds stale pages.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .citations import render_bibliography
from .export import render_exports
from .feeds import render_feeds
from .model import Site, build_site
from .render import render_site
from .stats import render_stats
from .store import ContentPaths, load_content, write_atomically


@dataclass(frozen=True)
class GenerateReport:
    site: Site
    pages: int
    written: tuple[str, ...]
    removed: tuple[str, ...]
    seconds: dict[str, float]


def generate(paths: ContentPaths, docs_dir: Path, site_url: str | None = None,
             extra_files: dict[str, str] | None = None,
             progress: Callable[[str], None] = lambda message: None) -> GenerateReport:
    """Load, enrich, render and write; raises ContentError before writing anything.

    ``extra_files`` are pages the site's configuration asks for (such as a search page),
    written alongside the generated ones."""
    clock = _Clock()
    content = load_content(paths)
    clock.lap("load")
    site = build_site(content)
    clock.lap("enrich")
    files = render_site(site, site_url or "")
    files.update(render_stats(site))
    files.update(_static_pages(paths))
    files.update(_data_files(site, site_url))
    files.update(extra_files or {})
    clock.lap("render")
    progress(f"{len(site.papers)} papers, {len(site.topics)} topics, {len(files)} pages")
    written = tuple(sorted(rel for rel, text in files.items()
                           if write_atomically(docs_dir / rel, text)))
    removed = _remove_stale(docs_dir, set(files))
    clock.lap("write")
    return GenerateReport(site, len(files), written, removed, clock.laps)


def _static_pages(paths: ContentPaths) -> dict[str, str]:
    """Hand-written pages (the curation guide, an about page) published as they are."""
    if not paths.pages.is_dir():
        return {}
    return {path.relative_to(paths.pages).as_posix(): path.read_text("utf-8")
            for path in sorted(paths.pages.rglob("*.md"))}


def _data_files(site: Site, site_url: str | None) -> dict[str, str]:
    """Exports, bibliography and feeds. Feeds need absolute addresses, so without a site_url
    (direct library calls only: MkDocs always has one when it runs the plugin) they are left out."""
    files = {**render_exports(site, site_url or ""), **render_bibliography(site, site_url or "")}
    if site_url:
        files.update(render_feeds(site, site_url))
    return files


def _remove_stale(docs_dir: Path, keep: set[str]) -> tuple[str, ...]:
    if not docs_dir.is_dir():
        return ()
    keep = keep | {".gitignore"}  # keeps the folder in git while ignoring its contents
    stale = sorted(path for path in docs_dir.rglob("*")
                   if path.is_file() and path.relative_to(docs_dir).as_posix() not in keep)
    for path in stale:
        path.unlink()
    for folder in sorted((p for p in docs_dir.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            shutil.rmtree(folder)
    return tuple(path.relative_to(docs_dir).as_posix() for path in stale)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
