"""Fast constructors of the model classes (see :mod:`imsalg.h248._construct`).

Generated: do not edit. After a change of the model, rewrite it with

    from imsalg.h248._construct import source
    open("imsalg/h248/_builders.py", "w").write(source())
"""

from __future__ import annotations

from typing import Any

import attrs

from imsalg.h248 import model as m
from imsalg.h248._construct import builder_class

_BuildActionReply = builder_class(m.ActionReply)
_ActionReply = m.ActionReply


def ActionReply(
    *,
    context_id: Any,
    context: Any = None,
    replies: Any = (),
    error: Any = None,
) -> m.ActionReply:
    self = _BuildActionReply()
    self.context_id = context_id
    self.context = context
    self.replies = replies
    self.error = error
    self.__class__ = _ActionReply
    return self  # type: ignore[no-any-return]


_BuildActionRequest = builder_class(m.ActionRequest)
_ActionRequest = m.ActionRequest


def ActionRequest(
    *,
    context_id: Any,
    context: Any = None,
    context_audit: Any = None,
    commands: Any = (),
) -> m.ActionRequest:
    self = _BuildActionRequest()
    self.context_id = context_id
    self.context = context
    self.context_audit = context_audit
    self.commands = commands
    self.__class__ = _ActionRequest
    return self  # type: ignore[no-any-return]


_BuildAdd = builder_class(m.Add)
_Add = m.Add


def Add(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    media: Any = None,
    events: Any = None,
    signals: Any = None,
    event_buffer: Any = None,
    digit_map: Any = None,
    audit: Any = None,
    statistics: Any = None,
    mux: Any = None,
) -> m.Add:
    self = _BuildAdd()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.media = media
    self.events = events
    self.signals = signals
    self.event_buffer = event_buffer
    self.digit_map = digit_map
    self.audit = audit
    self.statistics = statistics
    self.mux = mux
    self.__class__ = _Add
    return self  # type: ignore[no-any-return]


_BuildAddReply = builder_class(m.AddReply)
_AddReply = m.AddReply


def AddReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AddReply:
    self = _BuildAddReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = _AddReply
    return self  # type: ignore[no-any-return]


_BuildAmmRequest = builder_class(m.AmmRequest)
_AmmRequest = m.AmmRequest


def AmmRequest(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    media: Any = None,
    events: Any = None,
    signals: Any = None,
    event_buffer: Any = None,
    digit_map: Any = None,
    audit: Any = None,
    statistics: Any = None,
    mux: Any = None,
) -> m.AmmRequest:
    self = _BuildAmmRequest()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.media = media
    self.events = events
    self.signals = signals
    self.event_buffer = event_buffer
    self.digit_map = digit_map
    self.audit = audit
    self.statistics = statistics
    self.mux = mux
    self.__class__ = _AmmRequest
    return self  # type: ignore[no-any-return]


_BuildAmmsReply = builder_class(m.AmmsReply)
_AmmsReply = m.AmmsReply


def AmmsReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AmmsReply:
    self = _BuildAmmsReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = _AmmsReply
    return self  # type: ignore[no-any-return]


_BuildAuditCapabilities = builder_class(m.AuditCapabilities)
_AuditCapabilities = m.AuditCapabilities


def AuditCapabilities(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    audit: Any = None,
) -> m.AuditCapabilities:
    self = _BuildAuditCapabilities()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.audit = audit
    self.__class__ = _AuditCapabilities
    return self  # type: ignore[no-any-return]


_BuildAuditCapabilitiesReply = builder_class(m.AuditCapabilitiesReply)
_AuditCapabilitiesReply = m.AuditCapabilitiesReply


def AuditCapabilitiesReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AuditCapabilitiesReply:
    self = _BuildAuditCapabilitiesReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = _AuditCapabilitiesReply
    return self  # type: ignore[no-any-return]


