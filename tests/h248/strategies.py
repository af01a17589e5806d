"""Hypothesis strategies for H.248 messages (the attrs ``tests/strategies.py`` pattern).

:func:`messages` draws any message the model can express *and* the text encoding can carry:
names are SafeChars runs that the decoder cannot mistake for keywords in their place,
quoted text has no ``"`` or control characters, SDP starts with a line and does not end in
``\\`` or a line of blanks, every "at least one" of the grammar is respected. Within those
rules the values are as hostile as possible: ``}``, ``\\``, CR/LF, non-ASCII, keyword-like
values, long lists.
"""

from __future__ import annotations

import string
from typing import Any, TypeVar

from hypothesis import strategies as st

from imsalg.h248 import model as m
from imsalg.h248.tokens import (
    EVENT_PARAMETER_TOKENS,
    KEYWORDS,
    OBSERVED_EVENT_PARAMETER_TOKENS,
    SIGNAL_PARAMETER_TOKENS,
    Token,
    spellings,
)

__all__ = ["messages", "sdp_texts", "values"]

_T = TypeVar("_T")
_SAFE = string.ascii_letters + string.digits + "+-&!_/'?@^`~*$\\().%|"
_SAFE_NO_SLASH = _SAFE.replace("/", "")
_NAME = string.ascii_letters + string.digits + "_"

UINT16 = st.integers(0, 0xFFFF)
UINT32 = st.integers(0, 0xFFFFFFFF)


_EVENT_RESERVED = spellings(EVENT_PARAMETER_TOKENS)
_SIGNAL_RESERVED = spellings(SIGNAL_PARAMETER_TOKENS)
_OBSERVED_RESERVED = spellings(OBSERVED_EVENT_PARAMETER_TOKENS)
_OCTET_KEYWORDS = frozenset({"l", "r", "local", "remote"})

safe_runs = st.text(_SAFE, min_size=1, max_size=12)
pkgd_names = st.builds(
    lambda a, b: f"{a}/{b}",
    st.text(_SAFE_NO_SLASH, min_size=1, max_size=8) | st.just("*"),
    st.text(_SAFE, min_size=1, max_size=8),
)
termination_ids = (
    st.sampled_from(["$", "*", "ROOT", "ip/1/acc/17", "ip/1/core/*", "L", "r"]) | safe_runs
)
# A termination ID alone before "{" must not be spelled like Local/Remote.
body_termination_ids = termination_ids.filter(lambda t: t.lower() not in _OCTET_KEYWORDS)

_QUOTABLE = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters='"'
) | st.sampled_from(["\r", "\n", "\t", " ", "{", "}", ",", "=", ";", "\\", "é", "€"])
#: Any property value: SafeChars runs, keyword-looking tokens and quoted text.
values = (
    safe_runs
    | st.sampled_from(["ON", "OFF", "SR", "$", "*", "-", "0", "access", "L"])
    | st.text(_QUOTABLE, max_size=20)
)
quoted_texts = st.text(_QUOTABLE, max_size=30)


def _sdp_ok(text: str) -> bool:
    if not text or text[0] in " \t\r\n" or text.endswith("\\"):
        return False
    tail = text.replace("\r", "\n").rsplit("\n", 1)[-1]
    return not (tail and not tail.strip(" \t"))


_SDP_CHARS = st.characters(codec="utf-8", exclude_characters="\x00") | (
    st.sampled_from(["}", "{", "\\", "\\}", "\r\n", "\n", "\r", " ", "\t", "v=0", "a=x:$"])
)
#: SDP bodies: realistic ones and arbitrary text within the octetString rules.
sdp_texts = st.one_of(
    st.just(""),
    st.sampled_from(
        [
            "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n",
            "v=0\r\nc=IN IP6 2001:db8::1\r\nm=message 7394 TCP/MSRP *\r\n",
            "v=0\ns=chat {x}\nv=0\nm=message $ TCP *",
            "v=0\ni=a \\ b \\} c\n",
        ]
    ),
    st.lists(_SDP_CHARS, min_size=1, max_size=40).map("".join).filter(_sdp_ok),
)
timestamps = st.builds(
    lambda d, t: f"{d:08d}T{t:08d}", st.integers(0, 99999999), st.integers(0, 99999999)
)
request_ids: st.SearchStrategy[m.RequestID] = UINT32 | st.just("*")
context_ids: st.SearchStrategy[m.ContextID] = UINT32 | st.sampled_from(["$", "*", "-"])


