"""Wikis whose text tries every way we know to become live HTML or script.

``PAYLOADS`` is the hostile corpus: each class of attack that worked somewhere (in our site,
in Python-Markdown, in a browser's URL parser, in KaTeX) in several forms. Every payload that
runs sets ``window.pwned`` or opens a dialog, so a browser can tell when one got through.
``corpus_project`` puts each payload in every text field a wiki has at once.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.project import copy_project

HOSTILE_TITLE = ('<script>window.pwned=1</script> <img src=x onerror="window.pwned=2"> '
                 '[click](javascript:window.pwned=3) **bold** {: onclick="window.pwned=4" } '
                 '$a<b$ & `code`')
HOSTILE_ABSTRACT = ('<iframe src="javascript:window.pwned=5"></iframe> Text with _under_ and '
                    '<a href="javascript:window.pwned=6">a link</a> [x](javascript:window.pwned=7) '
                    '<svg onload="window.pwned=8"> # not a heading \\$ $x^2$ '
                    'https://example.org/safe. ![img](x" onerror="window.pwned=9)')

RUN = "alert(1)"
PAYLOADS: dict[str, list[str]] = {
    "math with backticks": [
        "Scaling $`$ Laws for $`![x](y){: onerror=alert(1)}$",
        "$`$ <img src=x onerror=alert(1)> $`$",
        "$a`$ [x](javascript:alert(1)) $`b$",
        "$`$ {: onclick=alert(1) } $`$ tail",
        "``$`` and $`<svg onload=alert(1)>`$",
    ],
    "attribute lists": [
        "Title {: onclick=alert(1) }",
        "![x](y){: onerror=alert(1) }",
        "[link](https://ok.org){: onmouseover=alert(1) }",
        "{: #x .y onfocus=alert(1) autofocus }",
        "word\n{: onclick=alert(1) }",
    ],
    "reference and autolinks": [
        "[r][1]\n\n[1]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[r]\n\n[r]: <javascript:alert(1)> 'title'",
        "<http://ok.org\" onmouseover=\"alert(1)>",
        "<mailto:x@y.org?body=\" onclick=\"alert(1)>",
        "[x][]\n\n[x]: data:text/html,<script>alert(1)</script>",
    ],
    "obfuscated schemes": [
        "[x](JaVaScRiPt:alert(1))",
        "[x](jav&#x61;script:alert(1))",
        "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
        "[x](java\tscript:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](\u00a0javascript:alert(1))",
    ],
    "raw HTML": [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<body onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<details open ontoggle=alert(1)>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
        "<form action=javascript:alert(1)><button>x</button></form>",
        "<style>@import 'javascript:alert(1)';</style>",
        "<div markdown=1>*x*{: onclick=alert(1)}</div>",
        "</textarea></title></script><script>alert(1)</script>",
        "<!--><script>alert(1)</script>-->",
    ],
    "SVG": [
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
    "Jinja syntax": [
        "{{ 7*7 }} {{ config }}",
        "{% raw %}<script>alert(1)</script>{% endraw %}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{# comment #} {%- if true -%}<img src=x onerror=alert(1)>{%- endif -%}",
    ],
    "KaTeX commands": [
        "$\\href{javascript:alert(1)}{click}$",
        "$\\url{javascript:alert(1)}$",
        "$\\htmlData{onclick=alert(1)}{x}$",
        "$\\htmlClass{x\" onclick=\"alert(1)}{x}$",
        "$\\includegraphics{javascript:alert(1)}$",
        "$\\input{/etc/passwd}$ \\write18{rm -rf /} $\\immediate\\write18{id}$",
    ],
    "entities": [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#x3C;img src=x onerror=alert(1)&#x3E;",
        "&amp;lt;b&amp;gt; and &#0; and &#xD800; and &bogus;",
        "\\<script\\>alert(1)\\</script\\>",
    ],
    "bidi and invisible": [
        "\u202egnp.exe\u202c safe \u2066x\u2069",
        "zero\u200bwidth\u200d<scr\u200bipt>alert(1)</script>",
        "tag\U000e0041 chars and \ufeffbom",
    ],
    "YAML and front matter": [
        "---\ntitle: <script>alert(1)</script>\n---",
        "\"quoted\" 'single' \\ back: colon # hash",
        "} stray brace { and % percent",
    ],
}
ALL_PAYLOADS = [payload for group in PAYLOADS.values() for payload in group]
FIELDS = ("title", "abstract", "summary", "note", "organisation name", "organisation handle",
          "author names", "keywords", "code address", "project page address", "link label",
          "topic name", "topic description", "listing title", "listing description")
# Addresses the schema accepts (http(s), no space, quote or angle bracket) that still try to
# leave their attribute or smuggle a script scheme in.
HOSTILE_URLS = ["https://example.org/x'onmouseover='alert(1)", "https://example.org/`$x$`",
                "https://example.org/javascript:alert(1)", "http://example.org/?a=1&b=%22%3E",
                "https://example.org/{:onclick=alert(1)}"]

TOPICS = """topics:
  - id: everything
    name: Everything
    description: Every paper of this wiki.
    match:
      title: ['[a-z]+']
