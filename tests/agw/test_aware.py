"""Application-aware MSRP interworking (TS 23.334 §5.19.5, TR 29.828 CR-15).

Two plain RFC 4975 endpoints that match sessions on full URIs (no CEMA, no sessmatch)
talk through the AGW. The ALG gave each of them the AGW's URI as the peer's a=path, so
they succeed only because the AGW rewrites To-Path/From-Path; with the agnostic relay
the very same set-up is answered 481.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from imsalg.agw import AGW
from imsalg.iq.procedures import BearerReleased, MSRPMode, Side
from imsalg.sdp.attributes import Setup
from imsalg.sdp.msrp import MSRPURI
from tests.msrp_endpoint import MSRPEndpoint, build_send

from .helpers import (
    LeakCheck,
    Notifications,
    asynctest,
    client_context,
    local,
    remote,
    reserve,
    reserved,
    run,
    write_certificate,
)

UE_URI = MSRPURI.parse("msrps://ue.example.invalid:2855/ue-s3ss10n;tcp")
CORE_URI = MSRPURI.parse("msrp://198.51.100.7:2855/core-s3ss10n;tcp")


async def call(agw: AGW, mode: MSRPMode, tmp_path: Path) -> tuple[str, MSRPEndpoint, MSRPEndpoint]:
    """Set up one stream; return the context, the UE endpoint and the core endpoint.

    The endpoints are configured as the ALG's SDP rewrite told them: each sees the
    AGW's own URI on its leg as the peer's path.
    """
    ue = write_certificate(tmp_path)
    core_listener = MSRPEndpoint(CORE_URI)  # peer set once the AGW's URI is known
    core_port = await core_listener.listen()
    result = await run(
        agw,
        None,
        reserve(
            1,
            Side.ACCESS,
            local(Side.ACCESS, setup=Setup.PASSIVE, path=True, msrp_mode=mode),
            remote(fingerprints=(ue.fingerprint,), path=(UE_URI,)),
        ),
        reserve(
            1,
            Side.CORE,
            local(Side.CORE, setup=Setup.ACTIVE, path=True, msrp_mode=mode),
            remote("127.0.0.1", core_port, path=(CORE_URI,)),
        ),
    )
    (agw_access_uri,) = reserved(result, 0).path
    (agw_core_uri,) = reserved(result, 1).path
    core_listener.peer = agw_core_uri
    user = MSRPEndpoint(UE_URI, agw_access_uri)
    await user.connect("127.0.0.1", reserved(result, 0).port, tls=client_context(ue))
    return result.context, user, core_listener


@asynctest
async def test_aware_mode_lets_strict_rfc4975_endpoints_match_sessions(tmp_path: Path) -> None:
    leaks = LeakCheck()
    async with AGW() as agw:
        _, user, core = await call(agw, MSRPMode.AWARE, tmp_path)
        assert await user.send_message(b"hello through the B2BUA") == [200]
        assert await user.send_message(b"x" * 10000, chunk_size=3000) == [200] * 4
        assert await core.send_message(b"and back") == [200]
        assert user.rejected == []
        assert core.rejected == []
        (first, second) = await core.wait_messages(2)
        assert bytes(first.body) == b"hello through the B2BUA"
        assert bytes(second.body) == b"x" * 10000
        (back,) = await user.wait_messages(1)
        assert bytes(back.body) == b"and back"
        # Only the path URIs changed: lengths differ by exactly the URI length change.
        frame = core.frames[0]
        assert frame.header("To-Path") == str(CORE_URI)
        assert frame.header("From-Path") == str(core.peer)
        assert frame.header("Message-ID") is not None
        await user.close()
        await core.close()
    await leaks.check()


@asynctest
async def test_without_the_rewrite_the_same_endpoints_get_481(tmp_path: Path) -> None:
    async with AGW() as agw:
        _, user, core = await call(agw, MSRPMode.AGNOSTIC, tmp_path)
        assert await user.send_message(b"hello") == [481]
        assert core.messages == {}
        assert [status for _, status in core.rejected] == [481]
        await user.close()
        await core.close()


@asynctest
async def test_malformed_frame_is_not_forwarded_and_releases_the_stream(tmp_path: Path) -> None:
    leaks = LeakCheck()
    notes = Notifications()
    async with AGW(on_notification=notes) as agw:
        context, user, core = await call(agw, MSRPMode.AWARE, tmp_path)
        assert await user.send_message(b"fine") == [200]
        received = len(core.raw_received)
        _, good = build_send(user.peer, UE_URI, b"still fine", message_id="g")  # type: ignore[arg-type]
        user.write_raw(good + b"MSRP 1 SEND\r\nTo-Path: nonsense\r\n\r\n")
        await notes.wait(1)
        await asyncio.wait_for(core.closed.wait(), 5)
        # The good frame before the bad one went through (rewritten); nothing after it.
        assert bytes(core.raw_received[received:]).startswith(b"MSRP ")
        assert b"MSRP 1 SEND" not in core.raw_received
        assert bytes(core.raw_received[received:]).endswith(
            b"-------" + good.split(b" ")[1] + b"$\r\n"
        )
        assert notes.items == [
            BearerReleased(
                context=context,
                termination=f"msrp/{context}/1/acc",
                cause="msrp-frame-error",
            )
        ]
        await asyncio.wait_for(user.closed.wait(), 5)
        await user.close()
        await core.close()
    await leaks.check()


@asynctest
async def test_aware_mode_waits_for_the_peer_paths(tmp_path: Path) -> None:
    """Without the core peer's a=path the AGW cannot rewrite: it holds, then relays."""
    from .helpers import configure

    ue = write_certificate(tmp_path)
    core = MSRPEndpoint(CORE_URI)
    core_port = await core.listen()
    async with AGW() as agw:
        result = await run(
            agw,
            None,
            reserve(
                1,
                Side.ACCESS,
                local(Side.ACCESS, setup=Setup.PASSIVE, path=True, msrp_mode=MSRPMode.AWARE),
                remote(fingerprints=(ue.fingerprint,), path=(UE_URI,)),
            ),
            reserve(
                1,
                Side.CORE,
                local(Side.CORE, setup=Setup.ACTIVE, path=True, msrp_mode=MSRPMode.AWARE),
                remote("127.0.0.1", core_port),
            ),
        )
        (agw_access_uri,) = reserved(result, 0).path
        (agw_core_uri,) = reserved(result, 1).path
        core.peer = agw_core_uri
        user = MSRPEndpoint(UE_URI, agw_access_uri)
        await user.connect("127.0.0.1", reserved(result, 0).port, tls=client_context(ue))
        sending = asyncio.ensure_future(user.send_message(b"early", timeout=10))
        await asyncio.sleep(0.2)
        assert core.raw_received == b""
        await run(
            agw,
            result.context,
            configure(
                reserved(result, 1).termination,
                1,
                Side.CORE,
                local(Side.CORE, setup=Setup.ACTIVE, path=True, msrp_mode=MSRPMode.AWARE),
                remote("127.0.0.1", core_port, path=(CORE_URI,)),
            ),
        )
        assert await sending == [200]
        await user.close()
    await core.close()
