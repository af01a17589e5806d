"""Fast constructors for the frozen model classes, for the decoder: the generator of
:mod:`imsalg.h248._builders`.

An ``attrs.frozen`` class sets each field through ``object.__setattr__`` (its own
``__setattr__`` refuses), after its keyword arguments went through a dict in the class
call: about 0.5 µs for a 4-field value on CPython 3.11, and the decoder builds some fifteen
values per message. ``_builders.X(...)`` takes the same keyword arguments as ``X(...)``
(same defaults, same converters) and builds the same object about three times faster:

- the instance is created as a private subclass (:func:`imsalg._fast.builder_class`)
  that adds nothing to the layout (no slots, no dict) and keeps the plain ``object``
  ``__setattr__``, so each field store is the interpreter's direct slot store;
- then its ``__class__`` is set to the model class, which CPython allows because the
  layouts are the same. The result is exactly what ``X(...)`` returns: same type, same
  fields, equal, same hash, and frozen from then on.

The core runs no generated code (``exec``), so the functions are written out once by
:func:`source` into ``_builders.py``; a test checks that the file is what :func:`source`
writes for the model as it is. Only classes whose fields have no validator and no default
factory can be built this way (:func:`source` raises ``TypeError`` otherwise), so no check
of the attrs ``__init__`` is skipped.
"""

from __future__ import annotations

import attrs

# The builder subclass is the one the SDP and engine fast constructors use too.
from imsalg._fast import builder_class
from imsalg.h248 import model as m

__all__ = ["builder_class", "source"]

#: Defaults written as literals in ``_builders.py``; others are read from the attrs field.
_LITERAL_DEFAULTS = (None, (), False, True)


def model_classes() -> list[type[attrs.AttrsInstance]]:
    """The attrs classes of the model, in the order of ``model.__all__``."""
    classes = []
    for name in m.__all__:
        value = getattr(m, name)
        if isinstance(value, type) and attrs.has(value):
            classes.append(value)
    return classes


def source() -> str:
    """The text of ``_builders.py`` for the model as it is now."""
    parts = [
        '"""Fast constructors of the model classes (see :mod:`imsalg.h248._construct`).\n\n'
        "Generated: do not edit. After a change of the model, rewrite it with\n\n"
        "    from imsalg.h248._construct import source\n"
        '    open("imsalg/h248/_builders.py", "w").write(source())\n"""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Any\n\n"
        "import attrs\n\n"
        "from imsalg.h248 import model as m\n"
        "from imsalg.h248._construct import builder_class\n"
    ]
    for cls in model_classes():
        name = cls.__name__
        if hasattr(cls, "__attrs_post_init__"):
            raise TypeError(f"{name}: __attrs_post_init__ is not supported")
        constants = [f"_Build{name} = builder_class(m.{name})\n_{name} = m.{name}\n"]
        parameters = []
        lines = []
        for field in attrs.fields(cls):
            if (
                field.validator is not None
                or isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
                or isinstance(field.converter, attrs.Converter)
            ):
                raise TypeError(f"{name}.{field.name}: validators, factories unsupported")
            parameter = f"{field.name}: Any"
            default = field.default
            if default is not attrs.NOTHING:
                if type(default) is int or any(default is v for v in _LITERAL_DEFAULTS):
                    parameter += f" = {default!r}"
                else:
                    constants.append(
                        f"_{name}_{field.name} = attrs.fields(m.{name}).{field.name}.default\n"
                    )
                    parameter += f" = _{name}_{field.name}"
            parameters.append(f"    {parameter},\n")
            value = field.name
            if field.converter is not None:
                constants.append(
                    f"_convert_{name}_{field.name}: Any = "
                    f"attrs.fields(m.{name}).{field.name}.converter\n"
                )
                value = f"_convert_{name}_{field.name}({field.name})"
            lines.append(f"    self.{field.name} = {value}\n")
        parts.append(
            ("\n" if len(parts) == 1 else "\n\n")
            + "".join(constants)
            + f"\n\ndef {name}(\n    *,\n"
            + "".join(parameters)
            + f") -> m.{name}:\n"
            + f"    self = _Build{name}()\n"
            + "".join(lines)
            + f"    self.__class__ = _{name}\n"
            + "    return self  # type: ignore[no-any-return]\n"
        )
    return "".join(parts)
