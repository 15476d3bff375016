"""Warm builds: pages taken from the page cache make the same site, byte for byte, as a cold
build, whatever was edited; a damaged or foreign cache is never trusted."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.mkdocs.mdcache import PaperPageMemo
from generator.mkdocs.pagecache import CACHE_DIR, PageCache, link_targets
from generator.mkdocs.warm import _title_lines, _untitled
from harness.search import use_pagefind
from tests.project import REPO, copy_project, edit, run_build, run_paperwiki, tree_files

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


def left_in_place(output: str) -> int:
    """How many pages from the cache the build left in the site as they were."""
    found = re.search(r"\((\d+) of them left in place in the site\)", output)
    assert found, output
    return int(found[1])


def assert_warm_equals_cold(project: Path, label: str) -> tuple[int, int]:
    """Build warm into site/ and cold (no cache) into cold/; the trees must be identical."""
    warm_log = build(project)
    build(project, "--no-cache", "--site-dir", str(project / "cold"))
    warm, cold = tree_files(project / "site"), tree_files(project / "cold")
    assert sorted(warm) == sorted(cold), label
    assert [name for name in warm if warm[name] != cold[name]] == [], label
    return cache_counts(warm_log)


def paper(project: Path, index: int) -> Path:
    return sorted((project / "content" / "papers").glob("*.yaml"))[index]


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
    first_warm = build(project)  # the cold build noted its pages: all of them stay in place
    assert cache_counts(first_warm) == (0, rendered) and left_in_place(first_warm) == rendered
    assert tree_files(project / "site") == tree_files(project / "cold")
    assert f"paper pages' Markdown: {SMALL} from the cache, 0 rendered" in build(project)

    for label, apply, mostly_cached in EDITS:
        apply(project)
        if mostly_cached:
            rendered, cached = assert_warm_equals_cold(project, label)
            assert 0 < rendered < cached, (label, rendered, cached)
        else:
            assert cache_counts(build(project))[1] == 0, label

    # Pages left in place by warm builds: one edited by hand, a file added; the build puts
    # the page back and removes the file, as a cold build would not have them.
    page = next((project / "site" / "papers").rglob("index.html"))
    page.write_bytes(page.read_bytes() + b"<!-- edited by hand -->")
    (project / "site" / "papers" / "stray.html").write_text("stray", "utf-8")
    assert assert_warm_equals_cold(project, "site edited by hand")[0] == 0
    output = build(project)
    assert left_in_place(output) == cache_counts(output)[1], "an unchanged page was written again"

    # Without a site to leave pages in or a docs/ folder (a new checkout, docs/ removed too),
    # every page comes from the cache: a damaged entry renders.
    shutil.rmtree(project / "site")
    shutil.rmtree(project / "docs")
    damage_the_cache(project / CACHE_DIR)
    entries = len(read_manifest(project / CACHE_DIR))
    assert assert_warm_equals_cold(project, "damaged cache") == (2, entries - 2)


def read_manifest(cache: Path) -> dict[str, list]:
    return json.loads((cache / "manifest.json").read_text("utf-8"))["entries"]


def damage_the_cache(cache: Path) -> None:
    """Cut short the last record of a pack and point one key at another page's whole,
    valid record."""
    manifest = json.loads((cache / "manifest.json").read_text("utf-8"))
    entries = manifest["entries"]
    pack, offset, length = max(entries.values(), key=lambda place: (place[0], place[1]))
    with open(cache / "pages" / pack, "r+b") as stream:
        stream.truncate(offset + length - 100)
    first, second = sorted(key for key, place in entries.items() if place[1] != offset)[:2]
    entries[first] = entries[second]
    (cache / "manifest.json").write_text(json.dumps(manifest), "utf-8")


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


@linux_only
def test_in_pagefind_mode_a_warm_build_is_the_cold_build(tmp_path: Path) -> None:
    """Pagefind reads the pages a warm build left in the site as well as those it wrote."""
    project = small_project(tmp_path)
    use_pagefind(project)
    edit(project / "mkdocs.yml", "      search: pagefind\n",
         "      search: pagefind\n      pages_per_search_index: 20\n")
    bundles, _ = search_bundles(build(project))
    assert bundles > 2
    edit_paper(project)
    rendered, cached = assert_warm_equals_cold(project, "pagefind")
    assert 0 < rendered < cached
    assert (project / "site" / "pagefind-2" / "pagefind.js").is_file()
    output = build(project)
    assert left_in_place(output) == cache_counts(output)[1] > 0
    assert search_bundles(output) == (0, bundles)
    edit(paper(project, 3), "A curator's note", "A curator's second note")  # one page's bundle
    assert search_bundles(build(project)) == (1, bundles - 1)
    (project / "site" / "pagefind-3" / "pagefind-entry.json").unlink()
    assert search_bundles(build(project))[0] == 1
    assert_warm_equals_cold(project, "a bundle's file removed by hand")


def search_bundles(output: str) -> tuple[int, int]:
    """(search bundles indexed, left in place) as the build reported them."""
    found = re.search(r"search index: (\d+) bundle\(s\) indexed, (\d+) left in place", output)
    assert found, output
    return int(found[1]), int(found[2])


# -- the cache itself, without a build ---------------------------------------------------------

ENTRY = {"html": "<p>π</p>\n<p>two lines</p>", "search": [{"location": "x/"}], "title": "T",
         "meta": {}, "anchors": []}


def test_an_entry_is_trusted_only_whole_under_its_key_and_after_a_commit(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    one, other = "a" * 64, "b" * 64
    cache.put(one, ENTRY)
    assert cache.get(one) is None  # written by a build that has not succeeded (yet)
    assert cache.commit([]) == 0
    assert PageCache(tmp_path).get(one) == ENTRY

    [pack] = (tmp_path / "pages").glob("*.pack")
    data = pack.read_bytes()
    pack.write_bytes(data[:-3])
    assert PageCache(tmp_path).get(one) is None  # truncated
    pack.write_bytes(data.replace("π".encode(), "p".encode()))
    assert PageCache(tmp_path).get(one) is None  # the HTML no longer matches its checksum
    fields = {name: value for name, value in ENTRY.items() if name != "html"}
    assert PageCache(tmp_path).get(one, with_html=False) == fields  # the HTML is not read
    pack.write_bytes(data.replace(b'"title":"T"', b'"title":"X"'))
    assert PageCache(tmp_path).get(one, with_html=False) is None  # nor are changed fields
    pack.write_bytes(data)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    manifest["entries"][other] = manifest["entries"][one]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    assert PageCache(tmp_path).get(other) is None  # another key's entry
    assert PageCache(tmp_path).get(one) == ENTRY


def test_a_cache_of_another_format_or_a_damaged_manifest_is_not_trusted(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put("a" * 64, ENTRY)
    cache.commit([])
    manifest = tmp_path / "manifest.json"
    good = manifest.read_text("utf-8")
    for damaged in (good.replace("paperwiki-page-cache", "other-cache"), good[:-10], "[]",
                    good.replace(".pack", "/../x.pack")):
        manifest.write_text(damaged, "utf-8")
        assert PageCache(tmp_path).trusted == frozenset(), damaged
    manifest.write_text(good, "utf-8")
    assert PageCache(tmp_path).get("a" * 64) == ENTRY


def store(root: Path, keys: list[str], reused: list[str] = (), **options: int) -> PageCache:
    """One build's use of the cache: ``reused`` taken from it, ``keys`` stored."""
    cache = PageCache(root, **options)
    for key in keys:
        cache.put(key, {"html": key * 20, "meta": {}})
    cache.commit(reused)
    return cache


