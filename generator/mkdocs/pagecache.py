"""The page cache of warm builds: a page whose inputs did not change is not rendered again.

Each page's rendered HTML, its search-index entries and the anchors it defines are kept in
``.cache/paperwiki/pages/`` beside mkdocs.yml, under a key hashing everything the page's output
depends on (``page_key``): its Markdown source and address, the date the sitemap gives it,
the targets of its links (whether each exists, and the source of any page it links into with
an anchor), plus what every page shares (``build_fingerprint``): mkdocs.yml, the navigation,
every file of overrides/ (and of a theme not installed as a package), this package's code
and the versions of PaperWiki, MkDocs, Material and the Markdown libraries. When in doubt,
render: a page whose key is not found renders as in a cold build.

Filling the cache costs a cold build next to nothing: each process that renders pages appends
them to a pack of its own (one file per process and build, no fsync), as one header line and
the entry (its small fields as a line of JSON, then the HTML as it is).

The cache is safe to lose, corrupt or share:

- a record's header holds the format, the key and the SHA-256 and length of its body; a
  record that does not match the key it is read under, or its checksum (truncated, edited,
  from elsewhere), is ignored;
- an entry is trusted only if the manifest of the last successful, warning-free build names
  it (with its pack and place): a page rendered in a build that failed (or warned) is
  rendered again next time, and its warnings with it;
- after such a build, entries it did not use are forgotten and packs holding none of its
  entries removed; packs that are mostly forgotten entries are compacted, so the cache holds
  one site's pages and at most as much again, and never more than ``max_bytes`` of entries.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
import re
import shutil
import sysconfig
import tempfile
import time
from collections.abc import Callable, Container, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from ..fingerprint import digest, library_versions

FORMAT = b"paperwiki-page-cache 3"
CACHE_DIR = ".cache/paperwiki"
MANIFEST = "manifest.json"
PACK = ".pack"
USED = ".used"
HEADER_LIMIT = 512
MAX_BYTES = 2 << 30  # entries kept at most; a 10,000-paper wiki's are about 0.4 GB
# Whatever renders a page besides our own code and the theme's files.
DISTRIBUTIONS = ("paperwiki", "mkdocs", "properdocs", "mkdocs-material", "markdown", "pymdown-extensions",
                 "jinja2", "pygments", "markupsafe", "nh3")

# Relative links, each kind a pattern with a literal start that the regular expression engine
# finds quickly: [text](target), [reference]: target, and href="…" / src="…" of raw HTML.
# MkDocs resolves raw HTML's links only in blocks md_in_html converts (`markdown` attribute).
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_HTML_LINKS = (re.compile(r"href\s*=\s*[\"']([^\"']*)[\"']"),
               re.compile(r"src\s*=\s*[\"']([^\"']*)[\"']"))
_MARKDOWN_IN_HTML = re.compile(r"<[^>]*\smarkdown(?:=|\s|>)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def cache_dir(config_file: Path) -> Path:
    """Where a project's cache lives: beside its mkdocs.yml (ignored by git)."""
    return config_file.parent / CACHE_DIR



def tree_digest(folders: Iterable[str]) -> str:
    """Every file under ``folders`` (path and bytes): the theme, overrides/, our own code."""
    hasher = hashlib.sha256()
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(name for name in dirs if name != "__pycache__")
            for name in sorted(names):
                path = os.path.join(root, name)
                hasher.update(os.path.relpath(path, folder).encode("utf-8", "surrogateescape"))
                with open(path, "rb") as stream:
                    hasher.update(hashlib.sha256(stream.read()).digest())
    return hasher.hexdigest()



def build_fingerprint(config_file: Path, nav: object, theme_dirs: Iterable[str],
                      builder: str) -> str:
    """What every page's output depends on alike. ``builder`` names the program building
    (MkDocs or ProperDocs, which share configuration and plugins), and its version: pages
    name it in their head."""
    own_code = os.path.dirname(os.path.abspath(__file__))
    folders = [folder for folder in theme_dirs if not _installed(folder)]
    return digest(FORMAT, builder.encode("utf-8"), config_file.read_bytes(),
                   json.dumps(nav, sort_keys=True, ensure_ascii=False).encode("utf-8"),
                   tree_digest([*folders, own_code]).encode(), library_versions(DISTRIBUTIONS).encode())


