"""papers.json and topics.json: complete, in the documented shape, identical across runs."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from generator.citations import render_bibliography
from generator.export import render_exports
from generator.feeds import render_feeds
from generator.model import Site
from tests.project import REPO, shipped_model

SITE_URL = "https://paperwiki.github.io/paperwiki/"
BCODER = "b-coder-value-based-deep-reinforcement-learning-for-program-synthesis"
DAMO = "damo-data-mixing-optimizer-in-fine-tuning-multimodal-llms-for-mobile-phone"
PAPER_FIELDS = ["id", "url", "title", "title_text", "abstract", "published", "upvotes", "authors",
                "organization", "topics", "listings", "links", "related", "summary", "bibtex_key",
                "author_names", "arxiv", "code", "code_stars", "project_page", "keywords"]
TOPIC_FIELDS = ["id", "url", "name", "description", "parent", "children", "papers",
                "paper_count"]
DATA_PAGE = REPO / "content" / "pages" / "data.md"


@pytest.fixture(scope="module")
def files(site_model: Site) -> dict[str, str]:
    return {name: data.decode("utf-8") for name, data in render_exports(site_model, SITE_URL).items()}


@pytest.fixture(scope="module")
def papers(files: dict[str, str]) -> list[dict[str, Any]]:
    data = json.loads(files["papers.json"])
    assert list(data) == ["version", "generated_from", "papers"]
    assert data["version"] == 1 and data["generated_from"] == "PaperWiki"
    return data["papers"]


@pytest.fixture(scope="module")
def topics(files: dict[str, str]) -> list[dict[str, Any]]:
    data = json.loads(files["topics.json"])
    assert list(data) == ["version", "generated_from", "topics"]
    return data["topics"]


def test_every_paper_in_site_order_with_the_documented_fields(site_model: Site,
                                                              papers: list[dict[str, Any]]) -> None:
    assert [p["id"] for p in papers] == list(site_model.papers)
    assert all(list(p) == PAPER_FIELDS for p in papers)
    assert all(p["url"] == f"{SITE_URL}papers/{p['id']}/" for p in papers)


def test_paper_values_match_the_model(site_model: Site, papers: list[dict[str, Any]]) -> None:
    keys = site_model.citation_keys
    for record in papers:
        entry = site_model.papers[record["id"]]
        assert record["topics"] == list(entry.topics)
        assert record["related"] == [{"id": r.paper_id, "terms": list(r.terms)}
                                     for r in entry.related]
        assert record["links"] == [{"url": link.url, "kind": link.kind} for link in entry.links]
        assert record["bibtex_key"] == keys[record["id"]]
        published = entry.paper.published
        assert record["published"] == (published.isoformat() if published else None)
    assert sum(p["published"] is None for p in papers) == 5


def test_titles_come_raw_and_as_plain_text(papers: list[dict[str, Any]]) -> None:
    by_id = {p["id"]: p for p in papers}
    assert by_id[BCODER]["title"].startswith("$\\mathcal{B}$-Coder")
    assert by_id[BCODER]["title_text"].startswith("ℬ-Coder")
    assert by_id[DAMO]["organization"] == {"handle": "OPPOer", "name": "OPPO"}
    assert by_id[DAMO]["authors"] is None
    assert by_id[BCODER]["organization"] is None and by_id[BCODER]["authors"] == 5


def test_topics_in_curated_order_with_their_papers(site_model: Site,
                                                   topics: list[dict[str, Any]]) -> None:
    assert [t["id"] for t in topics] == list(site_model.topics)
    assert all(list(t) == TOPIC_FIELDS for t in topics)
    by_id = {t["id"]: t for t in topics}
    for topic in topics:
        assert topic["papers"] == list(site_model.topics[topic["id"]].papers)
        assert topic["paper_count"] == len(topic["papers"])
        assert topic["url"] == f"{SITE_URL}topics/{topic['id']}/"
        assert all(by_id[child]["parent"] == topic["id"] for child in topic["children"])


def test_exports_are_byte_identical_across_runs(files: dict[str, str]) -> None:
    assert {name: data.decode("utf-8")
            for name, data in render_exports(shipped_model(), SITE_URL).items()} == files


def test_unicode_is_written_as_is(files: dict[str, str]) -> None:
    assert "ℬ-Coder" in files["papers.json"] and "\\u212c" not in files["papers.json"]



def test_one_record_per_line(files: dict[str, str], site_model: Site) -> None:
    lines = files["papers.json"].splitlines()
    assert lines[0] == '{"version": 1, "generated_from": "PaperWiki", "papers": ['
    assert lines[-1] == "]}" and len(lines) == len(site_model.papers) + 2
    assert all(line.startswith('{"id": ') for line in lines[1:-1])


def documented_fields(section: str) -> list[str]:
    """Field names in the first column of the table after the line naming ``section``."""
    text = DATA_PAGE.read_text("utf-8")
    table = text[text.index(section):].split("\n\n")[1]
    return re.findall(r"^\| `([a-z_]+)` \|", table, re.M)


def test_data_page_documents_exactly_the_exported_fields() -> None:
    assert documented_fields("Fields of each paper:") == PAPER_FIELDS
    assert documented_fields("Fields of each topic:") == TOPIC_FIELDS


def test_data_page_links_only_to_files_the_generator_writes(site_model: Site) -> None:
    """MkDocs' strict build fails on a link to a missing file; links to pages it checks itself."""
    written = {**render_exports(site_model, SITE_URL), **render_feeds(site_model, SITE_URL),
               **render_bibliography(site_model, SITE_URL)}
    targets = re.findall(r"\]\(([^)#]+)\)", DATA_PAGE.read_text("utf-8"))
    files = [t for t in targets if not t.endswith(".md")]
    assert {"papers.json", "topics.json", "papers.bib", "feeds/all.xml"} <= set(files)
    assert all(target in written for target in files)
