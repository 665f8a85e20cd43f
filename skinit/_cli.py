# SPDX-License-Identifier: BSD-3-Clause
"""``skinit DATA``: compare initializers on a dataset, from the command line.

For each initializer, cross-validates a multi-layer perceptron and prints its
score, fit time, distinct hidden units and gradient health, and, measured on
its starting weights before any training, the forward variance gain of each
hidden layer and the condition number of the input-output Jacobian on its
range; one row
per initializer as it finishes. ``--report FILE.png`` also draws them.

scikit-learn (and skinit's estimators) are imported only once the arguments
are parsed, so that ``skinit --help`` and usage errors answer at once.
"""

import argparse
import csv
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np

# the datasets of sklearn.datasets, loaded by load_<name>
DATASETS = ("iris", "digits", "wine", "breast_cancer", "diabetes")
# skinit.initializers.NAMES, without importing it (tests check they agree)
INITIALIZER_NAMES = (
    "sklearn",
    "zeros",
    "ones",
    "constant",
    "uniform",
    "normal",
    "truncated_normal",
    "variance_scaling",
    "glorot_uniform",
    "xavier_uniform",
    "glorot_normal",
    "xavier_normal",
    "he_uniform",
    "kaiming_uniform",
    "he_normal",
    "kaiming_normal",
    "lecun_uniform",
    "lecun_normal",
    "orthogonal",
    "identity",
    "sparse",
    "lsuv",
)
# cells read as missing values
MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}
# beyond this magnitude, squares (a column's variance) overflow float64
_SQUARE_OVERFLOWS = 1e150
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


