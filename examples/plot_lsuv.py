"""
===================================
LSUV: unit variance, layer by layer
===================================

Mishkin and Matas' layer-sequential unit-variance initialization starts from
orthogonal weights, then rescales each layer, first to last, until the
variance of its pre-activation output on a sample of the data is 1. The data
decides the scale, whatever the activation or the scale of the input.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from skinit import MLPClassifier

X, y = load_digits(return_X_y=True)  # not standardized: pixels in 0..16


def pre_activation_variances(clf):
    a, variances = X, []
    for coef, intercept in zip(clf.init_coefs_, clf.init_intercepts_):
        z = a @ coef + intercept
        variances.append(z.var())
        a = np.maximum(z, 0)
    return variances


fig, ax = plt.subplots()
for init in ("orthogonal", "lsuv"):
    clf = MLPClassifier(
        hidden_layer_sizes=(64,) * 8, init=init, max_iter=30, random_state=0
    ).fit(X, y)
    variances = pre_activation_variances(clf)
    print(
        f"{init}: pre-activation variance per layer "
        f"{np.round(variances, 2)}, training accuracy {clf.score(X, y):.3f}"
    )
    ax.plot(variances, "o-", label=init)
ax.set_yscale("log")
ax.set_xlabel("layer")
ax.set_ylabel("variance of a @ W + b at initialization")
ax.legend()
plt.show()
