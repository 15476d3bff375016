"""Warm builds at scale: what the page cache costs a cold build and saves a warm one.

For each N, a corpus wiki of N papers (as bench/run.py makes it, imported by this version):

1. cold builds, alternately without the cache (``--no-cache``) and filling it (docs/, site/
   and .cache/ removed before each), ``--rounds`` of each, medians compared: filling the
   cache must not make a cold build slower;
2. warm builds, each in a new process with the cache the previous build left: nothing
   changed, one paper edited (in place, and in a new checkout: the cache alone, as CI
   restores it), 50 papers edited, 100 new papers imported;
3. the `paperwiki serve` round trip (bench/serve.py): one paper edited → its page served;
4. the cache's size on disk, and the largest process's peak memory of each build.

``--pagefind`` builds the same wiki with `search: pagefind`. Every row gives wall and CPU
seconds and the 1-minute load average when it started: on a shared machine wall times grow
with the load while CPU times barely move. The table is appended to bench/WARM.md.

    python bench/warm.py --sizes 3000 --rounds 3
    python bench/warm.py --sizes 10000 --rounds 2 --pagefind --keep --work /tmp/pwwarm
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from corpus import make_project, read_records
from measure import run_process, tree_size
from report import replace_warm_section

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "hf_papers.jsonl"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
CACHE_LINE = re.compile(r"page cache: (\d+) pages rendered, (\d+) from the cache")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--rounds", type=int, default=2, help="cold builds of each kind")
    parser.add_argument("--pagefind", action="store_true", help="also in Pagefind mode")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve round trip")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--out", type=Path, default=HERE / "WARM.md")
    parser.add_argument("--results", type=Path,
                        help="the file whose warm-build section shows this run (default: "
                             "bench/RESULTS.md, unless --out writes elsewhere: then none)")
    args = parser.parse_args(argv)
    if args.results is None and args.out == HERE / "WARM.md":
        args.results = HERE / "RESULTS.md"
    return args


def paperwiki(*args: str) -> list[str]:
    return [sys.executable, "-c", "from generator.cli import run; run()", *args]


def prepared_project(target: Path, records: list[dict[str, Any]], pagefind: bool) -> Path:
    """The corpus records imported into a scratch project with this repository's settings."""
    project = make_project(REPO, target, records, per_listing=100, no_byline="zero").root
    if pagefind:
        config = project / "mkdocs.yml"
        text = config.read_text("utf-8")
        text = re.sub(r"(?m)^  - search\n", "", text)
        text = re.sub(r"(?m)^  - paperwiki:$", "  - paperwiki:\n      search: pagefind", text)
        if "search: pagefind" not in text:
            raise SystemExit("mkdocs.yml: could not switch to `search: pagefind`")
        config.write_text(text, "utf-8")
    _run(project, "import")
    return project


def _run(project: Path, *args: str) -> None:
    subprocess.run(paperwiki(*args, "--config-file", str(project / "mkdocs.yml")), cwd=REPO,
                   env=ENV, check=True, capture_output=True)


def build(project: Path, *args: str, cold: bool = False) -> dict[str, Any]:
    """One `paperwiki build` in a new process; ``cold`` removes docs/, site/ and the cache
    first."""
    if cold:
        for folder in ("docs", "site", ".cache"):
            shutil.rmtree(project / folder, ignore_errors=True)
        (project / "docs").mkdir()
    load = os.getloadavg()[0]
    run = run_process(paperwiki("build", "--config-file", str(project / "mkdocs.yml"), *args),
                      cwd=REPO, env=ENV, timeout=3600,
                      log_file=project.parent / "logs" / f"build-{time.time_ns()}")
    if not run.ok:
        raise SystemExit(f"build failed:\n{run.failure()}")
    counts = CACHE_LINE.search(run.stderr)
    return {"wall": run.seconds, "cpu": run.cpu, "peak_mb": run.peak_kb / 1000, "load": load,
            "rendered": int(counts[1]) if counts else None,
            "cached": int(counts[2]) if counts else None}


