# SPDX-License-Identifier: BSD-3-Clause
"""Many networks at once: K restarts against one fit, side by side in one run.

Part 1 prints, BLAS on one thread, the median time of one scikit-learn fit,
one skinit fit and one skinit fit with ``n_restarts=10`` (the restarts
trained together, in cache-sized groups), and the ratios the goals are stated
in, against ONE scikit-learn fit:

- iris (standardized), ``(10,)``, 200 epochs: goal <= 0.8 (overhead-bound);
- digits (``X / 16``), ``(100,)``, 100 epochs: goal <= 4 (FLOP-bound).

Part 2 (``--scaling``) prints the time per network of ``n_restarts=K`` for
K = 1 to 32, relative to one network, on the same two problems (digits for
30 epochs), and ``--plot FILE`` draws it.

Run::

    python benchmarks/bench_restarts.py [--repeat 5] [--scaling] [--plot f.png]
"""

import argparse

from _common import digits, environment, interleaved, iris, no_stopping, one_thread
from sklearn import neural_network

import skinit

CASES = {
    "iris": (iris, dict(hidden_layer_sizes=(10,), **no_stopping(200)), 0.8),
    "digits": (digits, dict(hidden_layer_sizes=(100,), **no_stopping(100)), 4.0),
}
SCALING = {
    "iris (10,), 200 epochs": (
        iris,
        dict(hidden_layer_sizes=(10,), **no_stopping(200)),
    ),
    "digits (100,), 30 epochs": (
        digits,
        dict(hidden_layer_sizes=(100,), **no_stopping(30)),
    ),
}
N_NETWORKS = (1, 2, 4, 8, 16, 32)


def _fit(estimator, X, y):
    return lambda: estimator.fit(X, y)


def restarts_table(repeat, n_restarts=10):
    """``{case: (sklearn s, skinit s, skinit x n_restarts s, goal)}``."""
    rows = {}
    for name, (load, params, goal) in CASES.items():
        X, y = load()
        times = interleaved(
            {
                "sklearn": _fit(neural_network.MLPClassifier(**params), X, y),
                "one": _fit(skinit.MLPClassifier(**params), X, y),
                "many": _fit(
                    skinit.MLPClassifier(n_restarts=n_restarts, **params), X, y
                ),
            },
            repeat,
        )
        rows[name] = (times["sklearn"], times["one"], times["many"], goal)
    return rows


def scaling(repeat):
    """``{case: [time per network of K networks / time of one, for K]}``."""
    curves = {}
    for name, (load, params) in SCALING.items():
        X, y = load()
        times = interleaved(
            {
                k: _fit(skinit.MLPClassifier(n_restarts=k, **params), X, y)
                for k in N_NETWORKS
            },
            repeat,
        )
        curves[name] = [times[k] / k / times[1] for k in N_NETWORKS]
    return curves


def plot(curves, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.5), layout="constrained")
    for name, curve in curves.items():
        ax.plot(N_NETWORKS, curve, marker="o", label=name)
    ax.axhline(1.0, color="gray", lw=0.8, ls="--")
    ax.set_xscale("log", base=2)
    ax.set_xticks(N_NETWORKS, [str(k) for k in N_NETWORKS])
    ax.set_xlabel("networks trained together (n_restarts)")
    ax.set_ylabel("time per network / time of one")
    ax.set_ylim(0, None)
    ax.legend()
    fig.savefig(path, dpi=120)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--plot", help="write the scaling plot to this file")
    args = parser.parse_args(argv)
    print(environment(), f"median of {args.repeat}\n", sep="; ")
    with one_thread():
        print(
            f"{'case':<8} {'sklearn x1':>10} {'skinit x1':>10} {'skinit x10':>10} "
            f"{'x10/sklearn':>11} {'goal':>5} {'x10/skinit':>10}"
        )
        for name, (sk, one, many, goal) in restarts_table(args.repeat).items():
            print(
                f"{name:<8} {sk:>10.3f} {one:>10.3f} {many:>10.3f} "
                f"{many / sk:>11.2f} {goal:>5.1f} {many / one:>10.2f}"
            )
        if args.scaling or args.plot:
            curves = scaling(max(1, args.repeat // 2))
            print("\ntime per network / time of one network")
            print(f"{'K':<26}" + "".join(f"{k:>7}" for k in N_NETWORKS))
            for name, curve in curves.items():
                print(f"{name:<26}" + "".join(f"{v:>7.2f}" for v in curve))
            if args.plot:
                plot(curves, args.plot)


if __name__ == "__main__":
    main()
