"""The sdp-transform adapter at the API edge: dict in, text out, and back."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import sdp_transform

from imsalg.errors import SDPSyntaxError
from imsalg.sdp.attributes import Setup
from imsalg.sdp.media import read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.transform import coerce_number, from_transform_dict, to_transform_dict

OFFER = (
    "v=0\r\n"
    "o=- 0042 7 IN IP4 10.45.0.17\r\n"
    "s=-\r\n"
    "c=IN IP4 10.45.0.17\r\n"
    "t=0 0\r\n"
    "m=message 9 TCP/TLS/MSRP *\r\n"
    "a=path:msrps://3ghd84.invalid:2855/q3Zx8kLm2a;tcp\r\n"
    "a=setup:actpass\r\n"
)


def test_to_transform_dict_reads_what_sdp_transform_reads() -> None:
    description = to_transform_dict(OFFER)
    assert description["origin"]["sessionId"] == 42  # number coercion, documented
    assert description["connection"] == {"version": 4, "ip": "10.45.0.17"}
    [media] = description["media"]
    assert (media["type"], media["port"], media["protocol"], media["payloads"]) == (
        "message",
        9,
        "TCP/TLS/MSRP",
        "*",
    )
    assert media["setup"] == "actpass"
    assert media["invalid"] == [{"value": "path:msrps://3ghd84.invalid:2855/q3Zx8kLm2a;tcp"}]


@pytest.mark.parametrize(
    "text", ["", "v=0\r\nnot sdp\r\n", "s=-\r\nv=0\r\n", "v=0\r\nm=message x TCP/MSRP *\r\n"]
)
def test_to_transform_dict_refuses_what_imsalg_refuses(text: str) -> None:
    sdp_transform.parse(text)  # sdp-transform itself would carry on
    with pytest.raises(SDPSyntaxError):
        to_transform_dict(text)


def test_from_transform_dict_leaves_the_callers_dict_alone() -> None:
    # What a proxy project might hold: no "version", no "name", no "payloads".
    description: dict[str, Any] = {
        "origin": {
            "username": "-",
            "sessionId": 1,
            "sessionVersion": 1,
            "netType": "IN",
            "ipVer": 4,
            "address": "192.0.2.1",
        },
        "timing": {"start": 0, "stop": 0},
        "connection": {"version": 4, "ip": "192.0.2.1"},
        "media": [{"type": "message", "port": 2855, "protocol": "TCP/MSRP", "setup": "active"}],
    }
    before = copy.deepcopy(description)
    text = from_transform_dict(description)
    assert description == before

    raw = copy.deepcopy(description)
    assert sdp_transform.write(raw) == text
    assert raw != before  # sdp-transform filled in version, name and payloads in place
    assert {"version", "name"} <= set(raw) - set(before)


def test_written_text_is_usable_by_the_line_model() -> None:
    description = to_transform_dict(OFFER)
    sdp = SessionDescription.parse(from_transform_dict(description))
    info = read_media(sdp, 0)
    assert info.setup is Setup.ACTPASS
    assert [uri.host for uri in info.path] == ["3ghd84.invalid"]
    assert set(sdp.eols) == {"\r\n"}


def test_a_dict_sdp_transform_cannot_write_is_a_typed_error() -> None:
    # sdp-transform's m= grammar has no port count, so it never read this line.
    description = sdp_transform.parse("v=0\r\ns=-\r\nt=0 0\r\nm=message 2855/2 TCP/MSRP *\r\n")
    with pytest.raises(SDPSyntaxError, match="sdp-transform cannot write"):
        from_transform_dict(description)


@pytest.mark.parametrize(
    ("text", "value"),
    [("0123", 123), ("7", 7), ("1e3", 1000.0), ("1.5", 1.5), ("-", "-"), ("", ""), ("IN", "IN")],
)
def test_coerce_number_is_sdp_transforms_rule(text: str, value: object) -> None:
    assert coerce_number(text) == value
    assert type(coerce_number(text)) is type(value)
    # The same thing sdp-transform does to a free-text field such as s=.
    assert sdp_transform.parse(f"v=0\r\ns={text}\r\n")["name"] == value


def test_documented_text_losses_of_sdp_transform() -> None:
    # Free text holding U+2028 or a form feed is cut; k= lines vanish; CRLF everywhere.
    text = "v=0\ns=a\u2028b\ni=x\x0cy\nk=clear:abc\nt=0 0\n"
    written = from_transform_dict(to_transform_dict(text))
    assert written == "v=0\r\ns=a\r\ni=x\r\nt=0 0\r\n"
    assert SessionDescription.parse(text).to_text() == text  # while ours keeps every byte
