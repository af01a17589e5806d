"""Gateway clients for the async driver: how Iq requests reach an IMS-AGW.

:class:`AsyncGateway` is what :class:`~imsalg.drivers.aio.AsyncALG` needs: ``execute``
a :class:`~imsalg.iq.procedures.GatewayRequest` and report notifications to one
subscriber. :class:`InProcessGateway` adapts the bundled :class:`~imsalg.agw.gateway.AGW`
running in the same event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from imsalg.agw.gateway import AGW
from imsalg.iq.procedures import (
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    TerminationHeartbeat,
)

__all__ = ["AsyncGateway", "InProcessGateway", "NotificationHandler"]

NotificationHandler = Callable[[GatewayNotification], None]


class AsyncGateway(Protocol):
    """An IMS-AGW as the async driver sees it."""

    async def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """Carry out one Iq transaction (never raises for an AGW refusal)."""

    def subscribe(self, handler: NotificationHandler) -> None:
        """Deliver the AGW's notifications to *handler* (one subscriber)."""


class InProcessGateway:
    """The bundled AGW in this process and event loop."""

    def __init__(self, agw: AGW) -> None:
        self.agw = agw

    async def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """Hand the request to the AGW."""
        return await self.agw.execute(request)

    def subscribe(self, handler: NotificationHandler) -> None:
        """Route the AGW's notifications (and termination heartbeats) to *handler*."""
        self.agw.on_notification = handler

        def heartbeat(context: str, termination: str) -> None:
            handler(TerminationHeartbeat(context=context, termination=termination))

        self.agw.on_heartbeat = heartbeat
