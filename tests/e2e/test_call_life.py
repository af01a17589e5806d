"""Call life over H.248: the IMS-ALG (AsyncALG + RemoteGateway) drives the bundled AGW
(AGWServer, H.248/UDP on loopback) through re-offers, stream removal, release, a UE
that never connects and an AGW restart, with real TLS MSRP on the access side and
plain TCP MSRP toward the core. Every test owns its rig and checks for leaks
(:func:`tests.e2e.harness.rig`)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from imsalg.agw import AGW
from imsalg.agw.config import AGWConfig
from imsalg.agw.server import AGWServer
from imsalg.alg.events import StreamFailed
from imsalg.alg.state import StreamKind
from imsalg.drivers import AsyncCall
from imsalg.iq.procedures import (
    Procedure,
    ReleaseTermination,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    Side,
)
from tests.agw.helpers import asynctest, wait_until
from tests.e2e.harness import AUDIO, CallLegs, core_sdp, media, rig, ue_sdp

RESERVES = (ReserveConnectionPoint, ReserveAndConfigureConnectionPoint)


def procedures_since(call: AsyncCall, start: int) -> list[Procedure]:
    """The Iq procedures the ALG sent for *call* from exchange *start* on."""
    return [procedure for request, _ in call.exchanges[start:] for procedure in request.procedures]


async def closed(legs: CallLegs, timeout: float = 10) -> None:
    """Both peers of *legs* saw their connection closed."""
    await asyncio.wait_for(legs.ue.closed.wait(), timeout)
    await asyncio.wait_for(legs.core.closed.wait(), timeout)


def still_open(legs: CallLegs) -> bool:
    return not legs.ue.closed.is_set() and not legs.core.closed.is_set()


@asynctest
async def test_reinvite_with_connection_existing_keeps_terminations_and_connections(
    tmp_path: Path,
) -> None:
    async with rig(tmp_path) as r:
        call = r.call("keep")
        legs = await r.originating(call)
        await r.exchange(legs, "before the re-INVITE")
        held = r.terminations()
        assert len(held) == 2
        start = len(call.exchanges)

        to_core = await call.sdp(
            Side.ACCESS, ue_sdp(r.ue_cert.fingerprint, version=2, connection="existing")
        )
        assert media(to_core).line.port == media(legs.to_core).line.port
        to_ue = await call.sdp(
            Side.CORE, core_sdp(legs.core_port, version=2, connection="existing")
        )
        after = media(to_ue)
        assert after.line.port == media(legs.to_ue).line.port
        assert after.fingerprints == (legs.agw_fingerprint,)
        assert not any(isinstance(p, RESERVES) for p in procedures_since(call, start))
        assert r.terminations() == held

        # The same TCP/TLS connections carry on: the core peer accepts one connection
        # only, and the UE's TLS session is the one it opened.
        await r.exchange(legs, "after the re-INVITE")
        assert still_open(legs)
        released = dict((await call.release()).statistics)
        [access] = [s for name, s in released.items() if "/acc" in name]
        assert access.messages_in == 4  # two SENDs and two 200s from the UE, one connection
        assert access.octets_in == len(legs.ue.raw_sent)
        await closed(legs)
        assert r.events.empty()


@asynctest
async def test_reinvite_with_connection_new_moves_the_stream_to_new_terminations(
    tmp_path: Path,
) -> None:
    async with rig(tmp_path) as r:
        call = r.call("new")
        legs = await r.originating(call)
        await r.exchange(legs, "on the first connection")
        old = r.terminations()
        start = len(call.exchanges)

        to_core = await call.sdp(
            Side.ACCESS, ue_sdp(r.ue_cert.fingerprint, version=2, connection="new")
        )
        reserves = [p for p in procedures_since(call, start) if isinstance(p, RESERVES)]
        assert sorted(p.side.value for p in reserves) == ["access", "core"]
        assert media(to_core).line.port != media(legs.to_core).line.port
        new = r.terminations() - old
        assert len(new) == 2
        assert r.terminations() == old | new
        # Until the answer the old connections still carry the call.
        await r.exchange(legs, "while the new connection is offered")

        core_again, port_again = await r.core_listening()
        to_ue = await call.sdp(
            Side.CORE, core_sdp(port_again, version=2, connection="new")
        )
        answer = media(to_ue)
        [fingerprint] = answer.fingerprints
        assert answer.line.port != media(legs.to_ue).line.port
        assert fingerprint != legs.agw_fingerprint  # a new certificate for the new connection
        assert r.terminations() == new  # the old pair went with the answer
        released = {
            p.termination
            for p in procedures_since(call, start)
            if isinstance(p, ReleaseTermination)
        }
        assert released == old
        await closed(legs)

        ue_again = await r.ue_connects(to_ue, core_again)  # pins the new fingerprint
        fresh = CallLegs(
            ue=ue_again, core=core_again, core_port=port_again, to_core=to_core, to_ue=to_ue
        )
        await r.exchange(fresh, "on the new connection")
        statistics = dict((await call.release()).statistics)
        assert set(statistics) == new
        assert r.events.empty()


@asynctest
async def test_removing_the_msrp_stream_releases_it_while_audio_stays(tmp_path: Path) -> None:
    async with rig(tmp_path) as r:
        call = r.call("remove")
        legs = await r.originating(call, audio=True)
        assert AUDIO[0] in legs.to_core  # audio is not anchored
        await r.exchange(legs, "before the removal")
        assert len(r.terminations()) == 2

        to_core = await call.sdp(
            Side.ACCESS, ue_sdp(r.ue_cert.fingerprint, version=2, audio=True, port=0)
        )
        assert AUDIO[0] in to_core
        assert media(to_core, 1).line.port == 0
        to_ue = await call.sdp(
            Side.CORE, core_sdp(0, version=2, audio=True, path_port=legs.core_port)
        )
        assert AUDIO[0] in to_ue
        assert media(to_ue, 1).line.port == 0
        assert call.streams[1].kind is StreamKind.REMOVED
        assert call.streams[1].terminations == ()
        assert r.terminations() == set()
        assert r.server.agw.contexts() == ()
        assert r.gateway.contexts == ()
        await closed(legs)

        start = len(call.exchanges)
        released = await call.release()
        assert released.statistics == ()
        assert len(call.exchanges) == start  # nothing left to release at the AGW
        assert r.events.empty()


@asynctest
async def test_call_release_reports_statistics_and_leaves_no_context(tmp_path: Path) -> None:
    async with rig(tmp_path) as r:
        call = r.call("bye")
        legs = await r.originating(call)
        await r.exchange(legs, "first")
        await r.exchange(legs, "second")
        assert r.server.agw.contexts() != ()

        statistics = dict((await call.release()).statistics)
        [access] = [s for name, s in statistics.items() if "/acc" in name]
        [core] = [s for name, s in statistics.items() if "/core" in name]
        # Octets are counted as relayed (TLS removed): what each peer sent and got.
        assert (access.octets_in, access.octets_out) == (
            len(legs.ue.raw_sent),
            len(legs.ue.raw_received),
        )
        assert (core.octets_in, core.octets_out) == (
            len(legs.core.raw_sent),
            len(legs.core.raw_received),
        )
        assert (access.messages_in, access.messages_out) == (4, 4)  # 2 SENDs + 2 200s each way
        assert (core.messages_in, core.messages_out) == (4, 4)
        assert r.server.agw.contexts() == ()
        assert r.gateway.contexts == ()
        assert r.alg.calls == ()
        await closed(legs)  # the AGW closed both connections
        assert r.events.empty()


@asynctest
async def test_a_ue_that_never_connects_is_reported_and_released(tmp_path: Path) -> None:
    async with rig(tmp_path, AGWConfig(establishment_timeout=0.5)) as r:
        call = r.call("silent")
        legs = await r.originating(call, connect=False)
        await asyncio.wait_for(legs.core.connected.wait(), 10)  # the AGW reached the core
        event = await r.next_event()
        assert event.call_id == "silent"
        assert isinstance(event.action, StreamFailed)
        assert "establishment-timeout" in event.action.cause
        assert call.streams[0].failure is not None
        await wait_until(lambda: r.server.agw.contexts() == ())
        assert r.gateway.contexts == ()
        await asyncio.wait_for(legs.core.closed.wait(), 10)
        assert legs.core.raw_received == b""
        await call.release()


@asynctest
async def test_agw_restart_loses_the_call_and_a_new_call_succeeds(tmp_path: Path) -> None:
    async with rig(tmp_path) as r:
        first = r.call("before-restart")
        legs = await r.originating(first)
        await r.exchange(legs, "before the restart")
        control = r.control

        await r.restart_agw()
        assert r.control == control
        event = await r.next_event()
        assert event.call_id == "before-restart"
        assert isinstance(event.action, StreamFailed)
        assert "context lost" in event.action.cause
        assert [report.method for report in r.reports] == ["forced", "restart"]
        assert r.reports[0].out_of_service
        assert first.engine.state.context is None
        await closed(legs)  # the old AGW took the connections with it
        start = len(first.exchanges)
        assert (await first.release()).statistics == ()
        assert len(first.exchanges) == start  # nothing to release on the new AGW

        second = r.call("after-restart")
        fresh = await r.originating(second)
        await r.exchange(fresh, "after the restart")
        assert len(r.terminations()) == 2
        await second.release()
        assert r.server.agw.contexts() == ()
        assert r.events.empty()


@asynctest
async def test_a_closed_agw_server_frees_its_control_port_at_once() -> None:
    server = await AGWServer.start(AGW(AGWConfig()), host="127.0.0.1", port=0)
    host, port = server.addresses["udp"]
    await server.close()
    # Regression: the UDP socket used to close one loop iteration after close().
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.bind((host, port))
    finally:
        probe.close()
