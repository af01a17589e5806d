"""RFC 4975 MSRP URIs and the ``a=path`` attribute.

    MSRP-URI      = msrp-scheme "://" authority ["/" session-id] ";" transport
                    *( ";" URI-parameter )
    msrp-scheme   = "msrp" / "msrps"
    session-id    = 1*( unreserved / "+" / "=" / "/" )
    transport     = "tcp" / 1*ALPHANUM
    URI-parameter = token ["=" token]
    authority     = [ userinfo "@" ] host [ ":" port ]          ; RFC 3986

Comparison (RFC 4975 §6.1, as read here): scheme and transport case-insensitively;
an IP-literal host by address (``[2001:DB8::1]`` equals ``[2001:db8:0::1]``), a host
name case-insensitively after decoding percent-encoded unreserved characters
(RFC 3986 §6.2.2.2); port exactly (an absent port differs from any explicit one);
session-id case-sensitively (absent differs from present); userinfo and URI
parameters do not take part. ``a=path`` carries one or more URIs separated by spaces; the last one
is the peer's own URI, earlier ones are relays (RFC 4976).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final

import attrs

from imsalg._fast import builder_class

__all__ = ["MSRPURI", "format_path", "new_msrp_uri", "parse_path"]

_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*"
_REG_NAME_CHAR = rf"[{_UNRESERVED}!$&'()*+,=]"  # no ';' so it cannot eat the transport
#: ``1*( reg-name-char / pct-encoded )`` written as an unrolled loop (chars, then
#: %XX + chars repeated) so the regex engine runs through plain chars without entering
#: an alternation at each one; the lookahead keeps it non-empty.
_REG_NAME = rf"(?={_REG_NAME_CHAR}|{_PCT}){_REG_NAME_CHAR}*(?:{_PCT}{_REG_NAME_CHAR}*)*"
_IPV6_LITERAL = r"\[[0-9A-Fa-f:.]+\]"
_TOKEN_CHAR = r"!#$%&'*+\-.0-9A-Z^_`a-z{|}~"
_PCT_RE: Final = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
)
_URI_SCHEME = r"(?P<scheme>[Mm][Ss][Rr][Pp][Ss]?)://"
_URI_REST = (
    rf"(?P<host>{_IPV6_LITERAL}|{_REG_NAME})"
    rf"(?::(?P<port>[0-9]{{1,5}}))?"
    rf"(?:/(?P<session>[{_UNRESERVED}+=/]+))?"
    rf";(?P<transport>[A-Za-z0-9]+)"
    # ``*( ";" token [ "=" token ] )`` as one flat character run: a repeated group
    # makes the regex engine keep a mark per parameter (slow past ~100 KB); the
    # structure is checked by _params_are_well_formed.
    rf"(?P<params>(?:;[{_TOKEN_CHAR};=]*)?)"
)
#: A parameter list that breaks the grammar: an empty token or a second "=".
_BAD_PARAMS_RE: Final = re.compile(r";[;=]|=[;=]|[;=]\Z|=[^;]*=")
_URI_RE: Final = re.compile(rf"{_URI_SCHEME}(?:(?P<userinfo>{_USERINFO})@)?{_URI_REST}")
#: The same grammar for a URI without "@", hence without userinfo: trying userinfo first
#: scans the whole URI and backtracks from its end (about twice the time of the rest).
_URI_WITHOUT_USERINFO_RE: Final = re.compile(_URI_SCHEME + _URI_REST)


@attrs.frozen(kw_only=True)
class MSRPURI:
    """One MSRP URI; :meth:`format` writes it back in the form it was read."""

    scheme: str
    userinfo: str | None = None
    host: str
    port: int | None = None
    session_id: str | None = None
    transport: str = "tcp"
    params: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> MSRPURI:
        """Parse one MSRP URI (``ValueError`` when it does not follow the grammar)."""
        userinfo: str | None = None
        if "@" in text:
            match = _URI_RE.fullmatch(text)
            if match is not None:
                userinfo = match["userinfo"]
        else:
            match = _URI_WITHOUT_USERINFO_RE.fullmatch(text)
        if match is None:
            raise ValueError(f"{text[:80]!r} is not an MSRP URI")
        scheme, host, port, session, transport, params = match.group(
            "scheme", "host", "port", "session", "transport", "params"
        )
        if params and _BAD_PARAMS_RE.search(params) is not None:
            raise ValueError(f"malformed URI parameters in {text[:80]!r}")
        number = None if port is None else int(port)
        if number is not None and number > 65535:
            raise ValueError(f"port {port} out of range in {text[:80]!r}")
        return (new_msrp_uri if cls is MSRPURI else cls)(
            scheme=scheme,
            userinfo=userinfo,
            host=host,
            port=number,
            session_id=session,
            transport=transport,
            params=tuple(params[1:].split(";")) if params else (),
        )

    @property
    def secure(self) -> bool:
        """``msrps``: the URI asks for TLS."""
        return self.scheme.lower() == "msrps"

    def format(self) -> str:
        """The URI as text."""
        parts = [self.scheme, "://"]
        if self.userinfo is not None:
            parts += [self.userinfo, "@"]
        parts.append(self.host)
        if self.port is not None:
            parts += [":", str(self.port)]
        if self.session_id is not None:
            parts += ["/", self.session_id]
        parts += [";", self.transport]
        for param in self.params:
            parts += [";", param]
        return "".join(parts)

    def __str__(self) -> str:
        return self.format()

    def same_as(self, other: MSRPURI) -> bool:
        """RFC 4975 §6.1 equality (see the module docstring)."""
        return (
            self.scheme.lower() == other.scheme.lower()
            and _host_key(self.host) == _host_key(other.host)
            and self.port == other.port
            and self.session_id == other.session_id
            and self.transport.lower() == other.transport.lower()
        )


_BuildMSRPURI = builder_class(MSRPURI)


def new_msrp_uri(
    scheme: str,
    userinfo: str | None,
    host: str,
    port: int | None = None,
    session_id: str | None = None,
    transport: str = "tcp",
    params: tuple[str, ...] = (),
) -> MSRPURI:
    """``MSRPURI(...)``, fast (see :mod:`imsalg._fast`; ``userinfo`` has no default:
    a required field follows it)."""
    self = _BuildMSRPURI()
    self.scheme = scheme
    self.userinfo = userinfo
    self.host = host
    self.port = port
    self.session_id = session_id
    self.transport = transport
    self.params = params
    self.__class__ = MSRPURI
    return self  # type: ignore[no-any-return]


def _decode_unreserved(match: re.Match[str]) -> str:
    char = chr(int(match[1], 16))
    return char if char in _UNRESERVED_CHARS else match[0].upper()


def _host_key(host: str) -> str:
    """The form of a URI host that RFC 4975 §6.1 compares."""
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        # "An explicit IP address ... compared for address equivalence."
        return ipaddress.ip_address(literal).compressed
    except ValueError:
        pass
    # Percent-encoding normalisation, then "domain name comparisons are case insensitive".
    return _PCT_RE.sub(_decode_unreserved, host).lower()


def parse_path(value: str | None) -> tuple[MSRPURI, ...]:
    """The URIs of an ``a=path`` value, in order (at least one)."""
    items = (value or "").split()
    if not items:
        raise ValueError("a=path lists no MSRP URI")
    return tuple([MSRPURI.parse(item) for item in items])


def format_path(uris: tuple[MSRPURI, ...]) -> str:
    """The value of an ``a=path`` line."""
    return " ".join(uri.format() for uri in uris)
