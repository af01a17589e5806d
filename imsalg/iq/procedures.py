"""Iq stage-2 procedures (3GPP TS 23.334 clause 8) as typed values.

The IMS-ALG engine speaks to an IMS-AGW only through these values; how they travel
(H.248 text over UDP/TCP, or an in-process call) is the business of other modules.
One :class:`GatewayRequest` is one H.248 transaction: a context (new or existing) and
the procedures to carry out in it, in order. Its answer is a :class:`GatewayResult`
(one result per procedure, in the same order) or a :class:`GatewayFailure`.

Information elements (TS 23.334 §8, TR 29.828 CR 5.1.1.2.4) and where they live:

================================================  =========================================
IE                                                field
================================================  =========================================
transport (TCP/TLS/MSRP, TCP/MSRP, TCP)           :attr:`LocalSide.transport`
Local Connection Address Request / Local IP res.  :attr:`LocalSide.address`/``port`` = None
Remote Connection Address / Remote IP resources   :attr:`RemoteSide.address`/``port``
TCP role (state-aware TCP, setup direction)       :attr:`LocalSide.setup` (AGW's a=setup)
TCP establishment (initiate / trigger)            :attr:`LocalSide.establishment`
Local certificate fingerprint Request             :attr:`LocalSide.request_fingerprint`
                                                  (hash: :attr:`LocalSide.fingerprint_hash`)
Local certificate fingerprint                     :attr:`ConnectionPointReserved.fingerprint`
Remote certificate fingerprint(s)                 :attr:`RemoteSide.fingerprints`
Establish (D)TLS session                          :attr:`LocalSide.establish_tls`
Notify (D)TLS session establishment Failure Ev.   :attr:`LocalSide.notify_tls_failure`
Notify Released Bearer                            :attr:`LocalSide.notify_bearer_released`
Notify termination heartbeat                      :attr:`LocalSide.heartbeat`
MSRP handling (agnostic / aware)                  :attr:`LocalSide.msrp_mode`
Change Through-Connection                         :attr:`LocalSide.mode`
IP realm                                          :attr:`LocalSide.realm`
================================================  =========================================
"""

from __future__ import annotations

import enum
from typing import Any, Final

import attrs

from imsalg._fast import builder_class
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI

__all__ = [
    "BearerReleased",
    "ConfigureConnectionPoint",
    "ConnectionPointConfigured",
    "ConnectionPointReserved",
    "ContextLost",
    "Establishment",
    "GatewayFailure",
    "GatewayNotification",
    "GatewayRequest",
    "GatewayResult",
    "LocalSide",
    "MSRPMode",
    "Procedure",
    "ProcedureResult",
    "ReleaseTermination",
    "RemoteSide",
    "ReserveAndConfigureConnectionPoint",
    "ReserveConnectionPoint",
    "Side",
    "StreamMode",
    "TLSSetupFailed",
    "TerminationHeartbeat",
    "TerminationReleased",
    "TerminationStatistics",
    "Transport",
    "new_gateway_request",
    "new_local_side",
    "new_remote_side",
    "new_reserve",
    "new_reserve_and_configure",
]


class Side(str, enum.Enum):
    """Which network a termination faces (also its IP realm by default)."""

    ACCESS = "access"
    CORE = "core"

    @property
    def other(self) -> Side:
        """The opposite side."""
        return Side.CORE if self is Side.ACCESS else Side.ACCESS


class Transport(str, enum.Enum):
    """Transport of a termination, as an SDP m-line proto (TS 23.334 §6.2.18, CR-6)."""

    TCP_TLS_MSRP = "TCP/TLS/MSRP"
    TCP_MSRP = "TCP/MSRP"
    TCP_TLS = "TCP/TLS"
    TCP = "TCP"

    @property
    def tls(self) -> bool:
        """The AGW terminates TLS on this termination."""
        return self in (Transport.TCP_TLS_MSRP, Transport.TCP_TLS)


class Establishment(str, enum.Enum):
    """How the AGW establishes TCP (CR-7)."""

    #: The AGW opens TCP on every termination where it is TCP client.
    INITIATE = "initiate"
    #: An incoming TCP connection on one termination triggers the outgoing one on the other.
    TRIGGER = "trigger"


class MSRPMode(str, enum.Enum):
    """TS 23.334 §5.19: how the AGW treats MSRP."""

    AGNOSTIC = "agnostic"
    AWARE = "aware"


class StreamMode(str, enum.Enum):
    """H.248 stream mode (Change Through-Connection)."""

    INACTIVE = "inactive"
    SENDRECV = "sendrecv"
    SENDONLY = "sendonly"
    RECVONLY = "recvonly"


