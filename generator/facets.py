"""The compact data behind the filterable index of all papers.

The index page filters and sorts in the browser, so it must stay small at 10,000 papers:
one row per paper with only what the filters need, topics, organisations and authors as
indexes into shared lists instead of repeated strings. The author filter is how readers see
all papers of one author (paper pages link their names to it): it costs no page of its own,
only the names, once each, and an index per authorship in this file. Titles are plain text (math as Unicode);
the page inserts them with textContent, never as HTML.
"""

from __future__ import annotations

import json
from functools import lru_cache

from .model import PaperEntry, Site
from .outputs import FACETS as FACETS_FILE
from .text import plain_text


def render_facets(site: Site) -> dict[str, str]:
    rows = tuple(_facts(entry) for entry in site.papers.values())
    topics = tuple((topic_id, entry.topic.name) for topic_id, entry in site.topics.items())
    return {FACETS_FILE: _facets(rows, topics)}


# What the filters know of one paper: id, title as plain text, ISO day or "", upvotes,
# topic ids, organisation name or None, whether it has code, authors as plain text, and its
# code's stars or None.
_Facts = tuple[str, str, str, int | None, tuple[str, ...], str | None, int, tuple[str, ...],
               int | None]


@lru_cache(maxsize=65_536)  # `paperwiki serve` writes the index data again after each edit
def _facts(entry: PaperEntry) -> _Facts:
    paper = entry.paper
    return (entry.id, plain_text(paper.title),
            paper.published.isoformat() if paper.published else "", paper.upvotes,
            entry.topics, paper.organization.name if paper.organization else None,
            int(bool(paper.code) or any(link.kind == "code" for link in entry.links)),
            tuple(plain_text(name) for name in paper.authors),
            paper.stars if paper.code else None)  # as the cards: the stars of its code link


@lru_cache(maxsize=4)  # the same facts give the same file: an edit of a note changes none
def _facets(rows: tuple[_Facts, ...], topics: tuple[tuple[str, str], ...]) -> str:
    organisations = sorted({row[5] for row in rows if row[5] is not None})
    org_index = {name: index for index, name in enumerate(organisations)}
    topic_index = {topic_id: index for index, (topic_id, _) in enumerate(topics)}
    authors = sorted({name for row in rows for name in row[7]})
    author_index = {name: index for index, name in enumerate(authors)}
    papers = [[paper_id, title, published, upvotes, [topic_index[t] for t in topic_ids],
               org_index[organisation] if organisation is not None else -1, has_code,
               [author_index[name] for name in names], stars]
              for paper_id, title, published, upvotes, topic_ids, organisation, has_code, names,
              stars in rows]
    data = {
        "columns": ["id", "title", "published", "upvotes", "topics", "organization", "has_code",
                    "authors", "stars"],
        "topics": [list(topic) for topic in topics],
        "organizations": organisations,
        "authors": authors,
        "papers": papers,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
