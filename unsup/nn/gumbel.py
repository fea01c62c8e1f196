"""Gumbel-softmax samples of categorical variables, straight-through when hard, and the annealing
schedule of their temperature (Jang, Gu and Poole, "Categorical Reparameterization with
Gumbel-Softmax", ICLR 2017; Maddison et al., 2017).

With ``g_i`` independent standard Gumbel variables, ``argmax_i(logits_i + g_i)`` is distributed as
``softmax(logits)`` (the Gumbel-max trick); ``softmax((logits + g) / τ)`` relaxes that one-hot
sample into a point of the simplex, differentiable in the logits, which tends to the one-hot as
τ → 0 and to the uniform vector as τ → ∞.
"""

from __future__ import annotations

import math
from typing import Optional

import torch

from unsup.utils.validation import check_positive_int, check_real

__all__ = ["gumbel_softmax", "gumbel_temperature"]


def _gumbel_noise(
    shape: torch.Size, dtype: torch.dtype, device: torch.device, generator: Optional[torch.Generator]
) -> torch.Tensor:
    """Standard Gumbel draws ``-log(-log U)``, U uniform on [tiny, 1) so that no log sees 0."""
    uniform = torch.rand(shape, generator=generator, dtype=dtype, device=device)
    uniform = uniform.clamp_min(torch.finfo(dtype).tiny)
    return -torch.log(-torch.log(uniform))


def gumbel_softmax(
    logits: torch.Tensor,
    tau: float = 1.0,
    hard: bool = False,
    generator: Optional[torch.Generator] = None,
    *,
    dim: int = -1,
) -> torch.Tensor:
    """A Gumbel-softmax sample ``softmax((logits + g) / τ)``, or its straight-through one-hot.

    Parameters
    ----------
    logits : Tensor of shape (..., n_categories)
        Unnormalised log-probabilities (any shift along ``dim`` gives the same distribution).
    tau : float, default=1.0
        The temperature τ > 0 (see :func:`gumbel_temperature` to anneal it).
    hard : bool, default=False
        If True, return the one-hot of the sample's argmax in the forward pass with the gradient
        of the soft sample in the backward pass (straight-through): ``y_hard - sg(y_soft) + y_soft``.
        The argmax is a draw from ``softmax(logits)`` whatever τ.
    generator : torch.Generator, optional
        The source of the noise (on the device of ``logits``); torch's default one if None.
    dim : int, default=-1
        The axis of the categories.

    Returns
    -------
    Tensor
        The shape and dtype of ``logits``; entries in [0, 1] summing to 1 along ``dim``
        (one-hot when ``hard``).

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``hard`` is not a bool.
    ValueError
        If ``tau`` is not a positive finite number or ``logits`` has no categories.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import gumbel_softmax
    >>> logits = torch.tensor([[1.0, 2.0, 0.5]], requires_grad=True)
    >>> generator = torch.Generator().manual_seed(0)
    >>> sample = gumbel_softmax(logits, tau=0.5, generator=generator)
    >>> round(float(sample.detach().sum()), 6)
    1.0
    >>> hard = gumbel_softmax(logits, tau=0.5, hard=True, generator=generator)
    >>> sorted(hard.detach().flatten().tolist())
    [0.0, 0.0, 1.0]
    >>> hard[0, hard.argmax()].backward()  # gradients reach the logits through the soft sample
    >>> logits.grad.abs().sum() > 0
    tensor(True)
    """
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point():
        raise TypeError("logits must be a floating-point torch.Tensor")
    if logits.dim() == 0 or logits.shape[dim] < 1:
        raise ValueError(f"logits needs a category axis of length >= 1, got shape {tuple(logits.shape)}")
    tau = check_real(tau, "tau", low=0.0)
    if tau == 0.0:
        raise ValueError("tau must be a finite number > 0, got 0.0")
    if not isinstance(hard, bool):
        raise TypeError(f"hard must be a bool, got {type(hard).__name__}")

    noise = _gumbel_noise(logits.shape, logits.dtype, logits.device, generator)
    soft = torch.softmax((logits + noise) / tau, dim=dim)
    if not hard:
        return soft
    one_hot = torch.zeros_like(soft).scatter_(dim, soft.argmax(dim=dim, keepdim=True), 1.0)
    return one_hot - soft.detach() + soft


def gumbel_temperature(step: int, tau0: float = 1.0, tau_min: float = 0.5, rate: float = 1e-4) -> float:
    """The annealed temperature ``max(tau_min, tau0 · exp(-rate · step))``.

    Jang et al. (2017) anneal ``τ = max(0.5, exp(-r t))`` over the global training step t with
    r in {1e-5, 1e-4}, updating τ every N = 500 steps; pass ``step - step % N`` to do the same.

    Parameters
    ----------
    step : int
        The training step (>= 0).
    tau0 : float, default=1.0
        The temperature at step 0 (> 0).
    tau_min : float, default=0.5
        The floor (0 < tau_min <= tau0).
    rate : float, default=1e-4
        The decay rate per step (>= 0).

    Returns
    -------
    float
        Non-increasing in ``step``, equal to ``tau0`` at 0 and to ``tau_min`` from
        ``ln(tau0 / tau_min) / rate`` on.

    Examples
    --------
    >>> from unsup.nn import gumbel_temperature
    >>> gumbel_temperature(0)
    1.0
    >>> round(gumbel_temperature(5000), 4)  # exp(-0.5)
    0.6065
    >>> gumbel_temperature(10_000)  # exp(-1) < 0.5: clipped
    0.5
    """
    step = check_positive_int(step, "step", minimum=0)
    tau0 = check_real(tau0, "tau0", low=0.0)
    if tau0 == 0.0:
        raise ValueError("tau0 must be a finite number > 0, got 0.0")
    tau_min = check_real(tau_min, "tau_min", low=0.0, high=tau0)
    if tau_min == 0.0:
        raise ValueError(f"tau_min must be a finite number in (0, {tau0}], got 0.0")
    rate = check_real(rate, "rate", low=0.0)
    return max(tau_min, tau0 * math.exp(-rate * step))
