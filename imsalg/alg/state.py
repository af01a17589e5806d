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

from imsalg._fast import builder_class, fast_replace, register_replace
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
    "new_call_state",
    "new_endpoint",
    "new_leg_state",
    "new_negotiation",
    "new_stream_state",
    "replace",
]

_A = TypeVar("_A", bound=attrs.AttrsInstance)
#: Read for every leg look-up: a module constant, not an enum class-attribute lookup.
_ACCESS: Final = Side.ACCESS


def replace(instance: _A, **changes: Any) -> _A:
    """``attrs.evolve`` for the state classes, in about a third of the time.

    ``evolve`` walks the class's attribute definitions and goes through the attrs
    ``__init__``; the state classes are copied by their fast constructors
    (:func:`imsalg._fast.fast_replace`). Their fields have no private or aliased
    names, so each field's name is its ``__init__`` argument.
    """
    return fast_replace(instance, changes)


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
        return self.access if side is _ACCESS else self.core

    def legs(self, first: Side) -> tuple[LegState, LegState]:
        """Both legs, *first*'s leg first (``ValueError`` for a stream without legs)."""
        one, two = (self.access, self.core) if first is _ACCESS else (self.core, self.access)
        if one is None or two is None:
            raise ValueError(f"stream {self.index} ({self.kind.value}) has no AGW legs")
        return one, two

    def with_leg(self, leg: LegState) -> StreamState:
        """A copy with *leg* replacing the leg of its side."""
        if leg.side is Side.ACCESS:
            return replace(self, access=leg)
        return replace(self, core=leg)

    def without_terminations(self, *, forget_agw: bool = False) -> StreamState:
        """A copy whose legs hold no termination (and, if asked, no AGW address)."""

        def strip(leg: LegState | None) -> LegState | None:
            if leg is None:
                return None
            if forget_agw:
                return replace(leg, termination=None, agw=None)
            return replace(leg, termination=None)

        return replace(self, access=strip(self.access), core=strip(self.core))

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


# -- fast constructors (see imsalg._fast) -------------------------------------------
# Same parameters, defaults and result as the class call, about five times faster; the
# engine builds a dozen of these values per offer. tests/alg/test_fast_constructors.py
# checks each against its class.

_BuildEndpoint = builder_class(Endpoint)
_BuildLegState = builder_class(LegState)
_BuildStreamState = builder_class(StreamState)
_BuildNegotiation = builder_class(Negotiation)
_BuildCallState = builder_class(CallState)
_AGNOSTIC: Final = MSRPMode.AGNOSTIC
_INITIATE: Final = Establishment.INITIATE


def new_endpoint(address: str, port: int) -> Endpoint:
    """``Endpoint(address, port)``, fast."""
    self = _BuildEndpoint()
    self.address = address
    self.port = port
    self.__class__ = Endpoint
    return self  # type: ignore[no-any-return]


def new_leg_state(
    side: Side,
    transport: Transport,
    proto: str,
    roles: LegRoles,
    termination: str | None = None,
    agw: Endpoint | None = None,
    peer: Endpoint | None = None,
    establish_tls: bool = False,
    local_fingerprint: Fingerprint | None = None,
    remote_fingerprints: tuple[Fingerprint, ...] = (),
    agw_path: tuple[MSRPURI, ...] = (),
    peer_path: tuple[MSRPURI, ...] = (),
) -> LegState:
    """``LegState(...)``, fast."""
    self = _BuildLegState()
    self.side = side
    self.transport = transport
    self.proto = proto
    self.roles = roles
    self.termination = termination
    self.agw = agw
    self.peer = peer
    self.establish_tls = establish_tls
    self.local_fingerprint = local_fingerprint
    self.remote_fingerprints = remote_fingerprints
    self.agw_path = agw_path
    self.peer_path = peer_path
    self.__class__ = LegState
    return self  # type: ignore[no-any-return]


def new_stream_state(
    index: int,
    media: str,
    kind: StreamKind,
    why: str,
    msrp_mode: MSRPMode = _AGNOSTIC,
    establishment: Establishment = _INITIATE,
    access: LegState | None = None,
    core: LegState | None = None,
    failure: str | None = None,
) -> StreamState:
    """``StreamState(...)``, fast."""
    self = _BuildStreamState()
    self.index = index
    self.media = media
    self.kind = kind
    self.why = why
    self.msrp_mode = msrp_mode
    self.establishment = establishment
    self.access = access
    self.core = core
    self.failure = failure
    self.__class__ = StreamState
    return self  # type: ignore[no-any-return]


def new_negotiation(
    offerer: Side,
    phase: Phase,
    sdp: str,
    media_count: int,
    streams: tuple[StreamState, ...],
    reserved: tuple[str, ...] = (),
    request: GatewayRequest | None = None,
) -> Negotiation:
    """``Negotiation(...)``, fast."""
    self = _BuildNegotiation()
    self.offerer = offerer
    self.phase = phase
    self.sdp = sdp
    self.media_count = media_count
    self.streams = streams
    self.reserved = reserved
    self.request = request
    self.__class__ = Negotiation
    return self  # type: ignore[no-any-return]


def new_call_state(
    ue_e2ae: bool = True,
    originator: Side | None = None,
    context: str | None = None,
    streams: tuple[StreamState, ...] = (),
    negotiation: Negotiation | None = None,
    next_request_id: int = 1,
    released: bool = False,
    cleanup_requests: tuple[int, ...] = (),
    release_request: int | None = None,
) -> CallState:
    """``CallState(...)``, fast."""
    self = _BuildCallState()
    self.ue_e2ae = ue_e2ae
    self.originator = originator
    self.context = context
    self.streams = streams
    self.negotiation = negotiation
    self.next_request_id = next_request_id
    self.released = released
    self.cleanup_requests = cleanup_requests
    self.release_request = release_request
    self.__class__ = CallState
    return self  # type: ignore[no-any-return]


#: The fast constructor of each state class (what the tests check, what replace uses).
FAST_CONSTRUCTORS: Final[dict[type[Any], Any]] = {
    Endpoint: new_endpoint,
    LegState: new_leg_state,
    StreamState: new_stream_state,
    Negotiation: new_negotiation,
    CallState: new_call_state,
}
for _cls, _build in FAST_CONSTRUCTORS.items():
    register_replace(_cls, _build)