def test_a_commit_keeps_only_the_entries_its_build_used(tmp_path: Path) -> None:
    keys = [f"{n:064x}" for n in range(3)]
    store(tmp_path, keys)
    (tmp_path / "pages" / "00").mkdir()  # the folders of the cache's first layout
    (tmp_path / "pages" / "00" / keys[0]).write_bytes(b"old")
    (tmp_path / "pages" / "left-by-a-killed-build.pack").write_bytes(b"half")

    cache = PageCache(tmp_path)
    assert cache.commit(keys[1:]) == 1
    assert sorted(cache.trusted) == keys[1:]
    assert [path.suffix for path in (tmp_path / "pages").iterdir()] == [".pack"]
    assert PageCache(tmp_path).get(keys[0]) is None
    assert PageCache(tmp_path).get(keys[2]) == {"html": keys[2] * 20, "meta": {}}


def test_packs_mostly_of_unused_entries_are_compacted(tmp_path: Path) -> None:
    keys = [f"{n:064x}" for n in range(6)]
    store(tmp_path, keys[:4])
    first = {path.name for path in (tmp_path / "pages").iterdir()}
    store(tmp_path, keys[4:], reused=keys[:2])  # half the first pack is still used: kept
    assert first < {path.name for path in (tmp_path / "pages").iterdir()}
    store(tmp_path, [], reused=keys[1:2] + keys[4:])  # a quarter: copied out, removed
    packs = {path.name for path in (tmp_path / "pages").iterdir()}
    assert not first & packs and len(packs) == 2
    cache = PageCache(tmp_path)
    assert sorted(cache.trusted) == keys[1:2] + keys[4:]
    assert all(cache.get(key) == {"html": key * 20, "meta": {}} for key in cache.trusted)


