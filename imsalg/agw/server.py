"""The bundled IMS-AGW controlled over H.248 text: the Iq front end of :class:`AGW`.

:class:`AGWServer` listens for H.248 (UDP, and/or TCP with TPKT framing) through
:class:`~imsalg.transport.H248Server`, which executes each transaction at most once.
Each transaction is read as an Iq request (:func:`imsalg.iq.h248.transaction_to_request`;
what the mapping cannot carry is refused with its H.248 error code), carried out by the
in-process :meth:`AGW.execute`, and answered with the allocated addresses, ports and
own certificate fingerprint, or with an Error descriptor.

The AGW speaks first in three cases, all as its own transactions toward the controller
that created the context (or the configured MGC):

- Notify: TLS set-up failure, bearer released, termination heartbeat;
- ServiceChange on ROOT, Method=Restart, Reason "901 Cold Boot" when it starts with an
  MGC configured (H.248.1 §7.2.8, §11.2: an MG registers with its MGC; this AGW keeps
  no call state across restarts, hence cold boot);
- ServiceChange on ROOT, Method=Forced, Reason "905 Termination taken out of service"
  when it is shut down with contexts or an MGC, so the controller stops sending calls.

Its own transactions start at a random transaction id: a controller detects repeated
transactions by peer and id and remembers them for LONG-TIMER (H.248.1 Annex D.1.2,
D.1.3), so an AGW restarted on the same address that counted from 1 again would have
its Restart and first Notify taken for repetitions of its previous life's.

An AuditValue on ROOT with no descriptor is answered empty: controllers use it to check
that the AGW is alive.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import secrets
from collections.abc import Coroutine, Sequence
from typing import Any

from imsalg.errors import GatewayError, H248Error
from imsalg.h248 import model as m
from imsalg.h248.codes import ErrorCode
from imsalg.h248.transactions import TransactionTimers
from imsalg.iq import h248 as iq
from imsalg.iq.procedures import (
    GatewayFailure,
    GatewayNotification,
    GatewayResult,
    TerminationHeartbeat,
)
from imsalg.iq.profile import DEFAULT_PROFILE, IqProfile
from imsalg.transport import Address, H248Server, RequestHandler
from imsalg.transport.locate import Transport

from .gateway import AGW

__all__ = ["AGWServer"]

logger = logging.getLogger(__name__)

ROOT = "ROOT"
#: Random first transaction ids are drawn below this (room left for counting up in 32 bits).
_RANDOM_IDS = 1 << 30


def _timestamp() -> str:
    """H.248.1 Annex B TimeStamp ``yyyymmddThhmmsshh`` (UTC)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 10000:02d}"


