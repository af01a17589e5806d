"""The blocking driver (ALG / SyncCall) with the AGW in-process and over H.248.

The test thread plays a blocking proxy. The AGW runs on the driver's background loop
(in-process) or on a loop of its own behind H.248 (remote); the UE and core MSRP peers
run on a third loop, so nothing the proxy does shares a thread with the media.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from imsalg.agw import AGW
from imsalg.agw.config import AGWConfig
from imsalg.agw.server import AGWServer
from imsalg.alg import AlgPolicy, Call, SyncDriver
from imsalg.drivers import (
    ALG,
    AGWPool,
    BackgroundLoop,
    CallEvent,
    InProcessGateway,
    ThreadedAGW,
    ThreadedGateway,
)
from imsalg.drivers.sync import LoopThreadError
from imsalg.errors import GatewayError, IMSALGError
from imsalg.iq.procedures import Side
from imsalg.sdp.media import read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.transform import to_transform_dict
from tests.agw.helpers import client_context, write_certificate
from tests.drivers.media import core_peer, ue_peer
from tests.drivers.test_aio_inprocess import UE_PATH, core_answer, ue_offer
from tests.msrp_endpoint import MSRPEndpoint

pytestmark = pytest.mark.timeout(60)


class Gateway:
    """The gateway under test and a way to ask its AGW which contexts it holds."""

    def __init__(self, threaded: ThreadedGateway, agw: AGW, agw_loop: BackgroundLoop) -> None:
        self.threaded = threaded
        self.agw = agw
        self.agw_loop = agw_loop

    def contexts(self) -> tuple[str, ...]:
        return self.agw_loop.call(self.agw.contexts)


@contextmanager
def gateway(kind: str) -> Iterator[Gateway]:
    """``inprocess``: a ThreadedAGW. ``remote``: an AGWServer on a loop of its own,
    reached over H.248/UDP by a ThreadedGateway.remote."""
    if kind == "inprocess":
        with ThreadedAGW() as threaded:
            yield Gateway(threaded, threaded.agw, threaded.loop)
        return
    with BackgroundLoop(name="agw-side") as agw_loop:

        async def start() -> AGWServer:
            return await AGWServer.start(AGW(AGWConfig()), port=0)

        server = agw_loop.run(start())
        try:
            with ThreadedGateway.remote([server.addresses["udp"]]) as remote:
                yield Gateway(remote, server.agw, agw_loop)
        finally:
            agw_loop.run(server.close())


@pytest.fixture
def peers() -> Iterator[BackgroundLoop]:
    """The loop the UE and core MSRP endpoints run on."""
    with BackgroundLoop(name="msrp-peers") as loop:
        yield loop


@pytest.mark.parametrize("kind", ["inprocess", "remote"])
def test_e2ae_call_from_a_blocking_proxy(tmp_path: Path, peers: BackgroundLoop, kind: str) -> None:
    ue_cert = write_certificate(tmp_path)
    events: list[CallEvent] = []
    with gateway(kind) as gw:
        alg = ALG(gw.threaded)
        call = alg.call("sync-1", on_event=events.append)
        assert alg.call("sync-1") is call
        to_core = call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        assert isinstance(to_core, str)
        assert SessionDescription.parse(to_core).media_line(0).proto == "TCP/MSRP"
        assert "a=fingerprint" not in to_core
        assert "a=3ge2ae" not in to_core

        core, port = peers.run(core_peer())
        to_ue = call.sdp("core", core_answer(port))
        assert "a=3ge2ae:applied" in to_ue
        media = peers.run(ue_peer(to_ue, core, ue_cert))
        peers.run(media.exchange("first"))
        peers.run(media.exchange("second"))
        assert len(gw.contexts()) == 1

        released = call.release()
        stats = dict(released.statistics)
        assert len(stats) == 2
        assert sum(s.octets_in for s in stats.values()) > 0
        assert gw.contexts() == ()
        assert alg.calls == ()
        peers.run(media.close())
    assert events == []
    assert call.events.empty()


@pytest.mark.parametrize("kind", ["inprocess", "remote"])
def test_tls_failure_reaches_the_proxy_callback_on_the_loop_thread(
    tmp_path: Path, peers: BackgroundLoop, kind: str
) -> None:
    ue_cert = write_certificate(tmp_path)
    impostor = write_certificate(tmp_path, "impostor")
    seen: list[tuple[CallEvent, threading.Thread]] = []
    refused: list[IMSALGError] = []
    delivered = threading.Event()
    with gateway(kind) as gw:
        alg = ALG(gw.threaded)

        def on_event(event: CallEvent) -> None:
            seen.append((event, threading.current_thread()))
            try:
                call.release()  # blocking from the loop thread: refused at once
            except LoopThreadError as error:
                refused.append(error)
            delivered.set()

        call = alg.call("sync-2", on_event=on_event)
        call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        core, port = peers.run(core_peer())
        to_ue = call.sdp(Side.CORE, core_answer(port))
        info = read_media(SessionDescription.parse(to_ue), 0)
        assert info.connection is not None
        ue = MSRPEndpoint(UE_PATH, core.own)

        async def impersonate() -> bool:
            try:
                assert info.connection is not None
                await ue.connect(info.connection.host, info.line.port, tls=client_context(impostor))
                await ue.send_message(b"must not pass", timeout=3)
            except (ConnectionError, OSError, asyncio.TimeoutError):
                return True
            return False

        assert peers.run(impersonate())
        assert delivered.wait(15)
        [(event, thread)] = seen
        assert thread is gw.threaded.loop.thread
        assert event.call_id == "sync-2"
        assert "fingerprint" in event.action.cause  # type: ignore[union-attr]
        assert call.events.get(timeout=1) == event
        assert [e.sip_status for e in refused] == [500]
        assert core.raw_received == b""
        assert call.streams[0].failure is not None
        call.release()  # from the proxy's thread it works
        assert gw.contexts() == ()
        peers.run(ue.close())
        peers.run(core.close())


@pytest.fixture
def core_port() -> Iterator[int]:
    """A port where a core peer accepts TCP (the kernel completes the handshakes)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield int(listener.getsockname()[1])


