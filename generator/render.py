"""Turn the enriched Site into Markdown pages: ``{path inside docs/: markdown}``.

Rendering is pure: no file is read or written here, so the same Site always gives the same
bytes. Every piece of untrusted or curated text reaches a page through ``safehtml.py`` (or
``text.py`` where only plain text can go); templates only place prepared values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial

from . import arxiv
from .byline import authors_html, highwire_tags, links_html, paper_links, same_as
from .cards import PaperLine, paper_lines
from .citations import bibtex_entry
from .facets import render_facets
from .feeds import feed_links
from .homepage import most_upvoted_recent, new_since_last_capture
from .model import PaperEntry, Site, TopicEntry
from .outputs import HOME, index_page, page_url
from .outputs import page as page_path  # `page` names a PaperPage in this module
from .processes import split
from .safehtml import curated_html, text_html
from .templating import environment, front_matter
from .text import html_text, plain_text, truncate

DESCRIPTION_LENGTH = 200
STATIC_INDEX_LIMIT = 2000  # above this, a static list of every paper would outweigh its use


def render_site(site: Site, site_url: str = "", site_name: str = "PaperWiki") -> dict[str, str]:
    """Every generated page of the wiki, keyed by its path relative to docs/.

    ``site_url`` makes the addresses in citations absolute; without it they are site-relative."""
    files: dict[str, str] = {}
    for task in render_tasks(site, site_url, site_name=site_name):
        files.update(task())
    return files


# Renders a paper page through a store of pages rendered before (see generate()); None: the
# page is in docs/ already, as the last build wrote it.
PaperPageMemo = Callable[["PaperPage", Callable[["PaperPage"], str]], "str | None"]


def render_tasks(site: Site, site_url: str = "", parallel: bool = False,
                 site_name: str = "PaperWiki", memo: PaperPageMemo | None = None,
                 dates: dict[str, str] | None = None,
                 ) -> list[Callable[[], dict[str, str | None]]]:
    """``render_site`` in independent pieces: runs of paper pages (one per core when
    ``parallel``), then every other page. The generator runs them beside its data files,
    so no core waits for another to finish the pages it does not share. ``dates`` are the
    site's ``page_dates``, when the caller has them already."""
    pages = _Pages(site, site_url, site_name, memo, dates)
    return [*(partial(pages.papers, run) for run in split(list(site.papers.values()), parallel)),
            pages.others]


@dataclass(frozen=True)
class PaperPage:
    """Everything a paper's page shows. Equal inputs make the same page, so within a process
    (`paperwiki serve` rebuilding after each edit) a page is rendered again only if it changed."""

    entry: PaperEntry
    topics: tuple[tuple[str, str], ...]  # (id, name)
    listings: tuple[tuple[str, str], ...]  # (id, title)
    related: tuple[tuple[PaperLine, str], ...]  # (card, shared terms as HTML)
    feeds: tuple[tuple[str, str], ...]  # (title, href)
    citation_key: str
    site_url: str


@lru_cache(maxsize=20_000)
def render_paper_page(page: PaperPage) -> str:
    paper = page.entry.paper
    meta = front_matter(title=html_text(paper.title),
                        description=html_text(truncate(plain_text(paper.abstract),
                                                       DESCRIPTION_LENGTH)),
                        source=paper.source, updated=_iso(paper.published), compact_nav=True,
                        # In no navigation: the text takes the navigation's column on a
                        # desktop; phones still find the navigation in the drawer.
                        hide=["navigation"],
                        schema_org=_schema_org(page), citation=highwire_tags(paper),
                        feeds=[{"title": title, "href": href} for title, href in page.feeds])
    here = page_path("paper", paper.id)
    bibtex = bibtex_entry(page.entry, page.site_url, page.citation_key, with_abstract=False)
    identity = paper_links(paper)
    shown = {link.url for link in identity}
    return environment().get_template("paper.md.j2").render(
        meta=meta, page=page, entry=page.entry, paper=paper, here=here,
        note=paper.note and curated_html(paper.note, here),
        citation_key=page.citation_key, bibtex=bibtex, authors=authors_html(paper),
        identity=links_html(identity),
        other_links=[link for link in page.entry.links if link.url not in shown])


