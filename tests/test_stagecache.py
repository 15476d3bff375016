"""The generator's stage caches: parsed papers, topic matches and related papers reused from
the last build give the very content and site a cold build computes, after every kind of edit,
and recompute only what an edit can change; a damaged or foreign cache file is ignored."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import date
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from generator import model
from generator.buildcache import STAGES, BuildCache
from generator.errors import ContentError
from generator.generate import generate
from generator.jsonstore import JsonStore
from generator.model import Site, build_site
from generator.papercache import PaperCache
from generator.records import Content, Paper, paper_from_mapping
from generator.render import PaperPage
from generator.store import ContentPaths, load_content, parse_yaml
from tests.project import REPO, copy_project, edit, run_build

PAPERS = 40  # of the shipped wiki: enough for related papers and topics worth comparing


class RenderedPages:
    """Paper pages' Markdown rendered every time, counted (in this process)."""

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def key(self, page: PaperPage) -> str:
        return hashlib.sha256(repr(page).encode()).hexdigest()

    def __call__(self, page: PaperPage, render: Callable[[PaperPage], str],
                 key: str | None = None) -> str:
        self.rendered.append(page.entry.id)
        return render(page)

    def commit(self, reused: Iterable[str] = ()) -> tuple[int, int]:
        return 0, len(self.rendered)


def small_project(root: Path) -> Path:
    project = copy_project(root)
    for paper in sorted((project / "content" / "papers").glob("*.yaml"))[PAPERS:]:
        paper.unlink()
    return project


def paper_file(project: Path, index: int) -> Path:
    return sorted((project / "content" / "papers").glob("*.yaml"))[index]


