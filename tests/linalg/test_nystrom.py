"""unsup.linalg.nystrom: the Nyströmformer approximation of softmax attention."""

import doctest

import numpy as np
import pytest

import unsup.linalg.nystrom
from unsup.exceptions import NotFittedError
from unsup.linalg import NystromApproximation, iterative_pinv, softmax_attention


def smooth_sequence(n, d, rng, amplitude=2.0):
    """Rows that vary slowly along the sequence (sines of the position) plus a little noise."""
    position = np.linspace(0.0, 1.0, n)[:, None]
    frequency = rng.uniform(0.5, 3.0, size=d)
    phase = rng.uniform(0.0, 2 * np.pi, size=d)
    return amplitude * np.sin(2 * np.pi * position * frequency + phase) + 0.1 * rng.normal(size=(n, d))


def relative_error(approximation, exact):
    return np.linalg.norm(approximation - exact) / np.linalg.norm(exact)


def test_softmax_attention_matches_the_definition():
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(5, 4)), rng.normal(size=(7, 4)), rng.normal(size=(7, 3))
    S = np.empty((5, 7))
    for i in range(5):
        scores = np.array([np.exp(Q[i] @ K[j] / 2.0) for j in range(7)])  # √d = 2
        S[i] = scores / scores.sum()
    np.testing.assert_allclose(softmax_attention(Q, K), S, rtol=1e-13)
    np.testing.assert_allclose(softmax_attention(Q, K, V), S @ V, rtol=1e-12)
    np.testing.assert_allclose(softmax_attention(Q, K, V[:, 0]), S @ V[:, 0], rtol=1e-12)


def test_softmax_attention_does_not_overflow():
    S = softmax_attention([[1000.0, 0.0]], [[1.0, 0.0], [0.9, 0.0]])
    assert np.all(np.isfinite(S))
    np.testing.assert_allclose(S.sum(axis=1), 1.0)
    assert S[0, 0] > 0.999


@pytest.mark.parametrize("landmarks", ["segment_means", "uniform"])
def test_all_rows_as_landmarks_with_the_exact_pinv_is_exact(landmarks):
    rng = np.random.default_rng(1)
    Q, K, V = rng.normal(size=(3, 48, 6))
    approx = NystromApproximation(48, landmarks=landmarks, pinv="exact", random_state=0).fit(Q, K)
    np.testing.assert_allclose(approx.to_dense(), softmax_attention(Q, K), atol=1e-10)
    np.testing.assert_allclose(approx.matmul(V), softmax_attention(Q, K, V), atol=1e-9)
    np.testing.assert_allclose(approx.landmark_queries_, Q, atol=1e-15)


def test_exact_for_queries_and_keys_constant_on_the_segments():
    # F = P A and B = A Pᵀ / c, so F A⁺ B = P A A⁺ A Pᵀ / c = P B = S whatever the conditioning of A.
    rng = np.random.default_rng(2)
    m = 8
    Q = np.repeat(rng.normal(size=(m, 5)) * 3, 8, axis=0)    # 64 queries, segments of 8
    K = np.repeat(rng.normal(size=(m, 5)) * 3, 12, axis=0)   # 96 keys, segments of 12
    approx = NystromApproximation(m, pinv="exact").fit(Q, K)
    assert approx.to_dense().shape == (64, 96)
    np.testing.assert_allclose(approx.to_dense(), softmax_attention(Q, K), atol=1e-10)
    converged = NystromApproximation(m, n_iter=60).fit(Q, K)
    np.testing.assert_allclose(converged.landmark_softmax_pinv_, np.linalg.pinv(converged.landmark_softmax_),
                               atol=1e-8)
    np.testing.assert_allclose(converged.to_dense(), softmax_attention(Q, K), atol=1e-8)


