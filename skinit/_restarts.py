# SPDX-License-Identifier: BSD-3-Clause
"""Seeds of the restarts, their spread over workers, and the choice of the best."""

import math
import sys
from contextlib import contextmanager
from numbers import Integral

import numpy as np
from joblib import effective_n_jobs, parallel_config
from joblib.parallel import get_active_backend
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed


def restart_random_states(random_state, n_restarts):
    """One RandomState per restart, all drawn before any training.

    Restart 0 uses ``random_state`` exactly as a single fit does, so that it
    *is* the single fit. The others are seeded with the ints of
    :func:`restart_seeds`, so restart ``k`` is the single fit with
    ``random_state=seeds[k]`` and keeps its seed whatever ``n_restarts``.

    Returns
    -------
    random_states : list of RandomState
    seeds : list
        ``seeds[0]`` is ``random_state`` when it is an int, else None.
    sequence : SeedSequence
        The source of the seeds, for other draws shared by all restarts.
    """
    seeds, sequence = restart_seeds(random_state, n_restarts)
    random_states = [check_random_state(random_state)]
    random_states += [np.random.RandomState(seed) for seed in seeds[1:]]
    return random_states, seeds, sequence


def restart_seeds(random_state, n_restarts):
    """The seeds of :func:`restart_random_states`, and their source.

    32-bit ints generated from a :class:`numpy.random.SeedSequence` derived
    from ``random_state`` without consuming it.
    """
    if isinstance(random_state, Integral):
        entropy, first_seed = int(random_state), int(random_state)
    elif isinstance(random_state, np.random.RandomState):
        entropy, first_seed = random_state.get_state()[1].tolist(), None
    else:
        entropy, first_seed = None, None
    sequence = np.random.SeedSequence(entropy)
    seeds = [int(s) for s in sequence.generate_state(n_restarts - 1)]
    return [first_seed, *seeds], sequence


def run_chunks(func, n_items, n_jobs, *args):
    """``func(rows, *args)`` over contiguous chunks of ``range(n_items)``.

    One chunk per worker: within a chunk the restarts train together,
    vectorized. The results come back in order, whatever the backend.
    """
    n_chunks = _n_chunks(n_items, n_jobs)
    chunks = np.array_split(np.arange(n_items), n_chunks)
    if n_chunks == 1:
        return [func(chunks[0], *args)]
    return Parallel(n_jobs=n_jobs)(delayed(func)(rows, *args) for rows in chunks)


def _n_chunks(n_items, n_jobs):
    return max(1, min(n_items, effective_n_jobs(n_jobs)))


@contextmanager
def data_on_workers(n_items, n_jobs, *arrays):
    """Within it, the ``arrays`` go to each dask worker once.

    joblib's dask backend sends the large arguments of a ``Parallel`` call
    anew at every call: a fit that trains in rounds (successive halving)
    would send its data once per round. Here, if :func:`run_chunks` will
    spread ``n_items`` over several workers, they are broadcast once, and
    every call of the block reads them from the workers' memory. Other
    backends are left as they are.
    """
    backend = _dask_backend() if _n_chunks(n_items, n_jobs) > 1 else None
    # what an enclosing block (a search's rounds) has sent already stays
    sent = {} if backend is None else backend.data_futures
    shared = [a for a in arrays if a is not None and id(a) not in sent]
    if backend is None or not shared:
        yield
        return
    once = type(backend)(
        client=backend.client,
        scatter=shared,
        wait_for_workers_timeout=backend.wait_for_workers_timeout,
        **backend.submit_kwargs,
    )
    with parallel_config(backend=once):
        yield


def _dask_backend():
    """The active joblib backend if it is dask's, else None."""
    if "distributed" not in sys.modules:
        return None  # no dask client can exist
    from joblib._dask import DaskDistributedBackend

    backend, _ = get_active_backend()
    return backend if isinstance(backend, DaskDistributedBackend) else None


