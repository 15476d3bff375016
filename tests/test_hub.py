"""resolve, add and import --day against a fake Hugging Face endpoint on loopback.

The real ``huggingface_hub`` client talks HTTP to ``harness/fakehub.py``, which serves real
records (``tests/fixtures/hf/``) and, on demand, faults: 429 with Retry-After, 500, a
timeout, malformed JSON. After each: one clear line, a documented exit code, no half-written
file, nothing a curator wrote lost.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from markupsafe import escape

from generator.arxiv import paper_ref, title_match_key
from generator.hfapi import HubClient, HubError, RateLimiter
from generator.importer import paper_id_for
from harness.fakehub import Fault, FakeHub, load_records
from tests.project import copy_project, run_cli

RECORDS = load_records()


@pytest.fixture
def hub():  # noqa: ANN201
    with FakeHub() as fake:
        yield fake


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "wiki")


def write_paper(project: Path, record: dict[str, Any], extra: str = "") -> Path:
    """A paper file as a text listing leaves it: title and abstract, no identity."""
    path = project / "content" / "papers" / f"{paper_id_for(record['title'])}.yaml"
    path.write_text("# a curator's comment stays\n"
                    f"title: {json.dumps(record['title'])}\n"
                    f"abstract: {json.dumps(record['abstract'])}\n"
                    "add_topics: [pretraining]\n" + extra, "utf-8")
    return path


def hf_of(path: Path) -> dict[str, Any] | None:
    return yaml.safe_load(path.read_text("utf-8")).get("hf")


def cli(project: Path, hub: FakeHub, *args: str) -> tuple[int, str]:
    return run_cli(project, *args, "--endpoint", hub.url)


def test_resolve_finds_each_paper_by_its_exact_title(project: Path, hub: FakeHub) -> None:
    records = [r for r in RECORDS if r.get("authors")][:12]
    paths = [write_paper(project, r) for r in records]
    code, output = cli(project, hub, "resolve", *(p.stem for p in paths))
    assert code == 0, output
    for path, record in zip(paths, records):
        hf = hf_of(path)
        assert hf["arxiv"] == record["arxiv_id"] and hf["authors"] == record["authors"]
        assert path.read_text("utf-8").startswith("# a curator's comment stays\n")
    assert f"{len(set(paths))} resolved" in output


def test_a_rerun_skips_resolved_papers_and_refresh_updates_counts(project: Path,
                                                                    hub: FakeHub) -> None:
    record = RECORDS[5]
    path = write_paper(project, record)
    assert cli(project, hub, "resolve", path.stem)[0] == 0
    asked = len(hub.requests)
    code, output = cli(project, hub, "resolve", path.stem)
    assert code == 0 and len(hub.requests) == asked and "1 skipped" in output
    hub.papers[record["arxiv_id"]]["upvotes"] = 999
    code, output = cli(project, hub, "resolve", "--refresh", path.stem)
    assert code == 0 and hf_of(path)["upvotes"] == 999 and "1 refreshed" in output


def test_a_curators_arxiv_id_is_used_and_never_overwritten(project: Path, hub: FakeHub) -> None:
    record, other = RECORDS[7], RECORDS[8]
    path = write_paper(project, record, f"arxiv: '{other['arxiv_id']}'\n")
    assert cli(project, hub, "resolve", path.stem)[0] == 0
    data = yaml.safe_load(path.read_text("utf-8"))
    assert data["arxiv"] == other["arxiv_id"] == data["hf"]["arxiv"]


def test_two_exact_title_matches_write_nothing_and_say_what_to_do(project: Path,
                                                                   hub: FakeHub) -> None:
    record = RECORDS[3]
    hub.add(dict(hub.papers[record["arxiv_id"]], id="2501.99999"))
    path = write_paper(project, record)
    before = path.read_bytes()
    code, output = cli(project, hub, "resolve", path.stem)
    assert code == 6 and path.read_bytes() == before
    assert f"content/papers/{path.name}: 2 papers on Hugging Face have this title" in output
    assert "add the right one as `arxiv: <id>` by hand" in output


def test_no_match_names_the_file_and_the_fix(project: Path, hub: FakeHub) -> None:
    path = write_paper(project, {"title": "A Paper Nobody Wrote", "abstract": "Nothing."})
    code, output = cli(project, hub, "resolve", path.stem)
    assert code == 6 and hf_of(path) is None
    assert f"content/papers/{path.name}: no paper on Hugging Face has exactly this title" in output


def test_a_server_that_keeps_failing_stops_cleanly_keeping_earlier_papers(
        project: Path, hub: FakeHub) -> None:
    first, second = RECORDS[10], RECORDS[11]
    done, failing = write_paper(project, first), write_paper(project, second)
    before = failing.read_bytes()
    hub.fail(f"/api/papers/{second['arxiv_id']}", *[Fault(500)] * 5)
    code, output = run_cli(project, "resolve", done.stem, failing.stem, "--endpoint", hub.url)
    assert code == 5, output
    assert "answered HTTP 500" in output and "1 paper file(s) written and complete" in output
    assert hf_of(done)["arxiv"] == first["arxiv_id"] and failing.read_bytes() == before
    assert not list((project / "content" / "papers").glob(".*.tmp"))


def test_429_is_retried_after_the_time_the_server_asks(hub: FakeHub) -> None:
    waits: list[float] = []
    client = HubClient(endpoint=hub.url, sleep=waits.append)
    arxiv_id = RECORDS[0]["arxiv_id"]
    hub.fail(f"/api/papers/{arxiv_id}", Fault(429, headers=(("Retry-After", "17"),)), Fault(503))
    assert client.paper(arxiv_id).arxiv == arxiv_id
    assert waits == [17.0, 2.0]


def test_timeouts_and_malformed_json_become_one_clear_error(hub: FakeHub) -> None:
    client = HubClient(endpoint=hub.url, sleep=lambda _: None, retries=1, timeout=0.3)
    arxiv_id = RECORDS[0]["arxiv_id"]
    hub.fail(f"/api/papers/{arxiv_id}", Fault(delay=1.0), Fault(delay=1.0))
    with pytest.raises(HubError, match="did not answer in time"):
        client.paper(arxiv_id)
    hub.fail(f"/api/papers/{arxiv_id}", Fault(200, b'{"id": "2401.1'))
    with pytest.raises(HubError, match="not the expected JSON"):
        client.paper(arxiv_id)
    unreachable = HubClient(endpoint="http://127.0.0.1:9", sleep=lambda _: None)
    with pytest.raises(HubError, match="cannot reach"):
        unreachable.paper(arxiv_id)


def test_interrupting_keeps_every_paper_written_so_far(project: Path, hub: FakeHub,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = RECORDS[12], RECORDS[13]
    done, pending = write_paper(project, first), write_paper(project, second)
    before = pending.read_bytes()
    original = HubClient.search

    def interrupted(self: HubClient, title: str) -> list:  # noqa: ANN001
        if title == second["title"]:
            raise KeyboardInterrupt
        return original(self, title)

    monkeypatch.setattr(HubClient, "search", interrupted)
    code, output = cli(project, hub, "resolve", done.stem, pending.stem)
    assert code == 130 and "Interrupted" in output
    assert hf_of(done)["arxiv"] == first["arxiv_id"] and pending.read_bytes() == before


def test_no_authors_leaves_authors_unknown(project: Path, hub: FakeHub) -> None:
    record = RECORDS[20]
    hub.papers[record["arxiv_id"]]["authors"] = []
    path = write_paper(project, record)
    assert cli(project, hub, "resolve", path.stem)[0] == 0
    assert "authors" not in hf_of(path) and hf_of(path)["arxiv"] == record["arxiv_id"]


HOSTILE_NAME = '<img src=x onerror=alert(1)>"\u202e'


def test_hostile_text_in_every_new_field_is_checked_or_dropped(project: Path,
                                                                hub: FakeHub) -> None:
    record = RECORDS[21]
    paper = hub.papers[record["arxiv_id"]]
    paper.update(authors=[{"name": HOSTILE_NAME}, {"name": "$\\href{javascript:alert(1)}{x}$"}],
                 githubRepo="javascript:alert(1)", projectPage="data:text/html,<script>x</script>",
                 organization={"name": "bad handle\"><script>", "fullname": "<b>Org</b>"},
                 ai_keywords=["<script>alert(1)</script>"])
    path = write_paper(project, record)
    code, output = cli(project, hub, "resolve", path.stem)
    assert code == 0, output
    hf = hf_of(path)
    assert "code" not in hf and "project_page" not in hf and "organization" not in hf
    assert "only http and https are kept" in output
    assert hf["authors"][0] == HOSTILE_NAME  # kept as text; pages escape it
    assert run_cli(project, "build")[0] == 0
    html = (project / "site" / "papers" / path.stem / "index.html").read_text("utf-8")
    parsed = TagsAndLinks()
    parsed.feed(html)
    assert "img" not in parsed.body_tags and not parsed.handlers
    assert not [url for url in parsed.urls if url.lower().lstrip().startswith(("javascript", "data"))]


class TagsAndLinks(HTMLParser):
    """The tags of the page's body, its event-handler attributes and its link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.body_tags: set[str] = set()
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_body = self.in_body or tag == "body"
        if self.in_body:
            self.body_tags.add(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")
                      and (value or "").partition(":")[0].isalpha()]


