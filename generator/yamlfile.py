"""Read curated YAML strictly, remembering the line of every key.

Plain PyYAML keeps the last of two equal keys without a word and forgets where things were.
Curators need to hear about the duplicate and be pointed at the line, so this loader refuses
duplicate keys, tabs, empty files and non-UTF-8 bytes, and returns mappings that know the line
of each of their keys. Dates stay ISO strings so that JSON Schema can check them.

It also refuses anchors and aliases (``&name``, ``*name``). Curated files have no use for
them, and a two-kilobyte file of aliases of aliases expands into billions of values: it kept
a check busy for minutes before it was refused, line and all, before anything is built.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import ContentError, Problem


class LineDict(dict):
    """A mapping that knows the line (1-based) where each key was written, and its own."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str | None) -> int:
        return self.key_lines.get(key, self.line) if key is not None else self.line


class LineList(list):
    """A sequence that knows the line (1-based) of each of its items."""

    line: int = 0
    item_lines: list[int]


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The C loader where available (ten times faster on large wikis), with strict mappings."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise _BadKey(line)
        if key in mapping.key_lines:
            raise _DuplicateKey(key, line, mapping.key_lines[key])
        mapping.key_lines[key] = line
        mapping[key] = (value_node.value if key in _VERBATIM_KEYS and _is_plain(value_node)
                        else loader.construct_object(value_node, deep=True))
    return mapping


# Keys whose unquoted values are text as written: YAML reads `arxiv: 2410.08560` as the float
# 2410.0856, which is another paper's id.
_VERBATIM_KEYS = frozenset({"arxiv"})


def _is_plain(node: yaml.Node) -> bool:
    """An unquoted scalar (the C parser gives its style as "", the Python one as None)."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value != ""


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> LineList:
    sequence = LineList(loader.construct_object(item, deep=True) for item in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
    return sequence


def _construct_timestamp_as_text(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


class _BadKey(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, first_line: int):
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8, naming the line of the first bad byte instead of an offset, and refuse
    the invisible characters YAML refuses (in listing text too: they would end up in YAML)."""
    try:
        text = data.decode("utf-8-sig")  # editors on Windows may start the file with a BOM
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(Problem(path, line, "the file is not UTF-8 text",
                                   "save it with UTF-8 encoding")) from None
    if bad := _DISALLOWED.search(text):
        raise ContentError(_character_problem(text, bad.start(), path))
    return text


# What YAML may not hold (C0 and C1 controls but tab, line feed, carriage return; U+FFFE,
# U+FFFF), and the line separators a YAML parser or str.splitlines would count as a
# new line where an editor shows none.
_DISALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_CHARACTER_NAMES = {0x00: "NUL", 0x0C: "form feed", 0x1B: "escape", 0x7F: "delete",
                    0x85: "next line", 0x2028: "line separator",
                    0x2029: "paragraph separator", 0xFFFE: "noncharacter"}


def _character_problem(text: str, offset: int, path: str) -> Problem:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    code = ord(text[offset])
    name = _CHARACTER_NAMES.get(code, "control character")
    return Problem(path, line, f"column {column} holds the invisible character U+{code:04X} "
                   f"({name})", "delete it (editors show it as a box, or not at all)")


def parse_yaml(text: str, path: str) -> Any:
    """Parse one YAML document; every failure becomes a located, explained Problem."""
    if not text.strip() or all(_is_comment(line) for line in text.splitlines()):
        raise ContentError(Problem(path, 1, "the file is empty",
                                   "write the fields it needs, or delete the file"))
    tab_line = next((n for n, line in enumerate(text.splitlines(), 1) if "\t" in line), None)
    if tab_line:
        raise ContentError(Problem(path, tab_line, "the line contains a tab character",
                                   "YAML indentation must use spaces; replace the tab with spaces"))
    try:
        if _MAY_HAVE_ANCHORS.search(text):
            _refuse_anchors(text, path)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader subclass
    except _DuplicateKey as dup:
        raise ContentError(Problem(path, dup.line, f"the key {dup.key!r} appears twice "
                                   f"(first on line {dup.first_line})",
                                   "keep one of them; YAML would silently use the last")) from None
    except _BadKey as bad:
        raise ContentError(Problem(path, bad.line, "a key must be plain text",
                                   "write `name: value`; lists and mappings cannot be keys")) from None
    except yaml.MarkedYAMLError as error:
        mark = _useful_mark(error, text)
        what = error.problem or error.context or "invalid YAML"
        raise ContentError(Problem(path, mark.line + 1 if mark else None, f"invalid YAML: {what}",
                                   "check indentation, colons and quotes on this line; text "
                                   "containing ': ' or starting with a special character needs "
                                   "quotes")) from None


# Where an anchor or alias can start a node; text such as "Q&A" or "2*3" is left alone, and
# anything this finds is confirmed by the parser (in quoted or plain text it is just text).
_MAY_HAVE_ANCHORS = re.compile(r"(?:^|[\s\[{,])[&*][^\s,\[\]{}]", re.MULTILINE)


def _refuse_anchors(text: str, path: str) -> None:
    """Stop at the first anchor or alias the parser sees, before anything is expanded."""
    loader = _StrictLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ContentError(Problem(
                    path, event.start_mark.line + 1, "YAML anchors and aliases (`&name`, "
                    "`*name`) are not allowed in curated files",
                    "write the value out in full; text that starts with & or * needs quotes"))
    finally:
        loader.dispose()


def _useful_mark(error: yaml.MarkedYAMLError, text: str) -> Any:
    """Where the problem is: an unclosed quote or bracket is reported by PyYAML at the end of
    the file, but the place to fix is where it was opened."""
    mark = error.problem_mark or error.context_mark
    if error.context_mark and mark and mark.line >= len(text.splitlines()):
        return error.context_mark
    return mark


def _is_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")
