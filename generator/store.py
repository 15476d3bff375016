"""The only place that reads and writes content/: load every file, write atomically.

Loading collects every problem of every file before giving up, so one `paperwiki check`
lists everything a curator has to fix rather than one thing per run.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

from .errors import ContentError, ContentWarning, Problem
from .files import read_file
from .processes import run_tasks, split
from .records import (
    Content, ListingInfo, Paper, Settings, Topic, date_problem, listing_from_mapping,
    paper_from_mapping, schema_problems, settings_from_mapping, topic_from_mapping,
)
from .runlock import TEMPORARY_SUFFIX, process_tag
from .yamlfile import decode, parse_yaml

T = TypeVar("T")


def _new_file_mode() -> int:
    """What open() gives a new file under this process's umask (read once, at import)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


NEW_FILE_MODE = _new_file_mode()


@dataclass(frozen=True)
class ContentPaths:
    """Where each kind of file lives; derived from one root so tests can point anywhere."""

    root: Path

    @property
    def project(self) -> Path:
        return self.root.parent

    @property
    def papers(self) -> Path:
        return self.root / "papers"

    @property
    def listings(self) -> Path:
        return self.root / "listings"

    @property
    def pages(self) -> Path:
        return self.root / "pages"

    @property
    def topics_file(self) -> Path:
        return self.root / "topics.yaml"

    @property
    def settings_file(self) -> Path:
        return self.root / "config.yaml"

    def paper_file(self, paper_id: str) -> Path:
        return self.papers / f"{paper_id}.yaml"

    def read_bytes(self, path: Path) -> bytes:
        """The bytes of a content file; anything but an ordinary file in the project is
        refused with a located problem (see ``files.py``)."""
        return read_file(path, self.label(path), self.project)

    def read_text(self, path: Path) -> str:
        """The text of a content file: UTF-8, without control characters."""
        return decode(self.read_bytes(path), self.label(path))

    def label(self, path: Path) -> str:
        """How messages name a file: relative to the project, with forward slashes."""
        try:
            return path.relative_to(self.project).as_posix()
        except ValueError:
            return path.as_posix()


def load_content(paths: ContentPaths, parallel: bool = False) -> Content:
    """Read and validate every content file; raise one ContentError listing all problems.

    With ``parallel``, paper files are read on every core."""
    problems: list[Problem] = []
    settings = collect(problems, lambda: load_settings(paths)) or Settings()
    topics = collect(problems, lambda: _load_topics(paths)) or ()
    listings = tuple(_each(problems, sorted(paths.listings.glob("*.yaml")),
                           lambda path: load_listing(paths, path)))
    found_before = len(problems)
    papers = load_papers(paths, problems, parallel)
    if not papers and len(problems) == found_before:
        problems.append(_no_papers(paths))
    if problems:
        raise ContentError(problems)
    return Content(papers=tuple(papers), topics=topics, listings=listings, settings=settings,
                   warnings=tuple(stray_files(paths)), pages=hand_written_pages(paths))


def hand_written_pages(paths: ContentPaths) -> tuple[str, ...]:
    """The hand-written pages (the curation guide, an about page), relative to content/pages/
    and so to docs/, where they are published as they are."""
    if not paths.pages.is_dir():
        return ()
    return tuple(path.relative_to(paths.pages).as_posix()
                 for path in sorted(paths.pages.rglob("*.md")))


def _no_papers(paths: ContentPaths) -> Problem:
    """A wiki without papers is a mistake (a moved or mistyped folder), and building it would
    replace the whole site with an empty one."""
    label = paths.label(paths.papers)
    fix = ("import a listing (`paperwiki import`) or add a paper by hand "
           "(see the curation guide)")
    if not paths.papers.is_dir():
        return Problem(label, None, "the papers folder is missing", f"create it, then {fix}")
    return Problem(label, None, "the papers folder holds no paper (*.yaml) files", fix)


_YAML_LIKE = re.compile(r"\.ya?ml$", re.IGNORECASE)


def stray_files(paths: ContentPaths) -> list[Problem]:
    """Warnings for files that look like content but are never read: `new-paper.yml`,
    `Paper.YAML`, a paper saved as `.txt`. They used to be skipped without a word."""
    folders = ((paths.papers, (".yaml",), lambda name: True),
               (paths.listings, (".yaml", ".txt"), lambda name: True),
               (paths.root, (".yaml",), _YAML_LIKE.search))  # beside folders and notes
    return [_stray(paths, folder / name, read) for folder, read, looks_like_content in folders
            for name in _unread(folder, read) if looks_like_content(name)]


