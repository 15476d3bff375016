"""Give every paper its topics: the curated rules first, then the curator's own say.

Rules are case-insensitive (ASCII) regular expressions matched as whole words against the title or
the abstract (see content/topics.yaml). A paper's ``add_topics`` and ``remove_topics`` always
win over the rules, so a curator can correct any rule's mistake for one paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import Problem
from .records import Paper, Topic


@dataclass(frozen=True)
class TopicRule:
    topic_id: str
    title: re.Pattern[str] | None
    abstract: re.Pattern[str] | None

    def matches(self, title: str, abstract: str) -> bool:
        return bool((self.title and self.title.search(title))
                    or (self.abstract and self.abstract.search(abstract)))


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


def _union(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    # ASCII case folding: curated patterns are English words, and Unicode-aware matching
    # made topic assignment the slowest step of a large build.
    return re.compile("|".join(rf"\b(?:{pattern})\b" for pattern in patterns),
                      re.IGNORECASE | re.ASCII)


def assign_topics(paper: Paper, rules: list[TopicRule], fallback: str | None) -> tuple[str, ...]:
    """The paper's topic ids in the curated order of topics.yaml, hand-added ones last."""
    matched = [topic for topic in _matching(paper.title, paper.abstract, tuple(rules))
               if topic not in paper.remove_topics]
    added = [topic for topic in paper.add_topics if topic not in matched]
    topics = matched + added
    if not topics and fallback and fallback not in paper.remove_topics:
        topics = [fallback]
    return tuple(topics)


@lru_cache(maxsize=100_000)
def _matching(title: str, abstract: str, rules: tuple[TopicRule, ...]) -> tuple[str, ...]:
    """Rule matches depend only on the text and the rules; regular expressions over ten
    thousand abstracts take seconds, so `paperwiki serve` reuses them between rebuilds."""
    return tuple(rule.topic_id for rule in rules if rule.matches(title, abstract))