def _tuples(
    inner: st.SearchStrategy[_T], min_size: int = 0, max_size: int = 3
) -> st.SearchStrategy[tuple[_T, ...]]:
    return st.lists(inner, min_size=min_size, max_size=max_size).map(tuple)


def _optional(inner: st.SearchStrategy[_T]) -> st.SearchStrategy[_T | None]:
    return st.none() | inner


@st.composite
def _property(draw: st.DrawFn, names: st.SearchStrategy[str] = pkgd_names) -> m.PropertyParm:
    name = draw(names)
    form = draw(st.sampled_from(m.ValueForm))
    if form is m.ValueForm.SINGLE:
        return m.PropertyParm(
            name=name, values=(draw(values),), relation=draw(st.sampled_from(m.Relation))
        )
    if form is m.ValueForm.RANGE:
        return m.PropertyParm(name=name, values=(draw(values), draw(values)), form=form)
    return m.PropertyParm(name=name, values=draw(_tuples(values, 1, 4)), form=form)


def _parameter_names(reserved: frozenset[str]) -> st.SearchStrategy[str]:
    return st.text(_SAFE, min_size=1, max_size=8).filter(lambda n: n.lower() not in reserved)


properties = _property()
statistics = _tuples(
    st.builds(m.StatisticsParameter, name=pkgd_names, values=_tuples(values, 0, 3)), 0, 3
)


@st.composite
def _local_control(draw: st.DrawFn) -> m.LocalControl:
    control = m.LocalControl(
        mode=draw(_optional(st.sampled_from(m.StreamMode))),
        reserve_value=draw(_optional(st.booleans())),
        reserve_group=draw(_optional(st.booleans())),
        properties=draw(_tuples(properties)),
    )
    if control == m.LocalControl():
        return m.LocalControl(mode=m.StreamMode.SENDRECV)
    return control


@st.composite
def _stream(draw: st.DrawFn, stream_id: int | None) -> m.StreamDescriptor:
    stream = m.StreamDescriptor(
        stream_id=stream_id,
        local_control=draw(_optional(_local_control())),
        local=draw(_optional(sdp_texts)),
        remote=draw(_optional(sdp_texts)),
        statistics=draw(_optional(statistics)),
    )
    if stream == m.StreamDescriptor(stream_id=stream_id):
        return m.StreamDescriptor(stream_id=stream_id, local="v=0\n")
    return stream


@st.composite
def _termination_state(draw: st.DrawFn) -> m.TerminationState:
    state = m.TerminationState(
        properties=draw(_tuples(properties)),
        service_state=draw(_optional(st.sampled_from(m.ServiceState))),
        buffer=draw(_optional(st.sampled_from(m.EventBufferControl))),
    )
    if state == m.TerminationState():
        return m.TerminationState(service_state=m.ServiceState.IN_SERVICE)
    return state


@st.composite
def _media(draw: st.DrawFn) -> m.MediaDescriptor:
    state = draw(_optional(_termination_state()))
    if draw(st.booleans()):
        streams: tuple[m.StreamDescriptor, ...] = (draw(_stream(None)),)
    else:
        ids = draw(st.lists(UINT16, max_size=3, unique=True))
        streams = tuple(draw(_stream(i)) for i in ids)
    if state is None and not streams:
        streams = (draw(_stream(1)),)
    return m.MediaDescriptor(termination_state=state, streams=streams)


digit_maps = st.builds(
    m.DigitMapDescriptor,
    name=_optional(safe_runs.filter(lambda n: n.lower() not in _OCTET_KEYWORDS)),
    value=_optional(st.text(_SAFE + "[]:,", min_size=1, max_size=20)),
).filter(lambda d: d.name is not None or d.value is not None)


@st.composite
def _signal(draw: st.DrawFn) -> m.SignalRequest:
    return m.SignalRequest(
        name=draw(pkgd_names),
        stream=draw(_optional(UINT16)),
        signal_type=draw(_optional(st.sampled_from(m.SignalType))),
        duration=draw(_optional(UINT16)),
        notify_completion=draw(_tuples(st.sampled_from(m.NotificationReason))),
        keep_active=draw(st.booleans()),
        direction=draw(_optional(st.sampled_from(m.SignalDirection))),
        request_id=draw(_optional(request_ids)),
        intersignal_delay=draw(_optional(UINT16)),
        parameters=draw(_tuples(_property(_parameter_names(_SIGNAL_RESERVED)))),
    )


