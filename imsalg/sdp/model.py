"""Line-preserving SDP: parse, inspect, edit, serialise.

The model keeps the text it was given. Parsing only splits the text into lines and
finds where each media section starts; readers interpret single lines on demand;
edits are recorded per line and applied when the text is written back. So every line
that no rule touched comes out byte-for-byte, in its place, with the line ending it
had (RFC 4566 wants CRLF, many stacks send LF, some mix them: each line keeps its own).
Inserted lines take the ending of the line they follow.

What counts as unparseable (400): a first line that is not ``v=``, a line that is not
``<type>=<value>`` with a one-letter lower-case type (empty lines are tolerated and kept,
as seen from stacks that append a stray CRLF), or an ``m=`` line that does not follow the
grammar.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, NoReturn

from imsalg.errors import SDPSyntaxError
from imsalg.sdp.attributes import MediaLine

__all__ = ["SDPEditor", "SessionDescription", "decode_sdp_bytes", "encode_sdp_text"]

_LF: Final = "\n"
_CRLF: Final = "\r\n"
#: A body RFC 8866 §5 accepts: optional empty lines (tolerated: stacks append stray
#: CRLFs), then ``v=``, then lines that are each ``<a-z>=<value>`` or empty. A CR is only
#: allowed as the first half of a CRLF, except inside a value. Checked in two parts that
#: together equal ``(?:\r?\n)*v=[^\n]*(?:\n(?:[a-z]=[^\n]*|\r(?=\n))?)*`` (tests keep
#: that oracle): how the body starts, and no line feed followed by anything but a
#: valid line start. The second only stops at line feeds (a literal prefix the regex
#: engine skips to), about twice as fast as matching every character of every value.
_BODY_START_RE: Final = re.compile(r"(?:\r?\n)*v=")
_BAD_NEXT_LINE_RE: Final = re.compile(r"\n(?![a-z]=|\r?\n|\Z)")
#: A line start not followed by "<a-z>=", an empty line or the end of the text.
_BAD_LINE_RE: Final = re.compile(r"^(?![a-z]=|\r?\n|\Z)", re.MULTILINE)

_AttributeMap = dict[str, list[tuple[int, str | None]]]


def decode_sdp_bytes(data: bytes) -> str:
    """Decode SDP bytes so that :func:`encode_sdp_text` gives back the same bytes.

    SDP is UTF-8 by default (RFC 8866 §5.13 ``a=charset``), but a peer may send other
    bytes in free-text fields; they survive as surrogate escapes and are never altered.
    """
    return data.decode("utf-8", "surrogateescape")


def encode_sdp_text(text: str) -> bytes:
    """Inverse of :func:`decode_sdp_bytes`."""
    return text.encode("utf-8", "surrogateescape")


class SessionDescription:
    """One SDP body, split into lines, with its media sections located.

    ``lines[i]`` is line *i* without its terminator and ``eols[i]`` its terminator
    (``"\\r\\n"``, ``"\\n"`` or ``""`` for a last line without one). ``media_starts[k]`` is
    the index of the ``m=`` line of media section *k*; the session section is
    ``lines[:media_starts[0]]``. Instances are never changed; :class:`SDPEditor` produces
    a new text. What is read is kept (each ``m=`` line once built, each section's
    attribute map); a parsed body answers look-ups by line type or attribute name by
    searching its text until a section's attribute map exists.
    """

    __slots__ = (
        "_attribute_maps",
        "_eol",
        "_line_maps",
        "_media_checked",
        "_media_lines",
        "_searchable",
        "_text",
        "eols",
        "lines",
        "media_starts",
    )

    lines: tuple[str, ...]
    eols: tuple[str, ...]
    media_starts: tuple[int, ...]

    def __init__(self, lines: tuple[str, ...], eols: tuple[str, ...]) -> None:
        starts = [index for index, line in enumerate(lines) if line.startswith("m=")]
        self._init(lines, eols, starts, None, None)

    def _init(
        self,
        lines: tuple[str, ...],
        eols: tuple[str, ...],
        starts: list[int],
        text: str | None,
        uniform_eol: str | None,
    ) -> None:
        self.lines = lines
        self.eols = eols
        checked = []
        for index in starts:
            try:
                checked.append(MediaLine.check(lines[index][2:]))
            except ValueError as exc:
                raise SDPSyntaxError(f"bad m= line: {exc}", line=index + 1) from None
        self.media_starts = tuple(starts)
        # Every m= line is checked now; each MediaLine is built when first asked for.
        self._media_checked = checked
        self._media_lines: list[MediaLine | None] = [None] * len(checked)
        self._text = text
        #: A parsed body's text with where each section starts in it, then its length.
        self._searchable: tuple[str, list[int]] | None = None
        #: The one line ending of the body, when it has only one (None: unknown or mixed).
        self._eol = uniform_eol
        self._attribute_maps: dict[int | None, _AttributeMap] = {}
        #: Per section with an attribute map: its other lines' indices by line type.
        self._line_maps: dict[int | None, dict[str, list[int]]] = {}

    @classmethod
    def parse(cls, text: str) -> SessionDescription:
        """Split *text* into lines and check the line grammar (raises :class:`SDPSyntaxError`)."""
        if not isinstance(text, str):
            raise TypeError(
                "SessionDescription.parse() takes str; decode bytes with decode_sdp_bytes()"
            )
        if (
            not (text.startswith("v=") or _BODY_START_RE.match(text))
            or _BAD_NEXT_LINE_RE.search(text) is not None
        ):
            _raise_syntax_error(text)
        # Split on CRLF first (the usual ending): the pieces also count the CRLFs.
        lines = text.split(_CRLF)
        crlf = len(lines) - 1
        lf = text.count(_LF)
        if crlf in (0, lf):
            # One ending for the whole body (the usual case). A body of one unterminated
            # line has the RFC 8866 default, CRLF (see :attr:`eol`).
            uniform = _CRLF
            if lf and not crlf:
                uniform = _LF
                lines = text.split(_LF)
            if lines[-1]:
                eols = (uniform,) * (len(lines) - 1) + ("",)  # no final terminator: kept so
            else:
                del lines[-1]
                eols = (uniform,) * len(lines)
        else:
            uniform = None
            lines, mixed = _split_mixed(text)
            eols = tuple(mixed)
        # m= lines: line index = number of LFs before the line (v= comes first, so an
        # m= line always follows a line feed).
        starts = []
        bounds = [0]
        line = 0  # line feeds counted so far, up to *counted* (linear in the text)
        counted = 0
        position = text.find("\nm=")
        while position >= 0:
            line += text.count(_LF, counted, position)
            counted = position
            starts.append(line + 1)
            bounds.append(position + 1)
            position = text.find("\nm=", position + 3)
        bounds.append(len(text))
        sdp = cls.__new__(cls)
        sdp._init(tuple(lines), eols, starts, text, uniform)
        sdp._searchable = (text, bounds)
        return sdp

    # -- structure -------------------------------------------------------------------

    @property
    def eol(self) -> str:
        """The document's line ending: that of its first line (CRLF when it has none)."""
        for eol in self.eols:
            if eol:
                return eol
        return _CRLF

    @property
    def uniform_eol(self) -> str | None:
        """The line ending every terminated line has, or ``None`` for a mixed body."""
        if self._eol is None:
            found = set(self.eols[:-1])
            found.add(self.eols[-1] or self.eol)
            self._eol = found.pop() if len(found) == 1 else None
        return self._eol

    @property
    def media_count(self) -> int:
        """Number of media sections (``m=`` lines)."""
        return len(self.media_starts)

    def media_line(self, media: int) -> MediaLine:
        """The parsed ``m=`` line of media section *media* (0-based)."""
        line = self._media_lines[media]
        if line is None:
            line = self._media_lines[media] = MediaLine.from_checked(self._media_checked[media])
        return line

    def media_line_text(self, media: int, *, port: int, proto: str) -> str:
        """The ``m=`` line of media section *media* with *port* and *proto* in place of
        its own (and no port count): ``MediaLine(media=..., port=port, proto=proto,
        fmt=...).format()`` of its media and formats, without building the line."""
        checked = self._media_checked[media]
        # Groups of the checked line: 1 media, 5 the formats, each after one space.
        return f"m={checked[1]} {port} {proto}{checked[5]}"

    def section_range(self, media: int | None) -> range:
        """Line indices of the session section (``None``) or of media section *media*."""
        starts = self.media_starts
        if media is None:
            return range(starts[0] if starts else len(self.lines))
        end = starts[media + 1] if media + 1 < len(starts) else len(self.lines)
        return range(starts[media], end)

    def _search(self, media: int | None, prefix: str) -> list[int] | None:
        """Indices of the section's lines that start with *prefix*, found in the text.

        Every line of a section but its first follows a line feed inside the section,
        so each ``"\n" + prefix`` found there starts such a line; the first line is
        looked at directly. C-level searches instead of a Python loop over the lines:
        answers like "no fingerprint in the session section" cost one ``str.find``.
        ``None`` for a description built from lines (no text to search).
        """
        searchable = self._searchable
        if searchable is None:
            return None
        text, bounds = searchable
        if media is None:
            start, end, first = 0, bounds[1], 0
        else:
            start, end, first = bounds[media + 1], bounds[media + 2], self.media_starts[media]
        found = []
        # The first line of a parsed section is "m=..." (or, for the session, "v=0" or
        # an empty line): only a prefix that could start it needs a look.
        if prefix[:1] in "mv" and first < len(self.lines) and self.lines[first].startswith(prefix):
            found.append(first)
        needle = "\n" + prefix
        position = text.find(needle, start, end)
        index, counted = first, start
        while position >= 0:
            # Line feeds counted from the previous hit on: linear in the section.
            index += text.count("\n", counted, position + 1)
            counted = position + 1
            found.append(index)
            position = text.find(needle, counted, end)
        return found

    def line_indexes(self, media: int | None, kind: str) -> list[int]:
        """Indices of the ``<kind>=`` lines of a section, in order."""
        mapped = self._line_maps.get(media)
        if mapped is not None and len(kind) == 1 and kind != "a":
            return list(mapped.get(kind, ()))
        prefix = kind + "="
        found = self._search(media, prefix) if "\n" not in prefix else None
        if found is not None:
            return found
        lines = self.lines
        return [index for index in self.section_range(media) if lines[index].startswith(prefix)]

    def lines_of(self, media: int | None, kind: str) -> Iterator[tuple[int, str]]:
        """``(index, value)`` for each ``<kind>=`` line in a section (value without ``x=``)."""
        lines = self.lines
        return iter([(index, lines[index][2:]) for index in self.line_indexes(media, kind)])

    def attributes(self, media: int | None, name: str) -> list[tuple[int, str | None]]:
        """``(index, value)`` for each ``a=name[:value]`` line in a section, in order.

        ``value`` is ``None`` for a property attribute (``a=msrp-cema``) and the text after
        the first colon otherwise. Names are matched exactly (RFC 8866 §5.13).
        """
        cached = self._attribute_maps.get(media)
        if cached is None:
            prefix = "a=" + name
            found = None if ":" in name or "\n" in name else self._search(media, prefix)
            if found is not None:
                # No map of this section yet: the text search found the candidates.
                # The name ends where the line does or at a colon (RFC 8866 §5.13).
                named: list[tuple[int, str | None]] = []
                size = len(prefix)
                lines = self.lines
                for index in found:
                    line = lines[index]
                    if len(line) == size:
                        named.append((index, None))
                    elif line[size] == ":":
                        named.append((index, line[size + 1 :]))
                return named
            cached = self.attribute_map(media)
        return list(cached.get(name, ()))

    def attribute_map(self, media: int | None) -> dict[str, list[tuple[int, str | None]]]:
        """Every ``a=`` line of a section, by name: ``{name: [(index, value), ...]}``.

        Built in one pass on first use and cached; values as in :meth:`attributes`.
        The caller must not change the returned mapping. The same pass notes where the
        section's other lines are, by type, for :meth:`line_indexes`.
        """
        cached = self._attribute_maps.get(media)
        if cached is not None:
            return cached
        found: _AttributeMap = {}
        others: dict[str, list[int]] = {}
        section = self.section_range(media)
        for index, line in enumerate(self.lines[section.start : section.stop], section.start):
            if line.startswith("a="):
                name, colon, value = line[2:].partition(":")
                entry = (index, value if colon else None)
                named = found.get(name)
                if named is None:
                    found[name] = [entry]
                else:
                    named.append(entry)
            else:
                kind = line[:1]
                indexes = others.get(kind)
                if indexes is None:
                    others[kind] = [index]
                else:
                    indexes.append(index)
        self._attribute_maps[media] = found
        self._line_maps[media] = others
        return found

    def attribute(self, media: int | None, name: str) -> tuple[int, str | None] | None:
        """The first ``a=name`` line of a section, or ``None``."""
        found = self.attributes(media, name)
        return found[0] if found else None

    def has_attribute(self, media: int | None, name: str) -> bool:
        """Whether a section carries ``a=name`` (with or without a value)."""
        return bool(self.attributes(media, name))

    def to_text(self) -> str:
        """The text this description was parsed from, unchanged."""
        if self._text is None:
            self._text = "".join(
                [line + eol for line, eol in zip(self.lines, self.eols, strict=True)]
            )
        return self._text


