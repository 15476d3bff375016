"""Cross-file checks: every id a file mentions must exist, and every URL must be unique.

File-level shape is checked by the schemas as each file loads; what only makes sense across
files (a topic that does not exist, two papers claiming one URL) is checked here, with a
suggestion when a misspelling is the likely cause.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from .errors import Problem
from .outputs import reserved_address, reserved_ids
from .records import Content, Paper
from .wikilinks import link_problems

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check_content(content: Content) -> list[Problem]:
    return [*_check_topics(content), *_check_papers(content), *_check_settings(content),
            *_check_reserved(content), *link_problems(content)]


def _check_reserved(content: Content) -> list[Problem]:
    """No paper, alias, topic or listing may take the address of one of the wiki's own pages
    (see ``outputs.py``): its page would silently replace the overview."""
    found = []
    for paper in content.papers:
        found.append((paper.source, None, "paper", "paper id", paper.id, "rename the file"))
        found += [(paper.source, paper.line_of("aliases"), "paper", "alias", alias,
                   "remove it from `aliases`") for alias in paper.aliases]
    found += [(topic.source, topic.line, "topic", "topic id", topic.id, "choose another id")
              for topic in content.topics]
    found += [(listing.source, None, "listing", "listing id", listing.id,
               "rename the listing's .yaml and .txt files") for listing in content.listings]
    return [problem for item in found if (problem := _reserved(*item))]


def _reserved(source: str, line: int | None, kind: str, what: str, item_id: str,
              fix: str) -> Problem | None:
    taken = reserved_address(kind, item_id)
    if taken is None:
        return None
    return Problem(source, line, f"{what} {item_id!r} would replace the wiki's own page "
                   f"{taken}", f"{fix}; reserved {kind} ids: {', '.join(reserved_ids(kind))}")


def _check_topics(content: Content) -> list[Problem]:
    problems = []
    by_id = {}
    for topic in content.topics:
        if topic.id in by_id:
            problems.append(Problem(topic.source, topic.line, f"topic id {topic.id!r} is used twice",
                                    "give each topic its own id"))
        by_id.setdefault(topic.id, topic)
    for topic in content.topics:
        if topic.parent is None:
            continue
        parent = by_id.get(topic.parent)
        if parent is None:
            problems.append(Problem(topic.source, topic.line,
                                    f"topic {topic.id!r} has unknown parent {topic.parent!r}",
                                    _did_you_mean(topic.parent, by_id)))
        elif parent.parent is not None or parent.id == topic.id:
            problems.append(Problem(topic.source, topic.line,
                                    f"topic {topic.id!r} has parent {parent.id!r}, which is "
                                    "itself a child topic", "topics nest two levels deep at most"))
    return problems


def _check_papers(content: Content) -> list[Problem]:
    topics = {topic.id for topic in content.topics}
    listings = {listing.id for listing in content.listings}
    by_id = {paper.id: paper for paper in content.papers}
    papers = set(by_id)
    problems = []
    for paper in content.papers:
        if not ID_PATTERN.match(paper.id):
            problems.append(Problem(paper.source, None, f"the file name {paper.id!r} is not a "
                                    "valid paper id", "rename it to lowercase words joined by "
                                    "hyphens; add the old name under `aliases`"))
        problems += _unknown(paper, "add_topics", paper.add_topics, topics, "topic")
        problems += _unknown(paper, "remove_topics", paper.remove_topics, topics, "topic")
        problems += _unknown(paper, "listings", paper.listings, listings, "listing")
        problems += _unknown(paper, "related", paper.pinned_related + paper.banned_related,
                             papers, "paper")
        problems += _check_same_as(paper, by_id)
    return problems + _check_unique_urls(content.papers)


def _check_same_as(paper: Paper, by_id: dict[str, Paper]) -> list[Problem]:
    """`same_as` must lead, possibly over several duplicates, to a paper that is kept."""
    if paper.same_as is None:
        return []
    if paper.same_as == paper.id:
        return [Problem(paper.source, paper.line_of("same_as"), "same_as: names this paper itself",
                        "write the id of the paper this record duplicates")]
    if paper.same_as not in by_id:
        return _unknown(paper, "same_as", (paper.same_as,), set(by_id) - {paper.id}, "paper")
    chain = [paper.id]
    current = by_id[paper.same_as]
    while current.same_as is not None and current.same_as in by_id and current.id not in chain:
        chain.append(current.id)
        current = by_id[current.same_as]
    if current.id in chain:
        loop = " → ".join([*chain, current.id])
        return [Problem(paper.source, paper.line_of("same_as"), f"same_as: the papers form a loop "
                        f"({loop})", "keep one of them: remove `same_as` from its file")]
    if current.hidden and not paper.hidden:  # no page, no redirect, its listings dropped
        return [Problem(paper.source, paper.line_of("same_as"), f"same_as: {current.id!r} is "
                        "hidden, so this paper would vanish with it, without a redirect",
                        f"remove `hidden: true` from {current.source}, or write `hidden: true` "
                        "here too if both should go")]
    return []


def _check_unique_urls(papers: Iterable[Paper]) -> list[Problem]:
    """A paper's id and its aliases are URLs; no two papers may claim the same one."""
    papers = list(papers)
    owner: dict[str, Paper] = {paper.id: paper for paper in papers}
    problems = []
    for paper in papers:
        for alias in paper.aliases:
            other = owner.get(alias)
            if other is not None and other.id != paper.id:
                problems.append(Problem(paper.source, paper.line_of("aliases"),
                                        f"alias {alias!r} is already the URL of {other.source}",
                                        "remove the alias, or merge the two with `same_as`"))
            owner.setdefault(alias, paper)
    return problems


def _check_settings(content: Content) -> list[Problem]:
    fallback = content.settings.fallback_topic
    if fallback and fallback not in {topic.id for topic in content.topics}:
        return [Problem("content/config.yaml", content.settings.lines.get("fallback_topic"),
                        f"fallback_topic {fallback!r} is not a topic",
                        "name a topic defined in content/topics.yaml")]
    return []


def _unknown(paper: Paper, key: str, values: Iterable[str], known: set[str],
             kind: str) -> list[Problem]:
    return [Problem(paper.source, paper.line_of(key), f"{key}: unknown {kind} {value!r}",
                    _did_you_mean(value, known))
            for value in values if value not in known]


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else "check the spelling against the existing ids"
