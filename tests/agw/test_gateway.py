"""Iq procedures on the AGW without media: what a reserve returns, ids, errors, release."""

from __future__ import annotations

import asyncio
import hashlib
import socket

import attrs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from imsalg.agw import AGW, AGWConfig, H248Code, RealmConfig
from imsalg.iq.procedures import (
    ConnectionPointConfigured,
    GatewayFailure,
    GatewayRequest,
    MSRPMode,
    Side,
    TerminationReleased,
    TerminationStatistics,
    Transport,
)
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI

from .helpers import (
    LeakCheck,
    asynctest,
    configure,
    free_port,
    local,
    refused,
    release,
    remote,
    reserve,
    reserved,
    run,
    wait_until,
)

UE_FP = Fingerprint.of_certificate(b"not a certificate", "sha-256")


@asynctest
async def test_reserve_returns_address_port_fingerprint_and_path() -> None:
    leaks = LeakCheck()
    async with AGW() as agw:
        result = await run(
            agw,
            None,
            reserve(
                1, Side.ACCESS, local(Side.ACCESS, setup=Setup.PASSIVE, fingerprint=True, path=True)
            ),
            reserve(1, Side.CORE, local(Side.CORE, setup=Setup.ACTIVE, path=True)),
        )
        access, core = reserved(result, 0), reserved(result, 1)
        assert result.context in agw.contexts()
        assert access.termination == f"msrp/{result.context}/1/acc"
        assert core.termination == f"msrp/{result.context}/1/core"
        assert (access.address, core.address) == ("127.0.0.1", "127.0.0.1")
        assert access.port > 0
        assert core.port > 0
        assert core.fingerprint is None
        # The fingerprint is the SHA-256 of the certificate the termination will present.
        pem = agw.local_certificate(result.context, access.termination)
        assert pem is not None
        der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
        assert access.fingerprint == Fingerprint("sha-256", hashlib.sha256(der).digest())
        assert agw.local_certificate(result.context, core.termination) is None
        # Own MSRP URIs: msrps on TLS, msrp on TCP, the reserved address and port.
        (acc_uri,) = access.path
        (core_uri,) = core.path
        assert (acc_uri.scheme, acc_uri.host, acc_uri.port) == ("msrps", "127.0.0.1", access.port)
        assert (core_uri.scheme, core_uri.host, core_uri.port) == ("msrp", "127.0.0.1", core.port)
        assert acc_uri.session_id
        assert core_uri.session_id
        assert acc_uri.session_id != core_uri.session_id
        assert MSRPURI.parse(str(acc_uri)) == acc_uri
        # The ports are really bound.
        with socket.socket() as probe, pytest.raises(OSError):
            probe.bind(("127.0.0.1", access.port))
    assert agw.contexts() == ()
    await leaks.check()


@asynctest
async def test_each_stream_gets_its_own_certificate_and_the_hash_asked_for() -> None:
    async with AGW(AGWConfig(cert_pool_size=2)) as agw:
        result = await run(
            agw,
            None,
            *(
                reserve(n, Side.ACCESS, local(Side.ACCESS, setup=Setup.PASSIVE, fingerprint=True))
                for n in range(1, 5)
            ),
        )
        fingerprints = {reserved(result, i).fingerprint for i in range(4)}
        assert len(fingerprints) == 4
        sha384 = attrs.evolve(
            local(Side.ACCESS, setup=Setup.PASSIVE, fingerprint=True), fingerprint_hash="SHA-384"
        )
        other = await run(agw, result.context, reserve(5, Side.ACCESS, sha384))
        fingerprint = reserved(other).fingerprint
        assert fingerprint is not None
        assert fingerprint.hash_name == "sha-384"
        assert len(fingerprint.digest) == 48


