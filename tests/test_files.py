"""Files that are not what their names say, and a disk that refuses writes: one located line
each, exit 1 for the curator's slips and exit 4 for the machine's, never a traceback or a hang,
never a half-written file."""

from __future__ import annotations

import errno
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import ContentError, EnvironmentIssue, EnvironmentProblem, Problem
from tests.project import (
    SCALING, Rec, listing_text, run_paperwiki, tree_state, write_base_project, write_listing,
)

REPO = Path(__file__).resolve().parent.parent
PAPERS = "content/papers"
HINT_FOLDER = "rename or move the folder: only files may carry this name"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_base_project(tmp_path / "wiki")
    return tmp_path / "wiki"


def paperwiki(project: Path, *args: str, timeout: float = 60) -> tuple[int, str]:
    """The console command in a fresh process (a read that blocks would hang the test
    process; here it fails the test after ``timeout`` seconds)."""
    command = [sys.executable, "-c", "from generator.cli import run; run()", *args,
               "--config-file", str(project / "mkdocs.yml")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result.returncode, result.stdout + result.stderr


# --- what a curator can get wrong: exit 1 ---------------------------------------------------


@pytest.mark.parametrize(("make", "label", "expected"), [
    (lambda c: (c / "papers" / "folder.yaml").mkdir(), f"{PAPERS}/folder.yaml",
     f"this is a folder, not a file — {HINT_FOLDER}"),
    (lambda c: (c / "papers" / "gone.yaml").symlink_to("nowhere.yaml"), f"{PAPERS}/gone.yaml",
     "the link leads to a file that does not exist — point it at an existing file, or delete "
     "it (it leads to nowhere.yaml)"),
    (lambda c: ((c / "topics.yaml").unlink(), (c / "topics.yaml").mkdir()),
     "content/topics.yaml", f"this is a folder, not a file — {HINT_FOLDER}"),
    (lambda c: (c / "listings" / "odd.yaml").mkdir(), "content/listings/odd.yaml",
     f"this is a folder, not a file — {HINT_FOLDER}"),
    (lambda c: ((c / "config.yaml").unlink(), (c / "config.yaml").symlink_to("gone.yaml")),
     "content/config.yaml", "the link leads to a file that does not exist — point it at an "
     "existing file, or delete it (it leads to gone.yaml)"),
], ids=["folder-named-yaml", "dangling-link", "topics-is-a-folder", "listing-folder",
        "dangling-config"])
def test_misnamed_folder_or_dangling_link_is_a_content_problem(project: Path, make, label: str,
                                                              expected: str) -> None:
    make(project / "content")
    result = run_paperwiki(project, "check")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert f"{label}: {expected}" in result.output.splitlines()


# --- what is wrong with the machine: exit 4 -------------------------------------------------


def test_fifo_is_refused_without_reading_it(project: Path) -> None:
    os.mkfifo(project / PAPERS / "pipe.yaml")
    code, output = paperwiki(project, "check", timeout=30)
    assert code == 4, output
    assert (f"{PAPERS}/pipe.yaml: the file is a named pipe (FIFO), which is never read — "
            "replace it with an ordinary file, or remove it") in output.splitlines()


@pytest.mark.parametrize("where", ["content/listings/new.txt", "content/listings/new.yaml"])
def test_fifo_listing_stops_the_import(project: Path, where: str) -> None:
    write_listing(project / "content", "new", "2025-12-10", listing_text("Dec 10", SCALING))
    (project / where).unlink()
    os.mkfifo(project / where)
    before = tree_state(project / "content")
    code, output = paperwiki(project, "import", "new", timeout=30)
    assert code == 4, output
    assert f"{where}: the file is a named pipe (FIFO), which is never read" in output
    assert tree_state(project / "content") == before


def test_link_to_a_device_is_refused(project: Path) -> None:
    (project / PAPERS / "zero.yaml").symlink_to("/dev/zero")
    code, output = paperwiki(project, "check", timeout=30)
    assert code == 4, output
    assert (f"{PAPERS}/zero.yaml: a link leads out of the project, to /dev/zero — copy the "
            "file into the project instead of linking to it") in output.splitlines()


def test_device_inside_the_project_is_refused(project: Path) -> None:
    """A device node (made here as a FIFO's sibling: a socket) is refused by its kind."""
    import socket

    path = project / PAPERS / "socket.yaml"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        code, output = paperwiki(project, "check", timeout=30)
    assert code == 4, output
    assert f"{PAPERS}/socket.yaml: the file is a socket, which is never read" in output


def test_links_out_of_the_project_are_refused_but_links_inside_are_followed(
        project: Path, tmp_path: Path) -> None:
    paper = next((project / PAPERS).glob("*.yaml"))
    outside = tmp_path / "outside.yaml"
    outside.write_text(paper.read_text("utf-8"), "utf-8")
    (project / PAPERS / "outside.yaml").symlink_to(outside)
    code, output = paperwiki(project, "check")
    assert code == 4, output
    assert (f"{PAPERS}/outside.yaml: a link leads out of the project, to {outside} — copy the "
            "file into the project instead of linking to it") in output.splitlines()

    (project / PAPERS / "outside.yaml").unlink()
    (project / "kept").mkdir()
    paper.rename(project / "kept" / paper.name)
    paper.symlink_to(Path("..", "..", "kept", paper.name))
    code, output = paperwiki(project, "check")
    assert code == 0, output


def test_a_papers_folder_linked_out_of_the_project_is_refused(project: Path,
                                                             tmp_path: Path) -> None:
    (project / PAPERS).rename(tmp_path / "elsewhere")
    (project / PAPERS).symlink_to(tmp_path / "elsewhere")
    code, output = paperwiki(project, "check")
    assert code == 4, output
    assert "a link leads out of the project, to " + str(tmp_path / "elsewhere") in output


def test_environment_problems_are_listed_with_the_content_problems(project: Path) -> None:
    os.mkfifo(project / PAPERS / "pipe.yaml")
    (project / PAPERS / "folder.yaml").mkdir()
    code, output = paperwiki(project, "check", timeout=30)
    assert code == 4, output
    assert f"{PAPERS}/folder.yaml: this is a folder, not a file" in output
    assert f"{PAPERS}/pipe.yaml: the file is a named pipe (FIFO)" in output
    assert "2 problem(s) found; no file is half-written." in output


# --- refused writes: a read-only folder, a full disk ----------------------------------------


NEW = Rec("A Brand New Paper About Pre-training", "Its abstract.", "  • 2 authors", "Feb 7, 2024 3")
OTHER = Rec("Another New Paper About Pre-training", "Another abstract.", "  • 3 authors",
            "Feb 8, 2024 5")


def _refuse_writes_after(monkeypatch: pytest.MonkeyPatch, allowed: int, code: int) -> list[str]:
    """Let ``allowed`` files be written, then fail like a full disk (half the bytes written,
    then the error) or a read-only folder (the file cannot be created). Returns the names of
    the files written."""
    import tempfile

    written: list[str] = []
    real_mkstemp, real_fdopen = tempfile.mkstemp, os.fdopen

    def mkstemp(*args, **kwargs):
        if len(written) >= allowed and code != errno.ENOSPC:
            raise OSError(code, os.strerror(code), kwargs.get("dir"))
        handle, name = real_mkstemp(*args, **kwargs)
        written.append(name)
        return handle, name

    class HalfFull:
        def __init__(self, stream):
            self.stream = stream

        def write(self, data: bytes) -> int:
            self.stream.write(data[: len(data) // 2])
            self.stream.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

    def fdopen(handle, mode="r", *args, **kwargs):
        stream = real_fdopen(handle, mode, *args, **kwargs)
        return HalfFull(stream) if "w" in mode and len(written) > allowed else stream

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "fdopen", fdopen)
    return written


@pytest.mark.parametrize(("code", "message", "hint"), [
    (errno.ENOSPC, "No space left on device", "free some disk space, then run the command again"),
    (errno.EACCES, "Permission denied",
     "make it readable and writable for you (chmod u+rw), or run as its owner"),
    (errno.EROFS, "Read-only file system",
     "the file system is read-only: work in a writable copy of the project"),
], ids=["disk-full", "read-only-folder", "read-only-file-system"])
def test_refused_write_stops_the_import_without_half_files(
        project: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str,
        hint: str) -> None:
    write_listing(project / "content", "new", "2025-12-10", listing_text("Dec 10", NEW, OTHER))
    (project / "content" / "listings" / "new.yaml").unlink()
    _refuse_writes_after(monkeypatch, allowed=1, code=code)

    result = run_paperwiki(project, "import", "new", "--title", "New", "--captured", "2025-12-10")

    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 4, result.output
    lines = result.output.splitlines()
    second = f"{PAPERS}/another-new-paper-about-pre-training.yaml"
    assert f"{second}: could not write the file: {message} — {hint}" in lines, result.output
    assert "1 problem(s) found; no file is half-written." in lines
    papers = project / PAPERS
    assert (papers / "a-brand-new-paper-about-pre-training.yaml").read_text("utf-8").endswith(
        "  - new\n")  # the file written before the failure is whole
    assert not (project / second).exists()
    assert not (project / "content" / "listings" / "new.yaml").exists()
    assert not [p for p in (project / "content").rglob("*") if p.name.endswith(".tmp")]


def test_half_an_import_does_not_check(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The listing's YAML is written after its papers: an import that stopped part-way
    leaves papers naming a listing that does not exist yet, which `check` refuses."""
    write_listing(project / "content", "new", "2025-12-10", listing_text("Dec 10", NEW, OTHER))
    (project / "content" / "listings" / "new.yaml").unlink()
    with monkeypatch.context() as patch:
        _refuse_writes_after(patch, allowed=2, code=errno.ENOSPC)
        result = run_paperwiki(project, "import", "new", "--title", "New",
                               "--captured", "2025-12-10")
    assert result.exit_code == 4, result.output
    assert "content/listings/new.yaml: could not write the file" in result.output
    check = run_paperwiki(project, "check")
    assert check.exit_code == 1, check.output
    assert (f"{PAPERS}/a-brand-new-paper-about-pre-training.yaml:7: listings: unknown listing "
            "'new'") in check.output, check.output


# --- content errors cross process boundaries whole ------------------------------------------


def test_content_errors_survive_pickling() -> None:
    problems = [Problem("content/a.yaml", 3, "wrong", "fix it"), Problem("content/b.yaml", None, "x")]
    error = pickle.loads(pickle.dumps(ContentError(problems)))
    assert type(error) is ContentError and error.problems == problems
    assert str(error) == "content/a.yaml:3: wrong — fix it\ncontent/b.yaml: x"
    issue = EnvironmentIssue("content/c.yaml", None, "could not read", "check it")
    environment = pickle.loads(pickle.dumps(EnvironmentProblem(issue)))
    assert type(environment) is EnvironmentProblem and environment.problems == [issue]
    assert isinstance(environment.problems[0], EnvironmentIssue)


WORKER_FAILS = """
import sys
from generator.errors import ContentError, Problem
from generator.processes import fork_is_safe, run_tasks

def fails():
    raise ContentError([Problem("content/papers/a.yaml", 4, "the paper has no topic", "add one"),
                        Problem("content/papers/b.yaml", None, "second")])

assert fork_is_safe()[0]
try:
    run_tasks([lambda: 1, fails], parallel=True)
except ContentError as error:
    print(type(error).__name__, len(error.problems))
    print(error)
"""


def test_a_content_error_raised_in_a_worker_process_arrives_whole() -> None:
    """run_tasks runs the second task in a forked child, whose exception comes back pickled
    through a pipe (a fresh interpreter: this test process runs threads, so it never forks)."""
    result = subprocess.run([sys.executable, "-c", WORKER_FAILS], capture_output=True, text=True,
                            timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ContentError 2",
        "content/papers/a.yaml:4: the paper has no topic — add one",
        "content/papers/b.yaml: second"]


def test_disk_full_while_building_keeps_the_previous_site(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs import utils

    from tests.project import copy_project, run_cli, tree_files

    project = copy_project(tmp_path / "project")
    assert run_cli(project, "build")[0] == 0
    before = tree_files(project / "site")
    written = []

    def write_file(content: bytes, output_path: str) -> None:
        if len(written) == 20:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), output_path)
        written.append(output_path)

    monkeypatch.setattr(utils, "write_file", write_file)
    code, output = run_cli(project, "build", "--no-cache")  # every page is written again

    assert code == 4, output
    assert "could not read or write the file: No space left on device — free some disk space, " \
           "then run the command again" in output
    assert "1 problem(s) found; no file is half-written." in output
    assert "Traceback" not in output
    assert tree_files(project / "site") == before
    assert not [path.name for path in tmp_path.glob("project/.site*")]
