"""Hypothesis strategies for the Iq procedure model (requests, results, notifications).

They draw every combination of information elements the H.248 mapping can carry with the
default profile: realms named after their side, IPv4/IPv6/FQDN addresses, any stream mode,
setup role, transport, fingerprint hash and flag; results shaped like the procedures they
answer (a release of ``*`` answers with one or more released terminations).
"""

from __future__ import annotations

import hashlib

import attrs
from hypothesis import strategies as st

from imsalg.iq.procedures import (
    BearerReleased,
    ConfigureConnectionPoint,
    ConnectionPointConfigured,
    ConnectionPointReserved,
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
    Side,
    StreamMode,
    TerminationHeartbeat,
    TerminationReleased,
    TerminationStatistics,
    TLSSetupFailed,
    Transport,
)
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import SUPPORTED_HASHES, Fingerprint
from imsalg.sdp.msrp import MSRPURI

__all__ = ["failures", "notifications", "requests", "results_for"]

contexts = st.integers(0, 0xFFFFFFFF).map(str)
ports = st.integers(0, 65535)
addresses = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
    st.sampled_from(["core-peer.example.net", "ue1.ims.example.org"]),
)
# AGW termination IDs; never spelled like the Local/Remote tokens (the codec refuses those
# before a "{").
termination_ids = st.from_regex(r"[a-z]{1,4}(/[a-z0-9]{1,4}){0,3}", fullmatch=True).filter(
    lambda tid: tid not in ("l", "r", "local", "remote")
)
fingerprints = st.builds(
    lambda name, seed: Fingerprint(name, hashlib.new(SUPPORTED_HASHES[name], seed).digest()),
    st.sampled_from(sorted(SUPPORTED_HASHES)),
    st.binary(max_size=8),
)
msrp_uris = st.builds(
    MSRPURI,
    scheme=st.sampled_from(["msrp", "msrps"]),
    host=st.sampled_from(["192.0.2.7", "[2001:db8::7]", "agw.example.net"]),
    port=st.none() | ports,
    session_id=st.none() | st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True),
)
cause_texts = st.text(
    st.characters(codec="utf-8", exclude_characters='"').filter(str.isprintable), max_size=20
)


def _local(side: Side) -> st.SearchStrategy[LocalSide]:
    # The hash of a fingerprint request travels only with the request.
    return _any_local(side).map(
        lambda local: (
            local if local.request_fingerprint else attrs.evolve(local, fingerprint_hash="sha-256")
        )
    )


def _any_local(side: Side) -> st.SearchStrategy[LocalSide]:
    return st.builds(
        LocalSide,
        realm=st.just(side.value),
        transport=st.sampled_from(Transport),
        setup=st.none() | st.sampled_from(Setup),
        address=st.none() | st.ip_addresses().map(str),
        port=st.none() | ports,
        establishment=st.sampled_from(Establishment),
        msrp_mode=st.sampled_from(MSRPMode),
        request_fingerprint=st.booleans(),
        fingerprint_hash=st.sampled_from(sorted(SUPPORTED_HASHES)),
        request_path=st.booleans(),
        establish_tls=st.booleans(),
        notify_tls_failure=st.booleans(),
        notify_bearer_released=st.booleans(),
        heartbeat=st.none() | st.integers(0, 3600),
        mode=st.sampled_from(StreamMode),
    )


remotes = st.builds(
    RemoteSide,
    address=st.none() | addresses,
    port=st.none() | ports,
    setup=st.none() | st.sampled_from(Setup),
    fingerprints=st.lists(fingerprints, max_size=3).map(tuple),
    path=st.lists(msrp_uris, max_size=2).map(tuple),
)


