"""H.248 over UDP on loopback: server, client, lossy paths, errors, Notify from the AGW."""

from __future__ import annotations

import asyncio
import socket
from typing import cast

import pytest

from imsalg.errors import GatewayError, H248Error
from imsalg.h248.codes import ErrorCode
from imsalg.h248.model import (
    ActionReply,
    ActionRequest,
    DomainAddress,
    Message,
    Notify,
    NotifyReply,
    ObservedEvent,
    ObservedEventsDescriptor,
    TransactionReply,
    TransactionRequest,
)
from imsalg.h248.text import decode, encode_bytes
from imsalg.transport import (
    Address,
    GatewayTimeout,
    GatewayUnreachable,
    H248Client,
    H248Server,
    UDPEndpoint,
)
from tests.transport.helpers import (
    ACTIONS,
    AGW_MID,
    ALG_MID,
    FAST,
    NOTIFY,
    CountingHandler,
    LossyRelay,
    SilentUDP,
    asynctest,
    reply_for,
    settle,
)


async def start_agw(handler: CountingHandler) -> H248Server:
    return await H248Server.start(handler, mid=AGW_MID, port=0, timers=FAST)


def exchange(sock: socket.socket, data: bytes, to: Address) -> Message:
    """Send a raw datagram and decode the one that comes back (blocking, 5 s at most)."""
    sock.settimeout(5.0)
    sock.sendto(data, to)
    answer, _ = sock.recvfrom(65535)
    return decode(answer)


@asynctest
async def test_a_request_gets_its_reply() -> None:
    handler = CountingHandler()
    async with await start_agw(handler) as agw:
        target = agw.addresses["udp"]
        assert target[0] == "127.0.0.1"
        assert target[1] != 0
        async with await H248Client.create([target], mid=ALG_MID, timers=FAST) as alg:
            reply = await alg.request(ACTIONS)
            second = await alg.request(ACTIONS)
    assert reply.actions[0].context_id == 4711
    assert second.transaction_id == reply.transaction_id + 1
    assert handler.executions() == {reply.transaction_id: 1, second.transaction_id: 1}


@pytest.mark.parametrize(
    ("name", "drop"),
    [
        ("first request lost", lambda direction, index: direction == "up" and index == 0),
        ("first reply lost", lambda direction, index: direction == "down" and index == 0),
        ("every other datagram lost", lambda _direction, index: index % 2 == 0),
    ],
)
@asynctest
async def test_a_lossy_path_costs_retransmissions_never_a_second_execution(
    name: str, drop: object
) -> None:
    handler = CountingHandler()
    async with await start_agw(handler) as agw:
        relay = LossyRelay(agw.addresses["udp"], drop)  # type: ignore[arg-type]
        try:
            await relay.start()
            async with await H248Client.create([relay.address], mid=ALG_MID, timers=FAST) as alg:
                reply = await alg.request(ACTIONS)
                # let the ack go through (or be lost) before looking at the log
                await asyncio.sleep(0.05)
        finally:
            relay.close()
    tid = reply.transaction_id
    assert handler.executions() == {tid: 1}, name
    requests = relay.seen("up", f"Transaction = {tid}".encode())
    replies = relay.seen("down", f"Reply = {tid}".encode())
    assert len(requests) >= 2, "the request was retransmitted"
    assert any(d.dropped for d in requests + replies), "the rule dropped something"
    assert any(not d.dropped for d in replies), "a reply got through"
    if name == "first reply lost":
        # The repetition was answered from the reply cache: two replies, one execution.
        assert len(replies) >= 2


