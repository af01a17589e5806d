"""The H.248.1 message model: immutable values for everything the text codec reads and writes.

One class per Annex B construct, named after it (``TransactionRequest``, ``StreamDescriptor``,
``ObservedEvent``…), all ``attrs.frozen(kw_only=True)`` with tuples for repeated items, so
messages compare with ``==`` and hash. The model keeps *meaning*, not spelling: long or short
tokens, case of keywords, white space, comments and quoting of values are the text codec's
business, so ``decode(encode(m)) == m`` holds for both token forms.

Conventions
- Identifiers stay text as written: termination IDs (``"ip/1/acc/17"``, ``"$"``, ``"*"``,
  ``"ROOT"``), package/property names (``"ipdc/realm"``). Context IDs are ``int`` or one of
  :data:`CHOOSE` ``"$"``, :data:`ALL` ``"*"``, :data:`NULL_CONTEXT` ``"-"``.
- Property and parameter values are text *without* quotes; the encoder quotes a value when
  it is not a run of SafeChars (H.248.1 Annex B.2 ``VALUE = quotedString / 1*(SafeChar)``).
- ``Local``/``Remote`` hold the SDP text exactly (un-escaped): every byte given is written
  back, only ``}`` travels as ``\\}`` (Annex B.2 octetString).
- An optional descriptor is ``None`` when absent; a present but empty one (``Events``,
  ``Signals``, ``Statistics``, ``EventBuffer``, ``Audit{}``) is an empty value.

Spelling constraints (SafeChars names, no ``"`` in quoted text, SDP that does not start
with white space or end in ``\\``…) are checked when a message is *encoded*
(:class:`~imsalg.errors.H248Error` names the item), not when it is built: the decoder only
ever builds values that satisfy them, so decoding does not pay for the checks twice.
"""

from __future__ import annotations

import enum
from typing import ClassVar, Final

import attrs

from imsalg.h248.codes import ErrorCode
from imsalg.h248.tokens import Token

__all__ = [
    "ALL",
    "CHOOSE",
    "NULL_CONTEXT",
    "ActionReply",
    "ActionRequest",
    "Add",
    "AddReply",
    "AmmRequest",
    "AmmsReply",
    "AuditCapabilities",
    "AuditCapabilitiesReply",
    "AuditDescriptor",
    "AuditItem",
    "AuditReply",
    "AuditRequest",
    "AuditValue",
    "AuditValueReply",
    "AuthenticationHeader",
    "Command",
    "CommandReply",
    "ContextAudit",
    "ContextID",
    "ContextProperties",
    "DeviceName",
    "DigitMapDescriptor",
    "DomainAddress",
    "DomainName",
    "EmbedDescriptor",
    "ErrorDescriptor",
    "EventBufferControl",
    "EventSpec",
    "EventsDescriptor",
    "LocalControl",
    "MId",
    "MTPAddress",
    "MediaDescriptor",
    "Message",
    "Modify",
    "ModifyReply",
    "Move",
    "MoveReply",
    "MuxDescriptor",
    "NotificationReason",
    "Notify",
    "NotifyBehaviour",
    "NotifyReply",
    "ObservedEvent",
    "ObservedEventsDescriptor",
    "PackageItem",
    "PropertyParm",
    "Relation",
    "RequestID",
    "RequestedEvent",
    "ServiceChange",
    "ServiceChangeMethod",
    "ServiceChangeParms",
    "ServiceChangeReply",
    "ServiceChangeResult",
    "ServiceState",
    "SignalDirection",
    "SignalList",
    "SignalRequest",
    "SignalType",
    "SignalsDescriptor",
    "StatisticsParameter",
    "StreamDescriptor",
    "StreamMode",
    "Subtract",
    "SubtractReply",
    "TerminationAudit",
    "TerminationState",
    "TopologyDirection",
    "TopologyTriple",
    "Transaction",
    "TransactionAck",
    "TransactionPending",
    "TransactionReply",
    "TransactionRequest",
    "TransactionResponseAck",
    "ValueForm",
]

#: Context ID ``$``: the MG chooses a new context (H.248.1 §6.1.1 CHOOSE).
CHOOSE: Final = "$"
#: Context/termination ID ``*``: all (H.248.1 Annex B.1 wildcard).
ALL: Final = "*"
#: Context ID ``-``: the null context.
NULL_CONTEXT: Final = "-"

