"""Throwaway PaperWiki projects for tests, in folders the test owns (``tmp_path``): copies of
the shipped wiki as a user's checkout would look, and small content trees with listing texts
written record by record, plus ways to run the command line on them."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from click.testing import CliRunner, Result

from generator.cli import main
from generator.model import Site, build_site
from generator.store import ContentPaths, load_content

REPO = Path(__file__).resolve().parent.parent


def shipped_model() -> Site:
    """The enriched model of the shipped content, built afresh (for determinism checks)."""
    return build_site(load_content(ContentPaths(REPO / "content")))


def copy_project(destination: Path, content: Path | None = None) -> Path:
    """mkdocs.yml, overrides/ and content/ (the shipped one unless given) in ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", destination / "overrides")
    shutil.copytree(content or REPO / "content", destination / "content")
    (destination / "docs").mkdir(exist_ok=True)
    return destination


def run_cli(project: Path, *args: str) -> tuple[int, str]:
    """Run ``paperwiki`` in-process against ``project``; returns (exit code, all output)."""
    result = CliRunner().invoke(main, [*args, "--config-file", str(project / "mkdocs.yml")],
                                catch_exceptions=False)
    return result.exit_code, result.output


def run_build(project: Path, prelude: str = "", args: tuple[str, ...] = (),
              **env: str) -> tuple[int, str]:
    """`paperwiki build -v` in a fresh process, as a user runs it: a build renders on several
    cores only when no other thread runs, and this test process runs servers in threads.
    ``prelude`` is Python run first in that process (to break something on purpose); ``args``
    are more options of the command."""
    command = [sys.executable, "-c", prelude + "\nfrom generator.cli import run; run()",
               "build", "--verbose", "--config-file", str(project / "mkdocs.yml"), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                            env={**os.environ, **env})
    return result.returncode, result.stdout + result.stderr


def build_project(project: Path) -> Path:
    code, output = run_build(project)
    assert code == 0, output
    return project / "site"


def tree_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes: for comparing trees."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def front_matter_of(markdown: str) -> dict[str, object]:
    """The YAML front matter of a generated page, read as MkDocs reads it."""
    return yaml.safe_load(markdown.split("---\n", 2)[1])


# -- small content trees ------------------------------------------------------------------

PAGE_HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
)


@dataclass(frozen=True)
class Rec:
    """One record of a listing page: title, abstract and an optional metadata block."""

    title: str
    abstract: str
    byline: str | None = "  • 4 authors"
    date_line: str | None = "Feb 6, 2024 4"

    def paragraphs(self) -> list[str]:
        paragraphs = [self.title, self.abstract]
        if self.date_line is not None:
            paragraphs.append(f"{self.byline}\n·\n{self.date_line}")
        return paragraphs


def listing_text(day: str, *records: Rec) -> str:
    """The text of a listing page as a browser copies it: header, capture day, records,
    paragraphs separated by one blank line and no newline after the last line."""
    paragraphs = [*PAGE_HEADER, day]
    for record in records:
        paragraphs += record.paragraphs()
    return "\n\n".join(paragraphs)


MKDOCS_YML = "site_name: PaperWiki test\n"

CONFIG_YAML = """\
# Curation settings of a small test wiki.
mirror_hosts:
  - b-61j.pages.dev
  - hf.mirrork.net
  - hf.barry1.top
related_count: 2
"""

TOPICS_YAML = """\
topics:
  - id: pretraining
    name: Pre-training
    description: How models are pretrained.
    match:
      title: ['pre-?train(ing|ed)?']
  - id: scaling-laws
    name: Scaling laws
    description: How performance changes with scale.
    parent: pretraining
    match:
      title: ['scaling laws?']
  - id: model-compression
    name: Compression
    description: Making trained models smaller.
    match:
      title: ['compression']
  - id: knowledge-distillation
    name: Knowledge distillation
    description: Training a student to mimic a teacher.
    parent: model-compression
    match:
      title: ['distill(ation|ing|ed)?']
      abstract: ['knowledge distillation']
"""

SCALING = Rec(
    "Scaling Laws for Downstream Task Performance of Large Language Models",
    "Scaling laws provide important insights that can guide the design of large language "
    "models (LLMs). Data and models are at https://b-61j.pages.dev/datasets/org/pile-subset.",
    "  • 6 authors", "Feb 6, 2024 4")
