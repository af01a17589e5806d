"""State-aware TCP (TR 29.828 CR-7, CR-14): roles, initiate vs trigger, pending actpass,
late configuration, several streams, re-INVITE, release, flow control."""

from __future__ import annotations

import asyncio
from pathlib import Path

import attrs

from imsalg.agw import AGW, AGWConfig, RealmConfig
from imsalg.iq.procedures import (
    BearerReleased,
    Establishment,
    Side,
    StreamMode,
    TerminationReleased,
    Transport,
)
from imsalg.sdp.attributes import Setup
from imsalg.sdp.msrp import MSRPURI
from tests.msrp_endpoint import MSRPEndpoint

from .helpers import (
    LeakCheck,
    Notifications,
    TCPSink,
    asynctest,
    client_context,
    configure,
    local,
    originating_call,
    release,
    remote,
    reserve,
    reserved,
    run,
    wait_until,
    write_certificate,
)

CORE_URI = MSRPURI.parse("msrp://127.0.0.1:2855/core;tcp")
UE_URI = MSRPURI.parse("msrps://ue.invalid:2855/ue;tcp")
SETTLE = 0.2  # long enough for a connection that should not happen to show up


@asynctest
async def test_initiate_connects_the_core_at_once(tmp_path: Path) -> None:
    ue = write_certificate(tmp_path)
    sink = TCPSink()
    async with AGW() as agw:
        await originating_call(agw, (ue.fingerprint,), await sink.start())
        await asyncio.wait_for(sink.accepted.wait(), 5)  # no UE connection needed
    await sink.close()


@asynctest
async def test_a_connected_termination_keeps_no_task_set_or_close_future(tmp_path: Path) -> None:
    # Memory per idle session: the finished connect task leaves no empty set behind, and
    # the future a close waits for is made only when something waits for it.
    ue = write_certificate(tmp_path)
    sink = TCPSink()
    async with AGW() as agw:
        call = await originating_call(agw, (ue.fingerprint,), await sink.start())
        await asyncio.wait_for(sink.accepted.wait(), 5)
        core = agw._contexts[call.context].terminations[call.core.termination]
        for _ in range(100):
            if core.leg is not None and core.leg.ready:
                break
            await asyncio.sleep(0.01)
        leg = core.leg
        assert leg is not None
        assert leg.ready
        await asyncio.sleep(0)  # the connect task's done callback
        assert core._tasks is None
        assert leg._closed is None
        await run(agw, call.context, release("*"))
        assert leg.closed.done()  # made on demand, already done: the leg is gone
    await sink.close()


