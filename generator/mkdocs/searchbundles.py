"""Pagefind's bundles in a build: a bundle whose key is unchanged stays in the published site.

Pagefind indexes every page it is given, about 10 s of CPU at 10,000 pages however few of
them changed. A bundle's key (see search.py) names its output exactly, so a warm build runs
the indexer only for the bundles whose key changed: those holding a page added, removed or
written differently. A bundle is left in the published site when the site's record
(livesite.py) holds each of its files under the bundle's key, unchanged since that build
published them; its list of files is kept in the cache (``search/``). Under ``paperwiki
serve``, which rebuilds in one site folder, a bundle is left when the last rebuild indexed
the same key there and its files are still in place. When in doubt a bundle is indexed again.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..jsonstore import JsonStore
from ..search import plan_bundles, write_bundle, write_bundle_list
from .warm import WarmBuild


# Under serve: each bundle folder's key and files, as the last rebuild left them.
ServedBundles = dict[str, tuple[str, list[str]]]


def index_site(site_dir: Path, warm: WarmBuild | None, live_site: Path | None,
               pages_per_index: int, served: ServedBundles | None = None) -> tuple[int, int]:
    """Index the site's pages for Pagefind, keeping the published bundles whose key is the
    same (or, with ``served``, those serve's last rebuild left); returns (bundles indexed,
    bundles kept)."""
    kept_pages = warm.kept if warm else set()
    bundles = plan_bundles(site_dir, live_site, kept_pages, pages_per_index)
    store = JsonStore(warm.cache.root / "search", "bundles", shards=1) if warm else None
    indexed = 0
    for bundle in bundles:
        files = None
        if served is not None:
            files = _still_served(bundle.key, site_dir / bundle.folder, served.get(bundle.folder))
        elif live_site:
            files = _published(bundle.key, bundle.folder, store, warm)
        if files is None:
            files, indexed = write_bundle(bundle, site_dir), indexed + 1
        if served is not None:
            served[bundle.folder] = (bundle.key, files)
        elif warm:
            warm.files_kept.update(f"{bundle.folder}/{name}" for name in files)
        if warm and store:
            warm.files.update((f"{bundle.folder}/{name}", bundle.key) for name in files)
            store.put(bundle.key, files)
    write_bundle_list(site_dir, bundles)
    if store:
        # Safe before publishing: a list is used only with the site's record of its files.
        store.commit()
    return indexed, len(bundles) - indexed


def _still_served(key: str, folder: Path, last: tuple[str, list[str]] | None,
                  ) -> list[str] | None:
    """The files serve's last rebuild indexed into ``folder`` for ``key``, if all are there."""
    if last is None or last[0] != key:
        return None
    files = last[1]
    return files if all(os.path.isfile(folder / name) for name in files) else None


def _published(key: str, folder: str, store: JsonStore | None,
               warm: WarmBuild | None) -> list[str] | None:
    """The files of the published bundle of ``key``, if every one is as its build left it."""
    files = store.get(key) if store else None
    if not warm or not warm.live or not isinstance(files, list) or not files:
        return None
    if all(isinstance(name, str) and warm.live.holds(f"{folder}/{name}", key) for name in files):
        return files
    return None