#: ``UINT32`` or one of ``"$"``, ``"*"``, ``"-"``.
ContextID = int | str
#: ``UINT32`` or ``"*"``.
RequestID = int | str


# -- enumerations -------------------------------------------------------------------------


class StreamMode(str, enum.Enum):
    """``Mode`` in LocalControl (Annex B.2 streamModes)."""

    SENDONLY = "sendonly"
    RECVONLY = "recvonly"
    SENDRECV = "sendrecv"
    INACTIVE = "inactive"
    LOOPBACK = "loopback"


class Relation(str, enum.Enum):
    """How a property parameter relates to its value (Annex B.2 parmValue)."""

    EQUAL = "="
    NOT_EQUAL = "#"
    LESS = "<"
    GREATER = ">"


class ValueForm(str, enum.Enum):
    """The shape of a property value (Annex B.2 alternativeValue).

    ``LIST`` is ``[a,b]`` (sublist: all of the values), ``CHOICE`` is ``{a,b}`` (alternatives:
    one of them), ``RANGE`` is ``[a:b]``.
    """

    SINGLE = "single"
    LIST = "list"
    CHOICE = "choice"
    RANGE = "range"


class ServiceState(str, enum.Enum):
    """``ServiceStates`` in TerminationState."""

    TEST = "test"
    OUT_OF_SERVICE = "outofservice"
    IN_SERVICE = "inservice"


class EventBufferControl(str, enum.Enum):
    """``Buffer`` in TerminationState."""

    OFF = "off"
    LOCKSTEP = "lockstep"


class SignalType(str, enum.Enum):
    """``SignalType`` signal parameter."""

    ON_OFF = "onoff"
    TIMEOUT = "timeout"
    BRIEF = "brief"


class NotificationReason(str, enum.Enum):
    """A reason in ``NotifyCompletion``."""

    TIMEOUT = "timeout"
    INTERRUPTED_BY_EVENT = "intbyevent"
    INTERRUPTED_BY_NEW_SIGNALS = "intbysigdescr"
    OTHER = "otherreason"
    ITERATION = "iteration"


class SignalDirection(str, enum.Enum):
    """``SPADirection`` signal parameter (v3)."""

    EXTERNAL = "external"
    INTERNAL = "internal"
    BOTH = "both"


class NotifyBehaviour(str, enum.Enum):
    """Notify behaviour of a requested event (v3); a regulated embed is not supported."""

    IMMEDIATE = "immediate"
    NEVER = "never"
    REGULATED = "regulated"


class TopologyDirection(str, enum.Enum):
    """Direction of a topology triple."""

    ISOLATE = "isolate"
    ONEWAY = "oneway"
    BOTHWAY = "bothway"
    ONEWAY_EXTERNAL = "onewayexternal"
    ONEWAY_BOTH = "onewayboth"


class AuditItem(str, enum.Enum):
    """A token in an ``Audit{...}`` descriptor or a bare audit-return item in a reply."""

    MEDIA = "media"
    MUX = "mux"
    MODEM = "modem"
    EVENTS = "events"
    SIGNALS = "signals"
    DIGIT_MAP = "digitmap"
    STATISTICS = "statistics"
    OBSERVED_EVENTS = "observedevents"
    EVENT_BUFFER = "eventbuffer"
    PACKAGES = "packages"


class ServiceChangeMethod(str, enum.Enum):
    """``Method`` of a ServiceChange (an ``X-``/``X+`` extension method stays a string)."""

    FAILOVER = "failover"
    FORCED = "forced"
    GRACEFUL = "graceful"
    RESTART = "restart"
    DISCONNECTED = "disconnected"
    HANDOFF = "handoff"


# -- message header -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DomainAddress:
    """mId ``[192.0.2.1]:2944`` or ``[2001:db8::1]``: an IPv4 or IPv6 literal, no brackets."""

    address: str
    port: int | None = None


@attrs.frozen(kw_only=True)
class DomainName:
    """mId ``<mg1.example.net>:2944``."""

    name: str
    port: int | None = None


@attrs.frozen(kw_only=True)
class DeviceName:
    """mId given as a device name (pathNAME)."""

    name: str


