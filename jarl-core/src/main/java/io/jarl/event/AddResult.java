package io.jarl.event;

import io.jarl.ExitReason;
import java.util.Objects;

/**
 * How adding (or swapping in) a handler went (OTP: {@code ok | {error, Reason} | {'EXIT', Reason}};
 * {@code swap_handler} wraps the failures once more in {@code {error, _}}, Jarl does not).
 */
public sealed interface AddResult {

    /** The handler is installed. */
    record Ok() implements AddResult {
        @Override
        public String toString() {
            return "ok";
        }
    }

    /** Its {@link EventHandler#init} returned {@link HandlerInit#error(Object)}; it is not installed. */
    record Error(Object reason) implements AddResult {
        public Error {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return "{error, " + reason + "}";
        }
    }

    /** Its {@link EventHandler#init} threw or returned null; it is not installed. */
    record Crashed(ExitReason reason) implements AddResult {
        public Crashed {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return "{'EXIT', " + reason + "}";
        }
    }

    /** Whether the handler is installed. */
    default boolean isOk() {
        return this instanceof Ok;
    }
}
