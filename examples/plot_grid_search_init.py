"""
=========================================
Grid-searching initializers in a Pipeline
=========================================

``init`` is a parameter like any other: a grid search compares names and
initializer objects, and tunes an initializer's own settings through nested
keys such as ``mlp__init__gain``. A data-dependent initializer (LSUV) sees
the data as the pipeline hands it to the network: scaled.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier
from skinit.exceptions import (
    DeadUnitsWarning,
    SymmetryWarning,
    VanishingGradientWarning,
)
from skinit.initializers import Orthogonal

# 40 epochs do not converge, and "zeros" is in the grid to fail: it would warn
# on every fold that its layers stay symmetric, get no gradient and are dead.
for category in (
    ConvergenceWarning,
    DeadUnitsWarning,
    SymmetryWarning,
    VanishingGradientWarning,
):
    warnings.filterwarnings("ignore", category=category)

X, y = load_digits(return_X_y=True)
pipe = Pipeline(
    [
        ("scale", StandardScaler()),
        ("mlp", MLPClassifier(hidden_layer_sizes=(32,), max_iter=40, random_state=0)),
    ]
)
grid = GridSearchCV(
    pipe,
    param_grid=[
        {"mlp__init": ["sklearn", "glorot_uniform", "he_normal", "lsuv", "zeros"]},
        {"mlp__init": [Orthogonal()], "mlp__init__gain": [0.1, 1.0, 3.0]},
    ],
    cv=3,
)
grid.fit(X, y)

# %%
# One row per candidate: the names, then the orthogonal initializer with each
# gain. A gain of 3 is too large; "zeros" is chance level.
results = pd.DataFrame(grid.cv_results_)
table = results[["param_mlp__init", "param_mlp__init__gain", "mean_test_score"]]
print(table.to_string(index=False))
print("best:", grid.best_params_)

# %%
labels = [
    f"{init!r}" if gain is None or pd.isna(gain) else f"{init!r}, gain={gain}"
    for init, gain in zip(table["param_mlp__init"], table["param_mlp__init__gain"])
]
fig, ax = plt.subplots(figsize=(7, 4))
ax.barh(labels, table["mean_test_score"])
ax.invert_yaxis()
ax.set_xlabel("mean cross-validated accuracy")
fig.tight_layout()
plt.show()
