"""Fuzz target ``engine``: whole calls through :class:`~imsalg.alg.engine.Call`.

An input is a *script* of events, one section each, so that any finding is bytes that
replay exactly::

    %%policy msrp.mode=aware setup.answer_actpass_access=active   (TOML keys, optional)
    %%ue-e2ae 0                                                   (optional; default 1)
    %%sdp access            an SDP body from the access side (offer or answer: the state says)
    v=0 ...
    %%gw ok fail510 lost garble-count garble-type wrong-id partial449 hold
                            how the gateway stub answers the next requests (default ok)
    %%flush                 deliver the replies held back by "hold"
    %%stale 7               a reply to request 7, whether outstanding or not
    %%rejected              OfferRejected
    %%notify tls|bearer|heartbeat|lost <context> <termination>
                            "ctx" and "term<N>" name the call's context and N-th termination
    %%release               ReleaseCall

Sections that do not parse as one of these are skipped. The invariants: ``Call.handle``
raises only ``IMSALGError`` subclasses, a refusal leaves ``Call.state`` as it was (the very
same object), and every SDP the engine forwards parses again.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Sequence
from typing import Any, Final

from imsalg.alg.config import AlgPolicy, ConfigError, policy_from_mapping
from imsalg.alg.engine import Call
from imsalg.alg.events import (
    Event,
    ForwardSDP,
    GatewayNotified,
    GatewayReplied,
    OfferRejected,
    RefuseSDP,
    ReleaseCall,
    SDPReceived,
    SendGatewayRequest,
    StreamFailed,
)
from imsalg.alg.offline import OfflineGateway, OfflineGatewayConfig
from imsalg.errors import IMSALGError, SDPError
from imsalg.iq.procedures import (
    BearerReleased,
    ConnectionPointConfigured,
    ContextLost,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    Side,
    TerminationHeartbeat,
    TerminationReleased,
    TLSSetupFailed,
)
from imsalg.sdp.model import SessionDescription, decode_sdp_bytes

from .harness import FIXTURES, MAX_SIZE, Target, byte_mutation, signature
from .sdp_target import mutate_sdp, sdp_seeds

__all__ = ["TARGET", "engine_seeds", "mutate_script", "run_script"]

_MARK: Final = b"%%"
_SECTION_RE: Final = re.compile(rb"(?<=\n)(?=%%)")
#: Every policy value worth trying, as ``table.key=value`` words.
POLICY_WORDS: Final[tuple[bytes, ...]] = (
    b"e2ae.terminating=false",
    b"e2ae.access_transport=TCP/TLS",
    b"msrp.mode=aware",
    b"msrp.anchor_plain=false",
    b"msrp.anchor_e2e_tls=false",
    b"tcp.establishment=trigger",
    b"setup.answer_actpass_access=active",
    b"setup.offer_access=active",
    b"setup.offer_access=passive",
    b"setup.offer_core=actpass",
    b"setup.offer_core=passive",
    b"setup.answer_actpass_core=active",
    b"setup.answer_actpass_core=passive",
    b"iq.heartbeat=0",
    b"tls.fingerprint_hash=sha-384",
    b"tls.fingerprint_hash=sha-1",
)
_GATEWAY_WORDS: Final = (
    b"ok",
    b"ok",
    b"fail510",
    b"fail449",
    b"fail430",
    b"fail501",
    b"lost",
    b"garble-count",
    b"garble-type",
    b"wrong-id",
    b"partial449",
    b"hold",
)
_NOTIFY_KINDS: Final = (b"tls", b"bearer", b"heartbeat", b"lost")
_IDS: Final = (b"ctx", b"term0", b"term1", b"term2", b"term3", b"1", b"2", b"*", b"", b"x" * 300)


# -- seeds --------------------------------------------------------------------------------


def _policy_words(config: dict[str, Any]) -> list[bytes]:
    words = []
    for table, body in config.items():
        if table == "agw" or not isinstance(body, dict):
            continue
        for key, value in body.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            words.append(f"{table}.{key}={text}".encode())
    return words


def engine_seeds() -> list[bytes]:
    """One script per golden call (fixtures/calls), plus each fixture SDP as an offer from
    either side followed by the other side's answer taken from a golden call."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    seeds = []
    for case in sorted((FIXTURES / "calls").iterdir()):
        spec_file = case / "case.json"
        if not spec_file.is_file():
            continue
        spec = json.loads(spec_file.read_text(encoding="utf-8"))
        sections = []
        config = case / "config.toml"
        if config.is_file():
            words = _policy_words(tomllib.loads(config.read_text(encoding="utf-8")))
            sections.append(b"%%policy " + b" ".join(words) + b"\n")
        if not spec.get("ue_e2ae", True):
            sections.append(b"%%ue-e2ae 0\n")
        for step in spec["steps"]:
            if step.get("release"):
                sections.append(b"%%release\n")
            else:
                body = (case / step["input"]).read_bytes()
                sections.append(b"%%sdp " + step["from"].encode() + b"\n" + body)
        seeds.append(b"".join(sections))
    answers = {b"access": b"", b"core": b""}
    for path in sorted(FIXTURES.glob("calls/*/02-*answer*.sdp")):
        side = b"access" if "ue-answer" in path.name else b"core"
        answers[side] = answers[side] or path.read_bytes()
    for body in sdp_seeds():
        for side, other in ((b"access", b"core"), (b"core", b"access")):
            seeds.append(
                b"%%sdp " + side + b"\n" + body + b"%%sdp " + other + b"\n" + answers[other]
            )
    return seeds