DISTILLING = Rec(
    "Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data",
    "Deploying large language models (LLMs) is challenging because they are memory "
    "inefficient. Code: https://github.com/google-research/distilling-step-by-step.",
    "  • 10 authors", "May 3, 2023 2")
PRETRAINED = Rec(
    "Knowledge Inheritance for Pre-trained Language Models",
    "Recent explorations of large-scale pre-trained language models (PLMs) have revealed the "
    "power of PLMs with huge parameters, setting off a wave of training ever-larger PLMs.",
    "OPPOer OPPO", "Jan 21 2")

BASE_LISTINGS = {
    "pretraining": ("2025-12-10", "Dec 10", (SCALING, PRETRAINED)),
    "knowledge-distillation": ("2025-10-31", "Oct 31", (DISTILLING, PRETRAINED)),
}

BASE_PAPERS = {
    "scaling-laws-for-downstream-task-performance-of-large-language-models": """\
# yaml-language-server: $schema=../../generator/schemas/paper.schema.json
title: Scaling Laws for Downstream Task Performance of Large Language Models
abstract: Scaling laws provide important insights that can guide the design of large language models (LLMs). Data and models are at https://huggingface.co/datasets/org/pile-subset.
published: 2024-02-06
upvotes: 4
authors: 6
listings:
  - pretraining
""",
    "distilling-step-by-step-outperforming-larger-language-models-with-less-training": """\
# yaml-language-server: $schema=../../generator/schemas/paper.schema.json
title: 'Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data'
abstract: 'Deploying large language models (LLMs) is challenging because they are memory inefficient. Code: https://github.com/google-research/distilling-step-by-step.'
published: 2023-05-03
upvotes: 2
authors: 10
listings:
  - knowledge-distillation
""",
    "knowledge-inheritance-for-pre-trained-language-models": """\
# yaml-language-server: $schema=../../generator/schemas/paper.schema.json
title: Knowledge Inheritance for Pre-trained Language Models
abstract: Recent explorations of large-scale pre-trained language models (PLMs) have revealed the power of PLMs with huge parameters, setting off a wave of training ever-larger PLMs.
published: 2025-01-21
upvotes: 2
organization:
  handle: OPPOer
  name: OPPO
listings:
  - pretraining
  - knowledge-distillation
""",
}


def write_listing(content: Path, listing_id: str, captured: str, text: str,
                  title: str | None = None) -> None:
    listings = content / "listings"
    listings.mkdir(parents=True, exist_ok=True)
    (listings / f"{listing_id}.txt").write_text(text, encoding="utf-8", newline="")
    (listings / f"{listing_id}.yaml").write_text(
        f"title: {title or listing_id.replace('-', ' ').capitalize()}\ncaptured: {captured}\n",
        encoding="utf-8")


def write_base_project(project: Path, with_papers: bool = True) -> Path:
    """A small valid wiki in ``project``: mkdocs.yml, config, topics, two listings and (unless
    told otherwise) the three papers importing those listings yields. Returns content/."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    content = project / "content"
    (content / "papers").mkdir(parents=True, exist_ok=True)
    (content / "config.yaml").write_text(CONFIG_YAML, encoding="utf-8")
    (content / "topics.yaml").write_text(TOPICS_YAML, encoding="utf-8")
    for listing_id, (captured, day, records) in BASE_LISTINGS.items():
        write_listing(content, listing_id, captured, listing_text(day, *records))
    if with_papers:
        for paper_id, text in BASE_PAPERS.items():
            (content / "papers" / f"{paper_id}.yaml").write_text(text, encoding="utf-8")
    return content


def tree_state(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``root`` (hidden ones too): its SHA-256 and modification time."""
    return {path.relative_to(root).as_posix(): (hashlib.sha256(path.read_bytes()).hexdigest(),
                                                path.stat().st_mtime_ns)
            for path in sorted(root.rglob("*")) if path.is_file()}


def run_paperwiki(project: Path, *args: str) -> Result:
    """``paperwiki <args> --config-file <project>/mkdocs.yml`` in-process; exceptions are kept
    in the result (not raised) so tests can assert there was no traceback."""
    return CliRunner().invoke(main, [*args, "--config-file", str(project / "mkdocs.yml")])


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the file with ``new``; ``old`` must be there."""
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")
