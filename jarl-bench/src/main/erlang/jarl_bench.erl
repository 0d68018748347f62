%% The BEAM side of Jarl's side-by-side benchmark (io.jarl.bench.BenchMain).
%%
%% BenchMain compiles this file into a temporary directory and runs
%%   erl -noshell +P 4194304 -pa Dir -run jarl_bench main key=value... scenario...
%% where the key=value arguments are the sizes of io.jarl.bench.Sizes (the same numbers the JVM
%% runtimes get) and the scenarios are spawn_1m idle_bytes pingpong ring call_fanin genserver_call
%% skynet selective_receive registry_lookup task_async_await fairness. Each scenario prints
%%   scenario=<name> runtime=beam value=<number> unit=<unit>
%% and "# ..." lines with the individual runs. As on the JVM: one untimed warm-up, then the median
%% of the timed runs.
%%
%% The distributed scenarios (dist_send, dist_call) run between two nodes; for a pair whose
%% receiving side is the BEAM, BenchMain starts
%%   erl -sname R -setcookie C -start_epmd false -noshell -pa Dir -run jarl_bench dist_receiver
%% (ERL_EPMD_PORT set to the pair's private EPMD), which registers the counter and the echo server,
%% prints "# dist_ready node=<its name>" and halts when its standard input ends; for a pair whose
%% sending side is the BEAM, it then starts
%%   erl -sname S ... -run jarl_bench dist_main Pair Peer key=value... scenario...
%% which prints the pair's result lines (runtime=<Pair>). The JVM's side of both is io.jarl.bench.JarlDist.
%%
%% The module is also genserver_call's server: a gen_server that answers every call with its request.
-module(jarl_bench).
-behaviour(gen_server).
-export([main/1, dist_receiver/0, dist_main/1]).
-export([init/1, handle_call/3, handle_cast/2]).

main(Args) ->
    {Opts, Names} = lists:partition(fun(A) -> lists:member($=, A) end, Args),
    Sizes = maps:from_list([parse_opt(O) || O <- Opts]),
    run_and_halt(fun() -> run(Names, Sizes) end).

run_and_halt(Fun) ->
    try
        Fun(),
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
run(["registry_lookup" | Rest], S) ->
    registry_lookup(S),
    run(Rest, S);
run(["task_async_await" | Rest], S) ->
    task_async_await(S),
    run(Rest, S);
run(["fairness" | Rest], S) ->
    fairness(S),
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

format(Value, "bytes") ->
    integer_to_list(round(Value));
format(Value, "ratio") ->
    float_to_list(float(Value), [{decimals, 3}]);
format(Value, Unit) ->
    case lists:suffix("/s", Unit) of
        true -> integer_to_list(round(Value)); % a rate: calls/s, lookups/s, msgs/s
        false -> float_to_list(float(Value), [{decimals, 1}])
    end.

result(Name, Values, Unit) ->
    result("beam", Name, Values, Unit).

%% Runtime is "beam", or the pair a distributed scenario ran on ("beam_beam", "beam_jarl").
result(Runtime, Name, Values, Unit) ->
    runs_note(Runtime, Name, "", Values, Unit),
    io:format("scenario=~s runtime=~s value=~s unit=~s~n", [Name, Runtime, format(median(Values), Unit), Unit]).

%% "# <name> runtime=beam[ <what>] runs=[...] <unit>": every timed run, in order.
runs_note(Name, What, Values, Unit) ->
    runs_note("beam", Name, What, Values, Unit).

runs_note(Runtime, Name, What, Values, Unit) ->
    io:format("# ~s runtime=~s~s runs=[~s] ~s~n",
              [Name, Runtime, What, lists:join(" ", [format(V, Unit) || V <- Values]), Unit]).

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

%% ------------------------------------------------------------------ registry_lookup

%% Elixir's Registry is not in Erlang; underneath, Registry.lookup/2 reads ETS. So the line is an ETS
%% table with the options of a unique Registry's key table (set, public, read_concurrency,
%% write_concurrency), holding {Key, {Pid, Value}} as Elixir's does, each key inserted by the process
%% it names (as Registry.register/3 inserts from the caller), and 16 readers calling ets:lookup/2.
%% Two "#" notes measure the same readers through:
%%   elixir_registry: Registry.lookup/2 itself, in Erlang: the registry's own named table is read for
%%     the key table (ets:lookup_element(Registry, key_info, 2)), then ets:lookup_element(KeyEts, Key, 2);
%%   pg: pg:get_members/2, each key a group that its owner joined.
%% A reader looks up key X rem Keys for the successive X of the Park-Miller generator
%% (X = X * 48271 rem (2^31 - 1), small integers only), seeded with its number, 1 to Readers, and
%% checks every answer; it looks at the clock every ?LOOKUP_BATCH lookups, as on the JVM.
-define(LOOKUP_BATCH, 256).
-define(REGISTRY, jarl_bench_registry).
-define(PG_SCOPE, jarl_bench_pg).