# -- mutation -----------------------------------------------------------------------------


def _sections(data: bytes) -> list[bytes]:
    """The sections of a script, each starting with its ``%%`` line and keeping its final
    line feed (an SDP body is kept byte for byte)."""
    if not data.startswith(_MARK):
        data = b"%%sdp access\n" + data
    return _SECTION_RE.split(data)


def _join(sections: Sequence[bytes]) -> bytes:
    fixed = [s if s.endswith(b"\n") else s + b"\n" for s in sections[:-1]]
    return b"".join([*fixed, *sections[-1:]])[:MAX_SIZE]


def _random_event(rng: random.Random, pool: Sequence[bytes]) -> bytes:
    choice = rng.randrange(8)
    if choice == 0:
        return b"%%rejected"
    if choice == 1:
        return b"%%release"
    if choice == 2:
        words = [rng.choice(_GATEWAY_WORDS) for _ in range(rng.randrange(1, 4))]
        return b"%%gw " + b" ".join(words)
    if choice == 3:
        return b"%%flush"
    if choice == 4:
        return b"%%stale " + str(rng.randrange(-1, 12)).encode()
    if choice == 5:
        kind = rng.choice(_NOTIFY_KINDS)
        return b"%%notify " + kind + b" " + rng.choice(_IDS) + b" " + rng.choice(_IDS)
    if choice == 6:
        return b"%%policy " + b" ".join(rng.sample(POLICY_WORDS, rng.randrange(1, 4)))
    side = rng.choice((b"access", b"core"))
    body = rng.choice(pool) if pool else b"v=0\r\n"
    # A whole script in the pool: take one of its SDP bodies.
    if body.startswith(_MARK):
        bodies = [s.partition(b"\n")[2] for s in _sections(body) if s.startswith(b"%%sdp")]
        body = rng.choice(bodies) if bodies else b"v=0\r\n"
    return b"%%sdp " + side + b"\n" + body


