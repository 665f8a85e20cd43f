# SPDX-License-Identifier: BSD-3-Clause
"""Displays: what they draw is the fitted data; matplotlib stays optional."""

import re
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Bunch

from skinit import (
    ActivationDisplay,
    GradientFlowDisplay,
    MLPClassifier,
    MLPRegressor,
    RestartsDisplay,
    SignalPropagationDisplay,
    SymmetryDisplay,
)
from skinit.diagnostics import signal_propagation

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return MLPClassifier(
        hidden_layer_sizes=(6, 4), max_iter=15, n_restarts=3, random_state=0
    ).fit(X, y)


def _render(display, tmp_path):
    path = tmp_path / "display.png"
    display.figure_.savefig(path)
    assert path.stat().st_size > 1000
    import matplotlib.pyplot as plt

    plt.close(display.figure_)


def test_gradient_flow_display(fitted, tmp_path):
    display = GradientFlowDisplay.from_estimator(fitted)
    assert len(display.lines_) == 3
    for layer, line in enumerate(display.lines_):
        assert_allclose(line.get_ydata(), fitted.gradient_norms_[:, layer])
        # updates numbered from 1, as first_gradient_update_ numbers them
        assert_array_equal(line.get_xdata(), np.arange(len(fitted.gradient_norms_)) + 1)
    assert display.ax_.get_yscale() == "log"
    # hidden layers numbered from 0, as in unit_groups_ and the warnings
    labels = [line.get_label() for line in display.lines_]
    assert labels == ["layer 0", "layer 1", "output layer"]
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == labels
    _render(display, tmp_path)


def test_symmetry_display(fitted, tmp_path):
    display = SymmetryDisplay.from_estimator(fitted)
    start = [bar.get_height() for bar in display.bars_["start"]]
    end = [bar.get_height() for bar in display.bars_["end"]]
    assert_array_equal(start, fitted.init_n_distinct_units_)
    assert_array_equal(end, fitted.n_distinct_units_)
    _render(display, tmp_path)
    # a marker at each layer's width, above bars of fewer distinct units
    display = SymmetryDisplay(
        init_n_distinct_units=[1, 1], n_distinct_units=[1, 2], n_units=[8, 5]
    ).plot()
    (width,) = display.ax_.get_lines()
    assert_array_equal(width.get_ydata(), [8, 5])


def test_activation_display(fitted, tmp_path):
    display = ActivationDisplay.from_estimator(fitted)
    assert_allclose(
        display.lines_["start"].get_ydata(), fitted.init_activation_stats_["std"]
    )
    assert_allclose(display.lines_["end"].get_ydata(), fitted.activation_stats_["std"])
    assert display.ax_.get_yscale() == "log"
    _render(display, tmp_path)


def test_restarts_display_highlights_the_selected_restart(fitted, tmp_path):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    display = RestartsDisplay.from_estimator(fitted, ax=ax)
    assert display.ax_ is ax
    curves = fitted.restart_results_["loss_curve"]
    for line, curve in zip(display.lines_, curves):
        assert_allclose(line.get_ydata(), curve)
    widths = [line.get_linewidth() for line in display.lines_]
    assert int(np.argmax(widths)) == fitted.best_restart_
    # only the selected restart is in the legend
    labels = [line.get_label() for line in display.lines_]
    best = fitted.best_restart_
    assert labels[best] == f"restart {best} (selected)"
    assert all(label.startswith("_") for k, label in enumerate(labels) if k != best)
    # drawn on top of the others
    zorders = [line.get_zorder() for line in display.lines_]
    assert all(
        zorder < zorders[fitted.best_restart_]
        for k, zorder in enumerate(zorders)
        if k != fitted.best_restart_
    )
    _render(display, tmp_path)


def test_signal_propagation_display_draws_each_initializer(tmp_path):
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    estimators = {
        init: MLPClassifier(
            hidden_layer_sizes=(4, 4, 4),
            activation="identity",
            init=init,
            n_restarts=3,
            random_state=0,
        )
        for init in ("orthogonal", "zeros", "glorot_normal")
    }
    display = SignalPropagationDisplay.from_estimators(estimators, X, y)
    assert list(display.lines_) == list(estimators)
    assert display.ax_.shape == (3,)
    for name, estimator in estimators.items():
        result = signal_propagation(estimator, X, y)
        lines = display.lines_[name]
        assert_allclose(lines["chi"].get_ydata(), np.median(result.chi, axis=0))
        assert_allclose(
            lines["forward_gain"].get_ydata(), np.median(result.forward_gain, axis=0)
        )
        assert_allclose(display.results[name].chi, result.chi)
    # square orthogonal linear layers: every singular value is 1, a step at 1
    spectrum = display.lines_["orthogonal"]["spectrum"]
    assert_allclose(spectrum.get_xdata(), 1.0)
    assert_allclose(spectrum.get_ydata()[-1], 1.0)
    # all-zero weights: every singular value is 0, nothing on the log axis
    assert len(display.lines_["zeros"]["spectrum"].get_xdata()) == 0
    assert display.ax_[2].get_xscale() == "log"
    _render(display, tmp_path)