@asynctest
async def test_a_slow_transaction_gets_pending_and_one_execution() -> None:
    handler = CountingHandler(delay=0.5)
    async with await start_agw(handler) as agw:
        relay = LossyRelay(agw.addresses["udp"], lambda _d, _i: False)
        try:
            await relay.start()
            async with await H248Client.create([relay.address], mid=ALG_MID, timers=FAST) as alg:
                reply = await alg.request(ACTIONS)
        finally:
            relay.close()
    tid = reply.transaction_id
    assert handler.executions() == {tid: 1}
    pendings = relay.seen("down", f"Pending = {tid}".encode())
    assert pendings, "repetitions of an executing request are answered with Pending"
    # After the first Pending the client stops repeating (Annex D.1.4).
    first_pending = relay.log.index(pendings[0])
    later_requests = [
        d
        for d in relay.log[first_pending + 1 :]
        if d.direction == "up" and f"Transaction = {tid}".encode() in d.data
    ]
    assert later_requests == []


@asynctest
async def test_no_answer_at_all_is_a_503() -> None:
    silent = SilentUDP()
    try:
        async with await H248Client.create([silent.address], mid=ALG_MID, timers=FAST) as alg:
            with pytest.raises(GatewayUnreachable) as caught:
                await alg.request(ACTIONS)
        assert caught.value.sip_status == 503
        assert isinstance(caught.value, GatewayError)
        # The first send and retransmissions (at 0.1, 0.3, 0.5, … s; the exact schedule is
        # pinned by the sans-IO tests, a busy machine may run a timer late).
        assert 2 <= len(silent.received()) <= 8
    finally:
        silent.close()


@asynctest
async def test_the_endpoint_raises_gateway_timeout_for_one_address() -> None:
    silent = SilentUDP()
    try:
        async with await UDPEndpoint.open(mid=ALG_MID, timers=FAST) as endpoint:
            with pytest.raises(GatewayTimeout, match=r"no-response, \d+ retransmissions"):
                await endpoint.request(ACTIONS, silent.address)
            assert endpoint.driver.endpoint.requester.outstanding == frozenset()
    finally:
        silent.close()


@asynctest
async def test_failover_to_the_next_address_with_a_new_transaction() -> None:
    silent = SilentUDP()
    handler = CountingHandler()
    try:
        async with await start_agw(handler) as agw:
            live = agw.addresses["udp"]
            async with await H248Client.create(
                [silent.address, live], mid=ALG_MID, timers=FAST, first_transaction_id=100
            ) as alg:
                reply = await alg.request(ACTIONS)
                assert alg.targets == [live, silent.address]
                again = await alg.request(ACTIONS)
        tried_first = [decode(d) for d in silent.received()]
        assert {m.transactions for m in tried_first} == {
            (TransactionRequest(transaction_id=100, actions=ACTIONS),)
        }
        assert reply.transaction_id == 101
        assert again.transaction_id == 102  # straight to the address that answered
        assert handler.executions() == {101: 1, 102: 1}
    finally:
        silent.close()


@asynctest
async def test_garbage_is_answered_with_error_400_and_the_server_goes_on() -> None:
    handler = CountingHandler()
    async with await start_agw(handler) as agw:
        target = agw.addresses["udp"]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as raw:
            raw.bind(("127.0.0.1", 0))
            loop = asyncio.get_running_loop()
            answer = await loop.run_in_executor(None, exchange, raw, b"hello, gateway", target)
            assert answer.error is not None
            assert answer.error.code == ErrorCode.SYNTAX_ERROR_IN_MESSAGE
            assert answer.error.text is not None
            assert "1:1" in answer.error.text
            assert answer.mid == AGW_MID
            newer = (
                b"MEGACO/9 [127.0.0.1]:1\nTransaction = 1 { Context = - {"
                b" Notify = ROOT { ObservedEvents = 1 { g/cause } } } }"
            )
            answer = await loop.run_in_executor(None, exchange, raw, newer, target)
            assert answer.error is not None
            assert answer.error.code == ErrorCode.VERSION_NOT_SUPPORTED
            # A well-formed request afterwards is served as usual.
            request = TransactionRequest(transaction_id=5, actions=ACTIONS)
            message = Message(mid=DomainAddress(address="127.0.0.1"), transactions=(request,))
            answer = await loop.run_in_executor(None, exchange, raw, encode_bytes(message), target)
            assert answer.transactions == (reply_for(request),)
    assert handler.executions() == {5: 1}


