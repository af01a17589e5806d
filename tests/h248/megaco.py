"""Erlang/OTP megaco as an independent H.248 text codec (PEERS.md).

:func:`run_megaco` writes each message into a directory, runs one escript (one VM start
for the whole batch, under ``timeout``) that decodes every file with
``megaco_pretty_text_encoder:decode_message([], dynamic, Bin)``, prints a JSON summary of the
decoded terms and writes megaco's own pretty and compact re-encodings next to the input.
:func:`summarize` computes the same summary from an imsalg model, so the two can be compared
with ``==``.

The summary keeps what both codecs must agree on: transaction kinds and IDs, context IDs,
command kinds, termination IDs (lower case: megaco folds identifiers, Annex B.2 makes them
case-insensitive), the descriptors present, stream modes, SDP lines, event/signal names,
statistics names, error codes and ServiceChange methods.

The escript also has a timing mode (:data:`ESCRIPT` ``bench DIR N``) used by
``tools/bench_h248.py``: decode+encode of each message ``N`` times inside ``timer:tc``,
VM start excluded.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from imsalg.h248 import model as m

__all__ = ["ESCRIPT", "megaco_context", "run_megaco", "sdp_groups", "summarize"]

ESCRIPT = r"""#!/usr/bin/env escript
%%! -noshell
-mode(compile).

main(["summary", Dir]) ->
    Out = [one(Dir, N) || N <- inputs(Dir)],
    io:put_chars(["[", join(Out, ",\n"), "]\n"]);
main(["bench", Dir, Count]) ->
    N = list_to_integer(Count),
    Out = [bench(Dir, Name, N) || Name <- inputs(Dir)],
    io:put_chars(["[", join(Out, ",\n"), "]\n"]).

inputs(Dir) ->
    {ok, Names} = file:list_dir(Dir),
    lists:sort([N || N <- Names, lists:suffix(".in", N)]).

decoder(Bin) ->
    case skip_space(Bin) of
        <<"!", _/binary>> -> megaco_compact_text_encoder;
        _ -> megaco_pretty_text_encoder
    end.

skip_space(<<C, Rest/binary>>) when C =:= $\s; C =:= $\t; C =:= $\r; C =:= $\n ->
    skip_space(Rest);
skip_space(Bin) -> Bin.

bench(Dir, Name, N) ->
    {ok, Bin} = file:read_file(filename:join(Dir, Name)),
    Mod = decoder(Bin),
    File = {"file", str(filename:rootname(Name))},
    case catch Mod:decode_message([], dynamic, Bin) of
        {ok, M} ->
            V = version(M),
            {T, _} = timer:tc(fun() -> loop(N, fun() ->
                {ok, M2} = Mod:decode_message([], dynamic, Bin),
                {ok, _} = Mod:encode_message([], V, M2)
            end) end),
            obj([File, {"us", T / N}]);
        _ ->
            obj([File, {"us", null}])
    end.

loop(0, _) -> ok;
loop(N, F) -> F(), loop(N - 1, F).

version({'MegacoMessage', _, {'Message', V, _, _}}) -> V.

one(Dir, Name) ->
    {ok, Bin} = file:read_file(filename:join(Dir, Name)),
    Base = filename:rootname(Name),
    case catch (decoder(Bin)):decode_message([], dynamic, Bin) of
        {ok, M} ->
            reencode(Dir, Base, M),
            obj([{"file", str(Base)}, {"ok", true}, {"message", message(M)}]);
        Other ->
            Text = lists:flatten(io_lib:format("~P", [Other, 40])),
            obj([{"file", str(Base)}, {"ok", false}, {"error", str(Text)}])
    end.

reencode(Dir, Base, M) ->
    V = version(M),
    lists:foreach(
      fun({Mod, Suffix}) ->
              case catch Mod:encode_message([], V, M) of
                  {ok, Bin} -> ok = file:write_file(filename:join(Dir, Base ++ Suffix), Bin);
                  _ -> ok
              end
      end,
      [{megaco_pretty_text_encoder, ".megaco-pretty"},
       {megaco_compact_text_encoder, ".megaco-compact"}]).

