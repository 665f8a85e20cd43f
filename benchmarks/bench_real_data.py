# SPDX-License-Identifier: BSD-3-Clause
"""skinit on real tabular data: the KEEL collection, every contender, 5 folds.

For every dataset (43 balanced, 20 imbalanced; see ``_keel.py``) each
contender is cross-validated with the same
``StratifiedKFold(5, shuffle=True, random_state=0)``, BLAS on one thread, in
one warm process (a warm-up fit of every contender comes first), behind the
preprocessing a user would write: numeric columns standardized, categorical
ones one-hot encoded (gradient boosting takes them as categories). Scores:
accuracy on the balanced datasets, balanced accuracy on the imbalanced ones.
Then each contender is timed once more from fresh processes (import, first
compilation and all) on one dataset.

The results go to one JSON file; ``make_real_data_page.py`` turns it into
``docs/real_data.rst``. Run::

    python benchmarks/bench_real_data.py                 # the full suite
    python benchmarks/bench_real_data.py --quick         # a few minutes
    python benchmarks/bench_real_data.py --datasets iris,wine --contenders recipe
"""

import argparse
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import sklearn.neural_network
from _common import environment, one_thread
from _keel import (
    BALANCED,
    DEVELOPMENT,
    IMBALANCED,
    DatasetError,
    kind,
    load,
)
from scipy.stats import rankdata
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import skinit

HERE = Path(__file__).resolve().parent
QUICK = ("hayes-roth", "iris", "sonar", "wine", "haberman", "glass1")
FRESH_DATASET = "australian"
REFERENCE = "sklearn_mlp"
METRICS = {"accuracy": accuracy_score, "balanced_accuracy": balanced_accuracy_score}


def preprocessing():
    """Numeric columns standardized, categorical ones one-hot encoded."""
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), make_column_selector(dtype_include="number")),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore"),
                make_column_selector(dtype_include="category"),
            ),
        ]
    )


def recipe(scoring):
    """The MLP the docs recommend for a better model than the default, cheaply.

    Chosen on the development datasets: a halving search of the weight
    penalty and the learning rate, 3 folds; with balanced classes
    (``class_weight="balanced"``) where the score is balanced accuracy.
    """
    return skinit.MLPClassifierCV(
        param_grid={"alpha": [1e-4, 1e-2, 1.0], "learning_rate_init": [1e-3, 1e-2]},
        cv=3,
        search="halving",
        scoring=scoring,
        class_weight="balanced" if scoring == "balanced_accuracy" else None,
        random_state=0,
    )


CONTENDERS = {
    "sklearn_mlp": lambda scoring: sklearn.neural_network.MLPClassifier(random_state=0),
    "skinit_mlp": lambda scoring: skinit.MLPClassifier(random_state=0),
    "skinit_best_of_5": lambda scoring: skinit.MLPClassifier(
        n_restarts=5, random_state=0
    ),
    "skinit_ensemble_5": lambda scoring: skinit.MLPClassifier(
        n_restarts=5, restart_ensemble=True, random_state=0
    ),
    "recipe": recipe,
    "gradient_boosting": lambda scoring: HistGradientBoostingClassifier(random_state=0),
    "logistic_regression": lambda scoring: LogisticRegression(max_iter=1000),
    # beside the comparison: what the initializer changes (with skinit_mlp,
    # scikit-learn's own init), and what halving changes in the recipe
    **{
        f"init_{init}": lambda scoring, init=init: skinit.MLPClassifier(
            init=init, random_state=0
        )
        for init in ("he_normal", "orthogonal", "lsuv")
    },
    "recipe_exhaustive": lambda scoring: recipe(scoring).set_params(
        search="exhaustive"
    ),
}
INITIALIZERS = ("skinit_mlp", "init_he_normal", "init_orthogonal", "init_lsuv")
# not ranked with the others; the exhaustive search is in no default run
SIDE = {*INITIALIZERS[1:], "recipe_exhaustive"}
DEFAULT = [c for c in CONTENDERS if c != "recipe_exhaustive"]
# Gradient boosting takes the categorical columns as they are.
TAKES_CATEGORIES = {"gradient_boosting"}


