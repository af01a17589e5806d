"""A small RFC 4975 MSRP endpoint for tests, written from the RFC, not from imsalg.agw.

It frames with its own whole-buffer regular expressions (it does not use
``imsalg.agw.msrp``), so the AGW's parser is checked against an independent reading
of RFC 4975. Transport is plain TCP or TLS (stdlib ``ssl``), one connection, active
(``connect``) or passive (``listen``).

Session matching is the strict RFC 4975 kind (§7.3, §9; no sessmatch, no CEMA): a
request is accepted only if the first To-Path URI equals our own URI and the first
From-Path URI equals the peer URI learnt from SDP, both compared as full URIs
(scheme, host, port, session-id, transport; RFC 4975 §6.1). Anything else is answered
``481 Session-does-not-exist`` and recorded in :attr:`MSRPEndpoint.rejected`.
Accepted SENDs are answered ``200 OK`` (unless ``Failure-Report: no``), chunks are
reassembled by Message-ID and Byte-Range.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import ssl
from collections.abc import Sequence

import attrs

from imsalg.sdp.msrp import MSRPURI

__all__ = ["Frame", "MSRPEndpoint", "ReceivedMessage", "build_send", "parse_frames"]

_START = re.compile(
    rb"MSRP ([A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}) ([A-Z]+|[0-9]{3})(?: ([^\r\n]*))?\r\n"
)


@attrs.frozen(kw_only=True)
class Frame:
    """One MSRP request or response as this endpoint read it."""

    transact_id: str
    method: str | None
    status: int | None
    headers: tuple[tuple[str, str], ...]
    body: bytes
    flag: str
    raw: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@attrs.define
class ReceivedMessage:
    """A (possibly chunked) SEND reassembled."""

    message_id: str
    content_type: str | None
    body: bytearray
    chunks: int = 0
    complete: bool = False


def parse_frames(buffer: bytearray) -> list[Frame]:
    """Remove and return the complete frames at the start of *buffer*."""
    frames: list[Frame] = []
    while True:
        start = _START.match(buffer)
        if start is None:
            if len(buffer) > 5 and not buffer.startswith(b"MSRP "):
                raise ValueError(f"not MSRP: {bytes(buffer[:40])!r}")
            return frames
        transact_id = start[1]
        end_line = b"-------" + transact_id
        head_end = start.end()
        headers: list[tuple[str, str]] = []
        body = b""
        flag = b""
        while True:
            line_end = buffer.find(b"\r\n", head_end)
            if line_end < 0:
                return frames
            line = bytes(buffer[head_end:line_end])
            if line.startswith(end_line) and len(line) == len(end_line) + 1:
                flag = line[-1:]
                frame_end = line_end + 2
                break
            if line == b"":
                body_start = line_end + 2
                match = re.compile(re.escape(b"\r\n" + end_line) + rb"([+$#])\r\n").search(
                    buffer, body_start
                )
                if match is None:
                    return frames
                body = bytes(buffer[body_start : match.start()])
                flag = match[1]
                frame_end = match.end()
                break
            name, _, value = line.decode("utf-8").partition(":")
            headers.append((name, value.strip()))
            head_end = line_end + 2
        code = start[2].decode()
        frames.append(
            Frame(
                transact_id=transact_id.decode(),
                method=None if code.isdigit() else code,
                status=int(code) if code.isdigit() else None,
                headers=tuple(headers),
                body=body,
                flag=flag.decode(),
                raw=bytes(buffer[:frame_end]),
            )
        )
        del buffer[:frame_end]


def build_send(
    to_path: MSRPURI,
    from_path: MSRPURI,
    body: bytes,
    *,
    message_id: str,
    transact_id: str | None = None,
    start: int = 1,
    total: int | None = None,
    last: bool = True,
    content_type: str = "text/plain",
) -> tuple[str, bytes]:
    """One SEND chunk (RFC 4975 §7.1); returns its transaction id and bytes."""
    transact_id = transact_id or secrets.token_hex(8)
    total_text = str(total) if total is not None else str(start + len(body) - 1)
    end = start + len(body) - 1
    lines = [
        f"MSRP {transact_id} SEND",
        f"To-Path: {to_path}",
        f"From-Path: {from_path}",
        f"Message-ID: {message_id}",
        f"Byte-Range: {start}-{end}/{total_text}",
    ]
    if body or not last:
        lines.append(f"Content-Type: {content_type}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        frame = head + body + f"\r\n-------{transact_id}{'$' if last else '+'}\r\n".encode()
    else:
        frame = ("\r\n".join(lines) + f"\r\n-------{transact_id}$\r\n").encode()
    return transact_id, frame


class MSRPEndpoint:
    """One MSRP session endpoint with its own URI and the peer URI from SDP."""

    def __init__(self, own: MSRPURI, peer: MSRPURI | None = None) -> None:
        self.own = own
        self.peer = peer
        self.raw_received = bytearray()
        self.raw_sent = bytearray()
        self.frames: list[Frame] = []
        self.messages: dict[str, ReceivedMessage] = {}
        self.responses: dict[str, int] = {}
        self.rejected: list[tuple[str, int]] = []
        self.connected = asyncio.Event()
        self.closed = asyncio.Event()
        self.error: Exception | None = None
        self._buffer = bytearray()
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._server: asyncio.Server | None = None
        self._changed = asyncio.Event()
        self._bound = False  # a request of the peer's was accepted on this connection

    # -- connection -------------------------------------------------------------------

    async def listen(self, host: str = "127.0.0.1", *, tls: ssl.SSLContext | None = None) -> int:
        """Accept one connection on a kernel-chosen port; return the port."""
        server = await asyncio.start_server(self._accepted, host, 0, ssl=tls)
        self._server = server
        return int(server.sockets[0].getsockname()[1])

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._writer is not None:
            writer.close()
            return
        if self._server is not None:
            self._server.close()
        self._start(reader, writer)

    async def connect(
        self, host: str, port: int, *, tls: ssl.SSLContext | None = None, timeout: float = 5
    ) -> None:
        """Open the connection (TLS when *tls* is given)."""
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=tls, server_hostname="" if tls else None),
            timeout,
        )
        self._start(reader, writer)

    def _start(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._reader_task = asyncio.get_running_loop().create_task(self._read(reader))
        self.connected.set()

    @property
    def peer_certificate(self) -> bytes | None:
        """The DER certificate the peer presented (TLS only)."""
        if self._writer is None:
            return None
        ssl_object = self._writer.get_extra_info("ssl_object")
        if ssl_object is None:
            return None
        der = ssl_object.getpeercert(binary_form=True)
        return bytes(der) if der else None

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                self.raw_received += data
                self._buffer += data
                for frame in parse_frames(self._buffer):
                    self._handle(frame)
                self._changed.set()
        except (ConnectionError, ssl.SSLError, ValueError) as error:
            self.error = error
        finally:
            self.closed.set()
            self._changed.set()

    # -- RFC 4975 behaviour -----------------------------------------------------------

    def _handle(self, frame: Frame) -> None:
        self.frames.append(frame)
        if frame.status is not None:
            self.responses[frame.transact_id] = frame.status
            return
        to_path = (frame.header("To-Path") or "").split()
        from_path = (frame.header("From-Path") or "").split()
        status = 200
        try:
            target = MSRPURI.parse(to_path[0])
            sender = MSRPURI.parse(from_path[0])
        except (IndexError, ValueError):
            status = 400
        else:
            # RFC 4975 §7.3: the request must be for our session, from the peer of our SDP.
            foreign = self.peer is not None and not sender.same_as(self.peer)
            if foreign or not target.same_as(self.own):
                status = 481
        if status != 200:
            self.rejected.append((frame.transact_id, status))
        elif frame.method == "SEND":
            self._bound = True
            self._collect(frame)
        if frame.header("Failure-Report") != "no" and from_path:
            comment = {200: "OK", 400: "Bad Request", 481: "Session-does-not-exist"}[status]
            self._write(
                f"MSRP {frame.transact_id} {status} {comment}\r\n"
                f"To-Path: {from_path[0]}\r\nFrom-Path: {self.own}\r\n"
                f"-------{frame.transact_id}$\r\n".encode()
            )

    def _collect(self, frame: Frame) -> None:
        message_id = frame.header("Message-ID") or ""
        message = self.messages.get(message_id)
        if message is None:
            message = self.messages[message_id] = ReceivedMessage(
                message_id, frame.header("Content-Type"), bytearray()
            )
        byte_range = frame.header("Byte-Range") or "1-*/*"
        first = int(byte_range.split("-", 1)[0])
        if len(message.body) < first - 1 + len(frame.body):
            message.body.extend(b"\0" * (first - 1 + len(frame.body) - len(message.body)))
        message.body[first - 1 : first - 1 + len(frame.body)] = frame.body
        message.chunks += 1
        message.complete = frame.flag == "$"

    def _write(self, data: bytes) -> None:
        if self._writer is None:
            raise RuntimeError("not connected")
        self.raw_sent += data
        self._writer.write(data)

    # -- test API ---------------------------------------------------------------------

    async def send_message(
        self,
        body: bytes,
        *,
        chunk_size: int | None = None,
        content_type: str = "text/plain",
        timeout: float = 10,
    ) -> list[int]:
        """Send *body* as one SEND or several chunks; return the statuses received."""
        if self.peer is None:
            raise RuntimeError("no peer URI")
        message_id = secrets.token_hex(6)
        size = chunk_size or max(len(body), 1)
        pieces: Sequence[bytes] = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
        transactions: list[str] = []
        offset = 1
        for index, piece in enumerate(pieces):
            transact_id, frame = build_send(
                self.peer,
                self.own,
                piece,
                message_id=message_id,
                start=offset,
                total=len(body),
                last=index == len(pieces) - 1,
                content_type=content_type,
            )
            offset += len(piece)
            transactions.append(transact_id)
            self._write(frame)
        if self._writer is not None:
            await self._writer.drain()
        await self.wait_for(lambda: all(t in self.responses for t in transactions), timeout)
        return [self.responses[t] for t in transactions]

    async def wait_for(self, condition: object, timeout: float = 10) -> None:
        """Wait until ``condition()`` holds (re-checked whenever bytes arrive)."""
        check = condition if callable(condition) else (lambda: bool(condition))

        async def loop() -> None:
            while not check():
                if self.closed.is_set():
                    raise ConnectionError(f"connection closed ({self.error})")
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(loop(), timeout)

    async def wait_messages(self, count: int, timeout: float = 10) -> list[ReceivedMessage]:
        """Wait until *count* complete messages arrived."""
        await self.wait_for(
            lambda: sum(m.complete for m in self.messages.values()) >= count, timeout
        )
        return [m for m in self.messages.values() if m.complete]

    def write_raw(self, data: bytes) -> None:
        """Send bytes as they are (for framing tests)."""
        self._write(data)

    async def close(self) -> None:
        """Close the connection and the listening socket, stop the reader."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError, OSError):
                await asyncio.wait_for(self._writer.wait_closed(), 2)
        if self._reader_task is not None:
            self._reader_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader_task
