"""The H.248.1 Annex B text encoding: :func:`decode` and :func:`encode`, no I/O.

``decode`` accepts either token form, any case, white space and comments where the grammar
allows them, and raises :class:`~imsalg.errors.H248SyntaxError` (line and column of the
offending character) for anything else, never another exception. ``encode`` writes the
pretty form (long tokens, indented, SPEC.md §12.3 (a)) or, with ``compact=True``, the compact
form (short tokens, §12.3 (b)); it raises :class:`~imsalg.errors.H248Error` for a model that
has no text spelling. For every message ``decode(encode(m, compact=c)) == m``.

Bytes are read as UTF-8 with surrogate escapes, so any octet inside an SDP body survives a
decode/encode round trip; :func:`encode_bytes` reverses it.
"""

from __future__ import annotations

from imsalg.h248._parser import decode_text
from imsalg.h248._writer import encode_message
from imsalg.h248.model import Message

__all__ = ["decode", "encode", "encode_bytes"]


def decode(text: str | bytes) -> Message:
    """Parse one H.248 text message (pretty or compact, MEGACO/1 to /3)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = bytes(text).decode("utf-8", "surrogateescape")
    return decode_text(text)


def encode(message: Message, *, compact: bool = False) -> str:
    """Write *message* in the pretty (default) or compact text form."""
    return encode_message(message, compact=compact)


def encode_bytes(message: Message, *, compact: bool = False) -> bytes:
    """:func:`encode`, as the octets to send (UTF-8, surrogate escapes restored)."""
    return encode_message(message, compact=compact).encode("utf-8", "surrogateescape")