class AGWServer:
    """An :class:`AGW` behind an H.248 server; create it with :meth:`start`."""

    def __init__(self, agw: AGW, profile: IqProfile, mgc: Address | None) -> None:
        # Use AGWServer.start().
        self.agw = agw
        self.profile = profile
        self.mgc = mgc
        #: One H.248 server per transport (UDP and TCP may share the port number).
        self.servers: dict[Transport, H248Server] = {}
        #: The controller (address, transport) that created each context: Notify goes there.
        self._owners: dict[str, tuple[Address, Transport]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        #: Set once the ServiceChange Restart was answered (at once without an MGC).
        self._registered = asyncio.Event()

    @classmethod
    async def start(
        cls,
        agw: AGW,
        *,
        host: str = "127.0.0.1",
        port: int = 2944,
        transports: Sequence[str] = ("udp",),
        mid: m.MId | None = None,
        profile: IqProfile = DEFAULT_PROFILE,
        mgc: Address | None = None,
        compact: bool = False,
        first_transaction_id: int | None = None,
        timers: TransactionTimers | None = None,
    ) -> AGWServer:
        """Start *agw* (if needed) and listen for H.248 on *host*:*port* (0: any port).

        With *mgc*, announce the start with ServiceChange Restart to that controller.
        Our own transactions are numbered from *first_transaction_id* (random if not
        given: module docstring).
        """
        if first_transaction_id is None:
            first_transaction_id = 1 + secrets.randbelow(_RANDOM_IDS)
        wanted: list[Transport] = []
        for name in transports:
            if name not in ("udp", "tcp"):
                raise ValueError(f"transport must be udp or tcp, not {name!r}")
            wanted.append("udp" if name == "udp" else "tcp")
        await agw.start()
        front = cls(agw, profile, mgc)
        try:
            for transport in wanted:
                front.servers[transport] = await H248Server.start(
                    front._handler(transport),
                    mid=mid or m.DomainName(name="imsalg-agw.invalid"),
                    host=host,
                    port=port,
                    transports=(transport,),
                    compact=compact,
                    first_transaction_id=first_transaction_id,
                    timers=timers,
                )
                # A port chosen by the kernel for the first transport is used for the next.
                port = front.servers[transport].addresses[transport][1]
        except BaseException:
            for server in front.servers.values():
                await server.close()
            raise
        agw.on_notification = front._on_notification
        agw.on_heartbeat = front._on_heartbeat
        if mgc is not None:
            front._spawn(front._register(mgc))
        else:
            front._registered.set()
        return front

    async def _register(self, mgc: Address) -> None:
        """Announce the start (Restart, 901 Cold Boot) and take commands once the MGC
        answered (H.248.1 §11.2). An MGC that never answers does not lock the AGW out:
        after the transaction timed out it serves whoever controls it."""
        try:
            await self._service_change(mgc, "udp", m.ServiceChangeMethod.RESTART, "901 Cold Boot")
        finally:
            self._registered.set()

    def _handler(self, transport: Transport) -> RequestHandler:
        async def handle(peer: Address, request: m.TransactionRequest) -> m.TransactionReply:
            return await self._handle(peer, request, transport)

        return handle

    @property
    def addresses(self) -> dict[Transport, Address]:
        """Bound control address per transport."""
        return {name: server.addresses[name] for name, server in self.servers.items()}

    # -- requests from the controller ---------------------------------------------------

    async def _handle(
        self, peer: Address, request: m.TransactionRequest, transport: Transport
    ) -> m.TransactionReply:
        if _is_root_audit(request):
            return m.TransactionReply(
                transaction_id=request.transaction_id,
                actions=(
                    m.ActionReply(
                        context_id=m.NULL_CONTEXT,
                        replies=(m.AuditValueReply(terminations=(ROOT,)),),
                    ),
                ),
            )
        if not self._registered.is_set():
            # H.248.8 error 505: no commands before the Restart is acknowledged,
            # or a context made now would be taken for one the restart lost.
            failure = GatewayFailure(
                request_id=request.transaction_id,
                code=int(ErrorCode(505)),
                reason="the IMS-AGW's ServiceChange Restart is not acknowledged yet",
            )
            return iq.failure_to_reply(None, failure, request.transaction_id, self.profile)
        try:
            procedure_request = iq.transaction_to_request(request, self.profile)
        except GatewayError as refused:
            failure = GatewayFailure(
                request_id=request.transaction_id,
                code=refused.h248_code or int(ErrorCode.NOT_IMPLEMENTED),
                reason=refused.detail,
            )
            return iq.failure_to_reply(None, failure, request.transaction_id, self.profile)
        result = await self.agw.execute(procedure_request)
        if isinstance(result, GatewayResult):
            self._owners[result.context] = (peer, transport)
            if not self.agw.terminations(result.context):
                self._owners.pop(result.context, None)
            return iq.result_to_reply(
                procedure_request, result, request.transaction_id, self.profile
            )
        if result.context is not None and not self.agw.terminations(result.context):
            self._owners.pop(result.context, None)
        return iq.failure_to_reply(procedure_request, result, request.transaction_id, self.profile)

    # -- the AGW speaks first ---------------------------------------------------------

    def _on_notification(self, notification: GatewayNotification) -> None:
        self._send_notify(notification)

    def _on_heartbeat(self, context: str, termination: str) -> None:
        self._send_notify(TerminationHeartbeat(context=context, termination=termination))

    def _send_notify(self, notification: GatewayNotification) -> None:
        owner = self._owners.get(notification.context)
        if owner is None:
            logger.info(
                "no controller known for context %s; notification dropped", notification.context
            )
            return
        try:
            transaction = iq.notification_to_transaction(
                notification, 0, timestamp=_timestamp(), profile=self.profile
            )
        except H248Error:
            logger.exception("cannot encode %r", notification)
            return
        self._spawn(
            self._request(owner, transaction.actions, f"Notify {type(notification).__name__}")
        )

    async def _request(
        self, owner: tuple[Address, Transport], actions: tuple[m.ActionRequest, ...], what: str
    ) -> None:
        peer, transport = owner
        server = self.servers.get(transport) or next(iter(self.servers.values()))
        try:
            reply = await server.request(peer, actions, transport=transport)
        except GatewayError as error:
            logger.warning("%s to %s:%d failed: %s", what, *peer, error.detail)
            return
        for action in reply.actions:
            if action.error is not None:
                logger.warning("%s refused: %s", what, action.error)

    async def _service_change(
        self, peer: Address, transport: Transport, method: m.ServiceChangeMethod, reason: str
    ) -> None:
        change = m.ServiceChange(
            terminations=(ROOT,),
            parms=m.ServiceChangeParms(method=method, reason=reason, timestamp=_timestamp()),
        )
        actions = (m.ActionRequest(context_id=m.NULL_CONTEXT, commands=(change,)),)
        await self._request((peer, transport), actions, f"ServiceChange {method.value}")

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- shutdown ---------------------------------------------------------------------

    async def close(self, *, announce_timeout: float = 2.0) -> None:
        """Tell the controllers the AGW leaves service, release every context, stop."""
        if self._closed:
            return
        self._closed = True
        controllers: set[tuple[Address, Transport]] = set(self._owners.values())
        if self.mgc is not None:
            controllers.add((self.mgc, "udp"))
        announcements = [
            self._service_change(
                peer,
                transport,
                m.ServiceChangeMethod.FORCED,
                "905 Termination taken out of service",
            )
            for peer, transport in controllers
        ]
        if announcements:
            await asyncio.wait(
                [asyncio.ensure_future(a) for a in announcements], timeout=announce_timeout
            )
        await self.agw.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for server in self.servers.values():
            await server.close()  # returns with the control port free (a restart binds it)

    async def __aenter__(self) -> AGWServer:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


def _is_root_audit(request: m.TransactionRequest) -> bool:
    commands = [c for action in request.actions for c in action.commands]
    return bool(commands) and all(
        isinstance(c, m.AuditValue) and c.terminations == (ROOT,) for c in commands
    )
