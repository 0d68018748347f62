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
     * Hibernate until the next message (OTP: {@code hibernate}). A server is a
     * {@linkplain io.jarl.Handler handler process}: between two messages it holds no thread and no
     * stack whether it hibernates or not, which is what OTP's hibernate gives a process (OTP also
     * shrinks the heap; the JVM's collector keeps only what the state references). So this waits
     * for the next message, like a result with no {@code Next}.
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
