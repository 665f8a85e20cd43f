"""
========================================
How small should the initial weights be?
========================================

There is no magic number: the scale that keeps the activations' variance
from layer to layer depends on the fan-in and the activation. Here, weights
drawn from N(0, (g^2 / fan_in)) for a sweep of gains g: for ReLU the spread of
the last hidden layer vanishes below g = sqrt(2) (He) and explodes above it,
the more so the deeper the network.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from skinit.diagnostics import activation_stats
from skinit.initializers import VarianceScaling

X, _ = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)[:500]
width = 64
gains = [0.5, 1.0, np.sqrt(2), 2.0, 3.0]
depths = [2, 5, 10, 20]

spread = np.empty((len(gains), len(depths)))
rng = np.random.RandomState(0)
for i, gain in enumerate(gains):
    init = VarianceScaling(
        scale=gain**2, mode="fan_in", distribution="untruncated_normal"
    )
    for j, depth in enumerate(depths):
        shapes = [(X.shape[1], width)] + [(width, width)] * (depth - 1) + [(width, 1)]
        coefs = [init(shape, random_state=rng) for shape in shapes]
        std = activation_stats(coefs, X, activation="relu")["std"]
        spread[i, j] = std[-1] / std[0]

for gain, row in zip(gains, spread):
    print(
        f"gain {gain:.2f}: last/first layer std "
        + ", ".join(f"{v:.1e} (depth {d})" for v, d in zip(row, depths))
    )

# %%
fig, ax = plt.subplots()
for j, depth in enumerate(depths):
    ax.plot(gains, spread[:, j], "o-", label=f"{depth} hidden layers")
ax.axvline(np.sqrt(2), color="k", linestyle=":", label="He: sqrt(2)")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("gain g (std = g / sqrt(fan_in))")
ax.set_ylabel("std of last hidden layer / first")
ax.legend()
plt.show()
