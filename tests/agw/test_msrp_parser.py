"""RFC 4975 framing: the incremental parser, the counting mode and the path rewriter."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from imsalg.agw.msrp import (
    BodyChunk,
    FrameEnd,
    FrameHead,
    MSRPEvent,
    MSRPParser,
    MSRPPathRewriter,
    rewrite_paths,
)
from imsalg.errors import MSRPFrameError
from imsalg.sdp.msrp import MSRPURI

# RFC 4975 §7.1 example, with its 200 response.
SEND = (
    b"MSRP a786hjs2 SEND\r\n"
    b"To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n"
    b"From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"
    b"Message-ID: 87652491\r\n"
    b"Byte-Range: 1-25/25\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"Hey Bob, are you there?\r\n"
    b"-------a786hjs2$\r\n"
)
OK = (
    b"MSRP a786hjs2 200 OK\r\n"
    b"To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"
    b"From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n"
    b"-------a786hjs2$\r\n"
)
BOB = MSRPURI.parse("msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp")
ALICE = MSRPURI.parse("msrp://atlanta.example.com:7654/jshA7weztas;tcp")


def chunk(transact_id: str, body: bytes, flag: str = "$", start: int = 1) -> bytes:
    return (
        (
            f"MSRP {transact_id} SEND\r\nTo-Path: {BOB}\r\nFrom-Path: {ALICE}\r\n"
            f"Message-ID: m1\r\nByte-Range: {start}-{start + len(body) - 1}/*\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + body
        + f"\r\n-------{transact_id}{flag}\r\n".encode()
    )


def serialise(events: list[MSRPEvent]) -> bytes:
    return b"".join(e.data if isinstance(e, BodyChunk) else e.raw for e in events)


def frames_of(events: list[MSRPEvent]) -> list[tuple[bytes, bytes, bytes]]:
    """(head, body, end) per frame, independent of how the body was split."""
    frames: list[tuple[bytes, bytes, bytes]] = []
    head = b""
    body = bytearray()
    for event in events:
        if isinstance(event, FrameHead):
            head, body = event.raw, bytearray()
        elif isinstance(event, BodyChunk):
            body += event.data
        else:
            frames.append((head, bytes(body), event.raw))
    return frames


def feed_split(data: bytes, cuts: list[int]) -> list[MSRPEvent]:
    parser = MSRPParser()
    events: list[MSRPEvent] = []
    last = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        events += parser.feed(data[last:cut])
        last = cut
    return events


def test_rfc4975_example_request_and_response() -> None:
    parser = MSRPParser()
    events = parser.feed(SEND + OK)
    head, body, end, head2, end2 = events
    assert isinstance(head, FrameHead)
    assert (head.method, head.transact_id, head.has_body) == ("SEND", "a786hjs2", True)
    assert head.header("to-path") == str(BOB)
    assert head.header("Byte-Range") == "1-25/25"
    assert body == BodyChunk(b"Hey Bob, are you there?")
    assert end == FrameEnd(transact_id="a786hjs2", flag="$", raw=b"\r\n-------a786hjs2$\r\n")
    assert isinstance(head2, FrameHead)
    assert (head2.status, head2.comment) == (200, "OK")
    assert not head2.has_body
    assert not head2.is_request
    assert end2 == FrameEnd(transact_id="a786hjs2", flag="$", raw=b"-------a786hjs2$\r\n")
    assert (parser.frames, parser.requests, parser.responses) == (2, 1, 1)
    assert serialise(events) == SEND + OK
    assert parser.idle


def test_one_byte_at_a_time_gives_the_same_frames() -> None:
    data = SEND + OK + chunk("t0000001", b"a\r\n-------t0000001", "+") + chunk("t0000002", b"", "$")
    parser = MSRPParser()
    events: list[MSRPEvent] = []
    for index in range(len(data)):
        events += parser.feed(data[index : index + 1])
    assert frames_of(events) == frames_of(MSRPParser().feed(data))
    assert serialise(events) == data
    assert parser.frames == 4


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\r\n",
        b"\r\n\r\n",
        b"-------a1b2c3d4$\r\n",  # an end-line not preceded by CRLF is data
        b"x\r\n-------a1b2c3d4",  # the end-line without a flag
        b"x\r\n-------a1b2c3d4!\r\n",  # ... with a wrong flag
        b"x\r\n-------a1b2c3d4$x",  # ... flag not followed by CRLF
        b"x\r\n-------zzzzzzzz$\r\n",  # another transaction's end-line
        b"\r\n-------a1b2c3d",  # a prefix of the end-line at the very end
        bytes(range(256)) * 4,
    ],
)
def test_body_may_contain_anything_but_its_own_end_line(body: bytes) -> None:
    data = chunk("a1b2c3d4", body)
    for cuts in ([], list(range(len(data))), [len(data) - 5], [len(data) - 19, len(data) - 3]):
        frames = frames_of(feed_split(data, cuts))
        assert len(frames) == 1
        assert frames[0][1] == body


def test_chunked_message_continuation_and_abort_flags() -> None:
    data = chunk("c0000001", b"first", "+", 1) + chunk("c0000002", b"second", "#", 6)
    events = MSRPParser().feed(data)
    ends = [e for e in events if isinstance(e, FrameEnd)]
    assert [e.flag for e in ends] == ["+", "#"]


def test_body_is_streamed_not_buffered() -> None:
    parser = MSRPParser()
    head = chunk("s0000001", b"")[: -len(b"\r\n-------s0000001$\r\n")]
    events = parser.feed(head)
    assert isinstance(events[0], FrameHead)
    streamed = 0
    for _ in range(64):
        streamed += sum(len(e.data) for e in parser.feed(b"z" * 65536) if isinstance(e, BodyChunk))
    # All but at most a possible end-line prefix is handed out at once.
    assert streamed == 64 * 65536
    assert isinstance(parser.feed(b"\r\n-------s0000001$\r\n")[-1], FrameEnd)


def test_counting_mode_counts_without_events() -> None:
    parser = MSRPParser(count_only=True)
    data = (SEND + OK) * 3
    assert parser.feed(data[:100]) == []
    assert parser.feed(data[100:]) == []
    assert (parser.frames, parser.requests, parser.responses) == (6, 3, 3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"HTTP/1.1 200 OK\r\n", "bad start line"),
        (b"GET / HTTP/1.1\r\n", "bad start line"),
        (b"MSRP abc SEND\r\n", "bad start line"),  # transact-id needs 4..32 characters
        (b"MSRP a786hjs2 send\r\n", "bad start line"),  # methods are upper case
        (b"MSRP a786hjs2 20 OK\r\n", "bad start line"),
        (b"MSRP a786hjs2 SEND\r\nFrom-Path: x\r\n", "expected To-Path"),
        (
            b"MSRP a786hjs2 SEND\r\nTo-Path: " + str(BOB).encode() + b"\r\nMessage-ID: 1\r\n",
            "expected To-Path/From-Path",
        ),
        (b"MSRP a786hjs2 SEND\r\n-------a786hjs2$\r\n", "To-Path and From-Path are required"),
        (
            OK.replace(b"-------a786hjs2$", b"\r\nbody\r\n-------a786hjs2$"),
            "response carries no body",
        ),
        (SEND.replace(b"Content-Type: text/plain\r\n", b""), "without Content-Type"),
        (SEND.replace(b"Message-ID: 87652491", b"Message ID 87652491"), "bad header line"),
        (SEND.replace(b"Message-ID: 87652491", b"Message-ID: \x01"), "bad header line"),
        (SEND.replace(b"Message-ID: 87652491", b"Message-ID: \xff\xfe"), "not UTF-8"),
    ],
)
def test_malformed_frames_raise(data: bytes, message: str) -> None:
    parser = MSRPParser()
    with pytest.raises(MSRPFrameError, match=message):
        parser.feed(data)
    with pytest.raises(MSRPFrameError):
        parser.feed(SEND)  # a broken stream stays broken


def test_header_block_is_bounded() -> None:
    parser = MSRPParser(max_header_size=256)
    with pytest.raises(MSRPFrameError, match="longer than 256"):
        parser.feed(SEND.replace(b"Message-ID: 87652491", b"Message-ID: " + b"9" * 300))
    parser = MSRPParser(max_header_size=256)
    parser.feed(b"MSRP a786hjs2 SEND\r\nTo-Path: ")
    for _ in range(256 - 30):
        parser.feed(b"x")  # no CRLF ever...
    with pytest.raises(MSRPFrameError, match="longer than 256"):
        parser.feed(b"x" * 10)  # ...is still bounded


def test_rewriter_replaces_only_the_path_uris() -> None:
    agw_core = MSRPURI.parse("msrp://10.0.0.1:4000/agwcore;tcp")
    agw_access = MSRPURI.parse("msrps://10.0.0.2:5000/agwacc;tcp")
    rewriter = MSRPPathRewriter([(BOB, agw_access), (ALICE, agw_core)])
    out = rewriter.feed(SEND + OK)
    expected = (
        (SEND + OK)
        .replace(str(BOB).encode(), str(agw_access).encode())
        .replace(str(ALICE).encode(), str(agw_core).encode())
    )
    assert out == expected
    assert rewriter.frames == 2


def test_rewriter_matches_uris_by_rfc4975_equality_and_keeps_the_rest() -> None:
    # Host case differs, parameters differ: still the same URI (RFC 4975 §6.1).
    odd = SEND.replace(
        b"To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp",
        b"To-Path: msrp://BILOXI.example.com:12763/kjhd37s2s20w2a;tcp;x=1",
    )
    target = MSRPURI.parse("msrp://core:1/s;tcp")
    head = MSRPParser().feed(odd)[0]
    assert isinstance(head, FrameHead)
    assert rewrite_paths(head, [(BOB, target)]) == head.raw.replace(
        b"msrp://BILOXI.example.com:12763/kjhd37s2s20w2a;tcp;x=1", b"msrp://core:1/s;tcp"
    )
    # A session-id that differs only in case is another session: untouched.
    other = SEND.replace(b"kjhd37s2s20w2a", b"KJHD37S2S20W2A")
    assert MSRPPathRewriter([(BOB, target)]).feed(other) == other


def test_rewriter_rejects_bad_uri_and_keeps_what_came_before() -> None:
    bad = SEND.replace(str(BOB).encode(), b"http://nope")
    rewriter = MSRPPathRewriter([(BOB, ALICE)])
    with pytest.raises(MSRPFrameError, match="bad MSRP URI"):
        rewriter.feed(OK + bad)
    assert rewriter.salvaged == OK.replace(str(BOB).encode(), str(ALICE).encode())


def test_rewriter_holds_a_head_until_complete() -> None:
    rewriter = MSRPPathRewriter([(BOB, ALICE)])
    assert rewriter.feed(SEND[:40]) == b""
    rewritten = rewriter.feed(SEND[40:])
    assert rewritten.startswith(b"MSRP a786hjs2 SEND\r\nTo-Path: " + str(ALICE).encode())


# -- properties --------------------------------------------------------------------------

_bodies = st.binary(max_size=300) | st.sampled_from(
    [b"\r\n-------", b"\r\n-------t", b"-------tid00001$\r\n", b"\r\n\r\n"]
).map(lambda piece: piece * 3)


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    frames = []
    for number in range(draw(st.integers(1, 4))):
        transact_id = f"tid{number:05d}"
        if draw(st.booleans()):
            body = draw(_bodies)
            frame = chunk(transact_id, body, draw(st.sampled_from("+$#")))
            # RFC 4975 §7.1: the sender never lets the body contain its own end-line.
            end = re.search(rb"\r\n-------" + transact_id.encode() + rb"[+$#]\r\n", frame)
            assume(end is not None and end.end() == len(frame))
            frames.append(frame)
        else:
            frames.append(OK.replace(b"a786hjs2", transact_id.encode()))
    return b"".join(frames)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=streams(), cuts=st.lists(st.integers(0, 4000), max_size=20))
def test_any_chunking_of_a_valid_stream_yields_the_same_frames(
    data: bytes, cuts: list[int]
) -> None:
    whole = MSRPParser().feed(data)
    split = feed_split(data, [cut for cut in cuts if cut <= len(data)])
    assert frames_of(split) == frames_of(whole)
    assert serialise(split) == data
    counter = MSRPParser(count_only=True)
    last = 0
    for cut in [*sorted(c for c in cuts if c <= len(data)), len(data)]:
        counter.feed(data[last:cut])
        last = cut
    assert counter.frames == len(frames_of(whole))


@settings(max_examples=500)
@given(st.binary(max_size=400), st.lists(st.integers(0, 400), max_size=8))
def test_arbitrary_bytes_yield_frames_or_msrp_frame_error_only(
    data: bytes, cuts: list[int]
) -> None:
    for count_only in (False, True):
        parser = MSRPParser(count_only=count_only, max_header_size=256)
        last = 0
        with contextlib.suppress(MSRPFrameError):  # any other exception fails the test
            for cut in [*sorted(c for c in cuts if c <= len(data)), len(data)]:
                parser.feed(data[last:cut])
                last = cut


@settings(max_examples=300)
@given(prefix=streams(), junk=st.binary(min_size=1, max_size=64))
def test_garbage_after_valid_frames_is_an_error_not_a_frame(prefix: bytes, junk: bytes) -> None:
    parser = MSRPParser()
    events = parser.feed(prefix)
    frames = parser.frames
    with contextlib.suppress(MSRPFrameError):
        events += parser.feed(junk if not junk.startswith(b"MSRP ") else b"X" + junk)
    assert parser.frames == frames
    assert frames_of(events)[:frames] == frames_of(MSRPParser().feed(prefix))
