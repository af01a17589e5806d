"""The MSRP rules per m-line: classify, build the legs, say what the AGW must do.

Pure functions from (SDP, previous plan, policy) to stream plans and Iq procedures.
:mod:`imsalg.alg.engine` sequences them; nothing here keeps state.
:func:`plan_offer_stream` is all the SDP work of an offer for one m-line (read,
classify, roles, legs); :func:`reserve` and :func:`configure` say what the AGW must do.

Classification (DESIGN.md §3; TS 23.334 §6.2.10.3.1; TS 24.229 §7.5.2):

========================  ===================================  ==========================
offer from                m-line                               kind
========================  ===================================  ==========================
access (UE-originating)   TCP/TLS/MSRP + a=3ge2ae:requested,   e2ae
                          UE registered msrp-tls;mediasec
access                    TCP/TLS/MSRP otherwise               e2e-tls (anchored as TCP)
access                    TCP/MSRP                             msrp
core (UE-terminating)     TCP/MSRP, e2ae-capable UE, policy    e2ae
core                      TCP/MSRP otherwise                   msrp
core                      TCP/TLS/MSRP                         e2e-tls
any                       port 0                               removed
any                       other media or MSRP transport        passthrough
========================  ===================================  ==========================
"""

from __future__ import annotations

from typing import Final

from imsalg.errors import NegotiationError, UnsupportedMedia
from imsalg.iq.procedures import (
    ConfigureConnectionPoint,
    Establishment,
    LocalSide,
    MSRPMode,
    Procedure,
    RemoteSide,
    Side,
    StreamMode,
    Transport,
    new_local_side,
    new_remote_side,
    new_reserve,
    new_reserve_and_configure,
)
from imsalg.sdp.attributes import ConnectionValue, Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.media import MediaInfo, read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.roles import AWAITED, Awaited, LegRoles, Role, decide_leg_roles, setup_for_role

from .config import AlgPolicy, SetupChoice
from .state import (
    Endpoint,
    LegState,
    StreamKind,
    StreamState,
    new_endpoint,
    new_leg_state,
    new_stream_state,
    replace,
)

__all__ = [
    "TCP_MSRP",
    "TCP_TLS_MSRP",
    "check_e2ae_fingerprints",
    "classify",
    "configure",
    "effective_establishment",
    "peer_endpoint",
    "plan_offer_stream",
    "reserve",
]

TCP_MSRP = "TCP/MSRP"
TCP_TLS_MSRP = "TCP/TLS/MSRP"
_MSRP_PROTOS = (TCP_MSRP, TCP_TLS_MSRP)

# Enum members read for every m-line, as module constants: on Python 3.11 each
# ``Enum.X`` is a class-attribute lookup through the metaclass (about 65 ns).
_ACCESS: Final = Side.ACCESS
_CORE: Final = Side.CORE
_OTHER: Final = {Side.ACCESS: Side.CORE, Side.CORE: Side.ACCESS}
_E2AE: Final = StreamKind.E2AE
_E2E_TLS: Final = StreamKind.E2E_TLS
_TCP: Final = Transport.TCP
_TCP_MSRP: Final = Transport.TCP_MSRP
_REMOVED: Final = StreamKind.REMOVED
_AWARE: Final = MSRPMode.AWARE
_CLIENT: Final = Role.CLIENT
_INACTIVE: Final = StreamMode.INACTIVE
#: ``Side.value`` and ``Transport.tls`` as tables: both are Python-level properties on
#: the enum (about 0.1 and 0.2 µs), read for every m-line and termination.
_REALM: Final = {side: side.value for side in Side}
_TLS_TRANSPORTS: Final = frozenset(transport for transport in Transport if transport.tls)


