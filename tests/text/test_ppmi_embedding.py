"""PPMI word vectors: the PPMI matrix against numpy, planted synonyms recovered, the estimator's contract."""

import doctest
import math
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

import unsup.text.ppmi_embedding
from unsup.datasets import synonym_corpus
from unsup.exceptions import NotFittedError
from unsup.stats import suggest_embedding_dim
from unsup.text import PPMIEmbedding, Tokenizer, cooccurrence_matrix, ppmi_matrix
from unsup.text.ppmi_embedding import _encode


@pytest.fixture(scope="module")
def synonyms():
    return synonym_corpus(seed=0)


@pytest.fixture(scope="module")
def fitted(synonyms):
    return PPMIEmbedding(random_state=0).fit(synonyms[0])


def reference_ppmi(counts, shift=1.0, alpha=1.0):
    """Dense PPMI from the formula, symmetric context smoothing as documented."""
    c = np.asarray(counts, dtype=np.float64)
    rows = c.sum(axis=1)
    total = c.sum()
    smoothed = total * rows ** alpha / np.sum(rows ** alpha)
    norm = np.sqrt(rows * smoothed)  # exp of the mean of ln c_i and ln ĉ_i
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(c * total / np.outer(norm, norm)) - math.log(shift)
    return np.where(c > 0, np.maximum(pmi, 0.0), 0.0)


# ------------------------------------------------------------------------------- PPMI matrix
@pytest.mark.parametrize("shift", [1.0, 5.0, 0.5])
@pytest.mark.parametrize("alpha", [1.0, 0.75])
def test_ppmi_equals_the_numpy_reference(shift, alpha):
    rng = np.random.default_rng(int(shift * 10 + alpha * 100))
    tokens = rng.choice(30, size=3000, p=np.arange(30, 0, -1) / 465).astype(np.int32)
    tokens[rng.random(3000) < 0.05] = -1
    counts = cooccurrence_matrix(tokens, 30, 3, weighting="harmonic")
    got = ppmi_matrix(counts, shift=shift, context_smoothing=alpha, dtype=np.float64)
    expected = reference_ppmi(counts.toarray(), shift, alpha)
    np.testing.assert_allclose(got.toarray(), expected, rtol=1e-12, atol=1e-12)
    assert np.all(got.data > 0) and got.nnz == np.count_nonzero(expected)
    np.testing.assert_array_equal(got.toarray(), got.toarray().T)
    assert ppmi_matrix(counts, shift=shift, context_smoothing=alpha).dtype == np.float32


def test_ppmi_by_hand_and_edge_cases():
    # Two words seen only together: c = [[0, 2], [2, 0]], D = 4, c_i = 2: PMI = ln(2 * 4 / 4) = ln 2.
    got = ppmi_matrix(sp.csr_array(np.array([[0.0, 2.0], [2.0, 0.0]])), dtype=np.float64).toarray()
    np.testing.assert_allclose(got, [[0, math.log(2)], [math.log(2), 0]])
    assert ppmi_matrix(sp.csr_array(np.array([[0.0, 2.0], [2.0, 0.0]])), shift=2.0).nnz == 0  # ln 2 - ln 2
    assert ppmi_matrix(sp.csr_array((3, 3))).nnz == 0
    # An empty row (a word with no context) stays empty; explicit zeros are dropped.
    c = sp.csr_array((np.array([1.0, 0.0, 1.0]), np.array([1, 2, 0]), np.array([0, 2, 3, 3])), shape=(3, 3))
    got = ppmi_matrix(c, dtype=np.float64)
    assert got.nnz == 2 and got[[2], :].nnz == 0


@pytest.mark.parametrize("kwargs, error, match", [
    ({"shift": 0.0}, ValueError, "shift"),
    ({"shift": float("nan")}, ValueError, "shift"),
    ({"context_smoothing": 0.0}, ValueError, "context_smoothing"),
    ({"context_smoothing": 1.5}, ValueError, "context_smoothing"),
    ({"dtype": np.int64}, ValueError, "dtype"),
])
def test_ppmi_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        ppmi_matrix(sp.csr_array(np.eye(2)), **kwargs)


def test_ppmi_bad_counts():
    with pytest.raises(TypeError, match="counts"):
        ppmi_matrix(np.eye(2))
    with pytest.raises(ValueError, match="square"):
        ppmi_matrix(sp.csr_array(np.ones((2, 3))))
    with pytest.raises(ValueError, match="non-negative"):
        ppmi_matrix(sp.csr_array(np.array([[0.0, -1.0], [-1.0, 0.0]])))


# ------------------------------------------------------------------------------- embedding
def precision_at_5(model, groups):
    group_of = {w: g for g, words in enumerate(groups) for w in words}
    hits = [sum(group_of[n] == group_of[w] for n, _ in model.most_similar(w, k=5)) / 5 for w in model.words_]
    return float(np.mean(hits))


