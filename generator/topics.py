"""Give every paper its topics: the curated rules first, then the curator's own say.

Rules are case-insensitive (ASCII) regular expressions matched as whole words against the title or
the abstract (see content/topics.yaml). A paper's ``add_topics`` and ``remove_topics`` always
win over the rules, so a curator can correct any rule's mistake for one paper.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .errors import Problem
from .records import Paper, Topic


@dataclass(frozen=True)
class Matcher:
    """A union of patterns, and lowercase words one of which every match must contain.

    Checking those words with ``in`` first skips most regular-expression searches: on ten
    thousand abstracts the searches took seconds, most of them finding nothing."""

    pattern: re.Pattern[str]
    hints: tuple[str, ...] | None  # None: no word is certain, always search

    def search(self, text: str, lowered: str) -> bool:
        if self.hints is not None and not any(hint in lowered for hint in self.hints):
            return False
        return self.pattern.search(text) is not None


@dataclass(frozen=True)
class TopicRule:
    topic_id: str
    title: Matcher | None
    abstract: Matcher | None

    def matches(self, title: str, abstract: str, lowered_title: str, lowered_abstract: str) -> bool:
        return bool((self.title and self.title.search(title, lowered_title))
                    or (self.abstract and self.abstract.search(abstract, lowered_abstract)))


def compile_rules(topics: tuple[Topic, ...]) -> tuple[list[TopicRule], list[Problem]]:
    """One rule per topic; a pattern that is not a valid regex becomes a located problem."""
    rules, problems = [], []
    for topic in topics:
        try:
            rules.append(TopicRule(topic.id, _union(topic.title_patterns),
                                   _union(topic.abstract_patterns)))
        except re.error as error:
            problems.append(Problem(topic.source, topic.line,
                                    f"topic {topic.id!r} has an invalid pattern: {error}",
                                    "fix the regular expression; escape ( ) [ ] . + ? with \\"))
    return rules, problems


def _union(patterns: tuple[str, ...]) -> Matcher | None:
    if not patterns:
        return None
    # ASCII case folding: curated patterns are English words, and Unicode-aware matching
    # made topic assignment the slowest step of a large build.
    union = re.compile("|".join(rf"\b(?:{pattern})\b" for pattern in patterns),
                       re.IGNORECASE | re.ASCII)
    hints = [required_literal(pattern) for pattern in patterns]
    return Matcher(union, None if None in hints else tuple(hints))


_META = set("\\.^$*+?{}[]|()")


def required_literal(pattern: str) -> str | None:
    """The lowercase text at the start of ``pattern`` that every match contains, when it is
    plain enough to see (at least three characters before any regular-expression syntax)."""
    if "|" in pattern:
        return None
    literal: list[str] = []
    for char in pattern:
        if char in _META:
            if char in "?*{" and literal:
                literal.pop()  # the character before is optional
            break
        literal.append(char)
    text = "".join(literal).lower()
    return text if len(text) >= 3 else None


def assign_topics(papers: list[Paper], rules: list[TopicRule],
                  fallback: str | None) -> dict[str, tuple[str, ...]]:
    """Each paper's topic ids in the curated order of topics.yaml, hand-added ones last."""
    matching = _matcher(tuple(rules))
    return {paper.id: _topics_of(paper, matching(paper.title, paper.abstract), fallback)
            for paper in papers}


def _topics_of(paper: Paper, matched_rules: tuple[str, ...], fallback: str | None,
               ) -> tuple[str, ...]:
    matched = [topic for topic in matched_rules if topic not in paper.remove_topics]
    topics = matched + [topic for topic in paper.add_topics if topic not in matched]
    if not topics and fallback and fallback not in paper.remove_topics:
        topics = [fallback]
    return tuple(topics)


@lru_cache(maxsize=4)
def _matcher(rules: tuple[TopicRule, ...]) -> Callable[[str, str], tuple[str, ...]]:
    """Rule matches depend only on the text and the rules; regular expressions over ten
    thousand abstracts take seconds, so `paperwiki serve` reuses them between rebuilds. The
    rules are looked up once per build: hashing them for every paper cost seconds too."""

    @lru_cache(maxsize=100_000)
    def matching(title: str, abstract: str) -> tuple[str, ...]:
        lowered_title, lowered_abstract = title.lower(), abstract.lower()
        return tuple(rule.topic_id for rule in rules
                     if rule.matches(title, abstract, lowered_title, lowered_abstract))

    return matching
