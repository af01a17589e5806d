"""Benchmark: imsalg's H.248 text codec against Erlang/OTP megaco, same messages, same run.

Run as ``./tools/bench h248 [--number N] [--repeat R] [--profile] [--no-megaco] [--split]``.

For every message of the corpus (``fixtures/h248/*.txt`` and ``fixtures/**/*.h248``) in
the form it is stored (pretty or compact), one round is ``decode`` + ``encode`` in the same
token form, the work an H.248 endpoint does per message. imsalg is timed with ``timeit``
(the minimum over ``--repeat`` runs of ``--number`` rounds); megaco with ``timer:tc`` around
``--number`` rounds of ``decode_message([], dynamic, Bin)`` + ``encode_message([], V, M)``
(``megaco_pretty_text_encoder`` or ``megaco_compact_text_encoder``) inside one escript, so
the VM start is not counted. The table gives µs per message; the last line the mean over
the corpus and the ratio imsalg / megaco. Target: ratio ≤ 2. ``--split`` also times
imsalg's decode and encode alone (their sum is less than the round trip: the interpreter
runs a longer mix of code per round there).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imsalg.h248.model import Message
from imsalg.h248.text import decode, encode
from tests.h248.corpus import corpus_messages
from tests.h248.megaco import ESCRIPT

TARGET_RATIO = 2.0


def _is_compact(data: bytes) -> bool:
    return data.lstrip().startswith(b"!")


def _best(function: Callable[[], object], number: int, repeat: int) -> float:
    """µs per call: the best of *repeat* timings of *number* calls."""
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number * 1e6


def _imsalg_times(messages: list[tuple[str, bytes]], number: int, repeat: int) -> list[float]:
    times = []
    for _, data in messages:
        text = data.decode("utf-8", "surrogateescape")
        compact = _is_compact(data)

        def round_trip(text: str = text, compact: bool = compact) -> None:
            encode(decode(text), compact=compact)

        times.append(_best(round_trip, number, repeat))
    return times


def _split_times(
    messages: list[tuple[str, bytes]], number: int, repeat: int
) -> tuple[float, float]:
    """Mean µs per message of imsalg's decode alone and encode alone."""
    decoding = encoding = 0.0
    for _, data in messages:
        text = data.decode("utf-8", "surrogateescape")
        message = decode(text)
        compact = _is_compact(data)

        def decoding_only(text: str = text) -> None:
            decode(text)

        def encoding_only(message: Message = message, compact: bool = compact) -> None:
            encode(message, compact=compact)

        decoding += _best(decoding_only, number, repeat)
        encoding += _best(encoding_only, number, repeat)
    return decoding / len(messages), encoding / len(messages)


def _megaco_times(messages: list[tuple[str, bytes]], number: int) -> list[float | None] | None:
    escript = shutil.which("escript")
    if escript is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-h248-") as tmp:
        directory = Path(tmp)
        for index, (_, data) in enumerate(messages):
            (directory / f"{index:04d}.in").write_bytes(data)
        script = directory / "bench.escript"
        script.write_text(ESCRIPT)
        done = subprocess.run(
            ["timeout", "600", escript, str(script), "bench", str(directory), str(number)],
            capture_output=True,
            timeout=610,
            check=True,
        )
    rows = json.loads(done.stdout)
    return [row["us"] for row in sorted(rows, key=lambda row: row["file"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=2000, help="rounds per timing")
    parser.add_argument("--repeat", type=int, default=5, help="timings per message (min)")
    parser.add_argument("--profile", action="store_true", help="cProfile imsalg instead")
    parser.add_argument("--no-megaco", action="store_true", help="skip the Erlang reference")
    parser.add_argument("--split", action="store_true", help="also time decode and encode alone")
    args = parser.parse_args(argv)
    messages = corpus_messages()
    if args.profile:
        texts = [(d.decode("utf-8", "surrogateescape"), _is_compact(d)) for _, d in messages]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.number // 10 or 1):
            for text, compact in texts:
                encode(decode(text), compact=compact)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return 0
    ours = _imsalg_times(messages, args.number, args.repeat)
    theirs = None if args.no_megaco else _megaco_times(messages, args.number)
    width = max(len(name) for name, _ in messages)
    print(f"{'message':<{width}}  {'bytes':>5}  {'imsalg µs':>9}  {'megaco µs':>9}  {'ratio':>5}")
    both = []
    for position, (name, data) in enumerate(messages):
        line = f"{name:<{width}}  {len(data):>5}  {ours[position]:>9.1f}"
        reference = None if theirs is None else theirs[position]
        if reference is not None:
            line += f"  {reference:>9.1f}  {ours[position] / reference:>5.2f}"
            both.append((ours[position], reference))
        elif theirs is not None:
            line += "  (megaco cannot decode it)"
        print(line)
    mean_ours = sum(ours) / len(ours)
    print(f"\n{len(messages)} messages; imsalg decode+encode: {mean_ours:.1f} µs/message (mean)")
    if args.split:
        decoding, encoding = _split_times(messages, args.number, args.repeat)
        print(f"imsalg alone: decode {decoding:.1f} µs/message, encode {encoding:.1f} µs/message")
    if not both:
        print("megaco: not measured (escript missing or --no-megaco)")
        return 0
    mean_common = sum(o for o, _ in both) / len(both)
    mean_theirs = sum(r for _, r in both) / len(both)
    ratio = mean_common / mean_theirs
    print(
        f"on the {len(both)} messages megaco decodes: imsalg {mean_common:.1f} µs/message, "
        f"megaco {mean_theirs:.1f} µs/message (means)"
    )
    verdict = "within" if ratio <= TARGET_RATIO else "OUTSIDE"
    print(f"ratio imsalg/megaco: {ratio:.2f} ({verdict} the {TARGET_RATIO:.0f}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
