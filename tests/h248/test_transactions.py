"""Sans-IO tests of the H.248.1 Annex D transaction layer (imsalg.h248.transactions).

Time is a number the test passes in; nothing sleeps. The tables pin the retransmission
schedule, Pending handling, acks and the responder's at-most-once guarantee; a simulated
lossy network (hypothesis) checks exactly-once execution end to end.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsalg.errors import H248Error, LocalStateError
from imsalg.h248.codes import ErrorCode
from imsalg.h248.model import (
    CHOOSE,
    ActionReply,
    ActionRequest,
    Add,
    AddReply,
    DomainAddress,
    ErrorDescriptor,
    Message,
    TransactionAck,
    TransactionPending,
    TransactionReply,
    TransactionRequest,
    TransactionResponseAck,
)
from imsalg.h248.transactions import (
    MAX_TRANSACTION_ID,
    ErrorMessageReceived,
    Outgoing,
    PendingReceived,
    ReplyReceived,
    RequestAbandoned,
    RequestReceived,
    TimeoutReason,
    TransactionEndpoint,
    TransactionRequester,
    TransactionResponder,
    TransactionTimedOut,
    TransactionTimers,
    compress_acks,
)

AGW = ("192.0.2.2", 2944)
ALG = ("192.0.2.1", 2944)
ACTIONS = (ActionRequest(context_id=CHOOSE, commands=(Add(terminations=("$",)),)),)


def reply_to(tid: int, *, imm_ack: bool = False, context: int = 7) -> TransactionReply:
    return TransactionReply(
        transaction_id=tid,
        actions=(ActionReply(context_id=context, replies=(AddReply(terminations=("t1",)),)),),
        imm_ack_required=imm_ack,
    )


def sent_requests(requester: TransactionRequester, now: float) -> list[int]:
    return [
        t.transaction_id
        for _, t in requester.take_transactions(now)
        if isinstance(t, TransactionRequest)
    ]


def acks_sent(
    items: Sequence[tuple[object, object]],
) -> list[tuple[object, TransactionResponseAck]]:
    return [(peer, t) for peer, t in items if isinstance(t, TransactionResponseAck)]


def run_until(requester: TransactionRequester, end: float) -> tuple[list[float], list[object]]:
    """Step the requester's timers up to *end*; the times of each retransmission and events."""
    retransmitted: list[float] = []
    events: list[object] = []
    while (deadline := requester.next_deadline()) is not None and deadline <= end:
        events.extend(requester.handle_timer(deadline))
        retransmitted.extend(deadline for _ in sent_requests(requester, deadline))
    return retransmitted, events


# -- timers ---------------------------------------------------------------------------------


