r"""BibTeX for every paper: one ``papers.bib``, and the entry each paper page shows under
the paper's citation key (assigned in the model, see ``citekeys.py``).

Authors are named when known (``author = {A and B and …}``); otherwise an organisation becomes
a corporate author (``author = {{DAMO Academy}}``) and a count becomes a note. A paper with an
arXiv id is cited as arXiv's e-print: ``eprint``, ``archivePrefix``, its DOI and address.

Text comes from strangers, so no field can carry LaTeX that does anything but typeset: braces
outside math become ``\textbraceleft{}``/``\textbraceright{}`` (BibTeX counts braces even
after a backslash, so ``\}`` alone would unbalance the entry), and math is kept only when
every command in it is on a list of typesetting commands; other math is written as text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import arxiv
from .model import PaperEntry, Site
from .outputs import BIBLIOGRAPHY, page_url
from .text import math_split, plain_text, replacer

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_TEXT_SPECIALS = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                  "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  "\\": r"\textbackslash{}"}
# Inside math, % still starts a LaTeX comment and # and & are still errors; \% \# \& are valid.
_MATH_UNSAFE = re.compile(r"(?<!\\)([%#&])")


def bibtex_text(text: str) -> str:
    """A BibTeX field value: ``$…$`` math kept as written, every special character outside
    math escaped, so the entry compiles and the title reads as the authors typed it."""
    out = []
    for index, part in enumerate(math_split(text)):
        if index % 2 and _balanced(part) and _typesetting_only(part):
            out.append("$" + _MATH_UNSAFE.sub(r"\\\1", part) + "$")
        elif index % 2:
            out.append(_escape("$" + part + "$"))
        else:
            out.append(_escape(part))
    return "".join(out)


_escape = replacer(_TEXT_SPECIALS)


# Commands that only typeset. Anything else (\input, \write18, \def, \catcode, \url …)
# makes the whole span text.
SAFE_COMMANDS = frozenset("""
alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta
Lambda Xi Pi Sigma Upsilon Phi Psi Omega mathcal mathbf mathrm mathit mathbb mathsf mathtt
mathfrak boldsymbol bm text textbf textit textrm textsf texttt frac dfrac tfrac sqrt sum prod
int oint log ln exp sin cos tan min max arg argmax argmin lim sup inf infty cdot cdots ldots
dots times div pm mp leq geq le ge neq ne approx sim simeq propto equiv in notin subset
subseteq supset cup cap forall exists partial nabla to rightarrow leftarrow leftrightarrow
Rightarrow Leftarrow mapsto hat tilde bar vec dot ddot overline underline widehat widetilde
left right big Big bigl bigr langle rangle lvert rvert lVert rVert vert Vert mid ell emptyset
circ star ast dagger prime top perp quad qquad cdotp colon mathop operatorname
""".split())
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def _typesetting_only(latex: str) -> bool:
    r"""Whether every command in ``latex`` is a listed typesetting command or an escaped
    symbol (``\{``, ``\,``); TeX's ``^^`` character codes could spell any other command."""
    if "^^" in latex:
        return False
    return all(name in SAFE_COMMANDS or not name.isalpha() for name in _COMMAND.findall(latex))


def _balanced(latex: str) -> bool:
    r"""Unbalanced braces would swallow the rest of the entry, so such math is shown as text.
    Both counts must balance: TeX's, which skips ``\\{``, and BibTeX's, which does not."""
    return _depth_ok(re.sub(r"\\.", "", latex)) and _depth_ok(latex)


def _depth_ok(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@lru_cache(maxsize=40_000)  # `paperwiki serve` renders them all again after each edit
def bibtex_entry(entry: PaperEntry, site_url: str, key: str, with_abstract: bool = True) -> str:
    """One ``@misc`` entry; ``key`` is the site's citation key, so every place agrees.

    Paper pages leave the abstract out: it is already on the page, and would double its size."""
    paper = entry.paper
    url = page_url(site_url, "paper", paper.id)
    fields = [("title", "{{" + bibtex_text(paper.title) + "}}")]  # inner braces keep capitals
    if paper.authors:
        fields.append(("author", "{" + " and ".join(map(_name, paper.authors)) + "}"))
    elif paper.organization:  # double braces: a corporate name, not "Last, First"
        fields.append(("author", "{{" + bibtex_text(paper.organization.name) + "}}"))
    if paper.published:  # month macros are bare words, so styles can abbreviate or translate
        fields += [("year", f"{{{paper.published.year}}}"),
                   ("month", MONTHS[paper.published.month - 1])]
    if paper.arxiv:
        fields += [("eprint", f"{{{paper.arxiv}}}"), ("archivePrefix", "{arXiv}"),
                   ("doi", f"{{{arxiv.doi(paper.arxiv)}}}"),
                   ("url", f"{{{arxiv.abs_url(paper.arxiv)}}}")]
    else:
        fields += [("howpublished", f"{{\\url{{{url}}}}}"), ("url", f"{{{url}}}")]
    notes = [f"PaperWiki: \\url{{{url}}}"] if paper.arxiv else []
    if not paper.authors and not paper.organization and paper.author_count:
        notes.append(f"{paper.author_count} author{'s' if paper.author_count != 1 else ''}")
    if notes:
        fields.append(("note", "{" + ". ".join(notes) + "}"))
    if with_abstract:
        fields.append(("abstract", "{" + bibtex_text(paper.abstract) + "}"))
    body = "\n".join(f"  {name} = {value}," for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def _name(name: str) -> str:
    """One author for BibTeX's name list. A name holding a comma or the word "and" would be
    split or reordered by BibTeX, so it is braced whole (read as one last name)."""
    text = bibtex_text(plain_text(name))
    if "," in text or re.search(r"(?i)\band\b", text):
        return "{" + text + "}"
    return text


def render_bibliography(site: Site, site_url: str) -> dict[str, bytes]:
    """``papers.bib``: every paper, newest first, in UTF-8 (titles keep their accents and
    symbols; biber and BibTeX with LaTeX's utf8 input both read it). Bytes, from each entry's
    bytes, like ``export.render_exports`` and for the same reason."""
    keys = site.citation_keys
    header = (f"% PaperWiki: {len(site.papers)} papers, newest first.\n"
              "% Keys are <first author's last name><year><first significant title word>, or"
              " <word><year>\n% without authors; papers sharing one get a, b, c … in order of"
              " paper id.\n\n")
    body = b"\n".join(_bibtex_bytes(entry, site_url, keys[pid])
                      for pid, entry in site.papers.items())
    return {BIBLIOGRAPHY: header.encode("utf-8") + body}


@lru_cache(maxsize=20_000)  # as bibtex_entry's, for the same reason
def _bibtex_bytes(entry: PaperEntry, site_url: str, key: str) -> bytes:
    return bibtex_entry(entry, site_url, key).encode("utf-8")
