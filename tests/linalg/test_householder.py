"""unsup.linalg.householder: the reflection I - 2 v vᵀ that maps a onto b."""

import doctest

import numpy as np
import pytest

import unsup.linalg.householder
from unsup.linalg import householder_map, householder_reflect


def equal_norm_pair(d, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=d) * 3.0
    b = rng.normal(size=d)
    return a, b * (np.linalg.norm(a) / np.linalg.norm(b))


@pytest.mark.parametrize("d, seed", [(1, 0), (2, 1), (3, 2), (17, 3), (64, 4)])
def test_maps_a_onto_b_and_is_a_symmetric_involution(d, seed):
    a, b = equal_norm_pair(d, seed)
    if d == 1:
        b = -a  # the only other vector of the same norm
    T = householder_map(a, b)
    assert T.shape == (d, d) and T.dtype == np.float64
    scale = np.linalg.norm(a)
    np.testing.assert_allclose(T @ a, b, atol=1e-13 * scale)
    np.testing.assert_allclose(T @ b, a, atol=1e-13 * scale)
    np.testing.assert_allclose(T.T @ T, np.eye(d), atol=1e-13)
    np.testing.assert_allclose(T, T.T, atol=0)
    np.testing.assert_allclose(T @ T, np.eye(d), atol=1e-13)
    # A reflection: one eigenvalue -1 (along a - b), the others +1.
    assert np.linalg.det(T) == pytest.approx(-1.0, abs=1e-10)
    # It fixes every vector orthogonal to a - b.
    rng = np.random.default_rng(seed + 100)
    w = rng.normal(size=d)
    u = (a - b) / np.linalg.norm(a - b)
    w -= (w @ u) * u
    np.testing.assert_allclose(T @ w, w, atol=1e-12 * np.linalg.norm(w) + 1e-15)


def test_matches_the_formula_of_the_definition():
    a = np.array([3.0, 4.0, 0.0])
    b = np.array([0.0, 0.0, 5.0])
    v = (a - b) / np.linalg.norm(a - b)
    np.testing.assert_allclose(householder_map(a, b), np.eye(3) - 2 * np.outer(v, v), atol=1e-15)


def test_integer_input_and_the_textbook_case():
    T = householder_map([3, 4], [5, 0])
    np.testing.assert_allclose(T, [[0.6, 0.8], [0.8, -0.6]], atol=1e-15)


@pytest.mark.parametrize("a", [[1.0, -2.0, 2.0], [0.0, 0.0, 0.0]])
def test_equal_vectors_give_the_identity(a):
    np.testing.assert_array_equal(householder_map(a, a), np.eye(3))
    np.testing.assert_array_equal(householder_reflect([[1.0, 2.0, 3.0]], a, a), [[1.0, 2.0, 3.0]])


def test_nearly_equal_directions_stay_accurate():
    a, b = equal_norm_pair(30, 5)
    for step in (1e-4, 1e-7, 1e-9, 1e-12):
        near = a + step * b
        near *= np.linalg.norm(a) / np.linalg.norm(near)
        T = householder_map(a, near)
        assert np.linalg.norm(T @ a - near) <= 5e-8 * np.linalg.norm(a)
        np.testing.assert_allclose(T @ T, np.eye(30), atol=1e-13)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_extreme_scales_neither_underflow_nor_overflow(scale):
    a = np.array([3.0, 4.0]) * scale
    b = np.array([5.0, 0.0]) * scale
    np.testing.assert_allclose(householder_map(a, b), [[0.6, 0.8], [0.8, -0.6]], atol=1e-15)


def test_opposite_vectors():
    a = np.array([1.0, 2.0, -3.0])
    T = householder_map(a, -a)
    np.testing.assert_allclose(T @ a, -a, atol=1e-14)


def test_norms_equal_within_rtol_map_onto_b_up_to_the_norm_gap():
    a = np.array([3.0, 4.0])
    b = np.array([5.0 * (1 + 1e-10), 0.0])
    T = householder_map(a, b)
    np.testing.assert_allclose(T @ a, [5.0, 0.0], atol=1e-14)
    np.testing.assert_allclose(T @ a, b, rtol=0, atol=2e-10 * 5.0)
    with pytest.raises(ValueError, match="same norm"):
        householder_map(a, b, rtol=1e-12)


def test_reflect_equals_the_matrix_product():
    a, b = equal_norm_pair(40, 6)
    T = householder_map(a, b)
    rows = np.random.default_rng(7).normal(size=(25, 40))
    np.testing.assert_allclose(householder_reflect(rows, a, b), rows @ T, atol=1e-12)
    np.testing.assert_allclose(householder_reflect(rows[3], a, b), T @ rows[3], atol=1e-12)
    np.testing.assert_allclose(householder_reflect(a, a, b), b, atol=1e-12)
    original = rows.copy()
    householder_reflect(rows, a, b)
    np.testing.assert_array_equal(rows, original)


def test_reflect_keeps_float32():
    a, b = equal_norm_pair(8, 8)
    rows = np.random.default_rng(9).normal(size=(5, 8)).astype(np.float32)
    out = householder_reflect(rows, a, b)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, rows.astype(np.float64) @ householder_map(a, b), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("a, b, match", [
    ([1.0, np.nan], [1.0, 0.0], "a must be finite"),
    ([1.0, 0.0], [np.inf, 0.0], "b must be finite"),
    ([1.0, 0.0], [1.0, 0.0, 0.0], "same length"),
    ([[1.0, 0.0]], [[1.0, 0.0]], "a must be a non-empty 1-d"),
    ([], [], "a must be a non-empty 1-d"),
    ([3.0, 4.0], [1.0, 0.0], "same norm"),
    ([0.0, 0.0], [1.0, 0.0], "same norm"),
])
def test_rejects_bad_vectors(a, b, match):
    with pytest.raises(ValueError, match=match):
        householder_map(a, b)


def test_rejects_a_zero_vector_paired_with_a_nonzero_one_even_with_a_loose_rtol():
    with pytest.raises(ValueError, match="zero vector"):
        householder_map([0.0, 0.0], [1e-300, 0.0], rtol=2.0)


@pytest.mark.parametrize("a", [np.array([1 + 1j, 0]), np.array([True, False]), np.array(["1", "0"])])
def test_rejects_non_real_vectors(a):
    with pytest.raises(TypeError, match="a must be an array of real numbers"):
        householder_map(a, [1.0, 0.0])


@pytest.mark.parametrize("rtol", [-1.0, np.nan, "1e-8"])
def test_rejects_a_bad_rtol(rtol):
    with pytest.raises(ValueError, match="rtol"):
        householder_map([1.0, 0.0], [0.0, 1.0], rtol=rtol)


@pytest.mark.parametrize("x, error, match", [
    (np.ones((2, 3)), ValueError, "x must have shape"),
    (np.ones((2, 2, 2)), ValueError, "x must have shape"),
    ([[np.nan, 0.0]], ValueError, "x must be finite"),
    (np.array([1j, 0]), TypeError, "x must be an array of real"),
])
def test_reflect_rejects_bad_rows(x, error, match):
    with pytest.raises(error, match=match):
        householder_reflect(x, [1.0, 0.0], [0.0, 1.0])


def test_docstring_examples():
    assert doctest.testmod(unsup.linalg.householder).failed == 0
