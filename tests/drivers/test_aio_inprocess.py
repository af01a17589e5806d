"""The asyncio driver with the bundled AGW in-process: a real e2ae MSRP call.

The UE is a stdlib TLS MSRP endpoint with its own certificate, the core a plain TCP
MSRP endpoint; the driver rewrites their SDP, the AGW relays, and the UE checks the
AGW's certificate against the fingerprint the ALG put in the SDP.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from imsalg.agw import AGW
from imsalg.agw.config import AGWConfig
from imsalg.drivers import AsyncALG, CallEvent, InProcessGateway
from imsalg.errors import IMSALGError
from imsalg.iq.procedures import Side
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.media import read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.msrp import MSRPURI
from imsalg.sdp.transform import to_transform_dict
from tests.agw.helpers import asynctest, client_context, write_certificate
from tests.msrp_endpoint import MSRPEndpoint

UE_PATH = MSRPURI.parse("msrps://w7k3p9.invalid:2855/ue5e55;tcp")
CORE_PATH_TEMPLATE = "msrp://127.0.0.1:{port}/core77;tcp"


def ue_offer(fingerprint: Fingerprint, setup: str = "active") -> str:
    lines = [
        "v=0",
        "o=- 1 1 IN IP4 127.0.0.1",
        "s=-",
        "c=IN IP4 127.0.0.1",
        "t=0 0",
        "m=message 9 TCP/TLS/MSRP *",
        "a=accept-types:text/plain",
        f"a=path:{UE_PATH}",
        f"a=setup:{setup}",
        f"a=fingerprint:{fingerprint}",
        "a=msrp-cema",
        "a=3ge2ae:requested",
    ]
    return "\r\n".join(lines) + "\r\n"


def core_answer(port: int) -> str:
    lines = [
        "v=0",
        "o=- 2 2 IN IP4 127.0.0.1",
        "s=-",
        "c=IN IP4 127.0.0.1",
        "t=0 0",
        f"m=message {port} TCP/MSRP *",
        "a=accept-types:text/plain",
        f"a=path:{CORE_PATH_TEMPLATE.format(port=port)}",
        "a=setup:passive",
        "a=msrp-cema",
    ]
    return "\r\n".join(lines) + "\r\n"


@asynctest
async def test_e2ae_call_through_the_in_process_agw(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    events: list[CallEvent] = []
    async with AGW(AGWConfig()) as agw:
        alg = AsyncALG(InProcessGateway(agw))
        call = alg.call("call-1", on_event=events.append)
        to_core = await call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        core_sdp = SessionDescription.parse(to_core)
        assert core_sdp.media_line(0).proto == "TCP/MSRP"
        assert "a=3ge2ae" not in to_core
        assert "a=fingerprint" not in to_core

        core = MSRPEndpoint(MSRPURI.parse("msrp://127.0.0.1:1/placeholder;tcp"), UE_PATH)
        port = await core.listen()
        core.own = MSRPURI.parse(CORE_PATH_TEMPLATE.format(port=port))
        to_ue = await call.sdp(Side.CORE, core_answer(port))
        ue_sdp = SessionDescription.parse(to_ue)
        info = read_media(ue_sdp, 0)
        assert info.line.proto == "TCP/TLS/MSRP"
        assert info.setup is not None
        assert info.setup.value == "passive"
        [agw_fingerprint] = info.fingerprints
        assert "a=3ge2ae:applied" in to_ue
        assert info.connection is not None

        ue = MSRPEndpoint(UE_PATH, core.own)
        await ue.connect(info.connection.host, info.line.port, tls=client_context(ue_cert))
        der = ue.peer_certificate
        assert der is not None
        assert agw_fingerprint.matches(der)  # the AGW's certificate is the one in the SDP
        assert await ue.send_message(b"hello core") == [200]
        [message] = await core.wait_messages(1)
        assert message.body == b"hello core"
        await core.connected.wait()
        assert await core.send_message(b"hello UE", chunk_size=3) == [200, 200, 200]
        [back] = await ue.wait_messages(1)
        assert back.body == b"hello UE"

        released = await call.release()
        stats = dict(released.statistics)
        assert sum(s.octets_in + s.octets_out for s in stats.values()) > 0
        assert agw.contexts() == ()
        assert alg.calls == ()
        await ue.close()
        await core.close()
    assert events == []


@asynctest
async def test_wrong_fingerprint_reaches_the_proxy_as_an_event(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    other = write_certificate(tmp_path, "other")
    events: asyncio.Queue[CallEvent] = asyncio.Queue()
    async with AGW(AGWConfig()) as agw:
        alg = AsyncALG(InProcessGateway(agw))
        call = alg.call("call-2", on_event=events.put_nowait)
        await call.sdp(Side.ACCESS, ue_offer(ue_cert.fingerprint))
        core = MSRPEndpoint(MSRPURI.parse("msrp://127.0.0.1:1/x;tcp"), UE_PATH)
        port = await core.listen()
        to_ue = await call.sdp(Side.CORE, core_answer(port))
        info = read_media(SessionDescription.parse(to_ue), 0)
        assert info.connection is not None
        ue = MSRPEndpoint(UE_PATH, MSRPURI.parse(CORE_PATH_TEMPLATE.format(port=port)))
        refused = False
        try:
            await ue.connect(info.connection.host, info.line.port, tls=client_context(other))
            await ue.send_message(b"must not pass", timeout=3)
        except (ConnectionError, OSError, asyncio.TimeoutError):
            refused = True
        assert refused
        event = await asyncio.wait_for(events.get(), 10)
        assert event.call_id == "call-2"
        assert "fingerprint" in event.action.cause  # type: ignore[union-attr]
        assert core.raw_received == b""
        assert call.streams[0].failure is not None
        await call.release()
        await ue.close()
        await core.close()


@asynctest
async def test_sdp_transform_dicts_come_back_as_dicts(tmp_path: Path) -> None:
    ue_cert = write_certificate(tmp_path)
    async with AGW(AGWConfig()) as agw:
        alg = AsyncALG(InProcessGateway(agw))
        call = alg.call("call-3")
        out = await call.sdp("access", to_transform_dict(ue_offer(ue_cert.fingerprint)))
        assert isinstance(out, dict)
        assert out["media"][0]["protocol"] == "TCP/MSRP"
        with pytest.raises(IMSALGError) as info:
            await call.sdp("access", ue_offer(ue_cert.fingerprint))
        assert info.value.sip_status == 491
        await alg.close()
        assert agw.contexts() == ()
