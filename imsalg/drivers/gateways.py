"""Gateway clients for the async driver: how Iq requests reach an IMS-AGW.

:class:`AsyncGateway` is what :class:`~imsalg.drivers.aio.AsyncALG` needs: ``execute``
a :class:`~imsalg.iq.procedures.GatewayRequest` and report notifications to one
subscriber. :class:`InProcessGateway` adapts the bundled :class:`~imsalg.agw.gateway.AGW`
running in the same event loop. :class:`ContextTracker` follows which contexts an AGW
holds from its replies (for gateway clients that must know what a restart takes away).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from imsalg.agw.gateway import AGW
from imsalg.iq.procedures import (
    ConnectionPointReserved,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    ProcedureResult,
    TerminationHeartbeat,
    TerminationReleased,
)

__all__ = ["AsyncGateway", "ContextTracker", "InProcessGateway", "NotificationHandler"]

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


class ContextTracker:
    """The terminations an AGW holds per context, learnt from its replies."""

    def __init__(self) -> None:
        self._held: dict[str, set[str]] = {}

    def record(self, reply: GatewayResult | GatewayFailure) -> None:
        """Account for what a reply says was reserved or released."""
        if isinstance(reply, GatewayResult):
            self.track(reply.context, reply.results)
        elif reply.context is not None:
            self.track(reply.context, reply.partial)

    def track(self, context: str, results: Iterable[ProcedureResult]) -> None:
        """Add reserved and drop released terminations of *context*."""
        held = self._held.setdefault(context, set())
        for result in results:
            if isinstance(result, ConnectionPointReserved):
                held.add(result.termination)
            elif isinstance(result, TerminationReleased):
                held.discard(result.termination)
        if not held:
            # H.248.1 §7.2.3: the context went with its last termination.
            del self._held[context]

    def forget(self, context: str) -> bool:
        """Drop *context*; whether it was held."""
        return self._held.pop(context, None) is not None

    def take_all(self) -> list[str]:
        """Every held context (sorted), forgetting them all."""
        taken, self._held = sorted(self._held), {}
        return taken

    def __contains__(self, context: object) -> bool:
        return context in self._held

    def __len__(self) -> int:
        return len(self._held)

    @property
    def contexts(self) -> tuple[str, ...]:
        """The held contexts, sorted."""
        return tuple(sorted(self._held))
