"""Mutated SDP never makes the engine raise anything but its typed errors, and a
refusal never changes the call state (hypothesis, modest budget for CI)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsalg.errors import IMSALGError
from imsalg.iq.procedures import Side
from imsalg.sdp.model import decode_sdp_bytes

from .helpers import core_sdp, driver, ue_offer

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted({p.read_bytes() for p in (ROOT / "fixtures").glob("**/*.sdp")}) or [
    ue_offer().encode(),
    core_sdp().encode(),
]
NASTY = [
    b"\r\n",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"=",
    b":",
    b" ",
    b"m=message 0 TCP/TLS/MSRP *\r\n",
    b"a=setup:actpass\r\n",
    b"a=fingerprint:md5 AB\r\n",
    b"a=3ge2ae:requested\r\n",
    b"c=IN IP4 \r\n",
    b"a=path:msrps://[::1\r\n",
    b"m=message 99999 TCP/MSRP *\r\n",
    b"a=connection:new\r\n",
    b"a=setup:\r\n",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.integers(0, 3))
        position = draw(st.integers(0, len(data)))
        if action == 0 and data:
            end = min(len(data), position + draw(st.integers(1, 40)))
            del data[position:end]
        elif action == 1:
            data[position:position] = draw(st.sampled_from(NASTY))
        elif action == 2:
            data[position:position] = draw(st.binary(max_size=8))
        else:
            lines = bytes(data).split(b"\n")
            if len(lines) > 1:
                i = draw(st.integers(0, len(lines) - 1))
                lines.insert(draw(st.integers(0, len(lines))), lines[i])
                data = bytearray(b"\n".join(lines))
    return bytes(data)


def _feed(d_side: Side, data: bytes, *, established: bool) -> None:
    d = driver()
    if established:
        d.sdp(Side.ACCESS, ue_offer())
        d.sdp(Side.CORE, core_sdp())
    before = d.call.state
    try:
        d.sdp(d_side, decode_sdp_bytes(data))
    except IMSALGError:
        assert d.call.state is before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(), side=st.sampled_from(list(Side)), established=st.booleans())
def test_mutated_offers_raise_only_typed_errors(data: bytes, side: Side, established: bool) -> None:
    _feed(side, data, established=established)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_mutated_answers_raise_only_typed_errors(data: bytes) -> None:
    d = driver()
    d.sdp(Side.ACCESS, ue_offer())
    before = d.call.state
    try:
        d.sdp(Side.CORE, decode_sdp_bytes(data))
    except IMSALGError:
        assert d.call.state is before
