"""RFC 4145 / RFC 6135 connection roles: the one place that decides them.

:func:`decide_leg_roles` returns, for one leg of a call (access or core), the ``a=setup``
value the ALG sends on that leg, the value it received, and the roles the IMS-AGW
plays there: TCP client/server and, where the AGW terminates TLS, TLS client/server.
Everything that needs a role reads it from the returned :class:`LegRoles`, so the
advertised ``a=setup``, the TCP role and the TLS role cannot disagree (the bug of
emiago/diago#174 and sipwise/rtpengine#2145/#2156).

Rules implemented:

- RFC 4145 §4.1 offer/answer: ``active`` ↔ ``passive``, ``actpass`` → either,
  ``holdconn`` → ``holdconn``. An answer is never ``actpass``.
- No ``a=setup`` (a pure RFC 4975 endpoint): the offerer is the TCP client.
- TLS client ⇔ TCP client on the access leg (RFC 8122 §6; TR 29.828 CR table):
  ALG sends ``active`` ⇒ AGW TLS client; sends ``passive`` ⇒ TLS server;
  receives ``active`` ⇒ TLS server; receives ``passive`` ⇒ TLS client.
- While the ALG's own offer of ``actpass`` is unanswered the role is *pending*: the
  AGW may accept a connection but never opens one (rtpengine#2145).
"""

from __future__ import annotations

import enum
import functools
from typing import Final

import attrs

from imsalg.errors import NegotiationError
from imsalg.sdp.attributes import Setup

__all__ = ["AWAITED", "Awaited", "LegRoles", "Role", "decide_leg_roles", "setup_for_role"]


class Role(str, enum.Enum):
    """The AGW's TCP or TLS role on one leg."""

    CLIENT = "client"
    SERVER = "server"
    PENDING = "pending"
    NONE = "none"


class Awaited(enum.Enum):
    """Marker type: the answer on this leg has not arrived yet."""

    AWAITED = "awaited"


AWAITED: Final = Awaited.AWAITED

_ROLE_OF_SETUP: Final = {
    Setup.ACTIVE: Role.CLIENT,
    Setup.PASSIVE: Role.SERVER,
    Setup.ACTPASS: Role.PENDING,
    Setup.HOLDCONN: Role.NONE,
}
_SETUP_OF_ROLE: Final = {role: setup for setup, role in _ROLE_OF_SETUP.items()}
_PEER_ROLE_OF_SETUP: Final = {
    Setup.ACTIVE: Role.SERVER,  # the peer connects to us
    Setup.PASSIVE: Role.CLIENT,  # we connect to the peer
    Setup.HOLDCONN: Role.NONE,
}


def setup_for_role(role: Role) -> Setup:
    """The ``a=setup`` value that states *role* as one's own (client → ``active``)."""
    return _SETUP_OF_ROLE[role]


@attrs.frozen(kw_only=True)
class LegRoles:
    """Roles on one leg, as decided by :func:`decide_leg_roles`.

    ``setup_sent``/``setup_received`` are ``None`` when that SDP carries (or carried) no
    ``a=setup`` line. ``tcp`` and ``tls`` are the AGW's roles; ``tls`` is
    :attr:`Role.NONE` on a leg where the AGW does not terminate TLS.
    """

    alg_offered: bool
    setup_sent: Setup | None
    setup_received: Setup | None
    answered: bool
    tcp: Role
    tls: Role

    @property
    def agw_setup(self) -> Setup:
        """The AGW's own role as an ``a=setup`` value (for the termination's Local SDP)."""
        return _SETUP_OF_ROLE[self.tcp]

    @property
    def peer_setup(self) -> Setup | None:
        """The peer's role as an ``a=setup`` value (for the termination's Remote SDP)."""
        if self.tcp is Role.PENDING:
            return self.setup_received
        return {
            Role.CLIENT: Setup.PASSIVE,
            Role.SERVER: Setup.ACTIVE,
            Role.NONE: Setup.HOLDCONN,
        }[self.tcp]


