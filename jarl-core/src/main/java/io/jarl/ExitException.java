package io.jarl;

import java.util.Objects;

/**
 * An exit raised in the current process (OTP: {@code exit(Reason)}, the {@code exit} class of
 * exception).
 *
 * <p>Thrown by {@link Jarl#exit(ExitReason)} and by operations that fail the way Erlang's exit
 * (a call that times out, a link to a dead process that is not trapped). If nothing catches it, the
 * process ends with {@link #reason()}. Catching it is like Erlang's {@code catch}: the process goes
 * on.
 */
public class ExitException extends RuntimeException {
    private final ExitReason reason;

    public ExitException(ExitReason reason) {
        this(reason, null);
    }

    public ExitException(ExitReason reason, String context) {
        super(context == null ? "exit: " + reason : context + " ** (exit) " + reason,
                reason instanceof ExitReason.Crash c ? c.error() : null);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The reason the process exits with if this is not caught. */
    public ExitReason reason() {
        return reason;
    }
}
