"""Capsule layers: vector capsules with dynamic routing, matrix capsules with EM routing."""

from __future__ import annotations

import math
import numbers
from typing import Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn.modules.lazy import LazyModuleMixin
from torch.nn.parameter import UninitializedParameter

from unsup.nn.routing import _inv_temp_schedule, dynamic_routing, em_routing
from unsup.utils.validation import check_positive_int, check_real

__all__ = ["CapsuleLayer", "EMCapsuleLayer"]


def _optional_positive_int(value, name: str) -> Optional[int]:
    return None if value is None else check_positive_int(value, name)


class CapsuleLayer(LazyModuleMixin, nn.Module):
    """A layer of vector capsules fed by dynamic routing (Sabour et al. 2017; Su's form).

    Every input capsule ``u_i`` (a vector of ``in_dim`` values) predicts every output capsule
    through a linear map, ``u_hat_ij = W_ij u_i``; routing then clusters the predictions, one
    centre per output capsule (:func:`unsup.nn.dynamic_routing`). The output capsules are
    squashed, so their lengths lie in [0, 1) and can be read as class probabilities.

    The input sizes are taken from the first batch (as in Keras) unless given; create the
    optimiser after one forward pass, or pass ``input_dim_capsule`` (and
    ``input_num_capsule`` with ``share_weights=False``).

    Parameters
    ----------
    num_capsule : int
        Output capsules (e.g. one per class).
    dim_capsule : int
        Components of each output capsule.
    routings : int, default=3
        Routing iterations (``n_iter`` of the routing function).
    share_weights : bool, default=True
        One map ``W_j`` per output capsule shared by all inputs (Su's default, and what makes
        the layer independent of the number of inputs), or one ``W_ij`` per pair.
    squash_eps : float, default=0.5
        ε of the squash (0.5 Su, 1.0 Sabour et al.).
    routing : {"su", "sabour"}, default="su"
        Which form of dynamic routing.
    input_dim_capsule, input_num_capsule : int, optional
        The input's capsule size and count; known sizes build the weights at once.

    Attributes
    ----------
    weight : torch.nn.Parameter
        Shape ``(in_dim, num_capsule * dim_capsule)`` when shared, else
        ``(n_in, in_dim, num_capsule * dim_capsule)``.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import CapsuleLayer
    >>> layer = CapsuleLayer(num_capsule=10, dim_capsule=16)
    >>> v = layer(torch.randn(4, 32, 8))       # 32 input capsules of 8 values
    >>> tuple(v.shape), bool((v.norm(dim=-1) < 1).all())
    ((4, 10, 16), True)
    """

    cls_to_become = None

    def __init__(self, num_capsule: int, dim_capsule: int, routings: int = 3, share_weights: bool = True,
                 squash_eps: float = 0.5, routing: str = "su", input_dim_capsule: Optional[int] = None,
                 input_num_capsule: Optional[int] = None) -> None:
        super().__init__()
        self.num_capsule = check_positive_int(num_capsule, "num_capsule")
        self.dim_capsule = check_positive_int(dim_capsule, "dim_capsule")
        self.routings = check_positive_int(routings, "routings")
        if not isinstance(share_weights, bool):
            raise ValueError(f"share_weights must be a bool, got {share_weights!r}")
        self.share_weights = share_weights
        self.squash_eps = check_real(squash_eps, "squash_eps", low=0.0)
        if routing not in ("su", "sabour"):
            raise ValueError(f"routing must be 'su' or 'sabour', got {routing!r}")
        self.routing = routing
        self.input_dim_capsule = _optional_positive_int(input_dim_capsule, "input_dim_capsule")
        self.input_num_capsule = _optional_positive_int(input_num_capsule, "input_num_capsule")
        self.weight = UninitializedParameter()
        if self.input_dim_capsule is not None and (share_weights or self.input_num_capsule is not None):
            self._materialize(self.input_num_capsule, self.input_dim_capsule, torch.get_default_dtype())

    def _materialize(self, n_in: Optional[int], in_dim: int, dtype: torch.dtype) -> None:
        out = self.num_capsule * self.dim_capsule
        shape = (in_dim, out) if self.share_weights else (n_in, in_dim, out)
        self.weight.materialize(shape, dtype=dtype)
        self.input_dim_capsule, self.input_num_capsule = in_dim, n_in
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Glorot-uniform weights over the fan-in ``in_dim`` and fan-out ``num_capsule * dim_capsule``."""
        if self.has_uninitialized_params():
            return
        in_dim, out = self.weight.shape[-2:]
        bound = math.sqrt(6.0 / (in_dim + out))
        with torch.no_grad():
            self.weight.uniform_(-bound, bound)

    def initialize_parameters(self, x: torch.Tensor) -> None:  # called by LazyModuleMixin
        if self.has_uninitialized_params():
            with torch.no_grad():
                self._check_input(x)
                self._materialize(int(x.shape[1]), int(x.shape[2]), x.dtype)

    def _check_input(self, x: torch.Tensor) -> None:
        if not isinstance(x, torch.Tensor) or x.dim() != 3:
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"input must be a tensor of shape (batch, n_in, in_dim), got {shape}")
        if not x.is_floating_point():
            raise TypeError(f"input must have a floating dtype, got {x.dtype}")

    def predictions(self, x: torch.Tensor) -> torch.Tensor:
        """``u_hat`` of shape (batch, n_in, num_capsule, dim_capsule) for input capsules ``x``."""
        self._check_input(x)
        in_dim = self.weight.shape[-2]
        if x.shape[2] != in_dim:
            raise ValueError(f"input capsules have {x.shape[2]} components, the layer was built for {in_dim}")
        if self.share_weights:
            u_hat = x @ self.weight
        else:
            if x.shape[1] != self.weight.shape[0]:
                raise ValueError(f"input has {x.shape[1]} capsules, the layer was built for {self.weight.shape[0]}")
            u_hat = torch.einsum("bid,ido->bio", x, self.weight)
        return u_hat.reshape(x.shape[0], x.shape[1], self.num_capsule, self.dim_capsule)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Route input capsules ``x`` of shape (batch, n_in, in_dim) to (batch, num_capsule, dim_capsule)."""
        return dynamic_routing(self.predictions(x), self.routings, self.routing, self.squash_eps)

    def extra_repr(self) -> str:
        return (f"num_capsule={self.num_capsule}, dim_capsule={self.dim_capsule}, routings={self.routings}, "
                f"share_weights={self.share_weights}, squash_eps={self.squash_eps}, routing={self.routing!r}")