def _installed(folder: str) -> bool:
    """Whether ``folder`` belongs to an installed distribution (Material's templates, say):
    its version, part of every key, names its files, and reading its fourteen thousand
    icons would cost every build a second. overrides/ and themes installed for editing
    (anywhere else) are read."""
    folder = os.path.realpath(folder)
    return any(os.path.commonpath([folder, packages]) == packages for packages in _PACKAGES)


_PACKAGES = tuple({os.path.realpath(sysconfig.get_paths()[name]) for name in ("purelib", "platlib")})


def link_targets(markdown: str, src_uri: str) -> list[tuple[str, str]]:
    """The relative links of a page's source, as (path from docs/, anchor): a superset of the
    links MkDocs resolves, whose targets' existence decides how each is written (or warned
    of). Absolute and external addresses do not depend on other files."""
    targets = set(_INLINE_LINK.findall(markdown))
    if "markdown" in markdown and _MARKDOWN_IN_HTML.search(markdown):
        for pattern in _HTML_LINKS:
            targets.update(pattern.findall(markdown))
    if "]:" in markdown:
        targets.update(_REFERENCE.findall(markdown))
    folder = posixpath.dirname(src_uri)
    return sorted({found for target in targets if (found := _resolve(folder, target))})


@functools.lru_cache(maxsize=1 << 16)
def _resolve(folder: str, target: str) -> tuple[str, str] | None:
    """(path from docs/, anchor) of a relative link from a page in ``folder``; None for an
    absolute or external address. Pages share most of their links' targets."""
    if not target or _SCHEME.match(target) or target.startswith(("/", "#")):
        return None
    path, _, anchor = target.partition("#")
    path = unquote(path.split("?")[0])
    return posixpath.normpath(posixpath.join(folder, path)), anchor


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
        content = digest(b"".join(read(name) for name in existing)) if anchor else ""
        links.append(f"{path}#{anchor}|{','.join(existing)}|{content}")
    return digest(fingerprint.encode(), src_uri.encode(), url.encode(), source,
                   extra.encode("utf-8"), "\n".join(links).encode("utf-8"))


