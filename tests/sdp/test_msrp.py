"""RFC 4975 MSRP URIs and ``a=path``: grammar, round trip, §6.1 comparison."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsalg.sdp.msrp import MSRPURI, format_path, parse_path


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "msrps://3ghd84.invalid:2855/s8dJwqZ1;tcp",
            ("msrps", None, "3ghd84.invalid", 2855, "s8dJwqZ1", "tcp", ()),
        ),
        (
            "msrp://198.51.100.20:7394/iau39soe2843z;tcp",
            ("msrp", None, "198.51.100.20", 7394, "iau39soe2843z", "tcp", ()),
        ),
        (
            "msrps://[2001:db8::20]:2855/a+b=c/d;tcp",
            ("msrps", None, "[2001:db8::20]", 2855, "a+b=c/d", "tcp", ()),
        ),
        (
            "msrps://alice@atlanta.example.com:7654/jshA7weztas;tcp",
            ("msrps", "alice", "atlanta.example.com", 7654, "jshA7weztas", "tcp", ()),
        ),
        (
            "msrp://relay.example;tcp",  # RFC 4976 relay URI: no port, no session-id
            ("msrp", None, "relay.example", None, None, "tcp", ()),
        ),
        (
            "MSRPS://Bob.Example:9/Ab-_.~9;TCP;rcs=1;flag",
            ("MSRPS", None, "Bob.Example", 9, "Ab-_.~9", "TCP", ("rcs=1", "flag")),
        ),
        (
            "msrp://user%40home:pw@h.example:1/s;sctp",
            ("msrp", "user%40home:pw", "h.example", 1, "s", "sctp", ()),
        ),
        (
            "msrps://%68ost.example:65535/x;tcp",
            ("msrps", None, "%68ost.example", 65535, "x", "tcp", ()),
        ),
    ],
)
def test_uris_parse_and_format_back(
    text: str,
    fields: tuple[str, str | None, str, int | None, str | None, str, tuple[str, ...]],
) -> None:
    uri = MSRPURI.parse(text)
    assert (
        uri.scheme,
        uri.userinfo,
        uri.host,
        uri.port,
        uri.session_id,
        uri.transport,
        uri.params,
    ) == fields
    assert uri.format() == text
    assert str(uri) == text
    assert uri.secure is (fields[0].lower() == "msrps")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sip:alice@example.com",
        "msrpx://h:1/s;tcp",
        "msrp://h:1/s",  # the transport is mandatory
        "msrp://h:1/s;",
        "msrp://h:65536/s;tcp",
        "msrp://h:123456/s;tcp",
        "msrp://h:1/s%20x;tcp",  # '%' is not a session-id character
        "msrp://h:1/s d;tcp",
        "msrp://h:1/;tcp",  # an empty session-id
        "msrp://:1/s;tcp",  # no host
        "msrp://h:1/s;tcp;",
        "msrp://h:1/s;tcp;a=",
        "msrp://h:1/s;tcp;=a",
        "msrp://h:1/s;tcp;;a",
        "msrp://h:1/s;tcp;a==b",
        "msrp://h:1/s;tcp;a=b=c",
        "msrp://h:1/s;tcp;a=b;=",
        "msrp://u;x=@h:1/s;tcp;a=b=c",
        "msrp://h:1/s;t-cp",
        "msrp:/h:1/s;tcp",
    ],
)
def test_bad_uris_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        MSRPURI.parse(text)


def test_path_with_several_uris() -> None:
    value = "msrps://relay.example:2855/r1;tcp msrps://3ghd84.invalid:2855/u1;tcp"
    uris = parse_path(value)
    assert [uri.host for uri in uris] == ["relay.example", "3ghd84.invalid"]
    assert format_path(uris) == value


def test_path_tolerates_extra_spaces_but_writes_single_ones() -> None:
    uris = parse_path("  msrp://a:1/x;tcp   msrp://b:2/y;tcp ")
    assert format_path(uris) == "msrp://a:1/x;tcp msrp://b:2/y;tcp"


@pytest.mark.parametrize("value", [None, "", "   ", "msrp://a:1/x;tcp nonsense"])
def test_bad_paths_are_refused(value: str | None) -> None:
    with pytest.raises(ValueError):
        parse_path(value)


BASE = "msrps://host.example:2855/Sess1;tcp"


@pytest.mark.parametrize(
    "other",
    [
        BASE,
        "MSRPS://host.example:2855/Sess1;tcp",  # scheme case-insensitive
        "msrps://HOST.Example:2855/Sess1;tcp",  # host case-insensitive
        "msrps://host.example:2855/Sess1;TCP",  # transport case-insensitive
        "msrps://host.example:2855/Sess1;tcp;rcs=1",  # parameters ignored
        "msrps://bob@host.example:2855/Sess1;tcp",  # userinfo ignored
        "msrps://%68ost.example:2855/Sess1;tcp",  # %68 is "h": unreserved, decoded
        "msrps://%48OST.example:2855/Sess1;tcp",
    ],
)
def test_equal_uris(other: str) -> None:
    assert MSRPURI.parse(BASE).same_as(MSRPURI.parse(other))
    assert MSRPURI.parse(other).same_as(MSRPURI.parse(BASE))


@pytest.mark.parametrize(
    "other",
    [
        "msrp://host.example:2855/Sess1;tcp",  # scheme differs
        "msrps://host.example:2856/Sess1;tcp",  # port differs
        "msrps://host.example/Sess1;tcp",  # explicit port vs none
        "msrps://host.example:2855/sess1;tcp",  # session-id case-sensitive
        "msrps://host.example:2855;tcp",  # session-id vs none
        "msrps://host.example:2855/Sess1;sctp",  # transport differs
        "msrps://other.example:2855/Sess1;tcp",
    ],
)
def test_different_uris(other: str) -> None:
    assert not MSRPURI.parse(BASE).same_as(MSRPURI.parse(other))
    assert not MSRPURI.parse(other).same_as(MSRPURI.parse(BASE))


@pytest.mark.parametrize(
    ("one", "two", "same"),
    [
        ("msrp://[2001:DB8::1]:9/s;tcp", "msrp://[2001:db8:0:0::1]:9/s;tcp", True),
        ("msrp://[2001:db8::1]:9/s;tcp", "msrp://[2001:db8::2]:9/s;tcp", False),
        ("msrp://[::ffff:192.0.2.1]:9/s;tcp", "msrp://[::FFFF:c000:201]:9/s;tcp", True),
        ("msrp://192.0.2.1:9/s;tcp", "msrp://192.0.2.1:9/s;tcp", True),
        ("msrp://192.0.2.1:9/s;tcp", "msrp://192.0.2.10:9/s;tcp", False),
    ],
)
def test_ip_literals_compare_as_addresses(one: str, two: str, same: bool) -> None:
    # RFC 4975 §6.1: an explicit IP address is compared for address equivalence.
    assert MSRPURI.parse(one).same_as(MSRPURI.parse(two)) is same


def test_reserved_percent_escapes_are_not_decoded() -> None:
    # %2E is ".", unreserved: decoded; %2F is "/", reserved: stays an escape.
    assert MSRPURI.parse("msrp://a%2Eb:1/s;tcp").same_as(MSRPURI.parse("msrp://a.b:1/s;tcp"))
    slash = MSRPURI.parse("msrp://a%2Fb:1/s;tcp")
    assert slash.same_as(MSRPURI.parse("msrp://a%2fb:1/s;tcp"))
    assert not slash.same_as(MSRPURI.parse("msrp://a%2Eb:1/s;tcp"))


# The RFC 4975 URI grammar as first written (one regex, userinfo tried first): the
# oracle for the parser, which picks a regex without userinfo when there is no "@" and
# spells reg-name as an unrolled loop.
_UNRESERVED = r"A-Za-z0-9\-._~"
_PCT = r"%[0-9A-Fa-f]{2}"
_TOKEN = r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+"
_ORACLE = re.compile(
    r"(?P<scheme>[Mm][Ss][Rr][Pp][Ss]?)://"
    rf"(?:(?P<userinfo>(?:[{_UNRESERVED}!$&'()*+,;=:]|{_PCT})*)@)?"
    rf"(?P<host>\[[0-9A-Fa-f:.]+\]|(?:[{_UNRESERVED}!$&'()*+,=]|{_PCT})+)"
    r"(?::(?P<port>[0-9]{1,5}))?"
    rf"(?:/(?P<session>[{_UNRESERVED}+=/]+))?"
    r";(?P<transport>[A-Za-z0-9]+)"
    rf"(?P<params>(?:;{_TOKEN}(?:={_TOKEN})?)*)"
)


@settings(max_examples=3000)
@given(
    st.lists(
        st.sampled_from(
            [
                *("msrp://", "msrps://", "h", "B", "1", ".", "%", "%4", "%40", "%zz", "@"),
                *(":", ":9", "/", "/s", ";", ";tcp", "=", "[", "]", "::1", "+", "!"),
                *(";x", "=y", "==", ";a=b"),
            ]
        ),
        max_size=10,
    ).map("".join)
)
def test_the_parser_accepts_what_the_grammar_regex_accepts(text: str) -> None:
    match = _ORACLE.fullmatch(text)
    try:
        uri = MSRPURI.parse(text)
    except ValueError:
        assert match is None or int(match["port"] or 0) > 65535
        return
    assert match is not None
    assert (uri.scheme, uri.userinfo, uri.host, uri.session_id, uri.transport) == match.group(
        "scheme", "userinfo", "host", "session", "transport"
    )
    assert uri.port == (int(match["port"]) if match["port"] is not None else None)
    assert uri.format() == text
