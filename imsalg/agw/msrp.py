"""Incremental RFC 4975 MSRP framing for the IMS-AGW relay: parse, count, rewrite.

Pure code (no I/O, no clock). The relay feeds whatever bytes a socket delivered and
gets back events (h11 style), a count of completed frames, or rewritten bytes:

- :class:`MSRPParser` turns a byte stream into :class:`FrameHead`, :class:`BodyChunk`
  and :class:`FrameEnd` events. Concatenating ``head.raw``, the body chunks and
  ``end.raw`` gives back the input byte for byte. Any split of the input (down to one
  byte per :meth:`MSRPParser.feed`) yields the same frames.
- ``count_only=True`` validates the framing and counts frames without building events.
- :class:`FrameCounter` counts frames by their start and end lines alone, without
  parsing (statistics of the application-agnostic relay; see below).
- :class:`MSRPPathRewriter` replaces URIs in To-Path/From-Path through a mapping and
  keeps every other byte as received (application-aware interworking, TS 23.334 §5.19,
  TR 29.828 CR 5.1.1.2.4).

Rules kept (RFC 4975 §7.1, §9 ABNF)::

    req-start  = "MSRP" SP transact-id SP method CRLF
    resp-start = "MSRP" SP transact-id SP status-code [SP comment] CRLF
    headers    = To-Path CRLF From-Path CRLF *( header CRLF )
    content-stuff = *(Other-Mime-header CRLF) Content-Type 2CRLF data CRLF
    end-line   = "-------" transact-id continuation-flag CRLF
    transact-id = ident ; ident = ALPHANUM 3*31ident-char
    continuation-flag = "+" / "$" / "#"

The body is any octets: it ends at the first ``CRLF "-------" transact-id flag CRLF``
(RFC 4975 §7.1: the sender makes sure the body does not contain it), so a CRLF, a
partial end-line or an end-line of another transaction inside the body is data. The
header block is bounded (``max_header_size``); the body is streamed, never buffered
whole. Malformed input raises :class:`~imsalg.errors.MSRPFrameError`, after which the
parser refuses further input.

:class:`FrameCounter` counts frames for the statistics of the application-agnostic
relay, without parsing them: at a frame boundary it reads ``MSRP SP transact-id SP``
and skips to the first ``CRLF "-------" transact-id flag CRLF`` after it, which is where
the parser ends the frame too. On a valid stream the two counts are equal. The counter
checks no header, so a frame the parser refuses (e.g. without To-Path) is still counted
where the parser stops counting for good. Where a frame boundary holds no start line
(bytes that are not MSRP, or a peer that broke RFC 4975 §7.1 by putting its own
end-line in a body), it counts every end-line of any transaction, and framing resumes at
the first start line that follows one: an end-line of another transaction inside a
body is then counted as a frame, and the rest of the stream is never refused (the
agnostic relay forwards it anyway). The body scan runs in C: libc ``memmem`` (through
:mod:`ctypes`, where the C library has it) or ``bytes.find`` looks for the frame's own
``CRLF "-------" transact-id``, and a carry of at most 43 octets joins a start line or
an end-line split across reads.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Sequence
from typing import Final

import attrs

from imsalg.errors import MSRPFrameError
from imsalg.sdp.msrp import MSRPURI

__all__ = [
    "DEFAULT_MAX_HEADER_SIZE",
    "BodyChunk",
    "Buffer",
    "FrameCounter",
    "FrameEnd",
    "FrameHead",
    "MSRPEvent",
    "MSRPHeader",
    "MSRPParser",
    "MSRPPathRewriter",
    "PathMapping",
    "rewrite_paths",
]

#: Default bound of a frame's start line plus header block, in octets.
DEFAULT_MAX_HEADER_SIZE: Final = 16 * 1024

_CRLF: Final = b"\r\n"
_MSRP_PREFIX: Final = b"MSRP "
_DASHES: Final = b"-------"
_FLAGS: Final = frozenset(b"+$#")
# RFC 4975 §9: ident = ALPHANUM 3*31ident-char ; ident-char = ALPHANUM / "." / "-" / "+" / "%" / "="
_TRANSACT_ID: Final = rb"[A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}"
_REQUEST_RE: Final = re.compile(rb"MSRP (" + _TRANSACT_ID + rb") ([A-Z]+)")
_RESPONSE_RE: Final = re.compile(rb"MSRP (" + _TRANSACT_ID + rb") ([0-9]{3})(?: (.*))?", re.S)
# RFC 4975 §9: ext-header = hname ":" SP hval ; hname = ALPHA *token ; hval = utf8text
_HEADER_RE: Final = re.compile(rb"([A-Za-z][!#$%&'*+\-.0-9A-Z^_`a-z|~]*):[ \t]*(.*)", re.S)
_TEXT_RE: Final = re.compile(rb"[^\x00-\x08\x0a-\x1f\x7f]*")
_URI_TOKEN_RE: Final = re.compile(r"[^ ]+")

#: (from, to) pairs: a To-Path/From-Path URI equal to ``from`` (RFC 4975 §6.1) becomes ``to``.
PathMapping = Sequence[tuple[MSRPURI, MSRPURI]]


@attrs.frozen(kw_only=True)
class MSRPHeader:
    """One header line: name and value as text, and the line's exact bytes (no CRLF)."""

    name: str
    value: str
    raw: bytes


