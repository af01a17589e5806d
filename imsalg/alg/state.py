"""The state of one call as the engine keeps it: immutable values, changed by :func:`replace`.

A :class:`CallState` holds the committed stream plans (one per m-line, by index) and,
while an offer/answer exchange is under way, a :class:`Negotiation` with the plans
being negotiated. The engine replaces the whole state only when an event was
processed successfully, so a refusal leaves the call exactly as it was.
"""

from __future__ import annotations

import enum
from typing import Any, Final, TypeVar

import attrs

from imsalg.iq.procedures import Establishment, GatewayRequest, MSRPMode, Side, Transport
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI
from imsalg.sdp.roles import LegRoles

__all__ = [
    "CallState",
    "Endpoint",
    "LegState",
    "Negotiation",
    "Phase",
    "StreamKind",
    "StreamState",
    "replace",
]

_A = TypeVar("_A", bound=attrs.AttrsInstance)
#: Field names per class, filled by :func:`replace` on first use.
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def replace(instance: _A, **changes: Any) -> _A:
    """``attrs.evolve`` for the state classes, in about two thirds of the time.

    ``evolve`` walks the class's attribute definitions on every call; this reads the
    field names once per class. The state classes have no private or aliased fields,
    so each field's name is its ``__init__`` argument.
    """
    cls = type(instance)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(field.name for field in attrs.fields(cls))
    for name in names:
        if name not in changes:
            changes[name] = getattr(instance, name)
    return cls(**changes)


class StreamKind(str, enum.Enum):
    """What the rules do with one m-line (DESIGN.md §3)."""

    #: MSRP protected end-to-access-edge: TLS toward the UE ends in the AGW.
    E2AE = "e2ae"
    #: TLS end to end: anchored as plain TCP, TLS attributes untouched.
    E2E_TLS = "e2e-tls"
    #: Plain MSRP over TCP, anchored.
    MSRP = "msrp"
    #: Not touched (other media, or policy says do not anchor).
    PASSTHROUGH = "passthrough"
    #: Port 0: the stream is rejected or removed.
    REMOVED = "removed"

    @property
    def anchored(self) -> bool:
        """The AGW carries this stream."""
        return self in _ANCHORED_KINDS


#: Read by :attr:`StreamKind.anchored` for every m-line of every SDP: a module tuple
#: avoids three enum class-attribute lookups per call.
_ANCHORED_KINDS: Final = (StreamKind.E2AE, StreamKind.E2E_TLS, StreamKind.MSRP)


class Phase(str, enum.Enum):
    """Where an offer/answer exchange stands."""

    #: The offer arrived; the AGW is being asked for resources before forwarding it.
    OFFER_GATEWAY = "offer-gateway"
    #: The rewritten offer went out; the answer is awaited.
    AWAITING_ANSWER = "awaiting-answer"
    #: The answer arrived; the AGW is being configured before forwarding it.
    ANSWER_GATEWAY = "answer-gateway"
    #: The exchange was abandoned; the AGW is releasing what it reserved for it.
    ROLLBACK_GATEWAY = "rollback-gateway"


@attrs.frozen
class Endpoint:
    """An address (IP literal, or host name from an SDP ``c=`` line) and a port."""

    address: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"


@attrs.frozen(kw_only=True)
class LegState:
    """One side of an anchored stream: a termination in the AGW and its peer."""

    side: Side
    #: Transport given to the AGW for this termination.
    transport: Transport
    #: The m-line proto the SDP on this leg carries.
    proto: str
    roles: LegRoles
    termination: str | None = None
    agw: Endpoint | None = None
    peer: Endpoint | None = None
    establish_tls: bool = False
    local_fingerprint: Fingerprint | None = None
    remote_fingerprints: tuple[Fingerprint, ...] = ()
    agw_path: tuple[MSRPURI, ...] = ()
    peer_path: tuple[MSRPURI, ...] = ()


@attrs.frozen(kw_only=True)
class StreamState:
    """The plan for one m-line."""

    index: int
    media: str
    kind: StreamKind
    why: str
    msrp_mode: MSRPMode = MSRPMode.AGNOSTIC
    establishment: Establishment = Establishment.INITIATE
    access: LegState | None = None
    core: LegState | None = None
    #: Why the AGW gave the stream up (TLS failure, bearer released), if it did.
    failure: str | None = None

    @property
    def stream_id(self) -> int:
        """The H.248 stream number of this m-line (index + 1)."""
        return self.index + 1

    def leg(self, side: Side) -> LegState | None:
        """The access or core leg."""
        return self.access if side is Side.ACCESS else self.core

    def legs(self, first: Side) -> tuple[LegState, LegState]:
        """Both legs, *first*'s leg first (``ValueError`` for a stream without legs)."""
        one, two = self.leg(first), self.leg(first.other)
        if one is None or two is None:
            raise ValueError(f"stream {self.index} ({self.kind.value}) has no AGW legs")
        return one, two

    def with_leg(self, leg: LegState) -> StreamState:
        """A copy with *leg* replacing the leg of its side."""
        if leg.side is Side.ACCESS:
            return attrs.evolve(self, access=leg)
        return attrs.evolve(self, core=leg)

    def without_terminations(self, *, forget_agw: bool = False) -> StreamState:
        """A copy whose legs hold no termination (and, if asked, no AGW address)."""

        def strip(leg: LegState | None) -> LegState | None:
            if leg is None:
                return None
            if forget_agw:
                return attrs.evolve(leg, termination=None, agw=None)
            return attrs.evolve(leg, termination=None)

        return attrs.evolve(self, access=strip(self.access), core=strip(self.core))

    @property
    def terminations(self) -> tuple[str, ...]:
        """The AGW terminations this stream holds."""
        return tuple(leg.termination for leg in (self.access, self.core) if leg and leg.termination)


@attrs.frozen(kw_only=True)
class Negotiation:
    """An offer/answer exchange in progress."""

    offerer: Side
    phase: Phase
    #: The SDP being processed while the AGW works (offer, then answer).
    sdp: str
    media_count: int
    #: Stream plans as they will be once the exchange completes.
    streams: tuple[StreamState, ...]
    #: Terminations reserved for this exchange (released if it is abandoned).
    reserved: tuple[str, ...] = ()
    request: GatewayRequest | None = None


@attrs.frozen(kw_only=True)
class CallState:
    """Everything the engine remembers about one call."""

    #: The UE registered ``msrp-tls;mediasec`` with this P-CSCF (TS 24.229 §7.2A.7).
    ue_e2ae: bool = True
    #: Who sent the first offer: access (UE-originating) or core (UE-terminating).
    originator: Side | None = None
    context: str | None = None
    streams: tuple[StreamState, ...] = ()
    negotiation: Negotiation | None = None
    next_request_id: int = 1
    released: bool = False
    #: Requests sent to clean up after a failure; their replies need no processing.
    cleanup_requests: tuple[int, ...] = ()
    #: The request releasing the whole call, while it is outstanding.
    release_request: int | None = None
