"""`paperwiki serve`: edit a paper's YAML and the served page changes, without a restart."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.project import copy_project

PAPER = "scaling-mlps-a-tale-of-inductive-bias"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, needle: str, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        page = fetch(url)
        if page is not None and needle in page:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{url} did not show {needle!r} within {timeout} s")


@pytest.mark.parametrize("options", [[], ["--dirty"]], ids=["full", "dirty"])
def test_editing_yaml_updates_the_served_page(tmp_path: Path, options: list[str]) -> None:
    project = copy_project(tmp_path / "project")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--config-file",
         str(project / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}", *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/paperwiki/papers/{PAPER}/"
    try:
        wait_for(url, "Scaling MLPs", timeout=120)
        paper = project / "content" / "papers" / f"{PAPER}.yaml"
        paper.write_text(paper.read_text("utf-8") + "summary: Edited while the server runs.\n")
        seconds = wait_for(url, "Edited while the server runs.", timeout=60)
        print(f"edit -> served page updated in {seconds:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=30)
