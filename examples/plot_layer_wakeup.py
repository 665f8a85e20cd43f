"""
=========================================
Zero weights wake up one layer per update
=========================================

The gradient of a layer's weights is the backward signal from the layer above
times the layer's input. With all weights zero, the backward signal below a
layer is zero as long as that layer's weights are zero. At update 1 only the
output layer gets a weight gradient; it then has non-zero weights, so at
update 2 the last hidden layer wakes up, and so on, down to the first layer.
With zero biases too, tanh(0) = 0 feeds nothing forward and no weight matrix
ever changes.
"""

# %%
import warnings
from collections import Counter

import matplotlib.pyplot as plt
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skinit import GradientFlowDisplay, MLPClassifier
from skinit.initializers import RandomNormal

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)

# Full-batch gradient descent: one update per epoch.
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

# %%
# Zero weights, random biases: the first update with a non-zero weight
# gradient, per layer from the input to the output.
woken = MLPClassifier(bias_init=RandomNormal(stddev=1.0), **params).fit(X, y)
print("first update with a gradient, per layer:", woken.first_gradient_update_)
print("distinct units at the end:", woken.n_distinct_units_)

# %%
# All-zero weights and biases: no layer ever gets a weight gradient (0 means
# never), not even the output layer, whose input tanh(0) is 0. Only the output
# bias learns (the class frequencies), and the fit warns about it.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    asleep = MLPClassifier(bias_init="zeros", **params).fit(X, y)
print("all zero, first update with a gradient:", asleep.first_gradient_update_)
print("every weight matrix still zero:", all((c == 0).all() for c in asleep.coefs_))
print("warnings:", dict(Counter(w.category.__name__ for w in caught)))

# %%
# The gradient norms of the first updates, on a log scale: each layer's curve
# starts one update after the layer above it.
ax = GradientFlowDisplay.from_estimator(woken).ax_
ax.set_xlim(0, 8)
ax.set_title("zero weights, random biases: layers wake up from the top")
plt.show()
