"""``decide_leg_roles``, exhaustively.

Every combination of (ALG offers / ALG answers) × offered ``a=setup`` (four values or
absent) × answered ``a=setup`` (four values, absent, or not yet arrived) × TLS on/off ×
the ALG's preference for answering ``actpass`` is checked against expectations computed
here from small tables transcribed from the standards — never from the code under test:

- RFC 4145 §4.1 offer/answer table, and §4 defaults (absent: offerer ``active``,
  answerer ``passive``; RFC 4975 / RFC 6135: the offerer is the TCP client);
- TR 29.828 CR 5.1.1.2.4 table: ALG *sends* active ⇒ AGW TLS client, *sends* passive ⇒
  TLS server, *receives* active ⇒ TLS server, *receives* passive ⇒ TLS client;
- the AGW's TLS role equals its TCP role on a leg where it terminates TLS (RFC 8122 §6).
"""

from __future__ import annotations

import itertools
from typing import Final

import attrs
import pytest

from imsalg.errors import NegotiationError
from imsalg.sdp.attributes import Setup
from imsalg.sdp.roles import AWAITED, Awaited, LegRoles, Role, decide_leg_roles, setup_for_role

# -- the tables, as the documents state them (plain strings on purpose) -----------------

#: RFC 4145 §4.1: what an answer may say to each offered value.
RFC4145_ANSWERS: Final = {
    "active": {"passive", "holdconn"},
    "passive": {"active", "holdconn"},
    "actpass": {"active", "passive", "holdconn"},
    "holdconn": {"holdconn"},
}
#: RFC 4145 §4: "the default value ... is 'active' in the offer and 'passive' in the answer".
DEFAULT_IN_OFFER: Final = "active"
DEFAULT_IN_ANSWER: Final = "passive"
#: TR 29.828 CR table (access leg): the AGW's TLS role from what the ALG sends / receives.
CR_ALG_SENDS: Final = {"active": "client", "passive": "server"}
CR_ALG_RECEIVES: Final = {"active": "server", "passive": "client"}
#: DESIGN.md §3: the ALG's answer to a definite offer, and "holdconn means no connection".
ANSWER_TO_DEFINITE_OFFER: Final = {"active": "passive", "passive": "active", "holdconn": "holdconn"}
#: A role stated as one's own a=setup value, and the peer's matching value.
OWN_SETUP: Final = {
    "client": "active",
    "server": "passive",
    "none": "holdconn",
    "pending": "actpass",
}
PEER_SETUP: Final = {"client": "passive", "server": "active", "none": "holdconn"}

OFFERED: Final = ["active", "passive", "actpass", "holdconn", None]
ANSWERED: Final = ["active", "passive", "actpass", "holdconn", None, "awaited"]
PREFERENCES: Final = ["active", "passive", "holdconn", "actpass", "awaited"]


@attrs.frozen
class Expected:
    """What the tables say one call of the function must return."""

    sent: str | None
    received: str | None
    answered: bool
    tcp: str


def _role_from_setup_sent(value: str) -> str:
    """The AGW's role from the value the ALG sent on an established leg."""
    return "none" if value == "holdconn" else CR_ALG_SENDS[value]


def _role_from_setup_received(value: str) -> str:
    return "none" if value == "holdconn" else CR_ALG_RECEIVES[value]


def expected_when_alg_offers(offer: str | None, answer: str | None) -> Expected | type[Exception]:
    if answer == "awaited":
        if offer is None:
            tcp = "client"  # RFC 4975: the offerer opens the connection
        elif offer == "actpass":
            tcp = "pending"  # rtpengine#2145: no role before the answer
        else:
            tcp = _role_from_setup_sent(offer)
        return Expected(sent=offer, received=None, answered=False, tcp=tcp)
    if answer == "actpass":
        return NegotiationError  # RFC 4145 §4.1: an answer is never actpass
    effective_offer = offer or DEFAULT_IN_OFFER
    effective_answer = answer or DEFAULT_IN_ANSWER
    if effective_answer not in RFC4145_ANSWERS[effective_offer]:
        return NegotiationError
    return Expected(
        sent=offer,
        received=answer,
        answered=True,
        tcp=_role_from_setup_received(effective_answer),
    )