def _schema_org(page: PaperPage) -> dict[str, object]:
    """schema.org ScholarlyArticle data; the theme serialises it with tojson."""
    paper = page.entry.paper
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "ScholarlyArticle",
        # No description: the page's meta description already gives it, ten thousand times.
        "headline": plain_text(paper.title),
        "keywords": [*(name for _, name in page.topics),
                     *(plain_text(keyword) for keyword in paper.keywords)],
    }
    if paper.published:
        data["datePublished"] = paper.published.isoformat()
    if paper.authors:
        data["author"] = [{"@type": "Person", "name": plain_text(name)} for name in paper.authors]
    elif paper.organization:
        data["author"] = {"@type": "Organization", "name": paper.organization.name}
    if paper.organization:
        data["sourceOrganization"] = {"@type": "Organization", "name": paper.organization.name}
    if page.site_url:
        data["url"] = page_url(page.site_url, "paper", paper.id)
    if paper.arxiv:
        data["sameAs"] = same_as(paper)
        data["identifier"] = [
            {"@type": "PropertyValue", "propertyID": "arXiv", "value": paper.arxiv},
            {"@type": "PropertyValue", "propertyID": "DOI", "value": arxiv.doi(paper.arxiv)}]
    return data


class _Pages:
    def __init__(self, site: Site, site_url: str, site_name: str,
                 memo: PaperPageMemo | None = None, dates: dict[str, str] | None = None):
        self.site = site
        self.memo = memo
        self.site_url = site_url
        self.site_name = site_name
        self.env = environment()
        # What every paper page shares, computed once (and before any fork).
        self.lines = paper_lines(site)
        self.paper_feeds = tuple((feed["title"], feed["href"])
                                 for feed in feed_links(site, "paper", site_name=site_name))
        self.dates = page_dates(site) if dates is None else dates

    def _render(self, template: str, **context: object) -> str:
        return self.env.get_template(template).render(site=self.site, lines=self.lines, **context)

    def others(self) -> dict[str, str]:
        """Every page but the papers' own: indexes, topics, listings, redirects, facets."""
        site = self.site
        return {
            HOME: self.home(),
            index_page("paper"): self.paper_index(),
            index_page("topic"): self.topic_index(),
            index_page("listing"): self.listing_index(),
            **{page_path("topic", tid): self.topic(entry) for tid, entry in site.topics.items()},
            **{page_path("listing", lid): self.listing(lid) for lid in site.listings},
            **{page_path("paper", old): self.redirect(old, new)
               for old, new in site.redirects.items() if old not in site.papers},
            **render_facets(site),
        }

    def papers(self, entries: Sequence[PaperEntry]) -> dict[str, str | None]:
        return {page_path("paper", entry.id): self.paper(entry) for entry in entries}

    def paper(self, entry: PaperEntry) -> str | None:
        site = self.site
        page = PaperPage(
            entry=entry,
            topics=tuple((tid, site.topics[tid].topic.name) for tid in entry.topics),
            listings=tuple((lid, site.listings[lid].listing.title)
                           for lid in entry.paper.listings if lid in site.listings),
            related=tuple((self.lines[r.paper_id], _terms_html(r.terms))
                          for r in entry.related),
            feeds=self.paper_feeds, citation_key=site.citation_keys[entry.id],
            site_url=self.site_url)
        return self.memo(page, render_paper_page) if self.memo else render_paper_page(page)

    def topic(self, entry: TopicEntry) -> str:
        topic = entry.topic
        featured = [pid for pid in entry.papers if self.site.papers[pid].paper.featured]
        meta = front_matter(title=html_text(topic.name), description=html_text(topic.description),
                            source=topic.source, updated=self.dates.get(f"topics/{topic.id}.md"),
                            feeds=feed_links(self.site, "topic", topic.id, self.site_name))
        return self._render("topic.md.j2", meta=meta, entry=entry, topic=topic, featured=featured)

    def listing(self, listing_id: str) -> str:
        view = self.site.listings[listing_id]
        meta = front_matter(title=html_text(view.listing.title),
                            description=html_text(view.listing.description or view.listing.title),
                            source=view.listing.source,
                            updated=self.dates.get(f"listings/{listing_id}.md"))
        return self._render("listing.md.j2", meta=meta, view=view, listing=view.listing)

    def home(self) -> str:
        papers = list(self.site.papers.values())
        featured = [e.id for e in papers if e.paper.featured]
        newest = [e.id for e in papers[: self.site.settings.newest_count]]
        meta = front_matter(title="Home", updated=self.dates.get("index.md"),
                            feeds=feed_links(self.site, "home", site_name=self.site_name))
        return self._render("home.md.j2", meta=meta, featured=featured, newest=newest,
                            capture=new_since_last_capture(self.site),
                            upvoted=most_upvoted_recent(self.site, self.site.settings.newest_count),
                            newest_count=self.site.settings.newest_count,
                            site_name=text_html(self.site_name))

    def paper_index(self) -> str:
        """The filterable index; small wikis also get a plain list of links inside it, for
        readers without JavaScript and for crawlers (the script replaces it)."""
        papers = self.site.papers
        static = list(papers) if len(papers) <= STATIC_INDEX_LIMIT else []
        return self._render("papers.md.j2", static_ids=static, meta=front_matter(
            title="All papers", updated=self.dates.get("papers/index.md"),
            hide=["navigation"]))  # its column would name this page alone; the filters take it

    def topic_index(self) -> str:
        return self._render("topics.md.j2", meta=front_matter(
            title="Topics", updated=self.dates.get("topics/index.md")))

    def listing_index(self) -> str:
        return self._render("listings.md.j2", meta=front_matter(
            title="Listings", updated=self.dates.get("listings/index.md")))

    def redirect(self, old: str, new: str) -> str:
        meta = front_matter(title=html_text(self.site.papers[new].paper.title),
                            template="redirect.html", redirect=f"papers/{new}/",
                            search={"exclude": True})
        return self._render("redirect.md.j2", meta=meta, new=new)