@attrs.frozen(kw_only=True)
class FrameHead:
    """Start line and headers of a frame; ``raw`` is their exact bytes.

    ``raw`` ends with the blank line when a body follows (``has_body``).
    """

    transact_id: str
    method: str | None
    status: int | None
    comment: str | None
    headers: tuple[MSRPHeader, ...]
    start_line: bytes
    has_body: bool
    raw: bytes

    @property
    def is_request(self) -> bool:
        """A request (``MSRP <id> <METHOD>``) rather than a response."""
        return self.method is not None

    def header(self, name: str) -> str | None:
        """The value of the first header called *name* (case-insensitive), if any."""
        wanted = name.lower()
        for item in self.headers:
            if item.name.lower() == wanted:
                return item.value
        return None


@attrs.frozen
class BodyChunk:
    """Some octets of a frame's body (the data of RFC 4975 content-stuff)."""

    data: bytes


@attrs.frozen(kw_only=True)
class FrameEnd:
    """The end-line: ``raw`` is its exact bytes, with the CRLF closing the body if any."""

    transact_id: str
    flag: str
    raw: bytes


MSRPEvent = FrameHead | BodyChunk | FrameEnd

_HEAD, _BODY = 0, 1


class MSRPParser:
    """Incremental RFC 4975 frame parser (see the module docstring).

    ``feed(data)`` returns the events completed by *data* (none when ``count_only``).
    :attr:`frames` counts completed frames, :attr:`requests`/:attr:`responses` split it.
    """

    __slots__ = (
        "_carry",
        "_content_type",
        "_count_only",
        "_delimiter",
        "_end_line",
        "_error",
        "_head_size",
        "_headers",
        "_is_request",
        "_lines",
        "_max_header_size",
        "_partial",
        "_start_match",
        "_state",
        "_transact_id",
        "frames",
        "octets",
        "requests",
        "responses",
    )

    def __init__(
        self, *, max_header_size: int = DEFAULT_MAX_HEADER_SIZE, count_only: bool = False
    ) -> None:
        if max_header_size < 64:
            raise ValueError("max_header_size must be at least 64 octets")
        self._max_header_size = max_header_size
        self._count_only = count_only
        self._state = _HEAD
        self._partial = b""  # incomplete header line carried between feeds
        self._lines: list[bytes] = []  # complete lines of the current head
        self._headers: list[MSRPHeader] = []
        self._content_type = False
        self._head_size = 0
        self._transact_id = b""
        self._end_line = b""  # b"-------" + transact-id
        self._delimiter = b""  # CRLF + end_line: where the body stops
        self._carry = b""  # body tail that may begin the end-line
        self._start_match: re.Match[bytes] | None = None
        self._is_request = False
        self._error: MSRPFrameError | None = None
        self.frames = 0
        self.requests = 0
        self.responses = 0
        self.octets = 0

    @property
    def idle(self) -> bool:
        """Between frames: nothing of an unfinished frame has been seen."""
        return self._state == _HEAD and not self._lines and not self._partial

    def feed(self, data: bytes) -> list[MSRPEvent]:
        """Consume *data*; return the events it completes, in order."""
        events: list[MSRPEvent] = []
        self.feed_into(data, events)
        return events

    def feed_into(self, data: bytes, events: list[MSRPEvent]) -> None:
        """Like :meth:`feed`, appending to *events*; on ``MSRPFrameError`` *events*
        holds what came before the malformed frame."""
        if self._error is not None:
            raise self._error
        self.octets += len(data)
        try:
            self._feed(data, events)
        except MSRPFrameError as error:
            self._error = error
            raise

    def _fail(self, detail: str) -> MSRPFrameError:
        return MSRPFrameError(f"MSRP frame {self.frames + 1}: {detail}")

    def _feed(self, data: bytes, events: list[MSRPEvent]) -> None:
        pos = 0
        size = len(data)
        while pos < size:
            if self._state == _BODY:
                pos = self._scan_body(data, pos, events)
                continue
            partial = self._partial
            if partial.endswith(b"\r") and data[pos] == 0x0A:
                line = partial[:-1]
                pos += 1
            else:
                end = data.find(_CRLF, pos)
                if end < 0:
                    partial = self._partial = partial + data[pos:]
                    if not self._lines and not _MSRP_PREFIX.startswith(partial[:5]):
                        raise self._fail(f"bad start line {partial[:80]!r}")
                    if self._head_size + len(partial) > self._max_header_size:
                        raise self._fail(f"header block longer than {self._max_header_size}")
                    return
                line = partial + data[pos:end]
                pos = end + 2
            self._partial = b""
            self._head_size += len(line) + 2
            if self._head_size > self._max_header_size:
                raise self._fail(f"header block longer than {self._max_header_size}")
            self._head_line(line, events)

    def _head_line(self, line: bytes, events: list[MSRPEvent]) -> None:
        lines = self._lines
        if not lines:
            self._start_line(line)
        elif line == b"":
            # RFC 4975 §7.1: a blank line ends the headers; content follows (requests only).
            self._end_head(events, has_body=True)
            return
        elif (
            len(line) == len(self._end_line) + 1
            and line.startswith(self._end_line)
            and line[-1] in _FLAGS
        ):
            self._end_head(events, has_body=False)
            self._end_frame(events, line + _CRLF)
            return
        else:
            self._header(line, len(lines) - 1)
        lines.append(line)

    def _header(self, raw: bytes, number: int) -> None:
        match = _HEADER_RE.fullmatch(raw)
        if match is None or _TEXT_RE.fullmatch(match[2]) is None:
            raise self._fail(f"bad header line {raw[:80]!r}")
        name = match[1].decode("ascii")
        lowered = name.lower()
        if number < 2 and lowered != ("to-path", "from-path")[number]:
            # RFC 4975 §9: headers = To-Path CRLF From-Path CRLF ...
            raise self._fail(f"header {number + 1} is {name}, expected To-Path/From-Path")
        if lowered == "content-type":
            self._content_type = True
        try:
            value = match[2].decode("utf-8")
        except UnicodeDecodeError:
            raise self._fail(f"header {name} is not UTF-8") from None
        if not self._count_only:
            self._headers.append(MSRPHeader(name=name, value=value, raw=raw))

    def _start_line(self, line: bytes) -> None:
        request = _REQUEST_RE.fullmatch(line)
        match = request or _RESPONSE_RE.fullmatch(line)
        if match is None:
            raise self._fail(f"bad start line {line[:80]!r}")
        if request is None and match[3] is not None:
            # Checked here, not when the head is built, so counting refuses it too.
            try:
                match[3].decode("utf-8")
            except UnicodeDecodeError:
                raise self._fail("response comment is not UTF-8") from None
        self._start_match = match
        self._is_request = request is not None
        self._transact_id = match[1]
        self._end_line = _DASHES + match[1]
        self._delimiter = _CRLF + self._end_line

    def _end_head(self, events: list[MSRPEvent], *, has_body: bool) -> None:
        if has_body and not self._is_request:
            raise self._fail("a response carries no body (RFC 4975 §7.2)")
        if len(self._lines) < 3:
            raise self._fail("To-Path and From-Path are required")
        if has_body and not self._content_type:
            # RFC 4975 §9: content-stuff = ... Content-Type 2CRLF data CRLF
            raise self._fail("a body without Content-Type")
        if self._is_request:
            self.requests += 1
        else:
            self.responses += 1
        if not self._count_only:
            events.append(self._make_head(tuple(self._headers), has_body=has_body))
        if has_body:
            self._state = _BODY
            self._carry = b""

    def _make_head(self, headers: tuple[MSRPHeader, ...], *, has_body: bool) -> FrameHead:
        match = self._start_match
        if match is None:
            raise self._fail("no start line")
        start = self._lines[0]
        raw = _CRLF.join(self._lines) + _CRLF + (_CRLF if has_body else b"")
        if self._is_request:
            return FrameHead(
                transact_id=match[1].decode("ascii"),
                method=match[2].decode("ascii"),
                status=None,
                comment=None,
                headers=headers,
                start_line=start,
                has_body=has_body,
                raw=raw,
            )
        comment = match[3]
        comment_text = comment.decode("utf-8") if comment is not None else None  # checked
        return FrameHead(
            transact_id=match[1].decode("ascii"),
            method=None,
            status=int(match[2]),
            comment=comment_text,
            headers=headers,
            start_line=start,
            has_body=False,
            raw=raw,
        )

    def _end_frame(self, events: list[MSRPEvent], raw: bytes) -> None:
        if not self._count_only:
            flag = raw[-3:-2].decode("ascii")
            events.append(
                FrameEnd(transact_id=self._transact_id.decode("ascii"), flag=flag, raw=raw)
            )
        self.frames += 1
        self._state = _HEAD
        self._lines = []
        self._headers = []
        self._content_type = False
        self._head_size = 0

    def _scan_body(self, data: bytes, pos: int, events: list[MSRPEvent]) -> int:
        """Consume body octets from ``data[pos:]``; return where in *data* the frame's
        end-line ends (``len(data)`` when it has not come yet)."""
        carry = self._carry
        if not carry:
            return self._scan(data, pos, events)
        self._carry = b""
        # The end of the combined buffer lies beyond the carry (which is incomplete).
        return pos + self._scan(carry + data[pos:], 0, events) - len(carry)

    def _scan(self, data: bytes, pos: int, events: list[MSRPEvent]) -> int:
        delimiter = self._delimiter
        length = len(delimiter)
        size = len(data)
        search = pos
        while True:
            found = data.find(delimiter, search)
            if found < 0:
                keep = _prefix_start(data, max(search, size - length + 1), delimiter)
                self._body(data, pos, keep, events)
                self._carry = data[keep:]
                return size
            flag_at = found + length
            if size < flag_at + 3:
                self._body(data, pos, found, events)
                self._carry = data[found:]
                return size
            if data[flag_at] in _FLAGS and data[flag_at + 1 : flag_at + 3] == _CRLF:
                self._body(data, pos, found, events)
                self._end_frame(events, data[found : flag_at + 3])
                return flag_at + 3
            search = found + 1  # RFC 4975 §7.1: not an end-line, so it is body data

    def _body(self, data: bytes, start: int, stop: int, events: list[MSRPEvent]) -> None:
        if stop > start and not self._count_only:
            events.append(BodyChunk(data[start:stop]))


