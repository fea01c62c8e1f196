"""Differentiable capsule routing on torch tensors: the maths of ``unsup.cluster``'s kernels.

``dynamic_routing`` and ``em_routing`` take the arguments of :func:`unsup.cluster.dynamic_routing`
and :func:`unsup.cluster.em_routing` (less ``n_jobs``) and compute the same results with plain
torch operations, so that gradients flow through every iteration. The C++ kernels are the fast
path for inference and for clustering; these are the training path.
"""

from __future__ import annotations

import math
import numbers
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from unsup.utils.validation import check_positive_int, check_real

__all__ = ["squash", "dynamic_routing", "em_routing"]

# ε of the squash when not given: Su's 0.5 and the paper's 1.0 (as in unsup.cluster).
_SQUASH_EPS = {"su": 0.5, "sabour": 1.0}
_MAX_ITER = 1000


def _tiny(x: torch.Tensor) -> float:
    return torch.finfo(x.dtype).tiny


def _check_positive(value, name: str) -> float:
    value = check_real(value, name)
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def _check_capsules(x, name: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must have a floating dtype, got {x.dtype}")
    if x.dim() != 4:
        raise ValueError(f"{name} must have shape (batch, n_in, n_out, dim), got {tuple(x.shape)}")
    if min(x.shape[1:]) == 0:
        raise ValueError(f"{name} has an empty axis (shape {tuple(x.shape)}); every axis but batch must be >= 1")
    return x


def _unit(v: torch.Tensor) -> torch.Tensor:
    """``v / |v|`` along the last axis, 0 where ``v = 0``, with finite gradients everywhere."""
    norm = torch.sqrt((v * v).sum(-1, keepdim=True).clamp_min(_tiny(v)))
    return v / norm


def squash(v: torch.Tensor, eps: float = 0.5, dim: int = -1) -> torch.Tensor:
    """The capsule non-linearity ``squash(v) = |v|² / (ε + |v|²) · v / |v|`` along ``dim``.

    Short vectors shrink towards 0 and long ones approach unit length; ``v = 0`` maps to 0 with
    a finite (zero) gradient. ε = 1 is Sabour et al.'s squash, ε = 0.5 Su's (which keeps short
    vectors a little longer), ε = 0 a plain normalisation.

    Parameters
    ----------
    v : torch.Tensor
        Capsule vectors.
    eps : float, default=0.5
        ε (>= 0).
    dim : int, default=-1
        The axis holding the capsule's components.

    Returns
    -------
    torch.Tensor
        Same shape and dtype as ``v``.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import squash
    >>> squash(torch.tensor([[3.0, 4.0]]), eps=1.0)  # |v|² = 25: 25/26 of a unit vector
    tensor([[0.5769, 0.7692]])
    """
    eps = check_real(eps, "eps", low=0.0)
    if eps == 0:
        return _unit(v.movedim(dim, -1)).movedim(-1, dim)
    n2 = (v * v).sum(dim, keepdim=True)
    tiny = _tiny(v)
    # n2 / ((eps + n2) |v|), with |v| kept away from 0 so that v = 0 gives 0 rather than 0/0 and
    # no NaN reaches the gradient.
    return v * (n2 / ((eps + n2) * torch.sqrt(n2.clamp_min(tiny))))


def dynamic_routing(
    u_hat: torch.Tensor,
    n_iter: int = 3,
    variant: str = "su",
    squash_eps: Optional[float] = None,
    return_couplings: bool = False,
) -> Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
    """Dynamic routing between capsules, batched and differentiable.

    Computes what :func:`unsup.cluster.dynamic_routing` computes (see it for the two
    variants), with torch operations: gradients reach ``u_hat`` through every iteration. The
    couplings are a softmax over the OUTPUT capsules: ``c[b, i, :]`` sums to 1.

    ``variant="su"``: ``v_j ∝ Σ_i u_hat_ij``; ``n_iter`` times ``c_ij = softmax_j(<u_hat_ij,
    v_j/|v_j|>)``, ``v_j = Σ_i c_ij u_hat_ij``; output ``squash(v_j)``. ``variant="sabour"``:
    ``b = 0``; ``n_iter`` times ``c = softmax_j(b)``, ``v_j = squash(Σ_i c_ij u_hat_ij)``,
    ``b_ij += <u_hat_ij, v_j>`` (not after the last).

    Parameters
    ----------
    u_hat : torch.Tensor of shape (batch, n_in, n_out, dim)
        Predictions of input capsule i for output capsule j.
    n_iter : int, default=3
        Routing iterations (>= 1).
    variant : {"su", "sabour"}, default="su"
        Which form of dynamic routing.
    squash_eps : float or None, default=None
        ε of the squash; None takes the variant's own (0.5 for "su", 1.0 for "sabour").
    return_couplings : bool, default=False
        Also return the couplings of the last iteration, shape (batch, n_in, n_out).

    Returns
    -------
    v : torch.Tensor of shape (batch, n_out, dim)
        The output capsules.
    couplings : torch.Tensor of shape (batch, n_in, n_out)
        Only with ``return_couplings=True``.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import dynamic_routing
    >>> u = torch.randn(2, 6, 3, 4, generator=torch.Generator().manual_seed(0))
    >>> v, c = dynamic_routing(u, return_couplings=True)
    >>> tuple(v.shape), bool(torch.allclose(c.sum(-1), torch.ones(2, 6)))
    ((2, 3, 4), True)
    """
    if variant not in _SQUASH_EPS:
        raise ValueError(f"variant must be 'su' or 'sabour', got {variant!r}")
    n_iter = check_positive_int(n_iter, "n_iter", maximum=_MAX_ITER)
    eps = _SQUASH_EPS[variant] if squash_eps is None else check_real(squash_eps, "squash_eps", low=0.0)
    u = _check_capsules(u_hat, "u_hat")
    if variant == "su":
        # The uniform couplings of the start only fix a direction, so the sum stands for the mean.
        v = u.sum(1)
        for _ in range(n_iter):
            c = torch.softmax(torch.einsum("bijd,bjd->bij", u, _unit(v)), dim=2)
            v = torch.einsum("bij,bijd->bjd", c, u)
        v = squash(v, eps)
    else:
        logits = u.new_zeros(u.shape[:3])
        for t in range(n_iter):
            c = torch.softmax(logits, dim=2)
            v = squash(torch.einsum("bij,bijd->bjd", c, u), eps)
            if t + 1 < n_iter:
                logits = logits + torch.einsum("bijd,bjd->bij", u, v)
    return (v, c) if return_couplings else v


def _inv_temp_schedule(inv_temp, n_iter: int) -> Sequence[float]:
    if inv_temp is None:
        return [(t + 1) / n_iter for t in range(n_iter)]
    if isinstance(inv_temp, numbers.Real) and not isinstance(inv_temp, bool):
        return [_check_positive(inv_temp, "inv_temp")] * n_iter
    try:
        values = [float(x) for x in inv_temp]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"inv_temp must be None, a number or a sequence of n_iter numbers, got {inv_temp!r}") from exc
    if len(values) != n_iter:
        raise ValueError(f"inv_temp must hold n_iter={n_iter} values, got {len(values)}")
    for x in values:
        _check_positive(x, "inv_temp values")
    return values


