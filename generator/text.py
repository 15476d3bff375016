"""Untrusted text (titles, abstracts) as plain text: for page titles, navigation, feeds,
search and exports, where no markup can go.

Titles and abstracts come from scraped pages and may contain ``<script>``, Markdown syntax,
or LaTeX. LaTeX between ``$…$`` is converted to Unicode here; ``safehtml.py`` is where the
same text becomes HTML on a page, with its math typeset.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

# Same shape as arithmatex's inline math: no space just inside the dollars, no escaped dollar.
MATH = re.compile(r"(?<![\\$])\$(?![\s$])((?:\\.|[^\\$])+?)(?<![\s\\])\$")


@lru_cache(maxsize=65_536)  # feeds, exports, facets and pages all ask for the same titles
def plain_text(text: str) -> str:
    """Readable plain text: math turned into Unicode (ℬ-Coder, α, x²), whitespace collapsed."""
    return "".join(_latex_to_unicode(part) if index % 2 else part
                   for index, part in enumerate(math_split(text))).strip()


def math_split(text: str) -> list[str]:
    """``text`` on one line, cut into plain parts (even places) and ``$…$`` math (odd places).

    Most titles and abstracts hold no dollar sign: testing for one spares them the
    expression, which took ten microseconds to scan an abstract."""
    line = _one_line(text)
    return MATH.split(line) if "$" in line else [line]


def html_text(text: str) -> str:
    """Plain text for places MkDocs inserts without escaping (page titles, nav, meta tags)."""
    return html.escape(plain_text(text), quote=True)


def _one_line(text: str) -> str:
    """Whitespace runs as single spaces, none at the ends. Most text already is, and saying so
    is quicker than splitting and joining it: every whitespace character but the space is
    unprintable."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def replacer(table: dict[str, str]) -> Callable[[str], str]:
    """A function replacing every character of ``table`` by its value in one pass.

    str.translate to strings costs ten microseconds an abstract, and most text needs no
    replacement at all: a search for the characters first, which takes one, spares it."""
    wanted = re.compile("[" + re.escape("".join(table)) + "]")
    mapping = str.maketrans(table)
    return lambda text: text.translate(mapping) if wanted.search(text) else text


@lru_cache(maxsize=4096)
def _latex_to_unicode(latex: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text  # slow to import; most titles have no math

    try:
        return LatexNodes2Text(math_mode="text").latex_to_text(latex).strip() or latex
    except Exception:  # noqa: BLE001 - any LaTeX a parser rejects is still readable as typed
        return latex


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut, for descriptions and previews."""
    text = _one_line(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
