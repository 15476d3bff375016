"""One build or import at a time in a project, and nothing left behind by runs that were killed.

Two runs at once would undo each other's work: each removes from docs/ what it did not write
itself, the other's staged pages included, and both swap a new site in through the same names.
So ``paperwiki build``, ``paperwiki import`` and every rebuild of ``paperwiki serve`` hold an
exclusive lock (``flock``) on ``.paperwiki.lock`` beside mkdocs.yml, removed when they end; a
second run waits, and says which process it waits for. The kernel drops the lock when its
holder dies, however it dies, so a killed run never blocks the next one (its lock file stays,
unlocked, until the next run ends).

A killed run leaves debris: a half-built site staged beside site/, temporary files of atomic
writes. Their names carry the id of the process that made them, and the next run removes
those whose process is gone, once it holds the lock (debris named by older versions, without
a process id, too: no run can be making them while the lock is held).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".paperwiki.lock"
TEMPORARY_SUFFIX = ".tmp"


@contextmanager
def project_lock(project: Path, command: str,
                 waiting: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the project's lock while the block runs; ``waiting`` hears who holds it when it
    is taken, before this waits for it. The lock file exists only while a run holds it."""
    path = project / LOCK_NAME
    handle = _acquire(path, waiting)
    try:
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()} {command}\n".encode(), 0)
        yield
    finally:
        path.unlink(missing_ok=True)  # still locked: whoever opens it next makes a new one
        os.close(handle)  # releases the lock (forked workers' copies end with them)


def _acquire(path: Path, waiting: Callable[[str], None]) -> int:
    """An open, locked handle on the lock file at ``path``. A run that waited on a file its
    holder then removed locks the new one instead."""
    told = False
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not told:
                waiting(f"waiting for {_holder(handle)} to finish (it holds {LOCK_NAME}) …")
                told = True
            fcntl.flock(handle, fcntl.LOCK_EX)
        if _is_current(handle, path):
            return handle
        os.close(handle)


def _is_current(handle: int, path: Path) -> bool:
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(handle)
    return (opened.st_dev, opened.st_ino) == (current.st_dev, current.st_ino)


def _holder(handle: int) -> str:
    """Who holds the lock, as its holder wrote it: ``paperwiki build (process 1234)``."""
    pid, _, command = os.pread(handle, 200, 0).decode("utf-8", "replace").strip().partition(" ")
    if not pid.isdigit():
        return "another run"
    return f"{command or 'another run'} (process {pid})"


def process_tag() -> str:
    """The part of a temporary name that says which process made it."""
    return f"{os.getpid()}."


# A staged site: `.site.<pid>.<random>` (older versions: `.site.<random>`) and `.site.old`.
def _staged_site(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.(?:(?:(?P<pid>\d+)\.)?[a-z0-9_]{{8}}|old)")


# A temporary file of an atomic write: `.<name>.<pid>.<random>.tmp` (older: no pid).
_TEMPORARY_FILE = re.compile(rf"\..+?\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{{8}}{re.escape(TEMPORARY_SUFFIX)}")


def remove_staged_sites(target: Path) -> list[Path]:
    """Remove sites that killed builds staged beside ``target``; returns what was removed."""
    return _remove(target.parent, _staged_site(target.name))


def remove_temporary_files(*folders: Path) -> list[Path]:
    """Remove temporary files of interrupted atomic writes in ``folders``."""
    return [path for folder in folders for path in _remove(folder, _TEMPORARY_FILE)]


def _remove(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    removed = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _alive(match["pid"]):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            Path(entry.path).unlink(missing_ok=True)
        removed.append(Path(entry.path))
    return removed


def _alive(pid: str | None) -> bool:
    """Whether the process that made a file still runs (this one counts as running)."""
    if pid is None:
        return False
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, OverflowError):  # gone, or never a process id
        return False
    except PermissionError:  # another user's
        return True
    return True