@asynctest
async def test_trigger_waits_for_the_incoming_connection(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    sink = TCPSink()
    async with AGW() as agw:
        call = await originating_call(
            agw,
            (ue.fingerprint,),
            await sink.start(),
            core=local(Side.CORE, setup=Setup.ACTIVE, establishment=Establishment.TRIGGER),
        )
        await asyncio.sleep(SETTLE)
        assert not sink.accepted.is_set()
        # A bare TCP connection on the access termination is the trigger (CR-7 (b)).
        _, writer = await asyncio.open_connection("127.0.0.1", call.access.port)
        await asyncio.wait_for(sink.accepted.wait(), 5)
        writer.close()
        await writer.wait_closed()
    await sink.close()
    await leaks.check()


@asynctest
async def test_no_connection_while_inactive_or_remote_unknown_or_passive(tmp_path: Path) -> None:
    sink = TCPSink()
    port = await sink.start()
    async with AGW() as agw:
        result = await run(
            agw,
            None,
            reserve(
                1,
                Side.CORE,
                local(Side.CORE, setup=Setup.ACTIVE, mode=StreamMode.INACTIVE),
                remote("127.0.0.1", port),
            ),
            reserve(2, Side.CORE, local(Side.CORE, setup=Setup.ACTIVE)),  # remote unknown
            reserve(3, Side.CORE, local(Side.CORE, setup=Setup.PASSIVE), remote("127.0.0.1", port)),
            reserve(
                4, Side.CORE, local(Side.CORE, setup=Setup.HOLDCONN), remote("127.0.0.1", port)
            ),
            reserve(5, Side.CORE, local(Side.CORE, setup=None), remote("127.0.0.1", port)),
        )
        await asyncio.sleep(SETTLE)
        assert sink.connections == []
        # Through-connecting stream 1 (Change Through-Connection) lets it connect.
        await run(
            agw,
            result.context,
            configure(
                reserved(result, 0).termination,
                1,
                Side.CORE,
                local(Side.CORE, setup=Setup.ACTIVE),
                remote("127.0.0.1", port),
            ),
        )
        await asyncio.wait_for(sink.accepted.wait(), 5)
        await asyncio.sleep(SETTLE)
        assert len(sink.connections) == 1
    await sink.close()


@asynctest
async def test_passive_passive_merge(tmp_path: Path) -> None:
    """TS 23.334 §6.2.18.4 "TCP merge mode": both sides connect to the AGW."""
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    async with AGW() as agw:
        result = await run(
            agw,
            None,
            reserve(
                1,
                Side.ACCESS,
                local(Side.ACCESS, setup=Setup.PASSIVE),
                remote(fingerprints=(ue.fingerprint,)),
            ),
            reserve(1, Side.CORE, local(Side.CORE, setup=Setup.PASSIVE)),
        )
        core = MSRPEndpoint(CORE_URI, UE_URI)
        user = MSRPEndpoint(UE_URI, CORE_URI)
        await core.connect("127.0.0.1", reserved(result, 1).port)
        await user.connect("127.0.0.1", reserved(result, 0).port, tls=client_context(ue))
        assert await user.send_message(b"merged") == [200]
        assert await core.send_message(b"and back") == [200]
        await user.close()
        await core.close()
    await leaks.check()


@asynctest
async def test_actpass_accepts_but_holds_until_the_role_is_settled(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    core = MSRPEndpoint(CORE_URI, UE_URI)
    core_port = await core.listen()
    async with AGW() as agw:
        result = await run(
            agw,
            None,
            reserve(
                1,
                Side.ACCESS,
                local(Side.ACCESS, setup=Setup.ACTPASS),
                remote(fingerprints=(ue.fingerprint,)),
            ),
            reserve(
                1, Side.CORE, local(Side.CORE, setup=Setup.ACTIVE), remote("127.0.0.1", core_port)
            ),
        )
        access = reserved(result, 0)
        user = MSRPEndpoint(UE_URI, CORE_URI)
        # The UE connects before its answer reaches the AGW: the ClientHello waits.
        connecting = asyncio.ensure_future(
            user.connect("127.0.0.1", access.port, tls=client_context(ue))
        )
        await asyncio.sleep(SETTLE)
        assert not connecting.done()
        await run(
            agw,
            result.context,
            configure(
                access.termination, 1, Side.ACCESS,
                local(Side.ACCESS, setup=Setup.PASSIVE),
                remote(fingerprints=(ue.fingerprint,), setup=Setup.ACTIVE),
            ),
        )  # fmt: skip
        await connecting
        assert await user.send_message(b"after the answer") == [200]
        await user.close()
    await core.close()
    await leaks.check()


@asynctest
async def test_actpass_settled_active_drops_the_early_connection_and_connects(
    tmp_path: Path,
) -> None:
    leaks = LeakCheck()
    sink = TCPSink()
    early = TCPSink()
    async with AGW() as agw:
        result = await run(
            agw,
            None,
            reserve(1, Side.CORE, local(Side.CORE, setup=Setup.ACTPASS, transport=Transport.TCP)),
        )
        term = reserved(result)
        reader, writer = await asyncio.open_connection("127.0.0.1", term.port)
        writer.write(b"early bytes")
        await asyncio.sleep(SETTLE)
        await run(
            agw,
            result.context,
            configure(
                term.termination, 1, Side.CORE,
                local(Side.CORE, setup=Setup.ACTIVE, transport=Transport.TCP),
                remote("127.0.0.1", await sink.start()),
            ),
        )  # fmt: skip
        assert await asyncio.wait_for(reader.read(), 5) == b""  # the early connection is closed
        await asyncio.wait_for(sink.accepted.wait(), 5)
        writer.close()
        await writer.wait_closed()
    await sink.close()
    await early.close()
    await leaks.check()


@asynctest
async def test_fingerprint_arriving_in_a_later_configure(tmp_path: Path) -> None:
    ue = write_certificate(tmp_path)
    core = MSRPEndpoint(CORE_URI, UE_URI)
    core_port = await core.listen()
    async with AGW() as agw:
        result = await run(
            agw,
            None,
            reserve(1, Side.ACCESS, local(Side.ACCESS, setup=Setup.PASSIVE)),
            reserve(
                1, Side.CORE, local(Side.CORE, setup=Setup.ACTIVE), remote("127.0.0.1", core_port)
            ),
        )
        access = reserved(result, 0)
        user = MSRPEndpoint(UE_URI, CORE_URI)
        connecting = asyncio.ensure_future(
            user.connect("127.0.0.1", access.port, tls=client_context(ue))
        )
        await asyncio.sleep(SETTLE)
        assert not connecting.done()  # nothing to verify against: the handshake waits
        await run(
            agw,
            result.context,
            configure(
                access.termination,
                1,
                Side.ACCESS,
                local(Side.ACCESS, setup=Setup.PASSIVE),
                remote(fingerprints=(ue.fingerprint,)),
            ),
        )
        await connecting
        assert await user.send_message(b"verified late") == [200]
        await user.close()
    await core.close()


@asynctest
async def test_several_streams_in_one_context_stay_apart(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    cores = [MSRPEndpoint(CORE_URI, UE_URI) for _ in range(3)]
    ports = [await core.listen() for core in cores]
    async with AGW() as agw:
        procedures = []
        for number, port in enumerate(ports, start=1):
            procedures += [
                reserve(
                    number,
                    Side.ACCESS,
                    local(Side.ACCESS, setup=Setup.PASSIVE),
                    remote(fingerprints=(ue.fingerprint,)),
                ),
                reserve(
                    number,
                    Side.CORE,
                    local(Side.CORE, setup=Setup.ACTIVE),
                    remote("127.0.0.1", port),
                ),
            ]
        result = await run(agw, None, *procedures)
        users = [MSRPEndpoint(UE_URI, CORE_URI) for _ in ports]
        for index, user in enumerate(users):
            await user.connect(
                "127.0.0.1", reserved(result, 2 * index).port, tls=client_context(ue)
            )
        for index, user in enumerate(users):
            assert await user.send_message(f"stream {index + 1}".encode()) == [200]
        for index, core in enumerate(cores):
            (message,) = await core.wait_messages(1)
            assert bytes(message.body) == f"stream {index + 1}".encode()
        gone = await run(agw, result.context, release("*"))
        assert len(gone.results) == 6
        for user in users:
            await user.close()
    for core in cores:
        await core.close()
    await leaks.check()


@asynctest
async def test_reinvite_configure_keeps_the_connection_and_modes_gate_the_flow(
    tmp_path: Path,
) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    notes = Notifications()
    core = MSRPEndpoint(CORE_URI, UE_URI)
    core_port = await core.listen()
    async with AGW(on_notification=notes) as agw:
        access_local = local(Side.ACCESS, setup=Setup.PASSIVE)
        access_remote = remote(fingerprints=(ue.fingerprint,))
        core_local = local(Side.CORE, setup=Setup.ACTIVE)
        core_remote = remote("127.0.0.1", core_port)
        result = await run(
            agw,
            None,
            reserve(1, Side.ACCESS, access_local, access_remote),
            reserve(1, Side.CORE, core_local, core_remote),
        )
        access, core_term = reserved(result, 0), reserved(result, 1)
        user = MSRPEndpoint(UE_URI, CORE_URI)
        await user.connect("127.0.0.1", access.port, tls=client_context(ue))
        assert await user.send_message(b"before") == [200]

        def both(access_mode: StreamMode) -> tuple[object, object]:
            return (
                configure(
                    access.termination,
                    1,
                    Side.ACCESS,
                    attrs.evolve(access_local, mode=access_mode),
                    access_remote,
                ),
                configure(core_term.termination, 1, Side.CORE, core_local, core_remote),
            )

        # The same offer again (re-INVITE): nothing moves, the connections stay.
        await run(agw, result.context, *both(StreamMode.SENDRECV))  # type: ignore[arg-type]
        assert await user.send_message(b"after re-INVITE") == [200]
        # Inactive: the UE's bytes wait in the AGW (reading paused), nothing is lost.
        await run(agw, result.context, *both(StreamMode.INACTIVE))  # type: ignore[arg-type]
        held = asyncio.ensure_future(user.send_message(b"held", timeout=10))
        await asyncio.sleep(SETTLE)
        assert len(core.messages) == 2
        await run(agw, result.context, *both(StreamMode.SENDRECV))  # type: ignore[arg-type]
        assert await held == [200]
        assert [bytes(m.body) for m in core.messages.values()] == [
            b"before",
            b"after re-INVITE",
            b"held",
        ]
        assert notes.items == []
        assert not core.closed.is_set()
        await user.close()
    await core.close()
    await leaks.check()


@asynctest
async def test_release_of_one_termination_closes_the_stream_and_tells_the_other(
    tmp_path: Path,
) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    notes = Notifications()
    core = MSRPEndpoint(CORE_URI, UE_URI)
    core_port = await core.listen()
    async with AGW(on_notification=notes) as agw:
        call = await originating_call(agw, (ue.fingerprint,), core_port)
        access, core_term = call.access, call.core
        user = MSRPEndpoint(UE_URI, CORE_URI)
        await user.connect("127.0.0.1", access.port, tls=client_context(ue))
        assert await user.send_message(b"x" * 1000) == [200]
        gone = await run(agw, call.context, release(core_term.termination))
        (released,) = gone.results
        assert isinstance(released, TerminationReleased)
        assert released.statistics.octets_out == len(core.raw_received)
        assert released.statistics.octets_in == len(core.raw_sent)
        assert (released.statistics.messages_in, released.statistics.messages_out) == (1, 1)
        await asyncio.wait_for(user.closed.wait(), 5)
        assert notes.items == [
            BearerReleased(
                context=call.context, termination=access.termination, cause="termination-released"
            )
        ]
        # Releasing everything that is left tells nobody.
        await run(agw, call.context, release("*"))
        assert len(notes.items) == 1
        await user.close()
    await core.close()
    await leaks.check()


@asynctest
async def test_flow_control_bounds_what_the_agw_holds(tmp_path: Path) -> None:
    """A UE that stops reading makes the AGW stop reading the core: bounded memory."""
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    sink = TCPSink()
    config = AGWConfig(write_buffer_high=64 * 1024)
    async with AGW(config) as agw:
        call = await originating_call(
            agw,
            (ue.fingerprint,),
            await sink.start(),
            access=local(Side.ACCESS, setup=Setup.PASSIVE, transport=Transport.TCP_TLS),
            core=local(Side.CORE, setup=Setup.ACTIVE, transport=Transport.TCP),
        )
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", call.access.port, ssl=client_context(ue), server_hostname=""
        )
        writer.write(b"!")  # something for the core, so we know the legs are joined
        await wait_until(lambda: bytes(sink.received) == b"!", 5)
        transport = writer.transport
        assert isinstance(transport, asyncio.Transport)
        transport.pause_reading()
        total = 64 * 1024 * 1024
        block = bytes(range(256)) * 4096
        core_writer = sink.connections[0][1]
        pushing = asyncio.ensure_future(_push(core_writer, block, total // len(block)))
        await asyncio.sleep(1.0)
        relayed = agw.counters.octets_relayed
        # Kernel socket buffers on both sides plus one high-water mark and one read.
        assert relayed < 24 * 1024 * 1024
        assert not pushing.done()
        transport.resume_reading()
        received = 0
        while received < total:
            chunk = await asyncio.wait_for(reader.read(1 << 20), 10)
            assert chunk == (block * 2)[received % len(block) : received % len(block) + len(chunk)]
            received += len(chunk)
        await pushing
        writer.close()
        await run(agw, call.context, release("*"))
    await sink.close()
    await leaks.check()


async def _push(writer: asyncio.StreamWriter, block: bytes, count: int) -> None:
    for _ in range(count):
        writer.write(block)
        await writer.drain()


@asynctest
async def test_a_leg_waits_with_reading_paused_until_the_other_is_up(tmp_path: Path) -> None:
    """The UE's SEND arrives before the core peer connected: held, then delivered."""
    ue = write_certificate(tmp_path)
    async with AGW() as agw:
        call = await originating_call(
            agw, (ue.fingerprint,), None, core=local(Side.CORE, setup=Setup.PASSIVE)
        )
        user = MSRPEndpoint(UE_URI, CORE_URI)
        await user.connect("127.0.0.1", call.access.port, tls=client_context(ue))
        sending = asyncio.ensure_future(user.send_message(b"early bird", timeout=10))
        await asyncio.sleep(SETTLE)
        assert agw.counters.octets_relayed == 0
        core = MSRPEndpoint(CORE_URI, UE_URI)
        await core.connect("127.0.0.1", call.core.port)
        assert await sending == [200]
        (message,) = await core.wait_messages(1)
        assert bytes(message.body) == b"early bird"
        await user.close()
        await core.close()


@asynctest
async def test_ipv6_realms(tmp_path: Path) -> None:
    ue = write_certificate(tmp_path)
    realm = RealmConfig(address="::1")
    core = MSRPEndpoint(CORE_URI, UE_URI)
    core_port = await core.listen("::1")
    async with AGW(AGWConfig(realms={"access": realm, "core": realm})) as agw:
        result = await run(
            agw,
            None,
            reserve(
                1,
                Side.ACCESS,
                local(Side.ACCESS, setup=Setup.PASSIVE, path=True),
                remote(fingerprints=(ue.fingerprint,)),
            ),
            reserve(1, Side.CORE, local(Side.CORE, setup=Setup.ACTIVE), remote("::1", core_port)),
        )
        access = reserved(result, 0)
        assert access.address == "::1"
        assert access.path[0].host == "[::1]"
        user = MSRPEndpoint(UE_URI, CORE_URI)
        await user.connect("::1", access.port, tls=client_context(ue))
        assert await user.send_message(b"over IPv6") == [200]
        await user.close()
    await core.close()


@asynctest
async def test_source_filtering_refuses_and_keeps_listening(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    elsewhere = RealmConfig(allowed_sources=("192.0.2.0/24",))
    loopback = RealmConfig(allowed_sources=("127.0.0.0/8",))
    config = AGWConfig(realms={"access": elsewhere, "core": RealmConfig(), "lo": loopback})
    async with AGW(config) as agw:
        pinned = remote(fingerprints=(ue.fingerprint,))
        result = await run(
            agw,
            None,
            reserve(1, Side.ACCESS, local(Side.ACCESS, setup=Setup.PASSIVE), pinned),
            reserve(2, Side.ACCESS, local(Side.ACCESS, setup=Setup.PASSIVE, realm="lo"), pinned),
        )
        for attempt in range(2):  # refused, and the port still listens for the right peer
            reader, writer = await asyncio.open_connection("127.0.0.1", reserved(result, 0).port)
            assert await asyncio.wait_for(reader.read(), 5) == b""
            writer.close()
            await writer.wait_closed()
            assert agw.counters.connections_rejected == attempt + 1
        _, writer = await asyncio.open_connection("127.0.0.1", reserved(result, 1).port)
        await wait_until(lambda: agw.counters.connections_accepted == 1, 5)
        writer.close()
        await writer.wait_closed()
    await leaks.check()


@asynctest
async def test_one_connection_per_termination(tmp_path: Path) -> None:
    ue = write_certificate(tmp_path)
    async with AGW() as agw:
        call = await originating_call(agw, (ue.fingerprint,), None)
        _, first = await asyncio.open_connection("127.0.0.1", call.access.port)
        await wait_until(lambda: agw.counters.connections_accepted == 1, 5)
        # The listening socket is gone once the termination has its connection.
        try:
            _, second = await asyncio.open_connection("127.0.0.1", call.access.port)
        except ConnectionRefusedError:
            pass
        else:
            second.close()
            raise AssertionError("a second connection was accepted")
        first.close()
        await first.wait_closed()


@asynctest
async def test_match_peer_accepts_only_the_negotiated_address(tmp_path: Path) -> None:
    leaks = LeakCheck()
    strict = RealmConfig(match_peer=True)
    config = AGWConfig(realms={"access": RealmConfig(), "core": strict})
    async with AGW(config) as agw:
        core_local = local(Side.CORE, setup=Setup.PASSIVE)
        result = await run(
            agw,
            None,
            reserve(1, Side.CORE, core_local, remote("192.0.2.7", 2855)),
            reserve(2, Side.CORE, core_local, remote("127.0.0.1", 2855)),
            reserve(3, Side.CORE, core_local),
        )
        context = result.context
        # Stream 1 negotiated 192.0.2.7: a connection from 127.0.0.1 is refused.
        reader, writer = await asyncio.open_connection("127.0.0.1", reserved(result, 0).port)
        assert await asyncio.wait_for(reader.read(), 5) == b""
        writer.close()
        await writer.wait_closed()
        assert agw.counters.connections_rejected == 1
        # Stream 2 negotiated 127.0.0.1: accepted.
        _, writer2 = await asyncio.open_connection("127.0.0.1", reserved(result, 1).port)
        await wait_until(lambda: agw.counters.connections_accepted == 1, 5)
        # Stream 3: accepted while the peer was unknown, dropped once SDP names another peer.
        reader3, writer3 = await asyncio.open_connection("127.0.0.1", reserved(result, 2).port)
        await wait_until(lambda: agw.counters.connections_accepted == 2, 5)
        term3 = reserved(result, 2).termination
        await run(
            agw,
            context,
            configure(term3, 3, Side.CORE, core_local, remote("192.0.2.9", 2855)),
        )
        assert await asyncio.wait_for(reader3.read(), 5) == b""
        assert agw.counters.connections_rejected == 2
        for w in (writer2, writer3):
            w.close()
            await w.wait_closed()
    await leaks.check()


@asynctest
async def test_a_ue_that_never_connects_is_reported_and_released(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    notes = Notifications()
    config = AGWConfig(establishment_timeout=0.3)
    async with AGW(config, on_notification=notes) as agw:
        call = await originating_call(agw, (ue.fingerprint,), None)
        await wait_until(lambda: bool(notes.items), 5)
        [note] = notes.items
        assert isinstance(note, BearerReleased)
        assert note.cause == "establishment-timeout"
        assert note.termination in (call.access.termination, call.core.termination)
        assert agw.counters.bearers_released == 1
    await leaks.check()
