"""The Hugging Face Papers API, through ``huggingface_hub``: search by title, one paper by its
arXiv id, and the Daily Papers of a day, week or month.

Everything the API says is a stranger's text, so it is checked here before any other module
sees it: addresses must be http(s), names one line, counts whole numbers. What fails the check
is dropped and said, never written. Requests stay within the Hub's anonymous rate limit (500
per 5 minutes; set ``HF_TOKEN`` for more), a 429 is retried after its ``Retry-After``, other
transient failures with a growing pause, and every failure that remains becomes one
``HubError`` with one line of explanation.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .listing import Organization

ANONYMOUS_LIMIT = (500, 300.0)  # requests, seconds
TOKEN_LIMIT = (1000, 300.0)
TIMEOUT = 30.0  # seconds for one request; the client's own default waits forever
RETRIES = 4
TRANSIENT = {429, 500, 502, 503, 504}
_URL = re.compile(r"https?://[^\s<>\"]+")


class HubError(Exception):
    """The Hub could not answer; the message says what happened and what to do."""


@dataclass(frozen=True)
class HubPaper:
    """A paper as the Hub describes it, already checked (see ``hub_paper``)."""

    arxiv: str
    title: str
    abstract: str | None = None
    published: date | None = None
    authors: tuple[str, ...] = ()
    organization: Organization | None = None
    code: str | None = None
    stars: int | None = None
    project_page: str | None = None
    keywords: tuple[str, ...] = ()
    upvotes: int | None = None
    dropped: tuple[str, ...] = field(default=(), compare=False)  # what failed the checks

    def hf_block(self) -> dict[str, Any]:
        """The tool-owned ``hf:`` mapping of a paper file, in a fixed key order."""
        block: dict[str, Any] = {"arxiv": self.arxiv}
        optional = {"authors": list(self.authors) or None,
                    "organization": ({"handle": self.organization.handle,
                                      "name": self.organization.name}
                                     if self.organization else None),
                    "code": self.code, "stars": self.stars, "project_page": self.project_page,
                    "keywords": list(self.keywords) or None, "upvotes": self.upvotes}
        block.update((key, value) for key, value in optional.items() if value is not None)
        return block


def hub_paper(raw: dict[str, Any]) -> HubPaper:
    """A checked HubPaper from one item of the API, in any of its shapes: ``/api/papers/<id>``
    and the search give the paper itself; ``/api/daily_papers`` wraps it in ``paper`` beside
    the listing's own fields. Raises HubError when the item has no usable id or title."""
    paper = raw.get("paper") if isinstance(raw.get("paper"), dict) else raw
    dropped: list[str] = []
    from .arxiv import is_arxiv_id

    arxiv = paper.get("id")
    title = _one_line(raw.get("title") or paper.get("title"))
    if not isinstance(arxiv, str) or not is_arxiv_id(arxiv) or not title:
        raise HubError(f"the Hub sent a paper without a valid arXiv id or title ({arxiv!r})")
    return HubPaper(
        arxiv=arxiv, title=title, abstract=_text(paper.get("summary") or raw.get("summary")),
        published=_day(paper.get("publishedAt")), authors=_names(paper.get("authors"), dropped),
        organization=_organization(raw.get("organization") or paper.get("organization"), dropped),
        code=_url(paper.get("githubRepo") or raw.get("githubRepo"), "code", dropped),
        stars=_count(paper.get("githubStars", raw.get("githubStars"))),
        project_page=_url(paper.get("projectPage") or raw.get("projectPage"), "project page",
                          dropped),
        keywords=_keywords(paper.get("ai_keywords") or raw.get("ai_keywords")),
        upvotes=_count(paper.get("upvotes")), dropped=tuple(dropped))


