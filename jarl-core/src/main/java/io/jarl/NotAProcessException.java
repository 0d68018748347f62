package io.jarl;

/**
 * A runtime call that needs a calling process was made from a plain thread, or from a process that
 * has already ended (it was killed while running code that did not return to the runtime).
 *
 * <p>A plain thread becomes a process for a while with {@link Jarl#attach()}, or runs a block as a
 * process with {@link Jarl#run(java.util.concurrent.Callable)}.
 */
public final class NotAProcessException extends IllegalStateException {
    public NotAProcessException(String message) {
        super(message);
    }
}
