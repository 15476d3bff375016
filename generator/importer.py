"""Merge listings into the curated paper files without ever undoing a curator's edit.

A paper is identified by the slug of its title as the listing shows it; the curated file's
name is that slug (or lists it under ``aliases`` after a rename). Import only adds what the
file lacks: the listings a paper appeared in, missing metadata, a higher upvote count. It never
touches titles, abstracts or curator fields, and it changes a file only through a round-trip
edit that keeps comments and key order. Everything is parsed before anything is written.

One exception, for a capture that stopped mid-abstract: files do not record who wrote their
text, so an abstract that looks cut off (it ends mid-sentence) and that a listing now shows
continued is completed (``listing.completes``). A curator's edit cannot look like that: a
corrected word breaks the prefix, and a shortened abstract ends on a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from itertools import chain, count
from pathlib import Path
from typing import Any

from slugify import slugify

from .atomic import write_atomically
from .daily import entries_of_response
from .editing import new_listing_text, new_paper_text, updated_paper_text
from .errors import ContentError, Problem, environment_problem
from .links import rewrite_mirrors
from .listing import ListingEntry, completes, cut_off_warning, parse_listing
from .processes import run_tasks, split
from .records import CurationSettings, ListingInfo, Paper, known_max
from .store import (
    LISTING_SUFFIXES,
    ContentPaths,
    collect,
    load_listing,
    load_papers,
    load_curation_settings,
)

SLUG_LENGTH = 80


@dataclass
class _Sighting:
    """One paper as seen across the listings being imported."""

    entry: ListingEntry
    listings: list[str] = field(default_factory=list)
    upvotes: int | None = None


@dataclass(frozen=True)
class NewListing:
    """What the curator says of a listing that has no YAML yet."""

    title: str
    captured: date
    description: str | None = None


@dataclass(frozen=True)
class ImportReport:
    records: int
    papers: int
    created: tuple[str, ...]
    updated: tuple[str, ...]
    warnings: tuple[Problem, ...] = ()  # listings that look cut off

    @property
    def unchanged(self) -> int:
        return self.papers - len(self.created) - len(self.updated)


def paper_id_for(title: str) -> str:
    """The id (and URL) of a paper with this title: LaTeX commands dropped, then slugified."""
    return slugify(_without_latex(title), max_length=SLUG_LENGTH, word_boundary=True,
                   save_order=True) or "paper"


def title_key(title: str) -> str:
    """What makes two listing records the same paper: the whole title, slugified (ids are
    cut at a word boundary, and two titles can share their first 80 characters)."""
    return slugify(_without_latex(title)) or "paper"


def _without_latex(title: str) -> str:
    return re.sub(r"\\[A-Za-z]+", " ", title)


def import_listings(paths: ContentPaths, names: Iterable[str] = (),
                    progress: Callable[[str], None] = lambda message: None,
                    new_listing: NewListing | None = None) -> ImportReport:
    """Import the named listings (ids or .txt paths inside content/listings), or all of them.

    ``new_listing`` describes the one named listing, which has no YAML yet; its YAML is
    written with the paper files, once the listing has parsed."""
    listings = _listings_to_import(paths, list(names), new_listing)
    settings = load_curation_settings(paths)
    sightings: dict[str, _Sighting] = {}
    records = 0
    warnings = []
    for listing in listings:
        label = paths.label(listing_file(paths, listing.id))
        progress(f"parsing {label}")
        entries = _parse(paths, listing, settings)
        records += len(entries)
        warning = cut_off_warning(entries, label)
        if warning:
            warnings.append(warning)
        for entry in entries:
            entry = _normalised(entry, settings.mirror_hosts)
            _record_sighting(sightings, entry, listing.id)
    progress(f"{len(sightings)} papers: comparing with content/papers/ …")
    existing = _existing_papers(paths)
    planned = _plan_writes(paths, sightings, existing)
    progress(f"writing {len(planned)} paper files …")
    writes = [*planned.values()]
    if new_listing:  # last: an import killed before the end leaves no listing that checks
        (listing,) = listings
        writes.append((paths.listings / f"{listing.id}.yaml", new_listing_text(listing)))
    _write_all(paths, writes)
    created = tuple(sorted(pid for pid, (path, _) in planned.items() if pid not in existing.by_id))
    updated = tuple(sorted(pid for pid in planned if pid in existing.by_id))
    return ImportReport(records=records, papers=len(sightings), created=created, updated=updated,
                        warnings=tuple(warnings))


def _write_all(paths: ContentPaths, writes: list[tuple[Path, str]]) -> None:
    """Write every file in order, each atomically; a file that cannot be written (read-only
    folder, full disk) stops the import with one located line, earlier files complete."""
    for path, text in writes:
        try:
            write_atomically(path, text)
        except OSError as error:
            raise environment_problem(error, paths.label(path), "write the file") from None


def _listings_to_import(paths: ContentPaths, names: list[str],
                        new_listing: NewListing | None) -> list[ListingInfo]:
    wanted = [Path(name).stem if name.endswith((".txt", ".json")) else name for name in names]
    if not wanted:
        wanted = sorted({path.stem for suffix in LISTING_SUFFIXES
                         for path in paths.listings.glob(f"*{suffix}")})
    problems: list[Problem] = []
    listings = []
    for listing_id in wanted:
        text_file = listing_file(paths, listing_id)
        yaml_file = paths.listings / f"{listing_id}.yaml"
        if not text_file.exists():
            problems.append(Problem(paths.label(text_file), None, "no such listing",
                                    "put the listing text in content/listings/ and name it by "
                                    "id, or import a period with --day, --week or --month"))
        elif new_listing and yaml_file.exists():
            problems.append(Problem(paths.label(yaml_file), None, "the listing already has a YAML",
                                    "change its title or capture day in that file, and import "
                                    "without --title and --captured"))
        elif new_listing:
            listings.append(ListingInfo(id=listing_id, title=new_listing.title,
                                        captured=new_listing.captured,
                                        source=paths.label(yaml_file),
                                        description=new_listing.description))
        elif not yaml_file.exists():
            problems.append(Problem(paths.label(yaml_file), None, "the listing has no YAML beside it",
                                    "create it with `title:` and `captured: YYYY-MM-DD`, or import "
                                    "with --title and --captured to have it written"))
        else:
            listings.append(collect(problems, lambda path=yaml_file: load_listing(paths, path)))
    if problems:
        raise ContentError(problems)
    return listings


def listing_file(paths: ContentPaths, listing_id: str) -> Path:
    """The listing's text or, when there is none, its stored API response."""
    text_file = paths.listings / f"{listing_id}.txt"
    json_file = paths.listings / f"{listing_id}.json"
    return json_file if json_file.exists() and not text_file.exists() else text_file


