"""unsup.cluster.KDEValleyClustering: 1-D clusters between the valleys of a Gaussian KDE."""

import doctest
import logging
import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score

import unsup.cluster.kde_valley
from unsup.cluster import KDEValleyClustering
from unsup.exceptions import NotFittedError


def mixture(means, sizes, scales, seed):
    rng = np.random.default_rng(seed)
    values = np.concatenate([rng.normal(m, s, n) for m, s, n in zip(means, scales, sizes)])
    labels = np.repeat(np.arange(len(means)), sizes)
    return values, labels


def integral(values, grid):
    """The trapezoid rule (np.trapezoid is numpy >= 2 only)."""
    return float(np.sum((values[1:] + values[:-1]) / 2 * np.diff(grid)))


def exact_kde(points, weights, bandwidth, at):
    """The Gaussian KDE summed point by point (the brute-force reference of the binned one)."""
    z = (at[:, None] - points[None, :]) / bandwidth
    return (np.exp(-0.5 * z**2) @ weights) / (weights.sum() * bandwidth * np.sqrt(2 * np.pi))


@pytest.mark.parametrize("means", [[0.0, 10.0], [-5.0, 7.0, 20.0], [0.0, 10.0, 20.0, 30.0, 40.0]])
@pytest.mark.parametrize("bandwidth", ["silverman", "scott"])
def test_separated_gaussians_give_one_cluster_each(means, bandwidth):
    k = len(means)
    x, truth = mixture(means, [400] * k, [1.0] * k, seed=k)
    model = KDEValleyClustering(bandwidth=bandwidth).fit(x)
    assert model.n_clusters_ == k
    assert model.modes_.shape == (k,) and model.boundaries_.shape == (k - 1,)
    np.testing.assert_allclose(model.modes_, means, atol=0.5)
    midpoints = (np.array(means[:-1]) + np.array(means[1:])) / 2
    np.testing.assert_allclose(model.boundaries_, midpoints, atol=0.6)
    assert adjusted_rand_score(truth, model.labels_) == 1.0
    np.testing.assert_array_equal(model.labels_, truth)  # numbered from left to right
    np.testing.assert_array_equal(model.fit_predict(x), model.labels_)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_gaussian_is_one_cluster(seed):
    x = np.random.default_rng(seed).normal(3.0, 2.0, 2000)
    model = KDEValleyClustering().fit(x)
    assert model.n_clusters_ == 1 and model.boundaries_.size == 0
    np.testing.assert_array_equal(model.labels_, 0)
    assert abs(model.modes_[0] - 3.0) < 0.5


def test_the_binned_density_matches_the_exact_kde():
    x, _ = mixture([0.0, 6.0], [700, 300], [1.0, 0.5], seed=3)
    model = KDEValleyClustering(bandwidth=0.3).fit(x)
    exact = exact_kde(x, np.ones_like(x), 0.3, model.grid_)
    assert integral(exact, model.grid_) == pytest.approx(1.0, abs=2e-3)
    np.testing.assert_allclose(model.density_, exact, rtol=0, atol=2e-3 * exact.max())
    # The boundary is the exact KDE's minimum between the modes, to a grid step.
    between = (model.grid_ > 1.0) & (model.grid_ < 5.0)
    exact_valley = model.grid_[between][np.argmin(exact[between])]
    spacing = model.grid_[1] - model.grid_[0]
    assert model.n_clusters_ == 2
    assert abs(model.boundaries_[0] - exact_valley) <= 1.5 * spacing


@pytest.mark.parametrize("rule", ["silverman", "scott"])
def test_rule_bandwidths_follow_their_formulas(rule):
    x = np.random.default_rng(4).standard_t(3, size=1500)
    n = x.size
    q1, q3 = np.quantile(x, [0.25, 0.75], method="hazen")
    expected = (0.9 * min(x.std(), (q3 - q1) / 1.349) * n**-0.2 if rule == "silverman"
                else (4 / 3) ** 0.2 * x.std() * n**-0.2)
    assert KDEValleyClustering(bandwidth=rule).fit(x).bandwidth_ == pytest.approx(expected, rel=1e-12)


def test_weighted_quartiles_agree_with_the_unweighted_ones_for_equal_weights():
    x = np.random.default_rng(5).normal(size=301)
    np.testing.assert_allclose(unsup.cluster.kde_valley._weighted_quantiles(x, np.full(301, 2.5), [0.25, 0.75]),
                               np.quantile(x, [0.25, 0.75], method="hazen"), rtol=1e-12)


def test_density_integrates_to_one_and_grid_covers_three_bandwidths():
    x = np.random.default_rng(6).gamma(2.0, size=3000)
    model = KDEValleyClustering(grid_size=512).fit(x)
    assert model.grid_.shape == model.density_.shape == (512,)
    assert integral(model.density_, model.grid_) == pytest.approx(1.0, abs=5e-3)
    assert model.grid_[0] == pytest.approx(x.min() - 3 * model.bandwidth_)
    assert model.grid_[-1] == pytest.approx(x.max() + 3 * model.bandwidth_)


