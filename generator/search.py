"""Pagefind search for large wikis: a page with its UI, and indexing the built site.

Material's built-in search downloads one index of the whole site and builds it in the
browser, about 2.5 KB per page: fine for hundreds of papers, a long freeze at ten thousand.
Pagefind splits its index into chunks and fetches only those a query needs. The ``pagefind``
package on PyPI ships the indexer binary, so nothing is downloaded at build time.

The indexer holds about 135 KB per page until it writes (1.4 GB at 10,000 pages), so a large
site is indexed as several bundles of at most ``pages_per_index`` pages each, one indexer run
at a time; the search page merges them at query time (``BUNDLES`` lists them). A page's
bundle depends only on its path and the number of bundles, and a bundle's key only on the
indexer and its pages' paths and bytes, so a warm build leaves in the published site each
bundle whose key is unchanged (see mkdocs/searchbundles.py). The pages of a warm build are
partly staged and partly left in the published site (see mkdocs/livesite.py): each run reads
hard links to the pages it indexes, from wherever they are.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .filerecord import files_under
from .outputs import SEARCH

PAGES_PER_INDEX = 5000  # about 700 MB of indexer memory
BUNDLE = "pagefind"  # the first bundle's folder; the others are pagefind-2/, pagefind-3/, …
BUNDLES = f"{BUNDLE}/bundles.json"  # the bundles' folders, read by pagefind-start.js
_OPTIONS = ("--root-selector", "article", "--exclude-selectors", ".headerlink")
_INPUT = ".pagefind-input"  # inside the site while indexing: links to one bundle's pages


class PagefindFailed(RuntimeError):
    """Pagefind could not index the site; the message says why."""


def search_page() -> dict[str, str]:
    """The search page, added to the generated pages when Pagefind is the engine."""
    template = resources.files("generator") / "templates" / "search.md"
    return {SEARCH: template.read_text("utf-8")}


@dataclass(frozen=True)
class Bundle:
    """One Pagefind run: the pages it indexes (by path in the site, with the file to read)
    and a key naming its output, which only the indexer and the pages' paths and bytes
    decide: a bundle of the same key is the same, file for file."""

    folder: str
    sources: Mapping[str, Path]
    key: str


def plan_bundles(site_dir: Path, kept_in: Path | None = None, kept: Collection[str] = (),
                 pages_per_index: int = PAGES_PER_INDEX) -> list[Bundle]:
    """The bundles of the site's pages. ``kept``: pages of the site left in ``kept_in`` (the
    published site) instead of written to ``site_dir``."""
    sources = {name: site_dir / name for name in files_under(site_dir, skip=(_INPUT,))
               if name.endswith(".html")}
    if kept_in is not None:
        sources.update((name, kept_in / name) for name in kept if name.endswith(".html"))
    indexer = _indexer()
    bundles = []
    for number, names in enumerate(bundle_pages(sources, pages_per_index)):
        folder = BUNDLE if number == 0 else f"{BUNDLE}-{number + 1}"
        hasher = hashlib.sha256(f"{indexer}\n{_OPTIONS}\n{folder}\n".encode("utf-8"))
        for name in names:
            hasher.update(f"{name}\n".encode("utf-8", "surrogateescape"))
            hasher.update(hashlib.sha256(sources[name].read_bytes()).digest())
        bundles.append(Bundle(folder, {name: sources[name] for name in names},
                              hasher.hexdigest()))
    return bundles


def write_bundle(bundle: Bundle, site_dir: Path) -> list[str]:
    """Index the article of each of the bundle's pages (not navigation or footer) into its
    folder of ``site_dir``; returns the files written, by path from that folder."""
    links = site_dir / _INPUT
    shutil.rmtree(links, ignore_errors=True)
    # Pagefind adds to what its folder holds: serve indexes again in one site folder, which
    # would keep every page's former fragments.
    shutil.rmtree(site_dir / bundle.folder, ignore_errors=True)
    try:
        for name, source in bundle.sources.items():
            _link(source, links / name)
        _run_pagefind(links, site_dir / bundle.folder)
    finally:
        shutil.rmtree(links, ignore_errors=True)
    return sorted(files_under(site_dir / bundle.folder))


def write_bundle_list(site_dir: Path, bundles: Sequence[Bundle]) -> None:
    """Name every bundle's folder for the search page, the first first."""
    folders = [f"{bundle.folder}/" for bundle in bundles]
    (site_dir / BUNDLES).parent.mkdir(parents=True, exist_ok=True)  # the first may be kept
    (site_dir / BUNDLES).write_text(json.dumps(folders), "utf-8")


def bundle_pages(names: Collection[str], pages_per_index: int) -> list[list[str]]:
    """The pages of each bundle, as few bundles as hold at most about ``pages_per_index``
    pages each; a page goes to the bundle its path's digest names."""
    count = max(1, math.ceil(len(names) / pages_per_index))
    groups: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(names):
        digest = hashlib.sha256(name.encode("utf-8")).digest()
        groups[int.from_bytes(digest[:8], "big") % count].append(name)
    return groups


def _indexer() -> str:
    """The Pagefind binary that will run, with its size and modification time."""
    try:
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is not None:
            found = binary.stat()
            return f"{binary} {found.st_size} {found.st_mtime_ns}"
    except (ImportError, OSError):
        pass
    raise PagefindFailed("no Pagefind binary found: install `pagefind[bin]`")


def _link(source: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, link)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, link)


def _run_pagefind(site: Path, output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
               *_OPTIONS, "--quiet"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise PagefindFailed(f"could not run Pagefind: {error}") from None
    if result.returncode != 0:
        raise PagefindFailed("Pagefind failed to index the site (is `pagefind[bin]` installed?):\n"
                             + (result.stderr or result.stdout))
