"""Broken content is rejected with located, exact messages and without touching any file;
and the JSON Schemas editors use agree with the loader on what is valid."""

from __future__ import annotations

import json
import shutil
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from jsonschema import Draft202012Validator

from generator.errors import ContentError
from generator.store import (
    ContentPaths,
    load_content,
    load_curation_settings,
    load_listing,
    load_paper,
)
from tests.project import (
    BASE_PAPERS,
    run_paperwiki,
    tree_state,
    write_base_project,
)

TESTS = Path(__file__).resolve().parent
BAD_INPUTS = TESTS / "bad_inputs"
SCHEMAS = TESTS.parent / "generator" / "schemas"


def _cases() -> list:
    params = []
    for case in sorted(path for path in BAD_INPUTS.iterdir() if path.is_dir()):
        xfail = case / "xfail.txt"
        marks = [pytest.mark.xfail(strict=True, reason=xfail.read_text("utf-8").strip())] \
            if xfail.exists() else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


def _overlay(case: Path) -> list[Path]:
    return sorted(path for path in (case / "content").rglob("*") if path.is_file())


def _command(case: Path, overlay: list[Path]) -> list[str]:
    command = case / "command.txt"
    if command.exists():
        return command.read_text("utf-8").split()
    return ["import"] if any(path.suffix == ".txt" for path in overlay) else ["check"]


def _no_crash(result: Result) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail("paperwiki crashed:\n" + "".join(traceback.format_exception(
            result.exception)))
    assert "Traceback" not in result.output


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "wiki"
    write_base_project(project)
    return project


# --- the corpus -----------------------------------------------------------------------------


def test_the_corpus_is_well_formed() -> None:
    cases = [case for case in BAD_INPUTS.iterdir() if case.is_dir()]
    assert len(cases) >= 25
    for case in cases:
        assert _overlay(case), f"{case.name}: no content/ files"
        assert (case / "expected.txt").read_text("utf-8").strip(), f"{case.name}: no expected.txt"
        assert {p.name for p in case.iterdir()} <= {
            "content", "expected.txt", "command.txt", "xfail.txt"}, case.name