def test_default_timers_are_the_documented_values() -> None:
    timers = TransactionTimers()
    assert timers.initial_retransmit == 1.0
    assert (timers.backoff, timers.max_retransmit_interval) == (2.0, 4.0)
    assert (timers.max_retransmission_time, timers.long_timer) == (25.0, 30.0)
    assert (timers.pending_limit, timers.provisional_response_time, timers.ack_delay) == (
        10,
        None,
        0.1,
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"normal_execution_time": 0},
        {"network_delay": -1},
        {"backoff": 0.5},
        {"max_retransmission_time": 0},
        {"long_timer": 0},
        {"pending_limit": -1},
        {"provisional_response_time": 0},
        {"ack_delay": -0.1},
    ],
)
def test_timers_refuse_values_that_make_no_sense(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        TransactionTimers(**kwargs)


# -- requester: ids -------------------------------------------------------------------------


def test_transaction_ids_count_up_from_the_injected_start() -> None:
    requester = TransactionRequester(first_transaction_id=500)
    ids = [requester.send(ACTIONS, peer=AGW, now=0.0) for _ in range(3)]
    assert ids == [500, 501, 502]
    assert sent_requests(requester, 0.0) == [500, 501, 502]


def test_transaction_ids_wrap_to_one_and_skip_ids_still_in_use() -> None:
    requester = TransactionRequester(first_transaction_id=MAX_TRANSACTION_ID - 1)
    first = requester.send(ACTIONS, peer=AGW, now=0.0)
    second = requester.send(ACTIONS, peer=AGW, now=0.0)
    assert (first, second) == (MAX_TRANSACTION_ID - 1, MAX_TRANSACTION_ID)
    assert requester.send(ACTIONS, peer=AGW, now=0.0) == 1
    # Go round once more: 1 is outstanding, so the counter skips it.
    wrapped = TransactionRequester(first_transaction_id=MAX_TRANSACTION_ID)
    assert wrapped.send(ACTIONS, peer=AGW, now=0.0) == MAX_TRANSACTION_ID
    assert wrapped.send(ACTIONS, peer=AGW, now=0.0) == 1
    wrapped._next_id = 1  # force the counter back onto an id in use
    assert wrapped.send(ACTIONS, peer=AGW, now=0.0) == 2


def test_a_request_needs_an_action() -> None:
    with pytest.raises(H248Error, match="at least one action"):
        TransactionRequester().send((), peer=AGW, now=0.0)


@pytest.mark.parametrize("start", [0, MAX_TRANSACTION_ID + 1])
def test_first_transaction_id_must_be_a_uint32_above_zero(start: int) -> None:
    with pytest.raises(ValueError, match="first_transaction_id"):
        TransactionRequester(first_transaction_id=start)


# -- requester: retransmission --------------------------------------------------------------


@pytest.mark.parametrize(
    ("timers", "expected_retransmissions", "gives_up_at"),
    [
        # defaults: 1 s, doubling, capped at 4 s, given up at 25 s
        (TransactionTimers(), [1.0, 3.0, 7.0, 11.0, 15.0, 19.0, 23.0], 25.0),
        # a short profile as the tests of the transport use it
        (
            TransactionTimers(
                normal_execution_time=0.05,
                network_delay=0.05,
                max_retransmit_interval=0.4,
                max_retransmission_time=1.0,
            ),
            [0.1, 0.3, 0.7],
            1.0,
        ),
        # no back-off: a constant interval
        (
            TransactionTimers(
                normal_execution_time=1.0,
                network_delay=1.0,
                backoff=1.0,
                max_retransmission_time=7.0,
            ),
            [2.0, 4.0, 6.0],
            7.0,
        ),
    ],
)
def test_retransmission_schedule_over_unreliable_transport(
    timers: TransactionTimers, expected_retransmissions: list[float], gives_up_at: float
) -> None:
    requester = TransactionRequester(timers=timers)
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    assert sent_requests(requester, 0.0) == [tid]
    retransmitted, events = run_until(requester, 100.0)
    assert retransmitted == pytest.approx(expected_retransmissions)
    assert events == [
        TransactionTimedOut(
            peer=AGW,
            transaction_id=tid,
            reason=TimeoutReason.NO_RESPONSE,
            retransmissions=len(expected_retransmissions),
            pendings=0,
        )
    ]
    assert requester.outstanding == frozenset()


def test_no_timer_fires_before_its_time() -> None:
    requester = TransactionRequester()
    requester.send(ACTIONS, peer=AGW, now=10.0)
    requester.take_transactions(10.0)
    assert requester.next_deadline() == 11.0
    assert requester.handle_timer(10.999) == []
    assert sent_requests(requester, 10.999) == []


def test_reliable_transport_never_retransmits_and_only_gives_up() -> None:
    requester = TransactionRequester(reliable=True)
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.take_transactions(0.0)
    assert requester.next_deadline() == 25.0
    retransmitted, events = run_until(requester, 100.0)
    assert retransmitted == []
    assert [(e.transaction_id, e.reason) for e in events if isinstance(e, TransactionTimedOut)] == [
        (tid, TimeoutReason.NO_RESPONSE)
    ]


def test_the_retransmission_repeats_the_same_request() -> None:
    requester = TransactionRequester()
    requester.send(ACTIONS, peer=AGW, now=0.0)
    (first,) = requester.take_transactions(0.0)
    requester.handle_timer(1.0)
    (again,) = requester.take_transactions(1.0)
    assert again == first


# -- requester: Pending ---------------------------------------------------------------------


def test_pending_stops_retransmission_and_waits_the_long_timer() -> None:
    requester = TransactionRequester()
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.take_transactions(0.0)
    pending = requester.receive_pending(TransactionPending(transaction_id=tid), peer=AGW, now=0.5)
    assert pending == [PendingReceived(peer=AGW, transaction_id=tid, count=1)]
    assert requester.next_deadline() == 30.5
    retransmitted, events = run_until(requester, 30.4)
    assert (retransmitted, events) == ([], [])
    # A second Pending re-arms the long timer.
    requester.receive_pending(TransactionPending(transaction_id=tid), peer=AGW, now=30.0)
    assert requester.next_deadline() == 60.0
    retransmitted, events = run_until(requester, 100.0)
    assert retransmitted == []
    assert events == [
        TransactionTimedOut(
            peer=AGW,
            transaction_id=tid,
            reason=TimeoutReason.NO_REPLY_AFTER_PENDING,
            retransmissions=0,
            pendings=2,
        )
    ]


def test_a_reply_after_pending_completes_the_transaction() -> None:
    requester = TransactionRequester()
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.receive_pending(TransactionPending(transaction_id=tid), peer=AGW, now=1.5)
    events = requester.receive_reply(reply_to(tid), peer=AGW, now=20.0)
    assert events == [ReplyReceived(peer=AGW, transaction_id=tid, reply=reply_to(tid))]
    assert requester.outstanding == frozenset()


@pytest.mark.parametrize("limit", [0, 1, 3])
def test_more_pendings_than_the_limit_fail_the_transaction(limit: int) -> None:
    requester = TransactionRequester(timers=TransactionTimers(pending_limit=limit))
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    pending = TransactionPending(transaction_id=tid)
    for count in range(1, limit + 1):
        assert requester.receive_pending(pending, peer=AGW, now=float(count)) == [
            PendingReceived(peer=AGW, transaction_id=tid, count=count)
        ]
    assert requester.receive_pending(pending, peer=AGW, now=99.0) == [
        TransactionTimedOut(
            peer=AGW,
            transaction_id=tid,
            reason=TimeoutReason.PENDING_LIMIT,
            retransmissions=0,
            pendings=limit + 1,
        )
    ]
    assert requester.outstanding == frozenset()


def test_pending_for_an_unknown_transaction_is_ignored() -> None:
    requester = TransactionRequester()
    assert requester.receive_pending(TransactionPending(transaction_id=9), peer=AGW, now=0) == []


# -- requester: replies and acks ------------------------------------------------------------


def test_the_first_reply_is_an_event_and_duplicates_are_not() -> None:
    requester = TransactionRequester()
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.take_transactions(0.0)
    first = requester.receive_reply(reply_to(tid), peer=AGW, now=0.2)
    assert first == [ReplyReceived(peer=AGW, transaction_id=tid, reply=reply_to(tid))]
    assert requester.receive_reply(reply_to(tid), peer=AGW, now=0.3) == []
    assert requester.receive_reply(reply_to(tid, context=8), peer=AGW, now=0.4) == []
    retransmitted, events = run_until(requester, 100.0)
    assert (retransmitted, events) == ([], [])


def test_a_reply_to_a_request_never_sent_is_ignored_and_not_acked() -> None:
    requester = TransactionRequester()
    assert requester.receive_reply(reply_to(77, imm_ack=True), peer=AGW, now=0.0) == []
    assert requester.take_transactions(0.0) == []


def test_imm_ack_required_is_acked_at_once() -> None:
    requester = TransactionRequester()
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.take_transactions(0.0)
    requester.receive_reply(reply_to(tid, imm_ack=True), peer=AGW, now=0.2)
    assert requester.take_transactions(0.2) == [
        (AGW, TransactionResponseAck(acks=(TransactionAck(first=tid),)))
    ]


def test_other_replies_are_acked_in_a_batch_after_ack_delay() -> None:
    requester = TransactionRequester(
        timers=TransactionTimers(ack_delay=0.5), first_transaction_id=10
    )
    ids = [requester.send(ACTIONS, peer=AGW, now=0.0) for _ in range(4)]
    requester.take_transactions(0.0)
    for offset, tid in enumerate((10, 11, 13)):
        requester.receive_reply(reply_to(tid), peer=AGW, now=0.25 + offset / 8)
    assert requester.take_transactions(0.5) == []
    assert requester.next_deadline() == 0.75
    assert requester.take_transactions(0.75) == [
        (
            AGW,
            TransactionResponseAck(
                acks=(TransactionAck(first=10, last=11), TransactionAck(first=13))
            ),
        )
    ]
    assert requester.outstanding == frozenset({ids[2]})


def test_a_batched_ack_rides_along_with_the_next_message_to_that_peer() -> None:
    requester = TransactionRequester(timers=TransactionTimers(ack_delay=0.5))
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    other = requester.send(ACTIONS, peer=ALG, now=0.0)
    requester.take_transactions(0.0)
    requester.receive_reply(reply_to(tid), peer=AGW, now=0.25)
    requester.receive_reply(reply_to(other), peer=ALG, now=0.25)
    nxt = requester.send(ACTIONS, peer=AGW, now=0.5)
    items = requester.take_transactions(0.5)
    assert [(peer, type(t).__name__) for peer, t in items] == [
        (AGW, "TransactionRequest"),
        (AGW, "TransactionResponseAck"),
    ]
    assert acks_sent(items) == [(AGW, TransactionResponseAck(acks=(TransactionAck(first=tid),)))]
    # ALG's ack still waits for its own time.
    assert acks_sent(requester.take_transactions(0.5)) == []
    assert acks_sent(requester.take_transactions(0.75)) == [
        (ALG, TransactionResponseAck(acks=(TransactionAck(first=other),)))
    ]
    assert nxt in requester.outstanding


def test_a_repeated_reply_is_acked_again() -> None:
    requester = TransactionRequester()
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.receive_reply(reply_to(tid, imm_ack=True), peer=AGW, now=0.1)
    assert len(acks_sent(requester.take_transactions(0.1))) == 1
    requester.receive_reply(reply_to(tid, imm_ack=True), peer=AGW, now=0.5)
    assert acks_sent(requester.take_transactions(0.5)) == [
        (AGW, TransactionResponseAck(acks=(TransactionAck(first=tid),)))
    ]


def test_without_ack_delay_only_imm_ack_replies_are_acked() -> None:
    requester = TransactionRequester(timers=TransactionTimers(ack_delay=None))
    plain = requester.send(ACTIONS, peer=AGW, now=0.0)
    urgent = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.take_transactions(0.0)
    requester.receive_reply(reply_to(plain), peer=AGW, now=0.1)
    requester.receive_reply(reply_to(urgent, imm_ack=True), peer=AGW, now=0.1)
    assert acks_sent(requester.take_transactions(5.0)) == [
        (AGW, TransactionResponseAck(acks=(TransactionAck(first=urgent),)))
    ]


def test_a_late_reply_after_a_timeout_is_acked_but_not_reported() -> None:
    requester = TransactionRequester(reliable=True)
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.handle_timer(25.0)
    requester.take_transactions(25.0)
    assert requester.receive_reply(reply_to(tid, imm_ack=True), peer=AGW, now=26.0) == []
    assert len(acks_sent(requester.take_transactions(26.0))) == 1


def test_cancel_stops_retransmission_without_an_event() -> None:
    requester = TransactionRequester()
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.take_transactions(0.0)
    requester.cancel(tid, now=0.5)
    requester.cancel(12345, now=0.5)
    assert requester.outstanding == frozenset()
    assert run_until(requester, 100.0) == ([], [])


def test_answered_ids_are_forgotten_after_the_long_timer() -> None:
    requester = TransactionRequester()
    tid = requester.send(ACTIONS, peer=AGW, now=0.0)
    requester.receive_reply(reply_to(tid), peer=AGW, now=1.0)
    requester.take_transactions(1.2)
    assert requester.next_deadline() == 31.0
    requester.handle_timer(31.0)
    assert requester.next_deadline() is None
    # Forgotten: a repeated reply now is a reply to nothing and is not acked.
    requester.receive_reply(reply_to(tid, imm_ack=True), peer=AGW, now=32.0)
    assert requester.take_transactions(32.0) == []


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([], ()),
        ([5], (TransactionAck(first=5),)),
        ([3, 1, 2], (TransactionAck(first=1, last=3),)),
        ([1, 2, 4, 6, 7, 7], (
            TransactionAck(first=1, last=2),
            TransactionAck(first=4),
            TransactionAck(first=6, last=7),
        )),
    ],
)
def test_compress_acks(ids: list[int], expected: tuple[TransactionAck, ...]) -> None:
    assert compress_acks(ids) == expected


