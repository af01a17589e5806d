"""The end-to-end rig: IMS-ALG (AsyncALG + RemoteGateway) and the bundled AGW under
H.248/UDP control on loopback, a TLS MSRP UE and a plain TCP MSRP core peer.

:func:`rig` owns everything it starts and checks on the way out that no file
descriptor and no task outlived the test (:class:`~tests.agw.helpers.LeakCheck`).
:class:`Rig` offers the SIP-side steps a proxy would take (UE offer, core answer, UE
connects) so that each call-life test reads as the call flow it checks.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import attrs

from imsalg.agw import AGW
from imsalg.agw.config import AGWConfig
from imsalg.agw.server import AGWServer
from imsalg.drivers import AsyncALG, AsyncCall, CallEvent
from imsalg.drivers.remote import RemoteGateway, ServiceChangeReport
from imsalg.errors import IMSALGError
from imsalg.iq.procedures import Side
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.media import MediaInfo, read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.msrp import MSRPURI
from imsalg.transport.udp import UDPEndpoint
from tests.agw.helpers import (
    LeakCheck,
    PeerCertificate,
    client_context,
    wait_until,
    write_certificate,
)
from tests.msrp_endpoint import MSRPEndpoint

__all__ = ["AUDIO", "CallLegs", "Rig", "core_sdp", "media", "rig", "ue_sdp"]

HOST = "127.0.0.1"
UE_PATH = MSRPURI.parse("msrps://ue4e2e.invalid:2855/ue-e2e;tcp")
#: An audio m-line that the ALG leaves alone (other media are out of scope).
AUDIO = ("m=audio 49170 RTP/AVP 0", "a=rtpmap:0 PCMU/8000")


def core_path(port: int) -> MSRPURI:
    return MSRPURI.parse(f"msrp://{HOST}:{port}/core-e2e;tcp")


def _sdp(origin: str, version: int, body: list[str]) -> str:
    lines = ["v=0", f"o={origin} 1 {version} IN IP4 {HOST}", "s=-", f"c=IN IP4 {HOST}", "t=0 0"]
    return "\r\n".join([*lines, *body]) + "\r\n"


def ue_sdp(
    fingerprint: Fingerprint,
    *,
    version: int = 1,
    offer: bool = True,
    setup: str = "active",
    connection: str | None = None,
    port: int = 9,
    audio: bool = False,
) -> str:
    """The UE's SDP (offer or answer): one e2ae MSRP stream, after an audio line if asked.

    *port* 0 removes the MSRP stream (RFC 3264 §8.2).
    """
    body = list(AUDIO) if audio else []
    body += [
        f"m=message {port} TCP/TLS/MSRP *",
        "a=accept-types:text/plain",
        f"a=path:{UE_PATH}",
        f"a=setup:{setup}",
        f"a=fingerprint:{fingerprint}",
        "a=msrp-cema",
    ]
    if connection is not None:
        body.append(f"a=connection:{connection}")
    if offer:
        body.append("a=3ge2ae:requested")
    return _sdp("-", version, body)


def core_sdp(
    port: int,
    *,
    version: int = 1,
    setup: str = "passive",
    connection: str | None = None,
    audio: bool = False,
    path_port: int | None = None,
) -> str:
    """The core's plain MSRP SDP (an answer here); *port* 0 rejects the stream."""
    body = list(AUDIO) if audio else []
    body += [
        f"m=message {port} TCP/MSRP *",
        "a=accept-types:text/plain",
        f"a=path:{core_path(path_port if path_port is not None else port)}",
        f"a=setup:{setup}",
        "a=msrp-cema",
    ]
    if connection is not None:
        body.append(f"a=connection:{connection}")
    return _sdp("core", version, body)


def media(sdp: str, index: int = -1) -> MediaInfo:
    """The MSRP m-line of *sdp* read (the last m-line by default)."""
    parsed = SessionDescription.parse(sdp)
    return read_media(parsed, index % parsed.media_count)


@attrs.define
class CallLegs:
    """One MSRP stream as the peers see it: the UE and core endpoints and the SDP."""

    ue: MSRPEndpoint
    core: MSRPEndpoint
    core_port: int
    to_core: str
    to_ue: str

    @property
    def agw_fingerprint(self) -> Fingerprint:
        [fingerprint] = media(self.to_ue).fingerprints
        return fingerprint


