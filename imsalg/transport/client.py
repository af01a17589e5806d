"""The ALG side of Iq: send transactions to the IMS-AGW and fail over between its addresses.

:class:`H248Client` holds the ordered address list of one AGW (from
:func:`~imsalg.transport.locate.locate`, or given) and one UDP or TCP endpoint.
:meth:`H248Client.request` returns the AGW's :class:`~imsalg.h248.model.TransactionReply`
(also when it carries Error descriptors: judging them is the Iq layer's job) and raises
:class:`~imsalg.transport.errors.GatewayUnreachable` (SIP 503) when no address answered.

Failover policy (TS 29.334 §5.11 "retry on alternative addresses")
- Addresses are tried in order; an address that gives no reply within the transaction
  timers (UDP: retransmissions exhausted; TCP: connection refused, lost, or no reply) is
  left for the next one.
- Each attempt is a **new transaction with a new transaction id**. Ids are the sender's
  (H.248.1 Annex D.1.2), and the receiver keys its at-most-once state by sender and id:
  for a new destination it is a new transaction either way, and a fresh id makes a late
  reply from the abandoned address recognisable (it is acked and dropped, never mistaken
  for the answer of the new attempt).
- The address that answered is tried first next time (until it fails).
- A peer that answers our message with an Error descriptor (it could not read it) is not
  failed over: the next address would get the same bytes. That raises
  :class:`~imsalg.errors.GatewayError` with ``h248_code``.

Requests *from* the AGW (Notify, ServiceChange) go to the ``handler`` given at creation,
exactly once per transaction; without one they are answered with error 501.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
from collections.abc import Iterable, Sequence

import dns.asyncresolver

from imsalg.h248.model import ActionRequest, MId, TransactionReply
from imsalg.h248.transactions import TransactionTimers
from imsalg.transport._driver import Address, RequestHandler
from imsalg.transport.errors import GatewayTimeout, GatewayUnreachable
from imsalg.transport.locate import SERVICE, Transport, locate
from imsalg.transport.tcp import TCPEndpoint
from imsalg.transport.udp import UDPEndpoint, address_family

__all__ = ["H248Client"]

_WILDCARD = {socket.AF_INET: "0.0.0.0", socket.AF_INET6: "::"}  # noqa: S104 (client socket)


class H248Client:
    """A controller-side H.248 client for one IMS-AGW; create it with :meth:`create`."""

    def __init__(
        self,
        *,
        targets: Sequence[Address],
        transport: Transport,
        udp: UDPEndpoint | None,
        tcp: TCPEndpoint | None,
        connect_timeout: float,
    ) -> None:
        # Use H248Client.create().
        self._targets = list(targets)
        self.transport: Transport = transport
        self._udp = udp
        self._tcp = tcp
        self._connect_timeout = connect_timeout

    @classmethod
    async def create(
        cls,
        destination: str | Sequence[Address],
        *,
        mid: MId,
        transport: Transport = "udp",
        handler: RequestHandler | None = None,
        timers: TransactionTimers | None = None,
        resolver: dns.asyncresolver.Resolver | None = None,
        rng: random.Random | None = None,
        service: str = SERVICE,
        local_host: str | None = None,
        first_transaction_id: int = 1,
        connect_timeout: float = 5.0,
        compact: bool = False,
    ) -> H248Client:
        """Find the AGW's addresses and open the endpoint.

        *destination* is an IP literal or domain name (see :func:`locate`; *resolver*,
        *rng* and *service* go there) or the address list itself. *mid* is our own mId
        (TS 29.334 §5.11: a domain name such as ``<alg1.example.net>``). For UDP one socket
        is bound per address family of the targets, on *local_host* or the wildcard
        address, port 0.
        """
        if isinstance(destination, str):
            targets = await locate(
                destination, transport=transport, resolver=resolver, rng=rng, service=service
            )
        else:
            # Canonical IP text, as asyncio reports peers (ValueError for a name here).
            targets = [(str(ipaddress.ip_address(host)), port) for host, port in destination]
        if not targets:
            raise GatewayUnreachable("no address to send H.248 transactions to")
        udp: UDPEndpoint | None = None
        tcp: TCPEndpoint | None = None
        if transport == "udp":
            families = dict.fromkeys(address_family(host) for host, _ in targets)
            local = [
                (local_host or _WILDCARD[family], 0) for family in families
            ]
            udp = await UDPEndpoint.open(
                mid=mid,
                local_addresses=local,
                handler=handler,
                timers=timers,
                first_transaction_id=first_transaction_id,
                compact=compact,
            )
        else:
            tcp = await TCPEndpoint.open(
                mid=mid,
                handler=handler,
                timers=timers,
                first_transaction_id=first_transaction_id,
                compact=compact,
            )
        return cls(
            targets=targets,
            transport=transport,
            udp=udp,
            tcp=tcp,
            connect_timeout=connect_timeout,
        )

    @property
    def targets(self) -> list[Address]:
        """The addresses in the order the next request tries them."""
        return list(self._targets)

    @property
    def endpoint(self) -> UDPEndpoint | TCPEndpoint:
        """The endpoint carrying the transactions."""
        endpoint = self._udp if self._udp is not None else self._tcp
        if endpoint is None:
            raise RuntimeError("the client has no endpoint")
        return endpoint

    async def request(self, actions: Iterable[ActionRequest]) -> TransactionReply:
        """Send one transaction, failing over through the targets (module docstring)."""
        actions = tuple(actions)
        failures: list[str] = []
        for target in list(self._targets):
            try:
                reply = await self._attempt(actions, target)
            # asyncio.TimeoutError is not the builtin TimeoutError before Python 3.11.
            except (GatewayTimeout, OSError, asyncio.TimeoutError) as exc:
                failures.append(f"{target[0]}:{target[1]}: {exc}")
                continue
            self._prefer(target)
            return reply
        raise GatewayUnreachable("the IMS-AGW did not answer: " + "; ".join(failures))

    async def close(self) -> None:
        """Close the endpoint; waiting requests fail with 503."""
        await self.endpoint.close()

    async def __aenter__(self) -> H248Client:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def _attempt(
        self, actions: tuple[ActionRequest, ...], target: Address
    ) -> TransactionReply:
        if self._tcp is not None:
            await self._tcp.connect(target, timeout=self._connect_timeout)
            return await self._tcp.request(actions, target)
        if self._udp is None:
            raise RuntimeError("the client has no endpoint")
        return await self._udp.request(actions, target)

    def _prefer(self, target: Address) -> None:
        if self._targets[0] != target:
            self._targets.remove(target)
            self._targets.insert(0, target)
