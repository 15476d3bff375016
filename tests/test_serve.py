"""`paperwiki serve`: edit a paper's YAML and the served page changes, without a restart."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.http import fetch, free_port, wait_for
from harness.search import use_pagefind
from tests.project import REPO, copy_project, edit

PAPER = "scaling-mlps-a-tale-of-inductive-bias"


@pytest.mark.parametrize("options", [[], ["--full-rebuilds"]], ids=["incremental", "full"])
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


def test_stopping_serve_with_sigterm_removes_its_temporary_site(tmp_path: Path) -> None:
    """A service manager (or a test) stops serve with SIGTERM: the site it built in a
    temporary folder goes with it, as after Ctrl-C."""
    project = copy_project(tmp_path / "project")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--config-file",
         str(project / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"],
        env={**os.environ, "TMPDIR": str(temporary)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/paperwiki/papers/{PAPER}/", "Scaling MLPs",
                 timeout=120)
        [site] = temporary.iterdir()
        assert site.name.startswith("mkdocs_") and (site / "index.html").is_file()
    finally:
        server.terminate()
        status = server.wait(timeout=30)
    assert (status, list(temporary.iterdir())) == (0, [])


def test_serve_that_cannot_start_leaves_no_temporary_site(tmp_path: Path) -> None:
    """A configuration that does not load stops serve before it builds anything; the folder
    it made for the site goes too."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "theme: [not, a, theme]\n", "utf-8")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "serve", "--config-file", str(config),
         "--dev-addr", f"127.0.0.1:{free_port()}"],
        env={**os.environ, "TMPDIR": str(temporary)}, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "theme" in result.stdout + result.stderr
    assert list(temporary.iterdir()) == []


def wait_for_status(url: str, status: int, timeout: float) -> None:
    """A server busy rebuilding may not answer within a request's 5 s: that is waiting too."""
    wait_for_answer(url, lambda code, body: code == status, timeout)


def search_locations(base: str) -> list[str]:
    index = json.loads(fetch(f"{base}search/search_index.json") or "{}")
    return [entry["location"] for entry in index["docs"]]


def test_incremental_rebuilds_keep_navigation_search_and_removals_right(tmp_path: Path) -> None:
    """Only touched pages are rendered again, yet nothing served goes stale."""
    project = copy_project(tmp_path / "project")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--config-file",
         str(project / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/paperwiki/"
    paper = project / "content" / "papers" / f"{PAPER}.yaml"
    topics = project / "content" / "topics.yaml"
    try:
        wait_for(f"{base}papers/{PAPER}/", "Scaling MLPs", timeout=120)
        before = search_locations(base)
        assert f"papers/{PAPER}/" in before

        paper.write_text(paper.read_text("utf-8") + "summary: Edited while the server runs.\n")
        wait_for(f"{base}papers/{PAPER}/", "Edited while the server runs.", timeout=60)
        wait_for(f"{base}search/search_index.json", "Edited while the server runs.", timeout=30)
        assert sorted(search_locations(base)) == sorted(before)  # replaced, not duplicated

        # A topic's name is in the navigation of every page, including pages the edit did not
        # otherwise touch: all of them must be rendered again.
        topics.write_text(topics.read_text("utf-8").replace(
            "name: Pre-training\n", "name: Pretraining, renamed\n"), "utf-8")
        wait_for(f"{base}listings/", "Pretraining, renamed", timeout=120)
        assert "Pretraining, renamed" in (fetch(f"{base}curation/") or "")

        paper.write_text(paper.read_text("utf-8") + "hidden: true\n")
        wait_for_status(f"{base}papers/{PAPER}/", 404, timeout=60)
        assert [page for page in search_locations(base) if PAPER in page] == []
    finally:
        server.terminate()
        server.wait(timeout=30)


def site_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in root.rglob("*") if path.is_file()}


def differences(served: Path, fresh: Path) -> list[str]:
    """The files two sites do not have alike."""
    one, other = site_files(served), site_files(fresh)
    return sorted(name for name in one.keys() | other.keys() if one.get(name) != other.get(name))


