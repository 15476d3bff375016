"""Changes to curated YAML that keep what a curator wrote: comments, key order, quoting,
list indentation, line endings. Only imports edit files; builds never import this module's
YAML library.
"""

from __future__ import annotations

import re
from typing import Any

from .records import ListingInfo

PAPER_SCHEMA_COMMENT = "# yaml-language-server: $schema=../../generator/schemas/paper.schema.json\n"
# The keys tools write, in the order they write them; ``hf`` (tool-owned) always comes last.
PAPER_KEY_ORDER = ("title", "abstract", "published", "upvotes", "authors", "organization",
                   "listings", "add_topics", "hf")


def _round_trip_yaml(sequence_offset: int = 2) -> Any:
    from ruamel.yaml import (
        YAML,  # imported here: only imports edit files, builds never do
    )

    yaml = YAML()
    yaml.width = 1_000_000  # one abstract per line keeps diffs of curator edits readable
    yaml.indent(mapping=2, sequence=sequence_offset + 2, offset=sequence_offset)
    yaml.preserve_quotes = True
    return yaml


def new_paper_text(fields: dict[str, Any]) -> str:
    """The YAML of a freshly imported paper: machine fields in a fixed order, schema linked."""
    return _new_text(PAPER_SCHEMA_COMMENT,
                     [(key, fields[key]) for key in PAPER_KEY_ORDER if key in fields])


LISTING_SCHEMA_COMMENT = ("# yaml-language-server: "
                          "$schema=../../generator/schemas/listing.schema.json\n")


def new_listing_text(listing: ListingInfo) -> str:
    """The YAML beside a listing's text, as a curator would write it."""
    fields = [("title", listing.title), ("captured", listing.captured)]
    if listing.description:
        fields.append(("description", listing.description))
    return _new_text(LISTING_SCHEMA_COMMENT, fields)


def _new_text(schema_comment: str, fields: list[tuple[str, Any]]) -> str:
    from ruamel.yaml.comments import CommentedMap

    return schema_comment + _dump(CommentedMap(fields))


def updated_paper_text(text: str, changes: dict[str, Any]) -> str:
    """Apply import changes to a curated file, keeping its comments, key order, quoting,
    list indentation, line endings and document marker."""
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    yaml = _round_trip_yaml(sequence_offset=0 if _UNINDENTED_LIST.search(text) else 2)
    yaml.explicit_start = text.lstrip("\ufeff").startswith("---")
    document = yaml.load(text)
    for key, value in changes.items():
        if isinstance(value, list) and isinstance(document.get(key), list):
            _extend_keeping_trailing_comment(document[key], value)
        elif key in document:
            document[key] = value
        else:
            document.insert(_insert_position(document, key), key, value)
    updated = _dump(document, yaml, keep_header=text)
    return updated.replace("\n", "\r\n") if crlf else updated


_UNINDENTED_LIST = re.compile(r"^[^\s#][^\n]*:[ \t]*\n- ", re.MULTILINE)


def _extend_keeping_trailing_comment(sequence: Any, items: list[Any]) -> None:
    """ruamel keeps a comment that follows a list (it belongs to the next key) on the list's
    last item; move it to the new last item so the comment stays with its key."""
    trailing = sequence.ca.items.pop(len(sequence) - 1, None) if sequence else None
    sequence.extend(item for item in items if item not in sequence)
    if trailing is not None:
        sequence.ca.items[len(sequence) - 1] = trailing


def _insert_position(document: dict[str, Any], key: str) -> int:
    """Just after the last present key that comes before ``key`` in the canonical order."""
    earlier = PAPER_KEY_ORDER[: PAPER_KEY_ORDER.index(key)]
    positions = [index for index, present in enumerate(document) if present in earlier]
    return positions[-1] + 1 if positions else 0


def _dump(document: Any, yaml: Any = None, keep_header: str = "") -> str:
    import io

    stream = io.StringIO()
    (yaml or _round_trip_yaml()).dump(document, stream)
    dumped = stream.getvalue()
    header = keep_header[: len(keep_header) - len(keep_header.lstrip("\n"))]
    return header + dumped
