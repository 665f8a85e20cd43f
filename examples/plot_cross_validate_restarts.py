"""
=============================
Cross-validating the restarts
=============================

An estimator with restarts is an estimator: cross-validation fits it, restarts
and all, on every training fold. Here, its scores against a single start on
the same folds, and the fit time the restarts cost.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.model_selection import KFold, cross_validate

from skinit import MLPClassifier

X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
folds = KFold(5, shuffle=True, random_state=0)
params = dict(
    hidden_layer_sizes=(4,),
    activation="tanh",
    max_iter=300,
    learning_rate_init=0.01,
    random_state=0,
)

scores = {}
for n_restarts in (1, 5):
    cv = cross_validate(MLPClassifier(n_restarts=n_restarts, **params), X, y, cv=folds)
    scores[n_restarts] = cv["test_score"]
    print(
        f"n_restarts={n_restarts}: accuracy {cv['test_score'].mean():.3f} "
        f"± {cv['test_score'].std():.3f}, fit time {cv['fit_time'].mean():.2f} s"
    )

# %%
fig, ax = plt.subplots()
for n_restarts, values in scores.items():
    ax.plot(np.arange(1, 6), values, "o-", label=f"n_restarts={n_restarts}")
ax.set_xlabel("fold")
ax.set_ylabel("test accuracy")
ax.legend()
plt.show()