message({'MegacoMessage', _Auth, {'Message', Version, _Mid, Body}}) ->
    obj([{"version", Version} | body(Body)]).

body({messageError, ED}) -> [{"error", error_code(ED)}];
body({transactions, Ts}) -> [{"transactions", list([transaction(T) || T <- Ts])}].

transaction({transactionRequest, {'TransactionRequest', Id, Actions}}) ->
    obj([{"kind", str("request")}, {"id", Id},
         {"actions", list([action_request(A) || A <- Actions])}]);
transaction({transactionPending, {'TransactionPending', Id}}) ->
    obj([{"kind", str("pending")}, {"id", Id}]);
transaction({transactionResponseAck, Acks}) ->
    obj([{"kind", str("ack")},
         {"acks", list([list([F, novalue(L)]) || {'TransactionAck', F, L} <- Acks])}]);
transaction({transactionReply, R}) ->
    Id = element(2, R),
    Result = case element(4, R) of
                 {transactionError, ED} -> [{"error", error_code(ED)}];
                 {actionReplies, As} -> [{"actions", list([action_reply(A) || A <- As])}]
             end,
    obj([{"kind", str("reply")}, {"id", Id}, {"imm_ack", element(3, R) =:= 'NULL'} | Result]).

action_request({'ActionRequest', Ctx, _CtxReq, _CtxAudit, Commands}) ->
    obj([{"context", Ctx},
         {"commands", list([command(C) || {'CommandRequest', C, _, _} <- Commands])}]).

action_reply({'ActionReply', Ctx, ED, _CtxReply, Replies}) ->
    Replies2 = case Replies of asn1_NOVALUE -> []; _ -> Replies end,
    obj([{"context", Ctx}, {"error", error_code(ED)},
         {"commands", list([reply(R) || R <- Replies2])}]).

command({Kind, Req}) when Kind =:= addReq; Kind =:= modReq; Kind =:= moveReq ->
    {'AmmRequest', Tids, Descs} = Req,
    obj([{"kind", str(atom_to_list(Kind))}, {"terms", terms(Tids)} | descriptors(Descs)]);
command({subtractReq, {'SubtractRequest', Tids, Audit}}) ->
    obj([{"kind", str("subtractReq")}, {"terms", terms(Tids)},
         {"descriptors", list(present([{"auditDescriptor", Audit}]))}]);
command({Kind, Req}) when Kind =:= auditValueRequest; Kind =:= auditCapRequest ->
    obj([{"kind", str(atom_to_list(Kind))}, {"terms", terms(element(2, Req))},
         {"descriptors", list(present([{"auditDescriptor", element(3, Req)}]))}]);
command({notifyReq, {'NotifyRequest', Tids, OED, ED}}) ->
    obj([{"kind", str("notifyReq")}, {"terms", terms(Tids)},
         {"descriptors", list(present([{"observedEventsDescriptor", OED},
                                       {"errorDescriptor", ED}]))},
         {"observed", observed(OED)}, {"error", error_code(ED)}]);
command({serviceChangeReq, {'ServiceChangeRequest', Tids, Parm}}) ->
    obj([{"kind", str("serviceChangeReq")}, {"terms", terms(Tids)},
         {"method", str(atom_to_list(element(2, Parm)))}]).

reply({Kind, {'AmmsReply', Tids, Audit}}) ->
    obj([{"kind", str(atom_to_list(Kind))}, {"terms", terms(Tids)} | descriptors(Audit)]);
reply({Kind, {auditResult, {'AuditResult', Tid, Audit}}}) ->
    obj([{"kind", str(atom_to_list(Kind))}, {"terms", terms([Tid])} | descriptors(Audit)]);
reply({notifyReply, {'NotifyReply', Tids, ED}}) ->
    obj([{"kind", str("notifyReply")}, {"terms", terms(Tids)}, {"error", error_code(ED)}]);
reply({serviceChangeReply, {'ServiceChangeReply', Tids, Result}}) ->
    Err = case Result of {errorDescriptor, ED} -> error_code(ED); _ -> null end,
    obj([{"kind", str("serviceChangeReply")}, {"terms", terms(Tids)}, {"error", Err}]).

