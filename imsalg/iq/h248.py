"""Iq procedures (TS 23.334 clause 8) ⇄ H.248.1 transactions (TS 29.334), with no I/O.

One :class:`~imsalg.iq.procedures.GatewayRequest` is one H.248 transaction with one action:
``Context = $`` when the request asks for a new context, else its ID (TS 29.334 §5.11). Each
procedure is one command, in order (H.248.1 §8.2.2: commands run in order, the first error
stops the transaction):

=======================================  =================================================
procedure                                command
=======================================  =================================================
Reserve AGW Connection Point             ``Add = $ {Media, Events, Signals}``
Reserve and Configure AGW Conn. Point    ``Add = $`` with a Remote descriptor
Configure AGW Connection Point           ``Modify = <termination> {...}`` (the whole state)
Release AGW Termination                  ``Subtract = <termination> {Audit{Statistics}}``
(D)TLS failure / IP Bearer Released      ``Notify = <termination> {ObservedEvents}`` (AGW→ALG)
=======================================  =================================================

Inside a termination: ``Media { TerminationState { ipdc/realm = <realm> }, Stream = n {
LocalControl { Mode = <mode>, [interlinkage], [MSRP mode] }, Local { SDP }, [Remote { SDP
}] } }``, ``Events = rid { [TLS failure], [bearer released], [hangterm/thb {timerx = N}] }``
and ``Signals { <establish TLS> }`` when the AGW is TLS client and may start. The Local SDP
says what the IMS-ALG wants of the AGW's side, ``$`` marking what the AGW chooses
(address, port, fingerprint, MSRP path); the Remote SDP describes the peer as learnt from
its SDP (``-`` for a value not known). All names not confirmed from the ITU/3GPP texts
come from :class:`~imsalg.iq.profile.IqProfile`.

Both directions are here:

- IMS-ALG: :func:`request_to_transaction`, :func:`reply_to_result`,
  :func:`notify_to_notification`, :func:`notification_ack`, :func:`message`.
- IMS-AGW: :func:`transaction_to_request` (strict: what the procedure model cannot carry is
  refused with :class:`~imsalg.errors.GatewayError` and the H.248 code to answer with — 445
  unknown property, 446 unknown parameter, 449 unsupported value with the value in the
  text, 440/451/452 unknown package/event/signal, 441 no Local descriptor, 444 unsupported
  descriptor, 501 unsupported command or construct; TS 29.334 §5.17.1, H.248.8),
  :func:`result_to_reply`, :func:`failure_to_reply`, :func:`notification_to_transaction`,
  :func:`heartbeat_to_transaction`.

A reply that does not answer the request it is matched with raises
:class:`~imsalg.errors.H248Error`. Time stamps are passed in by the caller; nothing here
reads a clock.

Round trips: ``transaction_to_request(request_to_transaction(r, r.request_id))`` gives ``r``
back, except that a Reserve and Configure with an empty :class:`RemoteSide` travels as a
plain Reserve (the same meaning: nothing is known of the peer) and that
``LocalSide.fingerprint_hash`` travels only with a fingerprint request (it means nothing
without one). Results and failures
survive :func:`result_to_reply`/:func:`failure_to_reply` → :func:`reply_to_result` when
the failure code is not ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import NoReturn

from imsalg.errors import GatewayError, H248Error
from imsalg.h248 import model as m
from imsalg.h248.codes import ErrorCode
from imsalg.iq.procedures import (
    BearerReleased,
    ConfigureConnectionPoint,
    ConnectionPointConfigured,
    ConnectionPointReserved,
    ContextLost,
    Establishment,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    LocalSide,
    MSRPMode,
    Procedure,
    ProcedureResult,
    ReleaseTermination,
    RemoteSide,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    StreamMode,
    TerminationHeartbeat,
    TerminationReleased,
    TerminationStatistics,
    TLSSetupFailed,
    Transport,
)
from imsalg.iq.profile import DEFAULT_PROFILE, IqProfile
from imsalg.sdp.attributes import Setup, address_type_of
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI, format_path, parse_path

__all__ = [
    "failure_to_reply",
    "heartbeat_to_transaction",
    "message",
    "notification_ack",
    "notification_to_transaction",
    "notify_to_notification",
    "reply_to_result",
    "request_to_transaction",
    "result_to_reply",
    "transaction_to_request",
]

_CHOOSE = "$"
_UNKNOWN = "-"
_STATISTICS_AUDIT = m.AuditDescriptor(items=(m.AuditItem.STATISTICS,))
_MODES = {mode: m.StreamMode(mode.value) for mode in StreamMode}
_PROCEDURE_MODES = {value: key for key, value in _MODES.items()}
# SDP lines the mapping reads and ignores in a Local or Remote descriptor (RFC 8866 session
# lines an IMS-ALG may copy in); every other line is refused.
_IGNORED_LINES = ("o=", "s=", "t=", "i=", "b=")


def message(mid: m.MId, transactions: Iterable[m.Transaction], *, version: int = 3) -> m.Message:
    """A message from *mid* carrying *transactions* (MEGACO/3 unless told otherwise)."""
    return m.Message(mid=mid, version=version, transactions=tuple(transactions))


# -- IMS-ALG side: request out ----------------------------------------------------------------


def request_to_transaction(
    request: GatewayRequest, transaction_id: int, profile: IqProfile = DEFAULT_PROFILE
) -> m.TransactionRequest:
    """The H.248 transaction carrying *request* (the transport layer owns *transaction_id*)."""
    commands = tuple(_command(procedure, profile) for procedure in request.procedures)
    if not commands:
        raise H248Error(f"request {request.request_id} has no procedure")
    context: m.ContextID = m.CHOOSE if request.context is None else _context_number(request.context)
    action = m.ActionRequest(context_id=context, commands=commands)
    return m.TransactionRequest(transaction_id=transaction_id, actions=(action,))


_DECIMAL_RE = re.compile(r"[0-9]{1,20}\Z")


def _decimal(text: str, limit: int) -> int | None:
    """*text* as a decimal number no greater than *limit*, or ``None``.

    ASCII digits only: ``str.isdigit`` also takes "²" or "٣", which ``int`` refuses or
    reads, and ``int`` refuses 4300 digits or more with a bare ``ValueError``.
    """
    if _DECIMAL_RE.match(text) is None:
        return None
    value = int(text)
    return value if value <= limit else None


def _context_number(context: str) -> int:
    # ContextID = UINT32 (or $ * -): an Iq context is a number.
    number = _decimal(context, 0xFFFFFFFF)
    if number is None or str(number) != context:
        raise H248Error(f"context {context!r} is not an H.248 context ID (UINT32)")
    return number


def _command(procedure: Procedure, profile: IqProfile) -> m.Command:
    if isinstance(procedure, ReleaseTermination):
        return m.Subtract(terminations=(procedure.termination,), audit=_STATISTICS_AUDIT)
    local = procedure.local
    side = profile.side_of(local.realm)
    if side is not procedure.side:
        raise H248Error(
            f"realm {local.realm!r} serves the {side.value if side else 'unknown'} side in the "
            f"Iq profile, not the {procedure.side.value} side"
        )
    remote = procedure.remote if not isinstance(procedure, ReserveConnectionPoint) else None
    stream = m.StreamDescriptor(
        stream_id=procedure.stream,
        local_control=_local_control(local, profile),
        local=_local_sdp(local, profile),
        remote=None if remote is None else _remote_sdp(remote, local.transport, profile),
    )
    media = m.MediaDescriptor(
        termination_state=m.TerminationState(
            properties=(m.PropertyParm.of(profile.realm_property, local.realm),)
        ),
        streams=(stream,),
    )
    events = _events(local, profile)
    signals = None
    if local.establish_tls:
        signals = m.SignalsDescriptor(signals=(m.SignalRequest(name=profile.tls_establish_signal),))
    if isinstance(procedure, ConfigureConnectionPoint):
        # Configure carries the whole wanted state: no events is an empty Events (clear).
        return m.Modify(
            terminations=(procedure.termination,),
            media=media,
            events=events or m.EventsDescriptor(),
            signals=signals,
        )
    return m.Add(terminations=(m.CHOOSE,), media=media, events=events, signals=signals)


def _local_control(local: LocalSide, profile: IqProfile) -> m.LocalControl:
    properties = []
    if local.establishment is Establishment.TRIGGER:
        properties.append(
            m.PropertyParm.of(profile.establishment_property, profile.establishment_trigger)
        )
    if local.msrp_mode is MSRPMode.AWARE:
        properties.append(m.PropertyParm.of(profile.msrp_mode_property, profile.msrp_mode_aware))
    return m.LocalControl(mode=_MODES[local.mode], properties=tuple(properties))


def _connection_line(address: str | None, fallback_type: str, placeholder: str) -> str:
    if address is None:
        return f"c=IN {fallback_type} {placeholder}"
    try:
        kind = address_type_of(address)
    except ValueError:
        kind = "IP4"  # an FQDN in c= goes as IN IP4 <name>
    return f"c=IN {kind} {address}"


def _sdp_text(
    *,
    address: str | None,
    placeholder: str,
    address_type: str,
    port: str,
    proto: str,
    setup: Setup | None,
    fingerprints: Iterable[str] = (),
    path: str | None = None,
) -> str:
    """One SDP property group of the mapping: c=, m=message, a=setup, a=fingerprint lines,
    a=path (*placeholder* stands for an address the text does not give)."""
    lines = [
        "v=0",
        _connection_line(address, address_type, placeholder),
        f"m=message {port} {proto} *",
    ]
    if setup is not None:
        lines.append(f"a=setup:{setup.value}")
    lines.extend(f"a=fingerprint:{fingerprint}" for fingerprint in fingerprints)
    if path is not None:
        lines.append(f"a=path:{path}")
    return "\n".join(lines) + "\n"


def _local_sdp(local: LocalSide, profile: IqProfile) -> str:
    """What the IMS-ALG wants of the AGW's side; ``$`` for what the AGW chooses."""
    choose = profile.fingerprint_request.replace("{hash}", local.fingerprint_hash)
    return _sdp_text(
        address=local.address,
        placeholder=_CHOOSE,
        address_type=profile.choose_address_type,
        port=_CHOOSE if local.port is None else str(local.port),
        proto=profile.proto(local.transport),
        setup=local.setup,
        fingerprints=(choose,) if local.request_fingerprint else (),
        path=_CHOOSE if local.request_path else None,
    )