def test_the_cache_keeps_no_more_entries_than_its_size_bound(tmp_path: Path) -> None:
    keys = [f"{n:064x}" for n in range(10)]
    [(_, _, record)] = store(tmp_path / "one", keys[:1]).index.values()
    cache = store(tmp_path / "ten", keys, max_bytes=record * 4 + 1)
    assert sorted(cache.trusted) == keys[:4]
    assert [path.stat().st_size for path in (tmp_path / "ten" / "pages").iterdir()] \
        == [record * 4]  # the pack of ten was compacted to the four kept


def test_paper_pages_markdown_is_rendered_once_while_its_page_is_the_same(tmp_path: Path,
                                                                          ) -> None:
    renders: list[tuple[str, int]] = []

    def render(page: tuple[str, int]) -> str:
        renders.append(page)
        return f"# {page[0]}\n\n{page[1]} π\n"

    memo = PaperPageMemo(tmp_path)
    first = [memo(("one", 1), render), memo(("two", 2), render)]
    memo.commit()
    memo = PaperPageMemo(tmp_path)
    assert [memo(("one", 1), render), memo(("two", 3), render)] == [first[0], "# two\n\n3 π\n"]
    assert renders == [("one", 1), ("two", 2), ("two", 3)]
    memo.commit()  # ("two", 2) was not used: dropped
    assert len(PaperPageMemo(tmp_path).cache.trusted) == 2


def test_metadata_json_cannot_hold_exactly_is_not_cached(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put("c" * 64, {"html": "x", "meta": {"pair": (1, 2)}})
    assert not (tmp_path / "pages").exists()


def test_link_targets_are_found_in_markdown_and_html() -> None:
    markdown = ("[a](../topics/nlp.md#top) [b](<other.md>) <a href=\"x/y.md\">c</a>\n"
                "[ref]: ../papers.bib\n[ext](https://example.org/x.md) [self](#here)\n"
                "![img](/abs.png)")
    # Raw HTML passes through MkDocs untouched: its links depend on no other file.
    assert link_targets(markdown, "papers/p.md") == [
        ("papers.bib", ""), ("papers/other.md", ""), ("topics/nlp.md", "top")]
    # In a block md_in_html converts, they count too.
    assert ("papers/x/y.md", "") in link_targets(f"<div markdown>\n{markdown}\n</div>",
                                                 "papers/p.md")


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
                 f"{CACHE_DIR}/pages/abc.pack"):
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