def edit_papers(project: Path, count: int, label: str, shift: int = 0) -> None:
    """A curator's note added to ``count`` papers spread over the wiki (``shift`` picks
    others than an earlier call's)."""
    papers = sorted((project / "content" / "papers").glob("*.yaml"))
    step = max(len(papers) // count, 1)
    for paper in papers[step // 2 + shift::step][:count]:
        text = paper.read_text("utf-8").rstrip("\n")
        paper.write_text(f"{text}\nnote: \"Warm build benchmark, {label}.\"\n", "utf-8")


def new_checkout(project: Path) -> None:
    """What a clean clone has besides the restored cache: no generated pages, no site."""
    shutil.rmtree(project / "site", ignore_errors=True)
    for generated in (project / "docs").iterdir():
        if generated.name.startswith("."):
            continue
        if generated.is_dir():
            shutil.rmtree(generated)
        else:
            generated.unlink()


def add_papers(project: Path, records: list[dict[str, Any]], scratch: Path) -> None:
    """The records as new listings, imported (untimed): the next build has them."""
    made = make_project(REPO, scratch, records, per_listing=100, no_byline="zero").root
    names = []
    for listing in sorted((made / "content" / "listings").iterdir()):
        shutil.copy(listing, project / "content" / "listings" / f"new-{listing.name}")
        names.append(f"new-{listing.stem}")
    shutil.rmtree(scratch)
    _run(project, "import", *sorted(set(names)))


def measure_size(records: list[dict[str, Any]], extra: list[dict[str, Any]], rounds: int,
                 serve: bool, pagefind: bool, work: Path) -> dict[str, Any]:
    """Every row for one wiki."""
    project = prepared_project(work / "project", records, pagefind)
    cold: dict[str, list[dict[str, Any]]] = {"without cache": [], "filling the cache": []}
    for round_number in range(rounds):
        print(f"cold round {round_number + 1} …", file=sys.stderr, flush=True)
        cold["without cache"].append(build(project, "--no-cache", cold=True))
        cold["filling the cache"].append(build(project, cold=True))
    warm = {"nothing changed": build(project)}
    edit_papers(project, 1, "one edit")
    warm["1 paper edited"] = build(project)
    edit_papers(project, 1, "one edit in a new checkout", shift=1)
    new_checkout(project)
    warm["1 paper edited, new checkout (as in CI: the cache restored, no docs/ or site/)"] = \
        build(project)
    edit_papers(project, 50, "fifty edits")
    warm["50 papers edited"] = build(project)
    add_papers(project, extra, work / "new")
    warm["100 papers added"] = build(project)
    size, files = tree_size(project / ".cache")
    hugo = hugo_floor(project, work)
    result = {"papers": len(list((project / "content" / "papers").glob("*.yaml"))),
              "cold": cold, "warm": warm, "cache_mb": size / 1e6, "cache_files": files, "hugo": hugo}
    if serve:
        from serve import round_trip

        result["serve"] = round_trip(project, full=False, startup_timeout=1800, edits=5)
    return result


WARM_INTRO = ("Written by `python bench/warm.py` (every run's tables are in [WARM.md](WARM.md)): "
              "a cold build, then warm builds, each in a new process with the cache the build "
              "before it left. The Hugo row is the same generated Markdown through Hugo with a "
              "one-line layout: a floor for writing these pages, not a target.\n")


HUGO_LAYOUT = "<!doctype html><title>{{ .Title }}</title>{{ .Content }}\n"


def hugo_floor(project: Path, work: Path) -> dict[str, Any] | None:
    """Hugo over the same generated Markdown, with a one-line layout and raw HTML allowed:
    a floor for what writing these pages can cost, not a like-for-like build (no theme,
    navigation or search). None when `hugo` is not installed."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    site = work / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(project / "docs", site / "content",
                    ignore=shutil.ignore_patterns(".*", "*.bib", "*.json", "*.xml", "*.csv"))
    for index in (site / "content").rglob("index.md"):  # Hugo's section pages
        index.rename(index.with_name("_index.md"))
    for layout in ("single", "list"):
        (site / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
        (site / "layouts" / "_default" / f"{layout}.html").write_text(HUGO_LAYOUT, "utf-8")
    (site / "config.toml").write_text(
        'baseURL = "https://example.org/"\ndisableKinds = ["taxonomy", "term", "RSS"]\n'
        "[markup.goldmark.renderer]\nunsafe = true\n", "utf-8")
    load = os.getloadavg()[0]
    run = run_process([hugo, "--quiet", "--source", str(site)], cwd=site, timeout=1800,
                      log_file=work / "logs" / "hugo")
    if not run.ok:
        return {"failed": run.failure()}
    pages = len(list((site / "public").rglob("*.html")))
    return {"wall": run.seconds, "cpu": run.cpu, "peak_mb": run.peak_kb / 1000, "load": load,
            "pages": pages, "version": subprocess.run([hugo, "version"], capture_output=True,
                                                      text=True).stdout.split()[1]}


def report(args: argparse.Namespace, size: int, mode: str, result: dict[str, Any]) -> str:
    def cell(run: dict[str, Any]) -> str:
        counts = "" if run["rendered"] is None else \
            f" | {run['rendered']} / {run['cached']}"
        return (f"{run['wall']:.1f} | {run['cpu']:.1f} | {run['peak_mb']:.0f} | "
                f"{run['load']:.1f}{counts or ' | –'}")

    def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
        middle = {key: statistics.median(run[key] for run in runs)
                  for key in ("wall", "cpu", "peak_mb", "load")}
        return {**middle, "rendered": runs[0]["rendered"], "cached": runs[0]["cached"]}

    lines = [f"## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {size} corpus records "
             f"({result['papers']} papers at the end), {mode}, `{_commit()}`, "
             f"{os.cpu_count()} cores", "",
             "| Build | wall s | CPU s | peak MB | load | pages rendered / from cache |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for label, runs in result["cold"].items():
        lines.append(f"| cold, {label} (median of {len(runs)}) | {cell(median(runs))} |")
    for label, run in result["warm"].items():
        lines.append(f"| warm, {label} | {cell(run)} |")
    if "serve" in result:
        first, edits = result["serve"]
        each = ", ".join(f"{edit:.2f}" for edit in edits)
        lines.append(f"| `paperwiki serve`: first build {first:.0f} s; one paper edited → "
                     f"page served, median of {len(edits)} ({each}) "
                     f"| {statistics.median(edits):.2f} | – | – | – | – |")
    hugo = result.get("hugo")
    if hugo and "failed" not in hugo:
        lines.append(f"| Hugo {hugo['version']} over the same Markdown, one-line layout "
                     f"({hugo['pages']} pages; a floor, not a target) | {hugo['wall']:.1f} | "
                     f"{hugo['cpu']:.1f} | {hugo['peak_mb']:.0f} | {hugo['load']:.1f} | – |")
    elif hugo:
        lines.append(f"| Hugo failed: {hugo['failed']} | – | – | – | – | – |")
    lines += ["", f"Cache on disk: {result['cache_mb']:.0f} MB in {result['cache_files']} "
              "files. Every cold run (wall, CPU s): " + "; ".join(
                  f"{label}: " + ", ".join(f"{run['wall']:.1f}/{run['cpu']:.1f}" for run in runs)
                  for label, runs in result["cold"].items()), ""]
    return "\n".join(lines)


def _commit() -> str:
    return subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                          capture_output=True, text=True).stdout.strip()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="paperwiki-warm-"))
    tables = []
    for size in args.sizes:
        records = read_records(args.corpus, size + 100)
        for pagefind in (False, True) if args.pagefind else (False,):
            mode = "Pagefind" if pagefind else "built-in search"
            print(f"N = {size}, {mode} …", file=sys.stderr, flush=True)
            folder = work / f"n{size}-{'pagefind' if pagefind else 'builtin'}"
            result = measure_size(records[:size], records[size:], args.rounds,
                                  not args.no_serve, pagefind, folder)
            table = report(args, size, mode, result)
            print(table, flush=True)
            with args.out.open("a", encoding="utf-8") as out:
                out.write(table + "\n")
            tables.append(table.replace("## ", "### ", 1))
    if args.results:
        replace_warm_section(args.results, "\n".join([WARM_INTRO, *tables]))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main(sys.argv[1:])
    print(f"done in {time.monotonic() - started:.0f} s", file=sys.stderr)
    sys.exit(code)
