"""Atom feeds: the whole wiki, and one per topic, so readers can follow what they care about.

Written with feedgen rather than by hand: it builds the XML through lxml, so escaping, the
Atom namespace and the required elements are right by construction.

Feeds are build artefacts like the pages, so they must be byte-identical across runs. feedgen
stamps "now" into every feed and entry and names its own version in ``<generator>``; here
every date is a paper's date and the generator is PaperWiki without a version.

Papers without a publication date are left out of feeds: a feed is read in date order, and
any invented date would misplace the paper. They stay on their topic pages and in the exports.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from functools import lru_cache
from typing import TypedDict
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from .model import PaperEntry, Site, TopicEntry
from .outputs import ALL_FEED, page_url, topic_feed
from .text import html_text, plain_text

FEED_LIMIT = 50
EPOCH = date(1970, 1, 1)  # a feed with no dated paper still needs an `updated`


class FeedLink(TypedDict):
    """What a page's ``<link rel="alternate">`` needs; the theme reads it from front matter."""

    title: str  # HTML-escaped: the theme places it in an attribute as it is
    href: str  # relative to the site root, for the theme's `url` filter


def feed_links(site: Site, page_kind: str, topic_id: str | None = None,
               site_name: str = "PaperWiki") -> list[FeedLink]:
    """The feeds a page advertises: a topic page its own feed first, every page the whole wiki's."""
    links = [FeedLink(title=html_text(f"{site_name}: all papers"), href=ALL_FEED)]
    if page_kind == "topic" and topic_id in site.topics:
        name = plain_text(site.topics[topic_id].topic.name)
        links.insert(0, FeedLink(title=html_text(f"{site_name}: {name}"),
                                 href=topic_feed(topic_id)))
    return links


def render_feeds(site: Site, site_url: str, site_name: str = "PaperWiki") -> dict[str, str]:
    """``feeds/all.xml`` and ``feeds/topics/<id>.xml``, newest first, at most FEED_LIMIT each."""
    if urlsplit(site_url).scheme not in ("http", "https"):
        raise ValueError(f"feeds need the wiki's absolute address, not {site_url!r} — "
                         "set site_url in mkdocs.yml")
    names = tuple((tid, plain_text(entry.topic.name)) for tid, entry in site.topics.items())
    feeds = {ALL_FEED: _feed(site, site_url, names, ALL_FEED, f"{site_name}: all papers",
                             site_url, list(site.papers), site_name)}
    for topic_id, topic in site.topics.items():
        feeds[topic_feed(topic_id)] = _topic_feed(site, site_url, names, topic, site_name)
    return feeds


TopicNames = tuple[tuple[str, str], ...]  # (id, name as plain text) of every topic


def _topic_feed(site: Site, site_url: str, names: TopicNames, topic: TopicEntry,
                site_name: str) -> str:
    return _feed(site, site_url, names, topic_feed(topic.id),
                 f"{site_name}: {plain_text(topic.topic.name)}",
                 page_url(site_url, "topic", topic.id), list(topic.papers), site_name,
                 subtitle=plain_text(topic.topic.description))


def _feed(site: Site, site_url: str, names: TopicNames, path: str, title: str, page: str,
          paper_ids: list[str], site_name: str, subtitle: str | None = None) -> str:
    """One Atom document; ``paper_ids`` arrive newest first, as the Site orders them."""
    entries = [site.papers[pid] for pid in paper_ids if site.papers[pid].paper.published]
    entries = entries[:FEED_LIMIT]
    return _atom(site_url, names, path, title, page, tuple(entries), _newest(entries, site),
                 site_name, subtitle)


@lru_cache(maxsize=256)  # `paperwiki serve` writes every feed again after each edit
def _atom(site_url: str, names: TopicNames, path: str, title: str, page: str,
          entries: tuple[PaperEntry, ...], updated: date, site_name: str,
          subtitle: str | None) -> str:
    feed = FeedGenerator()
    feed_url = _absolute(site_url, path)
    feed.id(feed_url)
    feed.title(title)
    feed.author({"name": site_name})  # Atom needs an author; the listings name none
    feed.link(href=page, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.generator(site_name)  # replaces feedgen's own name, address and version
    if subtitle:
        feed.subtitle(subtitle)
    feed.updated(_moment(updated))
    topic_names = dict(names)
    for entry in entries:
        _add_entry(feed, entry, topic_names, site_url)
    document: bytes = feed.atom_str(pretty=True, encoding="UTF-8")
    return document.decode("utf-8")


def _newest(entries: list[PaperEntry], site: Site) -> date:
    """The feed changed when its newest paper appeared; an empty feed takes the wiki's newest."""
    dates = [e.paper.published for e in entries or site.papers.values() if e.paper.published]
    return max(dates, default=EPOCH)


def _add_entry(feed: FeedGenerator, entry: PaperEntry, topic_names: dict[str, str],
               site_url: str) -> None:
    paper = entry.paper
    url = page_url(site_url, "paper", paper.id)
    item = feed.add_entry(order="append")
    item.id(url)
    item.title(plain_text(paper.title))
    item.link(href=url, rel="alternate")
    item.published(_moment(paper.published))
    item.updated(_moment(paper.published))
    item.summary(plain_text(paper.abstract))
    if paper.authors:
        item.author([{"name": plain_text(name)} for name in paper.authors])
    elif paper.organization:
        item.author({"name": paper.organization.name})
    for topic_id in entry.topics:
        item.category(term=topic_id, label=topic_names[topic_id],
                      scheme=_absolute(site_url, "topics/"))


def _absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + path


def _moment(day: date | None) -> datetime:
    return datetime.combine(day or EPOCH, time(), tzinfo=timezone.utc)
