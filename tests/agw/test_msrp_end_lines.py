"""The application-agnostic frame count: :class:`FrameCounter` against the parser and
an oracle, under any chunking, on both of its scans (memmem and bytes.find)."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import imsalg.agw.msrp as msrp
from imsalg.agw.msrp import FrameCounter, MSRPParser
from imsalg.errors import MSRPFrameError
from tests.agw.test_msrp_parser import OK, SEND, chunk, streams

# Written from RFC 4975 §7.1/§9 and the FrameCounter docstring (not from its code): the
# whole stream at once, frame by frame, resynchronising on any end-line.
_ID = rb"[A-Za-z0-9][A-Za-z0-9.+%=-]{3,31}"
_START = re.compile(rb"MSRP (" + _ID + rb") ")
_ANY_END = re.compile(rb"\r\n-------" + _ID + rb"[$+#]\r\n")


def oracle(data: bytes) -> int:
    frames = pos = 0
    while pos < len(data):
        start = _START.match(data, pos)
        if start is not None:
            own = re.compile(rb"\r\n-------" + re.escape(start[1]) + rb"[$+#]\r\n")
            end = own.search(data, start.end())
        else:
            end = _ANY_END.search(data, pos)
        if end is None:
            break
        frames += 1
        pos = end.end()
    return frames


def count_split(data: bytes, cuts: list[int], *, view: bool = False) -> int:
    """Feed *data* cut at *cuts*; return the sum of what each feed reported."""
    counter = FrameCounter()
    total = last = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        piece = data[last:cut]
        # The relay feeds a memoryview of its shared read buffer.
        total += counter.feed(memoryview(bytearray(piece)) if view else piece)
        last = cut
    assert counter.frames == total
    return total


@pytest.fixture(params=["memmem", "find"])
def scan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libc memmem (where the C library has it) and without."""
    if request.param == "memmem":
        if msrp._MEMMEM is None:
            pytest.skip("no memmem in this C library")
    else:
        monkeypatch.setattr(msrp, "_MEMMEM", None)
    return str(request.param)


def test_counts_the_frames_of_the_rfc_example() -> None:
    counter = FrameCounter()
    assert counter.feed(SEND + OK) == 2
    assert counter.feed((SEND + OK) * 3) == 6
    assert counter.frames == 8


IDS = ["a786hjs2", "abcd", "z" * 32, "a.b-c+d%e=f"]  # shortest and longest, every ident-char


def frame(transact_id: str, body: bytes, flag: str = "$") -> bytes:
    return chunk(transact_id, body, flag)


@pytest.mark.parametrize("transact_id", IDS)
def test_a_frame_split_anywhere_is_counted_once(scan: str, transact_id: str) -> None:
    # A large body (the memmem scan) or a short one; the 200 response has no body.
    for body in (os.urandom(5000).replace(b"\r", b"."), b"xy"):
        response = OK.replace(b"a786hjs2", transact_id.encode())
        data = frame(transact_id, body, "+") + response + frame(transact_id, body, "#")
        for cut in range(len(data) + 1):
            assert count_split(data, [cut]) == 3, cut
        # Every pair of cuts within the start line and within the end-line of a frame.
        first = len(data) - len(frame(transact_id, body))
        lines = [range(first, first + 40), range(len(data) - 45, len(data) + 1)]
        for around in lines:
            for one in around:
                for two in range(one, around.stop):
                    assert count_split(data, [one, two]) == 3, (one, two)


def test_one_octet_at_a_time(scan: str) -> None:
    data = (SEND + OK) * 2 + b"".join(frame(i, b"body\r\n-------zzzz$\r\n") for i in IDS)
    assert count_split(data, list(range(len(data))), view=True) == 4 + len(IDS)


