# SPDX-License-Identifier: BSD-3-Clause
"""``python -m skinit [DATASET]``: skinit and scikit-learn side by side.

Fits ``skinit.MLPClassifier`` and ``sklearn.neural_network.MLPClassifier``
with the same settings and ``random_state`` on a dataset that ships with
scikit-learn, and prints their test accuracy, fit time and whether they
learned the same weights.
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn import datasets, neural_network
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier

DATASETS = {
    "digits": datasets.load_digits,
    "iris": datasets.load_iris,
    "wine": datasets.load_wine,
    "breast_cancer": datasets.load_breast_cancer,
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m skinit", description=__doc__)
    parser.add_argument("dataset", nargs="?", default="digits", choices=DATASETS)
    parser.add_argument("--hidden", type=int, nargs="+", default=[100])
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    X, y = DATASETS[args.dataset](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=args.random_state
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    params = dict(
        hidden_layer_sizes=tuple(args.hidden),
        max_iter=args.max_iter,
        random_state=args.random_state,
    )
    print(
        f"{args.dataset}: {X_train.shape[0]} training samples, "
        f"{X.shape[1]} features, {len(np.unique(y))} classes; {params}"
    )
    fitted = {}
    for name, cls in [
        ("skinit", MLPClassifier),
        ("scikit-learn", neural_network.MLPClassifier),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            est = cls(**params).fit(X_train, y_train)
            elapsed = time.perf_counter() - start
        fitted[name] = est
        print(
            f"  {name:<13} test accuracy {est.score(X_test, y_test):.4f}  "
            f"epochs {est.n_iter_:>3}  fit {elapsed:.2f} s"
        )
    ours, theirs = fitted.values()
    gap = max(np.max(np.abs(a - b)) for a, b in zip(ours.coefs_, theirs.coefs_))
    print(f"  largest difference between the two models' weights: {gap:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
