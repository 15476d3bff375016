"""Build throwaway copies of a PaperWiki project, the way a user's checkout would look."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.model import Site, build_site
from generator.store import ContentPaths, load_content

REPO = Path(__file__).resolve().parent.parent


def shipped_model() -> Site:
    """The enriched model of the shipped content, built afresh (for determinism checks)."""
    return build_site(load_content(ContentPaths(REPO / "content")))


def copy_project(destination: Path, content: Path | None = None) -> Path:
    """mkdocs.yml, overrides/ and content/ (the shipped one unless given) in ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", destination / "overrides")
    shutil.copytree(content or REPO / "content", destination / "content")
    (destination / "docs").mkdir(exist_ok=True)
    return destination


def run_cli(project: Path, *args: str) -> tuple[int, str]:
    """Run ``paperwiki`` in-process against ``project``; returns (exit code, all output)."""
    result = CliRunner().invoke(main, [*args, "--config-file", str(project / "mkdocs.yml")],
                                catch_exceptions=False)
    return result.exit_code, result.output


def run_build(project: Path, prelude: str = "", **env: str) -> tuple[int, str]:
    """`paperwiki build -v` in a fresh process, as a user runs it: a build renders on several
    cores only when no other thread runs, and this test process runs servers in threads.
    ``prelude`` is Python run first in that process (to break something on purpose)."""
    command = [sys.executable, "-c", prelude + "\nfrom generator.cli import run; run()",
               "build", "--verbose", "--config-file", str(project / "mkdocs.yml")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                            env={**os.environ, **env})
    return result.returncode, result.stdout + result.stderr


def build_project(project: Path) -> Path:
    code, output = run_build(project)
    assert code == 0, output
    return project / "site"


def tree_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes: for comparing trees."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def front_matter_of(markdown: str) -> dict[str, object]:
    """The YAML front matter of a generated page, read as MkDocs reads it."""
    return yaml.safe_load(markdown.split("---\n", 2)[1])
