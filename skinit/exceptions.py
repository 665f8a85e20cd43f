# SPDX-License-Identifier: BSD-3-Clause
"""Warnings raised by skinit; each can be silenced with the ``warnings`` filters."""

__all__ = ["InitializationWarning"]


class InitializationWarning(UserWarning):
    """An initializer could not reach its goal (for example LSUV's unit
    variance within its iteration cap)."""
