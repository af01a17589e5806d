"""Fuzz target ``sdp``: the line model, every typed reader and the editor.

Per input: :meth:`SessionDescription.parse` (only ``SDPError``), then for each m-line
:func:`read_media` (only ``SDPError``) and for each line the reader of its kind
(``MediaLine``, ``ConnectionData``, ``Setup``, ``ConnectionValue``, ``E2AEIndicator``,
``Fingerprint``, ``parse_path``/``MSRPURI``, accept-types, max-size): their documented
refusal is ``ValueError`` (a ``UnicodeError`` is not a refusal). What a reader accepts must
format back to something it reads as the same value. Then :class:`SDPEditor`: editing
nothing, or replacing lines by themselves, gives the text back byte for byte; inserting
and deleting lines gives text that parses, with the lines counted right.

The structure-aware mutations (:func:`mutate_sdp`) are shared with the engine target:
``a=setup`` values swapped, attributes dropped or duplicated (also across levels), ports,
protos, fingerprints with odd hashes and lengths, ``c=`` variants, paths, line endings,
whole m-sections cloned.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

from imsalg.errors import SDPError
from imsalg.sdp.attributes import (
    ConnectionData,
    ConnectionValue,
    E2AEIndicator,
    MediaLine,
    Setup,
    parse_accept_types,
    parse_max_size,
)
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.media import read_media
from imsalg.sdp.model import SDPEditor, SessionDescription, decode_sdp_bytes, encode_sdp_text
from imsalg.sdp.msrp import MSRPURI, format_path, parse_path

from .harness import FIXTURES, MAX_SIZE, Target, byte_mutation, mutate_lines, signature

__all__ = ["SDP_NASTY", "TARGET", "mutate_sdp", "run_sdp", "sdp_seeds"]

T = TypeVar("T")
V = TypeVar("V")

SDP_NASTY: Final[tuple[bytes, ...]] = (
    b"\r\n",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff\xfe",
    b"\xe2\x80\xa8",
    b"=",
    b":",
    b" ",
    b"\t",
    b"/",
    b"[",
    b"]",
    b"%",
    b"%41",
    b"@",
    b";",
    b"*",
    b"m=message 0 TCP/TLS/MSRP *\r\n",
    b"m=message 9 TCP/MSRP *\r\n",
    b"a=setup:actpass\r\n",
    b"a=setup:\r\n",
    b"a=fingerprint:md5 AB\r\n",
    b"a=fingerprint:sha-256 \r\n",
    b"a=3ge2ae:requested\r\n",
    b"a=3ge2ae:applied\r\n",
    b"c=IN IP4 \r\n",
    b"c=IN IP6 ::1\r\n",
    b"a=path:msrps://[::1\r\n",
    b"a=path:msrp://a:1/s;tcp msrps://b:2/t;tcp\r\n",
    b"a=connection:new\r\n",
    b"a=connection:existing\r\n",
    b"a=msrp-cema\r\n",
    b"a=max-size:99999999999999999999\r\n",
    b"a=accept-types:*\r\n",
    b"v=0\r\n",
)

_SETUPS: Final = (
    b"active",
    b"passive",
    b"actpass",
    b"holdconn",
    b"ACTIVE",
    b" passive ",
    b"",
    b"bogus",
    b"active passive",
)
_PORTS: Final = (b"0", b"9", b"1", b"2855", b"65535", b"65536", b"99999", b"2855/2", b"007", b"")
_PROTOS: Final = (
    b"TCP/MSRP",
    b"TCP/TLS/MSRP",
    b"tcp/tls/msrp",
    b"TCP",
    b"TCP/TLS",
    b"UDP/TLS/RTP/SAVP",
    b"RTP/AVP",
    b"TCP/TLS/MSRP/X",
    b"",
)
_MEDIA: Final = (b"message", b"audio", b"MESSAGE", b"video", b"application")
_HEX_32: Final = b":".join(b"%02X" % (i * 7 % 256) for i in range(32))
_FINGERPRINTS: Final = (
    b"sha-256 " + _HEX_32,
    b"SHA-256 " + _HEX_32.lower(),
    b"sha-1 " + _HEX_32,
    b"sha-384 " + _HEX_32,
    b"sha-512 " + b":".join([_HEX_32, _HEX_32]),
    b"sha-224 " + _HEX_32[: 28 * 3 - 1],
    b"md5 " + _HEX_32[: 16 * 3 - 1],
    b"md2 " + _HEX_32[: 16 * 3 - 1],
    b"foo-256 " + _HEX_32,
    b"sha-256 " + _HEX_32.replace(b":", b""),
    b"sha-256 AB",
    b"sha-256",
    b"sha-256 " + _HEX_32 + b" extra",
    b"sha-256 " + _HEX_32 + b":",
    b"sha-256 GG:" + _HEX_32[3:],
    b"",
)
_CONNECTIONS: Final = (
    b"IN IP4 10.45.0.7",
    b"IN IP4 0.0.0.0",
    b"IN IP6 ::1",
    b"IN IP6 2001:db8::7",
    b"IN IP4 ue.example.org",
    b"IN IP4 224.2.1.1/127/3",
    b"IN IP6 10.0.0.1",
    b"IN IP4",
    b"IN IP4 1.2.3.4 extra",
    b"XX YY ZZ",
    b"IN  IP4 1.2.3.4",
    b"",
)
_PATHS: Final = (
    b"msrps://w7k3p9.invalid:2855/s1;tcp",
    b"msrp://10.0.0.1:2855/abc;tcp",
    b"msrps://[2001:db8::1]:2855/x;tcp",
    b"msrp://relay.example:1/r;tcp msrps://ue.example:2/u;tcp",
    b"MSRPS://User@Host.Example:65535/s+=/x;TCP;p=1;q",
    b"msrps://host:99999/s;tcp",
    b"msrps://[::1/s;tcp",
    b"http://nope",
    b"msrp://h/s",
    b"",
)
_ATTRIBUTES: Final = (
    b"setup",
    b"fingerprint",
    b"connection",
    b"3ge2ae",
    b"path",
    b"msrp-cema",
    b"accept-types",
    b"accept-wrapped-types",
    b"max-size",
    b"sendonly",
    b"recvonly",
    b"inactive",
    b"sendrecv",
)


def sdp_seeds() -> list[bytes]:
    """Every SDP body of the fixtures (``fixtures/**/*.sdp``), each once."""
    return sorted({path.read_bytes() for path in FIXTURES.glob("**/*.sdp")})


def _replace_value(
    lines: list[bytes], rng: random.Random, prefix: bytes, values: Sequence[bytes]
) -> bool:
    found = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    if not found:
        return False
    i = rng.choice(found)
    eol = b"\r" if lines[i].endswith(b"\r") else b""
    lines[i] = prefix + rng.choice(values) + eol
    return True


def _mutate_m_line(lines: list[bytes], rng: random.Random) -> bool:
    found = [i for i, line in enumerate(lines) if line.startswith(b"m=")]
    if not found:
        return False
    i = rng.choice(found)
    eol = b"\r" if lines[i].endswith(b"\r") else b""
    parts = lines[i][2:].removesuffix(b"\r").split(b" ")
    field = rng.randrange(3)
    while len(parts) < 4:
        parts.append(b"*")
    parts[field] = rng.choice((_MEDIA, _PORTS, _PROTOS)[field])
    lines[i] = b"m=" + b" ".join(parts) + eol
    return True


def _clone_section(lines: list[bytes], rng: random.Random) -> bool:
    starts = [i for i, line in enumerate(lines) if line.startswith(b"m=")]
    if not starts:
        return False
    k = rng.randrange(len(starts))
    end = starts[k + 1] if k + 1 < len(starts) else len(lines)
    while end > starts[k] and not lines[end - 1].strip():
        end -= 1  # keep a trailing empty line (the final terminator) at the end
    section = lines[starts[k] : end]
    if rng.random() < 0.3:
        del lines[starts[k] : end]  # a whole m-section dropped
    else:
        lines[end:end] = section
    return True


def _move_attribute(lines: list[bytes], rng: random.Random) -> bool:
    found = [i for i, line in enumerate(lines) if line.startswith(b"a=")]
    if not found:
        return False
    line = lines[rng.choice(found)]
    starts = [i for i, text in enumerate(lines) if text.startswith(b"m=")]
    # Into the session section (just before the first m-line) or another media section.
    target = rng.choice([*starts, *(s + 1 for s in starts)]) if starts else len(lines)
    lines.insert(target, line)
    return True


def _add_attribute(lines: list[bytes], rng: random.Random) -> bool:
    name = rng.choice(_ATTRIBUTES)
    values = {
        b"setup": _SETUPS,
        b"fingerprint": _FINGERPRINTS,
        b"path": _PATHS,
        b"connection": (b"new", b"existing", b"NEW", b"old", b""),
        b"3ge2ae": (b"requested", b"applied", b"REQUESTED", b"other", b""),
        b"accept-types": (b"message/cpim text/plain", b"*", b"text/*", b"nonsense", b""),
        b"max-size": (b"1024", b"0", b"-1", b"1e3", b"\xd9\xa3", b""),
    }.get(name)
    eol = b"\r" if any(line.endswith(b"\r") for line in lines) else b""
    line = b"a=" + name + (b":" + rng.choice(values) if values is not None else b"") + eol
    lines.insert(rng.randrange(1, len(lines) + 1) if lines else 0, line)
    return True


def _drop_attribute(lines: list[bytes], rng: random.Random) -> bool:
    found = [i for i, line in enumerate(lines) if line[:2] in (b"a=", b"c=")]
    if not found:
        return False
    del lines[rng.choice(found)]
    return True


def _swap_endings(data: bytes, rng: random.Random) -> bytes:
    if b"\r\n" in data:
        if rng.random() < 0.5:
            return data.replace(b"\r\n", b"\n")
        lines = data.split(b"\r\n")
        i = rng.randrange(len(lines))
        return b"\r\n".join(lines[:i]) + b"\n" * (i > 0) + b"\r\n".join(lines[i:])
    return data.replace(b"\n", b"\r\n")


def mutate_sdp(data: bytes, rng: random.Random, pool: Sequence[bytes]) -> bytes:
    """One mutation of an SDP body: structure-aware most of the time, else byte-level."""
    choice = rng.randrange(14)
    if choice >= 11:
        return byte_mutation(data, rng, SDP_NASTY)
    if choice == 10:
        return mutate_lines(data, rng, pool)
    if choice == 9:
        return _swap_endings(data, rng)
    lines = data.split(b"\n")
    edits: tuple[Callable[[], bool], ...] = (
        lambda: _replace_value(lines, rng, b"a=setup:", _SETUPS),
        lambda: _replace_value(lines, rng, b"a=fingerprint:", _FINGERPRINTS),
        lambda: _replace_value(lines, rng, b"c=", _CONNECTIONS),
        lambda: _replace_value(lines, rng, b"a=path:", _PATHS),
        lambda: _mutate_m_line(lines, rng),
        lambda: _clone_section(lines, rng),
        lambda: _move_attribute(lines, rng),
        lambda: _add_attribute(lines, rng),
        lambda: _drop_attribute(lines, rng),
    )
    if not edits[choice]():
        _add_attribute(lines, rng)
    return b"\n".join(lines)[:MAX_SIZE]


# -- the target ---------------------------------------------------------------------------


def _read(seen: list[str], reader: Callable[[V], T], value: V) -> T | None:
    """*reader(value)*; its documented refusal (``ValueError``) is recorded, not raised."""
    try:
        return reader(value)
    except UnicodeError:
        raise  # a ValueError, but never a reader's refusal: a bug
    except ValueError as error:
        seen.append(signature(error))
        return None


def _check_line(seen: list[str], line: str) -> None:
    """The typed reader of one line, and its format/parse round trip."""
    kind, value = line[:2], line[2:]
    if kind == "m=":
        media = _read(seen, MediaLine.parse, value)
        if media is not None:
            assert MediaLine.parse(media.format()) == media
    elif kind == "c=":
        connection = _read(seen, ConnectionData.parse, value)
        if connection is not None:
            assert connection.format() == value
            assert connection.kind in ("IP4", "IP6", "FQDN")
    elif kind == "a=":
        name, colon, rest = value.partition(":")
        argument = rest if colon else None
        if name == "setup":
            _read(seen, Setup.parse, argument)
        elif name == "connection":
            _read(seen, ConnectionValue.parse, argument)
        elif name == "3ge2ae":
            E2AEIndicator.parse(argument)  # unknown tokens are ignored: never an error
        elif name == "fingerprint":
            fingerprint = _read(seen, Fingerprint.parse, argument)
            if fingerprint is not None:
                assert Fingerprint.parse(fingerprint.format()) == fingerprint
        elif name == "path":
            path = _read(seen, parse_path, argument)
            if path is not None:
                assert parse_path(format_path(path)) == path
                for uri in path:
                    assert MSRPURI.parse(uri.format()) == uri
                    assert uri.same_as(uri)
        elif name in ("accept-types", "accept-wrapped-types"):
            _read(seen, parse_accept_types, argument)
        elif name == "max-size":
            _read(seen, parse_max_size, argument)


def _check_editor(sdp: SessionDescription, text: str, rng: random.Random) -> None:
    """Editor invariants: identity edits give the text back; real edits give valid SDP."""
    assert SDPEditor(sdp).to_text() == text
    same = SDPEditor(sdp)
    for index, line in enumerate(sdp.lines):
        # The editor takes one "x=..." line: not an empty one, nor one holding a lone CR.
        if len(line) >= 2 and line[1] == "=" and "\r" not in line and rng.random() < 0.5:
            same.replace(index, line)
    assert same.to_text() == text
    if not sdp.lines:
        return
    first = next(i for i, line in enumerate(sdp.lines) if line)  # the v= line
    editor = SDPEditor(sdp)
    replaced: dict[int, str] = {}
    deleted: set[int] = set()
    after: dict[int, list[str]] = {}
    for _ in range(rng.randrange(1, 4)):
        index = rng.randrange(first, len(sdp.lines))
        action = rng.randrange(3)
        if action == 0:
            editor.insert_after(index, "a=fuzz:1")
            after.setdefault(index, []).append("a=fuzz:1")
        elif action == 1 and index != first:
            editor.delete(index)
            deleted.add(index)
            replaced.pop(index, None)
        else:
            line = "v=0" if index == first else "a=replaced"
            editor.replace(index, line)
            replaced[index] = line
            deleted.discard(index)
    media = rng.randrange(-1, sdp.media_count) if sdp.media_count else -1
    section = sdp.section_range(None if media < 0 else media)
    editor.append_to_section(None if media < 0 else media, "a=appended")
    end = section[-1] if len(section) else section.start - 1
    after.setdefault(end, []).append("a=appended")
    expected: list[str] = []
    for index, line in enumerate(sdp.lines):
        if index not in deleted:
            expected.append(replaced.get(index, line))
        expected.extend(after.get(index, ()))
    out = editor.to_text()
    try:
        again = SessionDescription.parse(out)
    except SDPError as error:
        raise AssertionError(f"the editor wrote SDP that does not parse: {error}") from None
    # Compared without empty lines and final CRs: when the last line goes and the body ended
    # without a terminator, the line before loses its own (by design), so an empty one
    # vanishes and a CR ending an unterminated line may pair with a new line feed.
    assert _content(again.lines) == _content(expected), (sdp.lines, again.lines)


def _content(lines: Sequence[str]) -> list[str]:
    return [line.rstrip("\r") for line in lines if line.rstrip("\r")]


def run_sdp(data: bytes) -> list[str]:
    """Run one input through the SDP layer (see the module docstring)."""
    seen: list[str] = []
    text = decode_sdp_bytes(data)
    assert encode_sdp_text(text) == data
    try:
        sdp = SessionDescription.parse(text)
    except SDPError as error:
        seen.append(signature(error))
        return seen
    assert sdp.to_text() == text
    for media in range(sdp.media_count):
        try:
            info = read_media(sdp, media)
        except SDPError as error:
            seen.append(signature(error))
            continue
        assert info.line == sdp.media_line(media)
        for fingerprint in info.fingerprints:
            assert Fingerprint.parse(fingerprint.format()) == fingerprint
        assert set(info.usable_fingerprints) <= set(info.fingerprints)
        if info.path:
            assert parse_path(format_path(info.path)) == info.path
    for line in sdp.lines:
        _check_line(seen, line)
    _check_editor(sdp, text, random.Random(zlib.crc32(data)))
    return seen


TARGET: Final = Target(
    name="sdp",
    description="SessionDescription.parse, read_media, every typed reader, SDPEditor",
    seeds=sdp_seeds,
    mutate=mutate_sdp,
    run=run_sdp,
)
