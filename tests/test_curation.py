"""What a curator can do by editing YAML, each tried on a copy of the shipped wiki."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.generate import generate
from generator.store import ContentPaths
from tests.sitemap import primary_nav
from tests.project import REPO, build_project, copy_project, front_matter_of

MLP = "scaling-mlps-a-tale-of-inductive-bias"
BCODER = "b-coder-value-based-deep-reinforcement-learning-for-program-synthesis"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(REPO / "content", target)
    return target


def edit(content: Path, paper_id: str, *lines: str) -> None:
    path = content / "papers" / f"{paper_id}.yaml"
    path.write_text(path.read_text("utf-8") + "\n".join(lines) + "\n", "utf-8")


def generated(content: Path, tmp_path: Path) -> dict[str, str]:
    docs = tmp_path / "docs"
    generate(ContentPaths(content), docs)
    return {p.relative_to(docs).as_posix(): p.read_text("utf-8")
            for p in docs.rglob("*.md")}


def test_corrected_title_summary_and_note_show_on_the_page(content: Path, tmp_path: Path) -> None:
    path = content / "papers" / f"{MLP}.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "title: 'Scaling MLPs: A Tale of Inductive Bias'", "title: 'Scaling MLPs: a tale of bias'"))
    edit(content, MLP, "summary: Big MLPs close the gap.", "note: |", "  Read with **care**.",
         "  <b>not html</b>")
    page = generated(content, tmp_path)[f"papers/{MLP}.md"]
    assert ">Scaling MLPs&#58; a tale of bias</h1>" in page or ">Scaling MLPs: a tale of bias</h1>" in page
    assert "Big MLPs close the gap." in page
    assert "Read with <strong>care</strong>." in page and "&lt;b&gt;not html&lt;/b&gt;" in page


def test_topics_can_be_added_and_removed_by_hand(content: Path, tmp_path: Path) -> None:
    edit(content, BCODER, "add_topics: [knowledge-distillation]", "remove_topics: [code]")
    files = generated(content, tmp_path)
    page = files[f"papers/{BCODER}.md"]
    assert "../../topics/knowledge-distillation/" in page and "../../topics/code/" not in page
    assert f"../../papers/{BCODER}/" in files["topics/knowledge-distillation.md"]
    assert f"../../papers/{BCODER}/" not in files["topics/code.md"]


def test_hidden_paper_has_no_page_and_is_listed_nowhere(content: Path, tmp_path: Path) -> None:
    edit(content, MLP, "hidden: true")
    files = generated(content, tmp_path)
    assert f"papers/{MLP}.md" not in files
    assert not any(f"{MLP}.md" in text or f"{MLP}/" in text for text in files.values())
    assert (content / "papers" / f"{MLP}.yaml").exists()


def test_featured_paper_is_on_the_home_page_and_its_topics(content: Path, tmp_path: Path) -> None:
    edit(content, BCODER, "featured: true")
    files = generated(content, tmp_path)
    home_featured = files["index.md"].split("## Featured")[1].split("##")[0]
    assert f"papers/{BCODER}/" in home_featured
    topic_featured = files["topics/code.md"].split("## Featured")[1].split("##")[0]
    assert f"../../papers/{BCODER}/" in topic_featured


def test_paper_added_by_hand_gets_a_page(content: Path, tmp_path: Path) -> None:
    (content / "papers" / "attention-is-all-you-need.yaml").write_text(
        "title: Attention Is All You Need\nabstract: Transformers replace recurrence.\n"
        "published: 2017-06-12\nauthors: 8\nadd_topics: [architectures]\n", "utf-8")
    files = generated(content, tmp_path)
    assert ">Attention Is All You Need</h1>" in files["papers/attention-is-all-you-need.md"]
    assert "papers/attention-is-all-you-need/" in files["topics/architectures.md"]


def test_duplicate_records_merge_into_one_page(content: Path, tmp_path: Path) -> None:
    (content / "papers" / "scaling-mlp-a-tale-of-inductive-bias.yaml").write_text(
        "title: 'Scaling MLP: A Tale of Inductive Bias'\nabstract: A typo'd copy.\n"
        f"listings: [knowledge-distillation]\nsame_as: {MLP}\n", "utf-8")
    files = generated(content, tmp_path)
    moved = front_matter_of(files["papers/scaling-mlp-a-tale-of-inductive-bias.md"])
    assert moved["redirect"] == f"papers/{MLP}/" and moved["template"] == "redirect.html"
    kept = files[f"papers/{MLP}.md"]
    assert "../../listings/knowledge-distillation/" in kept and "../../listings/pretraining/" in kept
    assert f"../../papers/{MLP}/" in files["listings/knowledge-distillation.md"]


def test_renamed_paper_keeps_its_old_address(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    papers = project / "content" / "papers"
    old = papers / f"{MLP}.yaml"
    (papers / "scaling-mlps.yaml").write_text(old.read_text("utf-8") + f"aliases: [{MLP}]\n")
    old.unlink()
    site = build_project(project)
    assert "Scaling MLPs" in (site / "papers" / "scaling-mlps" / "index.html").read_text("utf-8")
    redirect = (site / "papers" / MLP / "index.html").read_text("utf-8")
    assert 'http-equiv="refresh" content="0; url=../scaling-mlps/"' in redirect


def test_topic_hierarchy_and_edit_links_in_the_built_site(shipped_site: Path) -> None:
    nav = primary_nav(shipped_site / "index.html")
    pre = nav.index("topics/pretraining/")
    assert pre < nav.index("topics/continual-pretraining/") < nav.index("topics/model-compression/")
    paper = (shipped_site / "papers" / BCODER / "index.html").read_text("utf-8")
    assert f"/edit/main/content/papers/{BCODER}.yaml" in paper
    topic = (shipped_site / "topics" / "code" / "index.html").read_text("utf-8")
    assert "/edit/main/content/topics.yaml" in topic


@pytest.mark.parametrize("page, source", [
    ("index.html", None), ("papers/index.html", None), ("topics/index.html", None),
    ("listings/index.html", None), ("stats/index.html", None),
    ("curation/index.html", "content/pages/curation.md"),
    ("listings/knowledge-distillation/index.html", "content/listings/knowledge-distillation.yaml"),
])
def test_edit_links_only_where_a_source_file_exists(shipped_site: Path, page: str,
                                                    source: str | None) -> None:
    import re

    edits = re.findall(r'href="https://github\.com/paperwiki/paperwiki/edit/main/([^"]+)"',
                       (shipped_site / page).read_text("utf-8"))
    assert edits == ([source] if source else [])
    assert all((REPO / path).is_file() for path in edits)


def test_a_paper_without_a_date_says_nothing_of_it(content: Path, tmp_path: Path) -> None:
    """Not "Published (date unknown)": the facts known, and a date only when there is one."""
    page = generated(content, tmp_path)[f"papers/{MLP}.md"]
    assert 'Published <time>2023-06-23</time>' in page
    path = content / "papers" / f"{MLP}.yaml"
    path.write_text(path.read_text("utf-8").replace("published: 2023-06-23\n", ""), "utf-8")
    page = generated(content, tmp_path / "again")[f"papers/{MLP}.md"]
    meta = next(line for line in page.splitlines() if 'class="pw-meta"' in line)
    assert "Published" not in meta and "unknown" not in meta and not meta.startswith(
        '<p class="pw-meta"> ·')
