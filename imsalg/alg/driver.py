"""A synchronous driver: runs a :class:`~imsalg.alg.engine.Call` against a gateway backend.

Any object with ``execute(GatewayRequest) -> GatewayResult | GatewayFailure`` will do:
the offline AGW, or a blocking H.248 client. :meth:`SyncDriver.sdp` feeds one SDP in
and loops over the engine's gateway requests until it has the SDP to forward or a
refusal; the refusal is raised as :class:`~imsalg.errors.GatewayError` carrying the
SIP status, so a caller handles every failure through one exception type.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from imsalg.errors import GatewayError
from imsalg.iq.procedures import (
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    Side,
)

from .engine import Call
from .events import (
    Action,
    CallReleased,
    Event,
    ForwardSDP,
    GatewayNotified,
    GatewayReplied,
    RefuseSDP,
    ReleaseCall,
    SDPReceived,
    SendGatewayRequest,
    StreamFailed,
)

__all__ = ["Exchange", "GatewayBackend", "SyncDriver"]


class GatewayBackend(Protocol):
    """What the sync driver needs from an AGW."""

    def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """Carry out one Iq transaction."""


@attrs.frozen(kw_only=True)
class Exchange:
    """What one step did: the gateway traffic and the resulting actions."""

    requests: tuple[GatewayRequest, ...]
    replies: tuple[GatewayResult | GatewayFailure, ...]
    actions: tuple[Action, ...]

    @property
    def forwarded(self) -> ForwardSDP | None:
        """The SDP to forward, if the step produced one."""
        for action in self.actions:
            if isinstance(action, ForwardSDP):
                return action
        return None

    @property
    def failures(self) -> tuple[StreamFailed, ...]:
        """Streams the AGW gave up during the step."""
        return tuple(a for a in self.actions if isinstance(a, StreamFailed))

    @property
    def released(self) -> CallReleased | None:
        """The release report, if the step ended the call."""
        for action in self.actions:
            if isinstance(action, CallReleased):
                return action
        return None


class SyncDriver:
    """Feeds events to *call* and answers its gateway requests with *gateway*."""

    def __init__(self, call: Call, gateway: GatewayBackend) -> None:
        self.call = call
        self.gateway = gateway

    def run(self, event: Event) -> Exchange:
        """Process *event* and every gateway round trip it leads to.

        Raises the engine's :class:`~imsalg.errors.IMSALGError` for refused input, and
        :class:`GatewayError` when the AGW refused (the call state is rolled back).
        """
        requests: list[GatewayRequest] = []
        replies: list[GatewayResult | GatewayFailure] = []
        done: list[Action] = []
        queue = list(self.call.handle(event))
        while queue:
            action = queue.pop(0)
            if isinstance(action, SendGatewayRequest):
                requests.append(action.request)
                reply = self.gateway.execute(action.request)
                replies.append(reply)
                queue.extend(self.call.handle(GatewayReplied(reply=reply)))
                continue
            done.append(action)
        exchange = Exchange(requests=tuple(requests), replies=tuple(replies), actions=tuple(done))
        for action in done:
            if isinstance(action, RefuseSDP):
                raise _Refused(action, exchange)
        return exchange

    def sdp(self, side: Side, text: str) -> Exchange:
        """An SDP body arrived from *side*."""
        return self.run(SDPReceived(side=side, sdp=text))

    def notify(self, notification: GatewayNotification) -> Exchange:
        """The AGW reported something."""
        return self.run(GatewayNotified(notification=notification))

    def release(self) -> Exchange:
        """End the call and release every AGW resource."""
        return self.run(ReleaseCall())


class _Refused(GatewayError):
    """A refusal produced by the engine after an AGW failure, with the exchange so far."""

    def __init__(self, action: RefuseSDP, exchange: Exchange) -> None:
        super().__init__(action.detail, sip_status=action.status)
        self.exchange = exchange
