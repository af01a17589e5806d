"""Call state survives JSON (the CLI's STATE file) exactly, and bad JSON is reported."""

from __future__ import annotations

import json

import pytest

from imsalg.alg.serialize import StateFormatError, from_json, to_json
from imsalg.alg.state import CallState
from imsalg.iq.procedures import Side

from .helpers import core_sdp, driver, ue_offer


def _states() -> list[CallState]:
    d = driver()
    states = [d.call.state]
    d.sdp(Side.ACCESS, ue_offer(audio=True))
    states.append(d.call.state)  # negotiation under way, AGW reserved
    d.sdp(Side.CORE, core_sdp(audio=True))
    states.append(d.call.state)
    d.sdp(Side.ACCESS, ue_offer(audio=True, connection="new"))
    states.append(d.call.state)
    d.release()
    states.append(d.call.state)
    return states


@pytest.mark.parametrize("index", range(5))
def test_round_trip_is_exact(index: int) -> None:
    state = _states()[index]
    text = json.dumps(to_json(state))
    assert from_json(CallState, json.loads(text)) == state


@pytest.mark.parametrize(
    "document",
    [
        {"streams": "no"},
        {"streams": [{"index": "0"}]},
        {"next_request_id": True},
        {"originator": "sideways"},
        {"bogus": 1},
        [],
    ],
)
def test_damaged_documents_raise_state_format_error(document: object) -> None:
    with pytest.raises(StateFormatError):
        from_json(CallState, document)
