"""Helpers of ``cluster_bench.py``: data, the one float64 evaluator per objective, the float64
reference Lloyd, the GMM starting point, and the numpy / torch routing formulations (peers).

Nothing here imports unsup; torch is imported only by the torch functions.
"""

from __future__ import annotations

import math

import numpy as np

LOG_2PI = math.log(2.0 * math.pi)
CHUNK = 16384  # rows per block of the float64 evaluators (k=256: a 32 MB distance block)


# ---------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------
def blobs(n, d, centers, cluster_std, center_box=(-10.0, 10.0), random_state=0):
    """``make_blobs`` as the issue states it, cast to float32 (C order)."""
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=n, n_features=d, centers=centers, cluster_std=cluster_std,
                      center_box=center_box, random_state=random_state)
    return np.ascontiguousarray(X, dtype=np.float32)


def initial_centres(X, k, seed=0):
    """The initial centres every K-means method starts from: k distinct rows of X drawn uniformly."""
    rows = np.random.default_rng(seed).choice(X.shape[0], size=k, replace=False)
    return np.ascontiguousarray(X[rows], dtype=np.float32)


def routing_inputs(batch, n_in=1152, n_out=10, dim=16, seed=0):
    """``0.1 * N(0, 1)`` predictions/votes (float32) and uniform(0, 1) input activations."""
    rng = np.random.default_rng(seed)
    u_hat = rng.standard_normal((batch, n_in, n_out, dim), dtype=np.float32)
    u_hat *= np.float32(0.1)
    a_in = rng.random((batch, n_in), dtype=np.float32)
    return u_hat, a_in


# ---------------------------------------------------------------------------------------
# K-means: one float64 evaluator and a float64 reference Lloyd
# ---------------------------------------------------------------------------------------
def assign64(X, C, chunk=CHUNK):
    """Nearest centre of every row (float64 arithmetic, blocks of ``chunk`` rows) and its exact
    squared distance (recomputed as ``‖x - c‖²`` for the chosen centre, no cancellation)."""
    C = np.asarray(C, dtype=np.float64)
    cc = np.einsum("ij,ij->i", C, C)
    n = X.shape[0]
    labels = np.empty(n, dtype=np.int64)
    dist = np.empty(n, dtype=np.float64)
    for s in range(0, n, chunk):
        x = np.asarray(X[s:s + chunk], dtype=np.float64)
        g = x @ C.T
        g *= -2.0
        g += cc
        lab = np.argmin(g, axis=1)  # ‖x‖² is the same for every centre
        diff = x - C[lab]
        labels[s:s + chunk] = lab
        dist[s:s + chunk] = np.einsum("ij,ij->i", diff, diff)
    return labels, dist


def inertia64(X, C):
    """THE K-means evaluator: sum of squared distances to the nearest centre, in float64."""
    _, dist = assign64(X, C)
    return float(math.fsum(dist[s:s + CHUNK].sum() for s in range(0, dist.size, CHUNK)))


def _cluster_sums(X, labels, k, chunk=CHUNK):
    import scipy.sparse as sp

    d = X.shape[1]
    sums = np.zeros((k, d), dtype=np.float64)
    for s in range(0, X.shape[0], chunk):
        lab = labels[s:s + chunk]
        onehot = sp.csr_matrix((np.ones(lab.size), (lab, np.arange(lab.size))), shape=(k, lab.size))
        sums += onehot @ np.asarray(X[s:s + chunk], dtype=np.float64)
    return sums, np.bincount(labels, minlength=k)


