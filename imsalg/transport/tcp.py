"""H.248 text over TCP (H.248.1 Annex D.2): TPKT framing (RFC 1006), client and server.

Framing. Over TCP each H.248 message travels in a TPKT packet (RFC 1006 §6): a 4-octet
header — version 3, a reserved octet 0, the packet length as a 16-bit big-endian number
*including* the header — then the message. So a message is at most 65531 octets. This is
what Erlang/OTP's ``megaco_tcp`` writes (``add_tpkt_header``: ``[3, 0, L bsr 8, L band
16#ff | Data]`` with ``L = size(Data) + 4``) and reads (``{packet, tpkt}``, then
``<<3:8, _X:8, Length:16, Msg/binary>>`` in ``megaco_tcp_connection``, reserved octet not
checked), and what Wireshark's MEGACO dissector expects on TCP (``dissect_tpkt_encap``);
``tests/transport`` talks to OTP's reader and writer. :func:`frame` and
:class:`TPKTReader` are pure and know nothing of sockets.

Endpoint. :class:`TCPEndpoint` listens and/or connects; every connection is a peer keyed
by its remote ``(host, port)``, and one transaction layer in *reliable* mode (no
retransmission, Annex D.2) serves them all. A framing error cannot be resynchronised: the
connection gets an Error 400 message and is closed. A message that does not decode gets
Error 400 and the connection stays. A lost connection fails the requests waiting on it at
once (:class:`~imsalg.transport.errors.GatewayTimeout`), so a client can fail over without
waiting for the transaction timer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from imsalg.errors import H248Error
from imsalg.h248.codes import ErrorCode
from imsalg.h248.model import ActionRequest, Message, MId, TransactionReply
from imsalg.h248.transactions import Outgoing, TransactionTimers
from imsalg.transport._driver import (
    Address,
    EndpointDriver,
    RequestHandler,
    error_message,
    normalize_address,
)
from imsalg.transport.errors import GatewayTimeout, TPKTError

__all__ = [
    "MAX_TPKT_LENGTH",
    "TPKT_HEADER_LENGTH",
    "TPKT_VERSION",
    "TCPEndpoint",
    "TPKTReader",
    "frame",
]

logger = logging.getLogger("imsalg.transport.tcp")

#: RFC 1006 §6: ``vrsn`` is 3.
TPKT_VERSION = 3
#: RFC 1006 §6: version, reserved, 16-bit length.
TPKT_HEADER_LENGTH = 4
#: The length field is 16 bits and counts the header too.
MAX_TPKT_LENGTH = 0xFFFF


def frame(payload: bytes) -> bytes:
    """*payload* with its TPKT header (RFC 1006 §6; H.248.1 Annex D.2)."""
    length = len(payload) + TPKT_HEADER_LENGTH
    if not payload:
        raise TPKTError("an empty H.248 message cannot be framed")
    if length > MAX_TPKT_LENGTH:
        raise TPKTError(
            f"message of {len(payload)} octets exceeds the TPKT maximum of"
            f" {MAX_TPKT_LENGTH - TPKT_HEADER_LENGTH}"
        )
    return bytes((TPKT_VERSION, 0, length >> 8, length & 0xFF)) + payload


class TPKTReader:
    """Splits a TCP byte stream into TPKT payloads, whatever the read sizes.

    After a framing error the stream cannot be resynchronised: every later :meth:`feed`
    raises too.
    """

    def __init__(self, *, max_length: int = MAX_TPKT_LENGTH) -> None:
        if not TPKT_HEADER_LENGTH < max_length <= MAX_TPKT_LENGTH:
            raise ValueError(f"max_length must be in {TPKT_HEADER_LENGTH + 1}..{MAX_TPKT_LENGTH}")
        #: Largest packet (header included) accepted; a header announcing more is an error.
        self.max_length = max_length
        self._buffer = bytearray()
        self._error: TPKTError | None = None

    @property
    def buffered(self) -> int:
        """Octets received but not yet part of a complete packet."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        """Add received octets; returns the payloads completed by them, in order."""
        if self._error is not None:
            raise self._error
        self._buffer += data
        payloads: list[bytes] = []
        while len(self._buffer) >= TPKT_HEADER_LENGTH:
            # RFC 1006 §6 sets the reserved octet to 0; like OTP's megaco_tcp_connection
            # (<<3:8, _X:8, Length:16, Msg/binary>>) we do not check it on reading.
            version, _reserved, high, low = self._buffer[:TPKT_HEADER_LENGTH]
            length = (high << 8) | low
            problem = None
            if version != TPKT_VERSION:
                problem = f"TPKT version {version}, expected {TPKT_VERSION}"
            elif length <= TPKT_HEADER_LENGTH:
                problem = f"TPKT length {length} leaves no room for a message"
            elif length > self.max_length:
                problem = f"TPKT length {length} exceeds the maximum of {self.max_length}"
            if problem is not None:
                self._error = TPKTError(problem)
                self._buffer.clear()
                raise self._error
            if len(self._buffer) < length:
                break
            payloads.append(bytes(self._buffer[TPKT_HEADER_LENGTH:length]))
            del self._buffer[:length]
        return payloads


class _Connection(asyncio.Protocol):
    def __init__(self, owner: TCPEndpoint) -> None:
        self._owner = owner
        self._reader = TPKTReader(max_length=owner.max_length)
        self.transport: asyncio.Transport | None = None
        self.peer: Address | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not isinstance(transport, asyncio.Transport):
            raise TypeError(f"a stream transport was expected, not {transport!r}")
        self.transport = transport
        self.peer = normalize_address(transport.get_extra_info("peername"))
        self._owner._connected(self)

    def data_received(self, data: bytes) -> None:
        try:
            payloads = self._reader.feed(data)
        except TPKTError as exc:
            logger.info("framing error from %r: %s; closing", self.peer, exc)
            mid = self._owner.driver.endpoint.mid
            self.reject(error_message(mid, ErrorCode.SYNTAX_ERROR_IN_MESSAGE, f"{exc}"))
            if self.transport is not None:
                self.transport.close()
            return
        for payload in payloads:
            self._owner._message_received(self, payload)

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner._disconnected(self, exc)

    def send(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise OSError(f"the connection to {self.peer!r} is closed")
        self.transport.write(frame(data))

    def reject(self, error: Message) -> None:
        try:
            self.send(self._owner.driver.encode(error))
        except (H248Error, OSError) as exc:
            logger.warning("could not send an error message to %r: %s", self.peer, exc)


class TCPEndpoint:
    """An H.248 endpoint on TCP: :meth:`open` it, then :meth:`listen` and/or :meth:`connect`."""

    def __init__(self) -> None:
        # Use TCPEndpoint.open().
        self._driver: EndpointDriver | None = None
        self._connections: dict[Address, _Connection] = {}
        self._servers: list[asyncio.Server] = []
        self._listening: list[Address] = []
        self.max_length = MAX_TPKT_LENGTH

    @classmethod
    async def open(
        cls,
        *,
        mid: MId,
        handler: RequestHandler | None = None,
        timers: TransactionTimers | None = None,
        first_transaction_id: int = 1,
        max_cached_replies: int = 1024,
        max_executing: int = 256,
        max_length: int = MAX_TPKT_LENGTH,
        compact: bool = False,
    ) -> TCPEndpoint:
        """Start an endpoint with no connection yet (reliable transaction layer)."""
        self = cls()
        self.max_length = max_length
        self._driver = EndpointDriver.build(
            mid=mid,
            reliable=True,
            transmit=self._transmit,
            handler=handler,
            timers=timers,
            first_transaction_id=first_transaction_id,
            max_cached_replies=max_cached_replies,
            max_executing=max_executing,
            compact=compact,
        )
        return self

    @property
    def driver(self) -> EndpointDriver:
        """The transaction driver (for inspection)."""
        if self._driver is None:
            raise RuntimeError("TCPEndpoint.open() was not awaited")
        return self._driver

    @property
    def listening(self) -> list[Address]:
        """The bound ``(host, port)`` of each listening socket."""
        return list(self._listening)

    @property
    def peers(self) -> list[Address]:
        """Remote addresses of the open connections."""
        return list(self._connections)

    async def listen(self, host: str = "127.0.0.1", port: int = 2944) -> Address:
        """Accept connections on *host*:*port* (0: any port); returns the bound address."""
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Connection(self), host, port)
        self._servers.append(server)
        address = normalize_address(server.sockets[0].getsockname())
        self._listening.append(address)
        return address

    async def connect(self, peer: Address, *, timeout: float = 5.0) -> None:
        """Open a connection to *peer* unless one is open; ``OSError`` or a timeout if not."""
        if peer in self._connections:
            return
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(
            loop.create_connection(lambda: _Connection(self), peer[0], peer[1]), timeout
        )

    async def request(
        self, actions: Iterable[ActionRequest], peer: Address
    ) -> TransactionReply:
        """Send a transaction on the connection to *peer* and wait for its reply."""
        if peer not in self._connections:
            raise GatewayTimeout(f"no TCP connection to {peer[0]}:{peer[1]}")
        return await self.driver.request(actions, peer)

    async def close(self) -> None:
        """Stop listening, close every connection; waiting requests fail with 503."""
        for server in self._servers:
            server.close()
        if self._driver is not None:
            await self._driver.close()
        for connection in list(self._connections.values()):
            if connection.transport is not None:
                connection.transport.close()
        for server in self._servers:
            await server.wait_closed()
        self._servers.clear()

    async def __aenter__(self) -> TCPEndpoint:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # -- internals ------------------------------------------------------------------------

    def _connected(self, connection: _Connection) -> None:
        if connection.peer is not None:
            self._connections[connection.peer] = connection

    def _disconnected(self, connection: _Connection, exc: Exception | None) -> None:
        peer = connection.peer
        if peer is None or self._connections.get(peer) is not connection:
            return
        del self._connections[peer]
        reason = f": {exc}" if exc is not None else ""
        self.driver.fail_peer(
            peer, GatewayTimeout(f"the TCP connection to {peer[0]}:{peer[1]} was lost{reason}")
        )

    def _transmit(self, out: Outgoing) -> None:
        peer = normalize_address(out.peer)
        connection = self._connections.get(peer)
        if connection is None:
            raise OSError(f"no TCP connection to {peer[0]}:{peer[1]}")
        connection.send(self.driver.encode(out.message))

    def _message_received(self, connection: _Connection, payload: bytes) -> None:
        if connection.peer is not None:
            self.driver.receive_octets(payload, connection.peer, connection.reject)
