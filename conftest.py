# SPDX-License-Identifier: BSD-3-Clause
import os

# scikit-learn's estimator checks test array API input (with NumPy arrays)
# only when scipy's array API support is switched on, before scipy is imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