def _unread(folder: Path, read: tuple[str, ...]) -> list[str]:
    """The visible ordinary files of ``folder`` whose names the loader skips, sorted."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # missing: reported where it matters (papers), or simply empty
        return []
    return sorted(entry.name for entry in entries if not entry.name.endswith(read)
                  and not entry.name.startswith(".") and entry.is_file())


def _stray(paths: ContentPaths, path: Path, read: tuple[str, ...]) -> ContentWarning:
    folder = paths.label(path.parent) + "/"
    kinds = " and ".join(f"*{suffix}" for suffix in read)
    return ContentWarning(paths.label(path), None, f"this file is not read: only {kinds} files "
                          f"in {folder} are", _stray_fix(path, folder))


def _stray_fix(path: Path, folder: str) -> str:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    if _YAML_LIKE.search(path.name):
        return f"rename it to {stem}.yaml"
    if path.suffix.lower() == ".txt" and path.parent.name == "listings":
        return f"rename it to {stem}.txt"
    if path.parent.name == "papers":
        return f"if it is a paper, rename it to {stem}.yaml (in YAML); if not, move it out of {folder}"
    return f"move it out of {folder}"


def load_papers(paths: ContentPaths, problems: list[Problem], parallel: bool = False,
                ) -> list[Paper]:
    """Every paper file that loads, in file name order; the others' problems go to
    ``problems``. With ``parallel``, the files are read on every core."""
    papers: list[Paper] = []
    for loaded, found in run_tasks([partial(_load_papers, paths, run)
                                    for run in split(paper_files(paths), parallel)], parallel):
        papers += loaded
        problems += found
    return papers


def _load_papers(paths: ContentPaths, files: Sequence[Path]) -> tuple[list[Paper], list[Problem]]:
    problems: list[Problem] = []
    return _each(problems, files, lambda path: load_paper(paths, path)), problems


def collect(problems: list[Problem], load: Callable[[], T]) -> T | None:
    try:
        return load()
    except ContentError as error:
        problems.extend(error.problems)
        return None


def _each(problems: list[Problem], files: Sequence[Path], load: Callable[[Path], T]) -> list[T]:
    loaded = (collect(problems, lambda path=path: load(path)) for path in files)
    return [item for item in loaded if item is not None]


def _validated(paths: ContentPaths, path: Path, kind: str, date_keys: tuple[str, ...] = ()) -> Any:
    label = paths.label(path)
    data = parse_yaml(paths.read_text(path), label)
    if not isinstance(data, dict):
        raise ContentError(Problem(label, 1, "the file must be a mapping of `key: value` lines",
                                   "see the schema referenced at the top of the file"))
    problems = schema_problems(kind, data, label)
    if not problems:  # a value the schema already rejected needs no second message
        problems = [p for key in date_keys if (p := date_problem(data, key, label))]
    if problems:
        raise ContentError(problems)
    return data


def load_settings(paths: ContentPaths) -> Settings:
    if not os.path.lexists(paths.settings_file):  # a dangling link is read, and reported
        return Settings()
    return settings_from_mapping(_validated(paths, paths.settings_file, "config"))


def _load_topics(paths: ContentPaths) -> tuple[Topic, ...]:
    label = paths.label(paths.topics_file)
    if not os.path.lexists(paths.topics_file):
        raise ContentError(Problem(label, None, "the topics file is missing",
                                   "create it with at least one topic (see the curation guide)"))
    data = _validated(paths, paths.topics_file, "topics")
    return tuple(topic_from_mapping(item, label, item.line) for item in data["topics"])


def load_listing(paths: ContentPaths, path: Path) -> ListingInfo:
    data = _validated(paths, path, "listing", ("captured",))
    return listing_from_mapping(path.stem, data, paths.label(path))


def paper_files(paths: ContentPaths) -> list[Path]:
    return sorted(paths.papers.glob("*.yaml"))


def load_paper(paths: ContentPaths, path: Path) -> Paper:
    """One paper; unchanged files are not parsed again within a process (``paperwiki serve``
    rebuilds after every edit, and a large wiki has thousands of files, one of them edited)."""
    try:
        stat = path.stat()
    except OSError:  # a dangling link, say: reading it says what is wrong
        return _load_paper(paths, path, 0, -1)
    return _load_paper(paths, path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=65_536)  # bounded: under `serve` every edit adds an entry
def _load_paper(paths: ContentPaths, path: Path, mtime_ns: int, size: int) -> Paper:
    data = _validated(paths, path, "paper", ("published",))
    return paper_from_mapping(path.stem, data, paths.label(path))


def write_atomically(path: Path, text: str,
                     create: Callable[[Path, bytes], None] | None = None) -> bool:
    """Write ``text`` unless the file already holds it; a crash never leaves half a file.

    Returns whether the file changed, so callers can report and so unchanged files keep their
    modification time (MkDocs' live reload and incremental tools rely on it). ``create``
    writes a file that does not exist yet, when the caller has a quicker way that is as safe
    (see ``docsdir.py``); by default it is written like any other.
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        if create is not None:
            create(path, data)
            return True
    _replace_atomically(path, data)
    return True


def _replace_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside ``path``, then rename it over ``path``. The file keeps its
    permissions, or gets those of any new file (a temporary file is only readable by its
    owner)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=TEMPORARY_SUFFIX,
                                             prefix=f".{path.name}.{process_tag()}")
    except OSError as error:
        raise _naming(error, path) from None
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _naming(error, path) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise



