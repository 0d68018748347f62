package io.jarl.server;

import java.time.Duration;
import java.util.Objects;

/**
 * What a server does after a callback, besides waiting for the next message: the optional last
 * element of OTP's callback results ({@code Timeout | hibernate | {continue, Arg}}).
 */
public sealed interface Next {

    /** Deliver {@link GenServer#TIMEOUT} to {@code handleInfo} if no message arrives within {@code after}. */
    record Timeout(Duration after) implements Next {
        public Timeout {
            Objects.requireNonNull(after, "after");
            if (after.isNegative()) {
                throw new IllegalArgumentException("negative timeout: " + after);
            }
        }
    }

    /**
     * Hibernate until the next message (OTP: {@code hibernate}). On the JVM a waiting virtual thread
     * already keeps only its stack, and the runtime cannot discard it, so this only waits; it is
     * accepted so that servers written for OTP read the same.
     */
    record Hibernate() implements Next {}

    /** Call {@code handleContinue(arg, state)} before taking any message (OTP: {@code {continue, Arg}}). */
    record Continue(Object arg) implements Next {
        public Continue {
            Objects.requireNonNull(arg, "arg");
        }
    }

    static Next timeout(Duration after) {
        return new Timeout(after);
    }

    static Next hibernate() {
        return new Hibernate();
    }

    static Next continueWith(Object arg) {
        return new Continue(arg);
    }
}
