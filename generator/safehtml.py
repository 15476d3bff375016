"""The one way untrusted and curated text becomes HTML on a page.

Titles, abstracts, author and organisation names come from strangers; notes come from curators.
None of it may become a tag, attribute, link or script the site did not mean to have. Escaping
text inside Markdown proved not to be enough: a backtick in one ``$…$`` math span paired with a
backtick in another, and Python-Markdown read what lay between as Markdown, attribute lists and
all. So nothing of this text is ever left for Markdown to interpret:

1. ``text_html`` turns untrusted text into HTML itself (escaped text, math as the
   ``<span class="arithmatex">`` pymdownx.arithmatex would write); ``curated_html`` renders a
   curator's Markdown with a restricted Python-Markdown (no raw HTML, no attribute lists).
2. Both go through ``sanitise``: nh3 keeps only the tags, attributes and URL schemes listed
   here, whatever the steps before it produced.
3. ``_inert`` writes every character Markdown or its extensions react to as a character
   reference, inside text and attribute values alike, so the page's own Markdown pass (which
   these fragments then sit in) has nothing left to parse. The browser reads the same text.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import SplitResult, quote, urlsplit

import nh3
from markdown import Markdown

from .text import math_split, replacer
from .outputs import relative_address

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr",
    "i", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "span": {"class"},
                      "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
MATH_CLASS = "arithmatex"

# Characters that start Markdown or extension syntax (pymdownx, attr_list, arithmatex): written
# as references, nothing is left to read as markup. "&" stays: after nh3 it only starts a
# reference, which Markdown passes through as it is.
_references = replacer({char: f"&#{ord(char)};" for char in "\\`*_{}[]<>|~^=$!"})
# nh3 writes every tag with double-quoted attribute values and escapes quotes inside them.
_TAG = re.compile(r'(<(?:[^>"]|"[^"]*")*>)')
_VALUE = re.compile(r'="([^"]*)"')
_BLOCK_STARTERS = set("-+>#0123456789")


def sanitise(fragment: str) -> str:
    """``fragment`` with only the allowed tags, attributes and URL schemes left."""
    return nh3.clean(fragment, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), link_rel=None,
                     strip_comments=True, attribute_filter=_keep_attribute)


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """Only the math class survives on a span: it is the one class our scripts act on."""
    if tag == "span" and name == "class" and value != MATH_CLASS:
        return None
    return value


@lru_cache(maxsize=65_536)  # titles and shared terms appear on many pages
def text_html(text: str) -> str:
    """Untrusted text shown literally, with its ``$…$`` math left for KaTeX to typeset."""
    return _inert(sanitise(_escaped(text)))


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def paragraphs_html(text: str) -> str:
    """Untrusted text of paragraphs parted by blank lines, as ``<p>`` elements."""
    return "\n".join(f"<p>{text_html(part.strip())}</p>" for part in _BLANK_LINE.split(text)
                     if part.strip())


def _escaped(text: str) -> str:
    return "".join(_math_span(part) if index % 2 else html.escape(part, quote=False)
                   for index, part in enumerate(math_split(text)))


def _math_span(latex: str) -> str:
    return f'<span class="{MATH_CLASS}">\\({html.escape(latex, quote=False)}\\)</span>'


@lru_cache(maxsize=65_536)  # a paper's code link appears on its card, built on every build
def link_html(url: str, label: str) -> str:
    """A link to an outside address, or the label alone if the address is not http(s)."""
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        return text_html(label)
    href = html.escape(quote(url, safe=":/?#@!$&'*+,;=%~.-_"), quote=True)
    return _inert(sanitise(f'<a href="{href}">{_escaped(label)}</a>'))


def curated_html(markdown: str, page_path: str) -> str:
    """A curator's Markdown as a block of HTML: formatting, lists, code, math and links work;
    HTML tags show as text; links go only to http(s), mailto or pages of this wiki.

    ``page_path`` is the page the fragment appears on (``papers/x.md``): a relative link is
    written as between files of docs/ (``../topics/rl.md``) and turned into that page's
    address, as MkDocs does for links in the page's own Markdown."""
    renderer = _curator_markdown()
    renderer.reset()
    return _inert(sanitise(_resolve_wiki_links(renderer.convert(markdown), page_path)))


@lru_cache(maxsize=1)
def _curator_markdown() -> Markdown:
    """Python-Markdown without raw HTML (shown as text instead) and without attribute lists."""
    renderer = Markdown(extensions=["tables", "sane_lists", "fenced_code", "pymdownx.arithmatex"],
                        extension_configs={"pymdownx.arithmatex": {"generic": True}})
    renderer.preprocessors.deregister("html_block")
    renderer.inlinePatterns.deregister("html")
    return renderer


_HREF = re.compile(r'(<a href=")([^"]*)(")')


def wiki_links(markdown: str) -> list[str]:
    """The relative links of a curator's Markdown, as written, rendered as ``curated_html``
    renders them: ``paperwiki check`` makes sure each leads to a page (see ``wikilinks.py``)."""
    renderer = _curator_markdown()
    renderer.reset()
    hrefs = (html.unescape(match.group(2)) for match in _HREF.finditer(renderer.convert(markdown)))
    return [href for href in hrefs if _is_wiki_link(urlsplit(href))]


def _is_wiki_link(parts: SplitResult) -> bool:
    return not (parts.scheme or parts.netloc or not parts.path)


def _resolve_wiki_links(rendered: str, page_path: str) -> str:
    def resolve(match: re.Match[str]) -> str:
        parts = urlsplit(html.unescape(match.group(2)))
        if not _is_wiki_link(parts):
            return match.group(0)
        address = relative_address(page_path, parts.path)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return match.group(1) + html.escape(address + fragment, quote=True) + match.group(3)

    return _HREF.sub(resolve, rendered)


def _inert(fragment: str) -> str:
    """``fragment`` with no character left that Markdown would act on, in text or attributes."""
    pieces = _TAG.split(fragment)
    for index, piece in enumerate(pieces):
        if index % 2:
            pieces[index] = _VALUE.sub(lambda m: '="' + _references(m.group(1)) + '"', piece)
        elif piece:
            pieces[index] = _references(piece)
    result = "".join(pieces)
    if result[:1] in _BLOCK_STARTERS:
        return f"&#{ord(result[0])};" + result[1:]
    return result
