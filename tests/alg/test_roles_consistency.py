"""Every a=setup combination, both call directions, through the whole engine.

For each case the a=setup the ALG writes into the SDP, the TCP role it gives the AGW
(Local ``a=setup`` of the termination) and the TLS role and "establish TLS"
instruction must agree, and match tables written here from RFC 4145 §4.1 and the
TR 29.828 CR (not computed by the code under test).
"""

from __future__ import annotations

import itertools

import pytest

from imsalg.alg.config import policy_from_mapping
from imsalg.errors import NegotiationError
from imsalg.iq.procedures import ConfigureConnectionPoint, GatewayRequest, Side
from imsalg.sdp.model import SessionDescription

from .helpers import core_sdp, driver, ue_answer, ue_offer

SETUPS = ["active", "passive", "actpass", "holdconn", None]

#: RFC 4145 §4.1: what an answerer may say to each offer (None = no a=setup).
ALLOWED_ANSWERS: dict[str | None, set[str | None]] = {
    "active": {"passive", "holdconn", None},
    "passive": {"active", "holdconn"},
    "actpass": {"active", "passive", "holdconn", None},
    "holdconn": {"holdconn"},
    None: {"passive", "holdconn", None},
}
#: The role of the side that *sent* a value (what the AGW does when the ALG sent it).
ROLE_OF_SENT = {"active": "client", "passive": "server", "holdconn": "none"}
#: The AGW's role when the *peer* sent a value.
ROLE_OF_RECEIVED = {"active": "server", "passive": "client", "holdconn": "none"}
#: Local a=setup the AGW gets for a role.
LOCAL_SETUP = {"client": "active", "server": "passive", "none": "holdconn"}


def _setup_of(sdp_text: str) -> str | None:
    sdp = SessionDescription.parse(sdp_text)
    found = sdp.attribute(0, "setup")
    return found[1] if found else None


def _final_local(requests: tuple[GatewayRequest, ...], side: Side) -> ConfigureConnectionPoint:
    configures = [
        p
        for request in requests
        for p in request.procedures
        if isinstance(p, ConfigureConnectionPoint) and p.side is side
    ]
    assert configures, f"no Configure for the {side.value} side"
    return configures[-1]


def _check_access(configure: ConfigureConnectionPoint, agw_role: str) -> None:
    assert configure.local.setup is not None
    assert configure.local.setup.value == LOCAL_SETUP[agw_role]
    # TLS client ⇔ TCP client on the access leg, and only a client is told to start TLS.
    assert configure.local.establish_tls == (agw_role == "client")


@pytest.mark.parametrize(
    ("ue", "core"),
    list(itertools.product(SETUPS, ["active", "passive", "actpass", "holdconn", None])),
)
def test_ue_originating(ue: str | None, core: str | None) -> None:
    d = driver()
    to_core = d.sdp(Side.ACCESS, ue_offer(ue)).forwarded
    assert to_core is not None
    offered_core = _setup_of(to_core.sdp)
    # Default policy forwards the UE's value toward the core (setup direction kept).
    assert offered_core == ue
    if core not in ALLOWED_ANSWERS[offered_core]:
        with pytest.raises(NegotiationError):
            d.sdp(Side.CORE, core_sdp(core))
        return
    exchange = d.sdp(Side.CORE, core_sdp(core))
    to_ue = exchange.forwarded
    assert to_ue is not None
    answer_ue = _setup_of(to_ue.sdp)
    # Never answer actpass; answer actpass with the configured preference (passive).
    expected_answer = {
        "active": "passive",
        "passive": "active",
        "actpass": "passive",
        "holdconn": "holdconn",
        None: None,
    }[ue]
    assert answer_ue == expected_answer
    # CR table: ALG sends active -> AGW TLS client; sends passive -> TLS server.
    access_role = (
        ROLE_OF_SENT[answer_ue] if answer_ue else "server"
    )  # no a=setup: UE offerer connects
    _check_access(_final_local(exchange.requests, Side.ACCESS), access_role)
    plan_access = d.call.state.streams[0].access
    assert plan_access is not None
    assert plan_access.roles.tcp.value == access_role
    assert plan_access.roles.tls.value == access_role
    core_role = ROLE_OF_RECEIVED[core] if core else "client"  # no a=setup: ALG side offered
    core_local = _final_local(exchange.requests, Side.CORE)
    assert core_local.local.setup is not None
    assert core_local.local.setup.value == LOCAL_SETUP[core_role]
    assert not core_local.local.establish_tls


@pytest.mark.parametrize(
    ("core", "ue"),
    list(itertools.product(SETUPS, ["active", "passive", "actpass", "holdconn", None])),
)
def test_ue_terminating(core: str | None, ue: str | None) -> None:
    d = driver()
    to_ue = d.sdp(Side.CORE, core_sdp(core)).forwarded
    assert to_ue is not None
    assert _setup_of(to_ue.sdp) == "actpass"  # policy default toward the UE
    if ue not in ALLOWED_ANSWERS["actpass"]:
        with pytest.raises(NegotiationError):
            d.sdp(Side.ACCESS, ue_answer(ue))
        return
    exchange = d.sdp(Side.ACCESS, ue_answer(ue))
    to_core = exchange.forwarded
    assert to_core is not None
    # CR table: ALG receives active -> AGW TLS server; receives passive -> TLS client.
    access_role = ROLE_OF_RECEIVED[ue] if ue else "client"  # no a=setup: the ALG offered
    _check_access(_final_local(exchange.requests, Side.ACCESS), access_role)
    answer_core = _setup_of(to_core.sdp)
    expected: str | None
    if core == "actpass":
        # Setup direction kept across the AGW: the answer mirrors the UE's role.
        expected = {"server": "active", "client": "passive", "none": "holdconn"}[access_role]
    else:
        expected = {"active": "passive", "passive": "active", "holdconn": "holdconn", None: None}[
            core
        ]
    assert answer_core == expected
    core_role = ROLE_OF_SENT[answer_core] if answer_core else "server"
    core_local = _final_local(exchange.requests, Side.CORE)
    assert core_local.local.setup is not None
    assert core_local.local.setup.value == LOCAL_SETUP[core_role]


@pytest.mark.parametrize("preference", ["active", "passive"])
def test_answer_to_actpass_follows_policy_and_drives_the_tls_role(preference: str) -> None:
    policy = policy_from_mapping({"setup": {"answer_actpass_access": preference}})
    d = driver(policy)
    d.sdp(Side.ACCESS, ue_offer("actpass"))
    exchange = d.sdp(Side.CORE, core_sdp("active"))
    assert exchange.forwarded is not None
    assert _setup_of(exchange.forwarded.sdp) == preference
    _check_access(_final_local(exchange.requests, Side.ACCESS), ROLE_OF_SENT[preference])