class SDPEditor:
    """Records line edits on a :class:`SessionDescription` and writes the result.

    Edits address lines by their index in the original description, so they never
    disturb one another: replacing line 7 and inserting after line 3 can happen in any
    order. Deleting a line and inserting after it keeps the insertion.
    """

    __slots__ = ("_after", "_delete", "_replace", "sdp")

    def __init__(self, sdp: SessionDescription) -> None:
        self.sdp = sdp
        self._replace: dict[int, str] = {}
        self._delete: set[int] = set()
        self._after: dict[int, list[str]] = {}

    def replace(self, index: int, line: str) -> None:
        """Put *line* (``x=...``, no terminator) in place of line *index*."""
        _check_line(line)
        self._replace[index] = line
        self._delete.discard(index)

    def delete(self, index: int) -> None:
        """Drop line *index*."""
        self._delete.add(index)
        self._replace.pop(index, None)

    def insert_after(self, index: int, line: str) -> None:
        """Insert *line* after line *index* (``-1``: before the first line).

        Several insertions after the same line come out in the order they were made.
        """
        _check_line(line)
        self._after.setdefault(index, []).append(line)

    def append_to_section(self, media: int | None, line: str) -> None:
        """Add *line* at the end of a section."""
        rng = self.sdp.section_range(media)
        self.insert_after(rng[-1] if len(rng) else rng.start - 1, line)

    @property
    def changed(self) -> bool:
        """Whether any edit was recorded."""
        return bool(self._replace or self._delete or self._after)

    def to_text(self) -> str:
        """The edited SDP text."""
        sdp = self.sdp
        if not self.changed:
            return sdp.to_text()
        uniform = sdp.uniform_eol
        if uniform is not None:
            return self._to_text_uniform(uniform)
        eols = sdp.eols
        default_eol = sdp.eol
        replace = self._replace
        delete = self._delete
        after = self._after
        lines = sdp.lines
        texts: list[str] = []
        ends: list[str] = []
        for extra in after.get(-1, ()):
            texts.append(extra)
            ends.append(default_eol)
        for index, line in enumerate(lines):
            eol = eols[index] or default_eol
            if index not in delete:
                texts.append(replace.get(index, line))
                ends.append(eol)
            for extra in after.get(index, ()):
                texts.append(extra)
                ends.append(eol)
        if ends and lines and not eols[-1]:
            # The input ended without a terminator: so does the output.
            ends[-1] = ""
        return "".join([t + e for t, e in zip(texts, ends, strict=True)])

    def _to_text_uniform(self, eol: str) -> str:
        """:meth:`to_text` for a body with one line ending: edit a copy, join once."""
        sdp = self.sdp
        pieces = list(sdp.lines)
        for index, line in self._replace.items():
            pieces[index] = line
        after = self._after
        head = ""
        for index, extras in after.items():
            block = eol.join(extras)
            if index < 0:
                head = block
            elif index in self._delete:
                pieces[index] = block  # the deleted line's place holds what follows it
            else:
                pieces[index] = pieces[index] + eol + block
        if self._delete:
            # Keep the runs between deleted lines (a few slices, not a test per line).
            kept: list[str] = []
            previous = 0
            for index in sorted(self._delete):
                if index not in after:
                    kept += pieces[previous:index]
                    previous = index + 1
            kept += pieces[previous:]
            pieces = kept
        if head:
            pieces.insert(0, head)
        if not pieces:
            return ""
        # Every line keeps the ending; a body that ended without one still does.
        return eol.join(pieces) + (eol if sdp.eols[-1] else "")


