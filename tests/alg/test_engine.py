"""The engine's life cycle: offers, answers, AGW replies and failures, notifications,
rollback and release; refusals leave the state untouched."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import pytest

from imsalg.alg.config import AlgPolicy
from imsalg.alg.driver import SyncDriver
from imsalg.alg.engine import Call, gateway_failure_status
from imsalg.alg.events import (
    CallReleased,
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
from imsalg.alg.state import Phase, StreamKind
from imsalg.errors import GatewayError, IMSALGError, LocalStateError, NegotiationError
from imsalg.iq.procedures import (
    BearerReleased,
    ConfigureConnectionPoint,
    ConnectionPointReserved,
    ContextLost,
    GatewayFailure,
    GatewayRequest,
    GatewayResult,
    ReleaseTermination,
    ReserveAndConfigureConnectionPoint,
    ReserveConnectionPoint,
    Side,
    TerminationHeartbeat,
    TLSSetupFailed,
)
from imsalg.sdp.model import SessionDescription

from .helpers import (
    ScriptedGateway,
    core_sdp,
    driver,
    new_call,
    offline_gateway,
    ue_answer,
    ue_offer,
)


def _established(policy: AlgPolicy | None = None) -> SyncDriver:
    d = driver(policy)
    d.sdp(Side.ACCESS, ue_offer())
    d.sdp(Side.CORE, core_sdp())
    return d


def _requests(actions: Sequence[object]) -> list[GatewayRequest]:
    return [a.request for a in actions if isinstance(a, SendGatewayRequest)]


def test_offer_reserves_both_sides_in_a_new_context_before_forwarding() -> None:
    call = new_call()
    actions = call.handle(SDPReceived(side=Side.ACCESS, sdp=ue_offer()))
    [request] = _requests(actions)
    assert len(actions) == 1
    assert request.context is None
    access, core = request.procedures
    assert isinstance(access, ReserveAndConfigureConnectionPoint)
    assert access.side is Side.ACCESS
    assert access.local.request_fingerprint
    assert access.local.notify_tls_failure
    assert access.remote.address == "10.45.0.7"
    assert [fp.format() for fp in access.remote.fingerprints] == [
        ue_offer().split("a=fingerprint:")[1].split("\r\n")[0]
    ]
    assert isinstance(core, ReserveConnectionPoint)
    assert core.side is Side.CORE
    assert not core.local.request_fingerprint
    assert call.state.negotiation is not None
    assert call.state.negotiation.phase is Phase.OFFER_GATEWAY


def test_answer_before_the_offer_went_out_is_refused_with_491() -> None:
    call = new_call()
    call.handle(SDPReceived(side=Side.ACCESS, sdp=ue_offer()))
    before = call.state
    with pytest.raises(LocalStateError) as info:
        call.handle(SDPReceived(side=Side.CORE, sdp=core_sdp()))
    assert info.value.sip_status == 491
    assert call.state is before


def test_reply_that_answers_no_request_is_an_error() -> None:
    call = new_call()
    with pytest.raises(LocalStateError):
        call.handle(GatewayReplied(reply=GatewayResult(request_id=7, context="1", results=())))


@pytest.mark.parametrize(
    ("offer", "status"),
    [
        (ue_offer(fingerprint=None), 488),
        (ue_offer(fingerprint="md5 " + ":".join(["AB"] * 16)), 488),
        (ue_offer(proto="TCP/MSRP"), 488),
        (ue_offer(setup="bogus"), 488),
        ("v=0\r\nnot sdp\r\n", 400),
        ("o=- 1 1 IN IP4 1.2.3.4\r\n", 400),
        ("", 400),
    ],
)
def test_refused_offers_leave_the_state_untouched(offer: str, status: int) -> None:
    d = _established()
    before = d.call.state
    with pytest.raises(IMSALGError) as info:
        d.sdp(Side.ACCESS, offer)
    assert info.value.sip_status == status
    assert d.call.state is before


def test_refused_answer_leaves_the_offer_pending_and_a_good_answer_still_works() -> None:
    d = driver()
    d.sdp(Side.CORE, core_sdp("actpass"))
    before = d.call.state
    with pytest.raises(NegotiationError):
        d.sdp(Side.ACCESS, ue_answer("actpass"))
    assert d.call.state is before
    exchange = d.sdp(Side.ACCESS, ue_answer("active"))
    assert exchange.forwarded is not None
    assert exchange.forwarded.to is Side.CORE


def test_tls_failure_releases_the_stream_and_tells_the_proxy() -> None:
    d = _established()
    stream = d.call.state.streams[0]
    access_term = stream.access.termination if stream.access else None
    assert access_term is not None
    exchange = d.notify(
        TLSSetupFailed(context="1", termination=access_term, cause="fingerprint-mismatch")
    )
    [failed] = exchange.failures
    assert failed.index == 0
    assert "fingerprint-mismatch" in failed.cause
    [release] = exchange.requests
    assert {p.termination for p in release.procedures if isinstance(p, ReleaseTermination)} == set(
        stream.terminations
    )
    after = d.call.state.streams[0]
    assert after.failure is not None
    assert after.terminations == ()
    # The next re-offer builds the stream again with fresh terminations.
    exchange = d.sdp(Side.ACCESS, ue_offer(connection="existing"))
    kinds = [type(p) for p in exchange.requests[0].procedures]
    assert kinds == [ReserveAndConfigureConnectionPoint, ReserveConnectionPoint]


def test_bearer_released_is_reported_like_a_tls_failure() -> None:
    d = _established()
    core_term = d.call.state.streams[0].core.termination  # type: ignore[union-attr]
    assert core_term is not None
    exchange = d.notify(BearerReleased(context="1", termination=core_term, cause="peer-closed"))
    assert [f.cause for f in exchange.failures] == ["bearer released: peer-closed"]


def test_notification_for_an_unknown_termination_or_context_is_ignored() -> None:
    d = _established()
    before = d.call.state
    assert d.notify(TLSSetupFailed(context="1", termination="nope", cause="x")).actions == ()
    assert d.notify(TLSSetupFailed(context="99", termination="nope", cause="x")).actions == ()
    assert d.call.state == before


def test_offer_rejected_releases_what_the_offer_reserved() -> None:
    d = driver()
    d.sdp(Side.ACCESS, ue_offer())
    reserved = d.call.state.negotiation.reserved  # type: ignore[union-attr]
    assert len(reserved) == 2
    exchange = d.run(OfferRejected())
    [request] = exchange.requests
    assert [p.termination for p in request.procedures] == list(reserved)  # type: ignore[union-attr]
    assert d.call.state.negotiation is None
    assert d.call.state.context is None
    assert d.gateway.state.terminations == ()  # type: ignore[attr-defined]


def test_rejected_reoffer_keeps_the_established_stream() -> None:
    d = _established()
    committed = d.call.state.streams
    d.sdp(Side.ACCESS, ue_offer(connection="new"))
    d.run(OfferRejected())
    assert d.call.state.streams == committed
    assert d.call.state.context == "1"
    held = {t.name for t in d.gateway.state.terminations}  # type: ignore[attr-defined]
    assert held == set(committed[0].terminations)


def test_offer_rejected_without_a_pending_offer_is_an_error() -> None:
    with pytest.raises(LocalStateError):
        new_call().handle(OfferRejected())


@pytest.mark.parametrize(
    ("code", "status"), [(510, 503), (449, 488), (445, 488), (501, 488), (400, 500), (None, 503)]
)
def test_agw_failure_refuses_the_sdp_with_the_mapped_status(code: int | None, status: int) -> None:
    gateway = ScriptedGateway(
        hook=lambda request, reply: GatewayFailure(
            request_id=request.request_id, code=code, reason="no"
        )
    )
    d = SyncDriver(new_call(), gateway)
    with pytest.raises(GatewayError) as info:
        d.sdp(Side.ACCESS, ue_offer())
    assert info.value.sip_status == status
    assert gateway_failure_status(code) == status
    assert d.call.state.negotiation is None


def test_partial_reservations_are_released_after_a_failure() -> None:
    def fail_after_first(
        request: GatewayRequest, reply: GatewayResult | GatewayFailure
    ) -> GatewayResult | GatewayFailure:
        assert isinstance(reply, GatewayResult)
        return GatewayFailure(
            request_id=request.request_id,
            code=510,
            reason="out of ports",
            context=reply.context,
            partial=reply.results[:1],
        )

    gateway = ScriptedGateway(hook=fail_after_first)
    call = new_call()
    actions = call.handle(SDPReceived(side=Side.ACCESS, sdp=ue_offer()))
    [request] = _requests(actions)
    reply = gateway.execute(request)
    actions = call.handle(GatewayReplied(reply=reply))
    [cleanup] = _requests(actions)
    assert isinstance(reply, GatewayFailure)
    first = reply.partial[0]
    assert isinstance(first, ConnectionPointReserved)
    assert [p.termination for p in cleanup.procedures] == [first.termination]  # type: ignore[union-attr]
    refusals = [a for a in actions if isinstance(a, RefuseSDP)]
    assert [r.status for r in refusals] == [503]
    # The cleanup's reply needs nothing more.
    assert call.handle(GatewayReplied(reply=gateway.execute(cleanup))) == []


def test_agw_reply_without_the_requested_fingerprint_is_refused() -> None:
    def strip(
        request: GatewayRequest, reply: GatewayResult | GatewayFailure
    ) -> GatewayResult | GatewayFailure:
        assert isinstance(reply, GatewayResult)
        results = tuple(
            attrs.evolve(r, fingerprint=None) if isinstance(r, ConnectionPointReserved) else r
            for r in reply.results
        )
        return attrs.evolve(reply, results=results)

    d = SyncDriver(new_call(), ScriptedGateway(hook=strip))
    with pytest.raises(GatewayError) as info:
        d.sdp(Side.ACCESS, ue_offer())
    assert info.value.sip_status == 500
    assert "fingerprint" in info.value.detail


def test_release_subtracts_everything_and_reports_statistics() -> None:
    d = _established()
    held = set(d.call.state.streams[0].terminations)
    assert len(held) == 2
    exchange = d.release()
    [request] = exchange.requests
    assert request.procedures == (ReleaseTermination(termination="*"),)
    released = exchange.released
    assert released is not None
    assert {name for name, _ in released.statistics} == held
    assert d.call.state.released
    assert d.gateway.state.terminations == ()  # type: ignore[attr-defined]
    with pytest.raises(LocalStateError) as info:
        d.sdp(Side.ACCESS, ue_offer())
    assert info.value.sip_status == 481
    # Releasing twice is harmless.
    assert d.release().actions == ()


def test_release_of_a_call_without_agw_resources_needs_no_request() -> None:
    call = new_call()
    assert call.handle(ReleaseCall()) == [CallReleased()]


def test_reoffer_with_unchanged_sdp_needs_no_agw_transaction_and_keeps_everything() -> None:
    d = _established()
    first_access = d.call.state.streams[0].access
    exchange = d.sdp(Side.ACCESS, ue_offer(connection="existing"))
    assert exchange.requests == ()
    exchange = d.sdp(Side.CORE, core_sdp())
    assert exchange.requests == ()
    assert d.call.state.streams[0].access == first_access


def test_answer_port_zero_releases_the_stream() -> None:
    d = driver()
    d.sdp(Side.ACCESS, ue_offer(audio=True))
    exchange = d.sdp(Side.CORE, core_sdp(audio=True, port=0))
    [request] = exchange.requests
    assert all(isinstance(p, ReleaseTermination) for p in request.procedures)
    forwarded = exchange.forwarded
    assert forwarded is not None
    sdp = SessionDescription.parse(forwarded.sdp)
    assert sdp.media_line(1).port == 0
    assert sdp.media_line(1).proto == "TCP/TLS/MSRP"
    assert d.call.state.streams[1].kind is StreamKind.REMOVED
    assert d.call.state.context is None


def test_answer_configures_both_terminations_through_connected() -> None:
    d = driver()
    d.sdp(Side.ACCESS, ue_offer("passive"))
    exchange = d.sdp(Side.CORE, core_sdp("active"))
    [request] = exchange.requests
    configures = [p for p in request.procedures if isinstance(p, ConfigureConnectionPoint)]
    assert {p.side for p in configures} == {Side.ACCESS, Side.CORE}
    assert all(p.local.mode.value == "sendrecv" for p in configures)
    access = next(p for p in configures if p.side is Side.ACCESS)
    # UE offered passive: the AGW is TLS client and must start TLS once TCP is up.
    assert access.local.setup is not None
    assert access.local.setup.value == "active"
    assert access.local.establish_tls


def test_events_are_type_checked() -> None:
    with pytest.raises(TypeError):
        Call(AlgPolicy()).handle("offer")  # type: ignore[arg-type]


def test_second_offer_from_the_other_side_while_waiting_is_taken_as_the_answer() -> None:
    call = new_call()
    gateway = offline_gateway()
    [send] = call.handle(SDPReceived(side=Side.ACCESS, sdp=ue_offer()))
    assert isinstance(send, SendGatewayRequest)
    [forward] = call.handle(GatewayReplied(reply=gateway.execute(send.request)))
    assert isinstance(forward, ForwardSDP)
    assert forward.offer
    [send] = call.handle(SDPReceived(side=Side.CORE, sdp=core_sdp()))
    assert isinstance(send, SendGatewayRequest)
    [forward] = call.handle(GatewayReplied(reply=gateway.execute(send.request)))
    assert isinstance(forward, ForwardSDP)
    assert not forward.offer
    assert forward.to is Side.ACCESS


def test_stream_failed_during_negotiation_marks_the_pending_plan() -> None:
    call = new_call()
    gateway = offline_gateway()
    [send] = call.handle(SDPReceived(side=Side.ACCESS, sdp=ue_offer()))
    assert isinstance(send, SendGatewayRequest)
    call.handle(GatewayReplied(reply=gateway.execute(send.request)))
    negotiation = call.state.negotiation
    assert negotiation is not None
    term = negotiation.streams[0].access.termination  # type: ignore[union-attr]
    assert term is not None
    actions = call.handle(
        GatewayNotified(notification=TLSSetupFailed(context="1", termination=term, cause="t"))
    )
    assert any(isinstance(a, StreamFailed) for a in actions)
    assert call.state.negotiation is not None
    assert call.state.negotiation.streams[0].failure is not None


def test_stream_that_failed_while_the_offer_was_out_is_answered_with_port_zero() -> None:
    d = driver()
    d.sdp(Side.ACCESS, ue_offer(audio=True))
    negotiation = d.call.state.negotiation
    assert negotiation is not None
    term = negotiation.streams[1].access.termination  # type: ignore[union-attr]
    assert term is not None
    d.notify(TLSSetupFailed(context="1", termination=term, cause="handshake-timeout"))
    exchange = d.sdp(Side.CORE, core_sdp(audio=True))
    forwarded = exchange.forwarded
    assert forwarded is not None
    sdp = SessionDescription.parse(forwarded.sdp)
    assert sdp.media_line(1).port == 0
    assert d.call.state.streams[1].kind is StreamKind.REMOVED
    assert d.gateway.state.terminations == ()  # type: ignore[attr-defined]


def test_heartbeat_of_a_known_termination_needs_nothing_but_a_hanging_one_is_released() -> None:
    d = _established()
    known = d.call.state.streams[0].terminations[0]
    before = d.call.state
    assert d.notify(TerminationHeartbeat(context="1", termination=known)).actions == ()
    assert d.call.state == before
    exchange = d.notify(TerminationHeartbeat(context="1", termination="msrp/1/9/lost"))
    [request] = exchange.requests
    assert request.procedures == (ReleaseTermination(termination="msrp/1/9/lost"),)


def test_context_lost_fails_every_anchored_stream_without_releasing() -> None:
    d = driver()
    d.sdp(Side.ACCESS, ue_offer(audio=True))
    d.sdp(Side.CORE, core_sdp(audio=True))
    exchange = d.notify(ContextLost(context="1", cause="AGW restarted (901 Cold Boot)"))
    assert exchange.requests == ()
    assert [f.index for f in exchange.failures] == [1]
    assert d.call.state.context is None
    assert d.call.state.streams[1].failure is not None
    # A re-offer anchors the stream again in a new context.
    exchange = d.sdp(Side.ACCESS, ue_offer(audio=True, connection="existing"))
    assert exchange.requests[0].context is None
