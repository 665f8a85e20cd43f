"""
===================================
LSUV: unit variance, layer by layer
===================================

Mishkin and Matas' layer-sequential unit-variance initialization starts from
orthogonal weights, then rescales each layer, first to last, until the
variance of its pre-activation output on a sample of the training data is 1.
The data decides the scale: it does not matter how the input is scaled or
which activation follows. Orthogonal weights alone keep the norm of a vector
through a linear layer, but not the variance through ReLU or tanh, and not a
badly scaled input's variance down to 1.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skinit import MLPClassifier
from skinit.diagnostics import hidden_activations

warnings.filterwarnings("ignore", category=ConvergenceWarning)

# Not standardized: the pixels are 0..16, so the input variance is about 40.
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)


def pre_activation_variances(clf, X, activation):
    """Variance of ``a @ W + b`` of every layer, with the starting weights."""
    inputs = [X] + hidden_activations(
        clf.init_coefs_, X, intercepts=clf.init_intercepts_, activation=activation
    )
    return [
        (a @ coef + intercept).var()
        for a, coef, intercept in zip(inputs, clf.init_coefs_, clf.init_intercepts_)
    ]


# %%
# Eight hidden layers of 64 units, trained 10 epochs with adam. Orthogonal
# weights pass the input's variance of 60 on to the first layer, then lose
# variance at every layer; LSUV starts every layer at 1. On this small problem
# both reach a similar accuracy with ReLU; with tanh, LSUV's start learns
# faster.
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for activation, linestyle in (("relu", "-"), ("tanh", "--")):
    for init in ("orthogonal", "lsuv"):
        clf = MLPClassifier(
            hidden_layer_sizes=(64,) * 8,
            activation=activation,
            init=init,
            max_iter=10,
            random_state=0,
        ).fit(X_train, y_train)
        variances = pre_activation_variances(clf, X_train, activation)
        print(
            f"{activation}, {init}: pre-activation variance per layer "
            + " ".join(f"{v:.2g}" for v in variances)
            + f"\n    loss after epoch 1 "
            f"{clf.loss_curve_[0]:.2f}, test accuracy {clf.score(X_test, y_test):.3f}"
        )
        label = f"{activation}, {init}"
        axes[0].plot(variances, "o" + linestyle, label=label)
        axes[1].plot(np.arange(1, 11), clf.loss_curve_, linestyle, label=label)
axes[0].set_yscale("log")
axes[0].set_xlabel("layer (8 = output)")
axes[0].set_ylabel("variance of a @ W + b at initialization")
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("training loss")
for ax in axes:
    ax.legend()
fig.tight_layout()
plt.show()