def test_planted_synonyms_are_nearest_neighbours(fitted, synonyms):
    sentences, groups = synonyms
    assert len(fitted.words_) == sum(len(g) for g in groups)
    assert precision_at_5(fitted, groups) >= 0.9
    # Chance would be (group_size - 1) / (n_words - 1) = 7 / 319: shuffled vectors must fail.
    shuffled = clone(fitted).fit(sentences)
    shuffled.vectors_ = shuffled.vectors_[np.random.default_rng(0).permutation(len(shuffled.words_))]
    shuffled.__dict__.pop("_unit_vectors", None)
    assert precision_at_5(shuffled, groups) < 0.2


@pytest.mark.parametrize("weighting", ["uniform", "harmonic"])
def test_other_weightings_recover_the_synonyms_too(synonyms, weighting):
    sentences, groups = synonyms
    model = PPMIEmbedding(weighting=weighting, context_smoothing=1.0, power=0.0, random_state=1).fit(sentences)
    assert precision_at_5(model, groups) >= 0.9


def test_fitted_attributes(fitted, synonyms):
    sentences, _ = synonyms
    counts = Counter(t for s in sentences for t in s)  # in order of first appearance
    n_words = len(counts)
    assert fitted.words_ == sorted(counts, key=lambda w: -counts[w])  # stable: ties by first appearance
    assert list(fitted.counts_) == [counts[w] for w in fitted.words_]
    assert fitted.counts_.dtype == np.int64
    assert np.all(np.diff(fitted.counts_) <= 0)
    assert fitted.vocabulary_ == {w: i for i, w in enumerate(fitted.words_)}
    assert fitted.n_components_ == suggest_embedding_dim(n_words) == 49
    assert fitted.vectors_.shape == (n_words, 49) and fitted.vectors_.dtype == np.float32
    assert fitted.vectors_.flags.c_contiguous
    assert np.all(np.diff(fitted.singular_values_) <= 0)
    assert fitted.n_tokens_ == sum(map(len, sentences))
    w = fitted.words_[3]
    np.testing.assert_array_equal(fitted[w], fitted.vectors_[3])
    np.testing.assert_array_equal(fitted.transform([w, fitted.words_[0]]), fitted.vectors_[[3, 0]])
    assert w in fitted and "no such word" not in fitted and 3 not in fitted


def test_vectors_are_v_times_s_to_the_power(synonyms):
    from unsup.decomposition import SVDAutoencoder

    sentences, _ = synonyms
    model = PPMIEmbedding(n_components=10, power=0.25, random_state=3).fit(sentences)
    ids, words, _, _ = _encode(sentences, 5, None)
    ppmi = ppmi_matrix(cooccurrence_matrix(ids, len(words), 5, weighting="dynamic"), context_smoothing=0.75)
    svd = SVDAutoencoder(n_components=10, random_state=3).fit(ppmi)
    expected = svd.components_.T.astype(np.float64) * svd.singular_values_.astype(np.float64) ** 0.25
    np.testing.assert_allclose(model.vectors_, expected, rtol=1e-5, atol=1e-6)
    # p = 0 leaves orthonormal columns.
    plain = PPMIEmbedding(n_components=10, power=0.0, random_state=3).fit(sentences)
    np.testing.assert_allclose(plain.vectors_.T @ plain.vectors_, np.eye(10), atol=1e-4)


def test_most_similar(fitted):
    word = fitted.words_[0]
    top = fitted.most_similar(word, k=7)
    assert len(top) == 7 and word not in [w for w, _ in top]
    sims = [s for _, s in top]
    assert sims == sorted(sims, reverse=True) and all(-1.0001 <= s <= 1.0001 for s in sims)
    u, v = fitted[word], fitted[top[0][0]]
    assert top[0][1] == pytest.approx(float(u @ v / np.linalg.norm(u) / np.linalg.norm(v)), rel=1e-5)
    assert len(fitted.most_similar(word, k=10_000)) == len(fitted.words_) - 1


def test_deterministic_for_a_fixed_random_state(synonyms, fitted):
    sentences, _ = synonyms
    again = PPMIEmbedding(random_state=0).fit(sentences)
    np.testing.assert_array_equal(again.vectors_, fitted.vectors_)
    threads = PPMIEmbedding(random_state=0, n_jobs=2).fit(iter(sentences))  # a one-shot iterator too
    np.testing.assert_array_equal(threads.vectors_, fitted.vectors_)
    assert threads.words_ == fitted.words_


def test_min_count_max_vocab_and_dropped_tokens():
    sentences = [["c", "a", "rare", "b"]] + [["a", "b", "c"], ["b", "c", "a"]] * 4 + [["d"], ["a", "b"]]
    ids, words, counts, n_read = _encode(sentences, 2, None)
    assert words == ["a", "b", "c"] and counts.tolist() == [10, 10, 9] and n_read == 31
    # "rare" and "d" are dropped: the window spans them; every document still ends with a break.
    assert ids[:5].tolist() == [2, 0, 1, -1, 0]
    assert ids.tolist().count(-1) == len(sentences)
    assert ids[-4:].tolist() == [-1, 0, 1, -1]
    _, words, counts, _ = _encode(sentences, 1, 2)
    assert words == ["a", "b"]  # a and b tie: by first appearance
    model = PPMIEmbedding(min_count=2, max_vocab=3, n_components=2, random_state=0).fit(sentences)
    assert model.words_ == ["a", "b", "c"] and model.vectors_.shape == (3, 2)


