"""Atom feeds of the shipped wiki and of small hand-made sites, read back as a feed reader would."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pytest

from generator.citekeys import citation_keys
from generator.feeds import FEED_LIMIT, feed_links, render_feeds
from generator.model import PaperEntry, Site, TopicEntry
from generator.records import CurationSettings, Paper, Topic
from tests.project import shipped_model

SITE_URL = "https://paperwiki.github.io/paperwiki/"
ATOM = "{http://www.w3.org/2005/Atom}"
BCODER = "b-coder-value-based-deep-reinforcement-learning-for-program-synthesis"


@pytest.fixture(scope="module")
def feeds(site_model: Site) -> dict[str, str]:
    return render_feeds(site_model, SITE_URL)


def entry_ids(feed: str) -> list[str]:
    root = ET.fromstring(feed.encode("utf-8"))
    return [entry.findtext(f"{ATOM}id", "") for entry in root.iter(f"{ATOM}entry")]


def expected_ids(site_model: Site, paper_ids: tuple[str, ...] | list[str]) -> list[str]:
    dated = [pid for pid in paper_ids if site_model.papers[pid].paper.published]
    return [f"{SITE_URL}papers/{pid}/" for pid in dated[:FEED_LIMIT]]


def test_whole_wiki_feed_is_valid_atom_with_the_newest_papers(site_model: Site,
                                                              feeds: dict[str, str]) -> None:
    parsed = feedparser.parse(feeds["feeds/all.xml"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == FEED_LIMIT
    assert [e.id for e in parsed.entries] == expected_ids(site_model, list(site_model.papers))
    published = [e.published_parsed for e in parsed.entries]
    assert published == sorted(published, reverse=True)


def test_entries_link_to_the_paper_pages_under_site_url(feeds: dict[str, str]) -> None:
    for path, feed in feeds.items():
        for entry in feedparser.parse(feed).entries:
            assert entry.link == entry.id, path
            assert entry.link.startswith(SITE_URL + "papers/") and entry.link.endswith("/")


def test_titles_and_summaries_are_plain_text(site_model: Site, feeds: dict[str, str]) -> None:
    topic = site_model.papers[BCODER].topics[0]
    parsed = feedparser.parse(feeds[f"feeds/topics/{topic}.xml"])
    entry = next(e for e in parsed.entries if e.id == f"{SITE_URL}papers/{BCODER}/")
    assert entry.title == "ℬ-Coder: Value-Based Deep Reinforcement Learning for Program Synthesis"
    assert "$" not in entry.summary and entry.summary.startswith("Program synthesis aims")


def test_one_feed_per_topic_with_exactly_its_papers(site_model: Site, feeds: dict[str, str]) -> None:
    assert set(feeds) == {"feeds/all.xml"} | {f"feeds/topics/{t}.xml" for t in site_model.topics}
    for topic_id, topic in site_model.topics.items():
        feed = feeds[f"feeds/topics/{topic_id}.xml"]
        assert entry_ids(feed) == expected_ids(site_model, topic.papers), topic_id
        assert feedparser.parse(feed).feed.link == f"{SITE_URL}topics/{topic_id}/"


def test_feeds_are_byte_identical_across_runs(site_model: Site, feeds: dict[str, str]) -> None:
    again = render_feeds(shipped_model(), SITE_URL)
    assert again == feeds


def test_feed_dates_come_from_papers_never_from_the_clock(site_model: Site,
                                                         feeds: dict[str, str]) -> None:
    root = ET.fromstring(feeds["feeds/all.xml"].encode("utf-8"))
    newest = max(e.paper.published for e in site_model.papers.values() if e.paper.published)
    assert root.findtext(f"{ATOM}updated") == f"{newest.isoformat()}T00:00:00+00:00"
    generator = root.find(f"{ATOM}generator")
    assert generator is not None and generator.text == "PaperWiki" and not generator.attrib


def paper(paper_id: str, title: str, published: date | None, topic: str = "t") -> PaperEntry:
    record = Paper(id=paper_id, title=title, abstract=f"About {title}.", source="test",
                   published=published)
    return PaperEntry(record, (topic,), (), ())


def small_site(*entries: PaperEntry) -> Site:
    topics = {"t": TopicEntry(Topic("t", "Tea & <Cake>", "Test topic.", "test", 1),
                              tuple(e.id for e in entries), (), ()),
              "empty": TopicEntry(Topic("empty", "Empty", "Nothing yet.", "test", 2), (), (), ())}
    return Site(papers={e.id: e for e in entries}, topics=topics, listings={}, redirects={},
                settings=CurationSettings(), citation_keys=citation_keys(e.paper for e in entries))


def test_undated_papers_are_left_out_and_markup_is_escaped() -> None:
    site_model = small_site(paper("new", "<script>x</script> & $\\alpha$", date(2024, 5, 2)),
                      paper("old", "Old", date(2023, 1, 1)), paper("undated", "Undated", None))
    feeds = render_feeds(site_model, "https://example.org/wiki")
    root = ET.fromstring(feeds["feeds/all.xml"].encode("utf-8"))
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == ["<script>x</script> & α", "Old"]
    assert entry_ids(feeds["feeds/topics/t.xml"])[0] == "https://example.org/wiki/papers/new/"
    assert root.findtext(f"{ATOM}updated") == "2024-05-02T00:00:00+00:00"


def test_an_empty_topic_still_has_a_valid_feed() -> None:
    feeds = render_feeds(small_site(paper("p", "P", date(2022, 3, 4))), SITE_URL)
    parsed = feedparser.parse(feeds["feeds/topics/empty.xml"])
    assert not parsed.bozo and parsed.entries == []
    assert parsed.feed.updated.startswith("2022-03-04")


def test_the_cap_keeps_the_newest() -> None:
    entries = [paper(f"p{n:03}", f"Paper {n}", date.fromordinal(date(2020, 1, 1).toordinal() + n))
               for n in range(FEED_LIMIT + 10)]
    feeds = render_feeds(small_site(*reversed(entries)), SITE_URL)
    ids = entry_ids(feeds["feeds/all.xml"])
    assert len(ids) == FEED_LIMIT and ids[0].endswith(f"/p{FEED_LIMIT + 9:03}/")


def test_feeds_refuse_a_relative_site_url() -> None:
    with pytest.raises(ValueError, match="site_url"):
        render_feeds(small_site(), "")


def test_pages_advertise_their_feeds() -> None:
    site_model = small_site()
    assert feed_links(site_model, "home") == [{"title": "PaperWiki: all papers", "href": "feeds/all.xml"}]
    topic = feed_links(site_model, "topic", "t")
    assert [link["href"] for link in topic] == ["feeds/topics/t.xml", "feeds/all.xml"]
    assert topic[0]["title"] == "PaperWiki: Tea &amp; &lt;Cake&gt;"