def classify(
    sdp: SessionDescription,
    media: int,
    offerer: Side,
    *,
    ue_e2ae: bool,
    policy: AlgPolicy,
    info: MediaInfo | None,
) -> tuple[StreamKind, str]:
    """Kind and reason for m-line *media* of an offer from *offerer*.

    *info* is the m-line read with :func:`imsalg.sdp.media.read_media` (``None`` for
    non-message media, which is never read). Raises :class:`UnsupportedMedia` (488)
    for ``a=3ge2ae:requested`` on a line that cannot carry e2ae.
    """
    line = sdp.media_line(media)
    if line.port == 0:
        return StreamKind.REMOVED, "port 0 in the offer"
    if line.media != "message" or info is None:
        return StreamKind.PASSTHROUGH, f"m={line.media} is not MSRP: out of scope"
    proto = line.proto_upper
    requested = offerer is _ACCESS and info.e2ae_requested
    if proto not in _MSRP_PROTOS:
        if requested:
            raise UnsupportedMedia(
                f"m-line {media}: a=3ge2ae:requested on transport {line.proto}; "
                f"e2ae needs {TCP_TLS_MSRP}"
            )
        return StreamKind.PASSTHROUGH, f"MSRP over {line.proto} is not anchored"
    if offerer is _ACCESS:
        if requested:
            if proto != TCP_TLS_MSRP:
                raise UnsupportedMedia(
                    f"m-line {media}: a=3ge2ae:requested on {line.proto}, which is not a TLS "
                    f"transport; e2ae needs {TCP_TLS_MSRP}"
                )
            if ue_e2ae:
                return (
                    _E2AE,
                    "UE offered TCP/TLS/MSRP with a=3ge2ae:requested and registered "
                    "msrp-tls;mediasec",
                )
            why = "UE requested e2ae but did not register msrp-tls;mediasec: TLS end to end"
            return _e2e_tls(policy, why)
        if proto == TCP_TLS_MSRP:
            return _e2e_tls(policy, "TCP/TLS/MSRP without a=3ge2ae:requested: TLS end to end")
        return _plain(policy, "TCP/MSRP from the UE")
    if proto == TCP_MSRP:
        if ue_e2ae and policy.e2ae_terminating:
            return (
                StreamKind.E2AE,
                "core offered TCP/MSRP toward a UE that registered msrp-tls;mediasec",
            )
        why = "TCP/MSRP from the core"
        if not ue_e2ae:
            why += "; the UE did not register msrp-tls;mediasec"
        return _plain(policy, why)
    return _e2e_tls(policy, "TCP/TLS/MSRP from the core: TLS end to end")


def _e2e_tls(policy: AlgPolicy, why: str) -> tuple[StreamKind, str]:
    if policy.anchor_e2e_tls:
        return StreamKind.E2E_TLS, why + "; anchored as TCP"
    return StreamKind.PASSTHROUGH, why + "; policy: not anchored"


def _plain(policy: AlgPolicy, why: str) -> tuple[StreamKind, str]:
    if policy.anchor_plain_msrp:
        return StreamKind.MSRP, why + "; anchored"
    return StreamKind.PASSTHROUGH, why + "; policy: not anchored"


def check_e2ae_fingerprints(info: MediaInfo, who: str) -> None:
    """RFC 8122 §5 / TR 29.828 CR: e2ae needs at least one usable fingerprint (488)."""
    if info.fingerprint_problems:
        raise NegotiationError(
            f"m-line {info.index}: malformed a=fingerprint from the {who}: "
            + "; ".join(info.fingerprint_problems)
        )
    if not info.fingerprints:
        raise NegotiationError(
            f"m-line {info.index}: e2ae needs the {who}'s certificate fingerprint "
            "(a=fingerprint, RFC 8122) and there is none"
        )
    if not info.usable_fingerprints:
        names = ", ".join(sorted({fp.hash_name for fp in info.fingerprints}))
        if all(fp.forbidden for fp in info.fingerprints):
            raise NegotiationError(
                f"m-line {info.index}: the {who}'s fingerprints use only {names}, "
                "which RFC 8122 forbids"
            )
        raise NegotiationError(
            f"m-line {info.index}: no usable fingerprint hash from the {who} ({names})"
        )


def peer_endpoint(info: MediaInfo) -> Endpoint:
    """Where the peer's media is: effective ``c=`` address and ``m=`` port."""
    if info.connection is None:
        raise NegotiationError(f"m-line {info.index}: no c= line at media or session level")
    return new_endpoint(info.connection.host, info.line.port)


def msrp_mode_for(kind: StreamKind, info: MediaInfo, policy: AlgPolicy) -> tuple[MSRPMode, str]:
    """Agnostic or aware handling for a new anchored stream (TS 23.334 §5.19)."""
    if policy.msrp_mode is MSRPMode.AGNOSTIC:
        return MSRPMode.AGNOSTIC, "agnostic (default)"
    if kind is StreamKind.E2E_TLS:
        return MSRPMode.AGNOSTIC, "agnostic: MSRP inside end-to-end TLS cannot be read"
    if info.cema:
        # TS 23.334 §5.19.2: an offer with a=msrp-cema gets application-agnostic handling.
        return MSRPMode.AGNOSTIC, "agnostic: the offer carries a=msrp-cema"
    return MSRPMode.AWARE, "aware (static configuration, no a=msrp-cema)"


