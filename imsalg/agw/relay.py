"""The IMS-AGW data plane: terminations, their connections, and the relay between them.

A :class:`Termination` owns one reserved port (a bound socket), at most one TCP
connection (a :class:`Leg`), and on a TLS transport its stream certificate. The two
terminations of one media stream (same context and stream number, access and core
side) meet in a :class:`StreamRelay`, which moves bytes between their legs.

Rules kept here (TR 29.828 CR 5.1.1.2.4, SPEC.md §13.1 items 21-27):

- TCP role from the AGW's own ``a=setup`` (RFC 4145 §4): ``active`` connects,
  ``passive`` listens, ``actpass`` is pending (accepts, never connects, holds what it
  receives until the role is settled), ``holdconn``/none makes no connection.
  State-aware TCP (CR-14): a connection is opened only where the AGW is TCP client, the
  remote address is known and the stream mode is not inactive; with
  :attr:`Establishment.TRIGGER` additionally only after the interconnected termination
  accepted a connection (CR-7 (b)).
- TLS (CR-5, CR-8, CR-12): an accepted connection is the TLS server; an opened one is the
  TLS client and starts the handshake only when told to (``establish_tls``). The peer
  certificate must match the remote fingerprints; until they are known the handshake
  bytes are held (reading paused). A handshake not verified within the configured time
  fails.
- No byte crosses before both legs are ready (TCP up and, on TLS, verified) and the
  modes allow the direction; meanwhile reading stops, so at most one read is held.
  Flow control both ways: a leg whose transport buffer passes the high-water mark
  stops the other leg's reading until it drains.
- Application-agnostic mode relays bytes untouched and counts MSRP frames by their
  framing (:class:`~imsalg.agw.msrp.FrameCounter`: no parsing, never refuses);
  application-aware mode rewrites To-Path/From-Path (TS 23.334 §5.19.5) and a
  malformed frame releases the stream without being forwarded.
- CR-13: when TLS or TCP goes away on one leg, both legs of the stream are closed and
  the IMS-ALG is told once, on the termination where it happened:
  :class:`TLSSetupFailed` for a failed handshake, :class:`BearerReleased` otherwise.

Speed and memory: a leg is an :class:`asyncio.BufferedProtocol` reading 1 MiB at a
time into one buffer of the environment (the AGW's loop), so a read allocates nothing;
what crosses is handed on before the next read (TLS reads and encrypts it in place)
and only bytes that must outlive the callback are copied out: a write to a plain leg
(the transport may keep what it cannot send at once), data held while a direction is
closed. A connected socket becomes a transport without a task of its own
(``Termination._attach``). Once a bearer is up its termination drops the stream
certificate in OpenSSL form and its establishment timer (``Termination.bearer_up``).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any, Final, cast

import attrs
from OpenSSL import SSL

from imsalg.agw.config import AGWConfig, RealmConfig
from imsalg.agw.msrp import Buffer, FrameCounter, MSRPPathRewriter, PathMapping
from imsalg.agw.tls import TLSCredentials, TLSFailure, TLSSession
from imsalg.errors import MSRPFrameError
from imsalg.iq.procedures import (
    BearerReleased,
    Establishment,
    GatewayNotification,
    LocalSide,
    MSRPMode,
    RemoteSide,
    Side,
    StreamMode,
    TerminationStatistics,
    TLSSetupFailed,
)
from imsalg.sdp.attributes import Setup
from imsalg.sdp.msrp import MSRPURI
from imsalg.sdp.roles import Role

__all__ = [
    "AGWCounters",
    "Leg",
    "RelayEnvironment",
    "StreamRelay",
    "Termination",
    "TerminationLog",
]

logger = logging.getLogger("imsalg.agw")

#: H.248 modes in which a termination takes media from its peer / gives media to it.
_RECEIVING: Final = frozenset({StreamMode.SENDRECV, StreamMode.RECVONLY})
_SENDING: Final = frozenset({StreamMode.SENDRECV, StreamMode.SENDONLY})
_ROLE_OF_SETUP: Final = {
    Setup.ACTIVE: Role.CLIENT,
    Setup.PASSIVE: Role.SERVER,
    Setup.ACTPASS: Role.PENDING,
    Setup.HOLDCONN: Role.NONE,
}


class _Pause:
    """Why a leg is not being read (bits; reading resumes when no reason is left).

    Plain ints: IntFlag arithmetic builds enum members through ``Enum.__call__``, about
    a microsecond per operation, several times per connection.
    """

    HELD: Final = 1  # data waits for the other leg / the direction to open
    BACKPRESSURE: Final = 2  # the other leg's transport buffer is above its high-water mark
    CONFIG: Final = 4  # waiting for the IMS-ALG (role, fingerprints, establish_tls)


@attrs.define
class AGWCounters:
    """Running totals of one AGW (connections, handshakes, octets, frames, releases)."""

    connections_accepted: int = 0
    connections_opened: int = 0
    connections_rejected: int = 0
    connect_failures: int = 0
    handshakes_ok: int = 0
    handshakes_failed: int = 0
    octets_relayed: int = 0
    messages_relayed: int = 0
    frame_errors: int = 0
    bearers_released: int = 0
    terminations_reserved: int = 0
    terminations_released: int = 0
    notifications: int = 0


if TYPE_CHECKING:
    _LoggerAdapter = logging.LoggerAdapter[logging.Logger]
else:
    _LoggerAdapter = logging.LoggerAdapter


class TerminationLog(_LoggerAdapter):
    """Prefixes every record with ``[context termination]`` and sets both as extras."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        extra = self.extra or {}
        kwargs.setdefault("extra", {}).update(extra)
        return f"[{extra.get('context')} {extra.get('termination')}] {msg}", kwargs


