"""The Pagefind search engine, switched on in mkdocs.yml, on the shipped wiki (built once
per session: the ``pagefind_site`` fixture of conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.search import BUNDLES, bundle_pages
from harness.search import use_pagefind
from tests.browser import follow_search_result, serve_directory, watch_page
from tests.project import build_project, copy_project, edit, run_cli

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


def assert_search_finds_a_paper_by_a_word_of_its_abstract(browser, site: Path) -> None:
    with serve_directory(site) as base:
        page = browser.new_page()
        problems = watch_page(page, origin=base)
        page.goto(f"{base}search/?q=perceptron")
        title = follow_search_result(page, ".pagefind-ui__result-link", MLP)
        assert title.startswith("Scaling MLPs")
        assert problems == []


def test_search_finds_a_paper_by_a_word_of_its_abstract(browser, pagefind_site: Path) -> None:
    assert_search_finds_a_paper_by_a_word_of_its_abstract(browser, pagefind_site)


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


def test_pages_are_split_into_bundles_by_path_alone() -> None:
    names = [f"papers/p{number}/index.html" for number in range(1000)]
    bundles = bundle_pages(names, 300)
    assert len(bundles) == 4 and sorted(sum(bundles, [])) == sorted(names)
    assert all(200 < len(pages) < 300 for pages in bundles)
    assert bundle_pages(names[::-1], 300) == bundles
    grown = bundle_pages([*names, "papers/new/index.html"], 300)
    assert [[name for name in pages if name != "papers/new/index.html"]
            for pages in grown] == bundles
    assert bundle_pages(names, 1000) == [sorted(names)]


def test_a_large_site_is_searched_across_all_its_bundles(browser, tmp_path: Path) -> None:
    """Pagefind's indexer holds every page it indexes in memory: a large site is indexed in
    bundles, which the search page merges."""
    project = copy_project(tmp_path)
    use_pagefind(project)
    edit(project / "mkdocs.yml", "      search: pagefind\n",
         "      search: pagefind\n      pages_per_search_index: 100\n")
    site = build_project(project)
    folders = json.loads((site / BUNDLES).read_text("utf-8"))
    assert len(folders) > 1 and all((site / folder / "pagefind.js").is_file() for folder in folders)
    pages = [path.relative_to(site).as_posix() for path in site.rglob("*.html")]
    bundles = bundle_pages(pages, 100)
    assert [number for number, names in enumerate(bundles)
            if f"papers/{MLP}/index.html" in names] != [0]
    assert_search_finds_a_paper_by_a_word_of_its_abstract(browser, site)
