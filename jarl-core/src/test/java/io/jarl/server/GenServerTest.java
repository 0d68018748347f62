package io.jarl.server;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GenServer, after OTP's gen_server_SUITE (case names in camelCase). */
@ExtendWith(NoLeakedProcesses.class)
class GenServerTest {

    // ---------------------------------------------------------------- a typed server: a stack

    static final class Stack implements GenServer<List<String>, Stack.Call, Stack.Cast> {
        sealed interface Call {
            record Pop() implements Call, Request<Optional<String>> {}

            record Size() implements Call, Request<Integer> {}
        }

        sealed interface Cast {
            record Push(String item) implements Cast {}
        }

        private final List<String> initial;

        Stack(List<String> initial) {
            this.initial = initial;
        }

        @Override
        public Init<List<String>> init() {
            return Init.ok(initial);
        }

        @Override
        public CallResult<List<String>> handleCall(Call call, From from, List<String> items) {
            return switch (call) {
                case Call.Pop() when items.isEmpty() -> CallResult.reply(Optional.empty(), items);
                case Call.Pop() -> CallResult.reply(Optional.of(items.getFirst()), items.subList(1, items.size()));
                case Call.Size() -> CallResult.reply(items.size(), items);
            };
        }

        @Override
        public Result<List<String>> handleCast(Cast cast, List<String> items) {
            return switch (cast) {
                case Cast.Push(String item) -> Result.noReply(Stream.concat(Stream.of(item), items.stream()).toList());
            };
        }
    }

    @Test
    void typedCallsReturnTheRequestsReplyType() {
        try (var me = attach()) {
            Pid stack = GenServer.startLink(new Stack(List.of("a"))).orElseThrow();
            GenServer.cast(stack, new Stack.Cast.Push("b"));
            int size = GenServer.call(stack, new Stack.Call.Size());
            Optional<String> top = GenServer.call(stack, new Stack.Call.Pop());
            assertThat(size).isEqualTo(2);
            assertThat(top).contains("b");
            GenServer.stop(stack);
            assertThat(stack.isAlive()).isFalse();
        }
    }

    @Test
    void callWorksFromAPlainThread() {
        Pid stack = GenServer.start(new Stack(List.of("x", "y"))).orElseThrow();
        assertThat(GenServer.call(stack, new Stack.Call.Size())).isEqualTo(2);
        assertThat(inProcess()).isFalse();
        GenServer.stop(stack);
    }

    // ---------------------------------------------------------------- a scriptable server

    /** Requests the test server understands; its state is a list of what happened. */
    record Echo(Object value) {}

    record Crash(String why) {}

    record StopWith(ExitReason reason, Object reply) {}

    record StopNoReply(ExitReason reason) {}

    record Later(Duration delay) {}

    record Defer() {}

    record ReplyTo(From from, Object value) {}

    record Block() {}

    record WithTimeout(Duration after) {}

    /** Block, then reply with a timeout. */
    record BlockThenTimeout(Duration after) {}

    /** Tell the observer, then sleep for a minute; an interrupt counts the latch down. */
    record Sleep(CountDownLatch interrupted) {}

    record Continue(Object arg) {}

    record Events() {}

    record Notify(Pid whom) {}

    /** A server that records its callbacks in its state and reports terminate to {@code observer}. */
    static final class Scripted implements GenServer<List<Object>, Object, Object> {
        private final Pid observer;
        private final Init<List<Object>> init;
        private final boolean trapExit;

        Scripted(Pid observer) {
            this(observer, Init.ok(new ArrayList<>()), false);
        }

        Scripted(Pid observer, Init<List<Object>> init, boolean trapExit) {
            this.observer = observer;
            this.init = init;
            this.trapExit = trapExit;
        }

        @Override
        public Init<List<Object>> init() {
            if (trapExit) {
                trapExit(true);
            }
            return init;
        }

