"""
=====================================
Glorot or He for a deep ReLU network?
=====================================

Glorot's variance 2 / (fan_in + fan_out) suits activations that are linear
around zero. ReLU zeroes half of its input, so with Glorot's scale a deep ReLU
network loses about half of the activations' variance at every layer (a factor
2^-0.5 on their spread). He's variance 2 / fan_in makes up for it.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skinit import ActivationDisplay, MLPClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

# %%
# 20 hidden layers of 64 ReLU units; ``init_activation_stats_`` holds the
# spread of every hidden layer's activations on the training data before the
# first update (one epoch is enough to get it).
fig, ax = plt.subplots()
for init in ("glorot_normal", "he_normal"):
    clf = MLPClassifier(
        hidden_layer_sizes=(64,) * 20, init=init, max_iter=1, random_state=0
    ).fit(X, y)
    std = clf.init_activation_stats_["std"]
    print(
        f"{init}: std of the first hidden layer {std[0]:.3f}, of the last "
        f"{std[-1]:.2e}, factor per layer {(std[-1] / std[0]) ** (1 / 19):.3f}"
    )
    ax.plot(std, "o-", label=init)
ax.set_yscale("log")
ax.set_xticks(range(0, 20, 2))
ax.set_xlabel("hidden layer")
ax.set_ylabel("std of activations at initialization")
ax.legend()
print(f"Glorot's predicted factor per layer: 2**-0.5 = {2**-0.5:.3f}; He's: 1")

# %%
# With He's scale the signal reaches the last layer, and training can start
# from there: the spread per layer before and after 20 epochs.
he = MLPClassifier(
    hidden_layer_sizes=(64,) * 20, init="he_normal", max_iter=20, random_state=0
).fit(X, y)
print(f"he_normal after 20 epochs: training accuracy {he.score(X, y):.3f}")
ActivationDisplay.from_estimator(he)
plt.show()