@lru_cache(maxsize=65_536)  # the same relations come back on every build
def _terms_html(terms: tuple[str, ...]) -> str:
    return ", ".join(map(text_html, terms))


def page_dates(site: Site) -> dict[str, str]:
    """The day each generated page last changed, as far as the content tells: a paper's
    publication, a listing's capture, the newest paper a list shows. Sitemaps give it as
    lastmod; a page without one is left out (the build date would say every page changed)."""
    dates = {f"papers/{pid}.md": day for pid, entry in site.papers.items()
             if (day := _iso(entry.paper.published))}
    dates.update((f"topics/{tid}.md", day) for tid, entry in site.topics.items()
                 if (day := _newest(site, entry.papers)))
    dates.update((f"listings/{lid}.md", view.listing.captured.isoformat())
                 for lid, view in site.listings.items())
    newest_paper = _newest(site, site.papers)
    newest_listing = max((view.listing.captured for view in site.listings.values()), default=None)
    indexes = {"index.md": newest_paper, "papers/index.md": newest_paper,
               "topics/index.md": newest_paper, "listings/index.md": _iso(newest_listing)}
    dates.update((path, day) for path, day in indexes.items() if day)
    return dates


def _newest(site: Site, paper_ids: Iterable[str]) -> str | None:
    papers = site.papers
    return _iso(max((papers[pid].paper.published for pid in paper_ids
                     if papers[pid].paper.published), default=None))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
