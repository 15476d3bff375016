"""Relative links in curator Markdown must lead to a page of the wiki; ``check`` makes sure.

A note is shown on its paper's page (``papers/<id>.md``), so a relative link in it is written
as between files of docs/: ``other-paper.md``, ``../topics/rl.md``, ``../papers.bib``, or as
the address itself (``../topics/rl/``). The page turns it into an address on its own
(``safehtml.curated_html``), which MkDocs never sees: a link to nowhere would be published
without a word, and a strict build used to name only the generated page. Here each link is
resolved as the page resolves it and looked up among the files the wiki will have; a link to
nowhere is a problem naming the YAML file and the line of the note. (Only page paths are
judged: a garbled address such as ``java script:x`` is left to show as a dead link.)
"""

from __future__ import annotations

from posixpath import dirname, join, normpath
from urllib.parse import unquote, urlsplit

from .errors import Problem
from .outputs import FIXED, address, item_outputs, page
from .records import Content
from .safehtml import wiki_links

HINT = ("link a paper as `<paper id>.md`, a topic as `../topics/<topic id>.md`, a listing as "
        "`../listings/<listing id>.md`, or write a full https:// address")


def link_problems(content: Content) -> list[Problem]:
    """One problem for every relative link of a note that leads to no file of the wiki."""
    known = wiki_files(content)
    addresses = {address(path) for path in known}
    problems = []
    for paper in content.papers:
        if not paper.note:
            continue
        from_page = page("paper", paper.id)
        problems += [Problem(paper.source, paper.line_of("note"),
                             f"note: the link {link!r} leads to no page of the wiki", HINT)
                     for link in wiki_links(paper.note) if not _garbled_address(link)
                     and not _leads_to_a_page(link, from_page, known, addresses)]
    return problems


def wiki_files(content: Content) -> set[str]:
    """Every file of docs/ a link may lead to (paths relative to docs/): the wiki's own pages
    and files, every shown paper (its old ids and duplicates redirect), topic and listing,
    and the hand-written pages."""
    papers = [paper for paper in content.papers if not paper.hidden]
    ids = {paper.id for paper in papers} | {alias for paper in papers for alias in paper.aliases}
    files = {*FIXED, *content.pages, *(page("paper", paper_id) for paper_id in ids),
             *(page("listing", listing.id) for listing in content.listings)}
    files.update(path for topic in content.topics for path in item_outputs("topic", topic.id))
    return files


def _garbled_address(link: str) -> bool:
    """An address whose scheme is no scheme (``java script:…``): not meant as a page of the
    wiki, and shown as a link leading nowhere, which harms no one; it is not judged here."""
    return ":" in link.split("/", 1)[0]


def _leads_to_a_page(link: str, from_page: str, known: set[str], addresses: set[str]) -> bool:
    path = unquote(urlsplit(link).path)
    target = normpath(join(dirname(from_page), path))
    if target == "." or target in known:
        return True
    return target + "/" in addresses if path.endswith("/") else False
