package io.jarl.statem;

import static io.jarl.Jarl.*;
import static io.jarl.statem.Action.*;
import static io.jarl.statem.Transition.*;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.From;
import io.jarl.server.Request;
import io.jarl.statem.CallbackMode.Dispatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The state machine of OTP's gen_statem_SUITE (its own callback module), in both callback modes:
 * in state_functions mode each state is one of the methods below; in handle_event_function mode
 * {@link #handleEvent} dispatches to the same methods, as the suite's {@code handle_event/4} does.
 */
final class SuiteMachine implements GenStateMachine<SuiteMachine.St, Object> {

    enum St { IDLE, WFOR_CONF, CONNECTED, TIMEOUT, TIMEOUT2, HIBER_IDLE, HIBER_WAKEUP, NEXT_EVENTS }

    // ------------------------------------------------------------------ the protocol

    /** {@code {'alive?', Pid}} cast, answered with "yes" by a plain send. */
    record AliveCast(Pid pid) {}

    /** {@code 'alive?'} call. */
    record Alive() implements Request<String> {}

    record ConnectCast(Pid pid) {}

    record Connect() implements Request<String> {}

    record Ping(Pid pid, Ref tag) {}

    record Pong(Ref tag) {}

    /** {@code confirm}: a call or a cast. */
    record Confirm() implements Request<String> {}

    record MsgCast(Pid pid, Ref ref) {}

    record Msg(Ref ref) implements Request<Ack> {}

    record Ack(Ref ref) {}

    /** {@code disconnect}: a call or a cast. */
    record Disconnect() implements Request<String> {}

    record Get() implements Request<Report> {}

    record Report(St state, Object data) {}

    record GetCallbackMode() implements Request<Dispatch> {}

    /** {@code stop}: a call (stop_and_reply normal) or a cast (stop). */
    record StopIt() implements Request<String> {}

    /** {@code {stop, Reason}}: a call or a cast. */
    record StopWith(ExitReason reason) implements Request<String> {}

    /** {@code {delayed_answer, T}}: replied "delayed" after {@code after}. */
    record DelayedAnswer(Duration after) implements Request<String> {}

    /** Replied "delayed" when the machine receives {@link Release} (deterministic delayed answers). */
    record Hold() implements Request<String> {}

    record Release() {}

    /** {@code {timeout, Time}} call: the suite's tour of event timeouts (see {@link #timeout}). */
    record TimeoutCall(Duration time) implements Request<String> {}

    /** {@code {timeout, Time}} cast: an absolute event timeout with content "idle". */
    record TimeoutCast(Duration time) {}

    record PostponeEvent() {}

    record NextEvents() {}

    record BadReturnCall() {}

    record BadTimeout() {}

    record HPing(Pid pid) {}

    record HPong(Pid from) {}

    record HibernateSync() implements Request<String> {}

    record WakeupSync() implements Request<String> {}

    record SnoozeSync() implements Request<String> {}

    record HibernateAsync() {}

    record WakeupAsync() {}

    record SnoozeAsync() {}

    private record ReplyLater(From from) {}

    private record TimerMsg(Ref tref, String result) {}

    private record TimeoutData(From from, Duration time) {}

    private record TimeoutRef(From from, Ref tref) {}

    /** What {@link #formatStatus} shows (OTP: {@code {formatted, State, Data}}). */
    record Formatted(St state, Object data) {}

    /** Sent to the observer by terminate. */
    record Terminated(ExitReason reason, St state, Object data) {}

    /** The data that makes terminate fail (OTP: {@code crash_terminate}). */
    static final String CRASH_TERMINATE = "crash_terminate";

    // ------------------------------------------------------------------ init arguments

    sealed interface Arg {
        record Normal() implements Arg {}

        record Ignore() implements Arg {}

        record Stop() implements Arg {}

        record Error(Object reason) implements Arg {}

        /** init never returns (OTP: {@code sleep}, used with a start timeout). */
        record Sleep() implements Arg {}

        record Data(Object data) implements Arg {}

        record Hiber() implements Arg {}

        record HiberNow() implements Arg {}
    }

    private final Dispatch dispatch;
    private final Arg arg;
    private final Pid observer; // told of terminate, or null
    private final List<From> held = new ArrayList<>();

    SuiteMachine(Dispatch dispatch, Arg arg, Pid observer) {
        this.dispatch = dispatch;
        this.arg = arg;
        this.observer = observer;
    }

    SuiteMachine(Dispatch dispatch) {
        this(dispatch, new Arg.Normal(), null);
    }

    @Override
    public Init<St, Object> init() {
        return switch (arg) {
            case Arg.Normal() -> Init.ok(St.IDLE, "data");
            case Arg.Ignore() -> Init.ignore();
            case Arg.Stop() -> Init.stop(ExitReason.of("stopped"));
            case Arg.Error(Object reason) -> Init.error(ExitReason.of(reason));
            case Arg.Sleep() -> {
                receive(m -> skip()); // until the start times out and the machine is killed
                yield Init.ok(St.IDLE, "data");
            }
            case Arg.Data(Object data) -> Init.ok(St.IDLE, data);
            case Arg.Hiber() -> Init.ok(St.HIBER_IDLE, List.of());
            case Arg.HiberNow() -> Init.ok(St.HIBER_IDLE, List.of(), hibernate());
        };
    }

    @Override
    public CallbackMode callbackMode() {
        return dispatch == Dispatch.STATE_FUNCTIONS ? CallbackMode.stateFunctions() : CallbackMode.handleEventFunction();
    }

    @Override
    public StateFunction<St, Object> stateFunction(St state) {
        return switch (state) {
            case IDLE -> this::idle;
            case WFOR_CONF -> this::wforConf;
            case CONNECTED -> this::connected;
            case TIMEOUT -> this::timeout;
            case TIMEOUT2 -> this::timeout2;
            case HIBER_IDLE -> this::hiberIdle;
            case HIBER_WAKEUP -> this::hiberWakeup;
            case NEXT_EVENTS -> this::nextEvents;
        };
    }

    @Override
    public Transition<St, Object> handleEvent(EventType type, Object content, St state, Object data) throws Exception {
        if (type instanceof EventType.Call(From from) && content instanceof GetCallbackMode) {
            return keepStateAndData(reply(from, Dispatch.HANDLE_EVENT_FUNCTION));
        }
        return stateFunction(state).handleEvent(type, content, data);
    }

    @Override
    public void terminate(ExitReason reason, St state, Object data) {
        if (CRASH_TERMINATE.equals(data)) {
            throw new ExitException(ExitReason.of("{crash, terminate}"));
        }
        if (observer != null) {
            send(observer, new Terminated(reason, state, data));
        }
    }

    @Override
    public Object formatStatus(St state, Object data) {
        return new Formatted(state, data);
    }

    // ------------------------------------------------------------------ the states

    private Transition<St, Object> idle(EventType type, Object content, Object data) {
        return switch (type) {
            case EventType.Info() when content instanceof HPing(Pid pid) -> {
                send(pid, new HPong(self()));
                yield keepStateAndData();
            }
            case EventType.Cast() when content instanceof HPing(Pid pid) -> {
                send(pid, new HPong(self()));
                yield keepState(data);
            }
            case EventType.Cast() when content instanceof ConnectCast(Pid pid) -> {
                send(pid, "accept");
                yield nextState(St.WFOR_CONF, data, eventTimeout(INFINITY, "noop")); // a no-op timeout, to test the API
            }
            case EventType.Call(From from) when content instanceof Connect -> {
                GenStateMachine.reply(from, "accept");
                yield nextState(St.WFOR_CONF, data, eventTimeout(INFINITY, "noop"));
            }
            case EventType.Call(From from) when content instanceof BadReturnCall -> null;
            case EventType.Call(From from) when content instanceof BadTimeout ->
                    keepState(data, eventTimeout(Duration.ofMillis(-4711), "ouch"));
            case EventType.Call(From from) when content instanceof TimeoutCall(Duration time) ->
                    nextState(St.TIMEOUT, new TimeoutData(from, time),
                            startTimeoutAt(EventType.TIMEOUT, Instant.now().plus(time), "idle"));
            case EventType.Cast() when content instanceof TimeoutCast(Duration time) ->
                    keepStateAndData(startTimeoutAt(EventType.TIMEOUT, Instant.now().plus(time), "idle"));
            case EventType.Cast() when content instanceof PostponeEvent -> keepStateAndData(postpone());
            case EventType.Cast() when content instanceof NextEvents -> nextState(St.NEXT_EVENTS, List.of("a", "b", "c"),
                    nextEvent(EventType.INTERNAL, "a"), nextEvent(EventType.INTERNAL, "b"),
                    nextEvent(EventType.INTERNAL, "c"));
            default -> {
                Transition<St, Object> common = handleCommonEvents(type, content, St.IDLE, data);
                if (common != null) {
                    yield common;
                }
                yield type instanceof EventType.Call(From from)
                        ? keepState(data, reply(from, "eh?"))
                        : stop(ExitReason.of(List.of("unexpected", St.IDLE, type, content)));
            }
        };
    }

    /**
     * The suite's tour of event timeouts: an absolute event timeout ("idle") led here; a zero
     * event timeout follows; then a 1 ms event timeout that must be cancelled by the postponed zero
     * timeout event, retried in {@link #timeout2}; the reply comes from a plain timer.
     */
    private Transition<St, Object> timeout(EventType type, Object content, Object data) {
        return switch (type) {
            case EventType.Timeout() when "idle".equals(content) && data instanceof TimeoutData(From from, Duration time) -> {
                Ref tref = makeRef();
                sendAfter(self(), new TimerMsg(tref, "ok"), time);
                yield keepState(new TimeoutRef(from, tref), eventTimeout(Duration.ZERO, 0)); // an immediate timeout
            }
            case EventType.Timeout() when Integer.valueOf(0).equals(content) ->
                    nextState(St.TIMEOUT2, data, eventTimeout(Duration.ofMillis(1), "should_be_cancelled"), postpone());
            default -> keepStateAndData();
        };
    }

    private Transition<St, Object> timeout2(EventType type, Object content, Object data) {
        return switch (type) {
            case EventType.Timeout() when Integer.valueOf(0).equals(content) -> keepStateAndData();
            case EventType.Timeout() -> stop(ExitReason.of(content));
            case EventType.Info() when content instanceof TimerMsg(Ref tref, String result)
                    && data instanceof TimeoutRef(From from, Ref expected) && tref.equals(expected) -> {
                GenStateMachine.reply(List.of(reply(from, result)));
                yield nextState(St.IDLE, "state");
            }
            default -> keepStateAndData(List.of());
        };
    }

    private Transition<St, Object> wforConf(EventType type, Object content, Object data) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof Confirm -> nextState(St.CONNECTED, data, reply(from, "yes"));
            case EventType.Cast() when content instanceof Ping -> keepStateAndData(postpone());
            case EventType.Cast() when content instanceof Confirm -> nextState(St.CONNECTED, data);
            default -> {
                Transition<St, Object> common = handleCommonEvents(type, content, St.WFOR_CONF, data);
                if (common != null) {
                    yield common;
                }
                yield type instanceof EventType.Call(From from)
                        ? nextState(St.IDLE, data, reply(from, "eh?"))
                        : keepStateAndData();
            }
        };
    }

    private Transition<St, Object> connected(EventType type, Object content, Object data) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof Msg(Ref ref) -> keepState(data, reply(from, new Ack(ref)));
            case EventType.Cast() when content instanceof MsgCast(Pid pid, Ref ref) -> {
                send(pid, new Ack(ref));
                yield keepState(data);
            }
            case EventType.Call(From from) when content instanceof Disconnect -> nextState(St.IDLE, data, reply(from, "yes"));
            case EventType.Cast() when content instanceof Disconnect -> nextState(St.IDLE, data);
            case EventType.Cast() when content instanceof Ping(Pid pid, Ref tag) -> {
                send(pid, new Pong(tag));
                yield keepState(data);
            }
            default -> {
                Transition<St, Object> common = handleCommonEvents(type, content, St.CONNECTED, data);
                if (common != null) {
                    yield common;
                }
                yield type instanceof EventType.Call(From from) ? keepState(data, reply(from, "eh?")) : keepState(data);
            }
        };
    }

    private Transition<St, Object> hiberIdle(EventType type, Object content, Object data) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof Alive -> keepState(data, reply(from, "alive!"));
            case EventType.Call(From from) when content instanceof HibernateSync ->
                    nextState(St.HIBER_WAKEUP, data, reply(from, "hibernating"), hibernate());
            case EventType.Info() when "hibernate_now".equals(content) -> keepState(data, hibernate());
            case EventType.Cast() when content instanceof HibernateAsync -> nextState(St.HIBER_WAKEUP, data, hibernate());
            default -> {
                Transition<St, Object> common = handleCommonEvents(type, content, St.HIBER_IDLE, data);
                yield common != null ? common : keepState(data);
            }
        };
    }

    private Transition<St, Object> hiberWakeup(EventType type, Object content, Object data) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof WakeupSync ->
                    nextState(St.HIBER_IDLE, data, reply(from, "good_morning"));
            case EventType.Call(From from) when content instanceof SnoozeSync ->
                    keepState(data, reply(from, "please_just_five_more"), hibernate());
            case EventType.Cast() when content instanceof WakeupAsync -> nextState(St.HIBER_IDLE, data);
            case EventType.Cast() when content instanceof SnoozeAsync -> keepState(data, hibernate());
            default -> {
                Transition<St, Object> common = handleCommonEvents(type, content, St.HIBER_WAKEUP, data);
                yield common != null ? common : keepState(data);
            }
        };
    }

    private Transition<St, Object> nextEvents(EventType type, Object content, Object data) {
        if (type instanceof EventType.Internal && data instanceof List<?> msgs && !msgs.isEmpty()
                && msgs.getFirst().equals(content)) {
            return keepState(List.copyOf(msgs.subList(1, msgs.size())));
        }
        Transition<St, Object> common = handleCommonEvents(type, content, St.NEXT_EVENTS, data);
        return common != null ? common : keepState(data);
    }

    /** The events every state handles (OTP: handle_common_events); null for the others. */
    private Transition<St, Object> handleCommonEvents(EventType type, Object content, St state, Object data) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof GetCallbackMode ->
                    keepStateAndData(reply(from, Dispatch.STATE_FUNCTIONS));
            case EventType.Call(From from) when content instanceof Get -> keepState(data, reply(from, new Report(state, data)));
            case EventType.Call(From from) when content instanceof StopIt ->
                    stopAndReply(ExitReason.normal(), List.of(reply(from, "stopped")), data);
            case EventType.Cast() when content instanceof StopIt -> stop();
            case EventType.Call(From from) when content instanceof StopWith(ExitReason reason) ->
                    stopAndReply(reason, List.of(reply(from, "stopped")), data);
            case EventType.Cast() when content instanceof StopWith(ExitReason reason) -> stop(reason);
            case EventType.Call(From from) when content instanceof Alive -> keepState(data, reply(from, "yes"));
            case EventType.Cast() when content instanceof AliveCast(Pid pid) -> {
                send(pid, "yes");
                yield keepState(data);
            }
            case EventType.Call(From from) when content instanceof DelayedAnswer(Duration after) -> {
                sendAfter(self(), new ReplyLater(from), after);
                yield keepState(data);
            }
            case EventType.Info() when content instanceof ReplyLater(From from) -> keepStateAndData(reply(from, "delayed"));
            case EventType.Call(From from) when content instanceof Hold -> {
                held.add(from);
                yield keepStateAndData();
            }
            case EventType.Info() when content instanceof Release -> {
                List<Action> replies = held.stream().<Action>map(f -> reply(f, "delayed")).toList();
                held.clear();
                yield keepStateAndData(replies);
            }
            default -> null;
        };
    }
}
