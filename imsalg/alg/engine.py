"""The per-call IMS-ALG engine: events in, actions out, no I/O.

:class:`Call` holds a :class:`~imsalg.alg.state.CallState` and processes one event at
a time with :meth:`Call.handle`. It never reads a clock, draws randomness or touches
a socket: request ids come from a counter in the state, addresses, ports,
termination ids and certificates from the AGW's replies.

Life of an offer/answer exchange (both directions, initial or re-offer):

1. ``SDPReceived`` with no exchange under way: an offer. Each m-line is classified
   (:mod:`imsalg.alg.rules`), the roles on both legs are decided
   (:func:`imsalg.sdp.roles.decide_leg_roles`) and the AGW is asked to reserve
   terminations for new anchored streams (``SendGatewayRequest``).
2. ``GatewayReplied``: the AGW's addresses, ports and certificate fingerprint go
   into the plan and the rewritten offer is forwarded (``ForwardSDP``).
3. ``SDPReceived`` from the other side: the answer. Roles are completed, removed
   streams released, and every changed termination configured and through-connected.
4. ``GatewayReplied``: the rewritten answer is forwarded; the plan is committed.

Rules kept here: bad input raises a typed :class:`~imsalg.errors.IMSALGError` and
changes nothing; re-offers keep the AGW address, port, certificate and roles of a
stream unless it says ``a=connection:new``; resources are released when a stream
is removed (port 0, in offer or answer), when an exchange is abandoned
(``OfferRejected``), when the AGW reports a failure, and on ``ReleaseCall``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from imsalg.errors import (
    GatewayError,
    LocalStateError,
    NegotiationError,
    SDPSyntaxError,
)
from imsalg.iq.procedures import (
    ConnectionPointConfigured,
    ConnectionPointReserved,
    ContextLost,
    GatewayFailure,
    GatewayRequest,
    GatewayResult,
    Procedure,
    ReleaseTermination,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    Side,
    TerminationHeartbeat,
    TerminationReleased,
    TLSSetupFailed,
    new_gateway_request,
)
from imsalg.sdp.media import read_media
from imsalg.sdp.model import SessionDescription
from imsalg.sdp.roles import Role, decide_leg_roles

from . import rules
from .config import AlgPolicy
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
    new_forward_sdp,
    new_send_gateway_request,
)
from .rewrite import rewrite_sdp
from .state import (
    CallState,
    LegState,
    Negotiation,
    Phase,
    StreamKind,
    StreamState,
    new_call_state,
    new_endpoint,
    new_negotiation,
    replace,
)

__all__ = ["Call", "gateway_failure_status", "parse_sdp"]

# Read for every offer and reply: module constants, not enum class-attribute lookups
# (about 65 ns each on Python 3.11) or the ``Side.other`` property (about 0.15 µs).
_ACCESS: Final = Side.ACCESS
_OTHER: Final = {Side.ACCESS: Side.CORE, Side.CORE: Side.ACCESS}
_OFFER_GATEWAY: Final = Phase.OFFER_GATEWAY
_AWAITING_ANSWER: Final = Phase.AWAITING_ANSWER
_RESERVES: Final = (ReserveConnectionPoint, ReserveAndConfigureConnectionPoint)


def parse_sdp(text: str) -> SessionDescription:
    """Parse SDP text; every failure is an :class:`SDPSyntaxError` (400)."""
    try:
        return SessionDescription.parse(text)
    except SDPSyntaxError:
        raise
    except (ValueError, TypeError) as exc:  # pragma: no cover - parse raises only the above
        raise SDPSyntaxError(str(exc)) from None


def gateway_failure_status(code: int | None) -> int:
    """SIP status for an AGW failure (SPEC.md §13.1 item 18).

    445/449/501 mean the AGW lacks a feature the SDP needs (488); 510 means it is out
    of resources and no AGW at all means it cannot be reached (503); anything else is
    a server error (500).
    """
    if code is None or code == 510:
        return 503
    if code in (445, 449, 501):
        return 488
    return 500


class Call:
    """One call through the IMS-ALG.

    *policy* is the configuration; *ue_e2ae* says whether the UE registered
    ``msrp-tls;mediasec`` (TS 24.229 §7.2A.7). *state* resumes a saved call.
    """

    def __init__(
        self, policy: AlgPolicy, *, ue_e2ae: bool = True, state: CallState | None = None
    ) -> None:
        self.policy = policy
        self.state = state if state is not None else new_call_state(ue_e2ae=ue_e2ae)
        self._parsed = _ParsedSDP()

    def handle(self, event: Event) -> list[Action]:
        """Process *event*; return what the caller must do, in order.

        Raises an :class:`~imsalg.errors.IMSALGError` subclass when the event cannot be
        accepted; the call state is then unchanged.
        """
        state, actions = _Handler(self.state, self.policy, self._parsed).dispatch(event)
        self.state = state
        return actions

    @property
    def streams(self) -> tuple[StreamState, ...]:
        """The stream plans: those under negotiation if any, else the committed ones."""
        negotiation = self.state.negotiation
        return negotiation.streams if negotiation is not None else self.state.streams


class _ParsedSDP:
    """The SDP body parsed last in a call, kept so that one exchange parses it once.

    The offer (or answer) is parsed when it arrives and again needed when the AGW's
    reply comes back to rewrite it; ``negotiation.sdp`` keeps only the text, so the
    state stays plain data. Keyed by the text, this cache is never stale, and a
    :class:`Call` resumed from a saved state simply parses again.
    """

    __slots__ = ("sdp", "text")

    def __init__(self) -> None:
        self.text: str | None = None
        self.sdp: SessionDescription | None = None

    def parse(self, text: str) -> SessionDescription:
        """:func:`parse_sdp` of *text*, reusing the last result for the same text."""
        if self.sdp is not None and text == self.text:
            return self.sdp
        sdp = parse_sdp(text)
        self.text, self.sdp = text, sdp
        return sdp


class _Handler:
    """Computes the next state and actions for one event; never mutates the old state."""

    def __init__(self, state: CallState, policy: AlgPolicy, parsed: _ParsedSDP) -> None:
        self.state = state
        self.policy = policy
        self.parse = parsed.parse

    # -- plumbing --------------------------------------------------------------------

    def dispatch(self, event: Event) -> tuple[CallState, list[Action]]:
        if isinstance(event, SDPReceived):
            return self._on_sdp(event)
        if isinstance(event, GatewayReplied):
            return self._on_reply(event.reply)
        if isinstance(event, GatewayNotified):
            return self._on_notification(event)
        if isinstance(event, OfferRejected):
            return self._on_offer_rejected()
        if isinstance(event, ReleaseCall):
            return self._on_release()
        raise TypeError(f"not an engine event: {event!r}")

    def _new_request(
        self, state: CallState, procedures: Iterable[Procedure], *, context: str | None
    ) -> GatewayRequest:
        """The next request; the caller stores ``next_request_id=request.request_id + 1``."""
        return new_gateway_request(
            request_id=state.next_request_id,
            context=context,
            procedures=tuple(procedures),
        )

    def _request(
        self, state: CallState, procedures: Iterable[Procedure], *, context: str | None
    ) -> tuple[CallState, GatewayRequest]:
        request = self._new_request(state, procedures, context=context)
        return replace(state, next_request_id=request.request_id + 1), request

    def _cleanup(
        self, state: CallState, terminations: Iterable[str], context: str | None
    ) -> tuple[CallState, list[Action]]:
        """Release *terminations* without waiting for the outcome."""
        names = tuple(dict.fromkeys(terminations))
        if not names or context is None:
            return state, []
        state, request = self._request(
            state, (ReleaseTermination(termination=name) for name in names), context=context
        )
        state = replace(state, cleanup_requests=(*state.cleanup_requests, request.request_id))
        return state, [SendGatewayRequest(request=request)]

    # -- SDP -------------------------------------------------------------------------

    def _on_sdp(self, event: SDPReceived) -> tuple[CallState, list[Action]]:
        state = self.state
        if state.released:
            raise LocalStateError("the call was released", sip_status=481)
        negotiation = state.negotiation
        if negotiation is None:
            return self._on_offer(event.side, event.sdp)
        if negotiation.phase is Phase.AWAITING_ANSWER and event.side is not negotiation.offerer:
            return self._on_answer(negotiation, event.sdp)
        if event.side is negotiation.offerer:
            raise LocalStateError(
                f"an offer from the {event.side.value} side is still being negotiated "
                "(RFC 3264 §4: one exchange at a time)"
            )
        raise LocalStateError(
            f"the answer from the {event.side.value} side arrived before the offer was forwarded"
        )

    def _on_offer(self, side: Side, text: str) -> tuple[CallState, list[Action]]:
        state = self.state
        policy = self.policy
        sdp = self.parse(text)
        previous = state.streams
        if sdp.media_count < len(previous):
            raise NegotiationError(
                f"the offer has {sdp.media_count} m-lines where the session had "
                f"{len(previous)}; m-lines are never removed (RFC 3264 §8)"
            )
        streams: list[StreamState] = []
        reserves: list[Procedure] = []
        for media in range(sdp.media_count):
            prior = previous[media] if media < len(previous) else None
            stream, new_legs = rules.plan_offer_stream(
                sdp, media, side, prior, policy=policy, ue_e2ae=state.ue_e2ae
            )
            streams.append(stream)
            if new_legs:
                # New terminations: the offerer's side is known (reserve and configure),
                # the other side only gets an address (reserve).
                leg_x, leg_y = stream.legs(side)
                reserves.append(rules.reserve(stream, leg_x, policy))
                reserves.append(rules.reserve(stream, leg_y, policy))
        originator = state.originator or side
        request = self._new_request(state, reserves, context=state.context) if reserves else None
        negotiation = new_negotiation(
            offerer=side,
            phase=_OFFER_GATEWAY if request is not None else _AWAITING_ANSWER,
            sdp=text,
            media_count=sdp.media_count,
            streams=tuple(streams),
            request=request,
        )
        if request is None:
            toward = _OTHER[side]
            out = rewrite_sdp(sdp, negotiation.streams, toward)
            state = replace(state, originator=originator, negotiation=negotiation)
            return state, [new_forward_sdp(to=toward, sdp=out, offer=True)]
        state = replace(
            state,
            originator=originator,
            negotiation=negotiation,
            next_request_id=request.request_id + 1,
        )
        return state, [new_send_gateway_request(request)]

    def _on_answer(self, negotiation: Negotiation, text: str) -> tuple[CallState, list[Action]]:
        state = self.state
        sdp = self.parse(text)
        if sdp.media_count != negotiation.media_count:
            raise NegotiationError(
                f"the answer has {sdp.media_count} m-lines, the offer had "
                f"{negotiation.media_count} (RFC 3264 §6)"
            )
        committed = {stream.index: stream for stream in state.streams}
        streams: list[StreamState] = []
        releases: list[str] = []
        configures: list[Procedure] = []
        for stream in negotiation.streams:
            prior = committed.get(stream.index)
            stream, release, procedures = self._plan_answer_stream(
                sdp, stream, negotiation.offerer, prior
            )
            streams.append(stream)
            releases.extend(release)
            configures.extend(procedures)
        procedures_all: list[Procedure] = [
            ReleaseTermination(termination=name) for name in dict.fromkeys(releases)
        ]
        procedures_all.extend(configures)
        if not procedures_all:
            negotiation = replace(
                negotiation, phase=Phase.ANSWER_GATEWAY, sdp=text, streams=tuple(streams)
            )
            return self._finish_answer(replace(state, negotiation=negotiation), negotiation)
        request = self._new_request(state, procedures_all, context=state.context)
        negotiation = replace(
            negotiation,
            phase=Phase.ANSWER_GATEWAY,
            sdp=text,
            streams=tuple(streams),
            request=request,
        )
        state = replace(state, negotiation=negotiation, next_request_id=request.request_id + 1)
        return state, [SendGatewayRequest(request=request)]

    def _plan_answer_stream(
        self,
        sdp: SessionDescription,
        stream: StreamState,
        offerer: Side,
        prior: StreamState | None,
    ) -> tuple[StreamState, list[str], list[Procedure]]:
        policy = self.policy
        answerer = offerer.other
        prior_terms = prior.terminations if prior is not None else ()
        if stream.kind is StreamKind.REMOVED:
            return stream, list(prior_terms), []
        if stream.failure is not None:
            # The AGW gave the stream up while the offer was out: answer it with port 0.
            return replace(stream, kind=StreamKind.REMOVED, why=stream.failure), [], []
        if not stream.kind.anchored:
            return stream, list(prior_terms), []
        line = sdp.media_line(stream.index)
        if line.port == 0:
            removed = replace(
                stream,
                kind=StreamKind.REMOVED,
                why=f"the {answerer.value} side rejected the stream (port 0 in the answer)",
            )
            return removed, [*prior_terms, *stream.terminations], []
        leg_x, leg_y = stream.legs(offerer)
        if line.proto_upper != leg_y.proto.upper():
            raise NegotiationError(
                f"m-line {stream.index}: the answer uses {line.proto} for an offer of {leg_y.proto}"
            )
        info = read_media(sdp, stream.index)
        e2ae = stream.kind is StreamKind.E2AE
        if e2ae and answerer is Side.ACCESS:
            rules.check_e2ae_fingerprints(info, "UE")
        if stream.msrp_mode.value == "aware" and (info.path_problem or not info.path):
            raise NegotiationError(
                f"m-line {stream.index}: aware MSRP handling needs a valid a=path in the answer "
                f"({info.path_problem or 'none given'})"
            )
        try:
            roles_y = decide_leg_roles(
                alg_offers=True,
                offer=leg_y.roles.setup_sent,
                answer=info.setup,
                tls=leg_y.transport.tls,
            )
        except NegotiationError as exc:
            raise NegotiationError(f"m-line {stream.index}: {exc.detail}") from None
        roles_x = leg_x.roles
        if roles_x.tcp is Role.PENDING and not roles_x.alg_offered:
            # The deferred answer to an actpass offer: keep the setup direction.
            roles_x = decide_leg_roles(
                alg_offers=False,
                offer=roles_x.setup_received,
                preference=rules.forwarded_answer_preference(roles_y),
                tls=leg_x.transport.tls,
            )
        leg_y = replace(
            leg_y,
            roles=roles_y,
            peer=rules.peer_endpoint(info),
            remote_fingerprints=info.usable_fingerprints
            if e2ae and answerer is Side.ACCESS
            else (),
            peer_path=info.path,
            establish_tls=roles_y.tls is Role.CLIENT,
        )
        leg_x = replace(leg_x, roles=roles_x, establish_tls=roles_x.tls is Role.CLIENT)
        access, core = (leg_x, leg_y) if offerer is Side.ACCESS else (leg_y, leg_x)
        if (
            prior is not None
            and prior.terminations
            and prior.kind is stream.kind
            and (prior.access is not None and access.termination == prior.access.termination)
        ):
            establishment, est_why = prior.establishment, ""
        else:
            establishment, est_why = rules.effective_establishment(policy, access.roles, core.roles)
        why = stream.why
        if est_why and establishment.value not in why:
            why = f"{why}; TCP {establishment.value}: {est_why}"
        stream = replace(
            stream,
            establishment=establishment,
            why=why,
            failure=None,
            access=access,
            core=core,
        )
        releases = [name for name in prior_terms if name not in stream.terminations]
        procedures: list[Procedure] = []
        for leg in stream.legs(Side.ACCESS):
            side = leg.side
            wanted = rules.configure(stream, leg, policy)
            before = None
            if prior is not None and prior.kind.anchored and prior.failure is None:
                prior_leg = prior.leg(side)
                if prior_leg is not None and prior_leg.termination == leg.termination:
                    before = rules.configure(prior, prior_leg, policy)
            if before != wanted:
                procedures.append(wanted)
        return stream, releases, procedures

    def _finish_answer(
        self, state: CallState, negotiation: Negotiation
    ) -> tuple[CallState, list[Action]]:
        sdp = self.parse(negotiation.sdp)
        out = rewrite_sdp(sdp, negotiation.streams, negotiation.offerer)
        streams = tuple(_without_released(stream) for stream in negotiation.streams)
        context = state.context if any(stream.terminations for stream in streams) else None
        state = replace(state, streams=streams, negotiation=None, context=context)
        return state, [ForwardSDP(to=negotiation.offerer, sdp=out, offer=False)]

    # -- AGW replies -----------------------------------------------------------------

    def _on_reply(self, reply: GatewayResult | GatewayFailure) -> tuple[CallState, list[Action]]:
        state = self.state
        if reply.request_id in state.cleanup_requests:
            remaining = tuple(r for r in state.cleanup_requests if r != reply.request_id)
            return replace(state, cleanup_requests=remaining), []
        if state.released and state.negotiation is None:
            return self._on_release_reply(reply)
        negotiation = state.negotiation
        if negotiation is None or negotiation.request is None:
            raise LocalStateError(
                f"no AGW request {reply.request_id} is outstanding", sip_status=500
            )
        if negotiation.request.request_id != reply.request_id:
            raise LocalStateError(
                f"AGW reply {reply.request_id} does not answer request "
                f"{negotiation.request.request_id}",
                sip_status=500,
            )
        if isinstance(reply, GatewayFailure):
            return self._on_failure(negotiation, reply)
        try:
            if negotiation.phase is Phase.OFFER_GATEWAY:
                return self._offer_reply(negotiation, negotiation.request, reply)
            return self._answer_reply(negotiation, negotiation.request, reply)
        except GatewayError as exc:
            failure = GatewayFailure(
                request_id=reply.request_id,
                code=None,
                reason=exc.detail,
                context=reply.context,
                partial=reply.results,
            )
            return self._on_failure(negotiation, failure, status=500)

    def _offer_reply(
        self, negotiation: Negotiation, request: GatewayRequest, reply: GatewayResult
    ) -> tuple[CallState, list[Action]]:
        streams = {stream.index: stream for stream in negotiation.streams}
        reserved: list[str] = []
        legs: dict[int, dict[str, LegState]] = {}
        for procedure, result in _pair(request.procedures, reply.results):
            if not isinstance(procedure, _RESERVES):
                continue
            if not isinstance(result, ConnectionPointReserved):
                raise GatewayError(f"the AGW answered a reservation with {type(result).__name__}")
            stream = streams[procedure.stream - 1]
            leg = stream.legs(procedure.side)[0]
            local = procedure.local
            if local.request_fingerprint and result.fingerprint is None:
                raise GatewayError("the AGW returned no certificate fingerprint")
            if local.request_path and not result.path:
                raise GatewayError("the AGW returned no MSRP path for aware handling")
            termination = result.termination
            leg = replace(
                leg,
                termination=termination,
                agw=new_endpoint(result.address, result.port),
                local_fingerprint=result.fingerprint,
                agw_path=result.path,
            )
            # Both legs of a stream are reserved together: one new StreamState for both.
            legs.setdefault(stream.index, {})["access" if leg.side is _ACCESS else "core"] = leg
            reserved.append(termination)
        for index, changed in legs.items():
            streams[index] = replace(streams[index], **changed)
        ordered = tuple([streams[index] for index in sorted(streams)])
        sdp = self.parse(negotiation.sdp)
        toward = _OTHER[negotiation.offerer]
        out = rewrite_sdp(sdp, ordered, toward)
        negotiation = replace(
            negotiation,
            phase=_AWAITING_ANSWER,
            streams=ordered,
            reserved=(*negotiation.reserved, *reserved),
            request=None,
        )
        state = replace(self.state, negotiation=negotiation, context=reply.context)
        return state, [new_forward_sdp(to=toward, sdp=out, offer=True)]

    def _answer_reply(
        self, negotiation: Negotiation, request: GatewayRequest, reply: GatewayResult
    ) -> tuple[CallState, list[Action]]:
        for procedure, result in _pair(request.procedures, reply.results):
            expected = (
                TerminationReleased
                if isinstance(procedure, ReleaseTermination)
                else (ConnectionPointConfigured)
            )
            if not isinstance(result, expected):
                raise GatewayError(
                    f"the AGW answered {type(procedure).__name__} with {type(result).__name__}"
                )
        state = replace(self.state, context=reply.context or self.state.context)
        return self._finish_answer(state, replace(negotiation, request=None))

    def _on_failure(
        self, negotiation: Negotiation, failure: GatewayFailure, status: int | None = None
    ) -> tuple[CallState, list[Action]]:
        """The AGW refused a step: undo this exchange and refuse the SDP."""
        state = self.state
        context = failure.context or state.context
        partial = [
            result.termination
            for result in failure.partial
            if isinstance(result, ConnectionPointReserved)
        ]
        to_release = [*negotiation.reserved, *partial]
        state = replace(state, negotiation=None)
        if not any(stream.terminations for stream in state.streams):
            state, actions = self._cleanup(state, to_release, context)
            state = replace(state, context=None)
        else:
            state, actions = self._cleanup(state, to_release, context)
        code = f" (H.248 error {failure.code})" if failure.code is not None else ""
        sip_status = status if status is not None else gateway_failure_status(failure.code)
        actions.append(RefuseSDP(status=sip_status, detail=f"IMS-AGW: {failure.reason}{code}"))
        return state, actions

    # -- other events ------------------------------------------------------------------

    def _on_notification(self, event: GatewayNotified) -> tuple[CallState, list[Action]]:
        state = self.state
        note = event.notification
        if state.context is None or note.context != state.context:
            return state, []
        if isinstance(note, TerminationHeartbeat):
            held = [*state.streams, *(state.negotiation.streams if state.negotiation else ())]
            if any(note.termination in stream.terminations for stream in held):
                return state, []
            # H.248.36: a termination the ALG no longer knows is hanging: release it.
            return self._cleanup(state, [note.termination], state.context)
        if isinstance(note, ContextLost):
            return self._on_context_lost(note)
        if isinstance(note, TLSSetupFailed):
            cause = f"TLS session establishment failed: {note.cause}"
        else:
            cause = f"bearer released: {note.cause}"
        committed, hit = _fail_streams(state.streams, note.termination, cause)
        negotiation = state.negotiation
        if negotiation is not None:
            pending, hit_pending = _fail_streams(negotiation.streams, note.termination, cause)
            negotiation = replace(negotiation, streams=pending)
            hit = hit or hit_pending
        if hit is None:
            return state, []
        state = replace(state, streams=committed, negotiation=negotiation)
        state, actions = self._cleanup(state, hit.terminations, state.context)
        held = [*state.streams, *(negotiation.streams if negotiation is not None else ())]
        if not any(stream.terminations for stream in held):
            # H.248.1 §7.2.3: subtracting the last termination deletes the context.
            state = replace(state, context=None)
        actions.append(StreamFailed(index=hit.index, cause=cause))
        return state, actions

    def _on_context_lost(self, note: ContextLost) -> tuple[CallState, list[Action]]:
        """Every stream held in the lost context failed; nothing is left to release."""
        state = self.state
        cause = f"AGW context lost: {note.cause}"
        actions: list[Action] = []
        streams: list[StreamState] = []
        for stream in state.streams:
            if stream.terminations:
                actions.append(StreamFailed(index=stream.index, cause=cause))
                stream = replace(stream.without_terminations(), failure=cause)
            streams.append(stream)
        negotiation = state.negotiation
        if negotiation is not None:
            failed = {action.index for action in actions if isinstance(action, StreamFailed)}
            pending: list[StreamState] = []
            for stream in negotiation.streams:
                if stream.terminations:
                    if stream.index not in failed:
                        actions.append(StreamFailed(index=stream.index, cause=cause))
                    stream = replace(stream.without_terminations(), failure=cause)
                pending.append(stream)
            negotiation = replace(negotiation, streams=tuple(pending), reserved=())
        state = replace(state, streams=tuple(streams), negotiation=negotiation, context=None)
        return state, actions

    def _on_offer_rejected(self) -> tuple[CallState, list[Action]]:
        state = self.state
        negotiation = state.negotiation
        if negotiation is None or negotiation.phase is not Phase.AWAITING_ANSWER:
            raise LocalStateError("no forwarded offer is awaiting an answer", sip_status=500)
        state = replace(state, negotiation=None)
        context = state.context
        state, actions = self._cleanup(state, negotiation.reserved, context)
        if not any(stream.terminations for stream in state.streams):
            state = replace(state, context=None)
        return state, actions

    def _on_release(self) -> tuple[CallState, list[Action]]:
        state = self.state
        if state.released:
            return state, []
        context = state.context
        state = replace(state, released=True, negotiation=None)
        if context is None:
            return replace(state, streams=()), [CallReleased()]
        state, request = self._request(
            state, [ReleaseTermination(termination="*")], context=context
        )
        state = replace(state, release_request=request.request_id)
        return state, [SendGatewayRequest(request=request)]

    def _on_release_reply(
        self, reply: GatewayResult | GatewayFailure
    ) -> tuple[CallState, list[Action]]:
        state = self.state
        if reply.request_id != state.release_request:
            raise LocalStateError(
                f"no AGW request {reply.request_id} is outstanding", sip_status=500
            )
        state = replace(state, release_request=None, context=None, streams=())
        if isinstance(reply, GatewayFailure):
            # The AGW lost the context already (e.g. it restarted): nothing is held.
            return state, [CallReleased()]
        statistics = tuple(
            (result.termination, result.statistics)
            for result in reply.results
            if isinstance(result, TerminationReleased)
        )
        return state, [CallReleased(statistics=statistics)]


def _pair(
    procedures: tuple[Procedure, ...], results: tuple[Any, ...]
) -> list[tuple[Procedure, Any]]:
    """Match results to procedures (a release of ``*`` may answer with several)."""
    for procedure in procedures:
        if isinstance(procedure, ReleaseTermination) and procedure.termination == "*":
            return []
    if len(results) != len(procedures):
        raise GatewayError(
            f"the AGW answered {len(procedures)} procedures with {len(results)} results"
        )
    return list(zip(procedures, results, strict=True))


def _without_released(stream: StreamState) -> StreamState:
    """A removed stream holds no terminations any more."""
    if stream.kind is not StreamKind.REMOVED:
        return stream
    return stream.without_terminations(forget_agw=True)


def _fail_streams(
    streams: tuple[StreamState, ...], termination: str, cause: str
) -> tuple[tuple[StreamState, ...], StreamState | None]:
    """Mark the stream holding *termination* failed; return it (before the change)."""
    out: list[StreamState] = []
    hit: StreamState | None = None
    for stream in streams:
        if termination in stream.terminations:
            hit = stream
            stream = replace(stream.without_terminations(), failure=cause)
        out.append(stream)
    return tuple(out), hit