# -- responder ------------------------------------------------------------------------------


def request(tid: int) -> TransactionRequest:
    return TransactionRequest(transaction_id=tid, actions=ACTIONS)


def test_a_request_executes_once_however_often_it_is_repeated() -> None:
    responder = TransactionResponder()
    executions = 0
    for step in range(5):
        for event in responder.receive_request(request(1), peer=ALG, now=step * 0.1):
            assert event == RequestReceived(peer=ALG, request=request(1))
            executions += 1
    assert executions == 1
    # Each repetition while executing got one Pending, the first arrival none.
    assert responder.take_transactions() == [(ALG, TransactionPending(transaction_id=1))] * 4
    responder.reply(reply_to(1), peer=ALG, now=0.5)
    assert responder.take_transactions() == [(ALG, reply_to(1))]
    for step in range(3):
        assert responder.receive_request(request(1), peer=ALG, now=1.0 + step) == []
    assert responder.take_transactions() == [(ALG, reply_to(1))] * 3
    assert responder.cached_reply(ALG, 1) == reply_to(1)


def test_transaction_ids_are_per_sender() -> None:
    responder = TransactionResponder()
    first = responder.receive_request(request(1), peer=ALG, now=0.0)
    second = responder.receive_request(request(1), peer=AGW, now=0.0)
    assert first == [RequestReceived(peer=ALG, request=request(1))]
    assert second == [RequestReceived(peer=AGW, request=request(1))]
    assert responder.executing == frozenset({(ALG, 1), (AGW, 1)})


