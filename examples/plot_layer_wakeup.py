"""
=========================================
Zero weights wake up one layer per update
=========================================

With all weights zero, the backward signal below a layer is zero as long as
that layer's weights are zero. At update 1 only the output layer gets a
gradient; it then has non-zero weights, so at update 2 the last hidden layer
wakes up, and so on, down to the first layer. With zero biases too, tanh
networks never learn anything below the output bias.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skinit import GradientFlowDisplay, MLPClassifier
from skinit.initializers import RandomNormal

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)

params = dict(
    hidden_layer_sizes=(6, 6, 6),
    activation="tanh",
    solver="sgd",
    batch_size=len(X),
    learning_rate_init=0.1,
    max_iter=30,
    init="zeros",
    random_state=0,
)
woken = MLPClassifier(bias_init=RandomNormal(stddev=1.0), **params).fit(X, y)
print(
    "first update with a gradient, per layer (input to output):",
    woken.first_gradient_update_,
)

# %%
# All-zero weights and biases: tanh(0) = 0 feeds nothing forward, and no
# weight ever changes.
asleep = MLPClassifier(bias_init="zeros", **params).fit(X, y)
print(
    "all zero:",
    asleep.first_gradient_update_,
    "- weights still zero:",
    all((c == 0).all() for c in asleep.coefs_),
)

# %%
ax = GradientFlowDisplay.from_estimator(woken).ax_
ax.set_xlim(0, 8)
ax.set_title("zero weights, random biases: layers wake up from the top")
plt.show()