def model(contender, scoring):
    """The contender's whole pipeline, unfitted."""
    estimator = CONTENDERS[contender](scoring)
    if contender in TAKES_CATEGORIES:
        return estimator
    return make_pipeline(preprocessing(), estimator)


def scoring_for(name):
    """Accuracy on the balanced datasets, balanced accuracy on the others."""
    return "accuracy" if kind(name) == "balanced" else "balanced_accuracy"


def group(name):
    """``"development"``, ``"validation"`` or ``"imbalanced"``."""
    if kind(name) == "imbalanced":
        return "imbalanced"
    return "development" if name in DEVELOPMENT else "validation"


def folds(y):
    """The suite's one split of every dataset."""
    return StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), y)


def cross_validate(contender, X, y, scoring):
    """Per fold: the test score, the fit + predict wall time, the parameters
    a search chose (None for the others) and the predictions."""
    metric = METRICS[scoring]
    scores, times, chosen, predictions = [], [], [], []
    for train, test in folds(y):
        estimator = model(contender, scoring)
        start = time.perf_counter()
        estimator.fit(X.iloc[train], y[train])
        predicted = estimator.predict(X.iloc[test])
        times.append(time.perf_counter() - start)
        scores.append(float(metric(y[test], predicted)))
        predictions.append(predicted)
        search = estimator[-1] if hasattr(estimator, "steps") else estimator
        chosen.append(getattr(search, "best_params_", None))
    return {"scores": scores, "times": times, "chosen": chosen}, predictions


def run_dataset(name, contenders, path=None):
    """Cross-validate every contender on one dataset; a dict for the JSON."""
    X, y = load(name, path)
    scoring = scoring_for(name)
    record = {
        "group": group(name),
        "scoring": scoring,
        "n_samples": len(y),
        "n_features": X.shape[1],
        "n_categorical": int(sum(X.dtypes == "category")),
        "n_classes": len(np.unique(y)),
        "results": {},
    }
    predictions = {}
    for contender in contenders:
        record["results"][contender], predictions[contender] = cross_validate(
            contender, X, y, scoring
        )
    if {"sklearn_mlp", "skinit_mlp"} <= set(contenders):
        record["same_predictions"] = [
            bool(np.array_equal(a, b))
            for a, b in zip(predictions["sklearn_mlp"], predictions["skinit_mlp"])
        ]
    return record


def warm_up(contenders, path=None):
    """Fit every contender on a small dataset with three classes and on one
    with two, scored both ways: imports and compilation come first."""
    X, y = load("iris", path)
    binary = np.where(y == y[0], y[0], "other")
    for contender in contenders:
        model(contender, "accuracy").fit(X, y)
        model(contender, "balanced_accuracy").fit(X, binary)


def fresh_process_time(contender, dataset, repeat):
    """Wall times of whole processes that import and cross-validate once."""
    command = [sys.executable, __file__, "--one", contender, dataset]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=HERE)
        times.append(time.perf_counter() - start)
    return times


def run(datasets, contenders, fresh_repeat=3, path=None, log=print):
    """The whole suite; datasets that cannot be read are named and skipped."""
    results = {
        "date": datetime.date.today().isoformat(),
        "environment": environment(),
        "contenders": list(contenders),
        "datasets": {},
        "errors": {},
        "fresh": {},
    }
    with one_thread():  # ConvergenceWarning is ignored by _common
        warm_up(contenders, path)
        for name in datasets:
            start = time.perf_counter()
            try:
                results["datasets"][name] = record = run_dataset(name, contenders, path)
            except DatasetError as exc:
                results["errors"][name] = str(exc)
                log(f"skipped: {exc}")
                continue
            log(
                f"{name:<26} {time.perf_counter() - start:7.1f} s  "
                + "  ".join(
                    f"{c} {np.mean(r['scores']):.3f}"
                    for c, r in record["results"].items()
                )
            )
    if fresh_repeat:
        for contender in contenders:
            results["fresh"][contender] = {
                "dataset": FRESH_DATASET,
                "times": fresh_process_time(contender, FRESH_DATASET, fresh_repeat),
            }
            log(f"fresh process, {contender}: {results['fresh'][contender]['times']}")
    return results