def transports(
    kind: StreamKind, mode: MSRPMode, policy: AlgPolicy, proto: str
) -> dict[Side, tuple[Transport, str]]:
    """(transport given to the AGW, m-line proto in the SDP) for each side."""
    inner = _TCP_MSRP if mode is _AWARE else _TCP
    if kind is _E2AE:
        # CR-6: access TCP/TLS/MSRP, core TCP/MSRP (aware) or TCP (agnostic).
        return {
            _ACCESS: (policy.access_transport_e2ae, TCP_TLS_MSRP),
            _CORE: (inner, TCP_MSRP),
        }
    if kind is _E2E_TLS:
        # TS 23.334 e2e: the AGW gets "TCP" and no TLS information.
        return {_ACCESS: (_TCP, proto), _CORE: (_TCP, proto)}
    return {_ACCESS: (inner, proto), _CORE: (inner, proto)}


#: ``SetupChoice.setup`` as a table: the property builds ``Setup(value)`` through the
#: enum's by-value lookup (about 0.6 µs) and runs for every anchored m-line.
_FIXED_SETUPS: Final[dict[SetupChoice, Setup]] = {
    choice: choice.setup for choice in SetupChoice if choice is not SetupChoice.FORWARD
}


def _fixed_setup(choice: SetupChoice) -> Setup:
    """``choice.setup`` (which refuses :attr:`SetupChoice.FORWARD`)."""
    return _FIXED_SETUPS.get(choice) or choice.setup


def answer_preference(side: Side, policy: AlgPolicy) -> Setup | Awaited:
    """What the ALG answers to an ``actpass`` offer from *side* (AWAITED: decide later)."""
    if side is _ACCESS:
        return _fixed_setup(policy.answer_actpass_access)
    if policy.answer_actpass_core is SetupChoice.FORWARD:
        return AWAITED
    return _fixed_setup(policy.answer_actpass_core)


def offer_value(toward: Side, received: Setup | None, policy: AlgPolicy) -> Setup | None:
    """The ``a=setup`` the ALG offers toward *toward* in a new stream."""
    choice = policy.offer_access if toward is _ACCESS else policy.offer_core
    if choice is SetupChoice.FORWARD:
        # Keep the setup direction (TS 23.334 §5.16.2.2): send what the offerer sent.
        return received
    return _fixed_setup(choice)


def kept_offer_value(roles: LegRoles) -> Setup | None:
    """In a re-offer: offer the role the AGW already plays, so the connection stays."""
    if roles.setup_sent is None and roles.alg_offered:
        return None
    return setup_for_role(roles.tcp)


def kept_answer_preference(roles: LegRoles, default: Setup | Awaited) -> Setup | Awaited:
    """In a re-offer: answer ``actpass`` with the role the AGW already plays."""
    if roles.tcp in (Role.CLIENT, Role.SERVER):
        return setup_for_role(roles.tcp)
    return default


def forwarded_answer_preference(other: LegRoles) -> Setup:
    """The deferred answer that keeps the setup direction across the AGW.

    If the AGW connects to the answerer, the offerer connects to the AGW (answer it
    ``passive``); if the answerer connects to the AGW, the AGW connects to the
    offerer (answer ``active``); ``holdconn`` carries over.
    """
    return {
        Role.CLIENT: Setup.PASSIVE,
        Role.SERVER: Setup.ACTIVE,
        Role.NONE: Setup.HOLDCONN,
        Role.PENDING: Setup.PASSIVE,
    }[other.tcp]


def effective_establishment(
    policy: AlgPolicy, access: LegRoles, core: LegRoles
) -> tuple[Establishment, str]:
    """Initiate or trigger for a stream whose roles are known (CR-7)."""
    if policy.establishment is Establishment.INITIATE:
        return Establishment.INITIATE, "AGW opens TCP where it is client"
    if Role.SERVER not in (access.tcp, core.tcp):
        return (
            Establishment.INITIATE,
            "trigger configured, but the AGW accepts on neither side: initiate",
        )
    return Establishment.TRIGGER, "an incoming TCP connection triggers the outgoing one"


#: Preference among the peer's hash functions: SHA-256 first (every RFC 8122 endpoint
#: supports it), then stronger ones; SHA-1 and SHA-224 only through the policy default.
_HASH_PREFERENCE = ("sha-256", "sha-384", "sha-512")