def load_csv(path, target=None, progress=None):
    """Features and target of a delimited text file with a header row.

    The delimiter (comma, semicolon, tab or pipe) is sniffed from the start
    of the file. The target is the last column unless ``target`` names a
    column (or gives its 0-based index); every other column must be numeric.
    Empty cells (and "NA", "NaN", "?", ...) are missing values: NaN in the
    features, and rows without a target are left out (``progress`` says how
    many).
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(
            f"no dataset named {str(path)!r}: not a file, and not one of "
            f"{', '.join(DATASETS)}"
        )
    with path.open(newline="") as f:
        text = f.read()
    delimiter = _sniff_delimiter(text)
    rows = [row for row in csv.reader(text.splitlines(), delimiter=delimiter) if row]
    if len(rows) < 3:
        raise UsageError(f"{path} has fewer than two data rows")
    header, rows = rows[0], rows[1:]
    if len(header) < 2:
        raise UsageError(
            f"{path}: no feature columns found: the header {delimiter.join(header)!r} "
            "is a single column. skinit reads comma, semicolon, tab or pipe "
            "separated files with a header row naming the features and the target."
        )
    for number, row in enumerate(rows, 2):
        if len(row) != len(header):
            raise UsageError(
                f"{path}: line {number} has {len(row)} columns, the header "
                f"{len(header)} (delimiter {delimiter!r}); every row must have "
                f"{len(header)}"
            )
    column = len(header) - 1 if target is None else _column(header, target, path)
    features = [i for i in range(len(header)) if i != column]
    decimal_comma = delimiter == ";"
    try:
        X = np.array(
            [[_number(row[i], decimal_comma) for i in features] for row in rows]
        )
    except ValueError as exc:
        raise UsageError(
            f"{path}: feature columns must be numeric ({exc}); choose the target "
            "column with --target"
        ) from None
    labels = [row[column].strip() for row in rows]
    known = np.array([label.lower() not in MISSING for label in labels])
    if not known.any():
        raise UsageError(f"{path}: the target column {header[column]!r} is empty")
    y = np.array(labels)[known]
    if progress is not None and not known.all():
        progress(
            f"{path}: {np.sum(~known)} rows without a target value "
            f"({header[column]!r}) left out"
        )
    try:
        y = np.array([_number(label, decimal_comma) for label in y])
    except ValueError:
        pass  # class labels
    return X[known], y


def _sniff_delimiter(text):
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _number(cell, decimal_comma=False):
    """A cell as a float; NaN for a missing value."""
    cell = cell.strip()
    if cell.lower() in MISSING:
        return math.nan
    try:
        return float(cell)
    except ValueError:
        if decimal_comma and cell.count(",") == 1:
            return float(cell.replace(",", "."))
        raise ValueError(f"could not convert string to float: {cell!r}") from None


def _column(header, target, path):
    if target in header:
        return header.index(target)
    if target.lstrip("-").isdigit() and -len(header) <= int(target) < len(header):
        return int(target) % len(header)
    raise UsageError(
        f"{path} has no column {target!r}; its columns are {', '.join(header)}"
    )


def load(data, target=None, progress=None):
    if data in DATASETS:
        from sklearn import datasets

        return getattr(datasets, f"load_{data}")(return_X_y=True)
    return load_csv(data, target, progress)


def _initializers(text):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in INITIALIZER_NAMES]
    if unknown or not names:
        raise UsageError(
            f"unknown initializer {', '.join(map(repr, unknown)) or repr(text)}; "
            f"choose among {', '.join(sorted(INITIALIZER_NAMES))}"
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
    from sklearn.utils.multiclass import type_of_target

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
    on_row=None,
):
    """Cross-validate one MLP per initializer; a row of results each.

    ``progress(message)`` is told of each fold as it ends; ``on_row(rows,
    metric)`` of each initializer's row as soon as it is complete.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MaxAbsScaler, StandardScaler

    from . import MLPClassifier, MLPRegressor
    from ._signal import signal_propagation
    from .exceptions import DiagnosticWarning, InitializationWarning

    classify = _is_classification(y) if task == "auto" else task == "classification"
    Estimator = MLPClassifier if classify else MLPRegressor
    metric = "accuracy" if classify else "R2"
    _check_task(y, classify, cv)
    # an empty cell is a missing value: each training fold's column mean
    steps = [SimpleImputer()] if np.isnan(X).any() else []
    if np.nanmax(np.abs(X), initial=0.0) > _SQUARE_OVERFLOWS:
        # the variance of such a column overflows: scaled by its largest
        # magnitude first, it standardizes to the same values
        steps.insert(0, MaxAbsScaler())
    rows = []
    # the pipeline standardizes each training fold; the starts are measured on
    # the data standardized as a whole
    X_scaled = make_pipeline(*steps, StandardScaler()).fit_transform(X)
    # the first fit of a process loads the compiled kernels: done here, it
    # does not count in the first initializer's fit time
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Estimator(hidden_layer_sizes=hidden, activation=activation, max_iter=1).fit(
            X_scaled[:20], y[:20]
        )
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
            scores = _cross_validate(
                make_pipeline(*steps, StandardScaler(), mlp),
                X,
                y,
                cv,
                classify,
                lambda fold, seconds, init=init, i=i: progress(
                    f"[{i}/{len(inits)}] {init}: fold {fold}/{cv} done in "
                    f"{seconds:.1f} s"
                ),
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
                "jacobian_condition": _condition_on_range(
                    start_signal.jacobian_singular_values
                ),
                "estimator": fitted,
            }
        )
        progress(
            f"[{i}/{len(inits)}] {init}: done in {time.perf_counter() - start:.1f} s"
        )
        if on_row is not None:
            on_row(rows, metric)
    return rows, metric


