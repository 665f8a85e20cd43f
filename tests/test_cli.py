# SPDX-License-Identifier: BSD-3-Clause
"""The command line: a table per initializer, one clear line for bad input."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skinit._cli import main


@pytest.fixture
def csv_file(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    label = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    path = tmp_path / "data.csv"
    lines = ["f1,label,f2,f3"] + [
        f"{a:.4f},{lab},{b:.4f},{c:.4f}" for (a, b, c), lab in zip(X, label)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_of_initializers_on_a_bundled_dataset(capsys):
    code, out, err = _run(
        capsys,
        "iris",
        "--inits",
        "sklearn,ones",
        "--hidden",
        "6",
        "--max-iter",
        "30",
        "--cv",
        "2",
    )
    assert code == 0
    header, sklearn_row, ones_row = out.strip().splitlines()
    assert header.split()[:3] == ["init", "cv", "accuracy"]
    assert sklearn_row.startswith("sklearn") and "6/6" in sklearn_row
    assert ones_row.startswith("ones") and "1/6" in ones_row  # symmetric units
    assert "[1/2] sklearn" in err and "[2/2] ones" in err  # progress
    summary = "iris: 150 samples, 4 features; 2 initializers, 2-fold cross-validation"
    assert err.splitlines()[0] == summary


def test_table_shows_the_starts_forward_gain_and_jacobian_condition(capsys):
    code, out, _ = _run(
        capsys,
        "iris",
        "--inits",
        "orthogonal,zeros",
        "--hidden",
        "4",
        "4",
        "--activation",
        "identity",
        "--max-iter",
        "5",
        "--cv",
        "2",
    )
    assert code == 0
    header, orthogonal, zeros = [line.split("  ") for line in out.strip().splitlines()]
    header = [cell.strip() for cell in header if cell.strip()]
    assert header[-2:] == ["start: forward gain", "Jacobian cond."]
    orthogonal = [cell.strip() for cell in orthogonal if cell.strip()]
    zeros = [cell.strip() for cell in zeros if cell.strip()]
    # square orthogonal linear layers on standardized data keep the total
    # variance (trace(W' C W) = trace(C)) and every singular value equals 1
    assert orthogonal[-2:] == ["1.00, 1.00", "1"]
    # all-zero weights: no variance after the first layer, nothing to compare
    # it to after the second, and a zero (singular) Jacobian
    assert zeros[-2:] == ["0.00, nan", "inf"]


def test_csv_with_a_named_target_and_a_report(capsys, csv_file, tmp_path):
    report = tmp_path / "report.png"
    code, out, _ = _run(
        capsys,
        csv_file,
        "--target",
        "label",
        "--inits",
        "he_normal",
        "--hidden",
        "4",
        "--cv",
        "2",
        "--report",
        report,
    )
    assert code == 0
    assert out.splitlines()[1].startswith("he_normal")
    assert report.stat().st_size > 1000


def test_regression_target_reports_r2(capsys, csv_file):
    code, out, err = _run(
        capsys,
        csv_file,
        "--target",
        "f3",
        "--inits",
        "zeros",
        "--hidden",
        "3",
        "--cv",
        "2",
        "--max-iter",
        "5",
    )
    # the label column is not numeric: it cannot be a feature
    assert code == 2
    assert err == (
        f"skinit: error: {csv_file}: feature columns must be numeric (could not "
        "convert string to float: 'yes'); choose the target column with --target\n"
    )
    code, out, _ = _run(
        capsys,
        "diabetes",
        "--inits",
        "zeros",
        "--hidden",
        "3",
        "--cv",
        "2",
        "--max-iter",
        "5",
    )
    assert code == 0
    assert "cv R2" in out
    assert "no gradient" in out  # all-zero weights and biases never learn


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["no_such_file.csv"],
            "no dataset named 'no_such_file.csv': not a file, and not one of "
            "iris, digits, wine, breast_cancer, diabetes",
        ),
        (["iris", "--inits", "he"], "unknown initializer 'he'; choose among"),
        (
            ["iris", "--inits", "he,zeros,xx"],
            "unknown initializer 'he', 'xx'; choose among constant, glorot_normal, "
            "glorot_uniform, he_normal, he_uniform, identity, kaiming_normal, "
            "kaiming_uniform, lecun_normal, lecun_uniform, lsuv, normal, ones, "
            "orthogonal, sklearn, sparse, truncated_normal, uniform, "
            "variance_scaling, xavier_normal, xavier_uniform, zeros\n",
        ),
        (["iris", "--inits", " , "], "unknown initializer ' , '; choose among"),
        (["iris", "--report", "out.jpg"], "--report must name a .png file"),
    ],
)
def test_bad_input_is_one_clear_line(capsys, args, message):
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert err.strip().splitlines() == [
        f"skinit: error: {err.split(': ', 2)[2]}".strip()
    ]
    assert message in err
    assert "Traceback" not in err


def test_report_without_matplotlib_says_how_to_get_it(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = _run(capsys, "iris", "--report", "r.png")
    assert code == 2 and out == ""  # refused before any work
    assert "pip install 'skinit[plot]'" in err


def test_bad_csv_column(capsys, csv_file):
    code, _, err = _run(capsys, csv_file, "--target", "nope")
    assert code == 2
    assert "has no column 'nope'; its columns are f1, label, f2, f3" in err


def test_module_and_console_script_entry_points():
    result = subprocess.run(
        [sys.executable, "-m", "skinit", "nope"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith("skinit: error: no dataset named 'nope'")


# -- every option, against the cross-validation it stands for ---------------------


def _reference_row(X, y, *, cv=3, regression=False, **params):
    """``cv accuracy`` (or R2) cell of the table, by scikit-learn's cross_validate."""
    from sklearn.model_selection import cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skinit import MLPClassifier, MLPRegressor

    Estimator = MLPRegressor if regression else MLPClassifier
    params = {
        "hidden_layer_sizes": (32, 32),
        "max_iter": 20,
        "random_state": 0,
    } | params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_validate(
            make_pipeline(StandardScaler(), Estimator(**params)), X, y, cv=cv
        )["test_score"]
    return f"{scores.mean():.3f} ± {scores.std():.3f}"


