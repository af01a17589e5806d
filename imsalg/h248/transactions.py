"""The H.248.1 transaction layer (Annex D): retransmission, Pending, replies, acks; no I/O.

This module owns *when* a transaction is sent again, given up, answered from cache or acked.
It never touches a socket or a clock: every method takes ``now`` (seconds, any monotonic
origin), timers are reported by ``next_deadline()`` and run by ``handle_timer(now)``, and
what must go on the wire is drained with ``messages_to_send(now)`` as
:class:`Outgoing` values (destination + :class:`~imsalg.h248.model.Message`), the way
aioquic's ``QuicConnection`` works. ``imsalg.transport`` drives it with ``loop.time()``.

Roles
- :class:`TransactionRequester` sends requests. Transaction ids come from a 32-bit counter
  (injectable start, wraps to 1, skips ids still in use). Over an unreliable transport a
  request is repeated with exponential back-off until a reply, a Pending or the give-up
  time; over a reliable one (TCP) only the give-up time runs.
- :class:`TransactionResponder` executes each request **at most once** (Annex D.1.1): a new
  ``(peer, transaction id)`` becomes a :class:`RequestReceived` event, a repetition of one
  still executing is answered with a Pending, a repetition of one answered is answered
  with the cached reply. The key holds the peer because transaction ids are per sender.
- :class:`TransactionEndpoint` is both at once and splits incoming messages (a message
  may carry several transactions) between them; it is what a transport drives.

Timers (:class:`TransactionTimers`): H.248.1 leaves the retransmission values to the
implementation ("network dependent", Annex D.1.3) and the Root package properties
``normalMGExecutionTime``/``normalMGCExecutionTime``, ``MGProvisionalResponseTimerValue``
and ``MGOriginatedPendingLimit``/``MGCOriginatedPendingLimit`` are "provisioned" (Annex
E.2); the defaults below are ours and documented on each field.

Policies kept here
- Pending received → no more retransmission; the request waits ``long_timer`` for its
  reply, re-armed by each further Pending, and fails once more Pendings than
  ``pending_limit`` arrived (Annex D.1.4 and Root ``*OriginatedPendingLimit``).
- Replies are acked with ``TransactionResponseAck`` (Annex D.1.2.2): at once when the reply
  says ``ImmAckRequired``, otherwise batched for ``ack_delay`` and piggybacked on any
  message that goes to that peer earlier; a duplicate reply is acked again.
- The responder keeps each reply for ``long_timer`` or until it is acked, whichever comes
  first, and then only remembers the id (an acked or expired id is never executed again
  while remembered). Memory is bounded: at most ``max_cached_replies`` answered
  transactions (oldest dropped first) and ``max_executing`` unanswered ones (beyond that
  a new request is refused with error 510 instead of being executed).
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence

import attrs

from imsalg.errors import H248Error, LocalStateError
from imsalg.h248.codes import ErrorCode
from imsalg.h248.model import (
    ActionRequest,
    ErrorDescriptor,
    Message,
    MId,
    Transaction,
    TransactionAck,
    TransactionPending,
    TransactionReply,
    TransactionRequest,
    TransactionResponseAck,
)

__all__ = [
    "MAX_TRANSACTION_ID",
    "ErrorMessageReceived",
    "Event",
    "Outgoing",
    "Peer",
    "PendingReceived",
    "ReplyReceived",
    "RequestAbandoned",
    "RequestReceived",
    "TimeoutReason",
    "TransactionEndpoint",
    "TransactionRequester",
    "TransactionResponder",
    "TransactionTimedOut",
    "TransactionTimers",
    "compress_acks",
]

#: Transaction ids are UINT32 (H.248.1 Annex B.2 ``TransactionID = UINT32``).
MAX_TRANSACTION_ID = 0xFFFFFFFF

#: Whatever identifies the other side: a transport address ``(host, port)``, an mId, a
#: connection object. It is only compared and hashed.
Peer = Hashable


def _positive(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise ValueError(f"{attribute.name} must be > 0, not {value!r}")


def _optional_positive(
    _instance: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is not None and not value > 0:
        raise ValueError(f"{attribute.name} must be > 0 or None, not {value!r}")


def _at_least_one(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value >= 1:
        raise ValueError(f"{attribute.name} must be >= 1, not {value!r}")


@attrs.frozen(kw_only=True)
class TransactionTimers:
    """Transaction timers and limits, in seconds; every default is documented here.

    The first retransmission goes ``normal_execution_time + network_delay`` after the
    first send (Annex D.1.3: the timer covers the peer's execution time plus the network
    round trip), each later interval is ``backoff`` times the previous one (Annex D.1.3:
    "at a minimum … exponential backoff"), capped at ``max_retransmit_interval``.
    """

    #: The peer's ``root/normalMGExecutionTime`` (we are MGC) or
    #: ``root/normalMGCExecutionTime`` (we are MG): how long the peer normally takes to
    #: execute a transaction, network excluded (H.248.1 E.2; "provisioned" there). 0.5 s.
    normal_execution_time: float = attrs.field(default=0.5, validator=_positive)
    #: Allowance for the network round trip added to the first retransmission timer. 0.5 s.
    network_delay: float = attrs.field(default=0.5, validator=_positive)
    #: Factor between successive retransmission intervals (Annex D.1.3). 2.
    backoff: float = attrs.field(default=2.0, validator=_at_least_one)
    #: Cap of the retransmission interval. 4 s.
    max_retransmit_interval: float = attrs.field(default=4.0, validator=_positive)
    #: Give up (``TransactionTimedOut``) this long after the first send when neither a
    #: reply nor a Pending came; on a reliable transport the only timer. 25 s (T-MAX of
    #: H.248.1 (09/2005) Annex D as implementations use it; below SIP's 32 s Timer B).
    max_retransmission_time: float = attrs.field(default=25.0, validator=_positive)
    #: LONG-TIMER (Annex D.1.1, suggested 30 s): how long a requester waits for the reply
    #: after a Pending (re-armed per Pending, D.1.4), and how long a responder keeps a
    #: reply and remembers a transaction id after answering.
    long_timer: float = attrs.field(default=30.0, validator=_positive)
    #: ``root/MGOriginatedPendingLimit`` / ``MGCOriginatedPendingLimit`` (H.248.1 E.2,
    #: "provisioned"): a requester fails a transaction after more Pendings than this, a
    #: responder answers error 506 instead of sending one more. ``None``: no limit. 10.
    pending_limit: int | None = attrs.field(default=10)
    #: ``root/MGProvisionalResponseTimerValue`` (responder side): send a Pending on our own
    #: when a request has been executing this long, and again each period. ``None``: only
    #: answer repetitions with Pending (Annex D.1.4). Default ``None``.
    provisional_response_time: float | None = attrs.field(
        default=None, validator=_optional_positive
    )
    #: How long an ack for a reply without ``ImmAckRequired`` may wait to be batched
    #: (Annex D.1.2.2 allows batching). ``None``: such replies are not acked. 0.1 s.
    ack_delay: float | None = attrs.field(default=0.1)

    @pending_limit.validator
    def _check_pending_limit(self, _attribute: object, value: int | None) -> None:
        if value is not None and value < 0:
            raise ValueError(f"pending_limit must be >= 0 or None, not {value!r}")

    @ack_delay.validator
    def _check_ack_delay(self, _attribute: object, value: float | None) -> None:
        if value is not None and value < 0:
            raise ValueError(f"ack_delay must be >= 0 or None, not {value!r}")

    @property
    def initial_retransmit(self) -> float:
        """The first retransmission interval (execution time plus network delay)."""
        return self.normal_execution_time + self.network_delay


# -- values crossing the boundary -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class Outgoing:
    """A message to send to *peer*."""

    peer: Peer
    message: Message


@attrs.frozen(kw_only=True)
class RequestReceived:
    """A new request to execute (once); answer it with ``reply``."""

    peer: Peer
    request: TransactionRequest


@attrs.frozen(kw_only=True)
class RequestAbandoned:
    """The responder answered a request with *error* on its own; a later ``reply`` is dropped.

    Happens when the request still executes after ``pending_limit`` Pendings (error 506).
    """

    peer: Peer
    transaction_id: int
    error: ErrorDescriptor


@attrs.frozen(kw_only=True)
class ReplyReceived:
    """The (first) reply to one of our requests."""

    peer: Peer
    transaction_id: int
    reply: TransactionReply


@attrs.frozen(kw_only=True)
class PendingReceived:
    """The peer said a request of ours is still executing (``count``-th Pending)."""

    peer: Peer
    transaction_id: int
    count: int


class TimeoutReason(str, enum.Enum):
    """Why a request was given up."""

    #: Neither reply nor Pending within ``max_retransmission_time``.
    NO_RESPONSE = "no-response"
    #: A Pending came, then no reply within ``long_timer``.
    NO_REPLY_AFTER_PENDING = "no-reply-after-pending"
    #: More Pendings than ``pending_limit``.
    PENDING_LIMIT = "pending-limit"


@attrs.frozen(kw_only=True)
class TransactionTimedOut:
    """One of our requests was given up; it will not be sent again."""

    peer: Peer
    transaction_id: int
    reason: TimeoutReason
    retransmissions: int
    pendings: int


@attrs.frozen(kw_only=True)
class ErrorMessageReceived:
    """The peer answered a whole message with an Error descriptor (it could not read it)."""

    peer: Peer
    error: ErrorDescriptor


Event = (
    RequestReceived
    | RequestAbandoned
    | ReplyReceived
    | PendingReceived
    | TransactionTimedOut
    | ErrorMessageReceived
)


def compress_acks(transaction_ids: Iterable[int]) -> tuple[TransactionAck, ...]:
    """Ids as ``TransactionAck`` items, consecutive runs as ``first-last`` ranges."""
    acks: list[TransactionAck] = []
    run_start: int | None = None
    previous = -2
    for tid in sorted(set(transaction_ids)):
        if run_start is not None and tid == previous + 1:
            previous = tid
            continue
        if run_start is not None:
            acks.append(_ack(run_start, previous))
        run_start = previous = tid
    if run_start is not None:
        acks.append(_ack(run_start, previous))
    return tuple(acks)


def _ack(first: int, last: int) -> TransactionAck:
    return TransactionAck(first=first, last=last if last != first else None)


# -- requester ------------------------------------------------------------------------------


@attrs.define
class _Outstanding:
    request: TransactionRequest
    peer: Peer
    deadline: float
    next_retransmit: float | None
    interval: float
    retransmissions: int = 0
    pendings: int = 0


@attrs.define
class _AckBatch:
    due: float
    transaction_ids: set[int] = attrs.field(factory=set)


class TransactionRequester:
    """Sends requests and follows them to their reply (Annex D.1, requester side)."""

    def __init__(
        self,
        *,
        timers: TransactionTimers | None = None,
        reliable: bool = False,
        first_transaction_id: int = 1,
        max_completed: int = 1024,
    ) -> None:
        if not 1 <= first_transaction_id <= MAX_TRANSACTION_ID:
            raise ValueError(f"first_transaction_id out of 1..{MAX_TRANSACTION_ID}")
        if max_completed < 0:
            raise ValueError("max_completed must be >= 0")
        self.timers = timers if timers is not None else TransactionTimers()
        #: Reliable transport (TCP): no retransmission, only the give-up timer.
        self.reliable = reliable
        self._next_id = first_transaction_id
        self._max_completed = max_completed
        self._outstanding: dict[int, _Outstanding] = {}
        # Answered ids (→ peer, forget-at), oldest first: recognises duplicate replies.
        self._completed: OrderedDict[int, tuple[Peer, float]] = OrderedDict()
        self._acks: dict[Peer, _AckBatch] = {}
        self._queue: list[tuple[Peer, Transaction]] = []

    @property
    def outstanding(self) -> frozenset[int]:
        """Ids of the requests still waiting for their reply."""
        return frozenset(self._outstanding)

    def peer_of(self, transaction_id: int) -> Peer | None:
        """Where an outstanding request was sent (``None`` when it is not outstanding)."""
        entry = self._outstanding.get(transaction_id)
        return entry.peer if entry is not None else None

    def send(self, actions: Sequence[ActionRequest], *, peer: Peer, now: float) -> int:
        """Queue a new request with *actions* to *peer*; returns its transaction id."""
        if not actions:
            raise H248Error("a transaction request needs at least one action (Annex B.2)")
        tid = self._allocate()
        request = TransactionRequest(transaction_id=tid, actions=tuple(actions))
        timers = self.timers
        self._outstanding[tid] = _Outstanding(
            request=request,
            peer=peer,
            deadline=now + timers.max_retransmission_time,
            next_retransmit=None if self.reliable else now + timers.initial_retransmit,
            interval=timers.initial_retransmit,
        )
        self._queue.append((peer, request))
        return tid

    def cancel(self, transaction_id: int, *, now: float) -> None:
        """Stop following a request (no retransmission, no event); unknown ids are ignored.

        A late reply to it is still acked, not reported.
        """
        entry = self._outstanding.pop(transaction_id, None)
        if entry is not None:
            self._remember(transaction_id, entry.peer, now)

    def receive_reply(self, reply: TransactionReply, *, peer: Peer, now: float) -> list[Event]:
        """A reply came from *peer*: the first one is an event, duplicates are only acked."""
        tid = reply.transaction_id
        entry = self._outstanding.pop(tid, None)
        if entry is None:
            if tid in self._completed:
                # A repeated reply: our ack was lost (or not sent yet); ack again.
                self._want_ack(peer, tid, reply.imm_ack_required, now)
            return []
        self._remember(tid, peer, now)
        self._want_ack(peer, tid, reply.imm_ack_required, now)
        return [ReplyReceived(peer=peer, transaction_id=tid, reply=reply)]

    def receive_pending(
        self, pending: TransactionPending, *, peer: Peer, now: float
    ) -> list[Event]:
        """A Pending came: stop repeating, wait ``long_timer`` (Annex D.1.4)."""
        entry = self._outstanding.get(pending.transaction_id)
        if entry is None:
            return []
        entry.pendings += 1
        limit = self.timers.pending_limit
        if limit is not None and entry.pendings > limit:
            del self._outstanding[pending.transaction_id]
            self._remember(pending.transaction_id, peer, now)
            return [self._timed_out(pending.transaction_id, entry, TimeoutReason.PENDING_LIMIT)]
        entry.next_retransmit = None
        entry.deadline = now + self.timers.long_timer
        return [
            PendingReceived(
                peer=peer, transaction_id=pending.transaction_id, count=entry.pendings
            )
        ]

    def next_deadline(self) -> float | None:
        """The earliest time ``handle_timer`` has work, or ``None``."""
        times = [
            entry.next_retransmit if entry.next_retransmit is not None else entry.deadline
            for entry in self._outstanding.values()
        ]
        times.extend(batch.due for batch in self._acks.values())
        if self._completed:
            times.append(next(iter(self._completed.values()))[1])
        return min(times, default=None)

    def handle_timer(self, now: float) -> list[Event]:
        """Retransmit, give up, and forget old answered ids as their times come."""
        events: list[Event] = []
        timers = self.timers
        for tid, entry in list(self._outstanding.items()):
            if now >= entry.deadline:
                del self._outstanding[tid]
                self._remember(tid, entry.peer, now)  # a late reply is acked, not reported
                reason = (
                    TimeoutReason.NO_REPLY_AFTER_PENDING
                    if entry.pendings
                    else TimeoutReason.NO_RESPONSE
                )
                events.append(self._timed_out(tid, entry, reason))
                continue
            if entry.next_retransmit is not None and now >= entry.next_retransmit:
                self._queue.append((entry.peer, entry.request))
                entry.retransmissions += 1
                # Annex D.1.3: exponential back-off, capped.
                interval = entry.interval * timers.backoff
                entry.interval = min(interval, timers.max_retransmit_interval)
                entry.next_retransmit = now + entry.interval
        while self._completed:
            tid, (_peer, forget_at) = next(iter(self._completed.items()))
            if forget_at > now:
                break
            del self._completed[tid]
        return events

    def take_transactions(self, now: float) -> list[tuple[Peer, Transaction]]:
        """Drain what must be sent: queued requests and the acks that are due.

        An ack not yet due still goes now when something else goes to the same peer
        (piggybacked, Annex D.1.2.2).
        """
        queued, self._queue = self._queue, []
        busy = {peer for peer, _ in queued}
        for peer, batch in list(self._acks.items()):
            if batch.due <= now or peer in busy:
                del self._acks[peer]
                queued.append(
                    (peer, TransactionResponseAck(acks=compress_acks(batch.transaction_ids)))
                )
        return queued

    def _allocate(self) -> int:
        for _ in range(len(self._outstanding) + len(self._completed) + 1):
            tid = self._next_id
            self._next_id = tid + 1 if tid < MAX_TRANSACTION_ID else 1
            if tid not in self._outstanding and tid not in self._completed:
                return tid
        raise LocalStateError("no free transaction id", sip_status=503)  # pragma: no cover

    def _remember(self, tid: int, peer: Peer, now: float) -> None:
        self._completed[tid] = (peer, now + self.timers.long_timer)
        self._completed.move_to_end(tid)
        while len(self._completed) > self._max_completed:
            self._completed.popitem(last=False)

    def _want_ack(self, peer: Peer, tid: int, immediate: bool, now: float) -> None:
        delay = self.timers.ack_delay
        if not immediate and delay is None:
            return
        due = now if immediate or delay is None else now + delay
        batch = self._acks.get(peer)
        if batch is None:
            batch = self._acks[peer] = _AckBatch(due=due)
        batch.due = min(batch.due, due)
        batch.transaction_ids.add(tid)

    @staticmethod
    def _timed_out(tid: int, entry: _Outstanding, reason: TimeoutReason) -> TransactionTimedOut:
        return TransactionTimedOut(
            peer=entry.peer,
            transaction_id=tid,
            reason=reason,
            retransmissions=entry.retransmissions,
            pendings=entry.pendings,
        )


# -- responder ------------------------------------------------------------------------------


@attrs.define
class _Executing:
    pendings: int = 0
    next_pending: float | None = None


@attrs.define
class _Answered:
    #: ``None`` once acked (only the id is remembered then).
    reply: TransactionReply | None
    forget_at: float


class TransactionResponder:
    """Executes each request at most once and answers repetitions (Annex D.1, responder side)."""

    def __init__(
        self,
        *,
        timers: TransactionTimers | None = None,
        max_cached_replies: int = 1024,
        max_executing: int = 256,
    ) -> None:
        if max_cached_replies < 0 or max_executing < 1:
            raise ValueError("max_cached_replies must be >= 0 and max_executing >= 1")
        self.timers = timers if timers is not None else TransactionTimers()
        self.max_cached_replies = max_cached_replies
        self.max_executing = max_executing
        self._executing: dict[tuple[Peer, int], _Executing] = {}
        # Oldest answer first; with a constant cache time this is also expiry order.
        self._answered: OrderedDict[tuple[Peer, int], _Answered] = OrderedDict()
        self._queue: list[tuple[Peer, Transaction]] = []

    @property
    def executing(self) -> frozenset[tuple[Peer, int]]:
        """``(peer, transaction id)`` of the requests waiting for the application's reply."""
        return frozenset(self._executing)

    def cached_reply(self, peer: Peer, transaction_id: int) -> TransactionReply | None:
        """The reply kept for a repetition of this request (``None``: none is kept)."""
        answered = self._answered.get((peer, transaction_id))
        return answered.reply if answered is not None else None

    def remembers(self, peer: Peer, transaction_id: int) -> bool:
        """Whether a repetition of this request would be recognised (executing or answered)."""
        key = (peer, transaction_id)
        return key in self._executing or key in self._answered

    def receive_request(
        self, request: TransactionRequest, *, peer: Peer, now: float
    ) -> list[Event]:
        """A request came: execute it (event) or answer a repetition of it."""
        key = (peer, request.transaction_id)
        executing = self._executing.get(key)
        if executing is not None:
            # Annex D.1.4: a repetition of a request still executing gets a Pending.
            return self._pending(key, executing, now)
        answered = self._answered.get(key)
        if answered is not None:
            # Annex D.1.1: at most once; repeat the reply (nothing once it was acked).
            if answered.reply is not None:
                self._queue.append((peer, answered.reply))
            return []
        if len(self._executing) >= self.max_executing:
            error = ErrorDescriptor(
                code=ErrorCode.INSUFFICIENT_RESOURCES,
                text=f"more than {self.max_executing} transactions executing",
            )
            self._answer(key, TransactionReply(transaction_id=key[1], error=error), now)
            return []
        prt = self.timers.provisional_response_time
        self._executing[key] = _Executing(next_pending=None if prt is None else now + prt)
        return [RequestReceived(peer=peer, request=request)]

    def reply(self, reply: TransactionReply, *, peer: Peer, now: float) -> None:
        """Send the application's *reply* to a request it got as :class:`RequestReceived`.

        A reply to a request already answered by the responder itself (error 506 or 510)
        is dropped; a reply to a request never received raises :class:`LocalStateError`.
        """
        key = (peer, reply.transaction_id)
        if self._executing.pop(key, None) is None:
            if key in self._answered:
                return
            raise LocalStateError(
                f"transaction {reply.transaction_id} from {peer!r} is not executing"
            )
        self._answer(key, reply, now)

    def receive_ack(self, ack: TransactionResponseAck, *, peer: Peer, now: float) -> None:
        """The requester got our replies: drop them, remember only the ids (Annex D.1.2.2)."""
        del now  # acks need no time; kept for a uniform signature
        for item in ack.acks:
            first = item.first
            last = item.last if item.last is not None else item.first
            if last - first + 1 <= len(self._answered):
                keys: Iterable[tuple[Peer, int]] = [(peer, tid) for tid in range(first, last + 1)]
            else:
                keys = [k for k in self._answered if k[0] == peer and first <= k[1] <= last]
            for key in keys:
                answered = self._answered.get(key)
                if answered is not None:
                    answered.reply = None

    def next_deadline(self) -> float | None:
        """The earliest time ``handle_timer`` has work, or ``None``."""
        times = [e.next_pending for e in self._executing.values() if e.next_pending is not None]
        if self._answered:
            times.append(next(iter(self._answered.values())).forget_at)
        return min(times, default=None)

    def handle_timer(self, now: float) -> list[Event]:
        """Send provisional Pendings and forget answers whose time is over."""
        events: list[Event] = []
        for key, executing in list(self._executing.items()):
            if executing.next_pending is not None and now >= executing.next_pending:
                events.extend(self._pending(key, executing, now))
        while self._answered:
            key, answered = next(iter(self._answered.items()))
            if answered.forget_at > now:
                break
            del self._answered[key]
        return events

    def take_transactions(self) -> list[tuple[Peer, Transaction]]:
        """Drain the replies and Pendings to send."""
        queued, self._queue = self._queue, []
        return queued

    def _pending(self, key: tuple[Peer, int], executing: _Executing, now: float) -> list[Event]:
        peer, tid = key
        limit = self.timers.pending_limit
        if limit is not None and executing.pendings >= limit:
            # Root *OriginatedPendingLimit exceeded: stop the transaction with 506.
            del self._executing[key]
            error = ErrorDescriptor(
                code=ErrorCode.TOO_MANY_TRANSACTION_PENDINGS,
                text=f"still executing after {limit} pending responses",
            )
            self._answer(key, TransactionReply(transaction_id=tid, error=error), now)
            return [RequestAbandoned(peer=peer, transaction_id=tid, error=error)]
        executing.pendings += 1
        prt = self.timers.provisional_response_time
        if prt is not None:
            executing.next_pending = now + prt
        self._queue.append((peer, TransactionPending(transaction_id=tid)))
        return []

    def _answer(self, key: tuple[Peer, int], reply: TransactionReply, now: float) -> None:
        self._queue.append((key[0], reply))
        self._answered[key] = _Answered(reply=reply, forget_at=now + self.timers.long_timer)
        self._answered.move_to_end(key)
        while len(self._answered) > self.max_cached_replies:
            self._answered.popitem(last=False)


