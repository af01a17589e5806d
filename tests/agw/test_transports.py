"""Connections become transports the fast way (the loop's own maker) or, on a loop
without one, through ``connect_accepted_socket``: the same relay either way."""

from __future__ import annotations

from pathlib import Path

import pytest

import imsalg.agw.relay as relay
from imsalg.agw import AGW
from imsalg.iq.procedures import Side
from imsalg.sdp.attributes import Setup
from imsalg.sdp.msrp import MSRPURI
from tests.msrp_endpoint import MSRPEndpoint

from .helpers import (
    LeakCheck,
    asynctest,
    client_context,
    local,
    release,
    remote,
    reserve,
    reserved,
    run,
    write_certificate,
)

CORE_URI = MSRPURI.parse("msrp://127.0.0.1:2855/core;tcp")
UE_URI = MSRPURI.parse("msrps://ue.invalid:2855/ue;tcp")


@pytest.mark.parametrize("maker", ["loop", "public"])
def test_a_call_through_either_way(
    maker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if maker == "public":
        monkeypatch.setattr(relay, "_transport_maker", lambda loop: None)
    a_call(tmp_path)


@asynctest
async def a_call(tmp_path: Path) -> None:
    leaks = LeakCheck()
    ue = write_certificate(tmp_path)
    core = MSRPEndpoint(CORE_URI, UE_URI)
    port = await core.listen()
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
            reserve(1, Side.CORE, local(Side.CORE, setup=Setup.ACTIVE), remote("127.0.0.1", port)),
        )
        user = MSRPEndpoint(UE_URI, CORE_URI)
        await user.connect("127.0.0.1", reserved(result, 0).port, tls=client_context(ue))
        assert await user.send_message(b"either way") == [200]
        (message,) = await core.wait_messages(1)
        assert bytes(message.body) == b"either way"
        await run(agw, result.context, release("*"))
        await user.close()
    await core.close()
    await leaks.check()