@asynctest
async def test_an_error_message_from_the_peer_fails_without_failover() -> None:
    # A fake AGW that answers every datagram with "Error = 400" (it cannot read us).
    handler = CountingHandler()
    loop = asyncio.get_running_loop()

    class Refuser(asyncio.DatagramProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = cast(asyncio.DatagramTransport, transport)

        def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
            error = b'MEGACO/3 <agw0.example.net>\nError = 400 { "cannot read" }'
            self.transport.sendto(error, addr)

    refuser, _ = await loop.create_datagram_endpoint(Refuser, local_addr=("127.0.0.1", 0))
    try:
        async with await start_agw(handler) as agw:
            bad = refuser.get_extra_info("sockname")[:2]
            async with await H248Client.create(
                [bad, agw.addresses["udp"]], mid=ALG_MID, timers=FAST
            ) as alg:
                with pytest.raises(GatewayError, match="could not read our message") as caught:
                    await alg.request(ACTIONS)
        assert caught.value.h248_code == 400
        assert not isinstance(caught.value, GatewayTimeout)
        assert handler.calls == []
    finally:
        refuser.close()


@asynctest
async def test_a_request_that_cannot_be_encoded_is_refused_before_sending() -> None:
    silent = SilentUDP()
    events = ObservedEventsDescriptor(request_id=1, events=(ObservedEvent(name="g/x"),))
    # A termination id with blanks has no text spelling (Annex B.2 pathNAME).
    notify = Notify(terminations=("bad termination id",), observed_events=events)
    bad = (ActionRequest(context_id=1, commands=(notify,)),)
    try:
        async with await UDPEndpoint.open(mid=ALG_MID, timers=FAST) as endpoint:
            with pytest.raises(H248Error, match="termination"):
                await endpoint.request(bad, silent.address)
            assert endpoint.driver.endpoint.requester.outstanding == frozenset()
        assert silent.received() == []
    finally:
        silent.close()


@asynctest
async def test_the_agw_notifies_the_alg_through_the_same_machinery() -> None:
    handler = CountingHandler()
    notified: list[tuple[Address, TransactionRequest]] = []

    async def alg_handler(peer: Address, request: TransactionRequest) -> TransactionReply:
        notified.append((peer, request))
        return TransactionReply(
            transaction_id=request.transaction_id,
            actions=(ActionReply(context_id=4711, replies=(NotifyReply(terminations=("ip/1",)),)),),
        )

    async with (
        await start_agw(handler) as agw,
        await H248Client.create(
            [agw.addresses["udp"]],
            mid=ALG_MID,
            timers=FAST,
            handler=alg_handler,
            local_host="127.0.0.1",
        ) as alg,
    ):
        await alg.request(ACTIONS)
        (alg_address,) = {peer for peer, _ in handler.calls}
        reply = await agw.request(alg_address, NOTIFY)
        assert isinstance(alg.endpoint, UDPEndpoint)
        assert alg.endpoint.local_addresses == [alg_address]
    assert [request.actions for _, request in notified] == [NOTIFY]
    assert notified[0][0] == agw.addresses["udp"]
    assert isinstance(reply.actions[0].replies[0], NotifyReply)


@asynctest
async def test_requests_are_answered_501_without_a_handler_and_500_when_it_fails() -> None:
    async def broken(peer: Address, request: TransactionRequest) -> TransactionReply:
        raise RuntimeError("boom")

    async with (
        await H248Server.start(broken, mid=AGW_MID, port=0, timers=FAST) as agw,
        await UDPEndpoint.open(mid=ALG_MID, timers=FAST) as plain,
    ):
        reply = await plain.request(ACTIONS, agw.addresses["udp"])
        assert reply.error is not None
        assert reply.error.code == ErrorCode.INTERNAL_SOFTWARE_FAILURE
        assert reply.error.text == "boom"
        (alg_address,) = plain.local_addresses
        notify_reply = await agw.request(alg_address, NOTIFY)
    assert notify_reply.error is not None
    assert notify_reply.error.code == ErrorCode.NOT_IMPLEMENTED


@asynctest
async def test_imm_ack_required_frees_the_agw_reply_cache() -> None:
    handler = CountingHandler(imm_ack=True)
    async with (
        await start_agw(handler) as agw,
        await H248Client.create(
            [agw.addresses["udp"]], mid=ALG_MID, timers=FAST, local_host="127.0.0.1"
        ) as alg,
    ):
        reply = await alg.request(ACTIONS)
        assert isinstance(alg.endpoint, UDPEndpoint)
        (alg_address,) = alg.endpoint.local_addresses
        assert agw.udp is not None
        responder = agw.udp.driver.endpoint.responder
        await settle(lambda: responder.cached_reply(alg_address, reply.transaction_id) is None)
        assert responder.remembers(alg_address, reply.transaction_id)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback on this machine")
@asynctest
async def test_ipv6_and_ipv4_targets_each_get_their_own_socket() -> None:
    handler = CountingHandler()
    silent = SilentUDP()
    try:
        async with await H248Server.start(
            handler, mid=AGW_MID, host="::1", port=0, timers=FAST
        ) as agw:
            host, port = agw.addresses["udp"]
            assert host == "::1"
            async with await H248Client.create(
                [silent.address, ("0:0::1", port)], mid=ALG_MID, timers=FAST
            ) as alg:
                assert alg.targets == [silent.address, ("::1", port)]
                assert isinstance(alg.endpoint, UDPEndpoint)
                assert [h for h, _ in alg.endpoint.local_addresses] == ["0.0.0.0", "::"]
                reply = await alg.request(ACTIONS)
        assert silent.received()
        assert handler.executions() == {reply.transaction_id: 1}
    finally:
        silent.close()


@asynctest
async def test_the_observer_sees_every_message_on_the_wire_in_order() -> None:
    # The first request is lost: the client log shows it sent twice (same id), the
    # server's shows it received once; garbage is logged with the error sent back.
    handler = CountingHandler()
    async with await start_agw(handler) as agw:
        server_log: list[tuple[str, Message]] = []
        assert agw.udp is not None
        agw.udp.driver.observer = lambda direction, message, _peer: server_log.append(
            (direction, message)
        )
        relay = LossyRelay(
            agw.addresses["udp"], lambda direction, index: direction == "up" and index == 0
        )
        try:
            await relay.start()
            async with await H248Client.create([relay.address], mid=ALG_MID, timers=FAST) as alg:
                client_log: list[tuple[str, Address]] = []
                sent: list[Message] = []

                def observe(direction: str, message: Message, peer: object) -> None:
                    client_log.append((direction, cast(Address, peer)))
                    if direction == "sent":
                        sent.append(message)

                alg.endpoint.driver.observer = observe
                reply = await alg.request(ACTIONS)
                await asyncio.sleep(0.05)  # the ack
        finally:
            relay.close()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as raw:
            raw.bind(("127.0.0.1", 0))
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, exchange, raw, b"garbage", agw.addresses["udp"])
    tid = reply.transaction_id
    assert [d for d, _ in client_log[:3]] == ["sent", "sent", "received"]
    assert {peer for _, peer in client_log} == {relay.address}
    [first] = sent[0].transactions
    assert isinstance(first, TransactionRequest)
    assert first.transaction_id == tid
    assert sent[1] == sent[0]  # the retransmission
    directions = [d for d, _ in server_log]
    assert directions[:2] == ["received", "sent"]
    [answer] = server_log[1][1].transactions
    assert isinstance(answer, TransactionReply)
    assert answer.transaction_id == tid
    # The garbage: nothing decoded to log as received, the 400 error as sent.
    assert server_log[-1][0] == "sent"
    assert server_log[-1][1].error is not None
    assert server_log[-1][1].error.code == ErrorCode.SYNTAX_ERROR_IN_MESSAGE
