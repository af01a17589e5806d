"""Lexical rules of H.248.1 Annex B.2 shared by the decoder and the encoder.

Each rule is written as a regular expression under the ABNF it implements (the h11
``_abnf.py`` habit), so both directions agree on what a SafeChars run, a quoted string or
an octet string is.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Final

__all__ = [
    "OCTET_HEAD_RE",
    "PLAIN_TOKEN_RE",
    "SAFE_CHARS",
    "SAFE_RUN_RE",
    "TIMESTAMP_RE",
    "TOKEN_RE",
    "escape_octets",
    "is_domain_name",
    "is_ip_address",
    "is_safe_run",
    "line_column",
    "unescape_octets",
]

# SafeChar = DIGIT / ALPHA / "+" / "-" / "&" / "!" / "_" / "/" / "\'" / "?" / "@" / "^" / "`"
#            / "~" / "*" / "$" / "\" / "(" / ")" / "%" / "|" / "."
_SAFE_CLASS = r"[A-Za-z0-9+\-&!_/'?@^`~*$\\().%|]"
SAFE_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-&!_/'?@^`~*$\\().%|"
)
SAFE_RUN_RE: Final = re.compile(_SAFE_CLASS + r"+\Z")

# LWSP = *(WSP / COMMENT / EOL); COMMENT = ";" *(SafeChar / RestChar / WSP / %x22) EOL
_LWSP = r"[ \t\r\n]*(?:;[^\r\n]*[ \t\r\n]*)*"

# octetString = *(nonEscapeChar); nonEscapeChar = ("\}" / %x01-7C / %x7E-FF)
# A backslash followed by "}" is always the escape; any other backslash is itself. Written
# so that the regex cannot backtrack into a different reading of the same text.
_OCTETS = r"[^\\}\x00]*(?:(?:\\\}|\\(?!\}))[^\\}\x00]*)*"

#: One token after optional LWSP, as group 1. Local/Remote descriptors are taken whole
#: (keyword, "{", octet string and, when present, the closing "}"), so that the SDP inside
#: is never split into tokens; a missing "}" leaves the token open for the parser to report.
#: The last alternatives catch any other character (a syntax error for the parser) and the
#: end of the text (an empty token, the parser's end marker).
TOKEN_RE: Final = re.compile(
    _LWSP
    # RestChar = ";" / "[" / "]" / "{" / "}" / ":" / "," / "#" / "<" / ">" / "=" (first:
    # the most frequent tokens, and the cheapest test)
    + r"([{}\[\],=:#<>]"
    + r"|(?i:l(?:ocal)?|r(?:emote)?)"
    + _LWSP
    + r"\{"
    + _OCTETS
    + r"\}?"
    + "|"
    + _SAFE_CLASS
    + r"+"
    # quotedString = DQUOTE *(SafeChar / EOL / %x80-FF / RestChar / WSP) DQUOTE
    + r'|"[^"\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*"'
    + r"|[\s\S]|\Z)"
)

#: :data:`TOKEN_RE` for text without any ";" (so without comments): white space only.
PLAIN_TOKEN_RE: Final = re.compile(TOKEN_RE.pattern.replace(_LWSP, "[ \t\r\n]*"))

#: The start of a Local/Remote token: the keyword (group 1), white space and "{".
OCTET_HEAD_RE: Final = re.compile(r"(?i:(l(?:ocal)?|r(?:emote)?))" + _LWSP + r"\{")

# TimeStamp = Date "T" Time ; Date = 8(DIGIT) ; Time = 8(DIGIT)
TIMESTAMP_RE: Final = re.compile(r"[0-9]{8}[Tt][0-9]{8}\Z")

# domainName = "<" (ALPHA / DIGIT) *63(ALPHA / DIGIT / "-" / ".") ">" (inside the brackets)
_DOMAIN_NAME_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,63}\Z")
_ESCAPED_BRACE: Final = re.compile(r"\\\}")
_LINE_BREAK: Final = re.compile(r"\r\n?|\n")


@functools.lru_cache(maxsize=1024)
def is_ip_address(text: str) -> bool:
    """Whether *text* is an IPv4 or IPv6 literal (cached: mIds repeat on every message)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=1024)
def is_domain_name(text: str) -> bool:
    """Whether *text* is the name of a domainName mId (cached: mIds repeat on every message)."""
    return _DOMAIN_NAME_RE.match(text) is not None


@functools.lru_cache(maxsize=4096)
def is_safe_run(text: str) -> bool:
    """Whether *text* is a non-empty run of SafeChars (cached: names repeat)."""
    return SAFE_RUN_RE.match(text) is not None


def unescape_octets(octets: str) -> str:
    """The SDP text of a Local/Remote octet string: ``\\}`` becomes ``}``.

    White space the encoder puts around the SDP is dropped: all of it before the first
    line, and spaces or tabs after the last line break (the closing brace's indent).
    """
    text = octets.lstrip(" \t\r\n")
    if "\\}" in text:
        text = _ESCAPED_BRACE.sub("}", text)
    stripped = text.rstrip(" \t")
    if stripped != text and stripped.endswith("\n"):
        text = stripped
    return text


def escape_octets(sdp: str) -> str:
    """Inverse of :func:`unescape_octets` for the SDP text itself: ``}`` becomes ``\\}``."""
    return sdp.replace("}", "\\}") if "}" in sdp else sdp


def line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of *position* (CR, LF and CRLF each end a line)."""
    before = text[:position]
    lines = _LINE_BREAK.split(before)
    return len(lines), len(lines[-1]) + 1