def _remote_sdp(remote: RemoteSide, transport: Transport, profile: IqProfile) -> str | None:
    """The peer as learnt from its SDP; ``None`` when nothing is known of it."""
    if remote == RemoteSide():
        return None
    return _sdp_text(
        address=remote.address,
        placeholder=_UNKNOWN,
        address_type="IP4",
        port=_UNKNOWN if remote.port is None else str(remote.port),
        proto=profile.proto(transport),
        setup=remote.setup,
        fingerprints=[fingerprint.format() for fingerprint in remote.fingerprints],
        path=format_path(remote.path) if remote.path else None,
    )


def _events(local: LocalSide, profile: IqProfile) -> m.EventsDescriptor | None:
    events = []
    if local.notify_tls_failure:
        events.append(m.RequestedEvent(name=profile.tls_failure_event))
    if local.notify_bearer_released:
        events.append(m.RequestedEvent(name=profile.bearer_released_event))
    if local.heartbeat is not None:
        timer = m.PropertyParm.of(profile.heartbeat_timer, str(local.heartbeat))
        events.append(m.RequestedEvent(name=profile.heartbeat_event, parameters=(timer,)))
    if not events:
        return None
    return m.EventsDescriptor(request_id=profile.events_request_id, events=tuple(events))


# -- IMS-ALG side: reply and notifications in -------------------------------------------------


