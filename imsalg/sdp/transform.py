"""sdp-transform interop: the only module of imsalg that imports ``sdp_transform``.

Proxy projects that already hold SDP as sdp-transform dicts (PyPI ``sdp-transform``
1.1.0) convert at the API edge: :func:`to_transform_dict` turns SDP text into such a
dict, :func:`from_transform_dict` writes one back as text. imsalg itself never edits
SDP through these dicts (DESIGN.md §2): its rewrite works on
:class:`~imsalg.sdp.model.SessionDescription`, line by line.

What a trip through sdp-transform loses (measured on 1.1.0; never trust its round
trip, PITFALLS.md §3.1):

- ``write()`` emits lines in its grammar's order, not the input's: within a section,
  known attributes first, then the ones it does not know;
- attributes outside its grammar (``a=path``, ``a=accept-types``,
  ``a=accept-wrapped-types``, ``a=max-size``, ``a=msrp-cema``, ``a=3ge2ae``) are kept
  only as ``{"value": "name:value"}`` entries of an ``invalid`` list;
- a single-valued attribute keeps only its last line: of two ``a=fingerprint``
  lines (RFC 8122 §5 allows several) one survives, likewise ``a=setup``, ``c=``,
  direction;
- numeric-looking fields go through ``int()`` then ``float()`` (``o=- 0123`` becomes
  ``123``, ``s=1e3`` becomes ``1000.0``); :func:`coerce_number` states the rule;
- ``k=`` lines, empty lines and lines its ``^[a-z]=`` filter rejects vanish; text is
  split with ``str.splitlines``, so a free-text field holding U+2028, U+0085 or a
  form feed is cut in two; output always uses CRLF;
- an ``m=`` line with a port count (``m=message 2855/2 ...``) is not parsed, and
  ``write()`` then fails on it (:class:`~imsalg.errors.SDPSyntaxError` here);
- ``write()`` fills in missing ``version``/``name``/``payloads`` keys *in its
  argument*: :func:`from_transform_dict` writes a deep copy, so the caller's dict
  is left alone.

The ``*_fields`` helpers extract, from a dict and from a
:class:`~imsalg.sdp.model.SessionDescription`, the values both parsers understand
(origin, ``c=``, ``m=`` type/port/proto/formats, ``a=setup``, ``a=connection``,
``a=fingerprint``, direction), normalised the way sdp-transform sees them: the last
line of a kind at a level wins, numbers are coerced, hash names are lower case and
hex upper case. The differential test compares the two.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

import attrs
import sdp_transform

from imsalg.errors import SDPSyntaxError
from imsalg.sdp.attributes import ConnectionData, ConnectionValue, Direction, Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.model import SessionDescription

__all__ = [
    "UNREADABLE",
    "LevelFields",
    "MediaFields",
    "OriginFields",
    "SDPFields",
    "TransformDict",
    "coerce_number",
    "from_transform_dict",
    "model_fields",
    "to_transform_dict",
    "transform_fields",
]

#: An SDP description in sdp-transform's shape (``{"origin": {...}, "media": [...]}``).
TransformDict = dict[str, Any]

#: A field whose line imsalg's own reader refuses (so it is not "understood by both").
UNREADABLE: Final = "<unreadable>"

_DIRECTIONS: Final = frozenset(direction.value for direction in Direction)


def to_transform_dict(sdp_text: str) -> TransformDict:
    """Parse SDP text into an sdp-transform dict.

    The text is first checked with :meth:`SessionDescription.parse`, so input imsalg
    would refuse raises the same :class:`~imsalg.errors.SDPSyntaxError` (400) here
    instead of losing lines silently.
    """
    SessionDescription.parse(sdp_text)
    parsed: TransformDict = sdp_transform.parse(sdp_text)
    return parsed


def from_transform_dict(description: Mapping[str, Any]) -> str:
    """Write an sdp-transform dict as SDP text (CRLF endings, sdp-transform's line order).

    *description* is deep-copied first: ``sdp_transform.write`` changes its argument.
    A dict sdp-transform cannot write raises :class:`~imsalg.errors.SDPSyntaxError`.
    """
    working = copy.deepcopy(dict(description))
    try:
        text: str = sdp_transform.write(working)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise SDPSyntaxError(f"sdp-transform cannot write this description: {exc!r}") from None
    return text


def coerce_number(text: str) -> int | float | str:
    """sdp-transform's ``toIntIfInt``: ``int(text)``, else ``float(text)``, else *text*."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _canonical(value: object) -> str:
    """One spelling for a value as sdp-transform holds it (str, int or float)."""
    return repr(value) if isinstance(value, float) else str(value)


def _as_transform_sees(text: str) -> str:
    return _canonical(coerce_number(text))


@attrs.frozen(kw_only=True)
class OriginFields:
    """``o=<username> <sess-id> <sess-version> <nettype> IP<n> <address>``."""

    username: str
    session_id: str
    session_version: str
    nettype: str
    ip_version: str
    address: str


@attrs.frozen(kw_only=True)
class LevelFields:
    """What both parsers read at one level (the session, or one media section).

    ``None``: no such line at this level; :data:`UNREADABLE`: a line imsalg refuses.
    """

    connection: tuple[str, str] | str | None = None  # (IP version, address)
    setup: str | None = None
    connection_value: str | None = None
    fingerprint: tuple[str, str] | str | None = None  # (hash name, HEX:HEX)
    direction: str | None = None


@attrs.frozen(kw_only=True)
class MediaFields:
    """One media section; ``media`` is ``None`` where sdp-transform could not read ``m=``."""

    media: tuple[str, str, str, str] | None  # (type, port, proto, formats)
    port_count: bool
    level: LevelFields


@attrs.frozen(kw_only=True)
class SDPFields:
    """The fields of one SDP body that both parsers understand."""

    version: str | None
    origin: OriginFields | str | None
    session: LevelFields
    media: tuple[MediaFields, ...]


# -- from an sdp-transform dict ---------------------------------------------------------


def _level_from_dict(level: Mapping[str, Any]) -> LevelFields:
    connection = level.get("connection")
    fingerprint = level.get("fingerprint")
    setup = level.get("setup")
    value = level.get("connectionType")
    direction = level.get("direction")
    return LevelFields(
        connection=(
            (_canonical(connection["version"]), _canonical(connection["ip"]))
            if isinstance(connection, Mapping)
            else None
        ),
        setup=_canonical(setup).lower() if setup is not None else None,
        connection_value=_canonical(value).lower() if value is not None else None,
        fingerprint=(
            (_canonical(fingerprint["type"]).lower(), _canonical(fingerprint["hash"]).upper())
            if isinstance(fingerprint, Mapping)
            else None
        ),
        direction=_canonical(direction) if direction is not None else None,
    )


def transform_fields(description: Mapping[str, Any]) -> SDPFields:
    """The comparable fields of an sdp-transform dict."""
    origin = description.get("origin")
    version = description.get("version")
    media: list[MediaFields] = []
    for section in description.get("media", ()):
        known = "type" in section
        media.append(
            MediaFields(
                media=(
                    (
                        _canonical(section["type"]),
                        _canonical(section["port"]),
                        _canonical(section["protocol"]),
                        _canonical(section.get("payloads", "")),
                    )
                    if known
                    else None
                ),
                port_count=False,
                level=_level_from_dict(section),
            )
        )
    return SDPFields(
        version=_canonical(version) if version is not None else None,
        origin=(
            OriginFields(
                username=_canonical(origin["username"]),
                session_id=_canonical(origin["sessionId"]),
                session_version=_canonical(origin["sessionVersion"]),
                nettype=_canonical(origin["netType"]),
                ip_version=_canonical(origin["ipVer"]),
                address=_canonical(origin["address"]),
            )
            if isinstance(origin, Mapping)
            else None
        ),
        session=_level_from_dict(description),
        media=tuple(media),
    )


# -- from imsalg's model ----------------------------------------------------------------


def _origin_from_line(value: str) -> OriginFields | str:
    parts = value.split(" ")
    if len(parts) != 6 or not parts[4].startswith("IP") or not parts[4][2:].isdigit():
        return UNREADABLE
    username, session_id, session_version, nettype, addrtype, address = parts
    return OriginFields(
        username=_as_transform_sees(username),
        session_id=_as_transform_sees(session_id),
        session_version=_as_transform_sees(session_version),
        nettype=_as_transform_sees(nettype),
        ip_version=_as_transform_sees(addrtype[2:]),
        address=_as_transform_sees(address),
    )


def _level_from_model(sdp: SessionDescription, media: int | None) -> LevelFields:
    attributes = sdp.attribute_map(media)

    def last(name: str) -> str | None:
        found = attributes.get(name)
        return found[-1][1] if found else None

    connection: tuple[str, str] | str | None = None
    c_lines = list(sdp.lines_of(media, "c"))
    if c_lines:
        try:
            data = ConnectionData.parse(c_lines[-1][1])
        except ValueError:
            connection = UNREADABLE
        else:
            if data.nettype == "IN" and data.addrtype in ("IP4", "IP6"):
                connection = (data.addrtype[2:], _as_transform_sees(data.address))
            else:
                connection = UNREADABLE

    setup: str | None = None
    if "setup" in attributes:
        try:
            setup = Setup.parse(last("setup")).value
        except ValueError:
            setup = UNREADABLE

    connection_value: str | None = None
    if "connection" in attributes:
        try:
            connection_value = ConnectionValue.parse(last("connection")).value
        except ValueError:
            connection_value = UNREADABLE

    fingerprint: tuple[str, str] | str | None = None
    if "fingerprint" in attributes:
        try:
            parsed = Fingerprint.parse(last("fingerprint"))
        except ValueError:
            fingerprint = UNREADABLE
        else:
            fingerprint = (parsed.hash_name, parsed.hex)

    direction: str | None = None
    for index in reversed(sdp.section_range(media)):
        line = sdp.lines[index]
        if line.startswith("a=") and line[2:] in _DIRECTIONS:
            direction = line[2:]
            break

    return LevelFields(
        connection=connection,
        setup=setup,
        connection_value=connection_value,
        fingerprint=fingerprint,
        direction=direction,
    )


def model_fields(sdp: SessionDescription) -> SDPFields:
    """The comparable fields of *sdp*, read with imsalg's own readers."""
    versions = list(sdp.lines_of(None, "v"))
    origins = list(sdp.lines_of(None, "o"))
    media: list[MediaFields] = []
    for index in range(sdp.media_count):
        line = sdp.media_line(index)
        media.append(
            MediaFields(
                media=(
                    line.media,
                    _canonical(line.port),
                    line.proto,
                    _as_transform_sees(" ".join(line.fmt)),
                ),
                port_count=line.port_count is not None,
                level=_level_from_model(sdp, index),
            )
        )
    return SDPFields(
        version=_as_transform_sees(versions[-1][1]) if versions else None,
        origin=_origin_from_line(origins[-1][1]) if origins else None,
        session=_level_from_model(sdp, None),
        media=tuple(media),
    )
