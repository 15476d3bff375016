"""What a warm build reuses from the last one, stage by stage, in ``.cache/paperwiki/``.

One object per build, handed to ``generate()``: the parsed papers (``papercache.py``), topic
matches and related papers (``enrichcache.py``) and the paper pages' Markdown (a store the caller provides, see ``generator/mkdocs/mdcache.py``).
Every stage cache is keyed by its inputs and by ``fingerprint`` (the generator's own files and
the versions of the libraries it runs on), so a value is reused only where a cold build would
compute the very same one. Nothing is reused unless the build is given a ``BuildCache``:
``--no-cache`` (``cache: false``) and ``paperwiki serve`` neither read nor write the folder.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol

from .enrichcache import EnrichmentCache
from .jsonstore import JsonStore, digest
from .papercache import PaperCache
from .render import PaperPage

STAGES = "stages"  # the stage caches' folder, inside the cache folder
# Whatever reads, matches or compares content besides our own code.
DISTRIBUTIONS = ("pyyaml", "jsonschema", "fastjsonschema", "google-re2", "pyahocorasick",
                 "numpy", "scipy", "nh3", "jinja2", "markupsafe")


class PaperPages(Protocol):
    """Paper pages' Markdown by ``PaperPage``, kept between builds."""

    def __call__(self, page: PaperPage, render: Callable[[PaperPage], str]) -> str: ...

    def commit(self) -> tuple[int, int]: ...


@dataclass(frozen=True)
class BuildCache:
    papers: PaperCache
    enrichment: EnrichmentCache
    paper_pages: PaperPages
    stores: tuple[JsonStore, ...]

    @classmethod
    def in_folder(cls, folder: Path, code: str, paper_pages: PaperPages) -> BuildCache:
        """The caches in ``folder``; ``code`` is a digest of the generator's own files."""
        fingerprint = digest(b"stages", code.encode(), versions().encode()).encode()
        papers, topics = JsonStore(folder / STAGES, "papers"), JsonStore(folder / STAGES, "topics")
        related = JsonStore(folder / STAGES, "related", shards=1)
        return cls(PaperCache(papers, fingerprint),
                   EnrichmentCache(topics, related, fingerprint), paper_pages,
                   (papers, topics, related))

    def commit(self) -> tuple[int, int]:
        """After the generator succeeded: keep what this build used and stored, drop the rest.
        Returns how many paper pages came from the cache and how many were rendered."""
        for store in self.stores:
            store.commit()
        return self.paper_pages.commit()


def versions() -> str:
    found = []
    for name in DISTRIBUTIONS:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return f"python={sys.version_info[0]}.{sys.version_info[1]} " + " ".join(found)
