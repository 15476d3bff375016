"""Publishing a build: the new site replaces the old one, whole or by its changed files.

A cold build stages the whole new site beside the old one and swaps it in with two renames,
so a reader never sees half a site. A warm build renders only what changed, and writing ten
thousand unchanged pages again, then removing the old ones, would be most of its time. So
after each build the cache records what every page of the published site was made from: its
page key, with the file's identity (a ``FileRecord``, in a store of its own per site folder).
The next build leaves a page in place when the record still holds it, and stages only the
rest; publishing then removes from the site what the new build no longer makes and moves the
staged files in, one rename each.

The record is removed before the site is touched, so an update cut short is never trusted:
the next build stages every page again. When in doubt a page is staged: a record damaged or
foreign, a file edited, replaced or restored from elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..filerecord import FileRecord, files_under
from ..jsonstore import JsonStore

SITES = "sites"  # the site records' folder, inside the cache folder
SITE = "site"  # the entry of a site's record that names its folder


@dataclass(frozen=True)
class BuiltSite:
    """What a build leaves for publishing: the pages of the live site it kept in place, and
    the page key of every page it made (empty when it did not key them all)."""

    kept: frozenset[str] = frozenset()
    keys: Mapping[str, str] = field(default_factory=dict)


class LiveSite:
    """The published site a build will replace, and which of its pages the build may keep."""

    def __init__(self, root: Path | None, cache_root: Path) -> None:
        self.record = FileRecord(_store(cache_root, root), root) if root is not None else None

    def holds(self, dest_uri: str, key: str) -> bool:
        """Whether the live site's page at ``dest_uri`` was made from ``key`` and is untouched
        since: then the build need not stage it."""
        return self.record is not None and self.record.holds(dest_uri, key)


def publish(staging: Path, target: Path, built: BuiltSite, cache_root: Path) -> None:
    """Make ``target`` the site just built in ``staging`` (and the pages it kept), then note
    what each page was made from for the next build."""
    store = _store(cache_root, target)
    store.remove()
    if built.kept and target.is_dir():
        _update_in_place(staging, target, built.kept)
    else:
        _swap(staging, target)
    if built.keys:
        store.put(SITE, os.path.abspath(target))
        FileRecord(store, target).record(built.keys)
        store.commit()
    _forget_removed_sites(store.folder)


def record_files(cache_root: Path, site: Path) -> list[Path]:
    """The files of the record of the site published at ``site``: a build to another folder
    (``--site-dir``) has its own."""
    store = _store(cache_root, site)
    return [store.folder / name for name in sorted(store.file_names())]


def _store(cache_root: Path, site: Path) -> JsonStore:
    name = hashlib.sha256(os.fsencode(os.path.abspath(site))).hexdigest()[:16]
    return JsonStore(cache_root / SITES, name, shards=1)


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
    staged = set(files_under(staging))
    emptied = set()
    for name in files_under(target):
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


def _with_parents(folders: set[str]) -> set[str]:
    found = set()
    for folder in folders:
        while folder and folder not in found:
            found.add(folder)
            folder = os.path.dirname(folder)
    return found


def _forget_removed_sites(records: Path) -> None:
    """Records of site folders that no longer exist (a ``--site-dir`` since removed) are of
    no use to any build, nor is a file that is no site's record."""
    for name in os.listdir(records) if records.is_dir() else ():
        store = JsonStore(records, name.partition(".")[0], shards=1)
        site = store.get(SITE) if store.file_names() == {name} else None
        if not isinstance(site, str) or not os.path.isdir(site):
            try:
                os.unlink(records / name)
            except OSError:  # a folder, say: not ours to remove
                pass