def _score_cell(out, init):
    row = next(line for line in out.splitlines() if line.startswith(init + " "))
    return " ".join(row.split()[1:4])


@pytest.mark.parametrize(
    "options, params",
    [
        ([], {}),
        (["--activation", "tanh"], {"activation": "tanh"}),
        (["--max-iter", "7"], {"max_iter": 7}),
        (["--n-restarts", "2"], {"n_restarts": 2}),
        (["--random-state", "3"], {"random_state": 3}),
        (["--hidden", "5", "4"], {"hidden_layer_sizes": (5, 4)}),
        (["--cv", "4"], {"cv": 4}),
        (["--task", "regression"], {"regression": True}),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_each_option_is_the_cross_validation_it_names(capsys, options, params):
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    args = ["iris", "--inits", "he_normal", "--max-iter", "20", *options]
    code, out, _ = _run(capsys, *args)
    assert code == 0
    expected = _reference_row(X, y, init="he_normal", **params)
    assert _score_cell(out, "he_normal") == expected
    assert ("cv R2" in out) == bool(params.get("regression"))
    hidden = params.get("hidden_layer_sizes", (32, 32))
    assert ", ".join(f"{n}/{n}" for n in hidden) in out


def test_initializer_names_are_the_registry():
    from skinit._cli import INITIALIZER_NAMES
    from skinit.initializers import NAMES

    assert INITIALIZER_NAMES == tuple(NAMES)


def test_help_lists_initializers_without_importing_sklearn():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "skinit", "--help"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    imported = [line.split("|")[-1].strip() for line in result.stderr.splitlines()]
    assert "skinit._cli" in imported
    assert not [name for name in imported if name.split(".")[0] in ("sklearn", "scipy")]
    help_text = " ".join(result.stdout.split())
    assert "initializers: sklearn, zeros, ones," in help_text
    assert "orthogonal, identity, sparse, lsuv." in help_text
    # the README's comparison: the classic starts, the symmetric ones, LSUV
    default = "sklearn,zeros,ones,glorot_uniform,he_normal,orthogonal,lsuv"
    assert f"(default:{default})" in "".join(help_text.split())  # wrapped anywhere


def _write(path, sep, rows, decimal="."):
    path.write_text(
        "\n".join(sep.join(str(c).replace(".", decimal) for c in r) for r in rows)
        + "\n"
    )
    return path


@pytest.fixture
def table():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3)).round(4)
    label = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    return (
        X,
        label,
        [["f1", "f2", "f3", "label"], *[[*x, lab] for x, lab in zip(X, label)]],
    )


