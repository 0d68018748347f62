package io.jarl.statem;

import io.jarl.server.From;
import io.jarl.statem.EventType.TimeoutType;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Something a state machine asks its engine to do along with a {@link Transition} (OTP:
 * {@code gen_statem:action()}).
 *
 * <p>The actions of one result are carried out in order; for the ones that set an option
 * (postpone, a timeout of one type) the last one wins. Replies are sent at once; inserted events,
 * postponing and timeouts take effect when the transition is made:
 * <ol>
 *   <li>the event is postponed if asked;</li>
 *   <li>the event timeout is cancelled (any event cancels it); on a change of state the state timeout
 *       is cancelled too and the postponed events are queued again, oldest first;</li>
 *   <li>the timeouts of the actions are started, updated or cancelled;</li>
 *   <li>the inserted events go first in the queue, in order; the machine handles the queue, then
 *       the zero timeouts, then receives.</li>
 * </ol>
 *
 * <p>A state enter call may only reply, hibernate and set timeouts (OTP: {@code enter_action()}):
 * {@link #postpone()} or {@link #nextEvent} there stops the machine with
 * {@code {bad_state_enter_action_from_state_function, Action}}.
 *
 * <h2>Timeouts</h2>
 * Three kinds, each started by an action and delivered as an event of its {@link TimeoutType}:
 * <ul>
 *   <li>the <b>event timeout</b> ({@link #eventTimeout}) fires if no event at all arrives first:
 *       any event cancels it, including a retried postponed one, an inserted one and a zero
 *       timeout's;</li>
 *   <li>the <b>state timeout</b> ({@link #stateTimeout}) fires unless the state changes first;</li>
 *   <li><b>generic timeouts</b> ({@link #genericTimeout}), one per name, fire unless cancelled.</li>
 * </ul>
 * Starting a timeout of a type that runs restarts it. A timeout of {@link Duration#ZERO} starts no
 * timer: its event is handled after the queued events and before any message not yet received
 * (OTP 22+), so a zero event timeout fires only if no event is queued. {@link GenStateMachine#INFINITY}
 * starts nothing and cancels a running timeout of that type. {@link #updateTimeout} changes the
 * content of a running timeout, or fires a zero timeout if none runs; {@link #cancelTimeout} stops one.
 * An absolute deadline ({@link #startTimeoutAt}) is turned into a delay when the action is carried
 * out (OTP's {@code {abs, true}} uses the monotonic clock; a deadline in the past fires after the
 * messages already queued, never as a zero timeout).
 */
public sealed interface Action {

    /**
     * Postpone the current event (OTP: {@code postpone} / {@code {postpone, Boolean}}): it is handled
     * again, in order with the other postponed events, after the next change of state.
     */
    record Postpone(boolean postpone) implements Action {}

    /**
     * Insert an event to be handled before any queued or new one (OTP: {@code {next_event, Type,
     * Content}}); the events of one result are handled in the order given.
     */
    record NextEvent(EventType type, Object content) implements Action {
        public NextEvent {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(content, "content");
            if (type instanceof EventType.Enter) {
                throw new IllegalArgumentException("an enter event cannot be inserted: state enter calls are made"
                        + " by the engine on a change of state");
            }
        }
    }

    /** Answer a call now (OTP: {@code {reply, From, Reply}}). */
    record Reply(From from, Object reply) implements Action {
        public Reply {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(reply, "reply");
        }
    }

    /**
     * Hibernate until the next event (OTP: {@code hibernate}). A machine is a
     * {@linkplain io.jarl.Handler handler process}: between two messages it holds no thread and no
     * stack whether it hibernates or not, which is what OTP's hibernate gives a process; so this
     * adds nothing.
     */
    record Hibernate() implements Action {}

    /** The actions on timeouts: start, start at, update, cancel; each is about one {@link TimeoutType}. */
    sealed interface TimeoutAction extends Action permits StartTimeout, StartTimeoutAt, UpdateTimeout, CancelTimeout {
        /** The timeout this action is about. */
        TimeoutType type();
    }

    /**
     * Start (or restart) the timeout {@code type} to fire after {@code after}: {@link Duration#ZERO}
     * fires after the queued events without a timer, {@link GenStateMachine#INFINITY} cancels it
     * (OTP: {@code {Type, Time, Content}}).
     */
    record StartTimeout(TimeoutType type, Duration after, Object content) implements TimeoutAction {
        public StartTimeout {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(content, "content");
            if (after.isNegative()) {
                throw new IllegalArgumentException("negative timeout: " + after + " (use startTimeoutAt for a deadline)");
            }
        }

        /** Whether this starts nothing and cancels instead (OTP: {@code infinity}). */
        public boolean infinite() {
            return after.compareTo(GenStateMachine.INFINITY) >= 0;
        }
    }

    /** Start (or restart) the timeout {@code type} to fire at {@code at} (OTP: {@code {Type, Time, Content, {abs, true}}}). */
    record StartTimeoutAt(TimeoutType type, Instant at, Object content) implements TimeoutAction {
        public StartTimeoutAt {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(content, "content");
        }
    }

    /**
     * Give the running timeout {@code type} a new content without restarting it, or, if none runs,
     * fire it now as a zero timeout with that content (OTP 22.1: {@code {Type, update, Content}}).
     */
    record UpdateTimeout(TimeoutType type, Object content) implements TimeoutAction {
        public UpdateTimeout {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(content, "content");
        }
    }

    /** Cancel the timeout {@code type} if it runs (OTP 22.1: {@code {Type, cancel}}). */
    record CancelTimeout(TimeoutType type) implements TimeoutAction {
        public CancelTimeout {
            Objects.requireNonNull(type, "type");
        }
    }

    // ------------------------------------------------------------------ factories

    static Postpone postpone() {
        return new Postpone(true);
    }

    /** {@code postpone(false)} undoes an earlier {@code postpone()} of the same result. */
    static Postpone postpone(boolean postpone) {
        return new Postpone(postpone);
    }

    static NextEvent nextEvent(EventType type, Object content) {
        return new NextEvent(type, content);
    }

    static Reply reply(From from, Object reply) {
        return new Reply(from, reply);
    }

    static Hibernate hibernate() {
        return new Hibernate();
    }

    /** An event timeout: a {@link EventType.Timeout} event with {@code content} if no event arrives within {@code after}. */
    static StartTimeout eventTimeout(Duration after, Object content) {
        return new StartTimeout(EventType.TIMEOUT, after, content);
    }

    /** A state timeout: a {@link EventType.StateTimeout} event with {@code content} unless the state changes within {@code after}. */
    static StartTimeout stateTimeout(Duration after, Object content) {
        return new StartTimeout(EventType.STATE_TIMEOUT, after, content);
    }

    /** A generic timeout: a {@link EventType.GenericTimeout} event named {@code name} after {@code after}. */
    static StartTimeout genericTimeout(Object name, Duration after, Object content) {
        return new StartTimeout(EventType.genericTimeout(name), after, content);
    }

    static StartTimeout startTimeout(TimeoutType type, Duration after, Object content) {
        return new StartTimeout(type, after, content);
    }

    static StartTimeoutAt startTimeoutAt(TimeoutType type, Instant at, Object content) {
        return new StartTimeoutAt(type, at, content);
    }

    static UpdateTimeout updateTimeout(TimeoutType type, Object content) {
        return new UpdateTimeout(type, content);
    }

    static CancelTimeout cancelTimeout(TimeoutType type) {
        return new CancelTimeout(type);
    }
}
