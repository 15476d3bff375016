"""Parse the text of a Hugging Face "Daily Papers" listing page into entries.

The format has no grammar, only what real captures show (see the README's "Listing format"):
a fixed header ending in the capture day, then records of a one-line title, a one-line
abstract and an optional three-line metadata block. The parser accepts exactly those shapes
and rejects anything else with the file, the line and what it expected, so a bad capture is
never half-imported.

A capture whose selection stopped too early ends in the middle of an abstract, which still
parses: the last record then has no date block, like the few records the pages show without
one. Such a record *looks cut off* when its abstract does not end a sentence (``.``, ``!``,
``?``, ``…`` or math, then any closing brackets or quotes) or with a link, as nearly every
complete abstract does (all but 39 of 11,026 real ones). The import warns of it, and a later
import that shows the same abstract continued completes it (see ``completes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator

from .errors import ContentError, ContentWarning, Problem

HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = "(?P<month>" + "|".join(MONTHS) + ")"
CAPTURE_DAY = re.compile(rf"^{_MONTH} (?P<day>\d{{1,2}})$")
DATE_LINE = re.compile(rf"^{_MONTH} (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?(?: (?P<upvotes>\d+))?$")
AUTHORS_LINE = re.compile(r"^•\s*(?P<count>\d+) authors?$")
SEPARATOR = "·"


@dataclass(frozen=True)
class Organization:
    """An organisation shown instead of an author count: its Hub handle and display name."""

    handle: str
    name: str


@dataclass(frozen=True)
class ListingEntry:
    """One record of a listing, exactly as the page showed it."""

    title: str
    abstract: str
    line: int
    published: date | None = None  # None: the record has no metadata block
    upvotes: int | None = None  # None when the page showed no count
    authors: int | None = None
    organization: Organization | None = None
    abstract_line: int = 0
    hf: dict[str, Any] | None = field(default=None, compare=False)  # from an API listing


@dataclass(frozen=True)
class _Paragraph:
    line: int
    lines: tuple[str, ...]


def parse_listing(text: str, source: str, captured: date) -> list[ListingEntry]:
    """Return every record of a listing; raise ContentError at the first line that does not fit.

    ``captured`` is the day the page was saved: the page shows dates without a year for the
    current year, and the capture day printed in the header must agree with it.
    """
    paragraphs = list(_paragraphs(text))
    rest = _check_header(paragraphs, source, captured)
    return list(_records(rest, source, captured))


def _paragraphs(text: str) -> Iterator[_Paragraph]:
    """Group non-blank lines separated by blank lines, remembering where each group starts."""
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            yield _Paragraph(start, tuple(current))
            current = []
    if current:
        yield _Paragraph(start, tuple(current))


def _check_header(paragraphs: list[_Paragraph], source: str, captured: date) -> list[_Paragraph]:
    expected = [*HEADER, "<capture day, e.g. Dec 10>"]
    for index, want in enumerate(HEADER):
        got = paragraphs[index] if index < len(paragraphs) else None
        if got is None or got.lines != (want,):
            raise _error(source, got, f"expected the listing header line {want!r}",
                         "listing files start with the page header as copied from the browser: "
                         + " / ".join(expected))
    day = paragraphs[len(HEADER)] if len(paragraphs) > len(HEADER) else None
    match = CAPTURE_DAY.match(day.lines[0]) if day and len(day.lines) == 1 else None
    if match is None:
        raise _error(source, day, "expected the capture day after the header, like 'Dec 10'",
                     "copy the page from its first line, including the day shown under the header")
    shown = (MONTHS.index(match["month"]) + 1, int(match["day"]))
    if shown != (captured.month, captured.day):
        raise _error(source, day, f"the page shows capture day {day.lines[0]!r} but the listing's "
                     f"YAML says captured: {captured.isoformat()}",
                     "set `captured` in the listing's YAML to the day the page was saved")
    return paragraphs[len(HEADER) + 1:]


def _records(paragraphs: list[_Paragraph], source: str, captured: date) -> Iterator[ListingEntry]:
    index = 0
    while index < len(paragraphs):
        title = _single_line(paragraphs[index], source, "a one-line paper title")
        if index + 1 >= len(paragraphs):
            raise _error(source, paragraphs[index], f"the paper {title!r} has no abstract",
                         "each title must be followed by a blank line and a one-line abstract")
        abstract = _single_line(paragraphs[index + 1], source, "a one-line abstract")
        lines = (paragraphs[index].line, paragraphs[index + 1].line)
        index += 2
        meta = paragraphs[index] if index < len(paragraphs) else None
        if meta is not None and _is_metadata(meta):
            index += 1
            yield _entry_with_metadata(title, abstract, lines, meta, source, captured)
        else:
            yield ListingEntry(title=title, abstract=abstract, line=lines[0],
                               abstract_line=lines[1])


def _is_metadata(paragraph: _Paragraph) -> bool:
    """A metadata block is recognised by its middle separator line, whatever else it holds."""
    return len(paragraph.lines) >= 2 and paragraph.lines[1] == SEPARATOR


def _entry_with_metadata(title: str, abstract: str, lines: tuple[int, int], meta: _Paragraph,
                         source: str, captured: date) -> ListingEntry:
    if len(meta.lines) != 3:
        raise _error(source, meta, "expected a three-line metadata block (authors or "
                     "organisation, '·', date)", "remove the extra lines from this block")
    who, _, when = meta.lines
    published, upvotes = _parse_date_line(when, source, meta.line + 2, captured)
    authors, organization = _parse_byline(who, source, meta.line)
    return ListingEntry(title=title, abstract=abstract, line=lines[0], published=published,
                        upvotes=upvotes, authors=authors, organization=organization,
                        abstract_line=lines[1])


_ENDS_SENTENCE = re.compile(r"""[.!?…$][)\]}"'”’»]*$""")
_LINK = re.compile(r"://|^www\.|\w\.[a-z]{2,}(?:/\S*)?$")  # tested on the last word


