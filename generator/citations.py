"""BibTeX for every paper: one ``papers.bib``, and the entry each paper page shows under
the paper's citation key (assigned in the model, see ``citekeys.py``).

Author names are not in the listings (only a count or an organisation), so an organisation
becomes a corporate author (``author = {{DAMO Academy}}``) and a count becomes a note.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import PaperEntry, Site
from .outputs import BIBLIOGRAPHY
from .text import math_split, replacer

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_TEXT_SPECIALS = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
                  "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "\\": r"\textbackslash{}"}
# Inside math, % still starts a LaTeX comment and # and & are still errors; \% \# \& are valid.
_MATH_UNSAFE = re.compile(r"(?<!\\)([%#&])")


def page_url(site_url: str, section: str, item_id: str) -> str:
    """The address of a generated page; feeds, citations and exports all point at the same one."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    return f"{base}{section}/{item_id}/"


def bibtex_text(text: str) -> str:
    """A BibTeX field value: ``$…$`` math kept as written, every special character outside
    math escaped, so the entry compiles and the title reads as the authors typed it."""
    out = []
    for index, part in enumerate(math_split(text)):
        if index % 2 and _balanced(part):
            out.append("$" + _MATH_UNSAFE.sub(r"\\\1", part) + "$")
        elif index % 2:
            out.append(_escape("$" + part + "$"))
        else:
            out.append(_escape(part))
    return "".join(out)


_escape = replacer(_TEXT_SPECIALS)


def _balanced(latex: str) -> bool:
    """Unbalanced braces would swallow the rest of the entry, so such math is shown as text."""
    depth = 0
    for char in re.sub(r"\\.", "", latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@lru_cache(maxsize=40_000)  # `paperwiki serve` renders them all again after each edit
def bibtex_entry(entry: PaperEntry, site_url: str, key: str, with_abstract: bool = True) -> str:
    """One ``@misc`` entry; ``key`` is the site's citation key, so every place agrees.

    Paper pages leave the abstract out: it is already on the page, and would double its size."""
    paper = entry.paper
    url = page_url(site_url, "papers", paper.id)
    fields = [("title", "{{" + bibtex_text(paper.title) + "}}")]  # inner braces keep capitals
    if paper.organization:  # double braces: a corporate name, not "Last, First"
        fields.append(("author", "{{" + bibtex_text(paper.organization.name) + "}}"))
    if paper.published:  # month macros are bare words, so styles can abbreviate or translate
        fields += [("year", f"{{{paper.published.year}}}"),
                   ("month", MONTHS[paper.published.month - 1])]
    fields += [("howpublished", f"{{\\url{{{url}}}}}"), ("url", f"{{{url}}}")]
    if not paper.organization and paper.authors:
        fields.append(("note", f"{{{paper.authors} author{'s' if paper.authors != 1 else ''}}}"))
    if with_abstract:
        fields.append(("abstract", "{" + bibtex_text(paper.abstract) + "}"))
    body = "\n".join(f"  {name} = {value}," for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def render_bibliography(site: Site, site_url: str) -> dict[str, str]:
    """``papers.bib``: every paper, newest first, in UTF-8 (titles keep their accents and
    symbols; biber and BibTeX with LaTeX's utf8 input both read it)."""
    keys = site.citation_keys
    header = (f"% PaperWiki: {len(site.papers)} papers, newest first.\n"
              "% Keys are <first significant title word><year>; papers sharing one get a, b, c …"
              " in order of paper id.\n\n")
    body = "\n".join(bibtex_entry(entry, site_url, keys[pid]) for pid, entry in site.papers.items())
    return {BIBLIOGRAPHY: header + body}
