"""Fuzz target ``h248``: the text decoder and the Iq mapping of whatever decodes.

Per input: :func:`imsalg.h248.decode` (only ``H248SyntaxError``); what decodes is encoded
again in both token forms (``H248Error`` allowed for a model without a text spelling) and
must decode to the same message. Each transaction request goes through
:func:`transaction_to_request` (only ``GatewayError``; what it accepts survives
``request_to_transaction`` and back unchanged after one round) and
:func:`notify_to_notification` (``GatewayError``/``H248Error``); each reply through
:func:`reply_to_result` against the Iq requests of the corpus and one request shaped like
the reply (``H248Error``/``GatewayError``; an accepted result survives
``result_to_reply`` and back).

Mutations: bytes (the corpus' own tokens and punctuation, deep "{" nesting, long repeats),
token swaps from the keyword table in both forms, whole "{...}" blocks dropped or
duplicated, numbers pushed to UINT32 edges, and the SDP inside Local/Remote mutated with
the SDP target's structure-aware mutations.
"""

from __future__ import annotations

import contextlib
import functools
import random
import re
from collections.abc import Sequence
from typing import Final

from imsalg.errors import GatewayError, H248Error, H248SyntaxError
from imsalg.h248 import model as m
from imsalg.h248.text import decode, encode
from imsalg.h248.tokens import KEYWORDS
from imsalg.iq.h248 import (
    notify_to_notification,
    reply_to_result,
    request_to_transaction,
    result_to_reply,
    transaction_to_request,
)
from imsalg.iq.procedures import (
    ConfigureConnectionPoint,
    GatewayRequest,
    GatewayResult,
    LocalSide,
    Procedure,
    ReleaseTermination,
    RemoteSide,
    ReserveConnectionPoint,
    Side,
    Transport,
)

from .harness import FIXTURES, MAX_SIZE, Target, byte_mutation, mutate_lines, signature
from .sdp_target import mutate_sdp

__all__ = ["TARGET", "h248_seeds", "mutate_h248", "run_h248"]

H248_NASTY: Final[tuple[bytes, ...]] = (
    b"{",
    b"}",
    b"{}",
    b"\\}",
    b",",
    b"=",
    b"[",
    b"]",
    b":",
    b"<",
    b">",
    b"#",
    b'"',
    b";",
    b"; comment\n",
    b"\n",
    b"\r\n",
    b" ",
    b"$",
    b"*",
    b"-",
    b"\x00",
    b"\xff",
    b"4294967295",
    b"4294967296",
    b"99999999999999999999",
    b"MEGACO/3 [192.0.2.1]:2944\n",
    b"!/1 <mg>\n",
    b"T=1{C=${A=${M{ST=1{L{v=0\n}}}}}}",
    b"P=1{C=1{A=a{M{ST=1{L{v=0\n}}}}}}",
    b"ER=445",
    b'Error=510{"x"}',
    b"Local{",
    b"Remote{v=0\n",
    b"20250101T12000000",
)
_WORD_RE: Final = re.compile(rb"[A-Za-z0-9/$*_\-.]+")
_NUMBER_RE: Final = re.compile(rb"\b[0-9]+\b")
_OCTETS_RE: Final = re.compile(rb"(?i)\b(?:l|local|r|remote)\s*\{")
_NUMBERS: Final = (b"0", b"1", b"4294967295", b"4294967296", b"65535", b"65536", b"00", b"9" * 30)


@functools.cache
def _keywords() -> tuple[bytes, ...]:
    words = {token.encode() for token in KEYWORDS}
    words |= {b"ipdc/realm", b"tls/fail", b"hangterm/thb", b"nt/os", b"$", b"*", b"-"}
    return tuple(sorted(words))


def h248_seeds() -> list[bytes]:
    """Every message of the H.248 corpus (``fixtures/h248/*.txt``), one per file part."""
    from tests.h248.corpus import corpus_messages

    return [data for _, data in corpus_messages()]


def _swap_word(data: bytes, rng: random.Random) -> bytes:
    words = list(_WORD_RE.finditer(data))
    if not words:
        return data
    word = rng.choice(words)
    return data[: word.start()] + rng.choice(_keywords()) + data[word.end() :]


def _edge_number(data: bytes, rng: random.Random) -> bytes:
    numbers = list(_NUMBER_RE.finditer(data))
    if not numbers:
        return data
    number = rng.choice(numbers)
    return data[: number.start()] + rng.choice(_NUMBERS) + data[number.end() :]


def _block(data: bytes, rng: random.Random) -> tuple[int, int] | None:
    """A balanced ``{...}`` block of *data* (start of "{", end after "}"), if any."""
    opens = [i for i, c in enumerate(data) if c == 0x7B]
    if not opens:
        return None
    start = rng.choice(opens)
    depth = 0
    for i in range(start, len(data)):
        if data[i] == 0x7B:
            depth += 1
        elif data[i] == 0x7D:
            depth -= 1
            if depth == 0:
                return start, i + 1
    return None


def _mutate_block(data: bytes, rng: random.Random) -> bytes:
    block = _block(data, rng)
    if block is None:
        return data
    start, end = block
    if rng.random() < 0.5:
        return data[:start] + data[end:]  # the descriptor's body dropped
    # The whole "Name = x {...}" duplicated after a comma, or the body nested in itself.
    head = data.rfind(b"\n", 0, start) + 1
    if rng.random() < 0.5:
        return data[:end] + b"," + data[head:end] + data[end:]
    return data[: start + 1] + data[head:end] + data[start + 1 :]


