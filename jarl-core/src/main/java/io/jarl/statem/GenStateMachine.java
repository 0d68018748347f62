package io.jarl.statem;

import io.jarl.Address;
import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.internal.Gen;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Request;
import io.jarl.server.RequestId;
import io.jarl.server.RequestIds;
import io.jarl.server.Response;
import io.jarl.server.Responses;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A server whose behaviour depends on the state it is in: each event is handled by the callback of
 * the current state, which returns the next state (OTP: {@code gen_statem}; Elixir uses
 * {@code :gen_statem} directly).
 *
 * <p>A state machine keeps a <em>state</em> (which callback handles the next event: an enum
 * constant, a record, any value with {@code equals}) and <em>data</em> (everything else it knows).
 * Each callback takes an {@link EventType}, the event's content and the data, and returns a
 * {@link Transition}: the next state and data, and {@link Action}s such as replies, postponing the
 * event until the state changes, inserting events, or starting timeouts. The engine that runs it
 * (receiving, replying, timeouts, postponed events, exit signals, crash reports, {@code sys}) is the
 * same for every machine, as {@link GenServer}'s is for servers.
 *
 * <h2>An example: a push button</h2>
 * The button is off or on; a push toggles it and replies the new state; every push that turns it on
 * is counted (OTP's {@code pushbutton}). Each state has its own callback ({@link
 * CallbackMode#stateFunctions()}), found by an exhaustive {@code switch} on the state:
 * {@snippet :
 * final class PushButton implements GenStateMachine<PushButton.State, Integer> {
 *     enum State { OFF, ON }
 *     record Push() implements Request<State> {}
 *     record GetCount() implements Request<Integer> {}
 *
 *     public CallbackMode callbackMode() {
 *         return CallbackMode.stateFunctions();
 *     }
 *
 *     public Init<State, Integer> init() {
 *         return Init.ok(State.OFF, 0);
 *     }
 *
 *     public StateFunction<State, Integer> stateFunction(State state) {
 *         return switch (state) {
 *             case OFF -> this::off;
 *             case ON -> this::on;
 *         };
 *     }
 *
 *     private Transition<State, Integer> off(EventType type, Object content, Integer count) {
 *         return switch (type) {
 *             case EventType.Call(From from) when content instanceof Push ->
 *                     nextState(State.ON, count + 1, reply(from, State.ON));
 *             default -> common(type, content, count);
 *         };
 *     }
 *
 *     private Transition<State, Integer> on(EventType type, Object content, Integer count) {
 *         return switch (type) {
 *             case EventType.Call(From from) when content instanceof Push ->
 *                     nextState(State.OFF, count, reply(from, State.OFF));
 *             default -> common(type, content, count);
 *         };
 *     }
 *
 *     private Transition<State, Integer> common(EventType type, Object content, Integer count) {
 *         return switch (type) {
 *             case EventType.Call(From from) when content instanceof GetCount -> keepStateAndData(reply(from, count));
 *             default -> keepStateAndData(); // ignore anything else
 *         };
 *     }
 * }
 *
 * Pid button = GenStateMachine.startLink(new PushButton()).orElseThrow();
 * PushButton.State now = GenStateMachine.call(button, new PushButton.Push()); // ON, no cast needed
 * int count = GenStateMachine.call(button, new PushButton.GetCount());        // 1
 * }
 * ({@code nextState}, {@code keepStateAndData} and {@code reply} are static imports from
 * {@link Transition} and {@link Action}.) The same machine with one callback for all states
 * ({@link CallbackMode#handleEventFunction()}), where the state is an argument:
 * {@snippet :
 * public Transition<State, Integer> handleEvent(EventType type, Object content, State state, Integer count) {
 *     return switch (type) {
 *         case EventType.Call(From from) when content instanceof Push -> state == State.OFF
 *                 ? nextState(State.ON, count + 1, reply(from, State.ON))
 *                 : nextState(State.OFF, count, reply(from, State.OFF));
 *         case EventType.Call(From from) when content instanceof GetCount -> keepStateAndData(reply(from, count));
 *         default -> keepStateAndData();
 *     };
 * }
 * }
 * The state may also implement {@link StateFunction} itself (an enum whose constants have bodies);
 * then the default {@link #stateFunction} finds it. {@code io.jarl.examples.doorlock.DoorLock} in
 * {@code jarl-examples} is OTP's door lock: state enter calls, a state timeout and postponing.
 *
 * <h2>Events, postponing and state enter calls</h2>
 * Events come from {@link #call} ({@link EventType.Call}, answer with {@link Action#reply} now or
 * {@link #reply(From, Object)} later, from any process), {@link #cast}, any other message
 * ({@link EventType.Info}: {@link io.jarl.Down}, {@link io.jarl.Exit} when trapping exits, plain
 * sends), timeouts, and {@link Action#nextEvent} ({@link EventType.Internal} or any other type but
 * enter). An event that does not fit the current state can be {@linkplain Action#postpone() postponed}:
 * it is handled again after the next change of state, in order with the other postponed ones, before
 * any new message. With {@link CallbackMode#stateEnter()}, every change of state (and the first
 * state) calls the new state's callback with {@link EventType.Enter} and the previous state, so
 * that what must happen on entering a state is written once; an enter call may keep or repeat the
 * state, reply, set timeouts and stop, but not change the state, postpone or insert events.
 *
 * <h2>Client and server</h2>
 * The static methods ({@link #start}, {@link #call}, {@link #cast}, {@link #stop}, {@link #sendRequest},
 * ...) run in the caller; the callbacks run in the machine's process, one event at a time. A state
 * machine speaks the same protocol as a {@link GenServer}: {@code GenServer.call}, {@code
 * GenServer.sendRequest} and {@link io.jarl.server.Sys} work on it too. {@link io.jarl.server.Sys#getState}
 * returns a {@link StateAndData}, {@link io.jarl.server.Sys#replaceState} takes a function of one
 * (replacing the state is not a change of state: no enter call, postponed events stay postponed),
 * and the state of {@link io.jarl.server.Sys#getStatus} is a {@link MachineStatus}.
 *
 * <h2>Supervision and naming</h2>
 * {@link #startLink} is what a supervisor's child spec calls: {@code ChildSpec.worker("lock", () ->
 * GenStateMachine.startLink(new DoorLock(...)))}. {@link StartOptions} register a local name or a
 * {@link io.jarl.Via} name before {@code init} runs, and bound the start with a timeout.
 * {@link #terminate} runs when a callback stops the machine or throws, when {@link #stop} is
 * called, and when the parent (the supervisor) sends an exit signal while the machine traps exits
 * ({@link io.jarl.Jarl#trapExit} in {@code init}).
 *
 * <h2>Timeouts</h2>
 * {@link #call(Address, Object)} waits 5 seconds ({@link #DEFAULT_CALL_TIMEOUT}; OTP's
 * {@code gen_statem:call/2} waits forever: pass {@link #INFINITY}); on timeout it throws
 * {@link io.jarl.ExitException} with reason {@code timeout}, and a reply that comes later never
 * reaches the caller's mailbox (OTP's {@code clean_timeout} and {@code dirty_timeout} are the same
 * here). Inside the machine, event, state and generic timeouts are {@link Action}s (see there for
 * their rules).
 *
 * <h2>When not to use it</h2>
 * When the behaviour does not depend on a state, or the states are few and have no timeouts or
 * postponed events, a {@link GenServer} with a field is simpler. A state machine shines when events
 * must wait for the right state (postpone), when entering a state has effects (enter calls), and
 * when time matters per state (state timeouts).
 *
 * <h2>Where it differs from OTP</h2>
 * A failed call throws {@code ExitException} with the bare reason and a message naming
 * {@code GenStateMachine.call}, instead of OTP's {@code {Reason, {gen_statem, call, [...]}}}.
 * {@link Action#hibernate()} adds nothing: between two messages a machine is a
 * {@linkplain io.jarl.Handler handler process}, with no thread or stack already. Erlang's {@code throw} of a result from a
 * callback has no Java equivalent: an exception stops the machine. There is no hot code upgrade
 * ({@code code_change}), no {@code enter_loop}, no callback module stack
 * ({@code push_callback_module}) and no {@code start_monitor}. States and data cannot be
 * {@code null}. {@link #formatStatus} returns what is shown of the state and data; the postponed
 * events and running timeouts that {@link MachineStatus} and the termination report also show are
 * not passed through it (OTP's {@code format_status/1} can rewrite them too).
 *
 * @param <S> the state
 * @param <D> the data
 */
public interface GenStateMachine<S, D> {

    /** The default time a {@link #call} waits for its reply (as {@link GenServer}; OTP waits forever). */
    Duration DEFAULT_CALL_TIMEOUT = GenServer.DEFAULT_CALL_TIMEOUT;

    /** Forever (OTP: {@code infinity}): for call and stop timeouts; a timeout action with it cancels. */
    Duration INFINITY = Gen.FOREVER;

    /**
     * Makes the first state and data, in the machine's process, while {@link #start} waits
     * (OTP: {@code init/1}). Throwing makes the start fail with the exception as reason.
     */
    Init<S, D> init() throws Exception;

    /**
     * How the engine calls this machine (OTP: {@code callback_mode/0}): {@link
     * CallbackMode#stateFunctions()} or {@link CallbackMode#handleEventFunction()}, with or without
     * {@linkplain CallbackMode#withStateEnter() state enter calls}. Called once, after {@code init}.
     */
    CallbackMode callbackMode();

    /**
     * The callback of {@code state}, in {@link CallbackMode.Dispatch#STATE_FUNCTIONS} mode. The
     * default returns the state itself when it implements {@link StateFunction}; override it to map
     * each state to a method of the machine. A state without a callback stops the machine.
     */
    @SuppressWarnings("unchecked")
    default StateFunction<S, D> stateFunction(S state) {
        if (state instanceof StateFunction<?, ?> function) {
            return (StateFunction<S, D>) function;
        }
        throw new IllegalStateException(getClass().getName() + " has no state function for state " + state
                + ": let the state type implement StateFunction, or override stateFunction(state)");
    }

    /**
     * Handles every event, in {@link CallbackMode.Dispatch#HANDLE_EVENT_FUNCTION} mode (OTP:
     * {@code handle_event/4}); in a state enter call {@code type} is {@link EventType.Enter} and
     * {@code content} the previous state. Throwing stops the machine. The default crashes the machine:
     * a machine in this mode must say how it handles events.
     */
    default Transition<S, D> handleEvent(EventType type, Object content, S state, D data) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " uses handle_event_function but does not"
                + " implement handleEvent: " + type + " " + content + " in state " + state);
    }

    /**
     * Cleans up before the machine exits (OTP: {@code terminate/3}). Called when a callback returns
     * stop or throws, when {@link #stop} is called, and when the parent sends an exit signal while
     * the machine traps exits. Not called when the machine is killed, or ended by an exit signal it
     * does not trap. If it throws, the machine exits with that failure instead.
     */
    default void terminate(ExitReason reason, S state, D data) throws Exception {}

    /**
     * What {@link io.jarl.server.Sys#getStatus} (in {@link MachineStatus#state()}) and termination
     * reports show of the state and data (OTP: {@code format_status/1}), e.g. with secrets removed.
     * The default is a {@link StateAndData}.
     */
    default Object formatStatus(S state, D data) {
        return new StateAndData<>(state, data);
    }

    // ------------------------------------------------------------------ client API

    /** Starts a machine not linked to the caller, and waits until its {@code init} has returned. */
    static StartResult start(GenStateMachine<?, ?> machine) {
        return GenStateMachineEngine.start(machine, StartOptions.defaults(), false);
    }

    /** Starts a machine with options (a name to register, a start timeout), not linked to the caller. */
    static StartResult start(GenStateMachine<?, ?> machine, StartOptions options) {
        return GenStateMachineEngine.start(machine, options, false);
    }

    /**
     * Starts a machine linked to the caller (OTP: {@code gen_statem:start_link}), and waits until its
     * {@code init} has returned. The link exists before {@code init} runs; if {@code init} fails, a
     * caller that traps exits gets {@link StartResult.Failed}, one that does not exits too.
     *
     * @throws io.jarl.NotAProcessException if the caller is a plain thread (use {@link #start})
     */
    static StartResult startLink(GenStateMachine<?, ?> machine) {
        return GenStateMachineEngine.start(machine, StartOptions.defaults(), true);
    }

    /** {@link #startLink(GenStateMachine)} with options. */
    static StartResult startLink(GenStateMachine<?, ?> machine, StartOptions options) {
        return GenStateMachineEngine.start(machine, options, true);
    }

    /**
     * Calls the machine and waits up to 5 seconds for its reply, typed by the request; the machine
     * gets an {@link EventType.Call} event.
     *
     * @throws io.jarl.ExitException with reason {@code noproc} if the machine is not running,
     *         {@code timeout} if no reply came in time, {@code calling_self} for a call to oneself,
     *         or the machine's exit reason if it ended before replying
     */
    static <R> R call(Address machine, Request<R> request) {
        return call(machine, request, DEFAULT_CALL_TIMEOUT);
    }

    /** A typed call with a timeout ({@link #INFINITY} waits forever). */
    @SuppressWarnings("unchecked")
    static <R> R call(Address machine, Request<R> request, Duration timeout) {
        return (R) Gen.call("GenStateMachine.call", machine, request, checked(timeout));
    }

    /** Calls the machine with any request and waits up to 5 seconds (OTP: {@code gen_statem:call/2}). */
    static Object call(Address machine, Object request) {
        return Gen.call("GenStateMachine.call", machine, request, DEFAULT_CALL_TIMEOUT);
    }

    /** Calls the machine with any request (OTP: {@code gen_statem:call/3}). */
    static Object call(Address machine, Object request, Duration timeout) {
        return Gen.call("GenStateMachine.call", machine, request, checked(timeout));
    }

    /**
     * Sends the machine a {@link EventType.Cast} event without waiting (OTP: {@code gen_statem:cast/2}).
     * Never fails, even if the machine is not running.
     */
    static void cast(Address machine, Object request) {
        Gen.cast(machine, request);
    }

    /**
     * Answers a call later (OTP: {@code gen_statem:reply/2}), from any process or thread; a reply to
     * a caller that has given up is dropped. Inside a callback, {@link Action#reply} does the same as
     * part of the result.
     */
    static void reply(From from, Object reply) {
        Gen.reply(from, reply);
    }

    /** Sends reply actions now (OTP: {@code gen_statem:reply/1}). */
    static void reply(List<Action.Reply> replies) {
        Objects.requireNonNull(replies, "replies");
        for (Action.Reply r : replies) {
            Gen.reply(r.from(), r.reply());
        }
    }

    /** Stops the machine with reason {@code normal} and waits (OTP: {@code gen_statem:stop/1}). */
    static void stop(Address machine) {
        stop(machine, ExitReason.normal(), INFINITY);
    }

    /**
     * Stops the machine with {@code reason}: its {@code terminate} runs, then it exits; waits up to
     * {@code timeout} (OTP: {@code gen_statem:stop/3}).
     *
     * @throws io.jarl.ExitException with {@code noproc} if it is not running, {@code timeout} if it did
     *         not stop in time, or its exit reason if {@code terminate} failed
     * @throws IllegalArgumentException if {@code timeout} is negative (the machine is not touched)
     */
    static void stop(Address machine, ExitReason reason, Duration timeout) {
        Gen.stop("GenStateMachine.stop", machine, reason, checked(timeout));
    }

    /** A call or stop timeout, refused before anything is sent if negative (OTP: {@code badarg}). */
    private static Duration checked(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        return timeout;
    }

    /** Sends a call without waiting (OTP: {@code gen_statem:send_request/2}); as {@link GenServer#sendRequest(Address, Object)}. */
    static RequestId sendRequest(Address machine, Object request) {
        return GenServer.sendRequest(machine, request);
    }

    /** Adds a call to a labelled collection (OTP: {@code gen_statem:send_request/4}). */
    static <L> RequestIds<L> sendRequest(Address machine, Object request, L label, RequestIds<L> ids) {
        return GenServer.sendRequest(machine, request, label, ids);
    }

    /** Waits for a reply, abandoning the request on timeout (OTP: {@code gen_statem:receive_response/2}). */
    static Response receiveResponse(RequestId id, Duration timeout) {
        return GenServer.receiveResponse(id, timeout);
    }

    /** Waits for a reply to any of {@code ids} (OTP: {@code gen_statem:receive_response/3}). */
    static <L> Responses<L> receiveResponse(RequestIds<L> ids, Duration timeout, boolean delete) {
        return GenServer.receiveResponse(ids, timeout, delete);
    }

    /** Waits for a reply; the request stays active on timeout (OTP: {@code gen_statem:wait_response/2}). */
    static Response waitResponse(RequestId id, Duration timeout) {
        return GenServer.waitResponse(id, timeout);
    }

    /** Waits for a reply to any of {@code ids}; they stay active on timeout (OTP: {@code gen_statem:wait_response/3}). */
    static <L> Responses<L> waitResponse(RequestIds<L> ids, Duration timeout, boolean delete) {
        return GenServer.waitResponse(ids, timeout, delete);
    }

    /** Whether a received message answers {@code id} (OTP: {@code gen_statem:check_response/2}). */
    static Response checkResponse(Object message, RequestId id) {
        return GenServer.checkResponse(message, id);
    }

    /** Whether a received message answers one of {@code ids} (OTP: {@code gen_statem:check_response/3}). */
    static <L> Responses<L> checkResponse(Object message, RequestIds<L> ids, boolean delete) {
        return GenServer.checkResponse(message, ids, delete);
    }

    /** The pid of a machine's address, if it runs. */
    static java.util.Optional<Pid> whereis(Address machine) {
        return machine.resolve();
    }
}