@asynctest
async def test_context_ids_are_chosen_and_a_context_ends_with_its_last_termination() -> None:
    async with AGW() as agw:
        first = await run(agw, None, reserve(1, Side.CORE, local(Side.CORE, setup=None)))
        second = await run(agw, None, reserve(1, Side.CORE, local(Side.CORE, setup=None)))
        assert first.context != second.context
        added = await run(
            agw, first.context, reserve(2, Side.CORE, local(Side.CORE, setup=Setup.HOLDCONN))
        )
        assert added.context == first.context
        assert agw.terminations(first.context) == (
            f"msrp/{first.context}/1/core",
            f"msrp/{first.context}/2/core",
        )
        gone = await run(agw, first.context, release(f"msrp/{first.context}/1/core"))
        assert gone.results == (
            TerminationReleased(
                termination=f"msrp/{first.context}/1/core", statistics=TerminationStatistics()
            ),
        )
        assert first.context in agw.contexts()
        everything = await run(agw, first.context, release("*"))
        assert [r.termination for r in everything.results] == [f"msrp/{first.context}/2/core"]
        assert agw.contexts() == (second.context,)
        failure = await refused(agw, first.context, release("*"))
        assert failure.code == H248Code.UNKNOWN_CONTEXT


@asynctest
async def test_configure_answers_with_the_termination() -> None:
    async with AGW() as agw:
        result = await run(agw, None, reserve(1, Side.CORE, local(Side.CORE, setup=Setup.PASSIVE)))
        ident = reserved(result).termination
        configured = await run(
            agw,
            result.context,
            configure(ident, 1, Side.CORE, local(Side.CORE, setup=Setup.PASSIVE), remote()),
        )
        assert configured.results == (ConnectionPointConfigured(termination=ident),)


ACCESS = local(Side.ACCESS, setup=Setup.PASSIVE)
CORE = local(Side.CORE, setup=Setup.ACTIVE)


@pytest.mark.parametrize(
    ("procedure", "code", "text"),
    [
        (reserve(1, Side.ACCESS, attrs.evolve(ACCESS, realm="mars")), 449, "unknown realm"),
        (
            reserve(
                1, Side.CORE, attrs.evolve(CORE, transport=Transport.TCP, msrp_mode=MSRPMode.AWARE)
            ),
            449,
            "needs an MSRP transport",
        ),
        (reserve(1, Side.CORE, attrs.evolve(CORE, request_fingerprint=True)), 449, "TLS requested"),
        (reserve(1, Side.CORE, attrs.evolve(CORE, establish_tls=True)), 449, "TLS requested"),
        (
            reserve(
                1,
                Side.ACCESS,
                attrs.evolve(ACCESS, request_fingerprint=True, fingerprint_hash="md5"),
            ),
            449,
            "'md5'",
        ),
        (reserve(1, Side.CORE, attrs.evolve(CORE, address="10.9.9.9")), 449, "not the address"),
        (reserve(1, Side.CORE, attrs.evolve(CORE, heartbeat=-1)), 449, "timerx=-1"),
        (reserve(1, Side.CORE, CORE, remote("core.example.net", 2855)), 449, "not an IP address"),
        (reserve(1, Side.CORE, CORE, remote(fingerprints=(UE_FP,))), 449, "remote fingerprint"),
        (
            reserve(
                1,
                Side.CORE,
                attrs.evolve(CORE, msrp_mode=MSRPMode.AWARE),
                remote(path=(MSRPURI.parse("msrp://r:1/a;tcp"), MSRPURI.parse("msrp://p:2/b;tcp"))),
            ),
            449,
            "relays",
        ),
    ],
)
@asynctest
async def test_unsupported_values_are_refused_with_h248_codes(
    procedure: object, code: int, text: str
) -> None:
    async with AGW() as agw:
        failure = await refused(agw, None, procedure)  # type: ignore[arg-type]
        assert failure.code == code
        assert text in failure.reason
        assert failure.partial == ()
        assert agw.contexts() == ()


