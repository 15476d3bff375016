"""Time an edit → updated page round trip under `paperwiki serve` on a large wiki.

Starts `paperwiki serve` (with --full-rebuilds if --full) on a PaperWiki project, waits for the
first build, then, one after the other, appends a summary to each of --edits papers' YAML and
measures the seconds until the served page shows it (asking every 50 ms, so the figure is off
by at most that). Prints one Markdown table row with the median; nothing is written into the
project's content except those edits, which are undone afterwards.

Example: python bench/serve.py /tmp/pwbench/n10000/project
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.http import free_port, wait_for  # noqa: E402


POLL_SECONDS = 0.05


def round_trip(project: Path, full: bool, startup_timeout: float,
               edits: int = 1) -> tuple[float, list[float]]:
    """Seconds of the first build, and of each edit until its page showed it."""
    papers = sorted((project / "content" / "papers").glob("*.yaml"))
    edited = papers[len(papers) // 2:][:edits]
    port = free_port()
    command = [sys.executable, "-m", "generator.cli", "serve", "-f", str(project / "mkdocs.yml"),
               "-a", f"127.0.0.1:{port}", *(["--full-rebuilds"] if full else [])]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    originals = {paper: paper.read_text("utf-8") for paper in edited}
    base = f"http://127.0.0.1:{port}/"
    try:
        started = time.monotonic()
        wait_for(_page_url(project, base, edited[0].stem), "</html>", timeout=startup_timeout)
        first_build = time.monotonic() - started
        seconds = []
        for paper, original in originals.items():
            marker = f"Edited at {time.time():.0f}."
            paper.write_text(original + f"summary: {marker}\n", "utf-8")
            seconds.append(wait_for(_page_url(project, base, paper.stem), marker,
                                    timeout=startup_timeout, interval=POLL_SECONDS))
        return first_build, seconds
    finally:
        for paper, original in originals.items():
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


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n")[-1])
    parser.add_argument("project", type=Path)
    parser.add_argument("--full", action="store_true",
                        help="serve with --full-rebuilds (every page rendered on every change)")
    parser.add_argument("--startup-timeout", type=float, default=900)
    parser.add_argument("--edits", type=int, default=5,
                        help="papers edited one after the other; the row gives the median")
    args = parser.parse_args()
    # Stopped by a signal, the edits are still undone and the server stopped (the finally
    # blocks run), as after Ctrl-C.
    signal.signal(signal.SIGTERM, _stop)
    papers = len(list((args.project / "content" / "papers").glob("*.yaml")))
    first, seconds = round_trip(args.project, args.full, args.startup_timeout, args.edits)
    mode = "--full-rebuilds" if args.full else "(incremental)"
    each = ", ".join(f"{edit:.2f}" for edit in seconds)
    print(f"| paperwiki serve {mode} | {papers} | {first:.0f} | "
          f"{statistics.median(seconds):.2f} ({each}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
