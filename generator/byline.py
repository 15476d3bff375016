"""Who wrote a paper and where to read it, as pages and head tags show it.

Author names and addresses come from the Hugging Face API or from curators, so every name goes
through ``safehtml.text_html`` and every outside link through ``safehtml.link_html`` (http
and https only). Only the wrappers around them, constants of ours, are written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from . import arxiv
from .arxiv import is_arxiv_id
from .records import Paper
from .safehtml import link_html, text_html
from .text import plain_text

SHOWN_AUTHORS = 5  # a longer list folds after these
FOLD_AFTER = 8  # lists up to this long are shown whole: folding two names helps nobody
LIST_AUTHORS = 3  # paper lists name this many, then "et al."


def author_link(name: str, index_href: str) -> str:
    """A name linking to the index filtered to that author's papers. The name in the address
    is percent-encoded whole (``_`` and ``~`` too), so it holds nothing Markdown reads."""
    query = quote(plain_text(name), safe="").replace("_", "%5F").replace("~", "%7E")
    return f'<a href="{index_href}?author={query}">{text_html(name)}</a>'



def authors_html(paper: Paper, index_href: str = "../") -> str | None:
    """The author list of a paper page: all names when few, else the first few and the rest
    folded in a <details> that opens without script."""
    if not paper.authors:
        return None
    names = [author_link(name, index_href) for name in paper.authors]
    if len(names) <= FOLD_AFTER:
        return '<div class="pw-authors">' + ", ".join(names) + "</div>"
    shown, rest = names[:SHOWN_AUTHORS], names[SHOWN_AUTHORS:]
    return ('<div class="pw-authors">' + ", ".join(shown) + ' <details class="pw-authors__more">'
            f"<summary>and {len(rest)} more</summary>" + ", ".join(rest) + "</details></div>")


def short_byline(paper: Paper) -> str | None:
    """First authors as plain text, for lists: "A, B, C et al."."""
    if not paper.authors:
        return None
    names = ", ".join(plain_text(name) for name in paper.authors[:LIST_AUTHORS])
    return names + (" et al." if len(paper.authors) > LIST_AUTHORS else "")


@dataclass(frozen=True)
class PaperLink:
    kind: str  # arxiv, pdf, hub, code, project
    label: str  # a glyph as its icon where common fonts have one: no image is loaded
    url: str


def paper_links(paper: Paper) -> tuple[PaperLink, ...]:
    """The row of links under a paper's title, in the order readers look for them."""
    links = []
    if paper.arxiv and is_arxiv_id(paper.arxiv):  # always, for a file that passed the schema
        links += [PaperLink("arxiv", "arXiv", arxiv.abs_url(paper.arxiv)),
                  PaperLink("pdf", "⤓ PDF", arxiv.pdf_url(paper.arxiv)),
                  PaperLink("hub", "Hugging Face", arxiv.hub_url(paper.arxiv))]
    if paper.code:
        stars = f" ★ {paper.stars:,}" if paper.stars is not None else ""
        links.append(PaperLink("code", "⌨ Code" + stars, paper.code))
    if paper.project_page:
        links.append(PaperLink("project", "↗ Project page", paper.project_page))
    return tuple(links)


ARXIV_KINDS = frozenset({"arxiv", "pdf", "hub"})


def links_html(links: tuple[PaperLink, ...]) -> str | None:
    """The row of links, each a small button (no separators between them: the stylesheet
    spaces them). arXiv, PDF and Hugging Face addresses are ours, built from an id the
    schema allows only letters, digits, ``.``, ``-`` and ``/`` in, with constant labels: they
    are written directly (the sanitiser would cost a second at 10,000 papers). Code and
    project addresses come from outside and pass ``link_html``."""
    if not links:
        return None
    return '<p class="pw-links">' + "".join(
        f'<a href="{link.url}">{link.label}</a>' if link.kind in ARXIV_KINDS
        else link_html(link.url, link.label) for link in links) + "</p>"


def highwire_tags(paper: Paper) -> dict[str, object]:
    """The ``citation_*`` meta tags Google Scholar and Zotero read, as plain text values
    (the theme escapes them): title, one entry per author, date, arXiv id, PDF."""
    tags: dict[str, object] = {"title": plain_text(paper.title)}
    if paper.authors:
        tags["authors"] = [plain_text(name) for name in paper.authors]
    if paper.published:
        tags["publication_date"] = paper.published.strftime("%Y/%m/%d")
    if paper.arxiv:
        tags["arxiv_id"] = paper.arxiv
        tags["pdf_url"] = arxiv.pdf_url(paper.arxiv)
        tags["doi"] = arxiv.doi(paper.arxiv)
    return tags


def same_as(paper: Paper) -> list[str]:
    """Other addresses of the same paper, for JSON-LD ``sameAs``."""
    return [arxiv.abs_url(paper.arxiv), arxiv.hub_url(paper.arxiv)] if paper.arxiv else []
