"""Benchmark: imsalg's offer rewrite against sdp-transform's parse+write, in one run.

Run as ``./tools/bench sdp [--number N] [--repeat R] [--profile]``.

The SDP is a typical 25-line IMS MSRP offer from a UE (session lines, an AMR-WB
``m=audio`` and an ``m=message`` line with the TS 24.247 §8.3.1 attributes,
``a=setup:actpass``, ``a=fingerprint`` and ``a=3ge2ae:requested``). Measured:

- **engine**: the full offer rewrite as a proxy runs it once the AGW has answered —
  a fresh :class:`imsalg.alg.engine.Call` handles the offer (parse, ``read_media`` per
  message m-line, classification, roles, Iq request) and then the AGW's reply
  (``rewrite_sdp`` with the ready stream plans) and returns the SDP to forward. The
  AGW is an in-memory stub returning a precomputed reply: no certificate is minted
  inside the timed loop.
- **offer SDP path**: the engine's SDP work on the offer without the Iq bookkeeping:
  parse, then for each m-line :func:`imsalg.alg.rules.plan_offer_stream` (``read_media``,
  classification, the UE fingerprint check, both legs' roles, the stream plan the
  engine keeps), then ``rewrite_sdp`` with the stream plans as they are once the AGW has
  answered (its addresses, ports and fingerprint come from the Iq reply, which is
  what this line leaves out, with the Iq requests and the call state).
- **rewrite**: the pure step ``rewrite_sdp(SessionDescription.parse(text), plans, side)``.
- **parse+write (identity)**: ``SessionDescription.parse(text).to_text()``.
- **sdp-transform**: ``sdp_transform.write(sdp_transform.parse(text))`` (1.1.0), the
  reference, on the same text in the same process.

Each figure is the minimum over ``--repeat`` runs of ``--number`` loops (``timeit``),
the least disturbed estimate; the runs of all cases are interleaved, so a load that
comes and goes on the machine weighs on the reference and on imsalg alike. Targets:
≤ 20 µs per rewrite and ≥ 15× faster than sdp-transform, checked for each imsalg line
but the identity.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import sys
import timeit
from collections.abc import Callable

import attrs
import sdp_transform

from imsalg.agw.certs import mint_certificate
from imsalg.alg import rules
from imsalg.alg.config import AlgPolicy
from imsalg.alg.engine import Call
from imsalg.alg.events import ForwardSDP, GatewayReplied, SDPReceived, SendGatewayRequest
from imsalg.alg.offline import OfflineGateway, OfflineGatewayConfig
from imsalg.alg.rewrite import rewrite_sdp
from imsalg.alg.state import LegState, StreamState
from imsalg.iq.procedures import GatewayFailure, GatewayRequest, GatewayResult, Side
from imsalg.sdp.media import MediaInfo, read_media
from imsalg.sdp.model import SessionDescription

TARGET_US = 20.0
TARGET_RATIO = 15.0

ENGINE = "imsalg engine: full offer rewrite"
SDP_PATH = "imsalg offer SDP path (no Iq)"
REWRITE = "imsalg rewrite_sdp(parse(text))"
IDENTITY = "imsalg parse + write (identity)"
REFERENCE = "sdp-transform parse + write"

_UE_FINGERPRINT = ":".join(f"{b:02X}" for b in hashlib.sha256(b"bench-ue").digest())

#: A typical IMS MSRP offer from a UE, 25 lines, CRLF (TS 24.247 §8.3.1, TS 24.229 §7.5.2).
OFFER = "".join(
    line + "\r\n"
    for line in (
        "v=0",
        "o=- 3912441705 3912441705 IN IP4 10.45.0.17",
        "s=-",
        "c=IN IP4 10.45.0.17",
        "b=AS:80",
        "t=0 0",
        "m=audio 49152 RTP/AVP 96 97 8 101",
        "b=AS:49",
        "a=rtpmap:96 AMR-WB/16000",
        "a=fmtp:96 mode-change-capability=2;max-red=0",
        "a=rtpmap:97 AMR/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/16000",
        "a=ptime:20",
        "a=sendrecv",
        "m=message 9 TCP/TLS/MSRP *",
        "a=accept-types:message/cpim application/im-iscomposing+xml",
        "a=accept-wrapped-types:text/plain message/imdn+xml",
        "a=max-size:2097152",
        "a=path:msrps://3ghd84.invalid:2855/q3Zx8kLm2a;tcp",
        "a=msrp-cema",
        "a=setup:actpass",
        "a=fingerprint:sha-256 " + _UE_FINGERPRINT,
        "a=3ge2ae:requested",
        "a=sendrecv",
    )
)


class PrecomputedGateway:
    """An AGW stub: the reply to each request id, computed before timing starts."""

    def __init__(self, replies: dict[int, GatewayResult | GatewayFailure]) -> None:
        self.replies = replies

    def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """The precomputed reply."""
        return self.replies[request.request_id]


def _prepare(policy: AlgPolicy) -> tuple[PrecomputedGateway, tuple[StreamState, ...], str]:
    """Run the offer once against the offline AGW (minting its certificate) and keep
    its reply, the resulting stream plans and the forwarded SDP."""
    certificate = mint_certificate("imsalg-bench").der
    offline = OfflineGateway(OfflineGatewayConfig(), lambda _seed: certificate)
    call = Call(policy)
    [send] = call.handle(SDPReceived(side=Side.ACCESS, sdp=OFFER))
    if not isinstance(send, SendGatewayRequest):
        raise SystemExit(f"expected a gateway request, got {send!r}")
    reply = offline.execute(send.request)
    [forward] = call.handle(GatewayReplied(reply=reply))
    if not isinstance(forward, ForwardSDP):
        raise SystemExit(f"expected the forwarded offer, got {forward!r}")
    return PrecomputedGateway({send.request.request_id: reply}), call.streams, forward.sdp


def _engine_rewrite(policy: AlgPolicy, gateway: PrecomputedGateway) -> str:
    call = Call(policy)
    [send] = call.handle(SDPReceived(side=Side.ACCESS, sdp=OFFER))
    assert isinstance(send, SendGatewayRequest)
    [forward] = call.handle(GatewayReplied(reply=gateway.execute(send.request)))
    assert isinstance(forward, ForwardSDP)
    return forward.sdp


def _offer_sdp_path(policy: AlgPolicy, plans: tuple[StreamState, ...]) -> str:
    """The SDP work of the offer as the engine does it, without the Iq bookkeeping."""
    sdp = SessionDescription.parse(OFFER)
    for media in range(sdp.media_count):
        rules.plan_offer_stream(sdp, media, Side.ACCESS, None, policy=policy, ue_e2ae=True)
    return rewrite_sdp(sdp, plans, Side.CORE)


def _plan_offer(policy: AlgPolicy) -> SessionDescription:
    """Parse and plan every m-line (the offer SDP path before its rewrite)."""
    sdp = SessionDescription.parse(OFFER)
    for media in range(sdp.media_count):
        rules.plan_offer_stream(sdp, media, Side.ACCESS, None, policy=policy, ue_e2ae=True)
    return sdp


def _measure(
    functions: dict[str, Callable[[], object]], number: int, repeat: int
) -> dict[str, float]:
    """Seconds per call of each function: the minimum over *repeat* runs of *number*
    calls. The runs are interleaved (one run of each function in turn), so a machine
    that gets busier or quieter meanwhile weighs on every figure alike."""
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(repeat):
        for name, function in functions.items():
            best[name] = min(best[name], timeit.timeit(function, number=number) / number)
    return best


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="tools/bench sdp", description=__doc__.split("\n")[0])
    parser.add_argument("--number", type=int, default=2000, help="calls per timing run")
    parser.add_argument("--repeat", type=int, default=7, help="timing runs (the minimum counts)")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the engine path and exit"
    )
    args = parser.parse_args(argv)

    policy = AlgPolicy()
    gateway, plans, expected = _prepare(policy)
    # What is timed does the real work: same output as the offline AGW run.
    if _engine_rewrite(policy, gateway) != expected:
        raise SystemExit("the stubbed engine run differs from the offline AGW run")
    if rewrite_sdp(SessionDescription.parse(OFFER), plans, Side.CORE) != expected:
        raise SystemExit("the pure rewrite differs from the engine's output")
    if _offer_sdp_path(policy, plans) != expected:
        raise SystemExit("the offer SDP path differs from the engine's output")
    sdp = SessionDescription.parse(OFFER)
    planned = [
        rules.plan_offer_stream(sdp, media, Side.ACCESS, None, policy=policy, ue_e2ae=True)[0]
        for media in range(sdp.media_count)
    ]
    # The plans it computes are the engine's, but for what the AGW's reply adds.
    without_agw = [
        attrs.evolve(
            stream,
            access=_without_agw(stream.access),
            core=_without_agw(stream.core),
        )
        for stream in plans
    ]
    if planned != without_agw:
        raise SystemExit("plan_offer_stream differs from the engine's plans")
    if sdp_transform.write(sdp_transform.parse(OFFER)) == OFFER:
        raise SystemExit("unexpected: sdp-transform round-tripped the offer exactly")

    def engine() -> str:
        return _engine_rewrite(policy, gateway)

    def sdp_path() -> str:
        return _offer_sdp_path(policy, plans)

    def plan() -> SessionDescription:
        return _plan_offer(policy)

    def rewrite() -> str:
        return rewrite_sdp(SessionDescription.parse(OFFER), plans, Side.CORE)

    def identity() -> str:
        return SessionDescription.parse(OFFER).to_text()

    def read_message_line() -> MediaInfo:
        return read_media(SessionDescription.parse(OFFER), 1)

    def reference() -> str:
        text: str = sdp_transform.write(sdp_transform.parse(OFFER))
        return text

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [engine() for _ in range(args.number)])
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        return 0

    cases = [
        (ENGINE, engine),
        (SDP_PATH, sdp_path),
        (REWRITE, rewrite),
        (IDENTITY, identity),
        (REFERENCE, reference),
    ]
    parts = {"read": read_message_line, "plan": plan}
    measured = _measure({**dict(cases), **parts}, args.number, args.repeat)
    seconds = {name: measured[name] for name, _ in cases}
    read_us = measured["read"] * 1e6
    plan_us = measured["plan"] * 1e6
    baseline = seconds[REFERENCE]
    lines = OFFER.count("\r\n")
    print(f"SDP: {lines}-line IMS MSRP offer, {len(OFFER)} bytes; Python {sys.version.split()[0]}")
    print(f"min of {args.repeat} runs x {args.number} calls each")
    print(f"{'':36} {'us/SDP':>9} {'SDP/s':>11} {'x sdp-transform':>16}")
    for name, value in seconds.items():
        print(f"{name:36} {value * 1e6:9.2f} {1 / value:11,.0f} {baseline / value:15.1f}x")

    # Where the engine's time goes, from the parts measured above: the engine parses
    # the offer once (the AGW's reply reuses it), plans each m-line, rewrites once.
    us = {name: value * 1e6 for name, value in seconds.items()}
    parse_us = us[IDENTITY]
    total = us[ENGINE]
    print()
    print("engine path, breakdown from the parts measured separately:")
    rows = [
        ("SessionDescription.parse, once", parse_us),
        ("plan_offer_stream, every m-line", plan_us - parse_us),
        ("  of which read_media (m=message)", read_us - parse_us),
        ("rewrite_sdp (without its parse)", us[REWRITE] - parse_us),
    ]
    bookkeeping = total - parse_us - (plan_us - parse_us) - (us[REWRITE] - parse_us)
    rows.append(("Iq requests/replies, call state", bookkeeping))
    for label, value in rows:
        print(f"  {label:34} {value:9.2f} us  {100 * value / total:5.1f} %")

    verdicts = []
    for name in (ENGINE, SDP_PATH, REWRITE):
        short = name.removeprefix("imsalg ")
        ratio = baseline / seconds[name]
        verdicts.append(
            (f"{short} <= {TARGET_US:.0f} us", us[name] <= TARGET_US, f"{us[name]:.2f} us")
        )
        verdicts.append(
            (
                f"{short} >= {TARGET_RATIO:.0f}x sdp-transform",
                ratio >= TARGET_RATIO,
                f"{ratio:.1f}x",
            )
        )
    print()
    for label, ok, figure in verdicts:
        print(f"{'met   ' if ok else 'MISSED'} {label}: {figure}")
    return 0 if all(ok for _, ok, _ in verdicts) else 1


def _without_agw(leg: LegState | None) -> LegState | None:
    """*leg* as it is before the AGW's reply: no termination, address or certificate."""
    if leg is None:
        return None
    return attrs.evolve(leg, termination=None, agw=None, local_fingerprint=None, agw_path=())


if __name__ == "__main__":
    sys.exit(main())
