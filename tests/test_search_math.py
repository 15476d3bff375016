"""Search results show math typeset, as the pages do, not its TeX source.

Titles are indexed as plain text (ℬ-Coder); an abstract's math is indexed as its TeX between
``\\(`` and ``\\)``, which a result's snippet showed as it was: ``\\( O(n^3) \\)``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from harness.search import search_box, type_query
from tests.browser import serve_directory, watch_page
from tests.project import build_project, copy_project
from tests.test_site_quality import BCODER

pytestmark = pytest.mark.browser

MLP = "scaling-mlps-a-tale-of-inductive-bias"


@pytest.fixture(scope="module")
def math_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shipped wiki with math in the abstract of the paper on perceptrons."""
    project = copy_project(tmp_path_factory.mktemp("math"))
    paper = project / "content" / "papers" / f"{MLP}.yaml"
    data = yaml.safe_load(paper.read_text("utf-8"))
    data["abstract"] = "Costs grow as $O(n^3)$. " + data["abstract"]
    paper.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    site = build_project(project)
    with serve_directory(site) as url:
        yield url


def _search(browser, url: str, query: str):
    page = browser.new_page()
    problems = watch_page(page, origin=url)
    page.goto(url)
    type_query(search_box(page), query)
    page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    return page, problems


def test_a_snippet_shows_math_typeset(browser, math_url: str) -> None:
    page, problems = _search(browser, math_url, "perceptron grow")
    result = page.locator(f'.md-search-result__item:has(a[href*="papers/{MLP}/"])').first
    result.locator(".katex").first.wait_for(timeout=10_000)
    assert "\\(" not in result.inner_text()
    assert result.locator(".katex annotation").first.text_content().strip() == "O(n^3)"
    assert problems == []
    page.close()


def test_a_title_shows_math_as_text(browser, math_url: str) -> None:
    page, problems = _search(browser, math_url, "Bellman")
    result = page.locator(f'.md-search-result__item:has(a[href*="papers/{BCODER}/"])').first
    result.wait_for(timeout=30_000)
    assert result.locator("h1").first.inner_text().startswith("ℬ-Coder")
    assert "\\(" not in result.inner_text() and "mathcal" not in result.inner_text()
    assert problems == []
    page.close()