_BuildAuditDescriptor = builder_class(m.AuditDescriptor)
_AuditDescriptor = m.AuditDescriptor


def AuditDescriptor(
    *,
    items: Any = (),
) -> m.AuditDescriptor:
    self = _BuildAuditDescriptor()
    self.items = items
    self.__class__ = _AuditDescriptor
    return self  # type: ignore[no-any-return]


_BuildAuditReply = builder_class(m.AuditReply)
_AuditReply = m.AuditReply


def AuditReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AuditReply:
    self = _BuildAuditReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = _AuditReply
    return self  # type: ignore[no-any-return]


_BuildAuditRequest = builder_class(m.AuditRequest)
_AuditRequest = m.AuditRequest


def AuditRequest(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    audit: Any = None,
) -> m.AuditRequest:
    self = _BuildAuditRequest()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.audit = audit
    self.__class__ = _AuditRequest
    return self  # type: ignore[no-any-return]


_BuildAuditValue = builder_class(m.AuditValue)
_AuditValue = m.AuditValue


def AuditValue(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    audit: Any = None,
) -> m.AuditValue:
    self = _BuildAuditValue()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.audit = audit
    self.__class__ = _AuditValue
    return self  # type: ignore[no-any-return]


_BuildAuditValueReply = builder_class(m.AuditValueReply)
_AuditValueReply = m.AuditValueReply


def AuditValueReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AuditValueReply:
    self = _BuildAuditValueReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = _AuditValueReply
    return self  # type: ignore[no-any-return]


_BuildAuthenticationHeader = builder_class(m.AuthenticationHeader)
_AuthenticationHeader = m.AuthenticationHeader


def AuthenticationHeader(
    *,
    spi: Any,
    sequence: Any,
    data: Any,
) -> m.AuthenticationHeader:
    self = _BuildAuthenticationHeader()
    self.spi = spi
    self.sequence = sequence
    self.data = data
    self.__class__ = _AuthenticationHeader
    return self  # type: ignore[no-any-return]


_BuildContextAudit = builder_class(m.ContextAudit)
_ContextAudit = m.ContextAudit


def ContextAudit(
    *,
    topology: Any = False,
    emergency: Any = False,
    priority: Any = False,
    ieps: Any = False,
    properties: Any = (),
) -> m.ContextAudit:
    self = _BuildContextAudit()
    self.topology = topology
    self.emergency = emergency
    self.priority = priority
    self.ieps = ieps
    self.properties = properties
    self.__class__ = _ContextAudit
    return self  # type: ignore[no-any-return]


_BuildContextProperties = builder_class(m.ContextProperties)
_ContextProperties = m.ContextProperties


def ContextProperties(
    *,
    priority: Any = None,
    emergency: Any = None,
    ieps: Any = None,
    topology: Any = (),
    attributes: Any = (),
) -> m.ContextProperties:
    self = _BuildContextProperties()
    self.priority = priority
    self.emergency = emergency
    self.ieps = ieps
    self.topology = topology
    self.attributes = attributes
    self.__class__ = _ContextProperties
    return self  # type: ignore[no-any-return]


_BuildDeviceName = builder_class(m.DeviceName)
_DeviceName = m.DeviceName


def DeviceName(
    *,
    name: Any,
) -> m.DeviceName:
    self = _BuildDeviceName()
    self.name = name
    self.__class__ = _DeviceName
    return self  # type: ignore[no-any-return]


_BuildDigitMapDescriptor = builder_class(m.DigitMapDescriptor)
_DigitMapDescriptor = m.DigitMapDescriptor


def DigitMapDescriptor(
    *,
    name: Any = None,
    value: Any = None,
) -> m.DigitMapDescriptor:
    self = _BuildDigitMapDescriptor()
    self.name = name
    self.value = value
    self.__class__ = _DigitMapDescriptor
    return self  # type: ignore[no-any-return]


_BuildDomainAddress = builder_class(m.DomainAddress)
_DomainAddress = m.DomainAddress


