"""Multi-word queries find the papers holding every word first, with both search engines.

A reader typing "reward model" wants the papers about reward models, not the papers with
"model" in their title and no "reward" anywhere (Material ranked four of those first), nor
the papers that merely list such a paper among their related papers. Each query below is
typed as a reader types it, in headless Chromium; the papers whose title or abstract holds
every word of it are worked out from the content, and must be the first papers shown.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from harness.browser import serve_directory
from harness.search import (BUILTIN, CORPUS, PAGEFIND, misplaced, papers_holding_every_word,
                            ranks, result_pages, use_pagefind)
from tests.project import REPO, build_project, run_cli

pytestmark = pytest.mark.browser

# Each query with the number of papers holding every word as written, and, before this was
# fixed, where those papers ranked (built-in search; Pagefind).
QUERIES = {
    "reward model": 9,             # 6, none other in the first 20; 1-6, 8, 13, 18
    "agent benchmark": 6,          # 5, 10, 17, three not in the first 20; 1, 2, 5-8
    "diffusion video": 1,          # 12; 2
    "mixture of experts": 5,       # 1, 2, 7, 12, one not in the first 20; 1, 2, 5, 6, 8
    "speech recognition": 3,       # 1, 4, 5; 1, 2, 4
    "long context": 7,             # 1, 2, 16, four not in the first 20; 1, 2, 7, 9-11, 14
    "robot manipulation": 3,       # 1, 2, 3; 1, 2, 3
    "graph neural": 5,             # 1, 2, 5, 6, 13; 1-4, 7
    "retrieval augmented": 1,      # 1; 1
    "quantization llm": 2,         # neither in the first 20; 2, 4
    "preference optimization": 2,  # 7, 9; 2, 4
    "machine translation": 3,      # 1, 4, 10; 1, 2, 3
}
CORPUS_QUERIES = ("protein structure", "medical image segmentation", "federated learning",
                  "weather forecasting", "time series forecasting", "hallucination detection",
                  "autonomous driving", "tabular data", "graph neural", "sparse attention",
                  "reward model", "diffusion video")


@pytest.fixture(scope="module")
def served(shipped_site: Path, pagefind_site: Path):
    """Both builds of the shipped wiki, served: {engine: base URL}."""
    with serve_directory(shipped_site) as builtin, serve_directory(pagefind_site) as pagefind:
        yield {BUILTIN: builtin, PAGEFIND: pagefind}


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 3,000 corpus records imported into a wiki, built once with each engine
    (``<engine>/site``)."""
    from bench.corpus import make_project, read_records

    root = tmp_path_factory.mktemp("corpus3000")
    first = make_project(REPO, root / BUILTIN, read_records(CORPUS, 3000), 100, "zero").root
    code, output = run_cli(first, "import")
    assert code == 0, output
    second = root / PAGEFIND
    shutil.copytree(first, second)
    use_pagefind(second)
    for project in (first, second):
        build_project(project)
    return root


@pytest.fixture(scope="module")
def reader(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    yield page
    page.close()


def out_of_place(page, base: str, engine: str, content: Path, queries) -> dict[str, list[str]]:
    """The queries whose papers holding every word do not come first, with what came first."""
    wrong = {}
    for query in queries:
        relevant = papers_holding_every_word(content, query)
        results = result_pages(page, base, engine, query)
        papers = [address for address in results if address.startswith("papers/")]
        # When more papers hold every word than are looked at, every paper looked at must.
        unseen = None in ranks(results, relevant.surely) and len(papers) > len(relevant.surely)
        if misplaced(results, relevant) or unseen or not papers:
            wrong[query] = results[:len(relevant.surely) + 3]
    return wrong


@pytest.mark.parametrize("engine", [BUILTIN, PAGEFIND])
def test_papers_holding_every_word_come_first(served, reader, engine: str) -> None:
    counts = {query: len(papers_holding_every_word(REPO / "content", query).surely)
              for query in QUERIES}
    assert counts == QUERIES, "the shipped content changed: recount the papers per query"
    assert out_of_place(reader, served[engine], engine, REPO / "content", QUERIES) == {}


# Importing and building 3,000 papers twice takes about two minutes of the suite's time, so
# this runs on request: PAPERWIKI_CORPUS_TESTS=1 (and the corpus beside the repository).
@pytest.mark.skipif(os.environ.get("PAPERWIKI_CORPUS_TESTS") != "1" or not CORPUS.is_file(),
                    reason=f"set PAPERWIKI_CORPUS_TESTS=1, with the corpus at {CORPUS}")
@pytest.mark.parametrize("engine", [BUILTIN, PAGEFIND])
def test_papers_holding_every_word_come_first_among_3000(corpus_project: Path, reader,
                                                         engine: str) -> None:
    site = corpus_project / engine / "site"
    with serve_directory(site) as base:
        wrong = out_of_place(reader, base, engine, corpus_project / engine / "content",
                             CORPUS_QUERIES)
    assert wrong == {}


def test_search_shows_titles_as_text_not_tex(served, reader) -> None:
    """ℬ-Coder, not \\(\\mathcal{B}\\)-Coder, in both engines' results."""
    for engine, title in ((BUILTIN, ".md-search-result__article h1"),
                          (PAGEFIND, ".pagefind-ui__result-link")):
        result_pages(reader, served[engine], engine, "bellman coder")
        shown = reader.locator(title).all_inner_texts()
        assert any(text.startswith("ℬ-Coder: Value-Based") for text in shown), (engine, shown)
        assert not [text for text in shown if "\\(" in text or "mathcal" in text], (engine, shown)