registry_lookup(#{registry_keys := Keys, registry_readers := Readers, registry_warm_millis := Warm,
                  registry_millis := Millis, registry_runs := Runs}) ->
    {Ets, Elixir, Pg} = in_proc(fun() ->
        KeyEts = ets:new(registry_keys, [set, public, {read_concurrency, true}, {write_concurrency, true}]),
        ?REGISTRY = ets:new(?REGISTRY, [set, public, named_table, {read_concurrency, true}]),
        true = ets:insert(?REGISTRY, {key_info, {unique, 1, KeyEts}}),
        {ok, _} = pg:start_link(?PG_SCOPE),
        Scope = ?PG_SCOPE,
        Self = self(),
        Owners = [spawn_monitor(fun() -> registry_owner(Self, KeyEts, Scope, K) end) || K <- lists:seq(0, Keys - 1)],
        wait_ready(Keys),
        Measure = fun(Kind, Table) ->
            lookup_run(Kind, Table, Keys, Readers, Warm),
            repeat(Runs, fun() -> lookup_run(Kind, Table, Keys, Readers, Millis) end)
        end,
        Vs = {Measure(ets, KeyEts), Measure(elixir_registry, ?REGISTRY), Measure(pg, Scope)},
        [Pid ! stop || {Pid, _} <- Owners],
        [receive {'DOWN', Ref, process, Pid, _} -> ok end || {Pid, Ref} <- Owners],
        unlink(whereis(Scope)),
        ok = gen_server:stop(Scope),
        Vs
    end),
    runs_note("registry_lookup", " variant=elixir_registry(Registry.lookup/2 in Erlang: 2 ets lookups)", Elixir, "lookups/s"),
    runs_note("registry_lookup", " variant=pg(pg:get_members/2)", Pg, "lookups/s"),
    result("registry_lookup", Ets, "lookups/s").

registry_owner(Driver, KeyEts, Scope, Key) ->
    true = ets:insert_new(KeyEts, {Key, {self(), Key}}),
    ok = pg:join(Scope, Key, self()),
    Driver ! ready,
    receive stop -> ok end.

%% One timed run: the lookups per second of all readers; returns once the readers have ended.
lookup_run(Kind, Table, Keys, Readers, Millis) ->
    Self = self(),
    Pids = [spawn_monitor(fun() -> lookup_reader(Kind, Table, Keys, Seed, Self) end) || Seed <- lists:seq(1, Readers)],
    T0 = now_ns(),
    Deadline = T0 + Millis * 1000000,
    [P ! {go, Deadline} || {P, _} <- Pids],
    Total = lists:sum([receive {count, C} -> C end || _ <- Pids]),
    Rate = Total * 1.0e9 / (now_ns() - T0),
    [receive {'DOWN', Ref, process, P, normal} -> ok end || {P, Ref} <- Pids],
    Rate.

lookup_reader(Kind, Table, Keys, Seed, Driver) ->
    receive {go, Deadline} -> Driver ! {count, lookup_loop(Kind, Table, Keys, Seed, Deadline, 0)} end.

lookup_loop(Kind, Table, Keys, X, Deadline, N) ->
    case now_ns() < Deadline of
        true ->
            X1 = lookup_batch(Kind, Table, Keys, X, ?LOOKUP_BATCH),
            lookup_loop(Kind, Table, Keys, X1, Deadline, N + ?LOOKUP_BATCH);
        false ->
            N
    end.

lookup_batch(_Kind, _Table, _Keys, X, 0) ->
    X;
lookup_batch(Kind, Table, Keys, X0, I) ->
    X = X0 * 48271 rem 2147483647,
    K = X rem Keys,
    lookup(Kind, Table, K),
    lookup_batch(Kind, Table, Keys, X, I - 1).

lookup(ets, KeyEts, K) ->
    [{K, {_Pid, K}}] = ets:lookup(KeyEts, K);
lookup(elixir_registry, Registry, K) ->
    [{_Pid, K}] = elixir_registry_lookup(Registry, K);
lookup(pg, Scope, K) ->
    [_Pid] = pg:get_members(Scope, K).

