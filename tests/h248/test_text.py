"""Behaviour of the H.248.1 Annex B text codec: decoding, encoding, errors."""

from __future__ import annotations

import re

import pytest

from imsalg.errors import H248Error, H248SyntaxError
from imsalg.h248 import model as m
from imsalg.h248.text import decode, encode, encode_bytes

from .corpus import H248_FIXTURES, case_pairs, corpus_messages

FP1 = (
    "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:"
    "19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF"
)
FP2 = (
    "12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:"
    "18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD"
)

SPEC_B = f"""!/3 [192.0.2.2]:2944
P=10001{{C=4711{{A=ip/1/acc/17{{M{{ST=1{{L{{
v=0
c=IN IP4 203.0.113.5
m=message 40000 TCP/TLS/MSRP *
a=setup:passive
a=fingerprint:sha-256 {FP2}
}}}}}}}}}}}}"""


def fixture(name: str) -> bytes:
    return (H248_FIXTURES / name).read_bytes()


# -- decoding ------------------------------------------------------------------------------


def test_spec_example_a_decodes_to_the_reserve_request() -> None:
    msg = decode(fixture("spec-a-reserve-access-pretty.txt"))
    assert msg.mid == m.DomainAddress(address="192.0.2.1", port=2944)
    assert msg.version == 3
    (transaction,) = msg.transactions
    assert isinstance(transaction, m.TransactionRequest)
    assert transaction.transaction_id == 10001
    (action,) = transaction.actions
    assert action.context_id == m.CHOOSE
    (add,) = action.commands
    assert isinstance(add, m.Add)
    assert add.terminations == ("$",)
    assert add.media is not None
    assert add.media.termination_state == m.TerminationState(
        properties=(m.PropertyParm.of("ipdc/realm", "access"),)
    )
    (stream,) = add.media.streams
    assert stream.stream_id == 1
    assert stream.local_control == m.LocalControl(mode=m.StreamMode.INACTIVE)
    assert stream.local == (
        "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n"
    )
    assert stream.remote == (
        "v=0\nc=IN IP4 198.51.100.20\nm=message 7394 TCP/TLS/MSRP *\na=setup:active\n"
        f"a=fingerprint:sha-256 {FP1}\n"
    )
    assert add.events == m.EventsDescriptor(
        request_id=1,
        events=(
            m.RequestedEvent(name="hangterm/thb", parameters=(m.PropertyParm.of("timerx", "60"),)),
            m.RequestedEvent(name="tlsbsc/failev"),
        ),
    )


def test_spec_example_b_compact_reply() -> None:
    msg = decode(SPEC_B)
    (reply,) = msg.transactions
    assert isinstance(reply, m.TransactionReply)
    assert reply.transaction_id == 10001
    (action,) = reply.actions
    assert action.context_id == 4711
    (add,) = action.replies
    assert isinstance(add, m.AddReply)
    assert add.terminations == ("ip/1/acc/17",)
    assert add.audit is not None
    assert add.audit.media is not None
    assert add.audit.media.streams[0].local == (
        "v=0\nc=IN IP4 203.0.113.5\nm=message 40000 TCP/TLS/MSRP *\na=setup:passive\n"
        f"a=fingerprint:sha-256 {FP2}\n"
    )


def test_spec_example_d_notify_with_timestamp_and_error_text() -> None:
    notify = decode(fixture("spec-d-notify-tls-failure-pretty.txt")).transactions[0]
    assert isinstance(notify, m.TransactionRequest)
    command = notify.actions[0].commands[0]
    assert command == m.Notify(
        terminations=("ip/1/acc/17",),
        observed_events=m.ObservedEventsDescriptor(
            request_id=1,
            events=(
                m.ObservedEvent(
                    name="tlsbsc/failev",
                    timestamp="20250101T12000000",
                    parameters=(m.PropertyParm.of("cause", "fingerprint-mismatch"),),
                ),
            ),
        ),
    )
    reply = decode(fixture("spec-d-error-449-pretty.txt")).transactions[0]
    assert isinstance(reply, m.TransactionReply)
    assert reply.actions[0].error == m.ErrorDescriptor(
        code=449,
        text="Unsupported or Unknown Parameter or Property Value: a=setup:holdconn",
    )


