"""papers.bib through the real tools: plain ``bibtex`` and ``biber --validate-datamodel`` accept
the shipped wiki and any text, and no field carries a LaTeX command that does more than
typeset (``\\input``, ``\\write18``, ``\\def`` …: issue of arbitrary LaTeX in exports)."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from generator.citations import SAFE_COMMANDS, render_bibliography
from generator.model import Site
from generator.outputs import BIBLIOGRAPHY
from tests.test_identity import assert_bibtex_and_biber_accept

needs_tools = pytest.mark.skipif(not (shutil.which("bibtex") and shutil.which("biber")),
                                 reason="bibtex and biber are installed by .ci/run")

PAYLOADS = [
    "$\\input{/etc/passwd}$", "$\\write18{rm -rf ~}$", "\\immediate\\write18{id}",
    "$\\def\\x{\\input{/etc/shadow}}\\x$", "$\\csname input\\endcsname{/etc/passwd}$",
    "$^^5cinput{/etc/passwd}$", "$\\catcode`\\^^5c=12$", "$\\openout1=evil.tex$",
    "$\\url{javascript:alert(1)}$", "$\\href{javascript:x}{y}$", "$\\include{x}$",
    "A stray } closes early", "An open { never closes", "}{}{ mixed }}", "$\\frac{a$ b",
    "$a}$ and $\\{b$", "$x\\}$", "@misc{evil, title={x}}", "% comment % and # and &",
    "trailing backslash \\", "\\\\ double", "~ and ^ and _", "$\\mathcal{B}$-Coder works",
    "Naïve Ünïcødé — ✓ 中文", "$\\alpha \\leq \\beta_{k}$ fine",
]
NAMES = ["Smith, John", "Tom and Jerry", "{Brace", "Close}", "$\\input{x}$", "\\write18{x}",
         "<script>alert(1)</script>", "Ada Lovelace"]


def hostile_site(site_model: Site) -> Site:
    """The shipped papers, each given a payload as title, abstract and author names."""
    papers = {}
    for n, (pid, entry) in enumerate(site_model.papers.items()):
        payload = PAYLOADS[n % len(PAYLOADS)]
        paper = replace(entry.paper, title=f"Paper {n} {payload}",
                        abstract=f"{payload} {PAYLOADS[(n + 7) % len(PAYLOADS)]}",
                        authors=tuple(NAMES[(n + k) % len(NAMES)] for k in range(3)),
                        arxiv=f"2401.{n:05d}" if n % 2 else None)
        papers[pid] = replace(entry, paper=paper)
    return replace(site_model, papers=papers)


def test_no_command_but_typesetting_reaches_the_bibliography(site_model: Site) -> None:
    bib = render_bibliography(hostile_site(site_model),
                              "https://wiki.example/")[BIBLIOGRAPHY].decode("utf-8")
    commands = set(re.findall(r"\\([A-Za-z]+)", bib))
    allowed = SAFE_COMMANDS | {"textbackslash", "textbraceleft", "textbraceright", "url",
                               "textasciicircum", "textasciitilde"}
    assert commands <= allowed, commands - allowed
    assert "^^" not in bib


@needs_tools
@pytest.mark.parametrize("which", ["shipped", "hostile"])
def test_bibtex_and_biber_accept_the_whole_bibliography(site_model: Site, tmp_path: Path,
                                                        which: str) -> None:
    site = site_model if which == "shipped" else hostile_site(site_model)
    (tmp_path / "papers.bib").write_bytes(
        render_bibliography(site, "https://wiki.example/")[BIBLIOGRAPHY])
    assert_bibtex_and_biber_accept(tmp_path)
