#!/usr/bin/env python3
"""Benchmark PaperWiki on the first N records of a real corpus, stage by stage.

For each size N the corpus records are written as listing pages into a scratch copy of the
project (the real mkdocs.yml, theme overrides, topics and settings, plus a fallback topic),
then every stage runs in a fresh process: import, load, enrich, render, the generator as a
whole (cold), MkDocs alone, plain Material on the same Markdown, the whole `paperwiki build`
(cold), and a regenerate after a one-paper edit. Results go to bench/RESULTS.md.

Example:
  python bench/run.py --sizes 300 3000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import NO_BYLINE_CHOICES, make_project, read_records  # noqa: E402 - after the sys.path line above
from report import machine_facts, write_results  # noqa: E402 - after the sys.path line above
from stages import SizeRun  # noqa: E402 - after the sys.path line above

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "hf_papers.jsonl"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Example: python bench/run.py --sizes 300 3000 --keep",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    default = DEFAULT_CORPUS if DEFAULT_CORPUS.exists() else None
    parser.add_argument("--corpus", type=Path, default=default, required=default is None,
                        help="the corpus JSONL; required unless "
                             "../shared/corpus/hf_papers.jsonl exists beside the repository")
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3000, 10000],
                        metavar="N", help="how many corpus records each run imports")
    parser.add_argument("--per-listing", type=int, default=100,
                        help="records per listing file")
    parser.add_argument("--no-byline", choices=NO_BYLINE_CHOICES, default="zero",
                        help="records with neither an author count nor an organisation: "
                             "'zero' writes '• 0 authors' (keeps date and upvotes), 'omit' "
                             "writes no metadata block (the paper is undated)")
    parser.add_argument("--stage-timeout", type=float, default=1800,
                        help="seconds before a stage's process is killed")
    parser.add_argument("--size-budget", type=float, default=None,
                        help="seconds per size; stages that would start later are skipped")
    parser.add_argument("--repeat", type=int, default=3, metavar="K",
                        help="run the stages the generator's share comes from (generator "
                             "cold, MkDocs alone, `paperwiki build`) K times and report the "
                             "run with the median wall time; the share moves by several "
                             "points between runs of the same code")
    parser.add_argument("--freeze", action="store_true",
                        help="copy generator/ into the work folder at the start and run every "
                             "stage on that copy, so edits made during the run do not mix "
                             "versions")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="where the scratch projects go (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch projects (and stage logs) after the run")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md",
                        help="the Markdown report, rewritten on every run")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        parser.error(f"no corpus at {args.corpus}")
    if any(size <= 0 for size in args.sizes) or args.per_listing <= 0 or args.repeat <= 0:
        parser.error("sizes, --per-listing and --repeat must be positive")
    return args


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def frozen_environment(work: Path) -> dict[str, str]:
    """An environment whose `import generator` finds a copy of generator/ taken now."""
    import os
    import shutil

    target = work / "frozen"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "generator", target / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), env.get("PYTHONPATH")]))
    return env


def run_size(args: argparse.Namespace, size: int, work: Path,
             env: dict[str, str] | None) -> dict[str, Any]:
    progress(f"N={size}: writing listings")
    records = read_records(args.corpus, size)
    started = time.perf_counter()
    project = make_project(REPO, work / f"n{size}" / "project", records, args.per_listing,
                           args.no_byline)
    run = SizeRun(size=size, project=project, records=records, progress=progress,
                  stage_timeout=args.stage_timeout, budget=args.size_budget, env=env,
                  repeat=args.repeat)
    run.results["prepare"] = {"seconds": time.perf_counter() - started,
                              "listings": project.listings, "records": project.records,
                              "without_byline": project.without_byline,
                              "undated": project.undated}
    if len(records) < size:
        run.fail("prepare", f"the corpus holds only {len(records)} records")
    run.run_all()
    return run.results


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="paperwiki-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    progress(f"scratch projects and stage logs in {work_dir}")
    facts = machine_facts(REPO, args)
    env = frozen_environment(work_dir) if args.freeze else None
    results: list[dict[str, Any]] = []
    try:
        for size in args.sizes:
            results.append(run_size(args, size, work_dir, env))
            write_results(args.output, facts, results, pending=args.sizes[len(results):])
            (work_dir / "results.json").write_text(json.dumps(results, indent=1, default=str))
    except KeyboardInterrupt:
        progress("interrupted; the report holds the sizes that finished")
        write_results(args.output, facts, results, pending=args.sizes[len(results):])
        return 130
    finally:
        if not args.keep and args.work_dir is None:
            import shutil
            shutil.rmtree(work_dir, ignore_errors=True)
    failed = [(r["size"], stage, why) for r in results for stage, why in r["failures"].items()]
    for size, stage, why in failed:
        progress(f"FAILED N={size} {stage}: {why}")
    progress(f"wrote {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
