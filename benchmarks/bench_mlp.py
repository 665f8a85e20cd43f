# SPDX-License-Identifier: BSD-3-Clause
"""skinit against scikit-learn: the same data, architecture and epochs, one run.

Each case fits ``skinit.MLPClassifier`` and
``sklearn.neural_network.MLPClassifier`` with identical settings and
``random_state``, alternating between the two, and reports the best time of
each, their ratio (skinit / scikit-learn; below 1 means skinit is faster) and
whether the two fitted models are the same. Convergence checks are disabled
(``tol=0``) so that both run exactly ``max_iter`` epochs.

The machine's float64 GEMM rate is measured in the same run, and the matrix
products of case (b) are counted to give skinit's effective GFLOP/s.

Run::

    python benchmarks/bench_mlp.py            # all cases, 3 repeats
    python benchmarks/bench_mlp.py --quick    # 1 repeat
    python benchmarks/bench_mlp.py --cases a,b
"""

import argparse
import time
import warnings

import numpy as np
import sklearn
from sklearn import neural_network
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info

from skinit import MLPClassifier


def _digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _classification():
    return make_classification(
        n_samples=20000,
        n_features=100,
        n_informative=50,
        n_classes=5,
        random_state=0,
    )


# name: (description, data, estimator settings)
CASES = {
    "a": (
        "digits (100,) adam 100 epochs",
        _digits,
        dict(hidden_layer_sizes=(100,), solver="adam", max_iter=100),
    ),
    "b": (
        "20000x100, 5 classes (256, 128) adam 8 epochs",
        _classification,
        dict(hidden_layer_sizes=(256, 128), solver="adam", max_iter=8),
    ),
    "c": (
        "digits (100,) sgd 100 epochs",
        _digits,
        dict(hidden_layer_sizes=(100,), solver="sgd", max_iter=100),
    ),
    "d": (
        "digits (100,) lbfgs 100 iterations",
        _digits,
        dict(hidden_layer_sizes=(100,), solver="lbfgs", max_iter=100),
    ),
}


def _time_fit(cls, X, y, params):
    start = time.perf_counter()
    est = cls(**params).fit(X, y)
    return time.perf_counter() - start, est


def _matmul_flops(est, n_samples):
    """FLOPs of the matrix products of one training run of ``est``."""
    sizes = [c.size for c in est.coefs_]
    # forward 2*P, weight gradients 2*P, deltas 2*P except the input layer's
    per_sample = 6 * sum(sizes) - 2 * sizes[0]
    return per_sample * n_samples * est.n_iter_


def gemm_gflops(n=1024, repeat=5):
    a, b = np.random.rand(n, n), np.random.rand(n, n)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeat))
    return 2 * n**3 / best / 1e9


def _timed(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one repeat")
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    warnings.simplefilter("ignore", ConvergenceWarning)

    blas = [
        (i["internal_api"], i["num_threads"])
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, BLAS {blas}")
    gemm = gemm_gflops()
    print(f"float64 GEMM (1024^3): {gemm:.1f} GFLOP/s\n")
    print(f"{'case':<52} {'skinit s':>9} {'sklearn s':>10} {'ratio':>6}  same model")
    for name in args.cases.split(","):
        label, load, settings = CASES[name]
        X, y = load()
        params = dict(settings, random_state=0, tol=0.0, n_iter_no_change=10**9)
        times = {"skinit": [], "sklearn": []}
        for _ in range(repeat):
            t, ours = _time_fit(MLPClassifier, X, y, params)
            times["skinit"].append(t)
            t, theirs = _time_fit(neural_network.MLPClassifier, X, y, params)
            times["sklearn"].append(t)
        ours_t, theirs_t = min(times["skinit"]), min(times["sklearn"])
        same = (
            ours.n_iter_ == theirs.n_iter_
            and all(
                np.allclose(a, b, rtol=1e-6, atol=1e-9)
                for a, b in zip(ours.coefs_, theirs.coefs_)
            )
            and np.array_equal(ours.predict(X), theirs.predict(X))
        )
        print(
            f"({name}) {label:<48} {ours_t:>9.3f} {theirs_t:>10.3f} "
            f"{ours_t / theirs_t:>6.2f}  {same}"
        )
        if name == "b":
            rate = _matmul_flops(ours, X.shape[0]) / ours_t / 1e9
            print(
                f"    skinit effective {rate:.1f} GFLOP/s = "
                f"{rate / gemm:.0%} of the GEMM rate"
            )


if __name__ == "__main__":
    main()
