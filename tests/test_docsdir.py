"""Writing docs/: new pages staged and moved in, changed ones replaced, unchanged ones left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.docsdir import DocsWriter, remove_stale
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