def _as_beta(beta, name: str, n_out: int, like: torch.Tensor) -> torch.Tensor:
    """A float or a tensor broadcastable to (n_out,): one offset per output capsule type."""
    if isinstance(beta, torch.Tensor):
        if beta.dim() > 1 or beta.numel() not in (1, n_out):
            raise ValueError(f"{name} must be a float or a tensor of shape (n_out,) = ({n_out},), got {tuple(beta.shape)}")
        return beta.to(like.dtype)
    return like.new_tensor(check_real(beta, name))


def em_routing(
    votes: torch.Tensor,
    a_in: torch.Tensor,
    n_iter: int = 3,
    beta_u: Union[float, torch.Tensor] = 0.0,
    beta_a: Union[float, torch.Tensor] = 0.0,
    inv_temp: Union[None, float, Sequence[float]] = None,
    eps: float = 1e-8,
    return_assignments: bool = False,
) -> Union[Tuple[torch.Tensor, torch.Tensor], Tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """EM routing between matrix capsules (Hinton, Sabour and Frosst, 2018), differentiable.

    Procedure 1 of the paper exactly as :func:`unsup.cluster.em_routing` states it (see there for
    the normalisations): ``R = 1/n_out``; each iteration an M-step ``r_ij = a_i R_ij``,
    ``m_j = Σ_i r_ij``, ``M_j = Σ_i r_ij V_ij / m_j``, ``σ²_j = Σ_i r_ij (V_ij - M_j)² / m_j + eps``,
    ``cost_j = (β_u + ½ Σ_l ln σ²_jl) m_j``, ``a_j = sigmoid(λ_t (β_a - cost_j))``, then (not
    after the last) an E-step ``R_ij = softmax_j(ln a_j + ln N(V_ij; M_j, σ²_j))`` in log space.
    A capsule with no mass gets pose 0, variances 1 and cost 0.

    Parameters
    ----------
    votes : torch.Tensor of shape (batch, n_in, n_out, dim)
        Votes ``V_ij`` (flattened pose matrices: a 4×4 pose gives dim 16).
    a_in : torch.Tensor of shape (batch, n_in)
        Activations of the input capsules, in [0, 1].
    n_iter : int, default=3
        EM iterations (>= 1).
    beta_u, beta_a : float or torch.Tensor of shape (n_out,), default=0.0
        Cost offsets; tensors (e.g. learned per output capsule type) receive gradients.
    inv_temp : float, sequence of n_iter floats or None, default=None
        λ per iteration; None anneals ``λ_t = (t + 1) / n_iter``.
    eps : float, default=1e-8
        Added to every variance (> 0).
    return_assignments : bool, default=False
        Also return ``R`` of the last M-step, shape (batch, n_in, n_out).

    Returns
    -------
    poses : torch.Tensor of shape (batch, n_out, dim)
    activations : torch.Tensor of shape (batch, n_out)
    assignments : torch.Tensor of shape (batch, n_in, n_out)
        Only with ``return_assignments=True``.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import em_routing
    >>> g = torch.Generator().manual_seed(0)
    >>> votes, a = torch.randn(2, 8, 3, 16, generator=g), torch.rand(2, 8, generator=g)
    >>> poses, act = em_routing(votes, a, beta_u=-1.0, inv_temp=0.01)
    >>> tuple(poses.shape), tuple(act.shape)
    ((2, 3, 16), (2, 3))
    """
    n_iter = check_positive_int(n_iter, "n_iter", maximum=_MAX_ITER)
    eps = _check_positive(eps, "eps")
    lambdas = _inv_temp_schedule(inv_temp, n_iter)
    v = _check_capsules(votes, "votes")
    if not isinstance(a_in, torch.Tensor):
        raise TypeError(f"a_in must be a torch.Tensor, got {type(a_in).__name__}")
    if tuple(a_in.shape) != tuple(v.shape[:2]):
        raise ValueError(f"a_in must have shape (batch, n_in) = {tuple(v.shape[:2])} of votes, got {tuple(a_in.shape)}")
    a_in = a_in.to(v.dtype)
    n_out, dim = v.shape[2], v.shape[3]
    beta_u = _as_beta(beta_u, "beta_u", n_out, v)
    beta_a = _as_beta(beta_a, "beta_a", n_out, v)
    tiny = _tiny(v)
    log_2pi = math.log(2.0 * math.pi)

    assign = v.new_full(v.shape[:3], 1.0 / n_out)
    for t, lam in enumerate(lambdas):
        # M-step.
        r = a_in.unsqueeze(2) * assign                                   # (b, i, j)
        mass = r.sum(1)                                                  # (b, j)
        empty = (mass <= 0).unsqueeze(-1)                                # (b, j, 1)
        weights = r / mass.clamp_min(tiny).unsqueeze(1)
        mean = torch.einsum("bij,bijd->bjd", weights, v)
        centred = v - mean.unsqueeze(1)
        var = torch.einsum("bij,bijd->bjd", weights, centred * centred) + eps
        mean = torch.where(empty, torch.zeros_like(mean), mean)
        var = torch.where(empty, torch.ones_like(var), var)
        sum_log_var = torch.log(var).sum(-1)                             # (b, j)
        cost = (beta_u + 0.5 * sum_log_var) * mass
        logit = lam * (beta_a - cost)
        activation = torch.sigmoid(logit)
        if t + 1 == n_iter:
            break
        # E-step: ln a_j + ln N(V_ij; M_j, diag σ²_j), normalised over the output capsules j.
        diff = v - mean.unsqueeze(1)
        log_like = -0.5 * ((diff * diff) / var.unsqueeze(1)).sum(-1) - 0.5 * (dim * log_2pi + sum_log_var).unsqueeze(1)
        assign = torch.softmax(F.logsigmoid(logit).unsqueeze(1) + log_like, dim=2)
    if return_assignments:
        return mean, activation, assign
    return mean, activation
