"""No file of the wiki replaces another: ids cannot take the wiki's own pages (see also the
`*-index` cases in bad_inputs/), and the generator refuses to write one address twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.citations import render_bibliography
from generator.errors import ContentError
from generator.export import render_exports
from generator.feeds import render_feeds
from generator.generate import generate
from generator.model import Site
from generator.outputs import (FIXED, NAV_FILE, SEARCH, SECTIONS, address, clashes, item_outputs,
                               reserved_ids)
from generator.render import render_site
from generator.search import search_page
from generator.stats import render_stats
from generator.nav import nav_file, site_navigation
from generator.store import ContentPaths
from tests.project import write_base_project


def _every_output(site: Site) -> dict[str, str | bytes]:
    return {**render_site(site), **render_stats(site), **render_exports(site, ""),
            **render_bibliography(site, ""), **render_feeds(site, "https://wiki.example/"),
            **search_page(), NAV_FILE: nav_file(site_navigation(site, {}))}


def test_every_generated_file_is_a_fixed_one_or_belongs_to_an_item(site_model: Site) -> None:
    """The reserved ids are derived from FIXED, so a file written from anywhere else would be
    a page that ids could silently replace."""
    ids = {"paper": [*site_model.papers, *site_model.redirects], "topic": list(site_model.topics),
           "listing": list(site_model.listings)}
    per_item = {path for kind, item_ids in ids.items() for item_id in item_ids
                for path in item_outputs(kind, item_id)}
    outputs = set(_every_output(site_model))
    assert outputs - set(FIXED) - per_item == set()
    assert set(FIXED) <= outputs


def test_every_overview_page_is_reserved() -> None:
    assert {kind: reserved_ids(kind) for kind in SECTIONS} == {
        "paper": ("index",), "topic": ("index",), "listing": ("index",)}


@pytest.mark.parametrize(("path", "served_at"), [
    ("index.md", ""), ("papers/index.md", "papers/"), ("stats.md", "stats/"),
    ("stats/index.md", "stats/"), ("papers/facets.json", "papers/facets.json")])
def test_address_is_where_mkdocs_serves_a_file(path: str, served_at: str) -> None:
    assert address(path) == served_at


def test_two_files_at_one_address_clash() -> None:
    files = [("stats.md", "generated"), ("papers/a.md", "generated"), ("stats/index.md", "mine"),
             ("papers/a.md", "generated")]
    assert clashes(files) == [("stats/index.md", "generated", "mine"),
                              ("papers/a.md", "generated", "generated")]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_base_project(tmp_path / "wiki")
    return tmp_path / "wiki"


def _generate_with_pages(project: Path, pages: dict[str, str], **options: object) -> ContentError:
    for name, text in pages.items():
        path = project / "content" / "pages" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    docs = project / "docs"
    with pytest.raises(ContentError) as raised:
        generate(ContentPaths(project / "content"), docs, **options)
    assert not list(docs.rglob("*.md")), "nothing may be written when two files clash"
    return raised.value


@pytest.mark.parametrize("name", ["stats.md", "stats/index.md", "papers/index.md", "index.md"])
def test_hand_written_page_never_replaces_a_generated_one(project: Path, name: str) -> None:
    error = _generate_with_pages(project, {name: "# Mine\n"})
    assert [str(p) for p in error.problems] == [
        f"content/pages/{name}: docs/{name} would replace a generated page at the same address "
        "— rename the hand-written page"]


def test_hand_written_page_never_replaces_the_search_page(project: Path) -> None:
    error = _generate_with_pages(project, {SEARCH: "# Mine\n"}, extra_files=search_page())
    assert [str(p) for p in error.problems] == [
        f"content/pages/{SEARCH}: docs/{SEARCH} would replace the page mkdocs.yml adds "
        f"({SEARCH}) at the same address — rename the hand-written page"]


def test_build_refuses_a_paper_named_like_an_overview(project: Path) -> None:
    paper = project / "content" / "papers" / "index.yaml"
    paper.write_text("title: Pre-training, indexed\nabstract: A list.\n", "utf-8")
    with pytest.raises(ContentError, match="paper id 'index' would replace"):
        generate(ContentPaths(project / "content"), project / "docs")
    assert not (project / "docs" / "papers").exists()