"""


def write_paper(papers: Path, paper_id: str, title: str, abstract: str) -> None:
    (papers / f"{paper_id}.yaml").write_text(yaml.safe_dump(
        {"title": title, "abstract": abstract, "published": "2024-05-01", "upvotes": 3,
         "authors": 2, "listings": ["hostile"]}, sort_keys=False), "utf-8")


def hostile_project(destination: Path) -> Path:
    content = destination / "content-src"
    (content / "papers").mkdir(parents=True)
    (content / "listings").mkdir()
    (content / "topics.yaml").write_text(TOPICS, "utf-8")
    (content / "listings" / "hostile.yaml").write_text(
        "title: '<b>Hostile</b> listing'\ncaptured: 2025-01-02\n", "utf-8")
    write_paper(content / "papers", "hostile", HOSTILE_TITLE, HOSTILE_ABSTRACT)
    write_paper(content / "papers", "benign", "A benign paper about hostile inputs",
                "Plain words about hostile inputs and their handling.")
    return copy_project(destination / "project", content)


def _one_line(payload: str) -> str:
    return " ".join(payload.split())


def corpus_project(destination: Path) -> Path:
    """A wiki with one paper, topic and listing per payload, the payload in every text field."""
    content = destination / "content-src"
    (content / "papers").mkdir(parents=True)
    (content / "listings").mkdir()
    topics = []
    for number, payload in enumerate(ALL_PAYLOADS):
        topics.append({"id": f"topic-{number}", "name": f"Topic {number} {_one_line(payload)}",
                       "description": f"About {_one_line(payload)}",
                       "match": {"title": [f"Payload {number}"]}})
        (content / "listings" / f"listing-{number}.yaml").write_text(yaml.safe_dump(
            {"title": f"Listing {number} {_one_line(payload)}", "captured": "2025-01-02",
             "description": f"Found {payload}"}, sort_keys=False), "utf-8")
        (content / "papers" / f"paper-{number}.yaml").write_text(yaml.safe_dump(
            {"title": f"Payload {number} {payload}", "abstract": f"Abstract with {payload} inside.",
             "published": "2024-05-01", "upvotes": number,
             "organization": {"handle": _one_line(payload), "name": f"Org {payload}"},
             "listings": [f"listing-{number}"], "summary": f"Summary {_one_line(payload)}",
             "arxiv": f"2401.{number:05d}", "authors": [_one_line(payload), "Ada Lovelace"],
             "keywords": [_one_line(payload)],
             "code": HOSTILE_URLS[number % len(HOSTILE_URLS)],
             "project_page": HOSTILE_URLS[(number + 1) % len(HOSTILE_URLS)],
             "note": f"Note with {payload}\n\nand a [wiki link](../topics/topic-{number}.md).",
             "links": [{"url": f"https://example.org/{number}?q=\"'<>`", "kind": "code",
                        "label": payload}]},
            sort_keys=False, allow_unicode=False), "utf-8")
    (content / "topics.yaml").write_text(yaml.safe_dump({"topics": topics}, sort_keys=False),
                                         "utf-8")
    return copy_project(destination / "project", content)
