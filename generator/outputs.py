"""Where every generated file goes, in one place: the renderers take their paths from here,
and ``checks.py`` refuses ids whose page would land on one of the wiki's own pages.

A paper file ``index.yaml`` would otherwise replace "All papers", an alias ``index`` would turn
it into a redirect, and a topic ``index`` would replace the topics overview, all without a
word. Keeping the paths here, rather than as strings in each renderer, means a new page the
generator writes is reserved the moment it exists.

Paths are relative to docs/. Two paths clash when MkDocs serves them at the same address:
``stats.md`` and ``stats/index.md`` both become ``stats/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from posixpath import basename, dirname, join, normpath, relpath, splitext

SECTIONS = {"paper": "papers", "topic": "topics", "listing": "listings"}

HOME = "index.md"
STATS = "stats.md"
SEARCH = "search.md"  # only with Pagefind search (see search.py)
FACETS = "papers/facets.json"
ALL_FEED = "feeds/all.xml"
PAPERS_EXPORT = "papers.json"
TOPICS_EXPORT = "topics.json"
BIBLIOGRAPHY = "papers.bib"
NAV_FILE = ".nav.yml"  # the navigation, for builders without our plugin (MkDocs skips dotfiles)


def index_page(kind: str) -> str:
    """The overview of a section: all papers, all topics, all listings."""
    return f"{SECTIONS[kind]}/index.md"


def page(kind: str, item_id: str) -> str:
    """The page of one paper, topic or listing (a paper's old id or alias too: its redirect)."""
    return f"{SECTIONS[kind]}/{item_id}.md"


def topic_feed(topic_id: str) -> str:
    return f"feeds/topics/{topic_id}.xml"


# Every file written whatever the content holds; each per-item path above is built from an id.
FIXED = (HOME, *(index_page(kind) for kind in SECTIONS), STATS, SEARCH, FACETS, ALL_FEED,
         PAPERS_EXPORT, TOPICS_EXPORT, BIBLIOGRAPHY, NAV_FILE)


def address(path: str) -> str:
    """Where MkDocs serves a file: a page at its folder address, any other file as it is."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return stem


def page_url(site_url: str, kind: str, item_id: str) -> str:
    """The address of one paper's, topic's or listing's page, absolute when ``site_url`` is
    given: feeds, citations, exports and structured data all point at the same one."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    return base + address(page(kind, item_id))


def relative_address(from_page: str, to_path: str) -> str:
    """How the page made from ``from_page`` links to ``to_path``, written relative to
    ``from_page``'s folder as between files of docs/ (``../topics/rl.md``): the link MkDocs
    would make of it, for the links we write as HTML ourselves."""
    return href(from_page, normpath(join(dirname(from_page), to_path)))


def href(from_page: str, to_file: str) -> str:
    """How the page made from ``from_page`` links to the file ``to_file`` (both paths inside
    docs/): ``href("papers/a.md", "topics/rl.md")`` is ``../../topics/rl/``."""
    target = address(to_file)
    base = address(from_page) or "."
    if not base.endswith("/"):  # a page that is a file: links are relative to its folder
        base = dirname(base) or "."
    link = relpath(target or ".", base.rstrip("/") or ".")
    if link == ".":
        return "./"
    return link + "/" if target.endswith("/") or not target else link


_FIXED_ADDRESSES = frozenset(map(address, FIXED))


def item_outputs(kind: str, item_id: str) -> tuple[str, ...]:
    """Every file one paper, topic or listing gets."""
    return (page(kind, item_id), topic_feed(item_id)) if kind == "topic" else (page(kind, item_id),)


@lru_cache(maxsize=65_536)  # asked for every paper and alias on every build
def reserved_address(kind: str, item_id: str) -> str | None:
    """The address of the wiki's own file that an item with this id would replace, if any."""
    return next((address(path) for path in item_outputs(kind, item_id)
                 if address(path) in _FIXED_ADDRESSES), None)


def reserved_ids(kind: str) -> tuple[str, ...]:
    """The ids a paper, topic or listing cannot have, for messages and the curation guide."""
    candidates = {splitext(basename(path))[0] for path in FIXED}
    return tuple(sorted(name for name in candidates if reserved_address(kind, name)))


def clashes(files: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(path, first origin, second origin) for every file that a second origin also writes,
    counting two paths served at one address as the same file; ``files`` is (path, origin)."""
    owners: dict[str, str] = {}
    found = []
    for path, origin in files:
        key = address(path)
        if key in owners:
            found.append((path, owners[key], origin))
        else:
            owners[key] = origin
    return found
