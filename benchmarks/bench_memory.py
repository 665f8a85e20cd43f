# SPDX-License-Identifier: BSD-3-Clause
"""Peak memory of a fit with K networks, against what it must hold.

A fit with K networks holds their parameters several times (the starting
point, the values trained, the gradient, two adam moments and the final
values), one group's activations and deltas, a chunk of gathered rows (at
most 4 MB) and, at the end, the diagnostics' activations on at most 1000
samples. ``tracemalloc`` (numpy reports its buffers to it) gives the peak of
allocations during a second ``fit`` (the first loads the compiled kernels),
beyond the data itself; it is printed with the parameters' size, the peak
in units of ``K * n_params`` floats and the rest: the peak minus four times
the parameters (the values trained, the starting values kept for
``init_coefs_``, two adam moments; the gradient is one group's) and one
group's activations. The goal is a rest that does not grow with K.

Run::

    python benchmarks/bench_memory.py
"""

import tracemalloc

from _common import classification, digits, environment, no_stopping, one_thread

from skinit import MLPClassifier
from skinit._engine import Layout, group_size

CASES = {
    "20000x100 (256, 128) adam 2 epochs": (classification, (256, 128)),
    "digits (100,) adam 5 epochs": (digits, (100,)),
}


def peak_bytes(estimator, X, y):
    estimator.fit(X, y)  # numba loads its compiled kernels once per process
    tracemalloc.start()
    try:
        estimator.fit(X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure():
    """``[(case, K, n_params, group activations bytes, peak bytes)]``."""
    rows = []
    for name, (load, hidden) in CASES.items():
        X, y = load()
        epochs = 2 if X.shape[0] > 5000 else 5
        for n_restarts in (1, 10):
            est = MLPClassifier(hidden, n_restarts=n_restarts, **no_stopping(epochs))
            peak = peak_bytes(est, X, y)
            layout = Layout([X.shape[1], *hidden, len(set(y))])
            group = group_size(layout, 200, 8, n_restarts)
            activations = 2 * 8 * group * 200 * sum(layout.layer_units[1:])
            rows.append((name, n_restarts, layout.n_params, activations, peak))
    return rows


def main():
    print(environment(), "\n")
    print(
        f"{'case':<36} {'K':>3} {'K x params MB':>13} {'group acts MB':>13} "
        f"{'peak MB':>8} {'peak / (K x params)':>20} {'rest MB':>8}"
    )
    with one_thread():
        for name, k, n_params, activations, peak in measure():
            params = 8 * k * n_params
            print(
                f"{name:<36} {k:>3} {params / 1e6:>13.2f} {activations / 1e6:>13.2f} "
                f"{peak / 1e6:>8.1f} {peak / params:>20.1f} "
                f"{(peak - 4 * params - activations) / 1e6:>8.1f}"
            )


if __name__ == "__main__":
    main()
