"""The `paperwiki` command: help for everything, exit codes scripts can rely on, no
half-written output when something fails."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.project import REPO, copy_project, run_cli

COMMANDS = ["import", "check", "build", "serve"]


def _tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "--config-file" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    assert f"`paperwiki {command}" in (REPO / "README.md").read_text("utf-8")


def test_unknown_command_is_a_usage_error() -> None:
    assert CliRunner().invoke(main, ["publish"]).exit_code == 2


def test_check_passes_on_the_shipped_content(site_model) -> None:
    code, output = run_cli(REPO, "check")
    assert code == 0
    assert f"OK: {len(site_model.papers)} papers, {len(site_model.topics)} topics, " \
        f"{len(site_model.listings)} listings" in output


def test_failed_build_keeps_the_previous_site_and_the_content(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    assert run_cli(project, "build")[0] == 0
    site_before = _tree_digest(project / "site")
    paper = project / "content" / "papers" / "scaling-mlps-a-tale-of-inductive-bias.yaml"
    paper.write_text(paper.read_text("utf-8") + "add_topics: [no-such-topic]\n", "utf-8")
    content_before = _tree_digest(project / "content")
    code, output = run_cli(project, "build")
    assert code == 1
    assert "scaling-mlps-a-tale-of-inductive-bias.yaml" in output and "no-such-topic" in output
    assert _tree_digest(project / "site") == site_before
    assert _tree_digest(project / "content") == content_before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_import_is_idempotent_on_the_shipped_listings(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    before = _tree_digest(project / "content")
    code, output = run_cli(project, "import")
    assert code == 0
    papers, unchanged = re.search(r"\d+ records, (\d+) papers: 0 new, 0 updated, (\d+) unchanged",
                                  output).groups()
    assert papers == unchanged
    assert _tree_digest(project / "content") == before


@pytest.mark.parametrize(("args", "code", "printed"), [
    (["check"], 0, "papers, "),
    (["check", "--config-file", "missing/mkdocs.yml"], 2, "does not exist"),
    (["no-such-command"], 2, "No such command"),
])
def test_console_command_exits_with_its_code_after_exit_handlers(
        tmp_path: Path, args: list[str], code: int, printed: str) -> None:
    """The command skips the interpreter's teardown, not what exit handlers do, and keeps
    every line it printed."""
    marker = tmp_path / "handler-ran"
    program = (f"import atexit, pathlib; atexit.register(pathlib.Path({str(marker)!r}).touch)\n"
               "import sys; from generator.cli import run; sys.argv[1:] = "
               f"{args!r}; run()")
    result = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == code
    assert printed in result.stdout + result.stderr
    assert marker.exists()
