"""The only place that reads content/: load and validate every file.

Loading collects every problem of every file before giving up, so one `paperwiki check`
lists everything a curator has to fix rather than one thing per run. Writing is elsewhere:
``atomic.py`` replaces files whole, ``editing.py`` changes curated YAML keeping what a
curator wrote.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

from .errors import ContentError, ContentWarning, Problem
from .files import read_file
from .papercache import PaperCache
from .processes import run_tasks, split
from .records import (
    Content, CurationSettings, ListingInfo, Paper, Topic, curation_settings_from_mapping,
    date_problem, listing_from_mapping, paper_from_mapping, schema_problems, topic_from_mapping,
)
from .yamlfile import decode, parse_yaml

T = TypeVar("T")
F = TypeVar("F")  # a file, by path or name


@dataclass(frozen=True)
class ContentPaths:
    """Where each kind of file lives; derived from one root so tests can point anywhere."""

    root: Path

    @property
    def project(self) -> Path:
        return self.root.parent

    @cached_property  # asked for once per paper file loaded
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


def load_content(paths: ContentPaths, parallel: bool = False,
                 cache: PaperCache | None = None) -> Content:
    """Read and validate every content file; raise one ContentError listing all problems.

    With ``parallel``, paper files are read on every core. With a ``cache``, paper files
    whose bytes it holds are not parsed again (see ``papercache.py``)."""
    problems: list[Problem] = []
    settings = collect(problems, lambda: load_curation_settings(paths)) or CurationSettings()
    topics = collect(problems, lambda: _load_topics(paths)) or ()
    listings = tuple(_each(problems, sorted(paths.listings.glob("*.yaml")),
                           lambda path: load_listing(paths, path)))
    found_before = len(problems)
    papers = load_papers(paths, problems, parallel, cache)
    if not papers and len(problems) == found_before:
        problems.append(_no_papers(paths))
    if problems:
        raise ContentError(problems)
    return Content(papers=tuple(papers), topics=topics, listings=listings, settings=settings,
                   warnings=tuple(stray_files(paths)), pages=_hand_written_pages(paths))


def _hand_written_pages(paths: ContentPaths) -> tuple[str, ...]:
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


LISTING_SUFFIXES = (".txt", ".json")  # a captured page, or a stored Daily Papers response
_YAML_LIKE = re.compile(r"\.ya?ml$", re.IGNORECASE)


def stray_files(paths: ContentPaths) -> list[Problem]:
    """Warnings for files that look like content but are never read: `new-paper.yml`,
    `Paper.YAML`, a paper saved as `.txt`. They used to be skipped without a word."""
    folders = ((paths.papers, (".yaml",), lambda name: True),
               (paths.listings, (".yaml", *LISTING_SUFFIXES), lambda name: True),
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
    names = [f"*{suffix}" for suffix in read]
    kinds = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
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
                cache: PaperCache | None = None) -> list[Paper]:
    """Every paper file that loads, in file name order; the others' problems go to
    ``problems``. With ``parallel``, the files are read on every core."""
    if cache is not None:
        return _load_cached_papers(paths, problems, parallel, cache)
    papers: list[Paper] = []
    for loaded, found in run_tasks([partial(_load_papers, paths, run)
                                    for run in split(paper_names(paths), parallel)], parallel):
        papers += loaded
        problems += found
    return papers


# One paper file's outcome: the paper (and its cache key and entry, if new), or its problems.
_Loaded = tuple[int, Paper | None, list[Problem], str, Any]


def _load_cached_papers(paths: ContentPaths, problems: list[Problem], parallel: bool,
                        cache: PaperCache) -> list[Paper]:
    """``load_papers`` through the cache. Every file is read here, and the papers the cache
    holds rebuilt; only the others are parsed, on every core when there are many (forking
    for a few costs more than it saves)."""
    outcomes: list[_Loaded] = []
    missed: list[tuple[int, Path, bytes, str]] = []
    folder, project = paths.label(paths.papers), paths.project
    for index, name in enumerate(paper_names(paths)):
        path = paths.papers / name
        label = f"{folder}/{name}"  # paths.label(path), without its cost per file
        try:
            data = read_file(path, label, project)
        except ContentError as error:
            outcomes.append((index, None, list(error.problems), "", None))
            continue
        key = cache.key(label, data)
        paper = cache.get(key, path.stem, label)
        if paper is None:
            missed.append((index, path, data, key))
        else:
            outcomes.append((index, paper, [], "", None))
    for run in run_tasks([partial(_parse_papers, paths, cache, run)
                          for run in split(missed, parallel)], parallel):
        outcomes += run
    papers = []
    for _, paper, found, key, entry in sorted(outcomes, key=lambda outcome: outcome[0]):
        problems += found
        papers += [paper] if paper else []
        if entry is not None:
            cache.put(key, entry)
    return papers


def _parse_papers(paths: ContentPaths, cache: PaperCache,
                  files: Sequence[tuple[int, Path, bytes, str]]) -> list[_Loaded]:
    outcomes: list[_Loaded] = []
    for index, path, data, key in files:
        label = paths.label(path)
        try:
            mapping = _validated_text(decode(data, label), label, "paper", ("published",))
        except ContentError as error:
            outcomes.append((index, None, list(error.problems), key, None))
            continue
        paper = paper_from_mapping(path.stem, mapping, label)
        outcomes.append((index, paper, [], key, cache.entry(mapping, paper)))
    return outcomes


def _load_papers(paths: ContentPaths, names: Sequence[str]) -> tuple[list[Paper], list[Problem]]:
    problems: list[Problem] = []
    return _each(problems, names, lambda name: load_paper(paths, name)), problems


def collect(problems: list[Problem], load: Callable[[], T]) -> T | None:
    try:
        return load()
    except ContentError as error:
        problems.extend(error.problems)
        return None


def _each(problems: list[Problem], files: Sequence[F], load: Callable[[F], T]) -> list[T]:
    loaded = (collect(problems, lambda file=file: load(file)) for file in files)
    return [item for item in loaded if item is not None]


def _validated(paths: ContentPaths, path: Path, kind: str, date_keys: tuple[str, ...] = ()) -> Any:
    return _validated_text(paths.read_text(path), paths.label(path), kind, date_keys)


def _validated_text(text: str, label: str, kind: str, date_keys: tuple[str, ...] = ()) -> Any:
    data = parse_yaml(text, label)
    if not isinstance(data, dict):
        raise ContentError(Problem(label, 1, "the file must be a mapping of `key: value` lines",
                                   "see the schema referenced at the top of the file"))
    problems = schema_problems(kind, data, label)
    if not problems:  # a value the schema already rejected needs no second message
        problems = [p for key in date_keys if (p := date_problem(data, key, label))]
    if problems:
        raise ContentError(problems)
    return data


def load_curation_settings(paths: ContentPaths) -> CurationSettings:
    if not os.path.lexists(paths.settings_file):  # a dangling link is read, and reported
        return CurationSettings()
    return curation_settings_from_mapping(_validated(paths, paths.settings_file, "config"))


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


def paper_names(paths: ContentPaths) -> list[str]:
    """The paper files' names in content/papers/, in order. Names, listed with os.scandir:
    pathlib's glob, which makes a path of each, took longer at ten thousand papers than
    parsing the one paper an edit changed."""
    try:
        with os.scandir(paths.papers) as entries:
            return sorted(entry.name for entry in entries if entry.name.endswith(".yaml"))
    except (FileNotFoundError, NotADirectoryError):
        return []


def load_paper(paths: ContentPaths, name: str) -> Paper:
    """The paper in the file ``name`` of content/papers/; unchanged files are not parsed again
    within a process (``paperwiki serve`` rebuilds after every edit, and a large wiki has
    thousands of files, one of them edited)."""
    try:
        stat = os.stat(os.path.join(paths.papers, name))
    except OSError:  # a dangling link, say: reading it says what is wrong
        return _load_paper(paths, name, 0, -1)
    return _load_paper(paths, name, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=65_536)  # bounded: under `serve` every edit adds an entry
def _load_paper(paths: ContentPaths, name: str, mtime_ns: int, size: int) -> Paper:
    path = paths.papers / name
    data = _validated(paths, path, "paper", ("published",))
    return paper_from_mapping(path.stem, data, paths.label(path))
