"""Hypothesis strategies for SDP bodies built from valid lines (attrs ``strategies.py`` style).

:func:`sdp_documents` draws a :class:`GeneratedSDP`: the lines, the terminator of each
line and where the ``m=`` lines are, so a test knows what a parser must find without
asking the parser. Lines are valid by construction (``<a-z>=<value>``, ``v=`` first,
``m=`` lines following RFC 8866 §5.14); values are any text without CR or LF, so
unknown attributes, duplicates, odd spacing and non-ASCII text all occur.
"""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

__all__ = ["GeneratedSDP", "line_endings", "media_lines", "sdp_documents"]

#: RFC 8866 §9 token characters.
_TOKEN_CHARS = "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz{|}~"
_TYPES_BUT_M = "abcdefghijklnopqrstuvwxyz"

line_endings = st.sampled_from(["\r\n", "\n"])
_tokens = st.text(alphabet=_TOKEN_CHARS, min_size=1, max_size=8)
_values = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]),
    max_size=30,
)
_attribute_names = st.one_of(
    st.sampled_from(
        [
            "setup",
            "connection",
            "fingerprint",
            "path",
            "accept-types",
            "accept-wrapped-types",
            "max-size",
            "msrp-cema",
            "3ge2ae",
            "sendrecv",
            "rtpmap",
            "x-unknown",
        ]
    ),
    _tokens,
)


@st.composite
def media_lines(draw: st.DrawFn) -> str:
    """The text of one ``m=`` line (without terminator) that RFC 8866 §5.14 accepts."""
    media = draw(_tokens)
    port = draw(st.integers(min_value=0, max_value=65535))
    port_text = str(port).zfill(draw(st.integers(min_value=1, max_value=5)))
    count = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=99)))
    if count is not None:
        port_text += f"/{count}"
    proto = "/".join(draw(st.lists(_tokens, min_size=1, max_size=3)))
    fmt = draw(st.lists(st.text(alphabet=_TOKEN_CHARS + "/:", min_size=1, max_size=5), max_size=4))
    return " ".join(["m=" + media, port_text, proto, *fmt])


@st.composite
def _other_line(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        name = draw(_attribute_names)
        value = draw(st.one_of(st.none(), _values))
        return f"a={name}" if value is None else f"a={name}:{value}"
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return ""  # a stray empty line, tolerated and kept
    return draw(st.sampled_from(_TYPES_BUT_M)) + "=" + draw(_values)


@attrs.frozen
class GeneratedSDP:
    """A drawn SDP body and what it is made of."""

    lines: tuple[str, ...]
    eols: tuple[str, ...]

    @property
    def text(self) -> str:
        """The body as it travels."""
        return "".join(line + eol for line, eol in zip(self.lines, self.eols, strict=True))

    @property
    def media_starts(self) -> tuple[int, ...]:
        """Indices of the ``m=`` lines."""
        return tuple(i for i, line in enumerate(self.lines) if line.startswith("m="))


@st.composite
def sdp_documents(draw: st.DrawFn, *, max_media: int = 3) -> GeneratedSDP:
    """An SDP body of valid lines with per-line CRLF/LF endings (mixed or uniform)."""
    lines = [""] * draw(st.integers(min_value=0, max_value=1))
    lines.append("v=" + draw(st.sampled_from(["0", "1", ""])))
    lines += draw(st.lists(_other_line(), max_size=6))
    for _ in range(draw(st.integers(min_value=0, max_value=max_media))):
        lines.append(draw(media_lines()))
        lines += draw(st.lists(_other_line(), max_size=6))
    if draw(st.booleans()):
        # One ending for the whole body, as most stacks send it.
        eol = draw(line_endings)
        eols = [eol] * len(lines)
    else:
        eols = [draw(line_endings) for _ in lines]
    # The last line may lack a terminator, unless it is empty (nothing would show it).
    if lines[-1] and draw(st.booleans()):
        eols[-1] = ""
    return GeneratedSDP(tuple(lines), tuple(eols))
