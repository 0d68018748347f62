package io.jarl.statem;

import static io.jarl.Jarl.*;
import static io.jarl.statem.Action.*;
import static io.jarl.statem.Transition.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.RequestId;
import io.jarl.server.Response;
import io.jarl.server.StartResult;
import io.jarl.server.Sys;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rules of gen_statem that OTP's suite checks only in passing, one test each: the order of
 * postponed, inserted and timeout events, what cancels which timeout, state enter calls, the
 * GenServer protocol, termination. Most tests use {@link Probe}, a machine that logs the events it
 * gets and runs the scripts it is sent, and read the log with {@code Sys.getState}: a system
 * request is handled only when no event is queued, so the log is complete when it is read.
 */
@ExtendWith(NoLeakedProcesses.class)
class GenStateMachineRulesTest {

    // ================================================================== the probe

    /** A machine that runs the scripts it is sent and logs every other event in its data. */
    static final class Probe implements GenStateMachine<Object, List<Event>> {
        @FunctionalInterface
        interface Script {
            Transition<Object, List<Event>> run(EventType type, Object state, List<Event> log) throws Exception;
        }

        /** An event content that is run, not logged. */
        record Run(Script script) {}

        @FunctionalInterface
        interface EnterScript {
            Transition<Object, List<Event>> enter(Object previous, Object state, List<Event> log) throws Exception;
        }

        /** The enter script that logs the enter event and keeps the state. */
        static final EnterScript LOG_ENTER = (previous, state, log) -> keepState(append(log, new Event(EventType.ENTER, previous)));

        record Terminated(ExitReason reason, Object state, List<Event> log) {}

        private final Init<Object, List<Event>> init;
        private final EnterScript enter; // null: no state enter calls
        private final Pid observer;      // told of terminate, or null
        private final boolean trapExit;

        Probe(Init<Object, List<Event>> init, EnterScript enter, Pid observer, boolean trapExit) {
            this.init = init;
            this.enter = enter;
            this.observer = observer;
            this.trapExit = trapExit;
        }

        Probe(Object state) {
            this(Init.ok(state, List.of()), null, null, false);
        }

        @Override
        public Init<Object, List<Event>> init() {
            if (trapExit) {
                trapExit(true);
            }
            return init;
        }

        @Override
        public CallbackMode callbackMode() {
            return enter == null ? CallbackMode.handleEventFunction() : CallbackMode.handleEventFunction().withStateEnter();
        }

        @Override
        public Transition<Object, List<Event>> handleEvent(EventType type, Object content, Object state, List<Event> log)
                throws Exception {
            if (type instanceof EventType.Enter) {
                return enter.enter(content, state, log);
            }
            if (content instanceof Run(Script script)) {
                return script.run(type, state, log);
            }
            return keepState(append(log, new Event(type, content)));
        }

        @Override
        public void terminate(ExitReason reason, Object state, List<Event> log) {
            if (observer != null) {
                send(observer, new Terminated(reason, state, log));
            }
        }
    }

    static List<Event> append(List<Event> log, Event event) {
        List<Event> more = new ArrayList<>(log);
        more.add(event);
        return List.copyOf(more);
    }

    static From from(EventType type) {
        return ((EventType.Call) type).from();
    }

    @SuppressWarnings("unchecked")
    static List<Event> log(Pid stm) {
        return ((StateAndData<Object, List<Event>>) Sys.getState(stm)).data();
    }

    static Object state(Pid stm) {
        return ((StateAndData<?, ?>) Sys.getState(stm)).state();
    }

    static MachineStatus status(Pid stm) {
        return (MachineStatus) Sys.getStatus(stm).state();
    }

    /** Calls the probe with a script; the script must reply "ok". */
    static void run(Pid stm, Probe.Script script) {
        assertThat(GenStateMachine.call(stm, new Probe.Run(script))).isEqualTo("ok");
    }

    /** A cast that is postponed in state A and logged, as {@code name}, elsewhere. */
    static Probe.Run postponedInA(String name) {
        return new Probe.Run((type, state, log) -> state.equals("A")
                ? keepStateAndData(postpone())
                : keepState(append(log, new Event(type, name))));
    }

    static Event ev(EventType type, Object content) {
        return new Event(type, content);
    }

    static void awaitOwnQueue(int n) {
        Pid me = self();
        eventually("messages in " + me + "'s mailbox", () -> info(me).orElseThrow().messageQueueLength() >= n);
    }

    // ================================================================== the Javadoc example