@attrs.frozen(kw_only=True)
class MTPAddress:
    """mId ``MTP{0A1B}``: 4 to 8 hex digits."""

    address: str


MId = DomainAddress | DomainName | DeviceName | MTPAddress


@attrs.frozen(kw_only=True)
class AuthenticationHeader:
    """``Authentication = 0xSPI:0xSEQ:0xDATA`` (Annex B.2 authenticationHeader)."""

    spi: int
    sequence: int
    data: bytes


# -- descriptors --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PropertyParm:
    """``name = value`` and its relatives; also used for package parameters of events and
    signals (``timerx = 60``) and ServiceChange extensions.

    ``values`` holds one value for ``SINGLE`` (any relation), two for ``RANGE``, one or more
    for ``LIST``/``CHOICE`` (these three only with ``EQUAL``).
    """

    name: str
    values: tuple[str, ...]
    relation: Relation = Relation.EQUAL
    form: ValueForm = ValueForm.SINGLE

    @classmethod
    def of(cls, name: str, value: str) -> PropertyParm:
        """``name = value``."""
        return cls(name=name, values=(value,))

    @property
    def value(self) -> str:
        """The first (for ``SINGLE`` the only) value."""
        return self.values[0]


@attrs.frozen(kw_only=True)
class ErrorDescriptor:
    """``Error = code { "text" }``."""

    code: ErrorCode = attrs.field(converter=ErrorCode)
    text: str | None = None


@attrs.frozen(kw_only=True)
class TerminationState:
    """``TerminationState { ... }`` (at least one item)."""

    properties: tuple[PropertyParm, ...] = ()
    service_state: ServiceState | None = None
    buffer: EventBufferControl | None = None


@attrs.frozen(kw_only=True)
class LocalControl:
    """``LocalControl { Mode = ..., ReservedValue = ..., ReservedGroup = ..., props }``."""

    mode: StreamMode | None = None
    reserve_value: bool | None = None
    reserve_group: bool | None = None
    properties: tuple[PropertyParm, ...] = ()


@attrs.frozen(kw_only=True)
class StatisticsParameter:
    """``pkg/item`` (no value), ``pkg/item = v`` or ``pkg/item = [v1, v2]``."""

    name: str
    values: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class StreamDescriptor:
    """``Stream = id { ... }``; ``stream_id`` ``None`` is the bare form of a single stream.

    ``local``/``remote`` hold the SDP text (one or more property groups, each from ``v=``).
    """

    stream_id: int | None = None
    local_control: LocalControl | None = None
    local: str | None = None
    remote: str | None = None
    statistics: tuple[StatisticsParameter, ...] | None = None


@attrs.frozen(kw_only=True)
class MediaDescriptor:
    """``Media { TerminationState, Stream = 1 {...}, ... }``.

    Either several numbered streams or one bare stream (``stream_id`` ``None``), not both.
    """

    termination_state: TerminationState | None = None
    streams: tuple[StreamDescriptor, ...] = ()


@attrs.frozen(kw_only=True)
class DigitMapDescriptor:
    """``DigitMap = name``, ``DigitMap = name { value }`` or ``DigitMap { value }``.

    ``value`` is the digit map with white space removed (it is not significant there).
    """

    name: str | None = None
    value: str | None = None


@attrs.frozen(kw_only=True)
class SignalRequest:
    """One signal: ``pkg/sig { Stream = 1, SignalType = TimeOut, ..., param = value }``."""

    name: str
    stream: int | None = None
    signal_type: SignalType | None = None
    duration: int | None = None
    notify_completion: tuple[NotificationReason, ...] = ()
    keep_active: bool = False
    direction: SignalDirection | None = None
    request_id: RequestID | None = None
    intersignal_delay: int | None = None
    parameters: tuple[PropertyParm, ...] = ()


@attrs.frozen(kw_only=True)
class SignalList:
    """``SignalList = id { signal, ... }``."""

    list_id: int
    signals: tuple[SignalRequest, ...]


@attrs.frozen(kw_only=True)
class SignalsDescriptor:
    """``Signals { ... }``; empty means "stop all signals"."""

    signals: tuple[SignalRequest | SignalList, ...] = ()


