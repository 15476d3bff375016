"""A paper page's header, read in Chromium on a desktop and on a phone, light and dark.

The page opened on the title, then a line of facts, and only far below the abstract did a
reader find its topics; the desktop's left column stood empty beside it (the paper pages
are in no navigation). Now the header holds title, authors (a long list folds), the row of
links and the topics, and the text takes the width of that column.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.model import Site
from tests.browser import serve_directory
from tests.project import build_project, copy_project
from tests.sitemap import base_path
from tests.test_site_quality import (  # noqa: F401 - shared with the quality tests
    BCODER, DESKTOP, ON_A_PHONE, PAGES, SCHEMES, base_url, contexts, describe, open_page, run_axe,
    scheme_of)

pytestmark = pytest.mark.browser

AUTHORS = [f"Author{n} Person{n}" for n in range(12)]
IDENTITY = ("hf:\n  arxiv: '2310.03173'\n  authors: [" + ", ".join(AUTHORS) + "]\n"
            "  organization: {handle: example-lab, name: Example Lab}\n"
            "  code: https://github.com/example/b-coder\n  stars: 1234\n"
            "  project_page: https://example.github.io/b-coder\n  upvotes: 7\n")
SCREENS = {"desktop": {"viewport": {"width": 1366, "height": 900}},
           "phone": ON_A_PHONE}


@pytest.fixture(scope="module")
def resolved_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shipped wiki with one paper resolved, as ``paperwiki resolve`` leaves it."""
    project = copy_project(tmp_path_factory.mktemp("resolved"))
    paper = project / "content" / "papers" / f"{BCODER}.yaml"
    text = "".join(line for line in paper.read_text("utf-8").splitlines(keepends=True)
                   if not line.startswith("authors:"))
    paper.write_text(text + IDENTITY, "utf-8")
    site = build_project(project)
    with serve_directory(site, base_path(project), not_found_page=site / "404.html") as url:
        yield url


def _boxes(page) -> dict[str, dict | None]:
    return page.evaluate("""() => Object.fromEntries(Object.entries({
        title: 'article h1', authors: 'article .pw-authors', links: 'article .pw-links',
        topics: 'article .pw-topics', abstract: 'article #abstract'}).map(([name, selector]) => {
            const e = document.querySelector(selector);
            const r = e && e.getBoundingClientRect();
            return [name, r && {top: r.top, bottom: r.bottom, left: r.left, right: r.right}];
        }))""")


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_header_holds_title_authors_links_and_topics(contexts, resolved_url: str,
                                                         site_model: Site, screen: str,
                                                         scheme: str) -> None:
    options = SCREENS[screen]
    page, problems = open_page(contexts, resolved_url, PAGES["paper"], color_scheme=scheme,
                               **options)
    assert scheme_of(page) == SCHEMES[scheme]
    boxes = _boxes(page)
    order = ["title", "authors", "links", "topics", "abstract"]
    assert all(boxes[name] for name in order), boxes
    tops = [boxes[name]["top"] for name in order]
    assert tops == sorted(tops), boxes
    width = options["viewport"]["width"]
    assert all(0 <= boxes[name]["left"] and boxes[name]["right"] <= width for name in order)
    # Everything but the abstract is in the first screen.
    assert boxes["topics"]["bottom"] <= options["viewport"]["height"], boxes
    links = page.locator("article .pw-links a").all_inner_texts()
    assert [text.split()[-1] for text in links[:3]] == ["arXiv", "PDF", "Face"]
    assert "Code ★ 1,234" in links[3] and "Project page" in links[4]
    topics = page.evaluate("""() => [...document.querySelectorAll('article .pw-topics a')]
        .map(a => a.href)""")
    assert topics == [f"{resolved_url}topics/{tid}/" for tid in site_model.papers[BCODER].topics]
    violations = run_axe(page)
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == [], \
        describe(violations)
    assert problems == []
    page.close()


def test_a_long_author_list_folds_and_opens(contexts, resolved_url: str) -> None:
    page, problems = open_page(contexts, resolved_url, PAGES["paper"], **SCREENS["phone"])
    authors = page.locator("article .pw-authors")
    visible = [a for a in authors.locator("a").all() if a.is_visible()]
    assert len(visible) == 5 and "and 7 more" in authors.inner_text()
    authors.locator("summary").click()
    assert [a.inner_text() for a in authors.locator("a").all() if a.is_visible()] == AUTHORS
    assert problems == []
    page.close()


def test_the_left_column_is_not_left_empty(contexts, base_url: str) -> None:
    """On a desktop the paper's text takes the place of the navigation column (the paper
    pages are in no navigation); on a phone the navigation stays in the drawer."""
    desktop = SCREENS["desktop"]
    paper, problems = open_page(contexts, base_url, PAGES["paper"], **desktop)
    topic, _ = open_page(contexts, base_url, PAGES["topic"], **desktop)
    assert not paper.locator(".md-sidebar--primary").is_visible()
    assert topic.locator(".md-sidebar--primary").is_visible()
    left = {name: tab.locator("article").bounding_box()["x"]
            for name, tab in (("paper", paper), ("topic", topic))}
    assert left["paper"] < left["topic"] - 150, left
    phone, phone_problems = open_page(contexts, base_url, PAGES["paper"], **SCREENS["phone"])
    phone.locator("label.md-header__button[for=__drawer]").click()
    drawer = phone.locator(".md-sidebar--primary .md-nav__link", has_text="Topics")
    drawer.first.wait_for(state="visible")
    assert problems == [] and phone_problems == []
    for tab in (paper, topic, phone):
        tab.close()
