"""Publishing a build: the new site replaces the old one, whole or by its changed files.

A cold build stages the whole new site beside the old one and swaps it in with two renames,
so a reader never sees half a site. A warm build renders only what changed, and writing ten
thousand unchanged pages again, then removing the old ones, would be most of its time. So
after each build the page cache notes what every page of the published site was made from:
its page key, and the file's size, modification time and inode (in the cache, one record
per site folder).
The next build leaves a page in place when its key is the same and the file still has those,
and stages only the rest; publishing then removes from the site what the new build no longer
makes and moves the staged files in, one rename each.

The record is removed before the site is touched, so an update cut short is never trusted:
the next build stages every page again. When in doubt a page is staged: a record of another
format or damaged, a file edited, replaced or restored from elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "paperwiki-site-record 1"


@dataclass(frozen=True)
class BuiltSite:
    """What a build leaves for publishing: the pages of the live site it kept in place, and
    the page key of every page it made (empty when it did not key them all)."""

    kept: frozenset[str] = frozenset()
    keys: Mapping[str, str] = field(default_factory=dict)


class LiveSite:
    """The published site a build will replace, and which of its pages the build may keep."""

    def __init__(self, root: Path | None, cache_root: Path) -> None:
        self.root = root
        self.record = _read_record(record_path(cache_root, root)) if root is not None else {}

    def holds(self, dest_uri: str, key: str) -> bool:
        """Whether the live site's page at ``dest_uri`` was made from ``key`` and is untouched
        since: then the build need not stage it."""
        noted = self.record.get(dest_uri)
        if self.root is None or noted is None or noted[0] != key:
            return False
        try:
            found = os.lstat(os.path.join(self.root, dest_uri))
        except OSError:
            return False
        return stat.S_ISREG(found.st_mode) and _identity(found) == noted[1:]


def publish(staging: Path, target: Path, built: BuiltSite, cache_root: Path) -> None:
    """Make ``target`` the site just built in ``staging`` (and the pages it kept), then note
    what each page was made from for the next build."""
    record = record_path(cache_root, target)
    record.unlink(missing_ok=True)
    if built.kept and target.is_dir():
        _update_in_place(staging, target, built.kept)
    else:
        _swap(staging, target)
    if built.keys:
        _note(target, built.keys, record)
    _forget_removed_sites(record.parent)


def record_path(cache_root: Path, site: Path) -> Path:
    """Where the record of the site published at ``site`` is kept: a build to another
    folder (``--site-dir``) has its own."""
    name = hashlib.sha256(os.fsencode(os.path.abspath(site))).hexdigest()[:16]
    return cache_root / "sites" / f"{name}.json"


def _swap(staging: Path, target: Path) -> None:
    """Replace the old site with the new in two renames."""
    retired = target.with_name(f".{target.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def _update_in_place(staging: Path, target: Path, kept: frozenset[str]) -> None:
    """Remove what neither the staged site nor the kept pages hold (and the folders that
    leaves empty, which a cold build never makes), then move every staged file in."""
    staged = set(_files(staging))
    emptied = set()
    for name in _files(target):
        if name not in staged and name not in kept:
            os.unlink(target / name)
            emptied.add(os.path.dirname(name))
    for folder in sorted(_with_parents(emptied), key=len, reverse=True):
        try:
            os.rmdir(target / folder)
        except OSError:  # not empty: it still holds pages
            pass
    for name in sorted(staged):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, destination)
    shutil.rmtree(staging)


def _files(root: Path) -> Iterator[str]:
    """Every file under ``root`` (symbolic links included, never followed), by path from it."""
    for folder, dirs, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative + "/"
        links = [name for name in dirs if os.path.islink(os.path.join(folder, name))]
        dirs[:] = [name for name in dirs if name not in links]
        for name in names + links:
            yield prefix + name


def _with_parents(folders: set[str]) -> set[str]:
    found = set()
    for folder in folders:
        while folder and folder not in found:
            found.add(folder)
            folder = os.path.dirname(folder)
    return found


def _note(site: Path, keys: Mapping[str, str], record: Path) -> None:
    """Record the key and identity of each page of ``site``; a failure to write only costs
    the next build its shortcut."""
    pages: dict[str, list[Any]] = {}
    for dest_uri, key in keys.items():
        try:
            pages[dest_uri] = [key, *_identity(os.lstat(site / dest_uri))]
        except OSError:
            continue
    temporary = record.with_name(f".{record.name}.{os.getpid()}.tmp")
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"format": FORMAT, "site": os.path.abspath(site),
                                         "pages": pages}, separators=(",", ":")), "utf-8")
        os.replace(temporary, record)
    except OSError:
        temporary.unlink(missing_ok=True)


def _forget_removed_sites(records: Path) -> None:
    """Records of site folders that no longer exist (a ``--site-dir`` since removed) are
    of no use to any build."""
    for record in records.glob("*.json") if records.is_dir() else ():
        try:
            site = json.loads(record.read_bytes()).get("site")
            if not isinstance(site, str) or not os.path.isdir(site):
                record.unlink()
        except (OSError, ValueError, AttributeError):
            record.unlink(missing_ok=True)


def _identity(found: os.stat_result) -> list[int]:
    return [found.st_size, found.st_mtime_ns, found.st_ino]


def _read_record(path: Path) -> dict[str, list[Any]]:
    """dest path -> [key, size, mtime_ns, inode]; a record of another format, or damaged,
    names nothing."""
    try:
        data = json.loads(path.read_bytes())
        if data["format"] != FORMAT:
            return {}
        return {name: noted for name, noted in data["pages"].items()
                if isinstance(noted, list) and len(noted) == 4 and isinstance(noted[0], str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
