"""Which files of a folder are as the last build wrote them: generated pages in docs/, pages
of the published site.

A warm build's pages are mostly the files the last build left: reading ten thousand of them
back from a cache, or comparing them, took seconds. So after each build a record notes, per
file, the key of what was written (what the file was made from) and the identity of the file
then (``file_identity``). A file whose key and identity are both unchanged need not be made,
read or written again. Anything else (the file edited, replaced, touched or removed, the
folder restored from elsewhere, another folder) fails the comparison, and the file is made
as in a cold build. The change time cannot be set back by any tool, so a file rewritten with
the same size and modification time is still noticed.

The record lives in a ``JsonStore``, so a damaged, truncated or foreign record is ignored.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from .fingerprint import digest
from .jsonstore import JsonStore


def file_identity(path: str) -> list[int]:
    """Size, modification and change times, inode and device of the regular file at ``path``
    (a symbolic link is not followed); empty when there is none."""
    try:
        found = os.stat(path, follow_symlinks=False)
    except OSError:
        return []
    if not stat.S_ISREG(found.st_mode):
        return []
    return [found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev]


def files_under(root: Path, skip: Collection[str] = ()) -> Iterator[str]:
    """Every file under ``root`` by path from it, with slashes; a symbolic link to a folder is
    named, never followed. ``skip``: folders of the top level left out."""
    for folder, dirs, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        links = [name for name in dirs if os.path.islink(os.path.join(folder, name))]
        dirs[:] = [name for name in dirs if name not in links
                   and not (relative == "." and name in skip)]
        yield from (prefix + name for name in names + links)


class FileRecord:
    """The files of one folder by name (a path from the folder, with slashes), each with the
    key it was made from; works in any process the generator forks (reading only)."""

    def __init__(self, store: JsonStore, folder: Path) -> None:
        self.store = store
        self.folder = os.fspath(folder.resolve())

    def holds(self, name: str, key: str) -> bool:
        """Whether the file ``name`` is the one the last build wrote for ``key``."""
        noted = self.store.get(self._entry_key(name))
        if noted is None:
            return False
        identity = file_identity(os.path.join(self.folder, name))
        return bool(identity) and noted == [key, *identity]

    def record(self, files: Mapping[str, str]) -> None:
        """After the files are in place: note each as it is now, under its key (the store
        keeps what it is given when committed)."""
        for name, key in files.items():
            identity = file_identity(os.path.join(self.folder, name))
            if identity:
                self.store.put(self._entry_key(name), [key, *identity])

    def _entry_key(self, name: str) -> str:
        return digest(self.folder.encode("utf-8", "surrogateescape"),
                      name.encode("utf-8", "surrogatepass"))
