"""``read_media``: effective per-m-line values, with session-level inheritance."""

from __future__ import annotations

import pytest

from imsalg.errors import NegotiationError, SDPSyntaxError
from imsalg.sdp.attributes import ConnectionValue, Direction, E2AEIndicator, Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.media import MediaInfo, read_media
from imsalg.sdp.model import SessionDescription

HEX32 = ":".join(["5A"] * 32)
HEX20 = ":".join(["C3"] * 20)


def read(text: str, media: int = 0) -> MediaInfo:
    return read_media(SessionDescription.parse(text.replace("\n", "\r\n")), media)


RCS_OFFER = """v=0
o=- 3 3 IN IP4 198.51.100.20
s=-
c=IN IP4 198.51.100.20
t=0 0
m=message 7394 TCP/TLS/MSRP *
a=accept-types:message/cpim application/im-iscomposing+xml
a=accept-wrapped-types:text/plain message/imdn+xml
a=max-size:65536
a=path:msrps://3ghd84.invalid:7394/s8dJwqZ1;tcp
a=msrp-cema
a=setup:actpass
a=connection:new
a=fingerprint:sha-256 {HEX32}
a=3ge2ae:requested
a=sendonly
""".replace("{HEX32}", HEX32)


def test_a_complete_ts_24_247_offer() -> None:
    info = read(RCS_OFFER)
    assert info.index == 0
    assert info.line.proto == "TCP/TLS/MSRP"
    assert info.connection is not None
    assert info.connection.host == "198.51.100.20"
    assert (info.setup, info.setup_level) == (Setup.ACTPASS, "media")
    assert info.connection_value is ConnectionValue.NEW
    assert info.connection_value_present
    assert info.fingerprints == (Fingerprint("sha-256", bytes([0x5A] * 32)),)
    assert info.fingerprint_level == "media"
    assert info.fingerprint_problems == ()
    assert info.e2ae == (E2AEIndicator.REQUESTED,)
    assert info.e2ae_requested
    assert info.cema
    assert [uri.format() for uri in info.path] == ["msrps://3ghd84.invalid:7394/s8dJwqZ1;tcp"]
    assert info.path_problem is None
    assert info.accept_types == ("message/cpim", "application/im-iscomposing+xml")
    assert info.accept_wrapped_types == ("text/plain", "message/imdn+xml")
    assert info.max_size == 65536
    assert info.direction is Direction.SENDONLY


def test_defaults_when_nothing_is_said() -> None:
    info = read("v=0\ns=-\nm=message 9 TCP/MSRP *\n")
    assert info.connection is None
    assert (info.setup, info.setup_level) == (None, None)
    assert info.connection_value is ConnectionValue.NEW  # RFC 4145 §5: absent means new
    assert not info.connection_value_present
    assert (info.fingerprints, info.fingerprint_level) == ((), None)
    assert info.e2ae == ()
    assert not info.e2ae_requested
    assert not info.cema
    assert (info.path, info.path_problem) == ((), None)
    assert (info.accept_types, info.accept_wrapped_types, info.max_size) == ((), (), None)
    assert info.direction is Direction.SENDRECV


def test_connection_line_media_level_wins_over_session_level() -> None:
    text = (
        "v=0\nc=IN IP4 192.0.2.1\nm=message 9 TCP/MSRP *\nc=IN IP6 2001:db8::9\n"
        "m=message 10 TCP/MSRP *\n"
    )
    first, second = read(text, 0), read(text, 1)
    assert first.connection is not None
    assert first.connection.address == "2001:db8::9"
    assert second.connection is not None
    assert second.connection.address == "192.0.2.1"


def test_fqdn_connection_line() -> None:
    info = read("v=0\nc=IN IP4 ue.ims.example\nm=message 9 TCP/MSRP *\n")
    assert info.connection is not None
    assert info.connection.kind == "FQDN"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("v=0\nc=IN IP4\nm=message 9 TCP/MSRP *\n", 2),
        ("v=0\nc=IN IP4 192.0.2.1\nm=message 9 TCP/MSRP *\nc=garbage\n", 4),
    ],
)
def test_a_bad_connection_line_is_400_with_its_line(text: str, line: int) -> None:
    with pytest.raises(SDPSyntaxError) as caught:
        read(text)
    assert caught.value.line == line
    assert caught.value.sip_status == 400


def test_setup_is_inherited_from_session_level_and_overridden_by_media_level() -> None:
    text = "v=0\na=setup:active\nm=message 9 TCP/MSRP *\nm=message 10 TCP/MSRP *\na=setup:passive\n"
    assert (read(text, 0).setup, read(text, 0).setup_level) == (Setup.ACTIVE, "session")
    assert (read(text, 1).setup, read(text, 1).setup_level) == (Setup.PASSIVE, "media")


