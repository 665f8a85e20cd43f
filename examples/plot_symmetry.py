"""
===========================================
Why do equal starting weights make it fail?
===========================================

Units of one layer that start with equal incoming weights, equal biases and
equal outgoing weights compute the same function and receive the same
gradient for *any* input, so they stay equal: the layer acts as one unit.
Different inputs do not break the symmetry between units of a layer: every
sample moves them all the same way.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier, SymmetryDisplay
from skinit.exceptions import SymmetryWarning

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)

# %%
# Equal weights: ``init="ones"`` with zero biases, for two hidden layers of 8.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", SymmetryWarning)
    equal = MLPClassifier(
        hidden_layer_sizes=(8, 8),
        init="ones",
        bias_init="zeros",
        max_iter=300,
        random_state=0,
    ).fit(X, y)
print(
    "equal start:  distinct units",
    equal.init_n_distinct_units_,
    "->",
    equal.n_distinct_units_,
    f"accuracy {equal.score(X, y):.2f}",
)
print("largest spread between copies after 300 epochs:", equal.unit_group_spread_)
print(caught[0].message)

# %%
# Random weights, everything else the same.
random = MLPClassifier(hidden_layer_sizes=(8, 8), max_iter=300, random_state=0)
random.fit(X, y)
print(
    "random start: distinct units",
    random.init_n_distinct_units_,
    "->",
    random.n_distinct_units_,
    f"accuracy {random.score(X, y):.2f}",
)

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
SymmetryDisplay.from_estimator(equal, ax=axes[0])
axes[0].set_title('init="ones"')
SymmetryDisplay.from_estimator(random, ax=axes[1])
axes[1].set_title("random init")
plt.show()
