"""The wiki as data: ``papers.json`` and ``topics.json`` for scripts, notebooks and mirrors.

The files carry what the pages show, in the pages' order (papers newest first, topics as
curated), with the curated text as written (LaTeX and all) beside a plain-text title. They are
versioned: a consumer checks ``version`` and a field is only ever added under the same number;
renaming or removing one means version 2. Output is byte-identical for the same content, so
the files diff cleanly and caches stay valid.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .model import PaperEntry, Site, TopicEntry
from .outputs import PAPERS_EXPORT, TOPICS_EXPORT, page_url
from .text import plain_text

FORMAT_VERSION = 1


def render_exports(site: Site, site_url: str) -> dict[str, bytes]:
    """``papers.json`` and ``topics.json`` in UTF-8, keyed by their path relative to docs/.

    Bytes, put together from each record's bytes: as one text, the 30 MB of papers.json at
    ten thousand papers were copied twice and encoded once more on every `paperwiki serve`
    rebuild (a few non-Latin titles widen the whole text to two bytes a character)."""
    keys = site.citation_keys
    papers = [_paper_line(entry, site_url, keys[pid]) for pid, entry in site.papers.items()]
    topics = [_line(topic_record(entry, site_url)).encode("utf-8")
              for entry in site.topics.values()]
    return {PAPERS_EXPORT: _document("papers", papers),
            TOPICS_EXPORT: _document("topics", topics)}


@lru_cache(maxsize=20_000)
def _paper_line(entry: PaperEntry, site_url: str, bibtex_key: str) -> bytes:
    """`paperwiki serve` exports again after every edit, which leaves most papers unchanged."""
    return _line(paper_record(entry, site_url, bibtex_key)).encode("utf-8")


def _line(record: dict[str, Any]) -> str:
    """Each record through the C encoder: Python's pretty-printing encoder took seconds on ten
    thousand papers."""
    return json.dumps(record, ensure_ascii=False)


def paper_record(entry: PaperEntry, site_url: str, bibtex_key: str) -> dict[str, Any]:
    """One paper as the data page documents it; every field is always present (null if unknown)."""
    paper = entry.paper
    organization = paper.organization
    return {
        "id": paper.id,
        "url": page_url(site_url, "paper", paper.id),
        "title": paper.title,
        "title_text": plain_text(paper.title),
        "abstract": paper.abstract,
        "published": paper.published.isoformat() if paper.published else None,
        "upvotes": paper.upvotes,
        "authors": paper.author_count,
        "organization": ({"handle": organization.handle, "name": organization.name}
                         if organization else None),
        "topics": list(entry.topics),
        "listings": list(paper.listings),
        "links": [{"url": link.url, "kind": link.kind} for link in entry.links],
        "related": [{"id": r.paper_id, "terms": list(r.terms)} for r in entry.related],
        "summary": paper.summary,
        "bibtex_key": bibtex_key,
        "author_names": list(paper.authors) or None,
        "arxiv": paper.arxiv,
        "code": paper.code,
        "code_stars": paper.stars,
        "project_page": paper.project_page,
        "keywords": list(paper.keywords),
    }


def topic_record(entry: TopicEntry, site_url: str) -> dict[str, Any]:
    topic = entry.topic
    return {
        "id": topic.id,
        "url": page_url(site_url, "topic", topic.id),
        "name": topic.name,
        "description": topic.description,
        "parent": topic.parent,
        "children": list(entry.children),
        "papers": list(entry.papers),
        "paper_count": len(entry.papers),
    }


def _document(kind: str, lines: list[bytes]) -> bytes:
    """One record per line: readable and diffable."""
    header = _line({"version": FORMAT_VERSION, "generated_from": "PaperWiki"})[:-1]
    return b"".join([f'{header}, "{kind}": [\n'.encode("utf-8"), b",\n".join(lines),
                     b"\n]}\n"])

