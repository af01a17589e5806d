"""Shared pieces for the engine tests: SDP builders and gateway backends."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import attrs

from imsalg.agw.certs import mint_deterministic_certificate
from imsalg.alg.config import AlgPolicy
from imsalg.alg.driver import SyncDriver
from imsalg.alg.engine import Call
from imsalg.alg.offline import OfflineGateway, OfflineGatewayConfig
from imsalg.iq.procedures import GatewayFailure, GatewayRequest, GatewayResult

UE_FINGERPRINT = "sha-256 " + ":".join(
    f"{b:02X}" for b in hashlib.sha256(b"ue-test-certificate").digest()
)


def ue_offer(
    setup: str | None = "actpass",
    *,
    proto: str = "TCP/TLS/MSRP",
    requested: bool = True,
    fingerprint: str | None = UE_FINGERPRINT,
    port: int = 2855,
    connection: str | None = None,
    audio: bool = False,
    eol: str = "\r\n",
) -> str:
    lines = ["v=0", "o=- 1 1 IN IP4 10.45.0.7", "s=-", "c=IN IP4 10.45.0.7", "t=0 0"]
    if audio:
        lines += ["m=audio 49170 RTP/AVP 8", "a=rtpmap:8 PCMA/8000"]
    lines += [
        f"m=message {port} {proto} *",
        "a=accept-types:message/cpim",
        "a=path:msrps://w7k3p9.invalid:2855/s1;tcp",
    ]
    if setup is not None:
        lines.append(f"a=setup:{setup}")
    if connection is not None:
        lines.append(f"a=connection:{connection}")
    if fingerprint is not None:
        lines.append(f"a=fingerprint:{fingerprint}")
    lines.append("a=msrp-cema")
    if requested:
        lines.append("a=3ge2ae:requested")
    return eol.join(lines) + eol


def core_sdp(
    setup: str | None = "active",
    *,
    proto: str = "TCP/MSRP",
    port: int = 2855,
    audio: bool = False,
    fingerprint: str | None = None,
) -> str:
    lines = ["v=0", "o=- 2 2 IN IP4 203.0.113.7", "s=-", "c=IN IP4 203.0.113.7", "t=0 0"]
    if audio:
        lines += ["m=audio 30000 RTP/AVP 8"]
    lines += [
        f"m=message {port} {proto} *",
        "a=accept-types:text/plain",
        "a=path:msrp://as.example.net:2855/c1;tcp",
    ]
    if setup is not None:
        lines.append(f"a=setup:{setup}")
    if fingerprint is not None:
        lines.append(f"a=fingerprint:{fingerprint}")
    return "\r\n".join(lines) + "\r\n"


def ue_answer(setup: str | None = "active", *, fingerprint: str | None = UE_FINGERPRINT) -> str:
    lines = [
        "v=0",
        "o=- 3 3 IN IP4 10.45.0.7",
        "s=-",
        "c=IN IP4 10.45.0.7",
        "t=0 0",
        "m=message 9 TCP/TLS/MSRP *",
        "a=accept-types:message/cpim",
        "a=path:msrps://w7k3p9.invalid:9/a1;tcp",
    ]
    if setup is not None:
        lines.append(f"a=setup:{setup}")
    if fingerprint is not None:
        lines.append(f"a=fingerprint:{fingerprint}")
    return "\r\n".join(lines) + "\r\n"


def offline_gateway() -> OfflineGateway:
    return OfflineGateway(
        OfflineGatewayConfig(), lambda seed: mint_deterministic_certificate(seed).der
    )


def new_call(policy: AlgPolicy | None = None, *, ue_e2ae: bool = True) -> Call:
    return Call(policy or AlgPolicy(), ue_e2ae=ue_e2ae)


def driver(policy: AlgPolicy | None = None, *, ue_e2ae: bool = True) -> SyncDriver:
    return SyncDriver(new_call(policy, ue_e2ae=ue_e2ae), offline_gateway())


@attrs.define
class ScriptedGateway:
    """Wraps the offline AGW; a hook may replace any reply (to inject failures)."""

    inner: OfflineGateway = attrs.field(factory=offline_gateway)
    hook: (
        Callable[[GatewayRequest, GatewayResult | GatewayFailure], GatewayResult | GatewayFailure]
        | None
    ) = None
    requests: list[GatewayRequest] = attrs.field(factory=list)

    def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        self.requests.append(request)
        reply = self.inner.execute(request)
        if self.hook is not None:
            reply = self.hook(request, reply)
        return reply
