"""Warm builds: pages taken from the page cache make the same site, byte for byte, as a cold
build, whatever was edited; a damaged or foreign cache is never trusted."""

from __future__ import annotations

import gzip
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.mkdocs.pagecache import CACHE_DIR, PageCache, link_targets
from generator.mkdocs.warm import _title_lines, _untitled
from tests.project import REPO, copy_project, run_build, run_paperwiki, tree_files

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # the sitemap's gzip header
SMALL = 15  # papers of the small wiki: the shipped one's first, with its topics and pages

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="builds fork page workers only on Linux")


def small_project(root: Path) -> Path:
    """The shipped wiki with only its first papers: the same templates, topics and pages,
    built in a few seconds."""
    project = copy_project(root)
    for paper in sorted((project / "content" / "papers").glob("*.yaml"))[SMALL:]:
        paper.unlink()
    return project


def build(project: Path, *args: str) -> str:
    code, output = run_build(project, args=args, **EPOCH)
    assert code == 0, output
    return output


def cache_counts(output: str) -> tuple[int, int]:
    """(pages rendered, pages from the cache) as the build reported them."""
    found = re.search(r"page cache: (\d+) pages rendered, (\d+) from the cache", output)
    assert found, output
    return int(found[1]), int(found[2])


def assert_warm_equals_cold(project: Path, label: str, cold_built: bool = False,
                            ) -> tuple[int, int]:
    """Build warm into site/ and cold (no cache) into cold/, unless ``cold_built``; the trees
    must be identical."""
    warm_log = build(project)
    if not cold_built:
        build(project, "--no-cache", "--site-dir", str(project / "cold"))
    warm, cold = tree_files(project / "site"), tree_files(project / "cold")
    assert sorted(warm) == sorted(cold), label
    assert [name for name in warm if warm[name] != cold[name]] == [], label
    return cache_counts(warm_log)


def paper(project: Path, index: int) -> Path:
    return sorted((project / "content" / "papers").glob("*.yaml"))[index]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def edit_paper(project: Path) -> None:
    target = paper(project, 3)
    edit(target, "\nabstract: ", "\nnote: A curator's note, added for the warm build.\nabstract: ")


def add_paper(project: Path) -> None:
    extra = sorted((REPO / "content" / "papers").glob("*.yaml"))[SMALL]
    shutil.copy(extra, project / "content" / "papers" / extra.name)


def hide_paper(project: Path) -> None:
    target = paper(project, 5)
    target.write_text(target.read_text("utf-8") + "hidden: true\n", "utf-8")


def merge_paper(project: Path) -> None:
    target, kept = paper(project, 7), paper(project, 8)
    target.write_text(target.read_text("utf-8") + f"same_as: {kept.stem}\n", "utf-8")


def delete_paper(project: Path) -> None:
    paper(project, 10).unlink()


def edit_topic(project: Path) -> None:
    topics = project / "content" / "topics.yaml"
    name = re.search(r"^\s+name: (.+)$", topics.read_text("utf-8"), re.MULTILINE)
    assert name, "topics.yaml names no topic"
    edit(topics, f"name: {name[1]}", f"name: {name[1]} (renamed)")


def edit_template(project: Path) -> None:
    main = project / "overrides" / "main.html"
    main.write_text(main.read_text("utf-8") + "\n{# edited for the warm build #}\n<!-- x -->\n",
                    "utf-8")


def edit_settings(project: Path) -> None:
    edit(project / "mkdocs.yml", "site_name: PaperWiki", "site_name: PaperWiki of warm builds")


EDITS: list[tuple[str, Callable[[Path], None], bool]] = [
    # (what, how, whether most pages still come from the cache: on this small wiki a new
    # paper changes the related papers of many)
    ("edit a paper", edit_paper, True),
    ("add a paper", add_paper, True),
    ("hide a paper", hide_paper, True),
    ("merge a paper", merge_paper, True),
    ("delete a paper", delete_paper, True),
    ("edit a topic", edit_topic, False),  # its name is in the navigation of every page
    ("edit a template", edit_template, False),
    ("edit mkdocs.yml", edit_settings, False),
]


@linux_only
def test_after_every_kind_of_edit_a_warm_build_is_the_cold_build(tmp_path: Path) -> None:
    """One project through every edit in turn (a build is seconds even for a small wiki).
    An edit every page shows renders every page: then the warm build is a cold one."""
    project = small_project(tmp_path)
    rendered, cached = cache_counts(build(project))
    assert cached == 0 and rendered > SMALL
    shutil.copytree(project / "site", project / "cold")
    assert assert_warm_equals_cold(project, "no edit", cold_built=True) == (0, rendered)

    for label, apply, mostly_cached in EDITS:
        apply(project)
        if mostly_cached:
            rendered, cached = assert_warm_equals_cold(project, label)
            assert 0 < rendered < cached, (label, rendered, cached)
        else:
            assert cache_counts(build(project))[1] == 0, label

    entries = sorted((project / CACHE_DIR / "pages").glob("*/*"))
    truncated, foreign, source = entries[0], entries[1], entries[2]
    truncated.write_bytes(truncated.read_bytes()[:-100])
    shutil.copy(source, foreign)  # a whole, valid entry, of another page
    assert assert_warm_equals_cold(project, "damaged cache") == (2, len(entries) - 2)


