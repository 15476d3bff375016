"""Turn corpus records into a scratch PaperWiki project: listings as PaperWiki imports them.

The corpus (one JSON record a line: title, abstract, n_authors, published, upvotes,
organization, org_handle, arxiv_id, authors, github_repo, project_page, …) is written back
into the two shapes ``paperwiki import`` reads. Records with an arXiv id and author names
(the API's own records) become stored Daily Papers API answers (``api-NNNN.json``), so their
pages show authors, arXiv, PDF, code and project links as resolved papers do; the others
become copies of a "Daily Papers" page (``daily-NNNN.txt``, see the README's "Listing
format"): the page header, the capture day, then title / abstract / metadata block records.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

HEADER = ("new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
          "byAK and the research community")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FALLBACK_TOPIC = """  - id: other
    name: Other topics
    description: Papers no curated rule matches.
"""

# What to write for a record with neither an author count nor an organisation (the corpus's
# secondary source): "zero" keeps its date and upvotes behind a `• 0 authors` byline, which the
# parser reads as "author count unknown"; "omit" drops the metadata block, as some real pages do,
# and with it the date.
NO_BYLINE_CHOICES = ("zero", "omit")


@dataclass(frozen=True)
class ScratchProject:
    root: Path
    listings: int
    records: int
    without_byline: int  # records with neither an author count nor an organisation
    undated: int  # records written without a date (no metadata block)


def read_records(corpus: Path, count: int) -> list[dict[str, Any]]:
    """The first ``count`` records of the corpus; fewer if the corpus is shorter."""
    with corpus.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in islice(stream, count)]


def make_project(source: Path, target: Path, records: list[dict[str, Any]], per_listing: int,
                 no_byline: str, identities: bool = True) -> ScratchProject:
    """A project with the real site settings and theme, and the records as listing files:
    stored Daily Papers answers for records with an arXiv id and authors (unless
    ``identities`` is false, for versions that read only text listings), text otherwise."""
    if target.exists():
        shutil.rmtree(target)
    (target / "content" / "listings").mkdir(parents=True)
    (target / "docs").mkdir()
    shutil.copy2(source / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(source / "overrides", target / "overrides")
    if (source / "content" / "pages").is_dir():
        shutil.copytree(source / "content" / "pages", target / "content" / "pages")
    if (source / "docs" / ".gitignore").exists():
        shutil.copy2(source / "docs" / ".gitignore", target / "docs" / ".gitignore")
    _write_topics(source / "content" / "topics.yaml", target / "content" / "topics.yaml")
    _write_config(source / "content" / "config.yaml", target / "content" / "config.yaml")
    listings = 0
    undated = 0
    without_byline = sum(1 for r in records if _byline(r, "omit") is None)
    folder = target / "content" / "listings"
    for start in range(0, len(records), per_listing):
        chunk = records[start:start + per_listing]
        identified = [record for record in chunk if identities and _identified(record)]
        pages = [record for record in chunk if not (identities and _identified(record))]
        for kind, part in (("api", identified), ("daily", pages)):
            if not part:
                continue
            listings += 1
            listing_id = f"{kind}-{listings:04d}"
            if kind == "api":
                captured = max(date.fromisoformat(r["published"]) for r in part)
                (folder / f"{listing_id}.json").write_text(api_response(part), encoding="utf-8")
            else:
                text, captured = listing_text(part, no_byline)
                undated += sum(1 for record in part if _byline(record, no_byline) is None)
                (folder / f"{listing_id}.txt").write_text(text, encoding="utf-8")
            (folder / f"{listing_id}.yaml").write_text(
                listing_yaml(part, captured, start), encoding="utf-8")
    return ScratchProject(target, listings, len(records), without_byline, undated)


def _identified(record: dict[str, Any]) -> bool:
    return bool(record.get("arxiv_id") and record.get("authors"))


def api_response(records: list[dict[str, Any]]) -> str:
    """The records as ``/api/daily_papers`` answers: each paper under ``paper``, with its
    authors, code repository and stars, project page, keywords and organisation."""
    items = []
    for record in records:
        paper = {"id": record["arxiv_id"], "title": record["title"],
                 "summary": record["abstract"],
                 "publishedAt": f"{record['published']}T00:00:00.000Z",
                 "authors": [{"name": name} for name in record["authors"]],
                 "upvotes": record.get("upvotes") or 0}
        for key, field in (("github_repo", "githubRepo"), ("github_stars", "githubStars"),
                           ("project_page", "projectPage"), ("ai_keywords", "ai_keywords")):
            if record.get(key) is not None:
                paper[field] = record[key]
        item = {"paper": paper, "title": record["title"]}
        if record.get("org_handle"):
            item["organization"] = {"name": record["org_handle"],
                                    "fullname": record.get("organization") or record["org_handle"]}
        items.append(item)
    return json.dumps(items, ensure_ascii=False)


def _write_topics(source: Path, target: Path) -> None:
    text = source.read_text(encoding="utf-8")
    if not re.search(r"^\s*- id: other\s*$", text, re.MULTILINE):
        text = text.rstrip("\n") + "\n" + FALLBACK_TOPIC
    target.write_text(text, encoding="utf-8")


def _write_config(source: Path, target: Path) -> None:
    text = source.read_text(encoding="utf-8") if source.exists() else ""
    if re.search(r"^fallback_topic:", text, re.MULTILINE):
        text = re.sub(r"^fallback_topic:.*$", "fallback_topic: other", text, flags=re.MULTILINE)
    else:
        text = text.rstrip("\n") + "\n\nfallback_topic: other\n"
    # Every paper of the stored API answers is imported: the shipped filters would drop most.
    text = re.sub(r"^daily_import:\n(?:[ ]+.*\n)*", "", text, flags=re.MULTILINE)
    target.write_text(text, encoding="utf-8")


def listing_text(records: list[dict[str, Any]], no_byline: str) -> tuple[str, date]:
    """The page text of one listing and its capture day (the day after its newest record)."""
    captured = max(date.fromisoformat(r["published"]) for r in records) + timedelta(days=1)
    head = [*HEADER, f"{MONTHS[captured.month - 1]} {captured.day}"]
    blocks = [_record_text(record, captured, no_byline) for record in records]
    return "\n\n".join(head + blocks), captured  # the last record ends without a blank line


def _record_text(record: dict[str, Any], captured: date, no_byline: str) -> str:
    lines = [record["title"], "", record["abstract"]]
    byline = _byline(record, no_byline)
    if byline is not None:
        lines += ["", byline, "·", _date_line(record, captured)]
    return "\n".join(lines)


def _byline(record: dict[str, Any], no_byline: str) -> str | None:
    """Pages show the organisation instead of the author count when there is one."""
    if record.get("organization") and record.get("org_handle"):
        return f"{record['org_handle']} {record['organization'].strip()}"
    if record.get("n_authors"):
        return f"  • {record['n_authors']} authors"
    return "  • 0 authors" if no_byline == "zero" else None


def _date_line(record: dict[str, Any], captured: date) -> str:
    """`Mon D` in the capture year, `Mon D, YYYY` otherwise, then the upvotes if any."""
    published = date.fromisoformat(record["published"])
    text = f"{MONTHS[published.month - 1]} {published.day}"
    if published.year != captured.year:
        text += f", {published.year}"
    if record.get("upvotes"):
        text += f" {record['upvotes']}"
    return text


def listing_yaml(records: list[dict[str, Any]], captured: date, start: int) -> str:
    first = min(r["published"] for r in records)
    last = max(r["published"] for r in records)
    return (
        "# yaml-language-server: $schema=../../generator/schemas/listing.schema.json\n"
        f"title: Daily Papers {first} to {last}\n"
        f"captured: {captured.isoformat()}\n"
        f'description: "Corpus records {start + 1} to {start + len(records)}."\n'
    )
