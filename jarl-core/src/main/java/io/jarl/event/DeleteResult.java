package io.jarl.event;

import io.jarl.ExitReason;
import java.util.Objects;

/**
 * What removing a handler gave: what its {@link EventHandler#terminate} returned, or why there is
 * no such value (OTP: {@code Term | {error, module_not_found} | {'EXIT', Reason}}).
 *
 * <p>{@link GenEvent#deleteHandler} returns it, and a handler swapped in finds it in
 * {@link SwapArgs#old()} (where OTP passes the atom {@code error} for a handler that was not installed,
 * Jarl passes {@link NotFound}).
 */
public sealed interface DeleteResult {

    /** The handler was removed; {@code value} is what its {@code terminate} returned. */
    record Ok(Object value) implements DeleteResult {
        public Ok {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }

    /** No handler with that identity was installed (OTP: {@code {error, module_not_found}}). */
    record NotFound() implements DeleteResult {
        @Override
        public String toString() {
            return "{error, module_not_found}";
        }
    }

    /** The handler was removed, but its {@code terminate} threw or returned null. */
    record Crashed(ExitReason reason) implements DeleteResult {
        public Crashed {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return "{'EXIT', " + reason + "}";
        }
    }
}
