"""The shipped wiki, built end to end: every page there, every link resolving, both ways."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from generator.generate import generate
from generator.store import ContentPaths
from tests.project import REPO
from tests.sitemap import base_path, is_internal, links_of, paper_pages, primary_nav, resolve

BCODER = "b-coder-value-based-deep-reinforcement-learning-for-program-synthesis"


def test_every_distinct_paper_has_a_page(shipped_site: Path, site_model) -> None:
    assert sorted(paper_pages(shipped_site)) == sorted(site_model.papers)


def test_every_internal_link_resolves(shipped_project: Path, shipped_site: Path) -> None:
    base = base_path(shipped_project)
    broken = []
    for page in shipped_site.rglob("*.html"):
        for link in filter(is_internal, links_of(page)):
            if not resolve(shipped_site, page, link, base).is_file():
                broken.append(f"{page.relative_to(shipped_site)} -> {link}")
    assert broken == []


def _linked_pages(site: Path, page: Path, section: str) -> set[Path]:
    return {resolve(site, page, link) for link in links_of(page, content_only=True)
            if is_internal(link) and f"/{section}/" in "/" + link.lstrip("./")
            and not link.rstrip("/").endswith(section)}


@pytest.mark.parametrize("section", ["topics", "listings"])
def test_papers_and_their_topics_and_listings_link_both_ways(shipped_site: Path,
                                                             section: str) -> None:
    for page in paper_pages(shipped_site).values():
        targets = _linked_pages(shipped_site, page, section)
        assert targets, f"{page} links to no page in {section}/"
        for target in targets:
            assert page in _linked_pages(shipped_site, target, "papers"), (page, target)


def test_paper_pages_stay_out_of_the_navigation(shipped_site: Path) -> None:
    nav = primary_nav(shipped_site / "index.html")
    assert 'href="papers/"' in nav  # the index of papers is there...
    assert not any(f"papers/{pid}/" in nav for pid in paper_pages(shipped_site))  # ...papers not
    assert "topics/" in nav and "listings/" in nav


def test_search_index_holds_titles_and_abstracts(shipped_site: Path) -> None:
    index = json.loads((shipped_site / "search" / "search_index.json").read_text("utf-8"))
    titles = {doc["title"] for doc in index["docs"]}
    assert "Scaling MLPs: A Tale of Inductive Bias" in titles
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "multi-layer perceptron (MLP)" in text


def test_math_in_titles_is_plain_text_in_the_title_tag(shipped_site: Path) -> None:
    page = shipped_site / "papers" / BCODER / "index.html"
    html = page.read_text("utf-8")
    assert "<title>ℬ-Coder: Value-Based Deep Reinforcement Learning for Program Synthesis" in html
    assert '<span class="arithmatex">\\(\\mathcal{B}\\)</span>-Coder' in unescape(html)


def test_generated_markdown_is_byte_identical_across_runs(tmp_path: Path) -> None:
    paths = ContentPaths(REPO / "content")
    first, second = tmp_path / "one", tmp_path / "two"
    generate(paths, first)
    generate(paths, second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) > len(list((REPO / "content" / "papers").glob("*.yaml")))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_regenerating_unchanged_content_rewrites_nothing(tmp_path: Path) -> None:
    paths = ContentPaths(REPO / "content")
    generate(paths, tmp_path)
    assert generate(paths, tmp_path).written == ()


def test_paper_page_metadata_for_sharing_and_search_engines(shipped_site: Path) -> None:
    html = (shipped_site / "papers" / BCODER / "index.html").read_text("utf-8")
    assert '<meta name="description" content="Program synthesis aims to create accurate' in html
    assert '<meta property="og:title" content="ℬ-Coder: Value-Based Deep Reinforcement' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "ScholarlyArticle" and data["datePublished"] == "2023-10-04"
    assert data["headline"].startswith("ℬ-Coder") and "Code and program synthesis" in data["keywords"]


def test_sitemap_lists_every_paper_and_a_custom_404_exists(shipped_site: Path) -> None:
    sitemap = (shipped_site / "sitemap.xml").read_text("utf-8")
    assert all(f"/papers/{pid}/</loc>" in sitemap for pid in paper_pages(shipped_site))
    assert "Page not found" in (shipped_site / "404.html").read_text("utf-8")


def test_every_stylesheet_url_names_a_shipped_file(shipped_site: Path) -> None:
    """Browsers fetch what a stylesheet names; a missing font is a 404 on every math page."""
    missing = []
    for stylesheet in shipped_site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", stylesheet.read_text("utf-8")):
            if url.startswith(("data:", "#")):
                continue
            target = stylesheet.parent / url.split("#")[0].split("?")[0]
            if not target.is_file():
                missing.append(f"{stylesheet.relative_to(shipped_site)}: {url}")
    assert missing == []


def test_sitemap_lastmod_comes_from_the_content(shipped_site: Path, site_model) -> None:
    import xml.etree.ElementTree as ElementTree

    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    lastmod = {url.findtext(f"{namespace}loc"): url.findtext(f"{namespace}lastmod")
               for url in ElementTree.parse(shipped_site / "sitemap.xml").getroot()}
    papers = {loc.rstrip("/").rsplit("/", 1)[1]: day for loc, day in lastmod.items()
              if "/papers/" in loc and not loc.endswith("/papers/")}
    assert papers and all(
        day == (site_model.papers[pid].paper.published.isoformat()
                if site_model.papers[pid].paper.published else None)
        for pid, day in papers.items() if pid in site_model.papers)
    newest = max(entry.paper.published for entry in site_model.papers.values()
                 if entry.paper.published)
    assert lastmod[next(loc for loc in lastmod if loc.endswith("/topics/"))] == newest.isoformat()
    assert all(day is None or day <= newest.isoformat()
               or any(day == view.listing.captured.isoformat()
                      for view in site_model.listings.values()) for day in lastmod.values())


@pytest.mark.parametrize("page", ["index.html", "papers/index.html", f"papers/{BCODER}/index.html"])
def test_footer_names_the_wiki_and_links_its_feeds_data_and_source(shipped_site: Path,
                                                                  page: str) -> None:
    html = (shipped_site / page).read_text("utf-8")
    footer = html[html.index('<div class="md-copyright pw-footer">'):]
    footer = footer[: footer.index("</nav>")]
    assert "PaperWiki" in footer and "Made with" not in html
    links = re.findall(r'href="([^"]+)"', footer)
    assert links[-1] == "https://github.com/paperwiki/paperwiki"
    for link in links[:-1]:
        assert resolve(shipped_site, shipped_site / page, link).is_file(), link
    assert {link.rsplit("/", 1)[-1] for link in links[:-1]} == {
        "all.xml", "papers.bib", "papers.json", "topics.json"}
