package io.jarl.statem;

import java.util.Objects;

/**
 * The exit reason of a state machine whose callback returned something the engine refuses (OTP:
 * {@code {bad_return_from_state_function, Result}}, {@code {bad_state_enter_return_from_state_function,
 * Result}}, {@code {bad_state_enter_action_from_state_function, Action}}, {@code {bad_return_from_init,
 * Result}}, {@code {bad_return_from_callback_mode, Result}}). Most of OTP's bad results cannot be
 * written in Java's types; these are the ones that remain: a {@code null} result, and what a state
 * enter call may not do (change the state, postpone, insert events).
 *
 * @param kind  OTP's name for the fault, such as {@code bad_state_enter_return_from_state_function}
 * @param value what was returned ({@code "null"} for null)
 */
public record BadReturn(String kind, Object value) {
    public BadReturn {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "{" + kind + ", " + value + "}";
    }
}