def _prefix_start(data: bytes, start: int, delimiter: bytes) -> int:
    """The first index >= *start* from which ``data`` is a proper prefix of *delimiter*."""
    size = len(data)
    index = data.find(b"\r", start)
    while index >= 0:
        if delimiter.startswith(data[index:]):
            return index
        index = data.find(b"\r", index + 1)
    return size


#: An RFC 4975 §9 end-line of any transaction, with the CRLF before it (the one closing
#: the header block or the body); the group spans what follows the fixed part. The
#: fixed part is a literal prefix: the regex engine looks for it before the rest.
_END_LINE_RE: Final = re.compile(rb"\r\n-------(?=(" + _TRANSACT_ID + rb"[$+#]\r\n))")
_END_LINE_START: Final = b"\r\n-------"
#: The longest end-line with its CRLF before, less one octet: 2 + 7 + 32 + 1 + 2 - 1.
_TAIL: Final = 43
#: ``MSRP SP transact-id SP``: what a frame starts with (RFC 4975 §9 req-start/resp-start).
_START_RE: Final = re.compile(rb"MSRP (" + _TRANSACT_ID + rb") ")
#: A proper prefix of that, which the next read may complete (at most 37 octets).
_START_PREFIX_RE: Final = re.compile(
    rb"M(?:S(?:R(?:P(?: (?:[A-Za-z0-9][A-Za-z0-9.\-+%=]{0,31})?)?)?)?)?"
)
_START_MAX: Final = 38
#: Below this many octets a copy to bytes and bytes.find beat the ctypes calls of memmem.
_MEMMEM_MIN: Final = 2048