def test_every_mid_form() -> None:
    cases = {
        "MEGACO/3 [192.0.2.1]:2944 PN=1{}": m.DomainAddress(address="192.0.2.1", port=2944),
        "MEGACO/3 [2001:db8::1] PN=1{}": m.DomainAddress(address="2001:db8::1"),
        "MEGACO/3 <mg1.example.net.>:2944 PN=1{}": m.DomainName(name="mg1.example.net.", port=2944),
        "MEGACO/3 mg/device1 PN=1{}": m.DeviceName(name="mg/device1"),
        "MEGACO/3 MTP{0A1B} PN=1{}": m.MTPAddress(address="0A1B"),
    }
    for text, mid in cases.items():
        assert decode(text).mid == mid


def test_keywords_are_case_insensitive_and_comments_are_white_space() -> None:
    written = (
        "megaco/3 [192.0.2.1]:2944 ; the header\n"
        'TRANSACTION=5{context=1{ ; comment with "quotes" and {braces}\n'
        "  o-w-MoDiFy=t1{ sIGnals{}}}}"
    )
    expected = m.Modify(
        terminations=("t1",), optional=True, wildcard_reply=True, signals=m.SignalsDescriptor()
    )
    request = decode(written).transactions[0]
    assert isinstance(request, m.TransactionRequest)
    assert request.actions[0].commands == (expected,)


def test_lowercase_fixture_equals_its_canonical_form() -> None:
    assert decode(fixture("lowercase-comments-compact.txt")) == decode(
        fixture("lowercase-comments-pretty.txt")
    )


@pytest.mark.parametrize(("case", "pretty", "compact"), case_pairs(), ids=lambda v: str(v)[-40:])
def test_both_forms_of_a_case_mean_the_same(case: str, pretty: object, compact: object) -> None:
    assert decode(pretty.read_bytes()) == decode(compact.read_bytes())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "data"), corpus_messages(), ids=lambda v: str(v)[:50])
def test_encoding_is_stable_after_one_round(name: str, data: bytes) -> None:
    message = decode(data)
    for compact in (False, True):
        once = encode(message, compact=compact)
        assert decode(once) == message
        assert encode(decode(once), compact=compact) == once


def test_response_ack_ranges_and_pending() -> None:
    msg = decode("!/3 [192.0.2.1] K{1,3-5,  7-8}PN=9{}")
    ack, pending = msg.transactions
    assert ack == m.TransactionResponseAck(
        acks=(
            m.TransactionAck(first=1),
            m.TransactionAck(first=3, last=5),
            m.TransactionAck(first=7, last=8),
        ),
    )
    assert pending == m.TransactionPending(transaction_id=9)
    # transactionAck = TransactionID / (TransactionID "-" TransactionID): no blanks inside
    with pytest.raises(H248SyntaxError, match="expected ',' or '}'"):
        decode("!/3 [192.0.2.1] K{7 - 8}")


def test_property_value_forms() -> None:
    msg = decode(fixture("property-forms-pretty.txt"))
    request = msg.transactions[0]
    assert isinstance(request, m.TransactionRequest)
    command = request.actions[0].commands[0]
    assert isinstance(command, m.Modify)
    assert command.media is not None
    state = command.media.termination_state
    assert state is not None
    assert state.properties == (
        m.PropertyParm.of("ipdc/realm", "core"),
        m.PropertyParm(name="tman/pol", values=("1", "2", "3"), form=m.ValueForm.LIST),
        m.PropertyParm(name="tman/sdr", values=("100", "2000"), form=m.ValueForm.RANGE),
        m.PropertyParm(name="ds/dscp", values=("46", "34"), form=m.ValueForm.CHOICE),
        m.PropertyParm(name="gm/rsb", values=("OFF",), relation=m.Relation.NOT_EQUAL),
        m.PropertyParm(name="tman/mbs", values=("5000",), relation=m.Relation.LESS),
        m.PropertyParm(name="tman/pdr", values=("10",), relation=m.Relation.GREATER),
    )
    control = command.media.streams[0].local_control
    assert control == m.LocalControl(
        mode=m.StreamMode.SENDONLY, properties=(m.PropertyParm.of("gm/saf", "192.0.2.0 24"),)
    )


