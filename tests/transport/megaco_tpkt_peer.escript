#!/usr/bin/env escript
%%! -noshell
%% An independent H.248-over-TCP peer for tests/transport/test_tcp.py, built from
%% Erlang/OTP: gen_tcp's own {packet, tpkt} reader (RFC 1006) splits the stream, OTP
%% megaco's pretty text decoder reads the request, megaco_tcp:send_message/2 (OTP's
%% TPKT writer) sends the reply. Prints the listening port, serves one connection,
%% answers every transaction request with "Reply = <id> { Context = 4711 { Add = ip/1 } }",
%% and exits when the connection closes.
main(_) ->
    {ok, L} = gen_tcp:listen(0, [binary, {packet, tpkt}, {active, false},
                                 {ip, {127, 0, 0, 1}}]),
    {ok, Port} = inet:port(L),
    io:format("~w~n", [Port]),
    {ok, S} = gen_tcp:accept(L, 20000),
    serve(S, Port).

serve(S, Port) ->
    case gen_tcp:recv(S, 0, 20000) of
        {ok, <<3:8, _Reserved:8, _Length:16, Bin/binary>>} ->
            %% {packet, tpkt} delivers the header too; strip it as megaco_tcp_connection does.
            case megaco_pretty_text_encoder:decode_message([], dynamic, Bin) of
                {ok, {'MegacoMessage', _, {'Message', _V, _Mid, {transactions, Ts}}}} ->
                    [answer(S, Port, T) || T <- Ts],
                    serve(S, Port);
                Other ->
                    io:format("undecodable: ~p~n", [Other]),
                    halt(2)
            end;
        {ok, Other} ->
            io:format("not a TPKT packet: ~p~n", [Other]),
            halt(4);
        {error, closed} ->
            halt(0);
        {error, Reason} ->
            io:format("recv: ~p~n", [Reason]),
            halt(3)
    end.

answer(S, Port, {transactionRequest, Request}) ->
    Id = element(2, Request),
    Text = io_lib:format("MEGACO/3 [127.0.0.1]:~w~nReply = ~w {~n  Context = 4711 { Add = ip/1 }~n}~n",
                         [Port, Id]),
    %% megaco_tcp:send_message/2 adds the TPKT header, then updates statistics counters
    %% this script never created (that part fails after the send, hence the catch).
    catch megaco_tcp:send_message(S, iolist_to_binary(Text));
answer(_S, _Port, _Other) ->
    ok.
