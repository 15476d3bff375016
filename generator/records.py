"""The curated records (papers, topics, listings, settings) and their validation.

The JSON Schemas in ``schemas/`` are the single definition of what a file may hold: editors
use them to autocomplete, and this module validates with the very same files, so the two can
never disagree. Schema errors are translated into located problems with a fix.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .errors import Problem
from .listing import Organization
from .yamlfile import LineDict, LineList

SCHEMA_DIR = Path(__file__).parent / "schemas"
DEFAULT_MIRROR_HOSTS = ("b-61j.pages.dev", "hf.mirrork.net", "hf.barry1.top")


T = TypeVar("T")


def hash_once(cls: type[T]) -> type[T]:
    """A frozen dataclass that keeps its hash: a paper is hashed whole (every field, its links)
    wherever a page or an export is looked up in a memo, and `paperwiki serve` looks up ten
    thousand of them after every edit. The hash is the dataclass's own; equality still compares
    every field, so a kept hash can only cost a memo a hit (a copy made in a process with other
    string hashes), never give a wrong one."""
    compute = cls.__hash__

    def __hash__(self: T) -> int:
        kept = self.__dict__.get("_hash")
        if kept is None:
            kept = self.__dict__["_hash"] = compute(self)  # type: ignore[misc]
        return kept

    cls.__hash__ = __hash__  # type: ignore[method-assign, assignment]
    return cls


@hash_once  # hashed with its paper's entry (model._entry) after every edit under serve
@dataclass(frozen=True)
class Link:
    url: str
    kind: str
    label: str | None = None


@hash_once
@dataclass(frozen=True)
class Paper:
    """One paper as curated: what the listings said plus every hand edit."""

    id: str
    title: str
    abstract: str
    source: str
    published: date | None = None
    upvotes: int | None = None  # None: unknown, never shown as 0
    authors: tuple[str, ...] = ()  # names in order, when known
    author_count: int | None = None  # len(authors), or the count an older file gives
    organization: Organization | None = None
    arxiv: str | None = None
    code: str | None = None
    stars: int | None = None  # of ``code``, when the API reported that very repository
    project_page: str | None = None
    keywords: tuple[str, ...] = ()
    resolved: str | None = None  # the arXiv id the ``hf:`` block was filled from
    listings: tuple[str, ...] = ()
    summary: str | None = None
    note: str | None = None
    add_topics: tuple[str, ...] = ()
    remove_topics: tuple[str, ...] = ()
    hidden: bool = False
    featured: bool = False
    same_as: str | None = None
    aliases: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    pinned_related: tuple[str, ...] = ()
    banned_related: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    description: str
    source: str
    line: int
    parent: str | None = None
    title_patterns: tuple[str, ...] = ()
    abstract_patterns: tuple[str, ...] = ()
    # The line of each pattern, by field ("title", "abstract"), for located errors.
    pattern_lines: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False,
                                                       repr=False)

    def pattern_line(self, field_name: str, index: int) -> int:
        lines = self.pattern_lines.get(field_name, ())
        return lines[index] if index < len(lines) else self.line


@dataclass(frozen=True)
class ListingInfo:
    """A curator's description of one captured listing page."""

    id: str
    title: str
    captured: date
    source: str
    description: str | None = None


@dataclass(frozen=True)
class CurationSettings:
    """What curators set in content/config.yaml: how papers are imported, matched and
    shown. It is content, checked with the other content files (errors name its lines);
    the site's own settings (mkdocs.yml) are ``settings.Settings``."""

    mirror_hosts: tuple[str, ...] = DEFAULT_MIRROR_HOSTS
    related_count: int = 5
    newest_count: int = 10
    fallback_topic: str | None = None
    min_upvotes: int = 0  # of papers imported from the Daily Papers API
    import_keywords: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Content:
    """Everything under content/, validated file by file (cross-references are checked later)."""

    papers: tuple[Paper, ...]
    topics: tuple[Topic, ...]
    listings: tuple[ListingInfo, ...]
    settings: CurationSettings = field(default_factory=CurationSettings)
    warnings: tuple[Problem, ...] = ()  # files that look misplaced or misnamed (see store.py)
    pages: tuple[str, ...] = ()  # hand-written pages, relative to content/pages/ (and docs/)


