"""Links found in abstracts: what counts as a URL, where it ends, and what it points at."""

from __future__ import annotations

import pytest

from generator.links import classify, extract_links, rewrite_mirrors


def urls(text: str) -> list[str]:
    return [link.url for link in extract_links(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Code at https://github.com/x/y.", ["https://github.com/x/y"]),
    ("Code at github.com/x/y, and more.", ["https://github.com/x/y"]),
    ("See www.github.com/x/y!", ["https://www.github.com/x/y"]),
    ("(project page: http://a.org/b_(c))", ["http://a.org/b_(c)"]),
    ("(see https://a.org/p)", ["https://a.org/p"]),
    ("twice: https://a.org/p and https://a.org/p.", ["https://a.org/p"]),
    ("order: https://b.org/ then https://a.org/", ["https://b.org/", "https://a.org/"]),
    ("no scheme, no host: notgithub.com/x/y or user@github.com/x", []),
    ("HTTPS://A.ORG/upper-case schemes are not links in abstracts", []),
    ("a plain abstract about http-based transport", []),
    ("", []),
])
def test_urls_found_in_abstracts(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


def test_link_kinds_from_host_path_and_context() -> None:
    found = extract_links("Code: https://github.com/a/b. Weights: https://huggingface.co/a/b. "
                          "Data: https://huggingface.co/datasets/a/b. Project page: "
                          "https://example.org/x. Demo: https://a.github.io/ "
                          "https://github.com/a")
    assert [link.kind for link in found] == ["code", "model", "dataset", "project", "project",
                                             "other"]
    assert classify("https://huggingface.co/papers/2401.00001") == "other"
    assert classify("https://huggingface.co/spaces/a/b") == "project"


def test_mirror_hosts_point_at_the_hub() -> None:
    text = "see https://hf-mirror.com/papers/1 and https://www.hf-mirror.com/a/b"
    assert rewrite_mirrors(text, ["hf-mirror.com"]) == \
        "see https://huggingface.co/papers/1 and https://huggingface.co/a/b"
    assert rewrite_mirrors(text, []) == text
