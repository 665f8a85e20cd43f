# SPDX-License-Identifier: BSD-3-Clause
"""``skinit DATA``: compare initializers on a dataset, from the command line.

For each initializer, cross-validates a multi-layer perceptron and prints its
score, fit time, distinct hidden units and gradient health, and, measured on
its starting weights before any training, the forward variance gain of each
hidden layer and the condition number of the input-output Jacobian; one row
per initializer as it finishes. ``--report FILE.png`` also draws them.
"""

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import type_of_target

from . import MLPClassifier, MLPRegressor
from ._signal import signal_propagation
from .exceptions import DiagnosticWarning, InitializationWarning
from .initializers import NAMES
from .utils._sklearn import check_matplotlib

DATASETS = {
    "iris": datasets.load_iris,
    "digits": datasets.load_digits,
    "wine": datasets.load_wine,
    "breast_cancer": datasets.load_breast_cancer,
    "diabetes": datasets.load_diabetes,
}
DEFAULT_INITS = [
    "sklearn",
    "zeros",
    "ones",
    "glorot_uniform",
    "he_normal",
    "orthogonal",
    "lsuv",
]


class UsageError(Exception):
    """A problem with what the user asked for, told in one line."""


def load_csv(path, target=None):
    """Features and target of a CSV file with a header row.

    The target is the last column unless ``target`` names a column (or gives
    its 0-based index); every other column must be numeric.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(
            f"no dataset named {str(path)!r}: not a file, and not one of "
            f"{', '.join(DATASETS)}"
        )
    with path.open(newline="") as f:
        rows = [row for row in csv.reader(f) if row]
    if len(rows) < 3:
        raise UsageError(f"{path} has fewer than two data rows")
    header, rows = rows[0], rows[1:]
    if any(len(row) != len(header) for row in rows):
        raise UsageError(f"{path}: every row must have {len(header)} columns")
    column = len(header) - 1 if target is None else _column(header, target, path)
    features = [i for i in range(len(header)) if i != column]
    try:
        X = np.array([[float(row[i]) for i in features] for row in rows])
    except ValueError as exc:
        raise UsageError(
            f"{path}: feature columns must be numeric ({exc}); choose the target "
            "column with --target"
        ) from None
    y = np.array([row[column] for row in rows])
    try:
        y = y.astype(float)
    except ValueError:
        pass  # class labels
    return X, y


def _column(header, target, path):
    if target in header:
        return header.index(target)
    if target.lstrip("-").isdigit() and -len(header) <= int(target) < len(header):
        return int(target) % len(header)
    raise UsageError(
        f"{path} has no column {target!r}; its columns are {', '.join(header)}"
    )


def load(data, target=None):
    if data in DATASETS:
        return DATASETS[data](return_X_y=True)
    return load_csv(data, target)


def _initializers(text):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in NAMES]
    if unknown or not names:
        raise UsageError(
            f"unknown initializer {', '.join(map(repr, unknown)) or repr(text)}; "
            f"choose among {', '.join(sorted(NAMES))}"
        )
    return names


def gradient_health(estimator):
    """A few words on how the gradient flowed in a fitted estimator."""
    never = np.flatnonzero(estimator.first_gradient_update_ == 0)
    if len(never):
        return "no gradient: layer " + ",".join(map(str, never))
    dead = np.flatnonzero(estimator.activation_stats_["dead_fraction"] == 1)
    if len(dead):
        return "dead: layer " + ",".join(map(str, dead))
    median = np.median(estimator.gradient_norms_, axis=0)
    return f"ok, weakest layer {median.min() / median.max():.1g} of strongest"


def _is_classification(y):
    """Labels, or a few distinct whole numbers: classes. Else: regression."""
    if type_of_target(y) not in ("binary", "multiclass"):
        return False
    return not np.issubdtype(np.asarray(y).dtype, np.floating) or (
        len(np.unique(y)) <= 20
    )


def compare(
    X,
    y,
    inits,
    *,
    hidden,
    activation,
    cv,
    max_iter,
    n_restarts,
    seed,
    progress,
    task="auto",
):
    """Cross-validate one MLP per initializer; a row of results each."""
    classify = _is_classification(y) if task == "auto" else task == "classification"
    Estimator = MLPClassifier if classify else MLPRegressor
    rows = []
    # the pipeline standardizes each training fold; the starts are measured on
    # the data standardized as a whole
    X_scaled = StandardScaler().fit_transform(X)
    for i, init in enumerate(inits, 1):
        mlp = Estimator(
            hidden_layer_sizes=hidden,
            activation=activation,
            init=init,
            max_iter=max_iter,
            n_restarts=n_restarts,
            random_state=seed,
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            for category in (
                ConvergenceWarning,
                DiagnosticWarning,
                InitializationWarning,
            ):
                warnings.simplefilter("ignore", category)
            start_signal = signal_propagation(mlp, X_scaled, y)
            scores = cross_validate(
                make_pipeline(StandardScaler(), mlp),
                X,
                y,
                cv=cv,
                return_estimator=True,
                error_score="raise",
            )
        fitted = scores["estimator"][0][-1]
        rows.append(
            {
                "init": init,
                "score": scores["test_score"].mean(),
                "score_std": scores["test_score"].std(),
                "fit_time": scores["fit_time"].mean(),
                "units": ", ".join(
                    f"{d}/{len(g)}"
                    for d, g in zip(fitted.n_distinct_units_, fitted.unit_groups_)
                ),
                "gradients": gradient_health(fitted),
                "forward_gain": np.median(start_signal.forward_gain, axis=0),
                "jacobian_condition": np.median(start_signal.jacobian_condition_number),
                "estimator": fitted,
            }
        )
        progress(
            f"[{i}/{len(inits)}] {init}: done in {time.perf_counter() - start:.1f} s"
        )
    return rows, "accuracy" if classify else "R2"


def format_table(rows, metric):
    header = [
        "init",
        f"cv {metric}",
        "fit time (s)",
        "distinct units",
        "gradients",
        "start: forward gain",
        "Jacobian cond.",
    ]
    lines = [
        [
            r["init"],
            f"{r['score']:.3f} ± {r['score_std']:.3f}",
            f"{r['fit_time']:.2f}",
            r["units"],
            r["gradients"],
            ", ".join(f"{gain:.2f}" for gain in r["forward_gain"]),
            f"{r['jacobian_condition']:.3g}",
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    return "\n".join(
        "  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip()
        for line in [header, *lines]
    )


def draw_report(rows, metric, path):
    """Scores and gradient flow of every initializer, in one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    names = [r["init"] for r in rows]
    axes[0].barh(names, [r["score"] for r in rows], xerr=[r["score_std"] for r in rows])
    axes[0].set_xlabel(f"cross-validated {metric}")
    axes[0].invert_yaxis()
    for r in rows:
        norms = r["estimator"].gradient_norms_
        axes[1].plot(
            np.arange(1, len(norms) + 1),
            np.where(norms[:, 0] > 0, norms[:, 0], np.nan),
            label=r["init"],
        )
    axes[1].set_yscale("log")
    axes[1].set_xlabel("update")
    axes[1].set_ylabel("gradient norm of the first layer")
    axes[1].legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="skinit",
        description="Compare weight initializers of a multi-layer perceptron on "
        "a dataset: cross-validated score, fit time, distinct units, gradients, "
        "and, before training, each hidden layer's forward variance gain and the "
        "input-output Jacobian's condition number (median over samples and "
        "restarts).",
    )
    parser.add_argument(
        "data", help=f"{', '.join(DATASETS)}, or the path of a CSV file with a header"
    )
    parser.add_argument(
        "--target", help="CSV target column (name or index); default: the last column"
    )
    parser.add_argument(
        "--inits",
        default=",".join(DEFAULT_INITS),
        help="comma-separated initializer names (default: %(default)s)",
    )
    parser.add_argument(
        "--hidden",
        type=int,
        nargs="+",
        default=[32, 32],
        help="hidden layer sizes (default: 32 32)",
    )
    parser.add_argument(
        "--activation", default="relu", choices=["identity", "logistic", "tanh", "relu"]
    )
    parser.add_argument("--cv", type=int, default=3, help="folds (default: 3)")
    parser.add_argument("--max-iter", type=int, default=100)
    parser.add_argument("--n-restarts", type=int, default=1)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--task",
        choices=["auto", "classification", "regression"],
        default="auto",
        help="default: classification for labels or up to 20 whole-number "
        "values, regression otherwise",
    )
    parser.add_argument("--report", metavar="FILE.png", help="also draw a PNG report")
    args = parser.parse_args(argv)

    def progress(message):
        print(message, file=sys.stderr, flush=True)

    try:
        inits = _initializers(args.inits)
        X, y = load(args.data, args.target)
        if args.report:
            if not args.report.lower().endswith(".png"):
                raise UsageError(f"--report must name a .png file, got {args.report!r}")
            check_matplotlib("skinit --report")
        progress(
            f"{args.data}: {X.shape[0]} samples, {X.shape[1]} features; "
            f"{len(inits)} initializers, {args.cv}-fold cross-validation"
        )
        rows, metric = compare(
            X,
            y,
            inits,
            hidden=tuple(args.hidden),
            activation=args.activation,
            cv=args.cv,
            max_iter=args.max_iter,
            n_restarts=args.n_restarts,
            seed=args.random_state,
            progress=progress,
            task=args.task,
        )
        print(format_table(rows, metric))
        if args.report:
            draw_report(rows, metric, args.report)
            progress(f"report written to {args.report}")
    except (UsageError, ValueError, ImportError, OSError) as exc:
        print(f"skinit: error: {exc}", file=sys.stderr)
        return 2
    return 0
