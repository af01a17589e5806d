"""The fast constructors of the SDP values build what the attrs classes build."""

from __future__ import annotations

from typing import Any

import pytest

from imsalg import _fast
from imsalg.sdp import fingerprint
from imsalg.sdp.attributes import (
    ConnectionData,
    MediaLine,
    new_connection_data,
    new_media_line,
)
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI, new_msrp_uri

CASES: list[tuple[type[Any], Any, dict[str, Any]]] = [
    (MediaLine, new_media_line, {"media": "message", "port": 9, "proto": "TCP/TLS/MSRP"}),
    (ConnectionData, new_connection_data, {"addrtype": "IP4", "address": "192.0.2.1"}),
    (MSRPURI, new_msrp_uri, {"scheme": "msrps", "host": "ue.invalid", "session_id": "s1"}),
]


@pytest.mark.parametrize(("cls", "build", "sample"), CASES, ids=lambda case: str(case)[:20])
def test_a_fast_constructor_builds_what_the_class_builds(
    cls: type[Any], build: Any, sample: dict[str, Any]
) -> None:
    assert _fast.fast_constructor_problems(cls, build, sample) == []


def test_a_parsed_fingerprint_is_what_the_class_builds() -> None:
    parsed = Fingerprint.parse("SHA-256 " + ":".join(["AB"] * 32))
    assert type(parsed) is Fingerprint
    assert parsed == Fingerprint("SHA-256", bytes([0xAB] * 32))
    assert parsed.hash_name == "sha-256"
    assert hash(parsed) == hash(Fingerprint("sha-256", bytes([0xAB] * 32)))
    assert fingerprint._new_fingerprint("sha-1", b"x") == Fingerprint("sha-1", b"x")


def test_a_subclass_parses_into_itself() -> None:
    class Mine(Fingerprint):
        pass

    assert type(Mine.parse("sha-1 " + ":".join(["00"] * 20))) is Mine
