# SPDX-License-Identifier: BSD-3-Clause
"""restart_halving: 16 restarts with bad starts dropped early vs all trained.

For each case, BLAS on one thread, it prints the median time of the fit with
``n_restarts=16`` and of the same fit with ``restart_halving=2`` (rounds as
``HalvingGridSearchCV`` plans them: 16, 8, 4, 2, then 1 restart, ending at
12, 24, 48, 96 and 200 epochs), interleaved, and their ratio (goal <= 0.4).
Then, over ``--seeds`` fits (``random_state`` 0, 1, ...), the held-out
accuracy and log-loss of the model each one selects, on a quarter of the
data kept out of training, with the test set's binomial standard error of
the accuracy, ``sqrt(p (1 - p) / n_test)``, as the noise to compare the
difference with. Defaults of the estimators otherwise (adam, ``max_iter=200``,
``tol`` stopping):

- ``digits-64``, ``digits-32``: digits (``X / 16``), ``(64,)`` and ``(32,)``;
- ``moons-32``: moons (``make_moons(1000, noise=0.3)``), ``(32,)``.

``--restart-scoring accuracy`` ranks (and selects) the restarts by accuracy
on the shared held-out split of ``validation_fraction`` of the training rows.

Run::

    python benchmarks/bench_restart_halving.py [--repeat 5] [--seeds 5] \\
        [--cases digits-64,moons-32] [--restart-scoring accuracy]
"""

import argparse
import functools
import math

import numpy as np
from _common import digits, environment, interleaved, one_thread
from sklearn.datasets import make_moons
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

import skinit

N_RESTARTS = 16
FACTOR = 2
GOAL = 0.4


@functools.cache
def moons():
    return make_moons(n_samples=1000, noise=0.3, random_state=0)


CASES = {
    "digits-64": (digits, (64,)),
    "digits-32": (digits, (32,)),
    "moons-32": (moons, (32,)),
}


def _estimators(hidden_layer_sizes, random_state, restart_scoring):
    params = dict(
        hidden_layer_sizes=hidden_layer_sizes,
        n_restarts=N_RESTARTS,
        random_state=random_state,
        restart_scoring=restart_scoring,
    )
    return {
        "all": skinit.MLPClassifier(**params),
        "halving": skinit.MLPClassifier(restart_halving=FACTOR, **params),
    }


def run_case(load, hidden_layer_sizes, repeat, n_seeds, restart_scoring):
    """Median times, and the held-out scores of each selection, per seed."""
    X, y = load()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    estimators = _estimators(hidden_layer_sizes, 0, restart_scoring)
    times = interleaved(
        {name: (lambda e=e: e.fit(X_train, y_train)) for name, e in estimators.items()},
        repeat,
    )
    scores = {name: [] for name in estimators}
    for seed in range(n_seeds):
        if seed:
            estimators = _estimators(hidden_layer_sizes, seed, restart_scoring)
        for name, est in estimators.items():
            if seed:
                est.fit(X_train, y_train)
            scores[name].append(
                (
                    est.score(X_test, y_test),
                    log_loss(y_test, est.predict_proba(X_test), labels=est.classes_),
                    int(est.restart_results_["n_iter"].sum()),
                )
            )
    return times, {name: np.array(s) for name, s in scores.items()}, len(y_test)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--restart-scoring", default=None)
    args = parser.parse_args(argv)
    print(environment(), f"median of {args.repeat}\n", sep="; ")
    print(
        f"{N_RESTARTS} restarts, all trained ('all') vs restart_halving={FACTOR} "
        f"('halving'), restart_scoring={args.restart_scoring!r}; held-out scores: "
        f"mean over random_state 0..{args.seeds - 1}\n"
    )
    print(
        f"{'case':<10} {'all s':>7} {'halving s':>9} {'ratio':>6} {'goal':>5} "
        f"{'epochs':>11} {'acc all':>8} {'acc halv':>8} {'diff':>7} "
        f"{'noise':>6} {'logloss all':>11} {'logloss halv':>12}"
    )
    with one_thread():
        for name in args.cases.split(","):
            load, sizes = CASES[name]
            times, scores, n_test = run_case(
                load, sizes, args.repeat, args.seeds, args.restart_scoring
            )
            every, halving = scores["all"], scores["halving"]
            accuracy = every[:, 0].mean()
            noise = math.sqrt(accuracy * (1 - accuracy) / n_test)
            print(
                f"{name:<10} {times['all']:>7.3f} {times['halving']:>9.3f} "
                f"{times['halving'] / times['all']:>6.2f} {GOAL:>5.1f} "
                f"{int(every[0, 2]):>5}/{int(halving[0, 2]):<5} "
                f"{accuracy:>8.4f} {halving[:, 0].mean():>8.4f} "
                f"{(halving[:, 0] - every[:, 0]).mean():>+7.4f} {noise:>6.4f} "
                f"{every[:, 1].mean():>11.4f} {halving[:, 1].mean():>12.4f}"
            )
            for seed, (a, h) in enumerate(zip(every, halving)):
                print(
                    f"{'':<10} random_state={seed}: accuracy {a[0]:.4f} / "
                    f"{h[0]:.4f}, log-loss {a[1]:.4f} / {h[1]:.4f}"
                )


if __name__ == "__main__":
    main()
