"""Citation keys: what people paste into their manuscripts, so they must not change under them.

A key is ``<first author's last name><year><first significant title word>`` — lowercase
ASCII, e.g. ``vaswani2017attention`` — or ``<word><year>`` (``bcoder2023``) for a paper whose
authors are not known. It is derived from the paper alone, so adding a paper never renames another one unless the two share
that base key. Papers that share a base key are all suffixed ``a``, ``b``, ``c`` … in order of
paper id (``scaling2024a``, ``scaling2024b``), like author-year styles do.
"""

from __future__ import annotations

import itertools
import re
import string
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .records import Paper
from .text import plain_text

UNDATED_YEAR = "nodate"  # spelt out: a bare "nd" reads as part of the word ("morend")
KEY_WORD_LIMIT = 24
FALLBACK_WORD = "paper"
# Words that say nothing about a paper when they open its title.
STOP_WORDS = frozenset(
    "a an the and or but nor of on in at to for from by with into onto via as is are was be "
    "do does can how what when where why which who whom this that these those it its your our "
    "we you not no toward towards about over under beyond through".split())


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """Every paper's key, unique among ``papers``, in their order."""
    papers = list(papers)
    groups: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        groups[base_key(paper)].append(paper.id)
    taken = set(groups)
    keys: dict[str, str] = {}
    for base, paper_ids in sorted(groups.items()):
        if len(paper_ids) == 1:
            keys[paper_ids[0]] = base
            continue
        suffixes = (s for s in _suffixes() if base + s not in taken)
        for paper_id, suffix in zip(sorted(paper_ids), suffixes):
            keys[paper_id] = base + suffix
            taken.add(base + suffix)
    return {paper.id: keys[paper.id] for paper in papers}


def base_key(paper: Paper) -> str:
    """The key before disambiguation: the first author's last name (when known), the year
    (``nodate`` if none) and the first significant title word."""
    year = str(paper.published.year) if paper.published else UNDATED_YEAR
    return _base_key(paper.authors[0] if paper.authors else "", year, paper.title)


@lru_cache(maxsize=65_536)  # `paperwiki serve` keys every paper again after each edit
def _base_key(first_author: str, year: str, title: str) -> str:
    last_name = _last_name(first_author) if first_author else ""
    return (last_name + year + _key_word(title)) if last_name else _key_word(title) + year


def _last_name(name: str) -> str:
    """The last word of a name that has a letter, reduced like title words (``Müller`` →
    ``muller``); empty when nothing is left (a name in a script without ASCII letters)."""
    for word in reversed(plain_text(name).split()):
        reduced = _ascii(word)
        if re.search(r"[a-z]", reduced):
            return reduced
    return ""


def _ascii(word: str) -> str:
    ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_word.lower())[:KEY_WORD_LIMIT]


def _key_word(title: str) -> str:
    """First whitespace-separated word that has a letter and is not a stop word, reduced to
    ASCII letters and digits (``ℬ-Coder:`` → ``bcoder``); math in it counts as its text."""
    for word in plain_text(title).split():
        reduced = _ascii(word)
        if re.search(r"[a-z]", reduced) and reduced not in STOP_WORDS:
            return reduced
    return FALLBACK_WORD


def _suffixes() -> Iterator[str]:
    """a, b, …, z, aa, ab, … — never runs out, always in the same order."""
    for width in itertools.count(1):
        for letters in itertools.product(string.ascii_lowercase, repeat=width):
            yield "".join(letters)