def reply_to_result(
    request: GatewayRequest, reply: m.TransactionReply, profile: IqProfile = DEFAULT_PROFILE
) -> GatewayResult | GatewayFailure:
    """What the AGW did with *request*, read from its *reply*.

    An Error descriptor (at transaction, action or command level) becomes a
    :class:`GatewayFailure` with its code; the command replies before it are the failure's
    ``partial`` results. Raises :class:`H248Error` when the reply does not answer *request*.
    """
    if reply.error is not None:
        return _failure(request, reply.error, context=None, partial=())
    if len(reply.actions) != 1:
        raise H248Error(f"a reply to one Iq request has one action, not {len(reply.actions)}")
    action = reply.actions[0]
    replies = action.replies
    results: list[ProcedureResult] = []
    position = 0
    for procedure in request.procedures:
        if position == len(replies):
            if action.error is None:
                raise H248Error("the reply answers fewer commands than the request holds")
            break
        answer = replies[position]
        error = getattr(answer, "error", None)
        audit = getattr(answer, "audit", None)
        if audit is not None and audit.error is not None:
            error = audit.error
        if error is not None:
            return _failure(request, error, context=action.context_id, partial=results)
        if isinstance(procedure, ReleaseTermination):
            position = _read_releases(procedure, replies, position, results, profile)
            continue
        expected = m.ModifyReply if isinstance(procedure, ConfigureConnectionPoint) else m.AddReply
        if not isinstance(answer, expected):
            raise H248Error(f"{type(answer).__name__} answers {type(procedure).__name__}")
        position += 1
        termination = _single(answer.terminations, "a command reply")
        if isinstance(procedure, ConfigureConnectionPoint):
            results.append(ConnectionPointConfigured(termination=termination))
        else:
            results.append(_reserved(termination, audit, profile))
    if action.error is not None:
        return _failure(request, action.error, context=action.context_id, partial=results)
    if position != len(replies):
        raise H248Error("the reply answers more commands than the request holds")
    return GatewayResult(
        request_id=request.request_id,
        context=_context_text(action.context_id),
        results=tuple(results),
    )


def _failure(
    request: GatewayRequest,
    error: m.ErrorDescriptor,
    *,
    context: m.ContextID | None,
    partial: Sequence[ProcedureResult],
) -> GatewayFailure:
    return GatewayFailure(
        request_id=request.request_id,
        code=int(error.code),
        reason=error.code.text if error.text is None else error.text,
        context=None if context is None or isinstance(context, str) else str(context),
        partial=tuple(partial),
    )


def _context_text(context: m.ContextID) -> str:
    if isinstance(context, str):
        raise H248Error(f"the reply names no context ({context!r})")
    return str(context)


def _single(ids: tuple[str, ...], where: str) -> str:
    if len(ids) != 1 or ids[0] in (m.CHOOSE, m.ALL):
        raise H248Error(f"{where} names {ids!r}, not one termination")
    return ids[0]


def _read_releases(
    procedure: ReleaseTermination,
    replies: Sequence[m.CommandReply],
    position: int,
    results: list[ProcedureResult],
    profile: IqProfile,
) -> int:
    """The Subtract replies answering one Release ("*": every one that follows)."""
    taken = 0
    while position < len(replies):
        answer = replies[position]
        if not isinstance(answer, m.SubtractReply) or (taken and procedure.termination != m.ALL):
            break
        if answer.audit is not None and answer.audit.error is not None:
            break
        statistics = _statistics(answer.audit, profile)
        results.extend(
            TerminationReleased(termination=termination, statistics=statistics)
            for termination in answer.terminations
        )
        position += 1
        taken += 1
    if not taken and procedure.termination != m.ALL:
        raise H248Error(f"no Subtract reply answers the release of {procedure.termination}")
    return position


def _statistics(audit: m.TerminationAudit | None, profile: IqProfile) -> TerminationStatistics:
    counters = {
        profile.octets_in_statistic: "octets_in",
        profile.octets_out_statistic: "octets_out",
        profile.messages_in_statistic: "messages_in",
        profile.messages_out_statistic: "messages_out",
    }
    values: dict[str, int] = {}
    for item in (audit.statistics or ()) if audit is not None else ():
        field = counters.get(item.name)
        if field is None:
            continue  # statistics the model has no counter for (nt/dur…) are not kept
        count = _decimal(item.values[0], 2**64 - 1) if len(item.values) == 1 else None
        if count is None:
            raise H248Error(f"statistic {item.name} is not a count: {item.values!r}")
        values[field] = count
    return TerminationStatistics(**values)


