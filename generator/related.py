"""Related papers by text similarity, each with the terms that make the pair similar.

TF-IDF over title and abstract (scikit-learn's vectoriser: tokenisation, stop words and
sublinear weighting we would otherwise maintain ourselves), cosine similarity computed in
row blocks so that 10,000 papers never need an N×N Python loop or an N×N matrix. Ties are
broken by paper id, so the output is the same on every machine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

from .processes import run_tasks, split

BLOCK_ROWS = 512
TERMS_PER_LINK = 4


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    pinned: tuple[str, ...] = ()
    banned: tuple[str, ...] = ()


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
    matrix: sparse.csr_matrix  # TF-IDF, one row per document
    terms: np.ndarray  # the matrix's column names, in alphabetical order
    index: dict[str, int]  # row of each document id
    rank_of: np.ndarray  # each row's place in id order, for ties


@lru_cache(maxsize=1)
def _related_papers(documents: tuple[Document, ...], count: int,
                    parallel: bool) -> dict[str, tuple[Relation, ...]]:
    if not documents or count == 0:
        return {doc.id: () for doc in documents}
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2,
                                 max_df=0.5, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9-]+\b",
                                 dtype=np.float64)
    try:
        matrix = vectorizer.fit_transform(doc.text for doc in documents).tocsr()
    except ValueError:  # too few documents for any term to appear twice
        return {doc.id: () for doc in documents}
    order = np.argsort(np.array([doc.id for doc in documents]), kind="stable")
    rank_of = np.empty(len(documents), dtype=np.int64)
    rank_of[order] = np.arange(len(documents))
    corpus = _Corpus(documents, matrix, vectorizer.get_feature_names_out(),
                     {doc.id: row for row, doc in enumerate(documents)}, rank_of)
    runs = split(range(len(documents)), parallel)
    result: dict[str, tuple[Relation, ...]] = {}
    # One BLAS thread per process when the runs already fill the cores.
    with threadpool_limits(1 if len(runs) > 1 else None, user_api="blas"):
        for part in run_tasks([partial(_relations, corpus, rows, count) for rows in runs],
                              parallel):
            result.update(part)
    return result


def _relations(corpus: _Corpus, rows: range, count: int) -> dict[str, tuple[Relation, ...]]:
    documents = corpus.documents
    chosen = [_choose(documents[row], scores, corpus.index, corpus.rank_of, count)
              for row, scores in _similarities(corpus.matrix, rows,
                                               _dense_from_df(len(documents)))]
    terms = _shared_terms(corpus.matrix, rows, chosen, corpus.terms)
    return {documents[row].id: tuple(Relation(documents[other].id, next(terms))
                                     for other in others)
            for row, others in zip(rows, chosen)}


def _dense_from_df(documents: int) -> int:
    """Terms in at least this many documents go to the dense product.

    A term in ``df`` documents costs ``df²`` scattered additions in the sparse product and
    ``N`` in the dense one, where they run a hundred times faster: at ten thousand papers the
    500 most common terms made most of the sparse work (measured: 4√N beats 1√N to 3√N)."""
    return max(2, int(4 * documents ** 0.5))


def _similarities(matrix: sparse.csr_matrix, rows: range,
                  dense_from_df: int) -> Iterator[tuple[int, np.ndarray]]:
    """Each of ``rows``' cosine similarity to every row, block by block: common terms as a dense
    product (BLAS), rare ones as a sparse product, so neither is ever N×N in memory.

    Float64 throughout: ties are decided on scores rounded to six decimals, and float32 sums
    in a different order disagree in the seventh."""
    frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    common = matrix[:, np.flatnonzero(frequency >= dense_from_df)].toarray()
    rare = matrix[:, np.flatnonzero(frequency < dense_from_df)].tocsr()
    rare_transposed = rare.T.tocsr()
    for start in range(rows.start, rows.stop, BLOCK_ROWS):
        end = min(start + BLOCK_ROWS, rows.stop)
        block = common[start:end] @ common.T
        block += (rare[start:end] @ rare_transposed).toarray()
        yield from enumerate(block, start)


def _choose(doc: Document, scores: np.ndarray, index: dict[str, int], rank_of: np.ndarray,
            count: int) -> list[int]:
    """Pinned papers, then the best scores; equal scores (to 6 decimals) ordered by id."""
    own = index[doc.id]
    excluded = {own, *(index[b] for b in doc.banned if b in index)}
    pinned = [index[p] for p in doc.pinned if p in index and index[p] not in excluded][:count]
    excluded.update(pinned)
    rounded = np.round(scores, 6)
    rounded[list(excluded)] = -1.0
    take = min(count - len(pinned), int(np.count_nonzero(rounded > 0)))
    if take <= 0:
        return pinned
    threshold = np.partition(rounded, -take)[-take]
    candidates = np.flatnonzero(rounded >= threshold)
    ranked = sorted(candidates.tolist(), key=lambda c: (-rounded[c], rank_of[c]))
    return pinned + ranked[:take]


def _shared_terms(matrix: sparse.csr_matrix, rows: range, chosen: list[list[int]],
                  terms: np.ndarray) -> Iterator[tuple[str, ...]]:
    """For every pair of one of ``rows`` and a paper chosen for it, in order, the terms contributing most to its similarity,
    strongest first, equal ones alphabetically (the vectoriser numbers terms alphabetically).

    One element-wise product of the pairs' rows and one sort for all pairs: pair by pair,
    fifty thousand intersections took longer than finding the pairs."""
    left = np.repeat(np.arange(rows.start, rows.stop), [len(others) for others in chosen])
    right = np.fromiter((other for others in chosen for other in others), dtype=np.int64,
                        count=len(left))
    products = matrix[left].multiply(matrix[right]).tocsr()
    products.eliminate_zeros()
    pair_of = np.repeat(np.arange(len(left)), np.diff(products.indptr))
    order = np.lexsort((products.indices, -products.data, pair_of))
    place = np.arange(len(order)) - products.indptr[pair_of[order]]
    kept = order[place < TERMS_PER_LINK]
    words = terms[products.indices[kept]].tolist()
    ends = np.cumsum(np.bincount(pair_of[kept], minlength=len(left))).tolist()
    start = 0
    for end in ends:
        yield tuple(str(word) for word in words[start:end])
        start = end