def test_auto_dimension_stays_below_the_vocabulary():
    sentences = [["x", "y", "z", "w"], ["y", "x", "w", "z"]] * 20
    model = PPMIEmbedding(min_count=1, random_state=0).fit(sentences)
    assert model.n_components_ == 3


def test_raw_strings_with_a_tokenizer(synonyms):
    sentences, _ = synonyms
    texts = [" ".join(s) for s in sentences]
    by_lists = PPMIEmbedding(random_state=0).fit(sentences)
    by_callable = PPMIEmbedding(tokenizer=str.split, random_state=0).fit(texts)
    np.testing.assert_array_equal(by_callable.vectors_, by_lists.vectors_)
    lexicon = {w: 1 for s in sentences for w in s}
    by_tokenizer = PPMIEmbedding(tokenizer=Tokenizer(lexicon, unit="word"), random_state=0, n_jobs=2).fit(texts)
    assert by_tokenizer.words_ == by_lists.words_
    np.testing.assert_array_equal(by_tokenizer.vectors_, by_lists.vectors_)


def test_errors_are_clear(fitted):
    with pytest.raises(KeyError, match="'nonexistent' is not in the vocabulary"):
        fitted.most_similar("nonexistent")
    with pytest.raises(KeyError, match="nonexistent"):
        fitted["nonexistent"]
    with pytest.raises(KeyError, match="nonexistent"):
        fitted.transform([fitted.words_[0], "nonexistent"])
    with pytest.raises(TypeError, match="one string"):
        fitted.transform(fitted.words_[0])
    with pytest.raises(ValueError, match="k"):
        fitted.most_similar(fitted.words_[0], k=0)
    with pytest.raises(NotFittedError):
        PPMIEmbedding().most_similar("a")
    with pytest.raises(ValueError, match="no tokens"):
        PPMIEmbedding().fit([])
    with pytest.raises(ValueError, match="no tokens"):
        PPMIEmbedding().fit([[], []])
    with pytest.raises(ValueError, match="min_count=5.*at least 2"):
        PPMIEmbedding().fit([["a", "b", "c"]] * 3)
    with pytest.raises(TypeError, match="one string"):
        PPMIEmbedding().fit("a b c")
    with pytest.raises(TypeError, match="tokenizer="):
        PPMIEmbedding().fit(["a b c", "a b"])
    with pytest.raises(TypeError, match="tokens must be str"):
        PPMIEmbedding().fit([[1, 2, 3]])
    with pytest.raises(TypeError, match="tokens must be str"):
        PPMIEmbedding().fit([[["a"], "b"]])
    with pytest.raises(TypeError, match="documents must be lists"):
        PPMIEmbedding().fit([5])
    with pytest.raises(TypeError, match="tokenizer must"):
        PPMIEmbedding(tokenizer=5).fit(["a b"])
    with pytest.raises(ValueError, match="n_components=4 must be smaller than the vocabulary size"):
        PPMIEmbedding(min_count=1, n_components=4).fit([["a", "b", "c", "d"]] * 3)


@pytest.mark.parametrize("params, match", [
    ({"window": 0}, "window"), ({"min_count": 0}, "min_count"), ({"n_components": 0}, "n_components"),
    ({"n_components": "big"}, "n_components"), ({"shift": 0}, "shift"), ({"power": float("inf")}, "power"),
    ({"max_vocab": 1}, "max_vocab"), ({"weighting": "gauss"}, "weighting"),
    ({"context_smoothing": 0}, "context_smoothing"), ({"n_jobs": 0}, "n_jobs"),
])
def test_bad_parameters_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        PPMIEmbedding(**params).fit([["a", "b"]] * 10)


def test_a_failed_fit_leaves_the_model_unfitted(fitted):
    model = clone(fitted)
    model.fit([["a", "b", "c"], ["b", "a", "c"]] * 5)
    assert hasattr(model, "vectors_")
    with pytest.raises(ValueError):
        model.fit([["a"]])
    assert not hasattr(model, "vectors_") and not hasattr(model, "words_")


def test_estimator_conventions():
    model = PPMIEmbedding(window=3, shift=5.0, random_state=7)
    params = model.get_params()
    assert params["window"] == 3 and params["shift"] == 5.0 and params["tokenizer"] is None
    assert clone(model).get_params() == params
    assert not [k for k in vars(model) if k.endswith("_")]  # __init__ stores parameters only
    assert "PPMIEmbedding(" in repr(model)


def test_docstring_example():
    tests = [t for t in doctest.DocTestFinder().find(unsup.text.ppmi_embedding) if t.name.endswith("PPMIEmbedding")]
    runner = doctest.DocTestRunner()
    for test in tests:
        runner.run(test)
    assert tests and runner.failures == 0
