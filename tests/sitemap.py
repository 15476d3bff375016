"""Read a built site: its pages and the links between them."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import yaml


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(page: Path, content_only: bool = False) -> list[str]:
    """Every href/src on the page, or only those in the page's article (not nav, header)."""
    html = page.read_text("utf-8")
    if content_only:
        start = html.index("<article")
        html = html[start: html.index("</article>", start)]
    parser = _LinkParser()
    parser.feed(html)
    return parser.links


def is_internal(link: str) -> bool:
    scheme = urlsplit(link).scheme
    return not scheme and not link.startswith(("//", "#"))


def base_path(project: Path) -> str:
    """The URL path the site is served under, from site_url (e.g. /paperwiki/)."""
    config = yaml.safe_load((project / "mkdocs.yml").read_text("utf-8"))
    return urlsplit(config["site_url"]).path or "/"


def resolve(site: Path, page: Path, link: str, base: str = "/") -> Path:
    """The file a link on ``page`` points at (directory URLs mean index.html); absolute
    paths are read relative to the base path the site is served under."""
    path = unquote(urldefrag(link).url.split("?")[0])
    if path.startswith(base):
        target = (site / path[len(base):]).resolve()
    else:
        target = (page.parent / path).resolve() if path else page
    return target / "index.html" if target.is_dir() or path.endswith("/") else target


def paper_pages(site: Path) -> dict[str, Path]:
    return {page.parent.name: page for page in sorted((site / "papers").glob("*/index.html"))
            if "http-equiv=\"refresh\"" not in page.read_text("utf-8")}


def primary_nav(page: Path) -> str:
    """The HTML of the site navigation (Material's primary nav) on ``page``."""
    html = page.read_text("utf-8")
    start = html.index('<div class="md-sidebar md-sidebar--primary"')
    return html[start: html.index('<div class="md-sidebar md-sidebar--secondary"', start)]
