"""The token table, the error codes and the JSON form."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from imsalg.errors import H248Error
from imsalg.h248 import model as m
from imsalg.h248.codes import ERROR_TEXTS, ErrorCode
from imsalg.h248.json import from_json, to_json
from imsalg.h248.text import decode
from imsalg.h248.tokens import KEYWORDS, Token

from .corpus import H248_FIXTURES, corpus_messages

# SPEC.md §12.2, every pair as printed there.
SPEC_PAIRS = [
    ("MEGACO", "!"),
    ("Transaction", "T"),
    ("Reply", "P"),
    ("Pending", "PN"),
    ("TransactionResponseAck", "K"),
    ("ImmAckRequired", "IA"),
    ("Context", "C"),
    ("Add", "A"),
    ("Modify", "MF"),
    ("Move", "MV"),
    ("Subtract", "S"),
    ("Notify", "N"),
    ("ServiceChange", "SC"),
    ("AuditValue", "AV"),
    ("AuditCapability", "AC"),
    ("Media", "M"),
    ("Stream", "ST"),
    ("LocalControl", "O"),
    ("Local", "L"),
    ("Remote", "R"),
    ("TerminationState", "TS"),
    ("Mode", "MO"),
    ("SendReceive", "SR"),
    ("SendOnly", "SO"),
    ("ReceiveOnly", "RC"),
    ("Inactive", "IN"),
    ("Loopback", "LB"),
    ("ReservedValue", "RV"),
    ("ReservedGroup", "RG"),
    ("Events", "E"),
    ("Signals", "SG"),
    ("ObservedEvents", "OE"),
    ("EventBuffer", "EB"),
    ("Statistics", "SA"),
    ("Error", "ER"),
    ("Audit", "AT"),
    ("Packages", "PG"),
    ("Topology", "TP"),
    ("Priority", "PR"),
    ("Emergency", "EG"),
    ("SignalType", "SY"),
    ("Duration", "DR"),
    ("NotifyCompletion", "NC"),
    ("KeepActive", "KA"),
    ("Embed", "EM"),
    ("ServiceStates", "SI"),
    ("InService", "IV"),
    ("OutOfService", "OS"),
    ("Services", "SV"),
    ("Method", "MT"),
    ("Reason", "RE"),
    ("Version", "V"),
    ("Profile", "PF"),
    ("Buffer", "BF"),
    ("Both", "B"),
    ("Internal", "IT"),
    ("External", "EX"),
    ("ContextAttr", "CT"),
]


@pytest.mark.parametrize(("long", "short"), SPEC_PAIRS)
def test_spec_token_pairs(long: str, short: str) -> None:
    token = KEYWORDS[long.lower()]
    assert (token.long, token.short) == (long, short)
    assert KEYWORDS[short.lower()] is token


def test_every_spelling_maps_back_to_its_token() -> None:
    for token in Token:
        assert KEYWORDS[token.long.lower()] is token
        assert KEYWORDS[token.short.lower()] is token
    assert len({t.value for t in Token}) == len(Token)


def test_v3_signal_parameter_tokens_carry_the_spa_prefix() -> None:
    assert Token.DIRECTION.value == ("SPADirection", "SPADI")
    assert Token.REQUEST_ID.value == ("SPARequestID", "SPARQ")
    assert Token.INTERSIGNAL.value == ("Intersignal", "SPAIS")
    assert "direction" not in KEYWORDS


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (411, "The transaction refers to an unknown ContextId"),
        (430, "Unknown TerminationID"),
        (445, "Unsupported or Unknown Property"),
        (449, "Unsupported or Unknown Parameter or Property Value"),
        (501, "Not Implemented"),
        (510, "Insufficient resources"),
    ],
)
def test_error_code_texts(code: int, text: str) -> None:
    assert ErrorCode(code).text == text
    assert ErrorCode(code).known


def test_unknown_error_codes_are_kept() -> None:
    code = ErrorCode(478)
    assert code == 478
    assert not code.known
    assert code.text == "Error 478"
    assert m.ErrorDescriptor(code=478).code == 478
    assert set(ERROR_TEXTS) == {int(c) for c in ErrorCode}
    with pytest.raises(ValueError):
        ErrorCode(10000)


def test_json_form_of_the_spec_example() -> None:
    text = (H248_FIXTURES / "spec-a-reserve-access-pretty.txt").read_bytes()
    data: dict[str, Any] = to_json(decode(text))
    assert data["mid"] == {"type": "DomainAddress", "address": "192.0.2.1", "port": 2944}
    (transaction,) = data["transactions"]
    assert transaction["type"] == "TransactionRequest"
    assert transaction["transaction_id"] == 10001
    command = transaction["actions"][0]["commands"][0]
    assert command["type"] == "Add"
    assert command["terminations"] == ["$"]
    stream = command["media"]["streams"][0]
    assert stream["local_control"] == {"mode": "inactive"}
    assert stream["local"].startswith("v=0\nc=IN IP4 $\n")
    assert "version" not in data


@pytest.mark.parametrize(("name", "text"), corpus_messages(), ids=lambda v: str(v)[:50])
def test_json_round_trip_of_the_corpus(name: str, text: bytes) -> None:
    message = decode(text)
    assert from_json(json.loads(json.dumps(to_json(message)))) == message


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"mid": {"type": "Nope"}},
        {"mid": {"type": "DomainName", "name": "a", "colour": 1}},
        {"mid": {"type": "DomainName", "name": 5}},
        {"mid": {"type": "DomainName", "name": "a"}, "transactions": [{"transaction_id": 1}]},
    ],
)
def test_from_json_refuses_what_does_not_fit(data: dict[str, object]) -> None:
    with pytest.raises(H248Error):
        from_json(data)


_FORBIDDEN = {"socket", "asyncio", "OpenSSL", "dns", "time", "random", "ssl", "select"}


@pytest.mark.parametrize("package", ["h248", "iq"])
def test_codec_and_iq_layers_do_no_io(package: str) -> None:
    root = Path(__file__).resolve().parents[2] / "imsalg" / package
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in _FORBIDDEN, f"{path.name} imports {name}"
