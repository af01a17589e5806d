"""TLSSession on memory BIOs, peer to peer in one process: the direct cffi data path and
the public-method fallback behave the same (large writes, close_notify, mismatch)."""

from __future__ import annotations

import hashlib
import os

import pytest

import imsalg.agw.tls as tls
from imsalg.agw.certs import mint_certificate
from imsalg.agw.tls import TLSCredentials, TLSFailure, TLSProfile, TLSSession, TLSVersion
from imsalg.sdp.fingerprint import Fingerprint

CLIENT = mint_certificate("client")


@pytest.fixture(params=["direct", "public"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "direct":
        if not tls._DIRECT:
            pytest.skip("pyOpenSSL internals not available")
    else:
        monkeypatch.setattr(tls, "_DIRECT", False)
    return str(request.param)


def pair(
    version: TLSVersion, *, wrong: bool = False, pins: list[Fingerprint] | None = None
) -> tuple[TLSSession, TLSSession]:
    profile = TLSProfile(min_version=version, max_version=version)
    context, spare = tls.build_context(profile), tls.build_context(profile)
    server_id = TLSCredentials.of(mint_certificate("server"))
    client_id = TLSCredentials.of(CLIENT)
    pinned = TLSCredentials.of(mint_certificate("other")) if wrong else client_id
    fingerprints = pins if pins is not None else [pinned.fingerprint()]
    server = TLSSession(context, server_id, fingerprints, server=True, spare=spare)
    client = TLSSession(context, client_id, [server_id.fingerprint()], server=False, spare=spare)
    # Established sessions no longer need the credentials in OpenSSL form.
    server_id.release()
    client_id.release()
    return server, client


def handshake(server: TLSSession, client: TLSSession) -> None:
    client.start()
    wire = client.data_to_send()
    for _ in range(5):
        server.receive(wire)
        wire = server.data_to_send()
        if wire:
            client.receive(wire)
        wire = client.data_to_send()
        if server.established and client.established:
            return
    raise AssertionError("no handshake")


@pytest.mark.parametrize("piece", [1000, tls._PIECE])
@pytest.mark.parametrize("version", list(TLSVersion))
def test_data_both_ways_and_close_notify(
    path: str, version: TLSVersion, piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tls, "_PIECE", piece)  # BIO_write/SSL_write pieces, any size
    server, client = pair(version)
    handshake(server, client)
    big = os.urandom(3 * 1024 * 1024 + 17)  # more than one scratch buffer at once
    wire = client.send(memoryview(bytearray(big)))
    received = b"".join(server.receive(wire[i : i + 70000]) for i in range(0, len(wire), 70000))
    assert received == big
    # The server's deferred TLS 1.3 tickets ride with its first write.
    assert client.receive(server.send(b"pong")) == b"pong"
    assert client.receive(server.send(b"")) == b""
    # Data, then close_notify, in one read: the data comes out and the close is seen.
    last = client.send(b"bye") + client.close()
    assert server.receive(last) == b"bye"
    assert server.peer_closed
    server.release()
    client.release()


def test_fingerprint_mismatch_aborts_with_an_alert(path: str) -> None:
    server, client = pair(TLSVersion.TLS1_3, wrong=True)
    client.start()
    server.receive(client.data_to_send())
    client.receive(server.data_to_send())
    with pytest.raises(TLSFailure) as failure:
        server.receive(client.data_to_send())
    assert failure.value.cause == "fingerprint-mismatch"
    assert server.flush()  # the alert
    assert not server.established


def test_released_credentials_are_made_again_for_the_next_handshake() -> None:
    credentials = TLSCredentials.of(mint_certificate("again"))
    first = credentials.certificate
    credentials.release()
    assert credentials.certificate is not first  # made again from the DER
    assert credentials.pem().startswith(b"-----BEGIN CERTIFICATE-----\n")
    assert "PRIVATE" not in repr(credentials)
    for _ in range(2):
        server, client = pair(TLSVersion.TLS1_3)
        handshake(server, client)


@pytest.mark.parametrize(
    ("pins", "verdict"),
    [
        ([CLIENT.fingerprint("sha-1")], None),
        ([CLIENT.fingerprint("sha-384")], None),
        ([CLIENT.fingerprint("sha-512")], None),
        # Any usable one matching is enough; an md5 one is ignored (RFC 8122 §5).
        (
            [
                Fingerprint("md5", hashlib.md5(CLIENT.der).digest()),
                Fingerprint("sha-256", bytes(32)),
                CLIENT.fingerprint("sha-224"),
            ],
            None,
        ),
        ([Fingerprint("md5", hashlib.md5(CLIENT.der).digest())], "no-usable-fingerprint"),
        (
            [Fingerprint("sha-256", bytes(32)), Fingerprint("sha-1", bytes(20))],
            "fingerprint-mismatch",
        ),
    ],
)
def test_the_leaf_is_pinned_by_any_usable_hash(
    path: str, pins: list[Fingerprint], verdict: str | None
) -> None:
    server, client = pair(TLSVersion.TLS1_3, pins=pins)
    if verdict is None:
        handshake(server, client)
        return
    client.start()
    server.receive(client.data_to_send())
    client.receive(server.data_to_send())
    with pytest.raises(TLSFailure) as failure:
        server.receive(client.data_to_send())
    assert failure.value.cause == verdict
    assert not server.established


@pytest.mark.parametrize("version", list(TLSVersion))
def test_wire_bytes_in_any_pieces(path: str, version: TLSVersion) -> None:
    # Flights and records split anywhere, down to one octet: nothing is lost or doubled.
    server, client = pair(version)
    client.start()
    flight = client.data_to_send()
    sizes = [1, 2, 3, 5, 7, 11, 13, 17000, 1]
    while not (server.established and client.established):
        for index in range(0, len(flight)):
            server.receive(flight[index : index + 1])
        back = server.data_to_send()
        if back:
            client.receive(back)
        flight = client.data_to_send()
        if not flight and not server.established:
            raise AssertionError("stuck")
    data = os.urandom(200_000)
    wire = client.send(data)
    received, pos, turn = [], 0, 0
    while pos < len(wire):
        size = sizes[turn % len(sizes)]
        received.append(server.receive(wire[pos : pos + size]))
        pos, turn = pos + size, turn + 1
    assert b"".join(received) == data


@pytest.mark.parametrize("version", list(TLSVersion))
def test_an_established_session_lets_go_of_the_outgoing_buffer(version: TLSVersion) -> None:
    # A memory BIO keeps its largest buffer for good: the one that carried the
    # handshake flights, or a large write, is swapped for an empty one once drained.
    if not tls._DIRECT:
        pytest.skip("pyOpenSSL internals not available")
    server, client = pair(version)
    flights = server._connection._from_ssl
    handshake(server, client)
    if version is TLSVersion.TLS1_3:
        # The tickets wait in the BIO for the next write: it must stay until then.
        assert server._connection._from_ssl == flights
    assert client.receive(server.send(b"200 OK")) == b"200 OK"
    small = server._connection._from_ssl
    assert small != flights
    assert client.receive(server.send(b"x" * 100)) == b"x" * 100
    assert server._connection._from_ssl == small  # small writes reuse the buffer
    big = os.urandom(tls._OUT_KEEP * 40)
    assert client.receive(server.send(big)) == big
    assert server._connection._from_ssl != small
    assert server.receive(client.send(b"more")) == b"more"
    assert client.receive(server.send(b"after")) == b"after"  # the new BIO works
    last = server.close()
    assert client.receive(last) == b""
    assert client.peer_closed
    server.release()
    client.release()