@asynctest
async def test_unknown_context_and_termination() -> None:
    async with AGW() as agw:
        assert (await refused(agw, "4711", release("*"))).code == H248Code.UNKNOWN_CONTEXT
        result = await run(agw, None, reserve(1, Side.CORE, CORE))
        for procedure in (
            release("msrp/x/1/core"),
            configure("msrp/x/1/core", 1, Side.CORE, CORE, remote()),
        ):
            failure = await refused(agw, result.context, procedure)
            assert failure.code == H248Code.UNKNOWN_TERMINATION
        # Configure in a new context: nothing to configure there.
        failure = await refused(agw, None, configure("msrp/1/1/core", 1, Side.CORE, CORE, remote()))
        assert failure.code == H248Code.UNKNOWN_TERMINATION


@asynctest
async def test_configure_cannot_change_what_a_termination_is() -> None:
    async with AGW() as agw:
        result = await run(agw, None, reserve(1, Side.CORE, CORE))
        ident = reserved(result).termination
        port = reserved(result).port
        for change, text in (
            (attrs.evolve(CORE, transport=Transport.TCP_TLS_MSRP), "transport"),
            (attrs.evolve(CORE, realm="access"), "realm"),
            (attrs.evolve(CORE, port=port + 1 if port < 65535 else port - 1), "port"),
        ):
            failure = await refused(
                agw, result.context, configure(ident, 1, Side.CORE, change, remote())
            )
            assert failure.code == H248Code.UNSUPPORTED_VALUE
            assert text in failure.reason
        wrong_side = await refused(
            agw, result.context, configure(ident, 1, Side.ACCESS, CORE, remote())
        )
        assert wrong_side.code == H248Code.UNSUPPORTED_VALUE


@asynctest
async def test_a_request_is_validated_as_a_whole_before_anything_happens() -> None:
    async with AGW() as agw:
        failure = await refused(
            agw,
            None,
            reserve(1, Side.CORE, CORE),
            reserve(1, Side.CORE, CORE),  # the same stream and side twice
        )
        assert failure.code == H248Code.UNSUPPORTED_VALUE
        assert "already has a termination" in failure.reason
        assert agw.contexts() == ()


@asynctest
async def test_no_free_port_is_510_and_undoes_the_request() -> None:
    base = free_port_pair()
    realms = {
        "access": RealmConfig(ports=(base, base + 1)),
        "core": RealmConfig(ports=(base, base + 1)),
    }
    leaks = LeakCheck()
    async with AGW(AGWConfig(realms=realms)) as agw:
        first = await run(agw, None, reserve(1, Side.ACCESS, ACCESS), reserve(1, Side.CORE, CORE))
        assert {reserved(first, 0).port, reserved(first, 1).port} <= {base, base + 1}
        failure = await refused(
            agw,
            None,
            reserve(1, Side.ACCESS, ACCESS),
            reserve(1, Side.CORE, CORE),
            reserve(2, Side.CORE, CORE),
        )
        assert failure.code == H248Code.INSUFFICIENT_RESOURCES
        assert failure.context is None
        assert agw.contexts() == (first.context,)
        # The ports of the refused request were given back: releasing frees the range.
        released = await run(agw, first.context, release(reserved(first, 1).termination))
        assert len(released.results) == 1
        again = await run(agw, first.context, reserve(2, Side.CORE, CORE))
        assert reserved(again).port == reserved(first, 1).port
        # A failure after a release reports the release as done (H.248.1 §8.2.2).
        partial = await refused(
            agw,
            first.context,
            release(reserved(again).termination),
            reserve(3, Side.CORE, CORE),
            reserve(4, Side.CORE, CORE),
        )
        assert partial.code == H248Code.INSUFFICIENT_RESOURCES
        assert partial.context == first.context
        assert [type(r) for r in partial.partial] == [TerminationReleased]
    await leaks.check()


def free_port_pair() -> int:
    """Two consecutive free ports below the ephemeral range (PEERS.md)."""
    for _ in range(100):
        base = free_port()
        with socket.socket() as first, socket.socket() as second:
            try:
                first.bind(("127.0.0.1", base))
                second.bind(("127.0.0.1", base + 1))
            except OSError:
                continue
            return base
    raise RuntimeError("no two free consecutive ports")