%% Elixir's Registry.lookup/2 for a unique registry of one partition (registry.ex: key_info!/1,
%% then lookup_second/3), without its catch of badarg for a registry that goes away meanwhile.
elixir_registry_lookup(Registry, Key) ->
    {unique, _Partitions, KeyEts} = ets:lookup_element(Registry, key_info, 2),
    case ets:lookup_element(KeyEts, Key, 2) of
        {_, _} = Pair -> [Pair];
        _ -> []
    end.

%% ------------------------------------------------------------------ task_async_await

%% Elixir's Task.async/1 and Task.await/2 (lib/elixir/lib/task.ex and task/supervised.ex) in Erlang,
%% with the same messages and process-dictionary entries:
%% - async: describe the owner as {node(), Name | Pid, Pid} (process_info(Pid, registered_name)),
%%   spawn_link a process (no proc_lib: Task.Supervised spawns with spawn_link and keeps $ancestors
%%   itself), make a monitor that is also an alias, erlang:monitor(process, Pid, [{alias, demonitor}])
%%   (its reference is the task's ref), and send the task {OwnerPid, Alias, Alias, Callers, MFA}.
%% - the task: sets $ancestors, receives that message, sets $initial_call and $callers, runs the
%%   function inside try/catch (a failure is logged and re-raised as an exit, as invoke_mfa/2 does),
%%   sends {Ref, Result} to the alias, and exits normal.
%% - await: checks that the caller owns the task, then receives {Ref, Reply}, after which it
%%   demonitors with flush (which also deactivates the alias), or the task's 'DOWN' (exit), or
%%   times out after 5000 ms (Elixir's default), demonitoring too.
%% The owner starts Batch tasks, then awaits them in order (Enum.map(tasks, &Task.await/1)).
-record(task, {pid, ref, owner, mfa}).

task_async_await(#{task_warm := Warm, tasks := N, task_batch := Batch, task_runs := Runs}) ->
    Values = in_proc(fun() ->
        task_run(Warm, Batch),
        repeat(Runs, fun() -> task_run(N, Batch) end)
    end),
    result("task_async_await", Values, "ms").

task_run(N, Batch) ->
    Before = erlang:system_info(process_count),
    T0 = now_ns(),
    Sum = task_batches(0, N, Batch, 0),
    Ms = (now_ns() - T0) / 1.0e6,
    Sum = N * (N - 1),
    wait_for_count(Before), % a task has replied but may not have ended yet
    Ms.

task_batches(First, N, _Batch, Sum) when First >= N ->
    Sum;
task_batches(First, N, Batch, Sum) ->
    Last = min(First + Batch, N) - 1,
    Tasks = [task_async(fun() -> 2 * I end) || I <- lists:seq(First, Last)],
    Results = [task_await(T, 5000) || T <- Tasks],
    task_batches(Last + 1, N, Batch, Sum + lists:sum(Results)).

task_async(Fun) ->
    MFA = {erlang, apply, [Fun, []]},
    Owner = self(),
    OwnerInfo = task_owner(Owner),
    Ancestors = task_ancestors(),
    Pid = spawn_link(fun() -> task_reply(OwnerInfo, Ancestors) end),
    Alias = erlang:monitor(process, Pid, [{alias, demonitor}]),
    Pid ! {Owner, Alias, Alias, task_callers(Owner), MFA},
    #task{pid = Pid, ref = Alias, owner = Owner, mfa = {erlang, apply, 2}}.

task_owner(Pid) ->
    case process_info(Pid, registered_name) of
        {registered_name, Name} when is_atom(Name) -> {node(), Name, Pid};
        _ -> {node(), Pid, Pid}
    end.

task_ancestors() ->
    case get('$ancestors') of
        Ancestors when is_list(Ancestors) -> [self() | Ancestors];
        _ -> [self()]
    end.

task_callers(Owner) ->
    case get('$callers') of
        [_ | _] = Callers -> [Owner | Callers];
        _ -> [Owner]
    end.

task_reply({_Node, _Name, OwnerPid} = Owner, Ancestors) ->
    put('$ancestors', Ancestors),
    receive
        {OwnerPid, Ref, ReplyTo, Callers, {_, _, [Fun, []]} = MFA} ->
            put('$initial_call', erlang:fun_info_mfa(Fun)),
            put('$callers', Callers),
            ReplyTo ! {Ref, task_invoke(Owner, MFA)}
    end.

task_invoke(Owner, {M, F, A} = MFA) ->
    try
        apply(M, F, A)
    catch
        exit:Value:Stack when Value =:= normal; Value =:= shutdown;
                              tuple_size(Value) =:= 2, element(1, Value) =:= shutdown ->
            erlang:raise(exit, Value, Stack);
        Kind:Value:Stack ->
            logger:error("** Task ~p terminating~n** Started from ~p~n** When function == ~p~n** Reason ~p",
                         [self(), element(2, Owner), MFA, {Kind, Value, Stack}]),
            erlang:raise(exit, task_exit_reason(Kind, Value, Stack), Stack)
    end.

task_exit_reason(error, Reason, Stack) -> {Reason, Stack};
task_exit_reason(exit, Reason, _Stack) -> Reason;
task_exit_reason(throw, Reason, Stack) -> {{nocatch, Reason}, Stack}.

task_await(#task{ref = Ref, owner = Owner} = Task, Timeout) ->
    Owner =:= self() orelse error({badarg, {not_the_owner, Task}}),
    receive
        {Ref, Reply} ->
            erlang:demonitor(Ref, [flush]),
            Reply;
        {'DOWN', Ref, _, _Proc, Reason} ->
            exit({Reason, {'Elixir.Task', await, [Task, Timeout]}})
    after Timeout ->
        erlang:demonitor(Ref, [flush]),
        exit({timeout, {'Elixir.Task', await, [Task, Timeout]}})
    end.

%% ------------------------------------------------------------------ dist_send and dist_call

%% Two nodes on loopback; this node is either side of the pair. The terms on the wire are the same
%% whichever runtime the other side is (io.jarl.bench.JarlDist speaks them too):
%% - the counter, registered as jarl_bench_counter on the receiving node: {count, N, Driver} makes it
%%   answer {counting, Counter} and count the next N {msg, I} messages, then send Driver
%%   {counted, N, SumOfI}, which the driver checks;
%% - the echo server, jarl_bench_echo: a gen_server (this module) answering each call with its request.
-define(DIST_COUNTER, jarl_bench_counter).
-define(DIST_ECHO, jarl_bench_echo).
-define(DIST_CALLERS, 16).
-define(DIST_WAIT, 60000).

%% The receiving node: serves until its standard input ends (BenchMain closes it, or dies).
dist_receiver() ->
    run_and_halt(fun() ->
        {ok, _} = gen_server:start({local, ?DIST_ECHO}, ?MODULE, [], []),
        true = register(?DIST_COUNTER, spawn(fun dist_counter/0)),
        io:format("# dist_ready node=~s~n", [node()]),
        wait_for_eof()
    end).

wait_for_eof() ->
    case io:get_line("") of
        eof -> ok;
        {error, _} -> ok;
        _ -> wait_for_eof()
    end.

dist_counter() ->
    receive
        {count, N, Driver} when is_integer(N), N >= 0, is_pid(Driver) ->
            Driver ! {counting, self()},
            Driver ! {counted, N, dist_count(N, 0)},
            dist_counter()
    end.

dist_count(0, Sum) -> Sum;
dist_count(N, Sum) -> receive {msg, I} -> dist_count(N - 1, Sum + I) end.

%% The sending node: Args are the pair (the runtime of the result lines), the receiving node's name,
%% the sizes (key=value) and the scenarios.
dist_main([Pair, Peer | Args]) ->
    {Opts, Names} = lists:partition(fun(A) -> lists:member($=, A) end, Args),
    Sizes = maps:from_list([parse_opt(O) || O <- Opts]),
    PeerNode = list_to_atom(Peer),
    run_and_halt(fun() ->
        true = net_kernel:connect_node(PeerNode) orelse error({cannot_connect, PeerNode}),
        dist_run(Names, Pair, PeerNode, Sizes)
    end).

dist_run([], _Pair, _Peer, _S) ->
    ok;
dist_run(["dist_send" | Rest], Pair, Peer, S) ->
    dist_send(Pair, Peer, S),
    dist_run(Rest, Pair, Peer, S);
dist_run(["dist_call" | Rest], Pair, Peer, S) ->
    dist_call(Pair, Peer, S),
    dist_run(Rest, Pair, Peer, S);
dist_run([Other | _], _Pair, _Peer, _S) ->
    error({unknown_scenario, Other}).

dist_send(Pair, Peer, #{dist_send_warm := Warm, dist_send := N, dist_senders := Senders, dist_send_runs := Runs}) ->
    Values = in_proc(fun() ->
        dist_send_run(Peer, Warm, Senders),
        repeat(Runs, fun() -> dist_send_run(Peer, N, Senders) end)
    end),
    result(Pair, "dist_send", Values, "msgs/s").

%% One run: Senders processes send {msg, I} for I in 0..N-1 (sender K the I with I rem Senders = K)
%% to the counter; the time is from telling them to start until the counter reports all N.
dist_send_run(Peer, N, Senders) ->
    Self = self(),
    {?DIST_COUNTER, Peer} ! {count, N, Self},
    Counter = receive {counting, C} -> C after ?DIST_WAIT -> error({no_counter_on, Peer}) end,
    Pids = [spawn_link(fun() -> receive go -> dist_send_loop(Counter, K, N, Senders) end end)
            || K <- lists:seq(0, Senders - 1)],
    T0 = now_ns(),
    [P ! go || P <- Pids],
    Expected = N * (N - 1) div 2,
    receive
        {counted, N, Expected} -> N * 1.0e9 / (now_ns() - T0);
        {counted, N, Sum} -> error({counted_sum, Sum, expected, Expected})
    after ?DIST_WAIT -> error({counter_did_not_report, N})
    end.

dist_send_loop(_Counter, I, N, _Step) when I >= N ->
    ok;
dist_send_loop(Counter, I, N, Step) ->
    Counter ! {msg, I},
    dist_send_loop(Counter, I + Step, N, Step).

dist_call(Pair, Peer, #{dist_rtt_warm := RttWarm, dist_rtt := Rtt, dist_rtt_runs := RttRuns,
                        dist_call_warm_millis := Warm, dist_call_millis := Millis, dist_call_runs := Runs}) ->
    Echo = {?DIST_ECHO, Peer},
    Rtts = in_proc(fun() ->
        dist_rtt_run(Echo, RttWarm),
        repeat(RttRuns, fun() -> dist_rtt_run(Echo, Rtt) end)
    end),
    result(Pair, "dist_call_rtt", Rtts, "us"),
    Call = fun(Request) -> Request = gen_server:call(Echo, Request) end,
    Rates = in_proc(fun() ->
        calls_run(Call, ?DIST_CALLERS, Warm),
        repeat(Runs, fun() -> calls_run(Call, ?DIST_CALLERS, Millis) end)
    end),
    result(Pair, "dist_call_" ++ integer_to_list(?DIST_CALLERS), Rates, "calls/s").

%% One run: N calls one after the other, each timed; the median round trip in microseconds.
dist_rtt_run(Echo, N) ->
    median([dist_timed_call(Echo, I) || I <- lists:seq(1, N)]).

dist_timed_call(Echo, I) ->
    T0 = now_ns(),
    I = gen_server:call(Echo, I),
    (now_ns() - T0) / 1000.

%% ------------------------------------------------------------------ fairness

%% 2 x schedulers processes compute for Millis with no receive (the BEAM preempts them by
%% reductions) while a pinger sends an echo process one ping a millisecond: the worst round trip
%% of each run, in ms. The BEAM has no dirty processes to spawn from Erlang code, so
%% fairness_dirty is the same measurement (ordinary processes), for the table's comparison.
fairness(#{fairness_millis := Millis, fairness_runs := Runs}) ->
    Hogs = 2 * erlang:system_info(schedulers_online),
    Values = repeat(Runs, fun() -> in_proc(fun() -> fairness_run(Hogs, Millis) end) end),
    result("fairness", Values, "ms"),
    result("fairness_dirty", Values, "ms").

fairness_run(Hogs, Millis) ->
    Start = now_ns(),
    End = Start + Millis * 1000000,
    Echo = spawn(fun pong/0),
    Me = self(),
    Downs = [element(2, spawn_monitor(fun() -> Me ! hog_started, hog(End, 1) end)) || _ <- lists:seq(1, Hogs)],
    Worst = case hogs_started(Hogs, End) of
                true -> fairness_ping(Echo, End, 0);
                false -> now_ns() - Start % as on the JVM: hogs that cannot start are starved too
            end,
    Echo ! stop,
    [receive {'DOWN', R, process, _, _} -> ok end || R <- Downs],
    Worst / 1000000.

hogs_started(0, _End) -> true;
hogs_started(N, End) ->
    Left = max(0, (End - now_ns()) div 1000000),
    receive hog_started -> hogs_started(N - 1, End) after Left -> false end.

hog(End, X) ->
    case now_ns() < End of
        true -> hog(End, hog_round(1000, X));
        false -> X
    end.

hog_round(0, X) -> X;
hog_round(N, X) -> hog_round(N - 1, (X * 6364136223846793005 + 1442695040888963407) band 16#FFFFFFFFFFFFFFFF).

fairness_ping(Echo, End, Worst) ->
    case now_ns() < End of
        false -> Worst;
        true ->
            T0 = now_ns(),
            Echo ! {ping, self()},
            receive pong -> ok end,
            RoundTrip = now_ns() - T0,
            timer:sleep(1),
            fairness_ping(Echo, End, max(Worst, RoundTrip))
    end.
