"""Untrusted titles and abstracts show as literal text everywhere, never as live markup."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.hostile import hostile_project
from tests.project import build_project


class _Elements(HTMLParser):
    """Every element with its attributes, the text of the page, and <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self._in_title = False
        self.scripts: list[tuple[str, str]] = []
        self._script_type: str | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title"
        self._script_type = (dict(attrs).get("type") or "text/javascript") if tag == "script" else None

    def handle_endtag(self, tag):
        self._in_title = False
        self._script_type = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._script_type:
            self.scripts.append((self._script_type, data))
        else:
            self.text.append(data)


def parse(page: Path) -> _Elements:
    parser = _Elements()
    parser.feed(page.read_text("utf-8"))
    return parser


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(hostile_project(tmp_path_factory.mktemp("hostile")))


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", site / "papers" / "index.html",
            site / "papers" / "hostile" / "index.html", site / "papers" / "benign" / "index.html",
            site / "topics" / "everything" / "index.html", site / "listings" / "hostile" / "index.html"]


def test_no_injected_element_attribute_or_url(hostile_site: Path) -> None:
    for page in _pages(hostile_site):
        parsed = parse(page)
        for tag, attrs in parsed.elements:
            assert tag not in {"iframe", "img", "svg"} or "pwned" not in str(attrs), (page, tag)
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            for name in ("href", "src"):
                assert not (attrs.get(name) or "").lower().startswith("javascript:"), (page, attrs)
        for kind, script in parsed.scripts:
            if kind == "application/ld+json":  # data, but it must not be able to end the element
                assert "<" not in script and json.loads(script)["@type"] == "ScholarlyArticle"
            else:
                assert "pwned" not in script, page


def test_hostile_text_is_shown_literally(hostile_site: Path) -> None:
    parsed = parse(hostile_site / "papers" / "hostile" / "index.html")
    text = "".join(parsed.text)
    assert '<script>window.pwned=1</script>' in text
    assert '[click](javascript:window.pwned=3) **bold** {: onclick="window.pwned=4" }' in text
    assert '<a href="javascript:window.pwned=6">a link</a>' in text
    assert "# not a heading" in text and "_under_" in text


def test_page_title_is_plain_text(hostile_site: Path) -> None:
    title = parse(hostile_site / "papers" / "hostile" / "index.html").title
    assert title.startswith('<script>window.pwned=1</script> <img src=x onerror="window.pwned=2">')
    assert "a<b" in title and "$" not in title


def test_navigation_and_listing_title_are_escaped(hostile_site: Path) -> None:
    html = (hostile_site / "index.html").read_text("utf-8")
    assert "<b>Hostile</b>" not in html
    assert "&lt;b&gt;Hostile&lt;/b&gt; listing" in html


def test_search_index_never_holds_markup_from_papers(hostile_site: Path) -> None:
    index = json.loads((hostile_site / "search" / "search_index.json").read_text("utf-8"))
    hostile = [doc for doc in index["docs"] if doc["location"].startswith("papers/hostile/")]
    assert hostile
    for doc in hostile:
        for field in (doc["title"], doc["text"]):
            assert "<script" not in field and "<img" not in field and "<iframe" not in field
            assert "<a href" not in field and "<svg" not in field
    assert any("&lt;script&gt;window.pwned=1&lt;/script&gt;" in doc["title"] for doc in hostile)


def test_math_still_renders_next_to_hostile_text(hostile_site: Path) -> None:
    """The TeX source reaches KaTeX (which reads the span's text) as it was written."""
    from html import unescape

    page = unescape((hostile_site / "papers" / "hostile" / "index.html").read_text("utf-8"))
    assert '<span class="arithmatex">\\(a<b\\)</span>' in page
    assert '<span class="arithmatex">\\(x^2\\)</span>' in page


FRONT_MATTER_VALUES = [
    "null", "true", "2024-01-01", "0x1F", "- a list?", "# not a comment", "key: value",
    "'single' and \"double\" quotes", "back\\slash", "@context", "&anchor *alias !tag",
    "line\nbreak", "tab\there", "ne\x85xt", "line\u2028separator", "para\u2029graph",
    "del\x7f", "c1\x9b", "bom\ufeff", "non\ufffecharacter", "emoji 🧪 and ℬ", "",
]


@pytest.mark.parametrize("value", FRONT_MATTER_VALUES)
def test_front_matter_reads_back_exactly(value: str) -> None:
    from generator.templating import front_matter

    fields = {"title": value, "flag": True, "count": 3,
              "nested": {"@type": value, "list": [value, {"title": value}]}}
    text = front_matter(**fields, absent=None)
    assert text.startswith("---\n") and text.endswith("\n---\n")
    assert text.count("\n") == len(fields) + 2  # one line per field, whatever the value holds
    assert yaml.safe_load(text.split("---\n")[1]) == fields


@pytest.mark.parametrize("text", [
    "plain  text\nover lines", "cost of $5 and $x^2$", "$a<b$ then $$", "\\$not math$",
    "$ spaced $", "ends with $", "$x$", "", "costs $10, saves $20",
])
def test_math_split_cuts_as_the_expression_does(text: str) -> None:
    from generator.text import MATH, math_split

    assert math_split(text) == MATH.split(" ".join(text.split()))


@pytest.mark.parametrize("text", ["no markup here", "a_b*c", "]^-\\", "&#38;", "", "ü\u2028"])
def test_replacer_replaces_like_translate(text: str) -> None:
    from generator.text import replacer

    table = {"_": "\\_", "*": "&#42;", "]": "&#93;", "^": "^^", "-": "&#45;", "\\": "\\\\",
             "&": "&amp;", "\u2028": "\\u2028"}
    assert replacer(table)(text) == text.translate(str.maketrans(table))


def test_the_space_is_the_only_printable_whitespace() -> None:
    """What the one-line shortcut in generator/text.py relies on, for this Unicode version."""
    import sys

    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c.isprintable()] \
        == [" "]


@pytest.mark.parametrize("text", ["one line", " lead", "trail ", "two  spaces", "tab\there",
                                  "nbsp\xa0here", "line\nbreak", "zero\u200bwidth", "", " "])
def test_one_line_collapses_like_split_and_join(text: str) -> None:
    from generator.text import _one_line

    assert _one_line(text) == " ".join(text.split())
