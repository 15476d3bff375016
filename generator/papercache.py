"""Parsed papers kept between builds: a paper file whose bytes did not change is not parsed
or validated again.

Parsing and validating ten thousand YAML files takes seconds; rebuilding the same papers from
their validated data, stored as JSON, a fraction of that. An entry is keyed by the file's
bytes and name (a paper's id and source come from its name) and by ``fingerprint``: the
generator's own files (the schemas, the loader) and the versions of the libraries that read
the file. Only a file that loaded without a problem is stored, and only when the paper
rebuilt from the stored JSON is the very paper the file gave (same values, same types, same
lines): a file with a problem is parsed every time, so its messages are those of a cold build.
Data made only of JSON's own types (text keys, text, whole numbers, finite decimals, booleans,
None, lists) comes back from JSON as it was, so it is stored as it is; only data holding
anything else (a date, a number as a key) is stored through JSON and the paper rebuilt from
it compared with the file's.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .fingerprint import digest
from .jsonstore import JsonStore
from .records import Paper, paper_from_mapping
from .yamlfile import LineDict


class PaperCache:
    """Papers by their file's name and bytes. ``key`` and ``entry`` are pure, for the processes
    the loader forks; ``get`` and ``put`` are the build's own, in the process that commits."""

    def __init__(self, store: JsonStore, fingerprint: bytes) -> None:
        self.store = store
        self.fingerprint = fingerprint

    def key(self, label: str, data: bytes) -> str:
        return digest(self.fingerprint, label.encode("utf-8", "surrogatepass"), data)

    def get(self, key: str, paper_id: str, label: str) -> Paper | None:
        entry = self.store.get(key)
        try:
            return _paper(entry, paper_id, label) if entry is not None else None
        except (KeyError, TypeError, ValueError, AttributeError):  # not an entry we wrote
            return None

    def entry(self, mapping: dict[str, Any], paper: Paper) -> Any | None:
        """What to store for ``paper``, loaded from the validated ``mapping``; None when JSON
        cannot give the same paper back (a value JSON has no exact form for)."""
        if _plain_json(mapping):  # a cold build stores every paper: proving it costs 0.4 s
            return {"data": mapping, "lines": paper.lines}
        try:
            stored = json.loads(json.dumps({"data": mapping, "lines": paper.lines},
                                           allow_nan=False))
            again = _paper(stored, paper.id, paper.source)
        except (ValueError, TypeError):
            return None
        same = repr(again) == repr(paper) and again.lines == paper.lines
        return stored if same else None

    def put(self, key: str, entry: Any) -> None:
        self.store.put(key, entry)


def _plain_json(value: Any) -> bool:
    """Whether ``value`` is made only of what JSON reads back as the very same value, of the
    very same type (subclasses of dict and list, such as the loader's, read back as dict and
    list: the loader's lines of nested values are not part of a paper)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(type(key) is str and _plain_json(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain_json(item) for item in value)
    return False


def _paper(entry: Any, paper_id: str, label: str) -> Paper:
    data = LineDict(entry["data"])
    data.key_lines = dict(entry["lines"])
    return paper_from_mapping(paper_id, data, label)
