"""DomainVocabulary: planted domain terms ranked first, clustered by topic and expanded from seeds.

The corpora come from :func:`unsup.datasets.planted_domain_corpus`: general text written with a
Zipf lexicon, and a domain corpus of the same general text with terms of five topic groups
mixed in (each document about one topic). The planted terms must rank on top against every
form of background, their clusters must be the topic groups, expansion from one term must
stay in its group; the remaining tests pin the documented details (term fields, filters,
thresholds of the expansion, document forms, threads) and the errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

from unsup.datasets import planted_domain_corpus
from unsup.exceptions import NotFittedError
from unsup.text import DomainVocabulary, Term, Tokenizer, WordFinder, background_contrast, context_topicality
from unsup.text.background import Background
from unsup.text.domain_vocabulary import _document_matrix, read_documents

SEED = 0
# The planted topics are document-wide (a document's terms lie anywhere in it), so the word vectors
# look at a wide window.
WINDOW = 20


@pytest.fixture(scope="module")
def data():
    return planted_domain_corpus(seed=SEED)


@pytest.fixture(scope="module")
def small():
    return planted_domain_corpus(n_background_documents=1000, n_domain_documents=600, seed=SEED + 1)


@pytest.fixture(scope="module")
def fitted(data):
    background, domain, _, _ = data
    return DomainVocabulary(background=background, window=WINDOW, random_state=0).fit(domain)


def group_of(groups):
    return {w: i for i, group in enumerate(groups) for w in group}


# -- the generator -------------------------------------------------------------------------
def test_planted_domain_corpus(data):
    background, domain, terms, groups = data
    assert len(background) == 3000 and len(domain) == 1500
    assert terms == sum(groups, []) and len(groups) == 5 and all(len(g) == 8 for g in groups)
    assert all(2 <= len(t) <= 4 for t in terms) and len(set("".join(terms))) == len("".join(terms))
    in_domain = sum(doc.count(t) for doc in domain for t in terms)
    in_background = sum(doc.count(t) for doc in background for t in terms)
    assert in_domain == 1500 * 5 and 0 < in_background < 100
    # One topic per document.
    topics = [{group_of(groups)[t] for t in terms if t in doc} for doc in domain[:200]]
    assert all(len(s) == 1 for s in topics)
    again = planted_domain_corpus(seed=SEED)
    assert again == data and planted_domain_corpus(seed=SEED + 1)[2] != terms


@pytest.mark.parametrize("kwargs,message", [
    ({"n_domain_documents": 0}, "n_domain_documents"),
    ({"n_groups": 0}, "n_groups"),
    ({"terms_per_document": 1.5}, "terms_per_document"),
    ({"background_term_rate": 1.5}, "background_term_rate"),
    ({"term_alphabet_size": 100}, "term_alphabet_size"),
    ({"alphabet_size": 20000, "term_alphabet_size": 1000}, "20992"),
    ({"n_words": 0}, "n_words"),
    ({"seed": "x"}, "seed"),
])
def test_planted_domain_corpus_rejects_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        planted_domain_corpus(n_background_documents=5, n_domain_documents=kwargs.pop("n_domain_documents", 5),
                              **kwargs)


# -- ranking -----------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["corpus", "counts", "word_finder"])
def test_planted_terms_rank_first(data, fitted, form):
    background, domain, terms, _ = data
    if form == "corpus":
        model = fitted
        assert model.background_.source == "corpus"
    else:
        finder = WordFinder().fit(background)
        given = dict(finder.vocabulary_) if form == "counts" else finder
        model = DomainVocabulary(background=given, n_clusters=None).fit(domain)
        assert model.background_.source == ("counts" if form == "counts" else "WordFinder")
    planted = set(terms)
    top = [t.term for t in model.terms_[:len(terms)]]
    assert np.mean([w in planted for w in top]) >= 0.9, [w for w in top if w not in planted]
    assert np.mean([w in {t.term for t in model.terms_} for w in terms]) >= 0.95
    assert model.unit_ == "char" and model.n_documents_ == len(domain)


def test_terms_are_ranked_and_match_the_statistics(fitted):
    terms = fitted.terms_
    assert all(isinstance(t, Term) for t in terms) and 0 < len(terms) <= fitted.max_terms
    scores = [t.score for t in terms]
    assert scores == sorted(scores, reverse=True)
    st = fitted.statistics_
    n = len(st["term"])
    assert all(len(v) == n for v in st.values())
    row = {w: i for i, w in enumerate(st["term"])}
    for t in terms:
        i = row[t.term]
        assert st["kept"][i]
        assert t.score == st["contrast"][i] and t.domain_count == st["tokens"][i]
        assert t.background_count == pytest.approx(st["background"][i])
        assert fitted.vocabulary_[t.term] == t.domain_count
        assert len(t.term) >= 2  # min_length: no single characters
    # Exactly the kept candidates, best first (fewer than max_terms here).
    kept = [st["term"][i] for i in np.argsort(-st["contrast"], kind="stable") if st["kept"][i]]
    assert len(kept) < fitted.max_terms
    assert [t.term for t in terms] == kept[:fitted.max_terms]
    assert fitted.top(5) == terms[:5]
    # Scores are background_contrast of the domain tokens and the rescaled background counts.
    np.testing.assert_allclose(st["contrast"], background_contrast(st["tokens"], st["background"]), rtol=1e-12)


def test_filters_are_applied(fitted):
    st = fitted.statistics_
    kept = st["kept"]
    documents_ok = st["documents"] >= fitted.min_documents
    nested_ok = st["tokens"] >= fitted.nested_ratio * st["occurrences"]
    assert not np.any(kept & ~documents_ok) and not np.any(kept & ~nested_ok)
    assert np.all(st["occurrences"] >= st["tokens"])
    assert (~kept).sum() > 0  # the filters dropped something
    rate = fitted.background_.standalone_rate
    edges = np.array([max(rate(w[0]), rate(w[-1])) for w in st["term"]])
    assert not np.any(kept & (edges >= fitted.function_rate))


def test_min_documents_and_max_terms(data, fitted):
    _, domain, _, _ = data
    model = DomainVocabulary(background=fitted.background_, n_clusters=None, min_documents=100,
                             max_terms=30).fit(domain)
    st = model.statistics_
    assert np.all(st["documents"][st["kept"]] >= 100)
    # The same scores: the best 30 of the terms found before that occur in 100 documents or more.
    documents = dict(zip(fitted.statistics_["term"], fitted.statistics_["documents"]))
    expected = [t.term for t in fitted.terms_ if documents[t.term] >= 100]
    assert len(expected) > 30 and [t.term for t in model.terms_] == expected[:30]


# -- clusters ----------------------------------------------------------------------------
def test_clusters_recover_the_planted_groups(data, fitted):
    _, _, terms, groups = data
    truth = group_of(groups)
    label = {t.term: t.cluster for t in fitted.terms_}
    planted = [w for w in terms if label.get(w, -1) >= 0]
    assert len(planted) >= 0.9 * len(terms)
    found = [label[w] for w in planted]
    assert adjusted_rand_score([truth[w] for w in planted], found) >= 0.8
    # Purity: each cluster holding planted terms holds the terms of one group.
    majority = sum(np.bincount([truth[w] for w in planted if label[w] == c]).max() for c in set(found))
    assert majority / len(planted) >= 0.95


def test_clusters_agree_with_the_term_labels(fitted):
    assert len(fitted.clusters_) >= 5 and all(len(c) >= 2 for c in fitted.clusters_)
    for c, members in enumerate(fitted.clusters_):
        assert members == [t.term for t in fitted.terms_ if t.cluster == c]
    assert {t.cluster for t in fitted.terms_} <= set(range(-1, len(fitted.clusters_)))
    # Clusters come in the order of their best-scored term.
    position = {t.term: i for i, t in enumerate(fitted.terms_)}
    firsts = [position[c[0]] for c in fitted.clusters_]
    assert firsts == sorted(firsts)


def test_an_int_n_clusters_keeps_the_best_clusters(data, fitted):
    background, domain, _, _ = data
    model = DomainVocabulary(background=fitted.background_, n_clusters=2, window=WINDOW, random_state=0).fit(domain)
    assert model.clusters_ == fitted.clusters_[:2]
    assert {t.cluster for t in model.terms_} <= {-1, 0, 1}
    assert [t.term for t in model.terms_] == [t.term for t in fitted.terms_]


def test_no_clusters(data, fitted):
    _, domain, _, _ = data
    model = DomainVocabulary(background=fitted.background_, n_clusters=None, window=WINDOW).fit(domain)
    assert model.clusters_ == [] and model.embedding_ is None
    assert all(t.cluster == -1 for t in model.terms_)
    assert [(t.term, t.score) for t in model.terms_] == [(t.term, t.score) for t in fitted.terms_]
    with pytest.raises(ValueError, match="word vectors"):
        model.expand([model.terms_[0].term])


# -- expansion ---------------------------------------------------------------------------
def test_expand_stays_in_the_seed_group(data, fitted):
    _, _, _, groups = data
    for group in groups:
        found = fitted.expand([group[0]], min_similarity=0.5, max_similarity=0.8)
        assert found[0] == (group[0], 1.0, 0)
        reached = [w for w, _, _ in found]
        assert len(set(reached)) == len(reached)
        assert np.mean([w in group for w in reached]) >= 0.8, (group, reached)
        assert np.mean([w in reached for w in group]) >= 0.6, (group, reached)
        # The default, stricter thresholds reach fewer words, all of the group.
        strict = [w for w, _, _ in fitted.expand([group[0]])]
        assert set(strict) <= set(reached) and np.mean([w in group for w in strict]) >= 0.9


@pytest.mark.parametrize("low,high,alpha", [(0.6, 0.9, 0.35), (0.3, 0.8, 0.35), (0.3, 0.9, 1.5), (0.45, 0.45, 0.0)])
def test_expand_thresholds_follow_the_formula(data, fitted, low, high, alpha):
    _, _, _, groups = data
    embedding = fitted.embedding_
    unit = embedding._unit()

    def threshold(depth):
        return low + (high - low) * (1.0 - math.exp(-alpha * depth))

    seeds = [groups[1][0], groups[1][1]]
    n_neighbors = 15
    found = fitted.expand(seeds, min_similarity=low, max_similarity=high, alpha=alpha, n_neighbors=n_neighbors)
    depth = {w: d for w, _, d in found}
    assert [w for w, _, d in found if d == 0] == seeds
    depths = [d for _, _, d in found]
    assert depths == sorted(depths)  # breadth first
    rows = {w: embedding.vocabulary_[w] for w in depth}
    for w, s, d in found:
        if d == 0:
            assert s == 1.0
            continue
        # Joined through a parent one step closer to the seeds, at a similarity above the depth's threshold.
        assert s >= threshold(d) - 1e-6
        parents = [p for p in depth if depth[p] == d - 1]
        sims = [float(unit[rows[p]] @ unit[rows[w]]) for p in parents]
        assert any(abs(x - s) < 1e-5 for x in sims)
    # Complete: each word's nearest neighbours above the next depth's threshold were all reached by then.
    last = max(depths)
    for p, d in depth.items():
        if d >= last:
            continue
        sims = unit @ unit[rows[p]]
        for j in np.argsort(-sims)[1:n_neighbors]:
            if sims[j] >= threshold(d + 1) + 1e-6:
                assert depth.get(embedding.words_[j], math.inf) <= d + 1, (embedding.words_[j], p, d)


def test_expand_limits(fitted):
    term = fitted.terms_[0].term
    assert fitted.expand([term], min_similarity=0.999, max_similarity=0.999) == [(term, 1.0, 0)]
    one = fitted.expand([term], min_similarity=0.2, max_similarity=0.2, max_depth=1)
    assert {d for _, _, d in one} <= {0, 1} and len(one) > 1
    assert len(fitted.expand([term], min_similarity=0.2, max_similarity=0.2, max_depth=3)) >= len(one)
    # Seeds missing from the vocabulary are passed over while one is known.
    assert fitted.expand(["不在词表", term], min_similarity=0.999, max_similarity=0.999) == [(term, 1.0, 0)]


def test_expand_from_restricts_the_terms(data, fitted):
    _, domain, _, groups = data
    seeds = (groups[2][0],)
    model = DomainVocabulary(background=fitted.background_, expand_from=seeds, n_clusters=None, window=WINDOW,
                             random_state=0).fit(domain)
    reached = {w for w, _, _ in fitted.expand(list(seeds))}
    assert model.embedding_ is not None and model.clusters_ == []
    assert [t.term for t in model.terms_] == [t.term for t in fitted.terms_ if t.term in reached]
    assert 1 <= len(model.terms_) < len(fitted.terms_)
    assert {t.term for t in model.terms_} <= set(groups[2])


# -- the tokenizer ---------------------------------------------------------------------------
def test_to_tokenizer_cuts_out_the_planted_terms(data, fitted):
    _, domain, terms, _ = data
    tokenizer = fitted.to_tokenizer()
    assert isinstance(tokenizer, Tokenizer) and tokenizer.unit == "char"
    for doc in domain[:100]:
        tokens = tokenizer.tokenize(doc)
        assert "".join(tokens) == doc
        for term in terms:
            assert tokens.count(term) == doc.count(term), (term, doc)


# -- threads, duplicates, document forms ---------------------------------------------------
def test_threads_do_not_change_the_result(small):
    background, domain, _, _ = small
    one = DomainVocabulary(background=background, window=WINDOW, random_state=3, n_jobs=1).fit(domain)
    two = DomainVocabulary(background=background, window=WINDOW, random_state=3, n_jobs=2).fit(domain)
    assert one.terms_ == two.terms_ and one.clusters_ == two.clusters_ and len(one.clusters_) > 0
    for key in one.statistics_:
        np.testing.assert_array_equal(one.statistics_[key], two.statistics_[key])
    np.testing.assert_array_equal(one.embedding_.vectors_, two.embedding_.vectors_)


def test_duplicate_documents_count_once(small):
    background, domain, _, _ = small
    bg = Background.from_corpus(background)
    reference = DomainVocabulary(background=bg, n_clusters=None).fit(domain)
    doubled = DomainVocabulary(background=bg, n_clusters=None).fit(domain + domain[:200] + domain[:3])
    assert len(set(domain)) == len(domain)
    assert reference.n_documents_ == doubled.n_documents_ == len(domain)
    assert doubled.terms_ == reference.terms_ and doubled.n_units_ == reference.n_units_


def test_document_forms_agree(small, tmp_path):
    background, domain, _, _ = small
    bg = Background.from_corpus(background)

    def fit(corpus, documents="lines"):
        return DomainVocabulary(background=bg, n_clusters=None, documents=documents).fit(corpus)

    reference = fit(domain)
    path = tmp_path / "domain.txt"
    path.write_text("\n".join(domain) + "\n", encoding="utf-8")
    paragraphs = "\n\n".join(domain)
    for model in (fit(path), fit([path]), fit("\n".join(domain)), fit(domain, "items"), fit(paragraphs, "\n\n"),
                  fit(paragraphs.replace("\n\n", "||"), "||")):
        assert model.n_documents_ == len(domain) and model.terms_ == reference.terms_
    # "items": a file is one document.
    assert fit([path, path, paragraphs], "items").n_documents_ == 2
    # A background given as a file is read as a corpus.
    bg_path = tmp_path / "background.txt"
    bg_path.write_text("\n".join(background), encoding="utf-8")
    from_file = DomainVocabulary(background=bg_path, n_clusters=None).fit(domain)
    assert from_file.terms_ == reference.terms_


def test_read_documents(tmp_path):
    text = "甲乙\n丙丁\n\n戊己\n  \n"
    assert read_documents(text) == ["甲乙", "丙丁", "戊己"]
    assert read_documents(text, "items") == [text]
    assert read_documents(text, "\n\n") == ["甲乙\n丙丁", "戊己\n  \n"]
    path = tmp_path / "bad.txt"
    path.write_bytes("甲乙\n".encode() + b"\xff\xfe\n" + "丙".encode())
    assert read_documents([path, "戊"]) == ["甲乙", "\ufffd\ufffd", "丙", "戊"]
    with pytest.raises(UnicodeDecodeError, match="bad.txt"):
        read_documents(path, errors="strict")
    for bad in ("", None, 3):
        with pytest.raises(ValueError, match="documents"):
            read_documents(text, bad)
    with pytest.raises(TypeError, match="bytes"):
        read_documents(b"abc")
    with pytest.raises(TypeError, match="int"):
        read_documents(["甲", 3])


# -- errors ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def toy_background():
    return Background.from_counts({"甲": 50, "乙": 40, "甲乙": 10, "丙": 30})


def test_an_empty_domain_corpus(toy_background, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    for corpus in ([], "", ["", " \n "], empty):
        with pytest.raises(ValueError, match="empty|no text"):
            DomainVocabulary(background=toy_background).fit(corpus)


def test_a_background_in_another_script(small):
    background, domain, _, _ = small
    english = ["the cat sat on the mat and the dog sat on the log"] * 30 + ["a cat and a dog"] * 30
    with pytest.raises(ValueError, match="background"):
        DomainVocabulary(background=english, n_clusters=None).fit(domain[:300])
    with pytest.raises(ValueError, match="background"):
        DomainVocabulary(background={"the": 50, "cat": 10, "the cat": 5}, n_clusters=None).fit(domain[:300])
    with pytest.raises(ValueError, match="background"):  # and the other way round
        DomainVocabulary(background=background[:300], n_clusters=None).fit(english)


def test_unreadable_files(toy_background, tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        DomainVocabulary(background=toy_background).fit(missing)
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        DomainVocabulary(background=missing).fit(["甲乙丙丁"] * 10)
    with pytest.raises(OSError, match=str(tmp_path.name)):
        DomainVocabulary(background=toy_background).fit(tmp_path)  # a directory


@pytest.mark.parametrize("params,error,message", [
    ({"n_clusters": 0}, ValueError, "n_clusters"),
    ({"n_clusters": "many"}, ValueError, "n_clusters"),
    ({"min_documents": 0}, ValueError, "min_documents"),
    ({"topicality_ratio": -1}, ValueError, "topicality_ratio"),
    ({"nested_ratio": 1.5}, ValueError, "nested_ratio"),
    ({"function_rate": float("nan")}, ValueError, "function_rate"),
    ({"max_terms": 0}, ValueError, "max_terms"),
    ({"min_length": 0}, ValueError, "min_length"),
    ({"method": "magic"}, ValueError, "method"),
    ({"window": 0}, ValueError, "window"),
    ({"min_similarity": 2.0}, ValueError, "min_similarity"),
    ({"expand_from": "酒店"}, TypeError, "expand_from"),
    ({"expand_from": []}, ValueError, "expand_from"),
    ({"expand_from": ["酒店", ""]}, ValueError, "expand_from"),
    ({"background": None}, ValueError, "background"),
    ({"background": WordFinder()}, NotFittedError, "background"),
])
def test_bad_parameters(toy_background, params, error, message):
    params = {"background": toy_background, **params}
    with pytest.raises(error, match=message):
        DomainVocabulary(**params).fit(["甲乙丙丁甲乙"] * 20)


def test_unfitted_and_bad_calls(fitted):
    model = DomainVocabulary()
    for call in (lambda: model.top(3), lambda: model.expand(["甲乙"]), model.to_tokenizer):
        with pytest.raises(NotFittedError):
            call()
    assert not hasattr(model, "terms_")
    with pytest.raises(ValueError, match="seeds"):
        fitted.expand(["不在词表", "也不在"])
    with pytest.raises(TypeError, match="seeds"):
        fitted.expand(fitted.terms_[0].term)
    with pytest.raises(ValueError, match="k"):
        fitted.top(0)
    with pytest.raises(ValueError, match="min_similarity"):
        fitted.expand([fitted.terms_[0].term], min_similarity=1.5)


def test_a_failed_fit_forgets_the_previous_one(small):
    background, domain, _, _ = small
    model = DomainVocabulary(background=background[:500], n_clusters=None).fit(domain[:300])
    assert model.terms_
    with pytest.raises(ValueError, match="no text"):
        model.fit([])
    assert not hasattr(model, "terms_") and not hasattr(model, "statistics_")
    with pytest.raises(NotFittedError):
        model.top()


def test_a_fit_failing_on_its_seeds_is_not_fitted(small):
    background, domain, _, _ = small
    model = DomainVocabulary(background=background[:500], expand_from=["不在词表"], n_clusters=None)
    with pytest.raises(ValueError, match="vocabulary"):
        model.fit(domain[:300])
    assert not hasattr(model, "terms_")


def test_lone_surrogates_raise(small):
    background, domain, _, _ = small
    with pytest.raises(UnicodeEncodeError, match="surrogates"):
        DomainVocabulary(background=background[:300], n_clusters=None).fit(domain[:300] + ["甲\ud800乙"])


def test_a_rare_background_unit_does_not_veto_a_term():
    background, domain, terms, _ = planted_domain_corpus(background_term_rate=0.0, seed=SEED)
    term = terms[0]
    rng = np.random.default_rng(0)
    mentions = []  # the term's first character alone, in five general documents
    for doc in background[:5]:
        k = int(rng.integers(len(doc)))
        mentions.append(doc[:k] + term[0] + doc[k:])
    plain = DomainVocabulary(background=background, n_clusters=None).fit(domain)
    assert term in {t.term for t in plain.terms_}  # found without the five mentions
    model = DomainVocabulary(background=background + mentions, n_clusters=None).fit(domain)
    assert term in {t.term for t in model.terms_}


# -- context topicality, the document matrix -------------------------------------------------
def topicality_reference(present, contexts, smoothing):
    """KL(p(c | w) || p(c)) with p(c | w) shrunk towards p(c), dense."""
    present = (np.asarray(present) > 0).astype(float)
    ctx = present[:, contexts]
    prior = ctx.sum(axis=0) / ctx.sum()
    joint = present.T @ ctx
    out = np.zeros(present.shape[1])
    for w in range(present.shape[1]):
        q = (joint[w] + smoothing * prior) / (joint[w].sum() + smoothing)
        nz = prior > 0
        out[w] = np.sum(q[nz] * np.log(q[nz] / prior[nz]))
    return out


def test_context_topicality_on_two_topics():
    # Ten documents of topic A hold words 1, 2; ten of topic B words 3, 4; word 0 is in all of them.
    rows = [[0, 1, 2]] * 10 + [[0, 3, 4]] * 10
    dense = np.zeros((20, 6))
    for i, r in enumerate(rows):
        dense[i, r] = 1
    dense[0, 5] = 3  # word 5: one document of topic A (counts read as presence)
    score = context_topicality(sp.csr_array(dense), np.arange(6), smoothing=1.0)
    assert score[0] == pytest.approx(0.0, abs=1e-9)  # everywhere: its contexts are the corpus's
    assert score[1] > 0.3 and score[3] > 0.3 and score[1] == pytest.approx(score[2])
    assert score[5] > 0.1 and np.all(score >= 0)
    np.testing.assert_allclose(score, topicality_reference(dense, np.arange(6), 1.0), atol=1e-12)
    # Heavier smoothing pulls every score towards 0.
    assert np.all(context_topicality(sp.csr_array(dense), np.arange(6), smoothing=100.0)[1:5] < score[1:5])


@pytest.mark.parametrize("seed", range(3))
def test_context_topicality_matches_the_reference(seed):
    rng = np.random.default_rng(seed)
    dense = (rng.random((40, 15)) < rng.uniform(0.05, 0.5, size=15)) * rng.integers(1, 4, size=(40, 15))
    dense[:, 7] = 0  # a word in no document
    contexts = np.sort(rng.choice(15, size=8, replace=False))
    got = context_topicality(sp.csr_array(dense), contexts, smoothing=5.0)
    np.testing.assert_allclose(got, topicality_reference(dense, contexts, 5.0), atol=1e-10)
    assert got[7] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_array_equal(context_topicality(sp.csr_array((3, 4)), np.arange(4)), np.zeros(4))


def test_document_matrix():
    ids = np.array([0, 1, 1, -1, -1, 2, 0, 2, -1], dtype=np.int32)
    matrix = _document_matrix(ids, 4)
    np.testing.assert_array_equal(matrix.toarray(), [[1, 2, 0, 0], [0, 0, 0, 0], [1, 0, 2, 0]])
    assert _document_matrix(np.zeros(0, dtype=np.int32), 3).shape == (0, 3)


@pytest.mark.parametrize("background,error", [(123, TypeError), (b"general text", TypeError), ("bultin", ValueError),
                                              ("general.txt", ValueError)])
def test_a_bad_background_is_named(background, error):
    # The error names the background argument, not the domain corpus; a short str is a typo or a file
    # name given as str (a file is a pathlib.Path), not a general corpus.
    with pytest.raises(error, match="background"):
        DomainVocabulary(background=background, n_clusters=None).fit("甲乙丙丁。甲乙丙丁。")