def test_a_response_ack_frees_the_reply_but_keeps_the_id() -> None:
    responder = TransactionResponder()
    for tid in (1, 2, 3, 5):
        responder.receive_request(request(tid), peer=ALG, now=0.0)
        responder.reply(reply_to(tid), peer=ALG, now=0.1)
    responder.take_transactions()
    ack = TransactionResponseAck(acks=(TransactionAck(first=1, last=2), TransactionAck(first=5)))
    responder.receive_ack(ack, peer=ALG, now=0.2)
    assert [responder.cached_reply(ALG, tid) for tid in (1, 2, 3, 5)] == [
        None,
        None,
        reply_to(3),
        None,
    ]
    # An acked request that shows up again (a stale copy) is neither executed nor answered.
    assert responder.receive_request(request(1), peer=ALG, now=0.3) == []
    assert responder.take_transactions() == []
    assert responder.remembers(ALG, 1)


def test_an_ack_from_another_peer_frees_nothing() -> None:
    responder = TransactionResponder()
    responder.receive_request(request(1), peer=ALG, now=0.0)
    responder.reply(reply_to(1), peer=ALG, now=0.1)
    responder.receive_ack(TransactionResponseAck(acks=(TransactionAck(first=1),)), peer=AGW, now=1)
    assert responder.cached_reply(ALG, 1) == reply_to(1)


