"""An IMS-AGW reached over Iq: Iq procedures as H.248 transactions on UDP or TCP.

:class:`RemoteGateway` is an :class:`~imsalg.drivers.gateways.AsyncGateway`: each
:class:`~imsalg.iq.procedures.GatewayRequest` becomes one H.248 transaction
(:mod:`imsalg.iq.h248`), sent by :class:`~imsalg.transport.H248Client` with its
retransmission, Pending handling and failover between the AGW's addresses. Notify
transactions from the AGW become notifications for the subscriber and are
acknowledged. A ServiceChange from the AGW (H.248.1 §7.2.8) is acknowledged and
reported to :attr:`RemoteGateway.on_service_change`: after a Restart or a Forced
change the AGW holds none of the contexts it had, and every known context is reported
lost (:class:`~imsalg.iq.procedures.ContextLost`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import attrs

from imsalg.errors import GatewayError, IMSALGError
from imsalg.h248 import model as m
from imsalg.h248.codes import ErrorCode
from imsalg.iq import h248 as iq
from imsalg.iq.procedures import (
    ConnectionPointReserved,
    ContextLost,
    GatewayFailure,
    GatewayRequest,
    GatewayResult,
    ProcedureResult,
    TerminationReleased,
)
from imsalg.iq.profile import DEFAULT_PROFILE, IqProfile
from imsalg.transport import Address, H248Client

from .gateways import NotificationHandler

__all__ = ["RemoteGateway", "ServiceChangeReport"]

logger = logging.getLogger(__name__)

#: H.248.1 §7.2.8: methods after which the MG holds no context of ours any more.
_STATE_LOST = {m.ServiceChangeMethod.RESTART, m.ServiceChangeMethod.FORCED}
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
    #: The AGW lost its contexts (Restart, Forced).
    state_lost: bool


class RemoteGateway:
    """An IMS-AGW controlled over H.248; create it with :meth:`connect`."""

    def __init__(self, client: H248Client | None, profile: IqProfile) -> None:
        # Use RemoteGateway.connect().
        self._client = client
        self.profile = profile
        self._subscriber: NotificationHandler | None = None
        #: Terminations held per context, to know which contexts a restart takes away.
        self._contexts: dict[str, set[str]] = {}
        #: Called for each ServiceChange the AGW sends (e.g. by an AGW pool).
        self.on_service_change: Callable[[ServiceChangeReport], None] | None = None

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

    async def close(self) -> None:
        """Close the H.248 endpoint."""
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
        if isinstance(result, GatewayResult):
            self._track(result.context, result.results)
        elif result.context is not None:
            self._track(result.context, result.partial)
        return result

    def _track(self, context: str, results: tuple[ProcedureResult, ...]) -> None:
        held = self._contexts.setdefault(context, set())
        for result in results:
            if isinstance(result, ConnectionPointReserved):
                held.add(result.termination)
            elif isinstance(result, TerminationReleased):
                held.discard(result.termination)
        if not held:
            # H.248.1 §7.2.3: the context went with its last termination.
            del self._contexts[context]

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
            state_lost = method in _STATE_LOST
            report = ServiceChangeReport(
                peer=peer,
                method=method.value if isinstance(method, m.ServiceChangeMethod) else method,
                reason=change.parms.reason,
                out_of_service=method in _OUT_OF_SERVICE,
                state_lost=state_lost,
            )
            logger.warning("AGW %s:%d ServiceChange %s %s", *peer, report.method, report.reason)
            if state_lost:
                lost, self._contexts = set(self._contexts), {}
                for context in sorted(lost):
                    self._deliver(
                        ContextLost(context=context, cause=f"ServiceChange {report.method}")
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

    @property
    def contexts(self) -> tuple[str, ...]:
        """Contexts this client believes the AGW holds."""
        return tuple(sorted(self._contexts))
