"""Pagefind search for large wikis: a page with its UI, and indexing the built site.

Material's built-in search downloads one index of the whole site and builds it in the
browser, about 2.5 KB per page: fine for hundreds of papers, a long freeze at ten thousand.
Pagefind splits its index into chunks and fetches only those a query needs. The ``pagefind``
package on PyPI ships the indexer binary, so nothing is downloaded at build time.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

from .outputs import SEARCH


class PagefindFailed(RuntimeError):
    """Pagefind could not index the site; the message says why."""


def search_page() -> dict[str, str]:
    """The search page, added to the generated pages when Pagefind is the engine."""
    template = resources.files("generator") / "templates" / "search.md"
    return {SEARCH: template.read_text("utf-8")}


def index_with_pagefind(site_dir: Path) -> None:
    """Index the article of every page (not navigation or footer) into site/pagefind/."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir),
               "--root-selector", "article", "--exclude-selectors", ".headerlink", "--quiet"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise PagefindFailed(f"could not run Pagefind: {error}") from None
    if result.returncode != 0:
        raise PagefindFailed("Pagefind failed to index the site (is `pagefind[bin]` installed?):\n"
                          + (result.stderr or result.stdout))
