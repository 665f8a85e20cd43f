# SPDX-License-Identifier: BSD-3-Clause
"""The cost of the diagnostics: the same fit with and without, in one run.

Fits ``skinit.MLPClassifier`` with ``diagnostics=True`` (the default) and
``diagnostics=False``, alternating, and prints for each case the best time of
each, their ratio, and the ratio of their peak memory (numpy's allocations
during ``fit``, traced by ``tracemalloc``). BLAS runs on one thread, so that
the ratios do not depend on what else the machine does.

Goals: at most 1.05 on ordinary fits (digits); at most 2 in time and memory
for a wide layer of copies (``init="ones"``), whose symmetry diagnostics
compared every pair of units before they grouped them by sorting.

Run::

    python benchmarks/bench_diagnostics.py [--repeat 5] [--only wide]
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skinit import MLPClassifier
from skinit.exceptions import DiagnosticWarning


def _digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _wide():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(500, 20))
    return X, (X[:, 0] > 0).astype(int)


CASES = {
    "digits (100,) adam 100 epochs": (
        _digits,
        dict(hidden_layer_sizes=(100,), max_iter=100),
    ),
    "digits (100,) lbfgs 100 iterations": (
        _digits,
        dict(hidden_layer_sizes=(100,), solver="lbfgs", max_iter=100),
    ),
    "digits (100,) adam x10 restarts 30 epochs": (
        _digits,
        dict(hidden_layer_sizes=(100,), max_iter=30, n_restarts=10),
    ),
    "wide 500x20 (12000,) ones 1 epoch": (
        _wide,
        dict(hidden_layer_sizes=(12000,), init="ones", max_iter=1),
    ),
    "wide 500x20 (12000,) ones lbfgs 5 iterations": (
        _wide,
        dict(hidden_layer_sizes=(12000,), init="ones", solver="lbfgs", max_iter=5),
    ),
}


def _peak_memory(params, X, y):
    """Peak bytes allocated (numpy included) during one fit."""
    tracemalloc.start()
    try:
        MLPClassifier(**params).fit(X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="run the cases whose name contains this")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", DiagnosticWarning)
    print(
        f"{'case':<46} {'with s':>8} {'without s':>10} {'time x':>7} "
        f"{'with MiB':>9} {'without MiB':>12} {'memory x':>9}"
    )
    with threadpool_limits(limits=1):
        for name, (data, settings) in CASES.items():
            if args.only and args.only not in name:
                continue
            X, y = data()
            params = dict(settings, random_state=0, tol=0.0, n_iter_no_change=10**9)
            MLPClassifier(**params).fit(X, y)  # warm-up: imports, first pages
            times = {True: [], False: []}
            for _ in range(args.repeat):
                for diagnostics in (True, False):
                    start = time.perf_counter()
                    MLPClassifier(diagnostics=diagnostics, **params).fit(X, y)
                    times[diagnostics].append(time.perf_counter() - start)
            memory = {
                d: _peak_memory(dict(params, diagnostics=d), X, y) / 2**20
                for d in (True, False)
            }
            with_, without = min(times[True]), min(times[False])
            print(
                f"{name:<46} {with_:>8.3f} {without:>10.3f} {with_ / without:>7.2f} "
                f"{memory[True]:>9.1f} {memory[False]:>12.1f} "
                f"{memory[True] / memory[False]:>9.2f}"
            )


if __name__ == "__main__":
    main()