def fingerprint_hash_for(peer: tuple[Fingerprint, ...], policy: AlgPolicy) -> str:
    """The hash of the AGW fingerprint sent to a peer: one the peer itself used
    (rtpengine#1092: answering sha-1 to a sha-256-only peer broke calls), else policy."""
    if peer:
        used = {fp.hash_name for fp in peer}
        for name in _HASH_PREFERENCE:
            if name in used:
                return name
    return policy.fingerprint_hash


def local_side(
    stream: StreamState,
    leg: LegState,
    policy: AlgPolicy,
    *,
    mode: StreamMode,
    reserving: bool,
) -> LocalSide:
    """The Local IEs for *leg*'s termination."""
    transport = leg.transport
    tls = transport in _TLS_TRANSPORTS
    agw = None if reserving else leg.agw
    msrp_mode = stream.msrp_mode
    return new_local_side(
        realm=_REALM[leg.side],
        transport=transport,
        setup=leg.roles.agw_setup,
        address=None if agw is None else agw.address,
        port=None if agw is None else agw.port,
        establishment=stream.establishment,
        msrp_mode=msrp_mode,
        request_fingerprint=reserving and tls,
        fingerprint_hash=fingerprint_hash_for(leg.remote_fingerprints, policy),
        request_path=reserving and msrp_mode is _AWARE,
        establish_tls=leg.establish_tls and mode is not _INACTIVE,
        notify_tls_failure=tls,
        notify_bearer_released=True,
        heartbeat=policy.heartbeat,
        mode=mode,
    )


def remote_side(stream: StreamState, leg: LegState) -> RemoteSide | None:
    """The Remote IEs for *leg*'s termination (``None`` while the peer is unknown)."""
    peer = leg.peer
    if peer is None:
        return None
    return new_remote_side(
        address=peer.address,
        port=peer.port,
        setup=leg.roles.peer_setup,
        fingerprints=leg.remote_fingerprints,
        path=leg.peer_path if stream.msrp_mode is _AWARE else (),
    )


def reserve(stream: StreamState, leg: LegState, policy: AlgPolicy) -> Procedure:
    """Reserve (and configure, when the peer is known) the termination of *leg*."""
    local = local_side(stream, leg, policy, mode=_INACTIVE, reserving=True)
    remote = remote_side(stream, leg)
    if remote is None:
        return new_reserve(stream=stream.stream_id, side=leg.side, local=local)
    return new_reserve_and_configure(
        stream=stream.stream_id, side=leg.side, local=local, remote=remote
    )


def configure(stream: StreamState, leg: LegState, policy: AlgPolicy) -> ConfigureConnectionPoint:
    """Configure *leg*'s termination with the negotiated state, through-connected."""
    if leg.termination is None:
        raise ValueError(f"stream {stream.index}: {leg.side.value} leg has no termination")
    return ConfigureConnectionPoint(
        termination=leg.termination,
        stream=stream.stream_id,
        side=leg.side,
        local=local_side(stream, leg, policy, mode=StreamMode.SENDRECV, reserving=False),
        remote=remote_side(stream, leg) or RemoteSide(),
    )


def new_leg(
    side: Side,
    transport: Transport,
    proto: str,
    roles: LegRoles,
    *,
    peer: Endpoint | None = None,
    info: MediaInfo | None = None,
    e2ae: bool = False,
    previous: LegState | None = None,
) -> LegState:
    """A leg, keeping the AGW side of *previous* (same termination) when given.

    Without *info* (the other side's SDP is still to come), a *previous* leg also
    keeps its peer, fingerprints and path.
    """
    if previous is not None and info is None:
        peer = previous.peer
        remote_fingerprints = previous.remote_fingerprints
        peer_path = previous.peer_path
    else:
        remote_fingerprints = info.usable_fingerprints if info is not None and e2ae else ()
        peer_path = info.path if info is not None else ()
    if previous is None:
        return new_leg_state(
            side=side,
            transport=transport,
            proto=proto,
            roles=roles,
            peer=peer,
            remote_fingerprints=remote_fingerprints,
            peer_path=peer_path,
            establish_tls=roles.tls is _CLIENT,
        )
    return new_leg_state(
        side=side,
        transport=transport,
        proto=proto,
        roles=roles,
        termination=previous.termination,
        agw=previous.agw,
        peer=peer,
        establish_tls=roles.tls is _CLIENT,
        local_fingerprint=previous.local_fingerprint,
        remote_fingerprints=remote_fingerprints,
        agw_path=previous.agw_path,
        peer_path=peer_path,
    )


