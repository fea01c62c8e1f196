"""The Hilbert–Schmidt independence criterion (HSIC) with Gaussian kernels, and its permutation test.

Gretton et al. (2005, 2008) measure the dependence of paired samples ``(x_i, y_i)`` by the squared
Hilbert–Schmidt norm of their cross-covariance operator; with kernel matrices ``K_X``, ``K_Y`` and
the centring matrix ``J = I - 11ᵀ/n`` the biased empirical estimate is::

    HSIC(X, Y) = Tr(K_X J K_Y J) / (n - 1)²

It is zero in expectation (up to an O(1/n) bias) when X and Y are independent and, with
characteristic kernels such as the Gaussian, positive in the limit for any dependence, linear or
not. Under independence the pairing of the rows carries no information, so the permutation test
compares the statistic with its values after shuffling the rows of Y.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Optional

import numpy as np

from unsup.utils.validation import check_positive_int, check_real, check_seed

__all__ = ["hsic", "hsic_test", "HSICTestResult", "gaussian_kernel_matrix", "median_heuristic_sigma"]

# Permutations are scored in chunks of at most this many gathered kernel entries (8 bytes each),
# which bounds the extra memory at 32 MiB whatever n and n_permutations are.
_CHUNK_ENTRIES = 1 << 22

# Permuted statistics within this fraction of the Cauchy–Schwarz bound ‖J K_X J‖_F ‖J K_Y J‖_F of
# the observed one count as ties (>=): rounding must not decide a p-value, e.g. when a kernel is
# constant and every statistic is zero.
_TIE_TOLERANCE = 1e-12


class HSICTestResult(NamedTuple):
    """The outcome of :func:`hsic_test`.

    Attributes
    ----------
    statistic : float
        The biased HSIC of the data as given.
    p_value : float
        ``(1 + #{permuted >= statistic}) / (1 + n_permutations)``.
    """

    statistic: float
    p_value: float


def _as_samples(data: Any, name: str) -> np.ndarray:
    """``data`` as a float64 (n, d) array: 1-D input is n samples of dimension 1."""
    try:
        array = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array of shape (n,) or (n, d)") from exc
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (n,) or (n, d), got {np.shape(data)}")
    if array.shape[0] < 2:
        raise ValueError(f"{name} needs at least 2 samples, got {array.shape[0]}")
    if array.shape[1] < 1:
        raise ValueError(f"{name} needs at least 1 feature, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def _squared_distances(samples: np.ndarray) -> np.ndarray:
    """Pairwise squared Euclidean distances, exact zeros on the diagonal.

    The samples are centred first (distances do not change) so that ``‖a‖² + ‖b‖² - 2aᵀb``
    does not lose digits to a large common offset.
    """
    centred = samples - samples.mean(axis=0)
    norms = np.einsum("ij,ij->i", centred, centred)
    squared = norms[:, None] + norms[None, :] - 2.0 * (centred @ centred.T)
    np.maximum(squared, 0.0, out=squared)
    np.fill_diagonal(squared, 0.0)
    return squared


def _median_sigma_from_squared(squared: np.ndarray) -> float:
    n = squared.shape[0]
    distances = np.sqrt(squared[np.triu_indices(n, k=1)])
    sigma = float(np.median(distances))
    if sigma > 0.0:
        return sigma
    positive = distances[distances > 0.0]
    # All samples equal: the kernel matrix is all ones whatever sigma is, and HSIC is 0.
    return float(np.median(positive)) if positive.size else 1.0


def median_heuristic_sigma(data: Any) -> float:
    """The Gaussian bandwidth of the median heuristic: the median distance between distinct samples.

    ``σ = median{‖x_i - x_j‖ : i < j}``, the median (numpy's: the mean of the two middle values
    when their number is even) of the Euclidean distances over the n(n-1)/2 unordered pairs of
    distinct indices, i.e. neither the zero self-distances nor squared distances. If more than
    half the pairs coincide, so that this median is 0, the median of the positive distances is
    used instead; if all samples are equal, ``σ = 1`` (every kernel value is then 1 anyway).

    Parameters
    ----------
    data : array-like of shape (n,) or (n, d)
        The samples, n >= 2.

    Returns
    -------
    float
        The bandwidth σ > 0.

    Examples
    --------
    >>> from unsup.stats.hsic import median_heuristic_sigma
    >>> median_heuristic_sigma([0.0, 1.0, 3.0])  # distances 1, 3, 2
    2.0
    """
    return _median_sigma_from_squared(_squared_distances(_as_samples(data, "data")))


def _check_sigma(sigma: Any, name: str) -> Optional[float]:
    if sigma is None:
        return None
    value = check_real(sigma, name, low=0.0)
    if value == 0.0:
        raise ValueError(f"{name} must be a finite number > 0, got {sigma!r}")
    return value


def _kernel(samples: np.ndarray, sigma: Optional[float]) -> np.ndarray:
    squared = _squared_distances(samples)
    if sigma is None:
        sigma = _median_sigma_from_squared(squared)
    squared *= -1.0 / (2.0 * sigma * sigma)
    return np.exp(squared, out=squared)


def gaussian_kernel_matrix(data: Any, sigma: Optional[float] = None) -> np.ndarray:
    """The Gaussian kernel matrix ``K_ij = exp(-‖x_i - x_j‖² / (2σ²))``.

    Parameters
    ----------
    data : array-like of shape (n,) or (n, d)
        The samples, n >= 2, finite.
    sigma : float, optional
        The bandwidth σ > 0; by default :func:`median_heuristic_sigma` of ``data``.

    Returns
    -------
    ndarray of shape (n, n)
        Symmetric, ones on the diagonal.

    Examples
    --------
    >>> from unsup.stats.hsic import gaussian_kernel_matrix
    >>> K = gaussian_kernel_matrix([0.0, 1.0], sigma=1.0)
    >>> round(float(K[0, 1]), 6)  # exp(-1/2)
    0.606531
    """
    return _kernel(_as_samples(data, "data"), _check_sigma(sigma, "sigma"))


def _centred(kernel: np.ndarray) -> np.ndarray:
    """``J K J`` for a symmetric K: subtract the row and column means, add back the grand mean."""
    row_means = kernel.mean(axis=1)
    return kernel - row_means[:, None] - row_means[None, :] + row_means.mean()


def _paired_kernels(X: Any, Y: Any, sigma_x: Any, sigma_y: Any) -> tuple[np.ndarray, np.ndarray]:
    samples_x = _as_samples(X, "X")
    samples_y = _as_samples(Y, "Y")
    if samples_x.shape[0] != samples_y.shape[0]:
        raise ValueError(
            f"X and Y must have the same number of samples, got {samples_x.shape[0]} and {samples_y.shape[0]}"
        )
    sigma_x = _check_sigma(sigma_x, "sigma_x")
    sigma_y = _check_sigma(sigma_y, "sigma_y")
    return _kernel(samples_x, sigma_x), _kernel(samples_y, sigma_y)


def hsic(X: Any, Y: Any, sigma_x: Optional[float] = None, sigma_y: Optional[float] = None) -> float:
    """The biased HSIC estimate ``Tr(K_X J K_Y J) / (n - 1)²`` with Gaussian kernels.

    ``K_X[i, j] = exp(-‖x_i - x_j‖² / (2 σ_x²))``, likewise ``K_Y``, and ``J = I - 11ᵀ/n``
    (Gretton et al., 2005). The value is non-negative, about 0 for independent samples (it
    shrinks like 1/n) and larger the stronger the dependence; it is computed as
    ``sum((J K_X J) * K_Y) / (n - 1)²``, which equals the trace because the matrices are
    symmetric and J is idempotent.

    Parameters
    ----------
    X : array-like of shape (n,) or (n, d_x)
        The first samples; a 1-D array is n scalar samples.
    Y : array-like of shape (n,) or (n, d_y)
        The second samples, paired row by row with X.
    sigma_x, sigma_y : float, optional
        The Gaussian bandwidths (> 0). ``None`` (the default) uses the median heuristic of that
        variable, the median Euclidean distance over the pairs ``i < j`` (see
        :func:`median_heuristic_sigma`).

    Returns
    -------
    float
        The statistic.

    Raises
    ------
    ValueError
        If X or Y is not of shape (n,) or (n, d), has fewer than 2 samples or non-finite values,
        if their numbers of samples differ, or if a bandwidth is not a positive finite number.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.stats import hsic
    >>> x = np.random.default_rng(0).uniform(-1, 1, 200)
    >>> hsic(x, x**2) > 10 * hsic(x, np.random.default_rng(1).uniform(-1, 1, 200))
    True
    """
    kernel_x, kernel_y = _paired_kernels(X, Y, sigma_x, sigma_y)
    n = kernel_x.shape[0]
    return float(np.sum(_centred(kernel_x) * kernel_y) / (n - 1) ** 2)


def hsic_test(
    X: Any,
    Y: Any,
    n_permutations: int = 1000,
    sigma_x: Optional[float] = None,
    sigma_y: Optional[float] = None,
    random_state: Any = None,
) -> HSICTestResult:
    """Permutation test of independence with the biased HSIC statistic.

    The statistic of the data, ``h = hsic(X, Y)``, is compared with ``n_permutations`` values
    ``h_π`` for uniformly random permutations π of the rows of Y (the kernels, hence the
    bandwidths, are computed once from the data as given). The p-value
    ``(1 + #{π : h_π >= h}) / (1 + n_permutations)`` counts the observed statistic among the
    permuted ones, so the test is exact: under independence ``P(p <= α) <= α``. Values of
    ``h_π`` within ``1e-12 ‖J K_X J‖_F ‖J K_Y J‖_F / (n-1)²`` of ``h`` (a bound on ``h``) count
    as ties, so rounding never makes a p-value smaller.

    ``J K_X J`` is formed once; each ``h_π = sum((J K_X J) * K_Y[π][:, π]) / (n-1)²`` then costs
    one gather and one product sum of n² entries, done for many permutations at once in chunks
    of at most 2^22 entries (32 MiB).

    Parameters
    ----------
    X : array-like of shape (n,) or (n, d_x)
        The first samples.
    Y : array-like of shape (n,) or (n, d_y)
        The second samples, paired row by row with X.
    n_permutations : int, default=1000
        The number of random permutations (>= 1). The smallest attainable p-value is
        ``1 / (1 + n_permutations)``.
    sigma_x, sigma_y : float, optional
        The Gaussian bandwidths; ``None`` uses the median heuristic, as in :func:`hsic`.
    random_state : None, int, RandomState or Generator
        Seeds the permutations.

    Returns
    -------
    HSICTestResult
        ``(statistic, p_value)``, a named tuple.

    Raises
    ------
    ValueError
        On the inputs :func:`hsic` rejects, or if ``n_permutations`` is not an int >= 1.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.stats import hsic_test
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, 50)
    >>> result = hsic_test(x, x**2 + 0.1 * rng.normal(size=50), n_permutations=200, random_state=0)
    >>> result.p_value  # no permutation reached the observed statistic: 1 / 201
    0.004975124378109453
    """
    n_permutations = check_positive_int(n_permutations, "n_permutations")
    kernel_x, kernel_y = _paired_kernels(X, Y, sigma_x, sigma_y)
    rng = np.random.default_rng(check_seed(random_state))
    n = kernel_x.shape[0]
    normaliser = float((n - 1) ** 2)

    centred_x = _centred(kernel_x)
    statistic = float(np.sum(centred_x * kernel_y) / normaliser)
    bound = math.sqrt(float(np.sum(centred_x * centred_x)) * float(np.sum(_centred(kernel_y) ** 2)))
    threshold = statistic - _TIE_TOLERANCE * bound / normaliser

    chunk = max(1, min(n_permutations, _CHUNK_ENTRIES // (n * n)))
    n_at_least = 0
    for start in range(0, n_permutations, chunk):
        size = min(chunk, n_permutations - start)
        permutations = rng.permuted(np.broadcast_to(np.arange(n), (size, n)), axis=1)
        permuted_y = kernel_y[permutations[:, :, None], permutations[:, None, :]]
        permuted_statistics = np.einsum("ij,pij->p", centred_x, permuted_y) / normaliser
        n_at_least += int(np.count_nonzero(permuted_statistics >= threshold))
    return HSICTestResult(statistic, (1 + n_at_least) / (1 + n_permutations))