def expected_when_alg_answers(offer: str | None, preference: str) -> Expected | type[Exception]:
    if offer == "actpass" and preference == "awaited":
        return Expected(sent=None, received="actpass", answered=False, tcp="pending")
    if preference == "actpass":
        return ValueError  # a caller bug: the ALG never answers actpass
    if offer is None:
        # A pure RFC 4975 peer offered: it is the TCP client; the ALG stays silent.
        return Expected(sent=None, received=None, answered=True, tcp="server")
    sent = preference if offer == "actpass" else ANSWER_TO_DEFINITE_OFFER[offer]
    if sent == "awaited":
        raise AssertionError("unreachable: handled above")
    return Expected(sent=sent, received=offer, answered=True, tcp=_role_from_setup_sent(sent))


def _setup(value: str | None) -> Setup | None:
    return None if value is None else Setup(value)


def _answer_arg(value: str | None) -> Setup | Awaited | None:
    return AWAITED if value == "awaited" else _setup(value)


def _preference_arg(value: str) -> Setup | Awaited:
    return AWAITED if value == "awaited" else Setup(value)


def _value(setup: Setup | None) -> str | None:
    return None if setup is None else setup.value


CASES = list(itertools.product([True, False], OFFERED, ANSWERED, [True, False], PREFERENCES))


def _case_id(case: tuple[bool, str | None, str | None, bool, str]) -> str:
    alg_offers, offer, answer, tls, preference = case
    return (
        f"{'alg-offers' if alg_offers else 'alg-answers'}-offer:{offer or 'absent'}"
        f"-answer:{answer or 'absent'}-{'tls' if tls else 'tcp'}-pref:{preference}"
    )


@pytest.mark.parametrize(
    ("alg_offers", "offer", "answer", "tls", "preference"), CASES, ids=map(_case_id, CASES)
)
def test_roles_table(
    alg_offers: bool, offer: str | None, answer: str | None, tls: bool, preference: str
) -> None:
    # The answer only matters when the ALG offered; the preference only when it answers.
    want = (
        expected_when_alg_offers(offer, answer)
        if alg_offers
        else expected_when_alg_answers(offer, preference)
    )

    def call() -> LegRoles:
        return decide_leg_roles(
            alg_offers=alg_offers,
            offer=_setup(offer),
            answer=_answer_arg(answer),
            preference=_preference_arg(preference),
            tls=tls,
        )

    if not isinstance(want, Expected):
        with pytest.raises(want) as caught:
            call()
        if want is NegotiationError:
            assert isinstance(caught.value, NegotiationError)
            assert caught.value.sip_status == 488
        return

    roles = call()
    assert roles.alg_offered is alg_offers
    assert _value(roles.setup_sent) == want.sent
    assert _value(roles.setup_received) == want.received
    assert roles.answered is want.answered
    assert roles.tcp.value == want.tcp
    # TLS client ⇔ TCP client whenever the AGW terminates TLS; no TLS role otherwise.
    assert roles.tls.value == (want.tcp if tls else "none")

    # The ALG never sends actpass in an answer (sipsorcery#1463).
    if not alg_offers:
        assert roles.setup_sent is not Setup.ACTPASS
        if roles.setup_sent is not None and offer is not None:
            assert roles.setup_sent.value in RFC4145_ANSWERS[offer]

    # agw_setup / peer_setup state the same roles as a=setup values.
    assert roles.agw_setup.value == OWN_SETUP[want.tcp]
    if want.tcp == "pending":
        assert _value(roles.peer_setup) == want.received
    else:
        assert _value(roles.peer_setup) == PEER_SETUP[want.tcp]
    # Advertised == played (diago#174), unless the ALG offered actpass (the answer
    # decides) or the peer answered holdconn (no connection now).
    if roles.setup_sent not in (None, Setup.ACTPASS) and roles.setup_received is not Setup.HOLDCONN:
        assert roles.agw_setup is roles.setup_sent
    if alg_offers and roles.answered:
        assert _value(roles.peer_setup) == (answer or DEFAULT_IN_ANSWER)
    if not alg_offers and offer in ("active", "passive", "holdconn"):
        assert _value(roles.peer_setup) == offer


