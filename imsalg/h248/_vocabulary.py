"""Which Annex B token spells which model value.

One table per enumeration of the model, keyed by token: the decoder reads it forwards
(token → value), the encoder inverted (value → token), so the two directions cannot drift
apart. Values are those of H.248.1 Annex B.2 (streamModes, serviceStatesValue, signalType,
notificationReason, direction, notifyBehaviour, topologyDirection, auditItem,
serviceChangeMethod).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypeVar

from imsalg.h248 import model as m
from imsalg.h248.tokens import Token

__all__ = [
    "AUDIT_ITEMS",
    "BARE_AUDIT_ITEMS",
    "BUFFER_CONTROLS",
    "NOTIFICATION_REASONS",
    "NOTIFY_BEHAVIOURS",
    "SERVICE_CHANGE_METHODS",
    "SERVICE_STATES",
    "SIGNAL_DIRECTIONS",
    "SIGNAL_TYPES",
    "STREAM_MODES",
    "TOPOLOGY_DIRECTIONS",
    "spelling",
]

_V = TypeVar("_V")

STREAM_MODES: Final = {
    Token.SENDONLY: m.StreamMode.SENDONLY,
    Token.RECVONLY: m.StreamMode.RECVONLY,
    Token.SENDRECV: m.StreamMode.SENDRECV,
    Token.INACTIVE: m.StreamMode.INACTIVE,
    Token.LOOPBACK: m.StreamMode.LOOPBACK,
}
SERVICE_STATES: Final = {
    Token.TEST: m.ServiceState.TEST,
    Token.OUT_OF_SERVICE: m.ServiceState.OUT_OF_SERVICE,
    Token.IN_SERVICE: m.ServiceState.IN_SERVICE,
}
BUFFER_CONTROLS: Final = {
    Token.OFF: m.EventBufferControl.OFF,
    Token.LOCKSTEP: m.EventBufferControl.LOCKSTEP,
}
SIGNAL_TYPES: Final = {
    Token.ON_OFF: m.SignalType.ON_OFF,
    Token.TIMEOUT: m.SignalType.TIMEOUT,
    Token.BRIEF: m.SignalType.BRIEF,
}
NOTIFICATION_REASONS: Final = {
    Token.TIMEOUT: m.NotificationReason.TIMEOUT,
    Token.INTERRUPT_BY_EVENT: m.NotificationReason.INTERRUPTED_BY_EVENT,
    Token.INTERRUPT_BY_NEW_SIGNALS: m.NotificationReason.INTERRUPTED_BY_NEW_SIGNALS,
    Token.OTHER_REASON: m.NotificationReason.OTHER,
    Token.ITERATION: m.NotificationReason.ITERATION,
}
SIGNAL_DIRECTIONS: Final = {
    Token.EXTERNAL: m.SignalDirection.EXTERNAL,
    Token.INTERNAL: m.SignalDirection.INTERNAL,
    Token.BOTH: m.SignalDirection.BOTH,
}
NOTIFY_BEHAVIOURS: Final = {
    Token.NOTIFY_IMMEDIATE: m.NotifyBehaviour.IMMEDIATE,
    Token.NEVER_NOTIFY: m.NotifyBehaviour.NEVER,
    Token.NOTIFY_REGULATED: m.NotifyBehaviour.REGULATED,
}
TOPOLOGY_DIRECTIONS: Final = {
    Token.ISOLATE: m.TopologyDirection.ISOLATE,
    Token.ONEWAY: m.TopologyDirection.ONEWAY,
    Token.BOTHWAY: m.TopologyDirection.BOTHWAY,
    Token.ONEWAY_EXTERNAL: m.TopologyDirection.ONEWAY_EXTERNAL,
    Token.ONEWAY_BOTH: m.TopologyDirection.ONEWAY_BOTH,
}
#: auditItem tokens (an Audit{...} descriptor, ServiceChange audit items).
AUDIT_ITEMS: Final = {
    Token.MEDIA: m.AuditItem.MEDIA,
    Token.MUX: m.AuditItem.MUX,
    Token.MODEM: m.AuditItem.MODEM,
    Token.EVENTS: m.AuditItem.EVENTS,
    Token.SIGNALS: m.AuditItem.SIGNALS,
    Token.DIGIT_MAP: m.AuditItem.DIGIT_MAP,
    Token.STATISTICS: m.AuditItem.STATISTICS,
    Token.OBSERVED_EVENTS: m.AuditItem.OBSERVED_EVENTS,
    Token.EVENT_BUFFER: m.AuditItem.EVENT_BUFFER,
    Token.PACKAGES: m.AuditItem.PACKAGES,
}
#: auditReturnItem tokens a command reply may list bare (a bare Statistics is read as an
#: empty statistics descriptor instead).
BARE_AUDIT_ITEMS: Final[dict[Token, m.AuditItem]] = {
    token: item
    for token, item in AUDIT_ITEMS.items()
    if token not in (Token.EVENTS, Token.SIGNALS, Token.EVENT_BUFFER, Token.STATISTICS)
}
SERVICE_CHANGE_METHODS: Final = {
    Token.FAILOVER: m.ServiceChangeMethod.FAILOVER,
    Token.FORCED: m.ServiceChangeMethod.FORCED,
    Token.GRACEFUL: m.ServiceChangeMethod.GRACEFUL,
    Token.RESTART: m.ServiceChangeMethod.RESTART,
    Token.DISCONNECTED: m.ServiceChangeMethod.DISCONNECTED,
    Token.HAND_OFF: m.ServiceChangeMethod.HANDOFF,
}


def spelling(table: Mapping[Token, _V]) -> dict[_V, Token]:
    """The table inverted: model value → token."""
    return {value: token for token, value in table.items()}
