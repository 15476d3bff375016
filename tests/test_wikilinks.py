"""A relative link in a curator's note must lead to a page of the wiki: `check` (and so the
build) names the YAML file and the line of the note when it leads nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.project import (
    BASE_PAPERS,
    copy_project,
    run_cli,
    run_paperwiki,
    write_base_project,
)

SCALING = "scaling-laws-for-downstream-task-performance-of-large-language-models"
OTHER = "knowledge-inheritance-for-pre-trained-language-models"
NOTE_LINE = len(BASE_PAPERS[SCALING].splitlines()) + 1
HINT = ("link a paper as `<paper id>.md`, a topic as `../topics/<topic id>.md`, a listing as "
        "`../listings/<listing id>.md`, or write a full https:// address")


def check_with_note(tmp_path: Path, note: str) -> tuple[int, str]:
    project = tmp_path / "wiki"
    content = write_base_project(project)
    paper = content / "papers" / f"{SCALING}.yaml"
    paper.write_text(paper.read_text("utf-8") + note, "utf-8")
    result = run_paperwiki(project, "check")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("link", ["other.md", "../foo", "../topics/no-such-topic.md",
                                  "../../outside.md", "../topics/pretraining", "other/"])
def test_a_link_to_nowhere_is_located_in_the_yaml(tmp_path: Path, link: str) -> None:
    code, output = check_with_note(tmp_path, f"note: 'See [this]({link}).'\n")
    assert code == 1, output
    assert (f"content/papers/{SCALING}.yaml:{NOTE_LINE}: note: the link {link!r} leads to no "
            f"page of the wiki — {HINT}") in output.splitlines()


def test_links_to_pages_of_the_wiki_check(tmp_path: Path) -> None:
    links = [f"{OTHER}.md", f"./{OTHER}.md#abstract", "../topics/pretraining.md",
             "../topics/pretraining/", "../listings/pretraining.md", "index.md", "../",
             "../papers.bib", "../feeds/topics/pretraining.xml", "#top",
             "https://example.org/a.md", "mailto:curator@example.org"]
    note = "note: |\n" + "".join(f"  - [link {n}]({link})\n" for n, link in enumerate(links))
    code, output = check_with_note(tmp_path, note)
    assert code == 0, output


def test_the_build_names_the_yaml_of_a_broken_note_link(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    paper = project / "content" / "papers" / "scaling-mlps-a-tale-of-inductive-bias.yaml"
    text = paper.read_text("utf-8")
    paper.write_text(text + "note: |\n  Compare [the other paper](other.md).\n", "utf-8")
    code, output = run_cli(project, "build")
    assert code == 1, output
    line = len(text.splitlines()) + 1
    assert (f"content/papers/scaling-mlps-a-tale-of-inductive-bias.yaml:{line}: note: the link "
            f"'other.md' leads to no page of the wiki") in output
    assert "papers/scaling-mlps-a-tale-of-inductive-bias.md" not in output
