# SPDX-License-Identifier: BSD-3-Clause
"""The ensemble's predict against K single predicts, side by side in one run.

``restart_ensemble=True`` keeps the K restarts and predicts with the mean of
their probabilities in one forward pass of the stacked networks. Averaging K
fitted single estimators by hand costs K calls of ``predict_proba`` (K input
validations, K forward passes). This prints, BLAS on one thread, the median
time of one ensemble ``predict_proba`` and of the K single ``predict_proba``
calls averaged (the same members: the fits with the seeds of the restarts),
and their ratio (below 1: the ensemble is faster), for K = 5 and 10, on
digits (``X / 16``, all 1797 rows) with one hidden layer of 32 and of 100
units, and on 20000 x 100 rows with ``(256, 128)``.

With ``--calibration`` it also prints what the ensemble buys: the held-out
log-loss and Brier score of the ensemble of 5 restarts of ``(32,)`` against
the restart the default selection keeps, over 3 stratified splits (75/25)
x 4 seeds, on digits and on 1000 noisy moons (``noise=0.3``), with adam's
defaults and with L-BFGS: the mean, smallest and largest relative
improvement (positive: the ensemble is better) and how often it is better.

Run::

    python benchmarks/bench_ensemble.py [--repeat 20] [--calibration]
"""

import argparse

import numpy as np
from _common import classification, digits, environment, interleaved, one_thread
from sklearn.datasets import make_moons
from sklearn.metrics import brier_score_loss, log_loss
from sklearn.model_selection import train_test_split

import skinit

CASES = {
    "digits (32,)": (digits, (32,)),
    "digits (100,)": (digits, (100,)),
    "20000x100 (256, 128)": (classification, (256, 128)),
}
N_MEMBERS = (5, 10)


def ensemble_table(repeat):
    """``{(case, K): (ensemble s, K singles s)}``."""
    rows = {}
    for name, (load, hidden) in CASES.items():
        X, y = load()
        # predict's cost does not depend on how long the networks trained
        params = dict(hidden_layer_sizes=hidden, max_iter=2, diagnostics=False)
        for k in N_MEMBERS:
            ensemble = skinit.MLPClassifier(
                n_restarts=k, restart_ensemble=True, random_state=0, **params
            ).fit(X, y)
            singles = [
                skinit.MLPClassifier(random_state=seed, **params).fit(X, y)
                for seed in ensemble.restart_seeds_
            ]

            def by_hand(singles=singles, X=X):
                return np.mean([single.predict_proba(X) for single in singles], axis=0)

            def ours(ensemble=ensemble, X=X):
                return ensemble.predict_proba(X)

            np.testing.assert_allclose(ours(), by_hand(), rtol=1e-10, atol=1e-12)
            times = interleaved({"ensemble": ours, "singles": by_hand}, repeat)
            rows[name, k] = (times["ensemble"], times["singles"])
    return rows


CALIBRATION = {
    "digits": digits,
    "moons": lambda: make_moons(n_samples=1000, noise=0.3, random_state=0),
}
SOLVERS = {"adam": {}, "lbfgs": {"solver": "lbfgs"}}


def calibration_table(n_splits=3, n_seeds=4):
    """``{(data, solver): (log-loss gains, Brier gains)}``, one per split x seed."""
    rows = {}
    for name, load in CALIBRATION.items():
        X, y = load()
        for solver, params in SOLVERS.items():
            gains = ([], [])
            for split in range(n_splits):
                X_train, X_test, y_train, y_test = train_test_split(
                    X, y, random_state=split, stratify=y
                )
                for seed in range(n_seeds):
                    ensemble = skinit.MLPClassifier(
                        hidden_layer_sizes=(32,),
                        n_restarts=5,
                        restart_ensemble=True,
                        random_state=seed,
                        diagnostics=False,
                        **params,
                    ).fit(X_train, y_train)
                    kept = skinit.MLPClassifier(
                        hidden_layer_sizes=(32,),
                        random_state=ensemble.restart_seeds_[ensemble.best_restart_],
                        diagnostics=False,
                        **params,
                    ).fit(X_train, y_train)
                    ours = ensemble.predict_proba(X_test)
                    theirs = kept.predict_proba(X_test)
                    losses = [log_loss(y_test, p) for p in (ours, theirs)]
                    briers = [
                        brier_score_loss(y_test, p, labels=ensemble.classes_)
                        for p in (ours, theirs)
                    ]
                    gains[0].append(1 - losses[0] / losses[1])
                    gains[1].append(1 - briers[0] / briers[1])
            rows[name, solver] = gains
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--calibration", action="store_true")
    args = parser.parse_args(argv)
    print(environment(), f"median of {args.repeat}\n", sep="; ")
    with one_thread():
        print(
            f"{'case':<22} {'K':>3} {'ensemble ms':>12} {'K singles ms':>13} "
            f"{'ratio':>6}"
        )
        for (name, k), (ours, theirs) in ensemble_table(args.repeat).items():
            print(
                f"{name:<22} {k:>3} {1e3 * ours:>12.2f} {1e3 * theirs:>13.2f} "
                f"{ours / theirs:>6.2f}"
            )

        if args.calibration:
            print(
                "\nheld-out improvement of the ensemble of 5 over the kept restart "
                "(3 splits x 4 seeds)"
            )
            print(
                f"{'case':<14} {'log-loss mean':>13} {'min':>6} {'max':>6} "
                f"{'wins':>5} {'Brier mean':>11} {'min':>6} {'max':>6} {'wins':>5}"
            )
            for (name, solver), gains in calibration_table().items():
                cells = "".join(
                    f" {np.mean(g):>{w}.1%} {np.min(g):>6.1%} {np.max(g):>6.1%} "
                    f"{np.sum(np.array(g) > 0):>2}/{len(g):<2}"
                    for g, w in zip(gains, (13, 11))
                )
                print(f"{name + ' ' + solver:<14}{cells}")


if __name__ == "__main__":
    main()
