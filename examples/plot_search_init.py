"""
===================================================
Choosing an initializer and its gain for a deep net
===================================================

Which initializer, and which gain, for a five-layer tanh network on the
digits? :class:`~skinit.MLPClassifierCV` cross-validates every pair in one
batch of networks, gives the scores ``GridSearchCV`` would give, and refits
the best pair on all the data.

Each initializer draws weights of standard deviation ``gain`` times its own
scale: Glorot's :math:`\\sqrt{2 / (n_\\text{in} + n_\\text{out})}`, LeCun's
:math:`\\sqrt{1 / n_\\text{in}}`, He's :math:`\\sqrt{2 / n_\\text{in}}`, and
the orthogonal start's singular values equal to the gain. Through five tanh
layers a small gain makes the signal vanish and a large one saturates the
units; the good band of gains shifts with each initializer's scale.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifierCV
from skinit.initializers import GlorotUniform, HeNormal, LecunNormal, Orthogonal

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=600, stratify=y, random_state=0
)

initializers = [GlorotUniform(), LecunNormal(), HeNormal(), Orthogonal()]
gains = [0.125, 0.25, 0.5, 1.0, 2.0, 4.0]
search = MLPClassifierCV(
    hidden_layer_sizes=(32,) * 5,
    activation="tanh",
    max_iter=30,
    learning_rate_init=0.003,
    param_grid=[{"init": [init], "init__gain": gains} for init in initializers],
    cv=3,
    random_state=0,
)
search.fit(X_train, y_train)
print(
    f"{len(search.cv_results_['params'])} candidates x {search.n_splits_} folds "
    "trained as one batch"
)
print("best:", search.best_params_["init"], "gain", search.best_params_["init__gain"])
print(f"cross-validated accuracy {search.best_score_:.3f}")
print(f"held-out accuracy of the refitted model {search.score(X_test, y_test):.3f}")

# %%
# The heat map of the mean cross-validated accuracy: one row per
# initializer, one column per gain. Candidates are in the order of the grid,
# the gains of one initializer after another.
scores = search.cv_results_["mean_test_score"].reshape(len(initializers), len(gains))
names = [type(init).__name__ for init in initializers]
fig, ax = plt.subplots(figsize=(7, 3.5))
image = ax.imshow(scores, cmap="viridis", vmin=0, vmax=1)
ax.set_xticks(range(len(gains)), [str(g) for g in gains])
ax.set_yticks(range(len(names)), names)
ax.set_xlabel("gain")
for i, j in np.ndindex(scores.shape):
    color = "white" if scores[i, j] < 0.5 else "black"
    ax.text(j, i, f"{scores[i, j]:.2f}", ha="center", va="center", color=color)
best = np.unravel_index(search.best_index_, scores.shape)
ax.add_patch(plt.Rectangle((best[1] - 0.5, best[0] - 0.5), 1, 1, fill=False, lw=2))
fig.colorbar(image, ax=ax, label="mean cross-validated accuracy")
ax.set_title("Five tanh layers of 32 units, 30 epochs")
fig.tight_layout()
plt.show()

# %%
# Every initializer trains well at gain 1, the scale it was designed for,
# and fails at both ends. The band is not the same: He's weights are larger
# than Glorot's and LeCun's at the same gain, so He falls off sooner as the
# gain grows and holds up better as it shrinks, while the orthogonal start,
# whose singular values all equal the gain, is the most forgiving. To drop
# the hopeless candidates early, ``search="halving"`` trains every candidate
# a few epochs, keeps the best third, lets them go on training, and so on.
