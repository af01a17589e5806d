"""Differential test: imsalg's SDP model against sdp-transform (PyPI 1.1.0) as an oracle.

For every ``fixtures/**/*.sdp`` (the corpus others add to, plus the MSRP/IMS bodies in
``fixtures/sdp/``):

1. imsalg's model gives back the exact bytes;
2. on every field both parsers understand (origin, ``c=``, ``m=`` type/port/proto/
   formats, ``a=setup``, ``a=connection``, ``a=fingerprint`` — sdp-transform keeps one,
   our last —, direction) the two agree, level by level;
3. sdp-transform's own round trip is lossy on MSRP SDP, and every loss is one of the
   kinds documented in :mod:`imsalg.sdp.transform` (a documented assertion, not a
   failure of ours).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import sdp_transform

from imsalg.errors import SDPSyntaxError
from imsalg.sdp.model import SessionDescription, decode_sdp_bytes, encode_sdp_text
from imsalg.sdp.transform import (
    UNREADABLE,
    LevelFields,
    SDPFields,
    coerce_number,
    from_transform_dict,
    model_fields,
    to_transform_dict,
    transform_fields,
)

ROOT = Path(__file__).resolve().parents[2]
ALL_FIXTURES = sorted(ROOT.glob("fixtures/**/*.sdp"))
OWN_FIXTURES = sorted((ROOT / "fixtures" / "sdp").glob("*.sdp"))

#: Attributes outside sdp-transform's grammar that TS 24.247 / RFC 4975 SDP carries.
MSRP_ATTRIBUTES = (
    "path",
    "accept-types",
    "accept-wrapped-types",
    "max-size",
    "msrp-cema",
    "3ge2ae",
)
#: Attributes sdp-transform holds as one value per level: the last line wins.
SINGLE_VALUED = ("setup", "connection", "fingerprint")
#: Direction attributes: one "direction" value per level, the last line wins.
DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT / "fixtures"))


def _text(path: Path) -> str:
    return decode_sdp_bytes(path.read_bytes())


def _refusal(text: str) -> SDPSyntaxError | None:
    try:
        SessionDescription.parse(text)
    except SDPSyntaxError as exc:
        return exc
    return None


#: The fixtures imsalg accepts as SDP (a refusal case or two are in the corpus on purpose).
READABLE_FIXTURES = [path for path in ALL_FIXTURES if _refusal(_text(path)) is None]


def test_the_corpus_is_there() -> None:
    assert len(OWN_FIXTURES) >= 10
    assert set(OWN_FIXTURES) <= set(READABLE_FIXTURES) <= set(ALL_FIXTURES)


# -- 1. our model: bytes in, same bytes out ---------------------------------------------


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=_id)
def test_model_round_trips_the_exact_bytes(path: Path) -> None:
    data = path.read_bytes()
    text = decode_sdp_bytes(data)
    refusal = _refusal(text)
    if refusal is None:
        assert encode_sdp_text(SessionDescription.parse(text).to_text()) == data
        return
    # A refusal (400) names the line; sdp-transform would go on without a word.
    assert refusal.sip_status == 400
    assert refusal.line > 0
    bad_line = data.split(b"\n")[refusal.line - 1].rstrip(b"\r")
    assert bad_line.startswith(b"m=") or not re.match(rb"[a-z]=", bad_line)
    assert isinstance(sdp_transform.parse(text), dict)
    with pytest.raises(SDPSyntaxError):
        to_transform_dict(text)  # the adapter checks with imsalg's parser first


# -- 2. the fields both understand agree --------------------------------------------------


def _understood(path: Path) -> tuple[SDPFields, SDPFields]:
    text = _text(path)
    return model_fields(SessionDescription.parse(text)), transform_fields(sdp_transform.parse(text))


def _compare_level(ours: LevelFields, theirs: LevelFields, where: str) -> Iterator[str]:
    for field in attrs.fields(LevelFields):
        mine, other = getattr(ours, field.name), getattr(theirs, field.name)
        if mine == UNREADABLE:
            # imsalg refuses that line's value; sdp-transform must at least have seen it.
            if other is None:
                yield f"{where}.{field.name}: a line we refuse is missing in sdp-transform"
            continue
        if mine != other:
            yield f"{where}.{field.name}: imsalg {mine!r} != sdp-transform {other!r}"


@pytest.mark.parametrize("path", READABLE_FIXTURES, ids=_id)
def test_fields_both_understand_agree(path: Path) -> None:
    ours, theirs = _understood(path)
    problems: list[str] = []
    if ours.version != theirs.version:
        problems.append(f"v=: {ours.version!r} != {theirs.version!r}")
    if ours.origin != UNREADABLE and ours.origin != theirs.origin:
        problems.append(f"o=: {ours.origin!r} != {theirs.origin!r}")
    problems += _compare_level(ours.session, theirs.session, "session")
    assert len(ours.media) == len(theirs.media), "both find the same m= sections"
    for index, (mine, other) in enumerate(zip(ours.media, theirs.media, strict=True)):
        if other.media is None:
            # sdp-transform's m= grammar has no port count (m=message 2855/2 ...).
            assert mine.port_count, f"m-line {index}: sdp-transform could not read it"
        elif mine.media != other.media:
            problems.append(f"m-line {index}: {mine.media!r} != {other.media!r}")
        problems += _compare_level(mine.level, other.level, f"m-line {index}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", OWN_FIXTURES, ids=_id)
def test_own_fixtures_are_read_completely_by_both(path: Path) -> None:
    ours, theirs = _understood(path)
    levels = [ours.session, *(media.level for media in ours.media)]
    assert all(
        getattr(level, f.name) != UNREADABLE for level in levels for f in attrs.fields(LevelFields)
    )
    assert ours.origin != UNREADABLE
    assert all(media.media is not None for media in theirs.media)
    assert ours == theirs


# -- 3. sdp-transform's round trip: lossy, in documented ways only -------------------------


def _sections(text: str) -> list[list[str]]:
    """Lines per section, empty lines left out."""
    sections: list[list[str]] = [[]]
    for line in re.split(r"\r?\n", text):
        if not line:
            continue
        if line.startswith("m="):
            sections.append([])
        sections[-1].append(line)
    return sections


def _undo_documented_losses(text: str) -> list[list[str]]:
    """*text* as sdp-transform's documented losses leave it, order aside.

    Endings and empty lines dropped, numbers coerced in o=/t=/m=, single-valued
    attributes reduced to their last line, k= lines gone; each section sorted, since
    sdp-transform writes in grammar order.
    """
    out: list[list[str]] = []
    for section in _sections(text):
        kept: dict[str, str] = {}
        lines: list[str] = []
        for line in section:
            if line.startswith("k="):
                continue
            if line[:2] in ("o=", "t="):
                line = line[:2] + " ".join(str(coerce_number(f)) for f in line[2:].split(" "))
            elif line.startswith("m="):
                media, port, rest = line[2:].split(" ", 2)
                line = f"m={media} {coerce_number(port)} {rest}"
            name = line[2:].split(":", 1)[0] if line.startswith("a=") else None
            if name in SINGLE_VALUED or name in DIRECTIONS:
                kept["direction" if name in DIRECTIONS else name] = line
                continue
            lines.append(line)
        out.append(sorted(lines + list(kept.values())))
    return out


def _loss_kinds(text: str, written: str) -> set[str]:
    kinds = set()
    if "\n" in text.replace("\r\n", "") or not text.endswith("\r\n"):
        kinds.add("endings")
    if any(not line for line in re.split(r"\r?\n", text)[:-1]):
        kinds.add("empty lines")
    before, after = _sections(text), _sections(written)
    if [[line[2:].split(":")[0] for line in s if line.startswith("a=")] for s in before] != [
        [line[2:].split(":")[0] for line in s if line.startswith("a=")] for s in after
    ]:
        kinds.add("attribute order")
    for section in before:
        names = [line[2:].split(":")[0] for line in section if line.startswith("a=")]
        if any(names.count(name) > 1 for name in SINGLE_VALUED):
            kinds.add("duplicates collapsed")
    if any(line.startswith("o=") and line not in after[0] for line in before[0]):
        kinds.add("numbers coerced")
    return kinds


@pytest.mark.parametrize("path", OWN_FIXTURES, ids=_id)
def test_sdp_transform_round_trip_is_lossy_in_documented_ways(path: Path) -> None:
    text = _text(path)
    description = to_transform_dict(text)
    written = from_transform_dict(description)
    # Our model is exact; sdp-transform is not, on every one of these MSRP bodies.
    assert SessionDescription.parse(text).to_text() == text
    assert written != text
    assert _loss_kinds(text, written)
    # Every difference is one of the documented kinds: undo them and both agree.
    assert _undo_documented_losses(written) == _undo_documented_losses(text)
    # The MSRP attributes survive only as opaque entries of "invalid", in input order.
    sections = _sections(text)
    levels = [description, *description["media"]]
    for level, lines in zip(levels, sections, strict=True):
        expected = [
            line[2:]
            for line in lines
            if line.startswith("a=") and line[2:].split(":")[0] in MSRP_ATTRIBUTES
        ]
        invalid = [entry["value"] for entry in level.get("invalid", ())]
        assert [value for value in invalid if value.split(":")[0] in MSRP_ATTRIBUTES] == expected


def test_specific_documented_losses() -> None:
    fixtures = ROOT / "fixtures" / "sdp"
    two = _text(fixtures / "rcs-ue-offer-two-fingerprints-crlf.sdp")
    written = from_transform_dict(to_transform_dict(two))
    assert two.count("a=fingerprint:") == 3
    assert written.count("a=fingerprint:") == 2  # one session-level, one of the two media-level
    assert "a=fingerprint:sha-1 " in written.split("m=")[1]  # the last one survives

    mixed = _text(fixtures / "ims-ue-offer-mixed-endings-empty-line.sdp")
    written = from_transform_dict(to_transform_dict(mixed))
    assert "o=- 0123 0 " in mixed
    assert "o=- 123 0 " in written  # leading zero stripped
    assert "\r\n\r\n" in mixed
    assert "\r\n\r\n" not in written
    assert "\n" not in written.replace("\r\n", "")

    offer = _text(fixtures / "rcs-ue-offer-e2ae-crlf.sdp")
    written = from_transform_dict(to_transform_dict(offer))
    assert offer.index("a=path:") < offer.index("a=setup:")
    assert written.index("a=path:") > written.index("a=setup:")  # reordered
    assert _loss_kinds(offer, written) == {"attribute order"}