def mutate_script(data: bytes, rng: random.Random, pool: Sequence[bytes]) -> bytes:
    """One mutation of a script: mostly an SDP body mutated (structure-aware), else events
    inserted, dropped, duplicated, reordered or their side swapped, rarely raw bytes."""
    sections = _sections(data)
    sdp_at = [i for i, s in enumerate(sections) if s.startswith(b"%%sdp")]
    choice = rng.randrange(10)
    if choice < 5 and sdp_at:
        i = rng.choice(sdp_at)
        head, _, body = sections[i].partition(b"\n")
        bodies = [s.partition(b"\n")[2] for s in pool if not s.startswith(_MARK)]
        sections[i] = head + b"\n" + mutate_sdp(body, rng, bodies)
    elif choice == 5:
        sections.insert(rng.randrange(len(sections) + 1), _random_event(rng, pool))
    elif choice == 6 and len(sections) > 1:
        del sections[rng.randrange(len(sections))]
    elif choice == 7:
        i = rng.randrange(len(sections))
        j = rng.randrange(len(sections) + 1)
        sections.insert(j, sections[i] if rng.random() < 0.5 else sections.pop(i))
    elif choice == 8 and sdp_at:
        i = rng.choice(sdp_at)
        head, _, body = sections[i].partition(b"\n")
        side = b"core" if b"access" in head else b"access"
        sections[i] = b"%%sdp " + side + b"\n" + body
    else:
        return byte_mutation(_join(sections), rng, (b"\n%%", b"%%release\n", b"%%gw hold\n"))
    return _join(sections)


# -- running ------------------------------------------------------------------------------


def _fake_certificate(seed: str) -> bytes:
    """Stands in for a DER certificate: the offline AGW only hashes it."""
    return hashlib.sha512(seed.encode()).digest() * 4


class _Script:
    """Replays one script against a Call and a gateway stub, checking the invariants."""

    def __init__(self, policy: AlgPolicy, ue_e2ae: bool) -> None:
        self.call = Call(policy, ue_e2ae=ue_e2ae)
        self.gateway = OfflineGateway(OfflineGatewayConfig(), _fake_certificate)
        self.behaviours: list[bytes] = []
        self.held: list[GatewayReplied] = []
        self.seen: list[str] = []
        self.steps = 0

    def feed(self, event: Event) -> None:
        pending: list[Event] = [event]
        while pending and self.steps < 200:
            self.steps += 1
            current = pending.pop(0)
            before = self.call.state
            try:
                actions = self.call.handle(current)
            except IMSALGError as error:
                self.seen.append(signature(error))
                unchanged = self.call.state is before
                assert unchanged, f"refusal changed Call.state: {self.seen[-1]}"
                continue
            for action in actions:
                if isinstance(action, SendGatewayRequest):
                    reply = self._answer(action.request)
                    if reply is not None:
                        pending.append(reply)
                elif isinstance(action, ForwardSDP):
                    try:
                        SessionDescription.parse(action.sdp)
                    except SDPError as error:
                        raise AssertionError(f"forwarded SDP does not parse: {error}") from None
                elif isinstance(action, RefuseSDP):
                    self.seen.append(f"RefuseSDP: {action.status}")
                elif isinstance(action, StreamFailed):
                    self.seen.append(f"StreamFailed: {action.sip_status}")

    def _answer(self, request: GatewayRequest) -> GatewayReplied | None:
        behaviour = self.behaviours.pop(0) if self.behaviours else b"ok"
        reply = self.gateway.execute(request)
        if behaviour == b"hold":
            self.held.append(GatewayReplied(reply=reply))
            return None
        rid = request.request_id
        code = _number(behaviour.removeprefix(b"fail").removeprefix(b"partial"))
        if behaviour.startswith(b"fail") and code is not None:
            reply = GatewayFailure(request_id=rid, code=code, reason="fuzz")
        elif behaviour == b"lost":
            reply = GatewayFailure(request_id=rid, code=None, reason="no answer")
        elif behaviour.startswith(b"partial") and code is not None:
            partial = reply.results[:-1] if isinstance(reply, GatewayResult) else ()
            context = reply.context if isinstance(reply, GatewayResult) else None
            reply = GatewayFailure(
                request_id=rid,
                code=code,
                reason="fuzz",
                context=context,
                partial=partial,
            )
        elif behaviour == b"garble-count" and isinstance(reply, GatewayResult):
            reply = GatewayResult(request_id=rid, context=reply.context, results=reply.results[1:])
        elif behaviour == b"garble-type" and isinstance(reply, GatewayResult):
            swapped = tuple(
                ConnectionPointConfigured(termination=r.termination)
                if not isinstance(r, ConnectionPointConfigured)
                else TerminationReleased(termination=r.termination)
                for r in reply.results
            )
            reply = GatewayResult(request_id=rid, context=reply.context, results=swapped)
        elif behaviour == b"wrong-id":
            if isinstance(reply, GatewayResult):
                reply = GatewayResult(
                    request_id=rid + 1000, context=reply.context, results=reply.results
                )
            else:
                reply = GatewayFailure(request_id=rid + 1000, code=reply.code, reason=reply.reason)
        return GatewayReplied(reply=reply)

    def _name(self, word: str) -> str:
        state = self.call.state
        if word == "ctx":
            return state.context or ""
        number = _number(word.removeprefix("term"))
        if word.startswith("term") and number is not None:
            held = [*state.streams, *(state.negotiation.streams if state.negotiation else ())]
            names = [name for stream in held for name in stream.terminations]
            return names[number % len(names)] if names else word
        return word

    def notification(self, words: list[str]) -> GatewayNotification | None:
        if len(words) < 2:
            return None
        kind = words[0]
        context = self._name(words[1])
        termination = self._name(words[2]) if len(words) > 2 else ""
        if kind == "tls":
            return TLSSetupFailed(context=context, termination=termination, cause="fuzz")
        if kind == "bearer":
            return BearerReleased(context=context, termination=termination, cause="fuzz")
        if kind == "heartbeat":
            return TerminationHeartbeat(context=context, termination=termination)
        if kind == "lost":
            return ContextLost(context=context, cause="fuzz")
        return None


