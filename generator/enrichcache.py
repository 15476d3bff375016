"""Topic matches and related papers kept between builds, equal to what a cold build computes.

Both are pure functions of few inputs, so each is keyed by exactly those inputs (and by
``fingerprint``: the generator's own files and the versions of the libraries involved):

- which topic rules a paper matches depends on its title and abstract and on the compiled
  rules, so it is kept per paper, under those texts and the rules' source. An edit of a note,
  of a paper's own topics or of hidden papers reuses every match; an edit of a title reuses
  all but that paper's; an edit of the rules matches every paper again. The curator's
  ``add_topics`` and ``remove_topics`` are applied after, in every build.
- the related papers of the whole wiki are kept as one value, under every visible paper's
  related inputs in order (its id, its title and abstract, its pinned and banned papers) and
  the number asked for. An edit that changes none of them (a note, a topic, a rule) reuses the
  result; any other computes it all, as a cold build does: similarity weights depend on every
  paper's text.
"""

from __future__ import annotations

from collections.abc import Sequence

from .fingerprint import digest
from .jsonstore import JsonStore
from .related import Document, Relation
from .topics import Matcher, Matching, TopicRule

Related = dict[str, tuple[Relation, ...]]


class EnrichmentCache:
    def __init__(self, topics: JsonStore, related: JsonStore, fingerprint: bytes) -> None:
        self.topics, self.related_store = topics, related
        self.fingerprint = fingerprint

    def topic_matching(self, rules: Sequence[TopicRule], matching: Matching) -> Matching:
        """``matching`` (the rules' matches of a title and an abstract), through the cache."""
        source = repr([(rule.topic_id, *(_source(m) for m in (rule.title, rule.abstract)))
                       for rule in rules]).encode("utf-8", "surrogatepass")
        rules_key = digest(self.fingerprint, b"topics", source).encode()

        def remembered(title: str, abstract: str) -> tuple[str, ...]:
            key = digest(rules_key, *(text.encode("utf-8", "surrogatepass")
                                      for text in (title, abstract)))
            found = self.topics.get(key)
            if isinstance(found, list) and all(isinstance(topic, str) for topic in found):
                return tuple(found)
            matched = matching(title, abstract)
            self.topics.put(key, list(matched))
            return matched

        return remembered

    def related_key(self, documents: Sequence[Document], count: int) -> str:
        return digest(self.fingerprint, b"related", str(count).encode(),
                      repr(tuple(documents)).encode("utf-8", "surrogatepass"))

    def related(self, key: str) -> Related | None:
        """The related papers stored under ``key``, or None."""
        found = self.related_store.get(key)
        try:
            return {paper: tuple(Relation(other, tuple(terms)) for other, terms in relations)
                    for paper, relations in found.items()} if found is not None else None
        except (AttributeError, TypeError, ValueError):  # not a value we wrote
            return None

    def keep_related(self, key: str, related: Related) -> None:
        self.related_store.put(key, {paper: [[r.paper_id, list(r.terms)] for r in relations]
                                     for paper, relations in related.items()})


def _source(matcher: Matcher | None) -> tuple[str, list[str] | None] | None:
    """What a compiled pattern matches: its regular expression and the words it looks for."""
    if matcher is None:
        return None
    hints = sorted(matcher.hints) if matcher.hints is not None else None
    return matcher.pattern.pattern, hints
