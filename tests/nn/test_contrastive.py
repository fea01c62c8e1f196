"""unsup.nn InfoNCE and FlatNCE against brute-force formulas; FlatNCE's gradient is ∇ log ξ."""

import doctest
import importlib
import math

import pytest

torch = pytest.importorskip("torch")

from unsup.nn import FlatNCEOutput, flatnce, in_batch_scores, infonce  # noqa: E402

contrastive_module = importlib.import_module("unsup.nn.contrastive")


def brute_infonce(scores, target):
    terms = []
    for row, t in zip(scores.tolist(), target.tolist()):
        total = sum(math.exp(s) for s in row)
        terms.append(-math.log(math.exp(row[t]) / total))
    return sum(terms) / len(terms)


def brute_log_xi(scores, target):
    """log ξ_b = log Σ_{i≠t} exp(s_i - s_t), written out per row (differentiable, no masking)."""
    rows = []
    for b in range(scores.shape[0]):
        t = int(target[b])
        others = torch.cat([scores[b, :t], scores[b, t + 1:]])
        rows.append(torch.log(torch.exp(others - scores[b, t]).sum()))
    return torch.stack(rows)


def random_case(seed, batch=6, n_candidates=5):
    generator = torch.Generator().manual_seed(seed)
    scores = torch.randn(batch, n_candidates, generator=generator, dtype=torch.float64) * 2
    target = torch.randint(0, n_candidates, (batch,), generator=generator)
    return scores.requires_grad_(True), target


# ---- InfoNCE ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_infonce_is_the_mean_negative_log_softmax_of_the_target(seed):
    scores, target = random_case(seed)
    assert infonce(scores, target).item() == pytest.approx(brute_infonce(scores, target), rel=1e-12)


def test_infonce_default_target_is_candidate_zero():
    scores, _ = random_case(3)
    zeros = torch.zeros(scores.shape[0], dtype=torch.int64)
    assert infonce(scores).item() == pytest.approx(brute_infonce(scores, zeros), rel=1e-12)
    assert infonce(scores).item() != pytest.approx(infonce(scores, zeros + 1).item())


def test_infonce_is_stable_for_large_scores():
    scores = torch.tensor([[1000.0, 999.0, 0.0], [-1000.0, -1001.0, -1000.0]])
    expected = (math.log(1 + math.exp(-1)) + math.log(2 + math.exp(-1))) / 2
    assert infonce(scores).item() == pytest.approx(expected, rel=1e-6)


def test_infonce_accepts_int32_targets():
    scores, target = random_case(4)
    assert infonce(scores, target.to(torch.int32)).item() == pytest.approx(infonce(scores, target).item())


def test_in_batch_scores_are_cosine_similarities_over_temperature():
    generator = torch.Generator().manual_seed(5)
    queries = torch.randn(4, 3, generator=generator, dtype=torch.float64)
    keys = torch.randn(4, 3, generator=generator, dtype=torch.float64)
    scores = in_batch_scores(queries, keys, temperature=0.2)
    for a in range(4):
        for b in range(4):
            cosine = float(queries[a] @ keys[b]) / (float(queries[a].norm()) * float(keys[b].norm()))
            assert scores[a, b].item() == pytest.approx(cosine / 0.2, rel=1e-12)
    raw = in_batch_scores(queries, keys, temperature=2.0, normalize=False)
    assert torch.allclose(raw, queries @ keys.T / 2.0)
    assert infonce(scores, torch.arange(4)).item() == pytest.approx(brute_infonce(scores, torch.arange(4)))


# ---- FlatNCE ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_flatnce_gradient_is_the_gradient_of_log_xi(seed):
    scores, target = random_case(seed)
    result = flatnce(scores, target)
    assert isinstance(result, FlatNCEOutput)
    assert result.loss.item() == 1.0
    (flat_gradient,) = torch.autograd.grad(result.loss, scores)
    (log_xi_gradient,) = torch.autograd.grad(brute_log_xi(scores, target).mean(), scores)
    torch.testing.assert_close(flat_gradient, log_xi_gradient, rtol=0, atol=1e-6)
    torch.testing.assert_close(flat_gradient, log_xi_gradient, rtol=1e-12, atol=1e-15)  # in fact to rounding


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_flatnce_gradient_is_a_positive_multiple_of_infonce_gradient_per_sample(seed):
    scores, target = random_case(seed)
    (flat_gradient,) = torch.autograd.grad(flatnce(scores, target).loss, scores)
    (infonce_gradient,) = torch.autograd.grad(infonce(scores, target), scores)
    xi = torch.exp(brute_log_xi(scores.detach(), target))
    torch.testing.assert_close(flat_gradient, ((1 + xi) / xi)[:, None] * infonce_gradient, rtol=1e-10, atol=1e-14)
    # Each row sums to zero (shifting a row of scores changes nothing) and pulls the target up.
    torch.testing.assert_close(flat_gradient.sum(dim=1), torch.zeros(6, dtype=torch.float64), rtol=0, atol=1e-14)
    assert (flat_gradient.gather(1, target[:, None]) < 0).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_flatnce_reports_infonce(seed):
    scores, target = random_case(seed)
    result = flatnce(scores, target)
    assert result.infonce.item() == pytest.approx(infonce(scores, target).item(), rel=1e-12)
    assert not result.infonce.requires_grad
    assert flatnce(scores).infonce.item() == pytest.approx(infonce(scores).item(), rel=1e-12)