        @Override
        public CallResult<List<Object>> handleCall(Object request, From from, List<Object> events) {
            events.add("call " + request);
            return switch (request) {
                case Echo(Object value) -> CallResult.reply(value, events);
                case Crash(String why) -> throw new IllegalStateException(why);
                case StopWith(ExitReason reason, Object reply) -> CallResult.stop(reason, reply, events);
                case StopNoReply(ExitReason reason) -> CallResult.stop(reason, events);
                case Defer() -> {
                    send(observer, new ReplyTo(from, "deferred"));
                    yield CallResult.noReply(events);
                }
                case Later(Duration delay) -> {
                    sendAfter(self(), new ReplyTo(from, "late"), delay);
                    yield CallResult.noReply(events);
                }
                case Block() -> {
                    send(observer, "blocked");
                    receive(m -> m.equals("unblock") ? m : skip());
                    yield CallResult.reply("unblocked", events);
                }
                case WithTimeout(Duration after) -> CallResult.reply("ok", events, Next.timeout(after));
                case BlockThenTimeout(Duration after) -> {
                    send(observer, "blocked");
                    receive(m -> m.equals("unblock") ? m : skip());
                    yield CallResult.reply("unblocked", events, Next.timeout(after));
                }
                case Sleep(CountDownLatch interrupted) -> {
                    send(observer, "sleeping");
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown(); // a process that has ended sends nothing
                    }
                    yield CallResult.reply("slept", events);
                }
                case Continue(Object arg) -> CallResult.reply("ok", events, Next.continueWith(arg));
                case Events() -> CallResult.reply(List.copyOf(events), events);
                default -> CallResult.reply(request, events);
            };
        }

        @Override
        public Result<List<Object>> handleCast(Object request, List<Object> events) {
            events.add("cast " + request);
            return switch (request) {
                case Crash(String why) -> throw new IllegalStateException(why);
                case StopNoReply(ExitReason reason) -> Result.stop(reason, events);
                case Notify(Pid whom) -> {
                    send(whom, List.copyOf(events));
                    yield Result.noReply(events);
                }
                default -> Result.noReply(events);
            };
        }

        @Override
        public Result<List<Object>> handleInfo(Object message, List<Object> events) {
            if (message instanceof ReplyTo(From from, Object value)) {
                GenServer.reply(from, value);
                return Result.noReply(events);
            }
            events.add(message == GenServer.TIMEOUT ? "timeout" : "info " + message);
            if (message == GenServer.TIMEOUT) {
                send(observer, "timed out");
            }
            return Result.noReply(events);
        }

        @Override
        public Result<List<Object>> handleContinue(Object arg, List<Object> events) {
            events.add("continue " + arg);
            return Result.noReply(events);
        }

