"""unsup.nn routing: the same results as the C++ kernels of unsup.cluster, with gradients."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import unsup.cluster as cluster  # noqa: E402
from unsup.nn import dynamic_routing, em_routing, squash  # noqa: E402


def _u(shape, dtype=np.float64, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


@pytest.mark.parametrize("variant", ["su", "sabour"])
@pytest.mark.parametrize("n_iter", [1, 3, 5])
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_dynamic_routing_matches_the_kernel(variant, n_iter, dtype, tol):
    u = _u((3, 37, 6, 9), dtype)
    v, c = cluster.dynamic_routing(u, n_iter, variant, return_couplings=True)
    tv, tc = dynamic_routing(torch.from_numpy(u), n_iter, variant, return_couplings=True)
    assert tv.dtype == torch.from_numpy(u).dtype
    np.testing.assert_allclose(tv.numpy(), v, rtol=0, atol=tol)
    np.testing.assert_allclose(tc.numpy(), c, rtol=0, atol=tol)


@pytest.mark.parametrize("squash_eps", [0.0, 0.25, 2.0])
def test_dynamic_routing_squash_eps_matches_the_kernel(squash_eps):
    u = _u((2, 11, 4, 5))
    for variant in ("su", "sabour"):
        v = cluster.dynamic_routing(u, 3, variant, squash_eps=squash_eps)
        tv = dynamic_routing(torch.from_numpy(u), 3, variant, squash_eps=squash_eps)
        np.testing.assert_allclose(tv.numpy(), v, rtol=0, atol=1e-12)


def test_couplings_are_a_softmax_over_the_output_capsules():
    # One input agrees with output capsule 1 only: its coupling must go to output 1, and each
    # input's couplings must sum to one over the outputs (not over the inputs).
    u = _u((1, 8, 3, 4), seed=1) * 0.1
    u[0, :, 1] += np.array([3.0, 0, 0, 0])
    _, c = dynamic_routing(torch.from_numpy(u), 3, "su", return_couplings=True)
    np.testing.assert_allclose(c.sum(dim=2).numpy(), 1.0, atol=1e-12)
    assert not np.allclose(c.sum(dim=1).numpy(), 1.0)
    assert (c[0].argmax(dim=1) == 1).all()


def test_squash_lengths_and_zero():
    v = torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.3, 0.4]], dtype=torch.float64, requires_grad=True)
    s = squash(v, eps=1.0)
    np.testing.assert_allclose(s.norm(dim=1).detach().numpy(), [0.0, 25 / 26, 0.25 / 1.25], atol=1e-15)
    s.sum().backward()
    assert torch.isfinite(v.grad).all()
    np.testing.assert_allclose(squash(v.detach(), eps=0.0).norm(dim=1).numpy(), [0.0, 1.0, 1.0], atol=1e-15)


@pytest.mark.parametrize("variant", ["su", "sabour"])
def test_dynamic_routing_gradients(variant):
    u = torch.from_numpy(_u((2, 5, 3, 4))).requires_grad_()
    assert torch.autograd.gradcheck(lambda x: dynamic_routing(x, 3, variant), (u,))


def test_dynamic_routing_zero_input_has_finite_gradient():
    u = torch.zeros(1, 4, 2, 3, dtype=torch.float64, requires_grad=True)
    v = dynamic_routing(u, 3, "su")
    v.sum().backward()
    assert (v == 0).all() and torch.isfinite(u.grad).all()


@pytest.mark.parametrize("n_iter", [1, 2, 3])
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-11), (np.float32, 1e-5)])
def test_em_routing_matches_the_kernel(n_iter, dtype, tol):
    rng = np.random.default_rng(2)
    votes = rng.normal(size=(3, 29, 5, 16)).astype(dtype)
    a_in = rng.uniform(size=(3, 29)).astype(dtype)
    kw = dict(beta_u=-1.0, beta_a=0.5, inv_temp=0.05, return_assignments=True)
    p, a, r = cluster.em_routing(votes, a_in, n_iter, **kw)
    tp, ta, tr = em_routing(torch.from_numpy(votes), torch.from_numpy(a_in), n_iter, **kw)
    for ours, theirs in ((tp, p), (ta, a), (tr, r)):
        np.testing.assert_allclose(ours.numpy(), theirs, rtol=tol, atol=tol)


def test_em_routing_default_schedule_and_empty_capsules_match_the_kernel():
    rng = np.random.default_rng(3)
    votes = rng.normal(size=(2, 6, 3, 4))
    a_in = np.zeros((2, 6))
    a_in[1] = rng.uniform(size=6)
    p, a = cluster.em_routing(votes, a_in, 3)
    tp, ta = em_routing(torch.from_numpy(votes), torch.from_numpy(a_in), 3)
    np.testing.assert_allclose(tp.numpy(), p, atol=1e-12)
    np.testing.assert_allclose(ta.numpy(), a, atol=1e-12)
    assert (tp[0] == 0).all() and torch.allclose(ta[0], torch.full((3,), 0.5, dtype=torch.float64))


def test_em_routing_per_capsule_betas_receive_gradients():
    rng = np.random.default_rng(4)
    votes = torch.from_numpy(rng.normal(size=(2, 7, 3, 4))).requires_grad_()
    a_in = torch.from_numpy(rng.uniform(size=(2, 7)))
    beta_u = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    beta_a = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    poses, act = em_routing(votes, a_in, 3, beta_u, beta_a, inv_temp=0.1)
    (poses.sum() + act.sum()).backward()
    assert beta_u.grad.abs().sum() > 0 and beta_a.grad.abs().sum() > 0 and votes.grad.abs().sum() > 0
    # A tensor of equal betas is the float form.
    p1, a1 = em_routing(votes.detach(), a_in, 3, torch.full((3,), -0.5, dtype=torch.float64), 0.2, inv_temp=0.1)
    p2, a2 = em_routing(votes.detach(), a_in, 3, -0.5, 0.2, inv_temp=0.1)
    assert torch.equal(p1, p2) and torch.equal(a1, a2)


def test_em_routing_gradcheck():
    rng = np.random.default_rng(5)
    votes = torch.from_numpy(rng.normal(size=(1, 4, 2, 3))).requires_grad_()
    a_in = torch.from_numpy(rng.uniform(0.2, 1.0, size=(1, 4))).requires_grad_()
    assert torch.autograd.gradcheck(lambda v, a: em_routing(v, a, 3, -1.0, 0.0, 0.3), (votes, a_in))


@pytest.mark.parametrize("call, match", [
    (lambda: dynamic_routing(np.zeros((1, 2, 3, 4))), "torch.Tensor"),
    (lambda: dynamic_routing(torch.zeros(2, 3, 4)), "shape"),
    (lambda: dynamic_routing(torch.zeros(1, 0, 3, 4)), "empty"),
    (lambda: dynamic_routing(torch.zeros(1, 2, 3, 4), n_iter=0), "n_iter"),
    (lambda: dynamic_routing(torch.zeros(1, 2, 3, 4), variant="x"), "variant"),
    (lambda: dynamic_routing(torch.zeros(1, 2, 3, 4), squash_eps=-1.0), "squash_eps"),
    (lambda: dynamic_routing(torch.zeros(1, 2, 3, 4, dtype=torch.int64)), "floating"),
    (lambda: em_routing(torch.zeros(1, 2, 3, 4), torch.zeros(1, 3)), "a_in"),
    (lambda: em_routing(torch.zeros(1, 2, 3, 4), torch.zeros(1, 2), eps=0.0), "eps"),
    (lambda: em_routing(torch.zeros(1, 2, 3, 4), torch.zeros(1, 2), inv_temp=[1.0]), "inv_temp"),
    (lambda: em_routing(torch.zeros(1, 2, 3, 4), torch.zeros(1, 2), beta_u=torch.zeros(2)), "beta_u"),
])
def test_bad_input(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