def _reserved(
    termination: str, audit: m.TerminationAudit | None, profile: IqProfile
) -> ConnectionPointReserved:
    media = None if audit is None else audit.media
    if media is None or len(media.streams) != 1 or media.streams[0].local is None:
        raise H248Error(f"the reply to Add of {termination} carries no Local SDP")
    sdp = _read_sdp(media.streams[0].local, "Local", _reply_error, profile)
    address = sdp.address
    if address is None or address in (_CHOOSE, _UNKNOWN) or not sdp.port.isdigit():
        raise H248Error(f"the Local SDP of {termination} has no address and port")
    fingerprint = None
    if sdp.fingerprints:
        try:
            fingerprint = Fingerprint.parse(sdp.fingerprints[0])
        except ValueError as exc:
            raise H248Error(f"the fingerprint of {termination}: {exc}") from None
    path: tuple[MSRPURI, ...] = ()
    if sdp.path is not None:
        try:
            path = parse_path(sdp.path)
        except ValueError as exc:
            raise H248Error(f"the MSRP path of {termination}: {exc}") from None
    return ConnectionPointReserved(
        termination=termination,
        address=address,
        port=int(sdp.port),
        fingerprint=fingerprint,
        path=path,
    )


def notify_to_notification(
    transaction: m.TransactionRequest, profile: IqProfile = DEFAULT_PROFILE
) -> list[GatewayNotification]:
    """The notifications a Notify transaction from the AGW carries, in order.

    A termination heartbeat (``hangterm/thb``) becomes :class:`TerminationHeartbeat`. An
    event the IMS-ALG never
    asks for, or a command other than Notify, raises :class:`GatewayError` with the H.248
    code to answer with.
    """
    notifications: list[GatewayNotification] = []
    known = _known_packages(profile)
    for action in transaction.actions:
        context = _context_text(action.context_id)
        for command in action.commands:
            if not isinstance(command, m.Notify):
                _refuse(ErrorCode.NOT_IMPLEMENTED, f"{command.token.long} sent to the IMS-ALG")
            for event in command.observed_events.events:
                cause = _parameter(event.parameters, profile)
                for termination in command.terminations:
                    if event.name == profile.tls_failure_event:
                        notifications.append(
                            TLSSetupFailed(context=context, termination=termination, cause=cause)
                        )
                    elif event.name == profile.bearer_released_event:
                        notifications.append(
                            BearerReleased(context=context, termination=termination, cause=cause)
                        )
                    elif event.name == profile.heartbeat_event:
                        notifications.append(
                            TerminationHeartbeat(context=context, termination=termination)
                        )
                    else:
                        _unknown_item(event.name, known, ErrorCode.NO_SUCH_EVENT_IN_PACKAGE)
    return notifications


def _parameter(parameters: tuple[m.PropertyParm, ...], profile: IqProfile) -> str:
    for parameter in parameters:
        if parameter.name in (profile.tls_failure_cause, profile.bearer_released_cause):
            return parameter.value
    return ""


def notification_ack(
    transaction: m.TransactionRequest, *, error: m.ErrorDescriptor | None = None
) -> m.TransactionReply:
    """The reply to a Notify transaction: each Notify acknowledged (or refused with *error*)."""
    actions = tuple(
        m.ActionReply(
            context_id=action.context_id,
            replies=tuple(
                m.NotifyReply(terminations=command.terminations, error=error)
                for command in action.commands
            ),
        )
        for action in transaction.actions
    )
    return m.TransactionReply(transaction_id=transaction.transaction_id, actions=actions)


# -- IMS-AGW side: request in -----------------------------------------------------------------


def transaction_to_request(
    transaction: m.TransactionRequest, profile: IqProfile = DEFAULT_PROFILE
) -> GatewayRequest:
    """The Iq request an H.248 transaction carries (the request ID is the transaction ID).

    Strict: what the procedure model cannot carry raises :class:`GatewayError` whose
    ``h248_code`` is the error to answer with (see the module docstring).
    """
    if len(transaction.actions) != 1:
        _refuse(ErrorCode.NOT_IMPLEMENTED, "an Iq transaction has exactly one action")
    action = transaction.actions[0]
    if action.context is not None or action.context_audit is not None:
        _refuse(ErrorCode.NOT_IMPLEMENTED, "context properties and context audit")
    if not action.commands:
        _refuse(ErrorCode.NOT_IMPLEMENTED, "an action without commands")
    if action.context_id == m.CHOOSE:
        context = None
    elif isinstance(action.context_id, int):
        context = str(action.context_id)
    else:
        _refuse(ErrorCode.NOT_IMPLEMENTED, f"context {action.context_id}")
    procedures = tuple(_procedure(command, profile) for command in action.commands)
    return GatewayRequest(
        request_id=transaction.transaction_id, context=context, procedures=procedures
    )


def _refuse(code: ErrorCode, detail: str) -> NoReturn:
    """Refuse with *code*; the text is the H.248.8 text and what was refused."""
    raise GatewayError(f"{code.text}: {detail}", h248_code=int(code))


def _known_packages(profile: IqProfile) -> frozenset[str]:
    names = (
        profile.tls_failure_event,
        profile.tls_establish_signal,
        profile.bearer_released_event,
        profile.heartbeat_event,
    )
    return frozenset(name.split("/", 1)[0] for name in names)


