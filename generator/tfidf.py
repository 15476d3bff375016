"""TF-IDF vectors of short English texts, the way scikit-learn's TfidfVectorizer makes them.

The same tokens (lowercase words of two or more characters starting with a letter), the same
stop words, sublinear term frequency, smoothed inverse document frequency and unit-length
rows: a test checks the matrices are equal (term for term, weights to 1e-15). Written here
because importing scikit-learn took 0.6 s of every build (it loads scipy.stats), about as
long as computing the vectors; with Counter and numpy instead of a Python loop per token,
computing them here takes as long as there (1 s at ten thousand papers).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np
from scipy import sparse

TOKEN = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z0-9-]+\b")
# scikit-learn's English stop words (from the Glasgow Information Retrieval Group), BSD licence.
STOP_WORDS = frozenset("""
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call
    can cannot cant co con could couldnt cry de describe detail do done down due during each eg
    eight either eleven else elsewhere empty enough etc even ever every everyone everything
    everywhere except few fifteen fifty fill find fire first five for former formerly forty
    found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if
    in inc indeed interest into is it its itself keep last latter latterly least less ltd made
    many may me meanwhile might mill mine more moreover most mostly move much must my myself
    name namely neither never nevertheless next nine no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out
    over own part per perhaps please put rather re same see seem seemed seeming seems serious
    several she should show side since sincere six sixty so some somehow someone something
    sometime sometimes somewhere still such system take ten than that the their them themselves
    then thence there thereafter thereby therefore therein thereupon these they thick thin
    third this those though three through throughout thru thus to together too top toward
    towards twelve twenty two un under until up upon us very via was we well were what whatever
    when whence whenever where whereafter whereas whereby wherein whereupon wherever whether
    which while whither who whoever whole whom whose why will with within without would yet you
    your yours yourself yourselves
""".split())


def tfidf(texts: Sequence[str], min_df: int = 2, max_df: float = 0.5,
          ) -> tuple[sparse.csr_matrix, np.ndarray] | None:
    """Unit-length TF-IDF rows (float64) over the terms in at least ``min_df`` texts and at most
    ``max_df`` of them, and those terms in alphabetical order; None when no term is left."""
    if max_df * len(texts) < min_df:  # no term can be in enough texts and few enough
        return None
    counts = [Counter(TOKEN.findall(text.lower())) for text in texts]
    words = sorted(set().union(*counts) - STOP_WORDS)
    if not words:
        return None
    row, index, count = _entries(counts, words)
    frequency = np.bincount(index, minlength=len(words))
    kept = (frequency >= min_df) & (frequency <= max_df * len(texts))
    if not kept.any():
        return None
    chosen = kept[index]
    row, index, count = row[chosen], (np.cumsum(kept) - 1)[index[chosen]], count[chosen]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=len(texts)))])
    matrix = sparse.csr_matrix((count, index, indptr), shape=(len(texts), int(kept.sum())))
    matrix.sort_indices()  # alphabetical within each row, so sums add in a fixed order
    idf = np.log((len(texts) + 1) / (frequency[kept] + 1.0)) + 1
    weight = (np.log(matrix.data) + 1) * idf[matrix.indices]
    weight /= np.sqrt(np.bincount(row, weights=weight * weight, minlength=len(texts)))[row]
    matrix.data = weight
    return matrix, np.array(words, dtype=object)[kept]


def _entries(counts: list[Counter[str]], words: list[str],
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column of ``words``, count) of every word in ``words``, text by text. Whole
    iterators handed to numpy, not a Python loop per word: this is most of the time."""
    column = dict.fromkeys(STOP_WORDS, -1) | dict(zip(words, range(len(words))))
    total = sum(map(len, counts))
    row = np.repeat(np.arange(len(counts)), list(map(len, counts)))
    index = np.fromiter(map(column.__getitem__, chain.from_iterable(counts)), np.int64, total)
    count = np.fromiter(chain.from_iterable(map(Counter.values, counts)), np.float64, total)
    words_only = index >= 0
    return row[words_only], index[words_only], count[words_only]
