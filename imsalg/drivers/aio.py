"""The asyncio driver: one :class:`AsyncCall` per SIP call, all sharing an AGW.

A proxy creates one :class:`AsyncALG` per gateway (or pool) and asks it for a call
per SIP dialog; then it calls :meth:`AsyncCall.sdp` for each SDP body it sees and
forwards what comes back, or answers the SIP request with the status of the
:class:`~imsalg.errors.IMSALGError` raised. AGW notifications (TLS failure, bearer
released) arrive as :class:`CallEvent` values on the call's callback and queue.

Each call processes one event at a time (an :class:`asyncio.Lock`), so a Notify
arriving while an offer waits for the AGW is handled after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import attrs

from imsalg.alg.config import AlgPolicy
from imsalg.alg.engine import Call
from imsalg.alg.events import (
    Action,
    CallReleased,
    Event,
    ForwardSDP,
    GatewayNotified,
    GatewayReplied,
    OfferRejected,
    RefuseSDP,
    ReleaseCall,
    SDPReceived,
    SendGatewayRequest,
    StreamFailed,
)
from imsalg.alg.state import StreamState
from imsalg.errors import GatewayError, IMSALGError
from imsalg.iq.procedures import (
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    Side,
)

from .gateways import AsyncGateway
from .sdpform import SDPBody, as_text

__all__ = ["AsyncALG", "AsyncCall", "CallEvent"]

logger = logging.getLogger(__name__)


@attrs.frozen(kw_only=True)
class CallEvent:
    """Something the AGW reported about a call: a stream failed or the call was released."""

    call_id: str
    action: StreamFailed | CallReleased


class AsyncCall:
    """One call: feed it SDP, get SDP back."""

    def __init__(
        self,
        alg: AsyncALG,
        call_id: str,
        engine: Call,
        on_event: Callable[[CallEvent], Any] | None,
    ) -> None:
        self.alg = alg
        self.call_id = call_id
        self.engine = engine
        self.on_event = on_event
        #: Every :class:`CallEvent` of this call, for proxies that prefer to await them.
        self.events: asyncio.Queue[CallEvent] = asyncio.Queue()
        #: Every Iq request sent for this call with the AGW's answer, in order.
        self.exchanges: list[tuple[GatewayRequest, GatewayResult | GatewayFailure]] = []
        self._lock = asyncio.Lock()

    @property
    def streams(self) -> tuple[StreamState, ...]:
        """The current stream plans (see :func:`imsalg.alg.plan.plan_json`)."""
        return self.engine.streams

    async def sdp(self, side: Side | str, body: SDPBody) -> Any:
        """An SDP body arrived from *side*; returns the body to forward, in the same form.

        Raises :class:`~imsalg.errors.IMSALGError` (with ``sip_status``) when it must be
        refused; the call is then unchanged.
        """
        text, back = as_text(body)
        actions = await self.handle(SDPReceived(side=Side(side), sdp=text))
        for action in actions:
            if isinstance(action, ForwardSDP):
                return back(action.sdp)
        raise IMSALGError("the engine produced no SDP to forward", sip_status=500)

    async def offer_rejected(self) -> None:
        """The offer this call forwarded got a non-2xx answer: undo its reservations."""
        await self.handle(OfferRejected())

    async def release(self) -> CallReleased:
        """The call ended: release every AGW resource; returns the statistics."""
        actions = await self.handle(ReleaseCall())
        self.alg._forget(self)
        for action in actions:
            if isinstance(action, CallReleased):
                return action
        return CallReleased()

    async def notify(self, notification: GatewayNotification) -> None:
        """Feed an AGW notification (the :class:`AsyncALG` routes them here)."""
        await self.handle(GatewayNotified(notification=notification))

    async def handle(self, event: Event) -> list[Action]:
        """Feed any engine event, carry out its gateway requests; return the other actions.

        Raises like :meth:`sdp` when the engine refuses the event or the AGW refuses.
        """
        async with self._lock:
            done: list[Action] = []
            queue = list(self.engine.handle(event))
            while queue:
                action = queue.pop(0)
                if isinstance(action, SendGatewayRequest):
                    reply = await self.alg.gateway.execute(action.request)
                    self.exchanges.append((action.request, reply))
                    queue.extend(self.engine.handle(GatewayReplied(reply=reply)))
                    self.alg._claim(self, self.engine.state.context)
                    continue
                done.append(action)
            self.alg._claim(self, self.engine.state.context)
        for action in done:
            if isinstance(action, StreamFailed | CallReleased) and not isinstance(
                event, ReleaseCall
            ):
                await self._emit(CallEvent(call_id=self.call_id, action=action))
        for action in done:
            if isinstance(action, RefuseSDP):
                raise GatewayError(action.detail, sip_status=action.status)
        return done

    async def _emit(self, event: CallEvent) -> None:
        self.events.put_nowait(event)
        if self.on_event is not None:
            result = self.on_event(event)
            if asyncio.iscoroutine(result):
                await result


class AsyncALG:
    """The IMS-ALG for an asyncio proxy: calls sharing one gateway (or pool)."""

    def __init__(self, gateway: AsyncGateway, policy: AlgPolicy | None = None) -> None:
        self.gateway = gateway
        self.policy = policy or AlgPolicy()
        self._calls: dict[str, AsyncCall] = {}
        self._by_context: dict[str, AsyncCall] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        gateway.subscribe(self._on_notification)

    def call(
        self,
        call_id: str,
        *,
        ue_e2ae: bool = True,
        on_event: Callable[[CallEvent], Any] | None = None,
    ) -> AsyncCall:
        """The call named *call_id* (e.g. the SIP Call-ID), created on first use.

        *ue_e2ae*: the UE registered ``msrp-tls;mediasec`` (TS 24.229 §7.2A.7).
        """
        found = self._calls.get(call_id)
        if found is None:
            found = AsyncCall(self, call_id, Call(self.policy, ue_e2ae=ue_e2ae), on_event)
            self._calls[call_id] = found
        return found

    @property
    def calls(self) -> tuple[AsyncCall, ...]:
        """The calls not yet released."""
        return tuple(self._calls.values())

    async def close(self) -> None:
        """Release every call and wait for pending notification handling."""
        for call in list(self._calls.values()):
            try:
                await call.release()
            except IMSALGError:
                logger.exception("releasing call %s failed", call.call_id)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _claim(self, call: AsyncCall, context: str | None) -> None:
        if context is not None and context != "*":
            self._by_context[context] = call

    def _forget(self, call: AsyncCall) -> None:
        self._calls.pop(call.call_id, None)
        for context, owner in list(self._by_context.items()):
            if owner is call:
                del self._by_context[context]

    def _on_notification(self, notification: GatewayNotification) -> None:
        call = self._by_context.get(notification.context)
        if call is None:
            logger.info("notification for unknown context %s ignored", notification.context)
            return
        task = asyncio.get_running_loop().create_task(call.notify(notification))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