def _unknown_item(name: str, known: frozenset[str], code: ErrorCode) -> NoReturn:
    # H.248.8: 440 when the package itself is unknown, else no such event / signal.
    if name.split("/", 1)[0] not in known:
        _refuse(ErrorCode.UNSUPPORTED_PACKAGE, name)
    _refuse(code, name)


def _procedure(command: m.Command, profile: IqProfile) -> Procedure:
    if command.optional or command.wildcard_reply:
        _refuse(ErrorCode.NOT_IMPLEMENTED, "O-/W- command prefixes")
    if isinstance(command, m.Subtract):
        # The reply carries the statistics whether or not Audit{Statistics} is asked.
        if command.audit is not None and not set(command.audit.items) <= {m.AuditItem.STATISTICS}:
            _refuse(ErrorCode.UNSUPPORTED_DESCRIPTOR, "Audit of more than Statistics")
        return ReleaseTermination(termination=_one_termination(command.terminations))
    if not isinstance(command, (m.Add, m.Modify)):
        _refuse(ErrorCode.NOT_IMPLEMENTED, command.token.long)
    for unused in ("event_buffer", "digit_map", "audit", "statistics", "mux"):
        if getattr(command, unused) is not None:
            _refuse(ErrorCode.UNSUPPORTED_DESCRIPTOR, f"{unused} in {command.token.long}")
    if command.media is None:
        _refuse(ErrorCode.MISSING_REMOTE_OR_LOCAL_DESCRIPTOR, f"{command.token.long} without Media")
    stream, realm, local_control = _media(command.media, profile)
    if stream.local is None:
        _refuse(ErrorCode.MISSING_REMOTE_OR_LOCAL_DESCRIPTOR, "no Local descriptor")
    side = profile.side_of(realm)
    if side is None:
        _refuse(ErrorCode.UNSUPPORTED_VALUE, f"{profile.realm_property}={realm}")
    local = _read_local(
        realm, local_control, stream.local, command.events, command.signals, profile
    )
    remote = RemoteSide() if stream.remote is None else _read_remote(stream.remote, profile)
    stream_id = 1 if stream.stream_id is None else stream.stream_id
    if isinstance(command, m.Modify):
        return ConfigureConnectionPoint(
            termination=_one_termination(command.terminations),
            stream=stream_id,
            side=side,
            local=local,
            remote=remote,
        )
    if command.terminations != (m.CHOOSE,):
        _refuse(ErrorCode.NOT_IMPLEMENTED, f"Add of the named termination {command.terminations}")
    if stream.remote is None:
        return ReserveConnectionPoint(stream=stream_id, side=side, local=local)
    return ReserveAndConfigureConnectionPoint(
        stream=stream_id, side=side, local=local, remote=remote
    )


def _one_termination(ids: tuple[str, ...]) -> str:
    if len(ids) != 1 or ids[0] == m.CHOOSE:
        _refuse(ErrorCode.NOT_IMPLEMENTED, f"termination list {list(ids)}")
    return ids[0]


def _media(
    media: m.MediaDescriptor, profile: IqProfile
) -> tuple[m.StreamDescriptor, str, m.LocalControl]:
    if not media.streams:
        _refuse(ErrorCode.MISSING_REMOTE_OR_LOCAL_DESCRIPTOR, "no stream, no Local descriptor")
    if len(media.streams) > 1:
        _refuse(ErrorCode.NOT_IMPLEMENTED, f"{len(media.streams)} streams in one termination")
    stream = media.streams[0]
    if stream.statistics is not None:
        _refuse(ErrorCode.UNSUPPORTED_DESCRIPTOR, "Statistics in a stream")
    state = media.termination_state
    realm = None
    if state is not None:
        if state.service_state is not None:
            _refuse(ErrorCode.UNSUPPORTED_PROPERTY, "ServiceStates")
        if state.buffer is not None:
            _refuse(ErrorCode.UNSUPPORTED_PROPERTY, "Buffer")
        for prop in state.properties:
            if prop.name != profile.realm_property:
                _refuse(ErrorCode.UNSUPPORTED_PROPERTY, prop.name)
            realm = _single_value(prop)
    if realm is None:
        _refuse(ErrorCode.REQUIRED_INFORMATION_MISSING, profile.realm_property)
    control = stream.local_control or m.LocalControl(mode=m.StreamMode.INACTIVE)
    if control.reserve_value is not None:
        _refuse(ErrorCode.UNSUPPORTED_PROPERTY, "ReservedValue")
    if control.reserve_group is not None:
        _refuse(ErrorCode.UNSUPPORTED_PROPERTY, "ReservedGroup")
    return stream, realm, control


def _single_value(prop: m.PropertyParm) -> str:
    if prop.relation is not m.Relation.EQUAL or prop.form is not m.ValueForm.SINGLE:
        _refuse(ErrorCode.UNSUPPORTED_VALUE, f"{prop.name} with more than one value")
    return prop.value