def test_signal_propagation_display_on_given_axes_and_fitted(fitted, tmp_path):
    import matplotlib.pyplot as plt

    X = StandardScaler().fit_transform(load_iris(return_X_y=True)[0])
    fig, axes = plt.subplots(3, 1)
    display = SignalPropagationDisplay.from_estimator(fitted, X, ax=axes)
    assert list(display.ax_) == list(axes) and display.figure_ is fig
    assert list(display.lines_) == ["sklearn"]  # named after the init
    result = signal_propagation(fitted, X)
    assert_allclose(display.lines_["sklearn"]["chi"].get_ydata(), result.chi[0])
    _render(display, tmp_path)
    with pytest.raises(ValueError, match="draws 3 panels"):
        SignalPropagationDisplay(results={"a": result}).plot(ax=axes[:2])
    # a list of estimators is named by init, made unique when needed
    twice = [MLPRegressor(hidden_layer_sizes=(3,), random_state=k) for k in (0, 1)]
    display = SignalPropagationDisplay.from_estimators(twice, X)
    assert list(display.lines_) == ["sklearn (0)", "sklearn (1)"]
    plt.close("all")


def test_unfitted_or_without_diagnostics_is_a_clear_error():
    with pytest.raises(
        ValueError, match="needs the fitted attribute 'gradient_norms_'"
    ):
        GradientFlowDisplay.from_estimator(MLPClassifier())


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'skinit\[plot\]'"):
        RestartsDisplay(loss_curves=[[1.0]], best=0).plot()
    with pytest.raises(ImportError, match=r"pip install 'skinit\[plot\]'"):
        SignalPropagationDisplay(results={}).plot()


def test_symmetry_display_bars_at_the_start_and_the_end(tmp_path):
    # three pairs of copies at the start, split by training: 3 then 6
    X, y = load_iris(return_X_y=True)

    def paired(shape, random_state):
        values = random_state.normal(size=shape)
        if shape == (4, 6):
            values[:, 3:] = values[:, :3]
        return values

    clf = MLPClassifier(
        hidden_layer_sizes=(6,), init=paired, max_iter=20, random_state=0
    ).fit(StandardScaler().fit_transform(X), y)
    display = SymmetryDisplay.from_estimator(clf)
    assert [bar.get_height() for bar in display.bars_["start"]] == [3]
    assert [bar.get_height() for bar in display.bars_["end"]] == [6]
    _render(display, tmp_path)


def test_spectrum_is_the_fraction_of_singular_values_up_to_each_value():
    # singular values 0, 0, 1, 2 (and 2, 0, 1, 4): zeros are not drawn on the
    # log axis but count in the fractions, as in numpy's empirical CDF
    values = np.array([[[2.0, 1.0, 0.0, 0.0]], [[4.0, 1.0, 2.0, 0.0]]])
    result = Bunch(
        chi=np.ones((2, 1)),
        forward_gain=np.ones((2, 1)),
        jacobian_singular_values=values,
    )
    display = SignalPropagationDisplay(results={"net": result}).plot()
    line = display.lines_["net"]["spectrum"]
    assert_array_equal(line.get_xdata(), [1.0, 1.0, 2.0, 2.0, 4.0])
    assert_allclose(line.get_ydata(), np.array([4, 5, 6, 7, 8]) / 8)
    import matplotlib.pyplot as plt

    plt.close(display.figure_)


# -- what each display says: its axes, legend and the place of every mark ------------


