package io.jarl.statem;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * OTP's {@code map_statem} of gen_statem_SUITE: a machine given as its init and one function per
 * state, looked up in a map ({@link CallbackMode.Dispatch#STATE_FUNCTIONS} with a map as the
 * dispatch table). A state missing from the map stops the machine.
 */
final class MapMachine implements GenStateMachine<Object, Object> {
    private final Supplier<Init<Object, Object>> init;
    private final Map<Object, StateFunction<Object, Object>> states;
    private final boolean stateEnter;

    MapMachine(Supplier<Init<Object, Object>> init, Map<Object, StateFunction<Object, Object>> states,
               boolean stateEnter) {
        this.init = Objects.requireNonNull(init);
        this.states = Map.copyOf(states);
        this.stateEnter = stateEnter;
    }

    MapMachine(Supplier<Init<Object, Object>> init, Map<Object, StateFunction<Object, Object>> states) {
        this(init, states, false);
    }

    @Override
    public Init<Object, Object> init() {
        return init.get();
    }

    @Override
    public CallbackMode callbackMode() {
        return stateEnter ? CallbackMode.stateFunctions().withStateEnter() : CallbackMode.stateFunctions();
    }

    @Override
    public StateFunction<Object, Object> stateFunction(Object state) {
        StateFunction<Object, Object> function = states.get(state);
        if (function == null) {
            throw new IllegalStateException("no state function for " + state);
        }
        return function;
    }

    /** What a state function does with an event it does not expect (OTP: a function_clause crash). */
    static <T> T unexpected(EventType type, Object content, Object data) {
        throw new IllegalStateException("unexpected event " + type + " " + content + " with data " + data);
    }
}