def lloyd64(X, C0, n_iter):
    """Float64 Lloyd from ``C0`` for exactly ``n_iter`` iterations (assign, then mean update).
    An empty cluster moves onto the row farthest from its centre (largest first, ties by row order,
    never emptying another cluster), the policy of unsup and, in spirit, scikit-learn. Returns the
    centres and the number of empty-cluster events."""
    C = np.array(C0, dtype=np.float64)
    empties = 0
    for _ in range(n_iter):
        labels, dist = assign64(X, C)
        sums, counts = _cluster_sums(X, labels, C.shape[0])
        empty = np.flatnonzero(counts == 0)
        empties += int(empty.size)
        if empty.size:
            order = np.argsort(-np.asarray(dist, dtype=np.float64), kind="stable")
            taken = 0
            for e in empty:
                while taken < order.size:
                    row = int(order[taken])
                    taken += 1
                    if counts[labels[row]] > 1:
                        break
                else:
                    break
                x = np.asarray(X[row], dtype=np.float64)
                old = labels[row]
                sums[old] -= x
                counts[old] -= 1
                sums[e] = x
                counts[e] = 1
                labels[row] = e
        full = counts > 0
        C[full] = sums[full] / counts[full, None]
    return C, empties


# ---------------------------------------------------------------------------------------
# Gaussian mixture: the common starting point and the float64 log-likelihood evaluator
# ---------------------------------------------------------------------------------------
def gmm_initial_parameters(X, k, covariance_type, reg_covar=1e-6, seed=0, n_lloyd=5):
    """Weights, means and precisions (scikit-learn's ``*_init`` conventions) from the labelling of
    a float64 Lloyd run (``n_lloyd`` iterations from k random rows), computed once and handed to
    every GMM method."""
    C, _ = lloyd64(X, initial_centres(X, k, seed), n_lloyd)
    labels, _ = assign64(X, C)
    X64 = np.asarray(X, dtype=np.float64)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    if (counts == 0).any():
        raise RuntimeError("an empty cluster in the GMM starting labelling")
    weights = counts / counts.sum()
    means = np.stack([X64[labels == j].mean(axis=0) for j in range(k)])
    if covariance_type == "diag":
        var = np.stack([((X64[labels == j] - means[j]) ** 2).mean(axis=0) for j in range(k)]) + reg_covar
        precisions = 1.0 / var
    elif covariance_type == "full":
        d = X.shape[1]
        precisions = np.empty((k, d, d))
        for j in range(k):
            xc = X64[labels == j] - means[j]
            cov = xc.T @ xc / counts[j] + reg_covar * np.eye(d)
            p = np.linalg.inv(cov)
            precisions[j] = 0.5 * (p + p.T)
    else:
        raise ValueError(covariance_type)
    return weights, means, precisions


def gmm_mean_loglik64(X, weights, means, covariances, covariance_type, chunk=CHUNK):
    """THE GMM evaluator: mean log-likelihood of X under the mixture, float64, log-sum-exp."""
    weights = np.asarray(weights, np.float64)
    means = np.asarray(means, np.float64)
    cov = np.asarray(covariances, np.float64)
    k, d = means.shape
    if covariance_type == "diag":
        inv = 1.0 / cov
        const = np.log(weights) - 0.5 * (d * LOG_2PI + np.log(cov).sum(axis=1))
    else:
        chol = np.linalg.cholesky(cov)
        inv_chol = np.stack([np.linalg.inv(c) for c in chol])  # L^-1: maha = ‖L^-1 (x - μ)‖²
        const = np.log(weights) - 0.5 * d * LOG_2PI - np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    parts = []
    for s in range(0, X.shape[0], chunk):
        x = np.asarray(X[s:s + chunk], dtype=np.float64)
        logp = np.empty((x.shape[0], k))
        for j in range(k):
            diff = x - means[j]
            if covariance_type == "diag":
                maha = (diff * diff) @ inv[j]
            else:
                y = diff @ inv_chol[j].T
                maha = np.einsum("ij,ij->i", y, y)
            logp[:, j] = const[j] - 0.5 * maha
        top = logp.max(axis=1)
        parts.append((top + np.log(np.exp(logp - top[:, None]).sum(axis=1))).sum())
    return math.fsum(parts) / X.shape[0]