def test_the_base_wiki_is_valid_and_already_imported(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = tree_state(project)
    check = run_paperwiki(project, "check")
    assert check.exit_code == 0, check.output
    assert "OK: 3 papers, 4 topics, 2 listings" in check.output
    imported = run_paperwiki(project, "import")
    assert imported.exit_code == 0, imported.output
    assert "4 records, 3 papers: 0 new, 0 updated, 3 unchanged" in imported.output
    assert tree_state(project) == before


@pytest.mark.parametrize("case", _cases())
def test_bad_input_is_rejected(case: Path, tmp_path: Path) -> None:
    project = _project(tmp_path)
    overlay = _overlay(case)
    for source in overlay:
        target = project / source.relative_to(case)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    before = tree_state(project)

    result = run_paperwiki(project, *_command(case, overlay))

    _no_crash(result)
    assert result.exit_code == 1, result.output
    expected = [line for line in (case / "expected.txt").read_text("utf-8").splitlines() if line]
    printed = result.output.splitlines()
    missing = [line for line in expected if line not in printed]
    assert not missing, f"expected lines not printed:\n{missing}\n\noutput:\n{result.output}"
    assert f"{len(expected)} problem(s) found; nothing was written." in printed, result.output
    assert tree_state(project) == before


# --- known problems beyond the corpus (the exact fixed wording is open) -----------------------

PAPER = BASE_PAPERS["scaling-laws-for-downstream-task-performance-of-large-language-models"]


def _check_with_paper(tmp_path: Path, files: dict[str, str]) -> Result:
    project = _project(tmp_path)
    for name, text in files.items():
        (project / "content" / "papers" / f"{name}.yaml").write_text(text, "utf-8")
    before = tree_state(project)
    result = run_paperwiki(project, "check")
    assert tree_state(project) == before
    return result


@pytest.mark.parametrize(("paper_id", "extra", "expected"), [
    ("mixed-keys", "titel: Pre-training\n2024: a year\n",
     "content/papers/mixed-keys.yaml:3: unknown key 'titel'"),
    ("complex-key", "? [a, b]\n: c\n", "content/papers/complex-key.yaml:3: "),
], ids=["keys-of-mixed-types", "complex-key"])
def test_odd_keys_are_reported_without_a_crash(tmp_path: Path, paper_id: str, extra: str,
                                               expected: str) -> None:
    result = _check_with_paper(tmp_path, {paper_id: "title: Pre-training\nabstract: A.\n" + extra})
    _no_crash(result)
    assert result.exit_code == 1
    assert expected in result.output


def test_same_as_cycle_is_reported(tmp_path: Path) -> None:
    result = _check_with_paper(tmp_path, {
        "cycle-a": "title: Pre-training A\nabstract: A.\nsame_as: cycle-b\n",
        "cycle-b": "title: Pre-training B\nabstract: B.\nsame_as: cycle-a\n"})
    _no_crash(result)
    assert result.exit_code == 1, result.output
    assert "content/papers/cycle-a.yaml:3: " in result.output


def test_same_as_itself_is_not_called_an_unknown_paper(tmp_path: Path) -> None:
    result = _check_with_paper(tmp_path, {"self-copy": PAPER + "same_as: self-copy\n"})
    _no_crash(result)
    assert result.exit_code == 1
    assert "content/papers/self-copy.yaml:9: same_as: " in result.output
    assert "unknown paper" not in result.output


def test_same_as_itself_is_rejected(tmp_path: Path) -> None:
    result = _check_with_paper(tmp_path, {"self-copy": PAPER + "same_as: self-copy\n"})
    _no_crash(result)
    assert result.exit_code == 1


def test_hidden_duplicate_of_a_hidden_paper_is_accepted(tmp_path: Path) -> None:
    """Merging into a hidden paper is refused (bad_inputs/paper-same-as-hidden) unless the
    duplicate is hidden too: then nothing vanishes that the curator did not hide."""
    result = _check_with_paper(tmp_path, {
        "kept-hidden": PAPER + "hidden: true\n",
        "hidden-copy": PAPER + "hidden: true\nsame_as: kept-hidden\n"})
    _no_crash(result)
    assert result.exit_code == 0, result.output


def test_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    broken = PAPER.replace("title: Scaling", "title: 'Scaling", 1)
    result = _check_with_paper(tmp_path, {"unclosed": broken})
    _no_crash(result)
    assert result.exit_code == 1
    assert "content/papers/unclosed.yaml:2: invalid YAML" in result.output


# --- JSON Schemas and the loader agree ---------------------------------------------------------


class _DatesAsText(yaml.SafeLoader):
    """Plain PyYAML with dates kept as text, as an editor's schema validation sees them."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp",
                             lambda loader, node: loader.construct_scalar(node))

GOOD, BAD = True, False
PAPER_DOCS = [
    (GOOD, "minimal", "title: T\nabstract: A\n"),
    (GOOD, "every field", """\
title: '$\\mathcal{B}$-Coder: value-based RL'
abstract: "Code: https://github.com/x/y."
published: 2023-10-04
upvotes: 7
authors: 5
listings: [pretraining, knowledge-distillation]
summary: One line.
note: |
  Two lines
  of **Markdown**.
add_topics: [code]
remove_topics: [pretraining]
hidden: false
featured: true
same_as: other-paper
aliases: [old-id, b-coder]
links:
  - url: https://github.com/x/y
    kind: code
    label: Code
  - url: http://example.org
related:
  pin: [a-paper]
  ban: [b-paper]
"""),
    (GOOD, "organisation", "title: T\nabstract: A\norganization: {handle: OPPOer, name: OPPO}\n"),
    (GOOD, "quoted date", "title: T\nabstract: A\npublished: '2024-02-06'\n"),
    (GOOD, "date-like title", "title: 2024-02-06\nabstract: A\n"),
    (BAD, "no title", "abstract: A\n"),
    (BAD, "no abstract", "title: T\n"),
    (BAD, "titel", "titel: T\nabstract: A\n"),
    (BAD, "upvotes many", "title: T\nabstract: A\nupvotes: many\n"),
    (BAD, "negative upvotes", "title: T\nabstract: A\nupvotes: -1\n"),
    (BAD, "zero authors", "title: T\nabstract: A\nauthors: 0\n"),
    (BAD, "boolean upvotes", "title: T\nabstract: A\nupvotes: true\n"),
    (BAD, "numeric title", "title: 12\nabstract: A\n"),
    (BAD, "empty title", "title: ''\nabstract: A\n"),
    (BAD, "null abstract", "title: T\nabstract:\n"),
    (BAD, "organisation without name", "title: T\nabstract: A\norganization: {handle: x}\n"),
    (BAD, "organisation extra key", "title: T\nabstract: A\norganization: {handle: x, name: y, "
                                    "url: z}\n"),
    (BAD, "listings not a list", "title: T\nabstract: A\nlistings: pretraining\n"),
    (BAD, "listing id uppercase", "title: T\nabstract: A\nlistings: [Pretraining]\n"),
    (BAD, "repeated listing", "title: T\nabstract: A\nlistings: [a, a]\n"),
    (BAD, "two-line summary", "title: T\nabstract: A\nsummary: |\n  one\n  two\n"),
    (BAD, "empty note", "title: T\nabstract: A\nnote: ''\n"),
    (BAD, "hidden as text", "title: T\nabstract: A\nhidden: 'yes'\n"),
    (BAD, "ftp link", "title: T\nabstract: A\nlinks: [{url: 'ftp://x.org'}]\n"),
    (BAD, "link kind", "title: T\nabstract: A\nlinks: [{url: 'https://x.org', kind: github}]\n"),
    (BAD, "link without url", "title: T\nabstract: A\nlinks: [{label: Code}]\n"),
    (BAD, "related typo", "title: T\nabstract: A\nrelated: {pinned: [a]}\n"),
    (BAD, "related pin not a list", "title: T\nabstract: A\nrelated: {pin: a-paper}\n"),
    (BAD, "published yesterday", "title: T\nabstract: A\npublished: yesterday\n"),
    (BAD, "published unpadded", "title: T\nabstract: A\npublished: 2024-2-6\n"),
    (BAD, "published with time", "title: T\nabstract: A\npublished: 2024-02-06 10:00:00\n"),
    (BAD, "same_as uppercase", "title: T\nabstract: A\nsame_as: Other\n"),
    (BAD, "not a mapping", "- title: T\n- abstract: A\n"),
]
TOPIC = "  - id: pretraining\n    name: Pre-training\n    description: How models are pretrained.\n"
TOPIC_DOCS = [
    (GOOD, "one topic", "topics:\n" + TOPIC),
    (GOOD, "child with rules", "topics:\n" + TOPIC + "  - id: scaling-laws\n    name: Scaling\n"
     "    description: Scale.\n    parent: pretraining\n    match:\n      title: ['scal(e|ing)']"
     "\n      abstract: ['compute-optimal']\n"),
    (GOOD, "empty match", "topics:\n" + TOPIC + "    match: {}\n"),
    (BAD, "no topics key", "topic:\n" + TOPIC),
    (BAD, "empty list", "topics: []\n"),
    (BAD, "topics not a list", "topics: {pretraining: Pre-training}\n"),
    (BAD, "topic without name", "topics:\n  - id: a\n    description: d\n"),
    (BAD, "topic without description", "topics:\n  - id: a\n    name: A\n"),
    (BAD, "topic unknown key", "topics:\n" + TOPIC + "    mach: {title: [x]}\n"),
    (BAD, "uppercase id", "topics:\n" + TOPIC.replace("id: pretraining", "id: Pretraining")),
    (BAD, "two-line description", "topics:\n  - id: a\n    name: A\n    description: |\n"
     "      one\n      two\n"),
    (BAD, "pattern not a list", "topics:\n" + TOPIC + "    match: {title: 'pre-?training'}\n"),
    (BAD, "empty pattern", "topics:\n" + TOPIC + "    match: {title: ['']}\n"),
    (BAD, "match on unknown field", "topics:\n" + TOPIC + "    match: {summary: [x]}\n"),
    (BAD, "extra top-level key", "topics:\n" + TOPIC + "fallback: pretraining\n"),
]
LISTING_DOCS = [
    (GOOD, "title and date", "title: Pre-training\ncaptured: 2025-12-10\n"),
    (GOOD, "with description", "title: P\ncaptured: '2025-12-10'\ndescription: Search results.\n"),
    (BAD, "no captured", "title: Pre-training\n"),
    (BAD, "no title", "captured: 2025-12-10\n"),
    (BAD, "slashes", "title: P\ncaptured: 2025/12/10\n"),
    (BAD, "with time", "title: P\ncaptured: 2025-12-10 09:30:00\n"),
    (BAD, "unknown key", "title: P\ncaptured: 2025-12-10\nquery: pretraining\n"),
    (BAD, "empty title", "title: ''\ncaptured: 2025-12-10\n"),
    (BAD, "empty description", "title: P\ncaptured: 2025-12-10\ndescription: ''\n"),
]
CONFIG_DOCS = [
    (GOOD, "mirrors", "mirror_hosts: [b-61j.pages.dev]\nrelated_count: 20\nnewest_count: 0\n"),
    (GOOD, "fallback", "fallback_topic: pretraining\n"),
    (BAD, "too many related", "related_count: 21\n"),
    (BAD, "host with scheme", "mirror_hosts: ['https://hf.mirrork.net']\n"),
    (BAD, "repeated host", "mirror_hosts: [a.b, a.b]\n"),
    (BAD, "unknown key", "mirror_host: [a.b]\n"),
    (BAD, "fallback uppercase", "fallback_topic: Misc\n"),
]


def _schema_accepts(kind: str, text: str) -> bool:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    data = yaml.load(text, Loader=_DatesAsText)  # noqa: S506 - a safe loader subclass
    return not list(Draft202012Validator(schema).iter_errors(data))


def _loader_accepts(kind: str, text: str, tmp_path: Path) -> bool:
    content = tmp_path / "content"
    paths = ContentPaths(content)
    target = {"paper": paths.paper_file("a-paper"), "topics": paths.topics_file,
              "listing": paths.listings / "a-listing.yaml", "config": paths.settings_file}[kind]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    if kind == "topics":  # topics are read with the rest of the content, which needs a paper
        paths.papers.mkdir()
        paths.paper_file("a-paper").write_text("title: T\nabstract: A\n", "utf-8")
    load = {"paper": lambda: load_paper(paths, target.name), "topics": lambda: load_content(paths),
            "listing": lambda: load_listing(paths, target), "config": lambda: load_curation_settings(paths)}
    try:
        load[kind]()
    except ContentError:
        return False
    return True


def _docs(kind: str, docs: list) -> list:
    return [pytest.param(kind, good, text, id=f"{kind}-{'good' if good else 'bad'}-{name}")
            for good, name, text in docs]


@pytest.mark.parametrize(("kind", "good", "text"), [
    *_docs("paper", PAPER_DOCS), *_docs("topics", TOPIC_DOCS),
    *_docs("listing", LISTING_DOCS), *_docs("config", CONFIG_DOCS)])
def test_schema_and_loader_agree(kind: str, good: bool, text: str, tmp_path: Path) -> None:
    assert _schema_accepts(kind, text) is good
    assert _loader_accepts(kind, text, tmp_path) is good


@pytest.mark.parametrize(("kind", "text"), [
    ("paper", "title: T\nabstract: A\npublished: 2023-02-29\n"),
    ("paper", "title: T\nabstract: A\npublished: 2024-13-45\n"),
    ("listing", "title: P\ncaptured: 2025-11-31\n"),
])
def test_impossible_calendar_dates_are_the_one_known_difference(kind: str, text: str,
                                                                 tmp_path: Path) -> None:
    """The schemas only check the YYYY-MM-DD shape; the loader also checks the calendar."""
    assert _schema_accepts(kind, text)
    assert not _loader_accepts(kind, text, tmp_path)


def test_every_schema_is_covered() -> None:
    assert sorted(path.name for path in SCHEMAS.glob("*.schema.json")) == [
        "config.schema.json", "listing.schema.json", "paper.schema.json", "topics.schema.json"]


ODD_VALUES = [None, True, False, 0, -1, 1, 2.5, 3.0, "", " ", "x", "X y", "a\n", "2024-01-01",
              "https://x.org", "ftp://x", [], ["x"], ["x", "x"], [1], [True, 1], {}, {"x": 1}]


def _mutations(data: object) -> Iterator[object]:
    """``data`` with one change: any value replaced by an odd one, any key added or removed."""
    if isinstance(data, dict):
        yield {**data, "unknown": 1}
        for key, value in data.items():
            yield {k: v for k, v in data.items() if k != key}
            for changed in [*ODD_VALUES, *_mutations(value)]:
                yield {**data, key: changed}
    elif isinstance(data, list):
        yield [*data, *data]
        for index, value in enumerate(data):
            for changed in [*ODD_VALUES, *_mutations(value)]:
                yield [*data[:index], changed, *data[index + 1:]]


@pytest.mark.parametrize("kind", ["paper", "topics", "listing", "config"])
def test_the_compiled_check_never_passes_what_jsonschema_refuses(kind: str) -> None:
    """The loader trusts the compiled check's yes; its no only sends a file to jsonschema."""
    from generator.records import passes_schema, validator

    docs = {"paper": PAPER_DOCS, "topics": TOPIC_DOCS, "listing": LISTING_DOCS,
            "config": CONFIG_DOCS}[kind]
    checked = refused = 0
    for good, _, text in docs:
        data = yaml.load(text, Loader=_DatesAsText)  # noqa: S506 - a safe loader subclass
        for mutated in [data, *(_mutations(data) if good else ())]:
            valid, passes = not list(validator(kind).iter_errors(mutated)), passes_schema(kind)
            assert valid or not passes(mutated), mutated
            # The one known difference: a "$" in a pattern before a final newline.
            assert passes(mutated) == valid or "\\n" in json.dumps(mutated), mutated
            checked, refused = checked + 1, refused + (not valid)
    assert refused > checked / 2  # the mutations do reach the schema's rules
