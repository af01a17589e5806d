"""Fuzz target ``msrp``: the incremental frame parser and the path rewriter.

An input is ``<n> <n big-endian u16 cut positions> <stream>`` (``n = data[0] % 24``), so
the chunking travels with the bytes. Per input the stream is fed whole and in the chunks
the cuts make to :class:`MSRPParser` (events and ``count_only``) and to
:class:`MSRPPathRewriter` (one mapping that hits the seeds' URIs, and an empty one). Only
``MSRPFrameError`` may come out. Invariants: the chunking changes neither the frames nor
whether the stream is refused; the events give back the bytes consumed; the counting mode
agrees; the rewriter refuses whatever the parser refuses, passes bytes through unchanged
under an empty mapping and writes frames that parse again.

Seeds are small streams written here (RFC 4975 §7.1 SEND and 200, chunked messages,
REPORT, bodies holding CRLFs and other transactions' end-lines).
"""

from __future__ import annotations

import itertools
import random
import struct
from collections.abc import Sequence
from typing import Final

from imsalg.agw.msrp import (
    BodyChunk,
    FrameEnd,
    MSRPEvent,
    MSRPParser,
    MSRPPathRewriter,
)
from imsalg.errors import MSRPFrameError
from imsalg.sdp.msrp import MSRPURI
from tests.agw.test_msrp_parser import frames_of

from .harness import MAX_SIZE, Target, byte_mutation, mutate_lines, repeat_chunk, signature

__all__ = ["TARGET", "make_input", "msrp_seeds", "mutate_msrp", "run_msrp", "split_input"]

BOB: Final = "msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp"
ALICE: Final = "msrp://atlanta.example.com:7654/jshA7weztas;tcp"
_MAPPING: Final = (
    (MSRPURI.parse(BOB), MSRPURI.parse("msrps://[2001:db8::10]:40000/agwacc1;tcp")),
    (MSRPURI.parse(ALICE), MSRPURI.parse("msrp://198.51.100.10:50000/agwcore2;tcp")),
)
_MAX_HEADER: Final = 512

MSRP_NASTY: Final[tuple[bytes, ...]] = (
    b"\r\n",
    b"\r",
    b"\n",
    b"\r\n\r\n",
    b"-------",
    b"\r\n-------t0000001$\r\n",
    b"\r\n-------t0000001+",
    b"$\r\n",
    b"#",
    b"MSRP ",
    b"MSRP t0000001 SEND\r\n",
    b"MSRP t0000001 200 OK\r\n",
    b"To-Path: " + BOB.encode() + b"\r\n",
    b"From-Path: " + ALICE.encode() + b"\r\n",
    b"Content-Type: text/plain\r\n",
    b": ",
    b"\x00",
    b"\xff\xfe",
    b"\x7f",
    b"msrps://[::1]:1/x;tcp",
    b"http://nope",
)


def _send(tid: str, body: bytes, flag: str = "$", extra: str = "") -> bytes:
    head = (
        f"MSRP {tid} SEND\r\nTo-Path: {BOB}\r\nFrom-Path: {ALICE}\r\n{extra}"
        f"Message-ID: m{tid}\r\nByte-Range: 1-{len(body)}/*\r\n"
        f"Content-Type: text/plain\r\n\r\n"
    )
    return head.encode() + body + f"\r\n-------{tid}{flag}\r\n".encode()


def _response(tid: str, status: str = "200 OK") -> bytes:
    return (
        f"MSRP {tid} {status}\r\nTo-Path: {ALICE}\r\nFrom-Path: {BOB}\r\n-------{tid}$\r\n".encode()
    )


def make_input(stream: bytes, cuts: Sequence[int] = ()) -> bytes:
    """An input of this target: *stream* fed in the chunks *cuts* make."""
    cuts = [cut % 65536 for cut in cuts][:23]
    return bytes([len(cuts)]) + b"".join(struct.pack(">H", cut) for cut in cuts) + stream


