"""unsup.linalg.iterative_pinv: the Nyströmformer's iteration for the Moore–Penrose inverse."""

import doctest

import numpy as np
import pytest

import unsup.linalg.pseudo_inverse
from unsup.linalg import iterative_pinv


def with_singular_values(shape, singular_values, seed):
    """U diag(σ) Vᵀ with random orthonormal U, V (zeros in σ give a rank-deficient matrix)."""
    rng = np.random.default_rng(seed)
    m, k = shape
    U, _ = np.linalg.qr(rng.normal(size=(m, m)))
    V, _ = np.linalg.qr(rng.normal(size=(k, k)))
    r = len(singular_values)
    return U[:, :r] @ np.diag(singular_values) @ V[:, :r].T


def assert_moore_penrose(A, Z, atol):
    np.testing.assert_allclose(A @ Z @ A, A, atol=atol)
    np.testing.assert_allclose(Z @ A @ Z, Z, atol=atol)
    np.testing.assert_allclose(A @ Z, (A @ Z).T, atol=atol)
    np.testing.assert_allclose(Z @ A, (Z @ A).T, atol=atol)


@pytest.mark.parametrize("shape, singular_values, n_iter", [
    ((6, 6), [2.0, 1.5, 1.2, 1.0, 0.8, 0.6], 30),   # square, well conditioned
    ((8, 5), [1.0, 0.9, 0.7, 0.6, 0.5], 30),        # tall, full column rank
    ((4, 7), [3.0, 2.5, 2.0, 1.5], 30),             # wide, full row rank
    ((6, 5), [2.0, 1.0, 0.7], 8),                   # rank 3: converged by step 8 (see below)
])
def test_converges_to_numpy_pinv_and_meets_the_moore_penrose_conditions(shape, singular_values, n_iter):
    A = with_singular_values(shape, singular_values, seed=len(singular_values))
    Z = iterative_pinv(A, n_iter=n_iter)
    assert Z.shape == shape[::-1] and Z.dtype == np.float64
    np.testing.assert_allclose(Z, np.linalg.pinv(A), atol=1e-10)
    assert_moore_penrose(A, Z, atol=1e-10)


def test_rank_deficient_rounding_grows_by_13_over_4_per_step_after_convergence():
    # The documented limit: outside the row space of A each step multiplies Z by 13/4.
    A = with_singular_values((6, 5), [2.0, 1.0, 0.7], seed=3)
    reference = np.linalg.pinv(A)
    errors = {steps: np.abs(iterative_pinv(A, n_iter=steps) - reference).max() for steps in (12, 16, 20)}
    assert errors[20] < 1e-7
    for before, after in ((12, 16), (16, 20)):
        assert 0.5 * 3.25**4 < errors[after] / errors[before] < 2.0 * 3.25**4


def test_a_well_conditioned_softmax_matrix_converges_in_the_default_six_steps():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(16, 16)) * 0.3 + 4.0 * np.eye(16)  # diagonally dominant rows
    A = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    error = np.linalg.norm(iterative_pinv(A) - np.linalg.inv(A)) / np.linalg.norm(np.linalg.inv(A))
    assert error < 1e-8


def test_each_step_maps_the_residual_e_to_e_cubed_times_3_plus_e_over_4():
    # On a diagonal matrix every singular value evolves on its own: z_j = (1 - e_j) / σ.
    sigma = np.array([2.0, 1.0, 0.5, 0.1])
    A = np.diag(sigma)
    residual = 1.0 - sigma**2 / (sigma.max() * sigma.max())  # ‖A‖₁ = ‖A‖_∞ = max σ
    for steps in range(7):
        Z = iterative_pinv(A, n_iter=steps)
        np.testing.assert_allclose(np.diag(Z), (1.0 - residual) / sigma, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(Z - np.diag(np.diag(Z)), 0.0)
        residual = residual**3 * (3.0 + residual) / 4.0


def test_zero_steps_return_the_scaled_transpose():
    A = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    norm_1 = np.abs(A).sum(axis=0).max()
    norm_inf = np.abs(A).sum(axis=1).max()
    np.testing.assert_allclose(iterative_pinv(A, n_iter=0), A.T / (norm_1 * norm_inf), rtol=1e-15)


def test_a_few_steps_damp_small_singular_values_instead_of_inverting_them():
    A = with_singular_values((5, 5), [1.0, 0.8, 0.5, 1e-3, 1e-6], seed=1)
    Z = iterative_pinv(A, n_iter=6)
    assert np.linalg.norm(Z, 2) < 10.0  # the exact inverse has norm 1e6
    np.testing.assert_allclose(np.linalg.svd(Z, compute_uv=False)[:3], [2.0, 1.25, 1.0], rtol=1e-6)


def test_zero_matrix_and_extreme_scales():
    np.testing.assert_array_equal(iterative_pinv(np.zeros((2, 3))), np.zeros((3, 2)))
    A = with_singular_values((4, 4), [2.0, 1.5, 1.0, 0.8], seed=2)
    reference = np.linalg.pinv(A)
    for scale in (1e-200, 1e200):
        np.testing.assert_allclose(iterative_pinv(A * scale, n_iter=20) * scale, reference, atol=1e-10)


def test_keeps_float32_and_accepts_integers():
    A = with_singular_values((4, 4), [2.0, 1.5, 1.0, 0.8], seed=3)
    Z32 = iterative_pinv(A.astype(np.float32), n_iter=20)
    assert Z32.dtype == np.float32
    np.testing.assert_allclose(Z32, np.linalg.pinv(A), atol=1e-4)
    np.testing.assert_allclose(iterative_pinv([[2, 0], [0, 4]], n_iter=20), [[0.5, 0.0], [0.0, 0.25]], atol=1e-12)


@pytest.mark.parametrize("A, error, match", [
    ([[1.0, np.nan]], ValueError, "A must be finite"),
    ([[np.inf]], ValueError, "A must be finite"),
    ([1.0, 2.0], ValueError, "A must be a non-empty 2-d"),
    (np.zeros((0, 3)), ValueError, "A must be a non-empty 2-d"),
    (np.ones((2, 2), dtype=complex), TypeError, "A must be an array of real"),
    (np.ones((2, 2), dtype=bool), TypeError, "A must be an array of real"),
])
def test_rejects_bad_matrices(A, error, match):
    with pytest.raises(error, match=match):
        iterative_pinv(A)


@pytest.mark.parametrize("n_iter", [-1, 2.0, True, None])
def test_rejects_bad_n_iter(n_iter):
    with pytest.raises(ValueError, match="n_iter"):
        iterative_pinv(np.eye(2), n_iter=n_iter)


def test_docstring_examples():
    assert doctest.testmod(unsup.linalg.pseudo_inverse).failed == 0