def test_repeated_identical_setup_lines_are_accepted() -> None:
    info = read("v=0\nm=message 9 TCP/MSRP *\na=setup:active\na=setup:active\n")
    assert info.setup is Setup.ACTIVE


@pytest.mark.parametrize(
    "attributes",
    [
        "a=setup:active\na=setup:passive\n",
        "a=setup:sideways\n",
        "a=setup\n",
        "a=connection:new\na=connection:existing\n",
        "a=connection:maybe\n",
    ],
)
def test_setup_and_connection_problems_are_488(attributes: str) -> None:
    with pytest.raises(NegotiationError) as caught:
        read("v=0\nm=message 9 TCP/MSRP *\n" + attributes)
    assert caught.value.sip_status == 488
    assert "m-line 0" in str(caught.value)


def test_connection_value_from_session_level() -> None:
    info = read("v=0\na=connection:existing\nm=message 9 TCP/MSRP *\n")
    assert info.connection_value is ConnectionValue.EXISTING
    assert info.connection_value_present


def test_session_fingerprints_are_inherited_unless_the_media_has_its_own() -> None:
    text = (
        f"v=0\na=fingerprint:sha-256 {HEX32}\na=fingerprint:sha-1 {HEX20}\n"
        "m=message 9 TCP/TLS/MSRP *\n"
        f"m=message 10 TCP/TLS/MSRP *\na=fingerprint:SHA-1 {HEX20.lower()}\n"
    )
    inherited = read(text, 0)
    assert inherited.fingerprint_level == "session"
    assert [fp.hash_name for fp in inherited.fingerprints] == ["sha-256", "sha-1"]
    own = read(text, 1)
    # RFC 8122 §5: media-level lines replace the session-level ones (not merged).
    assert own.fingerprint_level == "media"
    assert own.fingerprints == (Fingerprint("sha-1", bytes([0xC3] * 20)),)


def test_fingerprint_problems_are_collected_not_raised() -> None:
    info = read(
        "v=0\nm=message 9 TCP/TLS/MSRP *\n"
        f"a=fingerprint:sha-256 {HEX32}\na=fingerprint:sha-256 AB:CD\na=fingerprint:nonsense\n"
        f"a=fingerprint:md5 {':'.join(['00'] * 16)}\n"
    )
    assert len(info.fingerprints) == 2
    assert len(info.fingerprint_problems) == 2
    assert "expected 32" in info.fingerprint_problems[0]
    assert [fp.hash_name for fp in info.usable_fingerprints] == ["sha-256"]


def test_e2ae_indicators_other_tokens_ignored_and_media_level_only() -> None:
    info = read(
        "v=0\na=3ge2ae:requested\nm=message 9 TCP/TLS/MSRP *\n"
        "a=3ge2ae:future-token\na=3ge2ae:applied\n"
    )
    assert info.e2ae == (E2AEIndicator.APPLIED,)
    assert not info.e2ae_requested
    assert read("v=0\na=3ge2ae:requested\nm=message 9 TCP/TLS/MSRP *\n").e2ae == ()


def test_cema_at_session_level_counts() -> None:
    assert read("v=0\na=msrp-cema\nm=message 9 TCP/MSRP *\n").cema


def test_a_bad_path_is_a_problem_not_an_error() -> None:
    info = read("v=0\nm=message 9 TCP/MSRP *\na=path:http://not-msrp/\n")
    assert info.path == ()
    assert info.path_problem is not None
    assert "not an MSRP URI" in info.path_problem


def test_path_with_ipv6_and_relays() -> None:
    info = read(
        "v=0\nm=message 9 TCP/TLS/MSRP *\n"
        "a=path:msrps://relay.example:2855/r;tcp msrps://[2001:db8::7]:9/s;tcp\n"
    )
    assert [uri.host for uri in info.path] == ["relay.example", "[2001:db8::7]"]


def test_bad_accept_types_and_max_size_read_as_absent() -> None:
    info = read("v=0\nm=message 9 TCP/MSRP *\na=accept-types:\na=max-size:lots\n")
    assert info.accept_types == ()
    assert info.max_size is None


def test_direction_media_level_wins() -> None:
    text = "v=0\na=recvonly\nm=message 9 TCP/MSRP *\nm=message 10 TCP/MSRP *\na=inactive\n"
    assert read(text, 0).direction is Direction.RECVONLY
    assert read(text, 1).direction is Direction.INACTIVE
