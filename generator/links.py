"""Find the links inside an abstract and say what each one points at.

Abstracts end sentences with URLs ("… at https://github.com/x/y."), sometimes omit the scheme
("github.com/x/y"), and copies captured through mirror hosts of huggingface.co carry the
mirror's address. Links are normalised to the canonical URL so that copies of one paper agree
and readers never leave for a mirror.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from .records import Link

_URL = re.compile(r"(?:https?://|(?<![\w./@-])(?=(?:www\.)?github\.com/))[^\s<>\"'`\]\[{}|\\^]+")
_TRAILING = ".,;:!?'\""
CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com"}
HUB_HOST = "huggingface.co"


def rewrite_mirrors(text: str, mirror_hosts: Iterable[str]) -> str:
    """Point every URL on a mirror host of huggingface.co at huggingface.co itself."""
    hosts = "|".join(re.escape(host) for host in sorted(mirror_hosts))
    if not hosts:
        return text
    return re.sub(rf"https?://(?:www\.)?(?:{hosts})(?=[/\s]|$)", f"https://{HUB_HOST}", text)


@lru_cache(maxsize=65_536)  # abstracts rarely change between the rebuilds of `serve`
def extract_links(text: str) -> tuple[Link, ...]:
    """Every distinct URL in ``text``, in order of appearance, without trailing punctuation.

    Two in three abstracts hold no URL; the substring test rules those out in a
    microsecond, where the expression took forty to scan them."""
    if "http" not in text and "github.com/" not in text:  # what every match of _URL contains
        return ()
    seen: dict[str, Link] = {}
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if not url.startswith("http"):
            url = "https://" + url
        if urlsplit(url).netloc and url not in seen:
            seen[url] = Link(url=url, kind=classify(url, text[max(0, match.start() - 40):match.start()]))
    return tuple(seen.values())


def _trim(url: str) -> str:
    """Drop sentence punctuation and a closing bracket that the URL did not open."""
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        else:
            break
    return url


def classify(url: str, context: str = "") -> str:
    """code, model, dataset, project or other — from the host and path, or the words before it."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host in CODE_HOSTS:
        return "code" if len(segments) >= 2 else "other"
    if host == HUB_HOST:
        return _classify_hub(segments)
    if host.endswith(".github.io") or re.search(r"project|website|homepage|page", context, re.I):
        return "project"
    return "other"


def _classify_hub(segments: list[str]) -> str:
    if not segments:
        return "other"
    if segments[0] == "datasets":
        return "dataset"
    if segments[0] == "spaces":
        return "project"
    if segments[0] in {"papers", "collections", "blog", "docs"} or len(segments) < 2:
        return "other"
    return "model"
