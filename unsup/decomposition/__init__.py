"""Matrix decompositions: the truncated SVD as a linear autoencoder, and SVD co-clustering."""

from unsup.decomposition.coclustering import svd_coclustering
from unsup.decomposition.svd_autoencoder import SVDAutoencoder

__all__ = ["SVDAutoencoder", "svd_coclustering"]