def test_service_change_parameters() -> None:
    request = decode(fixture("service-change-restart-pretty.txt")).transactions[0]
    assert isinstance(request, m.TransactionRequest)
    assert request.actions[0].context_id == m.NULL_CONTEXT
    command = request.actions[0].commands[0]
    assert command == m.ServiceChange(
        terminations=("ROOT",),
        parms=m.ServiceChangeParms(
            method=m.ServiceChangeMethod.RESTART,
            reason="901 Cold Boot",
            address=2944,
            profile="IMS-AGW/1",
            version=3,
            timestamp="20250101T08000000",
        ),
    )
    graceful = decode(fixture("service-change-graceful-pretty.txt")).transactions[0]
    assert isinstance(graceful, m.TransactionRequest)
    parms = graceful.actions[0].commands[0]
    assert isinstance(parms, m.ServiceChange)
    assert parms.parms.delay == 30000
    assert parms.parms.mgc_id == m.DomainName(name="alg2.example.net", port=2944)
    forced = decode(fixture("service-change-wildcard-forced-compact.txt")).transactions[0]
    assert isinstance(forced, m.TransactionRequest)
    sc = forced.actions[0].commands[0]
    assert isinstance(sc, m.ServiceChange)
    assert sc.terminations == ("ip/1/acc/*",)
    assert sc.parms.incomplete
    reply = decode(fixture("service-change-reply-mgcid-compact.txt")).transactions[0]
    assert isinstance(reply, m.TransactionReply)
    assert reply.actions[0].replies[0] == m.ServiceChangeReply(
        terminations=("ROOT",),
        result=m.ServiceChangeResult(
            mgc_id=m.DomainAddress(address="192.0.2.11", port=2944), version=3
        ),
    )


def test_error_replies_at_every_level() -> None:
    message_error = decode(fixture("message-error-400-compact.txt"))
    assert message_error.error == m.ErrorDescriptor(code=400, text="Syntax error in message")
    assert message_error.transactions == ()
    transaction_error = decode(fixture("error-501-not-implemented-compact.txt")).transactions[0]
    assert isinstance(transaction_error, m.TransactionReply)
    assert transaction_error.error is not None
    assert transaction_error.error.code == 501
    partial = decode(fixture("error-510-partial-pretty.txt")).transactions[0]
    assert isinstance(partial, m.TransactionReply)
    (action,) = partial.actions
    assert [type(r) for r in action.replies] == [m.AddReply]
    assert action.error is not None
    assert action.error.code == 510


def test_statistics_in_subtract_reply() -> None:
    reply = decode(fixture("release-reply-statistics-pretty.txt")).transactions[0]
    assert isinstance(reply, m.TransactionReply)
    first = reply.actions[0].replies[0]
    assert isinstance(first, m.SubtractReply)
    assert first.audit is not None
    assert first.audit.statistics == (
        m.StatisticsParameter(name="nt/os", values=("10456",)),
        m.StatisticsParameter(name="nt/or", values=("20992",)),
        m.StatisticsParameter(name="msrps/ms", values=("12",)),
        m.StatisticsParameter(name="msrps/mr", values=("31",)),
    )


def test_context_properties_topology_and_attributes() -> None:
    request = decode(fixture("context-properties-topology-pretty.txt")).transactions[0]
    assert isinstance(request, m.TransactionRequest)
    action = request.actions[0]
    assert action.context == m.ContextProperties(
        priority=5,
        emergency=True,
        topology=(
            m.TopologyTriple(
                from_termination="ip/1/acc/17",
                to_termination="ip/1/core/18",
                direction=m.TopologyDirection.BOTHWAY,
            ),
            m.TopologyTriple(
                from_termination="ip/1/acc/17",
                to_termination="ip/1/core/19",
                direction=m.TopologyDirection.ISOLATE,
            ),
        ),
        attributes=(m.PropertyParm.of("ipdc/realm", "shared"),),
    )


def test_signal_parameters_and_keep_active_event() -> None:
    request = decode(fixture("configure-access-tls-client-pretty.txt")).transactions[0]
    assert isinstance(request, m.TransactionRequest)
    command = request.actions[0].commands[0]
    assert isinstance(command, m.Modify)
    assert command.signals == m.SignalsDescriptor(
        signals=(
            m.SignalRequest(
                name="tlsbsc/estab",
                signal_type=m.SignalType.BRIEF,
                notify_completion=(m.NotificationReason.TIMEOUT, m.NotificationReason.OTHER),
            ),
        )
    )
    assert command.events is not None
    assert command.events.events[1] == m.RequestedEvent(name="tlsbsc/failev", keep_active=True)