def gmm_covariances_from(model, covariance_type):
    """The fitted covariances of a scikit-learn-like model, or ``None`` when it keeps none."""
    cov = getattr(model, "covariances_", None)
    if cov is None:
        return None
    cov = np.asarray(cov, np.float64)
    return cov if cov.ndim == (2 if covariance_type == "diag" else 3) else None


# ---------------------------------------------------------------------------------------
# Routing peers (numpy / torch), float32, batched, no Python loop over samples
#
# Conventions (design note routing.md): u_hat is (batch, n_in, n_out, dim); the softmax runs
# over the OUTPUT capsules j for each input i; squash(s) = ‖s‖²/(ε+‖s‖²) · s/‖s‖.
# * Sabour (ε = 1): b = 0; n_iter times: c = softmax_j(b), s = Σ_i c û, v = squash(s),
#   and, except after the last, b += ⟨û, v⟩. Returns v.
# * Su (ε = 0.5): s = (1/n_out) Σ_i û (uniform couplings); n_iter times: c = softmax_j(⟨û, s/‖s‖⟩),
#   s = Σ_i c û. Returns squash(s).
# "matmul" forms first transpose û once to (batch, n_out, n_in, dim) so that both contractions are
# batched matrix products (the copy is part of the timed call); "einsum" forms contract the
# (batch, n_in, n_out, dim) layout directly.
# ---------------------------------------------------------------------------------------
SQUASH_EPS = {"su": 0.5, "sabour": 1.0}


def _squash_np(s, eps):
    n2 = np.einsum("...d,...d->...", s, s)[..., None]
    return s * (n2 / ((eps + n2) * np.sqrt(n2 + np.float32(1e-30))))


