"""The Iq mapping's output is pinned byte for byte (fixtures/h248/iq-*.txt)."""

from __future__ import annotations

import difflib

import pytest

from imsalg.h248 import model as m
from imsalg.h248.text import decode
from imsalg.iq import h248 as iq
from imsalg.iq.procedures import GatewayFailure, GatewayRequest, GatewayResult

from . import golden


@pytest.mark.parametrize("case", sorted(golden.CASES))
def test_golden_iq_messages(case: str) -> None:
    for path, data in golden.render(case).items():
        old = path.read_bytes()
        if old != data:
            diff = "".join(
                difflib.unified_diff(
                    old.decode().splitlines(keepends=True),
                    data.decode().splitlines(keepends=True),
                    str(path),
                    "now",
                )
            )
            pytest.fail(f"{path.name} drifted (python -m tests.iq.golden --write):\n{diff}")


@pytest.mark.parametrize(
    ("case", "sent", "expected"),
    [
        ("reserve-reply", golden.RESERVE, golden.RESERVED),
        ("configure-reply", golden.CONFIGURE, golden.CONFIGURED),
        ("release-reply", golden.RELEASE, golden.RELEASED),
        ("error-510-partial", golden.REFUSED_REQUEST, golden.REFUSED),
    ],
)
def test_golden_replies_read_back(
    case: str, sent: GatewayRequest, expected: GatewayResult | GatewayFailure
) -> None:
    for form in ("pretty", "compact"):
        (reply,) = decode((golden.GOLDEN / f"iq-{case}-{form}.txt").read_bytes()).transactions
        assert isinstance(reply, m.TransactionReply)
        assert iq.reply_to_result(sent, reply) == expected
