"""A readable text form of Iq transactions (golden files, the demo, logs).

One line per procedure or result, ``key=value`` pairs in a fixed order, so a diff
shows exactly which information element changed. The H.248 encoding of the same
transactions lives in :mod:`imsalg.iq.h248`.
"""

from __future__ import annotations

from collections.abc import Iterable

from imsalg.sdp.fingerprint import Fingerprint

from .procedures import (
    ConfigureConnectionPoint,
    ConnectionPointConfigured,
    ConnectionPointReserved,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    LocalSide,
    Procedure,
    ProcedureResult,
    ReleaseTermination,
    RemoteSide,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    TerminationReleased,
)

__all__ = ["describe_notification", "describe_reply", "describe_request"]

_NAMES = {
    ReserveConnectionPoint: "Reserve AGW Connection Point",
    ReserveAndConfigureConnectionPoint: "Reserve and Configure AGW Connection Point",
    ConfigureConnectionPoint: "Configure AGW Connection Point",
    ReleaseTermination: "Release AGW Termination",
}


def _fps(fingerprints: Iterable[Fingerprint]) -> str:
    return "[" + ", ".join(fp.format() for fp in fingerprints) + "]"


def _local(local: LocalSide) -> str:
    parts = [
        f"realm={local.realm}",
        f"transport={local.transport.value}",
        f"setup={local.setup.value if local.setup is not None else '-'}",
        f"address={local.address or '$'}",
        f"port={local.port if local.port is not None else '$'}",
        f"mode={local.mode.value}",
        f"establishment={local.establishment.value}",
        f"msrp={local.msrp_mode.value}",
    ]
    flags = [
        name
        for name, on in (
            (f"local-fingerprint-request={local.fingerprint_hash}", local.request_fingerprint),
            ("local-path-request", local.request_path),
            ("establish-tls", local.establish_tls),
            ("notify-tls-failure", local.notify_tls_failure),
            ("notify-bearer-released", local.notify_bearer_released),
        )
        if on
    ]
    if local.heartbeat:
        flags.append(f"heartbeat={local.heartbeat}")
    return " ".join(parts + flags)


def _remote(remote: RemoteSide) -> str:
    parts = [
        f"address={remote.address or '-'}",
        f"port={remote.port if remote.port is not None else '-'}",
        f"setup={remote.setup.value if remote.setup is not None else '-'}",
    ]
    if remote.fingerprints:
        parts.append(f"fingerprints={_fps(remote.fingerprints)}")
    if remote.path:
        parts.append("path=" + " ".join(uri.format() for uri in remote.path))
    return " ".join(parts)


def _procedure(procedure: Procedure) -> list[str]:
    name = _NAMES[type(procedure)]
    if isinstance(procedure, ReleaseTermination):
        return [f"  {name} termination={procedure.termination}"]
    if isinstance(procedure, ConfigureConnectionPoint):
        head = (
            f"  {name} termination={procedure.termination} stream={procedure.stream} "
            f"side={procedure.side.value}"
        )
    else:
        head = f"  {name} stream={procedure.stream} side={procedure.side.value}"
    lines = [head, f"    local: {_local(procedure.local)}"]
    remote = getattr(procedure, "remote", None)
    if remote is not None:
        lines.append(f"    remote: {_remote(remote)}")
    return lines


def describe_request(request: GatewayRequest) -> list[str]:
    """Lines describing one request."""
    lines = [f"request {request.request_id} context={request.context or '$'}"]
    for procedure in request.procedures:
        lines.extend(_procedure(procedure))
    return lines


def _result(result: ProcedureResult) -> str:
    if isinstance(result, ConnectionPointReserved):
        text = (
            f"  reserved termination={result.termination} address={result.address} "
            f"port={result.port}"
        )
        if result.fingerprint is not None:
            text += f" fingerprint={result.fingerprint.format()}"
        if result.path:
            text += " path=" + " ".join(uri.format() for uri in result.path)
        return text
    if isinstance(result, ConnectionPointConfigured):
        return f"  configured termination={result.termination}"
    if not isinstance(result, TerminationReleased):
        raise TypeError(f"not an Iq procedure result: {result!r}")
    stats = result.statistics
    return (
        f"  released termination={result.termination} octets-in={stats.octets_in} "
        f"octets-out={stats.octets_out} messages-in={stats.messages_in} "
        f"messages-out={stats.messages_out}"
    )


def describe_reply(reply: GatewayResult | GatewayFailure) -> list[str]:
    """Lines describing one reply."""
    if isinstance(reply, GatewayFailure):
        code = reply.code if reply.code is not None else "none"
        return [f"failure {reply.request_id} code={code} reason={reply.reason!r}"]
    lines = [f"reply {reply.request_id} context={reply.context}"]
    lines.extend(_result(result) for result in reply.results)
    return lines


def describe_notification(notification: GatewayNotification) -> list[str]:
    """Lines describing a notification from the AGW."""
    cause = getattr(notification, "cause", None)
    termination = getattr(notification, "termination", None)
    text = f"notify {type(notification).__name__} context={notification.context}"
    if termination is not None:
        text += f" termination={termination}"
    return [text if cause is None else f"{text} cause={cause!r}"]