def test_an_ack_for_the_whole_id_space_is_cheap_and_exact() -> None:
    responder = TransactionResponder()
    for tid in (7, MAX_TRANSACTION_ID):
        responder.receive_request(request(tid), peer=ALG, now=0.0)
        responder.reply(reply_to(tid), peer=ALG, now=0.0)
    responder.receive_request(request(8), peer=AGW, now=0.0)
    responder.reply(reply_to(8), peer=AGW, now=0.0)
    everything = TransactionAck(first=1, last=MAX_TRANSACTION_ID)
    responder.receive_ack(TransactionResponseAck(acks=(everything,)), peer=ALG, now=0.1)
    assert responder.cached_reply(ALG, 7) is None
    assert responder.cached_reply(ALG, MAX_TRANSACTION_ID) is None
    assert responder.cached_reply(AGW, 8) == reply_to(8)


def test_answers_expire_after_the_long_timer() -> None:
    responder = TransactionResponder(timers=TransactionTimers(long_timer=5.0))
    responder.receive_request(request(1), peer=ALG, now=0.0)
    responder.reply(reply_to(1), peer=ALG, now=1.0)
    assert responder.next_deadline() == 6.0
    responder.handle_timer(5.9)
    assert responder.remembers(ALG, 1)
    responder.handle_timer(6.0)
    assert not responder.remembers(ALG, 1)
    assert responder.next_deadline() is None


