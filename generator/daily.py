"""Listings taken from the Daily Papers API: which period, what the stored response holds.

``paperwiki import --day/--week/--month`` keeps the API's raw response as the listing
(``content/listings/daily-<period>.json``, beside its YAML), so builds and later imports read
the file and never the network, and importing the same response again changes no byte. The
filters of ``content/config.yaml`` (``daily_import``) choose which of its papers are imported.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import ContentError, Problem
from .hfapi import HubError, HubPaper, daily_papers
from .listing import ListingEntry
from .records import CurationSettings


@dataclass(frozen=True)
class Period:
    """A day, an ISO week or a month of Daily Papers."""

    kind: str  # date, week, month: the API's parameter
    value: str  # 2026-08-21, 2026-W34, 2026-08
    listing_id: str
    title: str
    last_day: date  # the listing's capture day: the period's last day, so a re-import agrees


def period(day: str | None = None, week: str | None = None, month: str | None = None) -> Period:
    """The period one of the options names; ValueError with the expected form otherwise."""
    if day is not None:
        when = date.fromisoformat(day) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None
        if when is None:
            raise ValueError(f"--day {day!r}: write the day as YYYY-MM-DD")
        return Period("date", day, f"daily-{day}", f"Daily Papers of {when:%-d %B %Y}", when)
    if week is not None:
        match = re.fullmatch(r"(\d{4})-W(\d{2})", week)
        if not match:
            raise ValueError(f"--week {week!r}: write the week as YYYY-Www, e.g. 2026-W34")
        year, number = int(match[1]), int(match[2])
        last = date.fromisocalendar(year, number, 7)
        return Period("week", week, f"daily-{year}-w{number:02d}",
                      f"Daily Papers of week {number}, {year}", last)
    if month is not None:
        match = re.fullmatch(r"(\d{4})-(\d{2})", month)
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValueError(f"--month {month!r}: write the month as YYYY-MM")
        year, number = int(match[1]), int(match[2])
        last = date(year, number, calendar.monthrange(year, number)[1])
        return Period("month", month, f"daily-{month}",
                      f"Daily Papers of {last:%B %Y}", last)
    raise ValueError("name a period with --day, --week or --month")


def entries_of_response(body: bytes, source: str,
                        settings: CurationSettings) -> list[ListingEntry]:
    """The papers of a stored response that pass the filters, as listing entries whose
    identity (authors, links, counts) goes into the papers' ``hf:`` block."""
    try:
        papers = daily_papers(body, source)
    except HubError as error:
        raise ContentError(Problem(source, None, str(error),
                                   "import the period again, or delete the file")) from None
    return [_entry(paper, index) for index, paper in enumerate(papers, 1)
            if paper.abstract and _wanted(paper, settings)]


def _wanted(paper: HubPaper, settings: CurationSettings) -> bool:
    if (paper.upvotes or 0) < settings.min_upvotes:
        return False
    if not settings.import_keywords:
        return True
    text = " ".join((paper.title, paper.abstract or "", *paper.keywords)).casefold()
    return any(keyword.casefold() in text for keyword in settings.import_keywords)


def _entry(paper: HubPaper, index: int) -> ListingEntry:
    # ``line`` is the paper's place in the response: a JSON file has no lines worth naming.
    return ListingEntry(title=paper.title, abstract=paper.abstract or "", line=index,
                        published=paper.published, upvotes=None, hf=paper.hf_block())