@attrs.define
class Rig:
    """The ALG and the AGW under H.248/UDP control, plus the peers of the test."""

    server: AGWServer
    gateway: RemoteGateway
    alg: AsyncALG
    ue_cert: PeerCertificate
    events: asyncio.Queue[CallEvent] = attrs.field(factory=asyncio.Queue)
    reports: list[ServiceChangeReport] = attrs.field(factory=list)
    endpoints: list[MSRPEndpoint] = attrs.field(factory=list)

    @property
    def control(self) -> tuple[str, int]:
        """The AGW's H.248/UDP control address."""
        return self.server.addresses["udp"]

    def call(self, name: str) -> AsyncCall:
        return self.alg.call(name, on_event=self.events.put_nowait)

    def terminations(self) -> set[str]:
        """Every termination the AGW holds now."""
        agw = self.server.agw
        return {t for context in agw.contexts() for t in agw.terminations(context)}

    def endpoint(self, own: MSRPURI, peer: MSRPURI | None) -> MSRPEndpoint:
        endpoint = MSRPEndpoint(own, peer)
        self.endpoints.append(endpoint)
        return endpoint

    async def core_listening(self) -> tuple[MSRPEndpoint, int]:
        """A core MSRP peer listening for the AGW (it answers ``a=setup:passive``)."""
        core = self.endpoint(core_path(1), UE_PATH)
        port = await core.listen(HOST)
        core.own = core_path(port)
        return core, port

    async def ue_connects(self, to_ue: str, core: MSRPEndpoint) -> MSRPEndpoint:
        """The UE opens TLS to the AGW named in *to_ue* and pins its fingerprint."""
        info = media(to_ue)
        assert info.connection is not None
        [fingerprint] = info.fingerprints
        ue = self.endpoint(UE_PATH, core.own)
        await ue.connect(info.connection.host, info.line.port, tls=client_context(self.ue_cert))
        assert ue.peer_certificate is not None
        assert fingerprint.matches(ue.peer_certificate), "the AGW showed another certificate"
        return ue

    async def originating(
        self, call: AsyncCall, *, audio: bool = False, connect: bool = True
    ) -> CallLegs:
        """UE offer (``a=setup:active``) → core answer (``passive``) → UE connects."""
        to_core = await call.sdp(Side.ACCESS, ue_sdp(self.ue_cert.fingerprint, audio=audio))
        core, port = await self.core_listening()
        to_ue = await call.sdp(Side.CORE, core_sdp(port, audio=audio))
        ue = self.endpoint(UE_PATH, core.own)
        if connect:
            ue = await self.ue_connects(to_ue, core)
        return CallLegs(ue=ue, core=core, core_port=port, to_core=to_core, to_ue=to_ue)

    async def exchange(self, legs: CallLegs, text: str) -> None:
        """One SEND each way through the AGW, each delivered and answered 200."""
        up = f"{text} (UE → core)".encode()
        down = f"{text} (core → UE)".encode()
        before_core = len(legs.core.messages)
        before_ue = len(legs.ue.messages)
        assert await legs.ue.send_message(up) == [200]
        await legs.core.wait_messages(before_core + 1)
        assert list(legs.core.messages.values())[-1].body == up
        await legs.core.connected.wait()
        assert await legs.core.send_message(down) == [200]
        await legs.ue.wait_messages(before_ue + 1)
        assert list(legs.ue.messages.values())[-1].body == down

    async def next_event(self, timeout: float = 10) -> CallEvent:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def restart_agw(self, config: AGWConfig | None = None) -> None:
        """Close the AGW (ServiceChange Forced) and start a new one on the same port,
        announcing itself to this ALG (ServiceChange Restart)."""
        host, port = self.control
        await self.server.close()
        endpoint = self.gateway.client.endpoint
        assert isinstance(endpoint, UDPEndpoint)
        client_port = endpoint.local_addresses[0][1]
        announced = len(self.reports)
        self.server = await AGWServer.start(
            AGW(config or AGWConfig()), host=host, port=port, mgc=(HOST, client_port)
        )
        # Like an MGC, send no call to the new AGW before it registered (its Restart
        # reports every context this ALG knew as lost, including one made meanwhile).
        await wait_until(lambda: len(self.reports) > announced)


@contextlib.asynccontextmanager
async def rig(tmp_path: Path, config: AGWConfig | None = None) -> AsyncIterator[Rig]:
    """Start the AGW (H.248/UDP, kernel-chosen port), the RemoteGateway and the ALG;
    close them all and check for leaked fds and tasks afterwards."""
    leaks = LeakCheck()
    ue_cert = write_certificate(tmp_path)
    server = await AGWServer.start(AGW(config or AGWConfig()), host=HOST, port=0)
    try:
        gateway = await RemoteGateway.connect([server.addresses["udp"]])
    except BaseException:
        await server.close()
        raise
    the_rig = Rig(server=server, gateway=gateway, alg=AsyncALG(gateway), ue_cert=ue_cert)
    gateway.on_service_change = the_rig.reports.append
    try:
        yield the_rig
    finally:
        for endpoint in the_rig.endpoints:
            await endpoint.close()
        with contextlib.suppress(IMSALGError):
            await the_rig.alg.close()
        # The AGW first: it announces its shutdown to the ALG, which still listens.
        await the_rig.server.close()
        await the_rig.gateway.close()
    await leaks.check()
