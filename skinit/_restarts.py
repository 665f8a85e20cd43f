# SPDX-License-Identifier: BSD-3-Clause
"""Seeds of the restarts, their spread over workers, and the choice of the best."""

from numbers import Integral

import numpy as np
from joblib import effective_n_jobs
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed


def restart_random_states(random_state, n_restarts):
    """One RandomState per restart, all drawn before any training.

    Restart 0 uses ``random_state`` exactly as a single fit does, so that it
    *is* the single fit. The others are seeded with 32-bit ints generated from
    a :class:`numpy.random.SeedSequence` derived from ``random_state`` without
    consuming it, so restart ``k`` is the single fit with
    ``random_state=seeds[k]`` and keeps its seed whatever ``n_restarts``.

    Returns
    -------
    random_states : list of RandomState
    seeds : list
        ``seeds[0]`` is ``random_state`` when it is an int, else None.
    sequence : SeedSequence
        The source of the seeds, for other draws shared by all restarts.
    """
    if isinstance(random_state, Integral):
        entropy, first_seed = int(random_state), int(random_state)
    elif isinstance(random_state, np.random.RandomState):
        entropy, first_seed = random_state.get_state()[1].tolist(), None
    else:
        entropy, first_seed = None, None
    sequence = np.random.SeedSequence(entropy)
    seeds = [int(s) for s in sequence.generate_state(n_restarts - 1)]
    random_states = [check_random_state(random_state)]
    random_states += [np.random.RandomState(seed) for seed in seeds]
    return random_states, [first_seed, *seeds], sequence


def run_chunks(func, n_items, n_jobs, *args):
    """``func(rows, *args)`` over contiguous chunks of ``range(n_items)``.

    One chunk per worker: within a chunk the restarts train together,
    vectorized. The results come back in order, whatever the backend.
    """
    n_chunks = max(1, min(n_items, effective_n_jobs(n_jobs)))
    chunks = np.array_split(np.arange(n_items), n_chunks)
    if n_chunks == 1:
        return [func(chunks[0], *args)]
    return Parallel(n_jobs=n_jobs)(delayed(func)(rows, *args) for rows in chunks)


def rank_restarts(losses, scores, diverged, unusable=None):
    """Rank 1 for the best restart; the lowest index wins ties.

    Restarts are compared by validation score (higher is better) when
    ``scores`` is given, else by final training loss. Diverged restarts (and
    NaN criteria) rank after the others, and ``unusable`` ones (non-finite
    parameters) last of all.

    Returns
    -------
    best : int
    rank : ndarray of int
    """
    key = np.asarray(losses, dtype=float) if scores is None else -np.asarray(scores)
    key = np.where(diverged | np.isnan(key), np.inf, key)
    if unusable is None:
        unusable = np.zeros(len(key), dtype=bool)
    order = np.lexsort((key, unusable))
    rank = np.empty(len(key), dtype=int)
    rank[order] = np.arange(1, len(key) + 1)
    return int(order[0]), rank