@cache
def validator(kind: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


@cache
def passes_schema(kind: str) -> Callable[[Any], bool]:
    """A compiled check against the same schema: it says only yes or no, ten times quicker than
    jsonschema, which nearly every file then skips. It may refuse what jsonschema accepts
    (its ``$`` in patterns matches only at the very end), never the reverse."""
    check = fastjsonschema.compile(validator(kind).schema)

    def passes(data: Any) -> bool:
        try:
            check(data)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return passes


def schema_problems(kind: str, data: Any, path: str) -> list[Problem]:
    """Check ``data`` against a schema; each violation names its line and how to fix it."""
    if passes_schema(kind)(data):
        return []
    errors = sorted(validator(kind).iter_errors(data), key=lambda e: list(map(str, e.path)))
    return [problem for error in errors for problem in _explain(error, data, path)]


def _explain(error: ValidationError, data: Any, path: str) -> list[Problem]:
    if error.validator == "additionalProperties":
        return _unknown_keys(error, _value_at(data, list(error.absolute_path)), path)
    return [_explain_value(error, data, path)]


def _explain_value(error: ValidationError, data: Any, path: str) -> Problem:
    parts = list(error.absolute_path)
    line = _line_of(data, parts)
    where = "/".join(str(part) for part in parts) or "the file"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return Problem(path, line, f"missing required field {missing!r} in {where}",
                       f"add `{missing}:` with a value")
    if error.validator == "type":
        expected = error.validator_value
        return Problem(path, line, f"{where} should be of type {expected}, "
                       f"not {type(error.instance).__name__}", _type_hint(expected))
    if error.validator == "pattern" and "x-problem" in error.schema:
        return Problem(path, line, f"{where}: {error.instance!r} {error.schema['x-problem']}",
                       error.schema["x-hint"])
    return Problem(path, line, f"{where}: {error.message}", _schema_hint(error))


def _unknown_keys(error: ValidationError, container: Any, path: str) -> list[Problem]:
    """One problem per unknown key, in file order, each with its likely intended key."""
    allowed = sorted(error.schema.get("properties", {}))
    problems = []
    for key in (k for k in container if k not in allowed):
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "allowed keys: " + ", ".join(allowed)
        line = container.line_of(key) if isinstance(container, LineDict) else None
        problems.append(Problem(path, line, f"unknown key {key!r}", hint))
    return problems


def _value_at(data: Any, parts: list[Any]) -> Any:
    for part in parts:
        data = data[part]
    return data


def _line_of(data: Any, parts: list[Any]) -> int | None:
    """The line of the innermost key or list item on the path that the file records."""
    line = getattr(data, "line", None)
    for part in parts:
        if isinstance(data, LineDict):
            line = data.key_lines.get(part, line)
        elif isinstance(data, LineList) and isinstance(part, int) and part < len(data.item_lines):
            line = data.item_lines[part]
        data = data[part]
    return line


def _type_hint(expected: str) -> str:
    return {
        "string": "put the text in quotes if it looks like a number, date or true/false",
        "integer": "write a whole number without quotes",
        "boolean": "write true or false",
        "array": "write a list, one `- item` per line",
        "object": "write `key: value` pairs indented below",
    }.get(expected, "see the schema for the expected type")


def _schema_hint(error: ValidationError) -> str:
    if error.validator == "enum":
        return "use one of: " + ", ".join(map(str, error.validator_value))
    if error.validator == "uniqueItems":
        return "remove the repeated entry"
    if error.validator == "minLength":
        return "write some text or remove the field"
    return "see the schema referenced at the top of the file"


def paper_from_mapping(paper_id: str, data: dict[str, Any], source: str) -> Paper:
    """Build a Paper from schema-valid data: the curator's fields, each filled from the
    tool-owned ``hf:`` block where the curator wrote nothing."""
    related = data.get("related") or {}
    return Paper(
        id=paper_id, title=data["title"].strip(), abstract=data["abstract"].strip(), source=source,
        published=_date(data.get("published")), **identity_fields(data),
        listings=tuple(data.get("listings", ())), summary=data.get("summary"),
        note=data.get("note"), add_topics=tuple(data.get("add_topics", ())),
        remove_topics=tuple(data.get("remove_topics", ())), hidden=data.get("hidden", False),
        featured=data.get("featured", False), same_as=data.get("same_as"),
        aliases=tuple(data.get("aliases", ())),
        links=tuple(Link(url=link["url"], kind=link.get("kind", "other"), label=link.get("label"))
                    for link in data.get("links", ())),
        pinned_related=tuple(related.get("pin", ())), banned_related=tuple(related.get("ban", ())),
        lines=dict(getattr(data, "key_lines", {})),
    )


def identity_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Who wrote the paper and where it lives. A top-level value is the curator's and always
    wins; the ``hf:`` block (replaced whole by the tools) fills only what the curator left out.
    Upvotes are the one count both sides report, so the higher known one is shown."""
    hf = data.get("hf") or {}

    def pick(key: str) -> Any:
        return data[key] if key in data else hf.get(key)

    authors = pick("authors") if isinstance(data.get("authors"), list) else hf.get("authors")
    count = data.get("authors") if isinstance(data.get("authors"), int) else None
    organization = pick("organization")
    code = pick("code")
    return {
        "upvotes": known_max(data.get("upvotes"), hf.get("upvotes")),
        "authors": tuple(authors or ()), "author_count": len(authors) if authors else count,
        "organization": Organization(**organization) if organization else None,
        "arxiv": pick("arxiv"), "code": code,
        "stars": hf.get("stars") if code is not None and code == hf.get("code") else None,
        "project_page": pick("project_page"), "keywords": tuple(pick("keywords") or ()),
        "resolved": hf.get("arxiv"),
    }


def known_max(*counts: int | None) -> int | None:
    """The highest of the counts that are known; None when none is (unknown is not 0)."""
    known = [count for count in counts if count is not None]
    return max(known) if known else None


def topic_from_mapping(data: dict[str, Any], source: str, line: int) -> Topic:
    match = data.get("match") or {}
    return Topic(id=data["id"], name=data["name"], description=data["description"],
                 source=source, line=line, parent=data.get("parent"),
                 title_patterns=tuple(match.get("title", ())),
                 abstract_patterns=tuple(match.get("abstract", ())),
                 pattern_lines={key: tuple(getattr(match[key], "item_lines", ()))
                                for key in ("title", "abstract") if key in match})


def listing_from_mapping(listing_id: str, data: dict[str, Any], source: str) -> ListingInfo:
    return ListingInfo(id=listing_id, title=data["title"], captured=_date(data["captured"]),
                       source=source, description=data.get("description"))


def curation_settings_from_mapping(data: dict[str, Any]) -> CurationSettings:
    defaults = CurationSettings()
    return CurationSettings(mirror_hosts=tuple(data.get("mirror_hosts", defaults.mirror_hosts)),
                    related_count=data.get("related_count", defaults.related_count),
                    newest_count=data.get("newest_count", defaults.newest_count),
                    fallback_topic=data.get("fallback_topic"),
                    min_upvotes=(data.get("daily_import") or {}).get("min_upvotes", 0),
                    import_keywords=tuple((data.get("daily_import") or {}).get("keywords", ())),
                    lines=dict(getattr(data, "key_lines", {})))


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def date_problem(data: dict[str, Any], key: str, path: str) -> Problem | None:
    """Schema patterns accept 2024-02-31; the calendar does not."""
    value = data.get(key)
    if not isinstance(value, str):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        line = data.line_of(key) if isinstance(data, LineDict) else None
        return Problem(path, line, f"{key}: {value!r} is not a real date",
                       "write an existing day as YYYY-MM-DD")
    return None