@pytest.mark.parametrize("landmarks", ["segment_means", "uniform"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_error_decreases_with_the_number_of_landmarks(landmarks, seed):
    rng = np.random.default_rng(seed)
    Q, K = smooth_sequence(256, 16, rng), smooth_sequence(256, 16, rng)
    S = softmax_attention(Q, K)
    errors = [relative_error(NystromApproximation(m, landmarks=landmarks, random_state=seed).fit(Q, K).to_dense(), S)
              for m in (4, 16, 64)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.1


def test_factors_match_their_definitions():
    rng = np.random.default_rng(4)
    Q, K = rng.normal(size=(30, 4)), rng.normal(size=(20, 4))
    approx = NystromApproximation(5).fit(Q, K)
    Q_means = Q.reshape(5, 6, 4).mean(axis=1)
    K_means = K.reshape(5, 4, 4).mean(axis=1)
    np.testing.assert_allclose(approx.landmark_queries_, Q_means, atol=1e-15)
    np.testing.assert_allclose(approx.landmark_keys_, K_means, atol=1e-15)
    np.testing.assert_allclose(approx.query_landmark_softmax_, softmax_attention(Q, K_means), rtol=1e-12)
    np.testing.assert_allclose(approx.landmark_softmax_, softmax_attention(Q_means, K_means), rtol=1e-12)
    np.testing.assert_allclose(approx.landmark_key_softmax_, softmax_attention(Q_means, K), rtol=1e-12)
    np.testing.assert_allclose(approx.landmark_softmax_pinv_, iterative_pinv(approx.landmark_softmax_), rtol=1e-12)
    assert approx.query_landmark_rows_ is None and approx.key_landmark_rows_ is None
    V = rng.normal(size=(20, 3))
    np.testing.assert_allclose(approx.matmul(V), approx.to_dense() @ V, atol=1e-12)


def test_segments_of_unequal_sizes_differ_by_at_most_one_row():
    Q = np.arange(10, dtype=float)[:, None]
    approx = NystromApproximation(4).fit(Q, Q)
    # starts 0, 2, 5, 7: segments [0, 1], [2, 3, 4], [5, 6], [7, 8, 9]
    np.testing.assert_allclose(approx.landmark_queries_[:, 0], [0.5, 3.0, 5.5, 8.0])


def test_uniform_landmarks_are_reproducible_distinct_rows():
    rng = np.random.default_rng(5)
    Q, K = rng.normal(size=(40, 3)), rng.normal(size=(40, 3))
    first = NystromApproximation(10, landmarks="uniform", random_state=7).fit(Q, K)
    again = NystromApproximation(10, landmarks="uniform", random_state=7).fit(Q, K)
    other = NystromApproximation(10, landmarks="uniform", random_state=8).fit(Q, K)
    rows = first.query_landmark_rows_
    np.testing.assert_array_equal(rows, again.query_landmark_rows_)
    assert not np.array_equal(rows, other.query_landmark_rows_)
    assert len(np.unique(rows)) == 10 and np.all(np.diff(rows) > 0)
    np.testing.assert_array_equal(first.key_landmark_rows_, rows)  # same rows when n = n'
    np.testing.assert_array_equal(first.landmark_queries_, Q[rows])
    np.testing.assert_array_equal(first.landmark_keys_, K[rows])
    np.testing.assert_array_equal(first.to_dense(), again.to_dense())
    uneven = NystromApproximation(10, landmarks="uniform", random_state=7).fit(Q, rng.normal(size=(60, 3)))
    assert uneven.key_landmark_rows_.max() < 60 and uneven.query_landmark_rows_.max() < 40


@pytest.mark.parametrize("kwargs, Q_shape, K_shape, match", [
    ({}, (10, 3), (10, 4), "same number of columns"),
    ({"n_landmarks": 11}, (12, 3), (10, 3), "n_landmarks=11 must not exceed"),
    ({"n_landmarks": 0}, (10, 3), (10, 3), "n_landmarks"),
    ({"n_landmarks": 2.0}, (10, 3), (10, 3), "n_landmarks"),
    ({"n_landmarks": 2, "landmarks": "kmeans"}, (10, 3), (10, 3), "landmarks must be one of"),
    ({"n_landmarks": 2, "pinv": "svd"}, (10, 3), (10, 3), "pinv must be one of"),
    ({"n_landmarks": 2, "n_iter": -1}, (10, 3), (10, 3), "n_iter"),
    ({"n_landmarks": 2}, (10,), (10, 3), "Q must be a non-empty 2-d"),
    ({"n_landmarks": 2}, (10, 3), (0, 3), "K must be a non-empty 2-d"),
])
def test_rejects_bad_parameters_and_shapes(kwargs, Q_shape, K_shape, match):
    with pytest.raises(ValueError, match=match):
        NystromApproximation(**kwargs).fit(np.ones(Q_shape), np.ones(K_shape))


def test_rejects_non_finite_input_and_bad_values():
    Q = np.ones((8, 2))
    with pytest.raises(ValueError, match="Q must be finite"):
        NystromApproximation(2).fit(np.where(np.eye(8, 2) > 0, np.nan, Q), Q)
    with pytest.raises(ValueError, match="K must be finite"):
        softmax_attention(Q, Q * np.inf)
    approx = NystromApproximation(2).fit(Q, np.ones((6, 2)))
    with pytest.raises(ValueError, match=r"V must have shape \(6,\)"):
        approx.matmul(np.ones((8, 2)))
    with pytest.raises(ValueError, match="V must be finite"):
        approx.matmul(np.full(6, np.nan))
    with pytest.raises(TypeError, match="V must be an array of real"):
        approx.matmul(np.ones(6, dtype=complex))


def test_use_before_fit():
    with pytest.raises(NotFittedError):
        NystromApproximation().matmul(np.ones(3))
    with pytest.raises(NotFittedError):
        NystromApproximation().to_dense()


def test_docstring_examples():
    assert doctest.testmod(unsup.linalg.nystrom).failed == 0
