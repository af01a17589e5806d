"""A plain JSON form of H.248 messages, for ``imsalg h248 decode`` and for tests.

:func:`to_json` turns a :class:`~imsalg.h248.model.Message` into dicts, lists, strings, ints
and booleans; :func:`from_json` reads that form back (``from_json(to_json(m)) == m``).

Rules, so that the output is stable for scripts:
- keys are the model's field names (``transaction_id``, ``terminations``, ``local``…);
- a field still at its default (``None``, ``()``, ``False``, ``EQUAL``…) is left out;
- where a field can hold several kinds of object (a transaction, a command, a command
  reply, an mId, a signal or a signal list) the object carries ``"type"`` with the model's
  class name (``"TransactionRequest"``, ``"Add"``, ``"DomainAddress"``…);
- enumerations are their values (``"sendrecv"``, ``"="``), error codes are integers,
  authentication data is hex, SDP is the text as it is.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any, Final

import attrs

from imsalg.errors import H248Error
from imsalg.h248 import model as m

__all__ = ["from_json", "to_json"]

JSONValue = None | bool | int | str | list["JSONValue"] | dict[str, "JSONValue"]

_CLASSES: Final[dict[str, type[Any]]] = {
    name: cls
    for name, cls in vars(m).items()
    if isinstance(cls, type) and attrs.has(cls) and not name.startswith("_")
}
for _cls in _CLASSES.values():
    attrs.resolve_types(_cls, globalns=vars(m))


def to_json(message: m.Message) -> dict[str, JSONValue]:
    """The JSON form of *message* (see the module docstring)."""
    data = _dump(message, m.Message)
    if not isinstance(data, dict):
        raise H248Error(f"{message!r} is not an H.248 message")
    return data


def from_json(data: dict[str, Any]) -> m.Message:
    """Read the JSON form back; raises :class:`H248Error` when *data* does not fit the model."""
    try:
        result = _load(data, m.Message, "message")
    except (TypeError, ValueError, KeyError) as exc:
        raise H248Error(f"not an H.248 message in JSON form: {exc}") from None
    if not isinstance(result, m.Message):
        raise H248Error("not an H.248 message in JSON form")
    return result


def _union_members(hint: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(hint)
    return (hint,)


def _needs_type(hint: Any) -> bool:
    return sum(1 for member in _union_members(hint) if attrs.has(member)) > 1


def _dump(value: Any, hint: Any) -> JSONValue:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return int(value) if isinstance(value, int) else str(value.value)
    if isinstance(value, int):
        return value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, tuple):
        args = typing.get_args(hint)
        item_hint = args[0] if args else Any
        for member in _union_members(hint):
            if typing.get_origin(member) is tuple:
                item_hint = typing.get_args(member)[0]
        return [_dump(item, item_hint) for item in value]
    cls = type(value)
    out: dict[str, JSONValue] = {}
    if _needs_type(hint):
        out["type"] = cls.__name__
    for field in attrs.fields(cls):
        item = getattr(value, field.name)
        if field.default is not attrs.NOTHING and item == field.default:
            continue
        out[field.name] = _dump(item, field.type)
    return out


def _load(data: Any, hint: Any, where: str) -> Any:
    members = _union_members(hint)
    if data is None:
        if type(None) in members:
            return None
        raise ValueError(f"{where}: null is not allowed")
    if isinstance(data, dict):
        classes = [c for c in members if attrs.has(c)]
        if len(classes) > 1 or "type" in data:
            name = data.get("type")
            cls = _CLASSES.get(name) if isinstance(name, str) else None
            if cls is None or cls not in classes:
                raise ValueError(f"{where}: unknown or missing type {name!r}")
        elif classes:
            cls = classes[0]
        else:
            raise ValueError(f"{where}: an object is not allowed")
        kwargs = {}
        fields = {f.name: f for f in attrs.fields(cls)}
        for key, item in data.items():
            if key == "type":
                continue
            field = fields.get(key)
            if field is None:
                raise ValueError(f"{where}: {cls.__name__} has no field {key!r}")
            kwargs[key] = _load(item, field.type, f"{where}.{key}")
        return cls(**kwargs)
    if isinstance(data, list):
        for member in members:
            if typing.get_origin(member) is tuple:
                item_hint = typing.get_args(member)[0]
                return tuple(_load(item, item_hint, f"{where}[{i}]") for i, item in enumerate(data))
        raise ValueError(f"{where}: a list is not allowed")
    return _scalar(data, members, where)


def _scalar(data: Any, members: tuple[Any, ...], where: str) -> Any:
    for member in members:
        if isinstance(member, type) and issubclass(member, enum.Enum):
            try:
                return member(data)
            except ValueError:
                continue
    for member in members:
        if member is bytes and isinstance(data, str):
            return bytes.fromhex(data)
        if member is bool and isinstance(data, bool):
            return data
        if member is int and isinstance(data, int) and not isinstance(data, bool):
            return data
        if member is str and isinstance(data, str):
            return data
    raise ValueError(f"{where}: {data!r} does not fit")