def _softmax_np(b, axis):
    e = np.exp(b - b.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def dynamic_routing_numpy_matmul(u_hat, n_iter=3, variant="su"):
    batch, n_in, n_out, dim = u_hat.shape
    eps = np.float32(SQUASH_EPS[variant])
    ut = np.ascontiguousarray(u_hat.transpose(0, 2, 1, 3))  # (B, J, I, D)
    if variant == "sabour":
        b = np.zeros((batch, n_out, n_in), np.float32)
        for it in range(n_iter):
            c = _softmax_np(b, axis=1)
            v = _squash_np(np.matmul(c[:, :, None, :], ut)[:, :, 0, :], eps)
            if it < n_iter - 1:
                b += np.matmul(ut, v[..., None])[..., 0]
        return v
    s = ut.sum(axis=2) * np.float32(1.0 / n_out)
    for _ in range(n_iter):
        vhat = s / np.sqrt(np.einsum("...d,...d->...", s, s))[..., None]
        c = _softmax_np(np.matmul(ut, vhat[..., None])[..., 0], axis=1)
        s = np.matmul(c[:, :, None, :], ut)[:, :, 0, :]
    return _squash_np(s, eps)


def dynamic_routing_numpy_einsum(u_hat, n_iter=3, variant="su"):
    batch, n_in, n_out, dim = u_hat.shape
    eps = np.float32(SQUASH_EPS[variant])
    if variant == "sabour":
        b = np.zeros((batch, n_in, n_out), np.float32)
        for it in range(n_iter):
            c = _softmax_np(b, axis=2)
            v = _squash_np(np.einsum("bij,bijd->bjd", c, u_hat), eps)
            if it < n_iter - 1:
                b += np.einsum("bijd,bjd->bij", u_hat, v)
        return v
    s = u_hat.sum(axis=1) * np.float32(1.0 / n_out)
    for _ in range(n_iter):
        vhat = s / np.sqrt(np.einsum("...d,...d->...", s, s))[..., None]
        c = _softmax_np(np.einsum("bijd,bjd->bij", u_hat, vhat), axis=2)
        s = np.einsum("bij,bijd->bjd", c, u_hat)
    return _squash_np(s, eps)


def _squash_torch(s, eps):
    n2 = (s * s).sum(dim=-1, keepdim=True)
    return s * (n2 / ((eps + n2) * (n2 + 1e-30).sqrt()))


def dynamic_routing_torch_matmul(u_hat, n_iter=3, variant="su"):
    """``u_hat``: a CPU float32 torch tensor (batch, n_in, n_out, dim). Returns a torch tensor."""
    import torch

    batch, n_in, n_out, dim = u_hat.shape
    eps = SQUASH_EPS[variant]
    with torch.no_grad():
        ut = u_hat.transpose(1, 2).contiguous()  # (B, J, I, D)
        if variant == "sabour":
            b = torch.zeros((batch, n_out, n_in), dtype=u_hat.dtype)
            for it in range(n_iter):
                c = torch.softmax(b, dim=1)
                v = _squash_torch(torch.matmul(c.unsqueeze(2), ut).squeeze(2), eps)
                if it < n_iter - 1:
                    b = b + torch.matmul(ut, v.unsqueeze(-1)).squeeze(-1)
            return v
        s = ut.sum(dim=2) * (1.0 / n_out)
        for _ in range(n_iter):
            vhat = s / s.norm(dim=-1, keepdim=True)
            c = torch.softmax(torch.matmul(ut, vhat.unsqueeze(-1)).squeeze(-1), dim=1)
            s = torch.matmul(c.unsqueeze(2), ut).squeeze(2)
        return _squash_torch(s, eps)


def dynamic_routing_torch_einsum(u_hat, n_iter=3, variant="su"):
    import torch

    batch, n_in, n_out, dim = u_hat.shape
    eps = SQUASH_EPS[variant]
    with torch.no_grad():
        if variant == "sabour":
            b = torch.zeros((batch, n_in, n_out), dtype=u_hat.dtype)
            for it in range(n_iter):
                c = torch.softmax(b, dim=2)
                v = _squash_torch(torch.einsum("bij,bijd->bjd", c, u_hat), eps)
                if it < n_iter - 1:
                    b = b + torch.einsum("bijd,bjd->bij", u_hat, v)
            return v
        s = u_hat.sum(dim=1) * (1.0 / n_out)
        for _ in range(n_iter):
            vhat = s / s.norm(dim=-1, keepdim=True)
            c = torch.softmax(torch.einsum("bijd,bjd->bij", u_hat, vhat), dim=2)
            s = torch.einsum("bij,bijd->bjd", c, u_hat)
        return _squash_torch(s, eps)


def em_routing_numpy(votes, a_in, n_iter=3, beta_u=0.0, beta_a=0.0, inv_temp=1.0, var_eps=1e-6):
    """EM routing (matrix capsules) as in routing.md, float32, vectorised over the batch.

    votes (B, I, J, D), a_in (B, I). R = 1/J; n_iter times: M-step
    r_ij = a_i R_ij / Σ_i a_i R_ij, M_j = Σ_i r_ij V_ij, σ²_j = Σ_i r_ij (V_ij - M_j)² + var_eps,
    cost_j = (β_u + Σ_l ln σ_j^l) Σ_i a_i R_ij, a_j = sigmoid(λ (β_a - cost_j)); then, except after
    the last, E-step R_ij = softmax_j(ln a_j + ln N(V_ij; M_j, σ²_j)). Fixed λ = ``inv_temp``.
    Returns (poses (B, J, D), activations (B, J)).
    """
    batch, n_in, n_out, dim = votes.shape
    f32 = np.float32
    R = np.full((batch, n_in, n_out), 1.0 / n_out, dtype=f32)
    for it in range(n_iter):
        Ra = R * a_in[:, :, None]
        mass = Ra.sum(axis=1)  # (B, J) = Σ_i a_i R_ij
        r = Ra / (mass[:, None, :] + f32(1e-30))
        M = np.einsum("bij,bijd->bjd", r, votes)
        diff2 = votes - M[:, None]
        np.square(diff2, out=diff2)
        var = np.einsum("bij,bijd->bjd", r, diff2) + f32(var_eps)
        log_var = np.log(var)
        cost = (f32(beta_u) + f32(0.5) * log_var.sum(axis=-1)) * mass
        x = f32(inv_temp) * (f32(beta_a) - cost)
        log_a = -np.logaddexp(f32(0.0), -x)  # ln sigmoid(x), stable
        if it < n_iter - 1:
            logp = np.einsum("bijd,bjd->bij", diff2, f32(-0.5) / var)
            logp += (log_a - f32(0.5) * (dim * f32(LOG_2PI) + log_var.sum(axis=-1)))[:, None, :]
            R = _softmax_np(logp, axis=2)
    return M, np.exp(log_a)


# ---------------------------------------------------------------------------------------
# Naive per-sample references (loops), used by --check-peers on a tiny input only
# ---------------------------------------------------------------------------------------
def _naive_squash(s, eps):
    n = math.sqrt(float(s @ s))
    return s * (n * n / (eps + n * n) / n)


def dynamic_routing_naive(u_hat, n_iter=3, variant="su"):
    u = np.asarray(u_hat, np.float64)
    batch, n_in, n_out, dim = u.shape
    eps = SQUASH_EPS[variant]
    out = np.empty((batch, n_out, dim))
    for bi in range(batch):
        if variant == "sabour":
            b = np.zeros((n_in, n_out))
            for it in range(n_iter):
                c = np.exp(b) / np.exp(b).sum(axis=1, keepdims=True)  # over j, for each i
                v = np.stack([_naive_squash(sum(c[i, j] * u[bi, i, j] for i in range(n_in)), eps)
                              for j in range(n_out)])
                if it < n_iter - 1:
                    for i in range(n_in):
                        for j in range(n_out):
                            b[i, j] += u[bi, i, j] @ v[j]
            out[bi] = v
        else:
            s = np.stack([sum(u[bi, i, j] for i in range(n_in)) / n_out for j in range(n_out)])
            for _ in range(n_iter):
                vhat = s / np.linalg.norm(s, axis=1, keepdims=True)
                logits = np.array([[u[bi, i, j] @ vhat[j] for j in range(n_out)] for i in range(n_in)])
                c = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
                s = np.stack([sum(c[i, j] * u[bi, i, j] for i in range(n_in)) for j in range(n_out)])
            out[bi] = np.stack([_naive_squash(s[j], eps) for j in range(n_out)])
    return out


def em_routing_naive(votes, a_in, n_iter=3, beta_u=0.0, beta_a=0.0, inv_temp=1.0, var_eps=1e-6):
    V = np.asarray(votes, np.float64)
    A = np.asarray(a_in, np.float64)
    batch, n_in, n_out, dim = V.shape
    poses = np.empty((batch, n_out, dim))
    acts = np.empty((batch, n_out))
    for bi in range(batch):
        R = np.full((n_in, n_out), 1.0 / n_out)
        for it in range(n_iter):
            M = np.empty((n_out, dim))
            var = np.empty((n_out, dim))
            a_out = np.empty(n_out)
            for j in range(n_out):
                w = A[bi] * R[:, j]
                r = w / w.sum()
                M[j] = r @ V[bi, :, j]
                var[j] = r @ (V[bi, :, j] - M[j]) ** 2 + var_eps
                cost = (beta_u + np.log(np.sqrt(var[j])).sum()) * w.sum()
                a_out[j] = 1.0 / (1.0 + math.exp(min(700.0, -inv_temp * (beta_a - cost))))
            if it < n_iter - 1:
                for i in range(n_in):
                    logp = np.array([math.log(a_out[j]) if a_out[j] > 0 else -np.inf for j in range(n_out)])
                    for j in range(n_out):
                        diff = V[bi, i, j] - M[j]
                        logp[j] += -0.5 * (diff * diff / var[j]).sum() - 0.5 * np.log(2 * np.pi * var[j]).sum()
                    logp -= logp.max()
                    R[i] = np.exp(logp) / np.exp(logp).sum()
        poses[bi], acts[bi] = M, a_out
    return poses, acts
