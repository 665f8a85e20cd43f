"""
===========================================
Why do equal starting weights make it fail?
===========================================

Units of one layer that start with equal incoming weights, equal biases and
equal outgoing weights compute the same function and receive the same
gradient, so they stay equal: the layer acts as one unit. A common belief is
that training on many *different* samples will tell them apart. It does not:
every sample moves all the copies by the same amount.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay

from skinit import MLPClassifier, SymmetryDisplay
from skinit.diagnostics import hidden_activations
from skinit.exceptions import SymmetryWarning

X, y = make_moons(n_samples=200, noise=0.15, random_state=0)
params = dict(
    hidden_layer_sizes=(8, 8), activation="tanh", solver="lbfgs", random_state=0
)

# %%
# Equal weights (``init="ones"``, zero biases) against scikit-learn's random
# start, everything else the same. The fit warns about the symmetric layers.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", SymmetryWarning)
    equal = MLPClassifier(init="ones", bias_init="zeros", **params).fit(X, y)
symmetry_warnings = [w for w in caught if w.category is SymmetryWarning]
print(f"{len(symmetry_warnings)} SymmetryWarning(s), the first says:")
print(symmetry_warnings[0].message)

random = MLPClassifier(**params).fit(X, y)
for name, clf in (("equal ", equal), ("random", random)):
    print(
        f"{name} start: distinct units {clf.init_n_distinct_units_} -> "
        f"{clf.n_distinct_units_} after training, accuracy {clf.score(X, y):.3f}"
    )

# %%
# The 200 different samples did not break the symmetry: on every one of
# them, the 8 units of a layer output exactly the same value.
for layer, h in enumerate(hidden_activations(equal, X)):
    print(f"hidden layer {layer}: largest gap between units {np.ptp(h, 1).max()}")

# %%
# Nor will floating-point noise break it later: the largest difference within
# a group of copies (``unit_group_spread_``) is exactly 0, every copy does
# bit-for-bit the same arithmetic, so there is no noise to amplify.
print("spread within the groups of copies:", equal.unit_group_spread_)

# %%
# With one distinct unit per layer the network is a function of a single
# projection of the input: its decision boundary is a straight line.
fig, axes = plt.subplots(2, 2, figsize=(10, 8))
for column, (name, clf) in enumerate((('init="ones"', equal), ("random", random))):
    DecisionBoundaryDisplay.from_estimator(
        clf, X, ax=axes[0, column], cmap="coolwarm", alpha=0.5
    )
    axes[0, column].scatter(*X.T, c=y, cmap="coolwarm", edgecolor="k", s=15)
    axes[0, column].set_title(f"{name}: accuracy {clf.score(X, y):.2f}")
    SymmetryDisplay.from_estimator(clf, ax=axes[1, column])
    axes[1, column].set_ylim(0, 12.5)
    axes[1, column].legend(loc="upper left", fontsize="small")
fig.tight_layout()
plt.show()
