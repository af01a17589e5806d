"""asyncio glue for the sans-IO transaction layer; shared by the UDP and TCP endpoints.

:class:`EndpointDriver` feeds :class:`~imsalg.h248.transactions.TransactionEndpoint` with
``loop.time()``, hands what it must send to a transport callback, keeps **one** re-armed
``loop.call_at`` timer (aioquic's ``QuicConnectionProtocol`` pattern), turns events into
resolved futures (our requests) and handler tasks (the peer's requests). It makes no
protocol decision of its own: retransmission, Pending, acks and at-most-once execution all
happen in the transaction layer.

Rules kept here
- A request that cannot be encoded raises :class:`~imsalg.errors.H248Error` to its caller
  before anything is sent; a reply the handler got wrong (exception, wrong transaction id,
  not encodable) becomes an error reply 500, so the peer always gets an answer.
- Without a handler, requests from the peer are answered with error 501 (Not Implemented).
- A request whose caller is cancelled is cancelled in the transaction layer too.
- :attr:`EndpointDriver.observer`, when set, sees every message as it goes out (after the
  transport took it) and as it comes in (after decoding): a wire log of what really
  passed, retransmissions, acks and error messages included.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterable

from imsalg.errors import GatewayError, H248Error
from imsalg.h248.codes import ErrorCode
from imsalg.h248.model import (
    ActionRequest,
    ErrorDescriptor,
    Message,
    MId,
    TransactionReply,
    TransactionRequest,
)
from imsalg.h248.text import decode, encode_bytes
from imsalg.h248.transactions import (
    ErrorMessageReceived,
    Event,
    Outgoing,
    PendingReceived,
    ReplyReceived,
    RequestAbandoned,
    RequestReceived,
    TransactionEndpoint,
    TransactionTimedOut,
    TransactionTimers,
)
from imsalg.transport.errors import GatewayTimeout

__all__ = [
    "MAX_VERSION",
    "Address",
    "EndpointDriver",
    "MessageObserver",
    "RequestHandler",
    "error_descriptor",
    "error_message",
    "normalize_address",
]

logger = logging.getLogger("imsalg.transport")

#: A transport address: ``(IP literal, port)``.
Address = tuple[str, int]
#: Answers one request from the peer; called exactly once per transaction.
RequestHandler = Callable[[Address, TransactionRequest], Awaitable[TransactionReply]]
#: Sees one message on the wire: ``("sent" | "received", message, peer)``.
MessageObserver = Callable[[str, Message, Hashable], None]

#: Highest protocol version we speak (H.248.1 v3).
MAX_VERSION = 3
#: Longest error text we put in an Error descriptor.
_MAX_ERROR_TEXT = 200


def normalize_address(address: object) -> Address:
    """``(host, port)`` out of what asyncio reports (IPv6 adds flow info and scope id)."""
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        if isinstance(host, str) and isinstance(port, int):
            return (host, port)
    raise TypeError(f"not an IP transport address: {address!r}")


def error_descriptor(code: ErrorCode, detail: str) -> ErrorDescriptor:
    """An Error descriptor whose text can be written as a quotedString.

    ``"`` and control characters are replaced and the text is cut to a readable length.
    """
    text = "".join(" " if ch < " " or ch == "\x7f" else ch for ch in detail).replace('"', "'")
    if len(text) > _MAX_ERROR_TEXT:
        text = text[: _MAX_ERROR_TEXT - 3] + "..."
    return ErrorDescriptor(code=code, text=text)


def error_message(mid: MId, code: ErrorCode, detail: str, *, version: int = 3) -> Message:
    """A message that is only an Error descriptor (H.248.1 Annex B.2 ``errorDescriptor``)."""
    return Message(mid=mid, version=version, error=error_descriptor(code, detail))


def _error_reply(transaction_id: int, code: ErrorCode, detail: str) -> TransactionReply:
    return TransactionReply(transaction_id=transaction_id, error=error_descriptor(code, detail))


class EndpointDriver:
    """Runs one :class:`TransactionEndpoint` on an asyncio loop."""

    def __init__(
        self,
        endpoint: TransactionEndpoint,
        *,
        transmit: Callable[[Outgoing], None],
        handler: RequestHandler | None = None,
        compact: bool = False,
    ) -> None:
        self.endpoint = endpoint
        self._transmit = transmit
        self._handler = handler
        self._compact = compact
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at: float | None = None
        self._waiting: dict[int, tuple[Hashable, asyncio.Future[TransactionReply]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        #: Called for every message sent and received (module docstring).
        self.observer: MessageObserver | None = None

    @classmethod
    def build(
        cls,
        *,
        mid: MId,
        reliable: bool,
        transmit: Callable[[Outgoing], None],
        handler: RequestHandler | None = None,
        timers: TransactionTimers | None = None,
        first_transaction_id: int = 1,
        max_cached_replies: int = 1024,
        max_executing: int = 256,
        compact: bool = False,
    ) -> EndpointDriver:
        """A driver around a new :class:`TransactionEndpoint` with these settings."""
        endpoint = TransactionEndpoint(
            mid=mid,
            timers=timers,
            reliable=reliable,
            first_transaction_id=first_transaction_id,
            max_cached_replies=max_cached_replies,
            max_executing=max_executing,
        )
        return cls(endpoint, transmit=transmit, handler=handler, compact=compact)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def encode(self, message: Message) -> bytes:
        """The octets of *message* in this endpoint's token form."""
        return encode_bytes(message, compact=self._compact)

    async def request(self, actions: Iterable[ActionRequest], peer: Hashable) -> TransactionReply:
        """Send a transaction to *peer* and wait for its reply.

        Raises :class:`GatewayTimeout` when the transaction layer gives up,
        :class:`~imsalg.errors.GatewayError` when the peer rejects the whole message or
        the endpoint closes, :class:`~imsalg.errors.H248Error` when *actions* cannot be
        encoded.
        """
        if self._closed:
            raise GatewayError("the H.248 endpoint is closed", sip_status=503)
        actions = tuple(actions)
        # Refuse what cannot be written before it gets a transaction id (H248Error).
        self.encode(
            Message(
                mid=self.endpoint.mid,
                transactions=(TransactionRequest(transaction_id=1, actions=actions),),
            )
        )
        tid = self.endpoint.send_request(actions, peer=peer, now=self._loop.time())
        future: asyncio.Future[TransactionReply] = self._loop.create_future()
        self._waiting[tid] = (peer, future)
        self.flush()
        try:
            return await future
        finally:
            self._waiting.pop(tid, None)
            if tid in self.endpoint.requester.outstanding:
                self.endpoint.cancel(tid, now=self._loop.time())
                self.flush()

    def receive_octets(
        self, data: bytes, peer: Hashable, reject: Callable[[Message], None]
    ) -> None:
        """Octets of one message arrived from *peer*; *reject* sends an error message back.

        Undecodable → Error 400 "Syntax error in message" with the decoder's line:column
        detail; a version above :data:`MAX_VERSION` → Error 406. Both are whole-message
        errors (H.248.1 Annex B.2 ``messageBody = errorDescriptor / transactionList``).
        """
        if self._closed:
            return
        observer = self.observer
        if observer is not None:
            send_error = reject

            def traced(error: Message) -> None:
                send_error(error)
                observer("sent", error, peer)

            reject = traced
        try:
            message = decode(data)
        except H248Error as exc:
            logger.info("undecodable message from %r: %s", peer, exc)
            reject(error_message(self.endpoint.mid, ErrorCode.SYNTAX_ERROR_IN_MESSAGE, f"{exc}"))
            return
        if message.version > MAX_VERSION:
            detail = f"version {message.version} is not supported (at most {MAX_VERSION})"
            reject(error_message(self.endpoint.mid, ErrorCode.VERSION_NOT_SUPPORTED, detail))
            return
        self.receive(message, peer)

    def receive(self, message: Message, peer: Hashable) -> None:
        """A decoded message arrived from *peer*."""
        if self._closed:
            return
        if self.observer is not None:
            self.observer("received", message, peer)
        self._dispatch(self.endpoint.receive(message, peer=peer, now=self._loop.time()))
        self.flush()

    def fail_peer(self, peer: Hashable, error: GatewayError) -> None:
        """Give up every request waiting on *peer* (its connection is gone)."""
        now = self._loop.time()
        for tid, (waiting_peer, future) in list(self._waiting.items()):
            if waiting_peer == peer and not future.done():
                self.endpoint.cancel(tid, now=now)
                future.set_exception(error)
        self.flush()

    def flush(self) -> None:
        """Send what the transaction layer has queued and re-arm the timer."""
        for out in self.endpoint.messages_to_send(self._loop.time()):
            try:
                self._transmit(out)
            except (H248Error, OSError) as exc:
                logger.warning("could not send an H.248 message to %r: %s", out.peer, exc)
                continue
            if self.observer is not None:
                self.observer("sent", out.message, out.peer)
        self._arm()

    async def close(self) -> None:
        """Stop the timer and the handler tasks; waiting requests fail with 503."""
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for _peer, future in self._waiting.values():
            if not future.done():
                future.set_exception(GatewayError("the H.248 endpoint closed", sip_status=503))
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- internals ------------------------------------------------------------------------

    def _arm(self) -> None:
        deadline = self.endpoint.next_deadline() if not self._closed else None
        if deadline == self._timer_at and (deadline is None or self._timer is not None):
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._timer_at = deadline
        if deadline is not None:
            self._timer = self._loop.call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        due = self._timer_at
        self._timer = None
        self._timer_at = None
        if self._closed:
            return
        # call_at may run a little before its time (clock resolution): it ran *for* `due`.
        now = max(self._loop.time(), due if due is not None else 0.0)
        self._dispatch(self.endpoint.handle_timer(now))
        self.flush()

    def _dispatch(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, ReplyReceived):
                self._resolve(event.transaction_id, event.reply)
            elif isinstance(event, TransactionTimedOut):
                self._reject(
                    event.transaction_id,
                    GatewayTimeout(
                        f"no reply from {event.peer!r} to transaction {event.transaction_id}"
                        f" ({event.reason.value}, {event.retransmissions} retransmissions,"
                        f" {event.pendings} pending)"
                    ),
                )
            elif isinstance(event, RequestReceived):
                self._serve(event)
            elif isinstance(event, ErrorMessageReceived):
                self.fail_peer(
                    event.peer,
                    GatewayError(
                        f"{event.peer!r} could not read our message: error"
                        f" {int(event.error.code)} {event.error.text or ''}".rstrip(),
                        h248_code=int(event.error.code),
                    ),
                )
            elif isinstance(event, RequestAbandoned):
                logger.warning(
                    "request %d from %r abandoned: error %d",
                    event.transaction_id,
                    event.peer,
                    int(event.error.code),
                )
            elif isinstance(event, PendingReceived):
                logger.debug(
                    "transaction %d pending at %r (%d)",
                    event.transaction_id,
                    event.peer,
                    event.count,
                )

    def _resolve(self, tid: int, reply: TransactionReply) -> None:
        waiting = self._waiting.get(tid)
        if waiting is not None and not waiting[1].done():
            waiting[1].set_result(reply)

    def _reject(self, tid: int, error: Exception) -> None:
        waiting = self._waiting.get(tid)
        if waiting is not None and not waiting[1].done():
            waiting[1].set_exception(error)

    def _serve(self, event: RequestReceived) -> None:
        tid = event.request.transaction_id
        if self._handler is None:
            reply = _error_reply(tid, ErrorCode.NOT_IMPLEMENTED, "requests are not served here")
            self.endpoint.reply(reply, peer=event.peer, now=self._loop.time())
            return
        task = self._loop.create_task(self._run_handler(self._handler, event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_handler(self, handler: RequestHandler, event: RequestReceived) -> None:
        tid = event.request.transaction_id
        try:
            reply = await handler(normalize_address(event.peer), event.request)
            if not isinstance(reply, TransactionReply) or reply.transaction_id != tid:
                raise H248Error(f"the handler did not return a reply to transaction {tid}")
            self.encode(Message(mid=self.endpoint.mid, transactions=(reply,)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("handler failed on transaction %d from %r", tid, event.peer)
            reply = _error_reply(tid, ErrorCode.INTERNAL_SOFTWARE_FAILURE, f"{exc}")
        if self._closed:
            return
        self.endpoint.reply(reply, peer=event.peer, now=self._loop.time())
        self.flush()
