"""Typed readers of single SDP lines: m=, c=, a=setup, a=connection, direction,
a=3ge2ae, a=accept-types / a=accept-wrapped-types, a=max-size."""

from __future__ import annotations

import pytest

from imsalg.sdp.attributes import (
    ConnectionData,
    ConnectionValue,
    Direction,
    E2AEIndicator,
    MediaLine,
    Setup,
    address_type_of,
    parse_accept_types,
    parse_max_size,
)

# -- m= (RFC 8866 §5.14) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "media", "port", "count", "proto", "fmt"),
    [
        ("message 7394 TCP/TLS/MSRP *", "message", 7394, None, "TCP/TLS/MSRP", ("*",)),
        ("message 0 TCP/MSRP *", "message", 0, None, "TCP/MSRP", ("*",)),
        ("audio 49170/2 RTP/AVP 0 8 97", "audio", 49170, 2, "RTP/AVP", ("0", "8", "97")),
        ("message 65535 tcp/msrp *", "message", 65535, None, "tcp/msrp", ("*",)),
        ("video 9 UDP/TLS/RTP/SAVPF 96", "video", 9, None, "UDP/TLS/RTP/SAVPF", ("96",)),
        ("application 9 TCP/BFCP *", "application", 9, None, "TCP/BFCP", ("*",)),
        ("message 02855 TCP/MSRP *", "message", 2855, None, "TCP/MSRP", ("*",)),
    ],
)
def test_media_line_parses(
    text: str, media: str, port: int, count: int | None, proto: str, fmt: tuple[str, ...]
) -> None:
    line = MediaLine.parse(text)
    assert (line.media, line.port, line.port_count, line.proto, line.fmt) == (
        media,
        port,
        count,
        proto,
        fmt,
    )
    assert line.proto_upper == proto.upper()


def test_media_line_formats_back() -> None:
    assert MediaLine.parse("audio 49170/2 RTP/AVP 0 8").format() == "audio 49170/2 RTP/AVP 0 8"
    line = MediaLine(media="message", port=40000, proto="TCP/MSRP", fmt=("*",))
    assert line.format() == "message 40000 TCP/MSRP *"


@pytest.mark.parametrize(
    "text",
    [
        "message 65536 TCP/MSRP *",  # port out of range
        "message 100000 TCP/MSRP *",
        "message 000001 TCP/MSRP *",  # more than 5 digits
        "message -1 TCP/MSRP *",
        "message x TCP/MSRP *",
        "message 9/0 TCP/MSRP *",  # a port count is at least 1
        "message 9/ TCP/MSRP *",
        "message 9",  # no proto
        "message",
        "message  9 TCP/MSRP *",  # two spaces
        "message 9 TCP//MSRP *",
        " message 9 TCP/MSRP *",
        "mes(sage 9 TCP/MSRP *",
        "",
    ],
)
def test_bad_media_lines_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        MediaLine.parse(text)


# -- c= (RFC 8866 §5.7) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "addrtype", "address", "host", "kind"),
    [
        ("IN IP4 192.0.2.1", "IP4", "192.0.2.1", "192.0.2.1", "IP4"),
        ("IN IP6 2001:db8::1", "IP6", "2001:db8::1", "2001:db8::1", "IP6"),
        (
            "IN IP4 pcscf.ims.example.net",
            "IP4",
            "pcscf.ims.example.net",
            "pcscf.ims.example.net",
            "FQDN",
        ),
        ("IN IP4 233.252.0.1/127", "IP4", "233.252.0.1/127", "233.252.0.1", "IP4"),
        ("IN IP4 233.252.0.1/127/3", "IP4", "233.252.0.1/127/3", "233.252.0.1", "IP4"),
        ("IN IP6 ff15::101/3", "IP6", "ff15::101/3", "ff15::101", "IP6"),
        ("IN IP6 host.example", "IP6", "host.example", "host.example", "FQDN"),
    ],
)
def test_connection_data(text: str, addrtype: str, address: str, host: str, kind: str) -> None:
    data = ConnectionData.parse(text)
    assert data.nettype == "IN"
    assert (data.addrtype, data.address, data.host, data.kind) == (addrtype, address, host, kind)
    assert data.format() == text


@pytest.mark.parametrize(
    "text", ["IN IP4", "IN  IP4 192.0.2.1", "IN IP4 192.0.2.1 extra", "", "IN IP4 192.0.2.1 "]
)
def test_bad_connection_data(text: str) -> None:
    with pytest.raises(ValueError):
        ConnectionData.parse(text)