def test_sdp_with_several_groups_and_crlf_is_kept_byte_exact() -> None:
    data = fixture("domain-mid-crlf-two-groups-pretty.txt")
    message = decode(data)
    request = message.transactions[0]
    assert isinstance(request, m.TransactionRequest)
    add = request.actions[0].commands[0]
    assert isinstance(add, m.Add)
    assert add.media is not None
    stream = add.media.streams[0]
    first_group = "v=0\r\nc=IN IP4 $\r\nm=message $ TCP/MSRP *\r\n"
    assert stream.local == first_group + "v=0\r\nc=IN IP4 $\r\nm=message $ TCP *\r\n"
    assert stream.remote is not None
    assert "\r\ns= \r\n" in stream.remote
    for compact in (False, True):
        sent = encode_bytes(message, compact=compact)
        assert stream.local.encode() in sent
        assert stream.remote.encode() in sent


def test_escaped_brace_in_sdp_both_ways() -> None:
    message = decode(fixture("escaped-brace-sdp-pretty.txt"))
    request = message.transactions[0]
    assert isinstance(request, m.TransactionRequest)
    command = request.actions[0].commands[0]
    assert isinstance(command, m.Modify)
    assert command.media is not None
    remote = command.media.streams[0].remote
    assert remote is not None
    assert "s=chat {session}\n" in remote
    assert "i=braces {a} and a backslash \\ here\n" in remote
    assert "a=path:msrp://192.0.2.50:2855/a}b;tcp\n" in remote
    for compact in (False, True):
        text = encode(message, compact=compact)
        assert "s=chat {session\\}\n" in text
        assert "a backslash \\ here" in text


def test_backslash_before_an_escaped_brace() -> None:
    sdp = "v=0\ni=a\\}b\\\\}c\\ \n"
    message = _message_with_remote(sdp)
    for compact in (False, True):
        assert decode(encode(message, compact=compact)) == message


def test_bytes_outside_ascii_survive_in_sdp() -> None:
    raw = b"!/3 [1.2.3.4] T=1{C=1{MF=t{M{R{\nv=0\ni=\xff\xfe caf\xc3\xa9\n}}}}}"
    message = decode(raw)
    assert encode_bytes(message, compact=True).endswith(b"i=\xff\xfe caf\xc3\xa9\n}}}}}")


