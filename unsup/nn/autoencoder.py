"""A multilayer-perceptron autoencoder: the nonlinear sibling of the SVD autoencoder."""

from __future__ import annotations

import math
import numbers
from typing import Any, Optional, Sequence

import torch

from unsup.utils.validation import check_positive_int, check_seed

__all__ = ["MLPAutoencoder", "mlp"]

ACTIVATIONS = {
    "identity": torch.nn.Identity,
    "relu": torch.nn.ReLU,
    "tanh": torch.nn.Tanh,
    "sigmoid": torch.nn.Sigmoid,
    "gelu": torch.nn.GELU,
}


def check_activation(activation: Any) -> str:
    """The activation's name, or a ValueError naming the argument."""
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    return activation


def check_layer_sizes(sizes: Any, name: str = "hidden_layer_sizes") -> tuple:
    """A tuple of positive ints (an int is one layer)."""
    if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
        sizes = (sizes,)
    try:
        sizes = tuple(sizes)
    except TypeError as exc:
        raise TypeError(f"{name} must be a sequence of positive ints, got {sizes!r}") from exc
    return tuple(check_positive_int(size, f"{name}[{i}]") for i, size in enumerate(sizes))


def mlp(sizes: Sequence[int], activation: str = "relu", *, bias: bool = True,
        generator: Optional[torch.Generator] = None) -> torch.nn.Sequential:
    """Linear layers ``sizes[0] -> sizes[1] -> … -> sizes[-1]`` with ``activation`` between them.

    There is no activation after the last layer. Weights are initialised as PyTorch's
    ``Linear`` does (uniform, ``±1/√fan_in``), drawn from ``generator`` — never from the global
    torch generator.

    Parameters
    ----------
    sizes : sequence of int
        Widths, input first (at least two).
    activation : {"identity", "relu", "tanh", "sigmoid", "gelu"}, default="relu"
    bias : bool, default=True
    generator : torch.Generator or None
        CPU generator of the initial weights (``None``: a fresh one seeded by numpy's global
        generator).

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> import torch
    >>> from unsup.nn.autoencoder import mlp
    >>> net = mlp([4, 8, 2], "tanh", generator=torch.Generator().manual_seed(0))
    >>> net(torch.zeros(5, 4)).shape
    torch.Size([5, 2])
    """
    sizes = [check_positive_int(size, "sizes") for size in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes must hold at least an input and an output width, got {sizes}")
    activation = check_activation(activation)
    if generator is None:
        generator = torch.Generator().manual_seed(check_seed(None))
    layers: list = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        # skip_init builds the layer without drawing from the global generator.
        layer = torch.nn.utils.skip_init(torch.nn.Linear, fan_in, fan_out, bias=bias)
        bound = 1.0 / math.sqrt(fan_in)
        with torch.no_grad():
            # kaiming_uniform_(a=√5) of torch's Linear is uniform on ±1/√fan_in.
            layer.weight.uniform_(-bound, bound, generator=generator)
            if bias:
                layer.bias.uniform_(-bound, bound, generator=generator)
        layers.append(layer)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers)


class MLPAutoencoder(torch.nn.Module):
    """Encoder and decoder multilayer perceptrons, ``x -> code -> x̂``.

    The encoder maps ``input_dim -> *hidden_layer_sizes -> latent_dim`` and the decoder mirrors
    it (``latent_dim -> *reversed(hidden_layer_sizes) -> input_dim``); the activation sits
    between layers, never on the code nor on the output. With no hidden layers (or
    ``activation="identity"``) it is a linear autoencoder, whose squared-error optimum spans
    the top principal subspace: the truncated SVD of the centred data when it has biases
    (:class:`unsup.decomposition.SVDAutoencoder` on centred data), of the raw data without.
    Nonlinear ones can do better where the data lie on a curved manifold.

    Parameters
    ----------
    input_dim : int
    latent_dim : int
        Width of the code.
    hidden_layer_sizes : sequence of int, default=()
        Widths of the encoder's hidden layers (the decoder's in reverse).
    activation : {"relu", "tanh", "identity", "sigmoid", "gelu"}, default="relu"
    bias : bool, default=True
    random_state : None, int, RandomState or Generator, default=None
        Seeds the initial weights (a ``torch.Generator``; the global torch generator is not
        used).

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import MLPAutoencoder
    >>> ae = MLPAutoencoder(10, 2, hidden_layer_sizes=(8,), activation="tanh", random_state=0)
    >>> x = torch.randn(4, 10, generator=torch.Generator().manual_seed(0))
    >>> ae.encode(x).shape, ae(x).shape
    (torch.Size([4, 2]), torch.Size([4, 10]))
    """

    def __init__(self, input_dim: int, latent_dim: int, hidden_layer_sizes: Sequence[int] = (),
                 activation: str = "relu", *, bias: bool = True, random_state: Any = None) -> None:
        super().__init__()
        self.input_dim = check_positive_int(input_dim, "input_dim")
        self.latent_dim = check_positive_int(latent_dim, "latent_dim")
        self.hidden_layer_sizes = check_layer_sizes(hidden_layer_sizes)
        self.activation = check_activation(activation)
        generator = torch.Generator().manual_seed(check_seed(random_state))
        widths = (self.input_dim, *self.hidden_layer_sizes, self.latent_dim)
        self.encoder = mlp(widths, self.activation, bias=bias, generator=generator)
        self.decoder = mlp(widths[::-1], self.activation, bias=bias, generator=generator)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes of the rows of ``x`` (n × input_dim -> n × latent_dim)."""
        return self.encoder(x)

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """Reconstructions from codes (n × latent_dim -> n × input_dim)."""
        return self.decoder(code)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction ``decode(encode(x))``."""
        return self.decoder(self.encoder(x))
