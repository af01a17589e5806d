"""Fast construction of frozen attrs values on the hot paths of the core: the SDP
values, call state, Iq procedures and actions (their fast constructors are written beside
their classes) and the H.248 model (the generated :mod:`imsalg.h248._builders`).

An ``attrs.frozen`` class sets each field in ``__init__`` through a bound
``object.__setattr__`` (its own ``__setattr__`` refuses): about 80 ns a field on
CPython 3.11, after the keyword arguments went through the class call. The offer path
builds some twenty such values, most of them with many fields (a ``LegState`` has
twelve: 1.1 µs). A fast constructor builds the same value about five times faster:

- it creates an instance of :func:`builder_class` (a subclass that adds nothing to the
  layout and keeps ``object``'s ``__setattr__``), so each field store is the
  interpreter's direct slot store;
- then it sets ``__class__`` to the frozen class, which CPython allows because the
  layouts are the same. The result is what the class call returns: same type, same
  fields, equal, same hash, frozen from then on.

The fast constructors are written by hand beside their classes, for classes without
validators, converters or default factories, so no check of the attrs ``__init__`` is
skipped; :func:`fast_constructor_problems` is what the tests run on each of them.
The public constructors stay the attrs ones.
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable
from typing import Any, TypeVar, cast

import attrs

__all__ = ["builder_class", "fast_constructor_problems", "fast_replace", "register_replace"]

_A = TypeVar("_A", bound=attrs.AttrsInstance)

#: Per class: (field values getter, field name → position, positional fast constructor).
_REPLACERS: dict[type[Any], tuple[Callable[[Any], Any], dict[str, int], Callable[..., Any]]] = {}


def builder_class(cls: type[attrs.AttrsInstance]) -> type[Any]:
    """The subclass of *cls* a fast constructor fills before it sets ``__class__``.

    Typed ``Any``: its instances are written field by field, which the frozen *cls*
    forbids.
    """
    namespace = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__init__": object.__init__,
    }
    return type(f"_Build{cls.__name__}", (cls,), namespace)


def register_replace(cls: type[attrs.AttrsInstance], build: Callable[..., Any]) -> None:
    """Let :func:`fast_replace` copy *cls* with *build*, its fast constructor, whose
    parameters are the fields of *cls* in order."""
    fields = attrs.fields(cls)
    if any(field.alias != field.name for field in fields):
        raise TypeError(f"{cls.__name__}: a field whose __init__ argument is not its name")
    names = [field.name for field in fields]
    _REPLACERS[cls] = (
        operator.attrgetter(*names),
        {name: position for position, name in enumerate(names)},
        build,
    )


def fast_replace(instance: _A, changes: dict[str, Any]) -> _A:
    """``attrs.evolve(instance, **changes)`` for a class given to :func:`register_replace`
    (others go through ``evolve``): all fields read in one call, the changed ones put in
    place, the copy built by the fast constructor."""
    entry = _REPLACERS.get(type(instance))
    if entry is None:
        evolved: _A = attrs.evolve(cast(Any, instance), **changes)
        return evolved
    getter, positions, build = entry
    values = list(getter(instance))
    for name, value in changes.items():
        position = positions.get(name)
        if position is None:
            raise TypeError(f"{type(instance).__name__} has no field {name!r}")
        values[position] = value
    return build(*values)  # type: ignore[no-any-return]


def fast_constructor_problems(
    cls: type[attrs.AttrsInstance], build: Callable[..., Any], sample: dict[str, Any]
) -> list[str]:
    """What makes *build* not a fast constructor of *cls* (empty: nothing).

    Checked: *cls* has no validator, converter or default factory; the parameters of
    *build* are the fields of *cls* in order, with the same defaults (a parameter may have
    none where the field has one: Python puts no required parameter after a defaulted
    one, which a keyword-only attrs class may); built from *sample* (keyword arguments
    for the required fields, plus the defaults *build* does not know) and from all
    fields, it gives what ``cls(...)`` gives, of the same type and frozen.
    """
    problems = []
    fields = attrs.fields(cls)
    for field in fields:
        if field.validator is not None or field.converter is not None:
            problems.append(f"{cls.__name__}.{field.name} has a validator or converter")
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            problems.append(f"{cls.__name__}.{field.name} has a default factory")
    parameters = list(inspect.signature(build).parameters.values())
    if [p.name for p in parameters] != [field.name for field in fields]:
        problems.append(f"{build.__name__}: parameters are not the fields of {cls.__name__}")
        return problems
    arguments = dict(sample)
    for parameter, field in zip(parameters, fields, strict=True):
        if parameter.default is inspect.Parameter.empty:
            if field.default is not attrs.NOTHING:
                arguments.setdefault(field.name, field.default)
        elif field.default is attrs.NOTHING or (
            parameter.default is not field.default and parameter.default != field.default
        ):
            problems.append(f"{build.__name__}: default of {field.name} differs")
    expected = cls(**sample)
    for built in (build(**arguments), build(*attrs.astuple(expected, recurse=False))):
        if type(built) is not cls or built != expected or hash(built) != hash(expected):
            problems.append(f"{build.__name__}({sample}) differs from {cls.__name__}(...)")
        try:
            setattr(built, fields[0].name, None)
        except attrs.exceptions.FrozenInstanceError:
            pass
        else:
            problems.append(f"{build.__name__}: the value it builds is not frozen")
    return problems
