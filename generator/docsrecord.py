"""Which generated pages docs/ already holds, as the last build wrote them.

A warm build's paper pages are mostly the pages docs/ holds: reading ten thousand of them
back from the Markdown cache, or from docs/ to compare, took seconds. So after each build the
record notes, per page, the key of what was written (see ``mdcache.py``) and the identity of
the file then: size, modification and change times, inode and device. A page whose key and
file are both unchanged is neither rendered, nor read, nor written again. Anything else (the
file edited, replaced, touched or removed, docs/ restored from elsewhere, another docs/) fails
the comparison, and the page is rendered and compared as in a cold build. The change time
cannot be set back by any tool, so a file rewritten with the same size and modification time
is still noticed.
"""

from __future__ import annotations

import os
from pathlib import Path

from .fingerprint import digest
from .jsonstore import JsonStore


class DocsRecord:
    """Pages of one docs/ folder by name. ``holds`` and ``note`` work in any process the
    generator forks; ``taken`` hands a process's notes to the one that commits."""

    def __init__(self, store: JsonStore, docs_dir: Path) -> None:
        self.store = store
        self.folder = os.fspath(docs_dir.resolve())
        self._noted: dict[str, str] = {}  # page -> key, in this process since ``taken``

    def holds(self, name: str, key: str) -> bool:
        """Whether docs/``name`` is the file the last build wrote for ``key``; notes the page."""
        self._noted[name] = key
        return self.store.get(self._entry_key(name)) == [key, *self._identity(name)]

    def taken(self) -> dict[str, str]:
        """The pages noted in this process since the last call, with their keys."""
        noted, self._noted = self._noted, {}
        return noted

    def record(self, pages: dict[str, str]) -> None:
        """After the pages are in place: note each file as it is now, under its page's key."""
        for name, key in pages.items():
            identity = self._identity(name)
            if identity:
                self.store.put(self._entry_key(name), [key, *identity])

    def _entry_key(self, name: str) -> str:
        return digest(self.folder.encode("utf-8", "surrogateescape"),
                      name.encode("utf-8", "surrogatepass"))

    def _identity(self, name: str) -> list[int]:
        try:
            found = os.stat(os.path.join(self.folder, name), follow_symlinks=False)
        except OSError:
            return []
        return [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev]