def looks_cut(abstract: str) -> bool:
    """Whether an abstract stops where no complete abstract would: mid-sentence."""
    text = abstract.rstrip()
    return bool(text) and not _ENDS_SENTENCE.search(text) and not _LINK.search(text.split()[-1])


def cut_off_warning(entries: list[ListingEntry], source: str) -> Problem | None:
    """A warning when the last record of a listing looks cut off (see the module docstring)."""
    last = entries[-1] if entries else None
    if last is None or last.published is not None or not looks_cut(last.abstract):
        return None
    return ContentWarning(source, last.abstract_line, "the last record looks cut off: it has no "
                          "date block and its abstract stops mid-sentence",
                          "save the page again, scrolled to its end, and import again: the "
                          "whole abstract then replaces this one")


def completes(kept: str, seen: str) -> bool:
    """Whether ``seen`` is ``kept`` continued, ``kept`` looking cut off. A curator's edit is
    neither: fixing a word breaks the prefix, and shortening ends on a sentence."""
    return len(seen) > len(kept) and seen.startswith(kept) and looks_cut(kept)


def _parse_byline(text: str, source: str, line: int) -> tuple[int | None, Organization | None]:
    authors = AUTHORS_LINE.match(text)
    if authors:
        return int(authors["count"]), None
    handle, _, name = text.partition(" ")
    if not name or text.startswith("•"):
        raise ContentError(Problem(source, line, f"cannot read the byline {text!r}",
                                   "expected '• N authors' or an organisation as "
                                   "'<hub-handle> <display name>'"))
    return None, Organization(handle=handle, name=name.strip())


def _parse_date_line(text: str, source: str, line: int, captured: date) -> tuple[date, int]:
    match = DATE_LINE.match(text)
    if match is None:
        raise ContentError(Problem(source, line, f"cannot read the date line {text!r}",
                                   "expected 'Mon D, YYYY', 'Mon D', optionally followed by "
                                   "the upvote count, e.g. 'Feb 6, 2024 4'"))
    month, day = MONTHS.index(match["month"]) + 1, int(match["day"])
    year = int(match["year"]) if match["year"] else _year_of_yearless(month, day, captured)
    try:
        published = date(year, month, day)
    except ValueError:
        raise ContentError(Problem(source, line, f"{text!r} is not a real date",
                                   "check the day of the month")) from None
    return published, int(match["upvotes"]) if match["upvotes"] else None


def _year_of_yearless(month: int, day: int, captured: date) -> int:
    """The page omits the current year; a day after the capture day must be last year's."""
    return captured.year - 1 if (month, day) > (captured.month, captured.day) else captured.year


def _single_line(paragraph: _Paragraph, source: str, what: str) -> str:
    if _is_metadata(paragraph):
        raise _error(source, paragraph, f"expected {what}, found a metadata block",
                     "a metadata block must follow a title and an abstract")
    if len(paragraph.lines) != 1:
        raise _error(source, paragraph, f"expected {what}, found {len(paragraph.lines)} lines "
                     "without a blank line between them",
                     "titles and abstracts are one line each, separated by a blank line")
    if _is_metadata_line(paragraph.lines[0]):
        raise _error(source, paragraph, f"expected {what}, found metadata {paragraph.lines[0]!r}",
                     "a metadata block must follow a title and an abstract")
    return paragraph.lines[0]


def _is_metadata_line(text: str) -> bool:
    return text == SEPARATOR or bool(AUTHORS_LINE.match(text))


def _error(source: str, paragraph: _Paragraph | None, message: str, hint: str) -> ContentError:
    return ContentError(Problem(source, paragraph.line if paragraph else None, message, hint))