def _legend(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_activation_display_axes_and_legend():
    import matplotlib.pyplot as plt

    start, end = {"std": [1.0, 0.5, 0.25]}, {"std": [2.0, 1.0, 4.0]}
    display = ActivationDisplay(init_stats=start, stats=end).plot()
    ax = display.ax_
    # hidden layers numbered from 0, as in unit_groups_ and the warnings
    for key, stats in [("start", start), ("end", end)]:
        assert_array_equal(display.lines_[key].get_xdata(), [0, 1, 2])
        assert_array_equal(display.lines_[key].get_ydata(), stats["std"])
    assert_array_equal(ax.get_xticks(), [0, 1, 2])
    assert display.lines_["start"].get_label() == "at initialization"
    assert display.lines_["end"].get_label() == "after training"
    assert _legend(ax) == ["at initialization", "after training"]
    assert ax.get_xlabel() == "hidden layer"
    assert ax.get_ylabel() == "std of activations"
    plt.close(display.figure_)


def test_gradient_flow_display_leaves_out_zero_norms():
    import matplotlib.pyplot as plt

    # the first layer wakes up at the third update, the second at the second
    norms = np.array([[0.0, 0.0, 3.0], [0.0, 0.5, 2.0], [0.1, 0.4, 1.0]])
    display = GradientFlowDisplay(gradient_norms=norms).plot()
    first, second, output = display.lines_
    assert_array_equal(first.get_ydata(), [np.nan, np.nan, 0.1])
    assert_array_equal(second.get_ydata(), [np.nan, 0.5, 0.4])
    assert_array_equal(output.get_ydata(), [3.0, 2.0, 1.0])
    assert_array_equal(first.get_xdata(), [1, 2, 3])
    assert _legend(display.ax_) == ["layer 0", "layer 1", "output layer"]
    assert display.ax_.get_xlabel() == "update"
    assert display.ax_.get_ylabel() == "weight gradient norm"
    plt.close(display.figure_)


def test_restarts_display_axes_and_colours():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    curves = [[3.0, 2.0, 1.5], [3.0, 1.0], [2.5, 2.4, 2.3, 2.2]]
    display = RestartsDisplay(loss_curves=curves, best=1).plot()
    for line, curve in zip(display.lines_, curves):
        # epochs numbered from 1, as n_iter_ counts them
        assert_array_equal(line.get_xdata(), np.arange(1, len(curve) + 1))
        assert_array_equal(line.get_ydata(), curve)
    colours = [to_rgba(line.get_color()) for line in display.lines_]
    assert colours[1] == to_rgba("C3")
    assert colours[0] == colours[2] == to_rgba("0.6")
    assert [line.get_linewidth() for line in display.lines_] == [1.0, 2.5, 1.0]
    assert _legend(display.ax_) == ["restart 1 (selected)"]
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel() == "training loss"
    plt.close(display.figure_)


def test_symmetry_display_axes_and_legend():
    import matplotlib.pyplot as plt

    display = SymmetryDisplay(
        init_n_distinct_units=[1, 3], n_distinct_units=[2, 5], n_units=[4, 6]
    ).plot()
    ax = display.ax_
    # side by side around each layer: the start on the left, the end on the right
    start = [bar.get_x() + bar.get_width() / 2 for bar in display.bars_["start"]]
    end = [bar.get_x() + bar.get_width() / 2 for bar in display.bars_["end"]]
    assert_allclose(start, [-0.2, 0.8])
    assert_allclose(end, [0.2, 1.2])
    assert [bar.get_height() for bar in display.bars_["start"]] == [1, 3]
    assert [bar.get_height() for bar in display.bars_["end"]] == [2, 5]
    assert sorted(_legend(ax)) == ["after training", "at initialization", "layer width"]
    assert display.bars_["start"].get_label() == "at initialization"
    assert [label.get_text() for label in ax.get_xticklabels()] == [
        "hidden 0",
        "hidden 1",
    ]
    assert_array_equal(ax.get_xticks(), [0, 1])
    assert ax.get_ylabel() == "distinct units"
    plt.close(display.figure_)


def test_unfitted_error_says_how_to_get_the_attribute():
    message = (
        "SymmetryDisplay needs the fitted attribute 'init_n_distinct_units_': fit "
        "the estimator first, with diagnostics=True (the default)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        SymmetryDisplay.from_estimator(MLPClassifier())


def _bunch(chi, forward_gain, singular_values):
    return Bunch(
        chi=np.array(chi),
        forward_gain=np.array(forward_gain),
        jacobian_singular_values=np.array(singular_values),
    )


def test_signal_propagation_display_bands_references_and_labels():
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    # three restarts of two hidden layers: the band spans each layer's range
    chi = [[1.0, 2.0], [3.0, 0.5], [2.0, 1.0]]
    gain = [[0.5, 4.0], [1.5, 2.0], [1.0, 1.0]]
    results = {
        "three": _bunch(chi, gain, [[[2.0, 1.0]]] * 3),
        "one": _bunch([[1.0, 1.0]], [[2.0, 2.0]], [[[1.0, 0.5]]]),
    }
    display = SignalPropagationDisplay(results=results).plot()
    chi_ax, gain_ax, spectrum_ax = display.ax_
    for ax, key, values in [(chi_ax, "chi", chi), (gain_ax, "forward_gain", gain)]:
        assert_array_equal(display.lines_["three"][key].get_xdata(), [0, 1])
        assert_array_equal(
            display.lines_["three"][key].get_ydata(), np.median(values, axis=0)
        )
        # one band, for the network with several restarts
        (band,) = ax.collections
        vertices = band.get_paths()[0].vertices
        for layer in (0, 1):
            ys = vertices[vertices[:, 0] == layer, 1]
            assert ys.min() == np.min(values, axis=0)[layer]
            assert ys.max() == np.max(values, axis=0)[layer]
        assert_allclose(band.get_facecolor()[0][:3], to_rgba("C0")[:3])
        # the reference at 1, labelled
        reference = ax.get_lines()[-1]
        assert_array_equal(reference.get_ydata(), [1, 1])
        assert ax.get_xlabel() == "hidden layer"
    # one colour per network, the same in every panel
    for name, colour in [("three", "C0"), ("one", "C1")]:
        for line in display.lines_[name].values():
            assert to_rgba(line.get_color()) == to_rgba(colour)
    assert [line.get_label() for line in gain_ax.get_lines()] == [
        "three",
        "one",
        "variance kept",
    ]
    assert chi_ax.get_ylabel() == "chi: gradient gain per layer"
    assert gain_ax.get_ylabel() == "forward variance gain"
    # a cumulative distribution: each value steps the fraction up after it
    spectrum = display.lines_["one"]["spectrum"]
    assert spectrum.get_drawstyle() == "steps-post"
    assert_array_equal(spectrum.get_xdata(), [0.5, 1.0])
    assert_array_equal(spectrum.get_ydata(), [0.5, 1.0])
    isometry = spectrum_ax.get_lines()[-1]
    assert isometry.get_label() == "isometry"
    assert_array_equal(isometry.get_xdata(), [1, 1])
    assert spectrum_ax.get_xlabel() == (
        "singular value of d(last hidden layer) / d(input)"
    )
    assert spectrum_ax.get_ylabel() == "fraction of singular values below"
    # one legend, on the first panel, naming the networks and the reference
    assert _legend(chi_ax) == ["three", "one", "edge of chaos"]
    assert gain_ax.get_legend() is None and spectrum_ax.get_legend() is None
    plt.close(display.figure_)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "SignalPropagationDisplay draws 3 panels (chi, forward_gain, "
            "spectrum); ax has 2 axes."
        ),
    ):
        SignalPropagationDisplay(results=results).plot(ax=plt.subplots(1, 2)[1])
    plt.close("all")