def _mutate_octets(data: bytes, rng: random.Random) -> bytes:
    heads = list(_OCTETS_RE.finditer(data))
    if not heads:
        return data
    head = rng.choice(heads)
    end = data.find(b"}", head.end())
    if end < 0:
        end = len(data)
    body = mutate_sdp(data[head.end() : end], rng, ())
    return data[: head.end()] + body + data[end:]


def mutate_h248(data: bytes, rng: random.Random, pool: Sequence[bytes]) -> bytes:
    """One mutation of an H.248 message (see the module docstring)."""
    choice = rng.randrange(9)
    if choice == 0:
        out = _swap_word(data, rng)
    elif choice == 1:
        out = _edge_number(data, rng)
    elif choice == 2:
        out = _mutate_block(data, rng)
    elif choice == 3:
        out = _mutate_octets(data, rng)
    elif choice == 4:
        out = mutate_lines(data, rng, pool)
    elif choice == 5:
        at = rng.randrange(len(data) + 1)
        out = data[:at] + b"{" * rng.choice((2, 50, 3000)) + data[at:]
    else:
        out = byte_mutation(data, rng, H248_NASTY)
    return out[:MAX_SIZE]


# -- running ------------------------------------------------------------------------------


def _local(side: Side) -> LocalSide:
    tls = side is Side.ACCESS
    return LocalSide(
        realm=side.value,
        transport=Transport.TCP_TLS_MSRP if tls else Transport.TCP,
        setup=None,
        request_fingerprint=tls,
    )


def _shaped_like(reply: m.TransactionReply) -> GatewayRequest:
    """A request whose procedures are what the reply's command replies answer."""
    procedures: list[Procedure] = []
    for action in reply.actions[:1]:
        for answer in action.replies:
            terminations = getattr(answer, "terminations", ()) or ("t",)
            name = terminations[0]
            side = Side.CORE if "core" in name else Side.ACCESS
            if isinstance(answer, m.AddReply):
                procedures.append(ReserveConnectionPoint(stream=1, side=side, local=_local(side)))
            elif isinstance(answer, m.ModifyReply):
                procedures.append(
                    ConfigureConnectionPoint(
                        termination=name,
                        stream=1,
                        side=side,
                        local=_local(side),
                        remote=RemoteSide(address="192.0.2.1", port=9),
                    )
                )
            else:
                procedures.append(ReleaseTermination(termination=name))
    return GatewayRequest(
        request_id=reply.transaction_id, context="1", procedures=tuple(procedures)
    )


@functools.cache
def _corpus_requests() -> tuple[GatewayRequest, ...]:
    """The Iq requests of the corpus (fixtures/h248/iq-*), as the AGW reads them."""
    requests = []
    for path in sorted((FIXTURES / "h248").glob("iq-*.txt")):
        for transaction in decode(path.read_bytes()).transactions:
            if isinstance(transaction, m.TransactionRequest):
                with contextlib.suppress(GatewayError):  # a Notify: not a request to the AGW
                    requests.append(transaction_to_request(transaction))
    requests.append(
        GatewayRequest(request_id=1, context="1", procedures=(ReleaseTermination(termination="*"),))
    )
    return tuple(requests)


def _check_request(seen: list[str], transaction: m.TransactionRequest) -> None:
    try:
        request = transaction_to_request(transaction)
    except GatewayError as error:
        seen.append(signature(error))
    else:
        tid = transaction.transaction_id
        try:
            once = transaction_to_request(request_to_transaction(request, tid))
            twice = transaction_to_request(request_to_transaction(once, tid))
        except (GatewayError, H248Error) as error:
            raise AssertionError(f"an accepted request does not travel back: {error!r}") from None
        assert twice == once, (once, twice)
    try:
        notify_to_notification(transaction)
    except (GatewayError, H248Error) as error:
        seen.append(signature(error))


def _check_reply(seen: list[str], reply: m.TransactionReply) -> None:
    for request in (*_corpus_requests(), _shaped_like(reply)):
        try:
            result = reply_to_result(request, reply)
        except (H248Error, GatewayError) as error:
            seen.append(signature(error))
            continue
        if not isinstance(result, GatewayResult):
            continue
        try:
            back = reply_to_result(request, result_to_reply(request, result, reply.transaction_id))
        except (H248Error, GatewayError) as error:
            seen.append(signature(error))
            continue
        assert back == result, (result, back)


def run_h248(data: bytes) -> list[str]:
    """Run one input through the codec and the Iq mapping (see the module docstring)."""
    seen: list[str] = []
    try:
        message = decode(data)
    except H248SyntaxError as error:
        seen.append(signature(error))
        return seen
    for compact in (False, True):
        try:
            text = encode(message, compact=compact)
        except H248Error as error:
            seen.append(signature(error))
            continue
        assert decode(text) == message, text
    for transaction in message.transactions:
        if isinstance(transaction, m.TransactionRequest):
            _check_request(seen, transaction)
        elif isinstance(transaction, m.TransactionReply):
            _check_reply(seen, transaction)
    return seen


TARGET: Final = Target(
    name="h248",
    description="imsalg.h248.decode, encode round trip, transaction_to_request, "
    "notify_to_notification, reply_to_result",
    seeds=h248_seeds,
    mutate=mutate_h248,
    run=run_h248,
)
