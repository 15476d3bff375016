"""What a warm build reuses from the last one, stage by stage, in ``.cache/paperwiki/``.

One object per build, handed to ``generate()``: the parsed papers (``papercache.py``), topic
matches and related papers (``enrichcache.py``), the paper pages' Markdown (a store the caller
provides, see ``generator/mkdocs/mdcache.py``) and which of those pages docs/ already holds
(``filerecord.py``).
Every stage cache is keyed by its inputs and by ``fingerprint`` (the generator's own files and
the versions of the libraries it runs on), so a value is reused only where a cold build would
compute the very same one. Nothing is reused unless the build is given a ``BuildCache``:
``--no-cache`` (``cache: false``) and ``paperwiki serve`` neither read nor write the folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from .enrichcache import EnrichmentCache
from .filerecord import FileRecord
from .fingerprint import digest, library_versions
from .jsonstore import JsonStore
from .outputs import page as page_path
from .papercache import PaperCache
from .render import PaperPage

STAGES = "stages"  # the stage caches' folder, inside the cache folder
# Whatever reads, matches or compares content besides our own code.
DISTRIBUTIONS = ("pyyaml", "jsonschema", "fastjsonschema", "google-re2", "pyahocorasick",
                 "numpy", "scipy", "nh3", "jinja2", "markupsafe")


class Markdown(Protocol):
    """Paper pages' Markdown by ``PaperPage``, kept between builds."""

    def key(self, page: PaperPage) -> str: ...

    def __call__(self, page: PaperPage, render: Callable[[PaperPage], str],
                 key: str | None = None) -> str: ...

    def commit(self, reused: Iterable[str] = ()) -> tuple[int, int]: ...


class BuildCache:
    """The stage caches of one build; ``commit`` once the generator has succeeded."""

    def __init__(self, folder: Path, code: str, markdown: Markdown) -> None:
        """The caches in ``folder``; ``code`` is a digest of the generator's own files."""
        fingerprint = digest(b"stages", code.encode(), library_versions(DISTRIBUTIONS).encode()).encode()
        stages = folder / STAGES
        self.stores = tuple(JsonStore(stages, name, shards=1 if name == "related" else 16)
                            for name in ("papers", "topics", "related", "docs"))
        papers, topics, related, self.docs = self.stores
        self.papers = PaperCache(papers, fingerprint)
        self.enrichment = EnrichmentCache(topics, related, fingerprint)
        self.markdown = markdown
        self._pages: dict[str, str] = {}  # docs path -> key of the paper pages of this build

    def paper_pages(self, docs_dir: Path) -> PaperPagesInDocs:
        return PaperPagesInDocs(self.markdown, FileRecord(self.docs, docs_dir))

    def written(self, pages: PaperPagesInDocs, keys: dict[str, str]) -> None:
        """The paper pages of this build, by docs path, once they are all in place."""
        pages.record.record(keys)
        self._pages = keys

    def commit(self) -> tuple[int, int]:
        """After the generator succeeded: keep what this build used and stored, drop the rest.
        Returns how many paper pages were not rendered and how many were."""
        for store in self.stores:
            store.commit()
        self._remove_strays()
        return self.markdown.commit(self._pages.values())

    def _remove_strays(self) -> None:
        """Files no store of this version writes (stores of older versions, debris of a
        killed build): no build uses them."""
        folder = self.stores[0].folder
        known = {name for store in self.stores for name in store.file_names()}
        for name in set(os.listdir(folder)) - known if folder.is_dir() else ():
            try:
                (folder / name).unlink()
            except OSError:  # a folder, say: not ours to remove
                pass


class PaperPagesInDocs:
    """Paper pages' Markdown, except for the pages docs/ already holds (see ``filerecord``):
    for those, None. Works in any process the generator forks; ``taken`` hands a process's
    pages to the one that records them."""

    def __init__(self, markdown: Markdown, record: FileRecord) -> None:
        self.markdown, self.record = markdown, record
        self._noted: dict[str, str] = {}  # page -> key, in this process since ``taken``

    def __call__(self, page: PaperPage, render: Callable[[PaperPage], str]) -> str | None:
        name, key = page_path("paper", page.entry.id), self.markdown.key(page)
        self._noted[name] = key
        return None if self.record.holds(name, key) else self.markdown(page, render, key)

    def taken(self) -> dict[str, str]:
        """The pages asked for in this process since the last call, with their keys."""
        noted, self._noted = self._noted, {}
        return noted

