"""imsalg.h248: a generic H.248.1 (Megaco) text codec, Annex B, with no I/O.

- :mod:`imsalg.h248.model`: immutable message values (``Message``, ``TransactionRequest``,
  ``Add``, ``MediaDescriptor``…).
- :mod:`imsalg.h248.text`: ``decode(text)`` and ``encode(message, compact=False)``.
- :mod:`imsalg.h248.tokens`: the long/short token table.
- :mod:`imsalg.h248.codes`: H.248.8 error codes.
- :mod:`imsalg.h248.json`: a plain JSON form (``to_json``/``from_json``).

Everything public is re-exported here.
"""

from imsalg.h248 import model
from imsalg.h248.codes import ERROR_TEXTS, ErrorCode
from imsalg.h248.json import from_json, to_json
from imsalg.h248.model import *  # noqa: F403  (the model names, listed in model.__all__)
from imsalg.h248.text import decode, encode, encode_bytes
from imsalg.h248.tokens import KEYWORDS, Token

__all__ = [
    "ERROR_TEXTS",
    "KEYWORDS",
    "ErrorCode",
    "Token",
    "decode",
    "encode",
    "encode_bytes",
    "from_json",
    "model",
    "to_json",
]
__all__ += model.__all__
