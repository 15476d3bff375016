"""Pagefind search for large wikis: a page with its UI, and indexing the built site.

Material's built-in search downloads one index of the whole site and builds it in the
browser, about 2.5 KB per page: fine for hundreds of papers, a long freeze at ten thousand.
Pagefind splits its index into chunks and fetches only those a query needs. The ``pagefind``
package on PyPI ships the indexer binary, so nothing is downloaded at build time.

The indexer holds about 135 KB per page until it writes (1.4 GB at 10,000 pages), so a large
site is indexed as several bundles of at most ``pages_per_index`` pages each, one indexer run
at a time; the search page merges them at query time (``BUNDLES`` lists them). A page's
bundle depends only on its path and the number of bundles. The pages of a warm build are
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
from collections.abc import Collection, Iterator
from importlib import resources
from pathlib import Path

from .outputs import SEARCH

PAGES_PER_INDEX = 5000  # about 700 MB of indexer memory
BUNDLE = "pagefind"  # the first bundle's folder; the others are pagefind-2/, pagefind-3/, …
BUNDLES = f"{BUNDLE}/bundles.json"  # the bundles' folders, read by pagefind-start.js
_INPUT = ".pagefind-input"  # inside the site while indexing: links to one bundle's pages


class PagefindFailed(RuntimeError):
    """Pagefind could not index the site; the message says why."""


def search_page() -> dict[str, str]:
    """The search page, added to the generated pages when Pagefind is the engine."""
    template = resources.files("generator") / "templates" / "search.md"
    return {SEARCH: template.read_text("utf-8")}


def index_with_pagefind(site_dir: Path, kept_in: Path | None = None,
                        kept: Collection[str] = (),
                        pages_per_index: int = PAGES_PER_INDEX) -> list[str]:
    """Index the article of every page (not navigation or footer) into the site's bundles;
    returns their folders. ``kept``: pages of the site left in ``kept_in`` (the published
    site) instead of written to ``site_dir``."""
    sources = {name: site_dir / name for name in _html_files(site_dir)}
    if kept_in is not None:
        sources.update((name, kept_in / name) for name in kept if name.endswith(".html"))
    groups = bundle_pages(sources, pages_per_index)
    folders = [BUNDLE if number == 0 else f"{BUNDLE}-{number + 1}" for number in range(len(groups))]
    links = site_dir / _INPUT
    try:
        for folder, names in zip(folders, groups):
            shutil.rmtree(links, ignore_errors=True)
            for name in names:
                _link(sources[name], links / name)
            _run_pagefind(links, site_dir / folder)
    finally:
        shutil.rmtree(links, ignore_errors=True)
    (site_dir / BUNDLES).write_text(json.dumps([f"{folder}/" for folder in folders]), "utf-8")
    return folders


def bundle_pages(names: Collection[str], pages_per_index: int) -> list[list[str]]:
    """The pages of each bundle, as few bundles as hold at most about ``pages_per_index``
    pages each; a page goes to the bundle its path's digest names."""
    count = max(1, math.ceil(len(names) / pages_per_index))
    groups: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(names):
        digest = hashlib.sha256(name.encode("utf-8")).digest()
        groups[int.from_bytes(digest[:8], "big") % count].append(name)
    return groups


def _html_files(site_dir: Path) -> Iterator[str]:
    """The HTML files Pagefind would index in ``site_dir``, by path from it."""
    for folder, dirs, names in os.walk(site_dir):
        relative = os.path.relpath(folder, site_dir)
        if relative == ".":
            dirs[:] = [name for name in dirs if name != _INPUT]
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        yield from (prefix + name for name in names if name.endswith(".html"))


def _link(source: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, link)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, link)


def _run_pagefind(site: Path, output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output),
               "--root-selector", "article", "--exclude-selectors", ".headerlink", "--quiet"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise PagefindFailed(f"could not run Pagefind: {error}") from None
    if result.returncode != 0:
        raise PagefindFailed("Pagefind failed to index the site (is `pagefind[bin]` installed?):\n"
                             + (result.stderr or result.stdout))
