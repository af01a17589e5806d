"""imsalg.alg: the IMS-ALG engine (sans-IO), its policy, the offline AGW and a sync driver."""

from .config import AlgPolicy, ConfigError, SetupChoice, policy_from_mapping
from .driver import Exchange, GatewayBackend, SyncDriver
from .engine import Call, gateway_failure_status
from .events import (
    Action,
    CallReleased,
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
from .offline import OfflineGateway, OfflineGatewayConfig, OfflineGatewayState, RealmConfig
from .plan import plan_json
from .rewrite import rewrite_sdp
from .state import CallState, Endpoint, LegState, StreamKind, StreamState

__all__ = [
    "Action",
    "AlgPolicy",
    "Call",
    "CallReleased",
    "CallState",
    "ConfigError",
    "Endpoint",
    "Event",
    "Exchange",
    "ForwardSDP",
    "GatewayBackend",
    "GatewayNotified",
    "GatewayReplied",
    "LegState",
    "OfferRejected",
    "OfflineGateway",
    "OfflineGatewayConfig",
    "OfflineGatewayState",
    "RealmConfig",
    "RefuseSDP",
    "ReleaseCall",
    "SDPReceived",
    "SendGatewayRequest",
    "SetupChoice",
    "StreamFailed",
    "StreamKind",
    "StreamState",
    "SyncDriver",
    "gateway_failure_status",
    "plan_json",
    "policy_from_mapping",
    "rewrite_sdp",
]