# -- both roles -----------------------------------------------------------------------------


class TransactionEndpoint:
    """A requester and a responder behind one H.248 address; the unit a transport drives."""

    def __init__(
        self,
        *,
        mid: MId,
        version: int = 3,
        timers: TransactionTimers | None = None,
        reliable: bool = False,
        first_transaction_id: int = 1,
        max_cached_replies: int = 1024,
        max_executing: int = 256,
        max_transactions_per_message: int = 8,
    ) -> None:
        if max_transactions_per_message < 1:
            raise ValueError("max_transactions_per_message must be >= 1")
        timers = timers if timers is not None else TransactionTimers()
        #: Our own mId, written in every message we send.
        self.mid = mid
        self.version = version
        self.max_transactions_per_message = max_transactions_per_message
        self.requester = TransactionRequester(
            timers=timers,
            reliable=reliable,
            first_transaction_id=first_transaction_id,
            max_completed=max_cached_replies,
        )
        self.responder = TransactionResponder(
            timers=timers, max_cached_replies=max_cached_replies, max_executing=max_executing
        )

    def receive(self, message: Message, *, peer: Peer, now: float) -> list[Event]:
        """Handle every transaction of a message from *peer*; returns the events."""
        if message.error is not None:
            return [ErrorMessageReceived(peer=peer, error=message.error)]
        events: list[Event] = []
        for transaction in message.transactions:
            if isinstance(transaction, TransactionRequest):
                events.extend(self.responder.receive_request(transaction, peer=peer, now=now))
            elif isinstance(transaction, TransactionReply):
                events.extend(self.requester.receive_reply(transaction, peer=peer, now=now))
            elif isinstance(transaction, TransactionPending):
                events.extend(self.requester.receive_pending(transaction, peer=peer, now=now))
            else:
                self.responder.receive_ack(transaction, peer=peer, now=now)
        return events

    def send_request(self, actions: Sequence[ActionRequest], *, peer: Peer, now: float) -> int:
        """Queue a request to *peer*; returns its transaction id."""
        return self.requester.send(actions, peer=peer, now=now)

    def reply(self, reply: TransactionReply, *, peer: Peer, now: float) -> None:
        """Answer a :class:`RequestReceived`."""
        self.responder.reply(reply, peer=peer, now=now)

    def cancel(self, transaction_id: int, *, now: float) -> None:
        """Stop following one of our requests."""
        self.requester.cancel(transaction_id, now=now)

    def next_deadline(self) -> float | None:
        """The earliest time ``handle_timer`` has work, or ``None``."""
        times = [self.requester.next_deadline(), self.responder.next_deadline()]
        return min((t for t in times if t is not None), default=None)

    def handle_timer(self, now: float) -> list[Event]:
        """Run the timers that are due."""
        return self.requester.handle_timer(now) + self.responder.handle_timer(now)

    def messages_to_send(self, now: float) -> list[Outgoing]:
        """Drain what must go out, grouped into messages per peer (in queue order)."""
        items = self.responder.take_transactions() + self.requester.take_transactions(now)
        by_peer: dict[Peer, list[Transaction]] = {}
        for peer, transaction in items:
            by_peer.setdefault(peer, []).append(transaction)
        out: list[Outgoing] = []
        size = self.max_transactions_per_message
        for peer, transactions in by_peer.items():
            for start in range(0, len(transactions), size):
                message = Message(
                    mid=self.mid,
                    version=self.version,
                    transactions=tuple(transactions[start : start + size]),
                )
                out.append(Outgoing(peer=peer, message=message))
        return out
