"""The statistics page: its counts, its SVG charts, and how they survive Markdown.

Charts are checked as XML (every one must parse, or the browser shows broken markup), against
counts taken straight from the Site, and through Python-Markdown with the site's extensions.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Collection
from datetime import date

import markdown
import pytest

from generator.charts import Series, _wrap, line_or_column_chart, shared_papers
from generator.citekeys import citation_keys
from generator.listing import Organization
from generator.model import PaperEntry, Site, TopicEntry, build_site
from generator.records import CurationSettings, Link, Paper, Topic
from generator.stats import (STATS_PAGE, month_span, papers_per_month, render_stats,
                             top_organisations, year_labels)
from generator.store import ContentPaths, load_content
from tests.project import REPO, front_matter_of

SVG = "{http://www.w3.org/2000/svg}"
EXTENSIONS = ["attr_list", "md_in_html", "tables"]


@pytest.fixture(scope="module")
def shipped() -> Site:
    return build_site(load_content(ContentPaths(REPO / "content")))


@pytest.fixture(scope="module")
def page(shipped: Site) -> str:
    return render_stats(shipped)[STATS_PAGE]


def make_site(topics: dict[str, str], papers: list[tuple[str, date | None, tuple[str, ...]]],
              code: Collection[str] = (), organisations: dict[str, str] | None = None) -> Site:
    """A Site built by hand: topic id -> name, and (paper id, published, topic ids)."""
    organisations = organisations or {}
    entries = {}
    for pid, published, topic_ids in papers:
        org = Organization(handle=pid, name=organisations[pid]) if pid in organisations else None
        links = (Link(f"https://example.org/{pid}", "code"),) if pid in code else ()
        paper = Paper(id=pid, title=pid, abstract="", source=f"content/papers/{pid}.yaml",
                      published=published, organization=org)
        entries[pid] = PaperEntry(paper, topic_ids, links, ())
    topic_entries = {tid: TopicEntry(Topic(tid, name, "About it.", "content/topics.yaml", 1),
                                     tuple(p for p, _, t in papers if tid in t), (), ())
                     for tid, name in topics.items()}
    return Site(papers=entries, topics=topic_entries, listings={}, redirects={},
                settings=CurationSettings(), citation_keys=citation_keys(e.paper for e in entries.values()))


def svgs(text: str) -> dict[str, ET.Element]:
    """Every chart on the page, parsed, by its id."""
    charts = [ET.fromstring(block) for block in re.findall(r"<svg\b.*?</svg>", text, re.S)]
    return {chart.get("id"): chart for chart in charts}


def test_every_chart_is_named_described_and_parses(page: str) -> None:
    charts = svgs(page)
    # The shipped papers name three organisations, one paper each: a sentence, not a chart.
    drawn = {"pw-months", "pw-topic-months", "pw-topics", "pw-code", "pw-topic-map"}
    # Each drawn twice: wide, and narrow for phones.
    assert set(charts) == drawn | {f"{chart}-narrow" for chart in drawn}
    assert all(charts[f"{chart}-narrow"].get("class") == "pw-chart__narrow" for chart in drawn)
    assert "3 of the papers name the organisation that posted them: too few for a chart" in page
    for chart_id, chart in charts.items():
        assert chart.get("role") in ("img", "group")
        title = chart.find(f"{SVG}title")
        desc = chart.find(f"{SVG}desc")
        assert chart.get("aria-labelledby") == title.get("id") == f"{chart_id}-title"
        assert chart.get("aria-describedby") == desc.get("id") == f"{chart_id}-desc"
        assert title.text and desc.text
    assert charts["pw-topic-map"].get("role") == "group"  # it holds links; img would hide them


def test_charts_have_no_blank_lines_or_indentation(page: str) -> None:
    """Either would end Markdown's raw HTML block and turn the rest of the SVG into text."""
    for block in re.findall(r"<svg\b.*?</svg>", page, re.S):
        assert all(line and not line[0].isspace() for line in block.splitlines())


def test_one_bar_per_topic(shipped: Site, page: str) -> None:
    bars = svgs(page)["pw-topics"].findall(f".//{SVG}rect")
    assert len(bars) == len(shipped.topics)


def test_months_add_up_to_the_dated_papers(shipped: Site, page: str) -> None:
    dated = sum(1 for entry in shipped.papers.values() if entry.paper.published)
    assert sum(papers_per_month(shipped, month_span(shipped))) == dated
    tooltips = [rect.find(f"{SVG}title").text
                for rect in svgs(page)["pw-months"].iter(f"{SVG}rect")]
    assert sum(int(text.split(": ")[1]) for text in tooltips) == dated


def test_months_run_without_gaps_and_leave_undated_papers_out() -> None:
    site = make_site({"t": "T"}, [("a", date(2023, 11, 5), ("t",)), ("b", None, ("t",)),
                                  ("c", date(2024, 2, 1), ("t",))])
    months = month_span(site)
    assert months == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert papers_per_month(site, months) == (1, 0, 0, 1)
    assert "1 undated papers are not counted" in render_stats(site)[STATS_PAGE]


def test_year_labels_stay_apart() -> None:
    long_span = [f"{year}-{month:02d}" for year in range(2017, 2026) for month in range(1, 13)]
    assert year_labels(long_span) == {12 * i: str(2017 + i) for i in range(9)}
    assert year_labels(long_span[10:]) == {12 * i - 10: str(2017 + i) for i in range(1, 9)}
    assert year_labels(["2024-05", "2024-06", "2024-07"]) == {0: "2024-05", 1: "2024-06",
                                                              2: "2024-07"}


