"""Failures end the same way: both legs closed, one notification, nothing relayed, no leak.

Each case checks that the core peer received zero bytes (or exactly what was sent
before the failure), that the UE saw the connection end, which notification the
IMS-ALG got, and that no file descriptor or task is left once the AGW is closed.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import struct
from pathlib import Path

import pytest

from imsalg.agw import AGW, AGWConfig
from imsalg.iq.procedures import (
    BearerReleased,
    Establishment,
    GatewayNotification,
    Side,
    TLSSetupFailed,
)
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import Fingerprint
from tests.peers import require_peer

from .helpers import (
    LeakCheck,
    Notifications,
    Peer,
    PeerCertificate,
    TCPSink,
    asynctest,
    client_context,
    free_port,
    local,
    originating_call,
    release,
    remote,
    reserve,
    run,
    wait_listening,
    write_certificate,
)

SEND = (
    b"MSRP f00dcafe SEND\r\nTo-Path: msrp://127.0.0.1:2855/core;tcp\r\n"
    b"From-Path: msrps://ue.invalid:2855/ue;tcp\r\nMessage-ID: 1\r\nByte-Range: 1-5/5\r\n"
    b"Content-Type: text/plain\r\n\r\nhello\r\n-------f00dcafe$\r\n"
)


async def s_client(
    port: int, certificate: PeerCertificate | None, version: str, data: bytes = SEND
) -> tuple[int, bytes]:
    """Run s_client as the UE; return its exit status and stderr."""
    openssl = require_peer("openssl")
    argv = [openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-quiet", "-no_ign_eof"]
    if certificate is not None:
        argv += ["-cert", str(certificate.cert), "-key", str(certificate.key)]
    argv.append(f"-tls{version.replace('.', '_')}")
    async with Peer(*argv) as peer:
        peer.write(data)
        status = await peer.wait_exit(15)
        await peer.stop()
        return status, bytes(peer.stderr)


async def finish(
    agw: AGW, context: str, sink: TCPSink, notes: Notifications
) -> list[GatewayNotification]:
    """Common end: the core leg is closed, nothing reached the core, release is clean."""
    await asyncio.wait_for(sink.eof.wait() if sink.connections else asyncio.sleep(0), 10)
    assert bytes(sink.received) == b""
    await asyncio.sleep(0.05)  # no second notification follows
    items = list(notes.items)
    await run(agw, context, release("*"))
    return items


@pytest.mark.peers
@pytest.mark.parametrize("version", ["1.2", "1.3"])
@asynctest
async def test_wrong_fingerprint_aborts_the_handshake(version: str, tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path, "ue")
    other = write_certificate(tmp_path, "other")
    sink = TCPSink()
    notes = Notifications()
    async with AGW(on_notification=notes) as agw:
        call = await originating_call(agw, (other.fingerprint,), await sink.start())
        context, access = call.context, call.access
        await sink.accepted.wait()  # initiate: the core leg is up before the UE comes
        status, stderr = await s_client(access.port, ue, version)
        await notes.wait(1)
        items = await finish(agw, context, sink, notes)
    assert items == [
        TLSSetupFailed(
            context=context, termination=access.termination, cause="fingerprint-mismatch"
        )
    ]
    assert status != 0
    # OpenSSL sends the alert of the X.509 error it saw (48 unknown CA for self-signed).
    assert b"alert" in stderr
    await sink.close()
    await leaks.check()


@pytest.mark.peers
@pytest.mark.parametrize("version", ["1.2", "1.3"])
@asynctest
async def test_missing_client_certificate(version: str, tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    sink = TCPSink()
    notes = Notifications()
    async with AGW(on_notification=notes) as agw:
        call = await originating_call(agw, (ue.fingerprint,), await sink.start())
        context, access = call.context, call.access
        await sink.accepted.wait()
        status, stderr = await s_client(access.port, None, version)
        await notes.wait(1)
        items = await finish(agw, context, sink, notes)
    assert items == [
        TLSSetupFailed(context=context, termination=access.termination, cause="no-certificate")
    ]
    assert status != 0
    if version == "1.3":
        assert b"certificate required" in stderr  # alert 116
    await sink.close()
    await leaks.check()


@pytest.mark.peers
@asynctest
async def test_md5_only_fingerprint_is_unusable(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    md5 = Fingerprint("md5", hashlib.md5(ue.der).digest())
    sink = TCPSink()
    notes = Notifications()
    async with AGW(on_notification=notes) as agw:
        call = await originating_call(agw, (md5,), await sink.start())
        context, access = call.context, call.access
        await sink.accepted.wait()
        status, _ = await s_client(access.port, ue, "1.3")
        await notes.wait(1)
        items = await finish(agw, context, sink, notes)
    assert items == [
        TLSSetupFailed(
            context=context, termination=access.termination, cause="no-usable-fingerprint"
        )
    ]
    assert status != 0
    await sink.close()
    await leaks.check()


@pytest.mark.parametrize("partial", [b"", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"])
@asynctest
async def test_handshake_that_never_finishes_times_out(partial: bytes, tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    sink = TCPSink()
    notes = Notifications()
    async with AGW(AGWConfig(handshake_timeout=0.3), on_notification=notes) as agw:
        call = await originating_call(agw, (ue.fingerprint,), await sink.start())
        context, access = call.context, call.access
        reader, writer = await asyncio.open_connection("127.0.0.1", access.port)
        writer.write(partial)  # nothing, or the first bytes of a ClientHello, then silence
        await notes.wait(1)
        assert await asyncio.wait_for(reader.read(), 5) == b""  # the AGW closed the TCP
        writer.close()
        await writer.wait_closed()
        items = await finish(agw, context, sink, notes)
    assert items == [
        TLSSetupFailed(context=context, termination=access.termination, cause="handshake-timeout")
    ]
    await sink.close()
    await leaks.check()


@asynctest
async def test_peer_reset_mid_stream_releases_both_legs(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    sink = TCPSink()
    notes = Notifications()
    async with AGW(on_notification=notes) as agw:
        call = await originating_call(agw, (ue.fingerprint,), await sink.start())
        context, access = call.context, call.access
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", access.port, ssl=client_context(ue), server_hostname=""
        )
        writer.write(SEND)
        await asyncio.wait_for(_until(lambda: len(sink.received) == len(SEND)), 10)
        raw = writer.get_extra_info("socket")
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()  # close with linger 0: the kernel sends RST
        await notes.wait(1)
        await asyncio.wait_for(sink.eof.wait(), 10)
        assert bytes(sink.received) == SEND
        items = list(notes.items)
        await run(agw, context, release("*"))
    assert items == [
        BearerReleased(context=context, termination=access.termination, cause="peer-reset")
    ]
    del reader
    await sink.close()
    await leaks.check()


@asynctest
async def test_core_refusing_the_connection_releases_the_stream(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        refused_port = closed_port.getsockname()[1]  # bound, never listening: refused
        notes = Notifications()
        async with AGW(on_notification=notes) as agw:
            call = await originating_call(
                agw,
                (ue.fingerprint,),
                refused_port,
                core=local(Side.CORE, setup=Setup.ACTIVE, establishment=Establishment.TRIGGER),
            )
            context, access, core = call.context, call.access, call.core
            # The UE's connection triggers the core connection, which is refused.
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", access.port, ssl=client_context(ue), server_hostname=""
            )
            writer.write(SEND)
            await notes.wait(1)
            # The UE leg is closed too (TLS close_notify, then FIN).
            assert await asyncio.wait_for(reader.read(), 5) == b""
            writer.close()
            items = list(notes.items)
            await run(agw, context, release("*"))
    assert items == [
        BearerReleased(context=context, termination=core.termination, cause="connect-refused")
    ]
    assert access.termination != core.termination
    await leaks.check()


async def _until(condition: object) -> None:
    while not callable(condition) or not condition():
        await asyncio.sleep(0.01)


@pytest.mark.peers
@pytest.mark.parametrize("version", ["1.2", "1.3"])
@asynctest
async def test_ue_rejecting_the_agw_certificate_is_a_setup_failure(
    version: str, tmp_path: Path
) -> None:
    """The AGW is TLS client; the UE (s_server) pins another certificate and says so."""
    openssl = require_peer("openssl")
    ue = write_certificate(tmp_path)
    stranger = write_certificate(tmp_path, "stranger")
    sink = TCPSink()
    notes = Notifications()
    leaks = LeakCheck()
    port = free_port()
    argv = [
        openssl, "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", "1",
        "-cert", str(ue.cert), "-key", str(ue.key), "-quiet", "-Verify", "1",
        "-CAfile", str(stranger.cert), "-verify_return_error", f"-tls{version.replace('.', '_')}",
    ]  # fmt: skip
    async with Peer(*argv), AGW(on_notification=notes) as agw:
        await wait_listening(port)
        result = await run(
            agw,
            None,
            reserve(
                1,
                Side.ACCESS,
                local(Side.ACCESS, setup=Setup.ACTIVE, establish_tls=True),
                remote("127.0.0.1", port, fingerprints=(ue.fingerprint,)),
            ),
            reserve(
                1,
                Side.CORE,
                local(Side.CORE, setup=Setup.ACTIVE),
                remote("127.0.0.1", await sink.start()),
            ),
        )
        await notes.wait(1)
        items = await finish(agw, result.context, sink, notes)
    assert items == [
        TLSSetupFailed(
            context=result.context, termination=f"msrp/{result.context}/1/acc", cause="peer-alert"
        )
    ]
    await sink.close()
    await leaks.check()


@pytest.mark.peers
@asynctest
async def test_no_session_resumption_across_streams(tmp_path: Path) -> None:
    """A session from one stream cannot be resumed on another to skip its fingerprint
    check: stream 2 pins another UE certificate, so its full handshake must fail."""
    openssl = require_peer("openssl")
    ue = write_certificate(tmp_path, "ue")
    other = write_certificate(tmp_path, "other")
    notes = Notifications()
    session = tmp_path / "session.pem"
    sink = TCPSink()
    async with AGW(on_notification=notes) as agw:
        first = await originating_call(agw, (ue.fingerprint,), await sink.start())
        second = await originating_call(agw, (other.fingerprint,), None)
        argv = [openssl, "s_client", "-quiet", "-no_ign_eof"]
        argv += ["-cert", str(ue.cert), "-key", str(ue.key)]
        connect = ["-connect", f"127.0.0.1:{first.access.port}", "-sess_out", str(session)]
        async with Peer(*argv, *connect) as peer:
            peer.write(SEND)
            await asyncio.wait_for(_until(lambda: len(sink.received) == len(SEND)), 10)
            sink.write(b"!")  # data toward the UE carries the TLS 1.3 tickets along
            await peer.wait_output(b"!")
        await notes.wait(1)
        assert session.stat().st_size > 0  # the UE holds a session it could try to resume
        status, _ = await s_client_resume(argv, second.access.port, session)
        await notes.wait(2)
    assert status != 0
    assert notes.items[1] == TLSSetupFailed(
        context=second.context, termination=second.access.termination, cause="fingerprint-mismatch"
    )
    await sink.close()


async def s_client_resume(argv: list[str], port: int, session: Path) -> tuple[int, bytes]:
    async with Peer(*argv, "-connect", f"127.0.0.1:{port}", "-sess_in", str(session)) as peer:
        peer.write(SEND)
        status = await peer.wait_exit(15)
        return status, bytes(peer.stderr)
