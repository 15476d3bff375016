"""Generated HTML blocks passed around Python-Markdown convert to the same page."""

from __future__ import annotations

import re

import markdown
import pytest
import yaml

from generator.mkdocs.rawhtml import put_back, set_aside
from generator.model import Site
from generator.render import render_site
from tests.project import REPO

CONFIG = yaml.safe_load(
    (REPO / "mkdocs.yml").read_text("utf-8").split("markdown_extensions:", 1)[1]
    .split("\n\n", 1)[0])


def _convert(text: str) -> str:
    names = [next(iter(item)) if isinstance(item, dict) else item for item in CONFIG]
    configs = {next(iter(item)): item[next(iter(item))] for item in CONFIG
               if isinstance(item, dict)}
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


def _same_page(text: str) -> tuple[str, str, list[str]]:
    direct = _convert(text)
    kept, blocks = set_aside(text)
    return direct, put_back(_convert(kept), blocks), blocks


def _without_spacing(html: str) -> str:
    return re.sub(r"\s+", "", html)


def test_generated_pages_convert_to_the_same_html(site_model: Site) -> None:
    pages = render_site(site_model)
    papers = sorted(path for path in pages if path.startswith("papers/"))[:40]
    for path in [*papers, "index.md", "topics/knowledge-distillation.md",
                 "listings/knowledge-distillation.md"]:
        text = pages[path].split("\n---\n", 1)[1]
        direct, passed_around, blocks = _same_page(text)
        assert len(blocks) >= (5 if path in papers else 1), path  # title, abstract, topics, …
        assert _without_spacing(passed_around) == _without_spacing(direct), path


@pytest.mark.parametrize("text", [
    # a note's code block with a blank line: the <div> is not whole in either chunk
    '<div class="pw-note">\n<pre><code>a\n\nb &lt;i&gt;\n</code></pre>\n</div>\n',
    # a fenced code block whose lines look like HTML: text, not a block
    "## Code\n\n```\n<div>\n\n<p>x</p>\n\n</div>\n```\n",
    # Markdown inside an HTML block (md_in_html)
    '<div markdown>\n\n*emphasis*\n\n</div>\n',
    # an inline tag first: Python-Markdown makes a paragraph of it
    '<a href="x/">a link</a> and *text*\n\n<span>x</span>\n',
])
def test_blocks_that_are_not_whole_are_left_to_markdown(text: str) -> None:
    direct, passed_around, blocks = _same_page(text)
    assert blocks == [] or all(block.startswith(("<p>", "<div", "<ol", "<ul", "<pre"))
                               for block in blocks)
    assert passed_around == direct


def test_whole_blocks_are_set_aside_and_put_back_in_place() -> None:
    text = ("<h1 data-x>T</h1>\n<p class=\"m\">1 · 2</p>\n\n## Abstract\n\n<p>A &amp; B</p>\n\n"
            "## Topics { data-search-exclude }\n\n<ul>\n<li><a href=\"../t/\">T</a></li>\n</ul>\n")
    kept, blocks = set_aside(text)
    assert blocks == ['<h1 data-x>T</h1>\n<p class="m">1 · 2</p>', "<p>A &amp; B</p>",
                      '<ul>\n<li><a href="../t/">T</a></li>\n</ul>\n']
    assert "<p>" not in kept and kept.count("<!--paperwiki-block-") == 3
    direct, passed_around, _ = _same_page(text)
    assert _without_spacing(passed_around) == _without_spacing(direct)
    assert '<h2 id="abstract">' in passed_around