def kept_legs(
    prior: StreamState | None, kind: StreamKind, side: Side, info: MediaInfo
) -> tuple[LegState, LegState] | None:
    """The legs a re-offer keeps: same kind, healthy, not ``a=connection:new``."""
    if prior is None or prior.kind is not kind or prior.failure is not None:
        return None
    if len(prior.terminations) != 2:
        return None
    if info.connection_value_present and info.connection_value is ConnectionValue.NEW:
        # RFC 4145 §5: a new connection, so fresh terminations (port, certificate, roles).
        return None
    return prior.legs(side)


def plan_offer_stream(
    sdp: SessionDescription,
    media: int,
    offerer: Side,
    prior: StreamState | None,
    *,
    policy: AlgPolicy,
    ue_e2ae: bool,
) -> tuple[StreamState, bool]:
    """The plan for m-line *media* of an offer from *offerer*, and whether its legs are
    new (the AGW must reserve a termination for each).

    *prior* is the committed plan of that m-line in an earlier exchange, if any. Reads
    the m-line, classifies it, checks what the kind needs (the UE's fingerprints for
    e2ae, a valid ``a=path`` for aware MSRP) and decides the roles on both legs; a
    re-offer keeps the legs, MSRP mode and TCP establishment of a healthy stream
    unless it says ``a=connection:new``. Raises the :class:`~imsalg.errors.SDPError`
    the SDP deserves.
    """
    line = sdp.media_line(media)
    info: MediaInfo | None = None
    if line.media == "message" and line.port != 0:
        info = read_media(sdp, media)
    kind, why = classify(sdp, media, offerer, ue_e2ae=ue_e2ae, policy=policy, info=info)
    if not kind.anchored or info is None:
        if kind is _REMOVED and prior is not None and prior.kind.anchored:
            # Keep the legs so the answer can be written; released with the answer.
            return replace(prior, kind=kind, why=why), False
        return new_stream_state(index=media, media=line.media, kind=kind, why=why), False

    e2ae = kind is _E2AE
    if e2ae and offerer is _ACCESS:
        check_e2ae_fingerprints(info, "UE")
    peer = peer_endpoint(info)

    kept = kept_legs(prior, kind, offerer, info)
    if prior is not None and kept is not None:
        mode, mode_why = prior.msrp_mode, "kept from the earlier exchange"
    else:
        mode, mode_why = msrp_mode_for(kind, info, policy)
    if mode is _AWARE and (info.path_problem or not info.path):
        raise NegotiationError(
            f"m-line {media}: aware MSRP handling needs a valid a=path "
            f"({info.path_problem or 'none given'})"
        )
    other = _OTHER[offerer]
    by_side = transports(kind, mode, policy, line.proto)
    transport_x, proto_x = by_side[offerer]
    transport_y, proto_y = by_side[other]

    prior_x: LegState | None = None
    prior_y: LegState | None = None
    if kept is not None:
        prior_x, prior_y = kept
        roles_x = decide_leg_roles(
            alg_offers=False,
            offer=info.setup,
            preference=kept_answer_preference(prior_x.roles, answer_preference(offerer, policy)),
            tls=transport_x in _TLS_TRANSPORTS,
        )
        roles_y = decide_leg_roles(
            alg_offers=True,
            offer=kept_offer_value(prior_y.roles),
            tls=transport_y in _TLS_TRANSPORTS,
        )
    else:
        roles_x = decide_leg_roles(
            alg_offers=False,
            offer=info.setup,
            preference=answer_preference(offerer, policy),
            tls=transport_x in _TLS_TRANSPORTS,
        )
        roles_y = decide_leg_roles(
            alg_offers=True,
            offer=offer_value(other, info.setup, policy),
            tls=transport_y in _TLS_TRANSPORTS,
        )
    leg_x = new_leg(
        offerer,
        transport_x,
        proto_x,
        roles_x,
        peer=peer,
        info=info,
        e2ae=e2ae and offerer is _ACCESS,
        previous=prior_x,
    )
    leg_y = new_leg(other, transport_y, proto_y, roles_y, previous=prior_y)
    access, core = (leg_x, leg_y) if offerer is _ACCESS else (leg_y, leg_x)
    stream = new_stream_state(
        index=media,
        media=line.media,
        kind=kind,
        why=f"{why}; MSRP {mode_why}",
        msrp_mode=mode,
        establishment=(
            prior.establishment if prior is not None and kept is not None else policy.establishment
        ),
        access=access,
        core=core,
    )
    return stream, kept is None
