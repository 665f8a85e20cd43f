# SPDX-License-Identifier: BSD-3-Clause
"""The cost of the diagnostics: the same fit with and without, in one run.

Fits ``skinit.MLPClassifier`` with ``diagnostics=True`` (the default) and
``diagnostics=False``, alternating, and prints the best time of each and
their ratio. Goal: at most 1.05.

Run::

    python benchmarks/bench_diagnostics.py [--repeat 5]
"""

import argparse
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier

CASES = {
    "digits (100,) adam 100 epochs": dict(hidden_layer_sizes=(100,), max_iter=100),
    "digits (100,) lbfgs 100 iterations": dict(
        hidden_layer_sizes=(100,), solver="lbfgs", max_iter=100
    ),
    "digits (100,) adam x10 restarts 30 epochs": dict(
        hidden_layer_sizes=(100,), max_iter=30, n_restarts=10
    ),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    print(f"{'case':<44} {'with s':>8} {'without s':>10} {'ratio':>6}")
    for name, settings in CASES.items():
        params = dict(settings, random_state=0, tol=0.0, n_iter_no_change=10**9)
        times = {True: [], False: []}
        for _ in range(args.repeat):
            for diagnostics in (True, False):
                start = time.perf_counter()
                MLPClassifier(diagnostics=diagnostics, **params).fit(X, y)
                times[diagnostics].append(time.perf_counter() - start)
        with_, without = min(times[True]), min(times[False])
        print(f"{name:<44} {with_:>8.3f} {without:>10.3f} {with_ / without:>6.3f}")


if __name__ == "__main__":
    main()
