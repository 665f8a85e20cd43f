# SPDX-License-Identifier: BSD-3-Clause
"""``python -m skinit DATA``: the same as the ``skinit`` command."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
