"""The fast constructors of the hot frozen values (imsalg._fast) build exactly what
the attrs classes build: same parameters and defaults, equal, same hash, frozen."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from imsalg import _fast
from imsalg.alg import events, state
from imsalg.iq import procedures
from imsalg.iq.procedures import GatewayRequest, LocalSide, Side, Transport
from imsalg.sdp.attributes import Setup
from imsalg.sdp.roles import decide_leg_roles

_ROLES = decide_leg_roles(alg_offers=True, offer=Setup.ACTPASS, tls=True)
_LOCAL = LocalSide(realm="access", transport=Transport.TCP_TLS_MSRP, setup=Setup.PASSIVE)
_REQUEST = GatewayRequest(request_id=1, context=None, procedures=())

#: Keyword arguments for the required fields of each class with a fast constructor.
SAMPLES: dict[type[Any], dict[str, Any]] = {
    state.Endpoint: {"address": "192.0.2.1", "port": 2855},
    state.LegState: {
        "side": Side.ACCESS,
        "transport": Transport.TCP_TLS_MSRP,
        "proto": "TCP/TLS/MSRP",
        "roles": _ROLES,
    },
    state.StreamState: {"index": 1, "media": "message", "kind": state.StreamKind.E2AE, "why": "-"},
    state.Negotiation: {
        "offerer": Side.CORE,
        "phase": state.Phase.OFFER_GATEWAY,
        "sdp": "v=0\r\n",
        "media_count": 1,
        "streams": (),
    },
    state.CallState: {},
    procedures.LocalSide: {"realm": "core", "transport": Transport.TCP, "setup": None},
    procedures.RemoteSide: {},
    procedures.ReserveConnectionPoint: {"stream": 1, "side": Side.CORE, "local": _LOCAL},
    procedures.ReserveAndConfigureConnectionPoint: {
        "stream": 2,
        "side": Side.ACCESS,
        "local": _LOCAL,
        "remote": procedures.RemoteSide(address="198.51.100.2", port=9),
    },
    procedures.GatewayRequest: {"request_id": 7, "context": "ctx", "procedures": ()},
    events.SendGatewayRequest: {"request": _REQUEST},
    events.ForwardSDP: {"to": Side.CORE, "sdp": "v=0\r\n", "offer": True},
}

CONSTRUCTORS: dict[type[Any], Any] = {
    **state.FAST_CONSTRUCTORS,
    **procedures.FAST_CONSTRUCTORS,
    **events.FAST_CONSTRUCTORS,
}


def test_every_fast_constructor_has_a_sample() -> None:
    assert set(CONSTRUCTORS) == set(SAMPLES)


@pytest.mark.parametrize("cls", list(CONSTRUCTORS), ids=lambda cls: cls.__name__)
def test_a_fast_constructor_builds_what_the_class_builds(cls: type[Any]) -> None:
    assert _fast.fast_constructor_problems(cls, CONSTRUCTORS[cls], SAMPLES[cls]) == []


def test_the_check_reports_a_wrong_constructor() -> None:
    def wrong(address: str, port: int = 1) -> state.Endpoint:
        return state.Endpoint(address, port + 1)

    problems = _fast.fast_constructor_problems(state.Endpoint, wrong, {"address": "a", "port": 1})
    assert any("default of port" in problem for problem in problems)
    assert any("differs from Endpoint" in problem for problem in problems)


def test_replace_is_evolve() -> None:
    leg = state.LegState(**SAMPLES[state.LegState])
    changed = state.replace(leg, termination="t1", agw=state.Endpoint("192.0.2.1", 1))
    assert changed == attrs.evolve(leg, termination="t1", agw=state.Endpoint("192.0.2.1", 1))
    assert type(changed) is state.LegState
    assert state.replace(leg) == leg
    with pytest.raises(TypeError, match="no field 'nope'"):
        state.replace(leg, nope=1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        changed.termination = "t2"  # type: ignore[misc]


def test_replace_of_a_class_without_fast_constructor_is_evolve() -> None:
    roles = state.replace(_ROLES, answered=False)
    assert roles == attrs.evolve(_ROLES, answered=False)


def test_replace_refuses_a_class_with_an_aliased_field() -> None:
    @attrs.frozen
    class Private:
        _hidden: int

    with pytest.raises(TypeError, match="not its name"):
        _fast.register_replace(Private, Private)