def split_input(data: bytes) -> tuple[list[int], bytes]:
    """The cut positions and the stream of an input."""
    if not data:
        return [], b""
    count = data[0] % 24
    header = data[1 : 1 + 2 * count]
    cuts = [struct.unpack_from(">H", header, 2 * i)[0] for i in range(len(header) // 2)]
    return cuts, data[1 + 2 * count :]


def msrp_seeds() -> list[bytes]:
    """Small valid streams, each whole and cut in a few places."""
    streams = [
        _send("a786hjs2", b"Hey Bob, are you there?") + _response("a786hjs2"),
        _send("t0000001", b"first", "+") + _send("t0000002", b"second", "#"),
        _send("t0000003", b"") + _response("t0000003", "413 too big"),
        _send("t0000004", b"x\r\n-------t0000004!\r\n-------zzzz$\r\n\r\n-------t000000"),
        _send("t0000005", bytes(range(256)), extra="Success-Report: yes\r\n"),
        (
            f"MSRP r0000001 REPORT\r\nTo-Path: {ALICE}\r\nFrom-Path: {BOB}\r\n"
            f"Message-ID: 1\r\nByte-Range: 1-5/5\r\nStatus: 000 200 OK\r\n-------r0000001$\r\n"
        ).encode(),
        _response("u0000001", "200"),
        _send("v0000001", b"multi", extra=f"Use-Path: {BOB} {ALICE}\r\n").replace(
            f"To-Path: {BOB}".encode(), f"To-Path: {ALICE} {BOB}".encode()
        ),
    ]
    seeds = []
    for stream in streams:
        seeds.append(make_input(stream))
        seeds.append(make_input(stream, [len(stream) // 2]))
        seeds.append(make_input(stream, list(range(0, len(stream), 7))))
    return seeds


def mutate_msrp(data: bytes, rng: random.Random, pool: Sequence[bytes]) -> bytes:
    """One mutation: of the stream (bytes, lines, long repeats, a splice of two streams) or
    of the chunking."""
    cuts, stream = split_input(data)
    choice = rng.randrange(10)
    if choice < 5:
        stream = byte_mutation(stream, rng, MSRP_NASTY)
    elif choice == 5:
        stream = mutate_lines(stream, rng, [split_input(p)[1] for p in pool])
    elif choice == 6:
        stream = repeat_chunk(stream, rng)
    elif choice == 7 and pool:
        other = split_input(rng.choice(pool))[1]
        at = rng.randrange(len(stream) + 1)
        stream = stream[:at] + other[rng.randrange(len(other) + 1) :]
    else:
        size = max(1, len(stream))
        cuts = sorted(rng.randrange(size) for _ in range(rng.randrange(0, 23)))
        if rng.random() < 0.2:
            cuts = list(range(0, min(size, 65536), rng.choice((1, 2, 3))))[:23]
    return make_input(stream[: MAX_SIZE - 1 - 2 * len(cuts)], cuts)


# -- running ------------------------------------------------------------------------------


def _chunks(stream: bytes, cuts: Sequence[int]) -> list[bytes]:
    bounds = [0, *sorted({cut for cut in cuts if cut < len(stream)}), len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(bounds)]


def _parse(
    chunks: list[bytes], *, count_only: bool = False, max_header_size: int = _MAX_HEADER
) -> tuple[list[MSRPEvent], MSRPParser, MSRPFrameError | None]:
    parser = MSRPParser(max_header_size=max_header_size, count_only=count_only)
    events: list[MSRPEvent] = []
    try:
        for chunk in chunks:
            parser.feed_into(chunk, events)
    except MSRPFrameError as error:
        try:
            parser.feed(b"MSRP ")
        except MSRPFrameError:
            pass  # a refused stream stays refused
        else:
            raise AssertionError("the parser took input after refusing the stream") from None
        return events, parser, error
    return events, parser, None


def _rewrite(
    chunks: list[bytes], mapping: tuple[tuple[MSRPURI, MSRPURI], ...]
) -> tuple[bytes, MSRPFrameError | None]:
    rewriter = MSRPPathRewriter(mapping, max_header_size=_MAX_HEADER)
    out = []
    try:
        for chunk in chunks:
            out.append(rewriter.feed(chunk))
    except MSRPFrameError as error:
        return b"".join(out) + rewriter.salvaged, error
    return b"".join(out), None


def run_msrp(data: bytes) -> list[str]:
    """Run one input through the parser and the rewriter (see the module docstring)."""
    cuts, stream = split_input(data)
    chunks = _chunks(stream, cuts)
    whole, whole_parser, whole_error = _parse([stream])
    split, split_parser, split_error = _parse(chunks)
    counted, counter, count_error = _parse(chunks, count_only=True)
    seen = [signature(e) for e in (whole_error, split_error) if e is not None]
    assert (whole_error is None) == (split_error is None) == (count_error is None), seen
    assert frames_of(split) == frames_of(whole)
    assert split_parser.frames == whole_parser.frames == counter.frames
    assert not counted
    consumed = b"".join(e.data if isinstance(e, BodyChunk) else e.raw for e in split)
    assert stream.startswith(consumed)
    if split_error is None and split_parser.idle:
        assert consumed == stream
    plain, plain_error = _rewrite(chunks, ())
    mapped, mapped_error = _rewrite(chunks, _MAPPING)
    seen += [signature(e) for e in (plain_error, mapped_error) if e is not None]
    if split_error is not None:
        assert plain_error is not None
        assert mapped_error is not None
    if plain_error is None:
        assert plain == consumed
    if mapped_error is None:
        # The mapped URIs may be longer: the header bound grows with them.
        again, again_parser, again_error = _parse([mapped], max_header_size=4 * _MAX_HEADER)
        assert again_error is None, again_error
        assert again_parser.frames == split_parser.frames
        assert [e for e in again if isinstance(e, FrameEnd)] == [
            e for e in split if isinstance(e, FrameEnd)
        ]
    return seen


TARGET: Final = Target(
    name="msrp",
    description="MSRPParser (events and count_only) and MSRPPathRewriter, any chunking",
    seeds=msrp_seeds,
    mutate=mutate_msrp,
    run=run_msrp,
)
