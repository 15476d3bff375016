"""Paper pages' Markdown kept between builds: a warm build renders only the papers whose
page changed.

A paper page's Markdown is a function of one value, its ``PaperPage`` (everything the page
shows: the paper, its topics, listings, related papers' cards, feeds, citation key, site
address), and of the code and templates rendering it. So its key hashes that value's
``repr`` (dataclasses, tuples, strings and numbers, written the same in every process) with
the generator's own files (templates included) and the versions of Python and the libraries
the text goes through. Entries live in ``.cache/paperwiki/markdown/`` in the page cache's
format (see ``pagecache.py``): trusted whole, under their key, and only the entries the last
successful run used or stored are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from ..buildcache import BuildCache
from ..fingerprint import digest, library_versions
from .pagecache import DISTRIBUTIONS, FORMAT, PageCache, cache_dir, tree_digest

Page = TypeVar("Page")
GENERATOR = Path(__file__).resolve().parent.parent


def build_cache(config_file: Path) -> BuildCache:
    """A project's caches for one build of the generator: its stage caches, and its paper
    pages' Markdown."""
    root, code = cache_dir(config_file), generator_digest()
    return BuildCache(root, code, PaperPageMemo(root, code))


def generator_digest() -> str:
    """The generator's own files, templates included: what its output depends on besides
    content and libraries."""
    return tree_digest([str(GENERATOR)])


class PaperPageMemo:
    """Markdown by ``PaperPage``: from the cache, else rendered and stored. Usable in the
    processes the generator forks: each appends what it renders to a file of its own."""

    def __init__(self, cache_root: Path, code: str | None = None) -> None:
        """``code`` is ``generator_digest()``, when the caller has it already."""
        self.cache = PageCache(cache_root / "markdown")
        self.fingerprint = digest(FORMAT, b"markdown", (code or generator_digest()).encode(),
                                   library_versions(DISTRIBUTIONS).encode()).encode()

    def key(self, page: Page) -> str:
        return digest(self.fingerprint, repr(page).encode("utf-8", "surrogatepass"))

    def __call__(self, page: Page, render: Callable[[Page], str], key: str | None = None) -> str:
        """``key`` is ``self.key(page)``, when the caller has it already."""
        key = key or self.key(page)
        entry = self.cache.get(key)
        if entry is not None:
            return str(entry["html"])
        markdown = render(page)
        self.cache.put(key, {"html": markdown, "meta": {}})
        return markdown

    def commit(self, reused: Iterable[str] = ()) -> tuple[int, int]:
        """After the generator succeeded: keep what this run used and stored, and the
        entries of ``reused`` keys (pages docs/ still held, which no process read). Returns
        how many pages were not rendered and how many were rendered (and stored)."""
        stored = self.cache.stored_records()
        counts = len({*reused, *self.cache.used_keys()} - set(stored)), len(stored)
        try:
            self.cache.commit(reused, stored)
        except OSError:  # only costs renders next time
            self.cache.close()
        return counts