def rank_restarts(losses, scores, diverged, unusable=None, n_rounds=None):
    """Rank 1 for the best restart; the lowest index wins ties.

    Restarts are compared by validation score (higher is better) when
    ``scores`` is given, else by final training loss; with ``n_rounds`` (the
    rounds of ``restart_halving`` each took part in), those that went on
    longer rank first. Diverged restarts (and NaN criteria) rank after the
    others, and ``unusable`` ones (non-finite parameters) last of all.

    Returns
    -------
    best : int
    rank : ndarray of int
    """
    key = np.asarray(losses, dtype=float) if scores is None else -np.asarray(scores)
    bad = diverged | np.isnan(key)
    key = np.where(bad, np.inf, key)
    zeros = np.zeros(len(key), dtype=int)
    unusable = zeros if unusable is None else unusable
    dropped = zeros if n_rounds is None else -np.asarray(n_rounds)
    order = np.lexsort((key, dropped, bad, unusable))
    rank = np.empty(len(key), dtype=int)
    rank[order] = np.arange(1, len(key) + 1)
    return int(order[0]), rank


def count_rounds(start, factor, limit):
    """How many of ``start, start * factor, ...`` are at most ``limit``."""
    n, value = 1, start * factor
    while value <= limit:
        n, value = n + 1, value * factor
    return n


def halving_schedule(n_candidates, factor, min_epochs, max_iter, name):
    """The epochs at which the rounds of successive halving end.

    As ``HalvingGridSearchCV`` plans them, epochs being the resource: as many
    rounds as leave at most ``factor`` candidates for the last one
    (``n_required``), as far as the epochs allow (``n_possible``); round
    ``i`` ends at ``min_epochs * factor ** i`` epochs, the last one at
    ``max_iter``. ``min_epochs="exhaust"`` is ``max_iter // factor **
    (n_required - 1)``: the last round then ends where the geometric budget
    reaches ``max_iter``. ``name`` is the parameter that set ``min_epochs``,
    for the error.

    Returns
    -------
    ends : list of int
        The epoch at which each round ends, the last one ``max_iter``.
    n_required, n_possible : int
    min_epochs : int
    """
    n_required = count_rounds(1, factor, n_candidates)
    if min_epochs == "exhaust":
        min_epochs = max(1, int(max_iter // factor ** (n_required - 1)))
    if min_epochs > max_iter:
        raise ValueError(f"{name}={min_epochs} is greater than max_iter={max_iter}.")
    n_possible = count_rounds(min_epochs, factor, max_iter)
    n_rounds = min(n_required, n_possible)
    ends = [min(max_iter, int(factor**i * min_epochs)) for i in range(n_rounds - 1)]
    return [*ends, max_iter], n_required, n_possible, min_epochs


class RestartHalving:
    """Successive halving of the restarts of one fit (``restart_halving``).

    After each round but the last, the best ``ceil(n / factor)`` of the ``n``
    restarts still in play go on; the others stop where they are.

    Attributes
    ----------
    ends : list of int
        The epochs at which the rounds end, the last one ``max_iter``.
    dropped_at : ndarray of int
        For each restart, the epoch of the round's end that dropped it, 0
        if none did.
    n_rounds : ndarray of int
        For each restart, the rounds it took part in.
    scores : ndarray of float
        For each dropped restart, its ``restart_scoring`` score when it was
        dropped (NaN without ``restart_scoring``).
    """

    def __init__(self, n_restarts, factor, min_epochs, max_iter):
        self.factor = factor
        self.ends = halving_schedule(
            n_restarts, factor, min_epochs, max_iter, "restart_min_epochs"
        )[0]
        self.dropped_at = np.zeros(n_restarts, dtype=int)
        self.n_rounds = np.ones(n_restarts, dtype=int)
        self.scores = np.full(n_restarts, np.nan)

    @property
    def next_end(self):
        """The epoch at which the current round ends, None in the last round."""
        round_ = self.n_rounds.max() - 1
        return self.ends[round_] if round_ < len(self.ends) - 1 else None

    def end_round(self, rank, scores=None):
        """Keep the best restarts in play by ``rank``; drop the others.

        ``scores``: the restarts' ``restart_scoring`` scores, if any, kept
        for those dropped. Returns the restarts kept and those dropped.
        """
        epoch = self.next_end
        playing = np.flatnonzero(self.n_rounds == self.n_rounds.max())
        n_kept = math.ceil(len(playing) / self.factor)
        best_first = playing[np.argsort(rank[playing], kind="stable")]
        kept, dropped = np.sort(best_first[:n_kept]), np.sort(best_first[n_kept:])
        self.n_rounds[kept] += 1
        self.dropped_at[dropped] = epoch
        if scores is not None:
            self.scores[dropped] = scores[dropped]
        return kept, dropped
