%% The BEAM side of Jarl's side-by-side benchmark (io.jarl.bench.BenchMain).
%%
%% BenchMain compiles this file into a temporary directory and runs
%%   erl -noshell +P 4194304 -pa Dir -run jarl_bench main key=value... scenario...
%% where the key=value arguments are the sizes of io.jarl.bench.Sizes (the same numbers the JVM
%% runtimes get) and the scenarios are spawn_1m idle_bytes pingpong ring call_fanin genserver_call
%% skynet selective_receive. Each scenario prints
%%   scenario=<name> runtime=beam value=<number> unit=<unit>
%% and "# ..." lines with the individual runs. As on the JVM: one untimed warm-up, then the median
%% of the timed runs.
%%
%% The module is also genserver_call's server: a gen_server that answers every call with its request.
-module(jarl_bench).
-behaviour(gen_server).
-export([main/1]).
-export([init/1, handle_call/3, handle_cast/2]).

main(Args) ->
    {Opts, Names} = lists:partition(fun(A) -> lists:member($=, A) end, Args),
    Sizes = maps:from_list([parse_opt(O) || O <- Opts]),
    try
        run(Names, Sizes),
        halt(0)
    catch
        Class:Reason:Stack ->
            io:format(standard_error, "jarl_bench failed: ~p:~p~n~p~n", [Class, Reason, Stack]),
            halt(1)
    end.

parse_opt(Opt) ->
    [K, V] = string:split(Opt, "="),
    {list_to_atom(K), list_to_integer(V)}.

run([], _) ->
    ok;
run(["spawn_1m" | Rest], S) ->
    spawn_idle(true, lists:member("idle_bytes", Rest), S),
    run(Rest -- ["idle_bytes"], S);
run(["idle_bytes" | Rest], S) ->
    spawn_idle(false, true, S),
    run(Rest, S);
run(["pingpong" | Rest], S) ->
    pingpong(S),
    run(Rest, S);
run(["ring" | Rest], S) ->
    ring(S),
    run(Rest, S);
run(["call_fanin" | Rest], S) ->
    call_fanin(16, S),
    call_fanin(100, S),
    run(Rest, S);
run(["genserver_call" | Rest], S) ->
    genserver_call(1, S),
    genserver_call(16, S),
    genserver_call(100, S),
    run(Rest, S);
run(["skynet" | Rest], S) ->
    skynet(S),
    run(Rest, S);
run(["selective_receive" | Rest], S) ->
    selective_receive(S),
    run(Rest, S);
run([Other | _], _) ->
    error({unknown_scenario, Other}).

%% ------------------------------------------------------------------ helpers

now_ns() -> erlang:monotonic_time(nanosecond).

%% Runs Fun in a fresh process and returns its value.
in_proc(Fun) ->
    {Pid, Ref} = spawn_monitor(fun() -> exit({ok, Fun()}) end),
    receive
        {'DOWN', Ref, process, Pid, {ok, Value}} -> Value;
        {'DOWN', Ref, process, Pid, Reason} -> error(Reason)
    end.

repeat(0, _) -> [];
repeat(N, Fun) -> [Fun() | repeat(N - 1, Fun)].

median(Values) ->
    Sorted = lists:sort(Values),
    N = length(Sorted),
    case N rem 2 of
        1 -> lists:nth(N div 2 + 1, Sorted);
        0 -> (lists:nth(N div 2, Sorted) + lists:nth(N div 2 + 1, Sorted)) / 2
    end.

format(Value, Unit) when Unit =:= "bytes"; Unit =:= "calls/s" ->
    integer_to_list(round(Value));
format(Value, "ratio") ->
    float_to_list(float(Value), [{decimals, 3}]);
format(Value, _) ->
    float_to_list(float(Value), [{decimals, 1}]).

result(Name, Values, Unit) ->
    io:format("# ~s runtime=beam runs=[~s] ~s~n",
              [Name, lists:join(" ", [format(V, Unit) || V <- Values]), Unit]),
    io:format("scenario=~s runtime=beam value=~s unit=~s~n", [Name, format(median(Values), Unit), Unit]).

wait_for_count(Count) ->
    case erlang:system_info(process_count) > Count of
        true -> timer:sleep(5), wait_for_count(Count);
        false -> ok
    end.

%% ------------------------------------------------------------------ spawn_1m and idle_bytes

