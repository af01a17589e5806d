"""The line-preserving SDP model: what goes in comes out, byte for byte.

Examples pin the rules (line endings, empty lines, unknown and duplicate attributes,
errors with line numbers, editor semantics); Hypothesis checks that parse → write is
the identity on any body of valid lines and that edits touch only the edited lines.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imsalg.errors import SDPError, SDPSyntaxError
from imsalg.sdp.attributes import MediaLine
from imsalg.sdp.model import SDPEditor, SessionDescription, decode_sdp_bytes, encode_sdp_text
from tests.complexity import assert_linear

from .strategies import GeneratedSDP, sdp_documents

CRLF_OFFER = (
    "v=0\r\n"
    "o=- 2890844526 2890844526 IN IP4 198.51.100.20\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.20\r\n"
    "t=0 0\r\n"
    "a=x-session-thing:1\r\n"
    "m=message 7394 TCP/TLS/MSRP *\r\n"
    "a=accept-types:message/cpim text/plain\r\n"
    "a=path:msrps://3ghd84.invalid:7394/s8dJwqZ1;tcp\r\n"
    "a=setup:actpass\r\n"
    "a=fingerprint:sha-256 AA:BB\r\n"
    "a=fingerprint:sha-1 CC:DD\r\n"
    "a=msrp-cema\r\n"
    "a=x-unknown:keep me\r\n"
    "a=x-unknown:keep me too\r\n"
    "m=audio 49170 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
)


def parse(text: str) -> SessionDescription:
    return SessionDescription.parse(text)


# -- parse and write back ---------------------------------------------------------------


def test_crlf_body_round_trips_and_is_split_into_lines() -> None:
    sdp = parse(CRLF_OFFER)
    assert sdp.to_text() == CRLF_OFFER
    assert sdp.lines[0] == "v=0"
    assert sdp.lines[-1] == "a=rtpmap:0 PCMU/8000"
    assert set(sdp.eols) == {"\r\n"}
    assert len(sdp.lines) == CRLF_OFFER.count("\r\n")
    assert sdp.eol == "\r\n"


def test_lf_body_round_trips() -> None:
    text = CRLF_OFFER.replace("\r\n", "\n")
    sdp = parse(text)
    assert sdp.to_text() == text
    assert set(sdp.eols) == {"\n"}
    assert sdp.eol == "\n"


def test_mixed_endings_are_kept_per_line() -> None:
    text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\ns=-\r\nt=0 0\nm=message 9 TCP/MSRP *\r\n"
    sdp = parse(text)
    assert sdp.eols == ("\r\n", "\n", "\r\n", "\n", "\r\n")
    assert sdp.to_text() == text


def test_last_line_without_terminator_is_kept() -> None:
    text = "v=0\r\ns=-\r\nm=message 9 TCP/MSRP *"
    sdp = parse(text)
    assert sdp.eols[-1] == ""
    assert sdp.lines[-1] == "m=message 9 TCP/MSRP *"
    assert sdp.to_text() == text


def test_document_line_ending_is_that_of_the_first_terminated_line() -> None:
    assert parse("v=0\ns=-\r\n").eol == "\n"
    assert parse("v=0").eol == "\r\n"  # no terminator anywhere: RFC 8866 CRLF


def test_empty_lines_are_tolerated_and_kept() -> None:
    # sipwise/rtpengine#1500, #52, #18: blank lines and extra CRLFs must not break us.
    text = "\r\nv=0\r\n\r\ns=-\r\nm=message 9 TCP/MSRP *\r\n\r\na=setup:active\r\n\r\n\n"
    sdp = parse(text)
    assert sdp.to_text() == text
    assert sdp.lines == (
        "",
        "v=0",
        "",
        "s=-",
        "m=message 9 TCP/MSRP *",
        "",
        "a=setup:active",
        "",
        "",
    )
    assert sdp.media_starts == (4,)
    assert sdp.attributes(0, "setup") == [(6, "active")]


def test_unknown_and_duplicate_attributes_survive_in_place() -> None:
    sdp = parse(CRLF_OFFER)
    assert sdp.attributes(0, "x-unknown") == [(13, "keep me"), (14, "keep me too")]
    assert sdp.attributes(0, "fingerprint") == [(10, "sha-256 AA:BB"), (11, "sha-1 CC:DD")]
    editor = SDPEditor(sdp)
    editor.replace(9, "a=setup:passive")
    out = editor.to_text()
    assert out == CRLF_OFFER.replace("a=setup:actpass", "a=setup:passive")


def test_session_and_media_attributes_are_distinguished() -> None:
    text = (
        "v=0\r\ns=-\r\na=setup:active\r\na=msrp-cema\r\n"
        "m=message 9 TCP/MSRP *\r\na=setup:passive\r\n"
        "m=message 10 TCP/MSRP *\r\na=path:msrp://h:1/s;tcp\r\n"
    )
    sdp = parse(text)
    assert sdp.attributes(None, "setup") == [(2, "active")]
    assert sdp.attributes(0, "setup") == [(5, "passive")]
    assert sdp.attributes(1, "setup") == []
    assert sdp.attribute(None, "msrp-cema") == (3, None)  # a property attribute has no value
    assert not sdp.has_attribute(0, "msrp-cema")
    assert sdp.attribute(1, "path") == (7, "msrp://h:1/s;tcp")  # value: after the first colon
    assert list(sdp.section_range(None)) == [0, 1, 2, 3]
    assert list(sdp.section_range(0)) == [4, 5]
    assert list(sdp.section_range(1)) == [6, 7]
    assert sorted(sdp.attribute_map(None)) == ["msrp-cema", "setup"]


def test_attribute_names_match_exactly() -> None:
    sdp = parse("v=0\r\nm=message 9 TCP/MSRP *\r\na=Setup:active\r\na=setup:passive\r\n")
    assert sdp.attributes(0, "setup") == [(3, "passive")]
    assert sdp.attributes(0, "Setup") == [(2, "active")]


def test_attributes_returns_a_copy() -> None:
    sdp = parse("v=0\r\na=setup:active\r\n")
    found = sdp.attributes(None, "setup")
    found.clear()
    assert sdp.attributes(None, "setup") == [(1, "active")]


def test_media_sections_and_lines_of() -> None:
    sdp = parse(CRLF_OFFER)
    assert sdp.media_count == 2
    assert sdp.media_starts == (6, 15)
    assert sdp.media_line(0).media == "message"
    assert sdp.media_line(1).fmt == ("0",)
    assert list(sdp.lines_of(None, "c")) == [(3, "IN IP4 198.51.100.20")]
    assert list(sdp.lines_of(0, "c")) == []


def test_a_body_without_media_is_all_session() -> None:
    sdp = parse("v=0\r\ns=-\r\n")
    assert sdp.media_count == 0
    assert list(sdp.section_range(None)) == [0, 1]


def test_carriage_returns_that_do_not_end_a_line_are_content() -> None:
    text = "v=0\r\ns=odd\rtitle\r\ni=last line ends in CR\r"
    sdp = parse(text)
    assert sdp.lines == ("v=0", "s=odd\rtitle", "i=last line ends in CR\r")
    assert sdp.eols == ("\r\n", "\r\n", "")
    assert sdp.to_text() == text


def test_a_single_unterminated_line_edits_with_crlf() -> None:
    editor = SDPEditor(parse("v=0"))
    editor.insert_after(0, "s=-")
    assert editor.to_text() == "v=0\r\ns=-"


@pytest.mark.parametrize(
    "text",
    [
        "v=0\r\ns=-\nm=message 9 TCP/MSRP *\r\na=setup:active\n",
        "v=0\r\ns=-\r\nm=message 9 TCP/MSRP *\r\na=setup:active",
        "v=0\ns=-\nm=message 9 TCP/MSRP *\na=setup:active\n",
    ],
)
def test_a_description_built_from_lines_behaves_like_a_parsed_one(text: str) -> None:
    parsed = parse(text)
    built = SessionDescription(parsed.lines, parsed.eols)
    assert built.media_starts == parsed.media_starts
    assert built.to_text() == text
    assert built.uniform_eol == parsed.uniform_eol
    outputs = set()
    for sdp in (parsed, built):
        editor = SDPEditor(sdp)
        editor.replace(3, "a=setup:passive")
        editor.insert_after(2, "c=IN IP4 192.0.2.1")
        editor.insert_after(3, "a=x")
        editor.delete(1)
        outputs.add(editor.to_text())
    assert len(outputs) == 1


# -- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("v=0\r\ns=-\r\nthis is not sdp\r\n", 3),
        ("v=0\r\nA=upper-case type\r\n", 2),
        ("v=0\r\nab=two letters\r\n", 2),
        ("v=0\r\ns=-\r\n=\r\n", 3),
        ("v=0\ns=-\nx\n", 3),
        ("v=0\r\n\r\n\r\n1=digit\r\n", 4),
        ("v=0\r\nm=message 9 TCP/MSRP *\r\na\r\n", 3),
        ("o=- 1 1 IN IP4 192.0.2.1\r\nv=0\r\n", 1),
        ("\r\n\r\ns=-\r\n", 3),
        ("v=0\r\nm=message port TCP/MSRP *\r\n", 2),
        ("v=0\r\ns=-\r\nm=message 65536 TCP/MSRP *\r\n", 3),
        ("v=0\r\nm=message 9/0 TCP/MSRP *\r\n", 2),
        ("v=0\r\nm=message 9\r\n", 2),
        ("v=0\r\nm=message  9 TCP/MSRP *\r\n", 2),
        ("v=0\r\ns=-\r\n\r", 3),  # a lone CR at the very end is not an empty line
        ("\rv=0\r\n", 1),
        ("v=0\r\n\r\rs=-\r\n", 2),
        ("v=0\r\nm=message 9 TCP/MSRP *\r", 2),
    ],
)
def test_bad_lines_are_400_with_the_line_number(text: str, line: int) -> None:
    with pytest.raises(SDPSyntaxError) as caught:
        parse(text)
    assert caught.value.line == line
    assert caught.value.sip_status == 400
    assert f"line {line}:" in str(caught.value)
    assert isinstance(caught.value, SDPError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("text", ["", "\r\n", "\n\n\r\n"])
def test_an_empty_body_is_400(text: str) -> None:
    with pytest.raises(SDPSyntaxError) as caught:
        parse(text)
    assert caught.value.sip_status == 400
    assert caught.value.line == 0


def test_bytes_are_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match="decode_sdp_bytes"):
        SessionDescription.parse(b"v=0\r\n")  # type: ignore[arg-type]


# -- bytes ------------------------------------------------------------------------------


def test_non_utf8_bytes_round_trip_through_surrogateescape() -> None:
    data = b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=caf\xe9 \xff\xfe\r\ni=\xc3\xa9t\xc3\xa9\r\n"
    text = decode_sdp_bytes(data)
    sdp = parse(text)
    assert encode_sdp_text(sdp.to_text()) == data
    editor = SDPEditor(sdp)
    editor.replace(1, "o=- 1 2 IN IP4 192.0.2.1")
    assert encode_sdp_text(editor.to_text()) == data.replace(b"1 1 IN", b"1 2 IN")


@given(
    st.lists(
        st.binary(max_size=20).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
        min_size=1,
        max_size=6,
    )
)
def test_any_bytes_in_values_round_trip(values: list[bytes]) -> None:
    data = b"v=0\r\n" + b"".join(b"s=" + value + b"\r\n" for value in values)
    assert encode_sdp_text(parse(decode_sdp_bytes(data)).to_text()) == data


# -- editor -----------------------------------------------------------------------------

SMALL = "v=0\r\ns=-\nt=0 0\r\nm=message 9 TCP/MSRP *\na=setup:actpass\r\n"


def test_editor_without_edits_is_the_identity() -> None:
    editor = SDPEditor(parse(SMALL))
    assert not editor.changed
    assert editor.to_text() == SMALL


def test_replace_keeps_the_line_ending_of_the_replaced_line() -> None:
    editor = SDPEditor(parse(SMALL))
    editor.replace(1, "s=new")
    assert editor.changed
    assert editor.to_text() == "v=0\r\ns=new\nt=0 0\r\nm=message 9 TCP/MSRP *\na=setup:actpass\r\n"


def test_delete_removes_the_line_and_its_terminator() -> None:
    editor = SDPEditor(parse(SMALL))
    editor.delete(2)
    assert editor.to_text() == "v=0\r\ns=-\nm=message 9 TCP/MSRP *\na=setup:actpass\r\n"


def test_insert_after_takes_the_ending_of_the_line_it_follows() -> None:
    editor = SDPEditor(parse(SMALL))
    editor.insert_after(1, "i=one")  # line 1 ends with LF
    editor.insert_after(3, "c=IN IP4 192.0.2.1")  # line 3 ends with LF
    editor.insert_after(2, "b=AS:64")  # line 2 ends with CRLF
    assert editor.to_text() == (
        "v=0\r\ns=-\ni=one\nt=0 0\r\nb=AS:64\r\nm=message 9 TCP/MSRP *\n"
        "c=IN IP4 192.0.2.1\na=setup:actpass\r\n"
    )


def test_several_inserts_after_one_line_keep_their_order() -> None:
    editor = SDPEditor(parse(SMALL))
    for name in ("a=one", "a=two", "a=three"):
        editor.insert_after(4, name)
    assert editor.to_text().endswith("a=setup:actpass\r\na=one\r\na=two\r\na=three\r\n")


def test_insert_after_a_deleted_line_is_kept_in_its_place() -> None:
    editor = SDPEditor(parse(SMALL))
    editor.delete(4)
    editor.insert_after(4, "a=setup:passive")
    editor.insert_after(4, "a=fingerprint:sha-256 AA")
    assert editor.to_text() == (
        "v=0\r\ns=-\nt=0 0\r\nm=message 9 TCP/MSRP *\n"
        "a=setup:passive\r\na=fingerprint:sha-256 AA\r\n"
    )


def test_insert_before_the_first_line() -> None:
    editor = SDPEditor(parse("v=0\ns=-\n"))
    editor.insert_after(-1, "x=odd but asked for")
    assert editor.to_text() == "x=odd but asked for\nv=0\ns=-\n"


def test_the_last_edit_of_a_line_wins() -> None:
    editor = SDPEditor(parse(SMALL))
    editor.replace(1, "s=first")
    editor.delete(1)
    editor.replace(2, "t=1 1")
    editor.delete(2)
    editor.replace(2, "t=2 2")
    out = editor.to_text()
    assert "s=" not in out
    assert "t=2 2\r\n" in out


def test_edits_address_original_indices_in_any_order() -> None:
    orders = [
        [("insert", 0, "i=x"), ("delete", 1, ""), ("replace", 3, "m=message 0 TCP/MSRP *")],
        [("replace", 3, "m=message 0 TCP/MSRP *"), ("delete", 1, ""), ("insert", 0, "i=x")],
    ]
    outputs = set()
    for order in orders:
        editor = SDPEditor(parse(SMALL))
        for op, index, line in order:
            if op == "insert":
                editor.insert_after(index, line)
            elif op == "delete":
                editor.delete(index)
            else:
                editor.replace(index, line)
        outputs.add(editor.to_text())
    assert outputs == {"v=0\r\ni=x\r\nt=0 0\r\nm=message 0 TCP/MSRP *\na=setup:actpass\r\n"}


def test_append_to_section() -> None:
    text = "v=0\r\ns=-\r\nm=message 9 TCP/MSRP *\r\na=setup:actpass\r\nm=audio 0 RTP/AVP 0\r\n"
    editor = SDPEditor(parse(text))
    editor.append_to_section(None, "a=session-end")
    editor.append_to_section(0, "a=message-end")
    editor.append_to_section(1, "a=audio-end")
    assert editor.to_text() == (
        "v=0\r\ns=-\r\na=session-end\r\nm=message 9 TCP/MSRP *\r\na=setup:actpass\r\n"
        "a=message-end\r\nm=audio 0 RTP/AVP 0\r\na=audio-end\r\n"
    )


def test_output_without_final_terminator_when_the_input_had_none() -> None:
    text = "v=0\r\ns=-\r\nm=message 9 TCP/MSRP *"
    editor = SDPEditor(parse(text))
    editor.append_to_section(0, "a=setup:active")
    # The old last line gets the document's ending; the new last line gets none.
    assert editor.to_text() == "v=0\r\ns=-\r\nm=message 9 TCP/MSRP *\r\na=setup:active"

    editor = SDPEditor(parse(text))
    editor.replace(2, "m=message 0 TCP/MSRP *")
    assert editor.to_text() == "v=0\r\ns=-\r\nm=message 0 TCP/MSRP *"

    editor = SDPEditor(parse(text))
    editor.delete(2)
    assert editor.to_text() == "v=0\r\ns=-"


def test_output_keeps_the_final_terminator_when_the_input_had_one() -> None:
    editor = SDPEditor(parse("v=0\ns=-\n"))
    editor.delete(1)
    assert editor.to_text() == "v=0\n"
    editor = SDPEditor(parse("v=0\ns=-\n"))
    editor.append_to_section(None, "t=0 0")
    assert editor.to_text() == "v=0\ns=-\nt=0 0\n"


@pytest.mark.parametrize("bad", ["", "v", "a=x\r\na=y", "a=x\n", "a=x\r", "ab=c"])
def test_editor_refuses_anything_but_one_line(bad: str) -> None:
    editor = SDPEditor(parse(SMALL))
    with pytest.raises(ValueError, match="not one SDP line"):
        editor.replace(0, bad)
    with pytest.raises(ValueError, match="not one SDP line"):
        editor.insert_after(0, bad)
    assert not editor.changed


# -- properties -------------------------------------------------------------------------


@settings(max_examples=300)
@given(sdp_documents())
def test_parse_then_write_is_the_identity(doc: GeneratedSDP) -> None:
    sdp = parse(doc.text)
    assert sdp.lines == doc.lines
    assert sdp.eols == doc.eols
    assert sdp.media_starts == doc.media_starts
    assert sdp.media_count == len(doc.media_starts)
    assert sdp.to_text() == doc.text
    assert SDPEditor(sdp).to_text() == doc.text
    data = encode_sdp_text(doc.text)
    assert encode_sdp_text(parse(decode_sdp_bytes(data)).to_text()) == data


def _expected_after_edits(
    doc: GeneratedSDP,
    replaced: dict[int, str],
    deleted: set[int],
    inserted: dict[int, list[str]],
) -> str:
    """The editor's contract, stated directly: untouched lines keep their bytes and place;
    inserted lines take the ending of the line they follow (the document's ending when
    that line has none, or before the first line); a body that ended without a terminator
    still does."""
    default = next((eol for eol in doc.eols if eol), "\r\n")
    pieces: list[tuple[str, str]] = [(line, default) for line in inserted.get(-1, [])]
    for index, (line, eol) in enumerate(zip(doc.lines, doc.eols, strict=True)):
        if index not in deleted:
            pieces.append((replaced.get(index, line), eol or default))
        pieces += [(extra, eol or default) for extra in inserted.get(index, [])]
    if pieces and doc.eols[-1] == "":
        pieces[-1] = (pieces[-1][0], "")
    return "".join(line + eol for line, eol in pieces)


@st.composite
def _documents_with_edits(
    draw: st.DrawFn,
) -> tuple[GeneratedSDP, list[tuple[str, int, str]]]:
    doc = draw(sdp_documents())
    count = len(doc.lines)
    new_lines = st.from_regex(r"[a-z]=[ -~]{0,12}", fullmatch=True)
    edits = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["replace", "delete", "insert"]),
                st.integers(min_value=-1, max_value=count - 1),
                new_lines,
            ),
            max_size=8,
        )
    )
    return doc, [
        (op, max(index, 0) if op != "insert" else index, line) for op, index, line in edits
    ]


@settings(max_examples=300)
@given(_documents_with_edits())
def test_edits_touch_only_the_edited_lines(
    case: tuple[GeneratedSDP, list[tuple[str, int, str]]],
) -> None:
    doc, edits = case
    editor = SDPEditor(parse(doc.text))
    replaced: dict[int, str] = {}
    deleted: set[int] = set()
    inserted: dict[int, list[str]] = {}
    for op, index, line in edits:
        if op == "replace":
            editor.replace(index, line)
            replaced[index] = line
            deleted.discard(index)
        elif op == "delete":
            editor.delete(index)
            deleted.add(index)
            replaced.pop(index, None)
        else:
            editor.insert_after(index, line)
            inserted.setdefault(index, []).append(line)
    out = editor.to_text()
    assert out == _expected_after_edits(doc, replaced, deleted, inserted)
    # Said once more without the reference: the untouched lines, with their endings,
    # appear in the output in their original order.
    touched = set(replaced) | deleted | set(inserted)
    position = 0
    for index, (line, eol) in enumerate(zip(doc.lines, doc.eols, strict=True)):
        if index in touched:
            continue
        expected = line + eol
        found = out.find(expected, position)
        if found < 0 and doc.eols[-1] == "" and out.endswith(line):
            # Only the line that ends the output may lose its terminator (the input
            # ended without one).
            expected, found = line, len(out) - len(line)
        assert found >= position, (index, line)
        position = found + len(expected)


#: The line grammar as one regex (RFC 8866 §5, empty lines tolerated): the oracle for
#: the faster two-part check :meth:`SessionDescription.parse` does.
_BODY_GRAMMAR = re.compile(r"(?:\r?\n)*v=[^\n]*(?:\n(?:[a-z]=[^\n]*|\r(?=\n))?)*")


@settings(max_examples=2000)
@given(
    st.lists(
        st.sampled_from(["v=", "a=", "\n", "\r\n", "\r", "v", "a", "=", "x", "A", "1", " "]),
        max_size=12,
    ).map("".join)
)
def test_the_line_grammar_check_equals_the_grammar_regex(text: str) -> None:
    # m= lines are checked separately; the pieces make none.
    accepted = True
    try:
        parse(text)
    except SDPSyntaxError:
        accepted = False
    assert accepted == (_BODY_GRAMMAR.fullmatch(text) is not None)


@settings(max_examples=200)
@given(
    sdp_documents(),
    st.sampled_from(["a", "c", "m", "v", "x", "b", "", "c=", "ab", "\r"]),
    st.sampled_from(["setup", "fingerprint", "msrp-cema", "x-unknown", "", "set", "a:b"]),
)
def test_section_lookups_agree_with_the_lines(doc: GeneratedSDP, kind: str, name: str) -> None:
    # lines_of and the attribute look-ups search a parsed body's text; a description
    # built from lines reads the lines; once a section's attribute map is built, both
    # read it. All must say what the lines say.
    warm = parse(doc.text)
    for media in (None, *range(warm.media_count)):
        warm.attribute_map(media)
    for sdp in (parse(doc.text), SessionDescription(doc.lines, doc.eols), warm):
        for media in (None, *range(sdp.media_count)):
            section = sdp.section_range(media)
            expected = [
                (index, sdp.lines[index][2:])
                for index in section
                if sdp.lines[index].startswith(kind + "=")
            ]
            assert list(sdp.lines_of(media, kind)) == expected
            named = [
                (index, value if colon else None)
                for index in section
                if sdp.lines[index].startswith("a=")
                for head, colon, value in [sdp.lines[index][2:].partition(":")]
                if head == name
            ]
            assert sdp.attributes(media, name) == named
            assert sdp.attribute(media, name) == (named[0] if named else None)
            assert sdp.has_attribute(media, name) == bool(named)


@settings(max_examples=200)
@given(
    sdp_documents(), st.integers(min_value=0, max_value=65535), st.sampled_from(["TCP/MSRP", "x"])
)
def test_media_line_text_is_the_line_rebuilt_with_port_and_proto(
    doc: GeneratedSDP, port: int, proto: str
) -> None:
    sdp = parse(doc.text)
    for media in range(sdp.media_count):
        line = sdp.media_line(media)
        rebuilt = MediaLine(media=line.media, port=port, proto=proto, fmt=line.fmt).format()
        assert sdp.media_line_text(media, port=port, proto=proto) == "m=" + rebuilt


def _fingerprint_section(n: int) -> SessionDescription:
    return parse("v=0\r\nm=message 9 TCP/MSRP *\r\n" + "a=fingerprint:sha-256 AB\r\n" * n)


def test_look_ups_in_a_huge_section_take_linear_time() -> None:
    # The text search counts line feeds from one hit to the next (counting from the
    # section start for each hit was quadratic: seconds for 16000 lines).
    sdp = _fingerprint_section(16000)
    found = sdp.attributes(0, "fingerprint")
    assert len(list(sdp.lines_of(0, "a"))) == len(found) == 16000
    assert found[-1] == (16001, "sha-256 AB")
    assert_linear(_fingerprint_section, lambda sdp: sdp.attributes(0, "fingerprint"), size=2000)


def _delete_all_fingerprints(sdp: SessionDescription) -> str:
    editor = SDPEditor(sdp)
    for index, _ in sdp.attributes(0, "fingerprint"):
        editor.delete(index)
    editor.insert_after(sdp.attributes(0, "fingerprint")[-1][0], "a=setup:active")
    return editor.to_text()


def test_deleting_every_line_of_a_huge_section_takes_linear_time() -> None:
    # An insertion after a deleted line is kept.
    out = _delete_all_fingerprints(_fingerprint_section(16000))
    assert out == "v=0\r\nm=message 9 TCP/MSRP *\r\na=setup:active\r\n"
    assert_linear(_fingerprint_section, _delete_all_fingerprints, size=2000)