def stored(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many entries each store is given (each one computed afresh)."""
    counts: Counter[str] = Counter()
    put = JsonStore.put

    def counting(store: JsonStore, key: str, value: object) -> None:
        counts[store.name] += 1
        put(store, key, value)

    monkeypatch.setattr(JsonStore, "put", counting)
    return counts


def warm(project: Path, parallel: bool = False) -> tuple[Content, Site]:
    cache = BuildCache(project / "cache", "code", RenderedPages())
    paths = ContentPaths(project / "content")
    content = load_content(paths, parallel, cache.papers)
    site = build_site(content, parallel, cache.enrichment)
    cache.commit()
    return content, site


def assert_warm_is_cold(project: Path, label: str, parallel: bool = False) -> None:
    content, site = warm(project, parallel)
    cold = load_content(ContentPaths(project / "content"))
    assert repr(content) == repr(cold), label
    assert [p.lines for p in content.papers] == [p.lines for p in cold.papers], label
    assert repr(site) == repr(build_site(cold)), label


def add_note(project: Path) -> None:
    edit(paper_file(project, 3), "\nabstract: ", "\nnote: A curator's note.\nabstract: ")


def replace_line(path: Path, key: str, line: str) -> None:
    text = path.read_text("utf-8")
    path.write_text(re.sub(rf"^{key}: .*$", line, text, count=1, flags=re.MULTILINE), "utf-8")


def retitle(project: Path) -> None:
    replace_line(paper_file(project, 4), "title", "title: Pretraining revisited")


def edit_abstract(project: Path) -> None:
    replace_line(paper_file(project, 5), "abstract", "abstract: Diffusion language models.")


def edit_rule(project: Path) -> None:
    edit(project / "content" / "topics.yaml", "'technical report'", "'technical reports?'")


def rename_topic(project: Path) -> None:
    edit(project / "content" / "topics.yaml", "name: Pre-training", "name: Pretraining")


def hide(project: Path) -> None:
    path = paper_file(project, 6)
    path.write_text(path.read_text("utf-8") + "hidden: true\n", "utf-8")


def merge(project: Path) -> None:
    path = paper_file(project, 7)
    path.write_text(path.read_text("utf-8") + f"same_as: {paper_file(project, 8).stem}\n",
                    "utf-8")


def delete(project: Path) -> None:
    paper_file(project, 10).unlink()


def add(project: Path) -> None:
    extra = sorted((REPO / "content" / "papers").glob("*.yaml"))[PAPERS]
    (project / "content" / "papers" / extra.name).write_bytes(extra.read_bytes())


VISIBLE = -1  # every visible paper matched again
EDITS: list[tuple[str, Callable[[Path], None], dict[str, int]]] = [
    # (what, how, entries computed afresh by store)
    ("a note", add_note, {"papers": 1}),
    ("a title", retitle, {"papers": 1, "topics": 1, "related": 1}),
    ("an abstract", edit_abstract, {"papers": 1, "topics": 1, "related": 1}),
    ("a topic rule", edit_rule, {"topics": VISIBLE}),
    ("a topic's name", rename_topic, {}),
    ("hiding a paper", hide, {"papers": 1, "related": 1}),
    ("merging a paper", merge, {"papers": 1, "related": 1}),
    ("deleting a paper", delete, {"related": 1}),
    ("adding a paper", add, {"papers": 1, "topics": 1, "related": 1}),
]


def test_after_every_kind_of_edit_warm_stages_give_the_cold_content_and_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = small_project(tmp_path)
    counts = stored(monkeypatch)
    assert_warm_is_cold(project, "first build")
    assert counts == {"papers": PAPERS, "topics": PAPERS, "related": 1}
    counts.clear()
    assert_warm_is_cold(project, "no edit")
    assert counts == {}
    for label, apply, computed in EDITS:
        apply(project)
        counts.clear()
        assert_warm_is_cold(project, label)
        visible = len(warm(project)[1].papers)
        assert counts == {name: visible if n == VISIBLE else n
                          for name, n in computed.items()}, label


def test_a_build_on_every_core_stores_what_it_computed(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    assert_warm_is_cold(project, "first build", parallel=True)
    retitle(project)
    assert_warm_is_cold(project, "a title", parallel=True)


def test_a_paper_file_with_a_problem_is_never_cached(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    project = small_project(tmp_path)
    warm(project)
    edit(paper_file(project, 2), "\ntitle: ", "\ntitel: x\ntitle: ")
    for _ in range(2):
        counts = stored(monkeypatch)
        with pytest.raises(ContentError) as cold:
            load_content(ContentPaths(project / "content"))
        with pytest.raises(ContentError) as cached:
            warm(project)
        assert str(cached.value) == str(cold.value) and "unknown key 'titel'" in str(cold.value)
        assert counts == {}


def test_a_stored_paper_reads_back_as_the_very_paper_or_is_not_stored(tmp_path: Path) -> None:
    cache = PaperCache(JsonStore(tmp_path, "papers"), b"code")
    source = paper_file(REPO, 0)
    label = f"content/papers/{source.name}"

    def loaded(**changes: object) -> tuple[dict[str, object], Paper]:
        mapping = parse_yaml(source.read_text("utf-8"), label)
        mapping.update(changes)
        return mapping, paper_from_mapping(source.stem, mapping, label)

    mapping, paper = loaded(upvotes=7, featured=True, note="a lone surrogate: \udc80")
    key = cache.key(label, source.read_bytes())
    cache.put(key, cache.entry(mapping, paper))
    cache.store.commit()
    again = PaperCache(JsonStore(tmp_path, "papers"), b"code").get(key, source.stem, label)
    assert again is not None and repr(again) == repr(paper) and again.lines == paper.lines
    for unheld in (float("nan"), date(2024, 5, 1)):  # no JSON value gives either back
        assert cache.entry(*loaded(summary=unheld)) is None


def damage(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-20])


def test_damaged_or_foreign_cache_files_are_ignored(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = small_project(tmp_path)
    warm(project)
    stages = project / "cache" / STAGES
    files = sorted(stages.glob("*.json"))
    assert {path.name.split(".")[0] for path in files} == {"papers", "topics", "related"}
    related = stages / "related.0.json"
    papers = sorted(stages.glob("papers.*.json"))
    damage(related)  # cut short
    papers[0].write_bytes(papers[0].read_bytes().replace(b'"title":"', b'"title":"X', 1))
    papers[1].write_bytes(papers[2].read_bytes())  # another shard's file
    topics = sorted(stages.glob("topics.*.json"))[0]
    topics.write_bytes(papers[3].read_bytes())  # another store's file
    counts = stored(monkeypatch)
    assert_warm_is_cold(project, "damaged")
    assert counts["related"] == 1 and counts["papers"] >= 2 and counts["topics"] >= 1


def test_a_store_keeps_only_what_its_build_used_and_trusts_only_its_own_files(
        tmp_path: Path) -> None:
    store = JsonStore(tmp_path, "test")
    keys = [f"{n:x}" * 64 for n in range(3)]
    for key in keys:
        store.put(key, {"π": [key, 1.5, None, True]})
    store.commit()
    store = JsonStore(tmp_path, "test")
    assert store.get(keys[0]) == {"π": [keys[0], 1.5, None, True]}
    assert store.get("f" * 64) is None
    store.commit()
    assert [path.name for path in tmp_path.iterdir()] == ["test.0.json"]  # the others pruned
    assert JsonStore(tmp_path, "other").get(keys[0]) is None
    (tmp_path / "other.0.json").write_bytes((tmp_path / "test.0.json").read_bytes())
    assert JsonStore(tmp_path, "other").get(keys[0]) is None  # its header names "test"
    header, body = (tmp_path / "test.0.json").read_bytes().split(b"\n", 1)
    (tmp_path / "test.0.json").write_bytes(header + b"\n" + body.replace(b"1.5", b"2.5"))
    assert JsonStore(tmp_path, "test").get(keys[0]) is None


def test_no_cache_builds_neither_read_nor_write_the_stage_caches(tmp_path: Path) -> None:
    """A poisoned stage cache (every cached title changed, checksums made to match) shows in a
    warm build and not in a build without the cache, which leaves it as it was."""
    project = small_project(tmp_path)
    code, output = run_build(project, args=("--no-cache",))
    assert code == 0, output
    assert not (project / ".cache").exists()
    code, output = run_build(project)
    assert code == 0, output
    stages = project / ".cache" / "paperwiki" / STAGES
    store = JsonStore(stages, "papers")
    for path in stages.glob("papers.*.json"):
        for key, entry in json.loads(path.read_bytes().split(b"\n", 1)[1]).items():
            entry["data"]["title"] = "Poisoned " + entry["data"]["title"]
            store.put(key, entry)
    store.commit()
    before = {path: path.read_bytes() for path in stages.iterdir()}
    code, output = run_build(project, args=("--no-cache",))
    assert code == 0, output
    assert not re.search("Poisoned", (project / "site" / "index.html").read_text("utf-8"))
    assert {path: path.read_bytes() for path in stages.iterdir()} == before
    code, output = run_build(project)
    assert code == 0, output
    assert "Poisoned" in (project / "site" / "index.html").read_text("utf-8")


def test_pages_docs_holds_as_the_last_build_wrote_them_are_neither_rendered_nor_written(
        tmp_path: Path) -> None:
    project = small_project(tmp_path)
    paths, docs = ContentPaths(project / "content"), project / "docs"

    def run() -> tuple[list[str], tuple[str, ...]]:
        cache = BuildCache(project / "cache", "code", markdown := RenderedPages())
        report = generate(paths, docs, site_url="https://example.org/", cache=cache)
        cache.commit()
        return markdown.rendered, report.written

    assert len(run()[0]) == PAPERS
    stray = project / "cache" / STAGES / "retired.0.json"  # a store of an older version
    stray.write_text("{}", "utf-8")
    assert run() == ([], ())
    assert not stray.exists()
    add_note(project)
    assert run() == ([paper_file(project, 3).stem], (f"papers/{paper_file(project, 3).stem}.md",))
    edited, removed = (docs / "papers" / f"{paper_file(project, n).stem}.md" for n in (1, 2))
    before = edited.stat()
    edited.write_bytes(edited.read_bytes().replace(b"a", b"b"))  # same size and times
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    removed.unlink()
    assert sorted(run()[0]) == [paper_file(project, n).stem for n in (1, 2)]
    cold = tmp_path / "cold"
    generate(paths, cold, site_url="https://example.org/")
    assert {path.relative_to(docs): path.read_bytes() for path in docs.rglob("*.md")} \
        == {path.relative_to(cold): path.read_bytes() for path in cold.rglob("*.md")}
