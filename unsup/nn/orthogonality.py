"""The self-orthogonality regulariser: push the angles between a layer's filters towards 90°.

Zhang, Ma, Wu and Wang, "Self-Orthogonality Module: A Network Architecture Plug-in for Learning
Orthogonal Filters" (WACV 2020), as read by Su (kexue.fm, 2020): for random-hyperplane hashing
(LSH), ``E[sign(xᵀw_i) sign(xᵀw_j)] = 1 - 2 θ_ij / π`` where θ_ij is the angle between filters
w_i and w_j, so the batch correlation of the saturated responses ``tanh(γ xᵀ w)`` estimates how
far each pair is from orthogonal, using the layer's own inputs as the hyperplanes. With
``Y = tanh(γ X W)`` normalised to unit ℓ2 norm over the batch (each column), ``ϑ = YᵀY``::

    R = λ1 (Σ_{i≠j} ϑ_ij)² + λ2 Σ_{i≠j} ϑ_ij²

the first term drives the mean of the off-diagonal similarities to 0 (mean angle 90°), the second
their spread (the angles concentrate there).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from unsup.utils.validation import check_real

__all__ = ["self_orthogonality"]

# Columns of Y with a norm below this are left (near) zero instead of divided by ~0.
_NORM_FLOOR = 1e-12


def self_orthogonality(
    X: torch.Tensor,
    W: torch.Tensor,
    gamma: float = 10.0,
    lambda1: float = 1.0,
    lambda2: float = 1.0,
) -> torch.Tensor:
    """The self-orthogonality penalty ``λ1 (Σ_{i≠j} ϑ_ij)² + λ2 Σ_{i≠j} ϑ_ij²`` of a layer.

    ``Y = tanh(γ X W)`` of shape (batch, k) is scaled so that each column (the responses of one
    filter over the batch) has unit ℓ2 norm, and ``ϑ = YᵀY`` (k × k) holds the cosines between
    the filters' response vectors. A column that is all zero stays zero (its norm is floored at
    1e-12), contributing nothing. For a convolution, pass the unfolded patches as X and the
    kernel reshaped to (in_channels · kh · kw, out_channels) as W.

    Parameters
    ----------
    X : Tensor of shape (batch, d)
        Inputs of the layer (or random probes), floating point.
    W : Tensor of shape (d, k)
        The kernel, one filter per column.
    gamma : float, default=10.0
        The slope γ > 0 of the tanh; large γ makes ``tanh(γ·)`` a smooth ``sign`` (the hash).
    lambda1 : float, default=1.0
        Weight (>= 0) of the squared sum of the off-diagonal ϑ (the mean angle).
    lambda2 : float, default=1.0
        Weight (>= 0) of the sum of their squares (the spread). The design note gives the
        formula but no weights: 1 each; scale them against the task loss.

    Returns
    -------
    Tensor
        A 0-dim tensor, 0 when the filters' responses over the batch are orthogonal, positive
        otherwise; differentiable in X and W.

    Raises
    ------
    TypeError
        If X or W is not a floating-point tensor.
    ValueError
        If the shapes do not fit, the devices differ, or a weight is out of range.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import self_orthogonality
    >>> X = torch.eye(3)
    >>> float(self_orthogonality(X, torch.eye(3)))  # responses (tanh 10) I: orthogonal
    0.0
    >>> W = torch.tensor([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])  # two equal filters: ϑ_01 = 1
    >>> float(self_orthogonality(X, W, lambda1=1.0, lambda2=0.5))  # (1 + 1)² + 0.5 (1 + 1)
    5.0
    """
    for name, value in (("X", X), ("W", W)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
        if not value.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got {value.dtype}")
        if value.dim() != 2:
            raise ValueError(f"{name} must be 2-D, got shape {tuple(value.shape)}")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features but W has {W.shape[0]} rows: X W is undefined")
    if X.shape[0] < 1 or W.shape[1] < 1:
        raise ValueError(f"X needs at least 1 row and W at least 1 column, got {tuple(X.shape)} and {tuple(W.shape)}")
    if X.device != W.device:
        raise ValueError(f"X is on {X.device} but W is on {W.device}")
    gamma = check_real(gamma, "gamma", low=0.0)
    if gamma == 0.0:
        raise ValueError("gamma must be a finite number > 0, got 0.0")
    lambda1 = check_real(lambda1, "lambda1", low=0.0)
    lambda2 = check_real(lambda2, "lambda2", low=0.0)

    responses = F.normalize(torch.tanh(gamma * (X @ W)), p=2.0, dim=0, eps=_NORM_FLOOR)
    similarities = responses.T @ responses
    off_diagonal = similarities.masked_fill(
        torch.eye(similarities.shape[0], dtype=torch.bool, device=similarities.device), 0.0
    )
    return lambda1 * off_diagonal.sum() ** 2 + lambda2 * (off_diagonal * off_diagonal).sum()
