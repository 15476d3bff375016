"""Every setting a site owner can change in mkdocs.yml is honoured by every command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.settings import load_settings
from tests.project import copy_project, front_matter_of, run_build, run_cli

BCODER = "b-coder-value-based-deep-reinforcement-learning-for-program-synthesis"


@pytest.fixture(scope="module")
def birdsong(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped wiki under another name, address and repository, its content in wiki/."""
    project = copy_project(tmp_path_factory.mktemp("birdsong"))
    shutil.move(project / "content", project / "wiki")
    config = (project / "mkdocs.yml").read_text("utf-8")
    for old, new in [("site_name: PaperWiki", "site_name: Birdsong Papers"),
                     ("site_url: https://paperwiki.github.io/paperwiki/",
                      "site_url: https://birds.example.org/wiki/"),
                     ("repo_url: https://github.com/paperwiki/paperwiki",
                      "repo_url: https://git.example.org/birds/wiki"),
                     ("edit_uri: edit/main/content/", "edit_uri: src/branch/trunk/wiki/"),
                     ("      content_dir: content\n", "      content_dir: wiki\n      jobs: 1\n")]:
        assert old in config
        config = config.replace(old, new)
    (project / "mkdocs.yml").write_text(config, "utf-8")
    return project


def test_settings_are_read_from_mkdocs_yml(birdsong: Path) -> None:
    settings = load_settings(birdsong / "mkdocs.yml")
    assert settings.content_dir == (birdsong / "wiki").resolve()
    assert (settings.site_name, settings.site_url, settings.jobs, settings.search) == \
        ("Birdsong Papers", "https://birds.example.org/wiki/", 1, "builtin")
    assert settings.edit_url("wiki/papers/x.yaml") == \
        "https://git.example.org/birds/wiki/src/branch/trunk/wiki/papers/x.yaml"


def test_check_and_generate_read_the_content_dir(birdsong: Path) -> None:
    code, output = run_cli(birdsong, "check")
    assert code == 0, output
    code, output = run_cli(birdsong, "generate")
    assert code == 0, output
    home = (birdsong / "docs" / "index.md").read_text("utf-8")
    assert "\n# Birdsong Papers\n" in home
    assert front_matter_of(home)["feeds"][0]["title"] == "Birdsong Papers: all papers"
    nav = yaml.safe_load((birdsong / "docs" / ".nav.yml").read_text("utf-8"))["nav"]
    assert nav[0] == {"Home": "index.md"} and {"Papers": "papers/index.md"} in nav


def test_build_uses_every_setting(birdsong: Path) -> None:
    code, output = run_build(birdsong)
    assert code == 0, output
    assert "rendering pages in" not in output or "1 process" in output  # jobs: 1
    site = birdsong / "site"
    paper = (site / "papers" / BCODER / "index.html").read_text("utf-8")
    assert ('href="https://git.example.org/birds/wiki/src/branch/trunk/wiki/papers/'
            f'{BCODER}.yaml"') in paper
    assert f'<link rel="canonical" href="https://birds.example.org/wiki/papers/{BCODER}/">' in paper
    feed = (site / "feeds" / "all.xml").read_text("utf-8")
    assert "<title>Birdsong Papers: all papers</title>" in feed
    assert "https://birds.example.org/wiki/papers/" in feed


def test_an_unknown_search_engine_is_a_usage_error(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "      content_dir: content\n", "      content_dir: content\n      search: grep\n"))
    code, output = run_cli(project, "check")
    assert code == 2 and "search is 'grep'" in output
