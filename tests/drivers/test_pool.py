"""The AGW pool: placement, context ids, health, recovery.

Three layers of evidence:
- scripted AGWs (:class:`ScriptedAGW`) for the policy, where every decision can be
  asserted exactly;
- the bundled AGW behind H.248 in this process, for what real ServiceChange messages do;
- three ``imsalg agw`` processes with real e2ae MSRP calls, one killed with SIGKILL in
  the middle and started again on the same control port.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import socket
import sys
from pathlib import Path

import attrs
import pytest

from imsalg.agw import AGW
from imsalg.agw.config import AGWConfig
from imsalg.agw.server import AGWServer
from imsalg.drivers import AGWPool, AsyncALG, CallEvent, MemberState, RemoteGateway
from imsalg.drivers.gateways import NotificationHandler
from imsalg.h248 import model as m
from imsalg.h248.transactions import TransactionTimers
from imsalg.iq.procedures import (
    BearerReleased,
    ConnectionPointReserved,
    ContextLost,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    LocalSide,
    ProcedureResult,
    ReleaseTermination,
    ReserveConnectionPoint,
    Side,
    TerminationHeartbeat,
    TerminationReleased,
    Transport,
)
from imsalg.transport import Address
from tests.agw.helpers import PeerCertificate, asynctest, wait_until, write_certificate
from tests.drivers.media import Media, core_peer, ue_peer
from tests.drivers.test_aio_inprocess import core_answer, ue_offer

#: Short H.248 timers: a silent AGW is given up after 1.5 s.
FAST = TransactionTimers(
    normal_execution_time=0.1,
    network_delay=0.1,
    max_retransmit_interval=0.4,
    max_retransmission_time=1.5,
)


# -- a scripted AGW --------------------------------------------------------------------


class ScriptedAGW:
    """An AsyncGateway that answers like an AGW, numbering contexts from 1 on its own
    (so two of them hand out the same ids), and can be made silent or full."""

    def __init__(self) -> None:
        self.alive = True
        self.full = False
        self.requests: list[GatewayRequest] = []
        self.held: dict[str, set[str]] = {}
        self.handler: NotificationHandler | None = None
        self._contexts = itertools.count(1)
        self._terminations = itertools.count(1)

    def subscribe(self, handler: NotificationHandler) -> None:
        self.handler = handler

    def notify(self, notification: GatewayNotification) -> None:
        assert self.handler is not None
        self.handler(notification)

    async def probe(self) -> bool:
        await asyncio.sleep(0)
        return self.alive

    async def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        self.requests.append(request)
        await asyncio.sleep(0)
        if not self.alive:
            return GatewayFailure(request_id=request.request_id, code=None, reason="no reply")
        if request.context is None and self.full:
            return GatewayFailure(request_id=request.request_id, code=510, reason="full")
        context = request.context or str(next(self._contexts))
        if request.context is not None and context not in self.held:
            return GatewayFailure(request_id=request.request_id, code=411, reason="unknown")
        held = self.held.setdefault(context, set())
        results: list[ProcedureResult] = []
        for procedure in request.procedures:
            if isinstance(procedure, ReserveConnectionPoint):
                termination = f"t{next(self._terminations)}"
                held.add(termination)
                results.append(
                    ConnectionPointReserved(termination=termination, address="192.0.2.1", port=9)
                )
            elif isinstance(procedure, ReleaseTermination):
                for termination in sorted(held):
                    results.append(TerminationReleased(termination=termination))
                held.clear()
        if not held:
            del self.held[context]
        return GatewayResult(request_id=request.request_id, context=context, results=tuple(results))


_ids = itertools.count(1)


def reserve(context: str | None = None) -> GatewayRequest:
    local = LocalSide(realm="access", transport=Transport.TCP_TLS_MSRP, setup=None)
    return GatewayRequest(
        request_id=next(_ids),
        context=context,
        procedures=(ReserveConnectionPoint(stream=1, side=Side.ACCESS, local=local),),
    )


def release(context: str) -> GatewayRequest:
    return GatewayRequest(
        request_id=next(_ids), context=context, procedures=(ReleaseTermination(termination="*"),)
    )


async def new_context(pool: AGWPool) -> str:
    reply = await pool.execute(reserve())
    assert isinstance(reply, GatewayResult), reply
    return reply.context


def scripted(count: int) -> tuple[list[ScriptedAGW], AGWPool, list[GatewayNotification]]:
    agws = [ScriptedAGW() for _ in range(count)]
    pool = AGWPool(agws)
    seen: list[GatewayNotification] = []
    pool.subscribe(seen.append)
    return agws, pool, seen


# -- policy ---------------------------------------------------------------------------


@asynctest
async def test_new_contexts_go_to_the_least_loaded_agw_with_ties_round_robin() -> None:
    agws, pool, _ = scripted(3)
    contexts = [await new_context(pool) for _ in range(6)]
    # Every AGW numbers its contexts from 1: the pool's ids keep them apart.
    assert contexts == ["agw1/1", "agw2/1", "agw3/1", "agw1/2", "agw2/2", "agw3/2"]
    assert [s.active_contexts for s in pool.members] == [2, 2, 2]
    assert [len(agw.held) for agw in agws] == [2, 2, 2]
    released = await pool.execute(release("agw2/1"))
    assert isinstance(released, GatewayResult)
    assert released.context == "agw2/1"
    assert agws[1].requests[-1].context == "1"  # the AGW sees its own id
    assert await new_context(pool) == "agw2/3"  # the least loaded wins over the turn
    assert [s.contexts_created for s in pool.members] == [2, 3, 2]


@asynctest
async def test_requests_in_flight_count_as_load() -> None:
    agws, pool, _ = scripted(2)
    first, second = await asyncio.gather(new_context(pool), new_context(pool))
    assert {first, second} == {"agw1/1", "agw2/1"}
    assert all(agw.held for agw in agws)


@asynctest
async def test_notifications_carry_the_pools_context_ids() -> None:
    agws, pool, seen = scripted(2)
    await new_context(pool)
    context = await new_context(pool)
    assert context == "agw2/1"
    agws[1].notify(BearerReleased(context="1", termination="t1", cause="fin"))
    agws[0].notify(BearerReleased(context="99", termination="t1", cause="fin"))  # unknown
    assert seen == [BearerReleased(context="agw2/1", termination="t1", cause="fin")]


@asynctest
async def test_a_context_of_no_member_is_refused_with_411() -> None:
    _, pool, _ = scripted(1)
    for context in ("agw9/1", "1", "agw1/"):
        reply = await pool.execute(release(context))
        assert isinstance(reply, GatewayFailure)
        assert reply.code == 411


@asynctest
async def test_a_silent_agw_is_skipped_and_its_calls_are_told_at_once() -> None:
    agws, pool, seen = scripted(3)
    mine = [await new_context(pool) for _ in range(6)]
    agws[0].alive = False
    # agw1 has the turn: the request times out there and is placed on agw2 instead.
    assert await new_context(pool) == "agw2/3"
    [down, up2, up3] = pool.members
    assert down.state is MemberState.SILENT
    assert not down.in_service
    assert down.failures == 1
    assert down.active_contexts == 0
    assert down.last_change == "no reply"
    assert (up2.in_service, up3.in_service) == (True, True)
    # Both calls on agw1 are told, nobody else.
    assert sorted(n.context for n in seen) == ["agw1/1", "agw1/2"]
    assert all(isinstance(n, ContextLost) for n in seen)
    # A request for a context there fails at once: it does not even reach the AGW.
    before = len(agws[0].requests)
    reply = await pool.execute(release(mine[0]))
    assert isinstance(reply, GatewayFailure)
    assert reply.code is None
    assert reply.context == "agw1/1"
    assert len(agws[0].requests) == before
    # The other AGWs' calls carry on.
    for context in mine[1:3]:
        assert isinstance(await pool.execute(release(context)), GatewayResult)
    placed = [await new_context(pool) for _ in range(4)]
    assert all(context.startswith(("agw2/", "agw3/")) for context in placed)
    assert len(agws[0].requests) == before


@asynctest
async def test_a_timeout_on_an_existing_context_marks_the_agw_silent() -> None:
    agws, pool, seen = scripted(2)
    first = await new_context(pool)
    other = await new_context(pool)
    agws[0].alive = False
    reply = await pool.execute(release(first))
    assert isinstance(reply, GatewayFailure)
    assert reply.code is None
    assert pool.member("agw1").state is MemberState.SILENT
    assert seen == [ContextLost(context=first, cause="IMS-AGW agw1 does not answer")]
    assert isinstance(await pool.execute(release(other)), GatewayResult)


@asynctest
async def test_no_agw_in_service_is_a_failure_without_code() -> None:
    agws, pool, _ = scripted(2)
    for agw in agws:
        agw.alive = False
    reply = await pool.execute(reserve())
    assert isinstance(reply, GatewayFailure)
    assert reply.code is None
    assert "agw1 silent, agw2 silent" in reply.reason
    assert [len(agw.requests) for agw in agws] == [1, 1]
    reply = await pool.execute(reserve())  # nobody left to try: nothing is sent
    assert isinstance(reply, GatewayFailure)
    assert [len(agw.requests) for agw in agws] == [1, 1]


@asynctest
async def test_an_agw_out_of_resources_passes_the_call_on_and_stays_in_service() -> None:
    agws, pool, _ = scripted(2)
    agws[0].full = True
    assert await new_context(pool) == "agw2/1"
    assert pool.member("agw1").in_service
    agws[1].full = True
    reply = await pool.execute(reserve())
    assert isinstance(reply, GatewayFailure)
    assert reply.code == 510


@asynctest
async def test_probe_finds_a_silent_agw_and_brings_it_back_releasing_what_it_held() -> None:
    agws, pool, seen = scripted(2)
    contexts = [await new_context(pool) for _ in range(4)]
    agws[1].alive = False
    await pool.probe()
    assert pool.member("agw2").state is MemberState.SILENT
    assert sorted(n.context for n in seen) == ["agw2/1", "agw2/2"]
    assert agws[1].held  # the AGW was only unreachable: it still holds them
    await pool.probe()
    assert pool.member("agw2").failures == 2
    agws[1].alive = True
    await pool.probe()
    assert pool.member("agw2").state is MemberState.IN_SERVICE
    assert pool.member("agw2").last_change == "answered the ROOT audit"
    await wait_until(lambda: not agws[1].held)
    everything = ReleaseTermination(termination="*")
    released = [r.context or "" for r in agws[1].requests if r.procedures[0] == everything]
    assert sorted(released) == ["1", "2"]
    # agw1's calls were never touched, and new calls go to agw2 again (least loaded).
    assert [r.context for r in agws[0].requests] == [None, None]
    assert len(seen) == 2
    assert await new_context(pool) == "agw2/3"
    assert contexts[0] == "agw1/1"


@asynctest
async def test_the_probe_runs_on_its_own_at_the_given_interval() -> None:
    agws = [ScriptedAGW(), ScriptedAGW()]
    async with AGWPool(agws, probe_interval=0.02) as pool:
        agws[0].alive = False
        await wait_until(lambda: not pool.member("agw1").in_service, timeout=5)
        agws[0].alive = True
        await wait_until(lambda: pool.member("agw1").in_service, timeout=5)
        assert pool.member("agw2").failures == 0


@asynctest
async def test_a_heartbeat_for_a_context_nobody_knows_releases_it() -> None:
    agws, pool, seen = scripted(1)
    await new_context(pool)
    orphan = await agws[0].execute(reserve())  # e.g. a reservation whose reply was lost
    assert isinstance(orphan, GatewayResult)
    agws[0].notify(TerminationHeartbeat(context=orphan.context, termination="t2"))
    await wait_until(lambda: orphan.context not in agws[0].held)
    assert "1" in agws[0].held
    assert seen == []


# -- ServiceChange from the bundled AGW over H.248 -------------------------------------


def free_udp_port() -> int:
    """A UDP port free on 127.0.0.1, below the ephemeral range (so no client takes it
    while an AGW restarts on it; like tests/agw/helpers.free_port for TCP)."""
    for _ in range(200):
        port = random.randint(20000, 32000)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free UDP port below 32768")


def state(pool: AGWPool, index: int) -> MemberState:
    return pool.members[index].state


def restart_change(reason: str, method: m.ServiceChangeMethod) -> m.TransactionRequest:
    change = m.ServiceChange(
        terminations=("ROOT",), parms=m.ServiceChangeParms(method=method, reason=reason)
    )
    return m.TransactionRequest(
        transaction_id=7,
        actions=(m.ActionRequest(context_id=m.NULL_CONTEXT, commands=(change,)),),
    )


async def start_agw(port: int, mgc: Address) -> AGWServer:
    """The bundled AGW behind H.248 on *port*, announcing itself to *mgc*."""
    return await AGWServer.start(AGW(AGWConfig()), port=port, mgc=mgc)


@asynctest
async def test_service_changes_of_in_process_agws(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    core = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    core_port = int(core.sockets[0].getsockname()[1])
    ports = [free_udp_port(), free_udp_port()]
    pool = await AGWPool.connect([f"127.0.0.1:{port}" for port in ports], timers=FAST)
    servers: list[AGWServer] = []
    try:
        listener = await pool.listen(port=0)
        for port in ports:
            servers.append(await start_agw(port, listener))
        # H.248.1 §11.2: each AGW registers with ServiceChange Restart, 901 Cold Boot.
        await wait_until(
            lambda: all(
                s.last_change == "ServiceChange restart 901 Cold Boot" for s in pool.members
            )
        )
        assert [s.address for s in pool.members] == [f"127.0.0.1:{p}" for p in ports]
        events: list[CallEvent] = []
        alg = AsyncALG(pool)
        calls = [alg.call(f"c{n}", on_event=events.append) for n in range(4)]
        for call in calls:
            await call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
            await call.sdp(Side.CORE, core_answer(core_port))
        assert [s.active_contexts for s in pool.members] == [2, 2]
        on_first = [
            c
            for c in calls
            if pool.member_of(c.engine.state.context or "") == f"127.0.0.1:{ports[0]}"
        ]
        assert len(on_first) == 2

        # Graceful: no new calls there, the calls there carry on (H.248.1 §7.2.8).
        first = pool.gateway(f"127.0.0.1:{ports[0]}")
        assert isinstance(first, RemoteGateway)
        await first.handle_request(
            ("127.0.0.1", ports[0]),
            restart_change("905 Termination taken out of service", m.ServiceChangeMethod.GRACEFUL),
        )
        assert state(pool, 0) is MemberState.LEFT
        assert pool.members[0].active_contexts == 2
        extra = alg.call("extra", on_event=events.append)
        await extra.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        assert pool.member_of(extra.engine.state.context or "") == f"127.0.0.1:{ports[1]}"
        await extra.release()
        # A warm boot keeps the contexts; it brings the AGW back.
        await first.handle_request(
            ("127.0.0.1", ports[0]), restart_change("902 Warm Boot", m.ServiceChangeMethod.RESTART)
        )
        assert state(pool, 0) is MemberState.IN_SERVICE
        assert pool.members[0].active_contexts == 2
        assert events == []

        # Shutdown: ServiceChange Forced (905) takes the contexts away; the calls are told.
        await servers[0].close()
        await wait_until(lambda: len(events) == 2)
        assert sorted(e.call_id for e in events) == sorted(c.call_id for c in on_first)
        assert all("context lost" in e.action.cause for e in events)  # type: ignore[union-attr]
        assert state(pool, 0) is MemberState.LEFT
        assert pool.members[0].last_change.startswith("ServiceChange forced 905")
        assert pool.members[1].active_contexts == 2
        # Back on the same port: Restart puts it in service again.
        servers[0] = await start_agw(ports[0], listener)
        await wait_until(lambda: pool.members[0].in_service)
        assert pool.members[0].active_contexts == 0
        # A lost call re-offers and lands on the least loaded AGW: the restarted one.
        again = on_first[0]
        await again.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint).replace("o=- 1 1", "o=- 1 2"))
        assert pool.member_of(again.engine.state.context or "") == f"127.0.0.1:{ports[0]}"
        await alg.close()
        assert all(s.active_contexts == 0 for s in pool.members)
        assert all(server.agw.contexts() == () for server in servers)
        assert len(events) == 2
    finally:
        for server in servers:
            await server.close()
        await pool.close()
        core.close()


@asynctest
async def test_the_listener_refuses_strangers() -> None:
    pool = await AGWPool.connect(["127.0.0.1:2"], timers=FAST)
    try:
        listener = await pool.listen(port=0)
        stranger = await RemoteGateway.connect([listener], timers=FAST)
        try:
            reply = await stranger.client.request(
                restart_change("901 Cold Boot", m.ServiceChangeMethod.RESTART).actions
            )
        finally:
            await stranger.close()
        assert reply.error is not None
        assert int(reply.error.code) == 402
        assert pool.members[0].last_change == "configured"
    finally:
        await pool.close()


# -- three AGW processes, one killed -------------------------------------------------


class AGWProcess:
    """``python -m imsalg agw`` on a fixed control port; always killed by its owner."""

    def __init__(self, port: int, mgc: Address | None) -> None:
        self.port = port
        self.mgc = mgc
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        argv = [sys.executable, "-m", "imsalg", "agw", "--control", f"udp:127.0.0.1:{self.port}"]
        if self.mgc is not None:
            argv += ["--mgc", f"{self.mgc[0]}:{self.mgc[1]}"]
        self.process = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        assert line.decode().strip() == f"imsalg agw: ready control=udp:127.0.0.1:{self.port}"

    async def kill(self) -> None:
        """SIGKILL: the AGW says nothing, its sockets just go."""
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await asyncio.wait_for(self.process.wait(), 10)


@attrs.define
class PoolCall:
    """A call through the pool with its media and what the proxy was told."""

    call_id: str
    media: Media
    events: list[CallEvent]


async def place_call(alg: AsyncALG, call_id: str, ue_cert: PeerCertificate) -> PoolCall:
    """Set up an e2ae call (UE offer, core answer), connect both MSRP ends, exchange."""
    events: list[CallEvent] = []
    call = alg.call(call_id, on_event=events.append)
    await call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
    core, port = await core_peer()
    to_ue = await call.sdp(Side.CORE, core_answer(port))
    media = await ue_peer(to_ue, core, ue_cert)
    await media.exchange(f"{call_id} set up")
    return PoolCall(call_id=call_id, media=media, events=events)


@pytest.mark.slow
@asynctest
async def test_three_agw_processes_one_killed_and_restarted(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    ports: list[int] = []
    while len(ports) < 3:
        port = free_udp_port()
        if port not in ports:
            ports.append(port)
    names = [f"127.0.0.1:{port}" for port in ports]
    pool = await AGWPool.connect(names, timers=FAST)
    processes: list[AGWProcess] = []
    calls: list[PoolCall] = []
    try:
        listener = await pool.listen(port=0)
        processes = [AGWProcess(port, listener) for port in ports]
        await asyncio.gather(*(process.start() for process in processes))
        await wait_until(
            lambda: all(
                s.last_change.startswith("ServiceChange restart 901") for s in pool.members
            ),
            timeout=10,
        )
        alg = AsyncALG(pool)
        calls = [await place_call(alg, f"call-{n}", ue_cert) for n in range(6)]
        assert [s.active_contexts for s in pool.members] == [2, 2, 2]

        def where(call: PoolCall) -> str | None:
            return pool.member_of(alg.call(call.call_id).engine.state.context or "")

        victim = names[1]
        lost = [call for call in calls if where(call) == victim]
        kept = [call for call in calls if where(call) != victim]
        assert len(lost) == 2
        await processes[1].kill()

        # New calls: the pool tries the dead AGW at the latest by the third (least
        # loaded), gives up on it after 1.5 s and places the call on another.
        calls += [await place_call(alg, f"after-{n}", ue_cert) for n in range(3)]
        assert all(where(call) in (names[0], names[2]) for call in calls[6:])
        status = pool.member(victim)
        assert status.state is MemberState.SILENT
        assert not status.in_service
        assert status.failures >= 1
        assert status.active_contexts == 0
        assert [s.in_service for s in pool.members] == [True, False, True]

        # The calls on the dead AGW were told (once each); the others were not.
        await wait_until(lambda: all(call.events for call in lost), timeout=10)
        for call in lost:
            [event] = call.events
            assert event.call_id == call.call_id
            assert "context lost" in event.action.cause  # type: ignore[union-attr]
        for call in kept + calls[6:]:
            await call.media.exchange("still relaying")
            assert call.events == []

        # Restarted on the same control port: its Restart puts it back in service.
        processes[1] = AGWProcess(ports[1], listener)
        await processes[1].start()
        await wait_until(lambda: pool.member(victim).in_service, timeout=10)
        assert pool.member(victim).last_change == "ServiceChange restart 901 Cold Boot"
        back = await place_call(alg, "back", ue_cert)  # least loaded: the restarted AGW
        calls.append(back)
        assert where(back) == victim
        await back.media.exchange("on the restarted AGW")

        for call in calls:
            await alg.call(call.call_id).release()
        assert [s.active_contexts for s in pool.members] == [0, 0, 0]
        assert all(call.events == [] for call in kept + calls[6:])
    finally:
        for call in calls:
            await call.media.close()
        for process in processes:
            await process.kill()
        await pool.close()


@pytest.mark.slow
@asynctest
async def test_the_probe_notices_a_killed_agw_and_its_return(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    ports = [free_udp_port(), free_udp_port()]
    names = [f"127.0.0.1:{port}" for port in ports]
    pool = await AGWPool.connect(names, timers=FAST, probe_interval=0.3)
    processes = [AGWProcess(port, None) for port in ports]  # no --mgc: nothing announced
    calls: list[PoolCall] = []
    try:
        await asyncio.gather(*(process.start() for process in processes))
        alg = AsyncALG(pool)
        calls = [await place_call(alg, f"p{n}", ue_cert) for n in range(2)]
        assert [s.active_contexts for s in pool.members] == [1, 1]
        await processes[0].kill()
        # No request is made: the probe finds out, and the call there is told.
        await wait_until(lambda: calls[0].events != [], timeout=10)
        assert "context lost" in calls[0].events[0].action.cause  # type: ignore[union-attr]
        assert state(pool, 0) is MemberState.SILENT
        assert pool.members[0].last_change == "no answer to the ROOT audit"
        await calls[1].media.exchange("untouched")
        assert calls[1].events == []
        processes[0] = AGWProcess(ports[0], None)
        await processes[0].start()
        await wait_until(lambda: pool.members[0].in_service, timeout=10)
        assert pool.members[0].last_change == "answered the ROOT audit"
        calls.append(await place_call(alg, "p-back", ue_cert))
        assert pool.member_of(alg.call("p-back").engine.state.context or "") == names[0]
        await alg.close()
        assert [s.active_contexts for s in pool.members] == [0, 0]
    finally:
        for call in calls:
            await call.media.close()
        for process in processes:
            await process.kill()
        await pool.close()
