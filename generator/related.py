"""Related papers by text similarity, each with the terms that make the pair similar.

TF-IDF over title and abstract (see ``tfidf.py``), cosine similarity computed in row blocks
so that 10,000 papers never need an N×N Python loop or an N×N matrix.

The best pairs are found in two passes. A fast one in float32 keeps, for each paper, every
other paper that float32's rounding error cannot rule out of its best. An exact one in
float64, adding in a fixed order, scores those candidates. Ties are decided on the exact
scores rounded to six decimals, then by paper id, so the output is the same on every machine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

from .processes import run_tasks, split
from .records import hash_once
from .tfidf import tfidf

BLOCK_ROWS = 512
TERMS_PER_LINK = 4
# Terms that help find similar papers but mean nothing to a reader as the reason two papers
# are alike: pieces of web addresses, citation shorthand, the stock words of abstracts.
UNSHOWN_TERMS = frozenset("""
    io com org net www http https html github gitlab website webpage homepage page url link
    available publicly released release open-source et al vs etc ie eg lot way new set key
    run act aim id ii iii paper papers work propose proposed novel approach method methods
    results show shows demonstrate extensive comprehensive significantly
""".split())
NOUNS_ENDING_IN_LY = frozenset({"anomaly", "anomalies", "assembly", "butterfly", "family",
                                "monopoly", "supply"})


def shown_as_reason(term: str) -> bool:
    """Whether a shared term is worth showing: not a stock word, and not an adverb (a word of
    six letters or more ending in -ly that is not a noun such as anomaly)."""
    return term not in UNSHOWN_TERMS and not (
        len(term) >= 6 and term.endswith("ly") and term not in NOUNS_ENDING_IN_LY)


@hash_once  # the documents are the key of the memo below, hashed after every edit under serve
@dataclass(frozen=True)
class Document:
    id: str
    text: str
    pinned: tuple[str, ...] = ()
    banned: tuple[str, ...] = ()


@hash_once  # hashed with its paper's entry (model._entry) after every edit under serve
@dataclass(frozen=True)
class Relation:
    paper_id: str
    terms: tuple[str, ...]


def related_papers(documents: Sequence[Document], count: int,
                   parallel: bool = False) -> dict[str, tuple[Relation, ...]]:
    """For each document, up to ``count`` others: pinned ones first, then the most similar.
    With ``parallel``, the documents' similarities are computed in runs on every core.

    The result is kept for the last corpus seen: `paperwiki serve` rebuilds after every edit,
    and most edits (notes, topics, hiding) change no title or abstract."""
    return _related_papers(tuple(documents), count, parallel)


@dataclass(frozen=True)
class _Corpus:
    documents: tuple[Document, ...]
    matrix: sparse.csr_matrix  # TF-IDF in float64, one unit-length row per document
    terms: np.ndarray  # the matrix's column names, in alphabetical order
    rank_of: np.ndarray  # each row's place in id order, for ties
    pinned: dict[int, list[int]]  # rows pinned by a document's row, in the curator's order
    excluded: dict[int, list[int]]  # rows never ranked for a document's row (banned, pinned)
    terms_split: _TermSplit  # the float32 matrix, split for the candidates' products
    margin: float  # see _float32_margin


@dataclass(frozen=True)
class _TermSplit:
    """The matrix's columns in two parts, made once before any fork so every process shares
    them: common terms as a dense array, rare ones sparse (with its transpose)."""

    common: np.ndarray
    rare: sparse.csr_matrix
    rare_transposed: sparse.csr_matrix


@lru_cache(maxsize=1)
def _related_papers(documents: tuple[Document, ...], count: int,
                    parallel: bool) -> dict[str, tuple[Relation, ...]]:
    if not documents or count == 0:
        return {doc.id: () for doc in documents}
    vectors = tfidf([doc.text for doc in documents])
    if vectors is None:
        return {doc.id: () for doc in documents}
    matrix, terms = vectors
    order = np.argsort(np.array([doc.id for doc in documents]), kind="stable")
    rank_of = np.empty(len(documents), dtype=np.int64)
    rank_of[order] = np.arange(len(documents))
    corpus = _Corpus(documents, matrix, terms, rank_of, *_curated(documents, count),
                     _split_terms(matrix.astype(np.float32), _dense_from_df(len(documents))),
                     _float32_margin(matrix))
    runs = split(range(len(documents)), parallel)
    result: dict[str, tuple[Relation, ...]] = {}
    # One BLAS thread per process when the runs already fill the cores.
    with threadpool_limits(1 if len(runs) > 1 else None, user_api="blas"):
        for part in run_tasks([partial(_relations, corpus, rows, count) for rows in runs],
                              parallel):
            result.update(part)
    return result


def _curated(documents: tuple[Document, ...], count: int,
             ) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """The pinned rows of each document that pins any, and the rows it never ranks."""
    index = {doc.id: row for row, doc in enumerate(documents)}
    pinned, excluded = {}, {}
    for row, doc in enumerate(documents):
        if doc.pinned or doc.banned:
            banned = [index[b] for b in doc.banned if b in index]
            pins = [index[p] for p in doc.pinned
                    if p in index and index[p] != row and index[p] not in banned][:count]
            pinned[row], excluded[row] = pins, banned + pins
    return pinned, excluded


def _relations(corpus: _Corpus, rows: range, count: int) -> dict[str, tuple[Relation, ...]]:
    """The related papers of ``rows``: pinned ones, then the best exact scores."""
    left, right = _candidates(corpus, rows, count)
    products = corpus.matrix[left].multiply(corpus.matrix[right]).tocsr()
    scores = np.round(np.asarray(products.sum(axis=1)).ravel(), 6)
    bounds = np.searchsorted(left, np.arange(rows.start, rows.stop + 1)).tolist()
    chosen = [_choose(corpus, row, right, scores, range(start, end), count)
              for row, start, end in zip(rows, bounds, bounds[1:])]
    terms = _shared_terms(products[[pair for pairs in chosen for pair in pairs]], corpus.terms)
    documents = corpus.documents
    return {documents[row].id: tuple(Relation(documents[right[pair]].id, next(terms))
                                     for pair in pairs)
            for row, pairs in zip(rows, chosen)}


def _choose(corpus: _Corpus, row: int, right: np.ndarray, scores: np.ndarray, pairs: range,
            count: int) -> list[int]:
    """A row's chosen pairs: its pinned ones, then the best scores (equal ones by id)."""
    pins = corpus.pinned.get(row, [])
    pair_of = {int(right[pair]): pair for pair in pairs}
    ranked = sorted((pair for pair in pairs if scores[pair] > 0 and right[pair] not in pins),
                    key=lambda pair: (-scores[pair], corpus.rank_of[right[pair]]))
    return [pair_of[pin] for pin in pins] + ranked[:count - len(pins)]