def _condition_on_range(singular_values):
    """Median, over restarts and samples, of the Jacobian's condition number
    on its range: the largest singular value over the smallest one above
    :func:`numpy.linalg.matrix_rank`'s tolerance; inf for a zero Jacobian.

    A sample's inactive ReLU units make its Jacobian singular (an infinite
    condition number for most samples): on its range, it still tells how
    evenly the active directions pass a signal.
    """
    largest = singular_values[..., 0]
    tolerance = largest * singular_values.shape[-1] * np.finfo(float).eps
    kept = np.where(
        singular_values > tolerance[..., np.newaxis], singular_values, np.inf
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        condition = np.where(largest > 0, largest / kept.min(axis=-1), np.inf)
    return float(np.median(condition))


def _check_task(y, classify, cv):
    """Refuse, before any work, data that cannot be cross-validated as asked."""
    if cv > len(y):
        raise UsageError(f"--cv {cv} asks for more folds than the {len(y)} samples")
    if not classify:
        return
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise UsageError(
            f"the target has a single class ({classes[0].item()!r} in all {len(y)} "
            "samples): there is nothing to classify"
        )
    if counts.min() < cv:
        raise UsageError(
            f"--cv {cv} needs at least {cv} samples of each class, but class "
            f"{classes[np.argmin(counts)].item()!r} has {counts.min()}: lower --cv"
        )


def _cross_validate(pipeline, X, y, cv, classify, fold_done):
    """``cross_validate(pipeline, X, y, cv=cv)``'s scores, fit times and estimators.

    Folds are those of ``check_cv`` (stratified for classification), fitted
    one after another so that ``fold_done(fold, seconds)`` reports each.
    """
    from sklearn.base import clone
    from sklearn.model_selection import check_cv

    scores = {"test_score": [], "fit_time": [], "estimator": []}
    for fold, (train, test) in enumerate(
        check_cv(cv, y, classifier=classify).split(X, y), 1
    ):
        start = time.perf_counter()
        estimator = clone(pipeline).fit(X[train], y[train])
        scores["fit_time"].append(time.perf_counter() - start)
        scores["test_score"].append(estimator.score(X[test], y[test]))
        scores["estimator"].append(estimator)
        fold_done(fold, time.perf_counter() - start)
    return {
        key: np.array(value) if key != "estimator" else value
        for key, value in scores.items()
    }


def format_table(rows, metric, min_widths=()):
    """The table of results; columns at least ``min_widths`` wide."""
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
    widths = [max(w, m) for w, m in zip(widths, [*min_widths, *[0] * len(widths)])]
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


def _at_least(minimum):
    """An argparse type: an int >= ``minimum``, named by its option on error."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be an integer >= {minimum}, got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be an integer >= {minimum}, got {value}"
            )
        return value

    parse.__name__ = f"integer >= {minimum}"
    return parse


def _expected_widths(inits, hidden):
    """Column widths known before any result, so rows can be printed at once."""
    units = ", ".join(f"{n}/{n}" for n in hidden)
    return [max(map(len, inits)), len("0.000 ± 0.000"), len("fit time (s)"), len(units)]


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="skinit",
        description="Compare weight initializers of a multi-layer perceptron on "
        "a dataset: cross-validated score, fit time, distinct units, gradients, "
        "and, before training, each hidden layer's forward variance gain and the "
        "input-output Jacobian's condition number on its range (median over "
        "samples and restarts).",
        epilog="initializers: " + ", ".join(INITIALIZER_NAMES) + ". Each row is "
        "printed as soon as its initializer is cross-validated; progress goes to "
        "stderr.",
    )
    parser.add_argument(
        "data",
        help=f"{', '.join(DATASETS)}, or the path of a text file with a header row, "
        "its columns separated by commas, semicolons, tabs or pipes (sniffed); "
        "empty cells are missing values",
    )
    parser.add_argument(
        "--target", help="CSV target column (name or index); default: the last column"
    )
    parser.add_argument(
        "--inits",
        default=",".join(DEFAULT_INITS),
        help="comma-separated initializer names, see below (default: %(default)s)",
    )
    parser.add_argument(
        "--hidden",
        type=_at_least(1),
        nargs="+",
        default=[32, 32],
        help="hidden layer sizes (default: 32 32)",
    )
    parser.add_argument(
        "--activation", default="relu", choices=["identity", "logistic", "tanh", "relu"]
    )
    parser.add_argument("--cv", type=_at_least(2), default=3, help="folds (default: 3)")
    parser.add_argument(
        "--max-iter",
        type=_at_least(1),
        default=100,
        help="epochs (sgd, adam) or iterations (lbfgs) per fit (default: 100)",
    )
    parser.add_argument(
        "--n-restarts",
        type=_at_least(1),
        default=1,
        help="random starts per fit, the best kept (default: 1)",
    )
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

    def show(rows, metric):
        lines = format_table(rows, metric, widths).splitlines()
        if len(rows) == 1:
            print(lines[0])
        print(lines[-1], flush=True)

    widths = _expected_widths(args.inits.split(","), args.hidden)
    try:
        inits = _initializers(args.inits)
        if args.report:
            if not args.report.lower().endswith(".png"):
                raise UsageError(f"--report must name a .png file, got {args.report!r}")
            from .utils._sklearn import check_matplotlib

            check_matplotlib("skinit --report")
        X, y = load(args.data, args.target, progress)
        missing = np.isnan(X).sum()
        progress(
            f"{args.data}: {X.shape[0]} samples, {X.shape[1]} features"
            + (
                f" ({missing} missing values, imputed with the column means of "
                "each training fold)"
                if missing
                else ""
            )
            + f"; {len(inits)} initializers, {args.cv}-fold cross-validation"
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
            on_row=show,
        )
        if args.report:
            draw_report(rows, metric, args.report)
            progress(f"report written to {args.report}")
    except (UsageError, ValueError, ImportError, OSError) as exc:
        print(f"skinit: error: {exc}", file=sys.stderr)
        return 2
    return 0
