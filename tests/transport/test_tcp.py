"""H.248 over TCP on loopback: TPKT on the wire, errors, lost connections, failover, and
an independent peer (Erlang/OTP megaco's TPKT reader and writer)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from pathlib import Path

import attrs
import pytest

from imsalg.h248.codes import ErrorCode
from imsalg.h248.model import DomainAddress, Message, TransactionReply, TransactionRequest
from imsalg.h248.text import decode, encode_bytes
from imsalg.transport import (
    Address,
    GatewayTimeout,
    GatewayUnreachable,
    H248Client,
    H248Server,
    TCPEndpoint,
    TPKTReader,
    frame,
)
from tests.peers import require_peer
from tests.transport.helpers import (
    ACTIONS,
    AGW_MID,
    ALG_MID,
    FAST,
    NOTIFY,
    CountingHandler,
    asynctest,
    reply_for,
    settle,
)

ESCRIPT = Path(__file__).with_name("megaco_tpkt_peer.escript")


async def start_agw(handler: CountingHandler) -> H248Server:
    return await H248Server.start(
        handler, mid=AGW_MID, port=0, transports=("tcp",), timers=FAST
    )


def request_octets(tid: int) -> bytes:
    message = Message(
        mid=DomainAddress(address="127.0.0.1"),
        transactions=(TransactionRequest(transaction_id=tid, actions=ACTIONS),),
    )
    return encode_bytes(message)


class RawClient:
    """A blocking TCP client speaking TPKT by hand (run in an executor)."""

    def __init__(self, address: Address) -> None:
        self.sock = socket.create_connection(address, timeout=5.0)
        self.reader = TPKTReader()
        self.pending: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def receive(self) -> Message:
        while not self.pending:
            chunk = self.sock.recv(65535)
            if not chunk:
                raise ConnectionError("closed")
            self.pending += self.reader.feed(chunk)
        return decode(self.pending.pop(0))

    def closed_by_peer(self) -> bool:
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()


@asynctest
async def test_a_request_gets_its_reply_over_tcp() -> None:
    handler = CountingHandler()
    async with await start_agw(handler) as agw:
        target = agw.addresses["tcp"]
        async with await H248Client.create(
            [target], mid=ALG_MID, transport="tcp", timers=FAST
        ) as alg:
            first = await alg.request(ACTIONS)
            second = await alg.request(ACTIONS)
            assert isinstance(alg.endpoint, TCPEndpoint)
            assert alg.endpoint.peers == [target]  # one connection serves both
    assert first.actions[0].context_id == 4711
    assert handler.executions() == {first.transaction_id: 1, second.transaction_id: 1}


@asynctest
async def test_the_agw_notifies_over_the_connection_the_alg_opened() -> None:
    handler = CountingHandler()
    seen: list[TransactionRequest] = []

    async def alg_handler(peer: Address, request: TransactionRequest) -> TransactionReply:
        seen.append(request)
        return reply_for(request)

    async with await start_agw(handler) as agw, await H248Client.create(
        [agw.addresses["tcp"]],
        mid=ALG_MID,
        transport="tcp",
        timers=FAST,
        handler=alg_handler,
    ) as alg:
        await alg.request(ACTIONS)
        assert agw.tcp is not None
        (alg_address,) = agw.tcp.peers
        reply = await agw.request(alg_address, NOTIFY, transport="tcp")
    assert [request.actions for request in seen] == [NOTIFY]
    assert reply.transaction_id == seen[0].transaction_id


@asynctest
async def test_tpkt_on_the_wire_and_several_messages_in_one_segment() -> None:
    handler = CountingHandler()
    loop = asyncio.get_running_loop()
    async with await start_agw(handler) as agw:
        raw = await loop.run_in_executor(None, RawClient, agw.addresses["tcp"])
        try:
            both = frame(request_octets(1)) + frame(request_octets(2))
            await loop.run_in_executor(None, raw.send, both)
            first = await loop.run_in_executor(None, raw.receive)
            second = await loop.run_in_executor(None, raw.receive)
        finally:
            raw.close()
    replies = [t for m in (first, second) for t in m.transactions]
    assert {t.transaction_id for t in replies if isinstance(t, TransactionReply)} == {1, 2}
    assert handler.executions() == {1: 1, 2: 1}


@asynctest
async def test_an_undecodable_message_gets_400_and_the_connection_stays() -> None:
    handler = CountingHandler()
    loop = asyncio.get_running_loop()
    async with await start_agw(handler) as agw:
        raw = await loop.run_in_executor(None, RawClient, agw.addresses["tcp"])
        try:
            await loop.run_in_executor(None, raw.send, frame(b"MEGACO/3 what is this"))
            error = await loop.run_in_executor(None, raw.receive)
            await loop.run_in_executor(None, raw.send, frame(request_octets(9)))
            reply = await loop.run_in_executor(None, raw.receive)
        finally:
            raw.close()
    assert error.error is not None
    assert error.error.code == ErrorCode.SYNTAX_ERROR_IN_MESSAGE
    assert reply.transactions == (reply_for(TransactionRequest(transaction_id=9, actions=ACTIONS)),)


@asynctest
async def test_unframed_text_gets_400_and_the_connection_is_closed() -> None:
    handler = CountingHandler()
    loop = asyncio.get_running_loop()
    async with await start_agw(handler) as agw:
        raw = await loop.run_in_executor(None, RawClient, agw.addresses["tcp"])
        try:
            await loop.run_in_executor(None, raw.send, request_octets(3))  # no TPKT header
            error = await loop.run_in_executor(None, raw.receive)
            closed = await loop.run_in_executor(None, raw.closed_by_peer)
        finally:
            raw.close()
        tcp = agw.tcp
        assert tcp is not None
        await settle(lambda: tcp.peers == [])
    assert error.error is not None
    assert error.error.code == ErrorCode.SYNTAX_ERROR_IN_MESSAGE
    assert error.error.text is not None
    assert "TPKT version 77" in error.error.text
    assert closed
    assert handler.calls == []


@asynctest
async def test_a_lost_connection_fails_the_waiting_request_at_once() -> None:
    # A peer that accepts, reads one segment and hangs up without answering.
    got: list[bytes] = []

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        got.append(await reader.read(65535))
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    address = server.sockets[0].getsockname()[:2]
    slow = attrs.evolve(FAST, max_retransmission_time=60.0)  # only the loss can end it early
    try:
        async with await TCPEndpoint.open(mid=ALG_MID, timers=slow) as endpoint:
            await endpoint.connect(address)
            with pytest.raises(GatewayTimeout, match="was lost"):
                await endpoint.request(ACTIONS, address)
            assert endpoint.driver.endpoint.requester.outstanding == frozenset()
            with pytest.raises(GatewayTimeout, match="no TCP connection"):
                await endpoint.request(ACTIONS, address)
    finally:
        server.close()
        await server.wait_closed()
    assert got
    assert TPKTReader().feed(got[0])  # what arrived was a TPKT packet


@asynctest
async def test_failover_past_a_refused_port_and_a_hang_up() -> None:
    handler = CountingHandler()
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        refused = closed_port.getsockname()  # bound, not listening: connect is refused

        async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read(65535)
            writer.close()

        rude = await asyncio.start_server(hang_up, "127.0.0.1", 0)
        try:
            async with await start_agw(handler) as agw:
                live = agw.addresses["tcp"]
                targets = [refused, rude.sockets[0].getsockname()[:2], live]
                async with await H248Client.create(
                    targets, mid=ALG_MID, transport="tcp", timers=FAST
                ) as alg:
                    reply = await alg.request(ACTIONS)
                    assert alg.targets[0] == live
        finally:
            rude.close()
            await rude.wait_closed()
    assert handler.executions() == {reply.transaction_id: 1}


@asynctest
async def test_nobody_listening_anywhere_is_a_503() -> None:
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        async with await H248Client.create(
            [closed_port.getsockname()], mid=ALG_MID, transport="tcp", timers=FAST
        ) as alg:
            with pytest.raises(GatewayUnreachable) as caught:
                await alg.request(ACTIONS)
    assert caught.value.sip_status == 503


@pytest.mark.peers
@asynctest
async def test_erlang_megaco_reads_our_tpkt_and_we_read_its() -> None:
    escript = require_peer("escript")
    process = subprocess.Popen(
        [escript, str(ESCRIPT)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        loop = asyncio.get_running_loop()
        assert process.stdout is not None
        line = await asyncio.wait_for(loop.run_in_executor(None, process.stdout.readline), 20)
        port = int(line)
        peer = ("127.0.0.1", port)
        async with await TCPEndpoint.open(mid=ALG_MID, timers=FAST, compact=False) as endpoint:
            await endpoint.connect(peer)
            first = await endpoint.request(ACTIONS, peer)
            second = await endpoint.request(ACTIONS, peer)
        returncode = await asyncio.wait_for(loop.run_in_executor(None, process.wait), 20)
        assert returncode == 0, process.stderr.read() if process.stderr else b""
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    assert (first.transaction_id, second.transaction_id) == (1, 2)
    assert first.actions[0].context_id == 4711