def test_add_takes_ids_and_addresses(project: Path, hub: FakeHub) -> None:
    ids = [r["arxiv_id"] for r in RECORDS[30:33]]
    code, output = cli(project, hub, "add", ids[0], f"https://arxiv.org/pdf/{ids[1]}v2",
                       f"https://hf.mirrork.net/papers/{ids[2]}", "--topic", "pretraining")
    assert code == 0 and "3 added" in output, output
    for arxiv_id in ids:
        [path] = [p for p in (project / "content" / "papers").glob("*.yaml")
                  if (hf_of(p) or {}).get("arxiv", "").startswith(arxiv_id)]
        assert yaml.safe_load(path.read_text("utf-8"))["add_topics"] == ["pretraining"]
    code, output = cli(project, hub, "add", ids[0])
    assert code == 0 and "already in the wiki" in output
    code, output = cli(project, hub, "add", "not-a-paper")
    assert code == 1 and "not an arXiv id or paper address" in output


@pytest.mark.parametrize(("text", "expected"), [
    ("2410.08565", "2410.08565"), ("arXiv:2410.08565v3", "2410.08565v3"),
    ("hep-th/9901001", "hep-th/9901001"), ("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001v2"),
    ("arxiv.org/pdf/2410.08565.pdf", "2410.08565"), ("https://huggingface.co/papers/2410.08565", "2410.08565"),
    ("https://evil.example/papers/2410.08565", None), ("javascript:alert(1)", None),
])
def test_paper_references(text: str, expected: str | None) -> None:
    assert paper_ref(text, ("hf.mirrork.net",)) == expected