def _raise_syntax_error(text: str) -> NoReturn:
    """Raise the :class:`SDPSyntaxError` that says why *text* is not an SDP body."""
    bad = _BAD_LINE_RE.search(text)
    if bad is not None:
        start = bad.start()
        end = text.find(_LF, start)
        part = text[start:] if end < 0 else text[start:end].removesuffix("\r")
        raise SDPSyntaxError(
            f"expected '<type>=<value>', got {part[:40]!r}", line=text.count(_LF, 0, start) + 1
        )
    lines = text.split(_LF)
    first = next((i for i, line in enumerate(lines) if line.removesuffix("\r")), None)
    if first is None:
        raise SDPSyntaxError("empty SDP body")
    raise SDPSyntaxError("the first line must be v=", line=first + 1)


def _split_mixed(text: str) -> tuple[list[str], list[str]]:
    """Lines and per-line endings of a body that mixes CRLF and LF."""
    parts = text.split(_LF)
    last = parts.pop()
    lines: list[str] = []
    eols: list[str] = []
    for part in parts:
        if part.endswith("\r"):
            lines.append(part[:-1])
            eols.append(_CRLF)
        else:
            lines.append(part)
            eols.append(_LF)
    if last:
        lines.append(last)
        eols.append("")
    return lines, eols


def _check_line(line: str) -> None:
    if "\n" in line or "\r" in line or len(line) < 2 or line[1] != "=":
        raise ValueError(f"not one SDP line: {line!r}")
