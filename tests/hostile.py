"""A tiny wiki whose paper text tries every way we know to become live HTML or script."""

from __future__ import annotations

from pathlib import Path

from tests.project import copy_project

HOSTILE_TITLE = ('<script>window.pwned=1</script> <img src=x onerror="window.pwned=2"> '
                 '[click](javascript:window.pwned=3) **bold** {: onclick="window.pwned=4" } '
                 '$a<b$ & `code`')
HOSTILE_ABSTRACT = ('<iframe src="javascript:window.pwned=5"></iframe> Text with _under_ and '
                    '<a href="javascript:window.pwned=6">a link</a> [x](javascript:window.pwned=7) '
                    '<svg onload="window.pwned=8"> # not a heading \\$ $x^2$ '
                    'https://example.org/safe. ![img](x" onerror="window.pwned=9)')

TOPICS = """topics:
  - id: everything
    name: Everything
    description: Every paper of this wiki.
    match:
      title: ['[a-z]+']
"""


def write_paper(papers: Path, paper_id: str, title: str, abstract: str) -> None:
    import yaml

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
