"""Small hostile files cannot keep a check or a build busy: YAML aliases are refused before
they expand, and curator patterns run in linear time (RE2).

The commands run in a child process with a deadline, so a regression fails here instead of
hanging the suite."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.records import Topic
from generator.topics import RuleMatcher, compile_rules
from tests.project import TOPICS_YAML, write_base_project

DEADLINE = 60  # seconds; each command here takes about one
FAST = 10


def alias_bomb(levels: int = 24, width: int = 10) -> str:
    """About 2 KB of YAML whose last alias stands for width**levels strings."""
    lines = ["title: Pre-training, many times over", "abstract: A.", "aliases:",
             "  - &l00 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"  - &l{level:02d} [" + ", ".join([f"*l{level - 1:02d}"] * width) + "]"
              for level in range(1, levels)]
    return "\n".join(lines) + "\n"


def _paperwiki(project: Path, *args: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-c", "from generator.cli import run; run()", *args,
             "--config-file", str(project / "mkdocs.yml")],
            capture_output=True, text=True, timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"paperwiki {' '.join(args)} still ran after {DEADLINE} s")
    return result.returncode, result.stdout + result.stderr, time.perf_counter() - started


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_base_project(tmp_path / "wiki")
    return tmp_path / "wiki"


def test_alias_bomb_is_refused_at_once_with_its_line(project: Path) -> None:
    bomb = alias_bomb()
    assert 1500 < len(bomb.encode()) < 2500
    (project / "content" / "papers" / "bomb.yaml").write_text(bomb, "utf-8")
    code, output, seconds = _paperwiki(project, "check")
    assert code == 1, output
    assert ("content/papers/bomb.yaml:4: YAML anchors and aliases (`&name`, `*name`) are not "
            "allowed in curated files — write the value out in full; text that starts with & "
            "or * needs quotes") in output.splitlines()
    assert "Traceback" not in output
    assert seconds < FAST


@pytest.mark.parametrize(("name", "text", "line"), [
    ("config.yaml", "related_count: &n 3\nnewest_count: *n\n", 1),
    ("topics.yaml", TOPICS_YAML.replace("  - id: scaling-laws\n",
                                        "  - &copy\n    id: scaling-laws\n") + "  - *copy\n", 7),
])
def test_anchors_are_refused_in_every_curated_file(project: Path, name: str, text: str,
                                                   line: int) -> None:
    (project / "content" / name).write_text(text, "utf-8")
    code, output, _ = _paperwiki(project, "check")
    assert code == 1, output
    assert f"content/{name}:{line}: YAML anchors and aliases" in output


def test_ampersands_and_stars_in_text_are_still_text(project: Path) -> None:
    paper = project / "content" / "papers" / "q-and-a.yaml"
    paper.write_text("title: 'Pre-training Q&A: *what* & how'\nabstract: 2*3 & *more* [&x]\n"
                     "note: '*quoted* &text'\n", "utf-8")
    code, output, _ = _paperwiki(project, "check")
    assert code == 0, output


CATASTROPHIC = r"(\w+\s?)+!"  # backtracks exponentially in Python's re on a long text


def test_catastrophic_pattern_neither_hangs_check_nor_build(project: Path) -> None:
    topics = project / "content" / "topics.yaml"
    topics.write_text(topics.read_text("utf-8").replace(
        "      abstract: ['knowledge distillation']",
        f"      abstract: ['knowledge distillation', '{CATASTROPHIC}']"), "utf-8")
    abstract = " ".join(["word"] * 3000) + " no exclamation mark"
    (project / "content" / "papers" / "long.yaml").write_text(
        f"title: Pre-training at length\nabstract: {abstract}\n", "utf-8")
    code, output, seconds = _paperwiki(project, "check")
    assert code == 0, output
    assert seconds < FAST
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from generator.generate import generate; from generator.store import ContentPaths; "
         "generate(ContentPaths(Path(sys.argv[1])), Path(sys.argv[2]))",
         str(project / "content"), str(project / "docs")],
        capture_output=True, text=True, timeout=DEADLINE)
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - started < FAST


def _topic(*patterns: str, lines: tuple[int, ...] = ()) -> Topic:
    return Topic("t", "T", "d", "content/topics.yaml", 3, abstract_patterns=patterns,
                 pattern_lines={"abstract": lines})


@pytest.mark.parametrize("text", ["it works!", "so it works!ok", "works ! here", "no", "a!b c!d"])
def test_catastrophic_pattern_matches_as_pythons_re_does_on_short_text(text: str) -> None:
    rules, problems = compile_rules((_topic(CATASTROPHIC),))
    assert not problems
    expected = ("t",) if re.search(rf"\b(?:{CATASTROPHIC})\b", text, re.I | re.A) else ()
    assert RuleMatcher(tuple(rules))("", text) == expected


def test_catastrophic_pattern_on_a_long_text_is_quick() -> None:
    rules, _ = compile_rules((_topic(CATASTROPHIC),))
    started = time.perf_counter()
    assert RuleMatcher(tuple(rules))("", " ".join(["word"] * 50_000) + "!") == ()
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(("pattern", "hint"), [
    (r"pre(?=train)", "lookahead and lookbehind are not supported"),
    (r"(?<!un)supervised", "lookahead and lookbehind are not supported"),
    (r"(deep) \1", "backreferences are not supported: write the repeated word out"),
    (r"a++", "possessive and atomic repetition are not supported"),
    (r"x{5000}", "a repetition can be at most {1000}"),
    ("prun(e|ing", "escape ( ) [ ] . + ? * with \\ to match them as text"),
    ("a)|(b", "escape ( ) [ ] . + ? * with \\ to match them as text"),
])
def test_unsupported_pattern_is_located_and_says_what_to_write(pattern: str, hint: str) -> None:
    _, problems = compile_rules((_topic("fine", pattern, lines=(8, 9)),))
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.line) == ("content/topics.yaml", 9)
    assert f"the abstract pattern `{pattern}` cannot be used" in problem.message
    assert hint in problem.hint
