"""What every page template shares: the Jinja environment with its filters, and front matter.

``render.py`` and ``stats.py`` both render templates from ``generator/templates``; they take
the environment from here so a filter added for one is there for the other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from .outputs import BIBLIOGRAPHY, href, page
from .safehtml import link_html, paragraphs_html, text_html
from .text import html_text, replacer

LINK_NAMES = {"code": "Code", "project": "Project page", "model": "Model", "dataset": "Dataset",
              "other": "Link"}


def front_matter(**fields: object) -> str:
    """YAML front matter of already-escaped values, one line per field.

    Each value is written as JSON, which YAML reads as the same strings, numbers, lists and
    mappings (quoted, so a title like ``null`` or ``2024-01-01`` stays text). yaml.dump
    took a quarter of every paper page's rendering time."""
    lines = (f"{key}: {_yaml_value(value)}\n" for key, value in fields.items() if value is not None)
    return "---\n" + "".join(lines) + "---\n"


# Characters YAML's reader rejects or reads as line breaks; JSON leaves them raw.
_yaml_escapes = replacer({chr(code): f"\\u{code:04x}" for code in
                          [*range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF]})
_json = json.JSONEncoder(ensure_ascii=False)


def _yaml_value(value: object) -> str:
    return _yaml_escapes(_json.encode(value))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The environment of every page template: filters and globals that place values the
    renderers prepared, through ``safehtml.py`` where text becomes HTML."""
    env = Environment(loader=PackageLoader("generator", "templates"), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                      autoescape=False)
    env.filters.update(text=text_html, paragraphs=paragraphs_html, plain=html_text,
                       when=time_html, link_name=LINK_NAMES.get)
    env.globals.update(link_html=link_html, href=href, page_path=page, bibliography=BIBLIOGRAPHY)
    env.globals["cards"] = _remembered_cards(env)
    return env


def _remembered_cards(env: Environment) -> Callable[..., str]:
    """The paper card macro (``_paper_list.md.j2``) for a list of papers, remembered by its
    arguments, card by card and list by list: a card is made of a ``PaperLine`` and addresses
    alone, and the lists of a 10,000-paper wiki show 25,000 cards on every build, which
    `paperwiki serve` repeats after every edit. ``lines`` are the cards by paper id."""
    card = lru_cache(maxsize=65_536)(env.get_template("_paper_list.md.j2").module.paper_card)

    @lru_cache(maxsize=1024)
    def listed(shown: tuple[object, ...], papers: str, topics: str,
               except_topic: str | None) -> str:
        return "".join(card(line, papers, topics, except_topic=except_topic) + "\n"
                       for line in shown)

    def cards(lines: dict[str, object], ids: Iterable[str], papers: str, topics: str,
              except_topic: str | None = None) -> str:
        return listed(tuple(lines[pid] for pid in ids), papers, topics, except_topic)

    return cards


def time_html(day: date | str) -> str:
    """A day as ``<time>``, which the stylesheet keeps on one line (no "2025-/10-22" on a
    phone); anything but an ISO day ("undated") as it is. An ISO day is a valid ``<time>``
    text on its own: no ``datetime`` attribute repeats it (28 bytes per date in lists)."""
    text = day.isoformat() if isinstance(day, date) else day
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    return f"<time>{text}</time>"