def _candidates(corpus: _Corpus, rows: range, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, other) pairs that float32 scores cannot rule out of a row's ``count`` best,
    with its pinned pairs, sorted; ``count`` is also enough where a document pins some."""
    lefts, rights = [], []
    for start, block in _similarity_blocks(corpus.terms_split, rows):
        block_rows = range(start, start + len(block))
        block[np.arange(len(block)), block_rows] = -1.0
        for row in block_rows:
            if row in corpus.excluded:
                block[row - start, corpus.excluded[row]] = -1.0
        kth = (np.partition(block, -count, axis=1)[:, -count] if count < block.shape[1]
               else np.zeros(len(block), dtype=block.dtype))
        found, others = np.nonzero((block > 0) & (block >= (kth - corpus.margin)[:, None]))
        lefts.append(found + start)
        rights.append(others)
    pinned = [(row, pin) for row in rows for pin in corpus.pinned.get(row, ())]
    left = np.concatenate([*lefts, np.array([row for row, _ in pinned], dtype=np.int64)])
    right = np.concatenate([*rights, np.array([pin for _, pin in pinned], dtype=np.int64)])
    order = np.lexsort((right, left))
    return left[order], right[order]


def _float32_margin(matrix: sparse.csr_matrix) -> float:
    """How far below a row's best float32 scores a pair may be and still rank among them.

    The rows have unit length and no negative weight, so a score of k products errs by at
    most (k + 4)·ε in float32, whatever order the additions run in (the 4 covers converting
    the weights and adding the dense and sparse parts). Two such errors apart, plus the
    rounding to six decimals, is the most a pair's place can move."""
    longest = int(np.diff(matrix.indptr).max(initial=0))
    return 2 * (longest + 4) * float(np.finfo(np.float32).eps) + 1e-6


def _dense_from_df(documents: int) -> int:
    """Terms in at least this many documents go to the dense product.

    A term in ``df`` documents costs ``df²`` scattered additions in the sparse product and
    ``N`` in the dense one, where they run a hundred times faster: at ten thousand papers the
    1,000 most common terms made most of the sparse work (measured: 2√N to 3√N beat √N
    and 4√N to 6√N)."""
    return max(2, int(2 * documents ** 0.5))


def _split_terms(matrix: sparse.csr_matrix, dense_from_df: int) -> _TermSplit:
    frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    rare = matrix[:, np.flatnonzero(frequency < dense_from_df)].tocsr()
    return _TermSplit(matrix[:, np.flatnonzero(frequency >= dense_from_df)].toarray(),
                      rare, rare.T.tocsr())


def _similarity_blocks(split: _TermSplit, rows: range) -> Iterator[tuple[int, np.ndarray]]:
    """``rows``' similarities to every row, a block of rows at a time, with the block's first
    row: common terms as a dense product (BLAS), rare ones as a sparse product, so neither is
    ever N×N in memory."""
    for start in range(rows.start, rows.stop, BLOCK_ROWS):
        end = min(start + BLOCK_ROWS, rows.stop)
        block = split.common[start:end] @ split.common.T
        block += (split.rare[start:end] @ split.rare_transposed).toarray()
        yield start, block


def _shown_columns(terms: np.ndarray) -> np.ndarray:
    return np.fromiter(map(shown_as_reason, terms.tolist()), dtype=bool, count=len(terms))


def _shared_terms(products: sparse.csr_matrix, terms: np.ndarray) -> Iterator[tuple[str, ...]]:
    """For each row of ``products`` (the element-wise product of a pair's rows), the terms
    contributing most to the pair's similarity, strongest first, equal ones alphabetically
    (the vectoriser numbers terms alphabetically).

    One sort for all pairs: pair by pair, fifty thousand intersections took longer than
    finding the pairs. Terms not worth showing (``shown_as_reason``) count for the similarity
    but are never given as its reason."""
    products.data[~_shown_columns(terms)[products.indices]] = 0
    products.eliminate_zeros()
    pair_of = np.repeat(np.arange(products.shape[0]), np.diff(products.indptr))
    order = np.lexsort((products.indices, -products.data, pair_of))
    place = np.arange(len(order)) - products.indptr[pair_of[order]]
    kept = order[place < TERMS_PER_LINK]
    words = terms[products.indices[kept]].tolist()
    ends = np.cumsum(np.bincount(pair_of[kept], minlength=products.shape[0])).tolist()
    start = 0
    for end in ends:
        yield tuple(words[start:end])
        start = end
