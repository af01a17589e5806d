"""SDP as text or as an sdp-transform dict, given back in the form it came in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from imsalg.sdp.transform import from_transform_dict, to_transform_dict

__all__ = ["SDPBody", "as_text"]

#: What a driver accepts: SDP text, or a dict in sdp-transform's shape.
SDPBody = str | Mapping[str, Any]


def as_text(body: SDPBody) -> tuple[str, Callable[[str], Any]]:
    """The SDP text of *body*, and a function that turns output text back into its form.

    A dict goes through sdp-transform, which is lossy (see :mod:`imsalg.sdp.transform`):
    proxies that care about byte-exact SDP should hand over text.
    """
    if isinstance(body, str):
        return body, _identity
    if isinstance(body, Mapping):
        return from_transform_dict(body), to_transform_dict
    raise TypeError(f"SDP must be str or an sdp-transform dict, not {type(body).__name__}")


def _identity(text: str) -> str:
    return text