def one_tie(record):
    """One test sample's worth of score: a smaller difference is a tie."""
    return 5 / record["n_samples"]


def summary(results, names=None, reference=REFERENCE):
    """Aggregates over ``names`` (default: every dataset) for each contender.

    ``wins``, ``ties``, ``losses`` against ``reference`` (a tie: the mean
    scores differ by less than one test sample's worth); ``mean_rank`` among
    all contenders (1 is best, ties share their mean rank);
    ``error_reduction``, the mean over datasets of the relative reduction of
    the error ``1 - score`` against ``reference``'s (an error below one test
    sample's worth counts as that much); ``time_ratio``, the total warm time
    over ``reference``'s.
    """
    datasets = results["datasets"]
    names = [n for n in (names or datasets) if n in datasets]
    contenders = [c for c in results["contenders"] if c not in SIDE]
    means = np.array(
        [[np.mean(datasets[n]["results"][c]["scores"]) for c in contenders]
         for n in names]
    )  # fmt: skip
    totals = np.array(
        [[np.sum(datasets[n]["results"][c]["times"]) for c in contenders]
         for n in names]
    )  # fmt: skip
    ties = np.array([one_tie(datasets[n]) for n in names])[:, np.newaxis]
    ranks = np.array([rankdata(-row) for row in means])
    j = contenders.index(reference)
    difference = means - means[:, [j]]
    error = np.maximum(1 - means, ties)
    out = {}
    for i, contender in enumerate(contenders):
        out[contender] = {
            "n_datasets": len(names),
            "wins": int(np.sum(difference[:, i] >= ties[:, 0])),
            "ties": int(np.sum(np.abs(difference[:, i]) < ties[:, 0])),
            "losses": int(np.sum(difference[:, i] <= -ties[:, 0])),
            "mean_rank": float(np.mean(ranks[:, i])),
            "error_reduction": float(np.mean(1 - error[:, i] / error[:, j])),
            "time_ratio": float(totals[:, i].sum() / totals[:, j].sum()),
            "time": float(totals[:, i].sum()),
        }
    return out


def versus(results, contender, other, names=None):
    """Wins, ties and losses of ``contender`` against ``other``."""
    return {
        key: value
        for key, value in summary(results, names, reference=other)[contender].items()
        if key in ("wins", "ties", "losses")
    }


def initializer_spread(results, names=None):
    """Per dataset, the range of the mean scores of :data:`INITIALIZERS`.

    Returns ``{name: (range, best initializer, worst initializer)}`` over the
    datasets of ``names`` where all of them ran.
    """
    datasets = results["datasets"]
    out = {}
    for name in names or datasets:
        runs = datasets.get(name, {}).get("results", {})
        if not all(init in runs for init in INITIALIZERS):
            continue
        means = {init: np.mean(runs[init]["scores"]) for init in INITIALIZERS}
        best, worst = max(means, key=means.get), min(means, key=means.get)
        out[name] = (float(means[best] - means[worst]), best, worst)
    return out


def halving_agreement(results, names=None):
    """Per dataset, how the recipe's halving search compares with the same
    search exhaustive: the folds where both chose the same candidate, and
    the mean score and time of each.

    Returns ``{name: {"same": int, "folds": int, "score": (halving,
    exhaustive), "time": (halving, exhaustive)}}`` where both ran.
    """
    datasets = results["datasets"]
    out = {}
    for name in names or datasets:
        runs = datasets.get(name, {}).get("results", {})
        if "recipe" not in runs or "recipe_exhaustive" not in runs:
            continue
        halving, exhaustive = runs["recipe"], runs["recipe_exhaustive"]
        out[name] = {
            "same": sum(
                a == b for a, b in zip(halving["chosen"], exhaustive["chosen"])
            ),
            "folds": len(halving["chosen"]),
            "score": tuple(float(np.mean(r["scores"])) for r in (halving, exhaustive)),
            "time": tuple(float(np.sum(r["times"])) for r in (halving, exhaustive)),
        }
    return out