    @Test
    void javadocExampleStateFunctions() {
        try (var me = attach()) {
            Pid button = GenStateMachine.startLink(new PushButton()).orElseThrow();
            PushButton.State now = GenStateMachine.call(button, new PushButton.Push());
            int count = GenStateMachine.call(button, new PushButton.GetCount());
            assertThat(now).isEqualTo(PushButton.State.ON);
            assertThat(count).isEqualTo(1);
            assertThat(GenStateMachine.call(button, new PushButton.Push())).isEqualTo(PushButton.State.OFF);
            assertThat(GenStateMachine.call(button, new PushButton.Push())).isEqualTo(PushButton.State.ON);
            assertThat(GenStateMachine.call(button, new PushButton.GetCount())).isEqualTo(2);
            GenStateMachine.stop(button);
        }
    }

    @Test
    void javadocExampleHandleEventFunction() {
        try (var me = attach()) {
            Pid button = GenStateMachine.startLink(new PushButton.OneFunction()).orElseThrow();
            assertThat(GenStateMachine.call(button, new PushButton.Push())).isEqualTo(PushButton.State.ON);
            assertThat(GenStateMachine.call(button, new PushButton.Push())).isEqualTo(PushButton.State.OFF);
            assertThat(GenStateMachine.call(button, new PushButton.GetCount())).isEqualTo(1);
            GenStateMachine.stop(button);
        }
    }

    /** The state type can be its own state function (an enum whose constants have bodies). */
    enum Light implements StateFunction<Light, Integer> {
        GREEN {
            @Override
            public Transition<Light, Integer> handleEvent(EventType type, Object content, Integer changes) {
                return type instanceof EventType.Cast ? nextState(YELLOW, changes + 1) : answer(type, this, changes);
            }
        },
        YELLOW {
            @Override
            public Transition<Light, Integer> handleEvent(EventType type, Object content, Integer changes) {
                return type instanceof EventType.Cast ? nextState(RED, changes + 1) : answer(type, this, changes);
            }
        },
        RED {
            @Override
            public Transition<Light, Integer> handleEvent(EventType type, Object content, Integer changes) {
                return type instanceof EventType.Cast ? nextState(GREEN, changes + 1) : answer(type, this, changes);
            }
        };

        static Transition<Light, Integer> answer(EventType type, Light light, Integer changes) {
            return type instanceof EventType.Call(From from)
                    ? keepStateAndData(reply(from, light + " after " + changes))
                    : keepStateAndData();
        }
    }

    @Test
    void stateTypeAsItsOwnStateFunction() {
        try (var me = attach()) {
            Pid light = GenStateMachine.start(new GenStateMachine<Light, Integer>() {
                @Override
                public Init<Light, Integer> init() {
                    return Init.ok(Light.GREEN, 0);
                }

                @Override
                public CallbackMode callbackMode() {
                    return CallbackMode.stateFunctions();
                }
            }).orElseThrow();
            GenStateMachine.cast(light, "next");
            GenStateMachine.cast(light, "next");
            GenStateMachine.cast(light, "next");
            GenStateMachine.cast(light, "next");
            assertThat(GenStateMachine.call(light, "which")).isEqualTo("YELLOW after 4");
            GenStateMachine.stop(light);
        }
    }

