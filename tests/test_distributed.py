# SPDX-License-Identifier: BSD-3-Clause
"""Work shipped to worker processes: a dask cluster whose workers are
processes (everything serialized, as on any real cluster) and joblib's loky.

Every path that spreads networks over workers gives the bits of ``n_jobs=1``;
the data goes to each worker once per fit; a search survives a worker killed
while it trains.
"""

import os
import signal
import threading
import time
import warnings

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

from skinit import MLPClassifier, MLPClassifierCV

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def client():
    with _cluster() as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:360] / 16, y[:360]


CASES = {
    "restarts": (MLPClassifier, dict(hidden_layer_sizes=(32,), n_restarts=6)),
    "ensemble": (
        MLPClassifier,
        dict(hidden_layer_sizes=(64,), n_restarts=4, restart_ensemble=True),
    ),
    "restart-halving": (
        MLPClassifier,
        dict(
            hidden_layer_sizes=(128,),
            n_restarts=8,
            restart_halving=2,
            restart_min_epochs=2,
        ),
    ),
    "search": (
        MLPClassifierCV,
        dict(
            hidden_layer_sizes=(32,),
            param_grid={"init": ["he_normal", "glorot_uniform"], "alpha": [1e-4, 1]},
            n_restarts=2,
            cv=3,
        ),
    ),
    "halving-search": (
        MLPClassifierCV,
        dict(
            hidden_layer_sizes=(256,),
            param_grid={"learning_rate_init": [1e-3, 3e-3, 1e-2, 3e-2]},
            search="halving",
            factor=2,
            min_epochs=2,
            cv=3,
        ),
    ),
}


def _assert_same_fit(ours, reference, X):
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, reference.coefs_ + reference.intercepts_
    ):
        assert_array_equal(a, b)
    assert ours.loss_curve_ == reference.loss_curve_
    assert_array_equal(ours.predict_proba(X), reference.predict_proba(X))
    for name in ("restart_results_", "cv_results_"):
        if hasattr(reference, name):
            ours_, theirs = getattr(ours, name), getattr(reference, name)
            for key in theirs:
                if key.endswith(("_time", "time_")) or key in ("params", "seed"):
                    continue
                assert_array_equal(np.asarray(ours_[key]), np.asarray(theirs[key]), key)
    if hasattr(reference, "best_params_"):
        assert ours.best_params_ == reference.best_params_
    if hasattr(reference, "ensemble_coefs_"):
        for a, b in zip(ours.ensemble_coefs_, reference.ensemble_coefs_):
            assert_array_equal(a, b)


def _fit(Estimator, params, X, y, **extra):
    return Estimator(max_iter=8, random_state=0, **params, **extra).fit(X, y)


@pytest.mark.parametrize(
    "backend, case",
    [("dask", case) for case in CASES]
    + [("loky", "restarts"), ("loky", "halving-search")],
)
def test_workers_give_the_bits_of_one_job(request, digits, backend, case):
    if backend == "dask":
        request.getfixturevalue("client")  # the process cluster
    Estimator, params = CASES[case]
    X, y = digits
    reference = _fit(Estimator, params, X, y)
    with parallel_config(backend=backend):
        ours = _fit(Estimator, params, X, y, n_jobs=2)
    _assert_same_fit(ours, reference, X)


def _count_arrays_received(shape):
    """In a worker: count the arrays of ``shape`` it deserializes from now on.

    Data scattered to a worker, or fetched from another, arrives through
    dask's own serializer of numpy arrays; data inside a pickled task
    through numpy's pickle hooks.
    """
    import builtins

    import numpy
    from distributed.protocol.serialize import dask_deserialize
    from numpy._core import numeric

    builtins.received = counts = []

    def counting(load):
        def counted(*args, **kwargs):
            array = load(*args, **kwargs)
            if getattr(array, "shape", None) == shape:
                counts.append(load.__name__)
            return array

        counted.__name__ = load.__name__
        return counted

    dask_deserialize.register(numpy.ndarray)(
        counting(dask_deserialize.dispatch(numpy.ndarray))
    )
    numeric._frombuffer = counting(numeric._frombuffer)


def _received():
    import builtins

    counts = list(builtins.received)
    builtins.received.clear()
    return counts


@pytest.mark.parametrize("case", ["restart-halving", "halving-search"])
def test_data_goes_to_each_worker_once_per_fit(client, digits, case):
    # both fits train in rounds, a Parallel call each: joblib alone would
    # send the data again at each round
    Estimator, params = CASES[case]
    X, y = digits
    X = np.ascontiguousarray(X[:, :63])  # a shape nothing else has
    client.run(_count_arrays_received, X.shape)
    with parallel_config(backend="dask"):
        _fit(Estimator, params, X, y, n_jobs=2)
    received = client.run(_received)
    # at most once per worker in all (which worker holds a copy is dask's
    # business: it may move one), where each round would send it again
    assert 1 <= sum(len(r) for r in received.values()) <= len(received), received


def test_the_counter_sees_data_sent_with_each_task(client, digits):
    # the counter of the test above: a task that carries X counts once per task
    X, _ = digits
    X = np.ascontiguousarray(X[:, :63])
    client.run(_count_arrays_received, X.shape)
    futures = [client.submit(np.sum, [X], pure=False) for _ in range(4)]
    distributed.wait(futures)
    received = client.run(_received)
    assert sum(len(r) for r in received.values()) == 4


def _search_with_a_worker_killed(client, params, X, y):
    """The search on the cluster, one of its busy workers killed mid-run."""
    client.wait_for_workers(2, timeout=120)
    pids = client.run(os.getpid)
    outcome = {}

    def search():
        with parallel_config(backend="dask"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome["search"] = MLPClassifierCV(n_jobs=2, **params).fit(X, y)

    thread = threading.Thread(target=search)
    thread.start()
    busy = []
    while not busy and thread.is_alive():
        busy = [w for w, keys in client.processing().items() if keys and w in pids]
        time.sleep(0.01)
    assert busy, "the search ended before a worker was seen training"
    os.kill(pids[busy[0]], signal.SIGKILL)
    thread.join()
    return outcome["search"]


def _cluster():
    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )


def test_search_survives_a_worker_killed_mid_run(client, digits):
    # SKINIT_KILL_RUNS=10 repeats it, each repeat on a cluster of its own (a
    # nanny does not always bring a killed worker back within minutes)
    X, y = digits
    params = dict(
        hidden_layer_sizes=(256,),
        param_grid={"init": ["he_normal", "glorot_uniform", "lecun_normal"]},
        n_restarts=2,
        cv=3,
        max_iter=40,
        random_state=0,
    )
    reference = MLPClassifierCV(**params).fit(X, y)
    search = _search_with_a_worker_killed(client, params, X, y)
    _assert_same_fit(search, reference, X)
    for _ in range(int(os.environ.get("SKINIT_KILL_RUNS", "1")) - 1):
        with _cluster() as cluster, distributed.Client(cluster) as other:
            search = _search_with_a_worker_killed(other, params, X, y)
        _assert_same_fit(search, reference, X)


@pytest.mark.parametrize("case", ["restart-halving", "halving-search"])
def test_ray_gives_the_bits_of_one_job(digits, case):
    # ray's joblib backend, where it is installed (pip install '.[ray]')
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    Estimator, params = CASES[case]
    X, y = digits
    reference = _fit(Estimator, params, X, y)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        register_ray()
        with parallel_config(backend="ray"):
            ours = _fit(Estimator, params, X, y, n_jobs=2)
    finally:
        ray.shutdown()
    _assert_same_fit(ours, reference, X)
