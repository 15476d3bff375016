"""The filterable index of all papers: facets, sorting, shareable URLs, and 10,000 papers."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from generator.facets import FACETS_FILE, render_facets
from generator.model import PaperEntry, Site
from tests.browser import serve_directory, watch_page

pytestmark = pytest.mark.browser


def _expected(site: Site, year: str, topic: str) -> list[PaperEntry]:
    return [e for e in site.papers.values() if topic in e.topics
            and e.paper.published and e.paper.published.year == int(year)]


def _open_index(browser, url: str):
    page = browser.new_page()
    problems = watch_page(page)
    page.goto(url)
    page.wait_for_selector("#pw-facets[data-ready]")
    return page, problems


def test_filters_from_the_url_and_the_controls(browser, shipped_site: Path, site_model: Site) -> None:
    expected = _expected(site_model, "2024", "knowledge-distillation")
    assert expected
    with serve_directory(shipped_site) as base:
        page, problems = _open_index(browser, f"{base}papers/?year=2024&topic=knowledge-distillation")
        assert page.locator(".pw-facets__status").inner_text() == \
            f"{len(expected)} of {len(site_model.papers)} papers"
        titles = page.locator("#pw-facets .pw-cards > li > a:first-child").all_inner_texts()
        assert len(titles) == len(expected)
        page.select_option("select[name=sort]", "upvotes")
        page.check("input[name=code]")
        assert "sort=upvotes" in page.url and "code=1" in page.url and "topic=knowledge-distillation" in page.url
        # Papers without a known count say nothing of upvotes, and sort as none.
        upvotes = [int(found[1]) if (found := re.search(r"(\d+) upvotes", t)) else 0
                   for t in page.locator("#pw-facets .pw-cards > li > small").all_inner_texts()]
        assert upvotes == sorted(upvotes, reverse=True)
        assert all("code" in t for t in page.locator("#pw-facets .pw-cards > li > small").all_inner_texts())
        page.locator("#pw-facets .pw-cards > li > a:first-child").first.click()
        page.wait_for_selector("article h1")
        assert "/papers/" in page.url
        assert problems == []


def test_the_index_sorts_by_the_stars_of_the_code(browser, shipped_site: Path,
                                                  site_model: Site, tmp_path: Path) -> None:
    """Papers whose repository has stars come first, most first, each saying how many; the
    others follow as before."""
    ids = list(site_model.papers)
    stars = {ids[3]: 12, ids[7]: 1234, ids[11]: 0}
    papers = {pid: replace(e, paper=replace(e.paper, code=f"https://github.com/example/{pid}",
                                            stars=stars[pid])) if pid in stars else e
              for pid, e in site_model.papers.items()}
    site_copy = tmp_path / "site"
    shutil.copytree(shipped_site, site_copy)
    (site_copy / FACETS_FILE).write_text(
        render_facets(replace(site_model, papers=papers))[FACETS_FILE], "utf-8")
    with serve_directory(site_copy) as base:
        page, problems = _open_index(browser, f"{base}papers/")
        page.select_option("select[name=sort]", "stars")
        assert "sort=stars" in page.url
        cards = page.locator("#pw-facets .pw-cards > li")
        hrefs = [cards.nth(n).locator("a").first.get_attribute("href") for n in range(4)]
        assert hrefs[:3] == [f"{ids[7]}/", f"{ids[3]}/", f"{ids[11]}/"]
        small = [cards.nth(n).locator("small").inner_text() for n in range(3)]
        assert ["code ★ 1,234" in small[0], "code ★ 12" in small[1], "code ★ 0" in small[2]] \
            == [True] * 3
        assert "★" not in cards.nth(3).locator("small").inner_text()
        assert problems == []


def test_the_index_filters_by_author(browser, shipped_site: Path, site_model: Site,
                                     tmp_path: Path) -> None:
    """Paper pages link each author's name to ``papers/?author=<name>``: all their papers."""
    ids = list(site_model.papers)
    team = {ids[0]: ("Ada Lovelace", "Alan Turing"), ids[5]: ("Alan Turing",),
            ids[9]: ("Grace Hopper", "Ada Lovelace")}
    papers = {pid: replace(e, paper=replace(e.paper, authors=team.get(pid, ())))
              for pid, e in site_model.papers.items()}
    site_copy = tmp_path / "site"
    shutil.copytree(shipped_site, site_copy)
    facets = render_facets(replace(site_model, papers=papers))[FACETS_FILE]
    (site_copy / FACETS_FILE).write_text(facets, "utf-8")
    total = len(site_model.papers)
    with serve_directory(site_copy) as base:
        page, problems = _open_index(browser, f"{base}papers/?author=Alan%20Turing")
        assert page.locator(".pw-facets__status").inner_text() == f"2 of {total} papers"
        assert "Alan Turing" in page.locator("#pw-facets .pw-cards > li > small").first.inner_text()
        page.fill("input[name=author]", "lovel")
        page.wait_for_function(f"document.querySelector('.pw-facets__status').textContent"
                               f" === '2 of {total} papers'")
        assert "author=lovel" in page.url
        page.fill("input[name=author]", "")
        page.wait_for_function(f"document.querySelector('.pw-facets__status').textContent"
                               f" === '{total} of {total} papers'")
        assert problems == []


