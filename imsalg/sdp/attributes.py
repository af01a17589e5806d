"""Typed readers for the SDP lines the MSRP rules look at.

Each reader parses the *value* part of one line (the text after ``x=`` or after
``a=name:``) into an immutable value and formats it back. Readers raise ``ValueError``
with a precise message; the callers decide which SIP status that deserves.

Grammar references: RFC 8866 (m=, c=, direction attributes), RFC 4145 (a=setup,
a=connection), RFC 4975 (a=accept-types, a=accept-wrapped-types, a=max-size),
RFC 6714 (a=msrp-cema), 3GPP TS 24.229 §7.5.2 (a=3ge2ae).
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import re
from typing import Final

import attrs

from imsalg._fast import builder_class

__all__ = [
    "ADDRESS_TYPES",
    "ConnectionData",
    "ConnectionValue",
    "Direction",
    "E2AEIndicator",
    "MediaLine",
    "Setup",
    "address_type_of",
    "new_connection_data",
    "new_media_line",
    "parse_accept_types",
    "parse_max_size",
]

ADDRESS_TYPES: Final = ("IP4", "IP6")

# RFC 8866 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E
_TOKEN = r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+"
_TOKEN_RE: Final = re.compile(_TOKEN)
_PROTO_RE: Final = re.compile(rf"{_TOKEN}(?:/{_TOKEN})*")
#: RFC 4975 §9: format-entry = "*" / (type "/" subtype) / (type "/" "*").
_MEDIA_TYPE_RE: Final = re.compile(rf"{_TOKEN}/(?:{_TOKEN}|\*)")
_MEDIA_RE: Final = re.compile(
    rf"({_TOKEN}) ([0-9]+)(?:/([0-9]+))? ({_PROTO_RE.pattern})((?: \S+)*)"
)


class Setup(str, enum.Enum):
    """RFC 4145 §4 ``a=setup`` role."""

    ACTIVE = "active"
    PASSIVE = "passive"
    ACTPASS = "actpass"
    HOLDCONN = "holdconn"

    @classmethod
    def parse(cls, value: str | None) -> Setup:
        """Parse an ``a=setup`` value (the role token)."""
        # RFC 5234 §2.3: the quoted strings of RFC 4145's "role" are case-insensitive.
        role = _SETUPS.get((value or "").strip().lower())
        if role is None:
            raise ValueError(f"unknown a=setup role {value!r}")
        return role


class ConnectionValue(str, enum.Enum):
    """RFC 4145 §5 ``a=connection`` value; absent means ``new``."""

    NEW = "new"
    EXISTING = "existing"

    @classmethod
    def parse(cls, value: str | None) -> ConnectionValue:
        """Parse an ``a=connection`` value."""
        # RFC 5234 §2.3: "new" / "existing" are case-insensitive.
        found = _CONNECTION_VALUES.get((value or "").strip().lower())
        if found is None:
            raise ValueError(f"unknown a=connection value {value!r}")
        return found


class Direction(str, enum.Enum):
    """RFC 8866 §6.7 media direction attributes (``a=sendrecv`` is the default)."""

    SENDRECV = "sendrecv"
    SENDONLY = "sendonly"
    RECVONLY = "recvonly"
    INACTIVE = "inactive"


class E2AEIndicator(str, enum.Enum):
    """TS 24.229 §7.5.2 ``a=3ge2ae`` indicator.

    ``indicator = "requested" / "applied" / token``: other tokens are to be ignored, so
    :meth:`parse` returns ``None`` for them.
    """

    REQUESTED = "requested"
    APPLIED = "applied"

    @classmethod
    def parse(cls, value: str | None) -> E2AEIndicator | None:
        """The indicator, or ``None`` for a token this release does not know."""
        # RFC 5234 §2.3: "requested" / "applied" are case-insensitive ABNF strings.
        return _E2AE_INDICATORS.get((value or "").strip().lower())


# Token → member, for parsing without the cost of Enum.__call__.
_SETUPS: Final[dict[str, Setup]] = {member.value: member for member in Setup}
_CONNECTION_VALUES: Final[dict[str, ConnectionValue]] = {m.value: m for m in ConnectionValue}
_E2AE_INDICATORS: Final[dict[str, E2AEIndicator]] = {m.value: m for m in E2AEIndicator}


@attrs.frozen(kw_only=True)
class MediaLine:
    """``m=<media> <port>[/<count>] <proto> <fmt> ...`` (RFC 8866 §5.14)."""

    media: str
    port: int
    port_count: int | None = None
    proto: str
    fmt: tuple[str, ...] = ()

    @classmethod
    def parse(cls, value: str) -> MediaLine:
        """Parse the text after ``m=``."""
        return cls.from_checked(cls.check(value))

    @staticmethod
    def check(value: str) -> re.Match[str]:
        """Check the text after ``m=`` (``ValueError`` as :meth:`parse` raises it).

        The match is what :meth:`from_checked` builds the line from: a reader that
        must refuse a bad ``m=`` line at once can leave building it for later.
        """
        match = _MEDIA_RE.fullmatch(value)
        if match is None:
            raise ValueError(f"{value[:60]!r} is not '<media> <port> <proto> <fmt>...'")
        port = match[2]
        if len(port) > 5 or int(port) > 65535:
            raise ValueError(f"port {port} out of range")
        count = match[3]
        if count is not None and (len(count) > 5 or int(count) < 1):
            raise ValueError(f"port count {count} out of range")
        return match

    @classmethod
    def from_checked(cls, match: re.Match[str]) -> MediaLine:
        """The line :meth:`check` accepted."""
        media, port, count, proto, fmt = match.groups()
        return new_media_line(
            media, int(port), None if count is None else int(count), proto, tuple(fmt.split())
        )

    @property
    def proto_upper(self) -> str:
        """The transport profile in upper case (profiles compare case-insensitively)."""
        return self.proto.upper()

    def format(self) -> str:
        """The text after ``m=``."""
        port = str(self.port) if self.port_count is None else f"{self.port}/{self.port_count}"
        return " ".join((self.media, port, self.proto, *self.fmt))


@functools.lru_cache(maxsize=256)
def address_type_of(address: str) -> str:
    """``"IP4"`` or ``"IP6"`` for an IP literal; ``ValueError`` otherwise.

    Memoised: the same few AGW and peer addresses come back call after call.
    """
    ip = ipaddress.ip_address(address)
    return "IP4" if ip.version == 4 else "IP6"


@attrs.frozen(kw_only=True)
class ConnectionData:
    """``c=<nettype> <addrtype> <address>`` (RFC 8866 §5.7).

    ``address`` keeps any ``/ttl`` or ``/count`` suffix; :attr:`host` is the bare
    address. :attr:`kind` tells an IPv4 or IPv6 literal from a host name (an FQDN is
    allowed in ``c=``).
    """

    nettype: str = "IN"
    addrtype: str
    address: str

    @classmethod
    def parse(cls, value: str) -> ConnectionData:
        """Parse the text after ``c=``."""
        parts = value.split(" ")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{value[:60]!r} is not '<nettype> <addrtype> <address>'")
        return new_connection_data(*parts)

    @classmethod
    def for_address(cls, address: str) -> ConnectionData:
        """``IN IP4|IP6 <address>`` for an IP literal."""
        return cls(addrtype=address_type_of(address), address=address)

    @property
    def host(self) -> str:
        """The address without a multicast ``/ttl`` or ``/count`` suffix."""
        return self.address.split("/", 1)[0]

    @property
    def kind(self) -> str:
        """``"IP4"``, ``"IP6"`` (literal address) or ``"FQDN"`` (anything else)."""
        host = self.host
        try:
            return address_type_of(host)
        except ValueError:
            return "FQDN"

    def format(self) -> str:
        """The text after ``c=``."""
        return f"{self.nettype} {self.addrtype} {self.address}"


# -- fast constructors (see imsalg._fast) -------------------------------------------
# Same parameters, defaults and result as the class call, several times faster: the
# parsers above build one for every m= and c= line read. tests/sdp/test_fast.py checks them.

_BuildMediaLine = builder_class(MediaLine)
_BuildConnectionData = builder_class(ConnectionData)


def new_media_line(
    media: str, port: int, port_count: int | None, proto: str, fmt: tuple[str, ...] = ()
) -> MediaLine:
    """``MediaLine(...)``, fast (``port_count`` has no default: the fields' order puts a
    required field after it)."""
    self = _BuildMediaLine()
    self.media = media
    self.port = port
    self.port_count = port_count
    self.proto = proto
    self.fmt = fmt
    self.__class__ = MediaLine
    return self  # type: ignore[no-any-return]


def new_connection_data(nettype: str, addrtype: str, address: str) -> ConnectionData:
    """``ConnectionData(...)``, fast (``nettype`` has no default, as for ``port_count``)."""
    self = _BuildConnectionData()
    self.nettype = nettype
    self.addrtype = addrtype
    self.address = address
    self.__class__ = ConnectionData
    return self  # type: ignore[no-any-return]


def parse_accept_types(value: str | None) -> tuple[str, ...]:
    """RFC 4975 §8.6 ``a=accept-types`` / ``a=accept-wrapped-types``: media types or ``*``."""
    types = tuple((value or "").split())
    if not types:
        raise ValueError("accept-types lists no media type")
    for item in types:
        if item != "*" and not _MEDIA_TYPE_RE.fullmatch(item):
            raise ValueError(f"{item!r} is not a media type")
    return types


def parse_max_size(value: str | None) -> int:
    """RFC 4975 §8.6 ``a=max-size``: ``1*DIGIT`` octets."""
    text = (value or "").strip()
    if not text.isdigit() or not text.isascii():
        raise ValueError(f"max-size {value!r} is not a number of octets")
    return int(text)