def _parse(paths: ContentPaths, listing: ListingInfo,
           settings: CurationSettings) -> list[ListingEntry]:
    text_file = listing_file(paths, listing.id)
    label = paths.label(text_file)
    if text_file.suffix == ".json":
        return entries_of_response(paths.read_bytes(text_file), label, settings)
    return parse_listing(paths.read_text(text_file), label, listing.captured)


def _normalised(entry: ListingEntry, mirror_hosts: Iterable[str]) -> ListingEntry:
    return replace(entry, abstract=rewrite_mirrors(entry.abstract, mirror_hosts))


def _record_sighting(sightings: dict[str, _Sighting], entry: ListingEntry, listing_id: str) -> None:
    sighting = sightings.setdefault(title_key(entry.title), _Sighting(entry))
    if sighting.entry.published is None and entry.published is not None:
        sighting.entry = entry
    if completes(sighting.entry.abstract, entry.abstract):  # another capture went further
        sighting.entry = replace(sighting.entry, abstract=entry.abstract)
    if listing_id not in sighting.listings:
        sighting.listings.append(listing_id)
    sighting.upvotes = known_max(sighting.upvotes, entry.upvotes)


@dataclass(frozen=True)
class _Existing:
    by_id: dict[str, tuple[Path, Paper]]
    by_alias: dict[str, str]


