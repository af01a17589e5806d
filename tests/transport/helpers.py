"""Shared pieces of the transport tests: an ``asyncio.run`` decorator, fast timers, a
request/reply pair, a lossy UDP relay and a UDP socket nobody answers on."""

from __future__ import annotations

import asyncio
import functools
import socket
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec

import attrs

from imsalg.h248.model import (
    CHOOSE,
    ActionReply,
    ActionRequest,
    Add,
    AddReply,
    DomainName,
    Notify,
    ObservedEvent,
    ObservedEventsDescriptor,
    TransactionReply,
    TransactionRequest,
)
from imsalg.h248.transactions import TransactionTimers
from imsalg.transport import Address

P = ParamSpec("P")

#: No test may take longer than this (seconds), whatever hangs.
TEST_TIMEOUT = 30.0

#: Timers short enough for tests: first retransmission after 0.1 s, give up after 1.5 s.
FAST = TransactionTimers(
    normal_execution_time=0.05,
    network_delay=0.05,
    max_retransmit_interval=0.2,
    max_retransmission_time=1.5,
    long_timer=2.0,
    ack_delay=0.01,
)

ALG_MID = DomainName(name="alg1.example.net")
AGW_MID = DomainName(name="agw1.example.net")
ACTIONS = (ActionRequest(context_id=CHOOSE, commands=(Add(terminations=("$",)),)),)
#: What an AGW sends on its own: a Notify of an observed event.
NOTIFY = (
    ActionRequest(
        context_id=4711,
        commands=(
            Notify(
                terminations=("ip/1",),
                observed_events=ObservedEventsDescriptor(
                    request_id=1, events=(ObservedEvent(name="tlspkg/failev"),)
                ),
            ),
        ),
    ),
)


def asynctest(fn: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async test with ``asyncio.run`` under :data:`TEST_TIMEOUT` (aioquic style)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(asyncio.wait_for(fn(*args, **kwargs), TEST_TIMEOUT))

    return run


def reply_for(
    request: TransactionRequest, *, context: int = 4711, imm_ack: bool = False
) -> TransactionReply:
    """The reply an AGW gives to an Add: the context and one termination."""
    return TransactionReply(
        transaction_id=request.transaction_id,
        actions=(ActionReply(context_id=context, replies=(AddReply(terminations=("ip/1",)),)),),
        imm_ack_required=imm_ack,
    )


@attrs.define
class CountingHandler:
    """An AGW handler that counts its calls per transaction, optionally slowly."""

    delay: float = 0.0
    imm_ack: bool = False
    calls: list[tuple[Address, int]] = attrs.field(factory=list)

    async def __call__(self, peer: Address, request: TransactionRequest) -> TransactionReply:
        self.calls.append((peer, request.transaction_id))
        if self.delay:
            await asyncio.sleep(self.delay)
        return reply_for(request, imm_ack=self.imm_ack)

    def executions(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for _peer, tid in self.calls:
            counts[tid] = counts.get(tid, 0) + 1
        return counts


@attrs.define
class Datagram:
    direction: str  # "up": client → server, "down": server → client
    index: int  # per direction, from 0
    data: bytes
    dropped: bool


class _Side(asyncio.DatagramProtocol):
    def __init__(self, relay: LossyRelay, direction: str) -> None:
        self.relay = relay
        self.direction = direction

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.relay.forward(self.direction, data, (str(addr[0]), int(addr[1])))


class LossyRelay:
    """A UDP path between a client and a server that drops datagrams by rule.

    The client sends to :attr:`address`; the server sees the relay's own back socket as
    its peer. ``drop(direction, index)`` decides per datagram; every datagram is logged.
    """

    def __init__(self, server: Address, drop: Callable[[str, int], bool]) -> None:
        self.server = server
        self.drop = drop
        self.log: list[Datagram] = []
        self.client: Address | None = None
        self._front: asyncio.DatagramTransport | None = None
        self._back: asyncio.DatagramTransport | None = None

    async def start(self) -> Address:
        loop = asyncio.get_running_loop()
        self._front, _ = await loop.create_datagram_endpoint(
            lambda: _Side(self, "up"), local_addr=("127.0.0.1", 0)
        )
        self._back, _ = await loop.create_datagram_endpoint(
            lambda: _Side(self, "down"), local_addr=("127.0.0.1", 0)
        )
        return self.address

    @property
    def address(self) -> Address:
        assert self._front is not None
        host, port = self._front.get_extra_info("sockname")[:2]
        return (host, port)

    def forward(self, direction: str, data: bytes, source: Address) -> None:
        index = sum(1 for d in self.log if d.direction == direction)
        dropped = self.drop(direction, index)
        self.log.append(Datagram(direction, index, data, dropped))
        if direction == "up":
            self.client = source
        if dropped:
            return
        if direction == "up" and self._back is not None:
            self._back.sendto(data, self.server)
        elif direction == "down" and self._front is not None and self.client is not None:
            self._front.sendto(data, self.client)

    def seen(self, direction: str, needle: bytes) -> list[Datagram]:
        return [d for d in self.log if d.direction == direction and needle in d.data]

    def close(self) -> None:
        for transport in (self._front, self._back):
            if transport is not None:
                transport.close()


class SilentUDP:
    """A bound UDP socket that never answers (no ICMP either); counts what arrives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)

    @property
    def address(self) -> Address:
        host, port = self.sock.getsockname()
        return (host, port)

    def received(self) -> list[bytes]:
        datagrams: list[bytes] = []
        while True:
            try:
                datagrams.append(self.sock.recv(65535))
            except BlockingIOError:
                return datagrams

    def close(self) -> None:
        self.sock.close()


async def settle(condition: Callable[[], bool], *, timeout: float = 5.0) -> None:
    """Wait until *condition* holds (polling), or fail."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