def test_the_reply_cache_is_bounded_and_drops_the_oldest() -> None:
    responder = TransactionResponder(max_cached_replies=3)
    for tid in range(1, 6):
        responder.receive_request(request(tid), peer=ALG, now=float(tid))
        responder.reply(reply_to(tid), peer=ALG, now=float(tid))
    assert [responder.remembers(ALG, tid) for tid in range(1, 6)] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert len(responder._answered) == 3


def test_too_many_executing_requests_are_refused_with_510() -> None:
    responder = TransactionResponder(max_executing=2)
    assert len(responder.receive_request(request(1), peer=ALG, now=0.0)) == 1
    assert len(responder.receive_request(request(2), peer=ALG, now=0.0)) == 1
    assert responder.receive_request(request(3), peer=ALG, now=0.0) == []
    ((peer, refusal),) = responder.take_transactions()
    assert peer == ALG
    assert isinstance(refusal, TransactionReply)
    assert refusal.error is not None
    assert refusal.error.code == ErrorCode.INSUFFICIENT_RESOURCES
    # The refusal is the answer: a repetition repeats it, it is never executed.
    assert responder.receive_request(request(3), peer=ALG, now=0.1) == []
    assert responder.take_transactions() == [(ALG, refusal)]


def test_too_many_pendings_abandon_the_request_with_506() -> None:
    responder = TransactionResponder(timers=TransactionTimers(pending_limit=2))
    responder.receive_request(request(4), peer=ALG, now=0.0)
    assert responder.receive_request(request(4), peer=ALG, now=1.0) == []
    assert responder.receive_request(request(4), peer=ALG, now=2.0) == []
    (abandoned,) = responder.receive_request(request(4), peer=ALG, now=3.0)
    assert isinstance(abandoned, RequestAbandoned)
    assert abandoned.error.code == ErrorCode.TOO_MANY_TRANSACTION_PENDINGS
    sent = responder.take_transactions()
    assert sent[:2] == [(ALG, TransactionPending(transaction_id=4))] * 2
    assert sent[2] == (ALG, TransactionReply(transaction_id=4, error=abandoned.error))
    # The application's late answer is dropped, the 506 stays the answer.
    responder.reply(reply_to(4), peer=ALG, now=4.0)
    assert responder.take_transactions() == []
    assert responder.cached_reply(ALG, 4) == TransactionReply(
        transaction_id=4, error=abandoned.error
    )


def test_provisional_pendings_are_sent_while_executing() -> None:
    timers = TransactionTimers(provisional_response_time=2.0)
    responder = TransactionResponder(timers=timers)
    responder.receive_request(request(9), peer=ALG, now=0.0)
    assert responder.next_deadline() == 2.0
    assert responder.handle_timer(1.9) == []
    assert responder.take_transactions() == []
    responder.handle_timer(2.0)
    responder.handle_timer(4.0)
    assert responder.take_transactions() == [(ALG, TransactionPending(transaction_id=9))] * 2
    responder.reply(reply_to(9), peer=ALG, now=4.5)
    responder.handle_timer(6.0)
    assert responder.take_transactions() == [(ALG, reply_to(9))]


def test_a_reply_to_a_request_never_received_is_a_local_error() -> None:
    with pytest.raises(LocalStateError, match="not executing"):
        TransactionResponder().reply(reply_to(3), peer=ALG, now=0.0)


# -- the endpoint ---------------------------------------------------------------------------


def endpoint(address: str, **kwargs: object) -> TransactionEndpoint:
    return TransactionEndpoint(mid=DomainAddress(address=address, port=2944), **kwargs)  # type: ignore[arg-type]


