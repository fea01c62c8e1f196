"""CapsuleLayer and EMCapsuleLayer: predictions, routing parity with the C++ kernels, shapes, errors."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import unsup.cluster as cluster  # noqa: E402
from unsup.nn import CapsuleLayer, EMCapsuleLayer  # noqa: E402


def _x(shape, seed=0):
    return torch.from_numpy(np.random.default_rng(seed).normal(size=shape))


@pytest.mark.parametrize("share_weights", [True, False])
@pytest.mark.parametrize("routing", ["su", "sabour"])
def test_capsule_layer_routes_its_predictions_like_the_kernel(share_weights, routing):
    torch.manual_seed(0)
    layer = CapsuleLayer(4, 6, routings=3, share_weights=share_weights, routing=routing, squash_eps=0.5).double()
    x = _x((3, 9, 5))
    v = layer(x)
    w = layer.weight.detach().numpy()
    if share_weights:
        u_hat = np.einsum("bid,do->bio", x.numpy(), w)
    else:
        u_hat = np.einsum("bid,ido->bio", x.numpy(), w)
    u_hat = u_hat.reshape(3, 9, 4, 6)
    np.testing.assert_allclose(layer.predictions(x).detach().numpy(), u_hat, atol=1e-12)
    expected = cluster.dynamic_routing(u_hat, 3, routing, squash_eps=0.5)
    np.testing.assert_allclose(v.detach().numpy(), expected, atol=1e-12)
    assert (v.norm(dim=-1) < 1).all()


def test_capsule_layer_is_built_from_the_first_batch_or_eagerly():
    lazy = CapsuleLayer(10, 16)
    assert lazy.has_uninitialized_params()
    assert tuple(lazy(torch.randn(2, 7, 8)).shape) == (2, 10, 16)
    assert tuple(lazy.weight.shape) == (8, 160)
    # Shared weights do not depend on the number of inputs.
    assert tuple(lazy(torch.randn(2, 30, 8)).shape) == (2, 10, 16)
    eager = CapsuleLayer(3, 4, share_weights=False, input_dim_capsule=5, input_num_capsule=6)
    assert tuple(eager.weight.shape) == (6, 5, 12)
    assert isinstance(eager.weight, torch.nn.Parameter) and not eager.has_uninitialized_params()
    # Built layers round-trip through a state dict.
    clone = CapsuleLayer(3, 4, share_weights=False, input_dim_capsule=5, input_num_capsule=6)
    clone.load_state_dict(eager.state_dict())
    x = torch.randn(2, 6, 5)
    assert torch.equal(clone(x), eager(x))


def test_capsule_layer_trains():
    # Two kinds of input pattern; the length of output capsule k should flag kind k.
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    base = torch.randn(2, 6, 4, generator=g)
    labels = torch.randint(0, 2, (64,), generator=g)
    x = base[labels] + 0.3 * torch.randn(64, 6, 4, generator=g)
    layer = CapsuleLayer(2, 4, share_weights=False, input_dim_capsule=4, input_num_capsule=6)
    opt = torch.optim.Adam(layer.parameters(), lr=0.05)
    for _ in range(60):
        lengths = layer(x).norm(dim=-1)
        loss = torch.nn.functional.cross_entropy(lengths * 10, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    accuracy = (layer(x).norm(dim=-1).argmax(1) == labels).float().mean()
    assert accuracy > 0.95


def test_em_capsule_layer_votes_and_routing_match_the_kernel():
    torch.manual_seed(0)
    layer = EMCapsuleLayer(3, routings=3, inv_temp=0.2).double()
    poses, a_in = _x((2, 5, 4, 4)), torch.from_numpy(np.random.default_rng(1).uniform(size=(2, 5)))
    out, act = layer(poses, a_in)
    w = layer.weight.detach().numpy()
    votes = np.zeros((2, 5, 3, 16))
    for b in range(2):
        for i in range(5):
            for j in range(3):
                votes[b, i, j] = (poses[b, i].numpy() @ w[i, j]).ravel()
    np.testing.assert_allclose(layer.votes(poses).detach().numpy(), votes, atol=1e-12)
    # Betas start at 0 (scalars for the kernel); λ anneals 0.2/3, 0.4/3, 0.2.
    assert layer.inv_temp == pytest.approx([0.2 / 3, 0.4 / 3, 0.2])
    p, a = cluster.em_routing(votes, a_in.numpy(), 3, 0.0, 0.0, inv_temp=[0.2 / 3, 0.4 / 3, 0.2])
    np.testing.assert_allclose(out.detach().numpy().reshape(2, 3, 16), p, atol=1e-11)
    np.testing.assert_allclose(act.detach().numpy(), a, atol=1e-12)


def test_em_capsule_layer_gradients_reach_weights_and_betas():
    layer = EMCapsuleLayer(4, pose_shape=(3, 3), inv_temp=0.1)
    poses, act = layer(torch.randn(2, 6, 3, 3), torch.rand(2, 6))
    assert tuple(poses.shape) == (2, 4, 3, 3) and tuple(layer.weight.shape) == (6, 4, 3, 3)
    (poses.square().sum() + act.sum()).backward()
    for p in (layer.weight, layer.beta_u, layer.beta_a):
        assert p.grad is not None and p.grad.abs().sum() > 0


@pytest.mark.parametrize("make, match", [
    (lambda: CapsuleLayer(0, 4), "num_capsule"),
    (lambda: CapsuleLayer(2, 4, routings=0), "routings"),
    (lambda: CapsuleLayer(2, 4, routing="em"), "routing"),
    (lambda: CapsuleLayer(2, 4, squash_eps=-0.1), "squash_eps"),
    (lambda: CapsuleLayer(2, 4, share_weights=1), "share_weights"),
    (lambda: EMCapsuleLayer(2, inv_temp=0.0), "inv_temp"),
    (lambda: EMCapsuleLayer(2, routings=2, inv_temp=[1.0]), "inv_temp"),
    (lambda: EMCapsuleLayer(2, pose_shape=(4,)), "pose_shape"),
])
def test_bad_parameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_input():
    layer = CapsuleLayer(2, 4, share_weights=False, input_dim_capsule=3, input_num_capsule=5)
    with pytest.raises(ValueError, match="shape"):
        layer(torch.randn(2, 5))
    with pytest.raises(ValueError, match="components"):
        layer(torch.randn(2, 5, 4))
    with pytest.raises(ValueError, match="capsules"):
        layer(torch.randn(2, 6, 3))
    em = EMCapsuleLayer(2, input_num_capsule=3)
    with pytest.raises(ValueError, match="poses"):
        em(torch.randn(2, 3, 16), torch.rand(2, 3))
    with pytest.raises(ValueError, match="activations"):
        em(torch.randn(2, 3, 4, 4), torch.rand(2, 4))
    with pytest.raises(ValueError, match="capsules"):
        em(torch.randn(2, 4, 4, 4), torch.rand(2, 4))
    # Integer tensors are refused by name, before a lazy layer would try to build int weights.
    with pytest.raises(TypeError, match="floating"):
        CapsuleLayer(2, 3)(torch.zeros(2, 3, 4, dtype=torch.int64))
    with pytest.raises(TypeError, match="floating"):
        EMCapsuleLayer(2)(torch.zeros(2, 3, 4, 4, dtype=torch.int64), torch.rand(2, 3))
