package io.jarl.dist.term;

/**
 * A Java value that has no Erlang term under a {@link TermMapper}, or a term that does not fit the
 * Java type asked for. The message names the type and where in the value the problem is, such as
 * {@code Ping.from: a io.jarl.Pid needs a pid, got ok}.
 */
public final class TermMappingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A mapping failure described by {@code message}. */
    public TermMappingException(String message) {
        super(message);
    }

    /** A mapping failure described by {@code message}, caused by {@code cause}. */
    public TermMappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
