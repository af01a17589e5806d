"""Drivers for SIP proxy projects: the sans-IO engine run against real IMS-AGWs.

- :mod:`imsalg.drivers.aio`: :class:`AsyncALG` / :class:`AsyncCall` for asyncio proxies.
- :mod:`imsalg.drivers.sync`: :class:`ALG` / :class:`SyncCall` for blocking proxies.
- Gateways: :class:`InProcessGateway` (the bundled AGW in the same process),
  :class:`RemoteGateway` (an AGW over H.248), :class:`AGWPool` (several AGWs).

This package (with :mod:`imsalg.agw`, :mod:`imsalg.transport` and the CLI) is where
I/O happens; the engine it drives never does any.
"""

from .aio import AsyncALG, AsyncCall, CallEvent
from .gateways import AsyncGateway, InProcessGateway
from .pool import AGWPool, MemberState, MemberStatus
from .remote import RemoteGateway
from .sdpform import SDPBody
from .sync import ALG, BackgroundLoop, SyncCall, ThreadedAGW, ThreadedGateway

__all__ = [
    "ALG",
    "AGWPool",
    "AsyncALG",
    "AsyncCall",
    "AsyncGateway",
    "BackgroundLoop",
    "CallEvent",
    "InProcessGateway",
    "MemberState",
    "MemberStatus",
    "RemoteGateway",
    "SDPBody",
    "SyncCall",
    "ThreadedAGW",
    "ThreadedGateway",
]
