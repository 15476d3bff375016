"""One paper card in every list of the built wiki, read in Chromium as a reader sees it.

Lists were plain underlined links with "0 upvotes" on nearly every row, each page with
its own markup. Now home, topic, listing and index pages and a paper's related papers show
the same card: the title on its own line, what is known in small print (a date as <time>,
first authors, organisation, code, upvotes only when known), and the topics as chips.
"""

from __future__ import annotations

import pytest

from generator.model import Site
from tests.test_site_quality import (  # noqa: F401 - fixtures shared with the quality tests
    DESKTOP, ON_A_PHONE, PAGES, PHONE, base_url, contexts, open_page)

pytestmark = pytest.mark.browser

LISTS = {name: PAGES[name] for name in ("home", "topic", "listing", "papers-index", "paper")}
TOPIC = LISTS["topic"].strip("/").rsplit("/", 1)[-1]  # the topic whose page is read

# Every card as the page shows it: its paper, title, small print, chips and their addresses.
READ_CARDS = """() => [...document.querySelectorAll('article ol.pw-cards > li')].map(li => ({
    href: li.firstElementChild.href, tag: li.firstElementChild.tagName,
    title: li.firstElementChild.textContent,
    small: li.querySelector(':scope > small') ? li.querySelector(':scope > small').innerText : '',
    times: [...li.querySelectorAll('time')].map(t => t.textContent),
    chips: [...li.querySelectorAll(':scope > .pw-chips > a')].map(a => [a.textContent, a.href]),
}))"""


def _paper_id(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.parametrize("name", list(LISTS))
def test_every_list_shows_paper_cards(contexts, base_url: str, site_model: Site, name: str) -> None:
    page, problems = open_page(contexts, base_url, LISTS[name], viewport=DESKTOP)
    cards = page.evaluate(READ_CARDS)
    assert len(cards) >= 5, f"{name}: {len(cards)} cards"
    # No paper is listed as a plain link outside a card.
    loose = page.evaluate("""() => [...document.querySelectorAll('article li > a[href*="papers/"]')]
        .filter(a => !a.closest('ol.pw-cards') && !a.href.endsWith('/papers/')).length""")
    assert loose == 0
    topic_names = {tid: entry.topic.name for tid, entry in site_model.topics.items()}
    for card in cards:
        assert card["tag"] == "A" and card["href"].startswith(base_url + "papers/")
        entry = site_model.papers[_paper_id(card["href"])]
        paper = entry.paper
        assert card["times"] == ([paper.published.isoformat()] if paper.published else [])
        # Upvotes only when known: a paper without a count says nothing of them.
        assert ("upvote" in card["small"]) == (paper.upvotes is not None), card
        if paper.upvotes is not None:
            assert f"{paper.upvotes} upvote" in card["small"]
        if paper.organization:
            assert paper.organization.name in card["small"]
        if name == "paper":  # related papers: compact, with the reason they are listed
            assert card["chips"] == [] and "shared terms" in card["small"]
        else:  # on a topic's page, the other topics: its own would be on every card
            chips = [t for t in entry.topics if t != (TOPIC if name == "topic" else None)]
            assert [chip[0] for chip in card["chips"]] == [topic_names[t] for t in chips]
            assert all(href == f"{base_url}topics/{tid}/"
                       for (_, href), tid in zip(card["chips"], chips))
    assert problems == []
    page.close()


def test_a_card_links_to_the_code_with_its_stars(contexts, base_url: str, site_model: Site) -> None:
    page, problems = open_page(contexts, base_url, PAGES["listing"], viewport=DESKTOP)
    links = page.evaluate("""() => [...document.querySelectorAll('article .pw-cards small a')]
        .map(a => [a.closest('li').firstElementChild.href, a.textContent, a.href])""")
    assert links, "no card of the listing links to code"
    for paper_href, text, href in links:
        entry = site_model.papers[_paper_id(paper_href)]
        code = entry.paper.code or next(link.url for link in entry.links if link.kind == "code")
        assert href == code and text.startswith("code")
        if entry.paper.stars is not None:
            assert text == f"code ★ {entry.paper.stars:,}"
    assert problems == []
    page.close()


def test_the_index_draws_the_same_cards_as_the_static_list(contexts, base_url: str) -> None:
    """facets.js replaces the static list with cards of its own making: same small print,
    same chips, whichever drew them."""
    static_page = contexts(viewport=DESKTOP, java_script_enabled=False).new_page()
    static_page.goto(base_url + PAGES["papers-index"])
    drawn_page, problems = open_page(contexts, base_url, PAGES["papers-index"], viewport=DESKTOP)
    before, after = static_page.evaluate(READ_CARDS), drawn_page.evaluate(READ_CARDS)
    assert len(before) >= 100 and len(after) >= 100
    for one, other in zip(before[:100], after[:100]):
        assert one["href"] == other["href"]
        assert (one["small"], one["times"], one["chips"]) == \
            (other["small"], other["times"], other["chips"])
    assert problems == []
    static_page.close()
    drawn_page.close()


@pytest.mark.parametrize("name", ["home", "topic", "paper"])
def test_cards_fit_a_phone(contexts, base_url: str, name: str) -> None:
    page, problems = open_page(contexts, base_url, LISTS[name], **ON_A_PHONE)
    boxes = page.evaluate("""() => [...document.querySelectorAll('article ol.pw-cards > li, '
        + 'article .pw-chips > a')].map(e => { const r = e.getBoundingClientRect();
                                               return [Math.round(r.left), Math.round(r.right)]; })""")
    assert boxes and all(0 <= left and right <= PHONE["width"] for left, right in boxes), boxes
    assert problems == []
    page.close()