signals_descriptors = st.builds(
    m.SignalsDescriptor,
    signals=_tuples(
        _signal() | st.builds(m.SignalList, list_id=UINT16, signals=_tuples(_signal(), 1, 2)),
        0,
        3,
    ),
)


@st.composite
def _requested_event(draw: st.DrawFn, *, second: bool) -> m.RequestedEvent:
    embed = None
    if draw(st.booleans()):
        signals = draw(_optional(signals_descriptors))
        events = None if second else draw(_optional(_events(second=True)))
        if signals is not None or events is not None:
            embed = m.EmbedDescriptor(signals=signals, events=events)
    return m.RequestedEvent(
        name=draw(pkgd_names),
        stream=draw(_optional(UINT16)),
        keep_active=draw(st.booleans()),
        embed=embed,
        digit_map=draw(_optional(digit_maps)),
        notify_behaviour=draw(_optional(st.sampled_from(m.NotifyBehaviour))),
        reset_events=draw(st.booleans()),
        parameters=draw(_tuples(_property(_parameter_names(_EVENT_RESERVED)))),
    )


def _events(*, second: bool = False) -> st.SearchStrategy[m.EventsDescriptor]:
    return st.just(m.EventsDescriptor()) | st.builds(
        m.EventsDescriptor,
        request_id=request_ids,
        events=_tuples(_requested_event(second=second), 1, 3),
    )


_OBSERVED_PARAMETERS = _tuples(_property(_parameter_names(_OBSERVED_RESERVED)))
observed_events = st.builds(
    m.ObservedEventsDescriptor,
    request_id=request_ids,
    events=_tuples(
        st.builds(
            m.ObservedEvent,
            name=pkgd_names,
            timestamp=_optional(timestamps),
            stream=_optional(UINT16),
            parameters=_OBSERVED_PARAMETERS,
        ),
        1,
        3,
    ),
)
event_specs = _tuples(
    st.builds(
        m.EventSpec, name=pkgd_names, stream=_optional(UINT16), parameters=_OBSERVED_PARAMETERS
    ),
    0,
    3,
)
audit_items = st.lists(st.sampled_from(m.AuditItem), unique=True, max_size=4).map(tuple)
audits = st.builds(m.AuditDescriptor, items=audit_items)
errors = st.builds(m.ErrorDescriptor, code=st.integers(0, 9999), text=_optional(quoted_texts))
packages = _tuples(
    st.builds(m.PackageItem, name=st.text(_NAME, min_size=1, max_size=8), version=UINT16), 1, 3
)
muxes = st.builds(
    m.MuxDescriptor,
    mux_type=st.sampled_from(["H221", "H223", "H226", "V76", "Nx64K", "X-foo"]),
    terminations=_tuples(termination_ids, 1, 3),
)


_AMM_CLASSES: list[type[m.Add] | type[m.Modify] | type[m.Move]] = [m.Add, m.Modify, m.Move]
_AUDITED_CLASSES: list[type[m.Subtract] | type[m.AuditValue] | type[m.AuditCapabilities]] = [
    m.Subtract,
    m.AuditValue,
    m.AuditCapabilities,
]
_REPLY_CLASSES: list[
    type[m.AddReply]
    | type[m.ModifyReply]
    | type[m.MoveReply]
    | type[m.SubtractReply]
    | type[m.AuditValueReply]
    | type[m.AuditCapabilitiesReply]
] = [
    m.AddReply,
    m.ModifyReply,
    m.MoveReply,
    m.SubtractReply,
    m.AuditValueReply,
    m.AuditCapabilitiesReply,
]


@st.composite
def _amm(draw: st.DrawFn) -> m.Command:
    cls = draw(st.sampled_from(_AMM_CLASSES))
    fields: dict[str, Any] = {
        "media": draw(_optional(_media())),
        "events": draw(_optional(_events())),
        "signals": draw(_optional(signals_descriptors)),
        "event_buffer": draw(_optional(event_specs)),
        "digit_map": draw(_optional(digit_maps)),
        "audit": draw(_optional(audits)),
        "statistics": draw(_optional(statistics)),
        "mux": draw(_optional(muxes)),
    }
    has_body = any(v is not None for v in fields.values())
    return cls(
        terminations=draw(_termination_list(body=has_body)),
        optional=draw(st.booleans()),
        wildcard_reply=draw(st.booleans()),
        **fields,
    )


