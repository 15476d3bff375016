"""Our TF-IDF vectors are scikit-learn's: same terms, same weights (to rounding), same rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from generator.tfidf import STOP_WORDS, tfidf

SAMPLE = Path(__file__).parent / "fixtures" / "corpus-sample.jsonl"


def reference(texts: list[str]):  # noqa: ANN201 - scikit-learn's own types
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, max_df=0.5,
                                 token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9-]+\b")
    return vectorizer.fit_transform(texts).tocsr().sorted_indices(), \
        vectorizer.get_feature_names_out()


def corpus_texts() -> list[str]:
    records = [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines()]
    return [f"{r['title']}\n{r['title']}\n{r['abstract']}" for r in records]


@pytest.mark.parametrize("texts", [
    corpus_texts(),
    ["Naïve Bayes, naïve-Bayes and NAIVE bayes", "naive bayes again", "über 2-stage x2 models",
     "the and of", "", "stage-2 models: x2, X2", "Models models MODELS"],
], ids=["corpus", "edge-cases"])
def test_the_same_matrix_as_scikit_learn(texts: list[str]) -> None:
    expected, expected_terms = reference(texts)
    matrix, terms = tfidf(texts)
    assert terms.tolist() == expected_terms.tolist()
    assert np.array_equal(matrix.indptr, expected.indptr)
    assert np.array_equal(matrix.indices, expected.indices)
    assert np.allclose(matrix.data, expected.data, rtol=0, atol=1e-15)


def test_the_stop_words_are_scikit_learns() -> None:
    assert STOP_WORDS == ENGLISH_STOP_WORDS


@pytest.mark.parametrize("texts", [[], ["one text alone"], ["a b", "c d"], ["same words", "same words"]])
def test_no_vectors_when_no_term_qualifies(texts: list[str]) -> None:
    """Too few texts for a term to be in two and at most half of them, as scikit-learn refuses."""
    assert tfidf(texts) is None
