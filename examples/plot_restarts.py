"""
=====================================================
Several random starts against unlucky initializations
=====================================================

A network with two hidden units can solve XOR, but from some starts it gets
stuck in a poor local minimum (three points right, loss about 0.35). Training
several random starts and keeping the best, as k-means' ``n_init`` does,
avoids the unlucky ones. Restart 0 is the fit with ``n_restarts=1``, so more
restarts never select a worse model by the criterion (the final training
loss, by default).
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skinit import MLPClassifier, RestartsDisplay

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = np.array([0, 1, 1, 0])
params = dict(
    hidden_layer_sizes=(2,),
    activation="tanh",
    solver="adam",
    learning_rate_init=0.05,
    max_iter=400,
    tol=1e-6,
)

# %%
# How often does a single random start solve XOR?
solved = [
    MLPClassifier(random_state=seed, **params).fit(X, y).score(X, y) == 1.0
    for seed in range(20)
]
print(f"single random starts that solve XOR: {np.mean(solved):.0%} of 20")

# %%
# Ten restarts trained together; ``restart_results_`` reports each of them.
clf = MLPClassifier(n_restarts=10, random_state=0, **params).fit(X, y)
results = clf.restart_results_
print("final loss per restart:", np.round(results["loss"], 3))
print("rank of each restart:  ", results["rank"])
best = clf.best_restart_
print(
    f"selected restart {best} (seed {clf.restart_seeds_[best]}), "
    f"accuracy {clf.score(X, y):.2f}"
)
# Any restart can be refitted alone from its seed.
alone = MLPClassifier(random_state=clf.restart_seeds_[best], **params).fit(X, y)
print(f"refitted alone from its seed: loss {alone.loss_:.4f} (was {clf.loss_:.4f})")

# %%
# Restarts need a random init: with equal weights every restart starts from
# the same symmetric point, with one distinct hidden unit, and none solves XOR.
ones = MLPClassifier(
    n_restarts=10, init="ones", bias_init="zeros", random_state=0, **params
).fit(X, y)
print(
    "init='ones', final loss per restart:", np.round(ones.restart_results_["loss"], 3)
)

# %%
RestartsDisplay.from_estimator(clf)
plt.show()
