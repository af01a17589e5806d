"""What one m-line says, with session-level inheritance applied.

:func:`read_media` gathers, for media section *k*, the values the MSRP rules need:
the ``m=`` line, the effective ``c=`` (media level, else session level), ``a=setup``
and ``a=connection`` (RFC 4145 allows both levels), the fingerprints (RFC 8122 §5:
media-level lines replace session-level ones), ``a=3ge2ae``, ``a=msrp-cema``,
``a=path``, ``a=accept-types``, ``a=accept-wrapped-types``, ``a=max-size`` and the
direction. Problems that only matter to some rules (a malformed fingerprint, a bad
``a=path``) are collected, not raised, so passthrough streams never fail on them.

The values that can refuse the SDP (``c=``, ``a=setup``, ``a=connection``) are read by
:func:`read_media` itself, so it raises at once; every other value is read on first
access and kept, so a rule that never looks at ``a=accept-types`` never parses it.
"""

from __future__ import annotations

from typing import Any

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
_NEW = ConnectionValue.NEW
_REQUESTED = E2AEIndicator.REQUESTED
_SENDRECV = Direction.SENDRECV

#: The public fields, in the order of ``repr`` and comparisons.
_FIELDS = (
    "index",
    "line",
    "connection",
    "setup",
    "setup_level",
    "connection_value",
    "connection_value_present",
    "fingerprints",
    "fingerprint_level",
    "fingerprint_problems",
    "e2ae",
    "cema",
    "path",
    "path_problem",
    "accept_types",
    "accept_wrapped_types",
    "max_size",
    "direction",
)


