"""Paper pages rendered by forked workers: the same site, the same warnings, the same failures."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from mkdocs.structure.files import File

from generator.mkdocs.parallel import PAGE_OVERHEAD_BYTES, split_pages
from tests.project import copy_project, run_build, tree_files

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="pages render in parallel only on Linux")


def project_with_jobs(root: Path, jobs: int) -> Path:
    project = copy_project(root)
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "      content_dir: content\n" in text
    config.write_text(text.replace("      content_dir: content\n",
                                   f"      content_dir: content\n      jobs: {jobs}\n"), "utf-8")
    return project


def last_paper(project: Path) -> Path:
    """Shares are contiguous runs in page order, so the last paper is always a worker's."""
    return max((project / "content" / "papers").glob("*.yaml"))


def test_a_parallel_build_is_byte_identical_to_a_serial_one(tmp_path: Path) -> None:
    epoch = {"SOURCE_DATE_EPOCH": "1767225600"}  # the sitemap's gzip header
    serial = project_with_jobs(tmp_path / "serial", 1)
    parallel = project_with_jobs(tmp_path / "parallel", 3)
    code, serial_log = run_build(serial, **epoch)
    assert code == 0, serial_log
    code, parallel_log = run_build(parallel, **epoch)
    assert code == 0, parallel_log

    assert "pages rendered in 3 processes" in parallel_log
    assert "pages rendered in" not in serial_log
    assert "Page skipped" not in parallel_log
    one, other = tree_files(serial / "site"), tree_files(parallel / "site")
    assert len(one) > 300
    assert sorted(one) == sorted(other)
    assert [name for name in one if one[name] != other[name]] == []

    # Each process noted the keys of the pages it rendered: the next build leaves every page
    # of the site in place.
    code, warm_log = run_build(parallel, **epoch)
    assert code == 0, warm_log
    kept = re.search(r"(\d+) from the cache \((\d+) of them left in place", warm_log)
    assert kept and int(kept[1]) == int(kept[2]) > 300, warm_log


def test_a_warning_on_a_workers_page_still_fails_the_strict_build(tmp_path: Path) -> None:
    project = project_with_jobs(tmp_path, 2)
    paper = last_paper(project)
    broken_link = ("import generator.render as render\n"
                   "rendered = render.render_paper_page\n"
                   "render.render_paper_page = lambda page: rendered(page) + (\n"
                   f"    '[the errata](errata.md)\\n' if page.entry.id == '{paper.stem}' else '')\n")

    code, output = run_build(project, prelude=broken_link)

    assert code == 3, output
    assert "pages rendered in 2 processes" in output
    assert f"papers/{paper.stem}.md' contains a link 'errata.md'" in output
    assert "Aborted with 1 warnings in strict mode" in output
    assert not (project / "site").exists()


FAIL_ON_ONE_PAGE = """
import os, signal
import generator.mkdocs.plugin as plugin
post_page = plugin.PaperWikiPlugin.on_post_page
def fail_on_one_page(self, output, page, config):
    if page.file.src_uri == {doomed!r} and output:  # only where the page is really rendered
        {failure}
    return post_page(self, output, page, config)
plugin.PaperWikiPlugin.on_post_page = fail_on_one_page
"""


@pytest.mark.parametrize(("failure", "reported"), [
    ('raise RuntimeError("the renderer broke on purpose")',
     ["Error building page '{doomed}': the renderer broke on purpose",
      "1 page-rendering worker(s) failed: process ",
      "stopped with exit status 1; its errors are above"]),
    ("os.kill(os.getpid(), signal.SIGKILL)",
     ["1 page-rendering worker(s) failed: process ",
      "was killed by SIGKILL (out of memory?)"]),
], ids=["exception", "killed"])
def test_a_failing_worker_fails_the_build_and_leaves_no_process_behind(
        tmp_path: Path, failure: str, reported: list[str]) -> None:
    project = project_with_jobs(tmp_path, 2)
    doomed = f"papers/{last_paper(project).stem}.md"

    code, output = run_build(project, FAIL_ON_ONE_PAGE.format(doomed=doomed, failure=failure))

    assert code == 3, output
    for message in reported:
        assert message.format(doomed=doomed) in output
    assert not (project / "site").exists()
    assert not list(project.glob(".site.*"))
    assert processes_mentioning(str(project)) == []


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line contains ``text`` (a forked worker keeps its parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text in (entry / "cmdline").read_text(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_shares_are_contiguous_and_the_main_process_takes_less_for_its_other_pages(
        tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "papers").mkdir(parents=True)
    pages = []
    for index in range(90):
        (docs / "papers" / f"p{index:02}.md").write_text("x" * 500)
        pages.append(File(f"papers/p{index:02}.md", str(docs), str(tmp_path / "site"), True))
    page_cost = PAGE_OVERHEAD_BYTES + 500

    shares = split_pages(pages, 3, main_extra=30 * page_cost)

    assert [page for share in shares for page in share] == pages
    assert [len(share) for share in shares] == [10, 40, 40]
    assert [len(share) for share in split_pages(pages, 3, main_extra=0)] == [30, 30, 30]