def _termination_list(*, body: bool) -> st.SearchStrategy[tuple[str, ...]]:
    single = body_termination_ids if body else termination_ids
    return single.map(lambda t: (t,)) | _tuples(termination_ids, 2, 3)


@st.composite
def _audited_command(draw: st.DrawFn) -> m.Command:
    cls = draw(st.sampled_from(_AUDITED_CLASSES))
    audit = draw(_optional(audits))
    return cls(
        terminations=draw(_termination_list(body=audit is not None)),
        optional=draw(st.booleans()),
        wildcard_reply=draw(st.booleans()),
        audit=audit,
    )


@st.composite
def _mid(draw: st.DrawFn) -> m.MId:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        address = draw(st.ip_addresses())
        return m.DomainAddress(address=str(address), port=draw(_optional(UINT16)))
    if kind == 1:
        return m.DomainName(
            name=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,20}", fullmatch=True)),
            port=draw(_optional(UINT16)),
        )
    if kind == 2:
        name = draw(
            st.from_regex(r"[A-Za-z][A-Za-z0-9_/]{0,15}", fullmatch=True).filter(
                lambda n: (
                    KEYWORDS.get(n.lower())
                    not in {
                        Token.TRANSACTION,
                        Token.REPLY,
                        Token.PENDING,
                        Token.RESPONSE_ACK,
                        Token.ERROR,
                        Token.MTP,
                    }
                )
            )
        )
        return m.DeviceName(name=name)
    return m.MTPAddress(address=draw(st.from_regex(r"[0-9A-Fa-f]{4,8}", fullmatch=True)))


_extension_names = st.from_regex(r"[Xx][-+][A-Za-z0-9]{1,6}", fullmatch=True)


@st.composite
def _service_change(draw: st.DrawFn) -> m.ServiceChange:
    address: m.MId | int | None = draw(_optional(_mid() | UINT16))
    parms = m.ServiceChangeParms(
        method=draw(st.sampled_from(m.ServiceChangeMethod) | _extension_names),
        reason=draw(_optional(values)),
        delay=draw(_optional(UINT32)),
        address=address,
        profile=draw(_optional(safe_runs)),
        version=draw(_optional(st.integers(0, 99))),
        mgc_id=draw(_optional(_mid())),
        timestamp=draw(_optional(timestamps)),
        incomplete=draw(st.booleans()),
        extensions=draw(_tuples(_property(_extension_names))),
        audit=draw(audit_items),
    )
    return m.ServiceChange(terminations=draw(_termination_list(body=True)), parms=parms)


commands: st.SearchStrategy[m.Command] = st.one_of(
    _amm(),
    _audited_command(),
    st.builds(
        m.Notify,
        terminations=_termination_list(body=True),
        observed_events=observed_events,
        error=_optional(errors),
    ),
    _service_change(),
)

_triples = st.builds(
    m.TopologyTriple,
    from_termination=termination_ids,
    to_termination=termination_ids,
    direction=st.sampled_from(m.TopologyDirection),
    stream=_optional(UINT16),
)


@st.composite
def _context_properties(draw: st.DrawFn) -> m.ContextProperties | None:
    props = m.ContextProperties(
        priority=draw(_optional(UINT16)),
        emergency=draw(_optional(st.booleans())),
        ieps=draw(_optional(st.booleans())),
        topology=draw(_tuples(_triples, 0, 2)),
        attributes=draw(_tuples(properties, 0, 2)),
    )
    return None if props == m.ContextProperties() else props


@st.composite
def _action_request(draw: st.DrawFn) -> m.ActionRequest:
    context = draw(_optional(_context_properties()))
    audit = None
    if draw(st.booleans()):
        audit = m.ContextAudit(
            topology=draw(st.booleans()),
            emergency=draw(st.booleans()),
            priority=draw(st.booleans()),
            ieps=draw(st.booleans()),
            properties=draw(_tuples(pkgd_names, 0, 2)),
        )
        if audit == m.ContextAudit():
            audit = m.ContextAudit(topology=True)
    cmds = draw(_tuples(commands, 0, 3))
    if context is None and audit is None and not cmds:
        cmds = (m.Subtract(terminations=("*",)),)
    return m.ActionRequest(
        context_id=draw(context_ids), context=context, context_audit=audit, commands=cmds
    )


