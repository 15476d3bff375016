r"""Give every paper its topics: the curated rules first, then the curator's own say.

Rules are case-insensitive regular expressions matched as whole words against the title or
the abstract (see content/topics.yaml). A paper's ``add_topics`` and ``remove_topics`` always
win over the rules, so a curator can correct any rule's mistake for one paper.

Patterns run on RE2 (``google-re2``), which matches in time linear in the text: with Python's
backtracking engine one careless pattern such as ``(\w+\s?)+!`` hangs every build. RE2 has
no lookaround and no backreferences; such a pattern is a located error saying what to write
instead. On ten thousand papers RE2 is also quicker than ``re`` was (see the commit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import ahocorasick
import re2

from .errors import Problem
from .records import Paper, Topic


@dataclass(frozen=True, eq=False)
class Matcher:
    """A union of patterns, and lowercase words one of which every match must contain.

    Looking for those words first skips most regular-expression searches: on ten thousand
    abstracts the searches took seconds, most of them finding nothing.

    Matchers compare by what they match (the expression's text and the words), not by the
    compiled object: every build compiles the rules again, and `paperwiki serve` reuses the
    matches of equal rules between rebuilds (see ``_matcher``)."""

    pattern: re2._Regexp
    hints: frozenset[str] | None  # None: no word is certain, always search

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Matcher) and self._source == other._source

    def __hash__(self) -> int:
        return hash(self._source)

    @property
    def _source(self) -> tuple[str, frozenset[str] | None]:
        return self.pattern.pattern, self.hints

    def matches(self, text: str, words_in_text: set[str]) -> bool:
        if self.hints is not None and self.hints.isdisjoint(words_in_text):
            return False
        return self.pattern.search(text) is not None


@dataclass(frozen=True)
class TopicRule:
    topic_id: str
    title: Matcher | None
    abstract: Matcher | None


class RuleMatcher:
    """Which rules a title and abstract match. Every rule's words are found in one pass over
    each text (an Aho-Corasick automaton): testing them word by word with ``in`` scanned an
    abstract three hundred times and took 0.8 s at ten thousand papers, this takes 0.3 s."""

    def __init__(self, rules: tuple[TopicRule, ...]) -> None:
        self.rules = rules
        self.automaton = ahocorasick.Automaton()
        for matcher in (m for rule in rules for m in (rule.title, rule.abstract) if m):
            for word in matcher.hints or ():
                self.automaton.add_word(word, word)
        self.automaton.make_automaton()
        self.has_words = self.automaton.kind == ahocorasick.AHOCORASICK

    def __call__(self, title: str, abstract: str) -> tuple[str, ...]:
        in_title, in_abstract = self._words_in(title), self._words_in(abstract)
        return tuple(rule.topic_id for rule in self.rules
                     if (rule.title and rule.title.matches(title, in_title))
                     or (rule.abstract and rule.abstract.matches(abstract, in_abstract)))

    def _words_in(self, text: str) -> set[str]:
        if not self.has_words:
            return set()
        return set(map(itemgetter(1), self.automaton.iter(text.lower())))


def compile_rules(topics: tuple[Topic, ...]) -> tuple[list[TopicRule], list[Problem]]:
    """One rule per topic; a pattern RE2 cannot run becomes a problem at its own line."""
    rules, problems = [], []
    for topic in topics:
        found = list(_pattern_problems(topic))
        if not found:
            try:
                rules.append(TopicRule(topic.id, _union(topic.title_patterns),
                                       _union(topic.abstract_patterns)))
            except re2.error as error:  # each pattern compiles, all of them together do not
                found.append(Problem(topic.source, topic.line, f"topic {topic.id!r}: its "
                                     f"patterns together are too large ({_reason(error)})",
                                     "write fewer or simpler patterns"))
        problems += found
    return rules, problems


_OPTIONS = re2.Options()
_OPTIONS.case_sensitive = False
_OPTIONS.never_capture = True  # only whether a rule matches counts
_OPTIONS.log_errors = False  # errors are reported as problems, not on stderr


def _compile(patterns: tuple[str, ...]) -> re2._Regexp:
    return re2.compile("|".join(rf"\b(?:{pattern})\b" for pattern in patterns), _OPTIONS)


def _pattern_problems(topic: Topic) -> Iterator[Problem]:
    for field_name in ("title", "abstract"):
        for index, pattern in enumerate(getattr(topic, f"{field_name}_patterns")):
            try:  # alone first: `a)|(b` is only valid inside the union's brackets
                re2.compile(pattern, _OPTIONS)
                _compile((pattern,))
            except re2.error as error:
                yield Problem(topic.source, topic.pattern_line(field_name, index),
                              f"topic {topic.id!r}: the {field_name} pattern `{pattern}` cannot "
                              f"be used: {_reason(error)}", _pattern_hint(pattern))


def _reason(error: re2.error) -> str:
    reason = error.args[0] if error.args else ""
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


_HINTS = (  # what a pattern RE2 refuses holds, and what to write instead
    (re.compile(r"\(\?<?[=!]"), "lookahead and lookbehind are not supported: match the words "
     "themselves, and correct single papers with add_topics/remove_topics"),
    (re.compile(r"\\[1-9]|\(\?P="), "backreferences are not supported: write the repeated "
     "word out"),
    (re.compile(r"[+*?}]\+|\(\?>"), "possessive and atomic repetition are not supported: write "
     "`+`, `*` or `?` alone"),
    (re.compile(r"\{\d{4,}"), "a repetition can be at most {1000}: use `+` or `*` instead"),
    (re.compile(r"\\Z"), "write \\z for the end of the text"),
)


def _pattern_hint(pattern: str) -> str:
    for marker, hint in _HINTS:
        if marker.search(pattern):
            return hint
    return ("patterns are RE2 regular expressions (see the curation guide): escape "
            "( ) [ ] . + ? * with \\ to match them as text")


def _union(patterns: tuple[str, ...]) -> Matcher | None:
    if not patterns:
        return None
    union = _compile(patterns)
    hints: list[str] = []
    for pattern in patterns:
        literals = required_literals(pattern)
        if literals is None:
            return Matcher(union, None)
        hints += literals
    return Matcher(union, frozenset(hints))


MIN_HINT = 2
_META = set("\\.^$*+?{}[]|()")
_REPEAT = re.compile(r"\{\d*(?:,\d*)?\}")


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lowercase texts one of which every match of ``pattern`` contains: the longest plain run
    of each top-level alternative (``None`` when an alternative has no run of two characters).

    Only text outside groups and character classes counts, so ``(parameter|memory) efficient
    pre-?training`` gives ``" efficient pre"``: a character before ``?``, ``*`` or ``{`` may be
    absent, and one before ``+`` may repeat, so each ends a run."""
    literals = []
    for branch in _top_level(pattern, "|"):
        runs = _literal_runs(branch)
        longest = max(runs, key=len, default="")
        if len(longest) < MIN_HINT:
            return None
        literals.append(longest.lower())
    return tuple(literals)


def _literal_runs(branch: str) -> list[str]:
    """The stretches of plain characters in ``branch`` that every match contains whole."""
    runs, run = [], []
    for item in _top_level(branch, None):
        if item[0] in "?*+" or (item[0] == "{" and len(item) > 1):
            if item[0] != "+" and run:
                run.pop()
            runs.append("".join(run))
            run = []
        elif len(item) == 1 and item not in _META:
            run.append(item)
        elif len(item) == 2 and item[0] == "\\" and not item[1].isalnum():
            run.append(item[1])  # an escaped punctuation character is itself
        else:  # a group, a class, an anchor, ``.`` or an escape such as \b or \d
            runs.append("".join(run))
            run = []
    runs.append("".join(run))
    return runs


def _top_level(pattern: str, separator: str | None) -> list[str]:
    """``pattern`` cut into top-level items (characters, escapes, quantifiers, whole groups,
    whole character classes) or, with a ``separator``, into the alternatives it separates."""
    items, depth, start, index = [], 0, 0, 0
    while index < len(pattern):
        char = pattern[index]
        index += 2 if char == "\\" else 1
        if char == "[":
            index = _class_end(pattern, index - 1)
        elif char == "{" and (repeat := _REPEAT.match(pattern, index - 1)):
            index = repeat.end()
        depth += (char == "(") - (char == ")")
        if depth:
            continue
        if separator is None:
            items.append(pattern[start:index])
            start = index
        elif char == separator:
            items.append(pattern[start:index - 1])
            start = index
    if separator is not None:
        items.append(pattern[start:])
    return items


def _class_end(pattern: str, start: int) -> int:
    """The index after the ``]`` closing the class opened at ``start`` (``[]a]`` and ``[^]a]``
    include the first ``]``)."""
    index = start + 1
    if pattern[index:index + 1] == "^":
        index += 1
    if pattern[index:index + 1] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1


Matching = Callable[[str, str], tuple[str, ...]]


def assign_topics(papers: list[Paper], rules: list[TopicRule],
                  remembered: Callable[[list[TopicRule], Matching], Matching] | None = None,
                  ) -> dict[str, tuple[str, ...]]:
    """Each paper's topic ids in the curated order of topics.yaml, hand-added ones last; none
    when no rule matches (the model then gives the paper the fallback topic). ``remembered``
    wraps the rules' matching in a store of matches made before."""
    matching = _matcher(tuple(rules))
    if remembered is not None:
        matching = remembered(rules, matching)
    return {paper.id: _topics_of(paper, matching(paper.title, paper.abstract))
            for paper in papers}


def _topics_of(paper: Paper, matched_rules: tuple[str, ...]) -> tuple[str, ...]:
    matched = [topic for topic in matched_rules if topic not in paper.remove_topics]
    return tuple(matched + [topic for topic in paper.add_topics if topic not in matched])


@lru_cache(maxsize=4)
def _matcher(rules: tuple[TopicRule, ...]) -> Callable[[str, str], tuple[str, ...]]:
    """Rule matches depend only on the text and the rules; regular expressions over ten
    thousand abstracts take seconds, so `paperwiki serve` reuses them between rebuilds. The
    rules are looked up once per build: hashing them for every paper cost seconds too."""
    return lru_cache(maxsize=100_000)(RuleMatcher(rules))
