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

Run::

    python benchmarks/bench_ensemble.py [--repeat 20]
"""

import argparse

import numpy as np
from _common import classification, digits, environment, interleaved, one_thread

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
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


if __name__ == "__main__":
    main()
