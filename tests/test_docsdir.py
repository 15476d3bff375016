"""Writing docs/: new pages staged and moved in, changed ones replaced, unchanged ones left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator.docsdir import DocsWriter, KnownText, remove_stale
from tests.test_processes import forks, run_python


def tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): path.read_text("utf-8")
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_a_first_run_moves_whole_folders_in(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    writer = DocsWriter(docs)
    assert [writer.write(name, name.upper()) for name in ("index.md", "papers/a.md",
                                                          "papers/b.md", "feeds/t/x.xml")] \
        == [True] * 4
    assert [name for name in os.listdir(docs) if not name.startswith(".")] == []
    writer.publish()
    writer.discard()
    assert tree(docs) == {"feeds/t/x.xml": "FEEDS/T/X.XML", "index.md": "INDEX.MD",
                          "papers/a.md": "PAPERS/A.MD", "papers/b.md": "PAPERS/B.MD"}
    assert sorted(os.listdir(docs)) == ["feeds", "index.md", "papers"]


def test_a_later_run_touches_only_what_changed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "papers").mkdir(parents=True)
    for name, text in {"papers/same.md": "same", "papers/old.md": "old", ".gitignore": "*"}.items():
        (docs / name).write_text(text, "utf-8")
    os.utime(docs / "papers" / "same.md", ns=(1, 1))
    writer = DocsWriter(docs)
    assert writer.write("papers/same.md", "same") is False
    assert writer.write("papers/old.md", "new") is True
    assert (docs / "papers" / "old.md").read_text("utf-8") == "new"  # replaced at once
    assert writer.write("papers/added.md", "added") is True
    assert writer.write("topics/t.md", "topic") is True
    writer.publish()
    assert tree(docs) == {".gitignore": "*", "papers/added.md": "added", "papers/old.md": "new",
                          "papers/same.md": "same", "topics/t.md": "topic"}
    assert (docs / "papers" / "same.md").stat().st_mtime_ns == 1
    assert not [name for name in os.listdir(docs / "papers") if name.startswith(".")]


def test_a_failed_run_adds_no_page_and_leaves_nothing_behind(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    writer = DocsWriter(docs)
    writer.write("papers/a.md", "a")
    writer.discard()  # what generate does when rendering raises
    assert os.listdir(docs) == []


def test_a_leftover_staging_folder_is_removed_as_stale(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    DocsWriter(docs).write("papers/a.md", "a")  # a run killed before publishing
    (docs / "index.md").write_text("home", "utf-8")
    removed = remove_stale(docs, {"index.md"})
    assert len(removed) == 1 and removed[0].endswith("/papers/a.md")
    assert os.listdir(docs) == ["index.md"]


def test_a_long_running_process_does_not_read_back_what_it_wrote(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under serve: a page rendered the same again is trusted while its file is unchanged;
    a file touched by anything else is compared and rewritten, even with its size and
    modification time set back."""
    docs, known = tmp_path / "docs", KnownText()
    (docs / "papers").mkdir(parents=True)
    (docs / "papers" / "old.md").write_text("old", "utf-8")
    first = DocsWriter(docs, known)
    assert [first.write("papers/old.md", "old"), first.write("papers/new.md", "new"),
            first.write("papers/changed.md", "one")] == [False, True, True]
    first.publish()
    second = DocsWriter(docs, known)  # notes the staged pages, now in place
    assert [second.write(name, text) for name, text in [
        ("papers/new.md", "new"), ("papers/changed.md", "two")]] == [False, True]
    second.publish()
    edited = docs / "papers" / "new.md"
    before = edited.stat()
    edited.write_text("NEW", "utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))

    def unread(path: Path) -> bytes:
        raise AssertionError(f"read back {path}")

    reading = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", unread)
    third = DocsWriter(docs, known)
    assert [third.write("papers/old.md", "old"), third.write("papers/changed.md", "two")] \
        == [False, False]
    monkeypatch.setattr(Path, "read_bytes", reading)
    assert third.write("papers/new.md", "new") is True
    third.publish()
    assert tree(docs) == {"papers/changed.md": "two", "papers/new.md": "new",
                          "papers/old.md": "old"}


@forks
def test_forked_processes_stage_into_one_run(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    output = run_python(f"""
        import os
        from functools import partial
        from pathlib import Path
        from generator.docsdir import DocsWriter
        from generator.processes import run_tasks
        writer = DocsWriter(Path({str(docs)!r}))
        parent = os.getpid()
        def write(start):
            names = range(start, 300, 3)
            return [writer.write(f"papers/{{n}}.md", str(n)) for n in names], os.getpid() != parent
        results = run_tasks([partial(write, start) for start in range(3)])
        writer.publish()
        print([(all(changed), forked) for changed, forked in results])
    """)
    assert output.strip() == "[(True, False), (True, True), (True, True)]"
    assert tree(docs) == {f"papers/{n}.md": str(n) for n in range(300)}


def test_new_and_replaced_files_get_ordinary_permissions(tmp_path: Path) -> None:
    """Not a temporary file's owner-only mode: new files get what open() would give them,
    replaced ones keep theirs."""
    from generator.atomic import NEW_FILE_MODE, write_atomically

    docs = tmp_path / "docs"
    (docs / "papers").mkdir(parents=True)
    (docs / "papers" / "kept.md").write_text("old", "utf-8")
    (docs / "papers" / "kept.md").chmod(0o640)
    writer = DocsWriter(docs)
    writer.write("papers/kept.md", "new")
    writer.write("papers/new.md", "new")
    writer.publish()
    assert write_atomically(tmp_path / "content.yaml", "title: T\n")
    assert stat.S_IMODE((docs / "papers" / "kept.md").stat().st_mode) == 0o640
    assert stat.S_IMODE((docs / "papers" / "new.md").stat().st_mode) == NEW_FILE_MODE
    assert stat.S_IMODE((tmp_path / "content.yaml").stat().st_mode) == NEW_FILE_MODE
