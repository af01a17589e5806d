"""MSRP through the AGW with independent TLS peers as the UE and an RFC 4975 core peer.

UE as TLS client (the AGW is TLS server and pins the client certificate): openssl
s_client and gnutls-cli. UE as TLS server (the AGW connects and is TLS client, the UE
pins the AGW's certificate): openssl s_server and socat. TLS 1.2 and 1.3 each. What
the UE sends reaches the plain TCP core peer byte for byte, and back.
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
from pathlib import Path

import attrs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from imsalg.agw import AGW, AGWConfig, TLSProfile, TLSVersion
from imsalg.iq.procedures import BearerReleased, ConnectionPointReserved, Side, TerminationReleased
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI
from tests.msrp_endpoint import MSRPEndpoint, build_send, parse_frames
from tests.peers import require_peer

from .helpers import (
    LeakCheck,
    Notifications,
    Peer,
    PeerCertificate,
    TCPSink,
    asynctest,
    configure,
    free_port,
    local,
    originating_call,
    release,
    remote,
    reserve,
    reserved,
    run,
    wait_listening,
    wait_until,
    write_certificate,
)

pytestmark = pytest.mark.peers

CORE_URI = MSRPURI.parse("msrp://127.0.0.1:2855/core-session;tcp")
UE_URI = MSRPURI.parse("msrps://ue.example.invalid:2855/ue-session;tcp")
# A body that tries everything RFC 4975 framing allows: CRLFs, a fake end-line, binary.
AWKWARD = b"line1\r\n\r\n-------notmine$\r\n" + bytes(range(256)) * 16 + b"\r\n-------"


def ue_frames() -> tuple[bytes, list[bytes]]:
    """What the UE sends: one SEND, then a message in three chunks."""
    frames = [build_send(CORE_URI, UE_URI, b"Hello core, are you there?", message_id="m-1")[1]]
    offset = 1
    pieces = [AWKWARD[:1000], AWKWARD[1000:3000], AWKWARD[3000:]]
    for index, piece in enumerate(pieces):
        frames.append(
            build_send(
                CORE_URI,
                UE_URI,
                piece,
                message_id="m-2",
                start=offset,
                total=len(AWKWARD),
                last=index == 2,
                content_type="application/octet-stream",
            )[1]
        )
        offset += len(piece)
    return b"".join(frames), frames


def certificate_fingerprint(pem: bytes) -> Fingerprint:
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return Fingerprint.of_certificate(der)


def established_version(caplog: pytest.LogCaptureFixture) -> str:
    for record in caplog.records:
        match = re.search(r"TLS established \((TLSv1\.[23])", record.getMessage())
        if match:
            return match[1]
    raise AssertionError("no TLS session was established")


@pytest.mark.parametrize("version", ["1.2", "1.3"])
@pytest.mark.parametrize("program", ["openssl", "gnutls-cli"])
@asynctest
async def test_ue_tls_client_to_plain_core(
    program: str, version: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = require_peer(program)
    caplog.set_level(logging.INFO, logger="imsalg.agw")
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    notes = Notifications()
    core = MSRPEndpoint(CORE_URI, UE_URI)
    core_port = await core.listen()
    async with AGW(on_notification=notes) as agw:
        call = await originating_call(agw, (ue.fingerprint,), core_port)
        context, access, core_term = call.context, call.access, call.core
        agw_pem = agw.local_certificate(context, access.termination)
        assert agw_pem is not None
        assert certificate_fingerprint(agw_pem) == access.fingerprint
        (tmp_path / "agw.crt").write_bytes(agw_pem)
        if program == "openssl":
            # -CAfile with -verify_return_error: the UE accepts only the AGW's own certificate.
            argv = [
                path, "s_client", "-connect", f"127.0.0.1:{access.port}",
                "-cert", str(ue.cert), "-key", str(ue.key), "-quiet", "-no_ign_eof",
                "-CAfile", str(tmp_path / "agw.crt"), "-verify_return_error",
                f"-tls{version.replace('.', '_')}",
            ]  # fmt: skip
        else:
            argv = [
                path, "--x509certfile", str(ue.cert), "--x509keyfile", str(ue.key),
                "--insecure", "--print-cert", "-p", str(access.port), "127.0.0.1",
                f"--priority=NORMAL:-VERS-ALL:+VERS-TLS{version}",
            ]  # fmt: skip
        async with Peer(*argv) as peer:
            sent, frames = ue_frames()
            peer.write(sent)
            messages = await core.wait_messages(2)
            assert [bytes(m.body) for m in messages] == [b"Hello core, are you there?", AWKWARD]
            assert core.rejected == []
            # Byte-exact toward the core, and the four 200s back to the UE.
            assert bytes(core.raw_received) == sent
            _, core_send = build_send(UE_URI, CORE_URI, b"Hello UE \r\n\xff", message_id="c-1")
            core.write_raw(core_send)
            expected = bytes(core.raw_sent)
            marker = b"- Simple Client Mode:\n\n" if program != "openssl" else b""
            await wait_until(lambda: bytes(peer.stdout).endswith(expected), 10)
            data = bytes(peer.stdout).split(marker, 1)[1] if marker else bytes(peer.stdout)
            assert data == expected
            assert [f.status for f in parse_frames(bytearray(data))] == [200, 200, 200, 200, None]
            if program != "openssl":
                pem = re.search(
                    rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", peer.stdout, re.S
                )
                assert pem is not None
                assert certificate_fingerprint(pem[0]) == access.fingerprint
            # The UE ends TLS (close_notify): both legs go, the ALG hears of it once.
            assert peer.process is not None
            assert peer.process.stdin is not None
            peer.process.stdin.close()
            await notes.wait(1)
            await core.closed.wait()
            assert notes.items == [
                BearerReleased(context=context, termination=access.termination, cause="tls-closed")
            ]
        assert established_version(caplog) == f"TLSv{version}"
        gone = await run(agw, context, release("*"))
        stats = {
            r.termination: r.statistics for r in gone.results if isinstance(r, TerminationReleased)
        }
        acc, cor = stats[access.termination], stats[core_term.termination]
        assert (acc.octets_in, acc.octets_out) == (len(sent), len(expected))
        assert (cor.octets_in, cor.octets_out) == (len(expected), len(sent))
        assert (acc.messages_in, acc.messages_out) == (len(frames), 5)
        assert (cor.messages_in, cor.messages_out) == (5, len(frames))
    await core.close()
    await leaks.check()


async def ue_passive_stream(
    agw: AGW, ue: PeerCertificate, core_port: int, tmp_path: Path
) -> tuple[str, ConnectionPointReserved]:
    """The terminating case: the AGW offered actpass, the UE answered passive (so the
    AGW is TCP active and TLS client). The UE's certificate PEM goes to tmp_path."""
    result = await run(
        agw,
        None,
        reserve(1, Side.ACCESS, local(Side.ACCESS, setup=Setup.ACTPASS, fingerprint=True)),
        reserve(1, Side.CORE, local(Side.CORE, setup=Setup.ACTIVE), remote("127.0.0.1", core_port)),
    )
    access = reserved(result, 0)
    pem = agw.local_certificate(result.context, access.termination)
    assert pem is not None
    (tmp_path / "agw.crt").write_bytes(pem)
    return result.context, access


