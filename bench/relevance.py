"""Search relevance of multi-word queries with Material's built-in search and with Pagefind.

Builds a PaperWiki project twice (built-in search as configured, then ``search: pagefind``),
types each query as a reader would in headless Chromium, and prints, per query and engine,
where the papers holding every word of the query rank among the results (the first twenty
are looked at; "-" means not among them), and how many papers missing a word rank above
one of them: 0 is the aim (see harness/search.py for what "holding a word" means). With ``--site-builtin``/``--site-pagefind`` already built sites are
used instead of building.

Example: python bench/relevance.py . "reward model" "agent benchmark" "diffusion video"
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.browser import launch_chromium, serve_directory  # noqa: E402
from harness.search import (BUILTIN, PAGEFIND, Relevant, misplaced,  # noqa: E402
                            papers_holding_every_word, ranks, result_pages, use_pagefind)


def build(project: Path, engine: str, workdir: Path) -> Path:
    """A copy of ``project`` built with ``engine``; returns its site folder."""
    copy = workdir / engine
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", "docs", ".site*", ".git"))
    (copy / "docs").mkdir(exist_ok=True)
    if engine == PAGEFIND:
        use_pagefind(copy)
    print(f"building {engine} …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "generator.cli", "build", "-f", str(copy / "mkdocs.yml")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return copy / "site"


def measure(site: Path, engine: str, queries: dict[str, set[str]]) -> dict[str, list[str]]:
    """The results of every query on ``site``, as addresses relative to it."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright, serve_directory(site) as base:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for query in queries:
            results[query] = result_pages(page, base, engine, query)
        browser.close()
    return results


def row(query: str, relevant: Relevant, results: list[str]) -> str:
    """``query | papers holding every word | ranks of the first ten | misplaced papers``."""
    found = sorted(ranks(results, relevant.surely), key=lambda rank: rank or len(results) + 1)
    text = ", ".join("-" if rank is None else str(rank) for rank in found[:10])
    return f"| {query} | {len(relevant.surely)} | {text}{' …' if len(found) > 10 else ''} | " \
           f"{misplaced(results, relevant)} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n")[-1])
    parser.add_argument("project", type=Path, help="a PaperWiki project (mkdocs.yml, content/)")
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--site-builtin", type=Path)
    parser.add_argument("--site-pagefind", type=Path)
    args = parser.parse_args()
    truth = {query: papers_holding_every_word(args.project / "content", query) for query in args.queries}
    with tempfile.TemporaryDirectory(prefix="pwrelevance-") as workdir:
        for engine, given in ((BUILTIN, args.site_builtin), (PAGEFIND, args.site_pagefind)):
            site = given or build(args.project, engine, Path(workdir))
            results = measure(site, engine, truth)
            print(f"\n{engine}\n\n| Query | Papers holding every word | Their ranks (first ten) | "
                  "Papers missing a word above one of them |\n|---|---:|---|---:|")
            for query, relevant in truth.items():
                print(row(query, relevant, results[query]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
