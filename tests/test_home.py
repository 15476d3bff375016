"""The home page as a returning reader uses it: what the last capture brought, the most
upvoted recent papers, the topic tree and the subscribe button, in Chromium."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generator.homepage import RECENT_DAYS, new_since_last_capture
from generator.model import Site
from tests.test_site_quality import DESKTOP, base_url, contexts, open_page  # noqa: F401

READ_SECTION = """(heading) => {
    const h2 = [...document.querySelectorAll('article h2')].find(h => h.textContent.startsWith(heading));
    if (!h2) return null;
    let node = h2.nextElementSibling;
    while (node && node.tagName !== 'OL') node = node.nextElementSibling;
    return [...node.children].map(li => [li.firstElementChild.href.split('/').at(-2),
                                         li.querySelector('small').innerText]);
}"""


def _first_seen_last(site: Site) -> list[str]:
    """The papers of the latest capture day that no earlier listing holds, newest first."""
    last = max(view.listing.captured for view in site.listings.values())
    before = {pid for view in site.listings.values() if view.listing.captured < last
              for pid in view.papers}
    latest = {pid for view in site.listings.values() if view.listing.captured == last
              for pid in view.papers}
    return [pid for pid in site.papers if pid in latest and pid not in before]


@pytest.mark.browser
def test_home_shows_what_the_last_capture_brought(contexts, base_url: str,
                                                  site_model: Site) -> None:
    page, problems = open_page(contexts, base_url, "", viewport=DESKTOP)
    cards = page.evaluate(READ_SECTION, "New since the last capture")
    expected = _first_seen_last(site_model)
    assert 0 < len(expected) and cards is not None
    assert [pid for pid, _ in cards] == expected[:site_model.settings.newest_count]
    intro = page.locator("article h2:has-text('New since the last capture') + p").inner_text()
    assert intro.startswith(f"{len(expected)} papers first seen on ")
    assert problems == []
    page.close()


@pytest.mark.browser
def test_home_shows_the_most_upvoted_recent_papers(contexts, base_url: str,
                                                   site_model: Site) -> None:
    page, problems = open_page(contexts, base_url, "", viewport=DESKTOP)
    cards = page.evaluate(READ_SECTION, "Most upvoted recently")
    assert cards, "no most-upvoted section"
    votes = [site_model.papers[pid].paper.upvotes for pid, _ in cards]
    assert votes == sorted(votes, reverse=True) and all(votes)
    assert all(f"{count} upvote" in small for count, (_, small) in zip(votes, cards))
    newest = next(e.paper.published for e in site_model.papers.values() if e.paper.published)
    assert all((newest - site_model.papers[pid].paper.published).days <= RECENT_DAYS
               for pid, _ in cards)
    # None of the recent papers left out has more upvotes than the last one shown.
    shown = {pid for pid, _ in cards}
    left_out = [e.paper.upvotes for e in site_model.papers.values() if e.id not in shown
                and e.paper.upvotes and e.paper.published
                and (newest - e.paper.published).days <= RECENT_DAYS]
    assert all(count <= votes[-1] for count in left_out)
    assert problems == []
    page.close()


@pytest.mark.browser
def test_home_shows_the_topic_tree(contexts, base_url: str, site_model: Site) -> None:
    page, problems = open_page(contexts, base_url, "", viewport=DESKTOP)
    tree = page.evaluate("""() => {
        const h2 = [...document.querySelectorAll('article h2')].find(h => h.textContent.startsWith('Topics'));
        return [...h2.nextElementSibling.children].map(li => [
            li.querySelector('a').href.split('/').at(-2),
            [...li.querySelectorAll(':scope > ul > li > a')].map(a => a.href.split('/').at(-2))]);
    }""")
    expected = [[tid, list(entry.children)] for tid, entry in site_model.topics.items()
                if not entry.topic.parent]
    assert tree == expected and any(children for _, children in tree)
    assert problems == []
    page.close()


def test_one_capture_day_brings_nothing_new(site_model: Site) -> None:
    """With one capture day every paper would be new: the home page lists the newest."""
    day = max(view.listing.captured for view in site_model.listings.values())
    one_day = {lid: replace(view, listing=replace(view.listing, captured=day))
               for lid, view in site_model.listings.items()}
    assert new_since_last_capture(replace(site_model, listings=one_day)) is None
    assert new_since_last_capture(site_model).papers == tuple(_first_seen_last(site_model))