@attrs.frozen(kw_only=True)
class EmbedDescriptor:
    """``Embed { Signals {...}, Events = id {...} }`` inside a requested event.

    The embedded events may themselves embed signals only (Annex B.2 secondRequestedEvent).
    """

    signals: SignalsDescriptor | None = None
    events: EventsDescriptor | None = None


@attrs.frozen(kw_only=True)
class RequestedEvent:
    """``pkg/event { KeepActive, Stream = 1, Embed {...}, DigitMap ..., param = value }``."""

    name: str
    stream: int | None = None
    keep_active: bool = False
    embed: EmbedDescriptor | None = None
    digit_map: DigitMapDescriptor | None = None
    notify_behaviour: NotifyBehaviour | None = None
    reset_events: bool = False
    parameters: tuple[PropertyParm, ...] = ()


@attrs.frozen(kw_only=True)
class EventsDescriptor:
    """``Events = rid { event, ... }``; the bare ``Events`` (clear all) has neither."""

    request_id: RequestID | None = None
    events: tuple[RequestedEvent, ...] = ()


@attrs.frozen(kw_only=True)
class ObservedEvent:
    """``[yyyymmddThhmmsshh :] pkg/event { Stream = 1, param = value }``."""

    name: str
    timestamp: str | None = None
    stream: int | None = None
    parameters: tuple[PropertyParm, ...] = ()


@attrs.frozen(kw_only=True)
class ObservedEventsDescriptor:
    """``ObservedEvents = rid { event, ... }`` (at least one event)."""

    request_id: RequestID
    events: tuple[ObservedEvent, ...]


@attrs.frozen(kw_only=True)
class EventSpec:
    """An event in an ``EventBuffer { ... }``."""

    name: str
    stream: int | None = None
    parameters: tuple[PropertyParm, ...] = ()


@attrs.frozen(kw_only=True)
class AuditDescriptor:
    """``Audit { Media, Statistics, ... }`` (``Audit{}`` is an empty audit)."""

    items: tuple[AuditItem, ...] = ()


@attrs.frozen(kw_only=True)
class PackageItem:
    """``name-version`` in a Packages descriptor."""

    name: str
    version: int


@attrs.frozen(kw_only=True)
class MuxDescriptor:
    """``Mux = H221 { t1, t2 }``."""

    mux_type: str
    terminations: tuple[str, ...]


@attrs.frozen(kw_only=True)
class TopologyTriple:
    """``t1, t2, direction [, Stream = n]`` inside ``Topology { ... }``."""

    from_termination: str
    to_termination: str
    direction: TopologyDirection
    stream: int | None = None


@attrs.frozen(kw_only=True)
class TerminationAudit:
    """The body of a command reply (Annex B.2 terminationAudit).

    ``items`` are bare audit-return tokens (``Media``, ``Packages``…) as an MG may list them.
    """

    media: MediaDescriptor | None = None
    events: EventsDescriptor | None = None
    signals: SignalsDescriptor | None = None
    digit_map: DigitMapDescriptor | None = None
    observed_events: ObservedEventsDescriptor | None = None
    event_buffer: tuple[EventSpec, ...] | None = None
    statistics: tuple[StatisticsParameter, ...] | None = None
    packages: tuple[PackageItem, ...] | None = None
    mux: MuxDescriptor | None = None
    error: ErrorDescriptor | None = None
    items: tuple[AuditItem, ...] = ()


@attrs.frozen(kw_only=True)
class ServiceChangeParms:
    """``Services { Method = Restart, Reason = "901 ...", ... }`` of a ServiceChange request.

    ``address`` is an mId or a bare port number (Annex B.2 serviceChangeAddress).
    """

    method: ServiceChangeMethod | str
    reason: str | None = None
    delay: int | None = None
    address: MId | int | None = None
    profile: str | None = None
    version: int | None = None
    mgc_id: MId | None = None
    timestamp: str | None = None
    incomplete: bool = False
    extensions: tuple[PropertyParm, ...] = ()
    audit: tuple[AuditItem, ...] = ()


@attrs.frozen(kw_only=True)
class ServiceChangeResult:
    """``Services { ... }`` of a ServiceChange reply (at least one item)."""

    address: MId | int | None = None
    mgc_id: MId | None = None
    profile: str | None = None
    version: int | None = None
    timestamp: str | None = None


