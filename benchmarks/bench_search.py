# SPDX-License-Identifier: BSD-3-Clause
"""MLPClassifierCV against GridSearchCV over MLPClassifier, side by side in one run.

Both get the same estimator settings, grid, folds, scoring and ``n_jobs``;
the two are run alternately, ``--repeat`` times, and the median times are
compared. BLAS threads are pinned (``--threads``). Cases and goals:

- iris (standardized), ``(10,)``, 200 epochs, 4 initializers x 5 folds x 3
  restarts: MLPClassifierCV / GridSearchCV <= 0.25;
- digits (standardized), ``(100,)``, 50 epochs, 3 initializers x 5 folds:
  <= 0.6;
- halving: digits, tanh ``(64,)``, 8 variance scales from 0.01 to 64, 5
  folds, up to 200 epochs (stopping at ``tol`` as usual):
  ``search="halving"`` / ``search="exhaustive"`` <= 0.4, and the halving
  winner's exhaustive mean score within 0.01 of the exhaustive winner's.

The epochs of the first two cases are exact (``tol=0``): both searches do
the same work. For them the script also times the matrix products alone of
every network trained (folds and refit, minibatch by minibatch, a network
at a time): for networks whose products keep a core busy (digits), the
floor of any search over them on this BLAS; tiny networks' products (iris)
cost less stacked, as the batch computes them. Run::

    python benchmarks/bench_search.py [--repeat 5] [--n-jobs 1] [--threads 1]
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import skinit
from skinit import MLPClassifier, MLPClassifierCV
from skinit.initializers import VarianceScaling

EXACT_EPOCHS = dict(tol=0.0, n_iter_no_change=10**9)
CASES = {
    "iris": dict(
        data=load_iris,
        params=dict(hidden_layer_sizes=(10,), max_iter=200, n_restarts=3),
        grid={"init": ["sklearn", "glorot_uniform", "he_normal", "orthogonal"]},
        goal=0.25,
    ),
    "digits": dict(
        data=load_digits,
        params=dict(hidden_layer_sizes=(100,), max_iter=50),
        grid={"init": ["glorot_uniform", "he_normal", "orthogonal"]},
        goal=0.6,
    ),
}


def _timed(make, X, y):
    start = time.perf_counter()
    fitted = make().fit(X, y)
    return time.perf_counter() - start, fitted


def _load(load):
    X, y = load(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _products_only(X, n_classes, folds, params, n_candidates):
    """Time the matrix products alone of every network both searches train:
    each candidate x fold x restart on its fold's rows, and the refit's
    restarts on all of them, minibatch by minibatch, a network at a time."""
    units = [X.shape[1], *params["hidden_layer_sizes"], n_classes]
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=shape) for shape in zip(units[:-1], units[1:])]
    n_restarts = params.get("n_restarts", 1)
    runs = [(len(train), n_candidates * n_restarts) for train, _ in folds]
    runs.append((X.shape[0], n_restarts))
    start = time.perf_counter()
    for n_rows, n_networks in runs:
        rows = rng.normal(size=(n_rows, X.shape[1]))
        batch = min(200, n_rows)
        for _ in range(n_networks * params["max_iter"]):
            for first in range(0, n_rows, batch):
                acts = [rows[first : first + batch]]
                for W in weights:
                    acts.append(acts[-1] @ W)
                delta = acts[-1]
                for i in range(len(weights) - 1, -1, -1):
                    acts[i].T @ delta
                    if i:
                        delta = delta @ weights[i].T
    return time.perf_counter() - start


def compare_grid_search(name, case, repeat, n_jobs):
    X, y = _load(case["data"])
    folds = list(StratifiedKFold(5).split(X, y))
    params = dict(random_state=0, **EXACT_EPOCHS, **case["params"])

    def grid_search():
        return GridSearchCV(
            MLPClassifier(**params), case["grid"], cv=folds, n_jobs=n_jobs
        )

    def search():
        return MLPClassifierCV(
            param_grid=case["grid"], cv=folds, n_jobs=n_jobs, **params
        )

    times = {"GridSearchCV": [], "MLPClassifierCV": [], "products": []}
    n_candidates = len(case["grid"]["init"])
    for _ in range(repeat):
        t, theirs = _timed(grid_search, X, y)
        times["GridSearchCV"].append(t)
        t, ours = _timed(search, X, y)
        times["MLPClassifierCV"].append(t)
        times["products"].append(
            _products_only(X, len(np.unique(y)), folds, params, n_candidates)
        )
    gap = np.abs(
        ours.cv_results_["mean_test_score"] - theirs.cv_results_["mean_test_score"]
    ).max()
    same = ours.best_params_ == theirs.best_params_ and all(
        np.array_equal(a, b) for a, b in zip(ours.coefs_, theirs.best_estimator_.coefs_)
    )
    grid, mine, products = (statistics.median(times[k]) for k in times)
    print(
        f"{name:<8} GridSearchCV {grid:7.3f} s  MLPClassifierCV {mine:7.3f} s  "
        f"ratio {mine / grid:5.2f} (goal <= {case['goal']})  "
        f"max |mean score gap| {gap:.1e}, same best and refit: {same}\n"
        f"         the matrix products alone, a network at a time: "
        f"{products / grid:5.2f} of GridSearchCV's time"
    )


def compare_halving(repeat, n_jobs):
    X, y = _load(load_digits)
    scales = [float(s) for s in np.geomspace(0.01, 64, 8).round(4)]
    params = dict(
        hidden_layer_sizes=(64,),
        activation="tanh",
        random_state=0,
        n_jobs=n_jobs,
        param_grid={
            "init": [VarianceScaling(distribution="uniform")],
            "init__scale": scales,
        },
        cv=StratifiedKFold(5),
    )
    searches = {
        "exhaustive": dict(search="exhaustive"),
        "halving (factor=3)": dict(search="halving", factor=3),
        "halving (factor=2)": dict(search="halving", factor=2),
    }
    times = {name: [] for name in searches}
    fitted = {}
    for _ in range(repeat):
        for name, setting in searches.items():
            t, fitted[name] = _timed(
                lambda setting=setting: MLPClassifierCV(**setting, **params), X, y
            )
            times[name].append(t)
    exhaustive = fitted["exhaustive"]
    scores = exhaustive.cv_results_["mean_test_score"]
    base = statistics.median(times["exhaustive"])
    print(
        f"halving  exhaustive {base:7.3f} s; scales {scales}\n"
        f"         exhaustive mean scores {scores.round(4).tolist()}, winner "
        f"{exhaustive.best_params_['init__scale']}"
    )
    for name in list(searches)[1:]:
        halving = fitted[name]
        winner = scales.index(halving.best_params_["init__scale"])
        t = statistics.median(times[name])
        print(
            f"         {name}: {t:7.3f} s, ratio {t / base:5.2f} (goal <= 0.4); "
            f"rounds {halving.n_resources_} epochs, candidates "
            f"{halving.n_candidates_}; winner {scales[winner]}, exhaustive score "
            f"{scores[winner]:.4f}, gap {scores.max() - scores[winner]:.4f} "
            "(goal <= 0.01)"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--cases", default="iris,digits,halving")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    cases = args.cases.split(",")
    print(
        f"skinit {skinit.__version__}, n_jobs={args.n_jobs}, BLAS threads "
        f"{args.threads}, median of {args.repeat}"
    )
    with threadpool_limits(args.threads):
        # compile and warm up the kernels outside the timings
        X, y = _load(load_iris)
        MLPClassifierCV(hidden_layer_sizes=(3,), max_iter=2, cv=2).fit(X, y)
        for name, case in CASES.items():
            if name in cases:
                compare_grid_search(name, case, args.repeat, args.n_jobs)
        if "halving" in cases:
            compare_halving(args.repeat, args.n_jobs)


if __name__ == "__main__":
    main()