def test_sdp_transform_dicts_come_back_as_dicts(tmp_path: Path, core_port: int) -> None:
    ue_cert = write_certificate(tmp_path)
    with ThreadedAGW() as threaded:
        alg = ALG(threaded)
        call = alg.call("sync-3")
        out = call.sdp("access", to_transform_dict(ue_offer(ue_cert.fingerprint)))
        assert isinstance(out, dict)
        assert out["media"][0]["protocol"] == "TCP/MSRP"
        back = call.sdp("core", to_transform_dict(core_answer(core_port)))
        assert isinstance(back, dict)
        assert back["media"][0]["protocol"] == "TCP/TLS/MSRP"
        assert back["media"][0]["setup"] == "passive"
        text = call.sdp("core", core_answer(core_port).replace("o=- 2 2", "o=- 2 3"))
        assert isinstance(text, str)  # a re-offer from the core, as text this time
        alg.close()
        assert threaded.loop.call(threaded.agw.contexts) == ()


def test_concurrent_offers_on_one_call_take_turns(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    offer = ue_offer(ue_cert.fingerprint)
    with ThreadedAGW() as threaded:
        call = ALG(threaded).call("sync-4")
        barrier = threading.Barrier(4)

        def send() -> str | int:
            barrier.wait()
            try:
                return str(call.sdp(Side.ACCESS, offer))
            except IMSALGError as error:
                return error.sip_status

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            outcomes = list(pool.map(lambda _: send(), range(4)))
        # One offer went through; the others found it pending (RFC 3261 491).
        assert sorted(outcomes, key=str)[:3] == [491, 491, 491]
        assert sum(isinstance(o, str) for o in outcomes) == 1
        assert len(threaded.loop.call(threaded.agw.contexts)) == 1
        call.offer_rejected()
        assert threaded.loop.call(threaded.agw.contexts) == ()


def test_calls_from_many_threads_get_their_own_contexts(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    with ThreadedAGW() as threaded:
        alg = ALG(threaded)

        def offer(index: int) -> str:
            call = alg.call(f"thread-{index}")
            call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
            context = call._call.engine.state.context
            assert context is not None
            return context

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            contexts = list(pool.map(offer, range(16)))
        assert len(set(contexts)) == 16
        assert sorted(threaded.loop.call(threaded.agw.contexts)) == sorted(contexts)
        assert len(alg.calls) == 16
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda c: c.release(), alg.calls))
        assert alg.calls == ()
        assert threaded.loop.call(threaded.agw.contexts) == ()