def test_an_empty_stretch_is_cut_in_its_middle():
    x = np.concatenate([np.linspace(0.0, 1.0, 200), np.linspace(99.0, 100.0, 200)])
    model = KDEValleyClustering(bandwidth=0.2).fit(x)
    assert model.n_clusters_ == 2
    assert model.boundaries_[0] == pytest.approx(50.0, abs=1.0)


def test_min_prominence_drops_small_bumps():
    x, _ = mixture([0.0, 8.0], [1940, 60], [1.0, 0.5], seed=7)
    assert KDEValleyClustering(min_prominence=0.01).fit(x).n_clusters_ == 2
    dropped = KDEValleyClustering(min_prominence=0.3).fit(x)
    assert dropped.n_clusters_ == 1 and dropped.boundaries_.size == 0
    # With no threshold every local maximum counts, so there are at least as many clusters.
    assert KDEValleyClustering(min_prominence=0.0).fit(x).n_clusters_ >= 2


def test_prominence_of_peaks_on_a_known_profile():
    density = np.array([0.0, 1.0, 0.2, 3.0, 3.0, 1.5, 2.0, 0.5, 0.0])
    peaks, prominences = unsup.cluster.kde_valley._peaks_and_prominences(density)
    np.testing.assert_array_equal(peaks, [1.0, 3.5, 6.0])  # a flat top counts at its middle
    np.testing.assert_array_equal(prominences, [0.8, 3.0, 0.5])


