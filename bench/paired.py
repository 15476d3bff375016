"""Cold ``paperwiki build`` of the same wiki by two versions of PaperWiki, alternately.

Machines drift by more than most changes gain or lose (bench/README.md), so a change is
judged against the code before it in one run on one machine: the same N corpus papers, as
listings imported by each version into a project with that version's own settings, theme
and topics, are built cold by each version in turn, ``--rounds`` times, and the medians
are compared. Each version runs in a virtual environment of its own (made on first use
under the work folder), since the site builder finds PaperWiki's plugin by its installed
entry point.

    python bench/paired.py --old ef97dbe --size 10000 --rounds 3

Prints a Markdown table, and appends it to bench/PAIRED.md with the commits compared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from corpus import make_project, read_records
from measure import run_process

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "hf_papers.jsonl"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="git revision to compare the work tree with")
    parser.add_argument("--size", type=int, default=10_000, help="papers (default 10000)")
    parser.add_argument("--rounds", type=int, default=3, help="builds per version (default 3)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    return parser.parse_args(argv)


def checkout(revision: str, target: Path) -> Path:
    if not target.exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(target),
                        revision], check=True, capture_output=True)
    return target


def environment(source: Path, venv: Path) -> Path:
    """A virtual environment with ``source`` installed; its Python."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", str(source)],
                       check=True)
    return python


def prepared_project(python: Path, source: Path, target: Path, records: list[dict[str, object]],
                     identities: bool) -> Path:
    """The corpus listings in a project with ``source``'s own settings, theme and topics,
    imported by that version: each version builds the wiki it would ship. The old and new
    versions read the same text listings; "new, with identities" gets the records' arXiv
    ids, authors and links as stored API answers too, as a resolved wiki has them."""
    project = make_project(source, target, records, per_listing=100, no_byline="zero",
                           identities=identities).root
    subprocess.run([str(python), "-c", "from generator.cli import run; run()", "import",
                    "--config-file", str(project / "mkdocs.yml")], cwd=source, check=True,
                   capture_output=True)
    return project


def build_once(python: Path, source: Path, project: Path) -> dict[str, float]:
    """One cold build: docs/, site/ and every cache of the project removed first."""
    for folder in ("docs", "site", ".cache"):
        shutil.rmtree(project / folder, ignore_errors=True)
    (project / "docs").mkdir()
    command = [str(python), "-c", "from generator.cli import run; run()", "build",
               "--config-file", str(project / "mkdocs.yml")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    run = run_process(command, cwd=source, env=env, timeout=1800,
                      log_file=project.parent / "logs" / f"{source.name}-{time.time_ns()}")
    if not run.ok:
        raise SystemExit(f"build by {source} failed:\n{run.failure()}")
    pages = sorted((project / "site" / "papers").glob("*/index.html"))
    size = sum(page.stat().st_size for page in pages) / max(len(pages), 1)
    return {"wall": round(run.seconds, 2), "cpu": round(run.cpu, 2),
            "peak_mb": round(run.peak_kb / 1000), "paper_page_kb": round(size / 1000, 1)}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="paperwiki-paired-"))
    work.mkdir(parents=True, exist_ok=True)
    old = checkout(args.old, work / "old")
    new = environment(REPO, work / "venv-new")
    versions = {"old": (environment(old, work / "venv-old"), old), "new": (new, REPO),
                "new, with identities": (new, REPO)}
    records = read_records(args.corpus, args.size)
    projects = {name: prepared_project(python, source, work / f"project-{index}", records,
                                       identities=name.endswith("identities"))
                for index, (name, (python, source)) in enumerate(versions.items())}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in versions}
    for round_number in range(args.rounds):
        for name, (python, source) in versions.items():
            print(f"round {round_number + 1}: {name} …", file=sys.stderr, flush=True)
            runs[name].append(build_once(python, source, projects[name]))
    report = table(args, runs, {name: _commit(source) for name, (_, source) in versions.items()})
    print(report)
    with (HERE / "PAIRED.md").open("a", encoding="utf-8") as out:
        out.write(report + "\n")
    return 0


def table(args: argparse.Namespace, runs: dict[str, list[dict[str, float]]],
          commits: dict[str, str]) -> str:
    def median(name: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[name])

    lines = [f"## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {args.size} papers, "
             f"{args.rounds} rounds, {os.cpu_count()} cores",
             "", f"old = `{commits['old']}`, new = `{commits['new']}`", "",
             "| Measure (median) | " + " | ".join(runs) + " |",
             "| --- |" + " ---: |" * len(runs)]
    for key, label, unit in [("wall", "cold `paperwiki build`, wall", "s"),
                             ("cpu", "cold `paperwiki build`, CPU", "s"),
                             ("peak_mb", "peak memory (largest process RSS)", "MB"),
                             ("paper_page_kb", "paper page, average", "KB")]:
        lines.append(f"| {label} | "
                     + " | ".join(f"{median(name, key):.1f} {unit}" for name in runs) + " |")
    lines += ["", "Every run: " + json.dumps(runs), ""]
    return "\n".join(lines)


def _commit(source: Path) -> str:
    result = subprocess.run(["git", "-C", str(source), "describe", "--always", "--dirty"],
                            capture_output=True, text=True)
    return result.stdout.strip()


if __name__ == "__main__":
    started = time.monotonic()
    code = main(sys.argv[1:])
    print(f"done in {time.monotonic() - started:.0f} s", file=sys.stderr)
    sys.exit(code)