class MediaInfo:
    """The effective values of one media section (read-only; see the module docstring).

    Made by :func:`read_media`. Two instances are equal when every field is.
    """

    __slots__ = (
        "_accept_types",
        "_accept_wrapped_types",
        "_cema",
        "_direction",
        "_e2ae",
        "_fingerprint_read",
        "_here",
        "_max_size_read",
        "_path_read",
        "_sdp",
        "_usable_fingerprints",
        "connection",
        "connection_value",
        "connection_value_present",
        "index",
        "line",
        "setup",
        "setup_level",
    )

    index: int
    line: MediaLine
    connection: ConnectionData | None
    setup: Setup | None
    setup_level: str | None
    connection_value: ConnectionValue
    connection_value_present: bool

    def __init__(
        self,
        sdp: SessionDescription,
        index: int,
        *,
        connection: ConnectionData | None,
        setup: Setup | None,
        setup_level: str | None,
        connection_value: ConnectionValue,
        connection_value_present: bool,
        here: _Attributes | None = None,
    ) -> None:
        self._sdp = sdp
        # *here*: the section's attribute map when the caller holds it already.
        self._here = sdp.attribute_map(index) if here is None else here
        self.index = index
        self.line = sdp.media_line(index)
        self.connection = connection
        self.setup = setup
        self.setup_level = setup_level
        self.connection_value = connection_value
        self.connection_value_present = connection_value_present
        # Read on first access (None: not yet read).
        self._fingerprint_read: (
            tuple[tuple[Fingerprint, ...], str | None, tuple[str, ...]] | None
        ) = None
        self._usable_fingerprints: tuple[Fingerprint, ...] | None = None
        self._e2ae: tuple[E2AEIndicator, ...] | None = None
        self._cema: bool | None = None
        self._path_read: tuple[tuple[MSRPURI, ...], str | None] | None = None
        self._accept_types: tuple[str, ...] | None = None
        self._accept_wrapped_types: tuple[str, ...] | None = None
        self._max_size_read: tuple[int | None] | None = None
        self._direction: Direction | None = None

    # -- RFC 8122 fingerprints -----------------------------------------------------------

    def _read_fingerprints(self) -> tuple[tuple[Fingerprint, ...], str | None, tuple[str, ...]]:
        # RFC 8122 §5: media-level fingerprints replace the session-level ones.
        fingerprints: list[Fingerprint] = []
        problems: list[str] = []
        level: str | None = "media"
        found = self._here.get("fingerprint")
        if not found:
            found, level = self._sdp.attributes(None, "fingerprint"), "session"
        if found:
            for _, text in found:
                try:
                    fingerprints.append(Fingerprint.parse(text))
                except ValueError as exc:
                    problems.append(str(exc))
        else:
            level = None
        read = (tuple(fingerprints), level, tuple(problems))
        self._fingerprint_read = read
        return read

    @property
    def fingerprints(self) -> tuple[Fingerprint, ...]:
        """The well-formed ``a=fingerprint`` values in effect, in order."""
        return (self._fingerprint_read or self._read_fingerprints())[0]

    @property
    def fingerprint_level(self) -> str | None:
        """``"media"`` or ``"session"``: where the fingerprints in effect come from."""
        return (self._fingerprint_read or self._read_fingerprints())[1]

    @property
    def fingerprint_problems(self) -> tuple[str, ...]:
        """Why each malformed ``a=fingerprint`` line in effect was not read."""
        return (self._fingerprint_read or self._read_fingerprints())[2]

    @property
    def usable_fingerprints(self) -> tuple[Fingerprint, ...]:
        """Fingerprints with a hash RFC 8122 allows and this library computes."""
        if self._usable_fingerprints is None:
            self._usable_fingerprints = tuple([fp for fp in self.fingerprints if fp.usable])
        return self._usable_fingerprints

    # -- MSRP and TS 24.229 attributes ---------------------------------------------------

    @property
    def e2ae(self) -> tuple[E2AEIndicator, ...]:
        """The known ``a=3ge2ae`` indicators (TS 24.229 §7.5.2: media level only;
        unknown tokens are ignored)."""
        if self._e2ae is None:
            known = []
            for _, value in self._here.get("3ge2ae") or ():
                indicator = E2AEIndicator.parse(value)
                if indicator is not None:
                    known.append(indicator)
            self._e2ae = tuple(known)
        return self._e2ae

    @property
    def e2ae_requested(self) -> bool:
        """``a=3ge2ae:requested`` is present (TS 24.229 §7.5.2)."""
        return _REQUESTED in self.e2ae

    @property
    def cema(self) -> bool:
        """``a=msrp-cema`` at media or session level (RFC 6714)."""
        if self._cema is None:
            self._cema = "msrp-cema" in self._here or self._sdp.has_attribute(None, "msrp-cema")
        return self._cema

    def _read_path(self) -> tuple[tuple[MSRPURI, ...], str | None]:
        read: tuple[tuple[MSRPURI, ...], str | None] = ((), None)
        path_lines = self._here.get("path")
        if path_lines:
            try:
                read = (parse_path(path_lines[0][1]), None)
            except ValueError as exc:
                read = ((), str(exc))
        self._path_read = read
        return read

    @property
    def path(self) -> tuple[MSRPURI, ...]:
        """The URIs of the first ``a=path`` line (``()`` when absent or malformed)."""
        return (self._path_read or self._read_path())[0]

    @property
    def path_problem(self) -> str | None:
        """Why ``a=path`` was not read, when it is malformed."""
        return (self._path_read or self._read_path())[1]

    @property
    def accept_types(self) -> tuple[str, ...]:
        """RFC 4975 ``a=accept-types`` (``()`` when absent or malformed)."""
        if self._accept_types is None:
            self._accept_types = _types(self._here, "accept-types")
        return self._accept_types

    @property
    def accept_wrapped_types(self) -> tuple[str, ...]:
        """RFC 4975 ``a=accept-wrapped-types`` (``()`` when absent or malformed)."""
        if self._accept_wrapped_types is None:
            self._accept_wrapped_types = _types(self._here, "accept-wrapped-types")
        return self._accept_wrapped_types

    @property
    def max_size(self) -> int | None:
        """RFC 4975 ``a=max-size`` in octets (``None`` when absent or malformed)."""
        if self._max_size_read is None:
            max_size: int | None = None
            size_lines = self._here.get("max-size")
            if size_lines:
                try:
                    max_size = parse_max_size(size_lines[0][1])
                except ValueError:
                    max_size = None
            self._max_size_read = (max_size,)
        return self._max_size_read[0]

    @property
    def direction(self) -> Direction:
        """RFC 8866 §6.7 direction: media level, else session level, else sendrecv."""
        if self._direction is None:
            named = [value for name, value in _DIRECTIONS.items() if name in self._here]
            if not named:
                sdp = self._sdp
                named = [
                    value for name, value in _DIRECTIONS.items() if sdp.has_attribute(None, name)
                ]
            self._direction = named[0] if named else _SENDRECV
        return self._direction

    # -- value semantics -----------------------------------------------------------------

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MediaInfo):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"MediaInfo({fields})"


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
    here = sdp.attribute_map(media)

    # RFC 8866 §5.7: a media-level c= replaces the session-level one.
    connection: ConnectionData | None = None
    c_lines = sdp.line_indexes(media, "c") or sdp.line_indexes(None, "c")
    if c_lines:
        index = c_lines[0]
        try:
            connection = ConnectionData.parse(sdp.lines[index][2:])
        except ValueError as exc:
            raise SDPSyntaxError(f"bad c= line: {exc}", line=index + 1) from None

    # RFC 4145 §4: a=setup at media level, else at session level.
    setup: Setup | None = None
    setup_level: str | None = None
    found = here.get("setup")
    level = "media"
    if not found:
        found, level = sdp.attributes(None, "setup"), "session"
    if found:
        try:
            setup = Setup.parse(_only(found, "a=setup", media))
        except ValueError as exc:
            raise NegotiationError(f"m-line {media}: {exc}") from None
        setup_level = level

    # RFC 4145 §5: a=connection likewise; absent means "new".
    connection_value = _NEW
    connection_lines = here.get("connection") or sdp.attributes(None, "connection")
    if connection_lines:
        try:
            connection_value = ConnectionValue.parse(_only(connection_lines, "a=connection", media))
        except ValueError as exc:
            raise NegotiationError(f"m-line {media}: {exc}") from None

    return MediaInfo(
        sdp,
        media,
        connection=connection,
        setup=setup,
        setup_level=setup_level,
        connection_value=connection_value,
        connection_value_present=bool(connection_lines),
        here=here,
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