def _number(text: str | bytes) -> int | None:
    """A small decimal number of the script, or None (``int()`` refuses 4300+ digits)."""
    raw = text.encode() if isinstance(text, str) else text
    digits = raw.removeprefix(b"-")
    if not digits.isdigit() or len(digits) > 9:
        return None
    return int(raw)


def _policy(words: list[str]) -> AlgPolicy:
    mapping: dict[str, dict[str, Any]] = {}
    for word in words:
        key, _, value = word.partition("=")
        table, _, name = key.partition(".")
        typed: Any = value
        if value in ("true", "false"):
            typed = value == "true"
        elif _number(value) is not None:
            typed = _number(value)
        mapping.setdefault(table, {})[name] = typed
    try:
        return policy_from_mapping(mapping)
    except (ConfigError, TypeError):
        return AlgPolicy()  # a script problem, not the engine's: default policy


def run_script(data: bytes) -> list[str]:
    """Replay one script (see the module docstring); return the typed refusals met."""
    sections = _sections(data)
    policy = AlgPolicy()
    ue_e2ae = True
    for section in sections:
        words = section[2:].partition(b"\n")[0].decode("utf-8", "replace").split()
        if words and words[0] == "policy":
            policy = _policy(words[1:])
        elif words[:2] == ["ue-e2ae", "0"]:
            ue_e2ae = False
    script = _Script(policy, ue_e2ae)
    for section in sections:
        head, _, body = section[2:].partition(b"\n")
        words = head.decode("utf-8", "replace").split()
        if not words:
            continue
        verb, args = words[0], words[1:]
        if verb == "sdp" and args[:1] in (["access"], ["core"]):
            script.feed(SDPReceived(side=Side(args[0]), sdp=decode_sdp_bytes(body)))
        elif verb == "gw":
            script.behaviours.extend(arg.encode() for arg in args)
        elif verb == "flush":
            held, script.held = script.held, []
            for reply in held:
                script.feed(reply)
        elif verb == "stale" and args and _number(args[0]) is not None:
            stale = GatewayResult(request_id=_number(args[0]) or 0, context="1", results=())
            script.feed(GatewayReplied(reply=stale))
        elif verb == "rejected":
            script.feed(OfferRejected())
        elif verb == "release":
            script.feed(ReleaseCall())
        elif verb == "notify":
            note = script.notification(args)
            if note is not None:
                script.feed(GatewayNotified(notification=note))
    return script.seen


TARGET: Final = Target(
    name="engine",
    description="Call.handle over scripted calls: offers, answers, re-offers, rejections, "
    "notifications, releases, a failing gateway stub",
    seeds=engine_seeds,
    mutate=mutate_script,
    run=run_script,
)