@pytest.mark.parametrize(
    "sep, decimal",
    [(",", "."), (", ", "."), (";", ","), (";", "."), ("\t", "."), ("|", ".")],
)
def test_delimiter_is_sniffed(capsys, tmp_path, table, sep, decimal):
    X, label, rows = table
    path = _write(tmp_path / "data.txt", sep, rows, decimal)
    code, out, _ = _run(
        capsys, path, "--inits", "he_normal", "--hidden", "4", "--cv", "2"
    )
    assert code == 0
    expected = _reference_row(
        X, label, cv=2, init="he_normal", hidden_layer_sizes=(4,), max_iter=100
    )
    assert _score_cell(out, "he_normal") == expected


def test_one_column_file_says_no_feature_columns(capsys, tmp_path):
    path = tmp_path / "spaces.txt"
    path.write_text("a b c\n1 2 3\n4 5 6\n7 8 9\n")
    code, _, err = _run(capsys, path)
    assert code == 2
    assert "no feature columns found: the header 'a b c' is a single column" in err


def test_empty_cells_are_missing_values(capsys, tmp_path, table):
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skinit import MLPClassifier

    X, label, rows = table
    rows = [list(r) for r in rows]
    X = X.copy()
    for i in range(0, 60, 7):
        rows[i + 1][1] = ""  # a missing feature
        X[i, 1] = np.nan
    rows[1][2] = "?"  # a second one in the first row: cells are counted
    X[0, 2] = np.nan
    rows[4][3] = "NA"  # a missing target: the row is left out
    keep = np.arange(60) != 3
    path = _write(tmp_path / "data.csv", ",", rows)
    code, out, err = _run(capsys, path, "--inits", "ones", "--hidden", "3", "--cv", "2")
    assert code == 0
    assert "1 rows without a target value ('label') left out" in err
    assert (
        f"{path}: 59 samples, 3 features (10 missing values, imputed with the "
        "column means of each training fold); 1 initializers, 2-fold "
        "cross-validation\n"
    ) in err
    clf = MLPClassifier((3,), init="ones", max_iter=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_validate(
            make_pipeline(SimpleImputer(), StandardScaler(), clf),
            X[keep],
            label[keep],
            cv=2,
        )["test_score"]
    assert _score_cell(out, "ones") == f"{scores.mean():.3f} ± {scores.std():.3f}"


def test_single_class_is_refused(capsys, tmp_path, table):
    _, _, rows = table
    rows = [rows[0], *[[*r[:3], "yes"] for r in rows[1:]]]
    code, out, err = _run(capsys, _write(tmp_path / "d.csv", ",", rows))
    assert code == 2 and out == ""
    assert "the target has a single class ('yes' in all 60 samples)" in err


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--max-iter", "0", "argument --max-iter: must be an integer >= 1, got 0"),
        ("--n-restarts", "0", "argument --n-restarts: must be an integer >= 1, got 0"),
        ("--cv", "1", "argument --cv: must be an integer >= 2, got 1"),
        ("--hidden", "0", "argument --hidden: must be an integer >= 1, got 0"),
        (
            "--max-iter",
            "ten",
            "argument --max-iter: must be an integer >= 1, got 'ten'",
        ),
    ],
)
def test_numeric_options_are_blamed_by_name(capsys, option, value, message):
    with pytest.raises(SystemExit) as exit_:
        main(["iris", option, value])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_more_folds_than_a_class_has_blames_cv(capsys):
    code, out, err = _run(capsys, "iris", "--cv", "60")
    assert code == 2 and out == ""
    assert "--cv 60 needs at least 60 samples of each class, but class 0 has 50" in err


