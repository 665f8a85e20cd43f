# SPDX-License-Identifier: BSD-3-Clause
"""A fresh process's first fit: skinit against scikit-learn, whole processes.

The other benchmarks warm up first; this one times what a new process pays:
imports, numba loading the compiled kernels from its on-disk cache (or
compiling them) and, for ``n_jobs=2``, starting the joblib workers, which
import and load the same. Each run is a new Python process (``subprocess``),
BLAS on one thread; the commands compared run in turn, ``--repeat`` times
after one warm-up run each (which fills numba's cache when it is empty), and
the script prints the median and the spread (min-max) of each, and their
ratios. Cases:

- iris: import, ``load_iris``, a 5-epoch fit (``max_iter=5``, defaults
  otherwise), the whole process timed from outside: skinit's
  ``MLPClassifier`` against scikit-learn's; goal: skinit's at most
  scikit-learn's + 0.3 s;
- cv: digits (standardized), ``(100,)``, 50 epochs (``tol=0``), 3
  initializers x 5 folds, the first ``fit`` of a fresh process, timed in
  it: ``MLPClassifierCV(n_jobs=2)`` / ``MLPClassifierCV(n_jobs=1)``, goal
  <= 0.65; the same ratio for scikit-learn's ``GridSearchCV`` over its
  ``MLPClassifier`` beside it (a grid of three seeds: as many networks).

It also counts the files of numba's cache for skinit's kernels before and
after the timed runs: after the warm-up, no run should add any. Run::

    python benchmarks/bench_cold_start.py    # --repeat 5, --cases iris,cv
"""

import argparse
import glob
import os
import statistics
import subprocess
import sys
import time

IRIS = """
import time, warnings
start = time.perf_counter()
from {module} import MLPClassifier
from sklearn.datasets import load_iris
warnings.simplefilter("ignore")
X, y = load_iris(return_X_y=True)
MLPClassifier(max_iter=5).fit(X, y)
print(time.perf_counter() - start)
"""

CV = """
import time, warnings
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
{imports}
warnings.simplefilter("ignore")
X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
params = dict(hidden_layer_sizes=(100,), max_iter=50, tol=0.0,
              n_iter_no_change=10**9)
start = time.perf_counter()
{search}.fit(X, y)
print(time.perf_counter() - start)
"""
SEARCHES = {
    "skinit": (
        "from skinit import MLPClassifierCV",
        "MLPClassifierCV(param_grid={{'init': ['glorot_uniform', 'he_normal', "
        "'orthogonal']}}, cv=5, n_jobs={n_jobs}, random_state=0, **params)",
    ),
    "sklearn": (
        "from sklearn.model_selection import GridSearchCV\n"
        "from sklearn.neural_network import MLPClassifier",
        # its MLPClassifier has no init: three seeds are as many networks
        "GridSearchCV(MLPClassifier(**params), {{'random_state': [0, 1, 2]}}, "
        "cv=5, n_jobs={n_jobs})",
    ),
}
# BLAS on one thread, in the process and its workers: the machines are shared
ONE_THREAD = {
    name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
}


