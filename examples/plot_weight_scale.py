"""
========================================
How small should the initial weights be?
========================================

"Small random numbers, say 0.01" is the folk answer, but there is no magic
number: each layer multiplies the spread of the activations by about
``std * sqrt(fan_in / 2)`` for ReLU, so the right standard deviation depends
on the width, and a wrong one compounds with depth. Here, the spread of the
last hidden layer relative to the first, on digits, for ReLU networks.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from skinit.diagnostics import activation_stats
from skinit.initializers import RandomNormal, VarianceScaling

X, _ = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)[:300]
rng = np.random.RandomState(0)


def spread_ratio(init, width, depth):
    """Std of the last hidden layer's activations over that of the first."""
    shapes = [(X.shape[1], width)] + [(width, width)] * (depth - 1) + [(width, 1)]
    coefs = [init(shape, random_state=rng) for shape in shapes]
    std = activation_stats(coefs, X, activation="relu")["std"]
    return std[-1] / std[0]


# %%
# A fixed standard deviation: whether it vanishes or explodes depends on the
# width of the layers (10 hidden layers).
widths = [16, 64, 256, 1024]
stddevs = [0.01, 0.05, 0.1]
fixed = np.array(
    [[spread_ratio(RandomNormal(stddev=s), w, 10) for w in widths] for s in stddevs]
)
for s, row in zip(stddevs, fixed):
    print(
        f"stddev {s}: " + ", ".join(f"{v:.0e} (width {w})" for v, w in zip(row, widths))
    )

# %%
# Scaled to the fan-in, std = g / sqrt(fan_in), the width no longer matters,
# but the gain g still does: for ReLU, below g = sqrt(2) (He) the spread
# vanishes, above it explodes, the faster the deeper the network (width 64).
gains = [0.5, 1.0, np.sqrt(2), 2.0, 3.0]
depths = [2, 5, 10, 20]
scaled = np.array(
    [
        [
            spread_ratio(
                VarianceScaling(g**2, distribution="untruncated_normal"), 64, d
            )
            for d in depths
        ]
        for g in gains
    ]
)
for g, row in zip(gains, scaled):
    print(
        f"gain {g:.2f}: "
        + ", ".join(f"{v:.0e} (depth {d})" for v, d in zip(row, depths))
    )

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for s, row in zip(stddevs, fixed):
    axes[0].plot(widths, row, "o-", label=f"RandomNormal(stddev={s})")
axes[0].set_xscale("log")
axes[0].set_xticks(widths, [str(w) for w in widths])
axes[0].set_xlabel("width of the 10 hidden layers")
axes[0].set_ylabel("std of last hidden layer / first")
for j, depth in enumerate(depths):
    axes[1].plot(gains, scaled[:, j], "o-", label=f"{depth} hidden layers")
axes[1].set_xticks(gains, ["0.5", "1", "√2 (He)", "2", "3"])
axes[1].set_xlabel("gain g (std = g / sqrt(fan_in)), width 64")
for ax in axes:
    ax.set_yscale("log")
    ax.axhline(1, color="k", linestyle=":")
    ax.legend()
fig.tight_layout()
plt.show()
