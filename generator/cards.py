"""How a paper appears in every list of the wiki: the data of its card, prepared once.

Home, topic, listing and index pages and a paper's related papers all show the same card
(``templates/_paper_list.md.j2``): title, first authors, organisation, date, code with its
stars, upvotes when known, topic chips. Every value that comes from outside is made HTML
here, through ``safehtml`` (``text_html``, ``link_html``), so the template only places
prepared fragments; a paper listed on many pages is prepared once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .byline import short_byline
from .model import PaperEntry, Site
from .records import hash_once
from .safehtml import link_html, text_html


@hash_once  # hashed as the key of a card and of every paper page it is related on
@dataclass(frozen=True)
class PaperLine:
    """A paper's card, every text already HTML."""

    id: str
    title: str
    date: str | None  # ISO day, None when unknown: nothing is shown then
    upvotes: int | None  # None: unknown, never shown as 0
    featured: bool
    byline: str | None  # first authors
    organization: str | None
    code: str | None  # a link to the code, with its stars when known
    topics: tuple[tuple[str, str], ...]  # (id, name)

    @property
    def has_code(self) -> bool:
        return self.code is not None


def paper_lines(site: Site) -> dict[str, PaperLine]:
    """Every visible paper's card, by id."""
    names = tuple((tid, text_html(entry.topic.name)) for tid, entry in site.topics.items())
    return {pid: paper_line(entry, names) for pid, entry in site.papers.items()}


@lru_cache(maxsize=65_536)  # `paperwiki serve` makes every card again after each edit
def paper_line(entry: PaperEntry, names: tuple[tuple[str, str], ...]) -> PaperLine:
    """The card of ``entry``; ``names`` are every topic's (id, name as HTML). A card kept
    from the last build is the very same object, so memos keyed by cards compare them at once."""
    paper = entry.paper
    topic_names = dict(names)
    byline = short_byline(paper)
    return PaperLine(
        id=paper.id, title=text_html(paper.title),
        date=paper.published.isoformat() if paper.published else None,
        upvotes=paper.upvotes, featured=paper.featured,
        byline=text_html(byline) if byline else None,
        organization=text_html(paper.organization.name) if paper.organization else None,
        code=_code_link(entry), topics=tuple((tid, topic_names[tid]) for tid in entry.topics))


def _code_link(entry: PaperEntry) -> str | None:
    """The paper's code (the API's repository, else a code link found in the abstract)."""
    paper = entry.paper
    if paper.code:
        stars = f" ★ {paper.stars:,}" if paper.stars is not None else ""
        return link_html(paper.code, "code" + stars)
    found = next((link.url for link in entry.links if link.kind == "code"), None)
    return link_html(found, "code") if found else None
