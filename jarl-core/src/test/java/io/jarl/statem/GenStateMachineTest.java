package io.jarl.statem;

import static io.jarl.Jarl.*;
import static io.jarl.statem.Action.*;
import static io.jarl.statem.Transition.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Address;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.NameRegistry;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.Via;
import io.jarl.internal.Gen;
import io.jarl.server.From;
import io.jarl.server.RequestId;
import io.jarl.server.RequestIds;
import io.jarl.server.Response;
import io.jarl.server.Responses;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.server.Sys;
import io.jarl.statem.CallbackMode.Dispatch;
import io.jarl.statem.SuiteMachine.*;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GenStateMachine, after OTP's gen_statem_SUITE (case names in camelCase). The groups that OTP runs
 * in both callback modes (start, stop, abnormal, sys) are parameterized by {@link Dispatch}; the
 * suite's own machine is {@link SuiteMachine}, its {@code map_statem} is {@link MapMachine}.
 *
 * <p>Timing: no test sleeps. Timeouts that must fire are short and awaited with a bounded wait;
 * timeouts that must not fire are either checked by the order of events (a cancelled short timeout
 * would arrive before a longer one that does fire) or by the running timeouts in
 * {@link MachineStatus}; where OTP sleeps inside the machine to let a timer expire, the machine
 * waits for its own mailbox to hold the timer's message.
 */
@ExtendWith(NoLeakedProcesses.class)
class GenStateMachineTest {

    // ================================================================== helpers (the suite's)

    static void checkState(Address stm, St state) {
        assertThat(GenStateMachine.call(stm, new Get()).state()).isEqualTo(state);
    }

    /** OTP: stop_it/1. */
    static void stopIt(Address stm) {
        assertThat(GenStateMachine.call(stm, new StopIt())).isEqualTo("stopped");
        checkStopped(stm);
    }

    /** OTP: check_stopped/1: a call fails (noproc, or normal if the machine is still exiting). */
    static void checkStopped(Address stm) {
        assertThatThrownBy(() -> GenStateMachine.call(stm, "there_you_are"))
                .isInstanceOf(ExitException.class)
                .hasMessageContaining("GenStateMachine.call(" + stm + ", there_you_are");
    }

    static void verifyEmptyMsgq() {
        assertThat(flush()).isEmpty();
    }

    /** OTP: do_func_test/1, with casts. */
    static void doFuncTest(Address stm) {
        GenStateMachine.cast(stm, new AliveCast(self()));
        awaitMessage("yes");
        doConnect(stm);
        GenStateMachine.cast(stm, new AliveCast(self()));
        awaitMessage("yes");
        for (int i = 0; i < 3; i++) {
            doMsg(stm);
        }
        GenStateMachine.cast(stm, new AliveCast(self()));
        awaitMessage("yes");
        doDisconnect(stm);
        GenStateMachine.cast(stm, new AliveCast(self()));
        RequestId p0 = GenStateMachine.sendRequest(stm, new Alive());
        awaitMessage("yes");
        // OTP also checks wait_response(P0, 0) =:= timeout here, which depends on scheduling.
        assertThat(GenStateMachine.waitResponse(p0, WAIT)).isEqualTo(new Response.Reply("yes"));
        RequestId p1 = GenStateMachine.sendRequest(stm, new Alive());
        Object msg = receive(WAIT).orElseThrow();
        assertThat(GenStateMachine.checkResponse(msg, p0)).isEqualTo(new Response.NoReply());
        assertThat(GenStateMachine.checkResponse(msg, p1)).isEqualTo(new Response.Reply("yes"));
    }

    /** A cast to confirm while a ping waits postponed in wfor_conf: the ping is retried in connected. */
    static void doConnect(Address stm) {
        checkState(stm, St.IDLE);
        GenStateMachine.cast(stm, new ConnectCast(self()));
        awaitMessage("accept");
        checkState(stm, St.WFOR_CONF);
        Ref tag = makeRef();
        GenStateMachine.cast(stm, new Ping(self(), tag));
        GenStateMachine.cast(stm, new Confirm());
        awaitMessage(new Pong(tag));
        checkState(stm, St.CONNECTED);
    }

    static void doMsg(Address stm) {
        checkState(stm, St.CONNECTED);
        Ref ref = makeRef();
        GenStateMachine.cast(stm, new MsgCast(self(), ref));
        awaitMessage(new Ack(ref));
    }

    static void doDisconnect(Address stm) {
        GenStateMachine.cast(stm, new Disconnect());
        checkState(stm, St.IDLE);
    }

    /** OTP: do_sync_func_test/1, with calls. */
    static void doSyncFuncTest(Address stm) {
        assertThat(GenStateMachine.call(stm, new Alive())).isEqualTo("yes");
        doSyncConnect(stm);
        assertThat(GenStateMachine.call(stm, new Alive())).isEqualTo("yes");
        for (int i = 0; i < 3; i++) {
            Ref ref = makeRef();
            assertThat(GenStateMachine.call(stm, new Msg(ref))).isEqualTo(new Ack(ref));
        }
        assertThat(GenStateMachine.call(stm, new Alive())).isEqualTo("yes");
        assertThat(GenStateMachine.call(stm, new Disconnect())).isEqualTo("yes");
        checkState(stm, St.IDLE);
        assertThat(GenStateMachine.call(stm, new Alive())).isEqualTo("yes");
        checkState(stm, St.IDLE);
        assertThat(GenStateMachine.call(stm, new TimeoutCall(Duration.ofMillis(20)))).isEqualTo("ok");
        assertThat(GenStateMachine.call(stm, new Alive())).isEqualTo("yes");
        checkState(stm, St.IDLE);
    }

    static void doSyncConnect(Address stm) {
        checkState(stm, St.IDLE);
        assertThat(GenStateMachine.call(stm, new Connect())).isEqualTo("accept");
        checkState(stm, St.WFOR_CONF);
        Ref tag = makeRef();
        GenStateMachine.cast(stm, new Ping(self(), tag));
        assertThat(GenStateMachine.call(stm, new Confirm())).isEqualTo("yes");
        awaitMessage(new Pong(tag));
        checkState(stm, St.CONNECTED);
    }

