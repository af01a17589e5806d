"""What one m-line says, with session-level inheritance applied.

:func:`read_media` gathers, for media section *k*, the values the MSRP rules need:
the ``m=`` line, the effective ``c=`` (media level, else session level), ``a=setup``
and ``a=connection`` (RFC 4145 allows both levels), the fingerprints (RFC 8122 §5:
media-level lines replace session-level ones), ``a=3ge2ae``, ``a=msrp-cema``,
``a=path``, ``a=accept-types``, ``a=accept-wrapped-types``, ``a=max-size`` and the
direction. Problems that only matter to some rules (a malformed fingerprint, a bad
``a=path``) are collected, not raised, so passthrough streams never fail on them.
"""

from __future__ import annotations

import attrs

from imsalg.errors import NegotiationError, SDPSyntaxError
from imsalg.sdp.attributes import (
    ConnectionData,
    ConnectionValue,
    Direction,
    E2AEIndicator,
    MediaLine,
    Setup,
    parse_accept_types,
    parse_max_size,
)
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.msrp import MSRPURI, parse_path

__all__ = ["MediaInfo", "read_media"]

_DIRECTIONS = {d.value: d for d in Direction}
_Attributes = dict[str, list[tuple[int, str | None]]]


@attrs.frozen(kw_only=True)
class MediaInfo:
    """The effective values of one media section."""

    index: int
    line: MediaLine
    connection: ConnectionData | None
    setup: Setup | None
    setup_level: str | None
    connection_value: ConnectionValue
    connection_value_present: bool
    fingerprints: tuple[Fingerprint, ...]
    fingerprint_level: str | None
    fingerprint_problems: tuple[str, ...]
    e2ae: tuple[E2AEIndicator, ...]
    cema: bool
    path: tuple[MSRPURI, ...]
    path_problem: str | None
    accept_types: tuple[str, ...]
    accept_wrapped_types: tuple[str, ...]
    max_size: int | None
    direction: Direction

    @property
    def e2ae_requested(self) -> bool:
        """``a=3ge2ae:requested`` is present (TS 24.229 §7.5.2)."""
        return E2AEIndicator.REQUESTED in self.e2ae

    @property
    def usable_fingerprints(self) -> tuple[Fingerprint, ...]:
        """Fingerprints with a hash RFC 8122 allows and this library computes."""
        return tuple(fp for fp in self.fingerprints if fp.usable)


def _only(values: list[tuple[int, str | None]], what: str, media: int) -> str | None:
    first = values[0][1]
    if len(values) > 1 and any(value != first for _, value in values):
        raise NegotiationError(f"m-line {media}: conflicting {what} lines")
    return first


def read_media(sdp: SessionDescription, media: int) -> MediaInfo:
    """Read media section *media* (0-based) of *sdp*.

    Raises :class:`SDPSyntaxError` (400) for a malformed ``c=`` line and
    :class:`NegotiationError` (488) for an unknown ``a=setup``/``a=connection`` value
    or conflicting duplicates of them.
    """
    line = sdp.media_line(media)
    session = sdp.attribute_map(None)
    here = sdp.attribute_map(media)

    # RFC 8866 §5.7: a media-level c= replaces the session-level one.
    connection: ConnectionData | None = None
    c_lines = list(sdp.lines_of(media, "c")) or list(sdp.lines_of(None, "c"))
    if c_lines:
        index, value = c_lines[0]
        try:
            connection = ConnectionData.parse(value)
        except ValueError as exc:
            raise SDPSyntaxError(f"bad c= line: {exc}", line=index + 1) from None

    # RFC 4145 §4: a=setup at media level, else at session level.
    setup: Setup | None = None
    setup_level: str | None = None
    found = here.get("setup")
    level = "media"
    if not found:
        found, level = session.get("setup"), "session"
    if found:
        try:
            setup = Setup.parse(_only(found, "a=setup", media))
        except ValueError as exc:
            raise NegotiationError(f"m-line {media}: {exc}") from None
        setup_level = level

    # RFC 4145 §5: a=connection likewise; absent means "new".
    connection_value = ConnectionValue.NEW
    connection_lines = here.get("connection") or session.get("connection")
    if connection_lines:
        try:
            connection_value = ConnectionValue.parse(_only(connection_lines, "a=connection", media))
        except ValueError as exc:
            raise NegotiationError(f"m-line {media}: {exc}") from None

    # RFC 8122 §5: media-level fingerprints replace the session-level ones.
    fingerprints: list[Fingerprint] = []
    problems: list[str] = []
    fingerprint_level: str | None = None
    found = here.get("fingerprint")
    level = "media"
    if not found:
        found, level = session.get("fingerprint"), "session"
    if found:
        fingerprint_level = level
        for _, fingerprint_text in found:
            try:
                fingerprints.append(Fingerprint.parse(fingerprint_text))
            except ValueError as exc:
                problems.append(str(exc))

    # TS 24.229 §7.5.2: a media-level attribute; unknown tokens are ignored.
    e2ae: tuple[E2AEIndicator, ...] = ()
    indicators = here.get("3ge2ae")
    if indicators:
        parsed = (E2AEIndicator.parse(value) for _, value in indicators)
        e2ae = tuple(indicator for indicator in parsed if indicator is not None)

    path: tuple[MSRPURI, ...] = ()
    path_problem: str | None = None
    path_lines = here.get("path")
    if path_lines:
        try:
            path = parse_path(path_lines[0][1])
        except ValueError as exc:
            path_problem = str(exc)

    max_size: int | None = None
    size_lines = here.get("max-size")
    if size_lines:
        try:
            max_size = parse_max_size(size_lines[0][1])
        except ValueError:
            max_size = None

    direction = Direction.SENDRECV
    for attributes in (here, session):
        named = [value for name, value in _DIRECTIONS.items() if name in attributes]
        if named:
            direction = named[0]
            break

    return MediaInfo(
        index=media,
        line=line,
        connection=connection,
        setup=setup,
        setup_level=setup_level,
        connection_value=connection_value,
        connection_value_present=bool(connection_lines),
        fingerprints=tuple(fingerprints),
        fingerprint_level=fingerprint_level,
        fingerprint_problems=tuple(problems),
        e2ae=e2ae,
        cema="msrp-cema" in here or "msrp-cema" in session,
        path=path,
        path_problem=path_problem,
        accept_types=_types(here, "accept-types"),
        accept_wrapped_types=_types(here, "accept-wrapped-types"),
        max_size=max_size,
        direction=direction,
    )


def _types(here: _Attributes, name: str) -> tuple[str, ...]:
    """RFC 4975 §8.6 type lists; a malformed list reads as absent."""
    found = here.get(name)
    if not found:
        return ()
    try:
        return parse_accept_types(found[0][1])
    except ValueError:
        return ()
