"""A differentiable HSIC with Gaussian kernels, the torch twin of :func:`unsup.stats.hsic`.

Used as a loss or regulariser, e.g. to penalise the dependence between a representation and a
nuisance variable, or to reward dependence between a representation and a target (the HSIC
bottleneck of Ma et al., 2019). The estimator is the same biased one,
``Tr(K_X J K_Y J) / (n - 1)²`` (Gretton et al., 2005).
"""

from __future__ import annotations

from typing import Optional, Union

import torch

from unsup.stats.hsic import _check_sigma  # one rule for bandwidths, numpy and torch

__all__ = ["hsic", "median_heuristic_sigma"]


def _as_samples(data: torch.Tensor, name: str) -> torch.Tensor:
    if not isinstance(data, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(data).__name__}")
    if not data.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {data.dtype}")
    if data.dim() == 1:
        data = data[:, None]
    if data.dim() != 2:
        raise ValueError(f"{name} must have shape (n,) or (n, d), got {tuple(data.shape)}")
    if data.shape[0] < 2:
        raise ValueError(f"{name} needs at least 2 samples, got {data.shape[0]}")
    if data.shape[1] < 1:
        raise ValueError(f"{name} needs at least 1 feature, got shape {tuple(data.shape)}")
    return data


def _squared_distances(samples: torch.Tensor) -> torch.Tensor:
    """Pairwise squared distances of the centred samples, exact zeros (and zero gradient) on the diagonal."""
    centred = samples - samples.mean(dim=0)
    norms = (centred * centred).sum(dim=1)
    squared = (norms[:, None] + norms[None, :] - 2.0 * (centred @ centred.T)).clamp_min(0.0)
    diagonal = torch.eye(samples.shape[0], dtype=torch.bool, device=samples.device)
    return squared.masked_fill(diagonal, 0.0)


@torch.no_grad()
def _median_sigma_from_squared(squared: torch.Tensor) -> torch.Tensor:
    """The median distance over pairs i < j, computed on the device without reading values back.

    numpy's median (the mean of the two middle values of an even count); if it is 0 the median
    of the positive distances; if every distance is 0, 1.
    """
    n = squared.shape[0]
    rows, columns = torch.triu_indices(n, n, offset=1, device=squared.device)
    distances, _ = torch.sort(torch.sqrt(squared[rows, columns]))
    n_pairs = distances.numel()
    n_zero = (distances == 0).sum()
    # The positive distances are sorted[n_zero:], n_pairs - n_zero of them; with none, any index.
    n_positive = n_pairs - n_zero
    low = (n_zero + (n_positive - 1).clamp_min(0) // 2).clamp_max(n_pairs - 1)
    high = (n_zero + n_positive // 2).clamp_max(n_pairs - 1)
    positive_median = (distances[low] + distances[high]) / 2
    median = (distances[(n_pairs - 1) // 2] + distances[n_pairs // 2]) / 2
    one = torch.ones((), dtype=distances.dtype, device=distances.device)
    return torch.where(median > 0, median, torch.where(n_positive > 0, positive_median, one))


def median_heuristic_sigma(data: torch.Tensor) -> torch.Tensor:
    """The bandwidth of the median heuristic, as :func:`unsup.stats.hsic.median_heuristic_sigma`.

    ``σ = median{‖x_i - x_j‖ : i < j}`` (the mean of the two middle values for an even number of
    pairs), the median of the positive distances if that is 0, and 1 if all samples coincide.
    Computed without gradient and without synchronising an accelerator.

    Parameters
    ----------
    data : Tensor of shape (n,) or (n, d)
        The samples, n >= 2, floating point.

    Returns
    -------
    Tensor
        A 0-dim tensor σ > 0 (detached).

    Examples
    --------
    >>> import torch
    >>> from unsup.nn.hsic import median_heuristic_sigma
    >>> median_heuristic_sigma(torch.tensor([0.0, 1.0, 3.0]))  # distances 1, 3, 2
    tensor(2.)
    """
    return _median_sigma_from_squared(_squared_distances(_as_samples(data, "data").detach()))


def _kernel(samples: torch.Tensor, sigma: Optional[float]) -> torch.Tensor:
    squared = _squared_distances(samples)
    bandwidth: Union[float, torch.Tensor] = _median_sigma_from_squared(squared) if sigma is None else sigma
    return torch.exp(squared / (-2.0 * bandwidth * bandwidth))


def hsic(
    X: torch.Tensor, Y: torch.Tensor, sigma_x: Optional[float] = None, sigma_y: Optional[float] = None
) -> torch.Tensor:
    """The biased HSIC ``Tr(K_X J K_Y J) / (n - 1)²`` with Gaussian kernels, differentiable.

    ``K_X[i, j] = exp(-‖x_i - x_j‖² / (2 σ_x²))``, likewise ``K_Y``, ``J = I - 11ᵀ/n``; computed
    as ``sum((J K_X J) * K_Y) / (n - 1)²``. It equals :func:`unsup.stats.hsic` on the same data
    (to rounding) and is differentiable in X and Y.

    Parameters
    ----------
    X : Tensor of shape (n,) or (n, d_x)
        The first samples (floating point); a 1-D tensor is n scalar samples.
    Y : Tensor of shape (n,) or (n, d_y)
        The second samples, paired row by row with X, on the same device.
    sigma_x, sigma_y : float, optional
        The Gaussian bandwidths (> 0). ``None`` (the default) takes the median heuristic of the
        variable, the median Euclidean distance over the pairs ``i < j`` (see
        :func:`median_heuristic_sigma`), computed without gradient: the bandwidth is treated as
        a constant, so the gradient is that of the kernel at that fixed σ.

    Returns
    -------
    Tensor
        A 0-dim tensor of the promoted dtype of X and Y.

    Raises
    ------
    TypeError
        If X or Y is not a floating-point tensor.
    ValueError
        If a shape is not (n,) or (n, d), n < 2, the numbers of samples or the devices differ,
        or a bandwidth is not a positive finite number. Values are not checked for NaN (that would
        synchronise an accelerator); NaN in gives NaN out.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import hsic
    >>> x = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    >>> value = hsic(x, x, sigma_x=1.0, sigma_y=1.0)  # (1 - exp(-1/2))²
    >>> round(value.item(), 6)
    0.154818
    >>> value.backward()
    >>> [round(g, 4) for g in x.grad.tolist()]  # 2 (1 - a) a: moving the points apart raises it
    [-0.4773, 0.4773]
    """
    samples_x = _as_samples(X, "X")
    samples_y = _as_samples(Y, "Y")
    if samples_x.shape[0] != samples_y.shape[0]:
        raise ValueError(
            f"X and Y must have the same number of samples, got {samples_x.shape[0]} and {samples_y.shape[0]}"
        )
    if samples_x.device != samples_y.device:
        raise ValueError(f"X is on {samples_x.device} but Y is on {samples_y.device}")
    kernel_x = _kernel(samples_x, _check_sigma(sigma_x, "sigma_x"))
    kernel_y = _kernel(samples_y, _check_sigma(sigma_y, "sigma_y"))
    row_means = kernel_x.mean(dim=1)
    centred_x = kernel_x - row_means[:, None] - row_means[None, :] + row_means.mean()
    n = kernel_x.shape[0]
    return (centred_x * kernel_y).sum() / float((n - 1) ** 2)