def DomainAddress(
    *,
    address: Any,
    port: Any = None,
) -> m.DomainAddress:
    self = _BuildDomainAddress()
    self.address = address
    self.port = port
    self.__class__ = _DomainAddress
    return self  # type: ignore[no-any-return]


_BuildDomainName = builder_class(m.DomainName)
_DomainName = m.DomainName


def DomainName(
    *,
    name: Any,
    port: Any = None,
) -> m.DomainName:
    self = _BuildDomainName()
    self.name = name
    self.port = port
    self.__class__ = _DomainName
    return self  # type: ignore[no-any-return]


_BuildEmbedDescriptor = builder_class(m.EmbedDescriptor)
_EmbedDescriptor = m.EmbedDescriptor


def EmbedDescriptor(
    *,
    signals: Any = None,
    events: Any = None,
) -> m.EmbedDescriptor:
    self = _BuildEmbedDescriptor()
    self.signals = signals
    self.events = events
    self.__class__ = _EmbedDescriptor
    return self  # type: ignore[no-any-return]


_BuildErrorDescriptor = builder_class(m.ErrorDescriptor)
_ErrorDescriptor = m.ErrorDescriptor
_convert_ErrorDescriptor_code: Any = attrs.fields(m.ErrorDescriptor).code.converter


def ErrorDescriptor(
    *,
    code: Any,
    text: Any = None,
) -> m.ErrorDescriptor:
    self = _BuildErrorDescriptor()
    self.code = _convert_ErrorDescriptor_code(code)
    self.text = text
    self.__class__ = _ErrorDescriptor
    return self  # type: ignore[no-any-return]


_BuildEventSpec = builder_class(m.EventSpec)
_EventSpec = m.EventSpec


def EventSpec(
    *,
    name: Any,
    stream: Any = None,
    parameters: Any = (),
) -> m.EventSpec:
    self = _BuildEventSpec()
    self.name = name
    self.stream = stream
    self.parameters = parameters
    self.__class__ = _EventSpec
    return self  # type: ignore[no-any-return]


_BuildEventsDescriptor = builder_class(m.EventsDescriptor)
_EventsDescriptor = m.EventsDescriptor


def EventsDescriptor(
    *,
    request_id: Any = None,
    events: Any = (),
) -> m.EventsDescriptor:
    self = _BuildEventsDescriptor()
    self.request_id = request_id
    self.events = events
    self.__class__ = _EventsDescriptor
    return self  # type: ignore[no-any-return]


_BuildLocalControl = builder_class(m.LocalControl)
_LocalControl = m.LocalControl


def LocalControl(
    *,
    mode: Any = None,
    reserve_value: Any = None,
    reserve_group: Any = None,
    properties: Any = (),
) -> m.LocalControl:
    self = _BuildLocalControl()
    self.mode = mode
    self.reserve_value = reserve_value
    self.reserve_group = reserve_group
    self.properties = properties
    self.__class__ = _LocalControl
    return self  # type: ignore[no-any-return]


_BuildMTPAddress = builder_class(m.MTPAddress)
_MTPAddress = m.MTPAddress


def MTPAddress(
    *,
    address: Any,
) -> m.MTPAddress:
    self = _BuildMTPAddress()
    self.address = address
    self.__class__ = _MTPAddress
    return self  # type: ignore[no-any-return]


_BuildMediaDescriptor = builder_class(m.MediaDescriptor)
_MediaDescriptor = m.MediaDescriptor


def MediaDescriptor(
    *,
    termination_state: Any = None,
    streams: Any = (),
) -> m.MediaDescriptor:
    self = _BuildMediaDescriptor()
    self.termination_state = termination_state
    self.streams = streams
    self.__class__ = _MediaDescriptor
    return self  # type: ignore[no-any-return]


_BuildMessage = builder_class(m.Message)
_Message = m.Message