def test_one_message_with_several_transactions_is_handled_item_by_item() -> None:
    alg = endpoint("192.0.2.1", first_transaction_id=20)
    first = alg.send_request(ACTIONS, peer=AGW, now=0.0)
    second = alg.send_request(ACTIONS, peer=AGW, now=0.0)
    alg.messages_to_send(0.0)
    alg.responder.receive_request(request(300), peer=AGW, now=0.0)
    alg.reply(reply_to(300), peer=AGW, now=0.0)
    alg.messages_to_send(0.0)
    incoming = Message(
        mid=DomainAddress(address="192.0.2.2"),
        transactions=(
            reply_to(first),
            TransactionPending(transaction_id=second),
            request(301),
            TransactionResponseAck(acks=(TransactionAck(first=300),)),
        ),
    )
    events = alg.receive(incoming, peer=AGW, now=0.1)
    assert events == [
        ReplyReceived(peer=AGW, transaction_id=first, reply=reply_to(first)),
        PendingReceived(peer=AGW, transaction_id=second, count=1),
        RequestReceived(peer=AGW, request=request(301)),
    ]
    assert alg.responder.cached_reply(AGW, 300) is None


def test_an_error_message_is_reported() -> None:
    alg = endpoint("192.0.2.1")
    error = ErrorDescriptor(code=400, text="Syntax error in message")
    message = Message(mid=DomainAddress(address="192.0.2.2"), error=error)
    assert alg.receive(message, peer=AGW, now=0.0) == [ErrorMessageReceived(peer=AGW, error=error)]


def test_outgoing_transactions_are_grouped_per_peer_in_bounded_messages() -> None:
    alg = endpoint("192.0.2.1", max_transactions_per_message=2)
    ids = [alg.send_request(ACTIONS, peer=AGW, now=0.0) for _ in range(3)]
    other = alg.send_request(ACTIONS, peer=ALG, now=0.0)
    out = alg.messages_to_send(0.0)
    assert [(o.peer, [t.transaction_id for t in o.message.transactions]) for o in out] == [  # type: ignore[union-attr]
        (AGW, ids[:2]),
        (AGW, ids[2:]),
        (ALG, [other]),
    ]
    assert all(o.message.mid == DomainAddress(address="192.0.2.1", port=2944) for o in out)
    assert all(o.message.version == 3 for o in out)
    assert alg.messages_to_send(0.0) == []


def test_endpoint_timers_combine_both_roles() -> None:
    alg = endpoint("192.0.2.1", timers=TransactionTimers(provisional_response_time=0.5))
    assert alg.next_deadline() is None
    alg.send_request(ACTIONS, peer=AGW, now=0.0)
    alg.receive(Message(mid=DomainAddress(address="192.0.2.2"), transactions=(request(1),)),
                peer=AGW, now=0.0)
    assert alg.next_deadline() == 0.5
    assert alg.handle_timer(0.5) == []
    out = alg.messages_to_send(0.5)
    assert [type(t).__name__ for o in out for t in o.message.transactions] == [
        "TransactionPending",
        "TransactionRequest",
    ]


# -- a simulated lossy network --------------------------------------------------------------