def _ten_thousand(site: Site) -> Site:
    """The shipped papers repeated under new ids and dates until there are 10,000 of them."""
    base = list(site.papers.values())
    papers = {}
    for n in range(10_000):
        entry = base[n % len(base)]
        # Six authors each from 40,000 names: about what 10,000 Daily Papers hold.
        authors = tuple(f"Given{k} Family{k}" for k in ((n * 6 + i) % 40_000 for i in range(6)))
        paper = replace(entry.paper, id=f"{entry.id}-{n}", authors=authors,
                        published=(entry.paper.published or None) and entry.paper.published - timedelta(days=n % 700))
        papers[paper.id] = replace(entry, paper=paper)
    return replace(site, papers=papers)


def test_filtering_ten_thousand_papers_stays_responsive(browser, shipped_site: Path, site_model: Site,
                                                         tmp_path: Path) -> None:
    site_copy = tmp_path / "site"
    shutil.copytree(shipped_site, site_copy)
    (site_copy / FACETS_FILE).write_text(render_facets(_ten_thousand(site_model))[FACETS_FILE], "utf-8")
    size_kb = (site_copy / FACETS_FILE).stat().st_size / 1024
    with serve_directory(site_copy) as base:
        page, problems = _open_index(browser, f"{base}papers/")
        assert page.locator(".pw-facets__status").inner_text() == "10000 of 10000 papers"
        timing = page.evaluate("""() => {
            const select = document.querySelector('select[name=topic]');
            const started = performance.now();
            select.value = 'knowledge-distillation';
            select.dispatchEvent(new Event('change', {bubbles: true}));
            return performance.now() - started;
        }""")
        shown = page.locator(".pw-facets__status").inner_text()
        assert shown.endswith(" of 10000 papers") and not shown.startswith("10000 ")
        print(f"10,000 papers: facets.json {size_kb:.0f} KB, applying a topic filter took {timing:.1f} ms")
        assert problems == []


def _visible(page, selector: str) -> bool:
    return page.locator(selector).is_visible()


def test_show_more_appears_only_when_there_is_more(browser, shipped_site: Path,
                                                   site_model: Site) -> None:
    """Material's buttons are inline blocks: "Show more" showed under every result, even
    an empty one."""
    total = len(site_model.papers)
    assert total > 100  # more than one page of results
    with serve_directory(shipped_site) as base:
        page, problems = _open_index(browser, f"{base}papers/")
        assert _visible(page, ".pw-facets__more")
        while _visible(page, ".pw-facets__more"):
            page.click(".pw-facets__more")
        assert page.locator("#pw-facets .pw-cards > li").count() == total
        page.select_option("select[name=topic]", "knowledge-distillation")
        assert page.locator("#pw-facets .pw-cards > li").count() == \
            len(site_model.topics["knowledge-distillation"].papers) <= 100
        assert not _visible(page, ".pw-facets__more")
        assert problems == []


def test_an_empty_result_offers_to_clear_the_filters(browser, shipped_site: Path,
                                                     site_model: Site) -> None:
    total = len(site_model.papers)
    with serve_directory(shipped_site) as base:
        page, problems = _open_index(browser, f"{base}papers/?year=2024&author=nobody-at-all")
        assert page.locator(".pw-facets__status").inner_text() == f"0 of {total} papers"
        assert not _visible(page, ".pw-facets__more")
        clear = page.get_by_role("button", name="Clear filters")
        assert clear.is_visible()
        clear.click()
        assert page.locator(".pw-facets__status").inner_text() == f"{total} of {total} papers"
        assert page.url == f"{base}papers/"
        assert page.input_value("select[name=year]") == "" and page.input_value("input[name=author]") == ""
        assert not clear.is_visible()
        assert problems == []


def test_the_organisation_filter_lists_organisations_with_their_papers(
        browser, shipped_site: Path, site_model: Site) -> None:
    counts: dict[str, int] = {}
    for entry in site_model.papers.values():
        if entry.paper.organization:
            counts[entry.paper.organization.name] = counts.get(entry.paper.organization.name, 0) + 1
    assert counts
    with serve_directory(shipped_site) as base:
        page, problems = _open_index(browser, f"{base}papers/")
        options = page.locator("select[name=org] option").all_inner_texts()
        expected = [f"{name} ({n} paper{'s' if n != 1 else ''})"
                    for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
        assert options == ["Any organisation", *expected]
        name = next(iter(sorted(counts)))
        page.select_option("select[name=org]", name)
        assert page.locator(".pw-facets__status").inner_text().startswith(f"{counts[name]} of ")
        assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_filters_are_drawn_in_the_theme(browser, shipped_site: Path, scheme: str) -> None:
    """The controls were the browser's defaults: small grey boxes, a borderless author field,
    white in the dark theme."""
    with serve_directory(shipped_site) as base:
        page = browser.new_page(color_scheme=scheme)
        problems = watch_page(page)
        page.goto(f"{base}papers/")
        page.wait_for_selector("#pw-facets[data-ready]")
        styles = page.evaluate("""() => {
            const body = getComputedStyle(document.querySelector('.md-typeset'));
            return {page: [getComputedStyle(document.body).backgroundColor, body.color, body.fontFamily],
                    controls: [...document.querySelectorAll('.pw-facets__form :is(select, input[type=search])')]
                        .map(c => { const s = getComputedStyle(c); return [s.backgroundColor, s.color,
                            s.fontFamily, s.borderTopWidth, s.borderTopStyle, c.getBoundingClientRect().height]; })};
        }""")
        background, colour, font = styles["page"]
        assert len(styles["controls"]) == 5
        for control in styles["controls"]:
            assert control[:3] == [background, colour, font], control
            assert control[3] != "0px" and control[4] == "solid"
        assert len({round(control[5]) for control in styles["controls"]}) == 1  # one height
        assert problems == []
