"""unsup.nn.gumbel_softmax: simplex samples, straight-through one-hots, Gumbel-max frequencies;
gumbel_temperature: Jang et al.'s clipped exponential annealing."""

import doctest
import importlib
import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

torch = pytest.importorskip("torch")

from unsup.nn import gumbel_softmax, gumbel_temperature  # noqa: E402

gumbel_module = importlib.import_module("unsup.nn.gumbel")

LOGITS = [1.0, 0.5, -1.0, 2.0, 0.0]


def seeded(seed):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("tau", [0.1, 1.0, 5.0])
def test_samples_lie_on_the_simplex(tau):
    logits = torch.tensor(LOGITS, dtype=torch.float64).expand(200, 5)
    sample = gumbel_softmax(logits, tau=tau, generator=seeded(0))
    assert sample.shape == logits.shape and sample.dtype == torch.float64
    assert (sample >= 0).all() and (sample <= 1).all()
    torch.testing.assert_close(sample.sum(dim=-1), torch.ones(200, dtype=torch.float64))


def test_dim_selects_the_category_axis():
    logits = torch.randn(5, 3, generator=seeded(1))
    sample = gumbel_softmax(logits, tau=0.7, generator=seeded(2), dim=0)
    torch.testing.assert_close(sample.sum(dim=0), torch.ones(3))
    hard = gumbel_softmax(logits, tau=0.7, hard=True, generator=seeded(2), dim=0)
    torch.testing.assert_close(hard.detach().sum(dim=0), torch.ones(3))
    assert torch.equal(hard.detach().argmax(dim=0), sample.argmax(dim=0))


def test_generator_makes_samples_reproducible():
    logits = torch.randn(4, 6, generator=seeded(3))
    first = gumbel_softmax(logits, tau=0.5, generator=seeded(4))
    assert torch.equal(first, gumbel_softmax(logits, tau=0.5, generator=seeded(4)))
    assert not torch.equal(first, gumbel_softmax(logits, tau=0.5, generator=seeded(5)))


def test_argmax_frequencies_match_the_softmax_of_the_logits():
    # Gumbel-max: argmax(logits + g) ~ softmax(logits), whatever τ.
    draws = 20000
    logits = torch.tensor(LOGITS, dtype=torch.float64).expand(draws, 5)
    probabilities = torch.softmax(torch.tensor(LOGITS, dtype=torch.float64), dim=0).numpy()
    for tau, hard, seed in [(1.0, False, 10), (0.3, True, 11)]:
        sample = gumbel_softmax(logits, tau=tau, hard=hard, generator=seeded(seed))
        counts = np.bincount(sample.detach().argmax(dim=-1).numpy(), minlength=5)
        chi_square = scipy_stats.chisquare(counts, probabilities * draws)
        assert chi_square.pvalue > 0.01, (tau, hard, counts, chi_square)


def test_high_temperature_samples_crowd_the_centre_of_the_simplex():
    # The relaxation is biased: at τ = 10 the samples crowd the centre of the simplex. (This is what
    # the frequency test above must not be confused with; it checks the argmax, not the mean.)
    logits = torch.tensor(LOGITS).expand(4000, 5)
    mean = gumbel_softmax(logits, tau=10.0, generator=seeded(12)).mean(dim=0)
    assert (mean - 0.2).abs().max().item() < 0.05


def test_low_temperature_approaches_one_hot():
    logits = torch.tensor(LOGITS, dtype=torch.float64).expand(2000, 5)
    largest = {tau: gumbel_softmax(logits, tau=tau, generator=seeded(13)).max(dim=-1).values
               for tau in (1.0, 0.1, 0.01, 0.001)}
    assert largest[1.0].mean() < largest[0.1].mean() < largest[0.01].mean() < largest[0.001].mean()
    # A sample stays short of one-hot only where its top two perturbed logits are within
    # τ ln 99 of each other: about 2% of the draws at τ = 0.01, 0.2% at τ = 0.001.
    near_one_hot = {tau: (largest[tau] > 0.99).double().mean().item() for tau in largest}
    assert near_one_hot[0.1] < near_one_hot[0.01] < near_one_hot[0.001]
    assert near_one_hot[0.001] > 0.99
    assert largest[0.001].mean().item() > 0.998


