# SPDX-License-Identifier: BSD-3-Clause
"""The command line: a table per initializer, one clear line for bad input."""

import subprocess
import sys

import numpy as np
import pytest

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
    code, out, _ = _run(
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
        (["no_such_file.csv"], "no dataset named 'no_such_file.csv'"),
        (["iris", "--inits", "he"], "unknown initializer 'he'; choose among"),
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