def _one_line(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _text(value: Any) -> str | None:
    """An abstract: arXiv's hard line breaks joined, paragraphs kept apart."""
    if not isinstance(value, str):
        return None
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", value))
    return "\n\n".join(p for p in paragraphs if p) or None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _names(authors: Any, dropped: list[str]) -> tuple[str, ...]:
    """Author names in order; authors the Hub hides stay (they are still the paper's)."""
    if not isinstance(authors, list):
        return ()
    names = tuple(name for item in authors
                  if isinstance(item, dict) and (name := _one_line(item.get("name"))))
    if len(names) != len(authors):
        dropped.append(f"{len(authors) - len(names)} author(s) without a name")
        return ()  # a partial list would misattribute the paper; the count stays unknown
    return names


def _organization(value: Any, dropped: list[str]) -> Organization | None:
    if not isinstance(value, dict):
        return None
    handle, name = _one_line(value.get("name")), _one_line(value.get("fullname") or value.get("name"))
    if not handle or not re.fullmatch(r"[A-Za-z0-9][\w.-]*", handle):
        dropped.append(f"organisation handle {value.get('name')!r}")
        return None
    return Organization(handle=handle, name=name or handle)


def _url(value: Any, what: str, dropped: list[str]) -> str | None:
    """Only whole http(s) addresses: a ``javascript:`` or ``data:`` link is dropped."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and _URL.fullmatch(value.strip()):
        return value.strip()
    dropped.append(f"{what} address {str(value)[:60]!r} (only http and https are kept)")
    return None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _keywords(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(k for item in value if (k := _one_line(item))))


class RateLimiter:
    """At most ``limit`` requests in any ``period`` seconds: a request that would exceed it
    waits until the oldest one leaves the window."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.limit, self.period, self.clock, self.sleep = limit, period, clock, sleep
        self.sent: deque[float] = deque()
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = self.clock()
            while self.sent and now - self.sent[0] >= self.period:
                self.sent.popleft()
            if len(self.sent) >= self.limit:
                self.sleep(self.period - (now - self.sent[0]))
                self.sent.popleft()
                now = self.clock()
            self.sent.append(now)


class HubClient:
    """The three calls PaperWiki makes, each rate-limited, retried and explained.

    ``endpoint`` defaults to ``HF_ENDPOINT`` (or huggingface.co), ``token`` to ``HF_TOKEN``
    (requests are anonymous without one)."""

    def __init__(self, endpoint: str | None = None, token: str | None = None,
                 limiter: RateLimiter | None = None, sleep: Callable[[float], None] = time.sleep,
                 retries: int = RETRIES, timeout: float = TIMEOUT):
        from huggingface_hub import HfApi

        token = token or os.environ.get("HF_TOKEN") or None
        self.api = HfApi(endpoint=endpoint or os.environ.get("HF_ENDPOINT") or None,
                         token=token or False)
        self.token: str | bool = token or False
        self.limiter = limiter or RateLimiter(*(TOKEN_LIMIT if token else ANONYMOUS_LIMIT))
        self.sleep, self.retries = sleep, retries
        _use_timeout(timeout)

    @property
    def endpoint(self) -> str:
        return self.api.endpoint

    def search(self, title: str) -> list[HubPaper]:
        """Papers whose title or abstract the Hub's search matches to ``title``."""
        items = self._call(f"search for {title[:60]!r}",
                           lambda: [_as_item(info) for info in
                                    self.api.list_papers(query=title, token=self.token)])
        return _checked(items)

    def paper(self, arxiv_id: str) -> HubPaper | None:
        """The paper with this id, or None when the Hub does not know it (404)."""
        from .arxiv import unversioned

        # The Hub knows papers without their version: 2410.08565v2 is asked as 2410.08565.
        raw = self._call(f"paper {arxiv_id}",
                         lambda: _as_item(self.api.paper_info(unversioned(arxiv_id))),
                         missing_ok=True)
        return None if raw is None else hub_paper(raw)

    def daily(self, **period: str) -> tuple[bytes, list[HubPaper]]:
        """The raw response of ``/api/daily_papers`` for ``date``, ``week`` or ``month``, and
        its papers. The raw bytes are kept as the listing, so builds never ask again."""
        what = ", ".join(f"{key} {value}" for key, value in period.items())
        body = self._call(f"daily papers of {what}", lambda: _raw_daily(self.api, self.token,
                                                                        period))
        return body, daily_papers(body, f"daily papers of {what}")

    def _call(self, what: str, request: Callable[[], Any], missing_ok: bool = False) -> Any:
        """Run ``request`` within the rate limit; retry what may pass on a second try."""
        import httpx2
        from huggingface_hub.errors import HfHubHTTPError

        for attempt in range(self.retries + 1):
            self.limiter.wait()
            try:
                return request()
            except (HfHubHTTPError, httpx2.HTTPStatusError) as error:
                if getattr(error, "response", None) is None:
                    raise HubError(f"{what}: {error}") from None
                status = error.response.status_code
                if status == 404 and missing_ok:
                    return None
                if status not in TRANSIENT or attempt == self.retries:
                    raise HubError(_status_message(what, status, self.endpoint)) from None
                self.sleep(_retry_after(error.response.headers.get("Retry-After"), attempt))
            except httpx2.TimeoutException:
                if attempt == self.retries:
                    raise HubError(f"{what}: {self.endpoint} did not answer in time "
                                   f"({self.retries + 1} tries) — try again later") from None
                self.sleep(_backoff(attempt))
            except httpx2.HTTPError as error:
                raise HubError(f"{what}: cannot reach {self.endpoint} ({type(error).__name__}) "
                               "— check the network connection or HF_ENDPOINT") from None
            except (ValueError, TypeError, KeyError, AttributeError):
                raise HubError(f"{what}: {self.endpoint} sent an answer that is not the "
                               "expected JSON — try again later; if it persists, the API "
                               "has changed") from None
        raise AssertionError("unreachable")


def daily_papers(body: bytes, what: str) -> list[HubPaper]:
    """The papers of a stored or fetched ``/api/daily_papers`` response."""
    try:
        items = json.loads(body)
    except ValueError:
        raise HubError(f"{what}: the response is not JSON") from None
    if isinstance(items, dict) and isinstance(items.get("data"), list):
        items = items["data"]
    if not isinstance(items, list):
        raise HubError(f"{what}: expected a list of papers")
    return _checked(items)


def _checked(items: Any) -> list[HubPaper]:
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise HubError("the Hub sent something other than a list of papers")
    return [hub_paper(item) for item in items]


def _as_item(info: Any) -> dict[str, Any]:
    """A ``PaperInfo`` of ``list_papers`` or ``paper_info`` back in the API's own field names,
    so that one function (``hub_paper``) checks every answer, whichever call gave it."""
    organization = getattr(info, "organization", None)
    published = getattr(info, "published_at", None)
    return {
        "id": info.id, "title": info.title, "summary": info.summary,
        "publishedAt": published.isoformat() if published else None,
        "authors": [{"name": author.name} for author in info.authors or ()],
        "organization": ({"name": getattr(organization, "name", None),
                          "fullname": getattr(organization, "fullname", None)}
                         if organization else None),
        "githubRepo": info.github_repo, "githubStars": info.github_stars,
        "projectPage": info.project_page, "ai_keywords": info.ai_keywords,
        "upvotes": info.upvotes,
    }


def _raw_daily(api: Any, token: str | bool, period: dict[str, str]) -> bytes:
    """``list_daily_papers``' own request, keeping the body's bytes."""
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    response = get_session().get(f"{api.endpoint}/api/daily_papers", params=period,
                                 headers=build_hf_headers(token=token))
    hf_raise_for_status(response)
    return response.content


def _use_timeout(seconds: float) -> None:
    """``huggingface_hub``'s shared HTTP client waits forever by default; give it a limit."""
    from huggingface_hub import set_client_factory
    from huggingface_hub.utils._http import default_client_factory

    def factory() -> Any:
        client = default_client_factory()
        client.timeout = seconds
        return client

    set_client_factory(factory)


def _status_message(what: str, status: int, endpoint: str) -> str:
    if status == 429:
        return (f"{what}: {endpoint} still refuses requests after waiting (429 Too Many "
                "Requests) — wait a few minutes, or set HF_TOKEN for a higher limit")
    if status in (401, 403):
        return f"{what}: {endpoint} refused the request ({status}) — check HF_TOKEN"
    return f"{what}: {endpoint} answered HTTP {status} — try again later"


def _retry_after(header: str | None, attempt: int) -> float:
    """Seconds to wait: what the server asks (capped at five minutes), else a growing pause."""
    try:
        return min(max(float(header), 0.0), 300.0) if header else _backoff(attempt)
    except ValueError:
        return _backoff(attempt)


def _backoff(attempt: int) -> float:
    return min(2.0 ** attempt, 60.0)
