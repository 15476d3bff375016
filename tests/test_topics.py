"""Topic rules: the word prefilter never changes which papers a rule matches."""

from __future__ import annotations

import pytest
import re2

from generator.records import Content
from generator.store import ContentPaths, load_content
from generator.records import Topic
from generator.topics import RuleMatcher, compile_rules, required_literals
from tests.project import REPO


@pytest.mark.parametrize(("pattern", "literals"), [
    ("knowledge distillation", ("knowledge distillation",)), ("pre-?train", ("train",)),
    ("continual(ly)? pre-?train", ("continual",)), ("distil+", ("distil",)),
    ("Scaling laws?", ("scaling law",)), ("(continual|continued) learning", (" learning",)),
    ("(parameter|memory) efficient pre-?training", (" efficient pre",)),
    ("deep learning|neural net(work)?s", ("deep learning", "neural net")),
    (r"\.net (app|framework)", (".net ",)), ("x{2,}abcd", ("abcd",)), ("x{2}yz", ("yz",)),
    ("vision[- ]language", ("language",)), ("[(|)]abc", ("abc",)), ("(?:a|b)cde", ("cde",)),
    (r"\bDAPT\b", ("dapt",)), ("ab", ("ab",)), ("a", None), ("abc|d", None),
])
def test_required_literals(pattern: str, literals: tuple[str, ...] | None) -> None:
    assert required_literals(pattern) == literals


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(ContentPaths(REPO / "content"))


def plain_matches(rules, title: str, abstract: str) -> tuple[str, ...]:  # noqa: ANN001
    return tuple(rule.topic_id for rule in rules
                 if (rule.title and rule.title.pattern.search(title))
                 or (rule.abstract and rule.abstract.pattern.search(abstract)))


def test_prefilter_agrees_with_plain_regular_expressions(content: Content) -> None:
    rules, problems = compile_rules(content.topics)
    assert not problems
    matcher = RuleMatcher(tuple(rules))
    matched = 0
    for paper in content.papers:
        expected = plain_matches(rules, paper.title, paper.abstract)
        assert matcher(paper.title, paper.abstract) == expected, paper.id
        matched += len(expected)
    assert matched > len(content.papers)


def test_rules_compiled_again_compare_equal(content: Content) -> None:
    """Each build compiles the rules again; `paperwiki serve` reuses the matches of equal
    rules, so equal sources must make equal rules even as new objects."""
    first, _ = compile_rules(content.topics)
    re2.purge()  # re2's own memo of compiled expressions, which a large wiki overflows
    again, _ = compile_rules(content.topics)
    assert again[0].title and first[0].title and again[0].title.pattern is not first[0].title.pattern
    assert again == first and hash(tuple(again)) == hash(tuple(first))
    other, _ = compile_rules((topic(first[0].topic_id, title=("other words",)),))
    assert other[0] != first[0]


def topic(topic_id: str, title: tuple[str, ...] = (), abstract: tuple[str, ...] = ()) -> Topic:
    return Topic(topic_id, topic_id, "d", "content/topics.yaml", 1, title_patterns=title,
                 abstract_patterns=abstract)


@pytest.mark.parametrize(("title", "abstract"), [
    ("Diffusion models", ""), ("", "a latent diffusion model"), ("", "sensor fusion"),
    ("DIFFERENTIAL privacy", "no words of any rule"), ("", "fusion of diffusion and diffs"),
    ("", "pretraining, pre-training and pre training"), ("", ""),
])
def test_overlapping_words_are_all_found(title: str, abstract: str) -> None:
    """One word inside another ('fusion' in 'diffusion', 'diff' at its start) still counts."""
    rules, problems = compile_rules((
        topic("diffusion", title=("diffusion",), abstract=("diffusion models?",)),
        topic("fusion", abstract=("fusion",)), topic("diff", title=("diff",), abstract=("diffs?",)),
        topic("pretraining", abstract=("pre[- ]?training",)),  # looks for "training" ...
        topic("one-word", abstract=("pretraining",)),  # ... inside this one's "pretraining"
        topic("anything", abstract=(".",)),
    ))
    assert not problems
    assert RuleMatcher(tuple(rules))(title, abstract) == plain_matches(rules, title, abstract)


def test_rules_without_words_to_look_for() -> None:
    rules, _ = compile_rules((topic("short", abstract=("a|b",)),))
    assert RuleMatcher(tuple(rules))("", "a b") == ("short",)
    assert RuleMatcher(())("title", "abstract") == ()
