"""The IMS-AGW control plane: Iq procedures carried out in-process.

:class:`AGW` takes one :class:`~imsalg.iq.procedures.GatewayRequest` at a time
(:meth:`AGW.execute`) and answers with a :class:`GatewayResult` or a
:class:`GatewayFailure` carrying an H.248 error code; it reports events through a
callback (:class:`TLSSetupFailed`, :class:`BearerReleased`). A transport (H.248 text
over UDP/TCP) wraps ``execute`` and the callback without knowing anything else.

Rules kept:

- TS 23.334 §8.2-8.4 / TR 29.828 CR-10: a reserve allocates address and port in the
  termination's realm (bound at once), picks the termination id, the context id when
  asked (``context is None``), the own MSRP URI (``msrps`` on TLS) and, on a TLS
  transport, a certificate of its own for the stream; it returns the SHA-256
  fingerprint when asked (RFC 8122 §5).
- A request is validated as a whole before anything is done. If a reserve then fails
  for lack of resources (510), the reservations of the request are undone; Configure
  and Release results that happened before stay and are reported in
  ``GatewayFailure.partial`` (H.248.1 §8.2.2: commands run in order, the first error
  stops the transaction).
- H.248.36 termination heartbeat: a termination asking for it is reported every
  ``heartbeat`` seconds through ``on_heartbeat`` until released.
- H.248.1 error codes (TS 29.334 §5.17.1): 411 unknown context, 430 unknown
  termination, 449 unsupported parameter value (the value is named), 501 not
  implemented, 510 insufficient resources, 500 internal failure.
- Releasing terminations in a request does not notify the IMS-ALG about those
  terminations; the interconnected termination, if it loses its connection and is not
  released by the same request, is notified (IP Bearer Released).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import itertools
import logging
import secrets
import socket
from collections.abc import Callable, Sequence
from types import TracebackType

import attrs

from imsalg.agw.certs import CertificatePool
from imsalg.agw.config import AGWConfig, RealmConfig
from imsalg.agw.relay import AGWCounters, RelayEnvironment, StreamRelay, Termination
from imsalg.agw.tls import TLSCredentials, build_context
from imsalg.errors import GatewayError
from imsalg.iq.procedures import (
    ConfigureConnectionPoint,
    ConnectionPointConfigured,
    ConnectionPointReserved,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    LocalSide,
    MSRPMode,
    Procedure,
    ProcedureResult,
    RemoteSide,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    Side,
    TerminationReleased,
    TerminationStatistics,
    Transport,
)
from imsalg.sdp.fingerprint import SUPPORTED_HASHES
from imsalg.sdp.msrp import MSRPURI

__all__ = ["AGW", "H248Code"]

logger = logging.getLogger("imsalg.agw")

_SIDE_TAG = {Side.ACCESS: "acc", Side.CORE: "core"}
_MSRP_TRANSPORTS = frozenset({Transport.TCP_MSRP, Transport.TCP_TLS_MSRP})
_REFILL_STEP = 4
_RESERVES = (ReserveConnectionPoint, ReserveAndConfigureConnectionPoint)


class H248Code:
    """H.248.1 error codes the AGW answers with (TS 29.334 §5.17.1)."""

    UNKNOWN_CONTEXT = 411
    UNKNOWN_TERMINATION = 430
    UNSUPPORTED_VALUE = 449
    INTERNAL_FAILURE = 500
    NOT_IMPLEMENTED = 501
    INSUFFICIENT_RESOURCES = 510


def _refuse(code: int, reason: str) -> GatewayError:
    return GatewayError(reason, h248_code=code)


class _Context:
    """An H.248 context: its terminations (in order) and one relay per stream."""

    __slots__ = ("generations", "ident", "relays", "terminations")

    def __init__(self, ident: str) -> None:
        self.ident = ident
        self.terminations: dict[str, Termination] = {}
        #: The newest relay of each stream (a replacement pair gets a relay of its own).
        self.relays: dict[int, StreamRelay] = {}
        #: Pairs reserved per stream so far: names the terminations of a replacement.
        self.generations: dict[int, int] = {}

    def find(self, stream: int, side: Side) -> Termination | None:
        for termination in self.terminations.values():
            if termination.stream == stream and termination.side is side:
                return termination
        return None

    def relay_for(self, env: RelayEnvironment, stream: int, side: Side) -> StreamRelay:
        """The relay a new termination of *stream* on *side* joins.

        The stream's relay while it has no termination on *side*; otherwise a new
        relay: the re-offer asked for a new connection (``a=connection:new``, RFC 4145
        §5), so the new pair is reserved next to the old one, which keeps relaying
        until the answer releases it (make before break).
        """
        relay = self.relays.get(stream)
        if relay is None or side in relay.terminations:
            relay = self.relays[stream] = StreamRelay(env, self.ident, stream)
            self.generations[stream] = self.generations.get(stream, 0) + 1
        return relay

    def name(self, stream: int, side: Side) -> str:
        """The termination id of the current pair of *stream* on *side*."""
        generation = self.generations.get(stream, 1)
        suffix = f"-{generation}" if generation > 1 else ""
        return f"msrp/{self.ident}/{stream}/{_SIDE_TAG[side]}{suffix}"

    def forget(self, termination: Termination) -> None:
        """*termination* is gone: drop its relay when empty, falling back to an older
        pair of the stream that is still held (a replacement that was abandoned)."""
        self.terminations.pop(termination.ident, None)
        relay = termination.relay
        if relay.terminations or self.relays.get(termination.stream) is not relay:
            return
        held = [t.relay for t in self.terminations.values() if t.stream == termination.stream]
        if held:
            self.relays[termination.stream] = held[-1]
        else:
            del self.relays[termination.stream]


class _Ports:
    """Port allocation per realm: a range walked round-robin, or the kernel's choice.

    Ports in use are tracked per address (realms may share one): SO_REUSEADDR on an
    explicit port would otherwise let two non-listening sockets share it.
    """

    def __init__(self) -> None:
        self._used: dict[str, set[int]] = {}
        self._next: dict[str, int] = {}

    def bind(self, name: str, realm: RealmConfig, wanted: int | None) -> tuple[socket.socket, int]:
        used = self._used.setdefault(_address_key(realm.address), set())
        if wanted:
            if realm.ports is not None and not realm.ports[0] <= wanted <= realm.ports[1]:
                raise _refuse(
                    H248Code.UNSUPPORTED_VALUE,
                    f"port {wanted} is outside realm {name!r} ports {realm.ports}",
                )
            if wanted in used:
                raise _refuse(H248Code.INSUFFICIENT_RESOURCES, f"port {wanted} is in use")
            sock = self._try(realm, wanted)
            if sock is None:
                raise _refuse(H248Code.INSUFFICIENT_RESOURCES, f"port {wanted} is in use")
            used.add(wanted)
            return sock, wanted
        if realm.ports is None:
            sock = self._try(realm, 0)
            if sock is None:
                raise _refuse(H248Code.INSUFFICIENT_RESOURCES, f"no port free in realm {name!r}")
            port = int(sock.getsockname()[1])
            used.add(port)
            return sock, port
        low, high = realm.ports
        start = self._next.get(name, low)
        for port in itertools.chain(range(start, high + 1), range(low, start)):
            if port in used:
                continue
            sock = self._try(realm, port)
            if sock is not None:
                used.add(port)
                self._next[name] = port + 1 if port < high else low
                return sock, port
        raise _refuse(H248Code.INSUFFICIENT_RESOURCES, f"no port free in realm {name!r}")

    @staticmethod
    def _try(realm: RealmConfig, port: int) -> socket.socket | None:
        family = socket.AF_INET6 if realm.ipv6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            if port:
                # An explicit port: this allocator guarantees uniqueness; skip TIME_WAIT.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setblocking(False)
            sock.bind((realm.address, port))
        except OSError as error:
            sock.close()
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return None
            if error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS):
                raise _refuse(H248Code.INSUFFICIENT_RESOURCES, f"cannot bind: {error}") from None
            raise
        return sock

    def free(self, address: str, port: int) -> None:
        self._used.get(_address_key(address), set()).discard(port)


def _address_key(address: str) -> str:
    return str(ipaddress.ip_address(address))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class AGW:
    """The IMS-AGW: Iq procedures in, results and notifications out.

    Use ``async with AGW(config) as agw`` (or :meth:`start`/:meth:`close`) inside a
    running event loop; :meth:`execute` serialises requests.
    """

    def __init__(
        self,
        config: AGWConfig | None = None,
        *,
        on_notification: Callable[[GatewayNotification], None] | None = None,
        on_heartbeat: Callable[[str, str], None] | None = None,
    ) -> None:
        self.config = config or AGWConfig()
        #: Called (synchronously, from the event loop) for every notification.
        self.on_notification = on_notification
        #: Called with (context, termination) every ``LocalSide.heartbeat`` seconds for
        #: terminations that asked for the termination heartbeat (H.248.36 hangterm/thb).
        #: The procedure model has no notification for it (the IMS-ALG only acknowledges
        #: it): an H.248 front end turns these calls into Notify, in-process nobody needs them.
        self.on_heartbeat = on_heartbeat
        self._counters = AGWCounters()
        self._contexts: dict[str, _Context] = {}
        self._context_ids = itertools.count(1)
        self._ports = _Ports()
        self._pool = CertificatePool(self.config.cert_pool_size)
        self._lock = asyncio.Lock()
        self._env: RelayEnvironment | None = None
        self._refill: asyncio.Handle | None = None

    # -- life cycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Build the TLS context and mint the certificate pool."""
        if self._env is not None:
            return
        loop = asyncio.get_running_loop()
        self._env = RelayEnvironment(
            loop,
            self.config,
            build_context(self.config.tls),
            self._notify,
            self._counters,
            self._heartbeat,
            tls_spare=build_context(self.config.tls),
        )
        self._pool.fill()
        logger.info(
            "AGW started: realms %s, TLS %s-%s",
            {name: realm.address for name, realm in self.config.realms.items()},
            self.config.tls.min_version.value,
            self.config.tls.max_version.value,
        )

    async def close(self) -> None:
        """Release every context (no notifications) and forget the certificate pool."""
        async with self._lock:
            for context in list(self._contexts.values()):
                await self._release_all(context)
            self._contexts.clear()
        if self._refill is not None:
            self._refill.cancel()
            self._refill = None
        self._pool.clear()
        self._env = None

    async def __aenter__(self) -> AGW:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- introspection ----------------------------------------------------------------

    @property
    def counters(self) -> AGWCounters:
        """A snapshot of the running totals."""
        return attrs.evolve(self._counters)

    def contexts(self) -> tuple[str, ...]:
        """Ids of the live contexts."""
        return tuple(self._contexts)

    def terminations(self, context: str) -> tuple[str, ...]:
        """Ids of the terminations of *context* (empty if unknown)."""
        found = self._contexts.get(context)
        return tuple(found.terminations) if found is not None else ()

    def local_certificate(self, context: str, termination: str) -> bytes | None:
        """The PEM certificate (no key) of a TLS termination, e.g. for a peer's CA file."""
        found = self._contexts.get(context)
        if found is None or termination not in found.terminations:
            return None
        return found.terminations[termination].certificate_pem()

    # -- requests ---------------------------------------------------------------------

    async def execute(self, request: GatewayRequest) -> GatewayResult | GatewayFailure:
        """Carry out one transaction; never raises for a request it cannot serve."""
        async with self._lock:
            env = self._env
            if env is None:
                return GatewayFailure(
                    request_id=request.request_id,
                    code=H248Code.INTERNAL_FAILURE,
                    reason="AGW not started",
                )
            done: list[ProcedureResult] = []
            try:
                return await self._execute(env, request, done)
            except GatewayError as error:
                logger.info("request %d refused: %s", request.request_id, error.detail)
                code = error.h248_code
                reason = error.detail
            except Exception as error:
                logger.exception("request %d failed", request.request_id)
                code = H248Code.INTERNAL_FAILURE
                reason = f"internal failure: {type(error).__name__}: {error}"
            context = request.context
            return GatewayFailure(
                request_id=request.request_id,
                code=code,
                reason=reason,
                context=context if context in self._contexts else None,
                partial=tuple(done),
            )

    async def _execute(
        self, env: RelayEnvironment, request: GatewayRequest, done: list[ProcedureResult]
    ) -> GatewayResult:
        """Validate, then carry out; *done* collects results as they happen.

        Reservations of a request that fails midway are undone, so ``done`` (the
        failure's ``partial``) lists only Configure and Release results, which stay.
        """
        if request.context is None:
            context = _Context(str(next(self._context_ids)))
            new = True
        else:
            found = self._contexts.get(request.context)
            if found is None:
                raise _refuse(H248Code.UNKNOWN_CONTEXT, f"unknown context {request.context}")
            context, new = found, False
        releasing = self._validate(context, request.procedures)
        results: list[ProcedureResult] = []
        reserved: list[Termination] = []
        try:
            for procedure in request.procedures:
                if isinstance(procedure, _RESERVES):
                    remote = (
                        procedure.remote
                        if isinstance(procedure, ReserveAndConfigureConnectionPoint)
                        else RemoteSide()
                    )
                    termination, result = self._reserve(env, context, procedure, remote)
                    reserved.append(termination)
                    results.append(result)
                    if new:
                        self._contexts[context.ident] = context
                        new = False
                elif isinstance(procedure, ConfigureConnectionPoint):
                    context.terminations[procedure.termination].configure(
                        procedure.local, procedure.remote
                    )
                    results.append(ConnectionPointConfigured(termination=procedure.termination))
                    done.append(results[-1])
                else:
                    released = await self._release(context, procedure.termination, releasing)
                    results += released
                    done += released
        except Exception:
            for termination in reserved:  # undo this request's reservations, quietly
                await self._discard(context, termination)
            if not context.terminations:
                self._contexts.pop(context.ident, None)
            raise
        if not context.terminations:
            self._contexts.pop(context.ident, None)  # H.248.1 §7.2.3: last one out deletes it
        elif new:
            self._contexts[context.ident] = context
        return GatewayResult(
            request_id=request.request_id, context=context.ident, results=tuple(results)
        )

    # -- validation -------------------------------------------------------------------

    def _validate(self, context: _Context, procedures: Sequence[Procedure]) -> set[str]:
        """Check the whole request; return the termination ids it releases."""
        present = {ident: (t.stream, t.side) for ident, t in context.terminations.items()}
        releasing: set[str] = set()
        reserving: set[tuple[int, Side]] = set()
        for procedure in procedures:
            if isinstance(procedure, _RESERVES):
                self._check_local(procedure.local)
                if isinstance(procedure, ReserveAndConfigureConnectionPoint):
                    _check_remote(procedure.remote, procedure.local)
                key = (procedure.stream, procedure.side)
                relay = context.relays.get(procedure.stream)
                if (
                    relay is not None
                    and relay.released
                    and any(other.ident in present for other in relay.terminations.values())
                ):
                    raise _refuse(
                        H248Code.UNSUPPORTED_VALUE,
                        f"the bearer of stream {procedure.stream} was released; "
                        "release its terminations before reserving it again",
                    )
                # One earlier termination per stream and side may be replaced (a new
                # connection, RFC 4145 §5); a third, or the same twice in one request, not.
                if key in reserving or list(present.values()).count(key) > 1:
                    raise _refuse(
                        H248Code.UNSUPPORTED_VALUE,
                        f"stream {procedure.stream} already has a termination on the "
                        f"{procedure.side.value} side",
                    )
                reserving.add(key)
                present[f"new:{len(present)}"] = key
            elif isinstance(procedure, ConfigureConnectionPoint):
                if procedure.termination not in present:
                    raise _refuse(
                        H248Code.UNKNOWN_TERMINATION, f"unknown termination {procedure.termination}"
                    )
                self._check_local(procedure.local)
                _check_remote(procedure.remote, procedure.local)
                existing = context.terminations.get(procedure.termination)
                if existing is not None:
                    _check_change(existing, procedure)
            else:
                ident = procedure.termination
                if ident == "*":
                    releasing |= {key for key in present if not key.startswith("new:")}
                    present.clear()
                elif ident in present:
                    releasing.add(ident)
                    del present[ident]
                else:
                    raise _refuse(H248Code.UNKNOWN_TERMINATION, f"unknown termination {ident}")
        return releasing

    def _check_local(self, local: LocalSide) -> None:
        realm = self.config.realms.get(local.realm)
        if realm is None:
            raise _refuse(H248Code.UNSUPPORTED_VALUE, f"unknown realm ipdc/realm={local.realm!r}")
        if local.heartbeat is not None and local.heartbeat < 0:
            raise _refuse(H248Code.UNSUPPORTED_VALUE, f"hangterm/thb timerx={local.heartbeat}")
        if local.msrp_mode is MSRPMode.AWARE and local.transport not in _MSRP_TRANSPORTS:
            raise _refuse(
                H248Code.UNSUPPORTED_VALUE,
                f"application-aware MSRP needs an MSRP transport, not {local.transport.value}",
            )
        if not local.transport.tls and (local.request_fingerprint or local.establish_tls):
            raise _refuse(
                H248Code.UNSUPPORTED_VALUE,
                f"TLS requested on transport {local.transport.value}",
            )
        if local.request_fingerprint and local.fingerprint_hash.lower() not in SUPPORTED_HASHES:
            # RFC 8122 §5: md2/md5 must not be used; others we cannot compute.
            raise _refuse(
                H248Code.UNSUPPORTED_VALUE,
                f"local certificate fingerprint hash {local.fingerprint_hash!r}",
            )
        if local.address is not None and (
            not _is_ip(local.address)
            or ipaddress.ip_address(local.address) != ipaddress.ip_address(realm.address)
        ):
            raise _refuse(
                H248Code.UNSUPPORTED_VALUE,
                f"address {local.address} is not the address of realm {local.realm!r}",
            )
        if local.port is not None and not 0 <= local.port <= 65535:
            raise _refuse(H248Code.UNSUPPORTED_VALUE, f"port {local.port}")

    # -- procedures -------------------------------------------------------------------

    def _reserve(
        self,
        env: RelayEnvironment,
        context: _Context,
        procedure: ReserveConnectionPoint | ReserveAndConfigureConnectionPoint,
        remote: RemoteSide,
    ) -> tuple[Termination, ConnectionPointReserved]:
        local = procedure.local
        realm = self.config.realms[local.realm]
        sock, port = self._ports.bind(local.realm, realm, local.port)
        credentials = None
        if local.transport.tls:
            credentials = TLSCredentials.of(self._pool.take())
            self._schedule_refill(env)
        host = f"[{realm.address}]" if realm.ipv6 else realm.address
        own_uri = MSRPURI(
            scheme="msrps" if local.transport.tls else "msrp",
            host=host,
            port=port,
            session_id=secrets.token_urlsafe(12),
            transport="tcp",
        )
        relay = context.relay_for(env, procedure.stream, procedure.side)
        ident = context.name(procedure.stream, procedure.side)
        termination = Termination(
            env,
            ident=ident,
            context=context.ident,
            stream=procedure.stream,
            side=procedure.side,
            local=local,
            remote=remote,
            realm=realm,
            sock=sock,
            port=port,
            credentials=credentials,
            own_uri=own_uri,
            relay=relay,
        )
        context.terminations[ident] = termination
        relay.attach(termination)
        self._counters.terminations_reserved += 1
        termination.info(
            "reserved %s %s:%d (%s, setup %s)",
            local.transport.value,
            realm.address,
            port,
            local.msrp_mode.value,
            local.setup.value if local.setup else "none",
        )
        termination.refresh()
        relay.update()
        return termination, ConnectionPointReserved(
            termination=ident,
            address=realm.address,
            port=port,
            fingerprint=(
                credentials.fingerprint(local.fingerprint_hash)
                if credentials is not None and local.request_fingerprint
                else None
            ),
            path=(own_uri,) if local.request_path else (),
        )

    async def _release(
        self, context: _Context, ident: str, releasing: set[str]
    ) -> list[TerminationReleased]:
        targets = list(context.terminations.values())
        if ident != "*":
            targets = [context.terminations[ident]]
        released: list[TerminationReleased] = []
        for termination in targets:
            statistics = await self._drop(context, termination, releasing=releasing)
            released.append(
                TerminationReleased(termination=termination.ident, statistics=statistics)
            )
        return released

    async def _drop(
        self, context: _Context, termination: Termination, *, releasing: set[str]
    ) -> TerminationStatistics:
        relay = termination.relay
        other = relay.other(termination)
        if not relay.released and (termination.bearer_active or (other and other.bearer_active)):
            notify = other if other is not None and other.ident not in releasing else None
            if notify is not None and not notify.bearer_active:
                notify = None
            relay.release("termination-released", notify=notify)
        return await self._discard(context, termination)

    async def _discard(self, context: _Context, termination: Termination) -> TerminationStatistics:
        """Detach and close *termination*, free its port; return its final statistics."""
        statistics = termination.statistics()
        termination.relay.detach(termination)
        context.forget(termination)
        await termination.close()
        self._ports.free(termination.address, termination.port)
        return statistics

    async def _release_all(self, context: _Context) -> None:
        everything = set(context.terminations)
        for termination in list(context.terminations.values()):
            await self._drop(context, termination, releasing=everything)
        self._contexts.pop(context.ident, None)

    # -- notifications and the certificate pool ---------------------------------------

    def _notify(self, notification: GatewayNotification) -> None:
        _invoke(self.on_notification, notification)

    def _heartbeat(self, context: str, termination: str) -> None:
        _invoke(self.on_heartbeat, context, termination)

    def _schedule_refill(self, env: RelayEnvironment) -> None:
        if self._refill is None and len(self._pool) < self._pool.size:
            self._refill = env.loop.call_soon(self._refill_step)

    def _refill_step(self) -> None:
        self._refill = None
        env = self._env
        if env is None:
            return
        self._pool.fill(_REFILL_STEP)
        self._schedule_refill(env)


