"""Topic rules: the word prefilter never changes which papers a rule matches."""

from __future__ import annotations

import pytest

from generator.records import Content
from generator.store import ContentPaths, load_content
from generator.topics import compile_rules, required_literals
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


def test_prefilter_agrees_with_plain_regular_expressions(content: Content) -> None:
    rules, problems = compile_rules(content.topics)
    assert not problems
    for paper in content.papers:
        title, abstract = paper.title, paper.abstract
        for rule in rules:
            plain = bool((rule.title and rule.title.pattern.search(title))
                         or (rule.abstract and rule.abstract.pattern.search(abstract)))
            assert rule.matches(title, abstract, title.lower(), abstract.lower()) == plain, \
                (paper.id, rule.topic_id)
