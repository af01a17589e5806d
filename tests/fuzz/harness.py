"""What every fuzz target shares: the target record, byte-level mutations, error signatures.

A target turns one input (bytes, so that any finding can be saved and replayed) into calls
of the library and checks its invariants. ``run(data)`` returns the signatures of the typed
errors it met (refusals are fine: they are the point); anything else escaping ``run`` (an
untyped exception, or an ``AssertionError`` from a broken invariant) is a crash. The same
targets serve the Hypothesis tests (modest budget, CI) and ``tools/fuzz`` (long runs).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import attrs

__all__ = [
    "FIXTURES",
    "MAX_SIZE",
    "Mutator",
    "Target",
    "byte_mutation",
    "mutate_lines",
    "repeat_chunk",
    "signature",
]

FIXTURES: Final = Path(__file__).resolve().parents[2] / "fixtures"
#: Inputs grow no larger than this (long repetitive inputs included).
MAX_SIZE: Final = 1 << 17

#: ``mutate(data, rng, pool)``: one mutated input; *pool* holds other inputs to splice from.
Mutator = Callable[[bytes, random.Random, Sequence[bytes]], bytes]

_DIGITS: Final = re.compile(r"[0-9]+")


@attrs.frozen(kw_only=True)
class Target:
    """One fuzz target (see the module docstring)."""

    name: str
    description: str
    seeds: Callable[[], list[bytes]]
    mutate: Mutator
    run: Callable[[bytes], list[str]]


def _site(error: BaseException) -> str:
    tb = error.__traceback__
    if tb is None:
        return "?"
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"


def signature(error: BaseException) -> str:
    """What kind of refusal *error* is, as ``kind<TAB>example``.

    The kind is the class and where it was raised (and, for an error raised while handling
    another one, where that one was raised: the parser's own check behind a re-raise); the
    example is the message with numbers blanked. Messages quote the input, so they make a
    poor key; the raise site does not.
    """
    kind = f"{type(error).__name__} @ {_site(error)}"
    root = error
    while (root.__cause__ or root.__context__) is not None:
        root = root.__cause__ or root.__context__  # type: ignore[assignment]
    if root is not error:
        kind += f" <- {_site(root)}"
    example = _DIGITS.sub("_", str(error)[:100].partition("\n")[0])
    return f"{kind}\t{example}"


def repeat_chunk(data: bytes, rng: random.Random) -> bytes:
    """A piece of *data* repeated many times in place: long repetitive input, the kind that
    makes a backtracking regular expression or a quadratic scan take forever."""
    if not data:
        return b"=" * rng.randrange(1, MAX_SIZE // 2)
    start = rng.randrange(len(data))
    piece = data[start : start + rng.choice((1, 2, 3, 5, 8, 16, 40))]
    times = rng.choice((64, 512, 4096, 30000)) // max(1, len(piece) // 4)
    out = data[:start] + piece * times + data[start:]
    return out[:MAX_SIZE]


def byte_mutation(data: bytes, rng: random.Random, nasty: Sequence[bytes]) -> bytes:
    """One generic mutation: delete, insert (a *nasty* token or random bytes), overwrite,
    flip a bit, truncate, or repeat a chunk."""
    buf = bytearray(data)
    at = rng.randrange(len(buf) + 1)
    choice = rng.randrange(8)
    if choice == 0 and buf:
        del buf[at : at + rng.choice((1, 1, 2, 4, 16, 64))]
    elif choice == 1:
        buf[at:at] = rng.choice(nasty)
    elif choice == 2:
        buf[at:at] = rng.randbytes(rng.choice((1, 2, 4, 8)))
    elif choice == 3 and buf:
        at = min(at, len(buf) - 1)
        buf[at] = rng.choice((0, 0x0A, 0x0D, 0x20, 0x7F, 0xFF, rng.randrange(256)))
    elif choice == 4 and buf:
        at = min(at, len(buf) - 1)
        buf[at] ^= 1 << rng.randrange(8)
    elif choice == 5:
        del buf[at:]
    elif choice == 6:
        return repeat_chunk(bytes(buf), rng)
    else:
        buf[at:at] = rng.choice(nasty) * rng.randrange(1, 6)
    return bytes(buf[:MAX_SIZE])


def mutate_lines(data: bytes, rng: random.Random, pool: Sequence[bytes]) -> bytes:
    """One line-level mutation: drop, duplicate, move or swap lines, or take lines of
    another input from *pool* (a splice)."""
    lines = data.split(b"\n")
    if not lines:
        return data
    i = rng.randrange(len(lines))
    j = rng.randrange(len(lines))
    choice = rng.randrange(5)
    if choice == 0 and len(lines) > 1:
        del lines[i]
    elif choice == 1:
        lines.insert(j, lines[i])
    elif choice == 2:
        lines.insert(j, lines.pop(i))
    elif choice == 3:
        lines[i], lines[j] = lines[j], lines[i]
    elif pool:
        other = rng.choice(pool).split(b"\n")
        k = rng.randrange(len(other))
        lines[i:i] = other[k : k + rng.randrange(1, 6)]
    return b"\n".join(lines)[:MAX_SIZE]
