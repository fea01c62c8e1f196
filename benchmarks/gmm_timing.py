"""Per-iteration time of unsup's GaussianMixture against scikit-learn's, from identical parameters.

make_blobs(100000, 32, centers=16, cluster_std=2, random_state=0), 16 components, one thread
each (threadpoolctl for scikit-learn, n_jobs=1 for unsup). Time per EM iteration =
(time of max_iter=11 − time of max_iter=1) / 10 with tol=0, the minimum over --repeats runs
(shared machines are noisy). Also prints the relative difference of lower_bound_ and score.

    python benchmarks/gmm_timing.py [--repeats 5] [--covariance diag full] [--dtype float64]
"""

import argparse
import time
import warnings

from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

from unsup.cluster import GaussianMixture


def fit_time(make, X, max_iter):
    model = make(max_iter)
    started = time.perf_counter()
    model.fit(X)
    return time.perf_counter() - started, model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--covariance", nargs="+", default=["diag", "full"])
    parser.add_argument("--dtype", default="float64")
    parser.add_argument("--n-samples", type=int, default=100_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, _ = make_blobs(args.n_samples, 32, centers=16, cluster_std=2, random_state=0)
    X = X.astype(args.dtype)
    k = 16
    for covariance in args.covariance:
        with threadpool_limits(1):
            start = SkGaussianMixture(k, covariance_type=covariance, max_iter=1, random_state=0).fit(X)
        init = dict(weights_init=start.weights_, means_init=start.means_, precisions_init=start.precisions_)

        def sk(max_iter):
            return SkGaussianMixture(k, covariance_type=covariance, max_iter=max_iter, tol=0, **init)

        def ours(max_iter):
            return GaussianMixture(k, covariance_type=covariance, max_iter=max_iter, tol=0, n_jobs=1, **init)

        results = {}
        for name, make in (("scikit-learn", sk), ("unsup", ours)):
            per_iter = []
            for _ in range(args.repeats):
                with threadpool_limits(1):
                    t1, _ = fit_time(make, X, 1)
                    t11, model = fit_time(make, X, 11)
                per_iter.append((t11 - t1) / 10)
            results[name] = (min(per_iter), model)
        (t_sk, m_sk), (t_us, m_us) = results["scikit-learn"], results["unsup"]
        rel_lb = abs(m_sk.lower_bound_ - m_us.lower_bound_) / abs(m_sk.lower_bound_)
        rel_score = abs(m_sk.score(X) - m_us.score(X)) / abs(m_sk.score(X))
        print(f"{covariance:5s} {args.dtype}: scikit-learn {1e3 * t_sk:8.2f} ms/iter, unsup {1e3 * t_us:7.2f} "
              f"ms/iter, speed-up {t_sk / t_us:5.1f}x; rel. diff lower_bound {rel_lb:.1e}, score {rel_score:.1e} "
              f"(min of {args.repeats})")


if __name__ == "__main__":
    main()
