"""Batched capsule routing: dynamic routing (Su's and Sabour's forms) and EM routing.

Routing is clustering (design note ``routing.md``): dynamic routing is soft spherical K-means of
the predictions ``u_hat[b, i, j]`` with one centre per output capsule, EM routing fits a Gaussian
mixture whose components weigh themselves by an activation. Both run in the C++ core, one sample
per thread, each sample's slab read once per iteration while it stays in cache.
"""

from __future__ import annotations

import numbers
from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

from unsup.utils.validation import check_n_jobs, check_positive_int, check_real

__all__ = ["dynamic_routing", "em_routing"]

_SQUASH_EPS = {"su": 0.5, "sabour": 1.0}
_MAX_AXIS = 2**31 - 1
_MAX_VALUES = 2**40
_MAX_ITER = 10_000


def _as_float_array(x: Any, name: str, ndim: int, check_finite: bool = True) -> np.ndarray:
    """float32 stays float32, float64 stays float64, anything else becomes float64; C order.
    With check_finite=False the caller checks finiteness itself (see _check_finite_after)."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of real numbers") from exc
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    dtype = arr.dtype if arr.dtype in (np.float32, np.float64) else np.float64
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-d, got shape {arr.shape}")
    if any(n > _MAX_AXIS for n in arr.shape):
        raise ValueError(f"{name}: every axis must be below 2**31, got shape {arr.shape}")
    if arr.size > _MAX_VALUES:
        raise ValueError(f"{name}: at most 2**40 values are supported, got shape {arr.shape}")
    arr = np.ascontiguousarray(arr, dtype=dtype)
    if check_finite and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (it holds NaN or inf)")
    return arr


def _check_finite_after(arr: np.ndarray, name: str, *outputs: np.ndarray) -> None:
    """Finiteness of a large input, checked after the kernel: every kernel adds every input value
    into the outputs in its first pass (a NaN or inf there always yields a NaN or inf output), so
    the input is scanned again only when an output is not finite. This saves a full pass over the
    input (as long as the routing itself) on the common, valid path."""
    if all(np.isfinite(out).all() for out in outputs):
        return
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (it holds NaN or inf)")


def _check_capsules(arr: np.ndarray, name: str) -> None:
    _, n_in, n_out, dim = arr.shape
    for axis, n in (("n_in", n_in), ("n_out", n_out), ("dim", dim)):
        if n == 0:
            raise ValueError(f"{name} has an empty {axis} axis (shape {arr.shape}); every axis but batch must be >= 1")


def dynamic_routing(
    u_hat: Any,
    n_iter: int = 3,
    variant: str = "su",
    squash_eps: Optional[float] = None,
    return_couplings: bool = False,
    n_jobs: Optional[int] = None,
) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """Dynamic routing between capsules, batched.

    For every sample, input capsule ``i`` predicts output capsule ``j`` as ``u_hat[b, i, j]``;
    routing clusters these predictions with one centre ``v_j`` per output capsule. The coupling
    coefficients are a softmax over the OUTPUT capsules: ``c[b, i, :]`` sums to 1 for every input
    ``i``.

    ``variant="su"`` (Su Jianlin's form, soft spherical K-means with routing semantics)::

        v_j = (1 / n_out) Σ_i u_hat_ij
        repeat n_iter times:
            c_ij = softmax_j(<u_hat_ij, v_j / |v_j|>)
            v_j  = Σ_i c_ij u_hat_ij
        output squash(v_j)

    ``variant="sabour"`` (Sabour, Frosst and Hinton, 2017)::

        b_ij = 0
        repeat n_iter times:
            c_ij = softmax_j(b_ij)
            v_j  = squash(Σ_i c_ij u_hat_ij)
            b_ij += <u_hat_ij, v_j>        (skipped after the last iteration)
        output v_j

    with ``squash(v) = |v|² / (ε + |v|²) · v / |v|`` (0 for ``v = 0``). A centre of norm 0 gives
    a zero direction in Su's form, hence uniform couplings.

    Parameters
    ----------
    u_hat : array-like of shape (batch, n_in, n_out, dim)
        Predictions. float32 is computed in float32 and float64 in float64; other dtypes are
        converted to float64. A C-contiguous array of either is used without a copy. Must be
        finite.
    n_iter : int, default=3
        Routing iterations (>= 1).
    variant : {"su", "sabour"}, default="su"
        Which form of dynamic routing (see above).
    squash_eps : float or None, default=None
        ε of the squash (>= 0). None takes the variant's own: 0.5 for ``"su"`` (Su's choice,
        which keeps short vectors a little longer), 1.0 for ``"sabour"`` (the paper's squash).
    return_couplings : bool, default=False
        Also return the coupling coefficients of the last iteration (those that produced the
        output).
    n_jobs : int or None, default=None
        Threads over the batch (None: 1, -1: all cores). Each sample is routed by one thread,
        so the result is bitwise the same for any ``n_jobs``.

    Returns
    -------
    v : ndarray of shape (batch, n_out, dim)
        The output capsules (squashed), dtype float32 or float64 as computed.
    couplings : ndarray of shape (batch, n_in, n_out)
        Only with ``return_couplings=True``: ``c[b, i, j]``, rows summing to 1 over ``j``.

    Notes
    -----
    Sums over the inputs run in the array's dtype, first over blocks of 16 (float32) or 8
    (float64) inputs and then over the blocks; norms and the squash run in float64. Against a
    float64 evaluation of the same float32 input the results agree to about 1e-6 relative.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.cluster import dynamic_routing
    >>> u = np.random.default_rng(0).normal(size=(2, 6, 3, 4))
    >>> v, c = dynamic_routing(u, n_iter=3, return_couplings=True)
    >>> v.shape, c.shape, bool(np.allclose(c.sum(axis=2), 1.0))
    ((2, 3, 4), (2, 6, 3), True)
    """
    from unsup import _core

    if variant not in _SQUASH_EPS:
        raise ValueError(f"variant must be 'su' or 'sabour', got {variant!r}")
    n_iter = check_positive_int(n_iter, "n_iter", maximum=_MAX_ITER)
    eps = _SQUASH_EPS[variant] if squash_eps is None else check_real(squash_eps, "squash_eps", low=0.0)
    if not isinstance(return_couplings, (bool, np.bool_)):
        raise ValueError(f"return_couplings must be a bool, got {return_couplings!r}")
    jobs = check_n_jobs(n_jobs)
    u = _as_float_array(u_hat, "u_hat", 4, check_finite=False)
    _check_capsules(u, "u_hat")
    v, c = _core.cluster.dynamic_routing(u, n_iter, variant, eps, bool(return_couplings), jobs)
    _check_finite_after(u, "u_hat", v)
    return (v, c) if return_couplings else v


def _inv_temp_schedule(inv_temp: Any, n_iter: int) -> np.ndarray:
    if inv_temp is None:
        # Linear annealing up to λ = 1: early iterations are soft (high temperature), and the
        # last M-step, whose activations are returned, uses the plain logistic a = σ(β_a - cost).
        return np.arange(1, n_iter + 1, dtype=np.float64) / n_iter
    if isinstance(inv_temp, numbers.Real) and not isinstance(inv_temp, (bool, np.bool_)):
        lam = check_real(inv_temp, "inv_temp")
        if lam <= 0:
            raise ValueError(f"inv_temp must be > 0, got {inv_temp!r}")
        return np.full(n_iter, lam, dtype=np.float64)
    try:
        values = np.asarray(inv_temp, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"inv_temp must be None, a number or a sequence of n_iter numbers, got {inv_temp!r}") from exc
    if values.ndim != 1 or values.shape[0] != n_iter:
        raise ValueError(f"inv_temp must hold n_iter={n_iter} values, got shape {values.shape}")
    if not (np.isfinite(values).all() and (values > 0).all()):
        raise ValueError("inv_temp values must be finite and > 0")
    return np.ascontiguousarray(values)


def em_routing(
    votes: Any,
    a_in: Any,
    n_iter: int = 3,
    beta_u: float = 0.0,
    beta_a: float = 0.0,
    inv_temp: Union[None, float, Sequence[float]] = None,
    eps: float = 1e-8,
    return_assignments: bool = False,
    n_jobs: Optional[int] = None,
) -> Union[Tuple[np.ndarray, np.ndarray], Tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """EM routing between matrix capsules (Hinton, Sabour and Frosst, 2018), batched.

    Each output capsule ``j`` is a diagonal Gaussian over the votes ``V_ij`` (flattened pose
    matrices, ``dim`` values) that weighs itself by an activation ``a_j``. Procedure 1 of the
    paper, for every sample::

        R_ij = 1 / n_out
        for t in range(n_iter):
            M-step:  r_ij = a_i R_ij,  m_j = Σ_i r_ij
                     M_j  = Σ_i r_ij V_ij / m_j
                     σ²_j = Σ_i r_ij (V_ij - M_j)² / m_j + eps        (per component l)
                     cost_j = (β_u + Σ_l ln σ_j^l) m_j
                     a_j  = sigmoid(λ_t (β_a - cost_j))
            E-step (not after the last M-step):
                     R_ij = softmax_j(ln a_j + ln N(V_ij; M_j, diag σ²_j))

    The E-step runs in log space (``ln a_j`` as a stable log-sigmoid), so no activation or
    likelihood underflows to a division by zero. A capsule with no mass (``m_j = 0``, e.g. all
    ``a_in`` zero) gets pose 0, variances 1 and cost 0.

    Normalisations, stated exactly: the weights ``r_ij = a_i R_ij`` are not rescaled, as in the
    paper's procedure; the means and variances divide by the mass ``m_j`` (the design note's
    ``r_ij / Σ_i r_ij``), while the cost is scaled by the mass itself, so a capsule that
    explains more votes with tighter variances is more active. ``β_u`` is counted once per
    capsule: the paper's ``Σ_l (β_u + ln σ^l)`` is this form with β_u here equal to ``dim``
    times the paper's. No further rescaling of the cost across capsules is applied (some
    implementations standardise it; that is not in the published procedure). Because the cost
    grows with the mass, ``λ`` and the betas must suit ``n_in``: with many inputs ``a_j``
    saturates at 0 or 1 unless ``λ`` is small.

    Parameters
    ----------
    votes : array-like of shape (batch, n_in, n_out, dim)
        Votes of input capsule i for output capsule j (a 4×4 pose gives dim 16). float32 is
        computed in float32, float64 in float64, other dtypes as float64. Must be finite.
    a_in : array-like of shape (batch, n_in)
        Activations of the input capsules, in [0, 1]; converted to the dtype of ``votes``.
    n_iter : int, default=3
        EM iterations (>= 1); the last is an M-step without the E-step after it.
    beta_u, beta_a : float, default=0.0
        The cost offsets of the paper (learned per capsule type there; one value here).
    inv_temp : float, sequence of n_iter floats or None, default=None
        λ, the inverse temperature of the activations (> 0). A float keeps it constant; a
        sequence gives one per iteration. None anneals linearly, ``λ_t = (t + 1) / n_iter``
        (1/3, 2/3, 1 for three iterations): the paper raises λ over the iterations without
        fixing a schedule; ending at 1 makes the returned activations the plain logistic
        ``sigmoid(β_a - cost_j)``.
    eps : float, default=1e-8
        Added to every variance (> 0), so that a capsule whose votes agree exactly keeps a
        finite log-likelihood.
    return_assignments : bool, default=False
        Also return ``R`` of shape (batch, n_in, n_out), the assignment used by the last
        M-step (uniform ``1 / n_out`` when ``n_iter=1``); rows sum to 1 over j.
    n_jobs : int or None, default=None
        Threads over the batch (None: 1, -1: all cores); results are bitwise the same for any
        ``n_jobs``.

    Returns
    -------
    poses : ndarray of shape (batch, n_out, dim)
        The means ``M_j``.
    activations : ndarray of shape (batch, n_out)
        ``a_j`` in [0, 1].
    assignments : ndarray of shape (batch, n_in, n_out)
        Only with ``return_assignments=True``.

    Notes
    -----
    Means and variances come from one pass per iteration: sums of ``r (V - K)`` and
    ``r (V - K)²`` shifted by ``K``, the previous means (the first input's votes in the first
    iteration), in the array's dtype; the M-step itself runs in float64.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.cluster import em_routing
    >>> rng = np.random.default_rng(0)
    >>> votes = rng.normal(size=(2, 8, 3, 16))
    >>> poses, act = em_routing(votes, rng.uniform(size=(2, 8)), beta_u=-1.0, inv_temp=0.01)
    >>> poses.shape, act.shape, bool(((act >= 0) & (act <= 1)).all())
    ((2, 3, 16), (2, 3), True)
    """
    from unsup import _core

    n_iter = check_positive_int(n_iter, "n_iter", maximum=_MAX_ITER)
    beta_u = check_real(beta_u, "beta_u")
    beta_a = check_real(beta_a, "beta_a")
    eps = check_real(eps, "eps")
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps!r}")
    lam = _inv_temp_schedule(inv_temp, n_iter)
    if not isinstance(return_assignments, (bool, np.bool_)):
        raise ValueError(f"return_assignments must be a bool, got {return_assignments!r}")
    jobs = check_n_jobs(n_jobs)
    v = _as_float_array(votes, "votes", 4, check_finite=False)
    _check_capsules(v, "votes")
    a = _as_float_array(a_in, "a_in", 2)
    if a.shape != v.shape[:2]:
        raise ValueError(f"a_in must have shape (batch, n_in) = {v.shape[:2]} of votes, got {a.shape}")
    if a.size and not (a.min() >= 0 and a.max() <= 1):
        raise ValueError("a_in must lie in [0, 1]")
    a = np.ascontiguousarray(a, dtype=v.dtype)
    poses, act, r = _core.cluster.em_routing(v, a, n_iter, beta_u, beta_a, lam, eps, bool(return_assignments), jobs)
    _check_finite_after(v, "votes", poses, act)
    return (poses, act, r) if return_assignments else (poses, act)
