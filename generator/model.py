"""The enriched wiki: papers with their topics, links and related papers, cross-linked.

This is the last stage that knows about curation rules (merges, hidden papers, overrides);
everything after it only presents. It knows nothing of Markdown or files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from datetime import date

from .checks import check_content
from .citekeys import citation_keys
from .enrichcache import EnrichmentCache
from .errors import ContentError, ContentWarning, Problem
from .links import extract_links
from .processes import run_tasks
from .records import (
    Content, CurationSettings, Link, ListingInfo, Paper, Topic, hash_once, known_max,
)
from .related import Document, Relation, related_papers
from .topics import TopicRule, assign_topics, compile_rules


@hash_once
@dataclass(frozen=True)
class PaperEntry:
    paper: Paper
    topics: tuple[str, ...]
    links: tuple[Link, ...]
    related: tuple[Relation, ...]

    @property
    def id(self) -> str:
        return self.paper.id


@dataclass(frozen=True)
class TopicEntry:
    topic: Topic
    papers: tuple[str, ...]
    children: tuple[str, ...]
    neighbours: tuple[tuple[str, int], ...]

    @property
    def id(self) -> str:
        return self.topic.id


@dataclass(frozen=True)
class ListingEntryView:
    listing: ListingInfo
    papers: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.listing.id


@dataclass(frozen=True)
class Site:
    """Everything the pages show. Mappings are ordered: papers newest first, topics as curated."""

    papers: dict[str, PaperEntry]
    topics: dict[str, TopicEntry]
    listings: dict[str, ListingEntryView]
    redirects: dict[str, str]
    settings: CurationSettings
    citation_keys: dict[str, str]  # paper id -> BibTeX key, unique in the site
    warnings: tuple[Problem, ...] = ()  # shown by check and build, which go on


@dataclass(frozen=True)
class Curated:
    """What `paperwiki check` needs: the visible papers, their topics, and what to warn of."""

    papers: list[Paper]
    topics: tuple[Topic, ...]  # the curated ones, and the built-in fallback topic if used
    assigned: dict[str, tuple[str, ...]]
    warnings: tuple[Problem, ...]


# Where papers go that no rule matches, unless content/config.yaml names a `fallback_topic`
# (or topics.yaml defines its own `unsorted`). Shown like any topic, so nothing is lost
# from view; `paperwiki check` warns of each paper in it.
UNSORTED = Topic(id="unsorted", name="Unsorted", source="content/topics.yaml", line=1,
                 description="Papers that no topic rule matches yet, waiting for a curator to "
                             "give them a topic.")


NEIGHBOURS = 5


def build_site(content: Content, parallel: bool = False,
               cache: EnrichmentCache | None = None) -> Site:
    """Validate cross-references, apply curation, and enrich; raise ContentError on problems.

    With ``parallel``, related papers are computed on every core while topics are matched
    and links found. With a ``cache``, topic matches and related papers computed before for
    the same inputs are reused (see ``enrichcache.py``)."""
    papers, rules = _select(content)
    documents, count = [_document(p) for p in papers], content.settings.related_count
    key = cache.related_key(documents, count) if cache else ""
    related = cache.related(key) if cache else None
    curate_and_link = partial(_curated_and_linked, papers, rules, content, cache)
    if related is None:
        (curated, links), related = run_tasks(
            [curate_and_link, lambda: related_papers(documents, count, parallel)], parallel)
        if cache:
            cache.keep_related(key, related)
    else:
        curated, links = curate_and_link()
    entries = {p.id: _entry(p, curated.assigned[p.id], links[p.id], related[p.id])
               for p in sorted(papers, key=_newest_first)}
    return Site(papers=entries, topics=_topics(curated.topics, entries),
                listings=_listings(content.listings, entries),
                redirects=_redirects(content.papers, entries), settings=content.settings,
                citation_keys=citation_keys(entry.paper for entry in entries.values()),
                warnings=curated.warnings)


# `paperwiki serve` builds the site again after every edit, which leaves most papers as they
# were: these memos give back the very same objects for them (the same Paper comes back from
# store.load_paper), so every memo of a later stage keyed by them compares them at once
# instead of field by field, and hashes them once (``hash_once``).
@lru_cache(maxsize=65_536)
def _entry(paper: Paper, topics: tuple[str, ...], links: tuple[Link, ...],
           related: tuple[Relation, ...]) -> PaperEntry:
    return PaperEntry(paper, topics, links, related)


def _curated_and_linked(papers: list[Paper], rules: list[TopicRule], content: Content,
                        cache: EnrichmentCache | None,
                        ) -> tuple[Curated, dict[str, tuple[Link, ...]]]:
    """Run here, beside the related papers' processes: it notes topic matches in the cache."""
    return _curated(papers, rules, content, cache), {p.id: _links(p) for p in papers}


def curate(content: Content) -> Curated:
    """The visible papers and their topics, or ContentError listing every problem.

    Everything `paperwiki check` needs, without the costly enrichment (related papers)."""
    papers, rules = _select(content)
    return _curated(papers, rules, content)


def _select(content: Content) -> tuple[list[Paper], list[TopicRule]]:
    """The visible papers and the compiled topic rules, once every check has passed."""
    problems = check_content(content)
    rules, rule_problems = compile_rules(content.topics)
    if problems or rule_problems:
        raise ContentError(problems + rule_problems)
    return _visible_papers(content.papers), rules


