"""The site builds the same with ProperDocs, the maintained fork of MkDocs 1.x, as with MkDocs.

MkDocs 1.x gets no more releases; ProperDocs reads the same mkdocs.yml and runs the same
plugins. If the two ever differ in more than the generator tag, moving is no longer a
one-line change, and this test says where.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.project import copy_project, tree_files

GENERATOR_TAG = re.compile(rb'<meta name="generator" content="[^"]*">')


def _build(project: Path, builder: str) -> Path:
    site = project / f"site-{builder}"
    command = [sys.executable, "-m", builder, "build", "--strict", "--quiet",
               "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(site)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1",
           "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_properdocs_builds_the_same_site_as_mkdocs(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    mkdocs, properdocs = (tree_files(_build(project, builder))
                          for builder in ("mkdocs", "properdocs"))
    assert sorted(mkdocs) == sorted(properdocs)
    assert len(mkdocs) > 300
    tags = {GENERATOR_TAG.search(properdocs[name]).group(0)
            for name in properdocs if name.endswith(".html")}
    assert len(tags) == 1 and b"ProperDocs" in tags.pop()
    differing = [name for name in mkdocs
                 if GENERATOR_TAG.sub(b"", mkdocs[name]) != GENERATOR_TAG.sub(b"", properdocs[name])]
    assert differing == []
