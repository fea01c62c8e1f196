"""Contrastive losses over candidate scores: InfoNCE and FlatNCE.

Both take ``scores`` of shape ``(batch, n_candidates)``: row b holds the logits ``s_i`` of the
candidates for sample b, one of which, the target ``t``, is the positive. InfoNCE (van den Oord
et al., 2018) is the cross-entropy ``-log softmax(s)_t = log(1 + ξ)`` with
``ξ = Σ_{i≠t} exp(s_i - s_t)``. FlatNCE (Su, "FlatNCE: 小批次对比学习效果差的原因竟是浮点误差?",
kexue.fm, 2021; Chen et al., 2021) optimises ``ξ / sg(ξ)`` instead (``sg`` stops the gradient):
its value is always 1, its gradient is ``∇ξ / ξ = ∇ log ξ``, which has the direction of
InfoNCE's gradient ``∇ξ / (1 + ξ)`` but does not vanish when ξ is tiny, i.e. when a small
batch makes the positive easy to pick out and ``log(1 + ξ)`` rounds to 0.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import torch
import torch.nn.functional as F

from unsup.utils.validation import check_real

__all__ = ["infonce", "flatnce", "FlatNCEOutput", "in_batch_scores"]


class FlatNCEOutput(NamedTuple):
    """What :func:`flatnce` returns.

    Attributes
    ----------
    loss : Tensor
        ``mean_b ξ_b / sg(ξ_b)``, a 0-dim tensor equal to 1 whose gradient is
        ``mean_b ∇ log ξ_b``: minimise it.
    infonce : Tensor
        ``mean_b log(1 + ξ_b)``, the InfoNCE loss of the same scores, detached: monitor it.
    """

    loss: torch.Tensor
    infonce: torch.Tensor


def _checked_target(scores: torch.Tensor, target: Optional[torch.Tensor], minimum_candidates: int) -> torch.Tensor:
    """Validate ``scores`` (batch, n_candidates) and return the target indices as int64 (batch,)."""
    if not isinstance(scores, torch.Tensor):
        raise TypeError(f"scores must be a torch.Tensor, got {type(scores).__name__}")
    if not scores.is_floating_point():
        raise TypeError(f"scores must be a floating-point tensor, got {scores.dtype}")
    if scores.dim() != 2:
        raise ValueError(f"scores must have shape (batch, n_candidates), got {tuple(scores.shape)}")
    batch, n_candidates = scores.shape
    if batch < 1 or n_candidates < minimum_candidates:
        raise ValueError(
            f"scores needs a batch of at least 1 and at least {minimum_candidates} candidates, "
            f"got shape {tuple(scores.shape)}"
        )
    if target is None:
        return torch.zeros(batch, dtype=torch.int64, device=scores.device)
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"target must be None or an integer torch.Tensor, got {type(target).__name__}")
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool:
        raise TypeError(f"target must be an integer tensor, got {target.dtype}")
    if target.shape != (batch,):
        raise ValueError(f"target must have shape ({batch},) to match scores, got {tuple(target.shape)}")
    if target.device != scores.device:
        raise ValueError(f"target is on {target.device} but scores are on {scores.device}")
    # The range check reads the values, which would synchronise an accelerator: only on the CPU.
    if target.device.type == "cpu" and bool(((target < 0) | (target >= n_candidates)).any()):
        raise ValueError(f"target must hold indices in [0, {n_candidates}), got {target.tolist()}")
    return target.to(torch.int64)


def infonce(scores: torch.Tensor, target: Optional[torch.Tensor] = None) -> torch.Tensor:
    """The InfoNCE loss: the mean over the batch of ``-log softmax(scores[b])[target[b]]``.

    Parameters
    ----------
    scores : Tensor of shape (batch, n_candidates)
        Logits, e.g. similarities divided by a temperature.
    target : Tensor of shape (batch,), optional
        The index of the positive candidate in each row (an integer tensor on the device of
        ``scores``). ``None`` (the default) means the positive is candidate 0 in every row. For
        the in-batch form of :func:`in_batch_scores` pass ``torch.arange(batch)``.

    Returns
    -------
    Tensor
        A 0-dim tensor, ``mean_b log(1 + Σ_{i≠t} exp(s_i - s_t))``, differentiable in ``scores``.

    Raises
    ------
    TypeError
        If ``scores`` is not a floating tensor or ``target`` not an integer tensor.
    ValueError
        If the shapes do not match, or (on the CPU) a target index is out of range.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import infonce
    >>> scores = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    >>> round(float(infonce(scores, target=torch.tensor([0, 1]))), 4)
    0.3955
    >>> round(float(infonce(torch.zeros(4, 8))), 4)  # uniform scores: log 8
    2.0794
    """
    target = _checked_target(scores, target, minimum_candidates=1)
    return F.cross_entropy(scores, target)


def flatnce(scores: torch.Tensor, target: Optional[torch.Tensor] = None) -> FlatNCEOutput:
    """The FlatNCE loss ``ξ / sg(ξ)`` and, for monitoring, the InfoNCE loss of the same scores.

    With ``ξ_b = Σ_{i≠t} exp(s_i - s_t)`` over the candidates of row b other than its target t,
    ``log ξ_b = logsumexp_{i≠t}(s_i - s_t)`` is computed stably and the loss is
    ``mean_b exp(log ξ_b - sg(log ξ_b))``: exactly 1 in value, with the gradient
    ``mean_b ∇ log ξ_b``. Per row that is ``(1 + ξ_b) / ξ_b`` times the gradient of
    ``log(1 + ξ_b)``, row b's InfoNCE term: the same direction, rescaled so that it does not
    vanish with ξ (Su, 2021). The loss value carries no information; watch ``infonce``.

    Parameters
    ----------
    scores : Tensor of shape (batch, n_candidates)
        Logits; at least 2 candidates (ξ needs a negative).
    target : Tensor of shape (batch,), optional
        The index of the positive in each row; ``None`` means candidate 0 (as in :func:`infonce`).

    Returns
    -------
    FlatNCEOutput
        ``(loss, infonce)``: ``loss`` to minimise (value 1) and the detached ``infonce``, equal
        to :func:`infonce` of the same arguments.

    Raises
    ------
    TypeError, ValueError
        As :func:`infonce`; also if there are fewer than 2 candidates.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import flatnce
    >>> scores = torch.tensor([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]], requires_grad=True)
    >>> loss, monitored = flatnce(scores, target=torch.tensor([0, 1]))
    >>> float(loss.detach()), round(float(monitored), 4)
    (1.0, 0.3955)
    >>> loss.backward()
    >>> scores.grad[0]  # ∇ log ξ / batch: (-1, 1/2, 1/2) / 2
    tensor([-0.5000,  0.2500,  0.2500])
    """
    target = _checked_target(scores, target, minimum_candidates=2)
    positive = scores.gather(1, target[:, None])
    is_target = F.one_hot(target, scores.shape[1]).to(torch.bool)
    log_xi = torch.logsumexp((scores - positive).masked_fill(is_target, float("-inf")), dim=1)
    loss = torch.exp(log_xi - log_xi.detach()).mean()
    monitored = torch.logaddexp(log_xi.detach(), torch.zeros_like(log_xi)).mean()  # log(1 + ξ)
    return FlatNCEOutput(loss, monitored)


def in_batch_scores(
    queries: torch.Tensor, keys: torch.Tensor, temperature: float = 1.0, normalize: bool = True
) -> torch.Tensor:
    """Scores of every query against every key of a batch, the positives on the diagonal.

    ``scores[a, b] = <q_a, k_b> / temperature`` with, when ``normalize``, unit-length rows (cosine
    similarities), the form used by SimCLR and CLIP: key a is query a's positive and the other
    keys of the batch are its negatives, so use ``target=torch.arange(batch)``.

    Parameters
    ----------
    queries, keys : Tensor of shape (batch, dim)
        Paired embeddings, floating point, on one device.
    temperature : float, default=1.0
        Divides the similarities (> 0).
    normalize : bool, default=True
        Whether to scale the rows to unit length first.

    Returns
    -------
    Tensor of shape (batch, batch)

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import in_batch_scores, infonce
    >>> z = torch.eye(3)
    >>> scores = in_batch_scores(z, z, temperature=0.5)
    >>> scores.diagonal()
    tensor([2., 2., 2.])
    >>> round(float(infonce(scores, target=torch.arange(3))), 4)  # log(1 + 2 e^-2)
    0.2395
    """
    for name, value in (("queries", queries), ("keys", keys)):
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor")
        if value.dim() != 2:
            raise ValueError(f"{name} must have shape (batch, dim), got {tuple(value.shape)}")
    if queries.shape != keys.shape:
        raise ValueError(
            f"queries and keys must have the same shape, got {tuple(queries.shape)} and {tuple(keys.shape)}"
        )
    temperature = check_real(temperature, "temperature", low=0.0)
    if temperature == 0.0:
        raise ValueError("temperature must be a finite number > 0, got 0.0")
    if normalize:
        queries = F.normalize(queries, dim=1)
        keys = F.normalize(keys, dim=1)
    return queries @ keys.T / temperature
