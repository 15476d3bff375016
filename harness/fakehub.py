"""A fake Hugging Face Papers API on loopback, serving recorded responses.

The real ``huggingface_hub`` client talks HTTP to it (``HfApi(endpoint=fake.url)``), so tests
exercise the same requests, headers and parsing as a real run, with no internet. Its papers
are real records (``tests/fixtures/hf/papers.jsonl``, taken from the shared corpus) turned
back into the API's shape; ``/api/daily_papers`` serves the recorded responses byte for byte.
``faults`` queues answers that replace the next ones for a path: a status with headers, a
body, or a delay longer than the client's timeout.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "hf"


@dataclass(frozen=True)
class Fault:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


def api_paper(record: dict[str, Any]) -> dict[str, Any]:
    """A corpus record in the shape of ``/api/papers/<id>``."""
    paper: dict[str, Any] = {
        "id": record["arxiv_id"], "title": record["title"], "summary": record["abstract"],
        "publishedAt": f"{record['published']}T17:59:59.000Z",
        "authors": [{"_id": f"a{index}", "name": name, "hidden": False}
                    for index, name in enumerate(record.get("authors") or [])],
        "upvotes": record.get("upvotes") or 0,
    }
    for key, field in (("github_repo", "githubRepo"), ("github_stars", "githubStars"),
                       ("project_page", "projectPage"), ("ai_keywords", "ai_keywords")):
        if record.get(key) is not None:
            paper[field] = record[key]
    if record.get("org_handle"):
        paper["organization"] = {"_id": "o1", "name": record["org_handle"],
                                 "fullname": record.get("organization") or record["org_handle"]}
    return paper


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def load_records(path: Path = FIXTURES / "papers.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


class FakeHub:
    """Start with ``with FakeHub(records) as hub:``; ``hub.url`` is the endpoint."""

    def __init__(self, records: list[dict[str, Any]] | None = None,
                 daily_dir: Path = FIXTURES / "daily_papers"):
        self.papers: dict[str, dict[str, Any]] = {}
        self.words: dict[str, set[str]] = defaultdict(set)  # word -> ids of titles holding it
        for record in records or load_records():
            if record.get("arxiv_id"):
                self.add(api_paper(record))
        self.daily_dir = daily_dir
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, paper: dict[str, Any]) -> None:
        """Serve ``paper`` (in the API's shape) and find it by its title's words."""
        self.papers[paper["id"]] = paper
        for word in _words(paper["title"]):
            self.words[word].add(paper["id"])

    def fail(self, path: str, *faults: Fault) -> None:
        self.faults[path].extend(faults)

    def __enter__(self) -> FakeHub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if path == "/api/papers/search":
            return 200, json.dumps(self.search(query.get("q", [""])[0])).encode()
        if path == "/api/daily_papers":
            day = (query.get("date") or query.get("week") or query.get("month") or [""])[0]
            file = self.daily_dir / f"{day}.json"
            return (200, file.read_bytes()) if re.fullmatch(r"[\w-]+", day) and file.exists() \
                else (200, b"[]")
        if path.startswith("/api/papers/"):
            paper = self.papers.get(unquote(path.removeprefix("/api/papers/")))
            return (200, json.dumps(paper).encode()) if paper else \
                (404, b'{"error":"Entry not found"}')
        return 404, b'{"error":"not found"}'

    def search(self, query: str) -> list[dict[str, Any]]:
        """Like the Hub's search: papers sharing words with the query, best first (the
        exact title is usually, not always, among them), at most 20."""
        words = _words(query)
        shared: dict[str, int] = defaultdict(int)
        for word in words:
            for paper_id in self.words.get(word, ()):
                shared[paper_id] += 1
        scored = sorted((-n, paper_id) for paper_id, n in shared.items()
                        if n >= max(1, len(words) // 2) and paper_id in self.papers)
        return [self.papers[paper_id] for _, paper_id in scored[:20]]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                hub.requests.append((parts.path, query, dict(self.headers)))
                queued = hub.faults.get(parts.path)
                if queued:
                    fault = queued.popleft()
                    time.sleep(fault.delay)
                    self._send(fault.status, fault.body, fault.headers)
                    return
                self._send(*hub.answer(parts.path, query))

            def _send(self, status: int, body: bytes, headers: tuple = ()) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

            def log_message(self, *args: object) -> None:
                pass

        return Handler
