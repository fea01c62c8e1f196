"""unsup.nn.vmf_vae: the vMF-VAE's sampler, constant KL, gradients and training."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import unsup.nn.vmf_vae as vmf_vae_module  # noqa: E402
from unsup.nn import VMFVAE, VMFVAEOutput  # noqa: E402
from unsup.stats import vmf_kl_to_uniform, vmf_mean_cosine  # noqa: E402


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_docstring_examples():
    assert doctest.testmod(vmf_vae_module).failed == 0


def test_output_shapes_and_unit_codes():
    vae = VMFVAE(10, 4, 30.0, hidden_layer_sizes=(16, 8), random_state=0)
    x = torch.rand(32, 10, generator=_generator(0))
    out = vae(x)
    assert isinstance(out, VMFVAEOutput)
    assert out.reconstruction.shape == (32, 10) and out.z.shape == out.mu.shape == (32, 4)
    torch.testing.assert_close(out.z.norm(dim=1), torch.ones(32), atol=1e-5, rtol=0)
    torch.testing.assert_close(out.mu.norm(dim=1), torch.ones(32), atol=1e-5, rtol=0)
    assert not torch.allclose(out.z, out.mu)  # training mode draws
    vae.eval()
    out = vae(x)
    torch.testing.assert_close(out.z, out.mu)  # eval mode decodes μ
    assert vae.sample(6, generator=_generator(1)).shape == (6, 10)


@pytest.mark.parametrize("kappa, dim", [(5.0, 2), (20.0, 3), (100.0, 16), (500.0, 128), (1e4, 64)])
def test_sampled_cosines_match_the_bessel_ratio(kappa, dim):
    vae = VMFVAE(3, dim, kappa, hidden_layer_sizes=(), random_state=0)
    a = vmf_mean_cosine(kappa, dim)
    w, s = vae.sample_cosines(400_000, generator=_generator(2))
    assert abs(float(w.double().mean()) - a) <= 0.01 * a
    torch.testing.assert_close(w * w + s * s, torch.ones_like(w), atol=1e-6, rtol=0)
    assert bool((s >= 0).all())


def test_codes_scatter_around_mu_with_the_right_cosine():
    vae = VMFVAE(3, 5, 40.0, hidden_layer_sizes=(), random_state=0)
    mu = torch.nn.functional.normalize(torch.tensor([[3.0, 0.0, -4.0, 0.0, 1.0]]), dim=1).repeat(50_000, 1)
    z = vae.sample_latent(mu, generator=_generator(3))
    torch.testing.assert_close(z.norm(dim=1), torch.ones(50_000), atol=1e-5, rtol=0)
    mean = z.double().mean(dim=0)
    unit = mu[0].double()
    a = vmf_mean_cosine(40.0, 5)
    assert float(mean @ unit) == pytest.approx(a, rel=0.01)
    assert float((mean - (mean @ unit) * unit).norm()) < 0.01  # ν is uniform on the equator


def test_kl_is_the_constant_of_kappa_and_dimension():
    vae = VMFVAE(4, 3, 3.0, hidden_layer_sizes=(), random_state=0)
    # On S²: κ coth κ - 1 + log(κ / sinh κ).
    assert vae.kl_divergence == pytest.approx(3 / math.tanh(3) - 1 + math.log(3 / math.sinh(3)), rel=1e-9)
    assert VMFVAE(4, 32, 50.0, random_state=0).kl_divergence == vmf_kl_to_uniform(50.0, 32)
    assert VMFVAE(4, 32, 0.0, random_state=0).kl_divergence == 0.0
    assert vae.mean_cosine == vmf_mean_cosine(3.0, 3)


def test_gradients_reach_the_encoder_through_the_sampled_code():
    vae = VMFVAE(6, 3, 10.0, hidden_layer_sizes=(8,), activation="tanh", random_state=0)
    x = torch.rand(16, 6, generator=_generator(4))
    vae.loss(x, generator=_generator(5)).backward()
    for parameter in list(vae.encoder.parameters()) + list(vae.decoder.parameters()):
        assert parameter.grad is not None and bool(torch.isfinite(parameter.grad).all())
        assert float(parameter.grad.abs().sum()) > 0
    # The code depends on μ through both w μ and the equator direction ν(μ).
    mu = torch.nn.functional.normalize(torch.randn(1, 3, generator=_generator(6)), dim=1).requires_grad_()
    z = vae.sample_latent(mu, generator=_generator(7))
    jacobian = torch.stack([torch.autograd.grad(z[0, i], mu, retain_graph=True)[0][0] for i in range(3)])
    assert float(jacobian.abs().sum()) > 0


def test_a_few_training_steps_reduce_the_loss():
    gen = _generator(8)
    centres = torch.rand(4, 12, generator=gen)
    x = (centres[torch.randint(0, 4, (256,), generator=gen)] + 0.05 * torch.randn(256, 12, generator=gen)).clamp(0, 1)
    vae = VMFVAE(12, 3, 50.0, hidden_layer_sizes=(32,), reconstruction="bce", random_state=0)
    optimizer = torch.optim.Adam(vae.parameters(), lr=1e-2)

    def evaluation_loss() -> float:
        vae.eval()
        with torch.no_grad():
            value = float(vae.loss(x))
        vae.train()
        return value

    before = evaluation_loss()
    for _ in range(60):
        optimizer.zero_grad()
        vae.loss(x).backward()
        optimizer.step()
    assert evaluation_loss() < 0.9 * before


def test_bce_reconstruction_is_a_probability_and_the_loss_is_bce():
    vae = VMFVAE(5, 3, 20.0, hidden_layer_sizes=(4,), reconstruction="bce", random_state=0).eval()
    x = torch.rand(7, 5, generator=_generator(9))
    out = vae(x)
    assert bool(((out.reconstruction > 0) & (out.reconstruction < 1)).all())
    expected = torch.nn.functional.binary_cross_entropy(out.reconstruction, x, reduction="sum") / 7
    torch.testing.assert_close(vae.loss(x), expected, atol=1e-4, rtol=1e-4)
    mse = VMFVAE(5, 3, 20.0, hidden_layer_sizes=(4,), random_state=0).eval()
    torch.testing.assert_close(mse.loss(x), (mse(x).reconstruction - x).square().sum() / 7)


def test_random_state_and_generators_make_draws_reproducible():
    before = torch.random.get_rng_state()
    a = VMFVAE(6, 3, 10.0, hidden_layer_sizes=(5,), random_state=11)
    b = VMFVAE(6, 3, 10.0, hidden_layer_sizes=(5,), random_state=11)
    x = torch.rand(4, 6, generator=_generator(10))
    torch.testing.assert_close(a(x).z, b(x).z, rtol=0, atol=0)  # the module's own generators
    torch.testing.assert_close(a(x, generator=_generator(1)).z, b(x, generator=_generator(1)).z, rtol=0, atol=0)
    assert torch.equal(torch.random.get_rng_state(), before)


def test_quantile_table_is_a_buffer_outside_the_state_dict():
    vae = VMFVAE(4, 8, 100.0, hidden_layer_sizes=(), n_quantiles=257, random_state=0)
    assert vae.angle_quantiles.shape == (257,)
    assert "angle_quantiles" not in vae.state_dict()
    assert bool((vae.angle_quantiles.diff() >= 0).all())
    assert float(vae.angle_quantiles[0]) >= 0 and float(vae.angle_quantiles[-1]) <= math.pi + 1e-6
    vae = vae.double()
    assert vae.angle_quantiles.dtype == torch.float64
    out = vae(torch.rand(3, 4, dtype=torch.float64, generator=_generator(0)))
    assert out.z.dtype == torch.float64
    torch.testing.assert_close(out.z.norm(dim=1), torch.ones(3, dtype=torch.float64))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"latent_dim": 1}, ValueError, "latent_dim"),
    ({"input_dim": 0}, ValueError, "input_dim"),
    ({"kappa": -1.0}, ValueError, "kappa"),
    ({"kappa": float("inf")}, ValueError, "kappa"),
    ({"reconstruction": "l1"}, ValueError, "reconstruction"),
    ({"activation": "elu"}, ValueError, "activation"),
    ({"n_quantiles": 1}, ValueError, "n_quantiles"),
    ({"hidden_layer_sizes": (0,)}, ValueError, "hidden_layer_sizes"),
    ({"random_state": -3}, ValueError, "random_state"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    arguments = {"input_dim": 4, "latent_dim": 3, "kappa": 10.0, **kwargs}
    with pytest.raises(error, match=match):
        VMFVAE(**arguments)


def test_sample_count_is_checked():
    with pytest.raises(ValueError, match="n"):
        VMFVAE(4, 3, 10.0, random_state=0).sample(-1)
    assert np.isfinite(VMFVAE(4, 3, 10.0, random_state=0).kl_divergence)
