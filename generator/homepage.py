"""What the home page lists besides featured papers: what the last capture brought, and the
most-upvoted recent papers. Plain ids and dates from the Site; the template draws the cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .model import Site

RECENT_DAYS = 180  # "recent": published within this many days of the newest paper


@dataclass(frozen=True)
class Capture:
    """The papers the newest capture day brought that no earlier listing held."""

    day: date
    listings: tuple[str, ...]  # the listings captured that day
    papers: tuple[str, ...]  # newest first, as the Site orders them


def new_since_last_capture(site: Site) -> Capture | None:
    """None while the wiki holds one capture day only: then every paper would be new."""
    days = sorted({view.listing.captured for view in site.listings.values()})
    if len(days) < 2:
        return None
    last = days[-1]
    latest = tuple(lid for lid, view in site.listings.items() if view.listing.captured == last)
    earlier = {pid for view in site.listings.values() if view.listing.captured < last
               for pid in view.papers}
    papers = tuple(pid for pid, entry in site.papers.items()
                   if pid not in earlier and any(lid in latest for lid in entry.paper.listings))
    return Capture(last, latest, papers)


def most_upvoted_recent(site: Site, count: int) -> list[str]:
    """Up to ``count`` papers of the last RECENT_DAYS with a known upvote count, most
    upvoted first (newest first among equals); papers of unknown count are left out."""
    newest = next((e.paper.published for e in site.papers.values() if e.paper.published), None)
    if newest is None:
        return []
    since = newest - timedelta(days=RECENT_DAYS)
    recent = [e for e in site.papers.values()
              if e.paper.upvotes and e.paper.published and e.paper.published >= since]
    recent.sort(key=lambda e: -e.paper.upvotes)  # stable: newest first among equals
    return [e.id for e in recent[:count]]
