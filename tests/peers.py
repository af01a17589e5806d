"""Finding the independent peer programs the interop tests drive (see PEERS.md).

A test asks for a peer with :func:`require_peer`. When the program is missing the
test is skipped with the reason, except when ``IMSALG_REQUIRE_PEERS=1`` (CI), where
it fails: interop tests must run in CI.
"""

from __future__ import annotations

import os
import shutil

import pytest

__all__ = ["peers_required", "require_peer"]


def peers_required() -> bool:
    """Whether missing peers are failures (CI) rather than skips."""
    return os.environ.get("IMSALG_REQUIRE_PEERS", "") not in ("", "0")


def require_peer(program: str) -> str:
    """The absolute path of *program*, or skip/fail the calling test."""
    path = shutil.which(program)
    if path is not None:
        return path
    message = f"peer program {program!r} is not installed (see PEERS.md)"
    if peers_required():
        pytest.fail(message + " and IMSALG_REQUIRE_PEERS=1")
    pytest.skip(message)
