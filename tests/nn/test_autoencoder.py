"""unsup.nn.autoencoder: the MLP autoencoder, its scikit-learn transformer and the SVD bar."""

from __future__ import annotations

import doctest
import logging
import warnings

import numpy as np
import pytest
import scipy.linalg

torch = pytest.importorskip("torch")

from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import unsup.nn.autoencoder as autoencoder_module  # noqa: E402
import unsup.nn.autoencoder_transformer as transformer_module  # noqa: E402
import unsup.utils.progress as progress_module  # noqa: E402
from unsup.decomposition import SVDAutoencoder  # noqa: E402
from unsup.nn import AutoencoderTransformer, MLPAutoencoder  # noqa: E402
from unsup.nn.autoencoder import mlp  # noqa: E402
from unsup.utils.progress import Progress  # noqa: E402


def _gapped_data(n: int = 300, n_features: int = 20, rank: int = 3, seed: int = 0) -> np.ndarray:
    """Rank-3 signal (sd 5, 4, 3) plus isotropic noise (sd 0.3) and a mean far from 0."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((n_features, n_features)))[0]
    scales = np.r_[[5.0, 4.0, 3.0][:rank], [0.3] * (n_features - rank)]
    return (rng.standard_normal((n, n_features)) * scales) @ basis.T + 2.0 * rng.standard_normal(n_features)


def _largest_angle(decoder_weight: np.ndarray, svd: SVDAutoencoder) -> float:
    return float(np.max(scipy.linalg.subspace_angles(decoder_weight, svd.components_.T)))


@pytest.mark.parametrize("module", [autoencoder_module, transformer_module, progress_module])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


# ---------------------------------------------------------------------- MLPAutoencoder
def test_mlp_autoencoder_shapes_and_mirrored_layers():
    ae = MLPAutoencoder(12, 3, hidden_layer_sizes=(10, 6), activation="tanh", random_state=0)
    widths = [layer.out_features for layer in ae.encoder if isinstance(layer, torch.nn.Linear)]
    assert widths == [10, 6, 3]
    widths = [layer.out_features for layer in ae.decoder if isinstance(layer, torch.nn.Linear)]
    assert widths == [6, 10, 12]
    assert sum(isinstance(layer, torch.nn.Tanh) for layer in ae.encoder) == 2  # none on the code
    x = torch.randn(7, 12, generator=torch.Generator().manual_seed(1))
    assert ae.encode(x).shape == (7, 3)
    assert ae.decode(ae.encode(x)).shape == ae(x).shape == (7, 12)


def test_mlp_autoencoder_without_hidden_layers_is_affine():
    ae = MLPAutoencoder(5, 2, activation="relu", random_state=0)  # relu is unused: no hidden layer
    x = torch.randn(4, 5, dtype=torch.float32, generator=torch.Generator().manual_seed(0))
    y = torch.randn(4, 5, dtype=torch.float32, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        mid = ae(0.5 * x + 0.5 * y)
        assert torch.allclose(mid, 0.5 * ae(x) + 0.5 * ae(y), atol=1e-6)


def test_initial_weights_follow_random_state_and_leave_the_global_generator_alone():
    before = torch.random.get_rng_state()
    a = MLPAutoencoder(6, 2, (5,), random_state=3)
    b = MLPAutoencoder(6, 2, (5,), random_state=3)
    c = MLPAutoencoder(6, 2, (5,), random_state=4)
    assert torch.equal(torch.random.get_rng_state(), before)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert not torch.equal(a.encoder[0].weight, c.encoder[0].weight)
    # Torch's default Linear init: uniform on ±1/√fan_in.
    assert float(a.encoder[0].weight.detach().abs().max()) <= 1 / np.sqrt(6)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"input_dim": 0, "latent_dim": 2}, ValueError, "input_dim"),
    ({"input_dim": 3, "latent_dim": 2.0}, ValueError, "latent_dim"),
    ({"input_dim": 3, "latent_dim": 2, "hidden_layer_sizes": (4, 0)}, ValueError, r"hidden_layer_sizes\[1\]"),
    ({"input_dim": 3, "latent_dim": 2, "hidden_layer_sizes": None}, TypeError, "hidden_layer_sizes"),
    ({"input_dim": 3, "latent_dim": 2, "activation": "softsign"}, ValueError, "activation"),
])
def test_mlp_autoencoder_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLPAutoencoder(**kwargs)


def test_mlp_needs_two_widths():
    with pytest.raises(ValueError, match="sizes"):
        mlp([3])


# ---------------------------------------------------------------------- the SVD bar
def test_linear_autoencoder_spans_the_svd_subspace_of_the_centred_data():
    # The transformer centres X and the network has biases: its optimum is the SVD of the
    # centred data (the SVD of the raw data would be pulled toward the mean).
    X = _gapped_data()
    centred = X - X.mean(axis=0)
    svd = SVDAutoencoder(n_components=3, algorithm="exact").fit(centred)
    ae = AutoencoderTransformer(n_components=3, solver="lbfgs", max_iter=400, tol=1e-7, random_state=0).fit(X)
    angle = _largest_angle(ae.model_.decoder[-1].weight.detach().numpy(), svd)
    assert angle < 0.05
    # Its reconstruction error is the Eckart–Young minimum.
    assert -ae.score(X) == pytest.approx(-svd.score(centred), rel=1e-3)
    # The raw data's subspace is measurably different (so the comparison has teeth).
    raw = SVDAutoencoder(n_components=3, algorithm="exact").fit(X)
    assert _largest_angle(ae.model_.decoder[-1].weight.detach().numpy(), raw) > 0.2


def test_linear_autoencoder_with_adam_also_reaches_the_svd_subspace():
    X = _gapped_data(n=200, seed=1)
    svd = SVDAutoencoder(n_components=3, algorithm="exact").fit(X - X.mean(axis=0))
    ae = AutoencoderTransformer(n_components=3, activation="identity", solver="adam", max_iter=300,
                                learning_rate=1e-2, batch_size=50, random_state=0).fit(X)
    assert _largest_angle(ae.model_.decoder[-1].weight.detach().numpy(), svd) < 0.05


def test_bias_free_linear_autoencoder_spans_the_svd_subspace_of_the_raw_data():
    X = _gapped_data(n=200, seed=2)
    svd = SVDAutoencoder(n_components=3, algorithm="exact").fit(X)
    ae = MLPAutoencoder(X.shape[1], 3, bias=False, random_state=0).double()
    data = torch.from_numpy(X)
    optimizer = torch.optim.LBFGS(ae.parameters(), max_iter=500, line_search_fn="strong_wolfe",
                                  tolerance_grad=1e-10, tolerance_change=1e-14)

    def closure():
        optimizer.zero_grad()
        loss = (ae(data) - data).square().sum(dim=1).mean()
        loss.backward()
        return loss.detach()

    optimizer.step(closure)
    assert _largest_angle(ae.decoder[-1].weight.detach().numpy(), svd) < 0.05


def test_nonlinear_autoencoder_beats_the_linear_one_on_a_curve():
    rng = np.random.default_rng(0)
    t = rng.uniform(-1.0, 1.0, 300)
    embed = np.linalg.qr(rng.standard_normal((6, 2)))[0]
    X = np.c_[t, 2 * t**2] @ embed.T + 0.01 * rng.standard_normal((300, 6))  # a parabola in R⁶
    centred = X - X.mean(axis=0)
    linear_error = -SVDAutoencoder(n_components=1, algorithm="exact").fit(centred).score(centred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ae = AutoencoderTransformer(n_components=1, hidden_layer_sizes=(16,), activation="relu", max_iter=100,
                                    learning_rate=1e-2, batch_size=32, random_state=0).fit(X)
    assert -ae.score(X) < 0.5 * linear_error


# ---------------------------------------------------------------------- the transformer
def test_fitted_attributes_loss_curve_and_round_trip():
    X = _gapped_data(n=120, n_features=8, rank=2)
    ae = AutoencoderTransformer(n_components=2, solver="lbfgs", max_iter=200, random_state=0).fit(X)
    assert ae.n_features_in_ == 8 and ae.n_iter_ == len(ae.loss_curve_) >= 1
    assert ae.loss_curve_[-1] < ae.loss_curve_[0]
    np.testing.assert_allclose(ae.mean_, X.mean(axis=0))
    np.testing.assert_array_equal(ae.scale_, np.ones(8))
    codes = ae.transform(X)
    assert codes.shape == (120, 2)
    back = ae.inverse_transform(codes)
    # The reconstruction error is (about) the noise outside the rank-2 signal.
    assert np.mean(np.sum((X - back) ** 2, axis=1)) == pytest.approx(-ae.score(X))
    assert -ae.score(X) < 6 * 0.3**2 * 1.3
    assert list(ae.get_feature_names_out()) == ["autoencodertransformer0", "autoencodertransformer1"]


def test_standardize_scales_columns_and_inverse_transform_undoes_it():
    X = _gapped_data(n=100, n_features=5, rank=2) * np.array([1.0, 10.0, 100.0, 0.1, 1.0])
    X[:, 4] = 7.0  # a constant column is left unscaled
    ae = AutoencoderTransformer(n_components=4, standardize=True, solver="lbfgs", max_iter=300,
                                random_state=0).fit(X)
    expected = X.std(axis=0)
    expected[4] = 1.0
    np.testing.assert_allclose(ae.scale_, expected)
    np.testing.assert_allclose(ae.inverse_transform(ae.transform(X))[:, 4], 7.0, atol=1e-3)
    assert -ae.score(X) < 1e-2 * np.sum(X.var(axis=0))


def test_float32_trains_in_float32_and_outputs_follow_the_input_dtype():
    X = _gapped_data(n=80, n_features=6, rank=2)
    ae32 = AutoencoderTransformer(n_components=2, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ae32.fit(X.astype(np.float32))
        ae64 = AutoencoderTransformer(n_components=2, max_iter=20, random_state=0).fit(X)
    assert next(ae32.model_.parameters()).dtype == torch.float32
    assert next(ae64.model_.parameters()).dtype == torch.float64
    assert ae32.transform(X.astype(np.float32)).dtype == np.float32
    assert ae32.transform(X).dtype == np.float64
    assert ae64.transform(X.astype(np.float32)).dtype == np.float32
    assert ae64.inverse_transform(np.zeros((3, 2), dtype=np.float32)).dtype == np.float32
    assert ae64.inverse_transform(np.zeros((3, 2), dtype=np.int64)).dtype == np.float64


def test_same_random_state_same_model_and_global_generator_untouched():
    X = _gapped_data(n=60, n_features=5, rank=2)
    before = torch.random.get_rng_state()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = AutoencoderTransformer(n_components=2, hidden_layer_sizes=(4,), max_iter=5, random_state=7).fit(X)
        b = AutoencoderTransformer(n_components=2, hidden_layer_sizes=(4,), max_iter=5, random_state=7).fit(X)
        c = AutoencoderTransformer(n_components=2, hidden_layer_sizes=(4,), max_iter=5, random_state=8).fit(X)
    assert torch.equal(torch.random.get_rng_state(), before)
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    assert not np.allclose(a.transform(X), c.transform(X))


def test_max_iter_reached_warns_and_counts():
    X = _gapped_data(n=60, n_features=5, rank=2)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        ae = AutoencoderTransformer(n_components=2, max_iter=3, random_state=0).fit(X)
    assert ae.n_iter_ == 3


def test_verbose_reports_progress(caplog, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):  # the log-line fallback, as without tqdm
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    X = _gapped_data(n=40, n_features=4, rank=2)
    with caplog.at_level(logging.INFO, logger="unsup"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        AutoencoderTransformer(n_components=2, max_iter=20, random_state=0, verbose=1).fit(X)
    lines = [r.getMessage() for r in caplog.records if r.name == "unsup"]
    assert any("20/20" in line and "loss=" in line for line in lines)
    assert any("20 steps" in line for line in lines)


def test_progress_is_silent_without_verbose(caplog):
    with caplog.at_level(logging.INFO, logger="unsup"):
        with Progress(5, "quiet", verbose=0) as progress:
            for _ in range(5):
                progress.update(loss=1.0)
    assert progress.steps == 5 and not caplog.records


@pytest.mark.parametrize("params, error, match", [
    ({"n_components": 0}, ValueError, "n_components"),
    ({"solver": "sgd"}, ValueError, "solver"),
    ({"max_iter": 0}, ValueError, "max_iter"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": "big"}, ValueError, "batch_size"),
    ({"learning_rate": -1.0}, ValueError, "learning_rate"),
    ({"tol": float("nan")}, ValueError, "tol"),
    ({"activation": "swish"}, ValueError, "activation"),
    ({"hidden_layer_sizes": (3, -1)}, ValueError, "hidden_layer_sizes"),
    ({"standardize": "yes"}, TypeError, "standardize"),
    ({"device": "abacus"}, ValueError, "device"),
    ({"random_state": "seed"}, TypeError, "random_state"),
])
def test_bad_parameters_are_named(params, error, match):
    with pytest.raises(error, match=match):
        AutoencoderTransformer(**params).fit(np.ones((5, 3)))


def test_inverse_transform_checks_the_code_width():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ae = AutoencoderTransformer(n_components=2, max_iter=2, random_state=0).fit(_gapped_data(n=30, n_features=4))
    with pytest.raises(ValueError, match="codes of shape"):
        ae.inverse_transform(np.zeros((3, 3)))


# ---------------------------------------------------------------------- scikit-learn's checks
@parametrize_with_checks([AutoencoderTransformer(n_components=2, max_iter=5, random_state=0)])
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)