def _curated(papers: list[Paper], rules: list[TopicRule], content: Content,
             cache: EnrichmentCache | None = None) -> Curated:
    """Topics from the rules; a paper they leave without one goes to the fallback topic (a
    new paper no rule foresaw must not stop the build), with a warning unless the curator
    chose that topic in content/config.yaml."""
    chosen = content.settings.fallback_topic
    fallback = next((t for t in content.topics if t.id == (chosen or UNSORTED.id)), UNSORTED)
    topic_ids = {topic.id for topic in content.topics} | {fallback.id}
    matched = assign_topics(papers, rules, cache.topic_matching if cache else None)
    assigned, warnings, untopical = {}, [], []
    for paper in papers:
        topics = tuple(t for t in matched[paper.id] if t in topic_ids)
        if not topics and fallback.id not in paper.remove_topics:
            topics = (fallback.id,)
            warnings += [] if chosen else [_unsorted(paper, fallback)]
        untopical += [] if topics else [paper]
        assigned[paper.id] = topics
    if untopical:
        raise ContentError([Problem(p.source, p.line_of("remove_topics"), "the paper has no "
                                    "topic: it removes the fallback topic, and no rule matches "
                                    "it", "add `add_topics: [<topic id>]`") for p in untopical])
    used = fallback not in content.topics and any(fallback.id in t for t in assigned.values())
    return Curated(papers, content.topics + ((fallback,) if used else ()), assigned,
                   (*content.warnings, *warnings))


def _unsorted(paper: Paper, fallback: Topic) -> Problem:
    return ContentWarning(paper.source, None, f"no topic rule matches the paper: it is listed "
                          f"under {fallback.name!r}", "add `add_topics: [<topic id>]`, or a "
                          "rule in content/topics.yaml that matches it")


def _newest_first(paper: Paper) -> tuple[int, str]:
    return (-(paper.published or date.min).toordinal(), paper.id)


def _visible_papers(papers: tuple[Paper, ...]) -> list[Paper]:
    """Hidden papers drop out; a duplicate (`same_as`) lends its listings to the kept paper."""
    by_id = {paper.id: paper for paper in papers}
    merged = {paper.id: paper for paper in papers if not paper.hidden and not paper.same_as}
    for duplicate in (paper for paper in papers if paper.same_as):
        target = _final_target(duplicate, by_id)
        if target in merged:
            kept = merged[target]
            listings = kept.listings + tuple(lid for lid in duplicate.listings if lid not in kept.listings)
            merged[target] = replace(kept, listings=listings,
                                     upvotes=known_max(kept.upvotes, duplicate.upvotes))
    return list(merged.values())


def _final_target(paper: Paper, by_id: dict[str, Paper]) -> str:
    seen = {paper.id}
    while paper.same_as and paper.same_as in by_id and paper.same_as not in seen:
        seen.add(paper.same_as)
        paper = by_id[paper.same_as]
    return paper.id


@lru_cache(maxsize=65_536)
def _document(paper: Paper) -> Document:
    # The title counts twice: it is the author's own summary of what matters.
    return Document(id=paper.id, text=f"{paper.title}\n{paper.title}\n{paper.abstract}",
                    pinned=paper.pinned_related, banned=paper.banned_related)


@lru_cache(maxsize=65_536)
def _links(paper: Paper) -> tuple[Link, ...]:
    found = extract_links(paper.abstract)
    known = {link.url for link in paper.links}
    return paper.links + tuple(link for link in found if link.url not in known)


def _topics(topics: tuple[Topic, ...], papers: dict[str, PaperEntry]) -> dict[str, TopicEntry]:
    members: dict[str, list[str]] = {topic.id: [] for topic in topics}
    for entry in papers.values():
        for topic_id in entry.topics:
            members[topic_id].append(entry.id)
    shared = Counter()
    for entry in papers.values():
        for a in entry.topics:
            for b in entry.topics:
                if a != b:
                    shared[a, b] += 1
    result = {}
    for topic in topics:
        neighbours = sorted(((b, n) for (a, b), n in shared.items() if a == topic.id),
                            key=lambda item: (-item[1], item[0]))[:NEIGHBOURS]
        children = tuple(t.id for t in topics if t.parent == topic.id)
        result[topic.id] = TopicEntry(topic, tuple(members[topic.id]), children, tuple(neighbours))
    return result


def _listings(listings: tuple[ListingInfo, ...],
              papers: dict[str, PaperEntry]) -> dict[str, ListingEntryView]:
    members: dict[str, list[str]] = {listing.id: [] for listing in listings}
    for entry in papers.values():
        for listing_id in entry.paper.listings:
            members[listing_id].append(entry.id)
    ordered = sorted(listings, key=lambda info: (-info.captured.toordinal(), info.id))
    return {info.id: ListingEntryView(info, tuple(members[info.id])) for info in ordered}


def _redirects(papers: tuple[Paper, ...], visible: dict[str, PaperEntry]) -> dict[str, str]:
    """Old URLs that must keep working: renamed papers' aliases and merged duplicates."""
    by_id = {paper.id: paper for paper in papers}
    redirects = {}
    for paper in papers:
        target = _final_target(paper, by_id) if paper.same_as else paper.id
        if target not in visible:
            continue
        if paper.id != target:
            redirects[paper.id] = target
        for alias in paper.aliases:
            redirects[alias] = target
    return dict(sorted(redirects.items()))