def Message(
    *,
    mid: Any,
    version: Any = 3,
    transactions: Any = (),
    error: Any = None,
    authentication: Any = None,
) -> m.Message:
    self = _BuildMessage()
    self.mid = mid
    self.version = version
    self.transactions = transactions
    self.error = error
    self.authentication = authentication
    self.__class__ = _Message
    return self  # type: ignore[no-any-return]


_BuildModify = builder_class(m.Modify)
_Modify = m.Modify


def Modify(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    media: Any = None,
    events: Any = None,
    signals: Any = None,
    event_buffer: Any = None,
    digit_map: Any = None,
    audit: Any = None,
    statistics: Any = None,
    mux: Any = None,
) -> m.Modify:
    self = _BuildModify()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.media = media
    self.events = events
    self.signals = signals
    self.event_buffer = event_buffer
    self.digit_map = digit_map
    self.audit = audit
    self.statistics = statistics
    self.mux = mux
    self.__class__ = _Modify
    return self  # type: ignore[no-any-return]


_BuildModifyReply = builder_class(m.ModifyReply)
_ModifyReply = m.ModifyReply


def ModifyReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.ModifyReply:
    self = _BuildModifyReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = _ModifyReply
    return self  # type: ignore[no-any-return]


_BuildMove = builder_class(m.Move)
_Move = m.Move


def Move(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    media: Any = None,
    events: Any = None,
    signals: Any = None,
    event_buffer: Any = None,
    digit_map: Any = None,
    audit: Any = None,
    statistics: Any = None,
    mux: Any = None,
) -> m.Move:
    self = _BuildMove()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.media = media
    self.events = events
    self.signals = signals
    self.event_buffer = event_buffer
    self.digit_map = digit_map
    self.audit = audit
    self.statistics = statistics
    self.mux = mux
    self.__class__ = _Move
    return self  # type: ignore[no-any-return]


_BuildMoveReply = builder_class(m.MoveReply)
_MoveReply = m.MoveReply


def MoveReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.MoveReply:
    self = _BuildMoveReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = _MoveReply
    return self  # type: ignore[no-any-return]


_BuildMuxDescriptor = builder_class(m.MuxDescriptor)
_MuxDescriptor = m.MuxDescriptor


def MuxDescriptor(
    *,
    mux_type: Any,
    terminations: Any,
) -> m.MuxDescriptor:
    self = _BuildMuxDescriptor()
    self.mux_type = mux_type
    self.terminations = terminations
    self.__class__ = _MuxDescriptor
    return self  # type: ignore[no-any-return]


_BuildNotify = builder_class(m.Notify)
_Notify = m.Notify


def Notify(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    observed_events: Any,
    error: Any = None,
) -> m.Notify:
    self = _BuildNotify()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.observed_events = observed_events
    self.error = error
    self.__class__ = _Notify
    return self  # type: ignore[no-any-return]


_BuildNotifyReply = builder_class(m.NotifyReply)
_NotifyReply = m.NotifyReply


def NotifyReply(
    *,
    terminations: Any,
    error: Any = None,
) -> m.NotifyReply:
    self = _BuildNotifyReply()
    self.terminations = terminations
    self.error = error
    self.__class__ = _NotifyReply
    return self  # type: ignore[no-any-return]


_BuildObservedEvent = builder_class(m.ObservedEvent)
_ObservedEvent = m.ObservedEvent


def ObservedEvent(
    *,
    name: Any,
    timestamp: Any = None,
    stream: Any = None,
    parameters: Any = (),
) -> m.ObservedEvent:
    self = _BuildObservedEvent()
    self.name = name
    self.timestamp = timestamp
    self.stream = stream
    self.parameters = parameters
    self.__class__ = _ObservedEvent
    return self  # type: ignore[no-any-return]


_BuildObservedEventsDescriptor = builder_class(m.ObservedEventsDescriptor)
_ObservedEventsDescriptor = m.ObservedEventsDescriptor


