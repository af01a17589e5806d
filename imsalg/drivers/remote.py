"""An IMS-AGW reached over Iq: Iq procedures as H.248 transactions on UDP or TCP.

:class:`RemoteGateway` is an :class:`~imsalg.drivers.gateways.AsyncGateway`: each
:class:`~imsalg.iq.procedures.GatewayRequest` becomes one H.248 transaction
(:mod:`imsalg.iq.h248`), sent by :class:`~imsalg.transport.H248Client` with its
retransmission, Pending handling and failover between the AGW's addresses. Notify
transactions from the AGW become notifications for the subscriber and are
acknowledged. A ServiceChange from the AGW (H.248.1 §7.2.8) is acknowledged and
reported to :attr:`RemoteGateway.on_service_change`: after a Forced change, or a
Restart other than "902 Warm Boot", the AGW holds none of the contexts it had, and
every known context is reported lost (:class:`~imsalg.iq.procedures.ContextLost`). A
Graceful change keeps the contexts; with a ServiceChangeDelay of *n* seconds the AGW takes
its terminations out of service *n* seconds later, and the contexts still known then are
reported lost (a Restart or Forced change in between, or :meth:`close`, ends that wait).
:meth:`RemoteGateway.probe` audits ROOT to learn whether the AGW answers at all, and
:meth:`RemoteGateway.handle_request` serves requests the AGW sent to another socket of
ours (an AGW pool's ServiceChange listener).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import attrs

from imsalg.errors import GatewayError, IMSALGError
from imsalg.h248 import model as m
from imsalg.h248.codes import ErrorCode
from imsalg.iq import h248 as iq
from imsalg.iq.procedures import (
    ContextLost,
    GatewayFailure,
    GatewayRequest,
    GatewayResult,
)
from imsalg.iq.profile import DEFAULT_PROFILE, IqProfile
from imsalg.transport import Address, H248Client

from .gateways import ContextTracker, NotificationHandler

__all__ = ["RemoteGateway", "ServiceChangeReport"]

logger = logging.getLogger(__name__)

#: H.248.1 §7.2.8: methods after which the MG holds no context of ours any more.
_STATE_LOST = {m.ServiceChangeMethod.RESTART, m.ServiceChangeMethod.FORCED}
#: H.248.1 §7.2.8: a Restart with reason "902 Warm Boot" kept the MG's state.
_WARM_BOOT = "902"
#: Methods that take the MG out of service.
_OUT_OF_SERVICE = {m.ServiceChangeMethod.FORCED, m.ServiceChangeMethod.GRACEFUL}


@attrs.frozen(kw_only=True)
class ServiceChangeReport:
    """What an AGW said about itself in a ServiceChange on ROOT."""

    peer: Address
    method: str
    reason: str | None
    #: The AGW is out of service (Forced, Graceful) and takes no new calls.
    out_of_service: bool
    #: The AGW lost its contexts (Forced, Restart other than 902 Warm Boot).
    state_lost: bool
    #: ServiceChangeDelay in seconds (H.248.1 §7.2.8: after a Graceful, when the AGW
    #: takes its terminations out of service; ``None`` or 0: once the calls have ended).
    delay: int | None = None


class RemoteGateway:
    """An IMS-AGW controlled over H.248; create it with :meth:`connect`."""

    def __init__(self, client: H248Client | None, profile: IqProfile) -> None:
        # Use RemoteGateway.connect().
        self._client = client
        self.profile = profile
        self._subscriber: NotificationHandler | None = None
        #: Terminations held per context, to know which contexts a restart takes away.
        self._contexts = ContextTracker()
        #: Called for each ServiceChange the AGW sends (e.g. by an AGW pool).
        self.on_service_change: Callable[[ServiceChangeReport], None] | None = None
        #: Ends the delay of a Graceful ServiceChange (module docstring).
        self._drain_timer: asyncio.TimerHandle | None = None

    @classmethod
    async def connect(
        cls,
        destination: str | list[Address],
        *,
        mid: m.MId | None = None,
        transport: str = "udp",
        profile: IqProfile = DEFAULT_PROFILE,
        **client_options: object,
    ) -> RemoteGateway:
        """Locate the AGW (IP, or domain name via DNS SRV/A/AAAA) and open the endpoint.

        *client_options* go to :meth:`imsalg.transport.H248Client.create` (``timers``,
        ``resolver``, ``rng``, ``service``, ``compact``...).
        """
        gateway = cls(None, profile)
        gateway._client = await H248Client.create(
            destination,
            mid=mid or m.DomainName(name="imsalg-alg.invalid"),
            transport="tcp" if transport == "tcp" else "udp",
            handler=gateway._handle,
            **client_options,  # type: ignore[arg-type]
        )
        return gateway

    @property
    def client(self) -> H248Client:
        """The H.248 client (open)."""
        if self._client is None:
            raise RuntimeError("RemoteGateway is closed")
        return self._client

    @property
    def targets(self) -> tuple[Address, ...]:
        """The AGW's control addresses, in the order the next request tries them
        (none once closed)."""
        return tuple(self._client.targets) if self._client is not None else ()

    async def close(self) -> None:
        """Close the H.248 endpoint."""
        self._stop_draining()
        if self._client is not None:
            await self._client.close()
            self._client = None

    def subscribe(self, handler: NotificationHandler) -> None:
        """Deliver notifications to *handler*."""
        self._subscriber = handler

    async def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """Send *request* as one transaction; an unreachable AGW is a failure with no code."""
        transaction = iq.request_to_transaction(request, 0, self.profile)
        try:
            reply = await self.client.request(transaction.actions)
        except GatewayError as error:
            logger.warning("AGW request %d failed: %s", request.request_id, error.detail)
            return GatewayFailure(
                request_id=request.request_id, code=error.h248_code, reason=error.detail
            )
        result = iq.reply_to_result(request, reply, self.profile)
        self._contexts.record(result)
        return result

    async def probe(self) -> bool:
        """Whether the AGW answers an AuditValue on ROOT (H.248.1 §7.2.5) without error.

        Waits at most the client's transaction timers; never raises for a silent AGW.
        """
        audit = m.ActionRequest(
            context_id=m.NULL_CONTEXT, commands=(m.AuditValue(terminations=("ROOT",)),)
        )
        try:
            reply = await self.client.request([audit])
        except GatewayError as error:
            logger.info("ROOT audit unanswered: %s", error.detail)
            return False
        return reply.error is None and all(action.error is None for action in reply.actions)

    async def handle_request(
        self, peer: Address, request: m.TransactionRequest
    ) -> m.TransactionReply:
        """Serve a request this AGW sent to another socket of ours (e.g. a ServiceChange
        to the address it was configured to announce itself to), as if it came here."""
        return await self._handle(peer, request)

    async def _handle(self, peer: Address, request: m.TransactionRequest) -> m.TransactionReply:
        """Requests from the AGW: Notify (notifications) and ServiceChange on ROOT."""
        changes = [
            command
            for action in request.actions
            for command in action.commands
            if isinstance(command, m.ServiceChange)
        ]
        if changes:
            return self._service_change(peer, request, changes)
        try:
            notifications = iq.notify_to_notification(request, self.profile)
        except GatewayError as error:
            code = ErrorCode(error.h248_code or int(ErrorCode.NOT_IMPLEMENTED))
            return iq.notification_ack(
                request, error=m.ErrorDescriptor(code=code, text=error.detail[:200])
            )
        for notification in notifications:
            self._deliver(notification)
        return iq.notification_ack(request)

    def _deliver(self, notification: object) -> None:
        if self._subscriber is None:
            logger.info("notification without a subscriber: %r", notification)
            return
        try:
            self._subscriber(notification)  # type: ignore[arg-type]
        except IMSALGError:
            logger.exception("notification handler failed")

    def _service_change(
        self, peer: Address, request: m.TransactionRequest, changes: list[m.ServiceChange]
    ) -> m.TransactionReply:
        for change in changes:
            method = change.parms.method
            warm = method is m.ServiceChangeMethod.RESTART and (
                change.parms.reason or ""
            ).startswith(_WARM_BOOT)
            state_lost = method in _STATE_LOST and not warm
            report = ServiceChangeReport(
                peer=peer,
                method=method.value if isinstance(method, m.ServiceChangeMethod) else method,
                reason=change.parms.reason,
                out_of_service=method in _OUT_OF_SERVICE,
                state_lost=state_lost,
                delay=change.parms.delay,
            )
            logger.warning("AGW %s:%d ServiceChange %s %s", *peer, report.method, report.reason)
            self._stop_draining()
            if state_lost:
                self._lose_all(f"ServiceChange {report.method}")
            elif method is m.ServiceChangeMethod.GRACEFUL and report.delay:
                self._drain_timer = asyncio.get_running_loop().call_later(
                    report.delay,
                    self._lose_all,
                    f"ServiceChange graceful: the AGW's delay of {report.delay} s ran out",
                )
            if self.on_service_change is not None:
                self.on_service_change(report)
        replies = tuple(
            m.ActionReply(
                context_id=action.context_id,
                replies=tuple(
                    m.ServiceChangeReply(terminations=command.terminations)
                    for command in action.commands
                ),
            )
            for action in request.actions
        )
        return m.TransactionReply(transaction_id=request.transaction_id, actions=replies)

    def _lose_all(self, cause: str) -> None:
        self._drain_timer = None
        for context in self._contexts.take_all():
            self._deliver(ContextLost(context=context, cause=cause))

    def _stop_draining(self) -> None:
        if self._drain_timer is not None:
            self._drain_timer.cancel()
            self._drain_timer = None

    @property
    def contexts(self) -> tuple[str, ...]:
        """Contexts this client believes the AGW holds."""
        return self._contexts.contexts
