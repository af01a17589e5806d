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
    self.__class__ = m.ActionReply
    built: m.ActionReply = self
    return built


_BuildActionRequest = builder_class(m.ActionRequest)


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
    self.__class__ = m.ActionRequest
    built: m.ActionRequest = self
    return built


_BuildAdd = builder_class(m.Add)


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
    self.__class__ = m.Add
    built: m.Add = self
    return built


_BuildAddReply = builder_class(m.AddReply)


def AddReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AddReply:
    self = _BuildAddReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = m.AddReply
    built: m.AddReply = self
    return built


_BuildAmmRequest = builder_class(m.AmmRequest)


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
    self.__class__ = m.AmmRequest
    built: m.AmmRequest = self
    return built


_BuildAmmsReply = builder_class(m.AmmsReply)


def AmmsReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AmmsReply:
    self = _BuildAmmsReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = m.AmmsReply
    built: m.AmmsReply = self
    return built


_BuildAuditCapabilities = builder_class(m.AuditCapabilities)


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
    self.__class__ = m.AuditCapabilities
    built: m.AuditCapabilities = self
    return built


_BuildAuditCapabilitiesReply = builder_class(m.AuditCapabilitiesReply)


def AuditCapabilitiesReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AuditCapabilitiesReply:
    self = _BuildAuditCapabilitiesReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = m.AuditCapabilitiesReply
    built: m.AuditCapabilitiesReply = self
    return built


_BuildAuditDescriptor = builder_class(m.AuditDescriptor)


def AuditDescriptor(
    *,
    items: Any = (),
) -> m.AuditDescriptor:
    self = _BuildAuditDescriptor()
    self.items = items
    self.__class__ = m.AuditDescriptor
    built: m.AuditDescriptor = self
    return built


_BuildAuditReply = builder_class(m.AuditReply)


def AuditReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AuditReply:
    self = _BuildAuditReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = m.AuditReply
    built: m.AuditReply = self
    return built


_BuildAuditRequest = builder_class(m.AuditRequest)


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
    self.__class__ = m.AuditRequest
    built: m.AuditRequest = self
    return built


_BuildAuditValue = builder_class(m.AuditValue)


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
    self.__class__ = m.AuditValue
    built: m.AuditValue = self
    return built


_BuildAuditValueReply = builder_class(m.AuditValueReply)


def AuditValueReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.AuditValueReply:
    self = _BuildAuditValueReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = m.AuditValueReply
    built: m.AuditValueReply = self
    return built


_BuildAuthenticationHeader = builder_class(m.AuthenticationHeader)


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
    self.__class__ = m.AuthenticationHeader
    built: m.AuthenticationHeader = self
    return built


_BuildContextAudit = builder_class(m.ContextAudit)


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
    self.__class__ = m.ContextAudit
    built: m.ContextAudit = self
    return built


_BuildContextProperties = builder_class(m.ContextProperties)


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
    self.__class__ = m.ContextProperties
    built: m.ContextProperties = self
    return built


_BuildDeviceName = builder_class(m.DeviceName)


def DeviceName(
    *,
    name: Any,
) -> m.DeviceName:
    self = _BuildDeviceName()
    self.name = name
    self.__class__ = m.DeviceName
    built: m.DeviceName = self
    return built


_BuildDigitMapDescriptor = builder_class(m.DigitMapDescriptor)


def DigitMapDescriptor(
    *,
    name: Any = None,
    value: Any = None,
) -> m.DigitMapDescriptor:
    self = _BuildDigitMapDescriptor()
    self.name = name
    self.value = value
    self.__class__ = m.DigitMapDescriptor
    built: m.DigitMapDescriptor = self
    return built


_BuildDomainAddress = builder_class(m.DomainAddress)


def DomainAddress(
    *,
    address: Any,
    port: Any = None,
) -> m.DomainAddress:
    self = _BuildDomainAddress()
    self.address = address
    self.port = port
    self.__class__ = m.DomainAddress
    built: m.DomainAddress = self
    return built


_BuildDomainName = builder_class(m.DomainName)


def DomainName(
    *,
    name: Any,
    port: Any = None,
) -> m.DomainName:
    self = _BuildDomainName()
    self.name = name
    self.port = port
    self.__class__ = m.DomainName
    built: m.DomainName = self
    return built


_BuildEmbedDescriptor = builder_class(m.EmbedDescriptor)


def EmbedDescriptor(
    *,
    signals: Any = None,
    events: Any = None,
) -> m.EmbedDescriptor:
    self = _BuildEmbedDescriptor()
    self.signals = signals
    self.events = events
    self.__class__ = m.EmbedDescriptor
    built: m.EmbedDescriptor = self
    return built


