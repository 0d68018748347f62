package io.jarl.dist;

import java.io.IOException;
import java.util.Objects;

/**
 * A request to EPMD, the port mapper that tells which port each node on a host listens on, failed
 * (OTP: the {@code {error, Reason}} results of {@code erl_epmd}).
 *
 * <p>{@link #reason()} says what went wrong in a form a program can act on; the message says it
 * for a person, naming the EPMD address and the node.
 */
public final class EpmdException extends IOException {
    /** What went wrong. */
    public enum Reason {
        /** Nothing accepts connections at the EPMD address (no EPMD runs there). */
        UNREACHABLE,
        /** EPMD refused to register the name: another node holds it (OTP: {@code duplicate_name}). */
        NAME_TAKEN,
        /** EPMD closed the connection without answering (OTP: {@code epmd_close}). */
        CLOSED,
        /** EPMD did not answer in time (OTP: {@code no_reg_reply_from_epmd}). */
        TIMEOUT,
        /** The answer was not what the EPMD protocol allows (OTP: {@code garbage_from_epmd}). */
        MALFORMED_RESPONSE,
        /** Another I/O error on the connection to EPMD. */
        IO
    }

    private final Reason reason;

    public EpmdException(Reason reason, String message) {
        this(reason, message, null);
    }

    public EpmdException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** What went wrong. */
    public Reason reason() {
        return reason;
    }
}
