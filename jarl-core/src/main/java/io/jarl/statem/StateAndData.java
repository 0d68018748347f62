package io.jarl.statem;

import java.util.Objects;

/**
 * A state machine's state and data together: what {@link io.jarl.server.Sys#getState} returns for a
 * state machine and what {@link io.jarl.server.Sys#replaceState} passes and expects (OTP:
 * {@code {State, Data}}), and what {@link GenStateMachine#formatStatus} shows by default.
 *
 * @param <S> the state
 * @param <D> the data
 */
public record StateAndData<S, D>(S state, D data) {
    public StateAndData {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public String toString() {
        return "{" + state + ", " + data + "}";
    }
}