def ObservedEventsDescriptor(
    *,
    request_id: Any,
    events: Any,
) -> m.ObservedEventsDescriptor:
    self = _BuildObservedEventsDescriptor()
    self.request_id = request_id
    self.events = events
    self.__class__ = _ObservedEventsDescriptor
    return self  # type: ignore[no-any-return]


_BuildPackageItem = builder_class(m.PackageItem)
_PackageItem = m.PackageItem


def PackageItem(
    *,
    name: Any,
    version: Any,
) -> m.PackageItem:
    self = _BuildPackageItem()
    self.name = name
    self.version = version
    self.__class__ = _PackageItem
    return self  # type: ignore[no-any-return]


_BuildPropertyParm = builder_class(m.PropertyParm)
_PropertyParm = m.PropertyParm
_PropertyParm_relation = attrs.fields(m.PropertyParm).relation.default
_PropertyParm_form = attrs.fields(m.PropertyParm).form.default


def PropertyParm(
    *,
    name: Any,
    values: Any,
    relation: Any = _PropertyParm_relation,
    form: Any = _PropertyParm_form,
) -> m.PropertyParm:
    self = _BuildPropertyParm()
    self.name = name
    self.values = values
    self.relation = relation
    self.form = form
    self.__class__ = _PropertyParm
    return self  # type: ignore[no-any-return]


_BuildRequestedEvent = builder_class(m.RequestedEvent)
_RequestedEvent = m.RequestedEvent


def RequestedEvent(
    *,
    name: Any,
    stream: Any = None,
    keep_active: Any = False,
    embed: Any = None,
    digit_map: Any = None,
    notify_behaviour: Any = None,
    reset_events: Any = False,
    parameters: Any = (),
) -> m.RequestedEvent:
    self = _BuildRequestedEvent()
    self.name = name
    self.stream = stream
    self.keep_active = keep_active
    self.embed = embed
    self.digit_map = digit_map
    self.notify_behaviour = notify_behaviour
    self.reset_events = reset_events
    self.parameters = parameters
    self.__class__ = _RequestedEvent
    return self  # type: ignore[no-any-return]


_BuildServiceChange = builder_class(m.ServiceChange)
_ServiceChange = m.ServiceChange


def ServiceChange(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    parms: Any,
) -> m.ServiceChange:
    self = _BuildServiceChange()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.parms = parms
    self.__class__ = _ServiceChange
    return self  # type: ignore[no-any-return]


_BuildServiceChangeParms = builder_class(m.ServiceChangeParms)
_ServiceChangeParms = m.ServiceChangeParms


def ServiceChangeParms(
    *,
    method: Any,
    reason: Any = None,
    delay: Any = None,
    address: Any = None,
    profile: Any = None,
    version: Any = None,
    mgc_id: Any = None,
    timestamp: Any = None,
    incomplete: Any = False,
    extensions: Any = (),
    audit: Any = (),
) -> m.ServiceChangeParms:
    self = _BuildServiceChangeParms()
    self.method = method
    self.reason = reason
    self.delay = delay
    self.address = address
    self.profile = profile
    self.version = version
    self.mgc_id = mgc_id
    self.timestamp = timestamp
    self.incomplete = incomplete
    self.extensions = extensions
    self.audit = audit
    self.__class__ = _ServiceChangeParms
    return self  # type: ignore[no-any-return]


_BuildServiceChangeReply = builder_class(m.ServiceChangeReply)
_ServiceChangeReply = m.ServiceChangeReply


def ServiceChangeReply(
    *,
    terminations: Any,
    result: Any = None,
    error: Any = None,
) -> m.ServiceChangeReply:
    self = _BuildServiceChangeReply()
    self.terminations = terminations
    self.result = result
    self.error = error
    self.__class__ = _ServiceChangeReply
    return self  # type: ignore[no-any-return]


_BuildServiceChangeResult = builder_class(m.ServiceChangeResult)
_ServiceChangeResult = m.ServiceChangeResult