class PageCache:
    """The entries of one cache folder: the index of the last successful build, and the pack
    this process appends to in the current one."""

    def __init__(self, root: Path, max_bytes: int = MAX_BYTES) -> None:
        self.root = root
        self.pages = root / "pages"
        self.max_bytes = max_bytes
        self.index = _read_manifest(root / MANIFEST)
        # Names this build's packs: the processes forked to render pages inherit it.
        self.build = f"{time.time_ns():x}-{os.getpid()}"
        self._writers: dict[str, tuple[int, int]] = {}  # kind -> (pid, descriptor)
        self._readers: dict[str, int] = {}  # pack -> descriptor

    @property
    def trusted(self) -> frozenset[str]:
        return frozenset(self.index)

    def get(self, key: str, with_html: bool = True) -> dict[str, Any] | None:
        """The entry stored under ``key``, or None if absent, untrusted or damaged; without
        its HTML (neither read nor checked) unless ``with_html``. A hit is noted as a use of
        the entry, by whichever process made it (see ``commit``)."""
        place = self.index.get(key)
        if place is None:
            return None
        pack, offset, length = place
        try:
            entry = _read_entry(self._readers.get(pack) or self._open(pack), key, offset,
                                length, with_html)
        except OSError:
            return None
        if entry is not None:
            self._append(USED, key.encode("ascii", "replace") + b"\n")
        return entry

    def _open(self, pack: str) -> int:
        self._readers[pack] = descriptor = os.open(self.pages / pack, os.O_RDONLY)
        return descriptor

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Append ``entry`` to this process's pack for this build; a failure to write (or a
        value JSON cannot hold exactly, in a page's metadata) only costs a render next time.
        No fsync: a record cut short by a crash fails its checksum and renders again."""
        parts = _parts(entry)
        if parts is not None:
            self._append(PACK, _header(key, *parts) + b"\n" + parts[0] + b"\n" + parts[1])

    def _append(self, kind: str, data: bytes) -> None:
        """Append to this process's file of ``kind`` (its pack, or the keys it used) for
        this build, unbuffered: a forked process leaves without flushing anything."""
        pid = os.getpid()
        try:
            if self._writers.get(kind, (None,))[0] != pid:
                self.pages.mkdir(parents=True, exist_ok=True)
                name = self.pages / f"{self.build}-{pid}{kind}"
                self._writers[kind] = (pid, os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                                                    0o644))
            _write_all(self._writers[kind][1], data)
        except OSError:
            pass

    def commit(self, reused: Iterable[str] = (),
               stored: dict[str, list[Any]] | None = None) -> int:
        """After a successful build: trust the entries it took from the cache (``reused``,
        and those any of its processes noted using) and every one it stored, within the size
        bound; remove everything else. Returns the entries removed. ``stored`` is
        ``stored_records()``, when the caller has it already (reading every record's header
        again costs a cold build 0.05 s at ten thousand pages)."""
        self.close()
        reused = {*reused, *self.used_keys()}
        kept = {key: self.index[key] for key in reused if key in self.index}
        kept.update(self.stored_records() if stored is None else stored)
        kept = _within(kept, self.max_bytes)
        kept = self._compact(kept)
        self.root.mkdir(parents=True, exist_ok=True)
        _write_whole(self.root / MANIFEST, json.dumps(
            {"format": FORMAT.decode(), "entries": kept}, separators=(",", ":")).encode())
        removed = len(set(self.index) - set(kept))
        self.index = kept
        self._remove_unused({pack for pack, _, _ in kept.values()})
        return removed

    def close(self) -> None:
        for pid, descriptor in self._writers.values():
            if pid == os.getpid():
                os.close(descriptor)
        self._writers = {}
        for descriptor in self._readers.values():
            os.close(descriptor)
        self._readers = {}

    def used_keys(self) -> set[str]:
        """The keys this build's processes noted using."""
        found: set[str] = set()
        for path in self.pages.glob(f"{self.build}-*{USED}"):
            try:
                found.update(path.read_text("ascii", "replace").split())
            except OSError:
                pass
        return found

    def stored_records(self) -> dict[str, list[Any]]:
        """The whole records of this build's packs, every process's."""
        found: dict[str, list[Any]] = {}
        for path in sorted(self.pages.glob(f"{self.build}-*{PACK}")):
            for key, offset, length in _records(path):
                found[key] = [path.name, offset, length]
        return found

    def _compact(self, kept: dict[str, list[Any]]) -> dict[str, list[Any]]:
        """Packs mostly holding entries no build uses any more have their live records
        copied into one new pack, so the cache stays within twice what it holds."""
        live: dict[str, int] = {}
        for pack, _, length in kept.values():
            live[pack] = live.get(pack, 0) + length
        sparse = {pack for pack, size in live.items() if size * 2 < _size(self.pages / pack)}
        if not sparse:
            return kept
        target = self.pages / f"{self.build}-compacted{PACK}"
        try:
            return _copy_records(kept, sparse, self.pages, target)
        except OSError:  # a full disk, say: keep the packs as they are
            target.unlink(missing_ok=True)
            return kept

    def _remove_unused(self, packs: set[str]) -> None:
        for path in self.pages.iterdir() if self.pages.is_dir() else ():
            if path.name in packs:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)  # an older layout's folders
            else:
                path.unlink(missing_ok=True)


def _header(key: str, fields: bytes, html: bytes) -> bytes:
    """A record's header: the fields and the HTML each have their checksum and length, so
    an entry's fields can be read and checked without its HTML."""
    return b" ".join((FORMAT, key.encode("ascii", "replace"), _sha(fields), b"%d" % len(fields),
                      _sha(html), b"%d" % len(html)))


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).hexdigest().encode("ascii")


class _Header(NamedTuple):
    key: str
    fields_sha: bytes
    fields_length: int
    html_sha: bytes
    html_length: int

    @property
    def body_length(self) -> int:
        return self.fields_length + 1 + self.html_length


def _parse_header(header: bytes) -> _Header | None:
    parts = header.split(b" ")
    if len(parts) != 7 or b" ".join(parts[:2]) != FORMAT or not parts[4].isdigit() \
            or not parts[6].isdigit():
        return None
    return _Header(parts[2].decode("ascii", "replace"), parts[3], int(parts[4]), parts[5],
                   int(parts[6]))