@pytest.mark.parametrize(
    "near_miss",
    [
        b"-------a786hjs2$\r\n",  # no CRLF before
        b"\n-------a786hjs2$\r\n",  # LF only
        b"\r\n------a786hjs2$\r\n",  # six dashes
        b"\r\n--------a786hjs2$\r\n",  # eight dashes (an id starts with an ALPHANUM)
        b"\r\n-------abc$\r\n",  # transact-id too short
        b"\r\n-------" + b"z" * 33 + b"$\r\n",  # too long
        b"\r\n-------a786hjs2!\r\n",  # no such flag
        b"\r\n-------a786hjs2$\n",  # no CR after the flag
        b"\r\n-------a786hjs2$",  # unfinished
    ],
)
def test_near_misses_do_not_end_a_frame(scan: str, near_miss: bytes) -> None:
    for filler in (b"." * 3000, b"."):
        data = frame("a786hjs2", filler + near_miss + filler)
        assert count_split(data, []) == 1
        assert count_split(data, list(range(0, len(data), 7))) == 1
        # Outside any frame (resynchronising) they are not end-lines either.
        garbage = b"garbage" + filler + near_miss + filler
        assert count_split(garbage, []) == 0
        assert count_split(garbage, list(range(0, len(garbage), 7))) == 0


def test_the_documented_trade_offs() -> None:
    # As the parser: another transaction's end-line in a body is data.
    data = chunk("a1b2c3d4", b"x\r\n-------zzzzzzzz$\r\ny")
    assert FrameCounter().feed(data) == 1
    # Headers are not checked: the parser refuses this frame (no To-Path), it is counted.
    bare = b"MSRP a1b2c3d4 SEND\r\n-------a1b2c3d4$\r\n"
    with pytest.raises(MSRPFrameError):
        MSRPParser(count_only=True).feed(bare)
    assert FrameCounter().feed(bare + SEND) == 2
    # Not MSRP: nothing is refused; end-lines in it are counted, framing resumes after.
    counter = FrameCounter()
    assert counter.feed(b"GET / HTTP/1.1\r\n\r\n") == 0
    assert counter.feed(b"\r\n-------abcd$\r\n" + data) == 2
    # A peer that puts its own end-line in a body: the rest is resynchronised.
    broken = chunk("a1b2c3d4", b"x\r\n-------a1b2c3d4$\r\ny\r\n-------zzzzzzzz$\r\n")
    assert FrameCounter().feed(broken + SEND) == 4
    assert oracle(broken + SEND) == 4


def test_many_frames_in_one_large_buffer(scan: str) -> None:
    frames = [chunk(f"m{n:07d}", os.urandom(n % 97)) for n in range(300)]
    data = b"".join(frames)
    for cuts in ([], [len(data) // 2], list(range(0, len(data), 1000))):
        assert count_split(data, cuts) == 300
        assert count_split(data, cuts, view=True) == 300


def test_read_only_views_and_bytearrays(scan: str) -> None:
    data = frame("a786hjs2", os.urandom(4096).replace(b"\r", b"."))
    assert FrameCounter().feed(memoryview(data)) == 1
    assert FrameCounter().feed(bytearray(data)) == 1
    assert FrameCounter().feed(b"") == 0


# -- properties ------------------------------------------------------------------------

_pieces = st.binary(max_size=64) | st.sampled_from(
    [
        SEND,
        OK,
        b"MSRP ",
        b"MSRP abcd ",
        b"\r\n",
        b"\r\n-------",
        b"\r\n-------abc",
        b"\r\n-------abcd$\r\n",
        b"\r\n-------a786hjs2$\r\n",
        b"\r",
    ]
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(_pieces, max_size=12),
    cuts=st.lists(st.integers(0, 1600), max_size=12),
    large=st.booleans(),
    view=st.booleans(),
)
def test_any_bytes_any_chunking_count_what_the_oracle_counts(
    pieces: list[bytes], cuts: list[int], large: bool, view: bool
) -> None:
    data = b"".join(pieces)
    if large:
        data += b"\x00" * 2500 + data  # long enough for memmem
    cuts = [cut for cut in cuts if cut <= len(data)]
    assert count_split(data, cuts, view=view) == oracle(data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=streams(), cuts=st.lists(st.integers(0, 2500), max_size=20))
def test_on_valid_streams_the_count_is_the_parsers(data: bytes, cuts: list[int]) -> None:
    parser = MSRPParser(count_only=True)
    parser.feed(data)
    cuts = [cut for cut in cuts if cut <= len(data)]
    assert count_split(data, cuts) == parser.frames
    assert count_split(data, cuts, view=True) == parser.frames