def ServiceChangeResult(
    *,
    address: Any = None,
    mgc_id: Any = None,
    profile: Any = None,
    version: Any = None,
    timestamp: Any = None,
) -> m.ServiceChangeResult:
    self = _BuildServiceChangeResult()
    self.address = address
    self.mgc_id = mgc_id
    self.profile = profile
    self.version = version
    self.timestamp = timestamp
    self.__class__ = _ServiceChangeResult
    return self  # type: ignore[no-any-return]


_BuildSignalList = builder_class(m.SignalList)
_SignalList = m.SignalList


def SignalList(
    *,
    list_id: Any,
    signals: Any,
) -> m.SignalList:
    self = _BuildSignalList()
    self.list_id = list_id
    self.signals = signals
    self.__class__ = _SignalList
    return self  # type: ignore[no-any-return]


_BuildSignalRequest = builder_class(m.SignalRequest)
_SignalRequest = m.SignalRequest


def SignalRequest(
    *,
    name: Any,
    stream: Any = None,
    signal_type: Any = None,
    duration: Any = None,
    notify_completion: Any = (),
    keep_active: Any = False,
    direction: Any = None,
    request_id: Any = None,
    intersignal_delay: Any = None,
    parameters: Any = (),
) -> m.SignalRequest:
    self = _BuildSignalRequest()
    self.name = name
    self.stream = stream
    self.signal_type = signal_type
    self.duration = duration
    self.notify_completion = notify_completion
    self.keep_active = keep_active
    self.direction = direction
    self.request_id = request_id
    self.intersignal_delay = intersignal_delay
    self.parameters = parameters
    self.__class__ = _SignalRequest
    return self  # type: ignore[no-any-return]


_BuildSignalsDescriptor = builder_class(m.SignalsDescriptor)
_SignalsDescriptor = m.SignalsDescriptor


def SignalsDescriptor(
    *,
    signals: Any = (),
) -> m.SignalsDescriptor:
    self = _BuildSignalsDescriptor()
    self.signals = signals
    self.__class__ = _SignalsDescriptor
    return self  # type: ignore[no-any-return]


_BuildStatisticsParameter = builder_class(m.StatisticsParameter)
_StatisticsParameter = m.StatisticsParameter


def StatisticsParameter(
    *,
    name: Any,
    values: Any = (),
) -> m.StatisticsParameter:
    self = _BuildStatisticsParameter()
    self.name = name
    self.values = values
    self.__class__ = _StatisticsParameter
    return self  # type: ignore[no-any-return]


_BuildStreamDescriptor = builder_class(m.StreamDescriptor)
_StreamDescriptor = m.StreamDescriptor


def StreamDescriptor(
    *,
    stream_id: Any = None,
    local_control: Any = None,
    local: Any = None,
    remote: Any = None,
    statistics: Any = None,
) -> m.StreamDescriptor:
    self = _BuildStreamDescriptor()
    self.stream_id = stream_id
    self.local_control = local_control
    self.local = local
    self.remote = remote
    self.statistics = statistics
    self.__class__ = _StreamDescriptor
    return self  # type: ignore[no-any-return]


_BuildSubtract = builder_class(m.Subtract)
_Subtract = m.Subtract


def Subtract(
    *,
    terminations: Any,
    optional: Any = False,
    wildcard_reply: Any = False,
    audit: Any = None,
) -> m.Subtract:
    self = _BuildSubtract()
    self.terminations = terminations
    self.optional = optional
    self.wildcard_reply = wildcard_reply
    self.audit = audit
    self.__class__ = _Subtract
    return self  # type: ignore[no-any-return]


_BuildSubtractReply = builder_class(m.SubtractReply)
_SubtractReply = m.SubtractReply


def SubtractReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.SubtractReply:
    self = _BuildSubtractReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = _SubtractReply
    return self  # type: ignore[no-any-return]