def _naming(error: OSError, path: Path) -> OSError:
    """The same error, naming the file being replaced rather than its temporary (or nothing,
    as a failed write does): that is the file a person knows."""
    return OSError(error.errno, error.strerror, str(path))


PAPER_SCHEMA_COMMENT = "# yaml-language-server: $schema=../../generator/schemas/paper.schema.json\n"
# The keys tools write, in the order they write them; ``hf`` (tool-owned) always comes last.
PAPER_KEY_ORDER = ("title", "abstract", "published", "upvotes", "authors", "organization",
                   "listings", "add_topics", "hf")


def _round_trip_yaml(sequence_offset: int = 2) -> Any:
    from ruamel.yaml import YAML  # imported here: only imports edit files, builds never do

    yaml = YAML()
    yaml.width = 1_000_000  # one abstract per line keeps diffs of curator edits readable
    yaml.indent(mapping=2, sequence=sequence_offset + 2, offset=sequence_offset)
    yaml.preserve_quotes = True
    return yaml


def new_paper_text(fields: dict[str, Any]) -> str:
    """The YAML of a freshly imported paper: machine fields in a fixed order, schema linked."""
    return _new_text(PAPER_SCHEMA_COMMENT,
                     [(key, fields[key]) for key in PAPER_KEY_ORDER if key in fields])


LISTING_SCHEMA_COMMENT = ("# yaml-language-server: "
                          "$schema=../../generator/schemas/listing.schema.json\n")


def new_listing_text(listing: ListingInfo) -> str:
    """The YAML beside a listing's text, as a curator would write it."""
    fields = [("title", listing.title), ("captured", listing.captured)]
    if listing.description:
        fields.append(("description", listing.description))
    return _new_text(LISTING_SCHEMA_COMMENT, fields)


def _new_text(schema_comment: str, fields: list[tuple[str, Any]]) -> str:
    from ruamel.yaml.comments import CommentedMap

    return schema_comment + _dump(CommentedMap(fields))


def updated_paper_text(text: str, changes: dict[str, Any]) -> str:
    """Apply import changes to a curated file, keeping its comments, key order, quoting,
    list indentation, line endings and document marker."""
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    yaml = _round_trip_yaml(sequence_offset=0 if _UNINDENTED_LIST.search(text) else 2)
    yaml.explicit_start = text.lstrip("\ufeff").startswith("---")
    document = yaml.load(text)
    for key, value in changes.items():
        if isinstance(value, list) and isinstance(document.get(key), list):
            _extend_keeping_trailing_comment(document[key], value)
        elif key in document:
            document[key] = value
        else:
            document.insert(_insert_position(document, key), key, value)
    updated = _dump(document, yaml, keep_header=text)
    return updated.replace("\n", "\r\n") if crlf else updated


_UNINDENTED_LIST = re.compile(r"^[^\s#][^\n]*:[ \t]*\n- ", re.MULTILINE)


def _extend_keeping_trailing_comment(sequence: Any, items: list[Any]) -> None:
    """ruamel keeps a comment that follows a list (it belongs to the next key) on the list's
    last item; move it to the new last item so the comment stays with its key."""
    trailing = sequence.ca.items.pop(len(sequence) - 1, None) if sequence else None
    sequence.extend(item for item in items if item not in sequence)
    if trailing is not None:
        sequence.ca.items[len(sequence) - 1] = trailing


def _insert_position(document: dict[str, Any], key: str) -> int:
    """Just after the last present key that comes before ``key`` in the canonical order."""
    earlier = PAPER_KEY_ORDER[: PAPER_KEY_ORDER.index(key)]
    positions = [index for index, present in enumerate(document) if present in earlier]
    return positions[-1] + 1 if positions else 0


def _dump(document: Any, yaml: Any = None, keep_header: str = "") -> str:
    import io

    stream = io.StringIO()
    (yaml or _round_trip_yaml()).dump(document, stream)
    dumped = stream.getvalue()
    header = keep_header[: len(keep_header) - len(keep_header.lstrip("\n"))]
    return header + dumped