        @Override
        public void terminate(ExitReason reason, List<Object> events) {
            send(observer, new Terminated(reason));
        }
    }

    record Terminated(ExitReason reason) {}

    // ---------------------------------------------------------------- start

    @Test
    void start() {
        try (var me = attach()) {
            // anonymous, not linked
            Pid a = GenServer.start(new Scripted(self())).orElseThrow();
            assertThat(io.jarl.Jarl.info(a).orElseThrow().links()).isEmpty();
            GenServer.stop(a);
            // linked
            Pid b = GenServer.startLink(new Scripted(self())).orElseThrow();
            assertThat(io.jarl.Jarl.info(b).orElseThrow().links()).contains(me.pid());
            GenServer.stop(b);
            // registered; a second start under the name reports already started
            Pid c = GenServer.start(new Scripted(self()), StartOptions.named("gen_server_test_c")).orElseThrow();
            assertThat(whereis("gen_server_test_c")).contains(c);
            StartResult again = GenServer.start(new Scripted(self()), StartOptions.named("gen_server_test_c"));
            assertThat(again).isEqualTo(new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(c))));
            assertThat(GenServer.call(Name.of("gen_server_test_c"), new Echo(1))).isEqualTo(1);
            GenServer.stop(Name.of("gen_server_test_c"));
            assertThat(whereis("gen_server_test_c")).isEmpty();
            flush();
        }
    }

    /** A minimal via registry: a map, whose entries for dead processes count as free. */
    static final class MapRegistry implements io.jarl.NameRegistry {
        final java.util.concurrent.ConcurrentHashMap<Object, Pid> names = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public boolean registerName(Object key, Pid pid) {
            names.entrySet().removeIf(e -> !e.getValue().isAlive());
            return names.putIfAbsent(key, pid) == null;
        }

        @Override
        public void unregisterName(Object key) {
            names.remove(key);
        }

        @Override
        public Optional<Pid> whereisName(Object key) {
            return Optional.ofNullable(names.get(key));
        }
    }

    /** OTP: start with {via, Module, Name}, and calls, casts and sends through it. */
    @Test
    void startViaARegistry() {
        try (var me = attach()) {
            MapRegistry registry = new MapRegistry();
            io.jarl.Via name = new io.jarl.Via(registry, List.of("stack", 1));
            Pid stack = GenServer.start(new Stack(List.of("a")), StartOptions.via(registry, List.of("stack", 1)))
                    .orElseThrow();
            assertThat(registry.whereisName(List.of("stack", 1))).contains(stack);
            GenServer.cast(name, new Stack.Cast.Push("b"));
            assertThat(GenServer.call(name, new Stack.Call.Size())).isEqualTo(2);
            send(name, "an info message"); // logged by the default handleInfo
            // The name is taken: a second start fails with already_started and leaves nothing running.
            assertThat(GenServer.start(new Stack(List.of()), StartOptions.via(registry, List.of("stack", 1))))
                    .isEqualTo(new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(stack))));
            GenServer.stop(name);
            assertThatThrownBy(() -> GenServer.call(name, new Stack.Call.Size()))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            assertThatThrownBy(() -> send(name, "x")).isInstanceOf(io.jarl.NoSuchNameException.class);
            assertThat(GenServer.receiveResponse(GenServer.sendRequest(name, new Stack.Call.Size()), WAIT))
                    .isEqualTo(new Response.Error(ExitReason.noproc()));
        }
    }

    @Test
    void aFailedInitFreesItsViaName() {
        try (var me = attach()) {
            MapRegistry registry = new MapRegistry();
            StartResult r = GenServer.start(new Scripted(self(), Init.stop(ExitReason.of("no_way")), false),
                    StartOptions.via(registry, "svc"));
            assertThat(r).isEqualTo(new StartResult.Failed(ExitReason.of("no_way")));
            assertThat(registry.names).isEmpty();
        }
    }

    @Test
    void startInitIgnore() {
        try (var me = attach()) {
            StartResult r = GenServer.start(new Scripted(self(), Init.ignore(), false),
                    StartOptions.named("gen_server_test_ignored"));
            assertThat(r).isEqualTo(new StartResult.Ignored());
            assertThat(whereis("gen_server_test_ignored")).isEmpty();
        }
    }

    @Test
    void startInitStopReturnsTheReasonAndFreesTheName() {
        try (var me = attach()) {
            StartResult r = GenServer.start(new Scripted(self(), Init.stop(ExitReason.of("no_way")), false),
                    StartOptions.named("gen_server_test_stopped"));
            assertThat(r).isEqualTo(new StartResult.Failed(ExitReason.of("no_way")));
            assertThat(whereis("gen_server_test_stopped")).isEmpty();
        }
    }

    @Test
    void startInitThrowingFails() {
        try (var me = attach()) {
            StartResult r = GenServer.start(new GenServer<Object, Object, Object>() {
                @Override
                public Init<Object> init() {
                    throw new IllegalArgumentException("bad config");
                }
            });
            assertThat(r).isInstanceOfSatisfying(StartResult.Failed.class, f -> assertThat(f.reason())
                    .isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error()).hasMessage("bad config")));
        }
    }

    @Test
    void startLinkInitFailureWhileTrappingReturnsTheErrorAndLeavesNoExit() {
        try (var me = attach()) {
            trapExit(true);
            StartResult r = GenServer.startLink(new Scripted(self(), Init.stop(ExitReason.of("no_way")), false));
            assertThat(r).isEqualTo(new StartResult.Failed(ExitReason.of("no_way")));
            assertThat(receive(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void startLinkInitFailureKillsACallerThatDoesNotTrap() {
        try (var me = attach()) {
            Ref ref = spawnMonitor(() ->
                    GenServer.startLink(new Scripted(self(), Init.stop(ExitReason.of("no_way")), false))).monitor();
            // As in OTP, the server's exit reaches the linked caller.
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("no_way"));
        }
    }

    @Test
    void startTimeoutKillsTheServer() {
        try (var me = attach()) {
            StartResult r = GenServer.start(new GenServer<Object, Object, Object>() {
                @Override
                public Init<Object> init() {
                    receive(m -> skip()); // never returns
                    return Init.ok("never");
                }
            }, StartOptions.defaults().withTimeout(Duration.ofMillis(50)).withName("gen_server_test_slow"));
            assertThat(r).isEqualTo(new StartResult.Failed(ExitReason.timeout()));
            assertThat(whereis("gen_server_test_slow")).isEmpty();
        }
    }

    @Test
    void startLinkFromAPlainThreadIsRefused() {
        assertThatThrownBy(() -> GenServer.startLink(new Scripted(spawn(() -> {}))))
                .isInstanceOf(io.jarl.NotAProcessException.class);
    }

    // ---------------------------------------------------------------- call, cast, info

    @Test
    void call() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            assertThat(GenServer.call(s, new Echo("hello"))).isEqualTo("hello");
            assertThat(GenServer.call(s, new Echo(42), Duration.ofSeconds(1))).isEqualTo(42);
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void callToDeadOrUnknownServerIsNoproc() {
        try (var me = attach()) {
            assertThatThrownBy(() -> GenServer.call(deadProcess(), new Echo(1)))
                    .isInstanceOfSatisfying(ExitException.class,
                            e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()))
                    .hasMessageContaining("GenServer.call(");
            assertThatThrownBy(() -> GenServer.call(Name.of("gen_server_test_nobody"), new Echo(1)))
                    .isInstanceOfSatisfying(ExitException.class,
                            e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            assertThat(receive(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void aFailedCallExitsWithTheReasonAndTheCallAsGenServerCallDoes() {
        try (var me = attach()) {
            Pid dead = deadProcess();
            // gen_server:call's exit: {noproc, {gen_server, call, [Server, Request, Timeout]}}.
            assertThatThrownBy(() -> GenServer.call(dead, new Echo(1), Duration.ofSeconds(2)))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason()).isEqualTo(
                            ExitReason.callFailed(ExitReason.noproc(), "GenServer.call",
                                    List.of(dead, new Echo(1), Duration.ofSeconds(2)))));
            assertThatThrownBy(() -> GenServer.call(dead, new Echo(1), Duration.ofNanos(Long.MAX_VALUE)))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason())
                            .hasToString("{noproc, {GenServer.call, [" + dead + ", Echo[value=1], infinity]}}"));
        }
    }

    @Test
    void aServerThatStopsNormallyDuringACallCrashesItsCaller() {
        try (var me = attach()) {
            // OTP: the caller exits {normal, {gen_server, call, ...}}, which is abnormal, so the
            // caller's links fire: a server stopping normally does not end its callers quietly.
            trapExit(true);
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            Pid caller = spawnLink(() -> GenServer.call(s, new StopNoReply(ExitReason.normal())));
            Exit exit = awaitExit(caller);
            assertThat(exit.reason()).isInstanceOfSatisfying(ExitReason.CallFailed.class, f -> {
                assertThat(f.reason()).isEqualTo(ExitReason.normal());
                assertThat(f.function()).isEqualTo("GenServer.call");
                assertThat(f.args()).containsExactly(s, new StopNoReply(ExitReason.normal()), Duration.ofSeconds(5));
            });
            assertThat(exit.reason().isAbnormal()).isTrue();
            assertThat(exit.reason().cause()).isEqualTo(ExitReason.normal());
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void callingSelf() {
        try (var me = attach()) {
            Pid observer = self();
            Ref ref = spawnMonitor(() -> {
                try {
                    GenServer.call(self(), new Echo(1));
                } catch (ExitException e) {
                    send(observer, e.reason().cause());
                }
            }).monitor();
            awaitMessage(ExitReason.of("calling_self"));
            awaitDown(ref);
        }
    }

    @Test
    void callTimeoutNeverLeavesALateReply() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            assertThatThrownBy(() -> GenServer.call(s, new Later(Duration.ofMillis(100)), Duration.ofMillis(10)))
                    .isInstanceOfSatisfying(ExitException.class,
                            e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.timeout()))
                    .hasMessageContaining("Later");
            // The server replies later; a call made after that completes in order, so the late
            // reply has been sent by the time this returns.
            GenServer.call(s, new Echo("sync"));
            assertThat(GenServer.call(s, new Events()).toString()).contains("call Later");
            sleepUntilServerReplied(s);
            assertThat(receive(Duration.ZERO)).isEmpty();
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    /** Waits until the server's delayed ReplyTo (sent to itself by a timer) has been handled. */
    private static void sleepUntilServerReplied(Pid s) {
        Ref ref = monitor(s);
        // The timer fires after 100 ms; a Later with a shorter delay queued now is answered after it.
        assertThat(GenServer.call(s, new Later(Duration.ofMillis(150)), Duration.ofSeconds(5))).isEqualTo("late");
        demonitor(ref, true);
    }

    @Test
    void deferredReplyThroughFrom() {
        try (var me = attach()) {
            Pid observer = self();
            Pid s = GenServer.startLink(new Scripted(observer)).orElseThrow();
            Pid replier = spawn(() -> {
                ReplyTo r = await(ReplyTo.class);
                GenServer.reply(r.from(), r.value());
            });
            // The server hands the From to the observer, which passes it on to the replier.
            Pid caller = spawn(() -> send(observer, List.of("result", GenServer.call(s, new Defer()))));
            ReplyTo handed = await(ReplyTo.class);
            send(replier, handed);
            assertThat(awaitMatching("the caller's result", m -> m instanceof List<?>)).isEqualTo(
                    List.of("result", "deferred"));
            awaitDeath(caller);
            awaitDeath(replier);
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void cast() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            GenServer.cast(s, "one");
            GenServer.cast(s, "two");
            GenServer.cast(s, new Notify(self()));
            assertThat(awaitMatching("events", m -> m instanceof List<?>)).isEqualTo(
                    List.of("cast one", "cast two", "cast " + new Notify(self())));
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void castNeverFails() {
        GenServer.cast(deadProcess(), "anything");
        GenServer.cast(Name.of("gen_server_test_nobody"), "anything");
    }

    @Test
    void castFast() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            for (int i = 0; i < 10_000; i++) {
                GenServer.cast(s, i);
            }
            GenServer.cast(s, new Notify(self()));
            List<?> events = (List<?>) awaitMatching("events", m -> m instanceof List<?>);
            assertThat(events).hasSize(10_001);
            assertThat(events.get(9_999)).isEqualTo("cast 9999");
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void info() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            send(s, "plain message");
            assertThat(GenServer.call(s, new Events())).isEqualTo(List.of("info plain message", "call " + new Events()));
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void continueRunsBeforeTheNextMessage() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self(), Init.ok(new ArrayList<>(), Next.continueWith("boot")),
                    false)).orElseThrow();
            GenServer.call(s, new Continue("after call"));
            assertThat(GenServer.call(s, new Events())).isEqualTo(List.of("continue boot",
                    "call " + new Continue("after call"), "continue after call", "call " + new Events()));
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void handleEventTimeout() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            GenServer.call(s, new WithTimeout(Duration.ofMillis(20)));
            awaitMessage("timed out");
            // A message arriving first cancels the timeout.
            GenServer.call(s, new WithTimeout(Duration.ofSeconds(30)));
            assertThat(GenServer.call(s, new Events())).isEqualTo(List.of("call " + new WithTimeout(Duration.ofMillis(20)),
                    "timeout", "call " + new WithTimeout(Duration.ofSeconds(30)), "call " + new Events()));
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void aZeroTimeoutYieldsToAMessageAlreadyQueued() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            // OTP's receive after 0: with the mailbox empty, the timeout comes at once...
            GenServer.call(s, new WithTimeout(Duration.ZERO));
            awaitMessage("timed out");
            // ...with a message queued, the message comes and the timeout is gone.
            RequestId blocked = GenServer.sendRequest(s, new BlockThenTimeout(Duration.ZERO));
            awaitMessage("blocked");
            send(s, "m1");
            send(s, "unblock");
            assertThat(GenServer.receiveResponse(blocked, Duration.ofSeconds(5))).isEqualTo(new Response.Reply("unblocked"));
            assertThat(GenServer.call(s, new Events())).isEqualTo(List.of("call " + new WithTimeout(Duration.ZERO),
                    "timeout", "call " + new BlockThenTimeout(Duration.ZERO), "info m1", "call " + new Events()));
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void aSystemMessageLeavesTheTimeoutInForce() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            GenServer.call(s, new WithTimeout(Duration.ofMillis(200)));
            // OTP: sys answers and the loop goes back to its receive with the same timeout.
            assertThat(Sys.getState(s)).isEqualTo(List.of("call " + new WithTimeout(Duration.ofMillis(200))));
            awaitMessage("timed out");
            assertThat(GenServer.call(s, new Events())).isEqualTo(List.of("call " + new WithTimeout(Duration.ofMillis(200)),
                    "timeout", "call " + new Events()));
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void anIdleServerHoldsNoThread() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            GenServer.call(s, new Echo("hello"));
            // Between two messages a server is a handler process: its state and its mailbox.
            eventually("the server idle, with no stack", () -> Jarl.info(s).orElseThrow().stack().isEmpty()
                    && Jarl.info(s).orElseThrow().status() == io.jarl.ProcessInfo.Status.WAITING);
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void aKillInterruptsACallbackThatSleeps() throws InterruptedException {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            CountDownLatch interrupted = new CountDownLatch(1);
            RequestId call = GenServer.sendRequest(s, new Sleep(interrupted));
            awaitMessage("sleeping");
            exit(s, ExitReason.kill());
            assertThat(GenServer.receiveResponse(call, WAIT)).isEqualTo(new Response.Error(ExitReason.killed()));
            // The sleep ends with the process, as a body process's would.
            assertThat(interrupted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
    }

    // ---------------------------------------------------------------- crash and stop

    @Test
    void crash() {
        try (var me = attach()) {
            trapExit(true);
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            assertThatThrownBy(() -> GenServer.call(s, new Crash("boom")))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause())
                            .isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error()).hasMessage("boom")));
            // terminate ran with the crash, and the link reported it.
            Terminated t = await(Terminated.class);
            assertThat(t.reason()).isInstanceOf(ExitReason.Crash.class);
            assertThat(awaitExit(s).reason()).isEqualTo(t.reason());
        }
    }

    @Test
    void stopReplyThenTerminate() {
        try (var me = attach()) {
            trapExit(true);
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            assertThat(GenServer.call(s, new StopWith(ExitReason.shutdown(), "bye"))).isEqualTo("bye");
            awaitMessage(new Terminated(ExitReason.shutdown()));
            assertThat(awaitExit(s).reason()).isEqualTo(ExitReason.shutdown());
        }
    }

    @Test
    void stopWithoutReplyFailsTheCallerWithTheReason() {
        try (var me = attach()) {
            trapExit(true);
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            assertThatThrownBy(() -> GenServer.call(s, new StopNoReply(ExitReason.of("done"))))
                    .isInstanceOfSatisfying(ExitException.class,
                            e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.of("done")));
            awaitMessage(new Terminated(ExitReason.of("done")));
            awaitExit(s);
        }
    }

    @Test
    void stop1AnonymousNormal() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
            assertThat(s.isAlive()).isFalse();
        }
    }

    @Test
    void stop2WithReason() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            GenServer.stop(s, ExitReason.shutdown(), Duration.ofSeconds(5));
            awaitMessage(new Terminated(ExitReason.shutdown()));
        }
    }

    @Test
    void stop3Registered() {
        try (var me = attach()) {
            GenServer.start(new Scripted(self()), StartOptions.named("gen_server_test_stop3")).orElseThrow();
            GenServer.stop(Name.of("gen_server_test_stop3"));
            awaitMessage(new Terminated(ExitReason.normal()));
            assertThat(whereis("gen_server_test_stop3")).isEmpty();
        }
    }

    @Test
    void stop4DeadOrUnknownIsNoproc() {
        assertThatThrownBy(() -> GenServer.stop(deadProcess()))
                .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
        assertThatThrownBy(() -> GenServer.stop(Name.of("gen_server_test_nobody")))
                .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
    }

    @Test
    void stop5Timeout() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            Pid caller = spawn(() -> GenServer.call(s, new Block(), Duration.ofSeconds(30)));
            // The server is busy in a call; a stop with a short timeout fails with timeout.
            awaitMessage("blocked");
            assertThatThrownBy(() -> GenServer.stop(s, ExitReason.normal(), Duration.ofMillis(20)))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.timeout()));
            send(s, "unblock");
            awaitMessage(new Terminated(ExitReason.normal())); // the stop request was still queued
            awaitDeath(caller);
        }
    }

    @Test
    void terminateRunsOnParentExitWhenTrapping() {
        try (var me = attach()) {
            Pid observer = self();
            Pid[] server = new Pid[1];
            Pid parent = spawn(() -> {
                server[0] = GenServer.startLink(new Scripted(observer, Init.ok(new ArrayList<>()), true)).orElseThrow();
                send(observer, "started");
                receive(m -> skip());
            });
            awaitMessage("started");
            Ref ref = monitor(server[0]);
            exit(parent, ExitReason.shutdown());
            awaitMessage(new Terminated(ExitReason.shutdown()));
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown());
        }
    }

    @Test
    void terminateDoesNotRunOnKill() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self(), Init.ok(new ArrayList<>()), true)).orElseThrow();
            assertThat(kill(s).reason()).isEqualTo(ExitReason.killed());
            assertThat(pollMatching(m -> m instanceof Terminated)).isFalse();
        }
    }

    @Test
    void untrappedExitSignalSkipsTerminate() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            Ref ref = monitor(s);
            exit(s, ExitReason.shutdown());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(pollMatching(m -> m instanceof Terminated)).isFalse();
        }
    }

    // ---------------------------------------------------------------- undefined callbacks

    @Test
    void undefCallbacks() {
        try (var me = attach()) {
            trapExit(true);
            GenServer<String, Object, Object> minimal = () -> Init.ok("state");
            Pid s = GenServer.startLink(minimal).orElseThrow();
            send(s, "an info: logged, not fatal");
            assertThatThrownBy(() -> GenServer.call(s, "a call"))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause())
                            .isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error())
                                    .isInstanceOf(UnsupportedOperationException.class)
                                    .hasMessageContaining("does not implement handleCall")));
            awaitExit(s);

            Pid t = GenServer.startLink(minimal).orElseThrow();
            GenServer.cast(t, "a cast");
            assertThat(awaitExit(t).reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
                    c -> assertThat(c.error()).hasMessageContaining("does not implement handleCast"));
        }
    }

    // ---------------------------------------------------------------- requests in flight

    @Test
    void sendRequest() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            RequestId a = GenServer.sendRequest(s, new Echo("a"));
            RequestId b = GenServer.sendRequest(s, new Echo("b"));
            assertThat(GenServer.receiveResponse(b, WAIT)).isEqualTo(new Response.Reply("b"));
            assertThat(GenServer.waitResponse(a, WAIT)).isEqualTo(new Response.Reply("a"));

            RequestId slow = GenServer.sendRequest(s, new Later(Duration.ofMillis(50)));
            assertThat(GenServer.waitResponse(slow, Duration.ZERO)).isEqualTo(new Response.Timeout());
            assertThat(GenServer.waitResponse(slow, WAIT)).isEqualTo(new Response.Reply("late"));

            RequestId checked = GenServer.sendRequest(s, new Echo("c"));
            Object msg = receive();
            assertThat(GenServer.checkResponse("unrelated", checked)).isEqualTo(new Response.NoReply());
            assertThat(GenServer.checkResponse(msg, checked)).isEqualTo(new Response.Reply("c"));

            RequestId toDead = GenServer.sendRequest(deadProcess(), new Echo("x"));
            assertThat(GenServer.receiveResponse(toDead, WAIT)).isEqualTo(new Response.Error(ExitReason.noproc()));
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
            assertThat(receive(Duration.ZERO)).isEmpty();
        }
    }

    /** OTP: gen_server_SUITE send_request_receive_reqid_collection and friends. */
    @Test
    void requestIdCollections() {
        try (var me = attach()) {
            Pid s = GenServer.startLink(new Scripted(self())).orElseThrow();
            RequestIds<String> ids = RequestIds.empty();
            assertThat(GenServer.receiveResponse(ids, WAIT, true)).isEqualTo(new Responses.NoRequest<String>());

            ids = GenServer.sendRequest(s, new Echo("a"), "first", ids);
            ids = GenServer.sendRequest(s, new Echo("b"), "second", ids);
            ids = GenServer.sendRequest(deadProcess(), new Echo("x"), "dead", ids);
            assertThat(ids.size()).isEqualTo(3);
            assertThat(ids.toList()).extracting(java.util.Map.Entry::getValue).containsExactly("first", "second", "dead");

            java.util.Map<String, Response> got = new java.util.HashMap<>();
            while (ids.size() > 0) {
                Responses<String> r = GenServer.receiveResponse(ids, WAIT, true);
                assertThat(r).isInstanceOf(Responses.Answer.class);
                Responses.Answer<String> a = (Responses.Answer<String>) r;
                got.put(a.label(), a.response());
                ids = a.rest();
            }
            assertThat(got).containsEntry("first", new Response.Reply("a")).containsEntry("second", new Response.Reply("b"))
                    .containsEntry("dead", new Response.Error(ExitReason.noproc()));

            // wait_response keeps the requests at timeout; check_response recognises a reply taken by hand.
            RequestIds<String> slow = GenServer.sendRequest(s, new Later(Duration.ofMillis(50)), "slow", RequestIds.empty());
            assertThat(GenServer.waitResponse(slow, Duration.ZERO, false)).isEqualTo(new Responses.Timeout<String>());
            Object reply = receive(m -> m instanceof io.jarl.internal.Gen.Reply ? m : skip(), WAIT).orElseThrow();
            assertThat(GenServer.checkResponse("unrelated", slow, true)).isEqualTo(new Responses.NoReply<String>());
            assertThat(GenServer.checkResponse(reply, slow, true))
                    .isEqualTo(new Responses.Answer<>(new Response.Reply("late"), "slow", RequestIds.<String>empty()));

            // receive_response abandons the requests at timeout: the late reply never arrives.
            RequestIds<String> abandoned = GenServer.sendRequest(s, new Later(Duration.ofMillis(100)), "late",
                    RequestIds.empty());
            assertThat(GenServer.receiveResponse(abandoned, Duration.ofMillis(5), true))
                    .isEqualTo(new Responses.Timeout<String>());
            sleepUntilServerReplied(s);
            assertThat(receive(Duration.ZERO)).isEmpty();

            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    // ---------------------------------------------------------------- sys

    @Test
    void getStateAndReplaceState() {
        try (var me = attach()) {
            Pid stack = GenServer.start(new Stack(List.of("a", "b"))).orElseThrow();
            assertThat(Sys.getState(stack)).isEqualTo(List.of("a", "b"));
            List<String> replaced = Sys.<List<String>>replaceState(stack, items -> List.of("z"));
            assertThat(replaced).containsExactly("z");
            assertThat(GenServer.call(stack, new Stack.Call.Pop())).contains("z");
            assertThatThrownBy(() -> Sys.<List<String>>replaceState(stack, items -> {
                throw new IllegalStateException("no");
            })).isInstanceOf(ExitException.class);
            assertThat(Sys.getState(stack)).isEqualTo(List.of());
            Sys.Status status = Sys.getStatus(stack);
            assertThat(status.pid()).isEqualTo(stack);
            assertThat(status.mode()).isEqualTo(Sys.Mode.RUNNING);
            GenServer.stop(stack);
        }
    }

    /** OTP: sys:statistics/2 and sys:trace/2 (gen_server_SUITE's debug cases). */
    @Test
    void statisticsAndTrace() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            assertThat(Sys.getStatistics(s)).isEmpty();
            Sys.statistics(s, true);
            GenServer.call(s, new Echo(1));
            GenServer.call(s, new Echo(2));
            GenServer.cast(s, "a cast");
            GenServer.call(s, new Echo(3));
            Sys.Statistics stats = Sys.getStatistics(s).orElseThrow();
            assertThat(stats.messagesIn()).isEqualTo(5); // 3 calls, 1 cast, and this request
            assertThat(stats.messagesOut()).isEqualTo(3);
            assertThat(stats.since()).isBeforeOrEqualTo(stats.now());
            Sys.statistics(s, false);
            assertThat(Sys.getStatistics(s)).isEmpty();

            try (var log = io.jarl.testing.LogCapture.start()) {
                Sys.trace(s, true);
                GenServer.call(s, new Echo("traced"));
                Sys.trace(s, false);
                GenServer.call(s, new Echo("not traced"));
                assertThat(log.linesContaining("*DBG* " + s + " got")).anyMatch(l -> l.contains("traced"));
                assertThat(log.linesContaining("*DBG* " + s + " sent traced to " + self())).hasSize(1);
                assertThat(log.linesContaining("not traced")).isEmpty();
            }
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void suspendAndResume() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            Sys.suspend(s);
            assertThat(Sys.getStatus(s).mode()).isEqualTo(Sys.Mode.SUSPENDED);
            RequestId pending = GenServer.sendRequest(s, new Echo("queued"));
            assertThat(GenServer.waitResponse(pending, Duration.ofMillis(20))).isEqualTo(new Response.Timeout());
            Sys.resume(s);
            assertThat(GenServer.waitResponse(pending, WAIT)).isEqualTo(new Response.Reply("queued"));
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void aSuspendedServerStillObeysItsParentsExitSignal() {
        // OTP: sys's suspend loop handles the parent's EXIT (terminate runs, the server exits).
        try (var me = attach()) {
            trapExit(true);
            Pid s = GenServer.startLink(new Scripted(self(), Init.ok(new ArrayList<>()), true)).orElseThrow();
            Sys.suspend(s);
            exit(s, ExitReason.shutdown());
            awaitMessage(new Terminated(ExitReason.shutdown()));
            assertThat(awaitExit(s).reason()).isEqualTo(ExitReason.shutdown());
        }
    }

    @Test
    void callWithHugeMessageQueue() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            for (int i = 0; i < 100_000; i++) {
                send(self(), i);
            }
            for (int i = 0; i < 1_000; i++) {
                assertThat(GenServer.call(s, new Echo(i))).isEqualTo(i);
            }
            assertThat(io.jarl.Jarl.info(self()).orElseThrow().messageQueueLength()).isEqualTo(100_000);
            flush();
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }

    @Test
    void downOfTheServerDuringACallIsTheCallsFailure() {
        try (var me = attach()) {
            Pid s = GenServer.start(new Scripted(self())).orElseThrow();
            Pid observer = self();
            Pid caller = spawn(() -> {
                try {
                    GenServer.call(s, new Block(), Duration.ofSeconds(30));
                } catch (ExitException e) {
                    send(observer, e.reason().cause());
                }
            });
            awaitMessage("blocked");
            exit(s, ExitReason.of("gone"));
            awaitMessage(ExitReason.of("gone"));
            awaitDeath(caller);
        }
    }

    @Test
    void exitMessageFromANonParentGoesToHandleInfo() {
        try (var me = attach()) {
            // Started without a link, the server is its own parent (as in OTP): an Exit from the
            // process that started it is just a message.
            Pid s = GenServer.start(new Scripted(self(), Init.ok(new ArrayList<>()), true)).orElseThrow();
            exit(s, ExitReason.of("not from the parent"));
            List<?> events = (List<?>) GenServer.call(s, new Events());
            assertThat(events.getFirst()).isEqualTo("info " + new Exit(self(), ExitReason.of("not from the parent")));
            assertThat(Sys.getStatus(s).parent()).isEqualTo(s);
            GenServer.stop(s);
            awaitMessage(new Terminated(ExitReason.normal()));
        }
    }
}
