"""run_tasks: forked tasks give the same results and the same errors as running them in turn."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.processes import run_tasks, split
from tests.project import REPO, copy_project, tree_files

forks = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter: this test process runs threads, so it never forks."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


@forks
def test_forked_tasks_return_their_results_in_order_from_other_processes() -> None:
    output = run_python("""
        import os
        from generator.processes import run_tasks
        parent = os.getpid()
        results = run_tasks([lambda i=i: (i * i, os.getpid() != parent) for i in range(4)])
        print(results)
    """)
    assert output.strip() == "[(0, False), (1, True), (4, True), (9, True)]"


@forks
def test_a_content_error_in_a_forked_task_reaches_the_caller_whole() -> None:
    output = run_python("""
        import os
        from generator.errors import ContentError, Problem
        from generator.processes import run_tasks
        def fails():
            raise ContentError([Problem("content/papers/x.yaml", 3, "what", "fix")])
        try:  # the last result is more than a pipe holds: it must still be read, not left
            run_tasks([lambda: 1, fails, lambda: "x" * 10_000_000])
        except ContentError as error:
            print(str(error.problems[0]))
        try:
            os.waitpid(-1, os.WNOHANG)
            print("a child is left")
        except ChildProcessError:
            print("every child reaped")
    """)
    assert output.splitlines() == ["content/papers/x.yaml:3: what — fix", "every child reaped"]


@forks
def test_an_unpicklable_error_arrives_as_its_traceback() -> None:
    output = run_python("""
        from generator.processes import run_tasks
        class Odd(Exception):
            def __reduce__(self):
                raise TypeError("cannot pickle")
        def fails():
            raise Odd("the disk was full")
        try:
            run_tasks([lambda: 1, fails])
        except RuntimeError as error:
            print(str(error))
    """)
    assert "Odd: the disk was full" in output and "Traceback" in output


def test_without_forking_the_tasks_run_in_turn() -> None:
    calls: list[int] = []
    assert run_tasks([lambda: calls.append(1) or "a", lambda: calls.append(2) or "b"],
                     parallel=False) == ["a", "b"]
    assert calls == [1, 2]


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 1001, 12345])
def test_split_keeps_every_item_once_in_order(count: int) -> None:
    items = list(range(count))
    runs = split(items, parallel=True)
    assert [item for run in runs for item in run] == items
    assert all(len(run) >= 500 for run in runs) or len(runs) == 1
    assert split(items, parallel=False) == [items]


@forks
def test_a_parallel_generation_writes_the_same_files_and_finds_the_same_problems(
        tmp_path: Path) -> None:
    """Runs of 50 files, so the shipped wiki's papers (hundreds) are read and rendered in parts."""
    broken = copy_project(tmp_path / "broken")
    papers = sorted((broken / "content" / "papers").glob("*.yaml"))
    for paper in (papers[0], papers[-1]):  # the first run and the last
        paper.write_text(re.sub(r"(?m)^title: ", "upvotes: many\ntitle: ", paper.read_text("utf-8")))
    output = run_python(f"""
        import generator.processes
        from pathlib import Path
        from generator.errors import ContentError
        from generator.generate import generate
        from generator.store import ContentPaths
        generator.processes.MIN_ITEMS_PER_PROCESS = 50
        for parallel in (False, True):
            generate(ContentPaths(Path({str(REPO / "content")!r})),
                     Path({str(tmp_path)!r}) / f"docs-{{parallel}}", "https://example.org/",
                     parallel=parallel)
            try:
                generate(ContentPaths(Path({str(broken / "content")!r})),
                         Path({str(tmp_path)!r}) / "unused", parallel=parallel)
            except ContentError as error:
                print(len(error.problems), *error.problems, sep="\\n")
    """)
    serial, parallel = tree_files(tmp_path / "docs-False"), tree_files(tmp_path / "docs-True")
    assert len(serial) > 300 and serial == parallel
    problems = output.splitlines()
    half = len(problems) // 2
    assert problems[0] == "2" and problems[:half] == problems[half:]


@forks
def test_a_first_import_in_parallel_writes_the_same_paper_files(tmp_path: Path) -> None:
    """Runs of at least 50 papers, so the shipped listings' papers (hundreds) are prepared on
    every core; a minimum of 10,000 keeps them in one process."""
    projects = {}
    for minimum in (50, 10_000):
        project = copy_project(tmp_path / str(minimum))
        shutil.rmtree(project / "content" / "papers")
        (project / "content" / "papers").mkdir()
        run_python(f"""
            import generator.processes
            from pathlib import Path
            from generator.importer import import_listings
            from generator.store import ContentPaths
            generator.processes.MIN_ITEMS_PER_PROCESS = {minimum}
            import_listings(ContentPaths(Path({str(project / "content")!r})))
        """)
        projects[minimum] = tree_files(project / "content" / "papers")
    assert len(projects[50]) > 100 and projects[50] == projects[10_000]