def test_signal_propagation_display_names_and_options():
    import matplotlib.pyplot as plt

    from skinit.initializers import VarianceScaling

    X = np.random.RandomState(0).normal(size=(30, 3))
    orthogonal = MLPRegressor(hidden_layer_sizes=(4,), init="orthogonal")
    scaled = MLPRegressor(hidden_layer_sizes=(4,), init=VarianceScaling(2.0))
    # distinct names are kept as they are; an initializer object by its repr
    display = SignalPropagationDisplay.from_estimators([orthogonal, scaled], X)
    assert list(display.lines_) == ["orthogonal", "VarianceScaling(scale=2.0)"]
    # from_estimator: the name given, and the options of signal_propagation
    display = SignalPropagationDisplay.from_estimator(
        scaled, X, name="mine", n_samples=10, jacobian_samples=2
    )
    assert list(display.lines_) == ["mine"]
    assert _legend(display.ax_[0]) == ["mine", "edge of chaos"]
    assert display.results["mine"].n_samples == 10
    assert display.results["mine"].n_jacobian_samples == 2
    plt.close("all")


def test_signal_propagation_display_passes_y_on():
    # y sizes the output layer, drawn before LSUV's data sample: with y, the
    # start drawn is that of fit
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X, y = X[::3], y[::3]
    lsuv = MLPClassifier(hidden_layer_sizes=(8,), init="lsuv", random_state=0)
    display = SignalPropagationDisplay.from_estimators(
        {"lsuv": lsuv}, X, y, jacobian_samples=1
    )
    with_y = signal_propagation(lsuv, X, y, jacobian_samples=1)
    without_y = signal_propagation(lsuv, X, jacobian_samples=1)
    assert_array_equal(display.results["lsuv"].chi, with_y.chi)
    assert not np.allclose(with_y.chi, without_y.chi)
    plt.close("all")
