"""The Iq procedures ⇄ H.248 mapping: round trips through text, the SPEC.md examples,
the AGW side's strict refusals and the IMS-ALG side's reading of replies."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsalg.errors import GatewayError, H248Error
from imsalg.h248 import model as m
from imsalg.h248.text import decode, encode
from imsalg.iq import h248 as iq
from imsalg.iq.procedures import (
    BearerReleased,
    ConfigureConnectionPoint,
    ConnectionPointReserved,
    ContextLost,
    Establishment,
    GatewayFailure,
    GatewayNotification,
    GatewayRequest,
    GatewayResult,
    LocalSide,
    MSRPMode,
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
from imsalg.iq.profile import IqProfile
from imsalg.sdp.attributes import Setup
from imsalg.sdp.fingerprint import Fingerprint
from imsalg.sdp.msrp import MSRPURI

from .strategies import failures, notifications, requests, results_for

ALG = m.DomainAddress(address="192.0.2.1", port=2944)
AGW = m.DomainAddress(address="192.0.2.2", port=2944)
FP1 = Fingerprint.parse(
    "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:"
    "19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF"
)
FP2 = Fingerprint.parse(
    "sha-256 12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:"
    "18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD"
)
_SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _through_text(transaction: m.Transaction, mid: m.MId, *, compact: bool) -> m.Transaction:
    """Encode *transaction* in a message, decode it again."""
    (back,) = decode(encode(iq.message(mid, [transaction]), compact=compact)).transactions
    return back


def _request_back(request: GatewayRequest, *, compact: bool) -> GatewayRequest:
    transaction = _through_text(iq.request_to_transaction(request, 77), ALG, compact=compact)
    assert isinstance(transaction, m.TransactionRequest)
    return iq.transaction_to_request(transaction)


def _single_release_star(request: GatewayRequest) -> bool:
    # A release of "*" takes every Subtract reply after it: it ends a request's releases.
    seen_star = False
    for procedure in request.procedures:
        if isinstance(procedure, ReleaseTermination):
            if seen_star:
                return False
            seen_star = procedure.termination == "*"
    return True


# -- round trips ---------------------------------------------------------------------------


@_SETTINGS
@given(requests)
def test_every_request_survives_h248_text(request: GatewayRequest) -> None:
    for compact in (False, True):
        assert _request_back(request, compact=compact) == attrs.evolve(request, request_id=77)


@_SETTINGS
@given(st.data(), st.booleans())
def test_every_result_and_failure_survives_the_reply_text(
    data: st.DataObject, failed: bool
) -> None:
    request = data.draw(requests.filter(_single_release_star))
    answer: GatewayResult | GatewayFailure = (
        data.draw(failures(request)) if failed else data.draw(results_for(request))
    )
    for compact in (False, True):
        if isinstance(answer, GatewayFailure):
            sent = iq.failure_to_reply(request, answer, 77)
        else:
            sent = iq.result_to_reply(request, answer, 77)
        reply = _through_text(sent, AGW, compact=compact)
        assert isinstance(reply, m.TransactionReply)
        assert iq.reply_to_result(request, reply) == answer


@_SETTINGS
@given(notifications, st.none() | st.just("20250101T12000000"))
def test_every_notification_survives_the_notify_text(
    notification: GatewayNotification, timestamp: str | None
) -> None:
    for compact in (False, True):
        transaction = iq.notification_to_transaction(notification, 9, timestamp=timestamp)
        back = _through_text(transaction, AGW, compact=compact)
        assert isinstance(back, m.TransactionRequest)
        assert iq.notify_to_notification(back) == [notification]
        ack = iq.notification_ack(back)
        assert ack.transaction_id == 9
        (action,) = ack.actions
        assert not isinstance(notification, ContextLost)  # never on the wire
        assert action.replies == (m.NotifyReply(terminations=(notification.termination,)),)


def test_a_reserve_and_configure_without_remote_travels_as_a_reserve() -> None:
    local = LocalSide(realm="core", transport=Transport.TCP, setup=Setup.ACTPASS)
    request = GatewayRequest(
        request_id=77,
        context=None,
        procedures=(
            ReserveAndConfigureConnectionPoint(
                stream=1, side=Side.CORE, local=local, remote=RemoteSide()
            ),
        ),
    )
    assert _request_back(request, compact=True).procedures == (
        ReserveConnectionPoint(stream=1, side=Side.CORE, local=local),
    )


# -- the SPEC.md §12.3 examples --------------------------------------------------------------

SPEC_A_LOCAL = LocalSide(
    realm="access",
    transport=Transport.TCP_TLS_MSRP,
    setup=Setup.PASSIVE,
    request_fingerprint=True,
    notify_tls_failure=True,
    notify_bearer_released=False,
    heartbeat=60,
)
SPEC_A = GatewayRequest(
    request_id=10001,
    context=None,
    procedures=(
        ReserveAndConfigureConnectionPoint(
            stream=1,
            side=Side.ACCESS,
            local=SPEC_A_LOCAL,
            remote=RemoteSide(
                address="198.51.100.20", port=7394, setup=Setup.ACTIVE, fingerprints=(FP1,)
            ),
        ),
    ),
)


def _fixture(name: str) -> m.Transaction:
    from tests.h248.corpus import H248_FIXTURES

    (transaction,) = decode((H248_FIXTURES / name).read_bytes()).transactions
    return transaction


def test_spec_example_a_is_a_reserve_and_configure() -> None:
    transaction = _fixture("spec-a-reserve-access-pretty.txt")
    assert isinstance(transaction, m.TransactionRequest)
    assert iq.transaction_to_request(transaction) == SPEC_A


def test_spec_example_a_as_written_by_the_alg() -> None:
    text = encode(iq.message(ALG, [iq.request_to_transaction(SPEC_A, 10001)]))
    assert "Context = $ {" in text
    assert "Add = $ {" in text
    assert "TerminationState { ipdc/realm = access }" in text
    assert "LocalControl { Mode = Inactive }" in text
    assert "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\n" in text
    assert "a=fingerprint:sha-256 $\n}" in text
    assert f"a=setup:active\na=fingerprint:{FP1.format()}\n}}" in text
    assert "Events = 1 { tlsbsc/failev, hangterm/thb { timerx = 60 } }" in text


def test_spec_example_b_is_the_reserved_connection_point() -> None:
    reply = _fixture("spec-b-reply-local-compact.txt")
    assert isinstance(reply, m.TransactionReply)
    assert iq.reply_to_result(SPEC_A, reply) == GatewayResult(
        request_id=10001,
        context="4711",
        results=(
            ConnectionPointReserved(
                termination="ip/1/acc/17", address="203.0.113.5", port=40000, fingerprint=FP2
            ),
        ),
    )


def test_spec_example_b_as_written_by_the_agw() -> None:
    result = GatewayResult(
        request_id=10001,
        context="4711",
        results=(
            ConnectionPointReserved(
                termination="ip/1/acc/17", address="203.0.113.5", port=40000, fingerprint=FP2
            ),
        ),
    )
    reply = iq.result_to_reply(SPEC_A, result, 10001)
    expected = (
        "!/3 [192.0.2.2]:2944\nP=10001{C=4711{A=ip/1/acc/17{M{ST=1{L{\nv=0\n"
        "c=IN IP4 203.0.113.5\nm=message 40000 TCP/TLS/MSRP *\na=setup:passive\n"
        f"a=fingerprint:{FP2.format()}\n}}}}}}}}}}}}"
    )
    assert encode(iq.message(AGW, [reply]), compact=True) == expected


def test_spec_example_c_needs_the_realm() -> None:
    transaction = _fixture("spec-c-modify-establish-compact.txt")
    assert isinstance(transaction, m.TransactionRequest)
    with pytest.raises(GatewayError) as refused:
        iq.transaction_to_request(transaction)
    assert refused.value.h248_code == 472
    assert "ipdc/realm" in refused.value.detail


def test_spec_example_c_with_its_realm_is_a_configure() -> None:
    text = (
        "MEGACO/3 [192.0.2.1]:2944\nT=10002{C=4711{MF=ip/1/acc/17{M{TS{ipdc/realm=access},"
        "ST=1{O{MO=SR},L{\nv=0\nm=message 40000 TCP/TLS/MSRP *\na=setup:active\n}}},"
        "SG{tlsbsc/estab}}}}"
    )
    (transaction,) = decode(text).transactions
    assert isinstance(transaction, m.TransactionRequest)
    assert iq.transaction_to_request(transaction) == GatewayRequest(
        request_id=10002,
        context="4711",
        procedures=(
            ConfigureConnectionPoint(
                termination="ip/1/acc/17",
                stream=1,
                side=Side.ACCESS,
                local=LocalSide(
                    realm="access",
                    transport=Transport.TCP_TLS_MSRP,
                    setup=Setup.ACTIVE,
                    port=40000,
                    establish_tls=True,
                    notify_bearer_released=False,
                    mode=StreamMode.SENDRECV,
                ),
                remote=RemoteSide(),
            ),
        ),
    )


def test_spec_example_d_notify_and_its_ack() -> None:
    transaction = _fixture("spec-d-notify-tls-failure-pretty.txt")
    assert isinstance(transaction, m.TransactionRequest)
    assert iq.notify_to_notification(transaction) == [
        TLSSetupFailed(context="4711", termination="ip/1/acc/17", cause="fingerprint-mismatch")
    ]
    ack = iq.notification_ack(transaction)
    assert ack == _fixture("spec-d-notify-reply-pretty.txt")


def test_spec_example_d_error_449_is_a_failure() -> None:
    reply = _fixture("spec-d-error-449-pretty.txt")
    assert isinstance(reply, m.TransactionReply)
    request = GatewayRequest(
        request_id=5,
        context="4711",
        procedures=(
            ConfigureConnectionPoint(
                termination="ip/1/acc/17",
                stream=1,
                side=Side.ACCESS,
                local=SPEC_A_LOCAL,
                remote=RemoteSide(setup=Setup.HOLDCONN),
            ),
        ),
    )
    assert iq.reply_to_result(request, reply) == GatewayFailure(
        request_id=5,
        code=449,
        reason="Unsupported or Unknown Parameter or Property Value: a=setup:holdconn",
        context="4711",
    )


def test_spec_example_e_releases_everything() -> None:
    transaction = _fixture("spec-e-subtract-all-compact.txt")
    assert isinstance(transaction, m.TransactionRequest)
    request = iq.transaction_to_request(transaction)
    assert request.procedures == (ReleaseTermination(termination="*"),)
    reply = _fixture("release-reply-statistics-pretty.txt")
    assert isinstance(reply, m.TransactionReply)
    result = iq.reply_to_result(request, reply)
    assert result == GatewayResult(
        request_id=10004,
        context="4711",
        results=(
            TerminationReleased(
                termination="ip/1/acc/17",
                statistics=TerminationStatistics(
                    octets_in=20992, octets_out=10456, messages_in=31, messages_out=12
                ),
            ),
            TerminationReleased(
                termination="ip/1/core/18",
                statistics=TerminationStatistics(octets_in=10456, octets_out=20992),
            ),
        ),
    )


def test_bearer_released_and_heartbeat_notifies() -> None:
    text = (
        '!/3 [192.0.2.2] T=7{C=4711{N=ip/1/core/18{OE=1{tcpbcc/relev{cause="peer-closed"},'
        "hangterm/thb}}}}"
    )
    (transaction,) = decode(text).transactions
    assert isinstance(transaction, m.TransactionRequest)
    assert iq.notify_to_notification(transaction) == [
        BearerReleased(context="4711", termination="ip/1/core/18", cause="peer-closed"),
        TerminationHeartbeat(context="4711", termination="ip/1/core/18"),
    ]


# -- the AGW's refusals ------------------------------------------------------------------------

_ADD = (
    "!/3 [192.0.2.1] T=1{{C=$ {{A=$ {{M{{TS{{ipdc/realm={realm}}},"
    "ST=1{{O{{{control}}},L{{\n{local}}}}}}}{rest}}}}}}}"
)
_LOCAL = "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\n"


def _add(
    *, realm: str = "access", control: str = "MO=IN", local: str = _LOCAL, rest: str = ""
) -> str:
    return _ADD.format(realm=realm, control=control, local=local, rest=rest)


@pytest.mark.parametrize(
    ("text", "code", "detail"),
    [
        (_add(realm="access,foo/bar=1"), 445, "Unsupported or Unknown Property: foo/bar"),
        (_add(control="MO=IN,foo/bar=ON"), 445, "foo/bar"),
        (_add(control="MO=IN,RV=ON"), 445, "ReservedValue"),
        (_add(control="MO=LB"), 517, "Mode"),
        (_add(control="MO=IN,seplink/trig=maybe"), 449, "seplink/trig=maybe"),
        (_add(local=_LOCAL.replace("passive", "sideways")), 449, "a=setup:sideways"),
        (
            _add(local=_LOCAL.replace("message $ TCP/TLS", "audio $ RTP/AVP 0 TCP/TLS")),
            449,
            "m=audio",
        ),
        (_add(local=_LOCAL + f"a=fingerprint:{FP1.format()}\n"), 449, "a=fingerprint:sha-256 4A"),
        (_add(local=_LOCAL + "a=path:msrp://a:1/b;tcp\n"), 449, "a=path:msrp://a:1/b;tcp"),
        (_add(local=_LOCAL + "a=accept-types:*\n"), 449, "a=accept-types:*"),
        (_add(local=_LOCAL.replace("IN IP4 $", "IN IP4 -")), 449, "'-' in the Local SDP"),
        (_add(realm="elsewhere"), 449, "ipdc/realm=elsewhere"),
        (_add(rest=",E=1{foo/bar}"), 440, "Unsupported or unknown Package: foo/bar"),
        (_add(rest=",E=1{tlsbsc/other}"), 451, "No such event in this package: tlsbsc/other"),
        (_add(rest=",SG{tlsbsc/other}"), 452, "tlsbsc/other"),
        (_add(rest=",E=1{tlsbsc/failev{ka}}"), 446, "tlsbsc/failev"),
        (_add(rest=",E=1{hangterm/thb}"), 457, "timerx"),
        (_add(rest=",E=1{hangterm/thb{timerx=soon}}"), 449, "timerx=soon"),
        (_add(rest=",DM=plan1"), 444, "digit_map"),
        ("!/3 [192.0.2.1] T=1{C=$ {A=$ {M{TS{ipdc/realm=access}}}}}", 441, "Local"),
        (
            "!/3 [192.0.2.1] T=1{C=$ {A=ip/1/x{M{TS{ipdc/realm=access},"
            "L{\nv=0\nm=message $ TCP *\n}}}}}",
            501,
            "named termination",
        ),
        ("!/3 [192.0.2.1] T=1{C=1 {MV=t1{M{O{MO=IN}}}}}", 501, "Not Implemented: Move"),
        ("!/3 [192.0.2.1] T=1{C=1 {AV=t1}}", 501, "AuditValue"),
        ("!/3 [192.0.2.1] T=1{C=- {SC=ROOT{SV{MT=RS}}}}", 501, "context -"),
        ("!/3 [192.0.2.1] T=1{C=1 {O-S=t1}}", 501, "O-/W-"),
        ("!/3 [192.0.2.1] T=1{C=1 {S=t1},C=2{S=t2}}", 501, "exactly one action"),
        ("!/3 [192.0.2.1] T=1{C=1 {PR=3,S=t1}}", 501, "context properties"),
        ("!/3 [192.0.2.1] T=1{C=1 {S=t1{AT{M}}}}", 444, "Audit"),
    ],
)
def test_the_agw_refuses_what_it_cannot_carry_out(text: str, code: int, detail: str) -> None:
    (transaction,) = decode(text).transactions
    assert isinstance(transaction, m.TransactionRequest)
    with pytest.raises(GatewayError) as refused:
        iq.transaction_to_request(transaction)
    assert refused.value.h248_code == code
    assert detail in refused.value.detail
    failure = GatewayFailure(request_id=1, code=code, reason=refused.value.detail)
    reply = encode(iq.message(AGW, [iq.failure_to_reply(None, failure, 1)]), compact=True)
    assert reply.endswith(f'P=1{{ER={code}{{"{refused.value.detail}"}}}}')


def test_holdconn_is_refused_by_a_profile_without_it() -> None:
    profile = IqProfile.from_mapping({"local_setups": ["active", "passive", "actpass"]})
    (transaction,) = decode(_add(local=_LOCAL.replace("passive", "holdconn"))).transactions
    assert isinstance(transaction, m.TransactionRequest)
    with pytest.raises(GatewayError) as refused:
        iq.transaction_to_request(transaction, profile)
    assert refused.value.h248_code == 449
    assert refused.value.detail == (
        "Unsupported or Unknown Parameter or Property Value: a=setup:holdconn"
    )
    local = iq.transaction_to_request(transaction).procedures[0]
    assert isinstance(local, ReserveConnectionPoint)
    assert local.local.setup is Setup.HOLDCONN


def test_a_bare_fingerprint_request_takes_the_default_hash() -> None:
    (transaction,) = decode(_add(local=_LOCAL + "a=fingerprint:$\n")).transactions
    assert isinstance(transaction, m.TransactionRequest)
    (procedure,) = iq.transaction_to_request(transaction).procedures
    assert isinstance(procedure, ReserveConnectionPoint)
    assert procedure.local.request_fingerprint
    assert procedure.local.fingerprint_hash == "sha-256"


# -- the IMS-ALG's side ------------------------------------------------------------------------


def test_the_alg_refuses_requests_with_no_h248_form() -> None:
    wrong_side = attrs.evolve(
        SPEC_A,
        procedures=(ReserveConnectionPoint(stream=1, side=Side.CORE, local=SPEC_A_LOCAL),),
    )
    with pytest.raises(H248Error, match="serves the access side"):
        iq.request_to_transaction(wrong_side, 1)
    with pytest.raises(H248Error, match=r"not an H\.248 context ID"):
        iq.request_to_transaction(attrs.evolve(SPEC_A, context="ctx-1"), 1)


_ADD_REPLY = "A=t1{M{L{\nv=0\nc=IN IP4 192.0.2.9\nm=message 5 TCP *\n}}}"


@pytest.mark.parametrize(
    ("reply", "complaint"),
    [
        ("P=1{C=4711{MF=t1}}", "ModifyReply answers ReserveAndConfigureConnectionPoint"),
        ("P=1{C=4711{A=t1}}", "carries no Local SDP"),
        ("P=1{C=4711{" + _ADD_REPLY + ",A=t2}}", "more commands"),
        ("P=1{C=4711}", "fewer commands"),
        ("P=1{C=${" + _ADD_REPLY + "}}", "names no context"),
        ("P=1{C=4711{" + _ADD_REPLY.replace("5 TCP", "5 UDP") + "}}", "m=message 5 UDP"),
        ("P=1{C=4711{A=t1{M{L{\nv=0\nc=IN IP4 $\nm=message $ TCP *\n}}}}}", "no address"),
    ],
)
def test_the_alg_refuses_replies_that_do_not_answer(reply: str, complaint: str) -> None:
    (transaction,) = decode("!/3 [192.0.2.2] " + reply).transactions
    assert isinstance(transaction, m.TransactionReply)
    with pytest.raises(H248Error, match=complaint):
        iq.reply_to_result(SPEC_A, transaction)


def test_an_error_inside_a_command_reply_is_a_failure_after_the_earlier_ones() -> None:
    request = GatewayRequest(
        request_id=3,
        context="4711",
        procedures=(
            ReleaseTermination(termination="t1"),
            ReleaseTermination(termination="t2"),
        ),
    )
    (reply,) = decode(
        '!/3 [192.0.2.2] P=3{C=4711{S=t1{SA{nt/os=1}},S=t2{ER=430{"Unknown TerminationID"}}}}'
    ).transactions
    assert isinstance(reply, m.TransactionReply)
    assert iq.reply_to_result(request, reply) == GatewayFailure(
        request_id=3,
        code=430,
        reason="Unknown TerminationID",
        context="4711",
        partial=(
            TerminationReleased(termination="t1", statistics=TerminationStatistics(octets_out=1)),
        ),
    )


def test_a_heartbeat_notify_becomes_a_heartbeat_notification() -> None:
    transaction = iq.heartbeat_to_transaction(
        "4711", "msrp/4711/1/acc", 21, timestamp="20250101T12000100"
    )
    text = encode(iq.message(AGW, [transaction]), compact=True)
    assert text.endswith("T=21{C=4711{N=msrp/4711/1/acc{OE=1{20250101T12000100:hangterm/thb}}}}")
    back = _through_text(transaction, AGW, compact=False)
    assert isinstance(back, m.TransactionRequest)
    assert iq.notify_to_notification(back) == [
        TerminationHeartbeat(context="4711", termination="msrp/4711/1/acc")
    ]
    [heartbeat] = iq.notify_to_notification(back)
    # The ALG-side value maps back onto the very Notify the AGW sent.
    again = iq.notification_to_transaction(heartbeat, 21, timestamp="20250101T12000100")
    assert again == transaction
    ack = encode(iq.message(ALG, [iq.notification_ack(back)]), compact=True)
    assert ack.endswith("P=21{C=4711{N=msrp/4711/1/acc}}")


def test_unknown_notified_events_are_refused() -> None:
    (transaction,) = decode("!/3 [192.0.2.2] T=7{C=1{N=t{OE=1{x/y}}}}").transactions
    assert isinstance(transaction, m.TransactionRequest)
    with pytest.raises(GatewayError) as refused:
        iq.notify_to_notification(transaction)
    assert refused.value.h248_code == 440


# -- the profile --------------------------------------------------------------------------------


def test_a_profile_renames_everything_it_holds() -> None:
    profile = IqProfile.from_mapping(
        {
            "realm_sides": {"ue-net": "access", "ims": "core"},
            "tls_failure_event": "tls/fail",
            "tls_establish_signal": "tls/start",
            "bearer_released_event": "tcp/gone",
            "establishment_property": "sepl/trigger",
            "msrp_mode_property": "msrp/handling",
            "fingerprint_request": "{hash}-$",
            "transport_tcp_tls": "TCP/TLS/TEXT",
            "events_request_id": 9,
        }
    )
    local = LocalSide(
        realm="ue-net",
        transport=Transport.TCP_TLS,
        setup=Setup.ACTIVE,
        establishment=Establishment.TRIGGER,
        msrp_mode=MSRPMode.AWARE,
        request_fingerprint=True,
        fingerprint_hash="sha-384",
        establish_tls=True,
        notify_tls_failure=True,
    )
    request = GatewayRequest(
        request_id=1,
        context="12",
        procedures=(
            ConfigureConnectionPoint(
                termination="t1",
                stream=2,
                side=Side.ACCESS,
                local=local,
                remote=RemoteSide(path=(MSRPURI.parse("msrps://ue.example:2855/x;tcp"),)),
            ),
        ),
    )
    text = encode(iq.message(ALG, [iq.request_to_transaction(request, 1, profile)]), compact=True)
    for name in (
        "tls/fail",
        "tls/start",
        "tcp/gone",
        "sepl/trigger=ON",
        "msrp/handling=aware",
        "a=fingerprint:sha-384-$",
        "TCP/TLS/TEXT",
        "E=9{",
        "ipdc/realm=ue-net",
    ):
        assert name in text
    (transaction,) = decode(text).transactions
    assert isinstance(transaction, m.TransactionRequest)
    assert iq.transaction_to_request(transaction, profile) == request
    with pytest.raises(GatewayError):
        iq.transaction_to_request(transaction)


@pytest.mark.parametrize(
    "config",
    [
        {"colour": "red"},
        {"realm_sides": {"a": "middle"}},
        {"local_setups": ["sideways"]},
        {"tls_failure_event": ""},
        {"fingerprint_request": "{hash}"},
        {"events_request_id": -1},
    ],
)
def test_profile_configuration_errors_are_named(config: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"."):
        IqProfile.from_mapping(config)
