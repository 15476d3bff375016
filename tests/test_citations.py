"""BibTeX: stable unique keys, escaping that compiles, and a file that parses back."""

from __future__ import annotations

import re
from datetime import date

import bibtexparser
import pytest

from generator.citations import bibtex_entry, bibtex_text, render_bibliography
from generator.citekeys import base_key, citation_keys
from generator.listing import Organization
from generator.model import PaperEntry, Site
from generator.records import CurationSettings, Paper
from tests.project import shipped_model

SITE_URL = "https://paperwiki.github.io/paperwiki/"
BCODER = "b-coder-value-based-deep-reinforcement-learning-for-program-synthesis"
DAMO = "damo-data-mixing-optimizer-in-fine-tuning-multimodal-llms-for-mobile-phone"


@pytest.fixture(scope="module")
def bib(site_model: Site) -> str:
    return render_bibliography(site_model, SITE_URL)["papers.bib"].decode("utf-8")


def test_keys_are_unique_ascii_and_cover_every_paper(site_model: Site) -> None:
    keys = site_model.citation_keys
    assert list(keys) == list(site_model.papers)
    assert len(set(keys.values())) == len(site_model.papers)
    assert all(re.fullmatch(r"[a-z0-9]+", key) for key in keys.values())


def test_keys_are_stable_across_runs(site_model: Site) -> None:
    assert shipped_model().citation_keys == site_model.citation_keys


def test_key_is_first_significant_word_and_year(site_model: Site) -> None:
    keys = site_model.citation_keys
    assert keys[BCODER] == "bcoder2023"
    assert keys[DAMO] == "damo2025"


def test_bibliography_parses_back_with_every_key(site_model: Site, bib: str) -> None:
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == list(site_model.citation_keys.values())
    bcoder = next(e for e in library.entries if e.key == "bcoder2023")
    assert bcoder.entry_type == "misc"
    assert bcoder.fields_dict["title"].value == (
        "{$\\mathcal{B}$-Coder: Value-Based Deep Reinforcement Learning for Program Synthesis}")
    assert bcoder.fields_dict["url"].value == f"{SITE_URL}papers/{BCODER}/"


def test_every_entry_has_balanced_braces(bib: str, site_model: Site) -> None:
    entries = bib.split("\n@")[1:]
    assert len(entries) == len(site_model.papers)
    for entry in entries:
        unescaped = re.sub(r"\\[{}]", "", entry)
        depth = 0
        for char in unescaped:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, entry[:80]
        assert depth == 0, entry[:80]


def test_bibliography_is_byte_identical_across_runs(bib: str) -> None:
    assert render_bibliography(shipped_model(), SITE_URL)["papers.bib"].decode("utf-8") == bib


def test_organisation_is_a_corporate_author_else_a_note(site_model: Site) -> None:
    keys = site_model.citation_keys
    damo = bibtex_entry(site_model.papers[DAMO], SITE_URL, keys[DAMO])
    assert "  author = {{OPPO}},\n" in damo and "  note =" not in damo
    bcoder = bibtex_entry(site_model.papers[BCODER], SITE_URL, keys[BCODER])
    assert "  author =" not in bcoder and "  note = {5 authors},\n" in bcoder
    assert "  year = {2023},\n  month = oct,\n" in bcoder


def test_specials_outside_math_are_escaped() -> None:
    assert bibtex_text("R&D: 100% of cost_fn #1 {x} ~y ^z a\\b") == (
        r"R\&D: 100\% of cost\_fn \#1 \textbraceleft{}x\textbraceright{} \textasciitilde{}y \textasciicircum{}z"
        r" a\textbackslash{}b")


def test_math_is_kept_as_written() -> None:
    assert bibtex_text("$\\mathcal{B}_k$-Coder & $x^2$ costs $5") == (
        r"$\mathcal{B}_k$-Coder \& $x^2$ costs \$5")
    assert bibtex_text("$50% & x$") == r"$50\% \& x$"  # still valid inside math
    assert bibtex_text("$\\frac{a$ b") == r"\$\textbackslash{}frac\textbraceleft{}a\$ b"  # unbalanced: text


def entry(paper_id: str, title: str, published: date | None = date(2024, 1, 5),
          organization: Organization | None = None) -> PaperEntry:
    paper = Paper(id=paper_id, title=title, abstract="An abstract with 10% & more_stuff.",
                  source="test", published=published, organization=organization)
    return PaperEntry(paper, (), (), ())


def small_site(*entries: PaperEntry) -> Site:
    return Site(papers={e.id: e for e in entries}, topics={}, listings={}, redirects={},
                settings=CurationSettings(), citation_keys=citation_keys(e.paper for e in entries))


def test_shared_keys_get_suffixes_in_paper_id_order() -> None:
    keys = citation_keys(entry(pid, title).paper for pid, title in [
        ("zeta", "Scaling Zeta"), ("alpha", "Scaling Alpha"), ("mid", "Scaling: the middle"),
        ("solo", "Solo act")])
    assert keys == {"zeta": "scaling2024c", "alpha": "scaling2024a", "mid": "scaling2024b",
                    "solo": "solo2024"}


def test_adding_a_paper_renames_only_the_keys_it_collides_with() -> None:
    before = small_site(entry("a", "Scaling A"), entry("b", "Tuning B")).citation_keys
    after = small_site(entry("a", "Scaling A"), entry("b", "Tuning B"), entry("c", "Tuning C"),
                       entry("d", "Other D")).citation_keys
    assert before == {"a": "scaling2024", "b": "tuning2024"}
    assert after == {"a": "scaling2024", "b": "tuning2024a", "c": "tuning2024b", "d": "other2024"}


def test_key_words_skip_small_words_and_fold_to_ascii() -> None:
    assert base_key(entry("p", "On the Rôle of Ünits").paper) == "role2024"
    assert base_key(entry("p", "Towards $\\mathcal{B}$-Coder").paper) == "bcoder2024"
    assert base_key(entry("p", "1.5-Pints: pretraining").paper) == "15pints2024"
    assert base_key(entry("p", "The 42 of a").paper) == "paper2024"
    assert base_key(entry("p", "Undated work", published=None).paper) == "undatednodate"


def test_an_entry_with_every_special_character_compiles() -> None:
    paper = entry("p", "Q&A at 100% for x_1 #2: {braces} ~ ^ \\",
                  organization=Organization("acme", "AT&T_Labs"))
    text = bibtex_entry(paper, "https://example.org/w", "qa2024")
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and len(library.entries) == 1
    fields = library.entries[0].fields_dict
    assert fields["title"].value == (r"{Q\&A at 100\% for x\_1 \#2: \textbraceleft{}braces\textbraceright{} "
                                     r"\textasciitilde{} \textasciicircum{} \textbackslash{}}")
    assert fields["author"].value == r"{AT\&T\_Labs}"
    assert fields["abstract"].value == r"An abstract with 10\% \& more\_stuff."
    assert fields["url"].value == "https://example.org/w/papers/p/"
