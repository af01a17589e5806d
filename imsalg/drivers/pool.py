"""A pool of IMS-AGWs behind one :class:`~imsalg.drivers.gateways.AsyncGateway`.

:class:`AGWPool` owns the choice of AGW per call, the health of each AGW and the
translation of context ids; the calls themselves stay with the driver that uses it.

Placement
- A request for a new context (``request.context is None``) goes to the AGW in service
  with the fewest active contexts (requests still on their way count); ties go round
  robin. The call stays there: the pool's context ids are ``"<member name>/<AGW
  context>"``, so contexts of different AGWs never collide, and every reply and
  notification is translated both ways. A context id the pool did not hand out is
  refused with 411 (H.248.1 "Unknown ContextID").
- A new-context request that gets no answer (:class:`GatewayFailure` with ``code``
  ``None``: the H.248 transaction timed out) is retried on the next AGW in service, and
  so is one refused with 510 (insufficient resources) that reserved nothing; the caller
  held nothing on the first AGW either way.

Health (one :class:`MemberState` per AGW)
- ``IN_SERVICE``: takes new calls.
- ``SILENT``: a transaction timed out, or the probe got no answer. It takes no new
  calls, requests for its contexts fail at once (``code`` ``None``, SIP 503), and each of
  its contexts is reported lost (:class:`~imsalg.iq.procedures.ContextLost`), so the
  calls there learn it (the driver turns that into a ``CallEvent``) instead of waiting
  for their next request to time out.
- ``LEFT``: the AGW announced ServiceChange Forced or Graceful (H.248.1 §7.2.8). No new
  calls; requests for its remaining contexts still go to it. Graceful keeps them until
  the calls end or, with a ServiceChangeDelay, until the delay runs out; Forced takes
  them away at once. Either way :class:`RemoteGateway` reports the contexts lost when
  they go.
- Back in service: a ServiceChange Restart (or Disconnected, Handoff, Failover: the AGW
  is talking to us again) from that AGW, or, for a SILENT AGW, an answered probe. The
  probe (AuditValue on ROOT every ``probe_interval`` seconds, H.248.1 §7.2.5) also finds
  an AGW in service, or one that LEFT, silent; a LEFT AGW that still answers stays out
  until it restarts.
- An AGW's failure touches only its own calls: nothing is sent to or changed on the
  others.

What a restarting AGW says, and what must survive (H.248.1 §7.2.8, §11)
- An AGW (re)starting registers with ServiceChange Restart on ROOT. Reason "901 Cold
  Boot" says its state is gone: every context it held is lost and the IMS-ALG treats
  those calls as failed (it tells the proxy through ``CallEvent``; nothing is released,
  as there is nothing left to release). "902 Warm Boot" says it kept its state: the
  contexts stay. The bundled AGW keeps no call state, so it always announces a cold
  boot (``imsalg agw --mgc HOST:PORT``; :meth:`AGWPool.listen` is such an address).
- What must survive a restart is configuration: the realms with their media addresses
  and port ranges, the TLS profile, the control address and port (the pool finds the
  AGW there again) and the MGC address it announces itself to.
- Contexts the pool declared lost on an AGW that was only silent (not restarted) may
  still be held there; when such an AGW answers again the pool releases them. A
  termination heartbeat (H.248.36 ``hangterm/thb``) for a context the pool does not know
  (e.g. reserved by a request whose reply was lost) is released the same way.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from imsalg.h248 import model as m
from imsalg.h248.codes import ErrorCode
from imsalg.iq.procedures import (
    ContextLost,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    ReleaseTermination,
    TerminationHeartbeat,
)
from imsalg.transport import Address, H248Server
from imsalg.transport.locate import Transport

from .gateways import AsyncGateway, ContextTracker, NotificationHandler
from .remote import RemoteGateway, ServiceChangeReport

__all__ = ["AGWPool", "MemberState", "MemberStatus", "ProbedGateway"]

logger = logging.getLogger(__name__)

#: Separates the member name from the AGW's own context id in the pool's context ids
#: (H.248.1 Annex B: an AGW's ContextID is a number, so it never holds one).
SEPARATOR = "/"


class MemberState(str, enum.Enum):
    """Where an AGW of the pool stands (module docstring)."""

    IN_SERVICE = "in-service"
    SILENT = "silent"
    LEFT = "left"


@attrs.frozen(kw_only=True)
class MemberStatus:
    """A snapshot of one AGW of the pool: health and load."""

    name: str
    #: ``host:port`` of the AGW's control address (``None`` for an in-process AGW).
    address: str | None
    state: MemberState
    #: Contexts held there now.
    active_contexts: int
    #: Contexts created there since the pool started.
    contexts_created: int
    #: Transactions and probes that got no answer.
    failures: int
    #: Why the AGW is in its state (the last ServiceChange, the last failure).
    last_change: str

    @property
    def in_service(self) -> bool:
        """Whether the AGW takes new calls."""
        return self.state is MemberState.IN_SERVICE


@runtime_checkable
class ProbedGateway(Protocol):
    """A gateway the pool can ask whether it is alive (:meth:`RemoteGateway.probe`)."""

    async def probe(self) -> bool:
        """Whether the AGW answers."""


class _Member:
    """One AGW of the pool and what the pool knows about it."""

    def __init__(self, name: str, gateway: AsyncGateway) -> None:
        self.name = name
        self.gateway = gateway
        self.state = MemberState.IN_SERVICE
        self.contexts = ContextTracker()
        #: Contexts declared lost while the AGW was silent; released if it answers again.
        self.orphans: set[str] = set()
        #: New-context requests on their way.
        self.pending = 0
        self.created = 0
        self.failures = 0
        self.last_change = "configured"

    @property
    def load(self) -> int:
        return len(self.contexts) + self.pending

    @property
    def address(self) -> str | None:
        if not isinstance(self.gateway, RemoteGateway) or not self.gateway.targets:
            return None
        host, port = self.gateway.targets[0]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def outer(self, context: str) -> str:
        return f"{self.name}{SEPARATOR}{context}"

    def status(self) -> MemberStatus:
        return MemberStatus(
            name=self.name,
            address=self.address,
            state=self.state,
            active_contexts=len(self.contexts),
            contexts_created=self.created,
            failures=self.failures,
            last_change=self.last_change,
        )


class AGWPool:
    """Several IMS-AGWs as one :class:`~imsalg.drivers.gateways.AsyncGateway`.

    *members* are the AGWs, named by the mapping's keys (a sequence names them
    ``agw1``, ``agw2``...). With *probe_interval* (seconds) each AGW that can be probed
    (:class:`ProbedGateway`) is audited that often once :meth:`start` ran (``async
    with`` does). :meth:`connect` builds the pool from control addresses. The pool is
    the one subscriber of every member, and takes over each :class:`RemoteGateway`'s
    ``on_service_change``.
    """

    def __init__(
        self,
        members: Sequence[AsyncGateway] | Mapping[str, AsyncGateway],
        *,
        probe_interval: float | None = None,
    ) -> None:
        if isinstance(members, Mapping):
            named = list(members.items())
        else:
            named = [(f"agw{index}", gateway) for index, gateway in enumerate(members, 1)]
        if not named:
            raise ValueError("an AGW pool needs at least one AGW")
        if probe_interval is not None and probe_interval <= 0:
            raise ValueError("probe_interval must be positive")
        self._members: dict[str, _Member] = {}
        for name, gateway in named:
            if not name or name in self._members:
                raise ValueError(f"AGW names must be unique and not empty: {name!r}")
            member = _Member(name, gateway)
            self._members[name] = member
            gateway.subscribe(self._notification_handler(member))
            if isinstance(gateway, RemoteGateway):
                gateway.on_service_change = self._service_change_handler(member)
        self.probe_interval = probe_interval
        self._subscriber: NotificationHandler | None = None
        self._turn = 0
        self._request_ids = itertools.count(1)
        self._owned: list[RemoteGateway] = []
        self._listeners: list[H248Server] = []
        self._prober: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    async def connect(
        cls,
        destinations: Sequence[str],
        *,
        transport: Transport = "udp",
        probe_interval: float | None = None,
        **client_options: object,
    ) -> AGWPool:
        """A started pool of one :class:`RemoteGateway` per destination, named by it.

        A destination is an IP (``192.0.2.7``, ``192.0.2.7:2944``) or a domain name
        (:func:`imsalg.transport.locate`: DNS SRV, else A/AAAA); the addresses found for
        one destination are that AGW's failover addresses. *client_options* go to
        :meth:`RemoteGateway.connect` (``timers``, ``resolver``, ``mid``...).
        """
        gateways: dict[str, RemoteGateway] = {}
        try:
            for destination in destinations:
                if destination in gateways:
                    raise ValueError(f"destination {destination!r} given twice")
                gateways[destination] = await RemoteGateway.connect(
                    destination,
                    transport=transport,
                    **client_options,  # type: ignore[arg-type]
                )
        except BaseException:
            for gateway in gateways.values():
                await gateway.close()
            raise
        pool = cls(gateways, probe_interval=probe_interval)
        pool._owned = list(gateways.values())
        await pool.start()
        return pool

    # -- life cycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Start probing (when a *probe_interval* was given)."""
        if self.probe_interval is not None and self._prober is None:
            self._prober = asyncio.get_running_loop().create_task(self._probe_forever())

    async def listen(
        self,
        host: str = "127.0.0.1",
        port: int = 2944,
        *,
        transport: Transport = "udp",
        mid: m.MId | None = None,
    ) -> Address:
        """Receive the AGWs' ServiceChange on *host*:*port* (0: any port); returns it.

        Give this address to the AGWs as the controller they announce themselves to
        (``imsalg agw --mgc HOST:PORT``). A request is matched to its AGW by the source
        address, which must be one of that AGW's control addresses; others get 402.
        """
        server = await H248Server.start(
            self._serve,
            mid=mid or m.DomainName(name="imsalg-alg.invalid"),
            host=host,
            port=port,
            transports=(transport,),
        )
        self._listeners.append(server)
        return server.addresses[transport]

    async def close(self) -> None:
        """Stop probing and listening; close the gateways :meth:`connect` opened."""
        tasks = [*self._tasks, *([self._prober] if self._prober is not None else [])]
        self._prober = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for server in self._listeners:
            await server.close()
        self._listeners = []
        for gateway in self._owned:
            await gateway.close()
        self._owned = []

    async def __aenter__(self) -> AGWPool:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # -- health and load -------------------------------------------------------------

    @property
    def members(self) -> tuple[MemberStatus, ...]:
        """Health and load of every AGW, in configured order."""
        return tuple(member.status() for member in self._members.values())

    def member(self, name: str) -> MemberStatus:
        """Health and load of the AGW named *name* (:class:`KeyError` if unknown)."""
        return self._members[name].status()

    def gateway(self, name: str) -> AsyncGateway:
        """The gateway of the AGW named *name*."""
        return self._members[name].gateway

    def member_of(self, context: str) -> str | None:
        """The name of the AGW holding the pool context *context*, if it is one of ours."""
        name, _, _ = context.rpartition(SEPARATOR)
        return name if name in self._members else None

    async def probe(self) -> None:
        """Audit every AGW that can be probed once, and act on the answers."""
        probed: list[_Member] = []
        probes: list[Coroutine[Any, Any, bool]] = []
        for member in self._members.values():
            if isinstance(member.gateway, ProbedGateway):
                probed.append(member)
                probes.append(member.gateway.probe())
        answers = await asyncio.gather(*probes, return_exceptions=True)
        for member, alive in zip(probed, answers, strict=True):
            if isinstance(alive, BaseException):
                logger.error("probing AGW %s failed", member.name, exc_info=alive)
                alive = False
            if not alive:
                self._fall_silent(member, "no answer to the ROOT audit")
            elif member.state is MemberState.SILENT:
                self._set_state(member, MemberState.IN_SERVICE, "answered the ROOT audit")
                self._spawn(self._release_orphans(member))

    # -- AsyncGateway ----------------------------------------------------------------

    def subscribe(self, handler: NotificationHandler) -> None:
        """Deliver the AGWs' notifications (with pool context ids) to *handler*."""
        self._subscriber = handler

    async def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """Place a new context on an AGW, or send a request to the AGW of its context."""
        if request.context is None:
            return await self._execute_new(request)
        name, _, context = request.context.rpartition(SEPARATOR)
        member = self._members.get(name)
        if member is None or not context:
            return GatewayFailure(
                request_id=request.request_id,
                code=int(ErrorCode.UNKNOWN_CONTEXT_ID),
                reason=f"context {request.context!r} belongs to no AGW of the pool",
            )
        if member.state is MemberState.SILENT:
            return GatewayFailure(
                request_id=request.request_id,
                code=None,
                reason=f"IMS-AGW {name} does not answer ({member.last_change})",
                context=request.context,
            )
        reply = await member.gateway.execute(attrs.evolve(request, context=context))
        if isinstance(reply, GatewayFailure):
            if reply.code is None:
                self._fall_silent(member, reply.reason)
            elif reply.code == ErrorCode.UNKNOWN_CONTEXT_ID:
                member.contexts.forget(context)
        return self._outbound(member, reply)

    async def _execute_new(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        tried: list[str] = []
        full: GatewayFailure | None = None
        while (member := self._pick(tried)) is not None:
            tried.append(member.name)
            member.pending += 1
            try:
                reply = await member.gateway.execute(request)
            finally:
                member.pending -= 1
            if isinstance(reply, GatewayFailure):
                if reply.code is None:
                    self._fall_silent(member, reply.reason)
                    continue
                if (
                    reply.code == ErrorCode.INSUFFICIENT_RESOURCES
                    and reply.context is None
                    and not reply.partial
                ):
                    logger.info("AGW %s out of resources; trying the next", member.name)
                    full = reply
                    continue
            else:
                member.created += 1
            return self._outbound(member, reply)
        if full is not None:
            return attrs.evolve(full, reason=f"every IMS-AGW of the pool is full: {full.reason}")
        states = ", ".join(
            f"{member.name} {member.state.value}" for member in self._members.values()
        )
        return GatewayFailure(
            request_id=request.request_id,
            code=None,
            reason=f"no IMS-AGW of the pool answers ({states})",
        )

    def _pick(self, tried: list[str]) -> _Member | None:
        """The member in service with the least load; ties round robin."""
        members = list(self._members.values())
        start = self._turn % len(members)
        rotated = members[start:] + members[:start]
        candidates = [
            member
            for member in rotated
            if member.state is MemberState.IN_SERVICE and member.name not in tried
        ]
        if not candidates:
            return None
        chosen = min(candidates, key=lambda member: member.load)
        self._turn = members.index(chosen) + 1
        return chosen

    def _outbound(
        self, member: _Member, reply: GatewayResult | GatewayFailure
    ) -> GatewayResult | GatewayFailure:
        member.contexts.record(reply)
        if reply.context is None:
            return reply
        return attrs.evolve(reply, context=member.outer(reply.context))

    # -- notifications and service changes -------------------------------------------

    def _notification_handler(self, member: _Member) -> NotificationHandler:
        def handle(notification: GatewayNotification) -> None:
            self._on_notification(member, notification)

        return handle

    def _on_notification(self, member: _Member, notification: GatewayNotification) -> None:
        context = notification.context
        if context in member.contexts:
            if isinstance(notification, ContextLost):
                member.contexts.forget(context)
            self._deliver(attrs.evolve(notification, context=member.outer(context)))
        elif isinstance(notification, TerminationHeartbeat):
            # H.248.36: a termination in a context nobody here knows is hanging.
            logger.warning("AGW %s holds unknown context %s: releasing it", member.name, context)
            self._spawn(self._release(member, context))
        else:
            logger.info(
                "AGW %s: notification for unknown context ignored: %r", member.name, notification
            )

    def _service_change_handler(self, member: _Member) -> Callable[[ServiceChangeReport], None]:
        def handle(report: ServiceChangeReport) -> None:
            self._on_service_change(member, report)

        return handle

    def _on_service_change(self, member: _Member, report: ServiceChangeReport) -> None:
        why = f"ServiceChange {report.method} {report.reason or ''}".rstrip()
        if report.state_lost:
            # H.248.1 §7.2.8: Forced, or Restart after a cold boot: nothing is held there.
            self._lose_contexts(member, why, orphan=False)
            member.orphans.clear()
        state = MemberState.LEFT if report.out_of_service else MemberState.IN_SERVICE
        self._set_state(member, state, why)

    def _fall_silent(self, member: _Member, reason: str) -> None:
        member.failures += 1
        if member.state is MemberState.SILENT:
            return
        self._set_state(member, MemberState.SILENT, reason)
        self._lose_contexts(member, f"IMS-AGW {member.name} does not answer", orphan=True)

    def _set_state(self, member: _Member, state: MemberState, why: str) -> None:
        if member.state is not state:
            logger.warning(
                "AGW %s: %s -> %s (%s)", member.name, member.state.value, state.value, why
            )
        member.state = state
        member.last_change = why

    def _lose_contexts(self, member: _Member, cause: str, *, orphan: bool) -> None:
        lost = member.contexts.take_all()
        if orphan:
            member.orphans.update(lost)
        for context in lost:
            self._deliver(ContextLost(context=member.outer(context), cause=cause))

    def _deliver(self, notification: GatewayNotification) -> None:
        if self._subscriber is None:
            logger.info("notification without a subscriber: %r", notification)
            return
        self._subscriber(notification)

    async def _serve(self, peer: Address, request: m.TransactionRequest) -> m.TransactionReply:
        for member in self._members.values():
            gateway = member.gateway
            if isinstance(gateway, RemoteGateway) and peer in gateway.targets:
                return await gateway.handle_request(peer, request)
        logger.warning("H.248 request from %s:%d, which is no AGW of the pool", *peer)
        return m.TransactionReply(
            transaction_id=request.transaction_id,
            error=m.ErrorDescriptor(
                code=ErrorCode.UNAUTHORIZED, text="not an IMS-AGW of this pool"
            ),
        )

    # -- background work -------------------------------------------------------------

    async def _probe_forever(self) -> None:
        interval = self.probe_interval
        if interval is None:
            return
        while True:
            await asyncio.sleep(interval)
            await self.probe()

    async def _release_orphans(self, member: _Member) -> None:
        orphans, member.orphans = sorted(member.orphans), set()
        for context in orphans:
            await self._release(member, context)

    async def _release(self, member: _Member, context: str) -> None:
        """Release every termination of *context* on *member* (411 is fine: it is gone)."""
        request = GatewayRequest(
            request_id=next(self._request_ids),
            context=context,
            procedures=(ReleaseTermination(termination="*"),),
        )
        reply = await member.gateway.execute(request)
        if isinstance(reply, GatewayFailure) and reply.code is None:
            member.orphans.add(context)
            self._fall_silent(member, reply.reason)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