@attrs.frozen(kw_only=True)
class LocalSide:
    """The AGW's own side of a termination: what the ALG asks it to be."""

    realm: str
    transport: Transport
    setup: Setup | None
    address: str | None = None
    port: int | None = None
    establishment: Establishment = Establishment.INITIATE
    msrp_mode: MSRPMode = MSRPMode.AGNOSTIC
    request_fingerprint: bool = False
    #: Hash function of the requested local fingerprint (RFC 8122 name).
    fingerprint_hash: str = "sha-256"
    request_path: bool = False
    establish_tls: bool = False
    notify_tls_failure: bool = False
    notify_bearer_released: bool = True
    heartbeat: int | None = None
    mode: StreamMode = StreamMode.INACTIVE


@attrs.frozen(kw_only=True)
class RemoteSide:
    """The peer's side of a termination, as learnt from its SDP."""

    address: str | None = None
    port: int | None = None
    setup: Setup | None = None
    fingerprints: tuple[Fingerprint, ...] = ()
    path: tuple[MSRPURI, ...] = ()


@attrs.frozen(kw_only=True)
class ReserveConnectionPoint:
    """Reserve AGW Connection Point (TS 23.334 §8.3): a termination, remote unknown."""

    stream: int
    side: Side
    local: LocalSide


@attrs.frozen(kw_only=True)
class ReserveAndConfigureConnectionPoint:
    """Reserve and Configure AGW Connection Point (TS 23.334 §8.2)."""

    stream: int
    side: Side
    local: LocalSide
    remote: RemoteSide


@attrs.frozen(kw_only=True)
class ConfigureConnectionPoint:
    """Configure AGW Connection Point (TS 23.334 §8.4); carries the full wanted state."""

    termination: str
    stream: int
    side: Side
    local: LocalSide
    remote: RemoteSide


@attrs.frozen(kw_only=True)
class ReleaseTermination:
    """Release AGW Termination; ``"*"`` releases every termination of the context."""

    termination: str


Procedure = (
    ReserveConnectionPoint
    | ReserveAndConfigureConnectionPoint
    | ConfigureConnectionPoint
    | ReleaseTermination
)


@attrs.frozen(kw_only=True)
class ConnectionPointReserved:
    """Reply to a reserve procedure: the termination and what the AGW chose."""

    termination: str
    address: str
    port: int
    fingerprint: Fingerprint | None = None
    path: tuple[MSRPURI, ...] = ()


@attrs.frozen(kw_only=True)
class ConnectionPointConfigured:
    """Reply to :class:`ConfigureConnectionPoint`."""

    termination: str


@attrs.frozen(kw_only=True)
class TerminationStatistics:
    """What went through a termination (octets and MSRP messages, each way)."""

    octets_in: int = 0
    octets_out: int = 0
    messages_in: int = 0
    messages_out: int = 0


@attrs.frozen(kw_only=True)
class TerminationReleased:
    """Reply to :class:`ReleaseTermination` (one per released termination)."""

    termination: str
    statistics: TerminationStatistics = TerminationStatistics()


ProcedureResult = ConnectionPointReserved | ConnectionPointConfigured | TerminationReleased


@attrs.frozen(kw_only=True)
class GatewayRequest:
    """One transaction toward the AGW. ``context`` ``None`` asks for a new context."""

    request_id: int
    context: str | None
    procedures: tuple[Procedure, ...]


@attrs.frozen(kw_only=True)
class GatewayResult:
    """The AGW carried out a request; ``results`` follow ``procedures`` in order.

    A release of ``"*"`` answers with one :class:`TerminationReleased` per termination.
    """

    request_id: int
    context: str
    results: tuple[ProcedureResult, ...]


@attrs.frozen(kw_only=True)
class GatewayFailure:
    """The AGW refused a request (``code``: H.248 error code) or was not reachable
    (``code`` ``None``).

    H.248 executes the commands of a transaction in order and stops at the first
    error; ``context`` and ``partial`` carry what was done before it (so the ALG can
    release terminations that were reserved after all).
    """

    request_id: int
    code: int | None
    reason: str
    context: str | None = None
    partial: tuple[ProcedureResult, ...] = ()


@attrs.frozen(kw_only=True)
class TLSSetupFailed:
    """(D)TLS session establishment failure indication (AGW → ALG)."""

    context: str
    termination: str
    cause: str


@attrs.frozen(kw_only=True)
class BearerReleased:
    """IP Bearer Released (AGW → ALG): the connection of a termination went away."""

    context: str
    termination: str
    cause: str


@attrs.frozen(kw_only=True)
class TerminationHeartbeat:
    """Termination heartbeat (H.248.36 ``hangterm/thb``, AGW → ALG): the termination
    still exists. An ALG that does not know it any more releases it (a hanging
    termination, TS 29.334 §5.14)."""

    context: str
    termination: str


