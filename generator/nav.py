"""The site's navigation, as data any builder can read: the plugin hands it to MkDocs, and
``paperwiki generate`` writes it beside the pages as ``docs/.nav.yml``, in mkdocs.yml's
``nav:`` form, for builders that do not run our plugin.

Paper pages stay out of it: the navigation tree is rendered into every page, and ten
thousand entries would make it the largest part of each.
"""

from __future__ import annotations

from typing import Union

import yaml

from .model import Site
from .outputs import HOME, index_page, page
from .text import html_text

NavEntry = dict[str, Union[str, list["NavEntry"]]]


def site_navigation(site: Site, top_pages: dict[str, str]) -> list[NavEntry]:
    """Home, the indexes, topics (two levels), listings, then the other top-level pages
    (``top_pages``: file name -> title, such as the statistics and the curation guide)."""
    topics: list[NavEntry] = [{"Overview": index_page("topic")}]
    for topic_id, entry in site.topics.items():
        if entry.topic.parent:
            continue
        name, target = html_text(entry.topic.name), page("topic", topic_id)
        children = [{html_text(site.topics[child].topic.name): page("topic", child)}
                    for child in entry.children]
        topics.append({name: [target, *children]} if children else {name: target})
    listings: list[NavEntry] = [{"Overview": index_page("listing")}]
    listings += [{html_text(view.listing.title): page("listing", listing_id)}
                 for listing_id, view in site.listings.items()]
    nav: list[NavEntry] = [{"Home": HOME}, {"Papers": index_page("paper")},
                           {"Topics": topics}, {"Listings": listings}]
    return nav + [{title: name} for name, title in sorted(top_pages.items()) if name != HOME]


def page_title(name: str, markdown: str) -> str:
    """A page's title in the navigation: its first heading, else its file name."""
    for line in markdown.splitlines():
        if line.startswith("# "):
            return html_text(line[2:])
    return name.removesuffix(".md").replace("-", " ").capitalize()


def nav_file(nav: list[NavEntry]) -> str:
    """``nav`` as YAML, for ``nav:`` in a builder's configuration."""
    return yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False, width=1000)