def _read_local(
    realm: str,
    control: m.LocalControl,
    text: str,
    events: m.EventsDescriptor | None,
    signals: m.SignalsDescriptor | None,
    profile: IqProfile,
) -> LocalSide:
    sdp = _read_sdp(text, "Local", _refuse, profile)
    establishment = Establishment.INITIATE
    msrp_mode = MSRPMode.AGNOSTIC
    for prop in control.properties:
        value = _single_value(prop)
        if prop.name == profile.establishment_property:
            if value.upper() != profile.establishment_trigger.upper():
                _refuse(ErrorCode.UNSUPPORTED_VALUE, f"{prop.name}={value}")
            establishment = Establishment.TRIGGER
        elif prop.name == profile.msrp_mode_property:
            if value.lower() != profile.msrp_mode_aware.lower():
                _refuse(ErrorCode.UNSUPPORTED_VALUE, f"{prop.name}={value}")
            msrp_mode = MSRPMode.AWARE
        else:
            _refuse(ErrorCode.UNSUPPORTED_PROPERTY, prop.name)
    if sdp.setup is not None and sdp.setup not in profile.local_setups:
        _refuse(ErrorCode.UNSUPPORTED_VALUE, f"a=setup:{sdp.setup.value}")
    request_fingerprint = False
    fingerprint_hash = profile.default_fingerprint_hash
    if len(sdp.fingerprints) > 1:
        _refuse(ErrorCode.UNSUPPORTED_VALUE, "several a=fingerprint lines in Local")
    if sdp.fingerprints:
        requested = _requested_hash(sdp.fingerprints[0], profile)
        if requested is None:
            _refuse(ErrorCode.UNSUPPORTED_VALUE, f"a=fingerprint:{sdp.fingerprints[0]}")
        request_fingerprint = True
        fingerprint_hash = requested
    if sdp.path not in (None, _CHOOSE):
        _refuse(ErrorCode.UNSUPPORTED_VALUE, f"a=path:{sdp.path}")
    notify_tls, notify_bearer, heartbeat = _read_events(events, profile)
    mode = _PROCEDURE_MODES.get(control.mode or m.StreamMode.INACTIVE)
    if mode is None:
        _refuse(ErrorCode.UNSUPPORTED_MODE, f"Mode {control.mode}")
    if _UNKNOWN in (sdp.address, sdp.port):
        _refuse(ErrorCode.UNSUPPORTED_VALUE, "'-' in the Local SDP")
    return LocalSide(
        realm=realm,
        transport=sdp.transport,
        setup=sdp.setup,
        address=None if sdp.address in (None, _CHOOSE) else sdp.address,
        port=None if sdp.port == _CHOOSE else int(sdp.port),
        establishment=establishment,
        msrp_mode=msrp_mode,
        request_fingerprint=request_fingerprint,
        fingerprint_hash=fingerprint_hash,
        request_path=sdp.path == _CHOOSE,
        establish_tls=_read_signals(signals, profile),
        notify_tls_failure=notify_tls,
        notify_bearer_released=notify_bearer,
        heartbeat=heartbeat,
        mode=mode,
    )


def _requested_hash(value: str, profile: IqProfile) -> str | None:
    """The hash of a fingerprint request in the profile's form (or bare ``$``), else None."""
    if value.strip() == _CHOOSE:
        return profile.default_fingerprint_hash
    pattern = re.escape(profile.fingerprint_request).replace(
        re.escape("{hash}"), r"([!#$%&'*+\-.0-9A-Za-z^_`{|}~]+)"
    )
    match = re.fullmatch(pattern, value.strip())
    if match is None or "{hash}" not in profile.fingerprint_request:
        return None
    return match[1].lower()


def _read_events(
    events: m.EventsDescriptor | None, profile: IqProfile
) -> tuple[bool, bool, int | None]:
    tls = bearer = False
    heartbeat = None
    known = _known_packages(profile)
    for event in () if events is None else events.events:
        if (
            event.stream is not None
            or event.keep_active
            or event.embed is not None
            or event.digit_map is not None
            or event.notify_behaviour is not None
            or event.reset_events
        ):
            _refuse(ErrorCode.UNSUPPORTED_PARAMETER, f"event parameters of {event.name}")
        if event.name == profile.heartbeat_event:
            timers = [p for p in event.parameters if p.name == profile.heartbeat_timer]
            for parameter in event.parameters:
                if parameter.name != profile.heartbeat_timer:
                    _refuse(ErrorCode.UNSUPPORTED_PARAMETER, f"{event.name} {parameter.name}")
            if not timers:
                _refuse(ErrorCode.MISSING_PARAMETER, f"{event.name} {profile.heartbeat_timer}")
            timer = _single_value(timers[-1])
            period = _decimal(timer, 0xFFFFFFFF)
            if period is None:
                _refuse(ErrorCode.UNSUPPORTED_VALUE, f"{profile.heartbeat_timer}={timer[:40]}")
            heartbeat = period
            continue
        if event.parameters:
            _refuse(ErrorCode.UNSUPPORTED_PARAMETER, f"{event.name} {event.parameters[0].name}")
        if event.name == profile.tls_failure_event:
            tls = True
        elif event.name == profile.bearer_released_event:
            bearer = True
        else:
            _unknown_item(event.name, known, ErrorCode.NO_SUCH_EVENT_IN_PACKAGE)
    return tls, bearer, heartbeat


def _read_signals(signals: m.SignalsDescriptor | None, profile: IqProfile) -> bool:
    establish = False
    known = _known_packages(profile)
    for signal in () if signals is None else signals.signals:
        if not isinstance(signal, m.SignalRequest):
            _refuse(ErrorCode.NOT_IMPLEMENTED, "signal lists")
        if signal.name != profile.tls_establish_signal:
            _unknown_item(signal.name, known, ErrorCode.NO_SUCH_SIGNAL_IN_PACKAGE)
        if signal != m.SignalRequest(name=signal.name):
            _refuse(ErrorCode.UNSUPPORTED_PARAMETER, f"signal parameters of {signal.name}")
        establish = True
    return establish


