"""Topic rules: the word prefilter never changes which papers a rule matches."""

from __future__ import annotations

import pytest

from generator.records import Content
from generator.store import ContentPaths, load_content
from generator.topics import compile_rules, required_literal
from tests.project import REPO


@pytest.mark.parametrize(("pattern", "literal"), [
    ("knowledge distillation", "knowledge distillation"), ("pre-?train", "pre"),
    ("continual(ly)? pre-?train", "continual"), ("distil+", "distil"),
    ("Scaling laws?", "scaling law"), ("(continual|continued) learning", None), ("ab", None),
    ("x{2}yz", None), ("vision[- ]language", "vision"),
])
def test_required_literal(pattern: str, literal: str | None) -> None:
    assert required_literal(pattern) == literal


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