@st.composite
def _procedure(draw: st.DrawFn) -> Procedure:
    kind = draw(st.integers(0, 3))
    if kind == 3:
        return ReleaseTermination(termination=draw(st.just("*") | termination_ids))
    side = draw(st.sampled_from(Side))
    stream = draw(st.integers(0, 0xFFFF))
    local = draw(_local(side))
    if kind == 0:
        return ReserveConnectionPoint(stream=stream, side=side, local=local)
    remote = draw(remotes)
    if kind == 1:
        # An empty remote travels as a plain Reserve (same meaning), so draw a known one.
        remote = draw(remotes.filter(lambda r: r != RemoteSide()))
        return ReserveAndConfigureConnectionPoint(
            stream=stream, side=side, local=local, remote=remote
        )
    return ConfigureConnectionPoint(
        termination=draw(termination_ids), stream=stream, side=side, local=local, remote=remote
    )


requests = st.builds(
    GatewayRequest,
    request_id=st.integers(0, 0xFFFFFFFF),
    context=st.none() | contexts,
    procedures=st.lists(_procedure(), min_size=1, max_size=4).map(tuple),
)


@st.composite
def _result(draw: st.DrawFn, procedure: Procedure) -> list[ProcedureResult]:
    if isinstance(procedure, ReleaseTermination):
        count = draw(st.integers(1, 3)) if procedure.termination == "*" else 1
        return [
            TerminationReleased(
                termination=(
                    procedure.termination if procedure.termination != "*" else draw(termination_ids)
                ),
                statistics=draw(
                    st.builds(
                        TerminationStatistics,
                        octets_in=st.integers(0, 2**40),
                        octets_out=st.integers(0, 2**40),
                        messages_in=st.integers(0, 2**20),
                        messages_out=st.integers(0, 2**20),
                    )
                ),
            )
            for _ in range(count)
        ]
    if isinstance(procedure, ConfigureConnectionPoint):
        return [ConnectionPointConfigured(termination=procedure.termination)]
    local = procedure.local
    return [
        ConnectionPointReserved(
            termination=draw(termination_ids),
            address=draw(st.ip_addresses().map(str)),
            port=draw(ports),
            fingerprint=(
                Fingerprint.of_certificate(draw(st.binary(max_size=16)), local.fingerprint_hash)
                if local.request_fingerprint
                else None
            ),
            path=tuple(draw(st.lists(msrp_uris, min_size=1, max_size=2)))
            if local.request_path
            else (),
        )
    ]


@st.composite
def results_for(draw: st.DrawFn, request: GatewayRequest) -> GatewayResult:
    """A result answering *request* procedure by procedure."""
    results: list[ProcedureResult] = []
    for procedure in request.procedures:
        results.extend(draw(_result(procedure)))
    return GatewayResult(
        request_id=request.request_id,
        context=request.context if request.context is not None else draw(contexts),
        results=tuple(results),
    )


@st.composite
def failures(draw: st.DrawFn, request: GatewayRequest) -> GatewayFailure:
    """A failure of *request*: at the transaction level, or after some procedures ran."""
    code = draw(st.sampled_from([411, 430, 445, 449, 501, 510, 500]) | st.integers(400, 999))
    reason = draw(cause_texts)
    if draw(st.booleans()):
        return GatewayFailure(request_id=request.request_id, code=code, reason=reason)
    done = draw(st.integers(0, len(request.procedures) - 1))
    partial: list[ProcedureResult] = []
    for procedure in request.procedures[:done]:
        partial.extend(draw(_result(procedure)))
    return GatewayFailure(
        request_id=request.request_id,
        code=code,
        reason=reason,
        context=request.context if request.context is not None else draw(contexts),
        partial=tuple(partial),
    )


notifications: st.SearchStrategy[GatewayNotification] = st.one_of(
    st.builds(TLSSetupFailed, context=contexts, termination=termination_ids, cause=cause_texts),
    st.builds(BearerReleased, context=contexts, termination=termination_ids, cause=cause_texts),
    st.builds(TerminationHeartbeat, context=contexts, termination=termination_ids),
)
