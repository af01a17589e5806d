"""Golden Iq messages: what the mapping writes for the steps of an e2ae MSRP call.

Each case renders to ``fixtures/h248/iq-<case>-pretty.txt`` and ``-compact.txt``; the golden
test compares bytes, and the H.248 interop tests (megaco, tshark) pick the files up with the
rest of the corpus. ``python -m tests.iq.golden`` prints the differences; ``--write``
rewrites the files that changed (review them like code).
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from pathlib import Path

from imsalg.h248 import model as m
from imsalg.h248.text import encode_bytes
from imsalg.iq import h248 as iq
from imsalg.iq.procedures import (
    ConfigureConnectionPoint,
    ConnectionPointConfigured,
    ConnectionPointReserved,
    Establishment,
    GatewayFailure,
    GatewayRequest,
    GatewayResult,
    LocalSide,
    MSRPMode,
    ReleaseTermination,
    RemoteSide,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    Side,
    StreamMode,
    TerminationReleased,
    TerminationStatistics,
    TLSSetupFailed,
    Transport,
)
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI

__all__ = ["CASES", "GOLDEN", "render"]

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "h248"
ALG = m.DomainName(name="alg1.example.net", port=2944)
AGW = m.DomainName(name="agw1.example.net", port=2944)
UE_FINGERPRINT = Fingerprint.parse(
    "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:"
    "19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF"
)
AGW_FINGERPRINT = Fingerprint.parse(
    "sha-256 12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:"
    "18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD"
)
UE_PATH = (MSRPURI.parse("msrps://198.51.100.20:7394/s111271;tcp"),)
CORE_PATH = (MSRPURI.parse("msrp://core-peer.example.net:2855/kjd8;tcp"),)
UE_REMOTE = RemoteSide(
    address="198.51.100.20",
    port=7394,
    setup=Setup.ACTIVE,
    fingerprints=(UE_FINGERPRINT,),
    path=UE_PATH,
)

# Originating e2ae call: the UE offered TCP/TLS/MSRP with a=setup:active (so the AGW is
# passive and TLS server on the access leg) and the core leg is plain TCP (agnostic).
ACCESS_LOCAL = LocalSide(
    realm="access",
    transport=Transport.TCP_TLS_MSRP,
    setup=Setup.PASSIVE,
    request_fingerprint=True,
    notify_tls_failure=True,
    heartbeat=60,
)
CORE_LOCAL = LocalSide(
    realm="core",
    transport=Transport.TCP,
    setup=Setup.ACTPASS,
    establishment=Establishment.TRIGGER,
    heartbeat=60,
)
RESERVE = GatewayRequest(
    request_id=10001,
    context=None,
    procedures=(
        ReserveAndConfigureConnectionPoint(
            stream=1,
            side=Side.ACCESS,
            local=ACCESS_LOCAL,
            remote=UE_REMOTE,
        ),
        ReserveConnectionPoint(stream=1, side=Side.CORE, local=CORE_LOCAL),
    ),
)
RESERVED = GatewayResult(
    request_id=10001,
    context="4711",
    results=(
        ConnectionPointReserved(
            termination="msrp/4711/1/acc",
            address="203.0.113.5",
            port=40000,
            fingerprint=AGW_FINGERPRINT,
        ),
        ConnectionPointReserved(termination="msrp/4711/1/core", address="10.0.0.5", port=50000),
    ),
)
# The core answered passive: the AGW connects on the core leg; both legs go through.
CONFIGURE = GatewayRequest(
    request_id=10002,
    context="4711",
    procedures=(
        ConfigureConnectionPoint(
            termination="msrp/4711/1/core",
            stream=1,
            side=Side.CORE,
            local=LocalSide(
                realm="core",
                transport=Transport.TCP,
                setup=Setup.ACTIVE,
                address="10.0.0.5",
                port=50000,
                msrp_mode=MSRPMode.AGNOSTIC,
                heartbeat=60,
                mode=StreamMode.SENDRECV,
            ),
            remote=RemoteSide(
                address="core-peer.example.net",
                port=2855,
                setup=Setup.PASSIVE,
                path=CORE_PATH,
            ),
        ),
        ConfigureConnectionPoint(
            termination="msrp/4711/1/acc",
            stream=1,
            side=Side.ACCESS,
            local=LocalSide(
                realm="access",
                transport=Transport.TCP_TLS_MSRP,
                setup=Setup.PASSIVE,
                address="203.0.113.5",
                port=40000,
                notify_tls_failure=True,
                heartbeat=60,
                mode=StreamMode.SENDRECV,
            ),
            remote=UE_REMOTE,
        ),
    ),
)
CONFIGURED = GatewayResult(
    request_id=10002,
    context="4711",
    results=(
        ConnectionPointConfigured(termination="msrp/4711/1/core"),
        ConnectionPointConfigured(termination="msrp/4711/1/acc"),
    ),
)
TLS_FAILED = TLSSetupFailed(
    context="4711", termination="msrp/4711/1/acc", cause="fingerprint-mismatch"
)
RELEASE = GatewayRequest(
    request_id=10003, context="4711", procedures=(ReleaseTermination(termination="*"),)
)
RELEASED = GatewayResult(
    request_id=10003,
    context="4711",
    results=(
        TerminationReleased(
            termination="msrp/4711/1/acc",
            statistics=TerminationStatistics(
                octets_in=20992, octets_out=10456, messages_in=31, messages_out=12
            ),
        ),
        TerminationReleased(
            termination="msrp/4711/1/core",
            statistics=TerminationStatistics(
                octets_in=10456, octets_out=20992, messages_in=12, messages_out=31
            ),
        ),
    ),
)
REFUSED = GatewayFailure(
    request_id=10004,
    code=510,
    reason="Insufficient resources: no free port in the core realm",
    context="4712",
    partial=(ConnectionPointConfigured(termination="msrp/4712/1/acc"),),
)
REFUSED_REQUEST = GatewayRequest(
    request_id=10004,
    context="4712",
    procedures=(
        ConfigureConnectionPoint(
            termination="msrp/4712/1/acc",
            stream=1,
            side=Side.ACCESS,
            local=ACCESS_LOCAL,
            remote=RemoteSide(),
        ),
        ReserveConnectionPoint(stream=2, side=Side.CORE, local=CORE_LOCAL),
    ),
)

#: case name → (sender mId, transaction).
CASES: dict[str, Callable[[], tuple[m.MId, m.Transaction]]] = {
    "reserve": lambda: (ALG, iq.request_to_transaction(RESERVE, 10001)),
    "reserve-reply": lambda: (AGW, iq.result_to_reply(RESERVE, RESERVED, 10001)),
    "configure": lambda: (ALG, iq.request_to_transaction(CONFIGURE, 10002)),
    "configure-reply": lambda: (AGW, iq.result_to_reply(CONFIGURE, CONFIGURED, 10002)),
    "notify-tls-failure": lambda: (
        AGW,
        iq.notification_to_transaction(TLS_FAILED, 20001, timestamp="20250101T12000000"),
    ),
    "notify-heartbeat": lambda: (
        AGW,
        iq.heartbeat_to_transaction(
            "4711", "msrp/4711/1/core", 20002, timestamp="20250101T12010000"
        ),
    ),
    "notify-ack": lambda: (
        ALG,
        iq.notification_ack(iq.notification_to_transaction(TLS_FAILED, 20001)),
    ),
    "release": lambda: (ALG, iq.request_to_transaction(RELEASE, 10003)),
    "release-reply": lambda: (AGW, iq.result_to_reply(RELEASE, RELEASED, 10003)),
    "error-510-partial": lambda: (AGW, iq.failure_to_reply(REFUSED_REQUEST, REFUSED, 10004)),
}


def render(case: str) -> dict[Path, bytes]:
    """The two golden files of *case* as the mapping writes them now."""
    mid, transaction = CASES[case]()
    message = iq.message(mid, [transaction])
    return {
        GOLDEN / f"iq-{case}-{form}.txt": encode_bytes(message, compact=form == "compact")
        for form in ("pretty", "compact")
    }


def main(argv: list[str]) -> int:
    write = "--write" in argv
    changed = 0
    for case in CASES:
        for path, data in render(case).items():
            old = path.read_bytes() if path.exists() else b""
            if old == data:
                continue
            changed += 1
            diff = difflib.unified_diff(
                old.decode().splitlines(keepends=True),
                data.decode().splitlines(keepends=True),
                str(path),
                str(path),
            )
            sys.stdout.writelines(diff)
            if write:
                path.write_bytes(data)
    sys.stdout.write(f"{changed} golden file(s) {'rewritten' if write else 'differ'}\n")
    return 1 if changed and not write else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