def test_the_table_covers_every_combination() -> None:
    assert len(CASES) == 2 * 5 * 6 * 2 * 5
    outcomes = set()
    for alg_offers, offer, answer, _, preference in CASES:
        want = (
            expected_when_alg_offers(offer, answer)
            if alg_offers
            else expected_when_alg_answers(offer, preference)
        )
        outcomes.add(want.tcp if isinstance(want, Expected) else want.__name__)
    # Every role and both refusals occur somewhere in the product.
    assert outcomes == {"client", "server", "none", "pending", "NegotiationError", "ValueError"}


@pytest.mark.parametrize(
    ("alg_offers", "offer", "answer", "tls_role"),
    [
        # The four rows of the TR 29.828 CR table, on the access leg with TLS.
        (False, Setup.PASSIVE, AWAITED, Role.CLIENT),  # ALG sends active ⇒ TLS client
        (False, Setup.ACTIVE, AWAITED, Role.SERVER),  # ALG sends passive ⇒ TLS server
        (True, Setup.ACTPASS, Setup.ACTIVE, Role.SERVER),  # ALG receives active ⇒ server
        (True, Setup.ACTPASS, Setup.PASSIVE, Role.CLIENT),  # ALG receives passive ⇒ client
    ],
)
def test_the_cr_table_rows(
    alg_offers: bool, offer: Setup, answer: Setup | Awaited, tls_role: Role
) -> None:
    roles = decide_leg_roles(alg_offers=alg_offers, offer=offer, answer=answer, tls=True)
    assert roles.tls is tls_role
    assert roles.tcp is tls_role


def test_legacy_peer_without_setup_offering_makes_the_agw_server() -> None:
    roles = decide_leg_roles(alg_offers=False, offer=None, tls=True)
    assert (roles.setup_sent, roles.tcp, roles.tls) == (None, Role.SERVER, Role.SERVER)


def test_legacy_peer_without_setup_answering_makes_the_offering_agw_client() -> None:
    roles = decide_leg_roles(alg_offers=True, offer=Setup.ACTPASS, answer=None, tls=True)
    assert (roles.tcp, roles.tls) == (Role.CLIENT, Role.CLIENT)


def test_actpass_answer_is_a_488_naming_rfc_4145() -> None:
    with pytest.raises(NegotiationError, match="actpass") as caught:
        decide_leg_roles(alg_offers=True, offer=Setup.ACTPASS, answer=Setup.ACTPASS, tls=True)
    assert caught.value.sip_status == 488


def test_the_default_preference_answers_actpass_with_passive() -> None:
    # DESIGN.md §3: UEs sit behind NAT, so the ALG lets them connect.
    roles = decide_leg_roles(alg_offers=False, offer=Setup.ACTPASS, tls=True)
    assert (roles.setup_sent, roles.tcp) == (Setup.PASSIVE, Role.SERVER)


@pytest.mark.parametrize(
    ("role", "setup"),
    [
        (Role.CLIENT, Setup.ACTIVE),
        (Role.SERVER, Setup.PASSIVE),
        (Role.PENDING, Setup.ACTPASS),
        (Role.NONE, Setup.HOLDCONN),
    ],
)
def test_setup_for_role(role: Role, setup: Setup) -> None:
    assert setup_for_role(role) is setup
