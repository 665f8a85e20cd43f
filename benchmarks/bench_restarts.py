# SPDX-License-Identifier: BSD-3-Clause
"""K restarts trained together against one fit, side by side in one run.

Prints, for each case, the best time of one scikit-learn fit, one skinit fit
and one skinit fit with ``n_restarts=10`` (restarts vectorized on the
restart axis), and the ratios the goals are stated in:

- iris (standardized), ``(10,)``, 200 epochs: 10 restarts / one scikit-learn
  fit, goal <= 1;
- digits (standardized), ``(100,)``, 200 epochs: 10 restarts / one skinit fit,
  goal <= 4.

Run::

    python benchmarks/bench_restarts.py [--repeat 3]
"""

import argparse
import time
import warnings

from sklearn import neural_network
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier

CASES = {"iris": (load_iris, (10,)), "digits": (load_digits, (100,))}


def _best_time(estimator, X, y, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        clone(estimator).fit(X, y)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-restarts", type=int, default=10)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    k = args.n_restarts
    print(
        f"{'case':<8} {'sklearn x1':>10} {'skinit x1':>10} {f'skinit x{k}':>10} "
        f"{f'x{k}/sklearn':>11} {f'x{k}/skinit':>10}"
    )
    for name, (load, hidden) in CASES.items():
        X, y = load(return_X_y=True)
        X = StandardScaler().fit_transform(X)
        params = dict(
            hidden_layer_sizes=hidden,
            max_iter=200,
            random_state=0,
            tol=0.0,
            n_iter_no_change=10**9,
        )
        sk = _best_time(neural_network.MLPClassifier(**params), X, y, args.repeat)
        one = _best_time(MLPClassifier(**params), X, y, args.repeat)
        many = _best_time(MLPClassifier(n_restarts=k, **params), X, y, args.repeat)
        print(
            f"{name:<8} {sk:>10.3f} {one:>10.3f} {many:>10.3f} "
            f"{many / sk:>11.2f} {many / one:>10.2f}"
        )


if __name__ == "__main__":
    main()
