"""The built wiki in a real browser: search, navigation and math."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.search import search_box, type_query
from tests.browser import follow_search_result, serve_directory, watch_page

pytestmark = pytest.mark.browser

MLP = "scaling-mlps-a-tale-of-inductive-bias"
BCODER = "b-coder-value-based-deep-reinforcement-learning-for-program-synthesis"


@pytest.fixture(scope="module")
def base_url(shipped_site: Path):
    with serve_directory(shipped_site) as url:
        yield url


def test_search_by_abstract_word_finds_and_opens_the_paper(browser, base_url: str) -> None:
    page = browser.new_page()
    problems = watch_page(page, origin=base_url)
    page.goto(base_url)
    type_query(search_box(page), "perceptron")
    title = follow_search_result(page, ".md-search-result__item a", MLP)
    assert title.startswith("Scaling MLPs: A Tale of Inductive Bias")
    assert problems == []
    page.close()


def test_latex_title_renders_as_math(browser, base_url: str) -> None:
    page = browser.new_page()
    problems = watch_page(page, origin=base_url)
    page.goto(f"{base_url}papers/{BCODER}/")
    heading = page.locator("article h1")
    heading.locator(".katex").first.wait_for(timeout=10_000)
    assert heading.locator("annotation").text_content() == "\\mathcal{B}"
    assert heading.locator(".katex-html .mathcal").inner_text() == "B"
    assert "\\(" not in heading.inner_text()
    assert page.title().startswith("ℬ-Coder: Value-Based Deep Reinforcement Learning")
    assert problems == []
    page.close()


def test_bibtex_entry_has_a_copy_button(browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(f"{base_url}papers/{BCODER}/")
    bibtex = page.locator("pre.pw-bibtex")
    button = bibtex.locator('button[data-md-type="copy"]')
    button.wait_for(timeout=10_000)
    target = button.get_attribute("data-clipboard-target")
    assert page.locator(target).inner_text().startswith("@misc{bcoder2023,")
    page.close()