def _run(code):
    """Wall seconds of a new process running ``code``, and what it printed."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **ONE_THREAD},
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, float(done.stdout.split()[-1])


def interleaved(codes, repeat, written):
    """Per name: the ``(whole process, printed)`` seconds of each counted run.

    One warm-up run each, not counted, then ``repeat`` rounds running every
    command once, in order: a slow moment of a shared machine hits them all.
    The cache files written by the warm-ups and by the counted runs are
    added to ``written["warm-up"]`` and ``written["counted"]``.
    """
    before = cache_files()
    for code in codes.values():
        _run(code)
    warm = cache_files()
    runs = {name: [] for name in codes}
    for _ in range(repeat):
        for name, code in codes.items():
            runs[name].append(_run(code))
    written["warm-up"] |= warm - before
    written["counted"] |= cache_files() - warm
    return runs


def _spread(values):
    return f"{statistics.median(values):7.3f} s ({min(values):.3f}-{max(values):.3f})"


def cache_files():
    """The files of numba's cache for skinit's kernels, wherever numba puts them."""
    try:
        from skinit import _compiled
    except ImportError:  # no numba: the numpy kernels, nothing cached
        return set()
    directory = _compiled.add_bias._cache._cache_path  # numba's own locator
    # an index rewritten in place counts too: name and modification time
    return {
        (path, os.stat(path).st_mtime_ns)
        for path in glob.glob(os.path.join(directory, "_compiled.*.nb[ic]"))
    }


def iris(repeat, written):
    """skinit against scikit-learn: ``{name: whole-process seconds}`` per run."""
    codes = {
        name: IRIS.format(module=module)
        for name, module in (
            ("skinit", "skinit"),
            ("sklearn", "sklearn.neural_network"),
        )
    }
    runs = interleaved(codes, repeat, written)
    return {name: [t for t, _ in runs[name]] for name in codes}


def cv(repeat, n_jobs, written):
    """Per library: ``(n_jobs runs, n_jobs=1 runs, whole n_jobs processes)``,
    the first fits' seconds as timed in the process."""
    codes = {}
    for library, (imports, search) in SEARCHES.items():
        for jobs in (n_jobs, 1):
            codes[library, jobs] = CV.format(
                imports=imports, search=search.format(n_jobs=jobs)
            )
    runs = interleaved(codes, repeat, written)
    return {
        library: (
            [t for _, t in runs[library, n_jobs]],
            [t for _, t in runs[library, 1]],
            [t for t, _ in runs[library, n_jobs]],
        )
        for library in SEARCHES
    }


def print_iris(times):
    ours, theirs = times["skinit"], times["sklearn"]
    ratio = [a / b for a, b in zip(ours, theirs)]
    excess = [a - b for a, b in zip(ours, theirs)]
    print(
        "iris: import + a 5-epoch fit, whole process\n"
        f"  skinit  {_spread(ours)}\n"
        f"  sklearn {_spread(theirs)}\n"
        f"  skinit - sklearn {statistics.median(excess):.3f} s (goal <= 0.3), "
        f"ratio {statistics.median(ratio):.2f} "
        f"({min(ratio):.2f}-{max(ratio):.2f})"
    )


def print_cv(times, n_jobs):
    print(
        f"cv: digits (100,) 50 epochs, 3 initializers x 5 folds, the first fit "
        f"of a fresh process; n_jobs={n_jobs} against n_jobs=1"
    )
    for library, (parallel, serial, whole) in times.items():
        ratio = [a / b for a, b in zip(parallel, serial)]
        goal = " (goal <= 0.65)" if library == "skinit" else ""
        print(
            f"  {library:<8} n_jobs={n_jobs} {_spread(parallel)}  n_jobs=1 "
            f"{_spread(serial)}  ratio {statistics.median(ratio):.2f} "
            f"({min(ratio):.2f}-{max(ratio):.2f}){goal}; whole process "
            f"(n_jobs={n_jobs}) {statistics.median(whole):.3f} s"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (5)")
    parser.add_argument("--cases", default="iris,cv", help="iris,cv")
    parser.add_argument("--n-jobs", type=int, default=2, help="against 1 (2)")
    args = parser.parse_args(argv)
    cases = args.cases.split(",")
    if unknown := set(cases) - {"iris", "cv"}:
        parser.error(f"unknown cases {sorted(unknown)}; choose from iris, cv")
    print(
        f"{sys.executable}; {os.cpu_count()} cores; median (min-max) of {args.repeat}"
    )
    written = {"warm-up": set(), "counted": set()}
    if "iris" in cases:
        print_iris(iris(args.repeat, written))
    if "cv" in cases:
        print_cv(cv(args.repeat, args.n_jobs, written), args.n_jobs)
    print(
        "numba cache files written for skinit's kernels: "
        f"{len(written['warm-up'])} by the warm-ups, "
        f"{len(written['counted'])} by the counted runs (goal: 0)"
    )


if __name__ == "__main__":
    main()
