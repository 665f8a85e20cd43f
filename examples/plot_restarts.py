"""
=====================================================
Several random starts against unlucky initializations
=====================================================

A tiny network on XOR gets stuck in a poor local minimum from some starts.
Training several random starts and keeping the best, as k-means' ``n_init``
does, avoids unlucky starts. Restart 0 is the single fit, so more restarts
never select a worse model by the criterion.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from skinit import MLPClassifier, RestartsDisplay

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
single_scores = [
    MLPClassifier(random_state=seed, **params).fit(X, y).score(X, y)
    for seed in range(20)
]
print(f"single starts solving XOR: {np.mean(np.equal(single_scores, 1.0)):.0%}")

clf = MLPClassifier(n_restarts=10, random_state=0, **params).fit(X, y)
results = clf.restart_results_
print("final loss per restart:", np.round(results["loss"], 3))
best = clf.best_restart_
print(
    f"selected restart {best} (seed {clf.restart_seeds_[best]}), "
    f"accuracy {clf.score(X, y):.2f}"
)

# %%
RestartsDisplay.from_estimator(clf)
plt.show()
