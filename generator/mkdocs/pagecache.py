"""The page cache of warm builds: a page whose inputs did not change is not rendered again.

Each page's rendered HTML, its search-index entries and the anchors it defines are kept in
``.cache/paperwiki/pages/`` beside mkdocs.yml, under a key hashing everything the page's output
depends on (``page_key``): its Markdown source and address, the date the sitemap gives it,
the targets of its links (whether each exists, and the source of any page it links into with
an anchor), plus what every page shares (``build_fingerprint``): mkdocs.yml, the navigation,
every file of the theme and of overrides/, this package's code and the versions of
PaperWiki, MkDocs, Material and the Markdown libraries. When in doubt, render: a page whose
key is not found renders as in a cold build.

The cache is safe to lose, corrupt or share:

- an entry is a header line (format, key, SHA-256 of the body) and a JSON body; a file whose
  header does not match the key it is read under, or whose body does not match its checksum
  (truncated, edited, from elsewhere), is ignored;
- entries are written under a temporary name and renamed, so none is ever half-written;
- an entry is trusted only if the manifest of the last successful, warning-free build names
  it: a page rendered in a build that failed (or warned) is rendered again next time, and its
  warnings with it;
- after such a build, entries it did not use are removed: the cache holds one site's pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import sys
import tempfile
from collections.abc import Callable, Container, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote

FORMAT = b"paperwiki-page-cache 1"
CACHE_DIR = ".cache/paperwiki"
MANIFEST = "manifest.json"
# Whatever renders a page besides our own code and the theme's files.
DISTRIBUTIONS = ("paperwiki", "mkdocs", "properdocs", "mkdocs-material", "markdown", "pymdown-extensions",
                 "jinja2", "pygments", "markupsafe")

_LINK_TARGETS = re.compile(
    r"\]\(\s*<?([^)\s>]+)"                       # [text](target)
    r"|(?:href|src)\s*=\s*[\"']([^\"']*)[\"']"    # raw HTML
    r"|^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)",        # [reference]: target
    re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def cache_dir(config_file: Path) -> Path:
    """Where a project's cache lives: beside its mkdocs.yml (ignored by git)."""
    return config_file.parent / CACHE_DIR


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def tree_digest(folders: Iterable[str]) -> str:
    """Every file under ``folders`` (path and bytes): the theme, overrides/, our own code."""
    digest = hashlib.sha256()
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(name for name in dirs if name != "__pycache__")
            for name in sorted(names):
                path = os.path.join(root, name)
                digest.update(os.path.relpath(path, folder).encode("utf-8", "surrogateescape"))
                with open(path, "rb") as stream:
                    digest.update(hashlib.sha256(stream.read()).digest())
    return digest.hexdigest()


def _versions() -> str:
    found = []
    for name in DISTRIBUTIONS:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return f"python={sys.version_info[0]}.{sys.version_info[1]} " + " ".join(found)


def build_fingerprint(config_file: Path, nav: object, theme_dirs: Iterable[str],
                      builder: str) -> str:
    """What every page's output depends on alike. ``builder`` names the program building
    (MkDocs or ProperDocs, which share configuration and plugins), and its version: pages
    name it in their head."""
    own_code = os.path.dirname(os.path.abspath(__file__))
    return _sha256(FORMAT, builder.encode("utf-8"), config_file.read_bytes(),
                   json.dumps(nav, sort_keys=True, ensure_ascii=False).encode("utf-8"),
                   tree_digest([*theme_dirs, own_code]).encode(), _versions().encode())


def link_targets(markdown: str, src_uri: str) -> list[tuple[str, str]]:
    """The relative links of a page's source, as (path from docs/, anchor): a superset of the
    links MkDocs resolves, whose targets' existence decides how each is written (or warned
    of). Absolute and external addresses do not depend on other files."""
    found = set()
    for match in _LINK_TARGETS.finditer(markdown):
        target = next(group for group in match.groups() if group is not None)
        if not target or _SCHEME.match(target) or target.startswith(("/", "#")):
            continue
        path, _, anchor = target.partition("#")
        path = unquote(path.split("?")[0])
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), path))
        found.add((resolved, anchor))
    return sorted(found)


def page_key(fingerprint: str, src_uri: str, url: str, source: bytes, extra: str,
             known: Container[str], read: Callable[[str], bytes]) -> str:
    """The key of one page. ``extra`` is what else the plugin gives the page (its sitemap
    date, whether it is hand-written); ``known`` holds every file of the build by its path
    from docs/, and ``read`` gives one's bytes, for the pages linked into with an anchor."""
    text = source.decode("utf-8", "replace")
    links = []
    for path, anchor in link_targets(text, src_uri):
        existing = [candidate for candidate in (path, path + "/index.md", path + "/README.md")
                    if candidate in known]
        content = b"".join(read(name) for name in existing) if anchor else b""
        links.append(f"{path}#{anchor}|{','.join(existing)}|{_sha256(content)}")
    return _sha256(fingerprint.encode(), src_uri.encode(), url.encode(), source,
                   extra.encode("utf-8"), "\n".join(links).encode("utf-8"))


class PageCache:
    """The entries of one cache folder, and the keys of the build that uses them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pages = root / "pages"
        self.trusted = self._read_manifest()

    def _read_manifest(self) -> frozenset[str]:
        try:
            keys = json.loads((self.root / MANIFEST).read_text("utf-8"))["keys"]
            return frozenset(key for key in keys if isinstance(key, str))
        except (OSError, ValueError, KeyError, TypeError):
            return frozenset()

    def _path(self, key: str) -> Path:
        return self.pages / key[:2] / key

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry stored under ``key``, or None if absent, untrusted or damaged."""
        if key not in self.trusted:
            return None
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        header, newline, body = data.partition(b"\n")
        if not newline or header != _header(key, body):
            return None
        try:
            entry = json.loads(body)
        except ValueError:
            return None
        if not isinstance(entry, dict) or not isinstance(entry.get("html"), str) \
                or not isinstance(entry.get("meta"), dict):
            return None
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store ``entry`` under ``key`` whole or not at all; a failure to write (or a value
        JSON cannot hold exactly, in a page's metadata) only costs a render next time."""
        try:
            body = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError):
            return
        if json.loads(body) != entry:
            return
        try:
            _write_whole(self._path(key), _header(key, body) + b"\n" + body)
        except OSError:
            pass

    def commit(self, keys: Iterable[str]) -> int:
        """After a successful build: trust exactly its ``keys`` and remove every other entry.
        Returns the entries removed."""
        keys = frozenset(keys)
        self.root.mkdir(parents=True, exist_ok=True)
        _write_whole(self.root / MANIFEST,
                     json.dumps({"keys": sorted(keys)}).encode("utf-8"))
        self.trusted = keys
        removed = 0
        for folder in (self.pages.iterdir() if self.pages.is_dir() else ()):
            for path in folder.iterdir():
                if path.name not in keys:
                    path.unlink(missing_ok=True)
                    removed += 1
            if not any(folder.iterdir()):
                folder.rmdir()
        return removed


def _header(key: str, body: bytes) -> bytes:
    return FORMAT + b" " + key.encode("ascii", "replace") + b" " + \
        hashlib.sha256(body).hexdigest().encode("ascii")


def _write_whole(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
