"""unsup.nn.self_orthogonality against a brute-force loop; zero for orthogonal responses."""

import doctest
import importlib
import math

import pytest

torch = pytest.importorskip("torch")

from unsup.nn import self_orthogonality  # noqa: E402

orthogonality_module = importlib.import_module("unsup.nn.orthogonality")


def brute_self_orthogonality(X, W, gamma, lambda1, lambda2):
    X, W = X.tolist(), W.tolist()
    batch, d, k = len(X), len(W), len(W[0])
    responses = [[math.tanh(gamma * sum(X[b][i] * W[i][j] for i in range(d))) for j in range(k)]
                 for b in range(batch)]
    norms = [math.sqrt(sum(responses[b][j] ** 2 for b in range(batch))) for j in range(k)]
    total, squares = 0.0, 0.0
    for i in range(k):
        for j in range(k):
            if i != j:
                cosine = sum(responses[b][i] * responses[b][j] for b in range(batch)) / (norms[i] * norms[j])
                total += cosine
                squares += cosine * cosine
    return lambda1 * total**2 + lambda2 * squares


@pytest.mark.parametrize("seed, batch, d, k, gamma, lambda1, lambda2", [
    (0, 6, 3, 4, 10.0, 1.0, 1.0),
    (1, 5, 4, 3, 0.3, 0.5, 2.0),
    (2, 8, 2, 5, 1.0, 0.0, 1.0),
    (3, 4, 3, 2, 2.0, 3.0, 0.0),
])
def test_agrees_with_brute_force(seed, batch, d, k, gamma, lambda1, lambda2):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(batch, d, generator=generator, dtype=torch.float64)
    W = torch.randn(d, k, generator=generator, dtype=torch.float64)
    expected = brute_self_orthogonality(X, W, gamma, lambda1, lambda2)
    value = self_orthogonality(X, W, gamma=gamma, lambda1=lambda1, lambda2=lambda2)
    assert value.item() == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_defaults_are_gamma_10_and_unit_weights():
    generator = torch.Generator().manual_seed(4)
    X = torch.randn(7, 3, generator=generator, dtype=torch.float64)
    W = torch.randn(3, 4, generator=generator, dtype=torch.float64)
    assert self_orthogonality(X, W).item() == pytest.approx(brute_self_orthogonality(X, W, 10.0, 1.0, 1.0), rel=1e-12)


def test_zero_for_orthogonal_responses():
    # Responses tanh(γ X W) = tanh(5) H with H a 4 × 4 Hadamard matrix: orthogonal columns of ±1.
    hadamard = torch.tensor([[1.0, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=torch.float64)
    assert self_orthogonality(torch.eye(4, dtype=torch.float64), hadamard / 2).item() == pytest.approx(0.0, abs=1e-28)
    # Filters with disjoint supports over the batch: exactly 0.
    assert self_orthogonality(torch.eye(3), torch.eye(3)).item() == 0.0


def test_positive_otherwise_and_largest_for_equal_filters():
    generator = torch.Generator().manual_seed(5)
    X = torch.randn(64, 8, generator=generator, dtype=torch.float64)
    W = torch.randn(8, 4, generator=generator, dtype=torch.float64)
    random_filters = self_orthogonality(X, W).item()
    assert random_filters > 0
    same = W[:, :1].expand(8, 4)
    # All ϑ_ij = 1: (k(k-1))² + k(k-1) = 144 + 12.
    assert self_orthogonality(X, same).item() == pytest.approx(156.0, rel=1e-12)
    assert self_orthogonality(X, same).item() > random_filters


def test_weights_combine_linearly():
    generator = torch.Generator().manual_seed(6)
    X = torch.randn(10, 3, generator=generator, dtype=torch.float64)
    W = torch.randn(3, 5, generator=generator, dtype=torch.float64)
    mean_term = self_orthogonality(X, W, lambda1=1.0, lambda2=0.0).item()
    spread_term = self_orthogonality(X, W, lambda1=0.0, lambda2=1.0).item()
    assert self_orthogonality(X, W, lambda1=0.3, lambda2=2.5).item() == pytest.approx(
        0.3 * mean_term + 2.5 * spread_term, rel=1e-12)


def test_descent_on_the_kernel_makes_the_filters_orthogonal():
    generator = torch.Generator().manual_seed(7)
    X = torch.randn(256, 16, generator=generator)
    W = (torch.randn(16, 1, generator=generator) + 0.3 * torch.randn(16, 6, generator=generator)).requires_grad_(True)
    start = self_orthogonality(X, W).item()
    for _ in range(100):  # sign descent (torch.optim.Adam's first step costs seconds of imports)
        (gradient,) = torch.autograd.grad(self_orthogonality(X, W), W)
        with torch.no_grad():
            W -= 0.02 * gradient.sign()
    assert self_orthogonality(X, W).item() < 0.01 * start
    cosines = torch.nn.functional.normalize(W.detach(), dim=0).T @ torch.nn.functional.normalize(W.detach(), dim=0)
    assert (cosines - torch.eye(6)).abs().max().item() < 0.35  # the filters themselves spread towards 90°


def test_dead_filter_gives_finite_gradients():
    X = torch.randn(5, 3, generator=torch.Generator().manual_seed(8), dtype=torch.float64)
    W = torch.randn(3, 3, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
    W[:, 1] = 0.0
    W.requires_grad_(True)
    value = self_orthogonality(X, W)
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(W.grad).all()


def test_gradcheck():
    generator = torch.Generator().manual_seed(10)
    X = torch.randn(4, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    W = torch.randn(3, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: self_orthogonality(a, b, gamma=0.5), (X, W))


@pytest.mark.parametrize("X, W, kwargs, error, match", [
    ([[1.0]], torch.eye(1), {}, TypeError, "X must be a torch.Tensor"),
    (torch.eye(2), torch.eye(2, dtype=torch.int64), {}, TypeError, "W must be a floating-point"),
    (torch.zeros(3), torch.eye(3), {}, ValueError, "X must be 2-D"),
    (torch.zeros(2, 3), torch.zeros(2, 2), {}, ValueError, "X has 3 features but W has 2 rows"),
    (torch.zeros(0, 2), torch.zeros(2, 2), {}, ValueError, "at least 1 row"),
    (torch.eye(2), torch.eye(2), {"gamma": 0.0}, ValueError, "gamma"),
    (torch.eye(2), torch.eye(2), {"gamma": float("nan")}, ValueError, "gamma"),
    (torch.eye(2), torch.eye(2), {"lambda1": -1.0}, ValueError, "lambda1"),
    (torch.eye(2), torch.eye(2), {"lambda2": True}, ValueError, "lambda2"),
])
def test_bad_input(X, W, kwargs, error, match):
    with pytest.raises(error, match=match):
        self_orthogonality(X, W, **kwargs)


def test_docstring_examples():
    assert doctest.testmod(orthogonality_module).failed == 0
