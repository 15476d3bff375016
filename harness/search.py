"""Search relevance in a real browser: the results a reader sees for a query, in order.

Both engines are driven as a reader uses them: Material's built-in search through the
header box of the home page, Pagefind through its search page. Used by the relevance tests
and by ``bench/relevance.py``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

BUILTIN, PAGEFIND = "builtin", "pagefind"
# The corpus of real records the benchmarks use, beside the repository (see bench/README.md).
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "hf_papers.jsonl"
SHOWN = 20  # results looked at per query: two pages of Material's results, four of Pagefind's


def use_pagefind(project: Path, drop_builtin: bool = True) -> None:
    """Switch a project's mkdocs.yml to Pagefind (and drop Material's search unless told)."""
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8").replace("      content_dir: content\n",
                                             "      content_dir: content\n      search: pagefind\n")
    if drop_builtin:
        text = text.replace("  - search\n", "")
    config.write_text(text, "utf-8")


def result_pages(page: Page, base: str, engine: str, query: str) -> list[str]:
    """The addresses (relative to ``base``) of the first :data:`SHOWN` results, best first."""
    if engine == PAGEFIND:
        return _pagefind_results(page, base, query)
    return _builtin_results(page, base, query)


def search_box(page: Page) -> Locator:
    """Material's search box, opened, once its index has loaded: a query typed earlier is
    never run (and a test waiting for its results fails only on a busy machine)."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.wait_for_function("() => document.querySelector('.md-search-result__meta')"
                           " && !/Initializing/i.test(document.querySelector('.md-search-result__meta').textContent)",
                           timeout=60_000)
    return page.locator("input.md-search__input")


def type_query(field: Locator, query: str) -> None:
    field.fill(query[:-1])
    field.press(query[-1])  # Material searches on keyup, which fill() does not send


def _builtin_results(page: Page, base: str, query: str) -> list[str]:
    if not page.url.startswith(base) or "#" in page.url:
        page.goto(base)
    field = search_box(page)
    links = ".md-search-result__list > .md-search-result__item > a.md-search-result__link"
    field.fill("")
    field.press("End")  # an empty box clears the last query's results, which must not linger
    page.wait_for_function(f"() => !document.querySelector({links!r})", timeout=60_000)
    type_query(field, query)
    _wait_until_stable(page, links)
    for _ in range(SHOWN // 10):  # Material shows ten results and more on scrolling
        page.locator(".md-search-result__list").evaluate(
            "list => list.lastElementChild && list.lastElementChild.scrollIntoView()")
        _wait_until_stable(page, links)
    return _relative(page.eval_on_selector_all(links, "els => els.map(a => a.href)"), base)


def _pagefind_results(page: Page, base: str, query: str) -> list[str]:
    page.goto(f"{base}search/?q={query.replace(' ', '+')}")
    links = ".pagefind-ui__result-link"
    page.locator(links).first.wait_for(timeout=60_000)
    _wait_until_stable(page, links)
    more = page.locator(".pagefind-ui__button")
    while page.locator(links).count() < SHOWN and more.count() and more.first.is_visible():
        more.first.click()
        _wait_until_stable(page, links)
    return _relative(page.eval_on_selector_all(links, "els => els.map(a => a.href)"), base)


def _wait_until_stable(page: Page, selector: str) -> None:
    """Wait until the list of results has not changed for 0.4 s."""
    page.wait_for_function("""([selector]) => {
        const now = [...document.querySelectorAll(selector)].map(a => a.href).join(' ');
        const was = window.__pwResults;
        window.__pwResults = now;
        if (now !== was) { window.__pwSince = performance.now(); return false; }
        return now !== '' && performance.now() - window.__pwSince > 400;
    }""", arg=[selector], polling=100, timeout=60_000)


def _relative(hrefs: list[str], base: str) -> list[str]:
    """Addresses relative to the site, without anchors: ``papers/<id>/``."""
    pages = [re.sub(r"[?#].*$", "", href)[len(base):] if href.startswith(base) else href
             for href in hrefs]
    addresses = [address.removesuffix("index.html") for address in pages]
    return list(dict.fromkeys(addresses))[:SHOWN]  # a page shown twice counts at its first place


@dataclass(frozen=True)
class Relevant:
    """The papers holding every word of a query: ``surely`` those holding each word as written
    (as the start of a word: "model" in "models"), ``maybe`` those too plus the ones holding a
    word only through its stem ("detectors" for "detection"), which the engines, stemming
    differently, may or may not count. A paper outside ``maybe`` misses a word."""

    surely: frozenset[str]
    maybe: frozenset[str]


def papers_holding_every_word(content: Path, query: str) -> Relevant:
    """Which shown papers hold every word of ``query`` in their title or abstract."""
    from generator.store import ContentPaths, load_content

    texts = {paper.id: f"{paper.title} {paper.abstract}"
             for paper in load_content(ContentPaths(content)).papers
             if not paper.hidden and not paper.same_as}
    words = [word.lower() for word in query.split()]
    surely = {pid for pid, text in texts.items()
              if all(re.search(r"\b" + re.escape(word), text.lower()) for word in words)}
    roots = [_stem(word) for word in words]
    maybe = {pid for pid, text in texts.items() if all(
        any(_stem(token).startswith(root) for token in _tokens(text)) for root in roots)}
    return Relevant(frozenset(surely), frozenset(surely | maybe))


def _tokens(text: str) -> set[str]:
    """The words of ``text``, lower case, with the parts of camelCase words too (Pagefind
    indexes "ElectroEncephaloGraphy" under "graphy" as well)."""
    words = set(re.findall(r"\w+", text))
    parts = {part for word in words for part in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", word)}
    return {word.lower() for word in words | parts}


@functools.lru_cache(maxsize=None)
def _stem(word: str) -> str:
    import snowballstemmer

    return snowballstemmer.stemmer("english").stemWord(word)


def misplaced(results: list[str], relevant: Relevant) -> int:
    """How many papers missing a word are shown above a paper surely holding every word (all
    shown papers count when one of those is not shown at all): 0 when they come first."""
    papers = [address.removeprefix("papers/").rstrip("/") for address in results
              if address.startswith("papers/") and address != "papers/"]
    places = [papers.index(paper) for paper in relevant.surely if paper in papers]
    last = max(places) if len(places) == len(relevant.surely) and places else len(papers)
    return sum(1 for paper in papers[:last] if paper not in relevant.maybe)


def ranks(results: list[str], relevant: frozenset[str]) -> list[int | None]:
    """The 1-based rank of each relevant paper id among ``results`` (None: not shown)."""
    order = [address.removeprefix("papers/").rstrip("/") for address in results]
    return [order.index(paper) + 1 if paper in order else None for paper in sorted(relevant)]