def _parts(entry: dict[str, Any]) -> tuple[bytes, bytes] | None:
    """An entry as stored: its small fields as one line of JSON, and its HTML as it is (no
    escaping of the bulk of the entry). None if JSON cannot hold the small fields exactly."""
    fields = {name: value for name, value in entry.items() if name != "html"}
    try:
        line = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        if json.loads(line) != fields:
            return None
        return line.encode("utf-8"), entry["html"].encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        return None


def _read_entry(descriptor: int, key: str, offset: int, length: int,
                with_html: bool) -> dict[str, Any] | None:
    """The record at ``offset`` if it is whole, stored under ``key`` and matches its
    checksums. pread: processes forked after a pack was opened share its file offset."""
    line, newline, _ = os.pread(descriptor, min(length, HEADER_LIMIT), offset).partition(b"\n")
    header = _parse_header(line)
    if not newline or header is None or header.key != key \
            or len(line) + 1 + header.body_length != length:
        return None
    size = header.body_length if with_html else header.fields_length
    body = os.pread(descriptor, size, offset + len(line) + 1)
    fields, html = body[:header.fields_length], body[header.fields_length + 1:]
    if len(body) != size or _sha(fields) != header.fields_sha:
        return None
    if with_html and (body[header.fields_length:header.fields_length + 1] != b"\n"
                      or _sha(html) != header.html_sha):
        return None
    try:
        entry = json.loads(fields.decode("utf-8"))
        if not isinstance(entry, dict) or not isinstance(entry.get("meta"), dict):
            return None
        if with_html:
            entry["html"] = html.decode("utf-8", "surrogatepass")
    except ValueError:
        return None
    return entry


def _records(path: Path) -> Iterator[tuple[str, int, int]]:
    """(key, offset, length) of each whole-looking record of a pack, in order; the scan
    stops at the first that is not (a pack cut short). Checksums are checked on reading."""
    try:
        stream = open(path, "rb")  # noqa: SIM115
    except OSError:
        return
    with stream:
        end, offset = os.fstat(stream.fileno()).st_size, 0
        while offset < end:
            stream.seek(offset)
            line = stream.readline(HEADER_LIMIT)
            header = _parse_header(line.rstrip(b"\n"))
            if not line.endswith(b"\n") or header is None:
                return
            length = len(line) + header.body_length
            if offset + length > end:
                return
            yield header.key, offset, length
            offset += length


def _read_manifest(path: Path) -> dict[str, list[Any]]:
    """The entries the last successful build trusted: key -> [pack, offset, length]. A
    manifest of another format, or damaged, trusts nothing."""
    try:
        data = json.loads(path.read_bytes())
        if data["format"] != FORMAT.decode():
            return {}
        return {key: place for key, place in data["entries"].items() if _is_place(place)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _is_place(place: object) -> bool:
    return (isinstance(place, list) and len(place) == 3 and isinstance(place[0], str)
            and place[0] == os.path.basename(place[0]) and place[0].endswith(PACK)
            and all(isinstance(number, int) and number >= 0 for number in place[1:]))


def _within(kept: dict[str, list[Any]], max_bytes: int) -> dict[str, list[Any]]:
    """The entries, in key order, that fit in ``max_bytes``: past the bound, pages render."""
    total, fitting = 0, {}
    for key in sorted(kept):
        total += kept[key][2]
        if total > max_bytes:
            break
        fitting[key] = kept[key]
    return fitting


def _copy_records(kept: dict[str, list[Any]], packs: set[str], folder: Path,
                  target: Path) -> dict[str, list[Any]]:
    """Copy the records ``kept`` has in ``packs`` into ``target``; their new places."""
    moved = dict(kept)
    with open(target, "ab") as out:
        for pack in sorted(packs):
            records = sorted((place[1], place[2], key) for key, place in kept.items()
                             if place[0] == pack)
            with open(folder / pack, "rb") as source:
                for offset, length, key in records:
                    source.seek(offset)
                    moved[key] = [target.name, out.tell(), length]
                    out.write(source.read(length))
    return moved


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


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