# -- commands -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _CommandBase:
    terminations: tuple[str, ...]
    #: ``O-`` prefix: the command is optional (execution goes on after it fails).
    optional: bool = False
    #: ``W-`` prefix: a wildcarded command may be answered with a wildcard reply.
    wildcard_reply: bool = False


@attrs.frozen(kw_only=True)
class AmmRequest(_CommandBase):
    """The common shape of Add, Modify and Move (Annex B.2 ammRequest)."""

    token: ClassVar[Token]
    media: MediaDescriptor | None = None
    events: EventsDescriptor | None = None
    signals: SignalsDescriptor | None = None
    event_buffer: tuple[EventSpec, ...] | None = None
    digit_map: DigitMapDescriptor | None = None
    audit: AuditDescriptor | None = None
    statistics: tuple[StatisticsParameter, ...] | None = None
    mux: MuxDescriptor | None = None


@attrs.frozen(kw_only=True)
class Add(AmmRequest):
    """``Add = tid { ... }``."""

    token: ClassVar[Token] = Token.ADD


@attrs.frozen(kw_only=True)
class Modify(AmmRequest):
    """``Modify = tid { ... }``."""

    token: ClassVar[Token] = Token.MODIFY


@attrs.frozen(kw_only=True)
class Move(AmmRequest):
    """``Move = tid { ... }``."""

    token: ClassVar[Token] = Token.MOVE


@attrs.frozen(kw_only=True)
class Subtract(_CommandBase):
    """``Subtract = tid [{ Audit {...} }]``."""

    token: ClassVar[Token] = Token.SUBTRACT
    audit: AuditDescriptor | None = None


@attrs.frozen(kw_only=True)
class AuditRequest(_CommandBase):
    """The common shape of AuditValue and AuditCapabilities."""

    token: ClassVar[Token]
    audit: AuditDescriptor | None = None


@attrs.frozen(kw_only=True)
class AuditValue(AuditRequest):
    """``AuditValue = tid [{ Audit {...} }]``."""

    token: ClassVar[Token] = Token.AUDIT_VALUE


@attrs.frozen(kw_only=True)
class AuditCapabilities(AuditRequest):
    """``AuditCapability = tid [{ Audit {...} }]``."""

    token: ClassVar[Token] = Token.AUDIT_CAPABILITY


@attrs.frozen(kw_only=True)
class Notify(_CommandBase):
    """``Notify = tid { ObservedEvents = rid {...} [, Error = ...] }``."""

    token: ClassVar[Token] = Token.NOTIFY
    observed_events: ObservedEventsDescriptor
    error: ErrorDescriptor | None = None


@attrs.frozen(kw_only=True)
class ServiceChange(_CommandBase):
    """``ServiceChange = tid { Services {...} }``."""

    token: ClassVar[Token] = Token.SERVICE_CHANGE
    parms: ServiceChangeParms


Command = Add | Modify | Move | Subtract | AuditValue | AuditCapabilities | Notify | ServiceChange


@attrs.frozen(kw_only=True)
class _AuditedReply:
    token: ClassVar[Token]
    terminations: tuple[str, ...]
    audit: TerminationAudit | None = None


@attrs.frozen(kw_only=True)
class AmmsReply(_AuditedReply):
    """The common shape of the Add/Modify/Move/Subtract replies (Annex B.2 ammsReply)."""


@attrs.frozen(kw_only=True)
class AddReply(AmmsReply):
    """``Add = tid [{ terminationAudit }]`` in a reply."""

    token: ClassVar[Token] = Token.ADD


@attrs.frozen(kw_only=True)
class ModifyReply(AmmsReply):
    """``Modify = tid [{ ... }]`` in a reply."""

    token: ClassVar[Token] = Token.MODIFY


@attrs.frozen(kw_only=True)
class MoveReply(AmmsReply):
    """``Move = tid [{ ... }]`` in a reply."""

    token: ClassVar[Token] = Token.MOVE


@attrs.frozen(kw_only=True)
class SubtractReply(AmmsReply):
    """``Subtract = tid [{ ... }]`` in a reply (statistics of the released termination)."""

    token: ClassVar[Token] = Token.SUBTRACT


