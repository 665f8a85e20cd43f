# SPDX-License-Identifier: BSD-3-Clause
"""One fit: skinit against scikit-learn, the same data, network and epochs.

Each case fits ``skinit``'s estimator and scikit-learn's with identical
settings and ``random_state=0`` (``tol=0`` and a huge ``n_iter_no_change``:
every stochastic fit runs exactly ``max_iter`` epochs, checked), BLAS on one
thread, alternating the two ``--repeat`` times after a warm-up, and prints
the median time of each and their ratio (skinit / scikit-learn: below 1,
skinit is faster), with whether the two models agree (the largest relative
difference of the first layer's weights).

Cases (digits is ``X / 16``):

- (a) digits, ``(100,)``, adam, 100 epochs; goal <= 0.5
- (b) 20000 x 100, 5 classes, ``(256, 128)``, adam, 8 epochs; goal <= 0.5
- (c) as (a) with sgd; goal <= 0.5
- (d) as (a) with lbfgs, at most 100 iterations; goal <= 0.8
- (e) the regressor: digits' pixels 0-31 predicting pixels 32-63, adam; <= 0.5
- (f) as (a) in float32 (both estimators train in float32)
- (g) as (b) in float32

Run::

    python benchmarks/bench_mlp.py                  # all cases, 5 rounds
    python benchmarks/bench_mlp.py --cases a,b --repeat 3
"""

import argparse

import numpy as np
from _common import (
    classification,
    digits,
    environment,
    interleaved,
    no_stopping,
    one_thread,
)
from sklearn import neural_network

import skinit


def _regression():
    X, _ = digits()
    return X[:, :32], X[:, 32:]


def _float32(load):
    def loaded():
        X, y = load()
        return X.astype(np.float32), y

    return loaded


# name: (label, data, estimator, settings, goal)
CASES = {
    "a": ("digits (100,) adam 100 epochs", digits, "MLPClassifier",
          dict(hidden_layer_sizes=(100,), **no_stopping(100)), 0.5),
    "b": ("20000x100 (256, 128) adam 8 epochs", classification, "MLPClassifier",
          dict(hidden_layer_sizes=(256, 128), **no_stopping(8)), 0.5),
    "c": ("digits (100,) sgd 100 epochs", digits, "MLPClassifier",
          dict(hidden_layer_sizes=(100,), solver="sgd", **no_stopping(100)), 0.5),
    "d": ("digits (100,) lbfgs <= 100 iterations", digits, "MLPClassifier",
          dict(hidden_layer_sizes=(100,), solver="lbfgs", **no_stopping(100)), 0.8),
    "e": ("regressor digits 32->32 (100,) adam 100 epochs", _regression,
          "MLPRegressor", dict(hidden_layer_sizes=(100,), **no_stopping(100)), 0.5),
    "f": ("digits float32 (100,) adam 100 epochs", _float32(digits),
          "MLPClassifier", dict(hidden_layer_sizes=(100,), **no_stopping(100)), None),
    "g": ("20000x100 float32 (256, 128) adam 8 epochs", _float32(classification),
          "MLPClassifier", dict(hidden_layer_sizes=(256, 128), **no_stopping(8)),
          None),
}  # fmt: skip


def run(name, repeat):
    """``(label, skinit seconds, scikit-learn seconds, max relative |dW1|, goal)``."""
    label, load, estimator, params, goal = CASES[name]
    X, y = load()
    fitted = {}

    def fit(name, library):
        def run_fit():
            fitted[name] = getattr(library, estimator)(**params).fit(X, y)

        return run_fit

    times = interleaved(
        {"skinit": fit("skinit", skinit), "sklearn": fit("sklearn", neural_network)},
        repeat,
    )
    ours, theirs = fitted["skinit"], fitted["sklearn"]
    if params.get("solver") != "lbfgs" and {ours.n_iter_, theirs.n_iter_} != {
        params["max_iter"]
    }:
        raise RuntimeError(f"({name}) ran {ours.n_iter_}, {theirs.n_iter_} epochs")
    scale = np.abs(theirs.coefs_[0]).max()
    dw1 = float(np.abs(ours.coefs_[0] - theirs.coefs_[0]).max() / scale)
    return label, times["skinit"], times["sklearn"], dw1, goal


def gemm_bound(name, repeat):
    """Time of the matrix products alone of case ``name``'s fit (float64).

    Per minibatch of 200 rows: each layer's forward product, its weight
    gradient and, but for the first layer, its delta, as both libraries
    compute them: the floor of either fit on this BLAS.
    """
    label, load, estimator, params, goal = CASES[name]
    X, _ = load()
    rng = np.random.default_rng(0)
    units = [X.shape[1], *params["hidden_layer_sizes"], 5 if name == "b" else 10]
    n_batches = -(-X.shape[0] // 200) * params["max_iter"]
    acts = [rng.random((200, u)) for u in units]
    coefs = [rng.random((i, o)) for i, o in zip(units[:-1], units[1:])]

    def products():
        for _ in range(n_batches):
            for i, w in enumerate(coefs):
                np.matmul(acts[i], w, out=acts[i + 1])
                acts[i].T @ acts[i + 1]
                if i:
                    acts[i + 1] @ w.T

    return interleaved({"gemm": products}, repeat)["gemm"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (5)")
    parser.add_argument("--cases", default=",".join(CASES), help="e.g. a,b")
    args = parser.parse_args(argv)
    cases = args.cases.split(",")
    if unknown := set(cases) - set(CASES):
        parser.error(f"unknown cases {sorted(unknown)}; choose from {list(CASES)}")
    print(environment(), f"median of {args.repeat}\n", sep="; ")
    print(
        f"{'case':<52} {'skinit s':>9} {'sklearn s':>9} {'ratio':>6} {'goal':>5}"
        "  max rel |dW1|"
    )
    with one_thread():
        for name in cases:
            label, ours, theirs, dw1, goal = run(name, args.repeat)
            goal = "" if goal is None else f"{goal:.2f}"
            print(
                f"({name}) {label:<48} {ours:>9.3f} {theirs:>9.3f} "
                f"{ours / theirs:>6.2f} {goal:>5}  {dw1:.1e}"
            )
            if name in ("a", "b"):
                bound = gemm_bound(name, args.repeat)
                print(
                    f"    the matrix products alone: {bound:.3f} s = "
                    f"{bound / theirs:.2f} of scikit-learn's fit"
                )


if __name__ == "__main__":
    main()
