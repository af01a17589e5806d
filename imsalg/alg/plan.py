"""The stream plan as JSON: the machine-readable "why" of a rewrite.

Schema (stable; other tools depend on it)::

    {"streams": [
      {"index": 0, "media": "message", "kind": "e2ae", "why": "...",
       "msrp_mode": "agnostic", "tcp_establishment": "initiate", "failure": null,
       "access": {"transport": "TCP/TLS/MSRP", "proto": "TCP/TLS/MSRP",
                  "termination": "msrp/1/1/acc1",
                  "agw": {"address": "192.0.2.10", "port": 40000},
                  "peer": {"address": "198.51.100.20", "port": 7394} | null,
                  "setup_sent": "passive" | null, "setup_received": "active" | null,
                  "tcp_role": "server", "tls_role": "server", "establish_tls": false,
                  "local_fingerprint": "sha-256 AB:..." | null,
                  "remote_fingerprints": ["sha-256 4A:..."],
                  "agw_path": [...], "peer_path": [...]},
       "core": {... same without the TLS keys ...}},
      {"index": 1, "media": "audio", "kind": "passthrough", ...}]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from imsalg.iq.procedures import Side

from .state import Endpoint, LegState, StreamState

__all__ = ["plan_json"]


def _endpoint(endpoint: Endpoint | None) -> dict[str, Any] | None:
    if endpoint is None:
        return None
    return {"address": endpoint.address, "port": endpoint.port}


def _leg(leg: LegState) -> dict[str, Any]:
    roles = leg.roles
    out: dict[str, Any] = {
        "transport": leg.transport.value,
        "proto": leg.proto,
        "termination": leg.termination,
        "agw": _endpoint(leg.agw),
        "peer": _endpoint(leg.peer),
        "setup_sent": roles.setup_sent.value if roles.setup_sent is not None else None,
        "setup_received": roles.setup_received.value if roles.setup_received is not None else None,
        "tcp_role": roles.tcp.value,
        "agw_path": [uri.format() for uri in leg.agw_path],
        "peer_path": [uri.format() for uri in leg.peer_path],
    }
    if leg.side is Side.ACCESS:
        out.update(
            tls_role=roles.tls.value,
            establish_tls=leg.establish_tls,
            local_fingerprint=(
                leg.local_fingerprint.format() if leg.local_fingerprint is not None else None
            ),
            remote_fingerprints=[fp.format() for fp in leg.remote_fingerprints],
        )
    return out


def plan_json(streams: Sequence[StreamState]) -> dict[str, Any]:
    """The plan document for *streams*."""
    items = []
    for stream in streams:
        item: dict[str, Any] = {
            "index": stream.index,
            "media": stream.media,
            "kind": stream.kind.value,
            "why": stream.why,
            "msrp_mode": stream.msrp_mode.value,
            "tcp_establishment": stream.establishment.value,
            "failure": stream.failure,
        }
        if stream.access is not None and stream.core is not None:
            item["access"] = _leg(stream.access)
            item["core"] = _leg(stream.core)
        items.append(item)
    return {"streams": items}