    /** Without a state function for its state, the machine stops with a reason that says what to do. */
    @Test
    void aStateWithoutAStateFunctionStopsTheMachine() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new GenStateMachine<String, String>() {
                @Override
                public Init<String, String> init() {
                    return Init.ok("plain string", "data");
                }

                @Override
                public CallbackMode callbackMode() {
                    return CallbackMode.stateFunctions();
                }
            }).orElseThrow();
            GenStateMachine.cast(stm, "anything");
            assertThat(awaitExit(stm).reason()).isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no state function for state plain string"));
        }
    }

    /** OTP's undef callbacks: handle_event_function without handleEvent; callbackMode that fails. */
    @Test
    void undefCallbacks() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new GenStateMachine<String, String>() {
                @Override
                public Init<String, String> init() {
                    return Init.ok("state", "data");
                }

                @Override
                public CallbackMode callbackMode() {
                    return CallbackMode.handleEventFunction();
                }
            }).orElseThrow();
            assertThatThrownBy(() -> GenStateMachine.call(stm, "a call"))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause())
                            .isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error())
                                    .isInstanceOf(UnsupportedOperationException.class)
                                    .hasMessageContaining("does not implement handleEvent")));
            awaitExit(stm);

            // callback_mode is asked after init (the start has succeeded); a null one stops the machine
            StartResult started = GenStateMachine.startLink(new GenStateMachine<String, String>() {
                @Override
                public Init<String, String> init() {
                    return Init.ok("state", "data");
                }

                @Override
                public CallbackMode callbackMode() {
                    return null;
                }
            });
            Pid nomode = started.orElseThrow();
            assertThat(awaitExit(nomode).reason()).isInstanceOfSatisfying(ExitReason.Crash.class, c -> assertThat(c.error())
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("callbackMode() returned null"));
        }
    }

    // ================================================================== state enter calls

    /** An enter call may not change the state, postpone or insert events; it may keep, repeat, reply, stop. */
    @Test
    void stateEnterCallRestrictions() {
        try (var me = attach()) {
            trapExit(true);
            record Case(Probe.EnterScript script, ExitReason reason) {}
            List<Case> refused = List.of(
                    new Case((prev, state, log) -> state.equals("B") ? nextState("C", log) : keepStateAndData(),
                            ExitReason.of(new BadReturn("bad_state_enter_return_from_state_function",
                                    nextState("C", List.of())))),
                    new Case((prev, state, log) -> state.equals("B")
                            ? keepStateAndData(nextEvent(EventType.INTERNAL, "x")) : keepStateAndData(),
                            ExitReason.of(new BadReturn("bad_state_enter_action_from_state_function",
                                    nextEvent(EventType.INTERNAL, "x")))),
                    new Case((prev, state, log) -> state.equals("B") ? keepStateAndData(postpone()) : keepStateAndData(),
                            ExitReason.of(new BadReturn("bad_state_enter_action_from_state_function", postpone()))));
            for (Case c : refused) {
                Pid stm = GenStateMachine.startLink(new Probe(Init.ok("A", List.of()), c.script(), self(), false))
                        .orElseThrow();
                GenStateMachine.cast(stm, new Probe.Run((type, state, log) -> nextState("B", log)));
                assertThat(awaitExit(stm).reason()).isEqualTo(c.reason());
                // terminate sees what the refused result asked for: state B
                assertThat(await(Probe.Terminated.class).state()).isEqualTo("B");
            }

            // allowed: postpone(false), next_state to the same state, reply, timeouts
            From[] caller = new From[1];
            Pid stm = GenStateMachine.startLink(new Probe(Init.ok("A", List.of()), (prev, state, log) -> state.equals("B")
                    ? nextState("B", append(log, ev(EventType.ENTER, prev)), postpone(false), reply(caller[0], "entered"),
                            stateTimeout(Duration.ZERO, "in B"))
                    : keepStateAndData(), self(), false)).orElseThrow();
            RequestId request = GenStateMachine.sendRequest(stm, new Probe.Run((type, state, log) -> {
                caller[0] = from(type);
                return nextState("B", log);
            }));
            assertThat(GenStateMachine.receiveResponse(request, WAIT)).isEqualTo(new Response.Reply("entered"));
            assertThat(log(stm)).containsExactly(ev(EventType.ENTER, "A"), ev(EventType.STATE_TIMEOUT, "in B"));
            GenStateMachine.stop(stm);
            await(Probe.Terminated.class);
        }
    }

    /** init's actions are carried out, postpone ignored, after the first enter call (previous state: itself). */
    @Test
    void initActionsFollowTheFirstEnterCall() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe(Init.ok("A", List.of(),
                    nextEvent(EventType.INTERNAL, "i"), stateTimeout(Duration.ZERO, "s"), postpone()),
                    Probe.LOG_ENTER, null, false)).orElseThrow();
            assertThat(log(stm)).containsExactly(ev(EventType.ENTER, "A"), ev(EventType.INTERNAL, "i"),
                    ev(EventType.STATE_TIMEOUT, "s"));
            assertThat(status(stm).postponed()).isEmpty();
            GenStateMachine.stop(stm);
        }
    }

    /** A stop from an enter call: terminate sees the entered state and the data the enter call gave. */
    @Test
    void stopFromAStateEnterCall() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new Probe(Init.ok("A", List.of()), (prev, state, log) -> state.equals("B")
                    ? stop(ExitReason.of("enough"), List.of(ev(EventType.ENTER, prev)))
                    : keepStateAndData(), self(), false)).orElseThrow();
            GenStateMachine.cast(stm, new Probe.Run((type, state, log) -> nextState("B", log)));
            assertThat(awaitExit(stm).reason()).isEqualTo(ExitReason.of("enough"));
            assertThat(await(Probe.Terminated.class))
                    .isEqualTo(new Probe.Terminated(ExitReason.of("enough"), "B", List.of(ev(EventType.ENTER, "A"))));
        }
    }

    /**
     * An exception in an enter call stops the machine; terminate sees the state and data from before
     * the event (OTP), and the report names the enter call.
     */
    @Test
    void exceptionInAStateEnterCall() {
        try (var log = LogCapture.start(); var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new Probe(Init.ok("A", List.of()), (prev, state, events) -> {
                if (state.equals("B")) {
                    throw new IllegalStateException("cannot enter B");
                }
                return keepStateAndData();
            }, self(), false)).orElseThrow();
            GenStateMachine.cast(stm, new Probe.Run((type, state, events) -> nextState("B", List.of(ev(type, "went")))));
            assertThat(awaitExit(stm).reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
                    c -> assertThat(c.error()).hasMessage("cannot enter B"));
            Probe.Terminated terminated = await(Probe.Terminated.class);
            assertThat(terminated.state()).isEqualTo("A");
            assertThat(terminated.log()).isEmpty();
            String header = "GenStateMachine " + stm;
            eventually("the termination report", () -> log.text().contains(header));
            assertThat(log.linesContaining(header).getFirst())
                    .contains("a callback failed; last event: {enter, A} (state enter call of B); state: {A, []}");
        }
    }

    /** An exception in a state callback: terminate gets the state and data from before the event. */
    @Test
    void exceptionInACallbackTerminatesWithTheStateBeforeTheEvent() {
        try (var me = attach()) {
            trapExit(true);
            Pid stm = GenStateMachine.startLink(new Probe(Init.ok("A", List.of()), null, self(), false)).orElseThrow();
            GenStateMachine.cast(stm, "logged");
            GenStateMachine.cast(stm, new Probe.Run((type, state, log) -> {
                throw new ArithmeticException("boom");
            }));
            assertThat(awaitExit(stm).reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
                    c -> assertThat(c.error()).isInstanceOf(ArithmeticException.class));
            assertThat(await(Probe.Terminated.class).log()).containsExactly(ev(EventType.CAST, "logged"));
        }
    }

    // ================================================================== postponing and inserting

    /**
     * Postponed events are retried only on a change of state (not on keep, repeat, or next_state to
     * the same state), oldest first, after the events inserted by the transition and before any
     * message not yet handled.
     */
    @Test
    void postponedEventsAreRetriedInOrderOnAChangeOfState() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            GenStateMachine.cast(stm, postponedInA("p1"));
            GenStateMachine.cast(stm, postponedInA("p2"));
            GenStateMachine.cast(stm, postponedInA("p3"));
            run(stm, (type, state, log) -> keepStateAndData(reply(from(type), "ok")));
            assertThat(status(stm).postponed()).hasSize(3);
            run(stm, (type, state, log) -> repeatStateAndData(reply(from(type), "ok")));
            run(stm, (type, state, log) -> nextState("A", log, reply(from(type), "ok")));
            assertThat(status(stm).postponed()).hasSize(3);
            assertThat(log(stm)).isEmpty();
            GenStateMachine.cast(stm, new Probe.Run((type, state, log) ->
                    nextState("B", log, nextEvent(EventType.INTERNAL, "inserted"))));
            GenStateMachine.cast(stm, "c4");
            assertThat(log(stm)).containsExactly(ev(EventType.INTERNAL, "inserted"), ev(EventType.CAST, "p1"),
                    ev(EventType.CAST, "p2"), ev(EventType.CAST, "p3"), ev(EventType.CAST, "c4"));
            assertThat(status(stm).postponed()).isEmpty();
            GenStateMachine.stop(stm);
        }
    }

    /** A retried event may be postponed again; postpone(false) after postpone() in one result undoes it. */
    @Test
    void postponeAgainAndPostponeFalse() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            Probe.Run onlyInC = new Probe.Run((type, state, log) -> state.equals("C")
                    ? keepState(append(log, ev(type, "only in C")))
                    : keepStateAndData(postpone()));
            GenStateMachine.cast(stm, onlyInC);
            GenStateMachine.cast(stm, new Probe.Run((type, state, log) -> keepStateAndData(postpone(), postpone(false))));
            assertThat(status(stm).postponed()).hasSize(1);
            run(stm, (type, state, log) -> nextState("B", log, reply(from(type), "ok"))); // retried, postponed again
            assertThat(status(stm).postponed()).hasSize(1);
            run(stm, (type, state, log) -> nextState("C", log, reply(from(type), "ok")));
            assertThat(log(stm)).containsExactly(ev(EventType.CAST, "only in C"));
            GenStateMachine.stop(stm);
        }
    }

    /** Replacing the state with sys is not a change of state: no enter call, postponed events stay. */
    @Test
    void replaceStateIsNotAChangeOfState() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe(Init.ok("A", List.of()), Probe.LOG_ENTER, null, false)).orElseThrow();
            GenStateMachine.cast(stm, postponedInA("p1"));
            Sys.<StateAndData<Object, List<Event>>>replaceState(stm, sd -> new StateAndData<>("B", sd.data()));
            assertThat(state(stm)).isEqualTo("B");
            assertThat(status(stm).postponed()).hasSize(1);
            assertThat(log(stm)).containsExactly(ev(EventType.ENTER, "A"));
            run(stm, (type, state, log) -> nextState("C", log, reply(from(type), "ok")));
            assertThat(log(stm)).containsExactly(ev(EventType.ENTER, "A"), ev(EventType.ENTER, "B"), ev(EventType.CAST, "p1"));
            GenStateMachine.stop(stm);
        }
    }

    // ================================================================== timeouts

    /** Timeouts that are not cancelled fire: event, state, generic, relative and absolute. */
    @Test
    void timeoutsFire() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            run(stm, (type, state, log) -> keepStateAndData(reply(from(type), "ok"), eventTimeout(Duration.ofMillis(5), "e")));
            eventually("the event timeout", () -> log(stm).contains(ev(EventType.TIMEOUT, "e")));
            run(stm, (type, state, log) -> keepStateAndData(reply(from(type), "ok"),
                    stateTimeout(Duration.ofMillis(5), "s"), genericTimeout("g", Duration.ofMillis(5), "g"),
                    startTimeoutAt(EventType.genericTimeout("abs"), Instant.now().plusMillis(5), "abs")));
            eventually("the other timeouts", () -> log(stm).size() == 4);
            assertThat(log(stm)).containsExactlyInAnyOrder(ev(EventType.TIMEOUT, "e"), ev(EventType.STATE_TIMEOUT, "s"),
                    ev(EventType.genericTimeout("g"), "g"), ev(EventType.genericTimeout("abs"), "abs"));
            assertThat(status(stm).timeouts()).isEmpty();
            GenStateMachine.stop(stm);
        }
    }

    /**
     * A zero event timeout fires before any message not yet received (OTP 22+), but only if no event
     * is queued: an inserted event cancels it. A zero state timeout survives queued events.
     */
    @Test
    void zeroTimeouts() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            run(stm, (type, state, log) -> {
                send(self(), "m");
                return keepStateAndData(reply(from(type), "ok"), eventTimeout(Duration.ZERO, "z"));
            });
            assertThat(log(stm)).containsExactly(ev(EventType.TIMEOUT, "z"), ev(EventType.INFO, "m"));
            run(stm, (type, state, log) -> keepState(List.of(), reply(from(type), "ok"), eventTimeout(Duration.ZERO, "z"),
                    stateTimeout(Duration.ZERO, "s"), nextEvent(EventType.INTERNAL, "i")));
            assertThat(log(stm)).containsExactly(ev(EventType.INTERNAL, "i"), ev(EventType.STATE_TIMEOUT, "s"));
            GenStateMachine.stop(stm);
        }
    }

    /** Any event cancels the event timeout; a system request is not an event. */
    @Test
    void eventTimeoutIsCancelledByAnyEvent() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            run(stm, (type, state, log) -> keepStateAndData(reply(from(type), "ok"), eventTimeout(Duration.ofHours(1), "e")));
            assertThat(status(stm).timeouts()).containsExactly(ev(EventType.TIMEOUT, "e"));
            assertThat(status(stm).timeouts()).containsExactly(ev(EventType.TIMEOUT, "e"));
            send(stm, "any message");
            assertThat(status(stm).timeouts()).isEmpty();
            // a postponed event that is retried counts too
            GenStateMachine.cast(stm, postponedInA("p"));
            run(stm, (type, state, log) -> nextState("B", log, reply(from(type), "ok"),
                    eventTimeout(Duration.ofHours(1), "e")));
            assertThat(status(stm).timeouts()).isEmpty();
            assertThat(log(stm)).containsExactly(ev(EventType.INFO, "any message"), ev(EventType.CAST, "p"));
            GenStateMachine.stop(stm);
        }
    }

    /** A state timeout survives keep, repeat and next_state to the same state; a change of state cancels it. */
    @Test
    void stateTimeoutIsCancelledByAChangeOfStateOnly() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            run(stm, (type, state, log) -> keepStateAndData(reply(from(type), "ok"),
                    stateTimeout(Duration.ofHours(1), "s"), genericTimeout("g", Duration.ofHours(1), "g")));
            List<Event> both = List.of(ev(EventType.STATE_TIMEOUT, "s"), ev(EventType.genericTimeout("g"), "g"));
            GenStateMachine.cast(stm, "kept");
            assertThat(status(stm).timeouts()).containsExactlyElementsOf(both);
            run(stm, (type, state, log) -> repeatStateAndData(reply(from(type), "ok")));
            run(stm, (type, state, log) -> nextState("A", log, reply(from(type), "ok")));
            assertThat(status(stm).timeouts()).containsExactlyElementsOf(both);
            run(stm, (type, state, log) -> nextState("B", log, reply(from(type), "ok")));
            assertThat(status(stm).timeouts()).containsExactly(ev(EventType.genericTimeout("g"), "g"));
            GenStateMachine.stop(stm);
        }
    }

    /** For each timeout type the last action wins; infinity and cancel stop a running timeout. */
    @Test
    void lastTimeoutActionOfATypeWinsAndInfinityCancels() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            run(stm, (type, state, log) -> keepStateAndData(reply(from(type), "ok"),
                    stateTimeout(Duration.ofHours(1), "a"), stateTimeout(Duration.ofHours(2), "b"),
                    genericTimeout("x", Duration.ofHours(1), 1), cancelTimeout(EventType.genericTimeout("x")),
                    genericTimeout("y", Duration.ofHours(1), 1), genericTimeout("z", Duration.ofHours(1), 1)));
            assertThat(status(stm).timeouts()).containsExactlyInAnyOrder(ev(EventType.STATE_TIMEOUT, "b"),
                    ev(EventType.genericTimeout("y"), 1), ev(EventType.genericTimeout("z"), 1));
            run(stm, (type, state, log) -> keepStateAndData(reply(from(type), "ok"),
                    genericTimeout("y", GenStateMachine.INFINITY, 2), updateTimeout(EventType.genericTimeout("z"), 2),
                    cancelTimeout(EventType.STATE_TIMEOUT), cancelTimeout(EventType.genericTimeout("never started"))));
            assertThat(status(stm).timeouts()).containsExactly(ev(EventType.genericTimeout("z"), 2));
            assertThat(log(stm)).isEmpty();
            GenStateMachine.stop(stm);
        }
    }

    /** Updating a timeout that does not run fires it at once, as a zero timeout. */
    @Test
    void updateOfATimeoutThatDoesNotRunFiresItNow() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            run(stm, (type, state, log) -> {
                send(self(), "m");
                return keepStateAndData(reply(from(type), "ok"), updateTimeout(EventType.genericTimeout("g"), "now"));
            });
            assertThat(log(stm)).containsExactly(ev(EventType.genericTimeout("g"), "now"), ev(EventType.INFO, "m"));
            GenStateMachine.stop(stm);
        }
    }

    /** An absolute deadline in the past fires after the messages already queued, not as a zero timeout. */
    @Test
    void absoluteDeadlineInThePast() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            run(stm, (type, state, log) -> {
                send(self(), "m");
                return keepStateAndData(reply(from(type), "ok"),
                        startTimeoutAt(EventType.genericTimeout("g"), Instant.now().minusSeconds(1), "late"));
            });
            eventually("the timeout", () -> log(stm).size() == 2);
            assertThat(log(stm)).containsExactly(ev(EventType.INFO, "m"), ev(EventType.genericTimeout("g"), "late"));
            GenStateMachine.stop(stm);
        }
    }

    /**
     * A timeout restarted or cancelled after its timer fired, but before the machine received the
     * timer's message, does not deliver the old event (OTP flushes the message on cancel; here it is
     * recognised as stale when received).
     */
    @Test
    void aTimerThatFiredBeforeItWasRestartedOrCancelledDeliversNothing() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            // The call's reply waits until the machine has restarted the timeout, so nothing else
            // reaches its mailbox meanwhile: the one message it waits for is the timer's.
            RequestId restarted = GenStateMachine.sendRequest(stm, new Probe.Run((type, state, log) ->
                    keepStateAndData(stateTimeout(Duration.ofMillis(1), "first"), nextEvent(EventType.INTERNAL,
                            new Probe.Run((t, s, l) -> {
                                awaitOwnQueue(1);
                                return keepStateAndData(stateTimeout(Duration.ofHours(1), "second"), reply(from(type), "ok"));
                            })))));
            assertThat(GenStateMachine.receiveResponse(restarted, WAIT)).isEqualTo(new Response.Reply("ok"));
            assertThat(status(stm).timeouts()).containsExactly(ev(EventType.STATE_TIMEOUT, "second"));
            RequestId cancelled = GenStateMachine.sendRequest(stm, new Probe.Run((type, state, log) ->
                    keepStateAndData(genericTimeout("g", Duration.ofMillis(1), "first"), nextEvent(EventType.INTERNAL,
                            new Probe.Run((t, s, l) -> {
                                awaitOwnQueue(1);
                                return keepStateAndData(cancelTimeout(EventType.genericTimeout("g")), reply(from(type), "ok"));
                            })))));
            assertThat(GenStateMachine.receiveResponse(cancelled, WAIT)).isEqualTo(new Response.Reply("ok"));
            assertThat(status(stm).timeouts()).containsExactly(ev(EventType.STATE_TIMEOUT, "second"));
            assertThat(log(stm)).isEmpty();
            GenStateMachine.stop(stm);
        }
    }

    // ================================================================== the GenServer protocol

    /** GenServer's client API, request ids and Sys work on a state machine. */
    @Test
    void genServerClientApiAndSysWorkOnAStateMachine() {
        try (var me = attach()) {
            Pid button = GenStateMachine.start(new PushButton()).orElseThrow();
            PushButton.State state = GenServer.call(button, new PushButton.Push());
            assertThat(state).isEqualTo(PushButton.State.ON);
            RequestId request = GenServer.sendRequest(button, new PushButton.GetCount());
            assertThat(GenServer.receiveResponse(request, WAIT)).isEqualTo(new Response.Reply(1));
            GenServer.cast(button, "ignored");
            assertThat(Sys.getState(button)).isEqualTo(new StateAndData<>(PushButton.State.ON, 1));
            Sys.Status status = Sys.getStatus(button);
            assertThat(status.module()).isEqualTo(PushButton.class.getName());
            assertThat(status.state()).isEqualTo(new MachineStatus(new StateAndData<>(PushButton.State.ON, 1), List.of(), List.of()));
            Sys.suspend(button);
            RequestId pending = GenServer.sendRequest(button, new PushButton.Push());
            Sys.<StateAndData<PushButton.State, Integer>>replaceState(button, sd -> new StateAndData<>(sd.state(), 41));
            assertThat(GenServer.waitResponse(pending, Duration.ZERO)).isEqualTo(new Response.Timeout());
            Sys.resume(button);
            assertThat(GenServer.waitResponse(pending, WAIT)).isEqualTo(new Response.Reply(PushButton.State.OFF));
            assertThat(GenStateMachine.call(button, new PushButton.GetCount())).isEqualTo(41);
            Sys.statistics(button, true);
            GenStateMachine.call(button, new PushButton.Push());
            assertThat(Sys.getStatistics(button).orElseThrow().messagesIn()).isEqualTo(2); // the call and getStatistics
            try (var log = LogCapture.start()) {
                Sys.trace(button, true);
                GenStateMachine.call(button, new PushButton.GetCount());
                Sys.trace(button, false);
                assertThat(log.linesContaining("*DBG* " + button + " got")).anyMatch(l -> l.contains("GetCount"));
                assertThat(log.linesContaining("*DBG* " + button + " sent 42 to " + self())).hasSize(1);
            }
            GenServer.stop(button);
            assertThat(button.isAlive()).isFalse();
        }
    }

    @Test
    void callToADeadOrUnknownMachineIsNoprocNamingTheCall() {
        Pid dead = deadProcess();
        assertThatThrownBy(() -> GenStateMachine.call(dead, new PushButton.Push()))
                .isInstanceOfSatisfying(ExitException.class, e -> {
                    assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc());
                    assertThat(e).hasMessageContaining("GenStateMachine.call(" + dead + ", Push[], PT5S)");
                });
        assertThatThrownBy(() -> GenStateMachine.call(Name.of("gen_statem_rules_nobody"), "x"))
                .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
        assertThatThrownBy(() -> GenStateMachine.call(dead, "x", Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        GenStateMachine.cast(dead, "never fails");
        GenStateMachine.cast(Name.of("gen_statem_rules_nobody"), "never fails");
    }

    @Test
    void callingSelf() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            Object reason = GenStateMachine.call(stm, new Probe.Run((type, state, log) -> {
                try {
                    GenStateMachine.call(self(), "me?");
                    return keepStateAndData(reply(from(type), "no failure"));
                } catch (ExitException e) {
                    return keepStateAndData(reply(from(type), e.reason().cause()));
                }
            }));
            assertThat(reason).isEqualTo(ExitReason.of("calling_self"));
            GenStateMachine.stop(stm);
        }
    }

    /** A call answered later, from another process, with GenStateMachine.reply. */
    @Test
    void deferredReply() {
        try (var me = attach()) {
            Pid test = self();
            Pid stm = GenStateMachine.start(new Probe("A")).orElseThrow();
            RequestId request = GenStateMachine.sendRequest(stm, new Probe.Run((type, state, log) -> {
                send(test, from(type));
                return keepStateAndData();
            }));
            From from = await(From.class);
            Pid helper = spawn(() -> GenStateMachine.reply(from, "later"));
            assertThat(GenStateMachine.receiveResponse(request, WAIT)).isEqualTo(new Response.Reply("later"));
            awaitDeath(helper);
            GenStateMachine.stop(stm);
        }
    }

    // ================================================================== termination and supervision

    @Test
    void terminateRunsOnParentExitWhenTrapping() {
        try (var me = attach()) {
            Pid observer = self();
            Pid[] machine = new Pid[1];
            Pid parent = spawn(() -> {
                machine[0] = GenStateMachine.startLink(new Probe(Init.ok("A", List.of()), null, observer, true)).orElseThrow();
                send(observer, "started");
                receive(m -> skip());
            });
            awaitMessage("started");
            Ref ref = monitor(machine[0]);
            exit(parent, ExitReason.shutdown());
            assertThat(await(Probe.Terminated.class).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown());
        }
    }

    /** Suspended, the machine still terminates when its parent exits (OTP: sys:suspend_loop). */
    @Test
    void parentExitWhileSuspended() {
        try (var me = attach()) {
            Pid observer = self();
            Pid[] machine = new Pid[1];
            Pid parent = spawn(() -> {
                machine[0] = GenStateMachine.startLink(new Probe(Init.ok("A", List.of()), null, observer, true)).orElseThrow();
                Sys.suspend(machine[0]);
                send(observer, "suspended");
                receive(m -> skip());
            });
            awaitMessage("suspended");
            Ref ref = monitor(machine[0]);
            GenStateMachine.cast(machine[0], "waits: the machine is suspended");
            exit(parent, ExitReason.shutdown());
            assertThat(await(Probe.Terminated.class)).isEqualTo(new Probe.Terminated(ExitReason.shutdown(), "A", List.of()));
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown());
        }
    }

    @Test
    void terminateDoesNotRunOnKillOrAnUntrappedExit() {
        try (var me = attach()) {
            Pid trapping = GenStateMachine.start(new Probe(Init.ok("A", List.of()), null, self(), true)).orElseThrow();
            assertThat(kill(trapping).reason()).isEqualTo(ExitReason.killed());
            Pid plain = GenStateMachine.start(new Probe(Init.ok("A", List.of()), null, self(), false)).orElseThrow();
            Ref ref = monitor(plain);
            exit(plain, ExitReason.shutdown());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(pollMatching(m -> m instanceof Probe.Terminated)).isFalse();
        }
    }

    /** An Exit from a process other than the parent is an info event. */
    @Test
    void exitFromANonParentIsAnInfoEvent() {
        try (var me = attach()) {
            Pid stm = GenStateMachine.start(new Probe(Init.ok("A", List.of()), null, null, true)).orElseThrow();
            Pid other = spawn(() -> receive(m -> skip()));
            run(stm, (type, state, log) -> {
                link(other);
                return keepStateAndData(reply(from(type), "ok"));
            });
            exit(other, ExitReason.of("gone"));
            eventually("the Exit logged", () -> log(stm).size() == 1);
            assertThat(log(stm).getFirst()).isEqualTo(ev(EventType.INFO, new io.jarl.Exit(other, ExitReason.of("gone"))));
            GenStateMachine.stop(stm);
        }
    }

    /** Under a supervisor: a machine that crashes is restarted with a fresh state. */
    @Test
    void supervised() {
        try (var me = attach()) {
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(),
                    List.of(ChildSpec.worker("button", () -> GenStateMachine.startLink(new PushButton())))).orElseThrow();
            Pid first = Supervisor.whichChildren(sup).getFirst().pid().orElseThrow();
            assertThat(GenStateMachine.call(first, new PushButton.Push())).isEqualTo(PushButton.State.ON);
            Ref ref = monitor(first);
            exit(first, ExitReason.of("crashed"));
            awaitDown(ref);
            eventually("a new button", () -> Supervisor.whichChildren(sup).getFirst().pid()
                    .filter(p -> !p.equals(first)).isPresent());
            Pid second = Supervisor.whichChildren(sup).getFirst().pid().orElseThrow();
            assertThat(GenStateMachine.call(second, new PushButton.GetCount())).isEqualTo(0);
            Supervisor.stop(sup);
            assertThat(second.isAlive()).isFalse();
        }
    }

    // ================================================================== bad input

    @Test
    void badArgumentsAreRefusedWhereTheyAreMade() {
        assertThatThrownBy(() -> nextState(null, "data")).isInstanceOf(NullPointerException.class).hasMessage("state");
        assertThatThrownBy(() -> keepState(null)).isInstanceOf(NullPointerException.class).hasMessage("data");
        assertThatThrownBy(() -> Init.ok("state", null)).isInstanceOf(NullPointerException.class).hasMessage("data");
        assertThatThrownBy(() -> nextEvent(EventType.ENTER, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("enter event cannot be inserted");
        assertThatThrownBy(() -> stateTimeout(Duration.ofMillis(-1), "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative timeout");
        assertThatThrownBy(() -> reply(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> eventTimeout(Duration.ZERO, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> GenStateMachine.start(null)).isInstanceOf(NullPointerException.class);
        assertThat(CallbackMode.stateFunctions().withStateEnter().toString()).isEqualTo("[state_functions, state_enter]");
        assertThat(EventType.genericTimeout("a").toString()).isEqualTo("{timeout, a}");
    }
}
