"""A vMF-VAE on scikit-learn's 8×8 digits: codes on the sphere S^15, a constant KL, CPU in seconds.

The encoder's unit mean directions μ(x) are compared with the labels it never saw: a 5-nearest-
neighbour classifier on μ, and the purity of spherical K-means clusters of μ, against the same
measures on an untrained encoder.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

try:
    import torch
except ImportError:  # the optional "nn" extra
    torch = None

LATENT_DIM = 16
KAPPA = 50.0
EPOCHS = 30
BATCH = 64


def purity(labels: np.ndarray, clusters: np.ndarray) -> float:
    """Share of rows whose cluster's majority label is their own."""
    return sum(np.bincount(labels[clusters == c]).max() for c in np.unique(clusters)) / labels.size


def latent_report(vae, x_train, y_train, x_test, y_test) -> tuple:
    from unsup.cluster import SphericalKMeans

    with torch.no_grad():
        mu_train, mu_test = vae.encode(x_train).numpy(), vae.encode(x_test).numpy()
    knn = KNeighborsClassifier(n_neighbors=5).fit(mu_train, y_train).score(mu_test, y_test)
    clusters = SphericalKMeans(n_clusters=10, n_init=5, random_state=0).fit_predict(mu_train.astype(np.float64))
    return knn, purity(y_train, clusters)


def main() -> None:
    if torch is None:
        print("this example needs PyTorch: pip install torch==2.13.0 && pip install 'unsup[nn]'")
        return
    # Batches of 64 rows × 128 units are too small to gain from threads; one thread is several
    # times faster on a busy machine. Restored at the end (this script may run inside pytest).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train_and_report()
    finally:
        torch.set_num_threads(threads)


def train_and_report() -> None:
    from unsup.nn import VMFVAE

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)  # pixels in [0, 1]: binary cross-entropy
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    x_train, x_test = torch.from_numpy(X_train), torch.from_numpy(X_test)

    vae = VMFVAE(64, LATENT_DIM, KAPPA, hidden_layer_sizes=(128,), reconstruction="bce", random_state=0)
    print(f"vMF-VAE on digits: {len(X_train)} train / {len(X_test)} test rows, codes on S^{LATENT_DIM - 1}, "
          f"κ = {KAPPA:g}")
    print(f"  constant KL to the uniform prior: {vae.kl_divergence:.2f} nats; "
          f"mean cos(z, μ) = A_d(κ) = {vae.mean_cosine:.3f}")
    untrained = latent_report(vae.eval(), x_train, y_train, x_test, y_test)

    optimizer = torch.optim.Adam(vae.parameters(), lr=2e-3)
    order = torch.Generator().manual_seed(0)
    started = time.perf_counter()
    vae.train()
    for epoch in range(1, EPOCHS + 1):
        total = 0.0
        for rows in torch.randperm(len(x_train), generator=order).split(BATCH):
            optimizer.zero_grad()
            loss = vae.loss(x_train[rows])
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(rows)
        if epoch == 1 or epoch % 5 == 0:
            print(f"  epoch {epoch:2d}: reconstruction BCE {total / len(x_train):6.2f} nats per image "
                  f"(negative ELBO {total / len(x_train) + vae.kl_divergence:6.2f})")
    vae.eval()
    with torch.no_grad():
        test_mse = float((vae(x_test).reconstruction - x_test).square().mean())
    print(f"  trained in {time.perf_counter() - started:.1f} s; test pixel MSE from μ: {test_mse:.4f} "
          f"(predicting the mean image: {float(((X_test - X_train.mean(0)) ** 2).mean()):.4f})")

    trained = latent_report(vae, x_train, y_train, x_test, y_test)
    print("latent μ, labels never seen in training:")
    print(f"  5-NN test accuracy   untrained {untrained[0]:.3f}   trained {trained[0]:.3f}")
    print(f"  spherical K-means purity (k=10)   untrained {untrained[1]:.3f}   trained {trained[1]:.3f}")


if __name__ == "__main__":
    main()
