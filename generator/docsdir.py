"""Write the generated pages into docs/: only what changed, never half a file, nothing stale.

A page docs/ already holds is rewritten only when its bytes change, through a temporary file
renamed over it, so unchanged pages keep their modification time (MkDocs' live reload relies
on it). A page docs/ does not hold yet is written straight under its name in a staging folder
inside docs/, and the staging folder is moved in once every page is written; a folder docs/
lacks moves with one rename. A first build so creates each of its files once instead of
twice (temporary name, then rename), and each process stages into a folder of its own:
processes creating files in one folder wait for each other's lock on it, spinning. At ten
thousand pages the two together more than halved the kernel time of rendering and writing.
A leftover staging folder of an interrupted run is removed as stale.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .atomic import write_atomically
from .filerecord import file_identity

KEEP = frozenset({".gitignore"})  # keeps the folder in git while ignoring its contents


class KnownText:
    """What each file of docs/ held when a long-running process (``paperwiki serve``) last
    wrote or compared it, with the file's identity then (``file_identity``). A page rendered
    the same again is not read back while its file is unchanged: reading back ten thousand
    pages (and the 50 MB of exports) took a fifth of every rebuild at 10,000 papers. A file
    touched since, by anything, fails the identity check and is compared as usual."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[str | bytes, list[int]]] = {}

    def holds(self, path: str, text: str | bytes) -> bool:
        known = self._files.get(path)
        return (known is not None and (known[0] is text or known[0] == text)
                and known[1] == file_identity(path))

    def note(self, path: str, text: str | bytes) -> None:
        """``path`` holds ``text`` now; a file that is not there is not noted."""
        identity = file_identity(path)
        if identity:
            self._files[path] = (text, identity)
        else:
            self._files.pop(path, None)


class DocsWriter:
    """One run's writes into ``docs_dir``; it may be shared by forked processes, each writing
    different pages, and is published (or discarded) once, by the process that made it.
    ``known``: what the process's earlier runs wrote (kept by the process that made it)."""

    def __init__(self, docs_dir: Path, known: KnownText | None = None) -> None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        self.docs_dir = docs_dir
        self.known = known
        self.staging = tempfile.mkdtemp(dir=docs_dir, prefix=".new-")
        self._folders: set[str] = set()

    def write(self, name: str, text: str | bytes) -> bool:
        """Write the page ``name`` (a path relative to docs/) unless it already holds ``text``
        (bytes: as they are; text: in UTF-8); returns whether it changed."""
        path = os.path.join(self.docs_dir, name)
        if self.known is not None and self.known.holds(path, text):
            return False
        changed = write_atomically(Path(path), text,
                                   create=lambda _, data: self._stage(name, data))
        if self.known is not None:  # a staged page is noted once in place, at its next run
            self.known.note(path, text)
        return changed

    def _stage(self, name: str, data: bytes) -> None:
        path = os.path.join(self.staging, str(os.getpid()), name)
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        with open(path, "xb") as stream:
            stream.write(data)

    def publish(self) -> None:
        """Move every staged page to its place in docs/."""
        for process in sorted(os.listdir(self.staging)):
            _move_into(os.path.join(self.staging, process), str(self.docs_dir))
        os.rmdir(self.staging)

    def discard(self) -> None:
        """Drop what is still staged (nothing, after ``publish``)."""
        shutil.rmtree(self.staging, ignore_errors=True)


def _move_into(source: str, target: str) -> None:
    for entry in os.scandir(source):
        destination = os.path.join(target, entry.name)
        if entry.is_dir(follow_symlinks=False) and os.path.isdir(destination):
            _move_into(entry.path, destination)
        else:
            os.replace(entry.path, destination)
    os.rmdir(source)


def remove_stale(docs_dir: Path, keep: set[str]) -> tuple[str, ...]:
    """Delete what the generator no longer makes, and folders left empty. os.walk with plain
    strings: Path objects for ten thousand files took half a second on every rebuild."""
    if not docs_dir.is_dir():
        return ()
    keep = keep | KEEP
    stale, folders = [], []
    for folder, _, names in os.walk(docs_dir):
        relative = os.path.relpath(folder, docs_dir).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        folders.append(folder)
        stale += [prefix + name for name in names if prefix + name not in keep]
    stale.sort()
    for path in stale:
        (docs_dir / path).unlink()
    for folder in sorted(folders, reverse=True):
        if folder != str(docs_dir) and not os.listdir(folder):
            os.rmdir(folder)
    return tuple(stale)