def test_rows_are_printed_as_each_initializer_finishes():
    # stdout and stderr into one pipe: the first row comes after the first
    # initializer's folds and before the second initializer starts
    result = subprocess.run(
        [
            *(sys.executable, "-m", "skinit", "iris", "--inits", "ones,zeros"),
            *("--hidden", "3", "--max-iter", "5", "--cv", "2"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = result.stdout.splitlines()

    def first(prefix):
        return next(i for i, line in enumerate(lines) if line.startswith(prefix))

    assert first("[1/2] ones: fold 2/2 done in") < first("init ") < first("ones ")
    assert first("ones ") < first("[2/2] zeros: fold 1/2") < first("zeros ")
    assert len([line for line in lines if line.startswith("init ")]) == 1


def test_cv_may_equal_the_smallest_class(capsys, tmp_path, table):
    # the "no" class has 25 rows here: 25 folds are fine, 26 are not
    _, label, rows = table
    assert (label == "no").sum() == 25
    path = _write(tmp_path / "d.csv", ",", rows)
    code, _, err = _run(capsys, path, "--cv", "26", "--inits", "zeros")
    assert code == 2
    assert (
        "--cv 26 needs at least 26 samples of each class, but class 'no' has 25" in err
    )
    options = ("--cv", "25", "--inits", "zeros", "--hidden", "2", "--max-iter", "2")
    code, out, _ = _run(capsys, path, *options)
    assert code == 0 and out.splitlines()[1].startswith("zeros")


class _Fitted:
    """What gradient_health reads of a fitted estimator."""

    def __init__(self, norms, first, dead):
        self.gradient_norms_ = np.array(norms)
        self.first_gradient_update_ = np.array(first)
        self.activation_stats_ = {"dead_fraction": np.array(dead)}


def test_gradient_health_words():
    from skinit._cli import gradient_health

    # medians per layer: 2 and 6, so the weakest is a third of the strongest
    # (the means, 2 and 23.3, would say 0.09: one large update does not count)
    healthy = _Fitted([[1.0, 4.0], [3.0, 60.0], [2.0, 6.0]], [1, 1], [0.5])
    assert gradient_health(healthy) == "ok, weakest layer 0.3 of strongest"
    # the weakest layer may be any layer: here the last (medians 6, 4 and 1)
    last = _Fitted([[6.0, 4.0, 1.0], [6.0, 4.0, 1.0]], [1, 1, 1], [0.5, 0.0])
    assert gradient_health(last) == "ok, weakest layer 0.2 of strongest"
    assert gradient_health(_Fitted([[0, 1]], [0, 1], [0.0])) == "no gradient: layer 0"
    assert gradient_health(_Fitted([[1, 1]], [1, 1], [1.0])) == "dead: layer 0"
    # every layer named, not the first only
    never = _Fitted([[0, 0, 1]], [0, 0, 1], [1.0, 1.0])
    assert gradient_health(never) == "no gradient: layer 0,1"
    dead = _Fitted([[1, 1, 1]], [1, 1, 1], [1.0, 1.0])
    assert gradient_health(dead) == "dead: layer 0,1"


@pytest.mark.parametrize("target", ["label", "1", "-3"])
def test_target_by_name_or_index(capsys, csv_file, target):
    # f1,label,f2,f3: the label column is index 1, or -3 from the end
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    label = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    X = np.round(X, 4)
    options = ("--inits", "he_normal", "--hidden", "4", "--cv", "2")
    code, out, _ = _run(capsys, csv_file, "--target", target, *options)
    assert code == 0
    expected = _reference_row(
        X, label, cv=2, init="he_normal", hidden_layer_sizes=(4,), max_iter=100
    )
    assert _score_cell(out, "he_normal") == expected


def test_initializer_list_tolerates_spaces(capsys):
    options = ("--hidden", "2", "--max-iter", "2", "--cv", "2")
    code, out, _ = _run(capsys, "iris", "--inits", " zeros , ones", *options)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["init", "zeros", "ones"]


@pytest.mark.parametrize(
    "y, classification",
    [
        # numbers read from a file are floats: up to 20 whole values are
        # classes, more are a count to regress, fractions a quantity
        (np.arange(40.0) % 20, True),
        (np.arange(42.0) % 21, False),
        (np.arange(40.0) % 20 + 0.5, False),
        (np.arange(42) % 21, True),  # integer labels (bundled datasets)
        (np.array(["a", "b"] * 5), True),
    ],
)
def test_task_auto_classifies_labels_and_few_whole_numbers(y, classification):
    from skinit._cli import _is_classification

    assert _is_classification(y) == classification


def test_fit_time_is_the_mean_over_folds(capsys, monkeypatch):
    # a clock that advances by one second at each reading: each fold's fit
    # takes 1 s by it, however long it really takes
    import itertools
    import types

    import skinit._cli

    ticks = itertools.count()
    clock = types.SimpleNamespace(perf_counter=lambda: float(next(ticks)))
    monkeypatch.setattr(skinit._cli, "time", clock)
    options = ("--inits", "zeros", "--hidden", "2", "--max-iter", "2", "--cv", "3")
    code, out, err = _run(capsys, "iris", *options)
    assert code == 0
    assert out.splitlines()[1].split()[4] == "1.00"
    assert "[1/1] zeros: fold 2/3 done in 2.0 s" in err  # since the fit began


def test_a_single_data_row_is_refused(capsys, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("a,b,y\n1,2,3\n")
    code, _, err = _run(capsys, path)
    assert code == 2 and "has fewer than two data rows" in err


def test_cv_may_equal_the_number_of_samples_for_regression(capsys, tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("a,y\n1,0.5\n2,1.5\n3,2.0\n4,3.5\n")
    options = ("--task", "regression", "--inits", "zeros", "--hidden", "2")
    code, _, err = _run(capsys, path, "--cv", "5", *options)
    assert code == 2 and "--cv 5 asks for more folds than the 4 samples" in err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R2 of one sample is undefined
        code, out, _ = _run(capsys, path, "--cv", "4", "--max-iter", "2", *options)
    assert code == 0 and "cv R2" in out


def test_report_draws_each_initializers_first_layer_gradients(tmp_path, monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import StandardScaler

    from skinit import MLPClassifier
    from skinit._cli import compare, draw_report
    from skinit.diagnostics import signal_propagation

    X, y = load_iris(return_X_y=True)
    inits = ["sklearn", "zeros"]
    rows, metric = compare(
        X,
        y,
        inits,
        hidden=(4, 3),
        activation="relu",
        cv=2,
        max_iter=5,
        n_restarts=3,
        seed=0,
        progress=lambda message: None,
    )
    # the start columns: medians over the restarts, on the standardized data
    for row in rows:
        start = signal_propagation(
            MLPClassifier((4, 3), init=row["init"], n_restarts=3, random_state=0),
            StandardScaler().fit_transform(X),
            y,
        )
        assert_allclose(row["forward_gain"], np.median(start.forward_gain, axis=0))
    gains = signal_propagation(
        MLPClassifier((4, 3), n_restarts=3, random_state=0), X, y
    ).forward_gain
    assert not np.allclose(rows[0]["forward_gain"], np.median(gains, axis=0))
    assert not np.allclose(rows[0]["forward_gain"], np.mean(gains, axis=0))

    monkeypatch.setattr(plt, "close", lambda fig: None)  # keep it to look at
    plt.close("all")
    draw_report(rows, metric, tmp_path / "report.png")
    scores, gradients = plt.gcf().axes
    assert_allclose(
        [bar.get_width() for bar in scores.patches], [r["score"] for r in rows]
    )
    # error bars from score - std to score + std, one per initializer
    from matplotlib.container import ErrorbarContainer

    (container,) = [c for c in scores.containers if isinstance(c, ErrorbarContainer)]
    (errors,) = container.lines[2]
    assert_allclose(
        [segment[:, 0] for segment in errors.get_segments()],
        [[r["score"] - r["score_std"], r["score"] + r["score_std"]] for r in rows],
    )
    assert scores.get_xlabel() == "cross-validated accuracy"
    assert scores.yaxis_inverted()  # the first initializer on top
    assert len(gradients.get_lines()) == len(rows)
    for line, row in zip(gradients.get_lines(), rows):
        assert line.get_label() == row["init"]
        norms = row["estimator"].gradient_norms_[:, 0]
        # zero norms (the zeros start's first layer) have no place on a log axis
        expected = np.where(norms > 0, norms, np.nan)
        assert_allclose(line.get_ydata(), expected)
        assert_array_equal(line.get_xdata(), np.arange(len(norms)) + 1)
    assert np.isnan(gradients.get_lines()[1].get_ydata()).all()
    assert gradients.get_yscale() == "log"
    assert gradients.get_xlabel() == "update"
    assert gradients.get_ylabel() == "gradient norm of the first layer"
    legend = [text.get_text() for text in gradients.get_legend().get_texts()]
    assert legend == inits


def test_rows_printed_one_by_one_stay_aligned(capsys):
    # "1/100, 1/100, 1/100" then "100/100, 100/100, 100/100", both wider than
    # the header: the units column is sized before the first row is printed
    options = ("--hidden", "100", "100", "100", "--max-iter", "2", "--cv", "2")
    code, out, _ = _run(capsys, "iris", "--inits", "zeros,sklearn", *options)
    assert code == 0
    header, zeros, sklearn = out.splitlines()
    column = header.index("gradients")
    assert zeros[column:].startswith("no gradient")
    assert sklearn[column:].startswith("ok, weakest layer")
    units = header.index("distinct units")
    assert zeros[units:].startswith("1/100, 1/100, 1/100 ")
    assert all(line == line.rstrip() for line in (header, zeros, sklearn))
    assert sklearn[units:].startswith("100/100, 100/100, 100/100  ")


def test_cells_are_read_without_surrounding_spaces(capsys, tmp_path, table):
    # "yes", " yes" and "yes " are one class; " 1.5" is 1.5
    X, label, rows = table
    padded = [rows[0]] + [
        [f" {x}" for x in r[:3]] + [[r[3], f" {r[3]}", f"{r[3]} "][i % 3]]
        for i, r in enumerate(rows[1:])
    ]
    path = _write(tmp_path / "padded.csv", ",", padded)
    options = ("--inits", "he_normal", "--hidden", "4", "--cv", "2")
    code, out, _ = _run(capsys, path, *options)
    assert code == 0
    expected = _reference_row(
        X, label, cv=2, init="he_normal", hidden_layer_sizes=(4,), max_iter=100
    )
    assert _score_cell(out, "he_normal") == expected


@pytest.mark.parametrize("line", ["4,5", "4,5,6,7"])
@pytest.mark.parametrize("number", [2, 3])
def test_ragged_rows_are_named(capsys, tmp_path, line, number):
    # a ragged first data row leaves the delimiter to the comma by default
    rows = ["a,b,y", "1,2,3", "7,8,9"]
    rows.insert(number - 1, line)
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(rows) + "\n")
    code, _, err = _run(capsys, path)
    assert code == 2
    n = len(line.split(","))
    assert f"line {number} has {n} columns, the header 3 (delimiter ',')" in err


def test_blank_lines_and_missing_cells_in_any_case(tmp_path):
    from skinit._cli import load_csv

    path = tmp_path / "d.csv"
    # semicolons: decimal commas, in the features and in the target
    path.write_text("a;b;y\n1,5;NA;0,25\n\n2;N/A;1,5\n3;NaN;2\n\n4;None;3\n")
    told = []
    X, y = load_csv(path, progress=told.append)
    assert_array_equal(X, [[1.5, np.nan], [2.0, np.nan], [3.0, np.nan], [4.0, np.nan]])
    assert y.dtype == np.float64
    assert_array_equal(y, [0.25, 1.5, 2.0, 3.0])
    assert told == []  # every row has its target: nothing left out to tell


@pytest.mark.parametrize(
    "target, feature_columns",
    [
        ("0", [1, 2]),
        ("2", [0, 1]),
        ("-1", [0, 1]),
        ("-3", [1, 2]),
        ("3", None),
        ("-4", None),
    ],
)
def test_target_index_within_the_columns(tmp_path, target, feature_columns):
    from skinit._cli import UsageError, load_csv

    path = tmp_path / "d.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6\n")
    table = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    if feature_columns is None:
        with pytest.raises(UsageError, match=f"has no column '{target}'; its columns"):
            load_csv(path, target)
        return
    X, y = load_csv(path, target)
    assert_array_equal(X, table[:, feature_columns])
    assert_array_equal(y, table[:, int(target)])


def test_report_extension_in_any_case(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    report = tmp_path / "REPORT.PNG"
    options = ("--inits", "zeros", "--hidden", "2", "--max-iter", "2", "--cv", "2")
    code, _, err = _run(capsys, "iris", "--report", report, *options)
    assert code == 0
    assert report.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"report written to {report}" in err


def test_an_unwritable_report_is_one_clear_line(capsys, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import skinit._cli

    # the results of a comparison, without its cost
    row = {"init": "zeros", "score": 0.5, "score_std": 0.1}
    row["estimator"] = _Fitted([[1.0, 2.0]], [1, 1], [0.0])
    monkeypatch.setattr(skinit._cli, "compare", lambda *a, **k: ([row], "accuracy"))
    report = tmp_path / "no_such_folder" / "report.png"
    code, _, err = _run(capsys, "iris", "--inits", "zeros", "--report", report)
    assert code == 2
    assert err.splitlines()[-1].startswith("skinit: error: [Errno 2] No such file")
    assert "Traceback" not in err


def test_jacobian_condition_is_taken_on_the_range():
    from skinit._cli import _condition_on_range

    singular_values = np.array(
        [
            [[3.0, 1.0, 0.0], [4.0, 2.0, 1.0]],  # 3 on its range, then 4
            [[2.0, 1e-17, 0.0], [0.0, 0.0, 0.0]],  # 1e-17: rounding; zero: inf
        ]
    )
    # per restart and sample: 3, 4, 2, inf; their median is 3.5
    assert _condition_on_range(singular_values) == 3.5
    # the tolerance is numpy.linalg.matrix_rank's, k * eps times the largest
    # (k = 3: 6.7e-16): 5e-16 is below it, 1e-15 above it
    eps = np.finfo(float).eps
    assert np.linalg.matrix_rank(np.diag([1.0, 5e-16, 0.0])) == 1
    assert _condition_on_range(np.array([[1.0, 5e-16, 0.0]])) == 1.0
    assert_allclose(_condition_on_range(np.array([[1.0, 1e-15, 0.0]])), 1e15)
    assert 3 * eps > 5e-16 > eps


def test_relu_starts_have_a_finite_jacobian_condition(capsys):
    # inactive ReLU units make most samples' Jacobians singular; on the
    # range the condition number is finite, at least 1
    code, out, _ = _run(
        capsys, "iris", "--inits", "he_normal", "--hidden", "8", "8",
        "--max-iter", "5", "--cv", "2",
    )  # fmt: skip
    assert code == 0
    row = [cell.strip() for cell in out.strip().splitlines()[1].split("  ")]
    condition = float([cell for cell in row if cell][-1])
    assert 1 <= condition < np.inf


def test_values_whose_squares_overflow_are_standardized(capsys, tmp_path, table):
    # a column near 1e300 once overflowed in its variance and ended in
    # "Input X contains NaN"; standardized, it is the column it scales
    from sklearn.model_selection import cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skinit import MLPClassifier

    X, label, rows = table
    rows = [rows[0]] + [[a, b * 1e300, c, lab] for a, b, c, lab in rows[1:]]
    path = _write(tmp_path / "huge.csv", ",", rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow leaks
        code, out, err = _run(capsys, path, "--inits", "he_normal", "--cv", "3")
    assert code == 0, err
    clf = MLPClassifier((32, 32), init="he_normal", max_iter=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_validate(make_pipeline(StandardScaler(), clf), X, label, cv=3)
    scores = scores["test_score"]
    assert _score_cell(out, "he_normal") == f"{scores.mean():.3f} ± {scores.std():.3f}"