_BuildErrorDescriptor = builder_class(m.ErrorDescriptor)
_convert_ErrorDescriptor_code: Any = attrs.fields(m.ErrorDescriptor).code.converter


def ErrorDescriptor(
    *,
    code: Any,
    text: Any = None,
) -> m.ErrorDescriptor:
    self = _BuildErrorDescriptor()
    self.code = _convert_ErrorDescriptor_code(code)
    self.text = text
    self.__class__ = m.ErrorDescriptor
    built: m.ErrorDescriptor = self
    return built


_BuildEventSpec = builder_class(m.EventSpec)


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
    self.__class__ = m.EventSpec
    built: m.EventSpec = self
    return built


_BuildEventsDescriptor = builder_class(m.EventsDescriptor)


def EventsDescriptor(
    *,
    request_id: Any = None,
    events: Any = (),
) -> m.EventsDescriptor:
    self = _BuildEventsDescriptor()
    self.request_id = request_id
    self.events = events
    self.__class__ = m.EventsDescriptor
    built: m.EventsDescriptor = self
    return built


_BuildLocalControl = builder_class(m.LocalControl)


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
    self.__class__ = m.LocalControl
    built: m.LocalControl = self
    return built


_BuildMTPAddress = builder_class(m.MTPAddress)


def MTPAddress(
    *,
    address: Any,
) -> m.MTPAddress:
    self = _BuildMTPAddress()
    self.address = address
    self.__class__ = m.MTPAddress
    built: m.MTPAddress = self
    return built


_BuildMediaDescriptor = builder_class(m.MediaDescriptor)


def MediaDescriptor(
    *,
    termination_state: Any = None,
    streams: Any = (),
) -> m.MediaDescriptor:
    self = _BuildMediaDescriptor()
    self.termination_state = termination_state
    self.streams = streams
    self.__class__ = m.MediaDescriptor
    built: m.MediaDescriptor = self
    return built


_BuildMessage = builder_class(m.Message)


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
    self.__class__ = m.Message
    built: m.Message = self
    return built


_BuildModify = builder_class(m.Modify)


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
    self.__class__ = m.Modify
    built: m.Modify = self
    return built


_BuildModifyReply = builder_class(m.ModifyReply)


def ModifyReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.ModifyReply:
    self = _BuildModifyReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = m.ModifyReply
    built: m.ModifyReply = self
    return built


_BuildMove = builder_class(m.Move)


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
    self.__class__ = m.Move
    built: m.Move = self
    return built


_BuildMoveReply = builder_class(m.MoveReply)


def MoveReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.MoveReply:
    self = _BuildMoveReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = m.MoveReply
    built: m.MoveReply = self
    return built


_BuildMuxDescriptor = builder_class(m.MuxDescriptor)


def MuxDescriptor(
    *,
    mux_type: Any,
    terminations: Any,
) -> m.MuxDescriptor:
    self = _BuildMuxDescriptor()
    self.mux_type = mux_type
    self.terminations = terminations
    self.__class__ = m.MuxDescriptor
    built: m.MuxDescriptor = self
    return built


_BuildNotify = builder_class(m.Notify)


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
    self.__class__ = m.Notify
    built: m.Notify = self
    return built


_BuildNotifyReply = builder_class(m.NotifyReply)


def NotifyReply(
    *,
    terminations: Any,
    error: Any = None,
) -> m.NotifyReply:
    self = _BuildNotifyReply()
    self.terminations = terminations
    self.error = error
    self.__class__ = m.NotifyReply
    built: m.NotifyReply = self
    return built


_BuildObservedEvent = builder_class(m.ObservedEvent)


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
    self.__class__ = m.ObservedEvent
    built: m.ObservedEvent = self
    return built


_BuildObservedEventsDescriptor = builder_class(m.ObservedEventsDescriptor)


def ObservedEventsDescriptor(
    *,
    request_id: Any,
    events: Any,
) -> m.ObservedEventsDescriptor:
    self = _BuildObservedEventsDescriptor()
    self.request_id = request_id
    self.events = events
    self.__class__ = m.ObservedEventsDescriptor
    built: m.ObservedEventsDescriptor = self
    return built


_BuildPackageItem = builder_class(m.PackageItem)


def PackageItem(
    *,
    name: Any,
    version: Any,
) -> m.PackageItem:
    self = _BuildPackageItem()
    self.name = name
    self.version = version
    self.__class__ = m.PackageItem
    built: m.PackageItem = self
    return built


_BuildPropertyParm = builder_class(m.PropertyParm)
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
    self.__class__ = m.PropertyParm
    built: m.PropertyParm = self
    return built