#: Octets per socket read. Measured on loopback: 1 MiB costs 10-20 % less CPU per GiB
#: relayed than 256 KiB (asyncio's own read size), 2 MiB no less than 1 MiB. At most one
#: read is held beyond ``write_buffer_high`` when the other leg is slow.
READ_SIZE: Final = 1024 * 1024


class RelayEnvironment:
    """What terminations and legs share: loop, configuration, TLS context, sinks, and
    the read buffer of every leg (one loop reads into it, one callback at a time)."""

    __slots__ = (
        "config",
        "counters",
        "heartbeat",
        "loop",
        "notify",
        "read_buffer",
        "tls_context",
        "tls_spare",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        config: AGWConfig,
        tls_context: SSL.Context,
        notify: Callable[[GatewayNotification], None],
        counters: AGWCounters,
        heartbeat: Callable[[str, str], None],
        tls_spare: SSL.Context | None = None,
    ) -> None:
        self.loop = loop
        self.config = config
        self.tls_context = tls_context
        #: Where established sessions move to drop their certificate (TLSSession).
        self.tls_spare = tls_spare
        self.notify = notify
        self.counters = counters
        self.heartbeat = heartbeat
        self.read_buffer = memoryview(bytearray(READ_SIZE))


@attrs.define
class _Stats:
    octets_in: int = 0
    octets_out: int = 0
    messages_in: int = 0
    messages_out: int = 0

    def freeze(self) -> TerminationStatistics:
        return TerminationStatistics(
            octets_in=self.octets_in,
            octets_out=self.octets_out,
            messages_in=self.messages_in,
            messages_out=self.messages_out,
        )


