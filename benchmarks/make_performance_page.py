# SPDX-License-Identifier: BSD-3-Clause
"""Write the documentation's performance page from the benchmarks.

Runs ``bench_mlp.py``, ``bench_restarts.py`` (with the scaling curve) and
``bench_memory.py`` in this process, then writes ``docs/performance.rst`` and
``docs/images/time_per_network.png``. The page is committed: the docs build
does not run benchmarks.

Run::

    python benchmarks/make_performance_page.py [--repeat 5]
"""

import argparse
import datetime
import statistics
from pathlib import Path

import bench_cold_start
import bench_memory
import bench_mlp
import bench_restarts
from _common import environment, list_table, one_thread

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with one_thread():
        mlp = {name: bench_mlp.run(name, args.repeat) for name in bench_mlp.CASES}
        restarts = bench_restarts.restarts_table(args.repeat)
        curves = bench_restarts.scaling(max(1, args.repeat // 2))
        memory = bench_memory.measure()
    # whole processes, each with BLAS on one thread
    written = {"warm-up": set(), "counted": set()}
    cold_iris = bench_cold_start.iris(args.repeat, written)
    cold_cv = bench_cold_start.cv(args.repeat, 2, written)
    bench_restarts.plot(curves, DOCS / "images" / "time_per_network.png")

    fits = list_table(
        ["case", "skinit (s)", "scikit-learn (s)", "ratio", "goal"],
        [
            [f"({name}) {label}", f"{ours:.3f}", f"{theirs:.3f}",
             f"{ours / theirs:.2f}", "" if goal is None else f"<= {goal}"]
            for name, (label, ours, theirs, _, goal) in mlp.items()
        ],
    )  # fmt: skip
    many = list_table(
        ["case", "scikit-learn, 1 fit (s)", "skinit, 1 fit (s)",
         "skinit, 10 restarts (s)", "10 restarts / 1 scikit-learn fit", "goal",
         "10 restarts / 1 skinit fit"],
        [
            [name, f"{sk:.3f}", f"{one:.3f}", f"{k:.3f}", f"{k / sk:.2f}",
             f"<= {goal}", f"{k / one:.2f}"]
            for name, (sk, one, k, goal) in restarts.items()
        ],
    )  # fmt: skip
    scaling = list_table(
        ["problem", *[f"K={k}" for k in bench_restarts.N_NETWORKS]],
        [[name, *[f"{v:.2f}" for v in curve]] for name, curve in curves.items()],
    )
    mem = list_table(
        ["case", "K", "K x parameters (MB)", "peak (MB)", "peak / (K x parameters)",
         "rest (MB)"],
        [
            [name, str(k), f"{8 * k * p / 1e6:.2f}", f"{peak / 1e6:.1f}",
             f"{peak / (8 * k * p):.1f}", f"{(peak - 32 * k * p - acts) / 1e6:.1f}"]
            for name, k, p, acts, peak in memory
        ],
    )  # fmt: skip
    ratio_32 = {
        name: mlp[fp32][1] / mlp[fp64][1] for name, fp32, fp64 in
        [("digits", "f", "a"), ("20000x100", "g", "b")]
    }  # fmt: skip
    median = statistics.median
    ours, theirs = cold_iris["skinit"], cold_iris["sklearn"]
    cold = list_table(
        ["case", "skinit (s)", "scikit-learn (s)", "skinit - scikit-learn (s)",
         "goal"],
        [["import + 5 epochs on iris, whole process",
          f"{median(ours):.2f}", f"{median(theirs):.2f}",
          f"{median(a - b for a, b in zip(ours, theirs)):+.2f}", "<= +0.3"]],
    )  # fmt: skip
    parallel = list_table(
        ["library", "n_jobs=2 (s)", "n_jobs=1 (s)", "ratio", "goal"],
        [
            [library, f"{median(two):.2f}", f"{median(one):.2f}",
             f"{median(a / b for a, b in zip(two, one)):.2f}",
             "<= 0.65" if library == "skinit" else ""]
            for library, (two, one, _) in cold_cv.items()
        ],
    )  # fmt: skip
    page = PAGE.format(
        cold=cold,
        parallel=parallel,
        cache_files=len(written["counted"]),
        date=datetime.date.today().isoformat(),
        environment=environment(),
        repeat=args.repeat,
        fits=fits,
        many=many,
        scaling=scaling,
        memory=mem,
        f32_digits=ratio_32["digits"],
        f32_large=ratio_32["20000x100"],
        memory_large=next(
            peak / 1e6 for name, k, _, _, peak in memory
            if name.startswith("20000x100") and k == 10
        ),
    )  # fmt: skip
    (DOCS / "performance.rst").write_text(page)
    print(page)


PAGE = """\
.. This page is written by benchmarks/make_performance_page.py: edit that.

Performance
===========

skinit trains the same models as scikit-learn (the test suite checks it,
solver by solver), on one engine for any number of networks. These figures come from
``python benchmarks/make_performance_page.py`` on {date}: each case runs
skinit and scikit-learn in one process, alternating, BLAS on one thread
(``threadpoolctl``), and reports the median of {repeat} runs after a warm-up.
The machines are shared: ratios move by about 10% between runs.

Machine: {environment}.

Where the time goes
-------------------

A minibatch of an MLP is a handful of matrix products (the forward pass, the
weight gradients, the deltas) and, between them, elementwise work: bias,
activation, softmax, loss, the activation's derivative, bias gradients,
penalty and the optimizer's update. scikit-learn does the elementwise work
as some fifty numpy calls, each a pass over memory; skinit fuses it into a
few compiled loops (:mod:`numba`; a numpy fallback, ``SKINIT_NUMBA=0``, gives
the same results to rounding), so that on digits with 100 hidden units about
two thirds of a fit are the matrix products themselves. The products are the
same calls on the same BLAS in both libraries: they bound the ratio from
below (about 0.3 on digits, 0.55 on the 20000 x 100 problem).

One fit
-------

{fits}

Every case runs exactly the same epochs in both libraries and the two fitted
models agree (``bench_mlp.py`` prints their difference). L-BFGS computes
scikit-learn's arithmetic bit for bit (its line search amplifies the last
bits of the loss), so its gain is smaller.

float32
~~~~~~~

Input in float32 trains in float32 (as in scikit-learn): skinit's fit then
takes {f32_digits:.2f} of its float64 time on digits and {f32_large:.2f} on the
20000 x 100 problem (cases f and g against a and b), for models that agree
with the float64 ones to about float32's precision.

Many networks
-------------

``n_restarts`` trains its networks together, in groups sized so that their
working set (rows, activations, deltas, parameters, gradients and optimizer
state) fits in a core's L2 cache; each network keeps its own batch order and
seed, so restart ``k`` is exactly the fit seeded with ``restart_seeds_[k]``.

{many}

Time per network against the number of networks trained together, relative
to one network:

{scaling}

.. image:: images/time_per_network.png
   :alt: time per network against the number of networks

On small networks (iris) the per-call overhead is shared by the group and
the time per network falls with K; on digits one network's working set
fills the cache, each network is its own group, and the matrix products,
which do not shrink, set the time per network.

Cold start
----------

The figures above are warm. A new process, the command line and every
joblib or dask worker first import numba and load skinit's compiled kernels
from numba's on-disk cache (compiled once per installed version, on first
use), which scikit-learn does not pay. ``bench_cold_start.py`` times whole
new processes, BLAS on one thread, after one warm-up run each, median of
{repeat}:

{cold}

The first ``fit`` of ``MLPClassifierCV`` on digits (``(100,)``, 50 epochs,
3 initializers x 5 folds) in a fresh process, as timed in it: with
``n_jobs=2`` each joblib worker starts, imports and loads the kernels
before it trains (scikit-learn's ``GridSearchCV``, three seeds of its MLP
as many networks, beside it):

{parallel}

The counted runs wrote {cache_files} new files to numba's cache.

Memory
------

Peak memory allocated during a fit (``tracemalloc``, beyond the data):

{memory}

A fit holds each network's starting and current parameters and two adam
moments (4 x K x parameters), one group's gradient, activations and deltas,
and a part that does not grow with K (the rest: peak minus 4 x K x
parameters and one group's activations): a chunk of gathered rows (at most
4 MB), the shuffled row indices and, after training, when the other
restarts' optimizer states are gone, the diagnostics' activations on a
sample. For 20000 x 100, ``(256, 128)`` and 10 restarts: {memory_large:.0f} MB.
"""


if __name__ == "__main__":
    main()
