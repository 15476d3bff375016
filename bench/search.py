"""Time a search on a large wiki in headless Chromium: Material's built-in search vs Pagefind.

Takes a project made by ``bench/run.py --keep`` (or any PaperWiki project), builds it twice —
once as configured (built-in search) and once with ``search: pagefind`` — then, for each site,
opens the page where a reader searches, types a query and measures the time from the last
keystroke to the first result on screen and the bytes the browser transferred for the whole
visit. Writes bench/SEARCH.md (or prints it with --print-only); bench/run.py owns RESULTS.md.

Example: python bench/search.py /tmp/pwbench/n10000/project --query "knowledge distillation"
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.browser import launch_chromium, serve_directory  # noqa: E402
from harness.search import use_pagefind  # noqa: E402

RESULTS = REPO / "bench" / "SEARCH.md"


def build(project: Path, pagefind: bool, workdir: Path) -> tuple[Path, float]:
    """A copy of ``project`` built with the chosen engine; returns its site and build seconds."""
    copy = workdir / ("pagefind" if pagefind else "builtin")
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", "docs", ".site*"))
    (copy / "docs").mkdir()
    if pagefind:
        use_pagefind(copy)
    print(f"building {copy.name} …", file=sys.stderr)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator.cli", "build", "-f", str(copy / "mkdocs.yml")],
                   check=True, stdout=subprocess.DEVNULL)
    return copy / "site", time.perf_counter() - started


def measure(site: Path, pagefind: bool, query: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, serve_directory(site) as base:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        transferred = {"bytes": 0}
        page.on("requestfinished", lambda request: transferred.__setitem__(
            "bytes", transferred["bytes"] + (request.sizes()["responseBodySize"] or 0)))
        if pagefind:
            page.goto(f"{base}search/")
            field, result = ".pagefind-ui__search-input", ".pagefind-ui__result"
        else:
            page.goto(base)
            page.click("input.md-search__input")
            field, result = "input.md-search__input", ".md-search-result__item"
        page.wait_for_load_state("networkidle")
        page.locator(field).fill(query[:-1])
        started = time.perf_counter()
        page.locator(field).press(query[-1])
        page.locator(result).first.wait_for(timeout=120_000)
        first_result = time.perf_counter() - started
        page.wait_for_load_state("networkidle")
        browser.close()
    return {"first_result_ms": first_result * 1000, "megabytes": transferred["bytes"] / 1e6}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n")[-1])
    parser.add_argument("project", type=Path, help="a PaperWiki project (mkdocs.yml, content/)")
    parser.add_argument("--query", default="knowledge distillation")
    parser.add_argument("--print-only", action="store_true", help="do not write bench/SEARCH.md")
    args = parser.parse_args()
    if not (args.project / "mkdocs.yml").is_file():
        parser.error(f"{args.project} has no mkdocs.yml")
    rows = []
    with tempfile.TemporaryDirectory(prefix="pwsearch-") as workdir:
        for pagefind in (False, True):
            site, seconds = build(args.project, pagefind, Path(workdir))
            result = measure(site, pagefind, args.query)
            papers = sum(1 for _ in (site / "papers").glob("*/index.html"))
            rows.append(f"| {'Pagefind' if pagefind else 'Material built-in'} | {papers} | "
                        f"{seconds:.0f} | {result['first_result_ms']:.0f} | "
                        f"{result['megabytes']:.2f} |")
            print(rows[-1], file=sys.stderr)
    section = ("# Search on a large wiki\n\nWritten by `python bench/search.py`; every run replaces "
               f"this file. Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n"
               f"Query “{args.query}” typed on the page readers search from, measured in headless "
               "Chromium on the local machine (no network latency): time from the last keystroke "
               "to the first result shown, and bytes downloaded for the whole visit.\n\n"
               "| Engine | Paper pages | Build, s | First result, ms | Transferred, MB |\n"
               "|---|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n")
    if args.print_only:
        print(section)
    else:
        RESULTS.write_text(section, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