async def answer_passive(
    agw: AGW, context: str, access: ConnectionPointReserved, ue: PeerCertificate, port: int
) -> None:
    """Configure with the UE's answer: passive at 127.0.0.1:port, start TLS (CR-5)."""
    await run(
        agw,
        context,
        configure(
            access.termination,
            1,
            Side.ACCESS,
            local(Side.ACCESS, setup=Setup.ACTIVE, establish_tls=True),
            remote("127.0.0.1", port, fingerprints=(ue.fingerprint,), setup=Setup.PASSIVE),
        ),
    )


def profile(version: str) -> AGWConfig:
    if version == "1.2":
        return AGWConfig(tls=TLSProfile(max_version=TLSVersion.TLS1_2))
    return AGWConfig(tls=TLSProfile(min_version=TLSVersion.TLS1_3))


@pytest.mark.parametrize("version", ["1.2", "1.3"])
@asynctest
async def test_openssl_s_server_as_passive_ue(
    version: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    openssl = require_peer("openssl")
    caplog.set_level(logging.INFO, logger="imsalg.agw")
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    core = MSRPEndpoint(CORE_URI, UE_URI)
    core_port = await core.listen()
    async with AGW(profile(version)) as agw:
        context, access = await ue_passive_stream(agw, ue, core_port, tmp_path)
        port = free_port()
        argv = [
            openssl, "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", "1",
            "-cert", str(ue.cert), "-key", str(ue.key), "-quiet",
            "-Verify", "1", "-CAfile", str(tmp_path / "agw.crt"), "-verify_return_error",
        ]  # fmt: skip
        async with Peer(*argv) as peer:
            await wait_listening(port)
            await answer_passive(agw, context, access, ue, port)
            await core.connected.wait()
            # Core → UE: a SEND; the UE (its stdin) answers 200 and sends one of its own.
            task = asyncio.ensure_future(core.send_message(b"to the UE", timeout=10))
            await wait_until(lambda: b"-------" in peer.stdout, 10)
            (request,) = parse_frames(bytearray(peer.stdout))
            assert bytes(peer.stdout) == bytes(core.raw_sent)
            reply = (
                f"MSRP {request.transact_id} 200 OK\r\nTo-Path: {CORE_URI}\r\n"
                f"From-Path: {UE_URI}\r\n-------{request.transact_id}$\r\n"
            ).encode()
            sent, _ = ue_frames()
            peer.write(reply + sent)
            assert await task == [200]
            await core.wait_messages(2)
            assert bytes(core.raw_received).startswith(reply + sent)
        assert established_version(caplog) == f"TLSv{version}"
    await core.close()
    await leaks.check()


@pytest.mark.parametrize("version", ["1.2", "1.3"])
@asynctest
async def test_socat_openssl_listen_echo_as_passive_ue(
    version: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    socat = require_peer("socat")
    caplog.set_level(logging.INFO, logger="imsalg.agw")
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    sink = TCPSink()
    core_port = await sink.start()
    async with AGW(profile(version)) as agw:
        context, access = await ue_passive_stream(agw, ue, core_port, tmp_path)
        port = free_port()
        listen = (
            f"OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,cert={ue.cert},key={ue.key},"
            f"cafile={tmp_path / 'agw.crt'},verify=1"
        )
        async with Peer(socat, listen, "PIPE") as _:
            await wait_listening(port)
            await answer_passive(agw, context, access, ue, port)
            await sink.accepted.wait()
            # A big chunked message from the core, echoed by the UE: every byte comes back.
            frames = [
                build_send(
                    UE_URI, CORE_URI, bytes([n % 251]) * 65536, message_id="big",
                    start=1 + n * 65536, total=64 * 65536, last=n == 63,
                )[1]
                for n in range(64)
            ]  # fmt: skip
            data = b"".join(frames)
            sink.write(data)
            await wait_until(lambda: len(sink.received) >= len(data), 20)
            assert bytes(sink.received) == data
        assert established_version(caplog) == f"TLSv{version}"
        gone = await run(agw, context, release("*"))
        by_id = {
            r.termination: r.statistics for r in gone.results if isinstance(r, TerminationReleased)
        }
        assert by_id[access.termination].messages_out == 64
        assert by_id[access.termination].messages_in == 64
        assert by_id[access.termination].octets_in == len(data)
    await sink.close()
    await leaks.check()


@asynctest
async def test_stdlib_ssl_client_sees_the_reserved_fingerprint(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A third TLS stack (Python's ssl) checks the AGW certificate by fingerprint; and
    nothing the AGW logs, even at debug level, contains a private key."""
    caplog.set_level(logging.DEBUG, logger="imsalg.agw")
    ue = write_certificate(tmp_path)
    core = MSRPEndpoint(CORE_URI, UE_URI)
    core_port = await core.listen()
    async with AGW() as agw:
        access = (await originating_call(agw, (ue.fingerprint,), core_port)).access
        client = MSRPEndpoint(UE_URI, CORE_URI)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.load_cert_chain(ue.cert, ue.key)
        await client.connect("127.0.0.1", access.port, tls=context)
        assert await client.send_message(b"ping") == [200]
        der = client.peer_certificate
        assert der is not None
        assert access.fingerprint is not None
        assert access.fingerprint.matches(der)
        await client.close()
    await core.close()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "TLS established" in logged
    assert "PRIVATE KEY" not in logged
    key_body = "".join(ue.key_pem.decode().splitlines()[1:-1])
    assert key_body[:40] not in logged.replace("\n", "")


def test_profile_rejects_empty_suites() -> None:
    with pytest.raises(ValueError, match=r"no TLS 1\.3 suite"):
        TLSProfile(ciphersuites=())
    with pytest.raises(ValueError, match="min_version is above"):
        TLSProfile(min_version=TLSVersion.TLS1_3, max_version=TLSVersion.TLS1_2)
    with pytest.raises(ValueError, match=r"no TLS 1\.2 cipher"):
        attrs.evolve(TLSProfile(), ciphers=())