class Termination:
    """One AGW termination: reserved port, role, connection, certificate, statistics."""

    __slots__ = (
        "_connecting",
        "_establish",
        "_heartbeat",
        "_listening",
        "_sock",
        "_tasks",
        "address",
        "context",
        "credentials",
        "env",
        "ident",
        "leg",
        "local",
        "own_uri",
        "port",
        "realm",
        "relay",
        "released",
        "remote",
        "side",
        "stats",
        "stream",
        "tls",
        "triggered",
    )

    def __init__(
        self,
        env: RelayEnvironment,
        *,
        ident: str,
        context: str,
        stream: int,
        side: Side,
        local: LocalSide,
        remote: RemoteSide,
        realm: RealmConfig,
        sock: socket.socket,
        port: int,
        credentials: TLSCredentials | None,
        own_uri: MSRPURI,
        relay: StreamRelay,
    ) -> None:
        self.env = env
        self.ident = ident
        self.context = context
        self.stream = stream
        self.side = side
        self.local = local
        self.remote = remote
        self.realm = realm
        self.address = realm.address
        #: The AGW terminates TLS on this termination (the transport never changes).
        self.tls = local.transport.tls
        self.port = port
        self.credentials = credentials
        self.own_uri = own_uri
        self.relay = relay
        self.stats = _Stats()
        self.leg: Leg | None = None
        self.triggered = False
        self.released = False
        self._sock: socket.socket | None = sock
        self._listening = False
        self._tasks: set[asyncio.Task[None]] | None = None  # made by the first task
        self._connecting = False
        self._heartbeat: asyncio.TimerHandle | None = None
        self._establish: asyncio.TimerHandle | None = None
        self._arm_heartbeat()
        self._arm_establishment()

    # -- derived state ----------------------------------------------------------------

    @property
    def log(self) -> TerminationLog:
        """Logger with this termination's context and id (made on use: idle ones cost
        no memory)."""
        return TerminationLog(logger, {"context": self.context, "termination": self.ident})

    def info(self, msg: str, *args: object) -> None:
        """Log at INFO with context and id; nothing is built while INFO is off (these
        calls run several times per connection)."""
        if logger.isEnabledFor(logging.INFO):
            self.log.info(msg, *args)

    @property
    def tcp_role(self) -> Role:
        """The AGW's TCP role from its own ``a=setup`` (RFC 4145 §4)."""
        if self.local.setup is None:
            return Role.NONE
        return _ROLE_OF_SETUP[self.local.setup]

    @property
    def aware(self) -> bool:
        """Application-aware MSRP interworking was configured."""
        return self.local.msrp_mode is MSRPMode.AWARE

    @property
    def bearer_active(self) -> bool:
        """A connection exists or is being made."""
        return self.leg is not None or self._connecting

    def statistics(self) -> TerminationStatistics:
        """Octets and MSRP frames so far (from/to this termination's peer)."""
        return self.stats.freeze()

    def certificate_pem(self) -> bytes | None:
        """The stream certificate (public part) as PEM, on a TLS termination."""
        if self.credentials is None:
            return None
        return self.credentials.pem()

    def bearer_up(self) -> None:
        """The connection is ready (TCP, and TLS verified where it applies): no
        establishment timer any more, and no certificate in OpenSSL form until another
        handshake would need it."""
        if self._establish is not None:
            self._establish.cancel()
            self._establish = None
        if self.credentials is not None:
            self.credentials.release()

    # -- configuration ----------------------------------------------------------------

    def configure(self, local: LocalSide, remote: RemoteSide) -> None:
        """Apply the wanted state from a Configure (validated by the gateway)."""
        interval = self.local.heartbeat
        self.local = local
        self.remote = remote
        if local.heartbeat != interval:
            self._arm_heartbeat()
        self._arm_establishment()
        self.refresh()
        self.relay.update()

    def _arm_establishment(self) -> None:
        """Start the establishment timer when the stream is through-connected and this
        termination still has no bearer (a UE that never connects must not hold it)."""
        if (
            self._establish is not None
            or self.released
            or self.local.mode is StreamMode.INACTIVE
            or self.tcp_role is Role.NONE
            or (self.leg is not None and self.leg.ready)
        ):
            return
        self._establish = self.env.loop.call_later(
            self.env.config.establishment_timeout, self._establishment_expired
        )

    def _establishment_expired(self) -> None:
        self._establish = None
        if self.released or self.relay.released or (self.leg is not None and self.leg.ready):
            return
        self.log.warning(
            "no bearer %.0f s after through-connection", self.env.config.establishment_timeout
        )
        self.relay.release("establishment-timeout", notify=self)

    def _arm_heartbeat(self) -> None:
        """H.248.36 hangterm/thb: report the termination every ``heartbeat`` seconds."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        if self.local.heartbeat and not self.released:
            self._heartbeat = self.env.loop.call_later(self.local.heartbeat, self._beat)

    def _beat(self) -> None:
        self._heartbeat = None
        self._arm_heartbeat()
        self.env.heartbeat(self.context, self.ident)

    def refresh(self) -> None:
        """Bring sockets in line with role, mode and remote: listen, connect or wait."""
        if self.released or self.relay.released:
            return
        role = self.tcp_role
        leg = self.leg
        if leg is not None and leg.accepted and not leg.ready and role in (Role.CLIENT, Role.NONE):
            # Accepted while pending (actpass), then settled otherwise: not our connection.
            self.info("closing connection accepted while pending: role is now %s", role.value)
            self.env.counters.connections_rejected += 1
            leg.close()
            self.leg = leg = None
        if (
            leg is not None
            and leg.accepted
            and leg.peer_host is not None
            and not self.realm.admits_peer(leg.peer_host, self.remote.address)
        ):
            # Accepted before the peer's address was known; it is someone else's.
            self.info("closing connection from %s: not the negotiated peer", leg.peer_host)
            self.env.counters.connections_rejected += 1
            leg.close()
            self.leg = leg = None
        if leg is None:
            if role in (Role.SERVER, Role.PENDING):
                self._listen()
            else:
                self._stop_listening()
            self._maybe_connect()
        else:
            leg.advance()

    def trigger(self) -> None:
        """CR-7 (b): the interconnected termination accepted a connection."""
        if not self.triggered:
            self.triggered = True
            self._maybe_connect()

    # -- listening --------------------------------------------------------------------

    def _listen(self) -> None:
        if self._listening or self._sock is None:
            return
        self._sock.listen(self.env.config.listen_backlog)
        self.env.loop.add_reader(self._sock.fileno(), self._on_acceptable)
        self._listening = True
        self.log.debug("listening on %s:%d", self.address, self.port)

    def _stop_listening(self, *, keep_port: bool = True) -> None:
        """Stop accepting. With *keep_port*, hold the port with a fresh, non-listening
        socket (the AGW's own allocator keeps it reserved regardless)."""
        if not self._listening or self._sock is None:
            return
        self.env.loop.remove_reader(self._sock.fileno())
        self._sock.close()
        self._listening = False
        self._sock = None
        if keep_port:
            try:
                self._sock = _bind(self.address, self.port, reuse=True)
            except OSError as error:
                # Connections refused on this port linger in TIME_WAIT without SO_REUSEADDR.
                self.log.debug("port %d not re-bound: %s", self.port, error)

    def _on_acceptable(self) -> None:
        sock = self._sock
        while sock is not None and self._listening:
            try:
                conn, peer = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                self.log.warning("accept failed: %s", error)
                return
            host = str(peer[0])
            if (
                self.leg is not None
                or self.relay.released
                or not self.realm.admits(host)
                or not self.realm.admits_peer(host, self.remote.address)
            ):
                self.info("refused connection from %s:%s", host, peer[1])
                self.env.counters.connections_rejected += 1
                conn.close()
                continue
            # One connection per termination: stop listening, the port stays ours.
            self.env.loop.remove_reader(sock.fileno())
            sock.close()
            self._sock = None
            self._listening = False
            self.env.counters.connections_accepted += 1
            conn.setblocking(False)
            leg = self.leg = Leg(self, accepted=True)
            self._attach(conn, leg)
            self.relay.on_accepted(self)
            return

    def _attach(self, conn: socket.socket, leg: Leg) -> None:
        """Make the transport of the connected *conn* with *leg* as its protocol.

        asyncio's own loops have ``_make_socket_transport``: called directly it spares
        the task, coroutine and waiter future of ``connect_accepted_socket`` (tens of
        µs per connection); the transport is the same. Other loops take the public way.
        """
        make = _transport_maker(self.env.loop)
        if make is None:
            self._spawn(self._adopt(conn, leg))
            return
        try:
            make(conn, leg)
        except OSError:
            conn.close()
            leg.lost_before_transport()

    async def _adopt(self, conn: socket.socket, leg: Leg) -> None:
        try:
            await self.env.loop.connect_accepted_socket(lambda: leg, conn)
        except (OSError, asyncio.CancelledError):
            conn.close()
            leg.lost_before_transport()
            raise

    # -- connecting -------------------------------------------------------------------

    def _maybe_connect(self) -> None:
        if (
            self.released
            or self.relay.released
            or self.leg is not None
            or self._connecting
            or self.tcp_role is not Role.CLIENT
            or not self.remote.address
            or not self.remote.port
            or self.local.mode is StreamMode.INACTIVE
        ):
            return
        if self.local.establishment is Establishment.TRIGGER and not self.triggered:
            other = self.relay.other(self)
            if other is None or other.leg is None or not other.leg.accepted:
                return  # CR-7 (b): wait for the incoming connection on the other side
            self.triggered = True
        self._connecting = True
        self._spawn(self._connect(self.remote.address, self.remote.port))

    async def _connect(self, host: str, port: int) -> None:
        loop = self.env.loop
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        self.info("connecting to %s:%d", host, port)
        try:
            sock.bind((self.address, 0))
            await asyncio.wait_for(
                loop.sock_connect(sock, (host, port)), self.env.config.connect_timeout
            )
        except asyncio.TimeoutError:
            sock.close()
            self._connect_failed("connect-timeout", "no answer")
            return
        except OSError as error:
            sock.close()
            cause = "connect-refused" if error.errno == errno.ECONNREFUSED else "connect-failed"
            self._connect_failed(cause, str(error))
            return
        except asyncio.CancelledError:
            sock.close()
            self._connecting = False
            raise
        self._connecting = False
        if self.released or self.relay.released:
            sock.close()
            return
        self.env.counters.connections_opened += 1
        leg = self.leg = Leg(self, accepted=False)
        self._attach(sock, leg)

    def _connect_failed(self, cause: str, detail: str) -> None:
        self._connecting = False
        self.env.counters.connect_failures += 1
        self.log.warning(
            "connection to %s:%s failed: %s", self.remote.address, self.remote.port, detail
        )
        self.relay.release(cause, notify=self)

    def _spawn(self, coroutine: Any) -> None:
        task: asyncio.Task[None] = self.env.loop.create_task(coroutine)
        if self._tasks is None:
            self._tasks = set()
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        tasks = self._tasks
        if tasks is not None:
            tasks.discard(task)
            if not tasks:
                self._tasks = None  # an idle termination holds no empty set
        if not task.cancelled() and task.exception() is not None:
            self.log.debug("task ended: %r", task.exception())

    # -- teardown ---------------------------------------------------------------------

    def drop_bearer(self) -> None:
        """Close the connection and stop accepting."""
        self._stop_listening(keep_port=False)
        for task in list(self._tasks or ()):
            task.cancel()
        if self.leg is not None:
            self.leg.close()

    async def close(self) -> None:
        """Release everything of the termination: sockets, tasks, timers, certificate."""
        self.released = True
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        if self._establish is not None:
            self._establish.cancel()
            self._establish = None
        self.drop_bearer()
        if self._sock is not None:
            if self._listening:
                self.env.loop.remove_reader(self._sock.fileno())
                self._listening = False
            self._sock.close()
            self._sock = None
        waits: list[asyncio.Future[Any]] = list(self._tasks or ())
        if self.leg is not None:
            waits.append(self.leg.closed)
        if waits:
            await asyncio.wait(waits, timeout=self.env.config.close_timeout * 2)
        self.credentials = None
        self.env.counters.terminations_released += 1
        self.info("released: %s", self.stats)


def _transport_maker(loop: asyncio.AbstractEventLoop) -> Callable[..., object] | None:
    """The loop's own ``_make_socket_transport(sock, protocol)``, if it has one."""
    maker: Callable[..., object] | None = getattr(loop, "_make_socket_transport", None)
    return maker


def _bind(address: str, port: int, *, reuse: bool) -> socket.socket:
    """A non-blocking TCP socket bound to (address, port)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if reuse:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setblocking(False)
        sock.bind((address, port))
    except OSError:
        sock.close()
        raise
    return sock


class Leg(asyncio.BufferedProtocol):
    """One TCP connection of a termination, with its TLS session on a TLS transport."""

    __slots__ = (
        "_closed",
        "_closing",
        "_gone",
        "_held",
        "_pauses",
        "_peer_gone",
        "_timer",
        "_wire",
        "accepted",
        "env",
        "out",
        "peer_host",
        "ready",
        "term",
        "tls",
        "transport",
    )

    def __init__(self, termination: Termination, *, accepted: bool) -> None:
        env = termination.env
        self.term = termination
        self.env = env
        self.accepted = accepted
        self.transport: asyncio.Transport | None = None
        self.tls: TLSSession | None = None
        self.ready = False
        self.out: _Direction | None = None
        self._gone = False  # the connection is over (or never became a transport)
        self._closed: asyncio.Future[None] | None = None  # made when awaited
        self._held = b""  # application bytes waiting for the other leg
        self._wire = b""  # TLS bytes waiting for role / fingerprints / establish_tls
        self._pauses = 0  # _Pause bits
        self._closing = False
        self._peer_gone = False  # TCP FIN received
        self._timer: asyncio.TimerHandle | None = None
        #: The remote IP of the connection (set when it is made).
        self.peer_host: str | None = None

    @property
    def closed(self) -> asyncio.Future[None]:
        """Done once the connection is over (made on demand: an idle leg holds none)."""
        closed = self._closed
        if closed is None:
            closed = self._closed = self.env.loop.create_future()
            if self._gone:
                closed.set_result(None)
        return closed

    def _set_gone(self) -> None:
        self._gone = True
        closed = self._closed
        if closed is not None and not closed.done():
            closed.set_result(None)

    # -- asyncio.Protocol -------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, transport)  # a stream socket transport
        self.transport = transport
        if self._closing:
            transport.abort()
            return
        transport.set_write_buffer_limits(high=self.env.config.write_buffer_high)
        peer = transport.get_extra_info("peername")
        if peer:
            self.peer_host = str(peer[0])
        self.term.info(
            "%s connection %s %s",
            "TLS" if self.term.tls else "TCP",
            "from" if self.accepted else "to",
            peer,
        )
        if self.term.tls:
            self._timer = self.env.loop.call_later(
                self.env.config.handshake_timeout, self._handshake_timeout
            )
        self.advance()

    def get_buffer(self, sizehint: int) -> memoryview:
        return self.env.read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        # The view is only valid until this callback returns (the next read reuses it).
        self._received(self.env.read_buffer[:nbytes])

    def _received(self, data: Buffer) -> None:
        tls = self.tls
        if tls is not None:
            try:
                data = tls.receive(data)
            except TLSFailure as failure:
                self._tls_failed(failure)
                return
            flight = tls.data_to_send()
            if flight and self.transport is not None:
                self.transport.write(flight)
            if not self.ready:
                if not tls.established:
                    return
                self._established()
            if data:
                self._deliver(data)
            if tls.peer_closed:
                self.term.info("close_notify received")
                self.term.relay.release("tls-closed", notify=self.term)
            return
        if self.term.tls:
            self._wire += data
            self._pause(_Pause.CONFIG)
            return
        self._deliver(data)

    def _deliver(self, data: Buffer) -> None:
        out = self.out
        if out is not None and out.open and self.ready:
            try:
                out.push(data)
            except MSRPFrameError as error:
                self._frame_error(error)
        else:
            self._held += data
            self._pause(_Pause.HELD)

    def eof_received(self) -> bool:
        self.term.info("peer closed the connection")
        self._peer_gone = True
        self._lost("peer-closed")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._closing:
            self.term.info("connection lost: %s", exc or "closed")
            self._lost("peer-reset" if exc is not None else "peer-closed")
        self._closing = True
        if self.tls is not None:
            self.tls.release()
        self._set_gone()

    def pause_writing(self) -> None:
        self.term.relay.backpressure(self, on=True)

    def resume_writing(self) -> None:
        self.term.relay.backpressure(self, on=False)

    # -- set-up -----------------------------------------------------------------------

    def advance(self) -> None:
        """Move towards ready as far as the configuration allows."""
        if self._closing or self.ready or self.transport is None:
            return
        term = self.term
        if term.tcp_role is Role.PENDING:
            return  # actpass: hold until the IMS-ALG settles the role
        if not term.tls:
            self.ready = True
            term.bearer_up()
            term.relay.update()
            return
        if self.tls is not None:
            return
        if not term.remote.fingerprints:
            return  # CR-8: nothing to verify against yet; the ClientHello waits
        if not self.accepted and not term.local.establish_tls:
            return  # CR-5: the TLS client starts only when told to
        credentials = term.credentials
        if credentials is None:
            return
        tls = self.tls = TLSSession(
            self.env.tls_context,
            credentials,
            term.remote.fingerprints,
            server=self.accepted,
            spare=self.env.tls_spare,
        )
        term.info("TLS %s handshake", "server" if self.accepted else "client")
        wire, self._wire = self._wire, b""
        try:
            if not self.accepted:
                tls.start()
            self._resume(_Pause.CONFIG)
            if wire:
                self._received(wire)
                return
        except TLSFailure as failure:
            self._tls_failed(failure)
            return
        flight = tls.data_to_send()
        if flight:
            self.transport.write(flight)

    def _established(self) -> None:
        tls = self.tls
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.ready = True
        self.term.bearer_up()
        self.env.counters.handshakes_ok += 1
        if tls is not None and logger.isEnabledFor(logging.INFO):
            self.term.info(
                "TLS established (%s, %s), peer fingerprint verified", tls.version, tls.cipher
            )
        self.term.relay.update()

    def _tls_failed(self, failure: TLSFailure) -> None:
        if not failure.setup:
            self.term.log.warning("TLS session failed: %s", failure)
            self.term.relay.release(failure.cause, notify=self.term)
            return
        tls = self.tls
        if tls is not None and self.transport is not None:
            alert = tls.flush()
            if alert:
                self.transport.write(alert)
        self.env.counters.handshakes_failed += 1
        self.term.log.warning("TLS handshake failed: %s", failure)
        self.term.relay.release(failure.cause, notify=self.term, tls_failure=True)

    def _handshake_timeout(self) -> None:
        self._timer = None
        if not self.ready and not self._closing:
            self._tls_failed(TLSFailure("handshake-timeout", "not verified in time"))

    def _frame_error(self, error: MSRPFrameError) -> None:
        self.env.counters.frame_errors += 1
        self.term.log.warning("malformed MSRP, stream released: %s", error)
        self.term.relay.release("msrp-frame-error", notify=self.term)

    def _lost(self, cause: str) -> None:
        if self.term.tls and not self.ready and not self.term.relay.released:
            self.env.counters.handshakes_failed += 1
            self.term.relay.release(cause, notify=self.term, tls_failure=True)
        else:
            self.term.relay.release(cause, notify=self.term)

    # -- data -------------------------------------------------------------------------

    def send(self, data: Buffer) -> None:
        """Write application bytes to the peer (encrypting on TLS); *data* is not kept."""
        transport = self.transport
        if transport is None or self._closing:
            return
        tls = self.tls
        if tls is not None:
            transport.write(tls.send(data))
        else:
            # A transport keeps what the socket does not take at once: never a view of
            # the shared read buffer.
            transport.write(data if type(data) is bytes else bytes(data))

    def flush_held(self) -> None:
        """Relay what was held while the direction was closed, then read again."""
        held, self._held = self._held, b""
        if held and self.out is not None:
            try:
                self.out.push(held)
            except MSRPFrameError as error:
                self._frame_error(error)
                return
        self._resume(_Pause.HELD)

    def _pause(self, reason: int) -> None:
        before = self._pauses
        self._pauses |= reason
        if not before and self.transport is not None and not self._closing:
            self.transport.pause_reading()

    def _resume(self, reason: int) -> None:
        if not self._pauses & reason:
            return
        self._pauses &= ~reason
        if not self._pauses and self.transport is not None and not self._closing:
            self.transport.resume_reading()

    # -- teardown ---------------------------------------------------------------------

    def close(self) -> None:
        """Close gracefully: ``close_notify`` on TLS, flush, then FIN (abort if stuck)."""
        if self._closing:
            return
        self._closing = True
        self._held = self._wire = b""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        transport = self.transport
        if transport is None:
            return
        tls = self.tls
        if tls is not None and tls.established and (tls.peer_closed or not self._peer_gone):
            # RFC 8446 §6.1: answer or announce closure; not to a peer that has gone.
            transport.write(tls.close())
        transport.close()
        if transport.get_write_buffer_size():
            # Abort if the flush takes too long. With nothing buffered the transport is
            # gone on the next loop turn: no timer to make and cancel.
            self._timer = self.env.loop.call_later(self.env.config.close_timeout, self._abort)

    def _abort(self) -> None:
        self._timer = None
        if self.transport is not None and not self._gone:
            self.transport.abort()

    def lost_before_transport(self) -> None:
        """The accepted or opened socket never became a transport."""
        self._closing = True
        self._set_gone()


class _Direction:
    """Bytes from one leg to the other: counting or rewriting MSRP, and statistics."""

    __slots__ = ("counter", "counters", "dst", "open", "rewriter", "src")

    def __init__(
        self, src: Leg, dst: Leg, *, mapping: PathMapping | None, count: bool, max_header: int
    ) -> None:
        self.src = src
        self.dst = dst
        self.open = False
        self.counters = src.env.counters
        self.rewriter = (
            MSRPPathRewriter(mapping, max_header_size=max_header) if mapping is not None else None
        )
        self.counter = FrameCounter() if count and mapping is None else None

    def push(self, data: Buffer) -> None:
        """Relay *data* (valid only during the call) from ``src`` to ``dst``."""
        self.src.term.stats.octets_in += len(data)
        rewriter = self.rewriter
        if rewriter is not None:
            before = rewriter.frames
            try:
                out = rewriter.feed(data if type(data) is bytes else bytes(data))
            except MSRPFrameError:
                salvaged = rewriter.salvaged
                if salvaged:
                    self._write(salvaged, rewriter.frames - before)
                raise
            self._write(out, rewriter.frames - before)
            return
        counter = self.counter
        self._write(data, counter.feed(data) if counter is not None else 0)

    def _write(self, data: Buffer, frames: int) -> None:
        size = len(data)
        self.dst.send(data)
        self.src.term.stats.messages_in += frames
        dst_stats = self.dst.term.stats
        dst_stats.octets_out += size
        dst_stats.messages_out += frames
        counters = self.counters
        counters.octets_relayed += size
        counters.messages_relayed += frames


class StreamRelay:
    """The access and core terminations of one media stream, and what flows between."""

    __slots__ = ("_directions", "cause", "context", "env", "released", "stream", "terminations")

    def __init__(self, env: RelayEnvironment, context: str, stream: int) -> None:
        self.env = env
        self.context = context
        self.stream = stream
        self.terminations: dict[Side, Termination] = {}
        self.released = False
        self.cause: str | None = None
        self._directions: dict[Side, _Direction] = {}

    def attach(self, termination: Termination) -> None:
        """Add a termination (one per side)."""
        self.terminations[termination.side] = termination

    def detach(self, termination: Termination) -> None:
        """Remove a termination."""
        if self.terminations.get(termination.side) is termination:
            del self.terminations[termination.side]
        self._directions.clear()

    def other(self, termination: Termination) -> Termination | None:
        """The interconnected termination, if reserved."""
        return self.terminations.get(termination.side.other)

    @property
    def flowing(self) -> bool:
        """Both legs are ready: bytes may cross (modes permitting)."""
        return bool(self._directions)

    def on_accepted(self, termination: Termination) -> None:
        """An incoming connection arrived on *termination* (CR-7 (b) trigger)."""
        other = self.other(termination)
        if other is not None:
            other.trigger()

    def update(self) -> None:
        """Re-evaluate both directions after a leg became ready or a Configure."""
        if self.released:
            return
        access = self.terminations.get(Side.ACCESS)
        core = self.terminations.get(Side.CORE)
        if access is None or core is None:
            return
        a_leg, c_leg = access.leg, core.leg
        if a_leg is None or c_leg is None or not (a_leg.ready and c_leg.ready):
            return
        aware = access.aware or core.aware
        for src, dst in ((access, core), (core, access)):
            src_leg, dst_leg = (a_leg, c_leg) if src is access else (c_leg, a_leg)
            mapping = _mapping(src, dst) if aware else None
            if aware and mapping is None:
                continue  # paths not known yet: hold
            direction = self._directions.get(src.side)
            if direction is None or direction.src is not src_leg:
                direction = _Direction(
                    src_leg,
                    dst_leg,
                    mapping=mapping,
                    count=self.env.config.count_messages,
                    max_header=self.env.config.max_header_size,
                )
                self._directions[src.side] = direction
                src_leg.out = direction
            elif direction.rewriter is not None and mapping is not None:
                direction.rewriter.mapping = tuple(mapping)
            direction.open = src.local.mode in _RECEIVING and dst.local.mode in _SENDING
            if direction.open:
                src_leg.flush_held()

    def backpressure(self, leg: Leg, *, on: bool) -> None:
        """*leg*'s transport buffer crossed its high/low-water mark: gate the other leg."""
        other = self.other(leg.term)
        if other is None or other.leg is None:
            return
        if on:
            other.leg._pause(_Pause.BACKPRESSURE)
        else:
            other.leg._resume(_Pause.BACKPRESSURE)

    def release(self, cause: str, *, notify: Termination | None, tls_failure: bool = False) -> None:
        """CR-13: close both legs of the stream; tell the IMS-ALG once (on *notify*)."""
        if self.released:
            return
        self.released = True
        self.cause = cause
        self._directions.clear()
        self.env.counters.bearers_released += 1
        for termination in self.terminations.values():
            termination.drop_bearer()
        if notify is None:
            return
        local = notify.local
        note: GatewayNotification | None = None
        if tls_failure and local.notify_tls_failure:
            note = TLSSetupFailed(context=self.context, termination=notify.ident, cause=cause)
        elif local.notify_bearer_released:
            note = BearerReleased(context=self.context, termination=notify.ident, cause=cause)
        notify.info("bearer released (%s)%s", cause, "" if note else ", not reported")
        if note is not None:
            self.env.counters.notifications += 1
            self.env.notify(note)


def _mapping(src: Termination, dst: Termination) -> PathMapping | None:
    """Aware-mode URI mapping for frames from *src*'s peer to *dst*'s peer.

    The peer on *src* addresses the AGW's URI on *src* and names itself; the peer on
    *dst* must see its own URI as target and the AGW's URI on *dst* as sender.
    """
    if not src.remote.path or not dst.remote.path:
        return None
    return (
        (src.own_uri, dst.remote.path[-1]),
        (src.remote.path[-1], dst.own_uri),
    )
