# SPDX-License-Identifier: BSD-3-Clause
"""The cost of ``signal_propagation`` against one training epoch, side by side.

For each case, times ``signal_propagation(estimator, X, y)`` on the unfitted
estimator (it draws every restart's starting weights, as ``fit`` does) and
``fit(X, y)`` of the same estimator with ``max_iter=1`` (one epoch,
``diagnostics=False`` so that the epoch is not padded), alternating the two,
with BLAS pinned to the same number of threads. Prints the median time of
each and their ratio. Goal: at most 1.

Run::

    python benchmarks/bench_signal_propagation.py [--repeat 7] [--threads 1]
"""

import argparse
import platform
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import skinit
from skinit import MLPClassifier
from skinit.diagnostics import signal_propagation


def _digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _large():
    X, y = make_classification(
        n_samples=20000, n_features=100, n_informative=50, n_classes=5, random_state=0
    )
    return StandardScaler().fit_transform(X), y


CASES = {
    "digits (100,) relu": (_digits, dict(hidden_layer_sizes=(100,))),
    "digits (64,)*10 tanh": (
        _digits,
        dict(hidden_layer_sizes=(64,) * 10, activation="tanh", init="orthogonal"),
    ),
    "digits (64,)*10 tanh x10 restarts": (
        _digits,
        dict(hidden_layer_sizes=(64,) * 10, activation="tanh", n_restarts=10),
    ),
    "digits (256,)*3 relu lsuv": (
        _digits,
        dict(hidden_layer_sizes=(256,) * 3, init="lsuv"),
    ),
    "20000x100 (256, 128) relu": (_large, dict(hidden_layer_sizes=(256, 128))),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    blas = ", ".join(
        f"{i['internal_api']} {i.get('version')}"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    )
    print(
        f"skinit {skinit.__version__}, scikit-learn {sklearn.__version__}, numpy "
        f"{np.__version__}, Python {platform.python_version()}; {blas}, "
        f"{args.threads} thread(s); median of {args.repeat}"
    )
    print(f"{'case':<36} {'signal s':>9} {'epoch s':>9} {'ratio':>6}")
    data = {}
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for name, (load, settings) in CASES.items():
            if load not in data:
                data[load] = load()
            X, y = data[load]
            params = dict(settings, random_state=0, max_iter=1, diagnostics=False)
            times = {"signal": [], "epoch": []}
            for _ in range(args.repeat):
                start = time.perf_counter()
                signal_propagation(MLPClassifier(**params), X, y)
                times["signal"].append(time.perf_counter() - start)
                start = time.perf_counter()
                MLPClassifier(**params).fit(X, y)
                times["epoch"].append(time.perf_counter() - start)
            signal, epoch = np.median(times["signal"]), np.median(times["epoch"])
            print(f"{name:<36} {signal:>9.4f} {epoch:>9.4f} {signal / epoch:>6.2f}")


if __name__ == "__main__":
    main()