def _existing_papers(paths: ContentPaths) -> _Existing:
    problems: list[Problem] = []
    by_id = {paper.id: (paths.paper_file(paper.id), paper)
             for paper in load_papers(paths, problems, parallel=True)}
    if problems:
        raise ContentError([*problems, Problem("content/papers", None,
                                               "import stopped before writing anything",
                                               "fix the files above, then import again")])
    by_alias = {alias: pid for pid, (_, paper) in by_id.items() for alias in paper.aliases}
    return _Existing(by_id=by_id, by_alias=by_alias)


def _assign_ids(sightings: dict[str, _Sighting], existing: _Existing) -> dict[str, _Sighting]:
    """Each sighted paper's id: its own file's, or a new one; a different paper whose title
    gives the same id gets the next free ``-2``, ``-3`` … instead of being merged."""
    assigned: dict[str, _Sighting] = {}
    for key, sighting in sightings.items():
        base = paper_id_for(sighting.entry.title)
        for candidate in chain([base], (f"{base}-{n}" for n in count(2))):
            paper_id = existing.by_alias.get(candidate, candidate)
            current = existing.by_id.get(paper_id)
            if paper_id not in assigned and (current is None or _same_paper(current[1], key)):
                assigned[paper_id] = sighting
                break
    return assigned


def _same_paper(paper: Paper, key: str) -> bool:
    """A file whose title still gives its own id is compared by whole title; one whose title
    or name a curator changed is the paper its id or alias says it is."""
    return paper_id_for(paper.title) != paper.id or title_key(paper.title) == key


def _plan_writes(paths: ContentPaths, sightings: dict[str, _Sighting],
                 existing: _Existing) -> dict[str, tuple[Path, str]]:
    """The text of every file to write, by paper id. Writing YAML that keeps its layout
    takes a millisecond a file, so a first import of thousands is spread over the cores."""
    planned: dict[str, tuple[Path, str]] = {}
    runs = split(list(_assign_ids(sightings, existing).items()), parallel=True)
    for part in run_tasks([partial(_plan_run, paths, run, existing) for run in runs]):
        planned.update(part)
    return planned


def _plan_run(paths: ContentPaths, run: Sequence[tuple[str, _Sighting]],
              existing: _Existing) -> dict[str, tuple[Path, str]]:
    planned = {}
    for paper_id, sighting in run:
        if paper_id in existing.by_id:
            path, paper = existing.by_id[paper_id]
            changes = _changes(paper, sighting)
            if changes:
                planned[paper_id] = (path, updated_paper_text(paths.read_bytes(path).decode("utf-8"),
                                                                changes))
        else:
            planned[paper_id] = (paths.paper_file(paper_id), new_paper_text(_fields(sighting)))
    return planned


def _fields(sighting: _Sighting) -> dict[str, Any]:
    entry = sighting.entry
    fields: dict[str, Any] = {"title": entry.title, "abstract": entry.abstract,
                              "listings": list(sighting.listings)}
    if sighting.upvotes is not None:
        fields["upvotes"] = sighting.upvotes
    fields.update(_metadata(entry))
    if entry.hf:
        fields["hf"] = entry.hf
    return fields


def _metadata(entry: ListingEntry) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if entry.published:
        fields["published"] = entry.published
    if entry.authors:
        fields["authors"] = entry.authors
    if entry.organization:
        fields["organization"] = {"handle": entry.organization.handle,
                                  "name": entry.organization.name}
    return fields


def _changes(paper: Paper, sighting: _Sighting) -> dict[str, Any]:
    """Only what the curated file lacks; a value a curator wrote is never replaced."""
    changes: dict[str, Any] = {}
    if completes(paper.abstract, sighting.entry.abstract):
        changes["abstract"] = sighting.entry.abstract
    missing_listings = [lid for lid in sighting.listings if lid not in paper.listings]
    if missing_listings:
        changes["listings"] = missing_listings
    if sighting.upvotes is not None and sighting.upvotes > (paper.upvotes or -1):
        changes["upvotes"] = sighting.upvotes
    has_byline = paper.author_count is not None or paper.organization is not None
    for key, value in _metadata(sighting.entry).items():
        if key == "published" and paper.published is None:
            changes[key] = value
        elif key in ("authors", "organization") and not has_byline:
            changes[key] = value
    if sighting.entry.hf and paper.resolved is None:  # resolve --refresh updates a known one
        changes["hf"] = sighting.entry.hf
    return changes
