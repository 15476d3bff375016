"""Turn the enriched Site into Markdown pages: ``{path inside docs/: markdown}``.

Rendering is pure: no file is read or written here, so the same Site always gives the same
bytes. Every piece of untrusted text passes through ``text.py`` before a template sees it;
templates only place prepared values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined

from .citations import bibtex_entry, citation_keys
from .facets import render_facets
from .feeds import feed_links
from .model import PaperEntry, Site, TopicEntry
from .text import html_text, markdown_text, plain_text, truncate

LINK_NAMES = {"code": "Code", "project": "Project page", "model": "Model", "dataset": "Dataset",
              "other": "Link"}
DESCRIPTION_LENGTH = 200


def render_site(site: Site, site_url: str = "") -> dict[str, str]:
    """Every generated page of the wiki, keyed by its path relative to docs/.

    ``site_url`` makes the addresses in citations absolute; without it they are site-relative."""
    pages = _Pages(site, site_url)
    files = {
        "index.md": pages.home(),
        "papers/index.md": pages.paper_index(),
        "topics/index.md": pages.topic_index(),
        "listings/index.md": pages.listing_index(),
    }
    files.update({f"papers/{pid}.md": pages.paper(entry) for pid, entry in site.papers.items()})
    files.update({f"topics/{tid}.md": pages.topic(entry) for tid, entry in site.topics.items()})
    files.update({f"listings/{lid}.md": pages.listing(lid) for lid in site.listings})
    files.update({f"papers/{old}.md": pages.redirect(old, new) for old, new in site.redirects.items()
                  if f"papers/{old}.md" not in files})
    files.update(render_facets(site))
    return files


def front_matter(**fields: object) -> str:
    """YAML front matter of already-escaped values; safe_dump quotes whatever needs it."""
    present = {key: value for key, value in fields.items() if value is not None}
    return "---\n" + yaml.dump(present, Dumper=_DUMPER, allow_unicode=True, sort_keys=False,
                                width=1_000_000) + "---\n"


# libyaml's emitter where available: the pure-Python one took a third of rendering time.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def safe_url(url: str) -> str:
    """A URL that Markdown cannot break out of and browsers cannot execute."""
    if not url.lower().startswith(("http://", "https://")):
        return "#"
    return quote(url, safe=":/?#@!$&'*+,;=%~.-_")


@dataclass(frozen=True)
class PaperLine:
    """How a paper appears in any list: prepared once, used by every page that lists it."""

    id: str
    title: str
    date: str
    upvotes: int
    featured: bool


class _Pages:
    def __init__(self, site: Site, site_url: str):
        self.site = site
        self.site_url = site_url
        self.env = Environment(loader=PackageLoader("generator", "templates"),
                               undefined=StrictUndefined, keep_trailing_newline=True,
                               trim_blocks=True, lstrip_blocks=True, autoescape=False)
        self.env.filters.update(md=markdown_text, url=safe_url, link_name=LINK_NAMES.get)

    @cached_property
    def lines(self) -> dict[str, PaperLine]:
        return {pid: PaperLine(pid, markdown_text(e.paper.title), _date(e), e.paper.upvotes,
                               e.paper.featured) for pid, e in self.site.papers.items()}

    @cached_property
    def citation_keys(self) -> dict[str, str]:
        return citation_keys(self.site)

    def _render(self, template: str, **context: object) -> str:
        return self.env.get_template(template).render(site=self.site, lines=self.lines, **context)

    def paper(self, entry: PaperEntry) -> str:
        paper = entry.paper
        meta = front_matter(title=html_text(paper.title),
                            description=html_text(truncate(plain_text(paper.abstract),
                                                           DESCRIPTION_LENGTH)),
                            source=paper.source, compact_nav=True,
                            schema_org=self._schema_org(entry),
                            feeds=feed_links(self.site, "paper"))
        return self._render("paper.md.j2", meta=meta, entry=entry, paper=paper,
                            note=_curator_markdown(paper.note),
                            citation_key=self.citation_keys[entry.id],
                            bibtex=bibtex_entry(entry, self.site_url, self.citation_keys[entry.id],
                                               with_abstract=False))

    def _schema_org(self, entry: PaperEntry) -> dict[str, object]:
        """schema.org ScholarlyArticle data; the theme serialises it with tojson."""
        paper = entry.paper
        data: dict[str, object] = {
            "@context": "https://schema.org", "@type": "ScholarlyArticle",
            "headline": plain_text(paper.title), "abstract": plain_text(paper.abstract),
            "keywords": [self.site.topics[t].topic.name for t in entry.topics],
        }
        if paper.published:
            data["datePublished"] = paper.published.isoformat()
        if paper.organization:
            data["author"] = {"@type": "Organization", "name": paper.organization.name}
        return data

    def topic(self, entry: TopicEntry) -> str:
        topic = entry.topic
        featured = [pid for pid in entry.papers if self.site.papers[pid].paper.featured]
        meta = front_matter(title=html_text(topic.name), description=html_text(topic.description),
                            source=topic.source, feeds=feed_links(self.site, "topic", topic.id))
        return self._render("topic.md.j2", meta=meta, entry=entry, topic=topic, featured=featured)

    def listing(self, listing_id: str) -> str:
        view = self.site.listings[listing_id]
        meta = front_matter(title=html_text(view.listing.title),
                            description=html_text(view.listing.description or view.listing.title),
                            source=view.listing.source)
        return self._render("listing.md.j2", meta=meta, view=view, listing=view.listing)

    def home(self) -> str:
        papers = list(self.site.papers.values())
        featured = [e.id for e in papers if e.paper.featured]
        newest = [e.id for e in papers[: self.site.settings.newest_count]]
        meta = front_matter(title="Home", feeds=feed_links(self.site, "home"))
        return self._render("home.md.j2", meta=meta, featured=featured, newest=newest)

    def paper_index(self) -> str:
        return self._render("papers.md.j2", meta=front_matter(title="All papers"))

    def topic_index(self) -> str:
        return self._render("topics.md.j2", meta=front_matter(title="Topics"))

    def listing_index(self) -> str:
        return self._render("listings.md.j2", meta=front_matter(title="Listings"))

    def redirect(self, old: str, new: str) -> str:
        meta = front_matter(title=html_text(self.site.papers[new].paper.title),
                            template="redirect.html", redirect=f"papers/{new}/",
                            search={"exclude": True})
        return self._render("redirect.md.j2", meta=meta, new=new)


def _date(entry: PaperEntry) -> str:
    return entry.paper.published.isoformat() if entry.paper.published else "undated"


def _curator_markdown(note: str | None) -> str | None:
    """Curators write Markdown, not HTML: raw tags are shown as text, formatting still works."""
    return note.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if note else None
