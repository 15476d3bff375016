"""Where a generated file ends up on the site, and how one page addresses another.

The site uses directory addresses (MkDocs' ``use_directory_urls``): ``papers/x.md`` is served
as ``papers/x/``. Links written by MkDocs from Markdown follow this rule on their own; the
links we write as HTML ourselves ask here, so both agree.
"""

from __future__ import annotations

from posixpath import dirname, join, normpath, relpath


def page_address(docs_path: str) -> str:
    """The address of a file in docs/, relative to the site root ("" is the home page)."""
    if not docs_path.endswith(".md"):
        return docs_path
    stem = docs_path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_address(from_page: str, to_docs_path: str) -> str:
    """How the page made from ``from_page`` links to ``to_docs_path``, a path relative to
    ``from_page``'s folder as written in docs/ (``../topics/rl.md``)."""
    target = page_address(normpath(join(dirname(from_page), to_docs_path)))
    base = page_address(from_page) or "."
    if not base.endswith("/"):  # a page that is a file: links are relative to its folder
        base = dirname(base) or "."
    address = relpath(target or ".", base.rstrip("/") or ".")
    if address == ".":
        return "./"
    return address + "/" if target.endswith("/") or not target else address
