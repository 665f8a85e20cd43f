"""
========================================================
Can we randomize only the biases and keep the weights 0?
========================================================

Random biases break the symmetry between tanh (or logistic) units: units with
different biases compute different functions. With ReLU, though, every unit
whose random bias is negative outputs zero on every sample: it is dead from
the start, and no gradient ever reaches it.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skinit import ActivationDisplay, MLPClassifier
from skinit.initializers import RandomNormal

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)

fitted = {}
for activation in ("tanh", "relu"):
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        activation=activation,
        init="zeros",
        bias_init=RandomNormal(stddev=1.0),
        max_iter=500,
        random_state=0,
    ).fit(X, y)
    fitted[activation] = clf
    print(
        f"{activation}: distinct units {clf.init_n_distinct_units_} at the start, "
        f"dead units {clf.init_activation_stats_['dead_fraction']} at the start, "
        f"accuracy {clf.score(X, y):.2f}"
    )

# %%
# Which ReLU units are dead: exactly those with a negative starting bias.
relu = fitted["relu"]
negative = np.mean(relu.init_intercepts_[0] < 0)
print(f"fraction of negative starting biases: {negative:.2f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, (activation, clf) in zip(axes, fitted.items()):
    ActivationDisplay.from_estimator(clf, ax=ax)
    ax.set_title(activation)
plt.show()
