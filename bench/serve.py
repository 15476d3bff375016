"""Time an edit → updated page round trip under `paperwiki serve` on a large wiki.

Starts `paperwiki serve` (with --full-rebuilds if --full) on a PaperWiki project, waits for the
first build, appends a summary to one paper's YAML, and measures the seconds until the served
page shows it. Prints one Markdown table row; nothing is written into the project's content
except that one edit, which is undone afterwards.

Example: python bench/serve.py /tmp/pwbench/n10000/project
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.http import free_port, wait_for  # noqa: E402


def round_trip(project: Path, full: bool, startup_timeout: float) -> tuple[float, float]:
    papers = sorted((project / "content" / "papers").glob("*.yaml"))
    paper = papers[len(papers) // 2]
    port = free_port()
    command = [sys.executable, "-m", "generator.cli", "serve", "-f", str(project / "mkdocs.yml"),
               "-a", f"127.0.0.1:{port}", *(["--full-rebuilds"] if full else [])]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    original = paper.read_text("utf-8")
    base = f"http://127.0.0.1:{port}/"
    try:
        started = time.monotonic()
        url = _page_url(project, base, paper.stem)
        wait_for(url, "</html>", timeout=startup_timeout)
        first_build = time.monotonic() - started
        marker = f"Edited at {time.time():.0f}."
        paper.write_text(original + f"summary: {marker}\n", "utf-8")
        return first_build, wait_for(url, marker, timeout=startup_timeout)
    finally:
        paper.write_text(original, "utf-8")
        server.terminate()
        server.wait(timeout=60)


def _page_url(project: Path, base: str, paper_id: str) -> str:
    """Where serve puts a paper: under site_url's path, as on the deployed site."""
    import yaml
    from urllib.parse import urlsplit

    config = (project / "mkdocs.yml").read_text("utf-8")
    path = urlsplit(yaml.safe_load(config)["site_url"]).path
    return f"{base.rstrip('/')}{path}papers/{paper_id}/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n")[-1])
    parser.add_argument("project", type=Path)
    parser.add_argument("--full", action="store_true",
                        help="serve with --full-rebuilds (every page rendered on every change)")
    parser.add_argument("--startup-timeout", type=float, default=900)
    args = parser.parse_args()
    papers = len(list((args.project / "content" / "papers").glob("*.yaml")))
    first, edit = round_trip(args.project, args.full, args.startup_timeout)
    mode = "--full-rebuilds" if args.full else "(incremental)"
    print(f"| paperwiki serve {mode} | {papers} | {first:.0f} | {edit:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
