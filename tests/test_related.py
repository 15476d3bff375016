"""Related papers: sensible on the real listings, deterministic, and curator-controllable."""

from __future__ import annotations

import numpy as np
import pytest

from generator.model import Site, _document
from generator.related import Document, _similarity_blocks, _split_terms, related_papers
from generator.tfidf import tfidf

STABILITY_GAP = "efficient-continual-pre-training-by-mitigating-the-stability-gap"
REWARM = "continual-pre-training-of-large-language-models-how-to-re-warm-your-model"
EFFECTIVE_CPT = "towards-effective-and-efficient-continual-pre-training-of-large-language-models"
MINIPLM = "miniplm-knowledge-distillation-for-pre-training-language-models"
DDK = "ddk-distilling-domain-knowledge-for-efficient-large-language-models"
TINYVIT = "tinyvit-fast-pretraining-distillation-for-small-vision-transformers"
MINILM = "minilm-deep-self-attention-distillation-for-task-agnostic-compression-of-pre"
SCOTT = "scott-accelerating-diffusion-models-with-stochastic-consistency-distillation"
SWIFTBRUSH = "swiftbrush-one-step-text-to-image-diffusion-model-with-variational-score"
PROMPTKD = "promptkd-unsupervised-prompt-distillation-for-vision-language-models"
VLM_DISTILL = "distilling-from-vision-language-models-for-improved-ood-generalization-in-vision"

OBVIOUS_PAIRS = [
    (STABILITY_GAP, REWARM), (STABILITY_GAP, EFFECTIVE_CPT), (EFFECTIVE_CPT, STABILITY_GAP),
    (REWARM, STABILITY_GAP), (MINIPLM, DDK), (TINYVIT, MINILM), (SCOTT, SWIFTBRUSH),
    (SWIFTBRUSH, SCOTT), (PROMPTKD, VLM_DISTILL), (VLM_DISTILL, PROMPTKD),
]


@pytest.mark.parametrize(("paper", "partner"), OBVIOUS_PAIRS)
def test_obviously_related_partner_is_in_the_top_five(site_model: Site, paper: str,
                                                      partner: str) -> None:
    assert partner in [r.paper_id for r in site_model.papers[paper].related]


def test_every_paper_has_five_others_each_with_shared_terms(site_model: Site) -> None:
    for paper_id, entry in site_model.papers.items():
        ids = [r.paper_id for r in entry.related]
        assert len(ids) == 5 and len(set(ids)) == 5 and paper_id not in ids
        assert set(ids) <= set(site_model.papers)
        assert all(3 <= len(r.terms) <= 5 for r in entry.related), paper_id


def test_shared_terms_appear_in_both_papers(site_model: Site) -> None:
    entry = site_model.papers[STABILITY_GAP]
    for relation in entry.related:
        other = site_model.papers[relation.paper_id].paper
        for term in relation.terms:
            assert term in (entry.paper.title + entry.paper.abstract).lower()
            assert term in (other.title + other.abstract).lower()


# Terms in more than half of the papers carry no signal and are dropped, so these small
# corpora keep every shared pair of words in a minority of documents.
FILLER = [Document("f", "epsilon zeta"), Document("g", "epsilon zeta"), Document("h", "eta theta"),
          Document("i", "eta theta")]


def test_ties_are_broken_by_id_whatever_the_input_order() -> None:
    docs = [Document("b", "alpha beta"), Document("c", "alpha beta"), Document("a", "alpha beta"),
            Document("d", "gamma delta"), Document("e", "gamma delta"), *FILLER]
    forward = related_papers(docs, 2)
    backward = related_papers(list(reversed(docs)), 2)
    assert forward == backward
    assert [r.paper_id for r in forward["a"]] == ["b", "c"]


def test_pinned_first_banned_never() -> None:
    docs = [Document("a", "alpha beta", pinned=("z",), banned=("b",)), Document("b", "alpha beta"),
            Document("c", "alpha beta gamma"), Document("z", "unrelated words entirely"),
            Document("y", "unrelated words"), *FILLER]
    assert [r.paper_id for r in related_papers(docs, 2)["a"]] == ["z", "c"]


def test_dense_and_sparse_products_agree(site_model: Site) -> None:
    """Common terms go to a dense product and rare ones to a sparse one; where the line is
    drawn must not change any score (to the six decimals ties are decided on)."""
    matrix, _ = tfidf([_document(e.paper).text for e in site_model.papers.values()])
    rows = range(matrix.shape[0])

    def scores(dense_from_df: int) -> np.ndarray:
        return np.round(np.vstack([block for _, block in
                                   _similarity_blocks(_split_terms(matrix, dense_from_df), rows)]), 6)

    all_dense = scores(1)
    assert all_dense.shape == (len(rows), len(rows))
    assert np.count_nonzero(all_dense) > 10 * len(rows)
    assert np.array_equal(all_dense, scores(len(rows) + 1))
    assert np.array_equal(all_dense, scores(8))


def assert_exact_ranking(documents: list[Document], count: int) -> None:
    """The result is what exact scores of all pairs give: best first, equal rounded scores
    by id."""
    matrix, _ = tfidf([doc.text for doc in documents])
    exact = np.round((matrix @ matrix.T).toarray(), 6)
    result = related_papers(documents, count)
    for row, doc in enumerate(documents):
        others = [(-exact[row, col], documents[col].id) for col in range(len(documents))
                  if col != row and exact[row, col] > 0]
        expected = [pid for _, pid in sorted(others)[:count]]
        assert [r.paper_id for r in result[doc.id]] == expected, doc.id


def test_same_papers_as_exact_scores_of_every_pair(site_model: Site) -> None:
    """The fast float32 pass only narrows the candidates."""
    assert_exact_ranking([_document(e.paper) for e in site_model.papers.values()], 5)


def test_exact_ranking_through_many_near_ties() -> None:
    """Documents drawn from a small vocabulary share most of their terms, so scores crowd
    together (and many tie) around each paper's fifth best: where float32 alone would
    misorder them."""
    rng = np.random.default_rng(7)
    words = [f"w{letter}{digit}" for letter in "abcdefgh" for digit in range(5)]
    documents = [Document(f"p{index:03d}", " ".join(rng.choice(words, rng.integers(3, 9))))
                 for index in range(400)]
    assert_exact_ranking(documents, 5)


def test_reasons_are_words_a_reader_recognises(site_model) -> None:
    from generator.related import UNSHOWN_TERMS, shown_as_reason

    shown = {term for entry in site_model.papers.values() for relation in entry.related
             for term in relation.terms}
    assert shown and not shown & {"io", "website", "remarkably", *UNSHOWN_TERMS}
    assert all(shown_as_reason(term) for term in shown)
    assert {"distillation", "llm", "rl"} <= shown  # short acronyms are words too
    assert [shown_as_reason(t) for t in ("efficiently", "anomaly", "family", "apply")] \
        == [False, True, True, True]


def test_hidden_reasons_leave_the_related_papers_unchanged() -> None:
    from generator import related

    documents = [related.Document(f"d{i}", text) for i, text in enumerate([
        "remarkably efficient distillation of website io models",
        "remarkably efficient distillation website io students",
        "graph networks for molecules", "graph networks for proteins and molecules"])]
    chosen = related._related_papers(tuple(documents), 1, False)
    assert chosen["d0"][0].paper_id == "d1" and chosen["d2"][0].paper_id == "d3"
    assert "distillation" in chosen["d0"][0].terms
    assert all(related.shown_as_reason(t) for r in chosen.values() for x in r for t in x.terms)