@attrs.define
class _Network:
    """Two endpoints and a clock; datagrams take ``delay`` seconds and some are lost.

    ``to_agw``/``to_alg`` say, per direction and in order, which datagrams are lost; with
    ``cycle`` the pattern repeats forever, otherwise everything after it arrives.
    """

    alg: TransactionEndpoint
    agw: TransactionEndpoint
    to_agw: list[bool]
    to_alg: list[bool]
    cycle: bool = False
    delay: float = 0.01
    executions: dict[int, int] = attrs.field(factory=dict)
    results: dict[int, object] = attrs.field(factory=dict)
    in_flight: list[tuple[float, str, Message]] = attrs.field(factory=list)
    sent: dict[str, int] = attrs.field(factory=lambda: {"agw": 0, "alg": 0})

    def lost(self, side: str) -> bool:
        pattern = self.to_agw if side == "agw" else self.to_alg
        index = self.sent[side]
        self.sent[side] += 1
        if self.cycle and pattern:
            return pattern[index % len(pattern)]
        return index < len(pattern) and pattern[index]

    def transmit(self, now: float) -> None:
        for side, ep in (("agw", self.alg), ("alg", self.agw)):
            for out in ep.messages_to_send(now):
                if not self.lost(side):
                    self.in_flight.append((now + self.delay, side, out.message))

    def handle(self, events: Sequence[object], now: float) -> None:
        for event in events:
            if isinstance(event, RequestReceived):
                tid = event.request.transaction_id
                self.executions[tid] = self.executions.get(tid, 0) + 1
                self.agw.reply(reply_to(tid, imm_ack=tid % 2 == 0), peer=ALG, now=now)
            elif isinstance(event, ReplyReceived | TransactionTimedOut):
                self.results[event.transaction_id] = event

    def run(self, until: float) -> None:
        now = 0.0
        while now <= until:
            self.transmit(now)
            times = [t for t in (self.alg.next_deadline(), self.agw.next_deadline()) if t]
            times += [arrival for arrival, _, _ in self.in_flight]
            if not times:
                return
            now = min(times)
            arrived = [item for item in self.in_flight if item[0] <= now]
            self.in_flight = [item for item in self.in_flight if item[0] > now]
            for _, side, message in arrived:
                if side == "agw":
                    self.handle(self.agw.receive(message, peer=ALG, now=now), now)
                else:
                    self.handle(self.alg.receive(message, peer=AGW, now=now), now)
            self.handle(self.alg.handle_timer(now), now)
            self.handle(self.agw.handle_timer(now), now)


def network(to_agw: list[bool], to_alg: list[bool], *, cycle: bool = False) -> _Network:
    return _Network(
        alg=endpoint("192.0.2.1"),
        agw=endpoint("192.0.2.2"),
        to_agw=to_agw,
        to_alg=to_alg,
        cycle=cycle,
    )


@settings(max_examples=200, deadline=None)
@given(
    to_agw=st.lists(st.booleans(), max_size=12),
    to_alg=st.lists(st.booleans(), max_size=12),
    requests=st.integers(min_value=1, max_value=6),
)
def test_over_a_lossy_network_no_request_executes_twice(
    to_agw: list[bool], to_alg: list[bool], requests: int
) -> None:
    net = network(to_agw, to_alg)
    ids = [net.alg.send_request(ACTIONS, peer=AGW, now=0.0) for _ in range(requests)]
    net.run(until=200.0)
    assert set(net.results) == set(ids)
    for tid in ids:
        result = net.results[tid]
        assert net.executions.get(tid, 0) <= 1
        if isinstance(result, ReplyReceived):
            assert net.executions[tid] == 1
            assert result.reply == reply_to(tid, imm_ack=tid % 2 == 0)
    # 8 attempts fit in 25 s (0, 1, 3, 7, 11, 15, 19, 23 s) and a lost datagram costs a
    # transaction at most one attempt: up to 7 losses everything gets through.
    if sum(to_agw) + sum(to_alg) <= 7:
        assert all(isinstance(net.results[tid], ReplyReceived) for tid in ids)
        assert all(net.executions[tid] == 1 for tid in ids)


@pytest.mark.parametrize(
    ("to_agw", "to_alg", "cycle"),
    [
        ([True], [], False),  # the first request is lost
        ([], [True], False),  # the first reply is lost
        ([True], [True], False),  # both
        ([True, False], [True, False], True),  # every other datagram, both ways, forever
    ],
)
def test_losses_cost_retransmissions_not_executions(
    to_agw: list[bool], to_alg: list[bool], cycle: bool
) -> None:
    net = network(to_agw, to_alg, cycle=cycle)
    tid = net.alg.send_request(ACTIONS, peer=AGW, now=0.0)
    net.run(until=100.0)
    assert net.executions == {tid: 1}
    assert isinstance(net.results[tid], ReplyReceived)
    assert net.sent["agw"] >= 2


# -- layering -------------------------------------------------------------------------------

_FORBIDDEN = {"socket", "asyncio", "time", "random", "selectors", "threading", "ssl", "dns"}


def test_the_transaction_layer_does_no_io() -> None:
    import imsalg.h248.transactions as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported & _FORBIDDEN == set()
    assert Outgoing.__module__ == module.__name__