def _read_remote(text: str, profile: IqProfile) -> RemoteSide:
    sdp = _read_sdp(text, "Remote", _refuse, profile)
    fingerprints = []
    for value in sdp.fingerprints:
        try:
            fingerprints.append(Fingerprint.parse(value))
        except ValueError:
            _refuse(ErrorCode.UNSUPPORTED_VALUE, f"a=fingerprint:{value}")
    path: tuple[MSRPURI, ...] = ()
    if sdp.path is not None:
        try:
            path = parse_path(sdp.path)
        except ValueError:
            _refuse(ErrorCode.UNSUPPORTED_VALUE, f"a=path:{sdp.path}")
    if _CHOOSE in (sdp.address, sdp.port):
        _refuse(ErrorCode.UNSUPPORTED_VALUE, "'$' in the Remote SDP")
    return RemoteSide(
        address=None if sdp.address in (None, _UNKNOWN) else sdp.address,
        port=None if sdp.port == _UNKNOWN else int(sdp.port),
        setup=sdp.setup,
        fingerprints=tuple(fingerprints),
        path=path,
    )


# -- SDP of the Local/Remote descriptors ------------------------------------------------------


class _Sdp:
    """The items of one Local/Remote SDP the mapping reads (values as written)."""

    __slots__ = ("address", "fingerprints", "path", "port", "setup", "transport")

    def __init__(self) -> None:
        self.address: str | None = None
        self.port = ""
        self.transport = Transport.TCP
        self.setup: Setup | None = None
        self.fingerprints: list[str] = []
        self.path: str | None = None


_ErrorFactory = Callable[[ErrorCode, str], NoReturn]


def _reply_error(code: ErrorCode, detail: str) -> NoReturn:
    raise H248Error(f"the AGW's reply: {detail}")


_PORT_RE = re.compile(r"[0-9]{1,5}\Z")


def _read_sdp(text: str, where: str, fail: _ErrorFactory, profile: IqProfile) -> _Sdp:
    """One SDP property group: ``c=``, ``m=message``, ``a=setup``, ``a=fingerprint``,
    ``a=path``; session lines in :data:`_IGNORED_LINES` pass, anything else is refused."""
    sdp = _Sdp()
    seen_version = seen_media = False
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("v="):
            if seen_version:
                fail(ErrorCode.UNSUPPORTED_VALUE, f"several SDP groups in {where}")
            if line != "v=0":
                fail(ErrorCode.UNSUPPORTED_VALUE, line)
            seen_version = True
        elif line.startswith("c="):
            parts = line[2:].split(" ")
            if len(parts) != 3 or parts[0] != "IN" or parts[1] not in ("IP4", "IP6"):
                fail(ErrorCode.UNSUPPORTED_VALUE, line)
            sdp.address = parts[2]
        elif line.startswith("m="):
            parts = line[2:].split(" ")
            if seen_media or len(parts) != 4 or parts[0] != "message" or parts[3] != "*":
                fail(ErrorCode.UNSUPPORTED_VALUE, line)
            transport = profile.transport(parts[2])
            port = parts[1]
            if transport is None or not (
                port in (_CHOOSE, _UNKNOWN) or (_PORT_RE.match(port) and int(port) <= 0xFFFF)
            ):
                fail(ErrorCode.UNSUPPORTED_VALUE, line)
            sdp.transport = transport
            sdp.port = port
            seen_media = True
        elif line.startswith("a=setup:"):
            try:
                sdp.setup = Setup.parse(line[8:])
            except ValueError:
                fail(ErrorCode.UNSUPPORTED_VALUE, line)
        elif line.startswith("a=fingerprint:"):
            sdp.fingerprints.append(line[14:])
        elif line.startswith("a=path:") and sdp.path is None:
            sdp.path = line[7:]
        elif not line.startswith(_IGNORED_LINES):
            fail(ErrorCode.UNSUPPORTED_VALUE, line)
    if not seen_media:
        fail(ErrorCode.UNSUPPORTED_VALUE, f"{where} SDP without an m=message line")
    return sdp


# -- IMS-AGW side: replies and notifications out -------------------------------------------


def result_to_reply(
    request: GatewayRequest,
    result: GatewayResult,
    transaction_id: int,
    profile: IqProfile = DEFAULT_PROFILE,
) -> m.TransactionReply:
    """The reply carrying *result*: Add replies with the allocated Local SDP (address, port,
    own fingerprint and MSRP path when asked), Modify replies, Subtract replies with the
    statistics of each released termination."""
    action = m.ActionReply(
        context_id=_context_number(result.context),
        replies=tuple(_replies(request.procedures, result.results, profile)),
    )
    return m.TransactionReply(transaction_id=transaction_id, actions=(action,))


