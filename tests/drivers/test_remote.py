"""The async driver against the bundled AGW over H.248 (UDP and TCP on loopback):
a real e2ae MSRP call, notifications as Notify, and the AGW leaving service."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from imsalg.agw import AGW
from imsalg.agw.config import AGWConfig
from imsalg.agw.server import AGWServer
from imsalg.drivers import AsyncALG, AsyncCall, CallEvent
from imsalg.drivers.remote import RemoteGateway, ServiceChangeReport
from imsalg.h248 import model as m
from imsalg.iq.procedures import Side
from imsalg.sdp.media import read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.msrp import MSRPURI
from tests.agw.helpers import asynctest, client_context, write_certificate
from tests.drivers.test_aio_inprocess import CORE_PATH_TEMPLATE, UE_PATH, core_answer, ue_offer
from tests.msrp_endpoint import MSRPEndpoint

Events = asyncio.Queue[CallEvent]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@asynctest
async def test_e2ae_call_over_h248(tmp_path: Path, transport: str) -> None:
    ue_cert = write_certificate(tmp_path)
    server = await AGWServer.start(AGW(AGWConfig()), port=0, transports=(transport,))
    gateway = await RemoteGateway.connect(
        [server.addresses[transport]],  # type: ignore[index]
        transport=transport,
    )
    try:
        alg = AsyncALG(gateway)
        call = alg.call("c1")
        await call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        core = MSRPEndpoint(MSRPURI.parse("msrp://127.0.0.1:1/x;tcp"), UE_PATH)
        port = await core.listen()
        core.own = MSRPURI.parse(CORE_PATH_TEMPLATE.format(port=port))
        to_ue = await call.sdp(Side.CORE, core_answer(port))
        info = read_media(SessionDescription.parse(to_ue), 0)
        assert info.connection is not None
        [fingerprint] = info.fingerprints
        ue = MSRPEndpoint(UE_PATH, core.own)
        await ue.connect(info.connection.host, info.line.port, tls=client_context(ue_cert))
        assert ue.peer_certificate is not None
        assert fingerprint.matches(ue.peer_certificate)
        assert await ue.send_message(b"over H.248-controlled AGW") == [200]
        [message] = await core.wait_messages(1)
        assert message.body == b"over H.248-controlled AGW"
        released = await call.release()
        stats = dict(released.statistics)
        assert len(stats) == 2
        assert sum(s.octets_in for s in stats.values()) > 0
        assert server.agw.contexts() == ()
        assert gateway.contexts == ()
        await ue.close()
        await core.close()
    finally:
        await gateway.close()
        await server.close()


@asynctest
async def test_tls_failure_arrives_as_notify_and_the_agw_releases(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    other = write_certificate(tmp_path, "other")
    server = await AGWServer.start(AGW(AGWConfig()), port=0)
    gateway = await RemoteGateway.connect([server.addresses["udp"]])
    events: asyncio.Queue[CallEvent] = asyncio.Queue()
    try:
        alg = AsyncALG(gateway)
        call = alg.call("c2", on_event=events.put_nowait)
        await call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        core = MSRPEndpoint(MSRPURI.parse("msrp://127.0.0.1:1/x;tcp"), UE_PATH)
        port = await core.listen()
        to_ue = await call.sdp(Side.CORE, core_answer(port))
        info = read_media(SessionDescription.parse(to_ue), 0)
        assert info.connection is not None
        ue = MSRPEndpoint(UE_PATH, MSRPURI.parse(CORE_PATH_TEMPLATE.format(port=port)))
        try:
            await ue.connect(info.connection.host, info.line.port, tls=client_context(other))
            await ue.send_message(b"must not pass", timeout=3)
        except (ConnectionError, OSError, asyncio.TimeoutError):
            pass
        event = await asyncio.wait_for(events.get(), 10)
        assert "fingerprint-mismatch" in event.action.cause  # type: ignore[union-attr]
        assert core.raw_received == b""

        async def context_gone() -> None:
            while server.agw.contexts():
                await asyncio.sleep(0.02)

        await asyncio.wait_for(context_gone(), 10)
        await call.release()
        await ue.close()
        await core.close()
    finally:
        await gateway.close()
        await server.close()


@contextlib.asynccontextmanager
async def call_on_an_agw(
    tmp_path: Path,
) -> AsyncIterator[tuple[AGWServer, RemoteGateway, AsyncCall, list[ServiceChangeReport], Events]]:
    """An AGW over H.248/UDP with one call offered on it; its ServiceChanges and call
    events collected."""
    ue_cert = write_certificate(tmp_path)
    server = await AGWServer.start(AGW(AGWConfig()), port=0)
    gateway = await RemoteGateway.connect([server.addresses["udp"]])
    reports: list[ServiceChangeReport] = []
    gateway.on_service_change = reports.append
    events: Events = asyncio.Queue()
    try:
        call = AsyncALG(gateway).call("c3", on_event=events.put_nowait)
        await call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        yield server, gateway, call, reports, events
    finally:
        await gateway.close()
        await server.close()


@asynctest
async def test_agw_leaving_service_loses_the_calls_contexts(tmp_path: Path) -> None:
    async with call_on_an_agw(tmp_path) as (server, _gateway, call, reports, events):
        await server.close()
        event = await asyncio.wait_for(events.get(), 10)
        assert "context lost" in event.action.cause  # type: ignore[union-attr]
        assert [r.method for r in reports] == ["forced"]
        assert reports[0].out_of_service
        assert call.engine.state.context is None


def _service_change(method: str, reason: str, delay: int | None = None) -> m.TransactionRequest:
    parms = m.ServiceChangeParms(method=m.ServiceChangeMethod(method), reason=reason, delay=delay)
    change = m.ServiceChange(terminations=("ROOT",), parms=parms)
    return m.TransactionRequest(
        transaction_id=9,
        actions=(m.ActionRequest(context_id=m.NULL_CONTEXT, commands=(change,)),),
    )


@asynctest
async def test_a_graceful_delay_ends_the_calls_left_when_it_runs_out(tmp_path: Path) -> None:
    # H.248.1 §7.2.8: Graceful with ServiceChangeDelay n: the calls carry on for n
    # seconds, then the AGW takes its terminations out of service. A Restart in
    # between (902 Warm Boot: state kept) cancels that.
    loop = asyncio.get_running_loop()
    async with call_on_an_agw(tmp_path) as (server, gateway, kept, reports, events):
        peer = server.addresses["udp"]
        await gateway.handle_request(peer, _service_change("graceful", "905", delay=1))
        await gateway.handle_request(peer, _service_change("restart", "902 Warm Boot"))
        await asyncio.sleep(1.3)
        assert events.empty()
        assert kept.engine.state.context is not None

        await gateway.handle_request(peer, _service_change("graceful", "905", delay=1))
        started = loop.time()
        assert [(r.method, r.delay) for r in reports[-1:]] == [("graceful", 1)]
        await asyncio.sleep(0.5)
        assert events.empty(), "the calls carry on during the delay"
        event = await asyncio.wait_for(events.get(), 5)
        assert loop.time() - started >= 0.95
        assert "delay of 1 s ran out" in event.action.cause  # type: ignore[union-attr]
        assert kept.engine.state.context is None
        assert gateway.contexts == ()


@asynctest
async def test_root_audit_is_answered_as_a_keepalive() -> None:
    from imsalg.h248 import model as m

    server = await AGWServer.start(AGW(AGWConfig()), port=0)
    gateway = await RemoteGateway.connect([server.addresses["udp"]])
    try:
        audit = m.ActionRequest(
            context_id=m.NULL_CONTEXT, commands=(m.AuditValue(terminations=("ROOT",)),)
        )
        reply = await gateway.client.request([audit])
        [action] = reply.actions
        assert action.error is None
        assert [type(r) for r in action.replies] == [m.AuditValueReply]
    finally:
        await gateway.close()
        await server.close()


@asynctest
async def test_no_commands_before_the_restart_is_acknowledged(tmp_path: Path) -> None:
    import socket

    from imsalg.errors import GatewayError
    from imsalg.h248.transactions import TransactionTimers

    silent_mgc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent_mgc.bind(("127.0.0.1", 0))
    timers = TransactionTimers(
        max_retransmission_time=1.0, max_retransmit_interval=0.2, network_delay=0.1
    )
    server = await AGWServer.start(
        AGW(AGWConfig()), port=0, mgc=silent_mgc.getsockname(), timers=timers
    )
    gateway = await RemoteGateway.connect([server.addresses["udp"]])
    try:
        alg = AsyncALG(gateway)
        fingerprint = write_certificate(tmp_path).fingerprint
        call = alg.call("early")
        with pytest.raises(GatewayError) as early:
            await call.sdp(Side.ACCESS, ue_offer(fingerprint))
        assert "H.248 error 505" in early.value.detail
        assert server.agw.contexts() == ()
        # The MGC never answered: once the Restart timed out the AGW serves anyway.
        received = silent_mgc.recv(4096)
        assert b"ServiceChange" in received or b"SC=" in received
        await asyncio.sleep(1.5)
        later = alg.call("later")
        await later.sdp(Side.ACCESS, ue_offer(fingerprint))
        assert len(server.agw.contexts()) == 1
    finally:
        silent_mgc.close()
        await gateway.close()
        await server.close()
