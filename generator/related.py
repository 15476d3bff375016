"""Related papers by text similarity, each with the terms that make the pair similar.

TF-IDF over title and abstract (scikit-learn's vectoriser: tokenisation, stop words and
sublinear weighting we would otherwise maintain ourselves), cosine similarity computed in
row blocks of a sparse matrix so that 10,000 papers never need an N×N Python loop or a dense
N×N matrix. Ties are broken by paper id, so the output is the same on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

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


def related_papers(documents: Sequence[Document], count: int) -> dict[str, tuple[Relation, ...]]:
    """For each document, up to ``count`` others: pinned ones first, then the most similar.

    The result is kept for the last corpus seen: `paperwiki serve` rebuilds after every edit,
    and most edits (notes, topics, hiding) change no title or abstract."""
    return _related_papers(tuple(documents), count)


@lru_cache(maxsize=1)
def _related_papers(documents: tuple[Document, ...], count: int) -> dict[str, tuple[Relation, ...]]:
    if not documents or count == 0:
        return {doc.id: () for doc in documents}
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2,
                                 max_df=0.5, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9-]+\b",
                                 dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(doc.text for doc in documents).tocsr()
        matrix.sort_indices()  # _shared_terms intersects sorted column indices
    except ValueError:  # too few documents for any term to appear twice
        return {doc.id: () for doc in documents}
    terms = vectorizer.get_feature_names_out()
    index = {doc.id: row for row, doc in enumerate(documents)}
    order = np.argsort(np.array([doc.id for doc in documents]), kind="stable")
    rank_of = np.empty(len(documents), dtype=np.int64)
    rank_of[order] = np.arange(len(documents))
    result = {}
    for start in range(0, len(documents), BLOCK_ROWS):
        scores = (matrix[start:start + BLOCK_ROWS] @ matrix.T).toarray()
        for offset, row_scores in enumerate(scores):
            doc = documents[start + offset]
            chosen = _choose(doc, row_scores, index, rank_of, count)
            result[doc.id] = tuple(Relation(documents[other].id,
                                            _shared_terms(matrix, start + offset, other, terms))
                                   for other in chosen)
    return result


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


def _shared_terms(matrix: sparse.csr_matrix, a: int, b: int, terms: np.ndarray) -> tuple[str, ...]:
    """The terms contributing most to the pair's similarity, strongest first.

    Works on the CSR arrays directly: slicing rows out of a scipy matrix costs more than the
    whole intersection, fifty thousand times on a large wiki."""
    cols_a, weights_a = _row(matrix, a)
    cols_b, weights_b = _row(matrix, b)
    common, in_a, in_b = np.intersect1d(cols_a, cols_b, assume_unique=True, return_indices=True)
    if common.size == 0:
        return ()
    strength = weights_a[in_a] * weights_b[in_b]
    strongest = sorted(zip((-strength).tolist(), terms[common].tolist()))[:TERMS_PER_LINK]
    return tuple(str(term) for _, term in strongest)


def _row(matrix: sparse.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:end], matrix.data[start:end]