def update(output, datasets, contenders, fresh_repeat, path=None):
    """Run ``contenders`` and add (or replace) their results in the JSON file
    ``output``, on its datasets (or ``datasets``)."""
    results = json.loads(Path(output).read_text())
    start = time.perf_counter()
    names = datasets or list(results["datasets"])
    new = run(names, contenders, fresh_repeat, path, log=print)
    for name, record in new["datasets"].items():
        if name in results["datasets"]:
            results["datasets"][name]["results"].update(record["results"])
    results["contenders"] += [c for c in contenders if c not in results["contenders"]]
    results["fresh"].update(new["fresh"])
    results.setdefault("updates", []).append(
        {
            "date": new["date"],
            "contenders": contenders,
            "wall_time": time.perf_counter() - start,
        }
    )
    Path(output).write_text(json.dumps(results, indent=1, default=repr))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {QUICK}")
    parser.add_argument("--datasets", help="comma-separated names")
    parser.add_argument("--contenders", help="comma-separated, of " + str(CONTENDERS))
    parser.add_argument("--fresh-repeat", type=int, default=3)
    parser.add_argument("--output", default=None, help="the JSON file to write")
    parser.add_argument(
        "--update",
        metavar="JSON",
        help="add the contenders' results to this earlier run's file",
    )
    parser.add_argument(
        "--one",
        nargs=2,
        metavar=("CONTENDER", "DATASET"),
        help="cross-validate one contender once (a fresh process)",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if args.one:
        contender, name = args.one
        with one_thread():
            X, y = load(name)
            cross_validate(contender, X, y, scoring_for(name))
        return
    if args.datasets:
        datasets = args.datasets.split(",")
    else:
        datasets = list(QUICK) if args.quick else [*BALANCED, *IMBALANCED]
    contenders = args.contenders.split(",") if args.contenders else list(DEFAULT)
    unknown = set(contenders) - set(CONTENDERS)
    if unknown:
        parser.error(f"unknown contenders {sorted(unknown)}; use {list(CONTENDERS)}")
    if args.update:
        results = update(args.update, args.datasets and datasets, contenders,
                         args.fresh_repeat)  # fmt: skip
        output = args.update
    else:
        if REFERENCE not in contenders:
            contenders.insert(0, REFERENCE)
        start = time.perf_counter()
        results = run(datasets, contenders, args.fresh_repeat)
        results["quick"] = args.quick
        results["wall_time"] = time.perf_counter() - start
        output = args.output or HERE / (
            "real_data_quick.json" if args.quick else "real_data.json"
        )
        Path(output).write_text(json.dumps(results, indent=1, default=repr))
    for label, names in (
        ("development", DEVELOPMENT),
        ("validation", sorted(set(BALANCED) - set(DEVELOPMENT))),
        ("imbalanced", IMBALANCED),
    ):
        table = summary(results, names)
        n = next(iter(table.values()))["n_datasets"]
        if not n:
            continue
        print(f"\n{label} ({n} datasets): wins/ties/losses vs {REFERENCE}, "
              "mean rank, error reduction, time ratio")  # fmt: skip
        for contender, row in table.items():
            print(
                f"  {contender:<22} {row['wins']:>2}/{row['ties']:>2}/"
                f"{row['losses']:>2}  {row['mean_rank']:.2f}  "
                f"{row['error_reduction']:+.1%}  {row['time_ratio']:.2f}"
            )
    spread = initializer_spread(results)
    if spread:
        wide = sum(r > 0.01 for r, _, _ in spread.values())
        print(f"\ninitializers: more than one point apart on {wide} of {len(spread)}")
    agreement = halving_agreement(results).values()
    if agreement:
        same = sum(a["same"] for a in agreement)
        folds = sum(a["folds"] for a in agreement)
        print(f"halving chose the exhaustive winner on {same} of {folds} folds")
    print(f"\nwall time {results['wall_time'] / 60:.1f} min; wrote {output}")


if __name__ == "__main__":
    main()