present(Pairs) -> [str(Name) || {Name, V} <- Pairs, V =/= asn1_NOVALUE].

descriptors(asn1_NOVALUE) -> descriptors([]);
descriptors(Descs) ->
    Names = lists:sort([str(atom_to_list(Tag)) || {Tag, _} <- Descs]),
    [{"descriptors", list(Names)},
     {"streams", list(lists:append([streams(D) || {mediaDescriptor, D} <- Descs]))},
     {"events", list([events(D) || {eventsDescriptor, D} <- Descs])},
     {"signals", list([str(element(2, S)) || {signalsDescriptor, Ss} <- Descs,
                                              {signal, S} <- Ss])},
     {"statistics", list([str(element(2, S)) || {statisticsDescriptor, Ss} <- Descs,
                                                 S <- Ss])},
     {"error", first([error_code(E) || {errorDescriptor, E} <- Descs])}].

first([]) -> null;
first([X | _]) -> X.

streams({'MediaDescriptor', _TS, asn1_NOVALUE}) -> [];
streams({'MediaDescriptor', _TS, {oneStream, P}}) -> [stream(null, P)];
streams({'MediaDescriptor', _TS, {multiStream, Ss}}) ->
    [stream(Id, P) || {'StreamDescriptor', Id, P} <- Ss].

stream(Id, P) ->
    Mode = case element(2, P) of
               asn1_NOVALUE -> null;
               LCD -> case element(2, LCD) of
                          asn1_NOVALUE -> null;
                          M -> str(atom_to_list(M))
                      end
           end,
    obj([{"id", Id}, {"mode", Mode}, {"local", sdp(element(3, P))},
         {"remote", sdp(element(4, P))}]).

sdp(asn1_NOVALUE) -> null;
sdp({'LocalRemoteDescriptor', Groups}) ->
    list([list([str(N ++ "=" ++ lists:append(V)) || {'PropertyParm', N, V, _} <- G])
          || G <- Groups]).

events({'EventsDescriptor', Rid, Evs}) ->
    obj([{"request_id", novalue(Rid)},
         {"names", list([str(element(2, E)) || E <- Evs])}]).

observed(asn1_NOVALUE) -> null;
observed({'ObservedEventsDescriptor', Rid, Evs}) ->
    obj([{"request_id", Rid}, {"names", list([str(element(2, E)) || E <- Evs])}]).

error_code(asn1_NOVALUE) -> null;
error_code({'ErrorDescriptor', Code, _Text}) -> Code.

terms({megaco_term_id, _, _} = Tid) -> terms([Tid]);
terms(Tids) -> list([str(string:join(Path, "/")) || {megaco_term_id, _, Path} <- Tids]).

novalue(asn1_NOVALUE) -> null;
novalue(V) -> V.

%% A minimal JSON writer: {obj, Pairs}, {list, Items}, {str, Chars}, integers, true/false/null.
obj(Pairs) -> ["{", join([[json_string(K), ":", json(V)] || {K, V} <- Pairs], ","), "}"].
list(Items) -> ["[", join([json(I) || I <- Items], ","), "]"].
str(Chars) -> {str, Chars}.

json({str, Chars}) -> json_string(Chars);
json(true) -> "true";
json(false) -> "false";
json(null) -> "null";
json(N) when is_integer(N) -> integer_to_list(N);
json(N) when is_float(N) -> io_lib:format("~.3f", [N]);
json(IoList) -> IoList.

