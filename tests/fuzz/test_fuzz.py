"""Fuzzing in CI, with a modest budget: the targets of ``tools/fuzz`` under Hypothesis.

Each test draws a seed input (fixtures/, or the MSRP streams of the target), applies a few
of the target's structure-aware mutations (with a Hypothesis-driven random source, so a
failure shrinks and replays) and runs it: only typed errors may come out, the invariants
of the target hold, and no input takes longer than the deadline. Long repetitive inputs
are among the mutations; the tests below them pin the ones that once took too long or
broke something, with a time bound far above what linear code needs.

``./tools/fuzz`` runs the same targets for as long as you like (coverage-guided with
atheris when it installs).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsalg.sdp.model import SessionDescription
from tests.complexity import assert_linear

from .harness import Target
from .msrp_target import _response, _send, make_input
from .targets import TARGETS


def _settings(examples: int) -> settings:
    # A deadline far above a normal input (a few ms) but far below a hang; Hypothesis
    # reports an input that takes longer as a failure with the input shown.
    return settings(
        max_examples=examples,
        deadline=timedelta(seconds=3),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _mutated(target: Target) -> st.SearchStrategy[bytes]:
    seeds = target.seeds()

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        data = draw(st.sampled_from(seeds))
        rng = draw(st.randoms(use_true_random=False))
        for _ in range(draw(st.integers(1, 6))):
            data = target.mutate(data, rng, seeds)
        return data

    return build()


def _run(target: Target) -> Callable[[bytes], None]:
    def run(data: bytes) -> None:
        target.run(data)  # any exception escaping is a finding (typed ones are caught inside)

    return run


@_settings(7500)
@given(_mutated(TARGETS["sdp"]))
def test_sdp_layer_raises_only_typed_errors_on_mutated_sdp(data: bytes) -> None:
    _run(TARGETS["sdp"])(data)


@_settings(6000)
@given(_mutated(TARGETS["engine"]))
def test_engine_raises_only_typed_errors_and_refusals_keep_the_state(data: bytes) -> None:
    _run(TARGETS["engine"])(data)


@_settings(7500)
@given(_mutated(TARGETS["h248"]))
def test_h248_decoder_and_iq_mapping_raise_only_typed_errors(data: bytes) -> None:
    _run(TARGETS["h248"])(data)


@_settings(6000)
@given(_mutated(TARGETS["msrp"]))
def test_msrp_parser_and_rewriter_raise_only_frame_errors_under_any_chunking(data: bytes) -> None:
    _run(TARGETS["msrp"])(data)


@pytest.mark.parametrize(("name", "share"), [("sdp", 0.9), ("engine", 0.25), ("msrp", 1.0)])
def test_the_seeds_run_clean_and_mostly_without_refusal(name: str, share: float) -> None:
    # A harness that refuses (nearly) every seed would fuzz nothing but its own refusals.
    # (Engine seeds pair each fixture SDP with an answer from a golden call: many are
    # refused on purpose; the golden calls themselves mostly are not.)
    seeds = TARGETS[name].seeds()
    clean = sum(not TARGETS[name].run(data) for data in seeds)
    assert clean >= share * len(seeds), (clean, len(seeds))


def test_the_h248_seeds_decode() -> None:
    # Each reply meets Iq requests it does not answer (refused), but every seed decodes.
    for data in TARGETS["h248"].seeds():
        refusals = TARGETS["h248"].run(data)
        assert not [r for r in refusals if r.startswith("H248SyntaxError")], data[:80]


def test_mutations_change_the_input_and_stay_bounded() -> None:
    rng = random.Random(7)
    for target in TARGETS.values():
        seeds = target.seeds()
        changed = 0
        for _ in range(200):
            data = rng.choice(seeds)
            out = target.mutate(data, rng, seeds)
            changed += out != data
            assert len(out) <= 1 << 17
        assert changed > 150, target.name


# -- long repetitive inputs (hang guard) ------------------------------------------------------

_SDP_HEAD = b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
_MEGACO = b"MEGACO/3 [192.0.2.1]:2944\n"
_N = 12_500  # repetitions of the small input; the check also runs one 8 times larger

_LONG_INPUTS: dict[str, tuple[str, Callable[[int], bytes]]] = {
    "sdp-path-without-transport": (
        "sdp",
        lambda n: _SDP_HEAD + b"a=path:msrps://" + b"a" * n + b"\r\n",
    ),
    "sdp-path-userinfo": (
        "sdp",
        lambda n: _SDP_HEAD + b"a=path:msrps://" + b"a:" * (n // 2) + b"\r\n",
    ),
    "sdp-path-percent": (
        "sdp",
        lambda n: _SDP_HEAD + b"a=path:msrps://" + b"%41" * (n // 3) + b"\r\n",
    ),
    "sdp-path-parameters": (
        "sdp",
        lambda n: _SDP_HEAD + b"a=path:msrp://a:1/s;tcp" + b";x=y" * (n // 4),
    ),
    "sdp-fingerprint-hex": (
        "sdp",
        lambda n: _SDP_HEAD + b"a=fingerprint:sha-256 " + b"AB:" * (n // 3),
    ),
    "sdp-format-list": (
        "sdp",
        lambda n: b"v=0\r\nm=message 9 TCP/MSRP" + b" *" * (n // 2) + b"\r\n",
    ),
    "sdp-proto": ("sdp", lambda n: b"v=0\r\nm=message 9 " + b"T/" * (n // 2) + b"\r\n"),
    "sdp-carriage-returns": ("sdp", lambda n: b"v=0" + b"\r" * n + b"\n"),
    "sdp-empty-lines": ("sdp", lambda n: b"v=0\r\n" + b"\r\n" * (n // 2) + b"x"),
    "h248-open-braces": ("h248", lambda n: _MEGACO + b"T=1{" + b"{" * n),
    "h248-comment": ("h248", lambda n: _MEGACO + b";" * n),
    "h248-comment-lines": ("h248", lambda n: _MEGACO + b"; x\n" * (n // 4) + b"T=1{"),
    "h248-open-quote": ("h248", lambda n: _MEGACO + b'T=1{C=1{N=a{OE=1{x/y{p="' + b"a" * n),
    "h248-local-backslashes": ("h248", lambda n: _MEGACO + b"T=1{C=1{A=a{M{ST=1{L{" + b"\\" * n),
    "h248-local-escapes": (
        "h248",
        lambda n: _MEGACO + b"T=1{C=1{A=a{M{ST=1{L{" + b"\\}" * (n // 2),
    ),
    "h248-mid": ("h248", lambda n: b"MEGACO/3 <" + b"a" * n),
    "msrp-body-end-line-prefixes": (
        "msrp",
        lambda n: make_input(_send("t0000001", b"\r\n-------t0000001" * (n // 16))),
    ),
    "msrp-body-carriage-returns": (
        "msrp",
        lambda n: make_input(_send("t0000001", b"\r" * n), [7, 99]),
    ),
    "msrp-header-without-end": (
        "msrp",
        lambda n: make_input(b"MSRP t0000001 SEND\r\nTo-Path: " + b"a" * n),
    ),
    "msrp-start-line-carriage-returns": (
        "msrp",
        lambda n: make_input(b"MSRP t0000001 SEND" + b"\r" * n),
    ),
    "msrp-many-frames": ("msrp", lambda n: make_input(_response("t0000001") * max(1, n // 400))),
}


@pytest.mark.parametrize("name", sorted(_LONG_INPUTS))
def test_long_repetitive_input_is_handled_in_linear_time(name: str) -> None:
    # Backtracking or a quadratic scan shows as super-linear growth between the small
    # input and one 8 times larger (~100 KB); no absolute time limit (CI load varies).
    target, make = _LONG_INPUTS[name]
    assert_linear(make, TARGETS[target].run, size=_N)


def test_sdp_with_many_m_lines_parses_in_linear_time() -> None:
    # Counting line feeds from the start of the text for every m= line was quadratic.
    assert_linear(
        lambda n: (_SDP_HEAD + b"m=message 9 TCP/MSRP *\r\n" * n).decode(),
        SessionDescription.parse,
        size=2000,
    )