@linux_only
def test_the_shipped_wiki_built_warm_is_the_cold_build(shipped_project: Path,
                                                        tmp_path: Path) -> None:
    """The session's cold build left its cache: a build of a copy takes every page from it
    (sitemap.xml.gz is compared unzipped: the session's build stamped its own time)."""
    project = tmp_path / "shipped"
    shutil.copytree(shipped_project, project, symlinks=True)
    rendered, cached = cache_counts(build(project))
    assert rendered == 0 and cached > 300
    warm, cold = tree_files(project / "site"), tree_files(shipped_project / "site")
    for files in (warm, cold):
        files["sitemap.xml.gz"] = gzip.decompress(files["sitemap.xml.gz"])
    assert sorted(warm) == sorted(cold)
    assert [name for name in warm if warm[name] != cold[name]] == []


# -- the cache itself, without a build ---------------------------------------------------------

def test_an_entry_is_trusted_only_whole_under_its_key_and_after_a_commit(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    one, other = "a" * 64, "b" * 64
    entry = {"html": "<p>π</p>", "search": [{"location": "x/"}], "title": "T", "meta": {},
             "anchors": []}
    cache.put(one, entry)
    assert cache.get(one) is None  # written by a build that has not succeeded (yet)
    cache.commit([one, other])
    assert PageCache(tmp_path).get(one) == entry

    path = tmp_path / "pages" / one[:2] / one
    data = path.read_bytes()
    path.write_bytes(data[:-3])
    assert cache.get(one) is None  # truncated
    path.write_bytes(data.replace("π".encode(), "p".encode()))
    assert cache.get(one) is None  # the body no longer matches its checksum
    other_path = tmp_path / "pages" / other[:2] / other
    other_path.parent.mkdir(parents=True, exist_ok=True)
    other_path.write_bytes(data)
    assert cache.get(other) is None  # another key's entry


def test_a_commit_keeps_only_the_entries_its_build_used(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    keys = [f"{n:064x}" for n in range(3)]
    for key in keys:
        cache.put(key, {"html": key, "meta": {}})
    (tmp_path / "pages" / "00" / ".left.tmp").write_bytes(b"half")

    assert cache.commit(keys[1:]) == 2
    assert sorted(path.name for path in (tmp_path / "pages").glob("*/*")) == keys[1:]
    assert PageCache(tmp_path).get(keys[0]) is None
    assert PageCache(tmp_path).get(keys[2]) == {"html": keys[2], "meta": {}}


def test_metadata_json_cannot_hold_exactly_is_not_cached(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put("c" * 64, {"html": "x", "meta": {"pair": (1, 2)}})
    assert not (tmp_path / "pages").exists()


def test_link_targets_are_found_in_markdown_and_html() -> None:
    markdown = ("[a](../topics/nlp.md#top) [b](<other.md>) <a href=\"x/y.md\">c</a>\n"
                "[ref]: ../papers.bib\n[ext](https://example.org/x.md) [self](#here)\n"
                "![img](/abs.png)")
    assert link_targets(markdown, "papers/p.md") == [
        ("papers.bib", ""), ("papers/other.md", ""), ("papers/x/y.md", ""),
        ("topics/nlp.md", "top")]


def test_the_titles_of_pages_the_navigation_leaves_untitled_are_part_of_every_key() -> None:
    nav = [{"Home": "index.md"}, {"Topics": [{"Overview": "topics/index.md"},
                                             {"NLP": ["topics/nlp.md", {"MT": "topics/mt.md"}]}]},
           "about.md"]
    assert _untitled(nav) == ["topics/nlp.md", "about.md"]
    source = b"---\ntitle: NLP\n---\n\n# Language\n\n## Papers\n\n- [x](x.md)\n\nOther\n===\n"
    assert _title_lines(source) == ["title: NLP", "# Language", "Other\n==="]


# -- paperwiki clean -----------------------------------------------------------------------------

def test_clean_removes_the_cache_the_generated_pages_and_the_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project / "docs" / ".gitignore").write_text("*\n", "utf-8")
    for made in ("docs/papers/x.md", "docs/index.md", "site/index.html",
                 f"{CACHE_DIR}/pages/ab/abc"):
        (project / made).parent.mkdir(parents=True, exist_ok=True)
        (project / made).write_text("made by a build", "utf-8")

    result = run_paperwiki(project, "clean")

    assert result.exit_code == 0, result.output
    assert "Removed the page cache, docs/, site/" in result.output
    assert [path.name for path in (project / "docs").iterdir()] == [".gitignore"]
    assert not (project / "site").exists() and not (project / ".cache" / "paperwiki").exists()
    assert (project / "content" / "topics.yaml").is_file()
    again = run_paperwiki(project, "clean")
    assert again.exit_code == 0 and "Nothing to remove" in again.output
