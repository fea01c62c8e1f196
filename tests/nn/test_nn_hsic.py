"""unsup.nn.hsic: the differentiable HSIC equals unsup.stats.hsic and passes gradcheck."""

import doctest
import importlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from unsup.nn import hsic  # noqa: E402
from unsup.stats import hsic as numpy_hsic  # noqa: E402

torch_hsic_module = importlib.import_module("unsup.nn.hsic")
numpy_hsic_module = importlib.import_module("unsup.stats.hsic")


def paired(seed, n, d_x, d_y):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_x) if d_x else n)
    y = rng.normal(size=(n, d_y) if d_y else n)
    y.reshape(n, -1)[:, 0] += np.sin(2 * x.reshape(n, -1)[:, 0])
    return x, y


@pytest.mark.parametrize("n, d_x, d_y, sigmas", [
    (20, 0, 0, (None, None)),       # 1-D inputs; 190 pairs
    (13, 3, 2, (None, None)),       # 78 pairs: an even count, the two middle distances averaged
    (9, 2, 0, (0.8, None)),
    (30, 4, 3, (1.5, 0.3)),
    (2, 1, 1, (None, None)),
])
def test_equals_the_numpy_statistic(n, d_x, d_y, sigmas):
    x, y = paired(n + d_x + d_y, n, d_x, d_y)
    expected = numpy_hsic(x, y, *sigmas)
    value = hsic(torch.from_numpy(x), torch.from_numpy(y), *sigmas)
    assert value.dtype == torch.float64 and value.dim() == 0
    assert abs(value.item() - expected) < 1e-10
    assert value.item() == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("data", [
    np.array([0.0, 1.0, 3.0, 7.0]),
    np.array([0.0, 0.0, 0.0, 0.0, 2.0]),           # median 0: the positive distances' median
    np.array([5.0, 5.0, 5.0]),                      # all equal: 1
    np.random.default_rng(1).normal(size=(11, 3)),
    np.random.default_rng(2).normal(size=(12, 2)),
])
def test_median_heuristic_matches_numpy(data):
    expected = numpy_hsic_module.median_heuristic_sigma(data)
    value = torch_hsic_module.median_heuristic_sigma(torch.from_numpy(data))
    assert not value.requires_grad
    assert value.item() == pytest.approx(expected, rel=1e-12)


def test_gradcheck_with_fixed_bandwidths():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(5, 2, generator=generator, dtype=torch.float64, requires_grad=True)
    y = torch.randn(5, generator=generator, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: hsic(a, b, sigma_x=1.3, sigma_y=0.7), (x, y))
    assert torch.autograd.gradgradcheck(lambda a, b: hsic(a, b, sigma_x=1.3, sigma_y=0.7), (x, y))


def test_median_bandwidth_is_held_constant_in_the_gradient():
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(6, 2, generator=generator, dtype=torch.float64, requires_grad=True)
    y = torch.randn(6, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    sigma_x = torch_hsic_module.median_heuristic_sigma(x).item()
    sigma_y = torch_hsic_module.median_heuristic_sigma(y).item()
    median_gradients = torch.autograd.grad(hsic(x, y), (x, y))
    fixed_gradients = torch.autograd.grad(hsic(x, y, sigma_x, sigma_y), (x, y))
    for median_gradient, fixed_gradient in zip(median_gradients, fixed_gradients):
        torch.testing.assert_close(median_gradient, fixed_gradient, rtol=1e-12, atol=1e-15)


def test_gradient_ascent_finds_the_dependence():
    # Maximising HSIC over a free Y drives it up: the gradient points somewhere useful.
    generator = torch.Generator().manual_seed(2)
    x = torch.randn(32, 1, generator=generator)
    y = torch.randn(32, 1, generator=generator, requires_grad=True)
    optimiser = torch.optim.SGD([y], lr=5.0)
    start = hsic(x, y, 1.0, 1.0).item()
    for _ in range(30):
        optimiser.zero_grad()
        (-hsic(x, y, 1.0, 1.0)).backward()
        optimiser.step()
    assert hsic(x, y, 1.0, 1.0).item() > 3 * start


def test_float32_and_mixed_dtypes():
    x, y = paired(3, 15, 2, 0)
    expected = numpy_hsic(x, y)
    single = hsic(torch.from_numpy(x).float(), torch.from_numpy(y).float())
    assert single.dtype == torch.float32
    assert single.item() == pytest.approx(expected, rel=1e-4)
    mixed = hsic(torch.from_numpy(x).float(), torch.from_numpy(y))
    assert mixed.dtype == torch.float64
    assert mixed.item() == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("x, y, error, match", [
    (np.zeros(3), torch.zeros(3), TypeError, "X must be a torch.Tensor"),
    (torch.zeros(3), torch.zeros(3, dtype=torch.int64), TypeError, "Y must be a floating-point"),
    (torch.zeros(3, 2, 2), torch.zeros(3), ValueError, "X must have shape"),
    (torch.zeros(4), torch.zeros(5), ValueError, "same number of samples"),
    (torch.zeros(1), torch.zeros(1), ValueError, "at least 2 samples"),
    (torch.zeros(3), torch.zeros(3, 0), ValueError, "Y needs at least 1 feature"),
])
def test_bad_samples(x, y, error, match):
    with pytest.raises(error, match=match):
        hsic(x, y)


@pytest.mark.parametrize("kwargs, match", [
    ({"sigma_x": 0.0}, "sigma_x"),
    ({"sigma_y": -2.0}, "sigma_y"),
    ({"sigma_y": float("inf")}, "sigma_y"),
    ({"sigma_x": torch.tensor(1.0)}, "sigma_x"),
])
def test_bad_sigma(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hsic(torch.arange(4.0), torch.arange(4.0), **kwargs)


def test_docstring_examples():
    assert doctest.testmod(torch_hsic_module).failed == 0
