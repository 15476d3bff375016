"""Publishing a build: a warm build leaves unchanged pages where the last build put them, and
the published site is still exactly the site just built; a page touched since is never kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.jsonstore import FORMAT
from generator.mkdocs.livesite import BuiltSite, LiveSite, publish, record_files
from tests.project import tree_files


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def folders(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_dir())


def published(tmp_path: Path, files: dict[str, str], keys: dict[str, str]) -> tuple[Path, Path]:
    """A site published whole (a cold build), with its record: (site, cache)."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    publish(write(tmp_path / "staging", files), site, BuiltSite(keys=keys), cache)
    return site, cache


OLD = {"index.html": "home", "papers/a/index.html": "A", "papers/b/index.html": "B",
       "papers/gone/index.html": "gone", "assets/old.css": "old", "search.json": "[1]"}
KEYS = {"papers/a/index.html": "ka", "papers/b/index.html": "kb",
        "papers/gone/index.html": "kg", "index.html": "kh"}


def test_a_warm_build_keeps_unchanged_pages_and_publishes_exactly_the_new_site(
        tmp_path: Path) -> None:
    site, cache = published(tmp_path, OLD, KEYS)
    inode = (site / "papers/a/index.html").stat().st_ino
    live = LiveSite(site, cache)
    assert live.holds("papers/a/index.html", "ka")
    assert not live.holds("papers/b/index.html", "kb-edited")  # its key changed: staged
    assert not live.holds("papers/new/index.html", "kn")  # not in the last build
    staged = {"index.html": "home 2", "papers/b/index.html": "B2",
              "papers/new/index.html": "N", "assets/new.css": "new", "search.json": "[2]"}
    new_keys = {**{name: "k" for name in staged if name.endswith("index.html")},
                "papers/a/index.html": "ka"}
    publish(write(tmp_path / "staging2", staged), site,
            BuiltSite(frozenset({"papers/a/index.html"}), new_keys), cache)

    assert tree_files(site) == {name: text.encode() for name, text
                                in {**staged, "papers/a/index.html": "A"}.items()}
    assert (site / "papers/a/index.html").stat().st_ino == inode  # left in place
    assert "papers/gone" not in folders(site)  # no empty folder a cold build would not make
    assert not (tmp_path / "staging2").exists()
    live = LiveSite(site, cache)
    assert all(live.holds(name, key) for name, key in new_keys.items())
    assert not live.holds("papers/gone/index.html", "kg")


def test_a_page_edited_replaced_or_removed_since_its_build_is_not_kept(tmp_path: Path) -> None:
    site, cache = published(tmp_path, OLD, KEYS)
    (site / "papers/a/index.html").write_text("tampered", "utf-8")
    (site / "papers/b/index.html").unlink()
    (site / "papers/b/index.html").write_text("B", "utf-8")  # same bytes, another file
    (site / "papers/gone/index.html").unlink()
    live = LiveSite(site, cache)
    assert [name for name in ("papers/a/index.html", "papers/b/index.html",
                              "papers/gone/index.html") if live.holds(name, KEYS[name])] == []
    assert live.holds("index.html", "kh")


def test_without_a_trusted_record_nothing_is_kept(tmp_path: Path) -> None:
    site, cache = published(tmp_path, OLD, KEYS)
    assert LiveSite(None, cache).holds("index.html", "kh") is False  # no live site given
    elsewhere = tmp_path / "elsewhere"
    publish(write(tmp_path / "staging2", {"index.html": "x"}), elsewhere,
            BuiltSite(keys={"index.html": "kh"}), cache)
    [record] = record_files(cache, site)
    text = record.read_text("utf-8")
    [foreign] = record_files(cache, elsewhere)  # another site's record, valid for it
    for damaged in (text[:-5], text.replace(FORMAT, "other-format"), "[]",
                    foreign.read_text("utf-8")):
        record.write_text(damaged, "utf-8")
        assert LiveSite(site, cache).holds("index.html", "kh") is False


def test_a_whole_build_replaces_the_site_and_removes_an_old_record(tmp_path: Path) -> None:
    site, cache = published(tmp_path, OLD, KEYS)
    publish(write(tmp_path / "staging2", {"index.html": "only"}), site, BuiltSite(), cache)
    assert tree_files(site) == {"index.html": b"only"}
    assert not any(path.exists() for path in record_files(cache, site))  # nothing to trust


def test_an_update_removes_stray_files_and_puts_a_file_where_a_folder_was(
        tmp_path: Path) -> None:
    site, cache = published(tmp_path, OLD, KEYS)
    write(site, {"stray.txt": "left by hand", "papers/a/extra/deep.txt": "x"})
    os.symlink(site / "papers", site / "link")
    assert LiveSite(site, cache).holds("papers/a/index.html", "ka")
    publish(write(tmp_path / "staging2", {"papers/gone": "now a file"}), site,
            BuiltSite(frozenset({"papers/a/index.html"}), {}), cache)
    assert tree_files(site) == {"papers/a/index.html": b"A", "papers/gone": b"now a file"}
    assert folders(site) == ["papers", "papers/a"]


def test_each_site_folder_has_its_own_record_and_a_removed_one_is_forgotten(
        tmp_path: Path) -> None:
    site, cache = published(tmp_path, OLD, KEYS)
    elsewhere = tmp_path / "elsewhere"
    publish(write(tmp_path / "staging2", {"index.html": "x"}), elsewhere,
            BuiltSite(keys={"index.html": "kx"}), cache)
    assert LiveSite(site, cache).holds("index.html", "kh")
    assert LiveSite(elsewhere, cache).holds("index.html", "kx")
    shutil.rmtree(elsewhere)
    (cache / "sites" / "0123456789abcdef.json").write_text("{}", "utf-8")  # no site's record
    publish(write(tmp_path / "staging3", OLD), site, BuiltSite(keys=KEYS), cache)
    assert sorted(record_files(cache, site)[0].parent.iterdir()) == record_files(cache, site)
