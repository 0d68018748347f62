package io.jarl.statem;

import java.util.Objects;

/**
 * How the engine calls a state machine (OTP: {@code callback_mode()}, returning
 * {@code state_functions | handle_event_function}, optionally with {@code state_enter}).
 *
 * <ul>
 *   <li>{@link Dispatch#STATE_FUNCTIONS}: each state has its own {@link StateFunction}, found with
 *       {@link GenStateMachine#stateFunction(Object)} (OTP: one function per state name);</li>
 *   <li>{@link Dispatch#HANDLE_EVENT_FUNCTION}: every event goes to
 *       {@link GenStateMachine#handleEvent}, with the state as an argument (OTP: {@code handle_event/4});
 *       the state can be any value, e.g. a record with data of its own;</li>
 *   <li>{@link #stateEnter()}: on every change of state (and for the first state) the new state's
 *       callback is called first with an {@link EventType.Enter} event whose content is the previous
 *       state (OTP: {@code state_enter}).</li>
 * </ul>
 *
 * @param dispatch   which callback handles the events
 * @param stateEnter whether state enter calls are made
 */
public record CallbackMode(Dispatch dispatch, boolean stateEnter) {

    /** Which callback handles the events (OTP: {@code callback_mode()}). */
    public enum Dispatch {
        /** One {@link StateFunction} per state (OTP: {@code state_functions}). */
        STATE_FUNCTIONS,
        /** One {@link GenStateMachine#handleEvent} for all states (OTP: {@code handle_event_function}). */
        HANDLE_EVENT_FUNCTION
    }

    public CallbackMode {
        Objects.requireNonNull(dispatch, "dispatch");
    }

    /** OTP: {@code state_functions}. */
    public static CallbackMode stateFunctions() {
        return new CallbackMode(Dispatch.STATE_FUNCTIONS, false);
    }

    /** OTP: {@code handle_event_function}. */
    public static CallbackMode handleEventFunction() {
        return new CallbackMode(Dispatch.HANDLE_EVENT_FUNCTION, false);
    }

    /** This mode with state enter calls (OTP: {@code [Mode, state_enter]}). */
    public CallbackMode withStateEnter() {
        return new CallbackMode(dispatch, true);
    }

    @Override
    public String toString() {
        String name = dispatch == Dispatch.STATE_FUNCTIONS ? "state_functions" : "handle_event_function";
        return stateEnter ? "[" + name + ", state_enter]" : name;
    }
}