@attrs.frozen(kw_only=True)
class AuditReply(_AuditedReply):
    """The common shape of the AuditValue/AuditCapabilities replies."""


@attrs.frozen(kw_only=True)
class AuditValueReply(AuditReply):
    """``AuditValue = tid [{ terminationAudit }]`` in a reply."""

    token: ClassVar[Token] = Token.AUDIT_VALUE


@attrs.frozen(kw_only=True)
class AuditCapabilitiesReply(AuditReply):
    """``AuditCapability = tid [{ terminationAudit }]`` in a reply."""

    token: ClassVar[Token] = Token.AUDIT_CAPABILITY


@attrs.frozen(kw_only=True)
class NotifyReply:
    """``Notify = tid [{ Error = ... }]`` in a reply."""

    token: ClassVar[Token] = Token.NOTIFY
    terminations: tuple[str, ...]
    error: ErrorDescriptor | None = None


@attrs.frozen(kw_only=True)
class ServiceChangeReply:
    """``ServiceChange = tid [{ Error = ... | Services {...} }]`` in a reply."""

    token: ClassVar[Token] = Token.SERVICE_CHANGE
    terminations: tuple[str, ...]
    result: ServiceChangeResult | None = None
    error: ErrorDescriptor | None = None


CommandReply = (
    AddReply
    | ModifyReply
    | MoveReply
    | SubtractReply
    | AuditValueReply
    | AuditCapabilitiesReply
    | NotifyReply
    | ServiceChangeReply
)


# -- actions and transactions -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ContextProperties:
    """Context attributes of an action (Annex B.2 contextProperty), at least one set.

    ``attributes`` is the v3 ``ContextAttr { prop, ... }`` list of package properties.
    """

    priority: int | None = None
    emergency: bool | None = None
    ieps: bool | None = None
    topology: tuple[TopologyTriple, ...] = ()
    attributes: tuple[PropertyParm, ...] = ()


@attrs.frozen(kw_only=True)
class ContextAudit:
    """``ContextAudit { Topology, Emergency, Priority, IEPSCall, pkg/prop ... }``.

    Selection criteria (``Priority = 3``, ``ANDLgc``…) are not supported.
    """

    topology: bool = False
    emergency: bool = False
    priority: bool = False
    ieps: bool = False
    properties: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ActionRequest:
    """``Context = id { context properties, ContextAudit, commands }``."""

    context_id: ContextID
    context: ContextProperties | None = None
    context_audit: ContextAudit | None = None
    commands: tuple[Command, ...] = ()


@attrs.frozen(kw_only=True)
class ActionReply:
    """``Context = id [{ context properties, command replies [, Error] }]``."""

    context_id: ContextID
    context: ContextProperties | None = None
    replies: tuple[CommandReply, ...] = ()
    error: ErrorDescriptor | None = None


@attrs.frozen(kw_only=True)
class TransactionRequest:
    """``Transaction = id { action, ... }``."""

    transaction_id: int
    actions: tuple[ActionRequest, ...]


@attrs.frozen(kw_only=True)
class TransactionReply:
    """``Reply = id { [ImmAckRequired,] (Error | action, ...) }``."""

    transaction_id: int
    actions: tuple[ActionReply, ...] = ()
    error: ErrorDescriptor | None = None
    imm_ack_required: bool = False


@attrs.frozen(kw_only=True)
class TransactionPending:
    """``Pending = id { }``."""

    transaction_id: int


@attrs.frozen(kw_only=True)
class TransactionAck:
    """One item of a response ack: ``id`` or the range ``first-last``."""

    first: int
    last: int | None = None


@attrs.frozen(kw_only=True)
class TransactionResponseAck:
    """``TransactionResponseAck { 1, 3-5 }``."""

    acks: tuple[TransactionAck, ...]


Transaction = TransactionRequest | TransactionReply | TransactionPending | TransactionResponseAck


@attrs.frozen(kw_only=True)
class Message:
    """``MEGACO/<version> <mId> <body>``: an error descriptor or transactions (not both)."""

    mid: MId
    version: int = 3
    transactions: tuple[Transaction, ...] = ()
    error: ErrorDescriptor | None = None
    authentication: AuthenticationHeader | None = None
