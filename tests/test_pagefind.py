"""The Pagefind search engine, switched on in mkdocs.yml, on the shipped wiki (built once
per session: the ``pagefind_site`` fixture of conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.search import use_pagefind
from tests.browser import follow_search_result, serve_directory, watch_page
from tests.project import copy_project, run_cli

pytestmark = pytest.mark.browser

MLP = "scaling-mlps-a-tale-of-inductive-bias"


def test_pagefind_replaces_the_builtin_index(pagefind_site: Path) -> None:
    assert (pagefind_site / "pagefind" / "pagefind-ui.js").is_file()
    assert not (pagefind_site / "search" / "search_index.json").exists()
    assert (pagefind_site / "search" / "index.html").is_file()


def test_both_engines_at_once_is_refused_with_the_fix(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    use_pagefind(project, drop_builtin=False)
    code, output = run_cli(project, "build")
    assert code != 0 and "remove `- search` from plugins" in output


def test_search_finds_a_paper_by_a_word_of_its_abstract(browser, pagefind_site: Path) -> None:
    with serve_directory(pagefind_site) as base:
        page = browser.new_page()
        problems = watch_page(page, origin=base)
        page.goto(f"{base}search/?q=perceptron")
        title = follow_search_result(page, ".pagefind-ui__result-link", MLP)
        assert title.startswith("Scaling MLPs")
        assert problems == []


def test_header_box_searches_from_any_page(browser, pagefind_site: Path) -> None:
    with serve_directory(pagefind_site) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        problems = watch_page(page, origin=base)
        page.goto(f"{base}topics/knowledge-distillation/")
        assert page.locator(".md-search").count() == 0  # Material's own box is gone
        box = page.get_by_role("search").get_by_role("searchbox")
        box.fill("perceptron")
        box.press("Enter")
        page.wait_for_url("**/search/?q=perceptron")
        title = follow_search_result(page, ".pagefind-ui__result-link", MLP)
        assert title.startswith("Scaling MLPs")
        assert problems == []


def test_builtin_mode_has_no_pagefind_box(shipped_site: Path) -> None:
    html = (shipped_site / "index.html").read_text("utf-8")
    assert 'class="pw-header-search"' not in html and 'data-md-component="search"' in html