_BuildTerminationAudit = builder_class(m.TerminationAudit)
_TerminationAudit = m.TerminationAudit


def TerminationAudit(
    *,
    media: Any = None,
    events: Any = None,
    signals: Any = None,
    digit_map: Any = None,
    observed_events: Any = None,
    event_buffer: Any = None,
    statistics: Any = None,
    packages: Any = None,
    mux: Any = None,
    error: Any = None,
    items: Any = (),
) -> m.TerminationAudit:
    self = _BuildTerminationAudit()
    self.media = media
    self.events = events
    self.signals = signals
    self.digit_map = digit_map
    self.observed_events = observed_events
    self.event_buffer = event_buffer
    self.statistics = statistics
    self.packages = packages
    self.mux = mux
    self.error = error
    self.items = items
    self.__class__ = _TerminationAudit
    return self  # type: ignore[no-any-return]


_BuildTerminationState = builder_class(m.TerminationState)
_TerminationState = m.TerminationState


def TerminationState(
    *,
    properties: Any = (),
    service_state: Any = None,
    buffer: Any = None,
) -> m.TerminationState:
    self = _BuildTerminationState()
    self.properties = properties
    self.service_state = service_state
    self.buffer = buffer
    self.__class__ = _TerminationState
    return self  # type: ignore[no-any-return]


_BuildTopologyTriple = builder_class(m.TopologyTriple)
_TopologyTriple = m.TopologyTriple


def TopologyTriple(
    *,
    from_termination: Any,
    to_termination: Any,
    direction: Any,
    stream: Any = None,
) -> m.TopologyTriple:
    self = _BuildTopologyTriple()
    self.from_termination = from_termination
    self.to_termination = to_termination
    self.direction = direction
    self.stream = stream
    self.__class__ = _TopologyTriple
    return self  # type: ignore[no-any-return]


_BuildTransactionAck = builder_class(m.TransactionAck)
_TransactionAck = m.TransactionAck


def TransactionAck(
    *,
    first: Any,
    last: Any = None,
) -> m.TransactionAck:
    self = _BuildTransactionAck()
    self.first = first
    self.last = last
    self.__class__ = _TransactionAck
    return self  # type: ignore[no-any-return]


_BuildTransactionPending = builder_class(m.TransactionPending)
_TransactionPending = m.TransactionPending


def TransactionPending(
    *,
    transaction_id: Any,
) -> m.TransactionPending:
    self = _BuildTransactionPending()
    self.transaction_id = transaction_id
    self.__class__ = _TransactionPending
    return self  # type: ignore[no-any-return]


_BuildTransactionReply = builder_class(m.TransactionReply)
_TransactionReply = m.TransactionReply


def TransactionReply(
    *,
    transaction_id: Any,
    actions: Any = (),
    error: Any = None,
    imm_ack_required: Any = False,
) -> m.TransactionReply:
    self = _BuildTransactionReply()
    self.transaction_id = transaction_id
    self.actions = actions
    self.error = error
    self.imm_ack_required = imm_ack_required
    self.__class__ = _TransactionReply
    return self  # type: ignore[no-any-return]


_BuildTransactionRequest = builder_class(m.TransactionRequest)
_TransactionRequest = m.TransactionRequest


def TransactionRequest(
    *,
    transaction_id: Any,
    actions: Any,
) -> m.TransactionRequest:
    self = _BuildTransactionRequest()
    self.transaction_id = transaction_id
    self.actions = actions
    self.__class__ = _TransactionRequest
    return self  # type: ignore[no-any-return]


_BuildTransactionResponseAck = builder_class(m.TransactionResponseAck)
_TransactionResponseAck = m.TransactionResponseAck


def TransactionResponseAck(
    *,
    acks: Any,
) -> m.TransactionResponseAck:
    self = _BuildTransactionResponseAck()
    self.acks = acks
    self.__class__ = _TransactionResponseAck
    return self  # type: ignore[no-any-return]