def failure_to_reply(
    request: GatewayRequest | None,
    failure: GatewayFailure,
    transaction_id: int,
    profile: IqProfile = DEFAULT_PROFILE,
) -> m.TransactionReply:
    """The error reply for *failure*: ``Error = code {"reason"}`` (H.248.8 code, 500 when
    it has none), at the transaction level, or after the replies of the commands that were
    carried out when the failure names its context (*request* is needed for those)."""
    error = m.ErrorDescriptor(
        code=ErrorCode.INTERNAL_SOFTWARE_FAILURE if failure.code is None else failure.code,
        text=failure.reason,
    )
    if failure.context is None and not failure.partial:
        return m.TransactionReply(transaction_id=transaction_id, error=error)
    if failure.partial and request is None:
        raise H248Error("the results of a partial failure need the request they answer")
    replies = (
        () if request is None else tuple(_replies(request.procedures, failure.partial, profile))
    )
    action = m.ActionReply(
        context_id=m.NULL_CONTEXT if failure.context is None else _context_number(failure.context),
        replies=replies,
        error=error,
    )
    return m.TransactionReply(transaction_id=transaction_id, actions=(action,))


def _replies(
    procedures: Sequence[Procedure], results: Sequence[ProcedureResult], profile: IqProfile
) -> list[m.CommandReply]:
    replies: list[m.CommandReply] = []
    position = 0
    for procedure in procedures:
        if position == len(results):
            break
        if isinstance(procedure, ReleaseTermination):
            for released in results[position:]:
                if not isinstance(released, TerminationReleased):
                    break
                replies.append(_subtract_reply(released, profile))
                position += 1
                if procedure.termination != m.ALL:
                    break
            continue
        result = results[position]
        position += 1
        if isinstance(procedure, ConfigureConnectionPoint):
            if not isinstance(result, ConnectionPointConfigured):
                raise H248Error(f"{type(result).__name__} does not answer a Configure")
            replies.append(m.ModifyReply(terminations=(result.termination,)))
            continue
        if not isinstance(result, ConnectionPointReserved):
            raise H248Error(f"{type(result).__name__} does not answer a Reserve")
        stream = m.StreamDescriptor(
            stream_id=procedure.stream, local=_reserved_sdp(procedure.local, result, profile)
        )
        audit = m.TerminationAudit(media=m.MediaDescriptor(streams=(stream,)))
        replies.append(m.AddReply(terminations=(result.termination,), audit=audit))
    if position != len(results):
        raise H248Error("more results than the procedures of the request answer")
    return replies


def _subtract_reply(released: TerminationReleased, profile: IqProfile) -> m.SubtractReply:
    counts = released.statistics
    statistics = tuple(
        m.StatisticsParameter(name=name, values=(str(value),))
        for name, value in (
            (profile.octets_in_statistic, counts.octets_in),
            (profile.octets_out_statistic, counts.octets_out),
            (profile.messages_in_statistic, counts.messages_in),
            (profile.messages_out_statistic, counts.messages_out),
        )
    )
    return m.SubtractReply(
        terminations=(released.termination,), audit=m.TerminationAudit(statistics=statistics)
    )


def _reserved_sdp(local: LocalSide, result: ConnectionPointReserved, profile: IqProfile) -> str:
    """The AGW's side as allocated (TS 23.334 §8.2/8.3: Local Connection Address)."""
    return _sdp_text(
        address=result.address,
        placeholder=_CHOOSE,
        address_type="IP4",
        port=str(result.port),
        proto=profile.proto(local.transport),
        setup=local.setup,
        fingerprints=() if result.fingerprint is None else (result.fingerprint.format(),),
        path=format_path(result.path) if result.path else None,
    )


def notification_to_transaction(
    notification: GatewayNotification,
    transaction_id: int,
    *,
    timestamp: str | None = None,
    profile: IqProfile = DEFAULT_PROFILE,
) -> m.TransactionRequest:
    """The Notify carrying *notification*; *timestamp* (``yyyymmddThhmmsshh``, from the
    caller's clock) goes on the observed event when given."""
    if isinstance(notification, ContextLost):
        raise H248Error("ContextLost is the ALG's own conclusion; the AGW never sends it")
    if isinstance(notification, TerminationHeartbeat):
        return heartbeat_to_transaction(
            notification.context,
            notification.termination,
            transaction_id,
            timestamp=timestamp,
            profile=profile,
        )
    if isinstance(notification, TLSSetupFailed):
        name, cause = profile.tls_failure_event, profile.tls_failure_cause
    else:
        name, cause = profile.bearer_released_event, profile.bearer_released_cause
    event = m.ObservedEvent(
        name=name,
        timestamp=timestamp,
        parameters=(m.PropertyParm.of(cause, notification.cause),),
    )
    return _notify(notification.context, notification.termination, event, transaction_id, profile)


def heartbeat_to_transaction(
    context: str,
    termination: str,
    transaction_id: int,
    *,
    timestamp: str | None = None,
    profile: IqProfile = DEFAULT_PROFILE,
) -> m.TransactionRequest:
    """The Notify of a termination heartbeat (H.248.36 ``hangterm/thb``), for the AGW's
    ``on_heartbeat`` reports; the IMS-ALG only acknowledges it (:func:`notification_ack`)."""
    event = m.ObservedEvent(name=profile.heartbeat_event, timestamp=timestamp)
    return _notify(context, termination, event, transaction_id, profile)


def _notify(
    context: str,
    termination: str,
    event: m.ObservedEvent,
    transaction_id: int,
    profile: IqProfile,
) -> m.TransactionRequest:
    notify = m.Notify(
        terminations=(termination,),
        observed_events=m.ObservedEventsDescriptor(
            request_id=profile.events_request_id, events=(event,)
        ),
    )
    action = m.ActionRequest(context_id=_context_number(context), commands=(notify,))
    return m.TransactionRequest(transaction_id=transaction_id, actions=(action,))
