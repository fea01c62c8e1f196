"""Spherical (cosine) K-means, hard or soft: the clustering reading of dynamic capsule routing."""

from __future__ import annotations

import logging
from typing import Optional, Union

import numpy as np
import scipy.sparse as sp

from unsup import _core
from unsup.cluster import _lloyd
from unsup.cluster.kmeans import KMeans, check_sample_weight
from unsup.utils.validation import check_n_jobs, check_real, check_seed

__all__ = ["SphericalKMeans"]

logger = logging.getLogger("unsup")

_CENTERS = ("mean", "sum")
_ASSIGNMENTS = ("hard", "soft")


class SphericalKMeans(KMeans):
    """K-means on directions: rows are compared by cosine similarity.

    Hard assignment (Dhillon & Modha 2001) gives each row to the centre of largest cosine. Soft
    assignment weighs row i into centre j by ``c_ij = softmax_j(cos(x_i, v_j) / temperature)``
    (the softmax is over the centres, for each row) — with ``center="sum"`` this is Su's reading of
    dynamic routing as clustering: ``v_j = Σ_i c_ij x_i/‖x_i‖``, a centre whose length grows with its
    members, compared with the rows by direction only.

    Parameters
    ----------
    n_clusters : int, default=8
    assignment : {"hard", "soft"}, default="hard"
    center : {"mean", "sum"}, default="mean"
        ``"mean"``: unit centres (the normalised mean direction of the members); ``"sum"``: the
        sum of the members' unit vectors (routing semantics: more members, longer centre). The
        assignment uses the direction in both cases, so the labels do not depend on it.
    temperature : float, default=0.1
        Soft assignment only: the softmax temperature on cosines (→ 0: hard assignment).
    init, n_init, max_iter, tol, init_size, oversampling_factor, init_rounds, random_state, \
n_jobs, verbose
        As in :class:`KMeans` (seeding by cosine distance 1 − cos).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Unit rows (``center="mean"``) or member sums (``center="sum"``), in X's dtype.
    labels_ : ndarray of shape (n_samples,)
        The centre of largest cosine.
    inertia_ : float
        Σ w (1 − cos(x, nearest centre)).
    n_iter_ : int

    Notes
    -----
    Rows of zero norm have no direction: they are rejected with a ValueError.
    """

    _metric = "cosine"

    def __init__(self, n_clusters: int = 8, *, assignment: str = "hard", center: str = "mean",
                 temperature: float = 0.1, init: Union[str, np.ndarray] = "k-means||", n_init: int = 1,
                 max_iter: int = 300, tol: float = 1e-4, init_size: Optional[int] = None,
                 oversampling_factor: float = 2.0, init_rounds: int = 5, random_state=None,
                 n_jobs: Optional[int] = None, verbose: int = 0):
        # Not KMeans.__init__: the cosine passes never use Hamerly's bounds, so there is no
        # `algorithm` parameter to store.
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.init_size = init_size
        self.oversampling_factor = oversampling_factor
        self.init_rounds = init_rounds
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.assignment = assignment
        self.center = center
        self.temperature = temperature

    @property
    def _center(self) -> str:  # read by the shared Lloyd loop
        if self.center not in _CENTERS:
            raise ValueError(f"center must be one of {_CENTERS}, got {self.center!r}")
        return self.center

    def _check_rows(self, X) -> None:
        if sp.issparse(X):
            sq = np.asarray(X.multiply(X).sum(axis=1)).ravel()
        else:
            sq = np.einsum("ij,ij->i", X, X, dtype=np.float64)
        zero = np.flatnonzero(~(sq > 0))
        if zero.size:
            raise ValueError(f"X: {zero.size} row(s) of zero norm (e.g. row {zero[0]}): a zero vector has no "
                             "direction for cosine clustering; drop them first")

    def fit(self, X, y=None, sample_weight=None) -> "SphericalKMeans":
        """Compute the clustering (see :meth:`KMeans.fit`).

        Returns
        -------
        self
        """
        self._check_modes()
        if self.assignment == "hard":
            return super().fit(X, sample_weight=sample_weight)
        temperature = check_real(self.temperature, "temperature", low=1e-6)
        X = self._validate(X, reset=True)
        k = self._check_params(X.shape[0])
        self._check_rows(X)
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        n_jobs = check_n_jobs(self.n_jobs)
        rng = np.random.default_rng(check_seed(self.random_state))
        data = _lloyd.core_rows(X)
        best = None
        runs = 1 if not isinstance(self.init, str) else int(self.n_init)
        for _ in range(runs):
            centres = self._seed(X, k, weights, rng, n_jobs)
            iterations = 0
            for iteration in range(1, int(self.max_iter) + 1):
                scored = _lloyd.directions(centres)
                sums, mass, objective, _ = _core.cluster.soft_spherical_pass(data, weights, scored, 1.0 / temperature,
                                                                             False, n_jobs)
                new = _lloyd.centres_from_sums(sums, mass, centres, "cosine", self.center, X.dtype)
                shift = float(np.sum((_lloyd.directions(new).astype(np.float64) - scored) ** 2))
                centres = new
                iterations = iteration
                if self.verbose:
                    logger.info("SphericalKMeans(soft) iteration %d: objective %.6g, direction shift %.3g",
                                iteration, objective, shift)
                if shift <= float(self.tol):
                    break
            _, inertia = _lloyd.assign(data, weights, _lloyd.directions(centres), "cosine", X.shape[0], n_jobs)
            if best is None or inertia < best[1]:
                best = (centres, inertia, iterations)
        self.cluster_centers_, self.inertia_, self.n_iter_ = best
        self.labels_, _ = _core.cluster.nearest_centres(data, None, _lloyd.directions(self.cluster_centers_),
                                                        "cosine", n_jobs)
        self._start_running(self.labels_, weights)
        return self

    def _check_modes(self) -> None:
        if self.assignment not in _ASSIGNMENTS:
            raise ValueError(f"assignment must be one of {_ASSIGNMENTS}, got {self.assignment!r}")
        self._center  # noqa: B018 - validates center
        if self.assignment == "soft":
            check_real(self.temperature, "temperature", low=1e-6)

    def _chunk_statistics(self, data, weights, scored: np.ndarray, n: int, n_jobs: int):
        if self.assignment == "hard":
            return super()._chunk_statistics(data, weights, scored, n, n_jobs)
        sums, mass, _, _ = _core.cluster.soft_spherical_pass(data, weights, scored, 1.0 / float(self.temperature),
                                                             False, n_jobs)
        return sums, mass

    def partial_fit(self, X, y=None, sample_weight=None) -> "SphericalKMeans":
        """Update the centres with one chunk of rows: sequential spherical K-means, hard or soft
        (the chunk's memberships at the current centres are added to running sums; see
        :meth:`KMeans.partial_fit`).

        Returns
        -------
        self
        """
        self._check_modes()
        return super().partial_fit(X, sample_weight=sample_weight)

    def predict_proba(self, X) -> np.ndarray:
        """Soft memberships ``softmax_j(cos(x, v_j) / temperature)`` (rows sum to 1).

        Returns
        -------
        ndarray of shape (n_samples, n_clusters), X's dtype
        """
        temperature = check_real(self.temperature, "temperature", low=1e-6)
        data, scored, _ = self._prepared(X)
        _, _, _, resp = _core.cluster.soft_spherical_pass(data, None, scored, 1.0 / temperature, True,
                                                          check_n_jobs(self.n_jobs))
        return resp