def test_connection_data_for_an_address() -> None:
    assert ConnectionData.for_address("192.0.2.10").format() == "IN IP4 192.0.2.10"
    assert ConnectionData.for_address("2001:db8::10").format() == "IN IP6 2001:db8::10"
    with pytest.raises(ValueError):
        ConnectionData.for_address("agw.example")


@pytest.mark.parametrize(
    ("address", "kind"), [("192.0.2.1", "IP4"), ("::1", "IP6"), ("2001:DB8::A", "IP6")]
)
def test_address_type_of(address: str, kind: str) -> None:
    assert address_type_of(address) == kind


@pytest.mark.parametrize("address", ["", "host.example", "192.0.2.256", "1.2.3", "[::1]"])
def test_address_type_of_refuses_non_literals(address: str) -> None:
    with pytest.raises(ValueError):
        address_type_of(address)


# -- a=setup / a=connection (RFC 4145 §4, §5) -------------------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("active", Setup.ACTIVE),
        ("passive", Setup.PASSIVE),
        ("actpass", Setup.ACTPASS),
        ("holdconn", Setup.HOLDCONN),
        (" actpass ", Setup.ACTPASS),
        # RFC 5234 §2.3: ABNF quoted strings are case-insensitive.
        ("Active", Setup.ACTIVE),
        ("ACTPASS", Setup.ACTPASS),
    ],
)
def test_setup_values(text: str, role: Setup) -> None:
    assert Setup.parse(text) is role


@pytest.mark.parametrize("text", [None, "", "act pass", "activ", "both", "connect"])
def test_unknown_setup_values_are_refused(text: str | None) -> None:
    with pytest.raises(ValueError, match="unknown a=setup role"):
        Setup.parse(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("new", ConnectionValue.NEW),
        ("existing", ConnectionValue.EXISTING),
        ("NEW", ConnectionValue.NEW),
        ("existing ", ConnectionValue.EXISTING),
    ],
)
def test_connection_values(text: str, value: ConnectionValue) -> None:
    assert ConnectionValue.parse(text) is value


@pytest.mark.parametrize("text", [None, "", "old", "reuse"])
def test_unknown_connection_values_are_refused(text: str | None) -> None:
    with pytest.raises(ValueError, match="unknown a=connection value"):
        ConnectionValue.parse(text)


def test_direction_values_are_the_rfc_8866_names() -> None:
    assert [d.value for d in Direction] == ["sendrecv", "sendonly", "recvonly", "inactive"]


# -- a=3ge2ae (TS 24.229 §7.5.2) --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("requested", E2AEIndicator.REQUESTED),
        ("applied", E2AEIndicator.APPLIED),
        ("Requested", E2AEIndicator.REQUESTED),
        (" applied", E2AEIndicator.APPLIED),
        # "Other values shall be ignored".
        ("offered", None),
        ("requested-too", None),
        ("", None),
        (None, None),
    ],
)
def test_e2ae_indicator(text: str | None, indicator: E2AEIndicator | None) -> None:
    assert E2AEIndicator.parse(text) is indicator


# -- a=accept-types, a=accept-wrapped-types, a=max-size (RFC 4975 §8.6) ------------------


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("message/cpim text/plain", ("message/cpim", "text/plain")),
        ("*", ("*",)),
        ("text/*", ("text/*",)),
        ("application/im-iscomposing+xml", ("application/im-iscomposing+xml",)),
        ("message/imdn+xml  text/plain", ("message/imdn+xml", "text/plain")),
        ("application/vnd.gsma.rcs-ft-http+xml", ("application/vnd.gsma.rcs-ft-http+xml",)),
    ],
)
def test_accept_types(text: str, types: tuple[str, ...]) -> None:
    assert parse_accept_types(text) == types


@pytest.mark.parametrize(
    "text", [None, "", "   ", "text", "text/", "/plain", "text/plain/x", "te xt/plain"]
)
def test_bad_accept_types(text: str | None) -> None:
    with pytest.raises(ValueError):
        parse_accept_types(text)


@pytest.mark.parametrize(("text", "size"), [("65536", 65536), ("0", 0), (" 2048 ", 2048)])
def test_max_size(text: str, size: int) -> None:
    assert parse_max_size(text) == size


@pytest.mark.parametrize("text", [None, "", "-1", "1e6", "64k", "٣"])
def test_bad_max_size(text: str | None) -> None:
    with pytest.raises(ValueError, match="max-size"):
        parse_max_size(text)
