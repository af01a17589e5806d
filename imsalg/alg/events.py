"""Engine inputs (events, past tense) and outputs (actions, imperative).

A proxy or driver feeds events to :meth:`imsalg.alg.engine.Call.handle` and carries
out the actions it returns. "Command" always means an H.248 command; the engine's
outputs are actions.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from imsalg._fast import builder_class
from imsalg.errors import REASON_PHRASES
from imsalg.iq.procedures import (
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    Side,
    TerminationStatistics,
)

__all__ = [
    "Action",
    "CallReleased",
    "Event",
    "ForwardSDP",
    "GatewayNotified",
    "GatewayReplied",
    "OfferRejected",
    "RefuseSDP",
    "ReleaseCall",
    "SDPReceived",
    "SendGatewayRequest",
    "StreamFailed",
    "new_forward_sdp",
    "new_send_gateway_request",
]


# -- events -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SDPReceived:
    """An SDP body arrived from one side; offer or answer follows from the call state."""

    side: Side
    sdp: str


@attrs.frozen(kw_only=True)
class GatewayReplied:
    """The AGW answered a :class:`SendGatewayRequest`."""

    reply: GatewayResult | GatewayFailure


@attrs.frozen(kw_only=True)
class GatewayNotified:
    """The AGW reported something on its own (TLS failure, bearer released)."""

    notification: GatewayNotification


@attrs.frozen(kw_only=True)
class OfferRejected:
    """The offer the engine forwarded was refused (non-2xx): undo what it reserved."""


@attrs.frozen(kw_only=True)
class ReleaseCall:
    """The call ended (BYE, CANCEL, error): release every AGW resource."""


Event = SDPReceived | GatewayReplied | GatewayNotified | OfferRejected | ReleaseCall


# -- actions ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SendGatewayRequest:
    """Send this Iq transaction to the AGW and feed its reply back."""

    request: GatewayRequest


@attrs.frozen(kw_only=True)
class ForwardSDP:
    """Send this SDP to the other side (an offer or an answer)."""

    to: Side
    sdp: str
    offer: bool


@attrs.frozen(kw_only=True)
class RefuseSDP:
    """The SDP last received cannot be served: answer the SIP request with this status."""

    status: int
    detail: str

    @property
    def reason(self) -> str:
        """SIP reason phrase of :attr:`status`."""
        return REASON_PHRASES.get(self.status, "Error")


@attrs.frozen(kw_only=True)
class StreamFailed:
    """The AGW gave up a stream (its terminations are being released).

    The proxy decides what to tell the UE and the core (re-INVITE without the stream,
    or BYE); ``sip_status`` is the status to use if it ends the call.
    """

    index: int
    cause: str
    sip_status: int = 488


@attrs.frozen(kw_only=True)
class CallReleased:
    """Every AGW resource of the call is released; statistics per termination."""

    statistics: tuple[tuple[str, TerminationStatistics], ...] = ()


Action = SendGatewayRequest | ForwardSDP | RefuseSDP | StreamFailed | CallReleased


# -- fast constructors (see imsalg._fast) -------------------------------------------
# The actions every offer and answer returns; tests/alg/test_fast_constructors.py checks
# them.

_BuildSendGatewayRequest = builder_class(SendGatewayRequest)
_BuildForwardSDP = builder_class(ForwardSDP)


def new_send_gateway_request(request: GatewayRequest) -> SendGatewayRequest:
    """``SendGatewayRequest(request=...)``, fast."""
    self = _BuildSendGatewayRequest()
    self.request = request
    self.__class__ = SendGatewayRequest
    return self  # type: ignore[no-any-return]


def new_forward_sdp(to: Side, sdp: str, offer: bool) -> ForwardSDP:
    """``ForwardSDP(...)``, fast."""
    self = _BuildForwardSDP()
    self.to = to
    self.sdp = sdp
    self.offer = offer
    self.__class__ = ForwardSDP
    return self  # type: ignore[no-any-return]


#: The fast constructor of each class that has one (what the tests check).
FAST_CONSTRUCTORS: Final[dict[type[Any], Any]] = {
    SendGatewayRequest: new_send_gateway_request,
    ForwardSDP: new_forward_sdp,
}