def _message_with_remote(sdp: str) -> m.Message:
    return m.Message(
        mid=m.DomainName(name="alg"),
        transactions=(
            m.TransactionRequest(
                transaction_id=1,
                actions=(
                    m.ActionRequest(
                        context_id=1,
                        commands=(
                            m.Modify(
                                terminations=("t",),
                                media=m.MediaDescriptor(
                                    streams=(m.StreamDescriptor(stream_id=1, remote=sdp),)
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    )


# -- encoding ------------------------------------------------------------------------------


def test_compact_encoding_of_example_b_is_the_spec_text() -> None:
    assert encode(decode(SPEC_B), compact=True) == SPEC_B


def test_pretty_encoding_layout() -> None:
    text = encode(decode(fixture("spec-a-reserve-access-pretty.txt")))
    assert text == (
        "MEGACO/3 [192.0.2.1]:2944\n"
        "Transaction = 10001 {\n"
        "  Context = $ {\n"
        "    Add = $ {\n"
        "      Media {\n"
        "        TerminationState { ipdc/realm = access },\n"
        "        Stream = 1 {\n"
        "          LocalControl { Mode = Inactive },\n"
        "          Local {\n"
        "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n"
        "},\n"
        "          Remote {\n"
        "v=0\nc=IN IP4 198.51.100.20\nm=message 7394 TCP/TLS/MSRP *\na=setup:active\n"
        f"a=fingerprint:sha-256 {FP1}\n"
        "}\n"
        "        }\n"
        "      },\n"
        "      Events = 1 { hangterm/thb { timerx = 60 }, tlsbsc/failev }\n"
        "    }\n"
        "  }\n"
        "}\n"
    )


def test_values_are_quoted_only_when_needed() -> None:
    message = _message_with_remote("v=0\n")
    request = message.transactions[0]
    assert isinstance(request, m.TransactionRequest)
    props = (
        m.PropertyParm.of("a/plain", "access-1"),
        m.PropertyParm.of("a/space", "two words"),
        m.PropertyParm.of("a/empty", ""),
        m.PropertyParm.of("a/brace", "x}"),
    )
    modify = m.Modify(
        terminations=("t",),
        media=m.MediaDescriptor(termination_state=m.TerminationState(properties=props)),
    )
    text = encode(_wrap(modify), compact=True)
    assert 'TS{a/plain=access-1,a/space="two words",a/empty="",a/brace="x}"}' in text
    assert decode(text) == _wrap(modify)


def _wrap(command: m.Command) -> m.Message:
    return m.Message(
        mid=m.DomainName(name="alg"),
        transactions=(
            m.TransactionRequest(
                transaction_id=7, actions=(m.ActionRequest(context_id=1, commands=(command,)),)
            ),
        ),
    )


def _with_property(prop: m.PropertyParm) -> m.Message:
    state = m.TerminationState(properties=(prop,))
    return _wrap(m.Modify(terminations=("t",), media=m.MediaDescriptor(termination_state=state)))


@pytest.mark.parametrize(
    ("message", "complaint"),
    [
        (_wrap(m.Subtract(terminations=("a b",))), "SafeChars"),
        (_wrap(m.Subtract(terminations=())), "at least one termination"),
        (_message_with_remote(" v=0\n"), "starts with white space"),
        (_message_with_remote("v=0\\"), "ends with '\\'"),
        (_message_with_remote("v=0\n  "), "line of blanks"),
        (_message_with_remote("v=0\x00\n"), "NUL"),
        (_with_property(m.PropertyParm.of("a/b", 'say "hi"')), "quotedString"),
        (_with_property(m.PropertyParm.of("noslash", "1")), "package/item"),
        (
            _with_property(m.PropertyParm(name="a/b", values=("1",), form=m.ValueForm.RANGE)),
            "a range has two values",
        ),
        (
            _with_property(
                m.PropertyParm(
                    name="a/b", values=("1", "2"), relation=m.Relation.LESS, form=m.ValueForm.LIST
                )
            ),
            "needs the relation '='",
        ),
        (_wrap(m.Modify(terminations=("R",), signals=m.SignalsDescriptor())), "Remote"),
        (
            _wrap(
                m.Modify(
                    terminations=("t",),
                    events=m.EventsDescriptor(
                        request_id=1,
                        events=(
                            m.RequestedEvent(
                                name="a/b", parameters=(m.PropertyParm.of("Stream", "1"),)
                            ),
                        ),
                    ),
                )
            ),
            "keyword",
        ),
        (
            m.Message(
                mid=m.DomainName(name="alg"),
                transactions=(m.TransactionPending(transaction_id=2**32),),
            ),
            "transaction ID",
        ),
        (
            m.Message(
                mid=m.DomainName(name="alg"),
                transactions=(
                    m.TransactionRequest(
                        transaction_id=1,
                        actions=(
                            m.ActionRequest(
                                context_id="x", commands=(m.Subtract(terminations=("*",)),)
                            ),
                        ),
                    ),
                ),
            ),
            "context ID",
        ),
        (
            m.Message(
                mid=m.DomainName(name="alg"),
                error=m.ErrorDescriptor(code=400),
                transactions=(m.TransactionPending(transaction_id=1),),
            ),
            "not both",
        ),
        (m.Message(mid=m.DomainName(name="alg")), "at least one transaction"),
        (
            m.Message(
                mid=m.DomainName(name="alg"),
                transactions=(
                    m.TransactionReply(
                        transaction_id=1,
                        actions=(
                            m.ActionReply(
                                context_id=1,
                                replies=(
                                    m.AuditValueReply(
                                        terminations=("Context",),
                                        audit=m.TerminationAudit(
                                            packages=(m.PackageItem(name="g", version=1),)
                                        ),
                                    ),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
            "context form",
        ),
        (
            m.Message(
                mid=m.DomainName(name="bad name"),
                transactions=(m.TransactionPending(transaction_id=1),),
            ),
            "host name",
        ),
    ],
)
def test_encoder_refuses_what_has_no_text_form(message: m.Message, complaint: str) -> None:
    for compact in (False, True):
        with pytest.raises(H248Error, match=re.escape(complaint)):
            encode(message, compact=compact)


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "detail"),
    [
        ("", 1, 1, "'MEGACO/<version>'"),
        (
            "MEGACO/3 [192.0.2.1]:2944\nTransaction = 1 {\n  Context = 1 {\n    Jump = t1\n  }\n}",
            4,
            5,
            "a command",
        ),
        ("!/3 [192.0.2.1] T=1{C=1{S=t1}", 1, 30, "',' or '}'"),
        ('!/3 [192.0.2.1] P=1{ER=400{"never closed}}', 1, 28, "quoted string not closed"),
        ("!/3 [192.0.2.1] T=1{C=1{MF=t1{M{L{\nv=0\n", 3, 1, "not closed"),
        ("!/3 [192.0.2.1] T=1{C=1{MF=t1{M{ST=70000{O{MO=SR}}}}}}", 1, 36, "stream ID"),
        ("!/3 [192.0.2.1] T=4294967296{C=1{S=t1}}", 1, 19, "transaction ID"),
        ("!/3 [192.0.2.1] T=1{C=1{MF=t1{M{O{MO=SR}},M{O{MO=SR}}}}}", 1, 43, "appears twice"),
        ("!/3 [192.0.2.1] T=1{C=1{MF=R{M{O{MO=SR}}}}}", 1, 28, "spelled like"),
        ("!/3 [192.0.2.1] T=1{C=1{MF=t1{E=1{a/b{x=é}}}}}", 1, 41, "a value"),
        ("!/3 [1.2.3.999] PN=1{}", 1, 6, "not an IPv4 or IPv6"),
        ("!/3 [192.0.2.1] PN=1{} trailing", 1, 24, "got 'trailing'"),
        ('!/3 [192.0.2.1] T=1{C=1{MF=t1{M{TS{a/b="x}}}}}}', 1, 40, "quoted string not closed"),
    ],
)
def test_syntax_errors_point_at_the_offending_token(
    text: str, line: int, column: int, detail: str
) -> None:
    with pytest.raises(H248SyntaxError) as caught:
        decode(text)
    error = caught.value
    assert (error.line, error.column) == (line, column), error.detail
    assert detail in error.detail


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("!/3 [1.2.3.4] P=1/2{C=1{S=t}}", "segmented replies"),
        ("!/3 [1.2.3.4] SM=1/2", "segment replies"),
        ("!/3 [1.2.3.4] T=1{C=1{MF=t{MD=V18}}}", "Modem"),
        ("!/3 [1.2.3.4] T=1{C=1{CT{CLT={1,2}}}}", "ContextList"),
        ("!/3 [1.2.3.4] T=1{C=1{AV=t{AT{M{TS}}}}}", "individual audit"),
        ("!/3 [1.2.3.4] T=1{C=1{CA{PR=3}}}", "selection criteria"),
        ("!/3 [1.2.3.4] T=1{C=1{MF=t{E=1{a/b{NBRN{SG{a/c}}}}}}}", "RegulatedNotify"),
        ("!/3 [1.2.3.4] P=1{C=1{AV=C{[t1]}}}", "context form"),
        ("!/3 [1.2.3.4] P=1{C=1{AV=Context[t1,t2]}}", "context form"),
    ],
)
def test_unsupported_constructs_are_refused_clearly(text: str, what: str) -> None:
    with pytest.raises(H248SyntaxError, match=what):
        decode(text)


@pytest.mark.parametrize("name", ["C", "context"])
def test_a_lone_termination_named_like_ctx_is_a_termination_in_an_audit_reply(name: str) -> None:
    # auditOther = EQUAL TerminationID: without "[" or "{" after it, "C" is no CtxToken.
    message = decode(f"!/3 [1.2.3.4] P=1{{C=1{{AV={name}}}}}")
    [transaction] = message.transactions
    assert isinstance(transaction, m.TransactionReply)
    [reply] = transaction.actions[0].replies
    assert reply == m.AuditValueReply(terminations=(name,))
    for compact in (False, True):
        assert decode(encode(message, compact=compact)) == message


def test_error_position_counts_lines_after_crlf_and_cr() -> None:
    with pytest.raises(H248SyntaxError) as caught:
        decode("!/3 [192.0.2.1]\r\nT=1{\rC=1{ ?? }}")
    assert (caught.value.line, caught.value.column) == (3, 6)