Buffer = bytes | bytearray | memoryview
_Memmem = Callable[[int, int, bytes, int], "int | None"]


def _load_memmem() -> _Memmem | None:
    """libc ``memmem``, or ``None`` where the C library has none (e.g. Windows)."""
    try:
        function = ctypes.CDLL(None).memmem
    except (OSError, AttributeError, TypeError):
        return None
    function.restype = ctypes.c_void_p
    function.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t)
    found: _Memmem = function
    return found


# glibc's memmem scans with SIMD: on a large body it is 3-5 times faster than bytes.find
# (whose two-way search advances a few octets per step) and than the regex engine (one
# octet per step).
_MEMMEM: Final = _load_memmem()


class FrameCounter:
    """Counts MSRP frames by their framing alone, in a stream fed in any chunks.

    At a frame boundary it reads ``MSRP SP transact-id SP``; the frame ends at the first
    ``CRLF "-------" transact-id flag CRLF`` after it (RFC 4975 §7.1, as the parser
    frames it: another transaction's end-line in a body is data), and the next frame
    starts right after. Nothing else is looked at: headers are not checked, so a frame
    the parser would refuse may be counted. Where a frame boundary holds no start line
    (not MSRP, or a peer that broke the framing), every end-line of any transaction is
    counted until a start line follows one. On a valid stream the count is the parser's.

    ``feed(data)`` returns the frames that *data* completes; :attr:`frames` is the
    running total. It never raises; *data* is read during the call and not kept.
    """

    __slots__ = ("_carry", "_delimiter", "frames")

    def __init__(self) -> None:
        self._carry = b""  # an unfinished start line or end-line (at most 43 octets)
        #: ``CRLF "-------" transact-id`` of the frame being read; ``b""`` at a frame
        #: boundary; ``None`` while resynchronising.
        self._delimiter: bytes | None = b""
        self.frames = 0

    def feed(self, data: Buffer) -> int:
        """Count the frames that *data* completes."""
        if not len(data):
            return 0
        if self._carry:
            data = self._carry + data  # a copy, but only after a read ended mid-line
            self._carry = b""
        size = len(data)
        if _MEMMEM is not None and size >= _MEMMEM_MIN:
            if isinstance(data, memoryview) and data.readonly:
                data = data.tobytes()
            base, pinned = _address(data)
            frames = self._run(data, size, base)
            del pinned  # the buffer may move again
        else:
            if type(data) is not bytes:
                data = bytes(data)
            frames = self._run(data, size, -1)
        self.frames += frames
        return frames

    def _run(self, data: Buffer, size: int, base: int) -> int:
        """Frames in ``data`` (``base``: its address for memmem, or -1 for bytes.find)."""
        frames = pos = 0
        delimiter = self._delimiter
        while pos < size:
            if delimiter is None:  # resynchronising: any end-line ends a frame
                match = _search_end_line(data, pos, size, base)
                if match is None:
                    # Only a CR at or after pos within the last 43 octets can begin an
                    # end-line that the next read completes.
                    tail = bytes(data[max(pos, size - _TAIL) :])
                    begin = tail.find(b"\r")
                    self._carry = tail[begin:] if begin >= 0 else b""
                    break
                frames += 1
                pos = match.end(1)
                delimiter = b""
            elif not delimiter:  # a frame boundary
                match = _START_RE.match(data, pos)
                if match is not None:
                    delimiter = _END_LINE_START + match[1]
                    pos = match.end()
                elif size - pos < _START_MAX and _START_PREFIX_RE.fullmatch(data, pos):
                    self._carry = bytes(data[pos:])  # the next read may complete it
                    break
                else:
                    delimiter = None
            else:  # in a frame: its own end-line ends it
                if base < 0:
                    found = data.find(delimiter, pos)  # type: ignore[union-attr]
                else:
                    hit = _MEMMEM(base + pos, size - pos, delimiter, len(delimiter))  # type: ignore[misc]
                    found = -1 if hit is None else hit - base
                if found < 0:
                    start = max(pos, size - len(delimiter) + 1)
                    tail = bytes(data[start:])
                    self._carry = tail[_prefix_start(tail, 0, delimiter) :]
                    break
                flag_at = found + len(delimiter)
                if size < flag_at + 3:
                    self._carry = bytes(data[found:])
                    break
                if data[flag_at] in _FLAGS and data[flag_at + 1 : flag_at + 3] == _CRLF:
                    frames += 1
                    pos = flag_at + 3
                    delimiter = b""
                else:
                    pos = found + 1  # RFC 4975 §7.1: not an end-line, so it is body data
        self._delimiter = delimiter
        return frames


