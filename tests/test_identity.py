"""A paper's identity: arXiv id, authors and links, as files hold them and pages show them.

Curators' top-level fields always win over the tool-owned ``hf:`` block; unknown counts stay
unknown; every name and address is a stranger's text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.citations import bibtex_entry
from generator.citekeys import base_key
from generator.errors import ContentError
from generator.model import PaperEntry
from generator.records import paper_from_mapping, schema_problems
from generator.render import PaperPage, render_paper_page
from generator.yamlfile import parse_yaml

HF = {"arxiv": "2410.08565", "authors": [f"Author{n} Person{n}" for n in range(12)],
      "organization": {"handle": "google", "name": "Google"},
      "code": "https://github.com/example/code", "stars": 1234,
      "project_page": "https://example.github.io/project", "keywords": ["scaling"],
      "upvotes": 7}


def paper_text(extra: str = "") -> str:
    return ("title: 'Scaling Laws'\nabstract: An abstract.\npublished: 2024-10-11\n" + extra
            + "hf:\n" + "".join(f"  {key}: {json.dumps(value)}\n" for key, value in HF.items()))


def load(text: str):  # noqa: ANN201 - a Paper, or the problems
    data = parse_yaml(text, "content/papers/p.yaml")
    problems = schema_problems("paper", data, "content/papers/p.yaml")
    if problems:
        raise ContentError(problems)
    return paper_from_mapping("p", data, "content/papers/p.yaml")


def test_the_hf_block_fills_what_the_curator_left_out() -> None:
    paper = load(paper_text())
    assert (paper.arxiv, paper.authors[0], paper.author_count) == ("2410.08565", "Author0 Person0", 12)
    assert (paper.code, paper.stars, paper.upvotes) == (HF["code"], 1234, 7)
    assert paper.organization.name == "Google" and paper.keywords == ("scaling",)


def test_a_curators_value_always_wins() -> None:
    paper = load(paper_text("arxiv: hep-th/9901001v2\nauthors: [Ada Lovelace]\n"
                            "code: https://gitlab.com/other/repo\nupvotes: 3\n"))
    assert (paper.arxiv, paper.authors, paper.author_count) == (
        "hep-th/9901001v2", ("Ada Lovelace",), 1)
    assert paper.code == "https://gitlab.com/other/repo"
    assert paper.stars is None  # the stars were those of another repository
    assert paper.upvotes == 7  # counts: the highest known
    assert paper.resolved == "2410.08565"


def test_an_unquoted_arxiv_id_keeps_its_trailing_zero() -> None:
    assert load("title: T\nabstract: A\narxiv: 2410.08560\n").arxiv == "2410.08560"


def test_an_older_file_with_an_author_count_stays_valid() -> None:
    paper = load("title: T\nabstract: A\nauthors: 15\n")
    assert (paper.authors, paper.author_count, paper.upvotes, paper.arxiv) == ((), 15, None, None)


@pytest.mark.parametrize(("line", "expected"), [
    ("arxiv: 24.1\n", "is not an arXiv id"),
    ("arxiv: true\n", "is not an arXiv id"),
    ("code: javascript:alert(1)\n", "is not a web address"),
    ("project_page: 'data:text/html,<script>'\n", "is not a web address"),
    ("authors: []\n", "authors"),
])
def test_bad_identity_fields_are_located_problems(line: str, expected: str) -> None:
    with pytest.raises(ContentError) as error:
        load("title: T\nabstract: A\n" + line)
    assert expected in str(error.value) and ":3:" in str(error.value)


def page(paper) -> str:  # noqa: ANN001
    entry = PaperEntry(paper, ("scaling",), (), ())
    return render_paper_page(PaperPage(entry, (("scaling", "Scaling"),), (), (), (), "key2024",
                                       "https://wiki.example/"))


def test_paper_page_shows_authors_folded_and_the_row_of_links() -> None:
    markdown = page(load(paper_text()))
    shown, folded = markdown.split("<details", 1)
    assert shown.count('href="../?author=') == 5 and folded.count('href="../?author=') == 7
    assert "<summary>and 7 more</summary>" in folded
    for url in ("https://arxiv.org/abs/2410.08565", "https://arxiv.org/pdf/2410.08565",
                "https://huggingface.co/papers/2410.08565", HF["code"], HF["project_page"]):
        assert f'href="{url}"' in markdown
    assert "Code ★ 1,234" in markdown and "7 upvotes" in markdown


def test_keywords_are_shown_as_text_and_named_in_the_head_data() -> None:
    markdown = page(load(paper_text("keywords: [difference engines, '<b>bold</b> & co']\n")))
    article = markdown.split("---\n", 2)[2]
    assert ('<p class="pw-keywords"><strong>Keywords:</strong> difference engines, '
            "&lt;b&gt;bold&lt;/b&gt; &amp; co</p>") in article
    schema = json.loads(re.search(r"^schema_org: (.*)$", markdown, re.M).group(1))
    assert schema["keywords"] == ["Scaling", "difference engines", "<b>bold</b> & co"]
    assert "pw-keywords" not in page(load("title: T\nabstract: A\n"))


def test_unknown_upvotes_are_never_shown_as_zero() -> None:
    markdown = page(load("title: T\nabstract: A\nauthors: 3\n"))
    assert "upvote" not in markdown and "3 authors" in markdown


def test_head_data_names_every_author_and_the_eprint() -> None:
    front = page(load(paper_text())).split("---\n")[1]
    meta = {line.split(": ", 1)[0]: json.loads(line.split(": ", 1)[1])
            for line in front.splitlines()}
    assert meta["citation"]["authors"] == HF["authors"]
    assert meta["citation"]["arxiv_id"] == "2410.08565"
    assert meta["citation"]["publication_date"] == "2024/10/11"
    schema = meta["schema_org"]
    assert schema["author"][0] == {"@type": "Person", "name": "Author0 Person0"}
    assert schema["url"] == "https://wiki.example/papers/p/"
    assert "https://arxiv.org/abs/2410.08565" in schema["sameAs"]
    assert {"@type": "PropertyValue", "propertyID": "DOI",
            "value": "10.48550/arXiv.2410.08565"} in schema["identifier"]


HOSTILE = {
    "title": "Attack $\\input{/etc/passwd}$ and $\\write18{rm -rf /}$ } stray { \\immediate",
    "abstract": "Closes } early { and $^^5cinput x$ then \\def\\x{y} @misc{evil, title={x}}",
    "authors": ['<img src=x onerror=alert(1)>', "Smith, Jr. and Co", "Ünïcødé {Brace",
                "$\\href{javascript:alert(1)}{x}$"],
}


def hostile_paper():  # noqa: ANN201
    data = {"title": HOSTILE["title"], "abstract": HOSTILE["abstract"], "published": "2024-01-02",
            "hf": {"arxiv": "2401.00001", "authors": HOSTILE["authors"]}}
    return paper_from_mapping("hostile", data, "content/papers/hostile.yaml")


def test_hostile_names_are_text_on_the_page() -> None:
    markdown = page(hostile_paper()).split("---\n", 2)[2]  # front matter: see test_safety
    assert "<img" not in markdown and "&lt;img src=x onerror=alert(1)&gt;" in markdown
    links = re.findall(r'(?:href|src)="([^"]*)"', markdown)
    outside = [link for link in links if not link.startswith("../../")]  # topics, papers.bib
    assert links and all(link.startswith(("https://", "../?author=")) for link in outside)


def test_bibtex_cites_the_eprint_with_every_author() -> None:
    paper = load(paper_text())
    entry = bibtex_entry(PaperEntry(paper, (), (), ()), "https://wiki.example/", "k")
    assert "author = {Author0 Person0 and Author1 Person1 and" in entry
    for field in ("eprint = {2410.08565}", "archivePrefix = {arXiv}",
                  "doi = {10.48550/arXiv.2410.08565}", "url = {https://arxiv.org/abs/2410.08565}"):
        assert field in entry
    assert base_key(paper) == "person02024scaling"


def test_hostile_text_carries_no_latex_command_into_the_bibliography() -> None:
    entry = bibtex_entry(PaperEntry(hostile_paper(), (), (), ()), "", "k")
    commands = set(re.findall(r"\\([A-Za-z]+)", entry))
    assert commands <= {"textbackslash", "textbraceleft", "textbraceright", "url",
                        "textasciicircum", "textasciitilde"}
    assert "{Smith, Jr. and Co}" in entry  # one author, not two


@pytest.mark.skipif(not (shutil.which("bibtex") and shutil.which("biber")),
                    reason="bibtex and biber are installed by .ci/run")
def test_real_bibtex_and_biber_accept_hostile_entries(tmp_path: Path) -> None:
    papers = [hostile_paper(), load(paper_text())]
    bib = "".join(bibtex_entry(PaperEntry(p, (), (), ()), "", f"k{n}") for n, p in enumerate(papers))
    (tmp_path / "papers.bib").write_text(bib, "utf-8")
    assert_bibtex_and_biber_accept(tmp_path)


def assert_bibtex_and_biber_accept(folder: Path) -> None:
    """Plain bibtex over every entry (a small style of ours that reads every field and splits
    every author list, so no TeX distribution is needed), and biber's data-model validation:
    no error, no warning about the file's syntax."""
    (folder / "cite.aux").write_text("\\citation{*}\n\\bibdata{papers}\n\\bibstyle{check}\n")
    shutil.copy(Path(__file__).parent / "fixtures" / "check.bst", folder / "check.bst")
    run = subprocess.run(["bibtex", "-terse", "cite"], cwd=folder, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "BIBINPUTS": ".", "BSTINPUTS": "."})
    assert run.returncode == 0 and "error" not in run.stdout.lower(), run.stdout
    run = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file",
                          "checked.bib", "papers.bib"], cwd=folder, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0 and "ERROR" not in run.stdout, run.stdout
    assert not re.search(r"WARN - .*(syntax|BibTeX subsystem)", run.stdout), run.stdout


def test_papers_without_authors_keep_word_and_year_keys() -> None:
    undated = paper_from_mapping("p", {"title": "On Scaling", "abstract": "A"}, "x")
    dated = paper_from_mapping("p", {"title": "On Scaling", "abstract": "A",
                                     "published": "2024-03-01"}, "x")
    assert (base_key(undated), base_key(dated)) == ("scalingnodate", "scaling2024")