def test_hard_is_one_hot_with_the_soft_gradient():
    logits = torch.randn(8, 5, generator=seeded(14), dtype=torch.float64, requires_grad=True)
    weights = torch.randn(8, 5, generator=seeded(15), dtype=torch.float64)
    hard = gumbel_softmax(logits, tau=0.5, hard=True, generator=seeded(16))
    soft = gumbel_softmax(logits, tau=0.5, hard=False, generator=seeded(16))   # the same noise
    one_hot = torch.nn.functional.one_hot(soft.argmax(dim=-1), 5).to(torch.float64)
    torch.testing.assert_close(hard.detach(), one_hot, rtol=0, atol=1e-15)
    assert hard.requires_grad
    (hard_gradient,) = torch.autograd.grad((weights * hard).sum(), logits)
    (soft_gradient,) = torch.autograd.grad((weights * soft).sum(), logits)
    torch.testing.assert_close(hard_gradient, soft_gradient, rtol=0, atol=0)  # straight through
    assert hard_gradient.abs().sum().item() > 0


def test_soft_sample_matches_the_formula_on_its_own_noise():
    logits = torch.randn(3, 4, generator=seeded(17), dtype=torch.float64)
    uniform = torch.rand(3, 4, generator=seeded(18), dtype=torch.float64)
    noise = -torch.log(-torch.log(uniform))
    expected = torch.softmax((logits + noise) / 0.8, dim=-1)
    torch.testing.assert_close(gumbel_softmax(logits, tau=0.8, generator=seeded(18)), expected)


def test_single_category_is_one():
    assert gumbel_softmax(torch.zeros(3, 1)).eq(1.0).all()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"logits": [0.0, 1.0]}, TypeError, "logits must be a floating-point"),
    ({"logits": torch.zeros(3, dtype=torch.int64)}, TypeError, "logits must be a floating-point"),
    ({"logits": torch.tensor(1.0)}, ValueError, "category axis"),
    ({"logits": torch.zeros(3, 0)}, ValueError, "category axis"),
    ({"tau": 0.0}, ValueError, "tau"),
    ({"tau": -0.5}, ValueError, "tau"),
    ({"tau": float("inf")}, ValueError, "tau"),
    ({"hard": 1}, TypeError, "hard must be a bool"),
])
def test_bad_input(kwargs, error, match):
    arguments = {"logits": torch.zeros(2, 3), **kwargs}
    with pytest.raises(error, match=match):
        gumbel_softmax(**arguments)


# ---- the annealing schedule ---------------------------------------------------------------------


def test_schedule_values():
    assert gumbel_temperature(0) == 1.0
    assert gumbel_temperature(1000, rate=1e-4) == pytest.approx(math.exp(-0.1))
    assert gumbel_temperature(10**9) == 0.5
    assert gumbel_temperature(7, tau0=2.0, tau_min=0.1, rate=0.1) == pytest.approx(2.0 * math.exp(-0.7))
    assert gumbel_temperature(100, tau0=2.0, tau_min=0.1, rate=0.0) == 2.0
    assert gumbel_temperature(5, tau0=0.7, tau_min=0.7) == 0.7


def test_schedule_is_monotone_and_clipped():
    steps = list(range(0, 20000, 50))
    taus = [gumbel_temperature(step, tau0=1.0, tau_min=0.5, rate=1e-4) for step in steps]
    assert all(later <= earlier for earlier, later in zip(taus, taus[1:]))
    assert min(taus) == 0.5 and max(taus) == 1.0
    switch = math.log(2.0) / 1e-4  # exp(-rate t) = 0.5
    assert all((tau == 0.5) == (step >= switch) for step, tau in zip(steps, taus))


@pytest.mark.parametrize("kwargs, match", [
    ({"step": -1}, "step"),
    ({"step": 1.5}, "step"),
    ({"step": True}, "step"),
    ({"tau0": 0.0}, "tau0"),
    ({"tau_min": 0.0}, "tau_min"),
    ({"tau_min": 2.0}, "tau_min"),            # above tau0
    ({"rate": -1e-4}, "rate"),
    ({"rate": float("nan")}, "rate"),
])
def test_schedule_bad_input(kwargs, match):
    arguments = {"step": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        gumbel_temperature(**arguments)


def test_docstring_examples():
    assert doctest.testmod(gumbel_module).failed == 0
