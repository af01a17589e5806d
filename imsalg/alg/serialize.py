"""Call state ⇄ JSON, for the CLI's STATE file and for proxies that persist calls.

A small structural converter over the attrs classes of the state: attrs instances
become objects (with a ``"type"`` tag where a field admits several classes), enums
their values, tuples lists, fingerprints and MSRP URIs their SDP text. Reading checks
every field's type and raises :class:`StateFormatError` on anything else, so a
corrupted or hand-edited STATE file is reported, not half-loaded.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any, TypeVar

import attrs

from imsalg.iq import procedures
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI

__all__ = ["StateFormatError", "from_json", "to_json"]

T = TypeVar("T")

#: Classes that may appear where a field's type is a union of attrs classes.
_TAGGED: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        procedures.ReserveConnectionPoint,
        procedures.ReserveAndConfigureConnectionPoint,
        procedures.ConfigureConnectionPoint,
        procedures.ReleaseTermination,
    )
}


class StateFormatError(ValueError):
    """The JSON does not describe a state of this version."""


def to_json(value: Any) -> Any:
    """A JSON-able rendering of an attrs value (see the module docstring)."""
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, enum.Enum):
            return value.value
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Fingerprint):
        return value.format()
    if isinstance(value, MSRPURI):
        return value.format()
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if attrs.has(type(value)):
        out: dict[str, Any] = {}
        if type(value).__name__ in _TAGGED:
            out["type"] = type(value).__name__
        for field in attrs.fields(type(value)):
            out[field.name] = to_json(getattr(value, field.name))
        return out
    raise TypeError(f"cannot store {type(value).__name__} in JSON")


def from_json(cls: type[T], data: Any) -> T:
    """Rebuild a value of *cls* from :func:`to_json` output."""
    try:
        return typing.cast(T, _read(cls, data, "$"))
    except StateFormatError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise StateFormatError(str(exc)) from None


def _read(tp: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        real = [option for option in options if option is not type(None)]
        if len(real) == 1:
            return _read(real[0], data, where)
        if isinstance(data, dict) and "type" in data and data["type"] in _TAGGED:
            return _read(_TAGGED[data["type"]], data, where)
        for option in real:
            try:
                return _read(option, data, where)
            except (StateFormatError, TypeError, ValueError, KeyError):
                continue
        raise StateFormatError(f"{where}: {data!r} matches none of {tp}")
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list):
            raise StateFormatError(f"{where}: expected a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_read(args[0], item, f"{where}[{i}]") for i, item in enumerate(data))
        if len(args) != len(data):
            raise StateFormatError(f"{where}: expected {len(args)} items")
        return tuple(
            _read(a, item, f"{where}[{i}]")
            for i, (a, item) in enumerate(zip(args, data, strict=True))
        )
    if tp is Any:
        return data
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if tp is Fingerprint:
        return Fingerprint.parse(_expect(str, data, where))
    if tp is MSRPURI:
        return MSRPURI.parse(_expect(str, data, where))
    if tp in (str, int, bool):
        return _expect(tp, data, where)
    if tp is type(None):
        if data is not None:
            raise StateFormatError(f"{where}: expected null")
        return None
    if isinstance(tp, type) and attrs.has(tp):
        if not isinstance(data, dict):
            raise StateFormatError(f"{where}: expected an object for {tp.__name__}")
        hints = typing.get_type_hints(tp)
        values = {}
        for field in attrs.fields(tp):
            if field.name in data:
                values[field.name] = _read(
                    hints[field.name], data[field.name], f"{where}.{field.name}"
                )
            elif field.default is attrs.NOTHING:
                raise StateFormatError(f"{where}: {tp.__name__} lacks {field.name!r}")
        unknown = set(data) - {f.name for f in attrs.fields(tp)} - {"type"}
        if unknown:
            raise StateFormatError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        return tp(**values)
    raise StateFormatError(f"{where}: cannot read a {tp!r}")


def _expect(tp: type[Any], data: Any, where: str) -> Any:
    if tp is int and isinstance(data, bool):
        raise StateFormatError(f"{where}: expected a number")
    if not isinstance(data, tp):
        raise StateFormatError(f"{where}: expected {tp.__name__}, got {type(data).__name__}")
    return data
