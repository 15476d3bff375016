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

from .model import Site
from .outputs import FACETS as FACETS_FILE
from .text import plain_text



def render_facets(site: Site) -> dict[str, str]:
    organisations = sorted({e.paper.organization.name for e in site.papers.values()
                            if e.paper.organization})
    org_index = {name: index for index, name in enumerate(organisations)}
    topic_index = {topic_id: index for index, topic_id in enumerate(site.topics)}
    authors = sorted({plain_text(name) for e in site.papers.values() for name in e.paper.authors})
    author_index = {name: index for index, name in enumerate(authors)}
    rows = [[
        entry.id,
        plain_text(entry.paper.title),
        entry.paper.published.isoformat() if entry.paper.published else "",
        entry.paper.upvotes,
        [topic_index[t] for t in entry.topics],
        org_index[entry.paper.organization.name] if entry.paper.organization else -1,
        int(bool(entry.paper.code) or any(link.kind == "code" for link in entry.links)),
        [author_index[plain_text(name)] for name in entry.paper.authors],
    ] for entry in site.papers.values()]
    data = {
        "columns": ["id", "title", "published", "upvotes", "topics", "organization", "has_code",
                    "authors"],
        "topics": [[topic_id, entry.topic.name] for topic_id, entry in site.topics.items()],
        "organizations": organisations,
        "authors": authors,
        "papers": rows,
    }
    return {FACETS_FILE: json.dumps(data, ensure_ascii=False, separators=(",", ":"))}
