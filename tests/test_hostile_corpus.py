"""The hostile corpus in every text field of a wiki: it builds, and nothing of it runs.

Pages, feeds, structured data and the search index are parsed as a browser or reader would
read them, and the pages are then opened in Chromium, which must raise no dialog.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.search import search_box, type_query
from tests.browser import serve_directory, watch_page
from tests.hostile import ALL_PAYLOADS, FIELDS, PAYLOADS, corpus_project
from tests.htmlscan import scan, url_scheme
from tests.project import run_build

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = corpus_project(tmp_path_factory.mktemp("corpus"))
    code, output = run_build(project)
    assert code == 0, output  # odd text is harmless text: the strict build passes
    return project / "site"


def test_the_corpus_covers_every_class_and_field() -> None:
    assert len(ALL_PAYLOADS) >= 60
    assert len(PAYLOADS) >= 11 and all(len(group) >= 3 for group in PAYLOADS.values())
    assert len(FIELDS) >= 11


def _pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def test_no_page_has_a_handler_a_script_url_or_a_script_of_the_text(corpus_site: Path) -> None:
    pages = list(_pages(corpus_site))
    assert len(pages) > 3 * len(ALL_PAYLOADS)  # a page per paper, topic and listing
    for page in pages:
        found = scan(page.read_text("utf-8"))
        assert found.handlers == [], page
        assert found.script_urls == [], page
        for body in found.scripts:  # the theme's own small inline scripts, none of ours
            assert "alert" not in body and "pwned" not in body, (page, body)
        for source in found.script_sources:
            assert url_scheme(source) == "" and "assets/" in source, (page, source)


def test_the_scanner_finds_what_runs() -> None:
    found = scan('<img src=x onerror=alert(1)><a href=" jav&#x09;ascript:alert(1)">x</a>'
                 '<svg><a xlink:href="data:text/html,x">y</a></svg><script>alert(1)</script>'
                 '<script type="application/ld+json">{}</script>&lt;script&gt;alert(2)')
    assert len(found.handlers) == 1 and len(found.script_urls) == 2
    assert found.scripts == ["alert(1)"]


def test_payloads_are_shown_as_text(corpus_site: Path) -> None:
    found = scan((corpus_site / "papers" / "paper-0" / "index.html").read_text("utf-8"))
    assert "img" not in found.elements
    page = (corpus_site / "papers" / "paper-5" / "index.html").read_text("utf-8")
    assert "onclick" in page  # as text the reader can see, not as an attribute
    assert scan(page).handlers == []
    assert "Ada Lovelace" in page and "https://arxiv.org/abs/2401.00005" in page  # new fields shown


def test_structured_data_is_data(corpus_site: Path) -> None:
    for page in _pages(corpus_site):
        html = page.read_text("utf-8")
        start = html.find('<script type="application/ld+json">')
        if start < 0:
            continue
        body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
        assert "<" not in body, page  # nothing can end the element or open a comment
        data = json.loads(body)
        assert data["@context"] == "https://schema.org"
        for value in _strings(data):
            assert url_scheme(value) in {"", "http", "https"} or " " in value, (page, value)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_feeds_parse_and_carry_no_markup_that_runs(corpus_site: Path) -> None:
    feeds = sorted((corpus_site / "feeds").rglob("*.xml"))
    assert len(feeds) > len(ALL_PAYLOADS)  # one a topic, and the whole wiki's
    for feed in feeds:
        root = ElementTree.parse(feed).getroot()
        for element in root.iter():
            if element.get("type") in {"html", "xhtml"}:
                found = scan(element.text or "")
                assert found.live == [] and found.scripts == [], feed
            for name in ("href", "src"):
                assert url_scheme(element.get(name) or "") in {"", "http", "https"}, feed


def test_search_index_shows_text_only(corpus_site: Path) -> None:
    """Material's search puts titles and text into the results list as HTML."""
    index = json.loads((corpus_site / "search" / "search_index.json").read_text("utf-8"))
    assert len(index["docs"]) > len(ALL_PAYLOADS)
    for doc in index["docs"]:
        for field in ("title", "text"):
            found = scan(doc[field])
            assert found.live == [] and found.scripts == [], doc["location"]
            assert set(found.elements) <= {"p", "code", "pre", "strong", "em", "span", "a",
                                           "ul", "ol", "li", "table", "thead", "tbody", "tr",
                                           "th", "td", "h3", "h4", "h5", "h6", "small", "br",
                                           "details", "summary", "div"}, doc["location"]


@pytest.mark.browser
def test_no_payload_runs_in_chromium(browser, corpus_site: Path) -> None:
    """Every paper page (which shows every field but the descriptions), the indexes, and
    every fifth topic and listing page."""
    pages = [page for page in _pages(corpus_site)
             if page.parent.parent.name == "papers" or page.parent == corpus_site
             or page.parent.name in {"papers", "topics", "listings"}
             or page.parent.name.endswith(("-0", "-5"))]
    dialogs: list[str] = []
    with serve_directory(corpus_site) as base_url:
        tab = browser.new_page()
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        problems = watch_page(tab, origin=base_url)
        for page in pages:
            address = base_url + page.relative_to(corpus_site).parent.as_posix() + "/"
            tab.goto(address.replace("/./", "/"), wait_until="load")
            tab.mouse.move(5, 5)  # hover handlers, had any survived
            assert tab.evaluate("typeof window.pwned") == "undefined", address
        _search(tab, base_url, "payload")
        tab.close()
    assert dialogs == []
    assert [problem for problem in problems if "off-site" in problem] == []


def _search(tab, base_url: str, query: str) -> None:
    """Search and wait for results to show (titles and text of every payload among them)."""
    tab.goto(base_url)
    type_query(search_box(tab), query)
    tab.locator(".md-search-result__item").first.wait_for(timeout=30_000)
