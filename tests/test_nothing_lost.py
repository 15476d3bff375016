"""Nothing a curator has is dropped without a word: no papers folder is an error (a build
would otherwise empty the site), files that are never read are named, and a paper no topic
rule matches is shown under a fallback topic instead of failing the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.generate import generate
from generator.store import ContentPaths
from tests.project import (
    copy_project,
    run_build,
    run_paperwiki,
    tree_state,
    write_base_project,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_base_project(tmp_path / "wiki")
    return tmp_path / "wiki"


def _papers(project: Path) -> Path:
    return project / "content" / "papers"


# --- no papers ------------------------------------------------------------------------------

MISSING = ("content/papers: the papers folder is missing — create it, then import a listing "
           "(`paperwiki import`) or add a paper by hand (see the curation guide)")
EMPTY = ("content/papers: the papers folder holds no paper (*.yaml) files — import a listing "
         "(`paperwiki import`) or add a paper by hand (see the curation guide)")


@pytest.mark.parametrize(("emptied", "expected"), [("missing", MISSING), ("empty", EMPTY)])
def test_check_refuses_a_wiki_without_papers(project: Path, emptied: str, expected: str) -> None:
    shutil.rmtree(_papers(project))
    if emptied == "empty":
        _papers(project).mkdir()
    result = run_paperwiki(project, "check")
    assert result.exit_code == 1, result.output
    assert expected in result.output.splitlines()
    assert "OK" not in result.output


def test_build_without_papers_keeps_the_previous_site(project: Path, tmp_path: Path) -> None:
    built = copy_project(tmp_path / "built", content=project / "content")
    shutil.rmtree(_papers(built))
    (built / "site").mkdir()
    (built / "site" / "index.html").write_text("the previous site", "utf-8")
    code, output = run_build(built)
    assert code == 1, output
    assert MISSING in output
    assert (built / "site" / "index.html").read_text("utf-8") == "the previous site"


# --- files that are never read ---------------------------------------------------------------

PAPER = "title: Pre-training again\nabstract: A.\n"
STRAY = {
    "content/papers/new-paper.yml": "content/papers/new-paper.yml: warning: this file is not "
    "read: only *.yaml files in content/papers/ are — rename it to new-paper.yaml",
    "content/papers/Other.YAML": "content/papers/Other.YAML: warning: this file is not read: "
    "only *.yaml files in content/papers/ are — rename it to Other.yaml",
    "content/papers/notes.txt": "content/papers/notes.txt: warning: this file is not read: "
    "only *.yaml files in content/papers/ are — if it is a paper, rename it to notes.yaml (in "
    "YAML); if not, move it out of content/papers/",
    "content/listings/new.TXT": "content/listings/new.TXT: warning: this file is not read: "
    "only *.yaml, *.txt and *.json files in content/listings/ are — rename it to new.txt",
    "content/listings/new.yml": "content/listings/new.yml: warning: this file is not read: "
    "only *.yaml, *.txt and *.json files in content/listings/ are — rename it to new.yaml",
    "content/topics.yml": "content/topics.yml: warning: this file is not read: only *.yaml "
    "files in content/ are — rename it to topics.yaml",
}


def _add_stray_files(project: Path) -> None:
    for name in STRAY:
        (project / name).write_text(PAPER, "utf-8")
    for ignored in ("content/papers/.new-paper.yaml.swp", "content/README.md",
                    "content/listings/daily-2025-01-02.json"):  # a stored API answer is read
        (project / ignored).write_text("not content", "utf-8")


def test_files_that_are_never_read_are_named_with_the_fix(project: Path) -> None:
    _add_stray_files(project)
    result = run_paperwiki(project, "check")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if ": warning: " in line]
    assert warnings == sorted(STRAY.values(), key=lambda line: (
        not line.startswith("content/papers"), not line.startswith("content/listings"), line))
    assert "OK: 3 papers, 4 topics, 2 listings checked in" in result.output
    assert f"; {len(STRAY)} warning(s) above" in result.output


def test_strict_check_fails_on_files_that_are_never_read(project: Path) -> None:
    _add_stray_files(project)
    before = tree_state(project)
    result = run_paperwiki(project, "check", "--strict")
    assert result.exit_code == 1, result.output
    assert set(STRAY.values()) <= set(result.output.splitlines())
    assert f"{len(STRAY)} problem(s) found; nothing was written." in result.output
    assert tree_state(project) == before


def test_the_build_shows_the_warnings_and_goes_on(project: Path) -> None:
    _add_stray_files(project)
    report = generate(ContentPaths(project / "content"), project / "docs")
    assert {str(warning) for warning in report.site.warnings} == set(STRAY.values())


# --- papers no topic rule matches ------------------------------------------------------------

BIRDS = "title: Hearing Aids for Birds\nabstract: We fit small hearing aids to songbirds.\n"
UNSORTED_WARNING = ("content/papers/hearing-aids-for-birds.yaml: warning: no topic rule matches "
                    "the paper: it is listed under 'Unsorted' — add `add_topics: [<topic id>]`, "
                    "or a rule in content/topics.yaml that matches it")


def _add_birds(project: Path) -> None:
    (_papers(project) / "hearing-aids-for-birds.yaml").write_text(BIRDS, "utf-8")


def test_a_paper_no_rule_matches_is_shown_under_unsorted(project: Path) -> None:
    _add_birds(project)
    docs = project / "docs"
    report = generate(ContentPaths(project / "content"), docs)
    assert report.site.papers["hearing-aids-for-birds"].topics == ("unsorted",)
    assert list(report.site.topics)[-1] == "unsorted"
    assert "Hearing Aids for Birds" in (docs / "topics" / "unsorted.md").read_text("utf-8")
    assert [str(warning) for warning in report.site.warnings] == [UNSORTED_WARNING]


def test_check_warns_of_it_and_strict_check_fails(project: Path) -> None:
    _add_birds(project)
    result = run_paperwiki(project, "check")
    assert result.exit_code == 0, result.output
    assert UNSORTED_WARNING in result.output.splitlines()
    strict = run_paperwiki(project, "check", "--strict")
    assert strict.exit_code == 1, strict.output
    assert UNSORTED_WARNING in strict.output.splitlines()


def test_without_unsorted_papers_there_is_no_unsorted_topic(project: Path) -> None:
    report = generate(ContentPaths(project / "content"), project / "docs")
    assert "unsorted" not in report.site.topics
    assert not (project / "docs" / "topics" / "unsorted.md").exists()
    assert report.site.warnings == ()


def test_a_chosen_fallback_topic_takes_them_without_a_warning(project: Path) -> None:
    _add_birds(project)
    config = project / "content" / "config.yaml"
    config.write_text(config.read_text("utf-8") + "fallback_topic: model-compression\n", "utf-8")
    report = generate(ContentPaths(project / "content"), project / "docs")
    assert report.site.papers["hearing-aids-for-birds"].topics == ("model-compression",)
    assert "unsorted" not in report.site.topics
    assert report.site.warnings == ()


def test_a_curated_unsorted_topic_is_used_as_written(project: Path) -> None:
    _add_birds(project)
    topics = project / "content" / "topics.yaml"
    topics.write_text(topics.read_text("utf-8") + "  - id: unsorted\n    name: To be sorted\n"
                      "    description: Waiting for a topic.\n", "utf-8")
    report = generate(ContentPaths(project / "content"), project / "docs")
    assert report.site.topics["unsorted"].topic.name == "To be sorted"
    assert "listed under 'To be sorted'" in str(report.site.warnings[0])
