"""H.248 text over UDP (H.248.1 Annex D.1): one message per datagram, default port 2944.

:class:`UDPEndpoint` owns one UDP socket per local address (one per address family is
enough: a client binds the families of its targets) and one transaction layer over all of
them, run by :class:`~imsalg.transport._driver.EndpointDriver` (retransmission with
back-off, Pending, acks, at-most-once execution of the peer's requests).

Rules kept here
- A datagram that does not decode is answered with a message that is only an Error
  descriptor (Annex B.2 ``messageBody = errorDescriptor``), 400 "Syntax error in
  message" with the decoder's line:column detail, sent back to the datagram's source; a
  version above 3 is answered with 406. Nothing a peer sends stops the endpoint.
- Peers are transport addresses ``(IP literal, port)``: responder state is keyed by them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable, Sequence

from imsalg.errors import H248Error
from imsalg.h248.model import ActionRequest, Message, MId, TransactionReply
from imsalg.h248.transactions import Outgoing, TransactionTimers
from imsalg.transport._driver import Address, EndpointDriver, RequestHandler, normalize_address

__all__ = ["DEFAULT_PORT", "UDPEndpoint", "address_family"]

logger = logging.getLogger("imsalg.transport.udp")

#: H.248 text encoding's registered port (IANA ``megaco-h248``, 2944/udp and /tcp).
DEFAULT_PORT = 2944


def address_family(host: str) -> socket.AddressFamily:
    """``AF_INET`` or ``AF_INET6`` for an IP literal."""
    return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, owner: UDPEndpoint) -> None:
        self._owner = owner
        #: Done once asyncio has really closed the socket (the port is free again).
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self._owner._datagram_received(data, normalize_address(addr))

    def error_received(self, exc: Exception) -> None:
        logger.debug("UDP error: %s", exc)


class UDPEndpoint:
    """An H.248 endpoint on UDP; open it with :meth:`open`."""

    def __init__(self) -> None:
        # Use UDPEndpoint.open(); the sockets come before the driver.
        self._transports: dict[socket.AddressFamily, asyncio.DatagramTransport] = {}
        self._local: list[Address] = []
        self._driver: EndpointDriver | None = None

    @classmethod
    async def open(
        cls,
        *,
        mid: MId,
        local_addresses: Sequence[Address] = (("127.0.0.1", 0),),
        handler: RequestHandler | None = None,
        timers: TransactionTimers | None = None,
        first_transaction_id: int = 1,
        max_cached_replies: int = 1024,
        max_executing: int = 256,
        compact: bool = False,
    ) -> UDPEndpoint:
        """Bind one socket per local address (port 0: any) and start the endpoint.

        *handler* answers requests from peers (exactly once per transaction); without one
        they are answered with error 501.
        """
        self = cls()
        loop = asyncio.get_running_loop()
        try:
            for host, port in local_addresses:
                family = address_family(host)
                if family in self._transports:
                    raise ValueError(f"two local addresses of the same family: {host}")
                transport, _ = await loop.create_datagram_endpoint(
                    lambda: _Protocol(self), local_addr=(host, port), family=family
                )
                self._transports[family] = transport
                self._local.append(normalize_address(transport.get_extra_info("sockname")))
        except BaseException:
            self._close_sockets()
            raise
        self._driver = EndpointDriver.build(
            mid=mid,
            reliable=False,
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
    def local_addresses(self) -> list[Address]:
        """The bound ``(host, port)`` of each socket (the real port when 0 was asked)."""
        return list(self._local)

    @property
    def driver(self) -> EndpointDriver:
        """The transaction driver (for inspection)."""
        if self._driver is None:
            raise RuntimeError("UDPEndpoint.open() was not awaited")
        return self._driver

    async def request(
        self, actions: Iterable[ActionRequest], peer: Address
    ) -> TransactionReply:
        """Send a transaction to *peer* and wait for its reply (see ``EndpointDriver``)."""
        return await self.driver.request(actions, peer)

    async def close(self) -> None:
        """Close the sockets; waiting requests fail with 503. When this returns the local
        ports are free again (asyncio closes a datagram socket one loop turn later)."""
        if self._driver is not None:
            await self._driver.close()
        protocols = [t.get_protocol() for t in self._transports.values()]
        self._close_sockets()
        waits = [p.closed for p in protocols if isinstance(p, _Protocol)]
        if waits:
            await asyncio.wait(waits, timeout=5)

    async def __aenter__(self) -> UDPEndpoint:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # -- internals ------------------------------------------------------------------------

    def _close_sockets(self) -> None:
        for transport in self._transports.values():
            transport.close()
        self._transports.clear()

    def _transmit(self, out: Outgoing) -> None:
        self._send(self.driver.encode(out.message), normalize_address(out.peer))

    def _send(self, data: bytes, peer: Address) -> None:
        transport = self._transports.get(address_family(peer[0]))
        if transport is None or transport.is_closing():
            raise OSError(f"no open UDP socket for the address family of {peer[0]}")
        transport.sendto(data, peer)

    def _datagram_received(self, data: bytes, peer: Address) -> None:
        self.driver.receive_octets(data, peer, lambda error: self._reject(error, peer))

    def _reject(self, error: Message, peer: Address) -> None:
        try:
            self._send(self.driver.encode(error), peer)
        except (H248Error, OSError) as exc:
            logger.warning("could not answer %s:%d with an error: %s", *peer, exc)