def test_threaded_gateway_is_a_blocking_backend_for_the_sans_io_driver(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    with ThreadedAGW() as threaded:
        driver = SyncDriver(Call(AlgPolicy(), ue_e2ae=True), threaded)
        step = driver.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        assert step.forwarded is not None
        assert [type(r).__name__ for r in step.replies] == ["GatewayResult"]
        driver.release()
        assert threaded.loop.call(threaded.agw.contexts) == ()


def test_background_loop_closes_cleanly_and_refuses_work_after() -> None:
    loop = BackgroundLoop()
    started = threading.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    task = loop.call(lambda: loop.loop.create_task(forever()))
    assert started.wait(5)
    loop.close()
    assert not loop.thread.is_alive()
    assert task.cancelled()
    assert loop.loop.is_closed()

    async def nothing() -> int:
        return 1

    with pytest.raises(GatewayError) as info:
        loop.run(nothing())
    assert info.value.sip_status == 503
    loop.close()  # twice is fine


def test_a_gateway_on_a_shared_loop_leaves_the_loop_running(tmp_path: Path) -> None:
    with BackgroundLoop() as shared:
        first = ThreadedAGW(loop=shared)
        second = ThreadedAGW(loop=shared)
        first.close()
        assert shared.thread.is_alive()
        ue_cert = write_certificate(tmp_path)
        call = ALG(second).call("shared")
        assert "TCP/MSRP" in call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        call.release()
        second.close()
    assert not shared.thread.is_alive()


def test_a_blocking_proxy_over_a_pool_of_agws(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    agws: list[AGW] = []

    async def create() -> AGWPool:
        for _ in range(2):
            agws.append(AGW(AGWConfig()))
            await agws[-1].start()
        return AGWPool([InProcessGateway(agw) for agw in agws])

    async def close(pool: AGWPool) -> None:
        await pool.close()
        for agw in agws:
            await agw.close()

    with ThreadedGateway.start(create, close=close) as threaded:
        assert isinstance(threaded.gateway, AGWPool)
        alg = ALG(threaded)
        calls = [alg.call(f"pooled-{n}") for n in range(4)]
        for call in calls:
            assert "TCP/MSRP" in call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        assert [s.active_contexts for s in threaded.gateway.members] == [2, 2]
        assert [len(threaded.loop.call(agw.contexts)) for agw in agws] == [2, 2]
        alg.close()
        assert [len(threaded.loop.call(agw.contexts)) for agw in agws] == [0, 0]
    assert not threaded.loop.thread.is_alive()


def test_a_gateway_that_fails_to_start_leaves_no_thread_behind() -> None:
    before = {thread.name for thread in threading.enumerate()}

    async def unreachable() -> AGWPool:
        raise GatewayError("no AGW found", sip_status=503)

    with pytest.raises(GatewayError):
        ThreadedGateway.start(unreachable)
    with pytest.raises(ValueError, match="malformed destination"):
        ThreadedGateway.remote("[2001:db8::1")
    assert {thread.name for thread in threading.enumerate()} == before