    static StartResult alreadyStarted(Pid owner) {
        return new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(owner)));
    }

    /** A via registry: a map whose entries for dead processes count as free (OTP: dummy_via). */
    static final class DummyVia implements NameRegistry {
        final ConcurrentHashMap<Object, Pid> names = new ConcurrentHashMap<>();

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

    /** A call's From made by the test itself, as the suite "abuses the internal format of From". */
    static From fakeFrom() {
        return new From(self(), alias());
    }

    /** A reply sent to a {@link #fakeFrom()}, as it shows in the mailbox. */
    static Object replied(From from, Object value) {
        return new Gen.Reply(from.tag(), value);
    }

    /** Waits until the calling process has at least {@code n} messages queued (no sleeping). */
    static void awaitOwnQueue(int n) {
        Pid me = self();
        eventually("a message in " + me + "'s mailbox",
                () -> io.jarl.Jarl.info(me).orElseThrow().messageQueueLength() >= n);
    }

    // ================================================================== start

    /** Anonymous, linked. (OTP's start_monitor half: Jarl has no startMonitor.) */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start1(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode)).orElseThrow();
            doFuncTest(stm);
            doSyncFuncTest(stm);
            stopIt(stm);
            verifyEmptyMsgq();
        }
    }

    /** Anonymous, not linked, stopped with shutdown. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start2(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode)).orElseThrow();
            doFuncTest(stm);
            doSyncFuncTest(stm);
            assertThat(GenStateMachine.call(stm, new StopWith(ExitReason.shutdown()))).isEqualTo("stopped");
            checkStopped(stm);
            verifyEmptyMsgq();
        }
    }

    /** Anonymous, with a start timeout: an init that does not return in time is killed. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start3(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode), StartOptions.defaults().withTimeout(WAIT))
                    .orElseThrow();
            doFuncTest(stm);
            doSyncFuncTest(stm);
            stopIt(stm);
            assertThat(GenStateMachine.start(new SuiteMachine(mode, new Arg.Sleep(), null),
                    StartOptions.defaults().withTimeout(Duration.ofMillis(20))))
                    .isEqualTo(new StartResult.Failed(ExitReason.timeout()));
            verifyEmptyMsgq();
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start4(Dispatch mode) {
        try (var me = attach()) {
            trapExit(true);
            assertThat(GenStateMachine.start(new SuiteMachine(mode, new Arg.Ignore(), null)))
                    .isEqualTo(new StartResult.Ignored());
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start5a(Dispatch mode) {
        try (var me = attach()) {
            trapExit(true);
            assertThat(GenStateMachine.start(new SuiteMachine(mode, new Arg.Stop(), null)))
                    .isEqualTo(new StartResult.Failed(ExitReason.of("stopped")));
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    /** OTP 26: init returns {error, Reason}: the start fails with the reason, the process exits normal. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start5b(Dispatch mode) {
        try (var me = attach()) {
            trapExit(true);
            assertThat(GenStateMachine.startLink(new SuiteMachine(mode, new Arg.Error("foobar"), null)))
                    .isEqualTo(new StartResult.Failed(ExitReason.of("foobar")));
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    /** Anonymous, linked. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start6(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode)).orElseThrow();
            assertThat(io.jarl.Jarl.info(stm).orElseThrow().links()).contains(me.pid());
            doFuncTest(stm);
            doSyncFuncTest(stm);
            stopIt(stm);
            verifyEmptyMsgq();
        }
    }

    // start7 (global name, linked): Jarl has no global registry yet; the via cases (start10, start12)
    // cover a name held by a registry.

    /** Local name. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start8(Dispatch mode) {
        try (var me = attach()) {
            StartOptions name = StartOptions.named("gen_statem_test_my_stm");
            Pid stm = GenStateMachine.start(new SuiteMachine(mode), name).orElseThrow();
            assertThat(GenStateMachine.start(new SuiteMachine(mode), name)).isEqualTo(alreadyStarted(stm));
            doFuncTest(stm);
            doSyncFuncTest(stm);
            doFuncTest(Name.of("gen_statem_test_my_stm"));
            doSyncFuncTest(Name.of("gen_statem_test_my_stm"));
            stopIt(stm);
            verifyEmptyMsgq();
        }
    }

    /** Local name, linked. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start9(Dispatch mode) {
        try (var me = attach()) {
            StartOptions name = StartOptions.named("gen_statem_test_my_stm");
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode), name).orElseThrow();
            assertThat(GenStateMachine.start(new SuiteMachine(mode), name)).isEqualTo(alreadyStarted(stm));
            doFuncTest(stm);
            doSyncFuncTest(stm);
            doFuncTest(Name.of("gen_statem_test_my_stm"));
            doSyncFuncTest(Name.of("gen_statem_test_my_stm"));
            stopIt(stm);
            verifyEmptyMsgq();
        }
    }

    /** OTP: a global name, not linked; here a via name (Jarl has no global registry yet). */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start10(Dispatch mode) {
        try (var me = attach()) {
            DummyVia registry = new DummyVia();
            Via via = new Via(registry, "my_stm");
            Pid stm = GenStateMachine.start(new SuiteMachine(mode), StartOptions.via(registry, "my_stm")).orElseThrow();
            assertThat(GenStateMachine.start(new SuiteMachine(mode), StartOptions.via(registry, "my_stm")))
                    .isEqualTo(alreadyStarted(stm));
            assertThat(GenStateMachine.startLink(new SuiteMachine(mode), StartOptions.via(registry, "my_stm")))
                    .isEqualTo(alreadyStarted(stm));
            doFuncTest(stm);
            doSyncFuncTest(stm);
            doFuncTest(via);
            doSyncFuncTest(via);
            stopIt(via);
            verifyEmptyMsgq();
        }
    }

    /** Stop registered processes, and start again under the same names. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start11(Dispatch mode) {
        try (var me = attach()) {
            StartOptions local = StartOptions.named("gen_statem_test_my_stm");
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode), local).orElseThrow();
            stopIt(stm);
            GenStateMachine.startLink(new SuiteMachine(mode), local).orElseThrow();
            stopIt(Name.of("gen_statem_test_my_stm"));

            DummyVia registry = new DummyVia();
            Pid stm2 = GenStateMachine.start(new SuiteMachine(mode), StartOptions.via(registry, "my_stm")).orElseThrow();
            stopIt(stm2);
            awaitDeath(stm2);
            GenStateMachine.start(new SuiteMachine(mode), StartOptions.via(registry, "my_stm")).orElseThrow();
            stopIt(new Via(registry, "my_stm"));
            verifyEmptyMsgq();
        }
    }

    /** Via name, linked. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void start12(Dispatch mode) {
        try (var me = attach()) {
            DummyVia registry = new DummyVia();
            Via via = new Via(registry, "my_stm");
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode), StartOptions.via(registry, "my_stm"))
                    .orElseThrow();
            assertThat(GenStateMachine.startLink(new SuiteMachine(mode), StartOptions.via(registry, "my_stm")))
                    .isEqualTo(alreadyStarted(stm));
            assertThat(GenStateMachine.start(new SuiteMachine(mode), StartOptions.via(registry, "my_stm")))
                    .isEqualTo(alreadyStarted(stm));
            doFuncTest(stm);
            doSyncFuncTest(stm);
            doFuncTest(via);
            doSyncFuncTest(via);
            stopIt(via);
            verifyEmptyMsgq();
        }
    }

    /** The order of several inserted events: handled first, in the order given. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void nextEvents(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode)).orElseThrow();
            GenStateMachine.cast(stm, new NextEvents());
            assertThat(GenStateMachine.call(stm, new Get())).isEqualTo(new Report(St.NEXT_EVENTS, List.of()));
            GenStateMachine.stop(stm);
            assertThat(stm.isAlive()).isFalse();
            assertThatThrownBy(() -> GenStateMachine.stop(stm))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
        }
    }

    // ================================================================== stop

    /** Anonymous, reason normal; a second stop is noproc. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void stop1(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode, new Arg.Normal(), self())).orElseThrow();
            GenStateMachine.stop(stm);
            assertThat(stm.isAlive()).isFalse();
            awaitMessage(new Terminated(ExitReason.normal(), St.IDLE, "data"));
            assertThatThrownBy(() -> GenStateMachine.stop(stm))
                    .isInstanceOfSatisfying(ExitException.class, e -> {
                        assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc());
                        assertThat(e).hasMessageContaining("GenStateMachine.stop(" + stm);
                    });
        }
    }

    /** Anonymous, another reason. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void stop2(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode, new Arg.Normal(), self())).orElseThrow();
            Ref ref = monitor(stm);
            GenStateMachine.stop(stm, ExitReason.of("other_reason"), GenStateMachine.INFINITY);
            assertThat(stm.isAlive()).isFalse();
            awaitMessage(new Terminated(ExitReason.of("other_reason"), St.IDLE, "data"));
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("other_reason"));
        }
    }

    /** Anonymous, invalid timeout: refused before the machine is touched. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void stop3(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode)).orElseThrow();
            assertThatThrownBy(() -> GenStateMachine.stop(stm, ExitReason.of("other_reason"), Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(stm.isAlive()).isTrue();
            GenStateMachine.stop(stm);
            assertThat(stm.isAlive()).isFalse();
        }
    }

    /** Registered name. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void stop4(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode), StartOptions.named("gen_statem_test_to_stop"))
                    .orElseThrow();
            GenStateMachine.stop(Name.of("gen_statem_test_to_stop"));
            assertThat(stm.isAlive()).isFalse();
            assertThatThrownBy(() -> GenStateMachine.stop(Name.of("gen_statem_test_to_stop")))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
        }
    }

    // stop5 ({Name, node()}), stop6 (global name), stop8, stop9 and stop10 (machines on a remote node)
    // need names qualified by node and distribution: not in jarl-core.

    /** Via name. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void stop7(Dispatch mode) {
        try (var me = attach()) {
            DummyVia registry = new DummyVia();
            Via via = new Via(registry, "to_stop");
            Pid stm = GenStateMachine.start(new SuiteMachine(mode), StartOptions.via(registry, "to_stop")).orElseThrow();
            GenStateMachine.stop(via);
            assertThat(stm.isAlive()).isFalse();
            assertThatThrownBy(() -> GenStateMachine.stop(via))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
        }
    }

    // ================================================================== abnormal

    /**
     * Timeouts in calls: a reply in time is returned; a call that times out throws {@code timeout},
     * and the reply sent after it never reaches the caller (OTP's abnormal1clean and abnormal1dirty:
     * in Jarl every call is "clean", its alias dropped before it gives up).
     */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void abnormal1(Dispatch mode) {
        try (var me = attach()) {
            Name name = Name.of("gen_statem_test_abnormal1");
            GenStateMachine.start(new SuiteMachine(mode), StartOptions.named(name.value())).orElseThrow();
            assertThat(GenStateMachine.call(name, new DelayedAnswer(Duration.ofMillis(10)), WAIT)).isEqualTo("delayed");
            assertThatThrownBy(() -> GenStateMachine.call(name, new Hold(), Duration.ofMillis(20)))
                    .isInstanceOfSatisfying(ExitException.class, e -> {
                        assertThat(e.reason().cause()).isEqualTo(ExitReason.timeout());
                        assertThat(e).hasMessageContaining("GenStateMachine.call(" + name + ", Hold[], PT0.02S)");
                    });
            send(name, new Release()); // the machine replies to the call that gave up...
            assertThat(GenStateMachine.call(name, new Alive())).isEqualTo("yes"); // ...before it answers this
            verifyEmptyMsgq();
            GenStateMachine.stop(name);
        }
    }

    /** A bad return value (null) makes the machine crash; the caller and the linked parent see why. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void abnormal2(Dispatch mode) {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode)).orElseThrow();
            ExitReason bad = ExitReason.of(new BadReturn("bad_return_from_state_function", "null"));
            assertThatThrownBy(() -> GenStateMachine.call(stm, new BadReturnCall()))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(bad));
            assertThat(awaitExit(stm).reason()).isEqualTo(bad);
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    /**
     * A bad action makes the machine crash. Most of OTP's bad actions cannot be written in Java's
     * types; the one left is an action a state enter call may not return (postpone, next_event).
     */
    @Test
    void abnormal3() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new MapMachine(() -> Init.ok("start", "undefined"), Map.of(
                    "start", (type, content, data) -> switch (type) {
                        case EventType.Enter() -> keepStateAndData();
                        case EventType.Call(From from) -> nextState("bad", data, reply(from, "going"));
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "bad", (type, content, data) -> switch (type) {
                        case EventType.Enter() -> keepStateAndData(postpone());
                        default -> MapMachine.unexpected(type, content, data);
                    }), true)).orElseThrow();
            assertThat(GenStateMachine.call(stm, "badaction")).isEqualTo("going");
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.of(
                    new BadReturn("bad_state_enter_action_from_state_function", postpone())));
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    /** A bad timeout action (a negative time) makes the machine crash with a precise reason. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void abnormal4(Dispatch mode) {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode)).orElseThrow();
            assertThatThrownBy(() -> GenStateMachine.call(stm, new BadTimeout()))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause())
                            .isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error())
                                    .isInstanceOf(IllegalArgumentException.class)
                                    .hasMessageContaining("negative timeout")));
            awaitExit(stm);
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    // ================================================================== single cases

    @Test
    void shutdown() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new SuiteMachine(Dispatch.STATE_FUNCTIONS)).orElseThrow();
            doFuncTest(stm);
            doSyncFuncTest(stm);
            assertThat(GenStateMachine.call(stm, new StopWith(ExitReason.shutdown("reason")))).isEqualTo("stopped");
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.shutdown("reason"));
            trapExit(false);
            assertThatThrownBy(() -> GenStateMachine.call(stm, "hej"))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            verifyEmptyMsgq();
        }
    }

    /** A machine whose init is given as a function (OTP's {ets, InitResult} start argument). */
    record InitOnly(InitFunction body) implements GenStateMachine<Object, Object> {
        @FunctionalInterface
        interface InitFunction {
            Init<Object, Object> init() throws Exception;
        }

        @Override
        public Init<Object, Object> init() throws Exception {
            return body.init();
        }

        @Override
        public CallbackMode callbackMode() {
            return CallbackMode.handleEventFunction();
        }
    }

    /** Failed starts, again and again, linked and not: nothing is left behind, not even an Exit. */
    @Test
    void loopStartFail() {
        try (var me = attach()) {
            trapExit(true);
            record Case(InitOnly.InitFunction init, Optional<Duration> timeout, StartResult expected) {}
            List<Case> cases = List.of(
                    new Case(() -> Init.stop(ExitReason.of("failed_to_start")), Optional.empty(),
                            new StartResult.Failed(ExitReason.of("failed_to_start"))),
                    new Case(Init::ignore, Optional.empty(), new StartResult.Ignored()),
                    new Case(() -> null, Optional.empty(),
                            new StartResult.Failed(ExitReason.of(new BadReturn("bad_return_from_init", "null")))),
                    new Case(() -> {
                        throw exit(ExitReason.of("bailout"));
                    }, Optional.empty(), new StartResult.Failed(ExitReason.of("bailout"))),
                    new Case(() -> {
                        receive(m -> skip());
                        return Init.ok("never", "reached");
                    }, Optional.of(Duration.ofMillis(20)), new StartResult.Failed(ExitReason.timeout())));
            for (boolean link : List.of(false, true)) {
                for (Case c : cases) {
                    for (int i = 0; i < 5; i++) {
                        StartOptions options = c.timeout().map(StartOptions.defaults()::withTimeout)
                                .orElse(StartOptions.defaults());
                        StartResult result = link
                                ? GenStateMachine.startLink(new InitOnly(c.init()), options)
                                : GenStateMachine.start(new InitOnly(c.init()), options);
                        assertThat(result).isEqualTo(c.expected());
                    }
                }
                // {crash, error, bailout}: an exception thrown by init
                StartResult crashed = link
                        ? GenStateMachine.startLink(new InitOnly(() -> {
                            throw new IllegalStateException("bailout");
                        }))
                        : GenStateMachine.start(new InitOnly(() -> {
                            throw new IllegalStateException("bailout");
                        }));
                assertThat(crashed).isInstanceOfSatisfying(StartResult.Failed.class, f -> assertThat(f.reason())
                        .isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error()).hasMessage("bailout")));
            }
            verifyEmptyMsgq();
        }
    }

    /** stop_and_reply: the replies go out, in order, before the machine exits. */
    @Test
    void stopAndReply() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new MapMachine(() -> Init.ok("start", "undefined"), Map.of(
                    "start", (type, content, data) -> switch (type) {
                        case EventType.Cast() when content instanceof List<?> l && l.getFirst().equals("echo") ->
                                nextState("wait", reply((From) l.get(1), l.get(2)));
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "wait", (type, content, data) -> switch (type) {
                        case EventType.Cast() when content instanceof List<?> l && l.getFirst().equals("stop_and_reply") ->
                                Transition.stopAndReply((ExitReason) l.get(1), (Action.Reply) data, reply((From) l.get(2), l.get(3)));
                        default -> MapMachine.unexpected(type, content, data);
                    }))).orElseThrow();
            From from1 = fakeFrom();
            GenStateMachine.cast(stm, List.of("echo", from1, "reply1"));
            From from2 = fakeFrom();
            GenStateMachine.cast(stm, List.of("stop_and_reply", ExitReason.of("reason"), from2, "reply2"));
            Exit exit = awaitExit(stm);
            assertThat(exit.reason()).isEqualTo(ExitReason.of("reason"));
            assertThat(flush()).containsExactly(replied(from1, "reply1"), replied(from2, "reply2"));
            assertThatThrownBy(() -> GenStateMachine.call(stm, "hej"))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            verifyEmptyMsgq();
        }
    }

    /** What the state_enter machine tells the test (OTP: {@code Self ! {N, ...}} and replies to {@code {Self, N}}). */
    record Seen(int n, Object what) {}

    /**
     * State enter calls: the first state's, on every change of state, again on repeat_state (from
     * an event or from an enter call), never on keep_state; zero timeouts set by enter calls fire
     * after them, event timeout first.
     */
    @Test
    void stateEnter() {
        try (var me = attach()) {
            trapExit(true);
            Pid test = self();
            Map<Object, StateFunction<Object, Object>> states = Map.of(
                    "start", (type, content, data) -> {
                        int n = (Integer) data;
                        return switch (type) {
                            case EventType.Enter() -> {
                                send(test, new Seen(n, List.of("enter", "start", content)));
                                yield keepState(n + 1);
                            }
                            case EventType.Internal() -> {
                                send(test, new Seen(n, List.of("internal", "start", content)));
                                yield keepState(n + 1);
                            }
                            case EventType.Call(From from) when content.equals("repeat") ->
                                    repeatState(n + 1, reply(from, List.of(n, "repeat", "start")));
                            case EventType.Call(From from) when content.equals("echo") -> nextState("wait", n + 1,
                                    reply(from, List.of(n, "echo", "start")), eventTimeout(Duration.ZERO, n));
                            case EventType.Call(From from) when content instanceof ExitReason reason ->
                                    Transition.stopAndReply(reason, List.of(reply(from, List.of(n, "stop"))), n + 1);
                            default -> MapMachine.unexpected(type, content, data);
                        };
                    },
                    "wait", (type, content, data) -> {
                        int n = (Integer) data;
                        return switch (type) {
                            case EventType.Enter() when n < 5 -> {
                                send(test, new Seen(n, List.of("enter", content)));
                                yield repeatState(n + 1, eventTimeout(Duration.ZERO, n), Action.stateTimeout(Duration.ZERO, n));
                            }
                            case EventType.Enter() -> {
                                send(test, new Seen(n, List.of("enter", "wait", content)));
                                yield keepState(n + 1, eventTimeout(Duration.ZERO, n), Action.stateTimeout(Duration.ZERO, n));
                            }
                            case EventType.Timeout() -> {
                                send(test, new Seen(n, List.of("timeout", content)));
                                yield keepState(n + 1);
                            }
                            case EventType.StateTimeout() -> {
                                send(test, new Seen(n, List.of("state_timeout", content)));
                                yield keepState(n + 1);
                            }
                            case EventType.Call(From from) when content.equals("repeat") ->
                                    repeatStateAndData(reply(from, List.of(n, "repeat", "wait")), eventTimeout(Duration.ZERO, n));
                            case EventType.Call(From from) when content.equals("echo") -> nextState("start", n + 1,
                                    nextEvent(EventType.INTERNAL, "wait"), reply(from, List.of(n, "echo", "wait")));
                            default -> MapMachine.unexpected(type, content, data);
                        };
                    });
            Pid stm = GenStateMachine.startLink(new MapMachine(() -> Init.ok("start", 1), states, true)).orElseThrow();

            awaitMessage(new Seen(1, List.of("enter", "start", "start")));
            assertThat(GenStateMachine.call(stm, "echo")).isEqualTo(List.of(2, "echo", "start"));
            awaitMessage(new Seen(3, List.of("enter", "start")));
            awaitMessage(new Seen(4, List.of("enter", "start")));
            awaitMessage(new Seen(5, List.of("enter", "wait", "start")));
            awaitMessage(new Seen(6, List.of("timeout", 5)));
            awaitMessage(new Seen(7, List.of("state_timeout", 5)));
            assertThat(Sys.getState(stm)).isEqualTo(new StateAndData<>("wait", 8));
            assertThat(GenStateMachine.call(stm, "repeat")).isEqualTo(List.of(8, "repeat", "wait"));
            awaitMessage(new Seen(8, List.of("enter", "wait", "wait")));
            awaitMessage(new Seen(9, List.of("timeout", 8)));
            awaitMessage(new Seen(10, List.of("state_timeout", 8)));
            assertThat(GenStateMachine.call(stm, "echo")).isEqualTo(List.of(11, "echo", "wait"));
            awaitMessage(new Seen(12, List.of("enter", "start", "wait")));
            awaitMessage(new Seen(13, List.of("internal", "start", "wait")));
            assertThat(GenStateMachine.call(stm, "repeat")).isEqualTo(List.of(14, "repeat", "start"));
            awaitMessage(new Seen(15, List.of("enter", "start", "start")));
            assertThat(GenStateMachine.call(stm, ExitReason.of("bye"))).isEqualTo(List.of(16, "stop"));
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.of("bye"));
            assertThatThrownBy(() -> GenStateMachine.call(stm, "hej"))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            verifyEmptyMsgq();
        }
    }

    /**
     * Event order: postponed casts are retried after the inserted events; a zero event timeout is
     * cancelled by them; replies of one result go out in order.
     */
    @Test
    void eventOrder() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new MapMachine(() -> Init.ok("start", "undefined"), Map.of(
                    "start", (type, content, data) -> switch (type) {
                        case EventType.Cast() -> keepStateAndData(postpone()); // handled in buffer
                        case EventType.Call(From from) when content instanceof List<?> tags -> nextState("buffer", List.of(),
                                nextEvent(EventType.INTERNAL, reply((From) tags.get(0), "ok3")),
                                nextEvent(EventType.INTERNAL, reply((From) tags.get(1), "ok4")),
                                // must not fire: the inserted and the postponed events cancel it
                                eventTimeout(Duration.ZERO, reply((From) tags.get(2), "ok5")),
                                reply(from, "ok"));
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "buffer", (type, content, data) -> {
                        @SuppressWarnings("unchecked")
                        List<Action> replies = (List<Action>) data;
                        return switch (type) {
                            case EventType.Internal(), EventType.Timeout(), EventType.Cast() -> {
                                List<Action> more = new ArrayList<>(replies);
                                more.add((Action) content);
                                yield keepState(List.copyOf(more));
                            }
                            case EventType.Call(From from) when content instanceof ExitReason reason -> {
                                List<Action> actions = new ArrayList<>(replies);
                                actions.add(reply(from, "ok"));
                                actions.add(nextEvent(EventType.INTERNAL, stop(reason)));
                                yield nextState("stop", "undefined", actions);
                            }
                            default -> MapMachine.unexpected(type, content, data);
                        };
                    },
                    "stop", (type, content, data) -> switch (type) {
                        case EventType.Internal() -> {
                            @SuppressWarnings("unchecked")
                            Transition<Object, Object> result = (Transition<Object, Object>) content;
                            yield result;
                        }
                        default -> MapMachine.unexpected(type, content, data);
                    }))).orElseThrow();
            From from1 = fakeFrom();
            GenStateMachine.cast(stm, reply(from1, "ok1"));
            From from2 = fakeFrom();
            GenStateMachine.cast(stm, reply(from2, "ok2"));
            From from3 = fakeFrom();
            From from4 = fakeFrom();
            From from5 = fakeFrom();
            assertThat(GenStateMachine.call(stm, List.of(from3, from4, from5))).isEqualTo("ok");
            assertThat(GenStateMachine.call(stm, ExitReason.of("reason"))).isEqualTo("ok");
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.of("reason"));
            assertThat(flush()).containsExactly(replied(from3, "ok3"), replied(from4, "ok4"), replied(from1, "ok1"),
                    replied(from2, "ok2"));
            assertThatThrownBy(() -> GenStateMachine.call(stm, "hej"))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            verifyEmptyMsgq();
        }
    }

    record TimeFrom(Duration time, From from) {}

    record Step(int n, Object data) {}

    /**
     * State timeouts: cancelled by a change of state; a zero one comes after the inserted events and
     * cancels a pending zero event timeout; zero timeouts fire in order; a state timeout may be
     * restarted; a state timeout that does fire ends the test. A cancelled timeout firing would
     * arrive in a state that does not expect it and crash the machine.
     */
    @Test
    void stateTimeout() {
        try (var me = attach()) {
            trapExit(true);
            Duration time = Duration.ofMillis(50);
            Pid stm = GenStateMachine.startLink(new MapMachine(() -> Init.ok("start", 0), Map.of(
                    "start", (type, content, data) -> switch (type) {
                        case EventType.Call(From from) when content instanceof Duration t -> {
                            send(self(), "message_to_self");
                            yield nextState("state1", new TimeFrom(t, from),
                                    // internal events go before external ones
                                    eventTimeout(t, 1), Action.stateTimeout(t, 1), nextEvent(EventType.INTERNAL, 1));
                        }
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "state1", (type, content, data) -> switch (type) {
                        // a change of state cancels timeout 1
                        case EventType.Internal() when content.equals(1) -> nextState("state2", data,
                                eventTimeout(Duration.ZERO, 2), Action.stateTimeout(Duration.ZERO, 2), nextEvent(EventType.INTERNAL, 2));
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "state2", (type, content, data) -> switch (type) {
                        // the zero state timeout comes after the inserted event; the zero event
                        // timeout is cancelled by the pending zero state timeout
                        case EventType.Internal() when content.equals(2) ->
                                keepState(new Step(2, data), eventTimeout(Duration.ZERO, 3));
                        // zero timeouts are handled in order
                        case EventType.StateTimeout() when content.equals(2) && data instanceof Step(int n, Object d) && n == 2 ->
                                keepState(new Step(3, d), eventTimeout(Duration.ZERO, 4), Action.stateTimeout(Duration.ZERO, 5));
                        // a zero event timeout is cancelled by a zero state timeout event, and a
                        // zero state timeout can be restarted
                        case EventType.Timeout() when content.equals(4) && data instanceof Step(int n, Object d) && n == 3 ->
                                keepState(new Step(4, d), Action.stateTimeout(Duration.ZERO, 6), eventTimeout(Duration.ZERO, 7));
                        case EventType.StateTimeout() when content.equals(6)
                                && data instanceof Step(int n, TimeFrom(Duration t, From from)) && n == 4 ->
                                nextState("state3", 6, reply(from, "ok"), Action.stateTimeout(t, 8));
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "state3", (type, content, data) -> switch (type) {
                        case EventType.Info() when content.equals("message_to_self") && data.equals(6) -> keepState(7);
                        case EventType.Call(From from) when content.equals("check") && data.equals(7) -> keepState(from);
                        case EventType.StateTimeout() when content.equals(8) && data instanceof From from ->
                                Transition.stopAndReply(ExitReason.normal(), reply(from, "ok"));
                        default -> MapMachine.unexpected(type, content, data);
                    }))).orElseThrow();
            assertThat(GenStateMachine.call(stm, time)).isEqualTo("ok");
            assertThat(GenStateMachine.call(stm, "check")).isEqualTo("ok");
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.normal());
            verifyEmptyMsgq();
        }
    }

    /**
     * Cancelling and updating timeouts (OTP 22.1): a cancelled state timeout does not fire; updating
     * a running generic timeout changes its content; updating a state timeout whose timer already
     * expired (its message queued) delivers the new content; the running timeouts show in the status.
     */
    @Test
    void timeoutCancelAndUpdate() {
        try (var me = attach()) {
            trapExit(true);
            Duration t17 = Duration.ofMillis(17);
            EventType.GenericTimeout a = EventType.genericTimeout("a");
            Pid stm = GenStateMachine.startLink(new MapMachine(() -> Init.ok("start", 0), Map.of(
                    "start", (type, content, data) -> switch (type) {
                        case EventType.Call(From from) when content.equals("test") -> {
                            send(self(), "message_to_self");
                            yield nextState("state1", from, Action.stateTimeout(t17, 1), nextEvent(EventType.INTERNAL, 1));
                        }
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "state1", (type, content, data) -> switch (type) {
                        case EventType.Internal() when content.equals(1) ->
                                keepStateAndData(cancelTimeout(EventType.STATE_TIMEOUT), genericTimeout("a", t17, 1));
                        case EventType.Info() when content.equals("message_to_self") ->
                                keepStateAndData(updateTimeout(a, "a"));
                        case EventType.GenericTimeout(Object name) when name.equals("a") && content.equals("a") ->
                                nextState("state2", data, Action.stateTimeout(t17, 2), nextEvent(EventType.INTERNAL, 2));
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "state2", (type, content, data) -> switch (type) {
                        case EventType.Internal() when content.equals(2) -> {
                            // OTP sleeps 50 ms here; the state timeout's message is now queued
                            awaitOwnQueue(1);
                            yield keepStateAndData(updateTimeout(EventType.STATE_TIMEOUT, "b"), eventTimeout(t17, 2));
                        }
                        case EventType.StateTimeout() when content.equals("b") ->
                                nextState("state3", 3, reply((From) data, "ok"), eventTimeout(Duration.ofSeconds(17), 17000));
                        default -> MapMachine.unexpected(type, content, data);
                    },
                    "state3", (type, content, data) -> switch (type) {
                        case EventType.Call(From from) when content.equals("stop") && data.equals(3) ->
                                Transition.stopAndReply(ExitReason.normal(), reply(from, "ok"));
                        default -> MapMachine.unexpected(type, content, data);
                    }))).orElseThrow();
            assertThat(GenStateMachine.call(stm, "test")).isEqualTo("ok");
            Sys.Status status = Sys.getStatus(stm);
            assertThat(status.state()).isInstanceOfSatisfying(MachineStatus.class, s -> assertThat(s.timeouts())
                    .containsExactly(new Event(EventType.TIMEOUT, 17000)));
            assertThat(GenStateMachine.call(stm, "stop")).isEqualTo("ok");
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.normal());
            verifyEmptyMsgq();
        }
    }

    /** Every event type but enter can be inserted with next_event. */
    @Test
    void eventTypes() {
        try (var me = attach()) {
            trapExit(true);
            Map<Object, StateFunction<Object, Object>> states = new java.util.HashMap<>();
            states.put("start1", (type, content, data) -> type.equals(EventType.INTERNAL) && content.equals(0)
                    ? nextState("start2", data) : MapMachine.unexpected(type, content, data));
            states.put("start2", (type, content, data) -> type instanceof EventType.Call
                    ? nextState("state1", data,
                            nextEvent(EventType.INTERNAL, 1),
                            nextEvent(EventType.STATE_TIMEOUT, 2),
                            nextEvent(EventType.TIMEOUT, 3),
                            nextEvent(EventType.INFO, 4),
                            nextEvent(EventType.CAST, 5),
                            nextEvent(EventType.genericTimeout(6), 6),
                            nextEvent(type, content))
                    : MapMachine.unexpected(type, content, data));
            List<EventType> order = List.of(EventType.INTERNAL, EventType.STATE_TIMEOUT, EventType.TIMEOUT,
                    EventType.INFO, EventType.CAST, EventType.genericTimeout(6));
            for (int i = 0; i < order.size(); i++) {
                EventType expected = order.get(i);
                int n = i + 1;
                String next = "state" + (n + 1);
                states.put("state" + n, (type, content, data) -> type.equals(expected) && content.equals(n)
                        ? nextState(next, data) : MapMachine.unexpected(type, content, data));
            }
            states.put("state7", (type, content, data) -> type instanceof EventType.Call(From from) && content.equals("stop")
                    ? Transition.stopAndReply(ExitReason.shutdown(), reply(from, "stopped"))
                    : MapMachine.unexpected(type, content, data));
            Pid stm = GenStateMachine.startLink(new MapMachine(
                    () -> Init.ok("start1", "undefined", nextEvent(EventType.INTERNAL, 0)), states)).orElseThrow();
            assertThat(GenStateMachine.call(stm, "stop")).isEqualTo("stopped");
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.shutdown());
            assertThatThrownBy(() -> GenStateMachine.call(stm, "hej"))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            verifyEmptyMsgq();
        }
    }

    /**
     * Generic timeouts: several at once, by name; restart, cancel by infinity, absolute time, zero.
     * The order of the events they deliver is the order of their deadlines (one timer thread fires
     * them in deadline order), and a timeout that was cancelled would crash the machine.
     */
    @Test
    void genericTimers() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new MapMachine(() -> Init.ok("start", "undefined"), Map.of(
                    "start", (type, content, data) -> type instanceof EventType.Call
                            ? nextState("state1", data,
                                    genericTimeout("a", Duration.ofMillis(1500), 1),
                                    Action.stateTimeout(Duration.ofMillis(1500), 1),
                                    genericTimeout("b", Duration.ofMillis(1000), 1),
                                    nextEvent(type, content))
                            : MapMachine.unexpected(type, content, data),
                    "state1", (type, content, data) -> type instanceof EventType.Call
                            ? nextState("state2", data,
                                    startTimeoutAt(EventType.genericTimeout("c"), Instant.now().plusMillis(20), 2),
                                    genericTimeout("d", Duration.ZERO, 2),
                                    eventTimeout(Duration.ZERO, 2),
                                    genericTimeout("b", GenStateMachine.INFINITY, 2),
                                    genericTimeout("a", Duration.ofMillis(500), List.of(type, content)))
                            : MapMachine.unexpected(type, content, data),
                    "state2", (type, content, data) -> type.equals(EventType.genericTimeout("d")) && content.equals(2)
                            ? nextState("state3", data) : MapMachine.unexpected(type, content, data),
                    "state3", (type, content, data) -> type.equals(EventType.genericTimeout("c")) && content.equals(2)
                            ? nextState("state4", data) : MapMachine.unexpected(type, content, data),
                    "state4", (type, content, data) -> type.equals(EventType.genericTimeout("a"))
                            && content instanceof List<?> call && call.get(0) instanceof EventType.Call(From from)
                            && call.get(1).equals("stop")
                            ? Transition.stopAndReply(ExitReason.shutdown(), reply(from, "stopped"))
                            : MapMachine.unexpected(type, content, data)))).orElseThrow();
            assertThat(GenStateMachine.call(stm, "stop")).isEqualTo("stopped");
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.shutdown());
            assertThatThrownBy(() -> GenStateMachine.call(stm, "hej"))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            verifyEmptyMsgq();
        }
    }

    // code_change: no hot code upgrade in Java.

    // ================================================================== sys

    /** getStatus; a suspended machine answers system requests only; resumed, it handles the rest. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void sys1(Dispatch mode) {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode)).orElseThrow();
            Sys.Status status = Sys.getStatus(stm);
            assertThat(status.pid()).isEqualTo(stm);
            assertThat(status.module()).isEqualTo(SuiteMachine.class.getName());
            assertThat(status.mode()).isEqualTo(Sys.Mode.RUNNING);
            Sys.suspend(stm);
            assertThat(Sys.getStatus(stm).mode()).isEqualTo(Sys.Mode.SUSPENDED);
            RequestId pending = GenStateMachine.sendRequest(stm, new Alive());
            // Answered while suspended; had the machine handled the call, its reply would be here first.
            assertThat(Sys.getState(stm)).isEqualTo(new StateAndData<>(St.IDLE, "data"));
            assertThat(GenStateMachine.waitResponse(pending, Duration.ZERO)).isEqualTo(new Response.Timeout());
            Sys.resume(stm);
            assertThat(GenStateMachine.waitResponse(pending, WAIT)).isEqualTo(new Response.Reply("yes"));
            stopIt(stm);
        }
    }

    /** format_status: what getStatus shows of the state, for any kind of name. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void callFormatStatus(Dispatch mode) {
        try (var me = attach()) {
            MachineStatus expected = new MachineStatus(new Formatted(St.IDLE, "data"), List.of(), List.of());
            Pid stm = GenStateMachine.start(new SuiteMachine(mode)).orElseThrow();
            assertThat(Sys.getStatus(stm).state()).isEqualTo(expected);
            stopIt(stm);

            Pid named = GenStateMachine.start(new SuiteMachine(mode), StartOptions.named("gen_statem_test_gstm"))
                    .orElseThrow();
            Sys.Status status = Sys.getStatus(Name.of("gen_statem_test_gstm"));
            assertThat(status.pid()).isEqualTo(named);
            assertThat(status.state()).isEqualTo(expected);
            stopIt(named);

            DummyVia registry = new DummyVia();
            for (Object key : List.of("CallFormatStatus", List.of("name", "term"))) {
                Pid via = GenStateMachine.start(new SuiteMachine(mode), StartOptions.via(registry, key)).orElseThrow();
                assertThat(Sys.getStatus(new Via(registry, key)).state()).isEqualTo(expected);
                stopIt(via);
            }
        }
    }

    /**
     * A crash logs one termination report, through format_status, naming the state machine, the
     * event, the reason and the callback mode.
     */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void errorFormatStatus(Dispatch mode) {
        try (var log = LogCapture.start(); var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode, new Arg.Data("called format_status"), null))
                    .orElseThrow();
            ExitReason bad = ExitReason.of(new BadReturn("bad_return_from_state_function", "null"));
            assertThatThrownBy(() -> GenStateMachine.call(stm, new BadReturnCall()))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(bad));
            assertThat(awaitExit(stm).reason()).isEqualTo(bad);
            String header = "GenStateMachine " + stm + " (" + SuiteMachine.class.getName() + ") terminating";
            eventually("the termination report", () -> log.text().contains(header));
            String report = log.linesContaining(header).getFirst();
            assertThat(report)
                    .contains("last event: {{call, " + self() + "}, BadReturnCall[]}")
                    .contains("state: Formatted[state=IDLE, data=called format_status]")
                    .contains("{bad_return_from_state_function, null}")
                    .contains("callback mode: " + (mode == Dispatch.STATE_FUNCTIONS ? "state_functions" : "handle_event_function"));
            assertThat(log.count(java.util.regex.Pattern.quote(header))).isEqualTo(1);
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    /** A terminate that crashes: the machine exits with its reason, and the report says so. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void terminateCrashFormat(Dispatch mode) {
        try (var log = LogCapture.start(); var me = attach()) {
            Pid stm = GenStateMachine.start(new SuiteMachine(mode, new Arg.Data(SuiteMachine.CRASH_TERMINATE), null))
                    .orElseThrow();
            Ref ref = monitor(stm);
            // stop_and_reply: the reply goes before terminate runs and fails
            assertThat(GenStateMachine.call(stm, new StopIt())).isEqualTo("stopped");
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("{crash, terminate}"));
            String header = "GenStateMachine " + stm + " (" + SuiteMachine.class.getName() + ") terminating";
            eventually("the termination report", () -> log.text().contains(header));
            assertThat(log.linesContaining(header).getFirst())
                    .contains("terminate failed")
                    .contains("last event: {{call, " + self() + "}, StopIt[]}")
                    .contains("state: Formatted[state=IDLE, data=crash_terminate]")
                    .contains("{crash, terminate}");
            verifyEmptyMsgq();
        }
    }

    /** Every part of the status: postponed events and running timeouts, in getStatus and in the report. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void formatAllStatus(Dispatch mode) {
        try (var log = LogCapture.start(); var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new SuiteMachine(mode)).orElseThrow();
            GenStateMachine.cast(stm, new PostponeEvent());
            GenStateMachine.cast(stm, new TimeoutCast(Duration.ofSeconds(100)));
            MachineStatus status = (MachineStatus) Sys.getStatus(stm).state();
            assertThat(status).isEqualTo(new MachineStatus(new Formatted(St.IDLE, "data"),
                    List.of(new Event(EventType.CAST, new PostponeEvent())), List.of(new Event(EventType.TIMEOUT, "idle"))));
            assertThatThrownBy(() -> GenStateMachine.call(stm, new BadReturnCall())).isInstanceOf(ExitException.class);
            awaitExit(stm);
            String header = "GenStateMachine " + stm + " (" + SuiteMachine.class.getName() + ") terminating";
            eventually("the termination report", () -> log.text().contains(header));
            assertThat(log.linesContaining(header).getFirst())
                    .contains("postponed: [{cast, PostponeEvent[]}]")
                    .contains("timeouts: [{timeout, idle}]");
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    /** getState is the pair of state and data, for a pid or a name, also when suspended. */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void getState(Dispatch mode) {
        try (var me = attach()) {
            Pid data = self();
            Pid stm = GenStateMachine.start(new SuiteMachine(mode, new Arg.Data(data), null)).orElseThrow();
            assertThat(Sys.getState(stm)).isEqualTo(new StateAndData<>(St.IDLE, data));
            assertThat(Sys.getState(stm, WAIT)).isEqualTo(new StateAndData<>(St.IDLE, data));
            stopIt(stm);

            Pid named = GenStateMachine.start(new SuiteMachine(mode, new Arg.Data(data), null),
                    StartOptions.named("gen_statem_test_gstm")).orElseThrow();
            assertThat(Sys.getState(Name.of("gen_statem_test_gstm"))).isEqualTo(new StateAndData<>(St.IDLE, data));
            stopIt(named);

            Pid suspended = GenStateMachine.start(new SuiteMachine(mode, new Arg.Data(data), null)).orElseThrow();
            Sys.suspend(suspended);
            assertThat(Sys.getState(suspended, WAIT)).isEqualTo(new StateAndData<>(St.IDLE, data));
            Sys.resume(suspended);
            stopIt(suspended);
            verifyEmptyMsgq();
        }
    }

    /**
     * replaceState replaces state and data; a function that fails leaves them as they were; it works
     * when suspended. (OTP's last check, a state named error, is about Erlang's tuples.)
     */
    @ParameterizedTest
    @EnumSource(Dispatch.class)
    void replaceState(Dispatch mode) {
        try (var me = attach()) {
            Pid data = self();
            Pid stm = GenStateMachine.start(new SuiteMachine(mode, new Arg.Data(data), null)).orElseThrow();
            assertThat(Sys.getState(stm)).isEqualTo(new StateAndData<>(St.IDLE, data));
            assertThat(Sys.<StateAndData<St, Object>>replaceState(stm, sd -> new StateAndData<>(sd.state(), "replaced")))
                    .isEqualTo(new StateAndData<>(St.IDLE, "replaced"));
            assertThat(Sys.getState(stm)).isEqualTo(new StateAndData<>(St.IDLE, "replaced"));
            assertThat(Sys.<StateAndData<St, Object>>replaceState(stm, sd -> new StateAndData<>(St.CONNECTED, "replaced again")))
                    .isEqualTo(new StateAndData<>(St.CONNECTED, "replaced again"));
            checkState(stm, St.CONNECTED);
            // a failing function leaves the state as it was
            assertThatThrownBy(() -> Sys.<StateAndData<St, Object>>replaceState(stm, sd -> {
                throw new IllegalStateException("fail");
            })).isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause())
                    .isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error()).hasMessage("fail")));
            // so does one that returns something else than a state and data
            assertThatThrownBy(() -> Sys.replaceState(stm, sd -> "not a pair")).isInstanceOf(ExitException.class);
            assertThat(Sys.getState(stm)).isEqualTo(new StateAndData<>(St.CONNECTED, "replaced again"));
            // suspended
            Sys.suspend(stm);
            assertThat(Sys.<StateAndData<St, Object>>replaceState(stm,
                    sd -> new StateAndData<>(sd.state(), sd.data() + " and again")))
                    .isEqualTo(new StateAndData<>(St.CONNECTED, "replaced again and again"));
            Sys.resume(stm);
            assertThat(Sys.getState(stm, WAIT)).isEqualTo(new StateAndData<>(St.CONNECTED, "replaced again and again"));
            stopIt(stm);
            verifyEmptyMsgq();
        }
    }

    // ================================================================== hibernate and others

    /**
     * Hibernation: the hibernate action is accepted and does nothing (the JVM cannot discard a
     * waiting virtual thread's stack), so OTP's checks that the process is in erlang:hibernate/3 do
     * not apply; the machine must go on answering as before.
     */
    @Test
    void hibernate() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm0 = GenStateMachine.startLink(new SuiteMachine(Dispatch.STATE_FUNCTIONS, new Arg.HiberNow(), null))
                    .orElseThrow();
            stopIt(stm0);
            assertThat(awaitExit(stm0).reason()).isEqualTo(ExitReason.normal());

            Pid stm = GenStateMachine.startLink(new SuiteMachine(Dispatch.STATE_FUNCTIONS, new Arg.Hiber(), null))
                    .orElseThrow();
            for (int round = 0; round < 2; round++) {
                assertThat(GenStateMachine.call(stm, new HibernateSync())).isEqualTo("hibernating");
                assertThat(GenStateMachine.call(stm, new WakeupSync())).isEqualTo("good_morning");
                assertThat(GenStateMachine.call(stm, new HibernateSync())).isEqualTo("hibernating");
                assertThat(GenStateMachine.call(stm, new SnoozeSync())).isEqualTo("please_just_five_more");
                assertThat(GenStateMachine.call(stm, new WakeupSync())).isEqualTo("good_morning");
                GenStateMachine.cast(stm, new HibernateAsync());
                checkState(stm, St.HIBER_WAKEUP);
                GenStateMachine.cast(stm, new WakeupAsync());
                checkState(stm, St.HIBER_IDLE);
                GenStateMachine.cast(stm, new HibernateAsync());
                GenStateMachine.cast(stm, new SnoozeAsync());
                checkState(stm, St.HIBER_WAKEUP);
                GenStateMachine.cast(stm, new WakeupAsync());
                send(stm, "hibernate_now");
                assertThat(GenStateMachine.call(stm, new Alive())).isEqualTo("alive!");
            }
            assertThat(GenStateMachine.call(stm, new HibernateSync())).isEqualTo("hibernating");
            Sys.suspend(stm);
            Sys.resume(stm);
            assertThat(GenStateMachine.call(stm, new WakeupSync())).isEqualTo("good_morning");
            stopIt(stm);
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.normal());
            trapExit(false);
            verifyEmptyMsgq();
        }
    }

    // auto_hibernate: no hibernate_after option (hibernation is a no-op on the JVM).
    // enter_loop: Jarl has no proc_lib-started plain processes to turn into a state machine.
    // undef_code_change, pop_too_many: no code upgrade, no callback module stack.

    /** No terminate callback: stop works, with reason normal. */
    @Test
    void undefTerminate1() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new InitOnly(() -> Init.ok("state", "data"))).orElseThrow();
            Ref ref = monitor(stm);
            GenStateMachine.stop(stm);
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.normal());
        }
    }

    /** No terminate callback: stop with a reason. */
    @Test
    void undefTerminate2() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new InitOnly(() -> Init.ok("state", "data"))).orElseThrow();
            Ref ref = monitor(stm);
            GenStateMachine.stop(stm, ExitReason.of(List.of("error", "test")), GenStateMachine.INFINITY);
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of(List.of("error", "test")));
        }
    }

    /** A terminate that throws: stop fails with the exception. */
    @Test
    void undefInTerminate() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new GenStateMachine<String, String>() {
                @Override
                public Init<String, String> init() {
                    return Init.ok("state", "data");
                }

                @Override
                public CallbackMode callbackMode() {
                    return CallbackMode.handleEventFunction();
                }

                @Override
                public void terminate(ExitReason reason, String state, String data) {
                    throw new UnsupportedOperationException("undef");
                }
            }).orElseThrow();
            assertThatThrownBy(() -> GenStateMachine.stop(stm))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause())
                            .isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error())
                                    .isInstanceOf(UnsupportedOperationException.class).hasMessage("undef")));
        }
    }

    // format_log_1, format_log_2, format_log_with_process_label: OTP's logger formatting; the report's
    //   content is checked in errorFormatStatus, terminateCrashFormat and formatAllStatus.
    // reply_by_alias_with_payload: about the internal format of OTP's reply tags.

    // ================================================================== request id collections

    /** Three machines; the test releases their held replies one at a time, so the order is fixed. */
    record Three(Pid p1, Pid p2, Pid p3) {
        static Three start() {
            Supplier<Pid> one = () -> GenStateMachine.start(new SuiteMachine(Dispatch.STATE_FUNCTIONS)).orElseThrow();
            return new Three(one.get(), one.get(), one.get());
        }

        void stop() {
            assertThat(GenStateMachine.call(p1, new StopWith(ExitReason.shutdown()))).isEqualTo("stopped");
            assertThat(GenStateMachine.call(p3, new StopWith(ExitReason.shutdown()))).isEqualTo("stopped");
            checkStopped(p1);
            checkStopped(p2);
            checkStopped(p3);
        }
    }

    static Responses<String> answer(String label, Response response, RequestIds<String> rest) {
        return new Responses.Answer<>(response, label, rest);
    }

    static final Response DELAYED = new Response.Reply("delayed");

    @Test
    void sendRequestReceiveReqidCollection() {
        try (var me = attach()) {
            Three t = Three.start();
            // all answered
            RequestId r0 = GenStateMachine.sendRequest(t.p1(), new Alive());
            RequestIds<String> c1 = RequestIds.<String>empty().add(GenStateMachine.sendRequest(t.p1(), new Hold()), "req1");
            assertThat(c1.size()).isEqualTo(1);
            RequestIds<String> c2 = GenStateMachine.sendRequest(t.p2(), new Hold(), "req2", c1);
            assertThat(c2.size()).isEqualTo(2);
            RequestIds<String> c3 = GenStateMachine.sendRequest(t.p3(), new Hold(), "req3", c2);
            assertThat(c3.size()).isEqualTo(3);
            send(t.p2(), new Release());
            var a2 = (Responses.Answer<String>) GenStateMachine.receiveResponse(c3, WAIT, true);
            assertThat(a2.label()).isEqualTo("req2");
            assertThat(a2.response()).isEqualTo(DELAYED);
            assertThat(a2.rest().size()).isEqualTo(2);
            send(t.p3(), new Release());
            var a3 = (Responses.Answer<String>) GenStateMachine.receiveResponse(a2.rest(), WAIT, true);
            assertThat(List.of(a3.label(), a3.response(), a3.rest().size())).isEqualTo(List.of("req3", DELAYED, 1));
            send(t.p1(), new Release());
            var a1 = (Responses.Answer<String>) GenStateMachine.receiveResponse(a3.rest(), WAIT, true);
            assertThat(List.of(a1.label(), a1.response(), a1.rest().size())).isEqualTo(List.of("req1", DELAYED, 0));
            assertThat(GenStateMachine.receiveResponse(a1.rest(), WAIT, true)).isEqualTo(new Responses.NoRequest<String>());
            assertThat(GenStateMachine.receiveResponse(r0, WAIT)).isEqualTo(new Response.Reply("yes"));

            // timeout: the requests left are abandoned
            RequestId r0b = GenStateMachine.sendRequest(t.p1(), new Alive());
            RequestId h1 = GenStateMachine.sendRequest(t.p1(), new Hold());
            RequestIds<String> d2 = GenStateMachine.sendRequest(t.p2(), new Hold(), "req2",
                    RequestIds.<String>empty().add(h1, "req1"));
            RequestId h3 = GenStateMachine.sendRequest(t.p3(), new Hold());
            RequestIds<String> d3 = d2.add(h3, "req3");
            send(t.p2(), new Release());
            var b2 = (Responses.Answer<String>) GenStateMachine.receiveResponse(d3, WAIT, true);
            assertThat(List.of(b2.label(), b2.response(), b2.rest().size())).isEqualTo(List.of("req2", DELAYED, 2));
            RequestIds<String> d4 = b2.rest();
            assertThat(GenStateMachine.receiveResponse(d4, Duration.ofMillis(20), true)).isEqualTo(new Responses.Timeout<String>());
            assertThat(d4.toList()).extracting(Map.Entry::getValue).containsExactlyInAnyOrder("req1", "req3");
            send(t.p1(), new Release());
            send(t.p3(), new Release());
            assertThat(GenStateMachine.call(t.p1(), new Alive())).isEqualTo("yes"); // their replies went before these
            assertThat(GenStateMachine.call(t.p3(), new Alive())).isEqualTo("yes");
            assertThat(GenStateMachine.receiveResponse(d4, Duration.ZERO, true)).isEqualTo(new Responses.Timeout<String>());
            assertThat(GenStateMachine.receiveResponse(r0b, WAIT)).isEqualTo(new Response.Reply("yes"));

            // error: a dead machine
            RequestId r0c = GenStateMachine.sendRequest(t.p1(), new Alive());
            RequestId e1 = GenStateMachine.sendRequest(t.p1(), new Hold());
            RequestIds<String> f1 = RequestIds.<String>empty().add(e1, "req1");
            assertThatThrownBy(() -> f1.add(e1, "req2")).isInstanceOf(IllegalArgumentException.class);
            kill(t.p2());
            RequestIds<String> f2 = GenStateMachine.sendRequest(t.p2(), new Hold(), "req2", f1);
            RequestIds<String> f3 = GenStateMachine.sendRequest(t.p3(), new Hold(), "req3", f2);
            assertThat(f3.size()).isEqualTo(3);
            var c = (Responses.Answer<String>) GenStateMachine.receiveResponse(f3, WAIT, true);
            assertThat(List.of(c.label(), c.response(), c.rest().size()))
                    .isEqualTo(List.of("req2", new Response.Error(ExitReason.noproc()), 2));
            send(t.p3(), new Release());
            assertThat(GenStateMachine.receiveResponse(c.rest(), WAIT, false)).isEqualTo(answer("req3", DELAYED, c.rest()));
            send(t.p1(), new Release());
            assertThat(GenStateMachine.receiveResponse(c.rest(), WAIT, false)).isEqualTo(answer("req1", DELAYED, c.rest()));
            assertThat(GenStateMachine.receiveResponse(r0c, WAIT)).isEqualTo(new Response.Reply("yes"));
            t.stop();
            verifyEmptyMsgq();
        }
    }

    @Test
    void sendRequestWaitReqidCollection() {
        try (var me = attach()) {
            Three t = Three.start();
            RequestId r0 = GenStateMachine.sendRequest(t.p1(), new Alive());
            RequestIds<String> c3 = GenStateMachine.sendRequest(t.p3(), new Hold(), "req3",
                    GenStateMachine.sendRequest(t.p2(), new Hold(), "req2",
                            GenStateMachine.sendRequest(t.p1(), new Hold(), "req1", RequestIds.empty())));
            assertThat(c3.size()).isEqualTo(3);
            send(t.p2(), new Release());
            var a2 = (Responses.Answer<String>) GenStateMachine.waitResponse(c3, WAIT, true);
            assertThat(List.of(a2.label(), a2.response(), a2.rest().size())).isEqualTo(List.of("req2", DELAYED, 2));
            // timeout: the requests stay active
            assertThat(GenStateMachine.waitResponse(a2.rest(), Duration.ofMillis(20), true)).isEqualTo(new Responses.Timeout<String>());
            send(t.p3(), new Release());
            var a3 = (Responses.Answer<String>) GenStateMachine.waitResponse(a2.rest(), WAIT, true);
            assertThat(List.of(a3.label(), a3.response(), a3.rest().size())).isEqualTo(List.of("req3", DELAYED, 1));
            send(t.p1(), new Release());
            var a1 = (Responses.Answer<String>) GenStateMachine.waitResponse(a3.rest(), WAIT, true);
            assertThat(List.of(a1.label(), a1.response(), a1.rest().size())).isEqualTo(List.of("req1", DELAYED, 0));
            assertThat(GenStateMachine.waitResponse(a1.rest(), WAIT, true)).isEqualTo(new Responses.NoRequest<String>());
            assertThat(GenStateMachine.receiveResponse(r0, WAIT)).isEqualTo(new Response.Reply("yes"));

            // error: a dead machine
            kill(t.p2());
            RequestIds<String> f3 = GenStateMachine.sendRequest(t.p3(), new Hold(), "req3",
                    GenStateMachine.sendRequest(t.p2(), new Hold(), "req2",
                            GenStateMachine.sendRequest(t.p1(), new Hold(), "req1", RequestIds.empty())));
            var c = (Responses.Answer<String>) GenStateMachine.waitResponse(f3, WAIT, true);
            assertThat(List.of(c.label(), c.response(), c.rest().size()))
                    .isEqualTo(List.of("req2", new Response.Error(ExitReason.noproc()), 2));
            send(t.p3(), new Release());
            assertThat(GenStateMachine.waitResponse(c.rest(), WAIT, false)).isEqualTo(answer("req3", DELAYED, c.rest()));
            send(t.p1(), new Release());
            assertThat(GenStateMachine.waitResponse(c.rest(), WAIT, false)).isEqualTo(answer("req1", DELAYED, c.rest()));
            t.stop();
            verifyEmptyMsgq();
        }
    }

    @Test
    void sendRequestCheckReqidCollection() {
        try (var me = attach()) {
            Three t = Three.start();
            RequestId r0 = GenStateMachine.sendRequest(t.p1(), new Alive());
            Object msg0 = receive(WAIT).orElseThrow(); // r0's reply: the others are held
            RequestIds<String> c3 = GenStateMachine.sendRequest(t.p3(), new Hold(), "req3",
                    RequestIds.<String>empty()
                            .add(GenStateMachine.sendRequest(t.p1(), new Hold()), "req1")
                            .add(GenStateMachine.sendRequest(t.p2(), new Hold()), "req2"));
            assertThat(GenStateMachine.checkResponse(msg0, c3, true)).isEqualTo(new Responses.NoReply<String>());
            send(t.p2(), new Release());
            var a2 = (Responses.Answer<String>) GenStateMachine.checkResponse(receive(WAIT).orElseThrow(), c3, true);
            assertThat(List.of(a2.label(), a2.response(), a2.rest().size())).isEqualTo(List.of("req2", DELAYED, 2));
            send(t.p3(), new Release());
            var a3 = (Responses.Answer<String>) GenStateMachine.checkResponse(receive(WAIT).orElseThrow(), a2.rest(), true);
            assertThat(List.of(a3.label(), a3.response(), a3.rest().size())).isEqualTo(List.of("req3", DELAYED, 1));
            send(t.p1(), new Release());
            var a1 = (Responses.Answer<String>) GenStateMachine.checkResponse(receive(WAIT).orElseThrow(), a3.rest(), true);
            assertThat(List.of(a1.label(), a1.response(), a1.rest().size())).isEqualTo(List.of("req1", DELAYED, 0));
            assertThat(GenStateMachine.checkResponse(msg0, a1.rest(), true)).isEqualTo(new Responses.NoRequest<String>());
            assertThat(GenStateMachine.checkResponse(msg0, r0)).isEqualTo(new Response.Reply("yes"));

            // error: a dead machine
            RequestId r0b = GenStateMachine.sendRequest(t.p1(), new Alive());
            Object msg0b = receive(WAIT).orElseThrow();
            kill(t.p2());
            RequestIds<String> f3 = GenStateMachine.sendRequest(t.p3(), new Hold(), "req3",
                    GenStateMachine.sendRequest(t.p2(), new Hold(), "req2",
                            GenStateMachine.sendRequest(t.p1(), new Hold(), "req1", RequestIds.empty())));
            assertThat(GenStateMachine.checkResponse(msg0b, f3, true)).isEqualTo(new Responses.NoReply<String>());
            var c = (Responses.Answer<String>) GenStateMachine.checkResponse(receive(WAIT).orElseThrow(), f3, true);
            assertThat(List.of(c.label(), c.response(), c.rest().size()))
                    .isEqualTo(List.of("req2", new Response.Error(ExitReason.noproc()), 2));
            send(t.p3(), new Release());
            assertThat(GenStateMachine.checkResponse(receive(WAIT).orElseThrow(), c.rest(), false))
                    .isEqualTo(answer("req3", DELAYED, c.rest()));
            send(t.p1(), new Release());
            assertThat(GenStateMachine.checkResponse(receive(WAIT).orElseThrow(), c.rest(), false))
                    .isEqualTo(answer("req1", DELAYED, c.rest()));
            assertThat(GenStateMachine.checkResponse(msg0b, r0b)).isEqualTo(new Response.Reply("yes"));
            t.stop();
            verifyEmptyMsgq();
        }
    }
}
