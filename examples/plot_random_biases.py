"""
========================================================
Can we randomize only the biases and keep the weights 0?
========================================================

With all weights zero, random biases are the only thing that tells the units
of a layer apart. For tanh (or logistic) units that is enough: units with
different biases compute different functions and learn different features.
For ReLU it is not: every unit whose bias starts negative outputs zero on
every sample, is dead from the start and never gets a gradient, and the live
units sit in the linear part of the ReLU, where they all learn the *same*
direction of the input.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay

from skinit import MLPClassifier
from skinit.diagnostics import hidden_activations
from skinit.initializers import RandomNormal

X, y = make_moons(n_samples=200, noise=0.15, random_state=0)

fitted = {}
for activation in ("tanh", "relu"):
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        activation=activation,
        solver="lbfgs",
        init="zeros",
        bias_init=RandomNormal(stddev=1.0),
        random_state=0,
    ).fit(X, y)
    fitted[activation] = clf
    print(
        f"{activation}: {clf.init_n_distinct_units_[0]} distinct units of 16, "
        f"dead fraction {clf.init_activation_stats_['dead_fraction'][0]:.4f} at "
        f"the start and {clf.activation_stats_['dead_fraction'][0]:.4f} at the "
        f"end, accuracy {clf.score(X, y):.3f}"
    )

# %%
# The dead ReLU units are exactly those whose starting bias is negative.
relu = fitted["relu"]
print(f"fraction of negative starting biases: {np.mean(relu.init_intercepts_[0] < 0)}")

# %%
# The rank of the hidden layer's (centered) outputs on the data counts the
# different directions the layer really computes. The 16 tanh units use all
# 16; the live ReLU units are scaled copies of one linear function, so the
# network is a linear classifier, even though no two units are equal.
for activation, clf in fitted.items():
    h = hidden_activations(clf, X)[0]
    rank = np.linalg.matrix_rank(h - h.mean(axis=0), tol=1e-8 * np.abs(h).max())
    print(f"{activation}: rank of the hidden layer's outputs {rank}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
for ax, (activation, clf) in zip(axes, fitted.items()):
    DecisionBoundaryDisplay.from_estimator(clf, X, ax=ax, cmap="coolwarm", alpha=0.5)
    ax.scatter(*X.T, c=y, cmap="coolwarm", edgecolor="k", s=15)
    ax.set_title(f"W = 0, random biases, {activation}")
order = np.argsort(relu.init_intercepts_[0])
moved = np.abs(relu.coefs_[0] - relu.init_coefs_[0]).sum(axis=0)[order]
axes[2].bar(np.arange(16), moved, color="tab:orange")
axes[2].set_xticks(np.arange(16), np.round(relu.init_intercepts_[0][order], 1))
axes[2].tick_params(axis="x", labelrotation=90)
axes[2].set_xlabel("starting bias of each ReLU unit")
axes[2].set_ylabel("how far its incoming weights moved")
fig.tight_layout()
plt.show()