_BuildRequestedEvent = builder_class(m.RequestedEvent)


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
    self.__class__ = m.RequestedEvent
    built: m.RequestedEvent = self
    return built


_BuildServiceChange = builder_class(m.ServiceChange)


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
    self.__class__ = m.ServiceChange
    built: m.ServiceChange = self
    return built


_BuildServiceChangeParms = builder_class(m.ServiceChangeParms)


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
    self.__class__ = m.ServiceChangeParms
    built: m.ServiceChangeParms = self
    return built


_BuildServiceChangeReply = builder_class(m.ServiceChangeReply)


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
    self.__class__ = m.ServiceChangeReply
    built: m.ServiceChangeReply = self
    return built


_BuildServiceChangeResult = builder_class(m.ServiceChangeResult)


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
    self.__class__ = m.ServiceChangeResult
    built: m.ServiceChangeResult = self
    return built


_BuildSignalList = builder_class(m.SignalList)


def SignalList(
    *,
    list_id: Any,
    signals: Any,
) -> m.SignalList:
    self = _BuildSignalList()
    self.list_id = list_id
    self.signals = signals
    self.__class__ = m.SignalList
    built: m.SignalList = self
    return built


_BuildSignalRequest = builder_class(m.SignalRequest)


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
    self.__class__ = m.SignalRequest
    built: m.SignalRequest = self
    return built


_BuildSignalsDescriptor = builder_class(m.SignalsDescriptor)


def SignalsDescriptor(
    *,
    signals: Any = (),
) -> m.SignalsDescriptor:
    self = _BuildSignalsDescriptor()
    self.signals = signals
    self.__class__ = m.SignalsDescriptor
    built: m.SignalsDescriptor = self
    return built


_BuildStatisticsParameter = builder_class(m.StatisticsParameter)


def StatisticsParameter(
    *,
    name: Any,
    values: Any = (),
) -> m.StatisticsParameter:
    self = _BuildStatisticsParameter()
    self.name = name
    self.values = values
    self.__class__ = m.StatisticsParameter
    built: m.StatisticsParameter = self
    return built


_BuildStreamDescriptor = builder_class(m.StreamDescriptor)


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
    self.__class__ = m.StreamDescriptor
    built: m.StreamDescriptor = self
    return built


_BuildSubtract = builder_class(m.Subtract)


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
    self.__class__ = m.Subtract
    built: m.Subtract = self
    return built


_BuildSubtractReply = builder_class(m.SubtractReply)


def SubtractReply(
    *,
    terminations: Any,
    audit: Any = None,
) -> m.SubtractReply:
    self = _BuildSubtractReply()
    self.terminations = terminations
    self.audit = audit
    self.__class__ = m.SubtractReply
    built: m.SubtractReply = self
    return built


_BuildTerminationAudit = builder_class(m.TerminationAudit)


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
    self.__class__ = m.TerminationAudit
    built: m.TerminationAudit = self
    return built


_BuildTerminationState = builder_class(m.TerminationState)


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
    self.__class__ = m.TerminationState
    built: m.TerminationState = self
    return built


_BuildTopologyTriple = builder_class(m.TopologyTriple)


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
    self.__class__ = m.TopologyTriple
    built: m.TopologyTriple = self
    return built


_BuildTransactionAck = builder_class(m.TransactionAck)


def TransactionAck(
    *,
    first: Any,
    last: Any = None,
) -> m.TransactionAck:
    self = _BuildTransactionAck()
    self.first = first
    self.last = last
    self.__class__ = m.TransactionAck
    built: m.TransactionAck = self
    return built


_BuildTransactionPending = builder_class(m.TransactionPending)


def TransactionPending(
    *,
    transaction_id: Any,
) -> m.TransactionPending:
    self = _BuildTransactionPending()
    self.transaction_id = transaction_id
    self.__class__ = m.TransactionPending
    built: m.TransactionPending = self
    return built


_BuildTransactionReply = builder_class(m.TransactionReply)


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
    self.__class__ = m.TransactionReply
    built: m.TransactionReply = self
    return built


_BuildTransactionRequest = builder_class(m.TransactionRequest)


def TransactionRequest(
    *,
    transaction_id: Any,
    actions: Any,
) -> m.TransactionRequest:
    self = _BuildTransactionRequest()
    self.transaction_id = transaction_id
    self.actions = actions
    self.__class__ = m.TransactionRequest
    built: m.TransactionRequest = self
    return built


_BuildTransactionResponseAck = builder_class(m.TransactionResponseAck)


def TransactionResponseAck(
    *,
    acks: Any,
) -> m.TransactionResponseAck:
    self = _BuildTransactionResponseAck()
    self.acks = acks
    self.__class__ = m.TransactionResponseAck
    built: m.TransactionResponseAck = self
    return built
