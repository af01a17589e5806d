"""TPKT framing of H.248 over TCP (RFC 1006 §6, H.248.1 Annex D.2), no sockets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imsalg.errors import H248Error
from imsalg.transport import TPKTError, TPKTReader, frame
from imsalg.transport.tcp import MAX_TPKT_LENGTH

MESSAGE = b"MEGACO/3 [192.0.2.1]:2944\nTransaction = 1 { Context = - { Notify = ROOT } }\n"


def test_the_header_is_version_3_reserved_0_and_the_length_with_header() -> None:
    framed = frame(b"abc")
    assert framed == b"\x03\x00\x00\x07abc"
    big = frame(b"x" * 300)
    assert big[:4] == bytes([3, 0, 304 >> 8, 304 & 0xFF])


def test_the_largest_message_fits_and_one_more_octet_does_not() -> None:
    largest = b"x" * (MAX_TPKT_LENGTH - 4)
    assert frame(largest)[:4] == b"\x03\x00\xff\xff"
    with pytest.raises(TPKTError, match="exceeds the TPKT maximum of 65531"):
        frame(largest + b"x")


def test_an_empty_message_is_not_framed() -> None:
    with pytest.raises(TPKTError, match="empty"):
        frame(b"")


def test_a_tpkt_error_is_an_h248_error() -> None:
    assert issubclass(TPKTError, H248Error)


def test_byte_by_byte_feeding_gives_the_message_once_complete() -> None:
    reader = TPKTReader()
    framed = frame(MESSAGE)
    results = [reader.feed(framed[i : i + 1]) for i in range(len(framed))]
    assert results[:-1] == [[]] * (len(framed) - 1)
    assert results[-1] == [MESSAGE]
    assert reader.buffered == 0


def test_several_messages_in_one_read_and_a_split_one() -> None:
    reader = TPKTReader()
    stream = frame(b"one") + frame(b"two") + frame(b"three")
    assert reader.feed(stream[:-2]) == [b"one", b"two"]
    assert reader.buffered == len(frame(b"three")) - 2
    assert reader.feed(stream[-2:]) == [b"three"]


@given(
    messages=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=3000), max_size=12),
)
def test_any_split_of_the_stream_gives_the_same_messages(
    messages: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(frame(m) for m in messages)
    points = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    reader = TPKTReader()
    received: list[bytes] = []
    for start, end in itertools.pairwise(points):
        received += reader.feed(stream[start:end])
    assert received == messages
    assert reader.buffered == 0


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (b"\x02\x00\x00\x10", "version 2"),
        (b"M\x00\x00\x10", "version 77"),  # unframed MEGACO text
        (b"\x03\x00\x00\x04", "length 4 leaves no room"),
        (b"\x03\x00\x00\x00", "length 0 leaves no room"),
    ],
)
def test_malformed_headers_are_refused(header: bytes, problem: str) -> None:
    with pytest.raises(TPKTError, match=problem):
        TPKTReader().feed(header + b"x" * 20)


def test_an_oversize_length_is_refused_before_the_body_arrives() -> None:
    reader = TPKTReader(max_length=1024)
    with pytest.raises(TPKTError, match="length 1025 exceeds the maximum of 1024"):
        reader.feed(b"\x03\x00\x04\x01")
    assert reader.buffered == 0


def test_a_broken_stream_stays_broken() -> None:
    reader = TPKTReader()
    with pytest.raises(TPKTError):
        reader.feed(b"\x04\x00\x00\x09hello")
    with pytest.raises(TPKTError, match="version 4"):
        reader.feed(frame(b"fine"))


def test_the_reserved_octet_is_not_checked_on_reading() -> None:
    # RFC 1006 writes 0 there; OTP megaco ignores it when reading, and so do we.
    assert TPKTReader().feed(b"\x03\x07\x00\x09hello") == [b"hello"]


@pytest.mark.parametrize("max_length", [0, 4, MAX_TPKT_LENGTH + 1])
def test_max_length_must_leave_room_and_fit_16_bits(max_length: int) -> None:
    with pytest.raises(ValueError, match="max_length"):
        TPKTReader(max_length=max_length)