def test_predict_cuts_at_the_boundaries():
    x, _ = mixture([0.0, 10.0, 20.0], [300] * 3, [1.0] * 3, seed=8)
    model = KDEValleyClustering().fit(x)
    b0, b1 = model.boundaries_
    points = np.array([-1e6, b0 - 1e-9, b0, b1 - 1e-9, b1, 1e6])
    np.testing.assert_array_equal(model.predict(points), [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(model.predict(points.reshape(-1, 1)), model.predict(points))
    assert model.predict(points).dtype == np.int64


def test_column_input_and_list_input_equal_1d_input():
    x, _ = mixture([0.0, 10.0], [200, 200], [1.0, 1.0], seed=9)
    flat = KDEValleyClustering().fit(x)
    column = KDEValleyClustering().fit(x.reshape(-1, 1))
    listed = KDEValleyClustering().fit(x.tolist())
    for other in (column, listed):
        np.testing.assert_array_equal(other.labels_, flat.labels_)
        np.testing.assert_array_equal(other.boundaries_, flat.boundaries_)
    assert flat.n_features_in_ == 1
    single = KDEValleyClustering().fit(x.astype(np.float32))
    np.testing.assert_allclose(single.boundaries_, flat.boundaries_, atol=1e-3)


def test_constant_data_is_one_cluster():
    model = KDEValleyClustering().fit(np.full(50, 2.5))
    assert model.n_clusters_ == 1 and model.bandwidth_ == 0.0
    np.testing.assert_array_equal(model.modes_, [2.5])
    np.testing.assert_array_equal(model.labels_, 0)
    np.testing.assert_array_equal(model.predict([-1.0, 2.5, 9.0]), 0)
    one = KDEValleyClustering().fit([7.0])
    assert one.n_clusters_ == 1 and one.modes_[0] == 7.0
    smoothed = KDEValleyClustering(bandwidth=0.5).fit(np.full(50, 2.5))
    assert smoothed.n_clusters_ == 1 and smoothed.modes_[0] == pytest.approx(2.5)


def test_sample_weights():
    x, _ = mixture([0.0, 10.0], [300, 300], [1.0, 1.0], seed=10)
    base = KDEValleyClustering().fit(x)
    # Scaling all weights changes nothing (Kish's effective size in the rules).
    scaled = KDEValleyClustering().fit(x, sample_weight=np.full(x.size, 0.01))
    assert scaled.bandwidth_ == pytest.approx(base.bandwidth_, rel=1e-12)
    np.testing.assert_allclose(scaled.density_, base.density_, rtol=1e-9, atol=1e-12)
    # Zero weight is removal, also for the extent of the grid; such points are still labelled.
    far = np.r_[x, 500.0]
    zeroed = KDEValleyClustering().fit(far, sample_weight=np.r_[np.ones(x.size), 0.0])
    np.testing.assert_allclose(zeroed.grid_, base.grid_)
    np.testing.assert_allclose(zeroed.density_, base.density_, rtol=1e-9, atol=1e-12)
    assert zeroed.labels_.shape == (x.size + 1,) and zeroed.labels_[-1] == 1
    # With a fixed bandwidth, integer weights are repetitions.
    counts = np.random.default_rng(11).integers(0, 4, size=x.size)
    weighted = KDEValleyClustering(bandwidth=0.4).fit(x, sample_weight=counts)
    repeated = KDEValleyClustering(bandwidth=0.4).fit(np.repeat(x, counts))
    np.testing.assert_allclose(weighted.density_, repeated.density_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weighted.boundaries_, repeated.boundaries_)
    # Weights move the valley: a heavier left component pushes it right.
    heavy_left = KDEValleyClustering(bandwidth=1.0).fit(x, sample_weight=np.r_[np.full(300, 3.0), np.ones(300)])
    assert heavy_left.boundaries_[0] > KDEValleyClustering(bandwidth=1.0).fit(x).boundaries_[0]


def test_a_million_points():
    x, truth = mixture([0.0, 10.0, 20.0, 30.0, 40.0], [200_000] * 5, [1.0] * 5, seed=12)
    model = KDEValleyClustering().fit(x)
    assert model.n_clusters_ == 5
    assert adjusted_rand_score(truth, model.labels_) > 0.9999


def test_coarse_grid_is_logged(caplog):
    x = np.r_[np.random.default_rng(13).normal(size=500), 1e5]
    with caplog.at_level(logging.WARNING, logger="unsup"):
        model = KDEValleyClustering().fit(x)
    assert "raise grid_size" in caplog.text
    assert model.n_clusters_ == 1  # the lone outlier's bump is far below min_prominence


def test_estimator_basics():
    x, _ = mixture([0.0, 10.0], [100, 100], [1.0, 1.0], seed=14)
    model = KDEValleyClustering(bandwidth=0.5, grid_size=256, min_prominence=0.1)
    assert model.fit(x) is model
    again = clone(model).fit(x)
    np.testing.assert_array_equal(again.labels_, model.labels_)
    np.testing.assert_array_equal(again.density_, model.density_)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(x), model.predict(x))
    permutation = np.random.default_rng(15).permutation(x.size)
    shuffled = KDEValleyClustering(bandwidth=0.5, grid_size=256, min_prominence=0.1).fit(x[permutation])
    np.testing.assert_allclose(shuffled.boundaries_, model.boundaries_)
    np.testing.assert_array_equal(shuffled.labels_, model.labels_[permutation])
    read_only = x.copy()
    read_only.flags.writeable = False
    np.testing.assert_array_equal(clone(model).fit(read_only).labels_, model.labels_)
    assert model.get_params() == {"bandwidth": 0.5, "grid_size": 256, "min_prominence": 0.1}


@pytest.mark.parametrize("X, match", [
    (np.zeros((10, 2)), "1-D data"),
    ([[1.0, 2.0]], "1-D data"),
    ([1.0, np.nan, 2.0], "NaN"),
    ([1.0, np.inf, 2.0], "infinity"),
    (np.empty(0), "0 sample"),
    (np.zeros((3, 2, 1)), "dim"),
])
def test_rejects_bad_data(X, match):
    with pytest.raises(ValueError, match=match):
        KDEValleyClustering().fit(X)


@pytest.mark.parametrize("params, match", [
    ({"bandwidth": "normal"}, "bandwidth"),
    ({"bandwidth": 0.0}, "bandwidth"),
    ({"bandwidth": -1.0}, "bandwidth"),
    ({"bandwidth": np.nan}, "bandwidth"),
    ({"bandwidth": True}, "bandwidth"),
    ({"grid_size": 8}, "grid_size"),
    ({"grid_size": 100.0}, "grid_size"),
    ({"min_prominence": -0.1}, "min_prominence"),
    ({"min_prominence": 1.0}, "min_prominence"),
])
def test_rejects_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        KDEValleyClustering(**params).fit([0.0, 1.0, 2.0])


@pytest.mark.parametrize("sample_weight, match", [
    ([1.0, -1.0, 1.0], "non-negative"),
    ([1.0, np.nan, 1.0], "finite"),
    ([1.0, 1.0], "one weight per sample"),
    ([0.0, 0.0, 0.0], "all zero"),
])
def test_rejects_bad_weights(sample_weight, match):
    with pytest.raises(ValueError, match=match):
        KDEValleyClustering().fit([0.0, 1.0, 2.0], sample_weight=sample_weight)


def test_predict_needs_a_fit_and_one_column():
    with pytest.raises(NotFittedError):
        KDEValleyClustering().predict([1.0])
    model = KDEValleyClustering().fit([0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="1 features|1-D data"):
        model.predict(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        model.predict([np.nan])


def test_importable_from_unsup_stats_without_loading_it_eagerly(tmp_path):
    code = ("import sys, unsup.stats\n"
            "assert 'unsup.cluster.kde_valley' not in sys.modules and 'sklearn' not in sys.modules\n"
            "assert 'KDEValleyClustering' in dir(unsup.stats)\n"
            "from unsup.stats import KDEValleyClustering\n"
            "from unsup.cluster import KDEValleyClustering as FromCluster\n"
            "assert KDEValleyClustering is FromCluster\n"
            "print('ok')\n")
    # Outside the source tree, like tests/test_optional_imports.py.
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_docstring_examples():
    assert doctest.testmod(unsup.cluster.kde_valley).failed == 0