def test_every_rebuild_serves_what_a_fresh_build_gives(tmp_path: Path) -> None:
    """Edits of text render only the pages the generator rewrote (quickbuild.py); others go
    through MkDocs' dirty build. Either way the site equals a fresh build's, file for file."""
    project = copy_project(tmp_path / "project")
    content = project / "content"
    paper = content / "papers" / f"{PAPER}.yaml"

    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")

    edits = [  # (edit, whether only the changed pages are rendered; None: the build fails)
        (lambda: replace(paper, "\nauthors:", "\nsummary: Edited while serving.\nauthors:"), True),
        (lambda: replace(content / "topics.yaml", "How models are pretrained",
                         "How models are pre-trained"), True),
        (lambda: replace(paper, "title: 'Scaling MLPs", "title: 'Scaling Perceptrons"), True),
        (lambda: replace(content / "pages" / "curation.md", "\n", "\nEdited while serving.\n"),
         True),
        (lambda: replace(paper, "\nauthors:", "\nsummary: [unclosed\nauthors:"), None),
        (lambda: replace(paper, "\nsummary: [unclosed\n", "\n"), True),
        (lambda: replace(paper, "\nauthors:", "\nhidden: true\nauthors:"), True),
        (lambda: (content / "papers" / "a-new-paper.yaml").write_text(
            "title: A new paper on pretraining\nabstract: Written while serving.\n"
            "published: 2024-08-07\nauthors: 1\nlistings:\n  - pretraining\n", "utf-8"), True),
        (lambda: replace(content / "topics.yaml", "name: Pre-training\n", "name: Pretraining\n"),
         False),
    ]
    with builds_as_serve(project, tmp_path / "served") as (_, rebuild):
        for step, (edit, only_changed) in enumerate(edits):
            edit()
            logged = rebuild()
            if only_changed is None:  # broken: the last good site stays, and is reused after
                assert "the build failed" in logged, logged
                continue
            assert ("changed files rendered" in logged) == only_changed, logged
            fresh_build(project, tmp_path / "fresh")
            assert differences(tmp_path / "served", tmp_path / "fresh") == [], \
                f"after edit {step}: {logged}"
            shutil.rmtree(tmp_path / "fresh")


