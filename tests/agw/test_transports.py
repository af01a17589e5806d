"""Connections become transports the fast way (the loop's own maker) or, on a loop
without one, through ``connect_accepted_socket``: the same relay either way."""

from __future__ import annotations

from pathlib import Path

import pytest

import imsalg.agw.relay as relay
from imsalg.agw import AGW
from imsalg.sdp.msrp import MSRPURI
from tests.msrp_endpoint import MSRPEndpoint

from .helpers import (
    LeakCheck,
    asynctest,
    client_context,
    originating_call,
    release,
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
    async with AGW() as agw:
        call = await originating_call(agw, (ue.fingerprint,), await core.listen())
        user = MSRPEndpoint(UE_URI, CORE_URI)
        await user.connect("127.0.0.1", call.access.port, tls=client_context(ue))
        assert await user.send_message(b"either way") == [200]
        (message,) = await core.wait_messages(1)
        assert bytes(message.body) == b"either way"
        await run(agw, call.context, release("*"))
        await user.close()
    await core.close()
    await leaks.check()