@asynctest
async def test_realms_on_one_address_never_share_a_port() -> None:
    base = free_port_pair()
    realms = {
        "access": RealmConfig(ports=(base, base + 1)),
        "core": RealmConfig(ports=(base, base + 1)),
    }
    async with AGW(AGWConfig(realms=realms)) as agw:
        # Active (not listening) terminations: the kernel would let both bind one port.
        first = await run(
            agw,
            None,
            reserve(1, Side.ACCESS, attrs.evolve(ACCESS, setup=Setup.ACTIVE)),
            reserve(1, Side.CORE, CORE),
        )
        assert {reserved(first, 0).port, reserved(first, 1).port} == {base, base + 1}
        failure = await refused(agw, None, reserve(1, Side.CORE, CORE))
        assert failure.code == H248Code.INSUFFICIENT_RESOURCES


@asynctest
async def test_termination_heartbeat_until_released() -> None:
    beats: list[tuple[str, str]] = []
    async with AGW(on_heartbeat=lambda context, term: beats.append((context, term))) as agw:
        result = await run(
            agw,
            None,
            reserve(1, Side.CORE, attrs.evolve(CORE, heartbeat=1)),
            reserve(2, Side.CORE, CORE),  # asks for none
        )
        ident = reserved(result).termination
        await wait_until(lambda: len(beats) >= 1, 3)
        assert beats == [(result.context, ident)]
        await run(agw, result.context, release(ident))
        await asyncio.sleep(1.2)
        assert beats == [(result.context, ident)]


@asynctest
async def test_not_started_agw_answers_500() -> None:
    agw = AGW()
    failure = await agw.execute(GatewayRequest(request_id=7, context=None, procedures=()))
    assert isinstance(failure, GatewayFailure)
    assert failure.code == H248Code.INTERNAL_FAILURE


@asynctest
async def test_a_new_connection_reserves_a_second_pair_next_to_the_first() -> None:
    # a=connection:new in a re-offer (RFC 4145 §5): the IMS-ALG reserves a new pair for
    # the same stream while the old one still carries the call, and releases the old
    # pair with the answer (or the new one if the offer fails).
    leaks = LeakCheck()
    access = local(Side.ACCESS, setup=Setup.PASSIVE, fingerprint=True)
    core = local(Side.CORE, setup=Setup.ACTIVE)
    async with AGW() as agw:
        first = await run(agw, None, reserve(1, Side.ACCESS, access), reserve(1, Side.CORE, core))
        context = first.context
        old = {reserved(first, 0).termination, reserved(first, 1).termination}
        second = await run(
            agw, context, reserve(1, Side.ACCESS, access), reserve(1, Side.CORE, core)
        )
        new_access, new_core = reserved(second, 0), reserved(second, 1)
        new = {new_access.termination, new_core.termination}
        assert second.context == context
        assert not new & old
        assert set(agw.terminations(context)) == old | new
        assert new_access.port != reserved(first, 0).port
        assert new_access.fingerprint != reserved(first, 0).fingerprint
        # A third termination on the stream's side is refused.
        third = await refused(agw, context, reserve(1, Side.ACCESS, access))
        assert "already has a termination" in third.reason
        # The offer failed: the new pair goes, and a later new connection still works.
        await run(agw, context, *(release(name) for name in sorted(new)))
        assert set(agw.terminations(context)) == old
        again = await run(
            agw, context, reserve(1, Side.ACCESS, access), reserve(1, Side.CORE, core)
        )
        newest = {reserved(again, 0).termination, reserved(again, 1).termination}
        assert not newest & (old | new)  # ids are never reused within a context
        # The answer arrived: the old pair goes, the new one is configured.
        await run(agw, context, *(release(name) for name in sorted(old)))
        [acc_name] = [name for name in newest if "/acc" in name]
        configured = await run(
            agw,
            context,
            configure(
                acc_name, 1, Side.ACCESS, access, remote(fingerprints=(UE_FP,), setup=Setup.ACTIVE)
            ),
        )
        assert isinstance(configured.results[0], ConnectionPointConfigured)
        assert set(agw.terminations(context)) == newest
        await run(agw, context, release())
        assert agw.contexts() == ()
    await leaks.check()