def test_in_pagefind_mode_serve_indexes_again_only_the_bundles_an_edit_touched(
        tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    use_pagefind(project)
    edit(project / "mkdocs.yml", "      search: pagefind\n",
         "      search: pagefind\n      pages_per_search_index: 40\n")
    paper = project / "content" / "papers" / f"{PAPER}.yaml"
    with builds_as_serve(project, tmp_path / "served") as (first, rebuild):
        assert re.search(r"search index: \d+ bundle\(s\) indexed, 0 left", first), first
        edit(paper, "\nauthors:", "\nsummary: Edited while serving.\nauthors:")
        logged = rebuild()
    indexed, kept = map(int, re.findall(r"search index: (\d+) bundle\(s\) indexed, (\d+) left",
                                        logged)[0])
    assert indexed >= 1 and kept >= 1, logged
    fresh_build(project, tmp_path / "fresh")
    assert differences(tmp_path / "served", tmp_path / "fresh") == []


SERVE_BUILDS = str(REPO / "tests" / "serve_builds.py")


@contextmanager
def builds_as_serve(project: Path, served: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    """Serve's builds into ``served``, in a process of their own (see serve_builds.py): yields
    what the first build logged, and a function that builds again and returns what it logged."""
    builds = subprocess.Popen([sys.executable, SERVE_BUILDS, str(project / "mkdocs.yml"),
                               str(served), "incremental"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert builds.stdin and builds.stdout
    stdin, stdout = builds.stdin, builds.stdout

    def rebuild() -> str:
        stdin.write("build\n")
        stdin.flush()
        return stdout.readline()

    try:
        yield stdout.readline(), rebuild
    finally:
        stdin.close()
        builds.wait(timeout=120)


def fresh_build(project: Path, site: Path) -> None:
    """The site a fresh build (as ``--full-rebuilds`` gives) makes into ``site``."""
    subprocess.run([sys.executable, SERVE_BUILDS, str(project / "mkdocs.yml"), str(site),
                    "fresh"], check=True, stdout=subprocess.DEVNULL)


def fetch_any(url: str) -> tuple[int, str] | None:
    """Status and body of any answer, error pages included; None if none came in 5 s."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except OSError:
        return None


def wait_for_answer(url: str, ready, timeout: float) -> tuple[int, str]:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        answer = fetch_any(url)
        if answer is not None and ready(*answer):
            return answer
        time.sleep(0.2)
    raise AssertionError(f"{url} gave no fitting answer within {timeout} s: {fetch_any(url)}")


@contextmanager
def serving_a_broken_paper(project: Path, log: Path) -> Iterator[str]:
    """`paperwiki serve` in its own process for the block, yielding the site's address; after
    it, the server's output must name the broken line and hold no traceback."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--config-file",
         str(project / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}/paperwiki/"
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text("utf-8")
    assert BROKEN_LINE in output and "Traceback" not in output, output


BANNER = 'id="paperwiki-build-problems"'
# The tests append an unclosed `summary: [` as the paper's last line.
_LAST_LINE = len((REPO / "content" / "papers" / f"{PAPER}.yaml").read_text("utf-8").splitlines())
BROKEN_LINE = f"content/papers/{PAPER}.yaml:{_LAST_LINE + 1}: invalid YAML"


def test_broken_content_keeps_the_last_good_site_served_with_the_problems_shown(
        tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    paper = project / "content" / "papers" / f"{PAPER}.yaml"
    good = paper.read_text("utf-8")
    with serving_a_broken_paper(project, tmp_path / "serve.log") as base:
        wait_for(f"{base}papers/{PAPER}/", "Scaling MLPs", timeout=120)
        stylesheet = base + re.findall(r'href="([^"]+\.css)"', fetch(base) or "")[0]
        paper.write_text(good + "summary: [unclosed\n", "utf-8")

        status, page = wait_for_answer(f"{base}papers/{PAPER}/",
                                       lambda status, body: BANNER in body, timeout=60)
        assert status == 200 and "Scaling MLPs" in page  # the last good page, and the problem:
        assert html.escape(BROKEN_LINE, quote=True) in page
        assert fetch_any(stylesheet)[0] == 200
        assert fetch_any(f"{base}%00")[0] == 404
        assert fetch_any(f"{base}no-such-page/")[0] == 404

        paper.write_text(good, "utf-8")
        wait_for_answer(f"{base}papers/{PAPER}/",
                        lambda status, body: status == 200 and BANNER not in body, timeout=120)


def test_serve_started_on_broken_content_answers_with_the_problems(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    paper = project / "content" / "papers" / f"{PAPER}.yaml"
    good = paper.read_text("utf-8")
    paper.write_text(good + "summary: [unclosed\n", "utf-8")
    with serving_a_broken_paper(project, tmp_path / "serve.log") as base:
        status, page = wait_for_answer(base, lambda status, body: BANNER in body, timeout=120)
        assert status == 404 and html.escape(BROKEN_LINE, quote=True) in page
        assert "/livereload/" in page  # it turns into the site once the problem is fixed
        paper.write_text(good, "utf-8")
        wait_for(f"{base}papers/{PAPER}/", "Scaling MLPs", timeout=120)


def test_an_address_in_use_is_one_line_and_exit_4(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator.cli", "serve", "--config-file",
             str(project / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"],
            capture_output=True, text=True, timeout=300)
    assert result.returncode == 4, result.stderr
    assert ("paperwiki serve: could not run: Address already in use — another program uses "
            "that address: choose another with --dev-addr") in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_the_banner_shows_problems_as_text() -> None:
    from generator.mkdocs.serving import problems_banner

    banner = problems_banner(["content/papers/x.yaml:3: <img src=x onerror=alert(1)> & more"])
    assert "<img" not in banner
    assert "content/papers/x.yaml:3: &lt;img src=x onerror=alert(1)&gt; &amp; more" in banner


def test_folders_are_watched_through_notifications_and_reading_a_file_changes_nothing(
        tmp_path: Path) -> None:
    """content/ holds thousands of files: polling them twice a second would slow every build
    beside it. A build reads every content file, which must not ask for another build."""
    from generator.mkdocs.serving import BuildStatus, PreviewServer

    folder, settings = tmp_path / "content", tmp_path / "mkdocs.yml"
    folder.mkdir()
    (folder / "paper.yaml").write_text("title: One\n", "utf-8")
    settings.write_text("site_name: x\n", "utf-8")
    server = PreviewServer(BuildStatus(), builder=lambda: None, host="127.0.0.1", port=0,
                           root=str(tmp_path))
    try:
        server.watch(str(folder))
        server.watch(str(settings))
        assert server.notified_paths == {str(folder)}
        (folder / "paper.yaml").read_text("utf-8")
        time.sleep(0.5)
        assert not server._want_rebuild
        (folder / "paper.yaml").write_text("title: Two\n", "utf-8")
        deadline = time.monotonic() + 5
        while not server._want_rebuild and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server._want_rebuild
        server.unwatch(str(folder))
        assert server.notified_paths == set()
    finally:
        server.shutdown()
