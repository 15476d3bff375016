"""The one path from untrusted or curated text to HTML: unit checks, without a build."""

from __future__ import annotations

from html import unescape

import markdown
import pytest

from generator.safehtml import curated_html, link_html, text_html
from generator.outputs import address, relative_address
from tests.htmlscan import scan

MATH_BACKTICKS = "Scaling $`$ Laws for $`![x](y){: onerror=alert(1)}$"


def _through_markdown(fragment: str) -> str:
    """The fragment as the page's own Markdown pass (with attribute lists) leaves it."""
    return markdown.markdown(f"- [{fragment}](x.md)\n\n# {fragment}\n\n{fragment}\n",
                             extensions=["attr_list", "md_in_html", "pymdownx.arithmatex"],
                             extension_configs={"pymdownx.arithmatex": {"generic": True}})


@pytest.mark.parametrize("text", [
    MATH_BACKTICKS, "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
    "**b** _i_ `c` {: onclick=alert(1) }", "$a$ `x` $b$ `y`", "&lt;script&gt;", "1. not a list",
    "# not a heading", "> not a quote", "a\\$b$c$", "${\\href{javascript:alert(1)}{x}}$",
])
def test_untrusted_text_comes_out_of_markdown_as_the_same_text(text: str) -> None:
    fragment = text_html(text)
    found = scan(_through_markdown(fragment))
    assert found.live == []
    assert set(found.elements) <= {"ul", "li", "a", "h1", "p", "span"}  # ours, and math
    assert found.elements.count("a") == 1  # the list item's link, nothing from the text
    assert unescape(fragment).replace('<span class="arithmatex">\\(', "$") \
        .replace("\\)</span>", "$") == text


def test_math_with_backticks_stays_math() -> None:
    fragment = text_html(MATH_BACKTICKS)
    assert fragment.count('<span class="arithmatex">') == 2
    assert unescape(fragment).startswith('Scaling <span class="arithmatex">\\(`\\)</span> Laws')
    html = _through_markdown(fragment)
    assert "onerror=" not in html and "<img" not in html


@pytest.mark.parametrize("note", [
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](jav&#x61;script:alert(1))",
    "[x](java\tscript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x][r]\n\n[r]: javascript:alert(1)", "<javascript:alert(1)>", "![i](x.png){: onerror=alert(1)}",
    "para\n{: onclick=alert(1) }", "# Head {: onclick=alert(1) }", "<script>alert(1)</script>",
    "<svg onload=alert(1)>", "[x](vbscript:msgbox(1))", "<a href='javascript:alert(1)'>x</a>",
    "[x](https://ok.org){: onmouseover=alert(1)}", "<div markdown=1>*x*{: onclick=alert(1)}</div>",
])
def test_curated_markdown_never_carries_script(note: str) -> None:
    found = scan(_through_markdown(curated_html(note, "papers/p.md")))
    assert found.live == [] and found.scripts == []
    assert set(found.elements) <= {"ul", "li", "a", "h1", "p", "span", "em"}


def test_curated_markdown_keeps_formatting_math_and_wiki_links() -> None:
    html = curated_html("Read **this**, see [RL](../topics/rl.md#top), [site](https://x.org/a_b) "
                        "and $x_1$.\n\n- one\n- two", "papers/p.md")
    assert "<strong>this</strong>" in html and "<li>one</li>" in html
    assert '<a href="../../topics/rl/#top">RL</a>' in html
    assert '<a href="https://x.org/a&#95;b">site</a>' in html
    assert unescape(html).count('<span class="arithmatex">\\(x_1\\)</span>') == 1


def test_raw_html_in_curated_markdown_is_shown_as_text() -> None:
    assert "&lt;b&gt;bold&lt;/b&gt;" in curated_html("<b>bold</b>", "papers/p.md")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil.org",
                                 "ftp://x.org/f", " javascript:alert(1)"])
def test_outside_links_are_http_only(url: str) -> None:
    assert "<a" not in link_html(url, "label")


def test_outside_link_cannot_leave_its_attribute() -> None:
    html = link_html('https://x.org/"onmouseover=alert(1)`$a$`', "x")
    assert html.startswith('<a href="https://x.org/%22onmouseover') and html.count('"') == 2


@pytest.mark.parametrize("page, target, address", [
    ("papers/x.md", "../topics/rl.md", "../../topics/rl/"), ("papers/x.md", "y.md", "../y/"),
    ("papers/x.md", "../index.md", "../../"), ("papers/x.md", "../papers.bib", "../../papers.bib"),
    ("index.md", "topics/index.md", "topics/"), ("topics/a.md", "b.md", "../b/"),
    ("papers/x.md", "x.md", "./"),
])
def test_relative_addresses_follow_directory_urls(page: str, target: str, address: str) -> None:
    assert relative_address(page, target) == address


def test_page_addresses() -> None:
    assert [address(p) for p in ["index.md", "topics/index.md", "papers/x.md", "a.json"]] \
        == ["", "topics/", "papers/x/", "a.json"]