json_string(Chars) -> [$", [escape(C) || C <- Chars], $"].
escape($") -> "\\\"";
escape($\\) -> "\\\\";
escape(C) when C < 32 -> io_lib:format("\\u~4.16.0b", [C]);
escape(C) -> C.

join([], _) -> [];
join([X], _) -> [X];
join([X | Xs], Sep) -> [X, Sep | join(Xs, Sep)].
"""

#: megaco's context IDs for the special values (UINT32 coding of the ASN.1 definitions).
_SPECIAL_CONTEXTS = {"$": 0xFFFFFFFE, "*": 0xFFFFFFFF, "-": 0}


def megaco_context(context_id: m.ContextID) -> int:
    """The integer megaco uses for a context ID."""
    if isinstance(context_id, str):
        return _SPECIAL_CONTEXTS[context_id]
    return context_id


def run_megaco(
    escript: str, directory: Path, messages: Mapping[str, bytes], *, timeout: float = 60.0
) -> dict[str, dict[str, Any]]:
    """Decode every message with megaco in one VM; returns ``{name: summary line}``.

    Each summary line has ``ok`` and either ``message`` (the summary) or ``error``; megaco's
    re-encodings are left in *directory* as ``<name>.megaco-pretty`` / ``.megaco-compact``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in messages.items():
        (directory / f"{name}.in").write_bytes(data)
    script = directory / "summary.escript"
    script.write_text(ESCRIPT)
    done = subprocess.run(
        ["timeout", str(int(timeout)), escript, str(script), "summary", str(directory)],
        capture_output=True,
        timeout=timeout + 5,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"escript failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}"
        )
    lines = json.loads(done.stdout.decode("utf-8", "surrogateescape"))
    return {line["file"]: line for line in lines}


def sdp_groups(sdp: str | None) -> list[list[str]] | None:
    """SDP text as megaco reports it: property groups (each from ``v=``) of ``x=value`` lines.

    Lines are compared without their line ending (megaco re-encodes SDP with CRLF).
    """
    if sdp is None:
        return None
    groups: list[list[str]] = []
    for line in sdp.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line:
            continue
        if line.startswith("v=") or not groups:
            groups.append([])
        groups[-1].append(line)
    return groups


def _terms(ids: tuple[str, ...]) -> list[str]:
    return [tid.lower() for tid in ids]


def _code(error: m.ErrorDescriptor | None) -> int | None:
    return None if error is None else int(error.code)


_AMM_KINDS = {m.Add: "addReq", m.Modify: "modReq", m.Move: "moveReq"}
_REPLY_KINDS = {
    m.AddReply: "addReply",
    m.ModifyReply: "modReply",
    m.MoveReply: "moveReply",
    m.SubtractReply: "subtractReply",
    m.AuditValueReply: "auditValueReply",
    m.AuditCapabilitiesReply: "auditCapReply",
}
_AMM_DESCRIPTORS = (
    ("media", "mediaDescriptor"),
    ("events", "eventsDescriptor"),
    ("signals", "signalsDescriptor"),
    ("event_buffer", "eventBufferDescriptor"),
    ("digit_map", "digitMapDescriptor"),
    ("audit", "auditDescriptor"),
    ("statistics", "statisticsDescriptor"),
    ("mux", "muxDescriptor"),
    ("observed_events", "observedEventsDescriptor"),
    ("packages", "packagesDescriptor"),
    ("error", "errorDescriptor"),
)


def _descriptors(holder: object) -> dict[str, Any]:
    names = sorted(
        label for field, label in _AMM_DESCRIPTORS if getattr(holder, field, None) is not None
    )
    media: m.MediaDescriptor | None = getattr(holder, "media", None)
    streams = []
    if media is not None:
        for stream in media.streams:
            mode = None
            if stream.local_control is not None and stream.local_control.mode is not None:
                mode = _MODES[stream.local_control.mode]
            streams.append(
                {
                    "id": stream.stream_id,
                    "mode": mode,
                    "local": sdp_groups(stream.local),
                    "remote": sdp_groups(stream.remote),
                }
            )
    events: m.EventsDescriptor | None = getattr(holder, "events", None)
    signals: m.SignalsDescriptor | None = getattr(holder, "signals", None)
    statistics: tuple[m.StatisticsParameter, ...] | None = getattr(holder, "statistics", None)
    error: m.ErrorDescriptor | None = getattr(holder, "error", None)
    return {
        "descriptors": names,
        "streams": streams,
        "events": []
        if events is None
        else [{"request_id": events.request_id, "names": [e.name for e in events.events]}],
        "signals": []
        if signals is None
        else [s.name for s in signals.signals if isinstance(s, m.SignalRequest)],
        "statistics": [] if statistics is None else [s.name for s in statistics],
        "error": _code(error),
    }


_MODES = {
    m.StreamMode.SENDONLY: "sendOnly",
    m.StreamMode.RECVONLY: "recvOnly",
    m.StreamMode.SENDRECV: "sendRecv",
    m.StreamMode.INACTIVE: "inactive",
    m.StreamMode.LOOPBACK: "loopBack",
}


def _command(command: m.Command) -> dict[str, Any]:
    terms = _terms(command.terminations)
    if isinstance(command, (m.Add, m.Modify, m.Move)):
        return {"kind": _AMM_KINDS[type(command)], "terms": terms, **_descriptors(command)}
    if isinstance(command, m.Subtract):
        return {
            "kind": "subtractReq",
            "terms": terms,
            "descriptors": [] if command.audit is None else ["auditDescriptor"],
        }
    if isinstance(command, (m.AuditValue, m.AuditCapabilities)):
        kind = "auditValueRequest" if isinstance(command, m.AuditValue) else "auditCapRequest"
        return {
            "kind": kind,
            "terms": terms,
            "descriptors": [] if command.audit is None else ["auditDescriptor"],
        }
    if isinstance(command, m.Notify):
        observed = command.observed_events
        return {
            "kind": "notifyReq",
            "terms": terms,
            "descriptors": ["observedEventsDescriptor"]
            + ([] if command.error is None else ["errorDescriptor"]),
            "observed": {
                "request_id": observed.request_id,
                "names": [e.name for e in observed.events],
            },
            "error": _code(command.error),
        }
    method = command.parms.method
    return {
        "kind": "serviceChangeReq",
        "terms": terms,
        "method": method.value if isinstance(method, m.ServiceChangeMethod) else method,
    }


def _reply(reply: m.CommandReply) -> dict[str, Any]:
    terms = _terms(reply.terminations)
    if isinstance(reply, m.NotifyReply):
        return {"kind": "notifyReply", "terms": terms, "error": _code(reply.error)}
    if isinstance(reply, m.ServiceChangeReply):
        return {"kind": "serviceChangeReply", "terms": terms, "error": _code(reply.error)}
    audit = reply.audit if reply.audit is not None else m.TerminationAudit()
    summary = _descriptors(audit)
    summary["descriptors"] = sorted(
        summary["descriptors"] + [_BARE_ITEM_TAGS[i] for i in audit.items]
    )
    return {"kind": _REPLY_KINDS[type(reply)], "terms": terms, **summary}


_BARE_ITEM_TAGS = {
    m.AuditItem.MEDIA: "mediaToken",
    m.AuditItem.MUX: "muxToken",
    m.AuditItem.MODEM: "modemToken",
    m.AuditItem.DIGIT_MAP: "digitMapToken",
    m.AuditItem.OBSERVED_EVENTS: "observedEventsToken",
    m.AuditItem.PACKAGES: "packagesToken",
}


def _transaction(transaction: m.Transaction) -> dict[str, Any]:
    if isinstance(transaction, m.TransactionRequest):
        return {
            "kind": "request",
            "id": transaction.transaction_id,
            "actions": [
                {
                    "context": megaco_context(action.context_id),
                    "commands": [_command(c) for c in action.commands],
                }
                for action in transaction.actions
            ],
        }
    if isinstance(transaction, m.TransactionPending):
        return {"kind": "pending", "id": transaction.transaction_id}
    if isinstance(transaction, m.TransactionResponseAck):
        return {"kind": "ack", "acks": [[a.first, a.last] for a in transaction.acks]}
    out: dict[str, Any] = {
        "kind": "reply",
        "id": transaction.transaction_id,
        "imm_ack": transaction.imm_ack_required,
    }
    if transaction.error is not None:
        out["error"] = _code(transaction.error)
    else:
        out["actions"] = [
            {
                "context": megaco_context(action.context_id),
                "error": _code(action.error),
                "commands": [_reply(r) for r in action.replies],
            }
            for action in transaction.actions
        ]
    return out


def summarize(message: m.Message) -> dict[str, Any]:
    """The summary of *message* in the escript's shape."""
    out: dict[str, Any] = {"version": message.version}
    if message.error is not None:
        out["error"] = _code(message.error)
    else:
        out["transactions"] = [_transaction(t) for t in message.transactions]
    return out
