package io.jarl.statem;

import io.jarl.server.From;
import java.util.Objects;

/**
 * What kind of event a state machine is handling (OTP: {@code gen_statem:event_type()}, plus
 * {@code enter}). The event's content comes with it as a separate argument, as in OTP's
 * {@code StateName(EventType, EventContent, Data)}.
 *
 * <table>
 *   <caption>Event types and where they come from</caption>
 *   <tr><th>Jarl</th><th>OTP</th><th>content</th></tr>
 *   <tr><td>{@link Call Call(from)}</td><td>{@code {call, From}}</td><td>the request of {@link GenStateMachine#call}</td></tr>
 *   <tr><td>{@link Cast}</td><td>{@code cast}</td><td>the request of {@link GenStateMachine#cast}</td></tr>
 *   <tr><td>{@link Info}</td><td>{@code info}</td><td>any other message ({@link io.jarl.Down}, {@link io.jarl.Exit}, ...)</td></tr>
 *   <tr><td>{@link Timeout}</td><td>{@code timeout}</td><td>of {@link Action#eventTimeout}</td></tr>
 *   <tr><td>{@link StateTimeout}</td><td>{@code state_timeout}</td><td>of {@link Action#stateTimeout}</td></tr>
 *   <tr><td>{@link GenericTimeout GenericTimeout(name)}</td><td>{@code {timeout, Name}}</td><td>of {@link Action#genericTimeout}</td></tr>
 *   <tr><td>{@link Internal}</td><td>{@code internal}</td><td>of {@link Action#nextEvent} (any type but enter can be inserted)</td></tr>
 *   <tr><td>{@link Enter}</td><td>{@code enter}</td><td>the previous state, in a state enter call</td></tr>
 * </table>
 *
 * <p>A {@code switch} over an event type is checked for completeness by the compiler; guards on the
 * content read like OTP's function heads:
 * {@snippet :
 * return switch (type) {
 *     case EventType.Cast() when content instanceof Button(char digit) -> press(digit, data);
 *     case EventType.Call(From from) when content instanceof CodeLength -> keepStateAndData(reply(from, 4));
 *     case EventType.StateTimeout() -> nextState(State.LOCKED, data);
 *     default -> keepStateAndData();
 * };
 * }
 */
public sealed interface EventType {

    /** A call: answer it with {@link Action#reply} or {@link GenStateMachine#reply} (OTP: {@code {call, From}}). */
    record Call(From from) implements EventType {
        public Call {
            Objects.requireNonNull(from, "from");
        }

        @Override
        public String toString() {
            return "{call, " + from.pid() + "}";
        }
    }

    /** A cast (OTP: {@code cast}). */
    record Cast() implements EventType {
        @Override
        public String toString() {
            return "cast";
        }
    }

    /** Any other message the machine's process received (OTP: {@code info}). */
    record Info() implements EventType {
        @Override
        public String toString() {
            return "info";
        }
    }

    /** An event inserted by the machine itself with {@link Action#nextEvent} (OTP: {@code internal}). */
    record Internal() implements EventType {
        @Override
        public String toString() {
            return "internal";
        }
    }

    /**
     * A state enter call: the content is the previous state (OTP: {@code enter}). Delivered only when
     * {@link CallbackMode#stateEnter()} is on; it cannot be inserted with {@link Action#nextEvent}.
     */
    record Enter() implements EventType {
        @Override
        public String toString() {
            return "enter";
        }
    }

    /** The types of the three kinds of timeout; each kind (and each generic name) runs at most one timer. */
    sealed interface TimeoutType extends EventType permits Timeout, StateTimeout, GenericTimeout {}

    /** An event timeout expired: no event arrived in time (OTP: {@code timeout}). */
    record Timeout() implements TimeoutType {
        @Override
        public String toString() {
            return "timeout";
        }
    }

    /** A state timeout expired: the state did not change in time (OTP: {@code state_timeout}). */
    record StateTimeout() implements TimeoutType {
        @Override
        public String toString() {
            return "state_timeout";
        }
    }

    /** The generic timeout {@code name} expired (OTP: {@code {timeout, Name}}). */
    record GenericTimeout(Object name) implements TimeoutType {
        public GenericTimeout {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return "{timeout, " + name + "}";
        }
    }

    /** {@code cast}. */
    Cast CAST = new Cast();
    /** {@code info}. */
    Info INFO = new Info();
    /** {@code internal}. */
    Internal INTERNAL = new Internal();
    /** {@code enter}. */
    Enter ENTER = new Enter();
    /** {@code timeout}: the event timeout. */
    Timeout TIMEOUT = new Timeout();
    /** {@code state_timeout}. */
    StateTimeout STATE_TIMEOUT = new StateTimeout();

    /** {@code {call, From}}: for {@link Action#nextEvent}, e.g. to handle a call again in another state. */
    static Call call(From from) {
        return new Call(from);
    }

    /** {@code {timeout, Name}}. */
    static GenericTimeout genericTimeout(Object name) {
        return new GenericTimeout(name);
    }
}
