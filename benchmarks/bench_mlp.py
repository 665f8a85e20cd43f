# SPDX-License-Identifier: BSD-3-Clause
"""skinit against scikit-learn: the same data, architecture and epochs, one run.

Each case fits ``skinit.MLPClassifier`` and
``sklearn.neural_network.MLPClassifier`` with identical settings and
``random_state=0``, alternating between the two ``--repeat`` times, and prints
the best (minimum) time of each, their ratio (skinit / scikit-learn; below 1
means skinit is faster) and whether the two fitted models agree: the same
predictions on the training data and the largest absolute difference between
the first layers' weights (skinit's default initialization reproduces
scikit-learn's model). ``tol=0`` with ``n_iter_no_change=max_iter`` disables
stopping, so adam and sgd run exactly ``max_iter`` epochs; this is checked.

Cases: (a) digits, standardized, ``(100,)``, adam, 100 epochs; (b)
``make_classification`` 20000x100, 5 classes, ``(256, 128)``, adam, 8 epochs;
(c) as (a) with sgd; (d) as (a) with lbfgs, at most 100 iterations.

The machine's float64 GEMM rate (1024x1024 matrices) is measured in the same
run, and the matrix products of training in case (b) are counted to give
skinit's effective GFLOP/s and its fraction of that rate.

Run::

    python benchmarks/bench_mlp.py                # all cases, 3 repeats
    python benchmarks/bench_mlp.py --quick        # 1 repeat
    python benchmarks/bench_mlp.py --cases a,b --repeat 5
"""

import argparse
import functools
import time
import warnings

import numpy as np
import sklearn
from sklearn import neural_network
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info

import skinit

ESTIMATORS = {
    "skinit": skinit.MLPClassifier,
    "sklearn": neural_network.MLPClassifier,
}


@functools.cache
def _digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _classification():
    return make_classification(
        n_samples=20000, n_features=100, n_informative=50, n_classes=5, random_state=0
    )


# name: (label, data, estimator settings)
CASES = {
    "a": ("digits (100,) adam 100 epochs", _digits, ((100,), "adam", 100)),
    "b": (
        "20000x100 5 classes (256, 128) adam 8 epochs",
        _classification,
        ((256, 128), "adam", 8),
    ),
    "c": ("digits (100,) sgd 100 epochs", _digits, ((100,), "sgd", 100)),
    "d": ("digits (100,) lbfgs <= 100 iterations", _digits, ((100,), "lbfgs", 100)),
}


def timed(func, *args):
    """Wall time of ``func(*args)`` and its result."""
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def compare(X, y, params, repeat):
    """Best fit time of each estimator, alternating them, and their last fits."""
    best, fits = dict.fromkeys(ESTIMATORS, np.inf), {}
    for _ in range(repeat):
        for name, cls in ESTIMATORS.items():
            t, fits[name] = timed(cls(**params).fit, X, y)
            best[name] = min(best[name], t)
    return best, fits


def gemm_gflops(n=1024, repeat=5):
    """Best float64 ``A @ B`` rate for square matrices of size ``n``."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)), rng.random((n, n))
    best = min(timed(np.matmul, a, b)[0] for _ in range(repeat + 1))
    return 2 * n**3 / best / 1e9


def training_flops(est, n_samples):
    """FLOPs of the matrix products of training ``est`` (no early stopping).

    Per sample and epoch: forward 2*P, weight gradients 2*P and deltas 2*P,
    except the input layer's delta, which is not computed; P is the number of
    weights, sum of fan_in * fan_out over the layers.
    """
    sizes = [c.size for c in est.coefs_]
    return (6 * sum(sizes) - 2 * sizes[0]) * n_samples * est.n_iter_


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fits of each (3)")
    parser.add_argument("--quick", action="store_true", help="same as --repeat 1")
    parser.add_argument("--cases", default=",".join(CASES), help="e.g. a,b")
    args = parser.parse_args(argv)
    cases = args.cases.split(",")
    if unknown := set(cases) - set(CASES):
        parser.error(f"unknown cases {sorted(unknown)}; choose from {list(CASES)}")
    repeat = 1 if args.quick else args.repeat
    warnings.simplefilter("ignore", ConvergenceWarning)

    threads = ", ".join(
        sorted(
            f"{i['internal_api']} {i['version'] or ''}".rstrip()
            + f" x{i['num_threads']}"
            for i in threadpool_info()
        )
    )
    print(
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
        f"skinit {skinit.__version__}; threads: {threads}; best of {repeat}\n"
    )
    print(
        f"{'case':<50} {'skinit s':>9} {'sklearn s':>9} {'ratio':>6}  "
        "agree (same predictions, max |dW1|)"
    )
    skinit_rate = None
    for name in cases:
        label, load, (hidden, solver, max_iter) = CASES[name]
        X, y = load()
        params = dict(
            hidden_layer_sizes=hidden,
            solver=solver,
            max_iter=max_iter,
            tol=0.0,
            n_iter_no_change=max_iter,  # > any count of epochs without progress
            random_state=0,
        )
        best, fits = compare(X, y, params, repeat)
        ours, theirs = fits["skinit"], fits["sklearn"]
        n_iter, lbfgs = {ours.n_iter_, theirs.n_iter_}, solver == "lbfgs"
        if not lbfgs and n_iter != {max_iter}:
            raise RuntimeError(f"({name}) ran {n_iter} epochs, not {max_iter}")
        same_pred = np.array_equal(ours.predict(X), theirs.predict(X))
        dw1 = np.max(np.abs(ours.coefs_[0] - theirs.coefs_[0]))
        iters = f", n_iter_ {ours.n_iter_}/{theirs.n_iter_}" if lbfgs else ""
        print(
            f"({name}) {label:<46} {best['skinit']:>9.3f} {best['sklearn']:>9.3f} "
            f"{best['skinit'] / best['sklearn']:>6.2f}  {same_pred}, {dw1:.1e}"
            f"{iters}"
        )
        if name == "b":
            skinit_rate = training_flops(ours, X.shape[0]) / best["skinit"] / 1e9

    gemm = gemm_gflops()
    print(f"\nfloat64 GEMM 1024^3: {gemm:.1f} GFLOP/s", end="")
    if skinit_rate is not None:
        print(
            f"; skinit fit (b): {skinit_rate:.1f} GFLOP/s effective "
            f"= {skinit_rate / gemm:.0%} of GEMM",
            end="",
        )
    print()


if __name__ == "__main__":
    main()
