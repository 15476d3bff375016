"""Pass the generated pages' HTML blocks around Python-Markdown instead of through it.

Below their headings, the pages the generator writes are HTML it made itself (cards, author
lists, abstracts, BibTeX), which Python-Markdown can only pass through: it still feeds every
tag to an HTML parser to find where each block ends, half of what converting a paper page
costs. Before conversion, each block that is whole on its own (a run of lines between blank
lines that starts with a block-level tag and opens and closes every block-level tag it
uses) is set aside and a comment holds its place; after conversion the block goes back where
its comment is. Browsers see the same elements, with the same text.

A block that is not whole (a curator's note holding a blank line in a code block) is left
for Python-Markdown, which reads it as it always did; so is every block of a page with a
fenced code block, whose lines may look like HTML and are text.
"""

from __future__ import annotations

import re
from collections import Counter

_BLOCK_TAGS = ("address|article|aside|blockquote|details|div|dl|fieldset|figure|footer|form|"
               "h[1-6]|header|hr|nav|ol|p|pre|section|table|ul")
_STARTS_WITH_BLOCK = re.compile(rf"<(?:{_BLOCK_TAGS})[\s>/]")
_BLOCK_TAG = re.compile(rf"<(/?)({_BLOCK_TAGS})[\s>/]")
_VOID = frozenset({"hr"})
_PLACEHOLDER = re.compile(r"<!--paperwiki-block-(\d+)-->")
_BLANK_LINES = re.compile(r"(\n[ \t]*\n)")
_MARKDOWN_ATTRIBUTE = re.compile(r"\smarkdown(?:=|\s|>)")
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """``markdown`` with each whole HTML block replaced by a placeholder, and the blocks."""
    blocks: list[str] = []
    if _FENCE.search(markdown):
        return markdown, blocks
    pieces = _BLANK_LINES.split(markdown)  # chunks, with the blank lines between them
    for index in range(0, len(pieces), 2):
        if _is_whole_block(pieces[index]):
            blocks.append(pieces[index])
            pieces[index] = f"<!--paperwiki-block-{len(blocks) - 1}-->"
    return ("".join(pieces) if blocks else markdown), blocks


def put_back(html: str, blocks: list[str]) -> str:
    """The converted page with every block back in its placeholder's place."""
    if not blocks:
        return html
    return _PLACEHOLDER.sub(lambda match: blocks[int(match.group(1))], html)


def _is_whole_block(chunk: str) -> bool:
    if not _STARTS_WITH_BLOCK.match(chunk) or not chunk.rstrip().endswith(">"):
        return False
    if "markdown" in chunk and _MARKDOWN_ATTRIBUTE.search(chunk):
        return False  # md_in_html: its content is Markdown to convert
    balance: Counter[str] = Counter()
    for closing, tag in _BLOCK_TAG.findall(chunk):
        if tag not in _VOID:
            balance[tag] += -1 if closing else 1
    return not any(balance.values())
