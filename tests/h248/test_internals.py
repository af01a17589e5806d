"""The codec's speed devices: fast model constructors and the keyword cache of the decoder."""

from __future__ import annotations

import copy
import inspect
import pickle
import weakref
from pathlib import Path

import attrs
import pytest

from imsalg.h248 import _builders, _construct, _parser
from imsalg.h248 import model as m
from imsalg.h248._construct import model_classes, source
from imsalg.h248.codes import ErrorCode
from imsalg.h248.text import decode
from imsalg.h248.tokens import KEYWORDS, Token

BUILDERS = Path(_builders.__file__)


def test_the_builders_file_is_what_the_generator_writes_for_the_model() -> None:
    assert BUILDERS.read_text() == source(), (
        "imsalg/h248/_builders.py is out of date: rewrite it as its docstring says"
    )


def test_every_model_class_has_a_fast_constructor_with_its_signature() -> None:
    for cls in model_classes():
        build = getattr(_builders, cls.__name__)
        assert list(inspect.signature(build).parameters) == [f.name for f in attrs.fields(cls)]
        for parameter, field in zip(
            inspect.signature(build).parameters.values(), attrs.fields(cls), strict=True
        ):
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
            expected = inspect.Parameter.empty if field.default is attrs.NOTHING else field.default
            assert parameter.default is expected or parameter.default == expected


def test_a_fast_constructor_builds_what_the_class_builds() -> None:
    fast = _builders.PropertyParm(name="a/b", values=("1", "2"), form=m.ValueForm.LIST)
    slow = m.PropertyParm(name="a/b", values=("1", "2"), form=m.ValueForm.LIST)
    assert type(fast) is m.PropertyParm
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert repr(fast) == repr(slow)
    assert fast.relation is m.Relation.EQUAL  # defaults as in the class
    assert attrs.asdict(fast) == attrs.asdict(slow)


def test_a_fast_built_value_stays_frozen_and_ordinary() -> None:
    value = _builders.StreamDescriptor(stream_id=1, local="v=0\r\n")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        value.stream_id = 2  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(value)) == value
    assert copy.deepcopy(value) == value
    assert weakref.ref(value)() is value
    assert attrs.evolve(value, stream_id=2).stream_id == 2


def test_a_fast_constructor_applies_converters_and_checks_its_arguments() -> None:
    build = _builders.ErrorDescriptor
    error = build(code=400, text=None)
    assert error.code is ErrorCode(400)
    with pytest.raises(TypeError):
        build(text="missing code")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        build(code=400, colour="blue")  # type: ignore[call-arg]


def test_the_generator_refuses_classes_it_cannot_build_faithfully(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @attrs.frozen(kw_only=True)
    class Checked:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen(kw_only=True)
    class Made:
        items: list[int] = attrs.field(factory=list)

    for cls in (Checked, Made):
        monkeypatch.setattr(_construct, "model_classes", lambda cls=cls: [cls])
        with pytest.raises(TypeError):
            source()


def test_the_keyword_cache_answers_like_the_keyword_table() -> None:
    texts = ["Add", "ADD", "a", "A", "sendrecv", "SendReceive", "SR", "ipdc/realm", "", "x" * 40]
    for text in texts:
        assert _parser._KIND[text] is KEYWORDS.get(text.lower())
    assert _parser._KIND["mOdIfY"] is Token.MODIFY


def test_the_keyword_cache_stays_bounded() -> None:
    kinds = _parser._Keywords()
    for number in range(_parser._KEYWORD_CACHE * 2 + 7):
        assert kinds[f"t{number}"] is None
    assert len(kinds) <= _parser._KEYWORD_CACHE
    assert kinds["x" * 1000] is None  # longer than any keyword: never remembered
    assert "x" * 1000 not in kinds


def test_decoded_values_are_of_the_model_classes_themselves() -> None:
    message = decode(
        "MEGACO/3 <mg.example.net>:2944\nTransaction = 1 { Context = - { "
        "Modify = t1 { Media { Stream = 1 { LocalControl { Mode = SendReceive } } } } } }"
    )
    command = message.transactions[0].actions[0].commands[0]  # type: ignore[union-attr]
    assert type(command) is m.Modify
    assert type(command.media.streams[0].local_control) is m.LocalControl  # type: ignore[union-attr]
    assert command == m.Modify(
        terminations=("t1",),
        media=m.MediaDescriptor(
            streams=(
                m.StreamDescriptor(
                    stream_id=1, local_control=m.LocalControl(mode=m.StreamMode.SENDRECV)
                ),
            )
        ),
    )