def _invoke(callback: Callable[..., None] | None, *args: object) -> None:
    """Call a user callback from the event loop; its failure is logged, not spread."""
    if callback is None:
        return
    try:
        callback(*args)
    except Exception:
        logger.exception("callback %r failed for %r", callback, args)


def _check_remote(remote: RemoteSide, local: LocalSide) -> None:
    if remote.address is not None and not _is_ip(remote.address):
        raise _refuse(
            H248Code.UNSUPPORTED_VALUE,
            f"remote address {remote.address!r} is not an IP address (the IMS-ALG resolves names)",
        )
    if remote.port is not None and not 0 <= remote.port <= 65535:
        raise _refuse(H248Code.UNSUPPORTED_VALUE, f"remote port {remote.port}")
    if remote.fingerprints and not local.transport.tls:
        raise _refuse(
            H248Code.UNSUPPORTED_VALUE,
            f"remote fingerprint on transport {local.transport.value}",
        )
    if local.msrp_mode is MSRPMode.AWARE and len(remote.path) > 1:
        raise _refuse(
            H248Code.UNSUPPORTED_VALUE,
            "application-aware MSRP with relays in a=path (RFC 4976) is not supported",
        )


def _check_change(termination: Termination, procedure: ConfigureConnectionPoint) -> None:
    local = procedure.local
    if procedure.stream != termination.stream or procedure.side is not termination.side:
        raise _refuse(
            H248Code.UNSUPPORTED_VALUE,
            f"{termination.ident} is stream {termination.stream} {termination.side.value}",
        )
    if local.transport is not termination.local.transport:
        raise _refuse(
            H248Code.UNSUPPORTED_VALUE,
            f"transport of {termination.ident} cannot change to {local.transport.value}",
        )
    if local.realm != termination.local.realm:
        raise _refuse(H248Code.UNSUPPORTED_VALUE, f"realm of {termination.ident} cannot change")
    if local.port not in (None, 0, termination.port):
        raise _refuse(
            H248Code.UNSUPPORTED_VALUE, f"port of {termination.ident} cannot change to {local.port}"
        )
    if local.msrp_mode is not termination.local.msrp_mode and termination.relay.flowing:
        raise _refuse(
            H248Code.UNSUPPORTED_VALUE,
            f"MSRP mode of {termination.ident} cannot change while media flows",
        )
