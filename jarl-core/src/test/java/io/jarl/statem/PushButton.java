package io.jarl.statem;

import static io.jarl.statem.Action.reply;
import static io.jarl.statem.Transition.keepStateAndData;
import static io.jarl.statem.Transition.nextState;

import io.jarl.server.From;
import io.jarl.server.Request;

/** The example of {@link GenStateMachine}'s Javadoc, as written there (OTP's pushbutton). */
final class PushButton implements GenStateMachine<PushButton.State, Integer> {
    enum State { OFF, ON }

    record Push() implements Request<State> {}

    record GetCount() implements Request<Integer> {}

    @Override
    public CallbackMode callbackMode() {
        return CallbackMode.stateFunctions();
    }

    @Override
    public Init<State, Integer> init() {
        return Init.ok(State.OFF, 0);
    }

    @Override
    public StateFunction<State, Integer> stateFunction(State state) {
        return switch (state) {
            case OFF -> this::off;
            case ON -> this::on;
        };
    }

    private Transition<State, Integer> off(EventType type, Object content, Integer count) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof Push ->
                    nextState(State.ON, count + 1, reply(from, State.ON));
            default -> common(type, content, count);
        };
    }

    private Transition<State, Integer> on(EventType type, Object content, Integer count) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof Push ->
                    nextState(State.OFF, count, reply(from, State.OFF));
            default -> common(type, content, count);
        };
    }

    private Transition<State, Integer> common(EventType type, Object content, Integer count) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof GetCount -> keepStateAndData(reply(from, count));
            default -> keepStateAndData(); // ignore anything else
        };
    }

    /** The same machine with one callback for all states, as the Javadoc shows it. */
    static final class OneFunction implements GenStateMachine<State, Integer> {
        @Override
        public CallbackMode callbackMode() {
            return CallbackMode.handleEventFunction();
        }

        @Override
        public Init<State, Integer> init() {
            return Init.ok(State.OFF, 0);
        }

        @Override
        public Transition<State, Integer> handleEvent(EventType type, Object content, State state, Integer count) {
            return switch (type) {
                case EventType.Call(From from) when content instanceof Push -> state == State.OFF
                        ? nextState(State.ON, count + 1, reply(from, State.ON))
                        : nextState(State.OFF, count, reply(from, State.OFF));
                case EventType.Call(From from) when content instanceof GetCount -> keepStateAndData(reply(from, count));
                default -> keepStateAndData();
            };
        }
    }
}
