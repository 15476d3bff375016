"""BibTeX for every paper: one ``papers.bib`` and the citation key each paper page can show.

Keys are what people paste into their manuscripts, so they must not change under them. A key
is ``<first significant title word><year>`` — lowercase ASCII, e.g. ``bcoder2023`` — derived
from the paper alone, so adding a paper never renames another one unless the two share that
base key. Papers that share a base key are all suffixed ``a``, ``b``, ``c`` … in order of paper
id (``scaling2024a``, ``scaling2024b``), like author-year styles do.

Author names are not in the listings (only a count or an organisation), so an organisation
becomes a corporate author (``author = {{DAMO Academy}}``) and a count becomes a note.
"""

from __future__ import annotations

import itertools
import re
import string
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from .model import PaperEntry, Site
from .text import MATH, plain_text

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
UNDATED_YEAR = "nodate"  # spelt out: a bare "nd" reads as part of the word ("morend")
KEY_WORD_LIMIT = 24
FALLBACK_WORD = "paper"
# Words that say nothing about a paper when they open its title.
STOP_WORDS = frozenset(
    "a an the and or but nor of on in at to for from by with into onto via as is are was be "
    "do does can how what when where why which who whom this that these those it its your our "
    "we you not no toward towards about over under beyond through".split())
_TEXT_SPECIALS = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
                  "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "\\": r"\textbackslash{}"}
# Inside math, % still starts a LaTeX comment and # and & are still errors; \% \# \& are valid.
_MATH_UNSAFE = re.compile(r"(?<!\\)([%#&])")


def page_url(site_url: str, section: str, item_id: str) -> str:
    """The address of a generated page; feeds, citations and exports all point at the same one."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    return f"{base}{section}/{item_id}/"


def citation_keys(site: Site) -> dict[str, str]:
    """Every paper's key, unique across the site; in site order (newest first).

    Pages, the bibliography and the exports all need the keys of the same site: they are
    computed once per site (a Site is immutable)."""
    if _last_keys and _last_keys[0] is site:
        return _last_keys[1]
    keys = _citation_keys(site)
    _last_keys[:] = [site, keys]
    return keys


_last_keys: list = []


def _citation_keys(site: Site) -> dict[str, str]:
    groups: dict[str, list[str]] = defaultdict(list)
    for paper_id, entry in site.papers.items():
        groups[base_key(entry)].append(paper_id)
    taken = set(groups)
    keys: dict[str, str] = {}
    for base, paper_ids in sorted(groups.items()):
        if len(paper_ids) == 1:
            keys[paper_ids[0]] = base
            continue
        suffixes = (s for s in _suffixes() if base + s not in taken)
        for paper_id, suffix in zip(sorted(paper_ids), suffixes):
            keys[paper_id] = base + suffix
            taken.add(base + suffix)
    return {paper_id: keys[paper_id] for paper_id in site.papers}


def base_key(entry: PaperEntry) -> str:
    """The key before disambiguation: first significant title word and year (``nodate`` if none)."""
    published = entry.paper.published
    return _key_word(entry.paper.title) + (str(published.year) if published else UNDATED_YEAR)


def _key_word(title: str) -> str:
    """First whitespace-separated word that has a letter and is not a stop word, reduced to
    ASCII letters and digits (``ℬ-Coder:`` → ``bcoder``); math in it counts as its text."""
    for word in plain_text(title).split():
        ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        reduced = re.sub(r"[^a-z0-9]", "", ascii_word.lower())[:KEY_WORD_LIMIT]
        if re.search(r"[a-z]", reduced) and reduced not in STOP_WORDS:
            return reduced
    return FALLBACK_WORD


def _suffixes() -> Iterator[str]:
    """a, b, …, z, aa, ab, … — never runs out, always in the same order."""
    for width in itertools.count(1):
        for letters in itertools.product(string.ascii_lowercase, repeat=width):
            yield "".join(letters)


def bibtex_text(text: str) -> str:
    """A BibTeX field value: ``$…$`` math kept as written, every special character outside
    math escaped, so the entry compiles and the title reads as the authors typed it."""
    parts = MATH.split(" ".join(text.split()))
    out = []
    for index, part in enumerate(parts):
        if index % 2 and _balanced(part):
            out.append("$" + _MATH_UNSAFE.sub(r"\\\1", part) + "$")
        elif index % 2:
            out.append(_escape("$" + part + "$"))
        else:
            out.append(_escape(part))
    return "".join(out)


_ESCAPES = str.maketrans(_TEXT_SPECIALS)


def _escape(text: str) -> str:
    """str.translate rather than a loop per character: it runs over every abstract."""
    return text.translate(_ESCAPES)


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
    """One ``@misc`` entry; ``key`` comes from ``citation_keys`` so every place agrees.

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
    keys = citation_keys(site)
    header = (f"% PaperWiki: {len(site.papers)} papers, newest first.\n"
              "% Keys are <first significant title word><year>; papers sharing one get a, b, c …"
              " in order of paper id.\n\n")
    body = "\n".join(bibtex_entry(entry, site_url, keys[pid]) for pid, entry in site.papers.items())
    return {"papers.bib": header + body}