def _answer_to(offer: Setup | None, preference: Setup) -> tuple[Setup | None, Role]:
    """The ALG's answer on a leg where the peer offered *offer*, and the AGW's TCP role."""
    if offer is None:
        # Pure RFC 4975 peer: it is the offerer, hence the TCP client; mirror its silence.
        return None, Role.SERVER
    if offer is Setup.ACTIVE:
        return Setup.PASSIVE, Role.SERVER
    if offer is Setup.PASSIVE:
        return Setup.ACTIVE, Role.CLIENT
    if offer is Setup.HOLDCONN:
        return Setup.HOLDCONN, Role.NONE
    # actpass: the ALG chooses; never answer actpass (RFC 4145 §4.1).
    if preference is Setup.ACTIVE:
        return Setup.ACTIVE, Role.CLIENT
    if preference is Setup.HOLDCONN:
        return Setup.HOLDCONN, Role.NONE
    return Setup.PASSIVE, Role.SERVER


def _role_after_answer(offer: Setup | None, answer: Setup | None) -> Role:
    """The AGW's TCP role once the peer answered the ALG's offer (RFC 4145 §4.1)."""
    if answer is Setup.ACTPASS:
        raise NegotiationError("the answer carries a=setup:actpass, which RFC 4145 forbids")
    effective_offer = Setup.ACTIVE if offer is None else offer
    if answer is None:
        # A peer without a=setup treats the offerer (the ALG side) as TCP client.
        if effective_offer in (Setup.ACTIVE, Setup.ACTPASS):
            return Role.CLIENT
        raise NegotiationError(
            f"the answer has no a=setup, so its sender expects the offerer to connect, "
            f"but a=setup:{effective_offer.value} was offered"
        )
    allowed = {
        Setup.ACTIVE: (Setup.PASSIVE, Setup.HOLDCONN),
        Setup.PASSIVE: (Setup.ACTIVE, Setup.HOLDCONN),
        Setup.ACTPASS: (Setup.ACTIVE, Setup.PASSIVE, Setup.HOLDCONN),
        Setup.HOLDCONN: (Setup.HOLDCONN,),
    }[effective_offer]
    if answer not in allowed:
        raise NegotiationError(
            f"a=setup:{answer.value} does not answer an offer of a=setup:{effective_offer.value}"
        )
    return _PEER_ROLE_OF_SETUP[answer]


def decide_leg_roles(
    *,
    alg_offers: bool,
    offer: Setup | None,
    answer: Setup | Awaited | None = AWAITED,
    preference: Setup | Awaited = Setup.PASSIVE,
    tls: bool,
) -> LegRoles:
    """Decide the ``a=setup`` sent, the TCP role and the TLS role on one leg.

    *alg_offers*: the ALG sends the offer on this leg (then *offer* is the value it
    sends and *answer* what the peer answered, or :data:`AWAITED`). Otherwise the peer
    offered *offer* (``None``: no ``a=setup``) and the ALG answers: *preference*
    (``active``, ``passive`` or ``holdconn``) settles an ``actpass`` offer, and
    :data:`AWAITED` defers that choice (the role stays pending, nothing is sent yet).
    *tls*: the AGW terminates TLS on this leg, so its TLS role follows its TCP role.

    Raises :class:`NegotiationError` (488) for an answer RFC 4145 does not allow.
    """
    return _decide(alg_offers, offer, answer, preference, tls)


# Memoised: the inputs are a handful of enum values (at most a few hundred combinations)
# and the result is immutable, so each call after the first is one dictionary lookup
# instead of building a LegRoles. Refusals raise every time (exceptions are not cached).
@functools.cache
def _decide(
    alg_offers: bool,
    offer: Setup | None,
    answer: Setup | Awaited | None,
    preference: Setup | Awaited,
    tls: bool,
) -> LegRoles:
    """:func:`decide_leg_roles` with positional arguments."""
    if alg_offers:
        if isinstance(answer, Awaited):
            tcp = Role.CLIENT if offer is None else _ROLE_OF_SETUP[offer]
            received: Setup | None = None
            answered = False
        else:
            tcp = _role_after_answer(offer, answer)
            received = answer
            answered = True
        sent = offer
    elif isinstance(preference, Awaited) and offer is Setup.ACTPASS:
        sent, tcp, received, answered = None, Role.PENDING, offer, False
    else:
        if preference is Setup.ACTPASS:
            raise ValueError("an answer is never actpass (RFC 4145 §4.1)")
        sent, tcp = _answer_to(
            offer, Setup.PASSIVE if isinstance(preference, Awaited) else preference
        )
        received = offer
        answered = True
    return LegRoles(
        alg_offered=alg_offers,
        setup_sent=sent,
        setup_received=received,
        answered=answered,
        tcp=tcp,
        tls=tcp if tls else Role.NONE,
    )
