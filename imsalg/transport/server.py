"""The AGW side of Iq: answer the controller's transactions, send our own (Notify).

:class:`H248Server` listens on UDP and/or TCP (loopback and port 2944 by default,
DESIGN.md §5) and calls an async ``handler(peer, TransactionRequest) ->
TransactionReply`` **exactly once per transaction**: repetitions are answered by the
transaction layer with Pending or the cached reply, never by a second call. A handler
that raises or returns a reply to another transaction makes the peer get error 500.

:meth:`H248Server.request` sends a request of our own (e.g. a Notify of a TLS failure) to a
peer over the same machinery (retransmission on UDP, the connection the peer opened on
TCP). Transaction ids are counted per transport.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from imsalg.h248.model import ActionRequest, MId, TransactionReply
from imsalg.h248.transactions import TransactionTimers
from imsalg.transport._driver import Address, RequestHandler
from imsalg.transport.locate import Transport
from imsalg.transport.tcp import TCPEndpoint
from imsalg.transport.udp import DEFAULT_PORT, UDPEndpoint

__all__ = ["H248Server"]


class H248Server:
    """A gateway-side H.248 server; start it with :meth:`start`."""

    def __init__(self, *, udp: UDPEndpoint | None, tcp: TCPEndpoint | None) -> None:
        # Use H248Server.start().
        self._udp = udp
        self._tcp = tcp

    @classmethod
    async def start(
        cls,
        handler: RequestHandler,
        *,
        mid: MId,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        transports: Sequence[Transport] = ("udp",),
        timers: TransactionTimers | None = None,
        max_cached_replies: int = 1024,
        max_executing: int = 256,
        compact: bool = False,
        first_transaction_id: int = 1,
    ) -> H248Server:
        """Listen on *host*:*port* (0: any free port) for each transport in *transports*.

        *first_transaction_id* numbers our own requests (:meth:`request`).
        """
        if not transports or not set(transports) <= {"udp", "tcp"}:
            raise ValueError(f"transports must be 'udp' and/or 'tcp', not {transports!r}")
        udp: UDPEndpoint | None = None
        tcp: TCPEndpoint | None = None
        try:
            if "udp" in transports:
                udp = await UDPEndpoint.open(
                    mid=mid,
                    local_addresses=[(host, port)],
                    handler=handler,
                    timers=timers,
                    max_cached_replies=max_cached_replies,
                    max_executing=max_executing,
                    compact=compact,
                    first_transaction_id=first_transaction_id,
                )
            if "tcp" in transports:
                tcp = await TCPEndpoint.open(
                    mid=mid,
                    handler=handler,
                    timers=timers,
                    max_cached_replies=max_cached_replies,
                    max_executing=max_executing,
                    compact=compact,
                    first_transaction_id=first_transaction_id,
                )
                await tcp.listen(host, port)
        except BaseException:
            for endpoint in (udp, tcp):
                if endpoint is not None:
                    await endpoint.close()
            raise
        return cls(udp=udp, tcp=tcp)

    @property
    def addresses(self) -> dict[Transport, Address]:
        """The bound address per transport (the real port when 0 was asked)."""
        found: dict[Transport, Address] = {}
        if self._udp is not None:
            found["udp"] = self._udp.local_addresses[0]
        if self._tcp is not None:
            found["tcp"] = self._tcp.listening[0]
        return found

    @property
    def udp(self) -> UDPEndpoint | None:
        """The UDP endpoint, when started."""
        return self._udp

    @property
    def tcp(self) -> TCPEndpoint | None:
        """The TCP endpoint, when started."""
        return self._tcp

    async def request(
        self, peer: Address, actions: Iterable[ActionRequest], *, transport: Transport = "udp"
    ) -> TransactionReply:
        """Send our own transaction (e.g. Notify) to *peer* and wait for the reply.

        Over TCP *peer* is the remote address of a connection the peer opened.
        """
        endpoint = self._udp if transport == "udp" else self._tcp
        if endpoint is None:
            raise ValueError(f"the server was not started with {transport}")
        return await endpoint.request(actions, peer)

    async def close(self) -> None:
        """Stop listening and close all sockets."""
        for endpoint in (self._udp, self._tcp):
            if endpoint is not None:
                await endpoint.close()

    async def __aenter__(self) -> H248Server:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()