@st.composite
def _termination_audit(draw: st.DrawFn) -> m.TerminationAudit:
    audit = m.TerminationAudit(
        media=draw(_optional(_media())),
        events=draw(_optional(_events())),
        signals=draw(_optional(signals_descriptors)),
        digit_map=draw(_optional(digit_maps)),
        observed_events=draw(_optional(observed_events)),
        event_buffer=draw(_optional(event_specs)),
        statistics=draw(_optional(statistics)),
        packages=draw(_optional(packages)),
        mux=draw(_optional(muxes)),
        error=draw(_optional(errors)),
        items=draw(
            st.lists(
                st.sampled_from(
                    [
                        m.AuditItem.MEDIA,
                        m.AuditItem.MUX,
                        m.AuditItem.MODEM,
                        m.AuditItem.DIGIT_MAP,
                        m.AuditItem.OBSERVED_EVENTS,
                        m.AuditItem.PACKAGES,
                    ]
                ),
                unique=True,
                max_size=2,
            ).map(tuple)
        ),
    )
    if audit == m.TerminationAudit():
        return m.TerminationAudit(statistics=())
    return audit


@st.composite
def _command_reply(draw: st.DrawFn) -> m.CommandReply:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        cls = draw(st.sampled_from(_REPLY_CLASSES))
        audit = draw(_optional(_termination_audit()))
        terminations = _termination_list(body=audit is not None)
        if audit is not None and issubclass(cls, m.AuditReply):
            # "AuditValue = C {" is the context form (the encoder refuses it).
            terminations = terminations.filter(
                lambda ids: len(ids) > 1 or ids[0].lower() not in ("c", "context")
            )
        return cls(terminations=draw(terminations), audit=audit)
    if kind == 1:
        error = draw(_optional(errors))
        return m.NotifyReply(
            terminations=draw(_termination_list(body=error is not None)), error=error
        )
    result = None
    error = None
    if draw(st.booleans()):
        error = draw(errors)
    elif draw(st.booleans()):
        result = draw(
            st.builds(
                m.ServiceChangeResult,
                address=_optional(_mid() | UINT16),
                mgc_id=_optional(_mid()),
                profile=_optional(safe_runs),
                version=_optional(st.integers(0, 99)),
                timestamp=_optional(timestamps),
            ).filter(lambda r: r != m.ServiceChangeResult())
        )
    return m.ServiceChangeReply(
        terminations=draw(_termination_list(body=result is not None or error is not None)),
        result=result,
        error=error,
    )


action_replies = st.builds(
    m.ActionReply,
    context_id=context_ids,
    context=_context_properties(),
    replies=_tuples(_command_reply(), 0, 3),
    error=_optional(errors),
)


@st.composite
def _transaction(draw: st.DrawFn) -> m.Transaction:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return m.TransactionRequest(
            transaction_id=draw(UINT32), actions=draw(_tuples(_action_request(), 1, 2))
        )
    if kind == 1:
        if draw(st.booleans()):
            return m.TransactionReply(
                transaction_id=draw(UINT32),
                error=draw(errors),
                imm_ack_required=draw(st.booleans()),
            )
        return m.TransactionReply(
            transaction_id=draw(UINT32),
            actions=draw(_tuples(action_replies, 1, 2)),
            imm_ack_required=draw(st.booleans()),
        )
    if kind == 2:
        return m.TransactionPending(transaction_id=draw(UINT32))
    return m.TransactionResponseAck(
        acks=draw(_tuples(st.builds(m.TransactionAck, first=UINT32, last=_optional(UINT32)), 1, 3))
    )


@st.composite
def messages(draw: st.DrawFn) -> m.Message:
    """Any message the text encoding can carry."""
    authentication = None
    if draw(st.integers(0, 9)) == 0:
        authentication = m.AuthenticationHeader(
            spi=draw(UINT32), sequence=draw(UINT32), data=draw(st.binary(min_size=12, max_size=32))
        )
    mid = draw(_mid())
    version = draw(st.integers(1, 3))
    if draw(st.integers(0, 9)) == 0:
        return m.Message(
            mid=mid, version=version, error=draw(errors), authentication=authentication
        )
    return m.Message(
        mid=mid,
        version=version,
        transactions=draw(_tuples(_transaction(), 1, 3)),
        authentication=authentication,
    )
