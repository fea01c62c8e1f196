"""The von Mises–Fisher distribution on the sphere: sampling by a numeric inverse CDF, mean cosine, KL.

vMF(μ, κ) on the unit sphere S^{d-1} ⊂ R^d has the density ``C_d(κ) exp(κ ⟨z, μ⟩)`` with
``C_d(κ) = κ^{d/2-1} / ((2π)^{d/2} I_{d/2-1}(κ))``. Writing ``z = w μ + √(1-w²) ν`` with ``ν`` a
unit vector orthogonal to ``μ``, ``ν`` is uniform on the equator and the cosine ``w = ⟨z, μ⟩``
has the density ``∝ e^{κw} (1-w²)^{(d-3)/2}`` on ``[-1, 1]`` (Su, 《变分自编码器（七）：球面上的
VAE（vMF-VAE）》, kexue.fm). In the angle ``θ = arccos w`` this is ``∝ e^{κ cos θ} sin^{d-2} θ``
on ``[0, π]``, smooth at both ends for every ``d ≥ 2``: the inverse CDF is tabulated there.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special

from unsup.utils.validation import check_positive_int, check_real, check_seed

__all__ = ["sample_vmf", "sample_vmf_cosine", "vmf_angle_quantiles", "vmf_kl_to_uniform", "vmf_mean_cosine"]

# The angle grid: a uniform grid on [0, π] (the whole support) joined with a fine one on the
# mode ± _WINDOW Laplace widths, where all but e^{-_WINDOW²/2}-ish of the mass lies. With these
# sizes the CDF is resolved to ~1e-4 widths however concentrated the law is (κ = 1e5 puts the
# mass at θ ~ 3e-3; d = 1000 at κ = 0 puts it within ~0.03 of π/2).
_COARSE_NODES = 1025
_FINE_NODES = 8193
_WINDOW = 40.0
# ive values below this are (nearly) subnormal: switch to series / continued fractions.
_TINY_IVE = 1e-280


def _check_kappa_dim(kappa: Any, dim: Any) -> tuple:
    return check_real(kappa, "kappa", low=0.0), check_positive_int(dim, "dim", minimum=2)


def _angle_cdf(kappa: float, dim: int) -> tuple:
    """Nodes θ on [0, π] and the CDF of θ = arccos w there (strictly increasing, from 0 to 1)."""
    m = dim - 2  # exponent of sin θ
    if kappa == 0.0 and m == 0:  # uniform on the circle: θ uniform on [0, π]
        return np.array([0.0, math.pi]), np.array([0.0, 1.0])
    # Mode of h(θ) = κ cos θ + m log sin θ: κ c² + m c - κ = 0 for c = cos θ*; 1 - c without
    # cancellation (s - 2κ = m² / (s + 2κ)).
    s = math.hypot(m, 2.0 * kappa)
    one_minus_c = (m + m * m / (s + 2.0 * kappa)) / (m + s)
    mode = 2.0 * math.asin(math.sqrt(min(1.0, one_minus_c / 2.0)))
    # Curvature -h''(θ*) = κ cos θ* + m / sin² θ* sets the Laplace width of the peak.
    curvature = kappa * (1.0 - one_minus_c) + (m / math.sin(mode) ** 2 if m > 0 else 0.0)
    width = 1.0 / math.sqrt(curvature) if curvature > 0 else math.inf
    low, high = max(0.0, mode - _WINDOW * width), min(math.pi, mode + _WINDOW * width)
    theta = np.unique(np.concatenate([np.linspace(0.0, math.pi, _COARSE_NODES),
                                      np.linspace(low, high, _FINE_NODES)]))
    with np.errstate(divide="ignore"):
        log_density = kappa * np.cos(theta) + (m * np.log(np.sin(theta)) if m > 0 else 0.0)
    if m > 0:  # sin π is 1.2e-16, not 0: the density vanishes at both ends
        log_density[[0, -1]] = -np.inf
    density = np.exp(log_density - log_density.max())
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (density[1:] + density[:-1]) * np.diff(theta))])
    cdf /= cdf[-1]
    # Keep only the ends of intervals that carry mass, so that the CDF is strictly increasing.
    carries = np.diff(cdf) > 0
    keep = np.zeros(theta.size, dtype=bool)
    keep[:-1] |= carries
    keep[1:] |= carries
    return theta[keep], cdf[keep]


def vmf_angle_quantiles(kappa: float, dim: int, levels: Any) -> np.ndarray:
    """Quantiles of the angle ``θ = arccos ⟨z, μ⟩`` of ``z ~ vMF(μ, κ)`` on ``S^{dim-1}``.

    The density of θ, ``∝ e^{κ cos θ} sin^{d-2} θ`` on ``[0, π]``, is integrated (trapezoids,
    in log space) on a grid that is uniform on ``[0, π]`` and fine around the mode, and the
    CDF is inverted by linear interpolation. ``cos`` of the quantile at level ``u`` is the
    cosine's quantile at level ``1 - u`` (θ decreases with the cosine).

    Parameters
    ----------
    kappa : float
        Concentration ``κ ≥ 0`` (0: uniform on the sphere).
    dim : int
        Ambient dimension ``d ≥ 2`` (the sphere is ``S^{d-1}``).
    levels : array_like
        Probability levels in ``[0, 1]``.

    Returns
    -------
    ndarray of float64, shaped like ``levels``
        Angles in ``[0, π]``, non-decreasing in the level.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.stats import vmf_angle_quantiles
    >>> theta = vmf_angle_quantiles(0.0, 3, [0.0, 0.5, 1.0])  # uniform on S²: cos θ uniform
    >>> np.round(np.cos(theta), 6) + 0.0
    array([ 1.,  0., -1.])
    """
    kappa, dim = _check_kappa_dim(kappa, dim)
    u = np.asarray(levels, dtype=np.float64)
    if u.size and not (np.all(u >= 0.0) and np.all(u <= 1.0)):  # NaN fails both
        raise ValueError("levels must lie in [0, 1]")
    theta, cdf = _angle_cdf(kappa, dim)
    return np.interp(u, cdf, theta)


def _sample_angles(kappa: float, dim: int, size: int, rng: np.random.Generator) -> np.ndarray:
    theta, cdf = _angle_cdf(kappa, dim)
    return np.interp(rng.random(size), cdf, theta)


def sample_vmf_cosine(kappa: float, dim: int, size: int, random_state: Any = None) -> np.ndarray:
    """Draw the cosine ``w = ⟨z, μ⟩`` of ``z ~ vMF(μ, κ)`` on ``S^{dim-1}``.

    ``w`` has the density ``∝ e^{κw} (1-w²)^{(d-3)/2}`` on ``[-1, 1]``; draws are
    ``cos F⁻¹(u)`` for uniform ``u``, ``F`` the tabulated CDF of ``θ = arccos w`` (see
    :func:`vmf_angle_quantiles`). Any ``κ`` (1e5 and beyond) and ``d`` (1000 and beyond) is
    resolved.

    Parameters
    ----------
    kappa : float
        Concentration ``κ ≥ 0``.
    dim : int
        Ambient dimension ``d ≥ 2``.
    size : int
        Number of draws (``>= 0``).
    random_state : None, int, RandomState or Generator, default=None

    Returns
    -------
    ndarray of shape (size,)
        Cosines in ``[-1, 1]``; their mean is :func:`vmf_mean_cosine` ``(κ, d)``.

    Examples
    --------
    >>> from unsup.stats import sample_vmf_cosine, vmf_mean_cosine
    >>> w = sample_vmf_cosine(10.0, 3, 100_000, random_state=0)
    >>> bool(abs(w.mean() - vmf_mean_cosine(10.0, 3)) < 0.002)
    True
    """
    kappa, dim = _check_kappa_dim(kappa, dim)
    size = check_positive_int(size, "size", minimum=0)
    rng = np.random.default_rng(check_seed(random_state))
    return np.cos(_sample_angles(kappa, dim, size, rng))


def sample_vmf(mu: Any, kappa: float, n: int, random_state: Any = None) -> np.ndarray:
    """Draw ``n`` unit vectors from the von Mises–Fisher distribution ``vMF(μ/‖μ‖, κ)``.

    The cosine ``w = ⟨z, μ⟩`` is drawn by the numeric inverse CDF of
    :func:`sample_vmf_cosine`; the rest is a uniform direction on the equator,
    ``ν = normalise(ε - ⟨ε, μ⟩ μ)`` with ``ε ~ N(0, I)``, and ``z = w μ + √(1-w²) ν``.

    Parameters
    ----------
    mu : array_like of shape (d,)
        Mean direction (any non-zero length; it is normalised), ``d ≥ 2``.
    kappa : float
        Concentration ``κ ≥ 0``; 0 is the uniform distribution on the sphere.
    n : int
        Number of draws (``>= 0``).
    random_state : None, int, RandomState or Generator, default=None

    Returns
    -------
    ndarray of shape (n, d), float64
        Unit rows.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.stats import sample_vmf, vmf_mean_cosine
    >>> z = sample_vmf([0.0, 0.0, 2.0], kappa=50.0, n=20_000, random_state=0)
    >>> z.shape, bool(np.allclose(np.linalg.norm(z, axis=1), 1.0))
    ((20000, 3), True)
    >>> bool(abs(z[:, 2].mean() - vmf_mean_cosine(50.0, 3)) < 1e-3)
    True
    """
    try:
        direction = np.asarray(mu, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"mu must be an array of numbers, got {type(mu).__name__}") from exc
    if direction.ndim != 1 or direction.size < 2:
        raise ValueError(f"mu must be a 1-d array of at least 2 numbers, got shape {direction.shape}")
    if not np.all(np.isfinite(direction)):
        raise ValueError("mu must be finite")
    length = float(np.linalg.norm(direction))
    if length == 0.0:
        raise ValueError("mu must be non-zero (it gives the mean direction)")
    direction = direction / length
    kappa, dim = _check_kappa_dim(kappa, direction.size)
    n = check_positive_int(n, "n", minimum=0)
    rng = np.random.default_rng(check_seed(random_state))
    theta = _sample_angles(kappa, dim, n, rng)
    eps = rng.standard_normal((n, dim))
    eps -= np.outer(eps @ direction, direction)
    eps /= np.linalg.norm(eps, axis=1, keepdims=True)
    return np.cos(theta)[:, None] * direction + np.sin(theta)[:, None] * eps


def _bessel_ratio_fraction(order: float, kappa: float) -> float:
    """``I_ν(κ) / I_{ν-1}(κ) = κ / (2ν + κ² / (2(ν+1) + κ² / (2(ν+2) + …)))`` by modified Lentz;
    used where ive underflows, i.e. κ small next to ν, where it converges in a few terms."""
    tiny = 1e-300
    f = c = tiny
    d = 0.0
    for j in range(1, 100_000):
        a = kappa if j == 1 else kappa * kappa
        b = 2.0 * (order + j - 1)
        d = b + a * d
        d = 1.0 / (d if d != 0.0 else tiny)
        c = b + a / c
        c = c if c != 0.0 else tiny
        delta = c * d
        f *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return f


def vmf_mean_cosine(kappa: float, dim: int) -> float:
    """Mean cosine ``E⟨z, μ⟩ = A_d(κ) = I_{d/2}(κ) / I_{d/2-1}(κ)`` of ``vMF(μ, κ)`` on ``S^{d-1}``.

    Computed from exponentially scaled Bessel functions (``scipy.special.ive``), stable for
    large κ; where they underflow (κ small next to d) from the continued fraction of the ratio.
    ``A_d(0) = 0`` and ``A_d(κ) → 1 - (d-1)/(2κ)`` as κ grows.

    Parameters
    ----------
    kappa : float
        Concentration ``κ ≥ 0``.
    dim : int
        Ambient dimension ``d ≥ 2``.

    Returns
    -------
    float
        In ``[0, 1)``.

    Examples
    --------
    >>> import math
    >>> from unsup.stats import vmf_mean_cosine
    >>> round(vmf_mean_cosine(2.0, 3), 6) == round(1 / math.tanh(2.0) - 1 / 2.0, 6)  # coth κ - 1/κ
    True
    >>> vmf_mean_cosine(0.0, 10)
    0.0
    """
    kappa, dim = _check_kappa_dim(kappa, dim)
    if kappa == 0.0:
        return 0.0
    order = dim / 2.0
    top, bottom = scipy.special.ive(order, kappa), scipy.special.ive(order - 1.0, kappa)
    if top > _TINY_IVE and bottom > _TINY_IVE:
        return float(top / bottom)
    return float(_bessel_ratio_fraction(order, kappa))


def _log_bessel_i(order: float, kappa: float) -> float:
    """``log I_ν(κ)`` for ``κ > 0``: from ive, or (where ive underflows) from the power series
    ``(κ/2)^ν / Γ(ν+1) Σ_k (κ²/4)^k / (k! (ν+1)_k)`` summed in log space."""
    scaled = scipy.special.ive(order, kappa)
    if scaled > _TINY_IVE:
        return float(math.log(scaled) + kappa)
    log_quarter = 2.0 * math.log(kappa / 2.0)
    # log of term k over term k-1 is log(κ²/4) - log k - log(ν+k), decreasing in k: once it is
    # negative the terms fall, and they are summed until 50 nats below the largest.
    chunks, current, first, peak = [], 0.0, 1, 0.0
    while True:
        k = np.arange(first, first + 1024, dtype=np.float64)
        steps = log_quarter - np.log(k) - np.log(order + k)
        chunk = current + np.cumsum(steps)
        chunks.append(chunk)
        current, first, peak = float(chunk[-1]), first + 1024, max(peak, float(chunk.max()))
        if steps[-1] < 0 and current < peak - 50.0:
            break
    log_terms = np.concatenate([[0.0]] + chunks)
    return float(order * math.log(kappa / 2.0) - scipy.special.gammaln(order + 1.0)
                 + scipy.special.logsumexp(log_terms))


def vmf_kl_to_uniform(kappa: float, dim: int) -> float:
    """KL divergence of ``vMF(μ, κ)`` from the uniform distribution on ``S^{d-1}`` (nats).

    ``KL = κ A_d(κ) + log C_d(κ) + log |S^{d-1}|`` with ``log C_d(κ) = (d/2-1) log κ
    - (d/2) log 2π - log I_{d/2-1}(κ)`` and ``|S^{d-1}| = 2 π^{d/2} / Γ(d/2)``. It does not
    depend on μ: in a VAE with this posterior and a uniform prior it is a constant.

    Parameters
    ----------
    kappa : float
        Concentration ``κ ≥ 0`` (``KL = 0`` at ``κ = 0``).
    dim : int
        Ambient dimension ``d ≥ 2``.

    Returns
    -------
    float

    Examples
    --------
    >>> import math
    >>> from unsup.stats import vmf_kl_to_uniform
    >>> k = 3.0  # on S², KL = κ coth κ - 1 + log(κ / sinh κ)
    >>> round(vmf_kl_to_uniform(k, 3), 10) == round(k / math.tanh(k) - 1 + math.log(k / math.sinh(k)), 10)
    True
    """
    kappa, dim = _check_kappa_dim(kappa, dim)
    if kappa == 0.0:
        return 0.0
    half = dim / 2.0
    log_normaliser = ((half - 1.0) * math.log(kappa) - half * math.log(2.0 * math.pi)
                      - _log_bessel_i(half - 1.0, kappa))
    log_area = math.log(2.0) + half * math.log(math.pi) - float(scipy.special.gammaln(half))
    return max(0.0, kappa * vmf_mean_cosine(kappa, dim) + log_normaliser + log_area)