def _search_end_line(data: Buffer, pos: int, size: int, base: int) -> re.Match[bytes] | None:
    """The first end-line of any transaction in ``data[pos:]``."""
    if base < 0:
        return _END_LINE_RE.search(data, pos)
    while True:
        hit = _MEMMEM(base + pos, size - pos, _END_LINE_START, len(_END_LINE_START))  # type: ignore[misc]
        if hit is None:
            return None
        match = _END_LINE_RE.match(data, hit - base)
        if match is not None:
            return match
        pos = hit - base + 1  # e.g. eight dashes: not an end-line here


def _address(data: Buffer) -> tuple[int, object]:
    """The address of the first octet of *data* (not empty; writable unless bytes) and
    an object to keep while the address is used (a buffer export pins a bytearray)."""
    if isinstance(data, bytes):
        return ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value or 0, data
    pinned = ctypes.c_char.from_buffer(data)
    return ctypes.addressof(pinned), pinned


def _rewrite_value(value: str, mapping: PathMapping) -> str | None:
    """*value* (a list of MSRP URIs) with mapped URIs replaced, or ``None`` if unchanged."""
    pieces: list[str] = []
    last = 0
    changed = False
    for match in _URI_TOKEN_RE.finditer(value):
        try:
            uri = MSRPURI.parse(match.group())
        except ValueError as error:
            raise MSRPFrameError(f"bad MSRP URI in a path header: {error}") from None
        for source, target in mapping:
            if uri.same_as(source):
                pieces += [value[last : match.start()], target.format()]
                last = match.end()
                changed = True
                break
    if not changed:
        return None
    pieces.append(value[last:])
    return "".join(pieces)