spawn_idle(PrintTime, PrintBytes, #{spawn_warm := Warm, spawn := N, spawn_runs := Runs}) ->
    spawn_idle_run(Warm),
    Results = repeat(Runs, fun() -> spawn_idle_run(N) end),
    {Ms, Bytes} = lists:unzip(Results),
    PrintTime andalso result("spawn_1m", Ms, "ms"),
    PrintBytes andalso result("idle_bytes", Bytes, "bytes"),
    ok.

%% Spawns N processes that say they are ready and wait for stop; the bytes are the growth of the
%% memory of all processes, less the growth of the driver (which holds the list of pids).
spawn_idle_run(N) ->
    in_proc(fun() ->
        Self = self(),
        Before = erlang:system_info(process_count),
        garbage_collect(),
        {memory, Self0} = process_info(Self, memory),
        Mem0 = erlang:memory(processes_used),
        T0 = now_ns(),
        Pids = spawn_idlers(N, Self, []),
        wait_ready(N),
        T1 = now_ns(),
        garbage_collect(),
        Mem1 = erlang:memory(processes_used),
        {memory, Self1} = process_info(Self, memory),
        [P ! stop || P <- Pids],
        wait_for_count(Before),
        {(T1 - T0) / 1.0e6, ((Mem1 - Mem0) - (Self1 - Self0)) / N}
    end).

spawn_idlers(0, _Parent, Acc) ->
    Acc;
spawn_idlers(N, Parent, Acc) ->
    Pid = spawn(fun() -> idle(Parent) end),
    spawn_idlers(N - 1, Parent, [Pid | Acc]).

idle(Parent) ->
    Parent ! ready,
    receive stop -> ok end.

wait_ready(0) -> ok;
wait_ready(N) -> receive ready -> wait_ready(N - 1) end.

%% ------------------------------------------------------------------ pingpong

pingpong(#{ping_pong_warm := Warm, ping_pong := N, ping_pong_runs := Runs}) ->
    Pong = spawn(fun pong/0),
    Values = in_proc(fun() ->
        ping_run(Pong, Warm),
        repeat(Runs, fun() -> ping_run(Pong, N) end)
    end),
    Pong ! stop,
    result("pingpong", Values, "ns").

pong() ->
    receive
        {ping, From} -> From ! pong, pong();
        stop -> ok
    end.

ping_run(Pong, N) ->
    T0 = now_ns(),
    ping_loop(Pong, N),
    (now_ns() - T0) / N.

ping_loop(_Pong, 0) ->
    ok;
ping_loop(Pong, N) ->
    Pong ! {ping, self()},
    receive pong -> ping_loop(Pong, N - 1) end.

%% ------------------------------------------------------------------ ring

ring(#{ring_size := Size, ring_warm_hops := Warm, ring_hops := Hops, ring_runs := Runs}) ->
    Values = in_proc(fun() ->
        Self = self(),
        Nodes = [spawn(fun ring_node/0) || _ <- lists:seq(1, Size)],
        [First | _] = Nodes,
        Nexts = tl(Nodes) ++ [First],
        [N ! {next, Next, Self} || {N, Next} <- lists:zip(Nodes, Nexts)],
        ring_run(First, Warm),
        Vs = repeat(Runs, fun() -> ring_run(First, Hops) end),
        [N ! stop || N <- Nodes],
        Vs
    end),
    result("ring", Values, "ns").

ring_node() ->
    receive {next, Next, Driver} -> ring_loop(Next, Driver) end.

ring_loop(Next, Driver) ->
    receive
        {token, 0} -> Driver ! ring_done, ring_loop(Next, Driver);
        {token, N} -> Next ! {token, N - 1}, ring_loop(Next, Driver);
        stop -> ok
    end.

ring_run(First, Hops) ->
    T0 = now_ns(),
    First ! {token, Hops},
    receive ring_done -> ok end,
    (now_ns() - T0) / Hops.

%% ------------------------------------------------------------------ call_fanin

%% The server and the call are gen_server's protocol written out by hand, as in the Jarl version:
%% a fresh reference, the request, and a receive of the reply tagged with it (which OTP optimises:
%% the receive skips messages that arrived before make_ref()).
echo_server() ->
    receive
        {call, Ref, From, Request} -> From ! {Ref, Request}, echo_server();
        stop -> ok
    end.

call(Server, Request) ->
    Ref = make_ref(),
    Server ! {call, Ref, self(), Request},
    receive
        {Ref, Reply} -> Reply
    after 60000 -> error(call_timeout)
    end.

call_fanin(Clients, #{fanin_warm_millis := Warm, fanin_millis := Millis, fanin_runs := Runs}) ->
    Server = spawn(fun echo_server/0),
    Values = in_proc(fun() ->
        fanin_run(Server, Clients, Warm),
        repeat(Runs, fun() -> fanin_run(Server, Clients, Millis) end)
    end),
    Server ! stop,
    result("call_fanin_" ++ integer_to_list(Clients), Values, "calls/s").

fanin_run(Server, Clients, Millis) ->
    calls_run(fun(Request) -> call(Server, Request) end, Clients, Millis).

%% Starts Clients processes that each apply Call (to their number of calls so far) until Millis ms
%% have passed; returns the calls per second of them all.
calls_run(Call, Clients, Millis) ->
    Self = self(),
    Pids = [spawn(fun() -> client(Call, Self) end) || _ <- lists:seq(1, Clients)],
    T0 = now_ns(),
    Deadline = T0 + Millis * 1000000,
    [P ! {go, Deadline} || P <- Pids],
    Total = lists:sum([receive {count, C} -> C end || _ <- Pids]),
    Total * 1.0e9 / (now_ns() - T0).

client(Call, Driver) ->
    receive {go, Deadline} -> Driver ! {count, client_loop(Call, Deadline, 0)} end.

client_loop(Call, Deadline, Calls) ->
    case now_ns() < Deadline of
        true -> Call(Calls), client_loop(Call, Deadline, Calls + 1);
        false -> Calls
    end.

%% ------------------------------------------------------------------ genserver_call

%% A real gen_server (this module's callbacks below), called with gen_server:call/2 (5 s timeout).
genserver_call(Clients, #{genserver_warm_millis := Warm, genserver_millis := Millis, genserver_runs := Runs}) ->
    Values = in_proc(fun() ->
        {ok, Server} = gen_server:start(?MODULE, [], []),
        Call = fun(Request) -> gen_server:call(Server, Request) end,
        calls_run(Call, Clients, Warm),
        Vs = repeat(Runs, fun() -> calls_run(Call, Clients, Millis) end),
        ok = gen_server:stop(Server),
        Vs
    end),
    result("genserver_call_" ++ integer_to_list(Clients), Values, "calls/s").

init([]) -> {ok, echo}.

handle_call(Request, _From, State) -> {reply, Request, State}.

handle_cast(_Request, State) -> {noreply, State}.

%% ------------------------------------------------------------------ skynet

skynet(#{skynet_warm := Warm, skynet := Leaves, skynet_runs := Runs}) ->
    Values = in_proc(fun() ->
        skynet_run(Warm),
        repeat(Runs, fun() -> skynet_run(Leaves) end)
    end),
    result("skynet", Values, "ms").

skynet_run(Leaves) ->
    Self = self(),
    T0 = now_ns(),
    spawn(fun() -> skynet(Self, 0, Leaves) end),
    Sum = receive {sum, S} -> S end,
    Ms = (now_ns() - T0) / 1.0e6,
    Sum = Leaves * (Leaves - 1) div 2,
    Ms.

skynet(Parent, Num, 1) ->
    Parent ! {sum, Num};
skynet(Parent, Num, Size) ->
    Self = self(),
    Sub = Size div 10,
    [spawn(fun() -> skynet(Self, Num + I * Sub, Sub) end) || I <- lists:seq(0, 9)],
    Parent ! {sum, skynet_sum(10, 0)}.

skynet_sum(0, Acc) -> Acc;
skynet_sum(N, Acc) -> receive {sum, S} -> skynet_sum(N - 1, Acc + S) end.

%% ------------------------------------------------------------------ selective_receive

selective_receive(#{selective_junk := Junk, selective_warm_rounds := Warm, selective_rounds := Rounds}) ->
    Server = spawn(fun echo_server/0),
    Values = in_proc(fun() ->
        repeat(Warm, fun() -> selective_round(Server, Junk) end),
        repeat(Rounds, fun() -> selective_round(Server, Junk) end)
    end),
    Server ! stop,
    {Empty, Loaded} = lists:unzip(Values),
    io:format("# selective_receive runtime=beam junk=~b median_ns_empty=~b median_ns_loaded=~b~n",
              [Junk, round(median(Empty)), round(median(Loaded))]),
    Ratio = median(Loaded) / median(Empty),
    io:format("scenario=selective_receive runtime=beam value=~s unit=ratio~n", [format(Ratio, "ratio")]).

%% One call with an empty mailbox, one with Junk unrelated messages queued, then drains them.
selective_round(Server, Junk) ->
    Empty = timed_call(Server),
    send_junk(self(), Junk),
    Loaded = timed_call(Server),
    Junk = drain(0),
    {Empty, Loaded}.

timed_call(Server) ->
    T0 = now_ns(),
    call(Server, req),
    now_ns() - T0.

send_junk(_Self, 0) -> ok;
send_junk(Self, N) -> Self ! {junk, N}, send_junk(Self, N - 1).

drain(N) ->
    receive {junk, _} -> drain(N + 1)
    after 0 -> N
    end.
