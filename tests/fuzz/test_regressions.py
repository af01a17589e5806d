"""Inputs the fuzzers found, pinned: each once raised something other than a typed error."""

from __future__ import annotations

import pytest

from imsalg.agw.msrp import FrameHead, MSRPParser
from imsalg.errors import GatewayError, H248Error, MSRPFrameError
from imsalg.h248 import decode
from imsalg.h248 import model as m
from imsalg.iq.h248 import reply_to_result, request_to_transaction, transaction_to_request
from imsalg.iq.procedures import GatewayRequest, LocalSide, ReleaseTermination

from .harness import FIXTURES

_H248 = FIXTURES / "h248"
# str.isdigit() takes these; int() refuses the first and the last, reads the second as 3.
_NOT_COUNTS = ('"\u00b2"', '"\u0663"', "9" * 5000, "4294967296")


def _transaction(name: str, old: bytes, new: str) -> m.Transaction:
    text = (_H248 / name).read_bytes()
    assert old in text
    return decode(text.replace(old, new.encode())).transactions[0]


@pytest.mark.parametrize("value", _NOT_COUNTS)
def test_a_heartbeat_timer_that_is_not_a_uint32_is_refused_with_449(value: str) -> None:
    transaction = _transaction("iq-reserve-compact.txt", b"timerx=60", f"timerx={value}")
    assert isinstance(transaction, m.TransactionRequest)
    with pytest.raises(GatewayError) as refused:
        transaction_to_request(transaction)
    assert refused.value.h248_code == 449


@pytest.mark.parametrize("value", _NOT_COUNTS[:3])
def test_a_statistic_that_is_not_a_count_is_an_h248_error(value: str) -> None:
    request = decode((_H248 / "iq-release-compact.txt").read_bytes()).transactions[0]
    assert isinstance(request, m.TransactionRequest)
    reply = _transaction("iq-release-reply-compact.txt", b"nt/or=20992", f"nt/or={value}")
    assert isinstance(reply, m.TransactionReply)
    with pytest.raises(H248Error, match="not a count"):
        reply_to_result(transaction_to_request(request), reply)


def test_counts_and_timers_in_ascii_digits_still_read() -> None:
    request = decode((_H248 / "iq-reserve-compact.txt").read_bytes()).transactions[0]
    assert isinstance(request, m.TransactionRequest)
    timers = {local.heartbeat for local in _locals(transaction_to_request(request))}
    assert timers == {60}
    big = _transaction("iq-reserve-compact.txt", b"timerx=60", "timerx=4294967295")
    assert isinstance(big, m.TransactionRequest)
    assert {local.heartbeat for local in _locals(transaction_to_request(big))} == {4294967295}


def _locals(request: GatewayRequest) -> list[LocalSide]:
    return [p.local for p in request.procedures if not isinstance(p, ReleaseTermination)]


@pytest.mark.parametrize("context", ["\u00b2", "1" * 5000, "007", "4294967296", ""])
def test_a_request_context_that_is_not_a_uint32_is_an_h248_error(context: str) -> None:
    request = GatewayRequest(
        request_id=1, context=context, procedures=(ReleaseTermination(termination="*"),)
    )
    with pytest.raises(H248Error, match=r"not an H\.248 context ID"):
        request_to_transaction(request, 1)


def test_counting_refuses_a_response_comment_that_is_not_utf8_as_parsing_does() -> None:
    # Found by the msrp target: count_only accepted what the event parser refused.
    stream = (
        b"MSRP t0000003 413 \x80too big\r\nTo-Path: msrp://a.example:1/s;tcp\r\n"
        b"From-Path: msrp://b.example:2/t;tcp\r\n-------t0000003$\r\n"
    )
    for count_only in (False, True):
        with pytest.raises(MSRPFrameError, match="comment is not UTF-8"):
            MSRPParser(count_only=count_only).feed(stream)
    good = stream.replace(b"\x80", b"\xc3\xa9")
    assert MSRPParser(count_only=True).feed(good) == []
    head = MSRPParser().feed(good)[0]
    assert isinstance(head, FrameHead)
    assert head.comment == "\u00e9too big"
