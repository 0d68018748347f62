package io.jarl.statem;

import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessExitedError;
import io.jarl.Ref;
import io.jarl.internal.Gen;
import io.jarl.internal.Gen.SysOp;
import io.jarl.internal.Gen.SysRequest;
import io.jarl.internal.ProcLib;
import io.jarl.internal.SysHandler;
import io.jarl.server.From;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.statem.EventType.TimeoutType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * The generic part of every state machine, as OTP splits gen_statem.erl from the callback module;
 * what it shares with GenServer (the Call/Cast messages, gen:call, proc_lib's start, sys) is in
 * io.jarl.internal. The names below are gen_statem's loop functions.
 *
 * - start(): ProcLib.startHandler: the machine is a handler process (io.jarl.Handler) whose state
 *   is this engine, so between two messages it holds no thread and no stack (what OTP's hibernate
 *   gives a process). init() registers a via name, runs init (init_it/init_result), answers
 *   the starter, then enter(): callback_mode, then the init actions are carried out as the result
 *   of a fake {internal, init_state} event with postponing forced off, so that the first state gets
 *   its enter call (loop_enter).
 * - onMessage(), then drain(): the message, then the queue of events to handle before receiving
 *   (inserted events, retried postponed ones), then the zero timeouts (OTP's t0q); then the
 *   process waits for its next message (loop_receive). A Call carrying a SysRequest goes to
 *   SysHandler; an Exit from the parent runs terminate; a TimerFired of a running timer is its
 *   timeout event; everything else is info.
 * - handle(): one event (loop_state_callback): the state callback, then apply() interprets the
 *   result (loop_state_callback_result) into a Step, actions() collects its actions
 *   (loop_actions_list), and while the Step asks for a state enter call, the new state's enter call
 *   is made and applied in turn (loop_state_enter); then transition() (loop_state_transition,
 *   loop_keep_state / loop_state_change, loop_timeouts, loop_done).
 * - Timers: a timeout with a delay is a Jarl timer sending TimerFired(id, type) to the machine; the
 *   id of the running timeout of each type is kept, so a TimerFired of a timeout that was cancelled
 *   or restarted since is recognised and dropped when received (OTP flushes it at cancel time; Jarl's
 *   cancelTimer cannot promise that a fired timer's message is already queued). A zero timeout has
 *   no timer: its type waits in zeroTimeouts, handled when the queue is empty, before receiving.
 * - Stopping: a callback that throws or returns stop runs terminate() and throws the ExitException
 *   that ends the process; its message is the termination report (OTP: error_info), which the
 *   runtime logs once for an abnormal reason. An exception in a callback terminates with the state
 *   and data from before the event, a refused result with the ones it asked for, as OTP does.
 */
final class GenStateMachineEngine<S, D> implements SysHandler.Host {
    static final Logger LOG = LoggerFactory.getLogger(GenStateMachine.class);

    /** The message of a timeout's timer. */
    private record TimerFired(long id, TimeoutType type) {}

    /** A running timeout; {@code timer} is null for a zero timeout (waiting in zeroTimeouts). */
    private record Running(Ref timer, long id, Object content) {
        Running withContent(Object newContent) {
            return new Running(timer, id, newContent);
        }
    }

    /** The content of the fake event that carries init's actions (OTP: {@code {internal, init_state}}). */
    private static final Object INIT_STATE = new Object() {
        @Override
        public String toString() {
            return "init_state";
        }
    };

    private final GenStateMachine<S, D> machine;
    private final Pid parent; // the linked starter, or the machine itself when started without a link
    private SysHandler sys; // made by the first system request: most servers never see one
    private CallbackMode mode;
    private S state;
    private D data;
    private final ArrayDeque<Event> queue = new ArrayDeque<>(); // to handle before receiving (OTP: Q)
    private List<Event> postponed = new ArrayList<>();           // oldest first
    private final Map<TimeoutType, Running> timeouts = new LinkedHashMap<>();
    private final ArrayDeque<TimeoutType> zeroTimeouts = new ArrayDeque<>(); // OTP: t0q
    private long timerIds;
    private Event lastEvent;       // for the termination report: the event given to the callback
    private S entering;            // the state whose enter call runs, or null

    private GenStateMachineEngine(GenStateMachine<S, D> machine, Pid parent) {
        this.machine = machine;
        this.parent = parent;
    }

    // ------------------------------------------------------------------ start (gen_statem:init_it)

    static StartResult start(GenStateMachine<?, ?> machine, StartOptions options, boolean link) {
        Objects.requireNonNull(machine, "machine");
        return startEngine(machine, options, link);
    }

    private static <S, D> StartResult startEngine(GenStateMachine<S, D> machine, StartOptions options, boolean link) {
        return ProcLib.startHandler(ProcLib.initCall(machine.getClass()), options, link,
                (parent, starter) -> new GenStateMachineEngine<>(machine, parent).init(starter),
                GenStateMachineEngine::onMessage);
    }

    /** The machine process's first activation: its state is the engine, or null to end normal. */
    private GenStateMachineEngine<S, D> init(ProcLib.Starter starter) {
        if (!starter.registerVia()) {
            return null; // OTP: a taken via name ends the machine normal
        }
        Init<S, D> init;
        try {
            init = machine.init();
        } catch (Throwable t) {
            ExitReason reason = Gen.reasonOf(t);
            starter.fail(new StartResult.Failed(reason));
            throw new ExitException(reason, header() + "init failed");
        }
        if (init == null) {
            ExitReason reason = ExitReason.of(new BadReturn("bad_return_from_init", "null"));
            starter.fail(new StartResult.Failed(reason));
            throw new ExitException(reason, header() + "init returned null");
        }
        return switch (init) {
            case Init.Ok<S, D>(S s, D d, List<Action> actions) -> {
                state = s;
                data = d;
                starter.ok();
                enter(actions);
                yield drain();
            }
            case Init.Ignore<S, D>() -> {
                starter.fail(new StartResult.Ignored());
                yield null;
            }
            case Init.Stop<S, D>(ExitReason reason) -> {
                starter.fail(new StartResult.Failed(reason));
                throw new ExitException(reason, header() + "init returned stop");
            }
            case Init.Error<S, D>(ExitReason reason) -> {
                starter.fail(new StartResult.Failed(reason));
                yield null; // exits normal
            }
        };
    }

    /** Carries out init's actions and makes the first state's enter call (OTP: enter/8, loop_enter). */
    private void enter(List<Action> actions) {
        Event init = new Event(EventType.INTERNAL, INIT_STATE);
        lastEvent = init;
        try {
            mode = Objects.requireNonNull(machine.callbackMode(), "callbackMode() returned null");
        } catch (Throwable t) {
            throw stop(Gen.reasonOf(t), t, "callbackMode failed");
        }
        Step step = new Step(init, state, data);
        step.callEnter = true;
        actions(step, actions, true);
        step.postpone = false; // OTP appends {postpone, false}: the fake event is never kept
        enterCalls(step);
        transition(step);
    }

    // ------------------------------------------------------------------ the loop (loop_receive, loop_done)

    /** The machine's handler: between two messages the machine is this engine and its mailbox. */
    private GenStateMachineEngine<S, D> onMessage(Object msg) {
        Event event = eventOf(msg);
        if (event != null) {
            handle(event);
        }
        return drain();
    }

    /**
     * Handles the events to handle before receiving (inserted, retried postponed, zero timeouts),
     * then returns to wait for a message. While sys has the machine suspended it receives system
     * requests and the parent's exit only, here (OTP: sys:suspend_loop; the one wait that holds a
     * thread).
     */
    private GenStateMachineEngine<S, D> drain() {
        for (;;) {
            Event event = queue.pollFirst();
            if (event == null && !zeroTimeouts.isEmpty()) {
                TimeoutType type = zeroTimeouts.pollFirst();
                event = new Event(type, timeouts.remove(type).content());
            }
            if (event == null) {
                lastEvent = null;
                if (!SysHandler.suspended(sys)) {
                    return this;
                }
                event = eventOf(SysHandler.receiveSuspended(parent));
                if (event == null) {
                    continue;
                }
            }
            handle(event);
        }
    }

    /** The event a message is, or null if the engine handled it (sys) or it is stale (an old timer's). */
    private Event eventOf(Object msg) {
        if (msg instanceof TimerFired(long id, TimeoutType type)) {
            Running running = timeouts.get(type);
            if (running == null || running.timer() == null || running.id() != id) {
                return null; // cancelled or restarted since it was sent: as if flushed
            }
            if (sys != null) {
                sys.received(msg);
            }
            timeouts.remove(type);
            return new Event(type, running.content());
        }
        if (sys != null) {
            sys.received(msg);
        }
        return switch (msg) {
            case Gen.Call(From from, SysRequest(SysOp op)) -> {
                (sys = SysHandler.made(sys, LOG)).handle(from, op, this);
                yield null;
            }
            case Gen.Call(From from, Object request) -> new Event(EventType.call(from), request);
            case Gen.Cast(Object request) -> new Event(EventType.CAST, request);
            case Exit(Pid from, ExitReason reason) when from.equals(parent) -> throw stop(reason, null, "stopped");
            default -> new Event(EventType.INFO, msg);
        };
    }

    // ------------------------------------------------------------------ one event (loop_state_callback)

    /** What the callbacks asked for while handling one event, until the transition is made. */
    private final class Step {
        final Event event;
        S nextState;
        D nextData;
        boolean callEnter;
        boolean postpone;
        final List<Event> inserted = new ArrayList<>();
        final List<Action.TimeoutAction> timeoutActions = new ArrayList<>();

        Step(Event event, S nextState, D nextData) {
            this.event = event;
            this.nextState = nextState;
            this.nextData = nextData;
        }
    }

    private void handle(Event event) {
        Step step = new Step(event, state, data);
        apply(step, callback(event, state, data), true, state, data);
        enterCalls(step);
        transition(step);
    }

    /** Makes the state enter calls the step asks for, each of which may ask for another (OTP: loop_state_enter). */
    private void enterCalls(Step step) {
        while (step.callEnter && mode.stateEnter()) {
            step.callEnter = false;
            S next = step.nextState;
            D nextData = step.nextData;
            entering = next;
            Transition<S, D> result = callback(new Event(EventType.ENTER, state), next, nextData);
            apply(step, result, false, next, nextData);
            entering = null;
        }
    }

    /** Calls the state callback; one that throws or returns null stops the machine. */
    private Transition<S, D> callback(Event event, S s, D d) {
        lastEvent = event;
        Transition<S, D> result;
        try {
            result = switch (mode.dispatch()) {
                case STATE_FUNCTIONS -> {
                    StateFunction<S, D> function = machine.stateFunction(s);
                    if (function == null) {
                        throw new IllegalStateException(machine.getClass().getName() + ".stateFunction(" + s
                                + ") returned null");
                    }
                    yield function.handleEvent(event.type(), event.content(), d);
                }
                case HANDLE_EVENT_FUNCTION -> machine.handleEvent(event.type(), event.content(), s, d);
            };
        } catch (Throwable t) {
            throw stop(Gen.reasonOf(t), t, "a callback failed");
        }
        if (result == null) {
            throw stop(ExitReason.of(new BadReturn("bad_return_from_state_function", "null")), null,
                    "a callback returned null");
        }
        return result;
    }

    /**
     * Interprets a callback's result (OTP: loop_state_callback_result). {@code current} and
     * {@code currentData} are what the callback was given; {@code stateCall} is false for an enter call.
     */
    private void apply(Step step, Transition<S, D> result, boolean stateCall, S current, D currentData) {
        switch (result) {
            case Transition.NextState<S, D>(S next, D d, List<Action> actions) -> {
                boolean same = next.equals(current);
                if (!same && !stateCall) {
                    throw refuse(new BadReturn("bad_state_enter_return_from_state_function", result), current,
                            currentData);
                }
                step.nextState = next;
                step.nextData = d;
                step.callEnter = !same;
                actions(step, actions, stateCall);
            }
            case Transition.KeepState<S, D>(D d, List<Action> actions) -> {
                step.nextState = current;
                step.nextData = d;
                step.callEnter = false;
                actions(step, actions, stateCall);
            }
            case Transition.KeepStateAndData<S, D>(List<Action> actions) -> {
                step.nextState = current;
                step.nextData = currentData;
                step.callEnter = false;
                actions(step, actions, stateCall);
            }
            case Transition.RepeatState<S, D>(D d, List<Action> actions) -> {
                step.nextState = current;
                step.nextData = d;
                step.callEnter = true;
                actions(step, actions, stateCall);
            }
            case Transition.RepeatStateAndData<S, D>(List<Action> actions) -> {
                step.nextState = current;
                step.nextData = currentData;
                step.callEnter = true;
                actions(step, actions, stateCall);
            }
            case Transition.Stop<S, D>(ExitReason reason, var d) -> {
                state = current;
                data = d.orElse(currentData);
                throw stop(reason, null, "stopped");
            }
            case Transition.StopAndReply<S, D>(ExitReason reason, List<Action.Reply> replies, var d) -> {
                state = current;
                data = d.orElse(currentData);
                for (Action.Reply reply : replies) {
                    replied(reply.from(), reply.reply());
                }
                throw stop(reason, null, "stopped");
            }
        }
    }

    /** Collects the actions of a result, replying at once (OTP: loop_actions_list). */
    private void actions(Step step, List<Action> actions, boolean stateCall) {
        for (Action action : actions) {
            switch (action) {
                case Action.Reply(From from, Object reply) -> replied(from, reply);
                case Action.Hibernate() -> {
                    // Nothing to do: between messages the machine holds no stack already (see Action.Hibernate).
                }
                case Action.Postpone(boolean postpone) -> {
                    if (postpone && !stateCall) {
                        throw refuse(new BadReturn("bad_state_enter_action_from_state_function", action),
                                step.nextState, step.nextData);
                    }
                    step.postpone = postpone;
                }
                case Action.NextEvent(EventType type, Object content) -> {
                    if (!stateCall) {
                        throw refuse(new BadReturn("bad_state_enter_action_from_state_function", action),
                                step.nextState, step.nextData);
                    }
                    step.inserted.add(new Event(type, content));
                }
                case Action.TimeoutAction t -> step.timeoutActions.add(t);
            }
        }
    }

    // ------------------------------------------------------------------ the transition (loop_state_transition)

    private void transition(Step step) {
        if (step.postpone) {
            postponed.add(step.event);
        }
        boolean changed = !step.nextState.equals(state);
        cancel(EventType.TIMEOUT); // any event cancels the event timeout (loop_keep_state)
        if (changed) {
            // loop_state_change: the postponed events are retried first, oldest first, and the state
            // timeout ends with its state.
            for (int i = postponed.size() - 1; i >= 0; i--) {
                queue.addFirst(postponed.get(i));
            }
            postponed = new ArrayList<>();
            cancel(EventType.STATE_TIMEOUT);
        }
        state = step.nextState;
        data = step.nextData;
        timeouts(step.timeoutActions);
        // loop_done: the inserted events go before everything, in the order given.
        for (int i = step.inserted.size() - 1; i >= 0; i--) {
            queue.addFirst(step.inserted.get(i));
        }
    }

    /** Starts, updates and cancels timeouts; for each type the last action wins (OTP: loop_timeouts). */
    private void timeouts(List<Action.TimeoutAction> actions) {
        if (actions.isEmpty()) {
            return;
        }
        // OTP walks the actions backwards and skips the types it has seen; the winners are then
        // carried out in the order they were given, so that zero timeouts fire in that order.
        Set<TimeoutType> seen = new HashSet<>();
        ArrayDeque<Action.TimeoutAction> winners = new ArrayDeque<>();
        for (int i = actions.size() - 1; i >= 0; i--) {
            if (seen.add(actions.get(i).type())) {
                winners.addFirst(actions.get(i));
            }
        }
        for (Action.TimeoutAction action : winners) {
            switch (action) {
                case Action.StartTimeout start -> {
                    TimeoutType type = start.type();
                    cancel(type);
                    if (start.infinite()) {
                        // OTP: infinity starts nothing
                    } else if (start.after().isZero()) {
                        timeouts.put(type, new Running(null, 0, start.content()));
                        zeroTimeouts.addLast(type);
                    } else {
                        startTimer(type, start.after(), start.content());
                    }
                }
                case Action.StartTimeoutAt(TimeoutType type, Instant at, Object content) -> {
                    cancel(type);
                    Duration left = Duration.between(Instant.now(), at);
                    startTimer(type, left.isNegative() ? Duration.ZERO : left, content);
                }
                case Action.UpdateTimeout(TimeoutType type, Object content) -> {
                    Running running = timeouts.get(type);
                    if (running != null) {
                        timeouts.put(type, running.withContent(content));
                    } else {
                        timeouts.put(type, new Running(null, 0, content));
                        zeroTimeouts.addLast(type);
                    }
                }
                case Action.CancelTimeout(TimeoutType type) -> cancel(type);
            }
        }
    }

    private void startTimer(TimeoutType type, Duration after, Object content) {
        long id = ++timerIds;
        Ref timer = Jarl.sendAfter(Jarl.self(), new TimerFired(id, type), after);
        timeouts.put(type, new Running(timer, id, content));
    }

    /** Cancels the timeout of {@code type} if it runs; a message its timer sent already is dropped on arrival. */
    private void cancel(TimeoutType type) {
        Running running = timeouts.remove(type);
        if (running == null) {
            return;
        }
        if (running.timer() != null) {
            Jarl.cancelTimer(running.timer());
        } else {
            zeroTimeouts.remove(type);
        }
    }

    // ------------------------------------------------------------------ replies and termination

    private void replied(From from, Object reply) {
        Gen.reply(from, reply);
        if (sys != null) {
            sys.replied(from.pid(), reply);
        }
    }

    /** A refused result: terminate with the state and data it asked for (OTP: terminate(error, {bad_..., X})). */
    private ExitException refuse(BadReturn bad, S s, D d) {
        state = s;
        data = d;
        return stop(ExitReason.of(bad), null, "bad result");
    }

    /** Runs terminate and returns the exception that exits with {@code reason} (or terminate's failure). */
    private ExitException stop(ExitReason reason, Throwable failure, String what) {
        try {
            machine.terminate(reason, state, data);
        } catch (Throwable t) {
            return exitWith(Gen.reasonOf(t), t, "terminate failed after " + what + " with reason " + reason);
        }
        return exitWith(reason, failure, what);
    }

    /** The exception that ends the process; its message is the termination report (OTP: error_info). */
    private ExitException exitWith(ExitReason reason, Throwable failure, String what) {
        if (failure instanceof ProcessExitedError e) {
            throw e;
        }
        StringBuilder report = new StringBuilder(header()).append(what);
        if (lastEvent != null) {
            report.append("; last event: ").append(lastEvent);
            if (entering != null) {
                report.append(" (state enter call of ").append(entering).append(')');
            }
        }
        report.append("; state: ").append(safeStatus());
        if (!queue.isEmpty()) {
            report.append("; queued: ").append(queue);
        }
        if (!postponed.isEmpty()) {
            report.append("; postponed: ").append(postponed);
        }
        if (!timeouts.isEmpty()) {
            report.append("; timeouts: ").append(runningTimeouts());
        }
        report.append("; callback mode: ").append(mode);
        return new ExitException(reason, report.toString());
    }

    private String header() {
        return "GenStateMachine " + Jarl.self() + " (" + machine.getClass().getName() + ") terminating: ";
    }

    /** The running timeouts, as the events they will deliver. */
    private List<Event> runningTimeouts() {
        List<Event> list = new ArrayList<>();
        timeouts.forEach((type, running) -> list.add(new Event(type, running.content())));
        return list;
    }

    private Object safeStatus() {
        try {
            return machine.formatStatus(state, data);
        } catch (RuntimeException e) {
            return "(formatStatus failed: " + e + ")";
        }
    }

    // ------------------------------------------------------------------ system messages (sys)

    @Override
    public Object systemState() {
        return new StateAndData<>(state, data);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object replaceSystemState(Function<Object, Object> change) {
        Object changed = change.apply(new StateAndData<>(state, data));
        if (!(changed instanceof StateAndData<?, ?> replaced)) {
            throw new IllegalArgumentException("the state of a GenStateMachine is a StateAndData; replaceState"
                    + " returned " + changed);
        }
        // OTP: a replaced state is not a change of state: no enter call, postponed events stay.
        state = (S) replaced.state();
        data = (D) replaced.data();
        return replaced;
    }

    @Override
    public Object formatStatus() {
        return new MachineStatus(safeStatus(), postponed, runningTimeouts());
    }

    @Override
    public String module() {
        return machine.getClass().getName();
    }

    @Override
    public Pid parent() {
        return parent;
    }

    @Override
    public RuntimeException terminate(ExitReason reason) {
        lastEvent = null;
        return stop(reason, null, "stopped");
    }
}
