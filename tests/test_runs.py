"""Runs at once and runs killed: a second build or import waits for the first and says for
whom; what a killed run leaves behind is removed by the next and ignored by git meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.runlock import project_lock
from tests.project import Rec, copy_project, listing_text, run_build, write_listing

REPO = Path(__file__).resolve().parent.parent

# Python run first in a paperwiki process: hold the lock a little longer than a build does.
SLOW_GENERATION = """
import time, generator.mkdocs.plugin as plugin
_generate = plugin.generate
def _slow(*args, **kwargs):
    time.sleep(4)
    return _generate(*args, **kwargs)
plugin.generate = _slow
"""
# ... or die where a killed run would leave the most behind.
KILLED_PUBLISHING_PAGES = """
import os, signal, generator.docsdir as docsdir
docsdir.DocsWriter.publish = lambda self: os.kill(os.getpid(), signal.SIGKILL)
"""
KILLED_REPLACING_A_FILE = """
import os, signal
os.replace = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
"""


def start(project: Path, *args: str, prelude: str = "") -> subprocess.Popen:
    command = [sys.executable, "-c", prelude + "\nfrom generator.cli import run; run()", *args,
               "--config-file", str(project / "mkdocs.yml")]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=REPO)


def lock_holder(project: Path) -> str:
    try:
        return (project / ".paperwiki.lock").read_text("utf-8")
    except FileNotFoundError:
        return ""


def finish(process: subprocess.Popen) -> tuple[int, str]:
    output, _ = process.communicate(timeout=600)
    assert "Traceback" not in output, output
    return process.returncode, output


@pytest.mark.parametrize("second", [["build"], ["import"]])
def test_a_second_run_waits_for_the_first_and_says_which_it_is(tmp_path: Path,
                                                               second: list[str]) -> None:
    project = copy_project(tmp_path / "project")
    first = start(project, "build", prelude=SLOW_GENERATION)
    started = time.monotonic()
    while not lock_holder(project).startswith(f"{first.pid} "):
        assert time.monotonic() - started < 60 and first.poll() is None, first.communicate()
        time.sleep(0.05)
    waiting = start(project, *second)

    code, output = finish(waiting)
    assert code == 0, output
    assert (f"waiting for paperwiki build (process {first.pid}) to finish (it holds "
            ".paperwiki.lock) …") in output.splitlines()
    assert finish(first)[0] == 0
    assert (project / "site" / "index.html").is_file()
    assert not [path.name for path in tmp_path.glob("project/.site*")]


def test_what_a_killed_build_leaves_is_removed_by_the_next(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    code, output = run_build(project, prelude=KILLED_PUBLISHING_PAGES)
    assert code == -9, output
    staged = [path.name for path in project.glob(".site.*")]
    assert len(staged) == 1 and staged[0].startswith(".site.")
    assert [path.name for path in (project / "docs").glob(".new-*")]
    (project / ".site.abcd_123").mkdir()  # left by an older version: no process id
    (project / ".site.old").mkdir()
    alive = project / f".site.{os.getpid()}.abcdefgh"  # this process still runs: kept
    alive.mkdir()

    code, output = run_build(project)

    assert code == 0, output
    assert "Removed what interrupted runs left: " in output
    assert [path.name for path in project.glob(".site*")] == [alive.name]
    assert not [path.name for path in (project / "docs").glob(".new-*")]
    assert (project / "site" / "index.html").is_file()


def test_what_a_killed_import_leaves_is_removed_by_the_next(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    new = Rec("A Brand New Paper About Pre-training", "Its abstract.")
    write_listing(project / "content", "new", "2025-12-10", listing_text("Dec 10", new))
    code, output = finish(start(project, "import", "new", prelude=KILLED_REPLACING_A_FILE))
    assert code == -9, output
    left = [path.name for path in (project / "content").rglob(".*.tmp")]
    paper = project / "content" / "papers" / "a-brand-new-paper-about-pre-training.yaml"
    assert len(left) == 1 and left[0].startswith(f".{paper.name}."), left

    code, output = finish(start(project, "import", "new"))

    assert code == 0, output
    assert f"Removed what interrupted runs left: content/papers/{left[0]}" in output
    assert not list((project / "content").rglob(".*.tmp"))
    assert paper.is_file()


@pytest.mark.parametrize("path", [
    ".site.1234.abcdefgh/index.html", ".site.abcdefgh/index.html", ".site.old/index.html",
    "content/papers/.a-paper.yaml.1234.abcdefgh.tmp", ".paperwiki.lock",
])
def test_what_runs_leave_behind_is_ignored_by_git(path: str) -> None:
    result = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=REPO)
    assert result.returncode == 0, f"{path} is not ignored by .gitignore"


def test_the_lock_file_exists_only_while_a_run_holds_it(tmp_path: Path) -> None:
    with project_lock(tmp_path, "paperwiki import"):
        holder = (tmp_path / ".paperwiki.lock").read_text("utf-8")
        assert holder == f"{os.getpid()} paperwiki import\n"
    assert not (tmp_path / ".paperwiki.lock").exists()
