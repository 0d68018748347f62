package io.jarl.statem;

/**
 * The callback of one state, in {@link CallbackMode#stateFunctions()} mode (OTP: the function
 * {@code StateName(EventType, EventContent, Data)} of the callback module).
 *
 * <p>Either the state type implements it, each state handling its own events (an enum whose
 * constants have bodies, or a sealed interface of records), or the machine maps each state to one
 * of its methods in {@link GenStateMachine#stateFunction(Object)}, with an exhaustive {@code switch}:
 * {@snippet :
 * public StateFunction<State, Data> stateFunction(State state) {
 *     return switch (state) {
 *         case LOCKED -> this::locked;
 *         case OPEN -> this::open;
 *     };
 * }
 * }
 *
 * @param <S> the state
 * @param <D> the data
 */
@FunctionalInterface
public interface StateFunction<S, D> {

    /**
     * Handles one event in this state, or the state enter call ({@link EventType.Enter}, whose
     * content is the previous state). Throwing stops the machine: {@code terminate} runs and the
     * process exits with the exception as reason.
     */
    Transition<S, D> handleEvent(EventType type, Object content, D data) throws Exception;
}
