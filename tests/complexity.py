"""Checking that work grows linearly with input size, without absolute time limits.

A test that says "this took less than 0.5 s" fails on a loaded CI machine and says
nothing on a fast one. :func:`assert_linear` instead times the same operation on an
input of size *n* and of size ``factor × n`` (best of several runs each) and compares:
linear code takes about ``factor`` times as long, a quadratic scan ``factor²`` times.
Anything below a few tens of milliseconds in all passes (too small to judge).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["assert_linear"]

T = TypeVar("T")

#: Below this (seconds) for the large input, growth is not judged at all.
_NOISE_FLOOR = 0.03


def _best(run: Callable[[T], object], data: T, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run(data)
        best = min(best, time.perf_counter() - start)
    return best


def assert_linear(
    make: Callable[[int], T],
    run: Callable[[T], object],
    *,
    size: int,
    factor: int = 8,
    repeat: int = 3,
) -> None:
    """Assert that ``run(make(factor * size))`` is not super-linearly slower than
    ``run(make(size))`` (allowed: 3 × factor, quadratic would be factor²)."""
    small = make(size)
    large = make(size * factor)
    run(small)  # warm caches and imports
    t_small = _best(run, small, repeat)
    t_large = _best(run, large, repeat)
    if t_large < _NOISE_FLOOR:
        return
    ratio = t_large / max(t_small, 1e-6)
    assert ratio < 3 * factor, (
        f"{factor}x the input took {ratio:.1f}x the time ({t_small * 1e3:.2f} ms → "
        f"{t_large * 1e3:.2f} ms): super-linear"
    )