@attrs.frozen(kw_only=True)
class ContextLost:
    """The AGW no longer holds the context (it restarted, or left service): every
    termination of it is gone (H.248.1 §11.5 ServiceChange Restart/Forced). Produced by
    the ALG's gateway client, not sent as such by the AGW."""

    context: str
    cause: str


GatewayNotification = TLSSetupFailed | BearerReleased | TerminationHeartbeat | ContextLost


# -- fast constructors (see imsalg._fast) -------------------------------------------
# Same parameters, defaults and result as the class call, several times faster; the
# engine builds these for every new stream. tests/alg/test_fast_constructors.py
# checks each against its class.

_BuildLocalSide = builder_class(LocalSide)
_BuildRemoteSide = builder_class(RemoteSide)
_BuildReserve = builder_class(ReserveConnectionPoint)
_BuildReserveAndConfigure = builder_class(ReserveAndConfigureConnectionPoint)
_BuildGatewayRequest = builder_class(GatewayRequest)
_INITIATE: Final = Establishment.INITIATE
_AGNOSTIC: Final = MSRPMode.AGNOSTIC
_INACTIVE: Final = StreamMode.INACTIVE


def new_local_side(
    realm: str,
    transport: Transport,
    setup: Setup | None,
    address: str | None = None,
    port: int | None = None,
    establishment: Establishment = _INITIATE,
    msrp_mode: MSRPMode = _AGNOSTIC,
    request_fingerprint: bool = False,
    fingerprint_hash: str = "sha-256",
    request_path: bool = False,
    establish_tls: bool = False,
    notify_tls_failure: bool = False,
    notify_bearer_released: bool = True,
    heartbeat: int | None = None,
    mode: StreamMode = _INACTIVE,
) -> LocalSide:
    """``LocalSide(...)``, fast."""
    self = _BuildLocalSide()
    self.realm = realm
    self.transport = transport
    self.setup = setup
    self.address = address
    self.port = port
    self.establishment = establishment
    self.msrp_mode = msrp_mode
    self.request_fingerprint = request_fingerprint
    self.fingerprint_hash = fingerprint_hash
    self.request_path = request_path
    self.establish_tls = establish_tls
    self.notify_tls_failure = notify_tls_failure
    self.notify_bearer_released = notify_bearer_released
    self.heartbeat = heartbeat
    self.mode = mode
    self.__class__ = LocalSide
    return self  # type: ignore[no-any-return]


def new_remote_side(
    address: str | None = None,
    port: int | None = None,
    setup: Setup | None = None,
    fingerprints: tuple[Fingerprint, ...] = (),
    path: tuple[MSRPURI, ...] = (),
) -> RemoteSide:
    """``RemoteSide(...)``, fast."""
    self = _BuildRemoteSide()
    self.address = address
    self.port = port
    self.setup = setup
    self.fingerprints = fingerprints
    self.path = path
    self.__class__ = RemoteSide
    return self  # type: ignore[no-any-return]


def new_reserve(stream: int, side: Side, local: LocalSide) -> ReserveConnectionPoint:
    """``ReserveConnectionPoint(...)``, fast."""
    self = _BuildReserve()
    self.stream = stream
    self.side = side
    self.local = local
    self.__class__ = ReserveConnectionPoint
    return self  # type: ignore[no-any-return]


def new_reserve_and_configure(
    stream: int, side: Side, local: LocalSide, remote: RemoteSide
) -> ReserveAndConfigureConnectionPoint:
    """``ReserveAndConfigureConnectionPoint(...)``, fast."""
    self = _BuildReserveAndConfigure()
    self.stream = stream
    self.side = side
    self.local = local
    self.remote = remote
    self.__class__ = ReserveAndConfigureConnectionPoint
    return self  # type: ignore[no-any-return]


def new_gateway_request(
    request_id: int, context: str | None, procedures: tuple[Procedure, ...]
) -> GatewayRequest:
    """``GatewayRequest(...)``, fast."""
    self = _BuildGatewayRequest()
    self.request_id = request_id
    self.context = context
    self.procedures = procedures
    self.__class__ = GatewayRequest
    return self  # type: ignore[no-any-return]


#: The fast constructor of each class that has one (what the tests check).
FAST_CONSTRUCTORS: Final[dict[type[Any], Any]] = {
    LocalSide: new_local_side,
    RemoteSide: new_remote_side,
    ReserveConnectionPoint: new_reserve,
    ReserveAndConfigureConnectionPoint: new_reserve_and_configure,
    GatewayRequest: new_gateway_request,
}
