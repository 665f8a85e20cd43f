# SPDX-License-Identifier: BSD-3-Clause
"""What every benchmark shares: pinned threads, interleaved timing, the machine,
the pages' tables."""

import functools
import os
import platform
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import skinit
from skinit._kernels import kernels

warnings.simplefilter("ignore", ConvergenceWarning)


@functools.cache
def digits():
    """Digits, scaled to [0, 1] as ``X / 16``."""
    X, y = load_digits(return_X_y=True)
    return X / 16, y


@functools.cache
def iris():
    """Iris, standardized."""
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@functools.cache
def classification():
    """20000 x 100, five classes."""
    return make_classification(
        n_samples=20000, n_features=100, n_informative=50, n_classes=5, random_state=0
    )


def no_stopping(max_iter):
    """Settings that run exactly ``max_iter`` epochs, from ``random_state=0``."""
    return dict(max_iter=max_iter, tol=0.0, n_iter_no_change=10**9, random_state=0)


def interleaved(funcs, repeat):
    """Median wall time of each function, the functions run in turn.

    Each is called once first (imports, compilation and caches are not what
    is measured), then ``repeat`` rounds call every function once, in order:
    a slow moment of a shared machine hits all of them.
    """
    for func in funcs.values():
        func()
    times = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


def one_thread():
    """BLAS (and OpenMP) on one thread: the machines are shared, 2 cores."""
    return threadpool_limits(1)


def environment():
    """One line on the machine, the versions and the thread settings."""
    with one_thread():
        pools = ", ".join(
            sorted(
                f"{i['internal_api']} {i.get('version') or ''} x{i['num_threads']}"
                for i in threadpool_info()
            )
        )
    import numba

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}, numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, numba {numba.__version__}, skinit "
        f"{skinit.__version__} ({kernels.name} kernels); threads: {pools}"
    )


def list_table(header, rows):
    """An RST list-table: a header row, then ``rows``, lists of cells."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return "\n".join(lines)