def rewrite_paths(head: FrameHead, mapping: PathMapping) -> bytes:
    """``head.raw`` with To-Path/From-Path URIs mapped; every other byte unchanged."""
    lines = [head.start_line]
    changed = False
    for item in head.headers:
        line = item.raw
        if item.name.lower() in ("to-path", "from-path"):
            value = _rewrite_value(item.value, mapping)
            if value is not None:
                encoded = item.value.encode("utf-8")
                line = line[: len(line) - len(encoded)] + value.encode("utf-8")
                changed = True
        lines.append(line)
    if not changed:
        return head.raw
    return _CRLF.join(lines) + _CRLF + (_CRLF if head.has_body else b"")


class MSRPPathRewriter:
    """Stream rewriter for application-aware interworking (TS 23.334 §5.19.5).

    ``feed(data)`` returns the bytes to forward: every frame as received except the
    To-Path/From-Path URIs found in *mapping*. A frame is forwarded only once its
    header block is complete and valid; a malformed frame raises ``MSRPFrameError``
    before any byte of its head is returned.
    """

    def __init__(
        self, mapping: PathMapping, *, max_header_size: int = DEFAULT_MAX_HEADER_SIZE
    ) -> None:
        self.mapping: tuple[tuple[MSRPURI, MSRPURI], ...] = tuple(mapping)
        self.salvaged = b""
        self._error: MSRPFrameError | None = None
        self._parser = MSRPParser(max_header_size=max_header_size)

    @property
    def frames(self) -> int:
        """Frames completed so far."""
        return self._parser.frames

    def feed(self, data: bytes) -> bytes:
        """The rewritten form of *data* (possibly empty while a head is incomplete).

        On ``MSRPFrameError`` (bad framing, or a path URI that does not parse),
        :attr:`salvaged` holds the rewritten bytes of what preceded the malformed frame
        (complete frames and body already streamed); the rewriter then stays broken.
        """
        if self._error is not None:
            raise self._error
        events: list[MSRPEvent] = []
        out: list[bytes] = []
        try:
            try:
                self._parser.feed_into(data, events)
            finally:
                self._serialise(events, out)
        except MSRPFrameError as error:
            self._error = error
            self.salvaged = b"".join(out)
            raise
        return b"".join(out)

    def _serialise(self, events: list[MSRPEvent], out: list[bytes]) -> None:
        for event in events:
            if isinstance(event, BodyChunk):
                out.append(event.data)
            elif isinstance(event, FrameHead):
                out.append(rewrite_paths(event, self.mapping))
            else:
                out.append(event.raw)