def test_every_topic_links_to_its_page(shipped: Site, page: str) -> None:
    nodes = {a.get("href"): a for a in svgs(page)["pw-topic-map"].iter(f"{SVG}a")}
    assert set(nodes) == {f"../topics/{tid}/" for tid in shipped.topics}
    for tid, entry in shipped.topics.items():
        node = nodes[f"../topics/{tid}/"]
        assert node.find(f"{SVG}circle") is not None
        assert node.find(f"{SVG}title").text.startswith(entry.topic.name)


def test_topic_map_edges_follow_shared_papers(shipped: Site, page: str) -> None:
    shared = shared_papers(shipped)
    edges = svgs(page)["pw-topic-map"].findall(f".//{SVG}path")
    assert len(edges) == len(shared)
    widths = [float(edge.get("stroke-width")) for edge in edges]
    assert widths == sorted(widths)  # weakest first: the strongest are drawn on top
    assert max(widths) > 4 * min(widths)


def test_coordinates_are_rounded(page: str) -> None:
    numbers = re.findall(r'(?<![\w-])(?:x|y|cx|cy|r|width|height)="(-?[\d.]+)"', page)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d)?", number) for number in numbers)


def test_output_is_byte_identical_across_runs_and_processes(shipped: Site, page: str) -> None:
    assert render_stats(shipped)[STATS_PAGE] == page
    script = ("import hashlib; from generator.model import build_site; "
              "from generator.stats import render_stats; "
              "from generator.store import ContentPaths, load_content; from pathlib import Path; "
              f"site = build_site(load_content(ContentPaths(Path({str(REPO / 'content')!r})))); "
              "print(hashlib.sha256(render_stats(site)['stats.md'].encode()).hexdigest())")
    expected = hashlib.sha256(page.encode()).hexdigest()
    for seed in ("1", "2"):  # set and dict orders must not leak into the bytes
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        assert result.stdout.strip() == expected


def test_curated_and_scraped_text_is_escaped() -> None:
    site = make_site({"x": "<script>alert(1)</script> & co", "y": 'Quotes " and \' here'},
                     [("a", date(2024, 1, 1), ("x", "y"))],
                     organisations={"a": '<img src=x onerror="alert(1)">'})
    text = render_stats(site)[STATS_PAGE]
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    charts = svgs(text)
    assert len(charts) == 2 * 5  # wide and narrow; not the organisations: one paper names one
    names = [a.find(f"{SVG}title").text for a in charts["pw-topic-map"].iter(f"{SVG}a")]
    assert "<script>alert(1)</script> & co: 1 paper" in names  # the reader sees it as typed


def test_page_survives_python_markdown(page: str) -> None:
    body = page.split("---\n", 2)[2]
    html = markdown.markdown(body, extensions=EXTENSIONS)
    before = re.findall(r"<svg\b.*?</svg>", page, re.S)
    after = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert after == before
    assert "<p><svg" not in html and '<div class="pw-chart">\n<svg' in html


def test_front_matter_names_the_page_and_no_source(page: str) -> None:
    """Statistics are computed from every file: no one file is there to edit."""
    meta = front_matter_of(page)
    assert meta["title"] == "Statistics"
    assert "source" not in meta
    assert "\n# Statistics\n" in page


def test_code_share_overall_and_per_topic() -> None:
    site = make_site({"t": "T", "u": "U"}, [("a", date(2024, 1, 1), ("t",)),
                                            ("b", date(2024, 2, 1), ("t", "u"))], code={"b"})
    texts = [t.text for t in svgs(render_stats(site)[STATS_PAGE])["pw-code"].iter(f"{SVG}text")]
    assert texts == ["All papers", "T", "U", "50% · 1 of 2", "50% · 1 of 2", "100% · 1 of 1"]


def test_organisations_rank_by_papers_then_name() -> None:
    site = make_site({"t": "T"}, [(p, None, ("t",)) for p in "abcd"],
                     organisations={"a": "Zeta", "b": "Zeta", "c": "Beta", "d": "Alpha"})
    assert top_organisations(site, 10) == [("Zeta", 2), ("Alpha", 1), ("Beta", 1)]


@pytest.mark.parametrize("names, drawn", [
    ({"a": "Zeta", "b": "Zeta", "c": "Beta", "d": "Alpha"}, True),   # three bars, one of 2
    ({"a": "Zeta", "c": "Beta", "d": "Alpha"}, False),               # three bars of 1
    ({"a": "Zeta", "b": "Zeta", "c": "Beta"}, False),                # two bars
])
def test_organisations_chart_only_with_enough_to_draw(names: dict[str, str], drawn: bool) -> None:
    site = make_site({}, [(pid, date(2024, 1, 1), ()) for pid in "abcd"], organisations=names)
    text = render_stats(site)[STATS_PAGE]
    assert ("pw-organisations" in svgs(text)) is drawn
    assert drawn or f"{len(names)} of the papers name the organisation" in text


def test_an_empty_wiki_still_renders() -> None:
    text = render_stats(make_site({}, []))[STATS_PAGE]
    assert "No paper has a publication date yet." in text
    assert "No paper names an organisation yet." in text
    assert svgs(text) == {}


def test_line_charts_draw_one_line_per_panel() -> None:
    chart = ET.fromstring(line_or_column_chart(
        "c", "Title", "Description", ["2024-01", "2024-02"],
        [Series("A", (1, 2)), Series("B", (0, 3))], kind="line"))
    assert len(chart.findall(f".//{SVG}polyline")) == 2
    assert not chart.findall(f".//{SVG}rect")


def test_labels_wrap_after_hyphens_onto_two_lines() -> None:
    assert _wrap("Continual and domain-adaptive pre-training", 22) == [
        "Continual and domain-", "adaptive pre-training"]
    long = _wrap("An extraordinarily long topic name that goes on and on and on", 22)
    assert len(long) == 2 and all(len(line) <= 22 for line in long) and long[1].endswith("…")
