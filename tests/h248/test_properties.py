"""Properties of the codec over generated messages and mutated text (Hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsalg.errors import H248SyntaxError
from imsalg.h248 import model as m
from imsalg.h248.json import from_json, to_json
from imsalg.h248.text import decode, encode, encode_bytes

from .corpus import corpus_messages
from .strategies import messages, sdp_texts, values

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_CORPUS = [data for _, data in corpus_messages()]


@_SETTINGS
@given(messages())
def test_decode_inverts_encode_in_both_forms(message: m.Message) -> None:
    for compact in (False, True):
        assert decode(encode(message, compact=compact)) == message
        assert decode(encode_bytes(message, compact=compact)) == message


@_SETTINGS
@given(messages())
def test_encoding_is_a_fixed_point_after_one_round(message: m.Message) -> None:
    for compact in (False, True):
        text = encode(message, compact=compact)
        assert encode(decode(text), compact=compact) == text


@_SETTINGS
@given(local=st.none() | sdp_texts, remote=st.none() | sdp_texts, value=values)
def test_sdp_and_values_survive_exactly(local: str | None, remote: str | None, value: str) -> None:
    stream = m.StreamDescriptor(
        stream_id=1,
        local_control=m.LocalControl(properties=(m.PropertyParm.of("x/y", value),)),
        local=local,
        remote=remote,
    )
    message = m.Message(
        mid=m.DomainAddress(address="192.0.2.1", port=2944),
        transactions=(
            m.TransactionReply(
                transaction_id=1,
                actions=(
                    m.ActionReply(
                        context_id=4711,
                        replies=(
                            m.AddReply(
                                terminations=("ip/1/acc/17",),
                                audit=m.TerminationAudit(
                                    media=m.MediaDescriptor(streams=(stream,))
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    )
    for compact in (False, True):
        back = decode(encode(message, compact=compact))
        assert back == message
        reply = back.transactions[0]
        assert isinstance(reply, m.TransactionReply)
        add = reply.actions[0].replies[0]
        assert isinstance(add, m.AddReply)
        assert add.audit is not None
        assert add.audit.media is not None
        assert add.audit.media.streams[0].local == local
        assert add.audit.media.streams[0].remote == remote


@_SETTINGS
@given(messages())
def test_json_form_round_trips_through_json_text(message: m.Message) -> None:
    data = to_json(message)
    assert from_json(json.loads(json.dumps(data))) == message


_MUTATION_CHARS = st.sampled_from(list('{}[],=:#<>";\\\n\r\t $*-/0aZé\x00\x7f')) | st.characters()


@st.composite
def _mutated_corpus_text(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_CORPUS)).decode("utf-8", "surrogateescape")
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        position = draw(st.integers(0, len(text) - 1))
        action = draw(st.integers(0, 3))
        if action == 0:
            text = text[:position] + text[position + 1 :]
        elif action == 1:
            text = text[:position] + draw(_MUTATION_CHARS) + text[position:]
        elif action == 2:
            text = text[:position] + draw(_MUTATION_CHARS) + text[position + 1 :]
        else:
            end = draw(st.integers(position, len(text)))
            text = text[:position] + text[end:]
    return text


def _syntax_error(text: str | bytes) -> H248SyntaxError | None:
    try:
        decode(text)
    except H248SyntaxError as error:
        return error
    return None


def _assert_decodes_or_reports(text: str | bytes) -> None:
    """Decoding either succeeds or raises H248SyntaxError inside the text; nothing else."""
    error = _syntax_error(text)
    if error is not None:
        length = len(text.decode("utf-8", "surrogateescape") if isinstance(text, bytes) else text)
        assert 1 <= error.line <= length + 2
        assert 1 <= error.column <= length + 1


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated_corpus_text())
def test_mutated_corpus_text_raises_only_syntax_errors(text: str) -> None:
    _assert_decodes_or_reports(text)


_TOKENS = st.sampled_from(
    [
        "MEGACO/3",
        "!/3",
        "[192.0.2.1]",
        ":2944",
        "T=1",
        "P=2",
        "C=$",
        "A=$",
        "MF",
        "S",
        "N",
        "{",
        "}",
        ",",
        "=",
        "[",
        "]",
        "M",
        "ST=1",
        "L{v=0\n",
        "R",
        "O",
        "MO=SR",
        "E=1",
        "SG",
        "OE=1",
        "a/b",
        "ER=445",
        '"x"',
        "SV",
        "MT=RS",
        "AD=",
        "<mg>",
        "TP",
        "K",
        "PN=3",
        "DM",
        "20250101T12000000",
        ":",
        "#",
        "<",
        ">",
        "\\}",
        ";c\n",
        " ",
        "\n",
        "EM",
        "SL=1",
        "KA",
    ]
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=40).map("".join) | st.text(max_size=80) | st.binary(max_size=80))
def test_random_text_raises_only_syntax_errors(text: str | bytes) -> None:
    _assert_decodes_or_reports(text)
