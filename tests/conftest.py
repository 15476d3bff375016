from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.model import Site
from harness.search import use_pagefind
from tests.project import build_project, copy_project, shipped_model

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")


@pytest.fixture(scope="session")
def shipped_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped wiki built once for the whole session, in a copy of the project."""
    project = copy_project(tmp_path_factory.mktemp("shipped"))
    build_project(project)
    return project


@pytest.fixture(scope="session")
def site_model() -> Site:
    """The enriched model of the shipped content, built once per session."""
    return shipped_model()


@pytest.fixture(scope="session")
def pagefind_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped wiki built once with ``search: pagefind`` instead of Material's search."""
    project = copy_project(tmp_path_factory.mktemp("pagefind"))
    use_pagefind(project)
    return build_project(project)


@pytest.fixture(scope="session")
def shipped_site(shipped_project: Path) -> Path:
    return shipped_project / "site"


from tests.browser import browser  # noqa: E402,F401 - the session's headless Chromium
