"""arXiv ids: recognise them in what curators paste, and the addresses every paper has.

Ids come in two styles, new (``2410.08565``, optionally ``v2``) and old (``hep-th/9901001``).
A curator may paste the id, an arxiv.org address (``abs/``, ``pdf/``, ``html/``) or a
Hugging Face paper page, on huggingface.co or on one of its mirrors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from .text import plain_text

ARXIV_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
ARXIV_HOSTS = ("arxiv.org", "export.arxiv.org")
HUB_HOST = "huggingface.co"


def is_arxiv_id(text: str) -> bool:
    return ARXIV_ID.fullmatch(text) is not None


def paper_ref(text: str, mirror_hosts: Iterable[str] = ()) -> str | None:
    """The arXiv id in an id or a paper address, or None when ``text`` is neither.

    ``https://arxiv.org/abs/2410.08565v2``, ``arxiv.org/pdf/2410.08565.pdf``,
    ``https://huggingface.co/papers/2410.08565`` and ``arXiv:2410.08565`` all give the id."""
    text = text.strip()
    bare = re.sub(r"^arxiv:", "", text, flags=re.IGNORECASE)
    if is_arxiv_id(bare):
        return bare
    parts = urlsplit(text if "://" in text else "https://" + text)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.strip("/")
    if host in ARXIV_HOSTS:
        match = re.fullmatch(r"(?:abs|pdf|html)/(.+?)(?:\.pdf)?", path)
    elif host == HUB_HOST or host in set(mirror_hosts):
        match = re.fullmatch(r"papers/(.+)", path)
    else:
        return None
    return match.group(1) if match and is_arxiv_id(match.group(1)) else None


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


def hub_url(arxiv_id: str) -> str:
    """The paper's page on Hugging Face, which knows papers without their version."""
    return f"https://{HUB_HOST}/papers/{unversioned(arxiv_id)}"


def doi(arxiv_id: str) -> str:
    """arXiv's DataCite DOI, registered for the paper as a whole (no version)."""
    return f"10.48550/arXiv.{unversioned(arxiv_id)}"


def unversioned(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id)


def title_match_key(title: str) -> str:
    """What must be equal for two titles to be the same paper: LaTeX math as Unicode, then
    case, accents' composition, punctuation and whitespace ignored."""
    text = unicodedata.normalize("NFKC", plain_text(title)).casefold()
    kept = (char if unicodedata.category(char)[0] in "LN" else " " for char in text)
    return " ".join("".join(kept).split())