def test_titles_match_across_case_spacing_punctuation_and_latex() -> None:
    assert title_match_key("$\\mathcal{B}$-Coder:  Value-Based  RL") == title_match_key(
        "ℬ-coder — value based rl")


def test_import_a_day_keeps_the_response_and_reimports_byte_for_byte(project: Path,
                                                                      hub: FakeHub) -> None:
    code, output = cli(project, hub, "import", "--day", "2026-08-21")
    assert code == 0, output
    listings = project / "content" / "listings"
    stored = listings / "daily-2026-08-21.json"
    assert stored.read_bytes() == (Path(__file__).parent / "fixtures" / "hf" / "daily_papers"
                                   / "2026-08-21.json").read_bytes()
    snapshot = {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()}
    assert cli(project, hub, "import", "--day", "2026-08-21")[0] == 0
    assert run_cli(project, "import")[0] == 0  # offline, from the stored response
    assert snapshot == {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()}


def test_import_filters_from_the_config(project: Path, hub: FakeHub) -> None:
    config = project / "content" / "config.yaml"
    config.write_text(config.read_text("utf-8").split("daily_import:")[0]
                      + "daily_import:\n  min_upvotes: 100\n", "utf-8")
    code, output = cli(project, hub, "import", "--day", "2026-08-21")
    kept = [p for p in json.loads((Path(__file__).parent / "fixtures" / "hf" / "daily_papers"
                                   / "2026-08-21.json").read_text("utf-8"))
            if p["paper"]["upvotes"] >= 100]
    assert code == 0 and f"{len(kept)} records" in output


def test_a_malformed_daily_answer_writes_nothing(project: Path, hub: FakeHub) -> None:
    before = sorted((project / "content").rglob("*"))
    hub.fail("/api/daily_papers", Fault(200, b"[{\"paper\": "))
    code, output = cli(project, hub, "import", "--week", "2026-W34")
    assert code == 5 and "No file was written" in output
    assert sorted((project / "content").rglob("*")) == before


def test_a_bad_period_is_a_usage_error(project: Path, hub: FakeHub) -> None:
    code, output = cli(project, hub, "import", "--week", "2026-34")
    assert code == 2 and "YYYY-Www" in output


def test_the_rate_limiter_waits_for_the_oldest_request_to_leave_the_window() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(3, 300.0, clock=lambda: now[0], sleep=sleep)
    for moment in (0.0, 10.0, 20.0, 30.0):
        now[0] = max(now[0], moment)
        limiter.wait()
    assert waits == [270.0]


def test_an_added_paper_is_citable_from_its_page(project: Path, hub: FakeHub) -> None:
    record = next(r for r in RECORDS if r.get("authors") and r.get("github_repo")
                  and len(r["authors"]) > 1)
    assert cli(project, hub, "add", record["arxiv_id"], "--topic", "pretraining")[0] == 0
    code, output = run_cli(project, "build")
    assert code == 0, output
    site = project / "site"
    html = (site / "papers" / paper_id_for(record["title"]) / "index.html").read_text("utf-8")
    metas = re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', html)
    assert [value for name, value in metas if name == "citation_author"] == [
        escape(name) for name in record["authors"]]
    assert ("citation_arxiv_id", record["arxiv_id"]) in metas
    assert ("citation_pdf_url", f"https://arxiv.org/pdf/{record['arxiv_id']}") in metas
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert [a["name"] for a in data["author"]] == record["authors"]
    assert f"https://arxiv.org/abs/{record['arxiv_id']}" in data["sameAs"]
    image = re.search(r'<meta property="og:image" content="([^"]+)"', html)[1]
    assert image.endswith("assets/images/card.png") and (site / "assets/images/card.png").is_file()
    assert f'href="{record["github_repo"]}"' in html


def test_a_second_file_of_the_same_paper_is_named_not_given_its_id(project: Path,
                                                                    hub: FakeHub) -> None:
    record = RECORDS[40]
    first = write_paper(project, record)
    second = first.with_name("a-copy-of-that-paper.yaml")
    second.write_text(first.read_text("utf-8").replace(record["title"], record["title"].upper()),
                      "utf-8")
    code, output = cli(project, hub, "resolve", first.stem, second.stem)
    assert code == 6 and hf_of(first)["arxiv"] == record["arxiv_id"] and hf_of(second) is None
    assert f"add `same_as: {first.stem}` here" in output