def test_flatnce_keeps_a_gradient_where_infonce_rounds_to_zero():
    # The positive wins by 40 nats: log(1 + ξ) = 2e-17 rounds to 0 in float32 and its gradient is
    # ~1e-18, while FlatNCE's gradient stays of order 1 (Su's point about small batches).
    scores = torch.tensor([[40.0, 0.0, 0.0], [0.0, 40.0, 0.0]], requires_grad=True)
    target = torch.tensor([0, 1])
    assert infonce(scores, target).item() == 0.0
    (infonce_gradient,) = torch.autograd.grad(infonce(scores, target), scores)
    (flat_gradient,) = torch.autograd.grad(flatnce(scores, target).loss, scores)
    assert infonce_gradient.abs().max().item() < 1e-15
    torch.testing.assert_close(flat_gradient, torch.tensor([[-0.5, 0.25, 0.25], [0.25, -0.5, 0.25]]))


def test_flatnce_ignores_masked_candidates():
    # A candidate at -inf is no candidate: same loss gradient as without it, and no NaN.
    scores, target = random_case(7, batch=3, n_candidates=4)
    target = torch.zeros(3, dtype=torch.int64)
    padded = torch.cat([scores, torch.full((3, 1), float("-inf"), dtype=torch.float64)], dim=1)
    (with_pad,) = torch.autograd.grad(flatnce(padded, target).loss, scores)
    (without,) = torch.autograd.grad(flatnce(scores, target).loss, scores)
    torch.testing.assert_close(with_pad, without)


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", [infonce, flatnce])
def test_bad_scores_and_targets(loss):
    good = torch.zeros(3, 4)
    with pytest.raises(TypeError, match="scores must be a torch.Tensor"):
        loss([[0.0, 1.0]])
    with pytest.raises(TypeError, match="scores must be a floating-point"):
        loss(torch.zeros(3, 4, dtype=torch.int64))
    with pytest.raises(ValueError, match="scores must have shape"):
        loss(torch.zeros(4))
    with pytest.raises(ValueError, match="scores needs a batch"):
        loss(torch.zeros(0, 4))
    with pytest.raises(TypeError, match="target must be an integer"):
        loss(good, torch.zeros(3))
    with pytest.raises(TypeError, match="target must be an integer"):
        loss(good, torch.zeros(3, dtype=torch.bool))
    with pytest.raises(TypeError, match="target must be None"):
        loss(good, [0, 1, 2])
    with pytest.raises(ValueError, match="target must have shape"):
        loss(good, torch.zeros(2, dtype=torch.int64))
    with pytest.raises(ValueError, match="target must hold indices"):
        loss(good, torch.tensor([0, 4, 1]))
    with pytest.raises(ValueError, match="target must hold indices"):
        loss(good, torch.tensor([0, -1, 1]))


def test_flatnce_needs_a_negative():
    assert infonce(torch.zeros(3, 1)).item() == 0.0
    with pytest.raises(ValueError, match="at least 2 candidates"):
        flatnce(torch.zeros(3, 1))


def test_bad_in_batch_scores():
    z = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="temperature"):
        in_batch_scores(z, z, temperature=0.0)
    with pytest.raises(ValueError, match="temperature"):
        in_batch_scores(z, z, temperature=-1.0)
    with pytest.raises(ValueError, match="same shape"):
        in_batch_scores(z, torch.zeros(4, 2))
    with pytest.raises(ValueError, match="keys must have shape"):
        in_batch_scores(z, torch.zeros(3, 2, 1))
    with pytest.raises(TypeError, match="queries must be a floating-point"):
        in_batch_scores(torch.zeros(3, 2, dtype=torch.int64), z)


def test_docstring_examples():
    assert doctest.testmod(contrastive_module).failed == 0