class EMCapsuleLayer(LazyModuleMixin, nn.Module):
    """A layer of matrix capsules fed by EM routing (Hinton, Sabour and Frosst, 2018).

    Each input capsule has a pose matrix ``P_i`` (``pose_shape``, 4×4 in the paper) and an
    activation ``a_i``; it votes for output capsule ``j`` with ``V_ij = P_i W_ij`` (a learned
    transformation per pair), and :func:`unsup.nn.em_routing` fits one Gaussian per output
    capsule to the votes. ``β_u`` and ``β_a`` are learned per output capsule, and the inverse
    temperature λ is annealed over the routing iterations, ending at ``inv_temp``.

    Parameters
    ----------
    num_capsule : int
        Output capsules.
    pose_shape : tuple of two ints, default=(4, 4)
        Shape of the pose matrices (inputs and outputs); ``W_ij`` is square of side
        ``pose_shape[1]``.
    routings : int, default=3
        EM iterations.
    inv_temp : float or sequence of ``routings`` floats, default=1.0
        A float λ anneals linearly, ``λ_t = λ (t + 1) / routings``; a sequence is used as it is.
        The cost grows with the number of inputs, so with many inputs take λ small (or the
        activations saturate).
    eps : float, default=1e-8
        Added to the variances.
    input_num_capsule : int, optional
        Number of input capsules; taken from the first batch when not given.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import EMCapsuleLayer
    >>> layer = EMCapsuleLayer(num_capsule=5, inv_temp=0.01)
    >>> poses, act = layer(torch.randn(2, 12, 4, 4), torch.rand(2, 12))
    >>> tuple(poses.shape), tuple(act.shape)
    ((2, 5, 4, 4), (2, 5))
    """

    cls_to_become = None

    def __init__(self, num_capsule: int, pose_shape: Tuple[int, int] = (4, 4), routings: int = 3,
                 inv_temp: Union[float, Sequence[float]] = 1.0, eps: float = 1e-8,
                 input_num_capsule: Optional[int] = None) -> None:
        super().__init__()
        self.num_capsule = check_positive_int(num_capsule, "num_capsule")
        if not (isinstance(pose_shape, (tuple, list)) and len(pose_shape) == 2):
            raise ValueError(f"pose_shape must be a pair of ints, got {pose_shape!r}")
        self.pose_shape = (check_positive_int(pose_shape[0], "pose_shape[0]"), check_positive_int(pose_shape[1], "pose_shape[1]"))
        self.routings = check_positive_int(routings, "routings")
        if isinstance(inv_temp, numbers.Real) and not isinstance(inv_temp, bool):
            final = _inv_temp_schedule(inv_temp, 1)[0]
            self.inv_temp = [final * (t + 1) / self.routings for t in range(self.routings)]
        else:
            self.inv_temp = list(_inv_temp_schedule(inv_temp, self.routings))
        eps = check_real(eps, "eps")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps!r}")
        self.eps = float(eps)
        self.beta_u = nn.Parameter(torch.zeros(self.num_capsule))
        self.beta_a = nn.Parameter(torch.zeros(self.num_capsule))
        self.weight = UninitializedParameter()
        if input_num_capsule is not None:
            self._materialize(check_positive_int(input_num_capsule, "input_num_capsule"), torch.get_default_dtype())

    def _materialize(self, n_in: int, dtype: torch.dtype) -> None:
        side = self.pose_shape[1]
        self.weight.materialize((n_in, self.num_capsule, side, side), dtype=dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Transformations near the identity: ``W_ij = I + N(0, 0.1²)``."""
        if self.has_uninitialized_params():
            return
        side = self.pose_shape[1]
        with torch.no_grad():
            self.weight.normal_(0.0, 0.1).add_(torch.eye(side, dtype=self.weight.dtype))

    def initialize_parameters(self, poses: torch.Tensor, activations: torch.Tensor) -> None:  # LazyModuleMixin
        if self.has_uninitialized_params():
            with torch.no_grad():
                self._check_input(poses, activations)
                self._materialize(int(poses.shape[1]), poses.dtype)

    def _check_input(self, poses: torch.Tensor, activations: torch.Tensor) -> None:
        want = (-1, -1) + self.pose_shape
        if not isinstance(poses, torch.Tensor) or poses.dim() != 4 or tuple(poses.shape[2:]) != self.pose_shape:
            shape = tuple(poses.shape) if isinstance(poses, torch.Tensor) else type(poses).__name__
            raise ValueError(f"poses must have shape (batch, n_in, {want[2]}, {want[3]}), got {shape}")
        if not isinstance(activations, torch.Tensor) or tuple(activations.shape) != tuple(poses.shape[:2]):
            shape = tuple(activations.shape) if isinstance(activations, torch.Tensor) else type(activations).__name__
            raise ValueError(f"activations must have shape (batch, n_in) = {tuple(poses.shape[:2])}, got {shape}")
        if not (poses.is_floating_point() and activations.is_floating_point()):
            raise TypeError(f"poses and activations must have floating dtypes, got {poses.dtype} and {activations.dtype}")

    def votes(self, poses: torch.Tensor) -> torch.Tensor:
        """``V_ij = P_i W_ij`` flattened: shape (batch, n_in, num_capsule, rows * cols)."""
        if poses.shape[1] != self.weight.shape[0]:
            raise ValueError(f"input has {poses.shape[1]} capsules, the layer was built for {self.weight.shape[0]}")
        v = torch.einsum("bipq,ijqr->bijpr", poses, self.weight)
        return v.reshape(poses.shape[0], poses.shape[1], self.num_capsule, -1)

    def forward(self, poses: torch.Tensor, activations: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Output poses (batch, num_capsule, *pose_shape) and activations (batch, num_capsule)."""
        self._check_input(poses, activations)
        mean, act = em_routing(self.votes(poses), activations, self.routings, self.beta_u, self.beta_a,
                               self.inv_temp, self.eps)
        return mean.reshape(mean.shape[0], self.num_capsule, *self.pose_shape), act

    def extra_repr(self) -> str:
        return (f"num_capsule={self.num_capsule}, pose_shape={self.pose_shape}, routings={self.routings}, "
                f"inv_temp={self.inv_temp}")
