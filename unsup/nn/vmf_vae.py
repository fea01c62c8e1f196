"""The vMF-VAE: a variational autoencoder whose codes live on the unit sphere.

Su (苏剑林, 《变分自编码器（七）：球面上的VAE（vMF-VAE）》, kexue.fm) replaces the Gaussian
posterior of a VAE by a von Mises–Fisher one with a *fixed* concentration κ and the standard
normal prior by the uniform distribution on the sphere ``S^{d-1}``. Then the KL term of the ELBO
does not depend on the input — it is a constant of κ and d — and the loss is the reconstruction
error alone; κ sets how much noise the code must survive (how much information it can carry)
and there is no KL collapse.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from unsup.nn.autoencoder import check_activation, check_layer_sizes, mlp
from unsup.stats.von_mises_fisher import vmf_angle_quantiles, vmf_kl_to_uniform, vmf_mean_cosine
from unsup.utils.validation import check_positive_int, check_real, check_seed

__all__ = ["VMFVAE", "VMFVAEOutput"]

_RECONSTRUCTIONS = ("mse", "bce")


class VMFVAEOutput(NamedTuple):
    """What :meth:`VMFVAE.forward` returns."""

    reconstruction: torch.Tensor
    """Decoded rows, n × input_dim (probabilities with ``reconstruction="bce"``)."""
    z: torch.Tensor
    """Codes on the sphere, n × latent_dim: drawn from vMF(μ, κ) in training mode, μ in eval mode."""
    mu: torch.Tensor
    """Unit mean directions from the encoder, n × latent_dim."""


class VMFVAE(torch.nn.Module):
    """Variational autoencoder with a vMF(μ(x), κ) posterior and a uniform prior on the sphere.

    The encoder (an MLP) gives ``μ(x)``, normalised to unit length; a code is drawn as
    ``z = w μ + √(1-w²) ν`` with ``ν = normalise(ε - ⟨ε, μ⟩ μ)``, ``ε ~ N(0, I)``, and ``w``
    from the density ``∝ e^{κw} (1-w²)^{(d-3)/2}`` on ``[-1, 1]`` (``d = latent_dim``). κ being
    fixed, ``w`` does not depend on the input: its quantile function is tabulated once (the
    buffer ``angle_quantiles``, the angle ``θ = arccos w`` at ``n_quantiles`` equally spaced
    levels, from :func:`unsup.stats.vmf_angle_quantiles`) and sampled by linear interpolation at
    uniform draws. Gradients reach the encoder through ``μ`` (in both terms of ``z``); none is
    needed through ``w``.

    The KL divergence of every posterior from the prior is the constant
    :attr:`kl_divergence`, so training minimises :meth:`loss`, the reconstruction error; the
    negative ELBO per row is ``loss + kl_divergence``.

    Parameters
    ----------
    input_dim : int
    latent_dim : int
        Dimension ``d ≥ 2`` of the space holding the sphere ``S^{d-1}`` of codes.
    kappa : float
        Concentration ``κ ≥ 0`` of the posterior: larger means less noise on the code and a
        larger KL (more information per code). The mean cosine between z and μ is
        ``A_d(κ)`` (:attr:`mean_cosine`).
    hidden_layer_sizes : sequence of int, default=(256,)
        Hidden widths of the encoder; the decoder mirrors them.
    activation : {"relu", "tanh", "identity", "sigmoid", "gelu"}, default="relu"
    reconstruction : {"mse", "bce"}, default="mse"
        Loss per row, summed over features: squared error, or binary cross-entropy of the
        decoder's logits against targets in ``[0, 1]`` (then the reconstruction is
        ``sigmoid(logits)``).
    n_quantiles : int, default=4097
        Rows of the quantile table of θ.
    random_state : None, int, RandomState or Generator, default=None
        Seeds the initial weights and the module's own sampling generator (used when
        ``forward`` is given none); the global torch generator is not used.

    Attributes
    ----------
    encoder, decoder : torch.nn.Sequential
    angle_quantiles : tensor of shape (n_quantiles,)
        Buffer: θ = arccos w at levels ``0, 1/(n_quantiles-1), …, 1`` (not in the state dict;
        it follows the module's dtype and device).
    generator : torch.Generator
        CPU generator of the draws when none is passed; draws are moved to the input's device.

    Examples
    --------
    >>> import torch
    >>> from unsup.nn import VMFVAE
    >>> vae = VMFVAE(input_dim=8, latent_dim=3, kappa=20.0, hidden_layer_sizes=(16,), random_state=0)
    >>> x = torch.rand(5, 8, generator=torch.Generator().manual_seed(0))
    >>> out = vae(x)
    >>> out.reconstruction.shape, out.z.shape
    (torch.Size([5, 8]), torch.Size([5, 3]))
    >>> bool(torch.allclose(out.z.norm(dim=1), torch.ones(5)))
    True
    >>> vae.loss(x).backward()
    """

    angle_quantiles: torch.Tensor

    def __init__(self, input_dim: int, latent_dim: int, kappa: float, *,
                 hidden_layer_sizes: Sequence[int] = (256,), activation: str = "relu",
                 reconstruction: str = "mse", n_quantiles: int = 4097, random_state: Any = None) -> None:
        super().__init__()
        self.input_dim = check_positive_int(input_dim, "input_dim")
        self.latent_dim = check_positive_int(latent_dim, "latent_dim", minimum=2)
        self.kappa = check_real(kappa, "kappa", low=0.0)
        self.hidden_layer_sizes = check_layer_sizes(hidden_layer_sizes)
        self.activation = check_activation(activation)
        if reconstruction not in _RECONSTRUCTIONS:
            raise ValueError(f"reconstruction must be one of {_RECONSTRUCTIONS}, got {reconstruction!r}")
        self.reconstruction = reconstruction
        n_quantiles = check_positive_int(n_quantiles, "n_quantiles", minimum=2)
        seeds = np.random.default_rng(check_seed(random_state)).integers(0, 2**62, size=2)
        init = torch.Generator().manual_seed(int(seeds[0]))
        widths = (self.input_dim, *self.hidden_layer_sizes, self.latent_dim)
        self.encoder = mlp(widths, self.activation, generator=init)
        self.decoder = mlp(widths[::-1], self.activation, generator=init)
        self.generator = torch.Generator().manual_seed(int(seeds[1]))
        table = vmf_angle_quantiles(self.kappa, self.latent_dim, np.linspace(0.0, 1.0, n_quantiles))
        # Not in the state dict: it is a function of κ and latent_dim.
        self.register_buffer("angle_quantiles", torch.as_tensor(table, dtype=torch.get_default_dtype()),
                             persistent=False)

    # ------------------------------------------------------------------ constants of κ and d
    @property
    def kl_divergence(self) -> float:
        """KL(vMF(μ, κ) ‖ uniform on S^{d-1}) in nats, the same for every input
        (:func:`unsup.stats.vmf_kl_to_uniform`)."""
        return vmf_kl_to_uniform(self.kappa, self.latent_dim)

    @property
    def mean_cosine(self) -> float:
        """``E⟨z, μ⟩ = A_d(κ) = I_{d/2}(κ) / I_{d/2-1}(κ)``."""
        return vmf_mean_cosine(self.kappa, self.latent_dim)

    # ------------------------------------------------------------------ sampling
    def _draw(self, draw, shape: tuple, generator: Optional[torch.Generator], like: torch.Tensor) -> torch.Tensor:
        generator = self.generator if generator is None else generator
        values = draw(shape, generator=generator, device=generator.device, dtype=like.dtype)
        return values.to(like.device)

    def sample_cosines(self, n: int, generator: Optional[torch.Generator] = None,
                       like: Optional[torch.Tensor] = None) -> tuple:
        """``(w, √(1-w²))`` for ``n`` draws of the cosine, by interpolating the quantile table.

        Parameters
        ----------
        n : int
        generator : torch.Generator or None
            Source of the uniform draws (``None``: the module's own).
        like : tensor or None
            The draws take its dtype and device (``None``: the table's).

        Returns
        -------
        tuple of two tensors of shape (n,)
            ``cos θ`` and ``sin θ`` of the interpolated angle (so ``w² + (1-w²) = 1`` exactly).
        """
        table = self.angle_quantiles
        like = table if like is None else like
        position = self._draw(torch.rand, (n,), generator, like).to(table.dtype) * (table.numel() - 1)
        index = position.floor().long().clamp(max=table.numel() - 2)
        fraction = position - index.to(table.dtype)
        theta = torch.lerp(table[index], table[index + 1], fraction).to(like.dtype)
        return torch.cos(theta), torch.sin(theta)

    def sample_latent(self, mu: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Draw ``z ~ vMF(μ, κ)`` for each (unit) row of ``mu``; differentiable in ``mu``."""
        w, s = self.sample_cosines(mu.shape[0], generator, like=mu)
        eps = self._draw(torch.randn, tuple(mu.shape), generator, mu)
        nu = F.normalize(eps - (eps * mu).sum(dim=1, keepdim=True) * mu, dim=1)
        return w.unsqueeze(1) * mu + s.unsqueeze(1) * nu

    def sample(self, n: int, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Decode ``n`` codes drawn from the prior, the uniform distribution on the sphere."""
        n = check_positive_int(n, "n", minimum=0)
        like = next(self.decoder.parameters())
        z = F.normalize(self._draw(torch.randn, (n, self.latent_dim), generator, like), dim=1)
        return self.decode(z)

    # ------------------------------------------------------------------ the network
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Unit mean directions ``μ(x)`` (n × latent_dim)."""
        return F.normalize(self.encoder(x), dim=1)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstructions from codes (probabilities with ``reconstruction="bce"``)."""
        out = self.decoder(z)
        return torch.sigmoid(out) if self.reconstruction == "bce" else out

    def _latent(self, x: torch.Tensor, generator: Optional[torch.Generator]) -> tuple:
        mu = self.encode(x)
        return (self.sample_latent(mu, generator) if self.training else mu), mu

    def forward(self, x: torch.Tensor, generator: Optional[torch.Generator] = None) -> VMFVAEOutput:
        """Encode, draw a code (training mode; in eval mode the code is μ) and decode.

        Parameters
        ----------
        x : tensor of shape (n, input_dim)
        generator : torch.Generator or None
            Source of the draws (``None``: the module's own, seeded by ``random_state``).
        """
        z, mu = self._latent(x, generator)
        return VMFVAEOutput(self.decode(z), z, mu)

    def loss(self, x: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """The training loss: reconstruction error summed over features, averaged over rows.

        The code is drawn as in :meth:`forward` (μ itself in eval mode). Add
        :attr:`kl_divergence` for the negative ELBO.
        """
        z, _ = self._latent(x, generator)
        out = self.decoder(z)
        if self.reconstruction == "bce":
            per_entry = F.binary_cross_entropy_with_logits(out, x, reduction="none")
        else:
            per_entry = (out - x).square()
        return per_entry.sum(dim=1).mean()
