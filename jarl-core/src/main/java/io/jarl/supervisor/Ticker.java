package io.jarl.supervisor;

/**
 * A source of monotonic time in nanoseconds, as {@link System#nanoTime()} (the idea of Caffeine's
 * {@code Ticker}). A supervisor reads it to keep its restart-intensity window; tests inject one they
 * advance by hand, or run the supervisor in a {@linkplain io.jarl.Deterministic deterministic run},
 * so that they never sleep.
 */
@FunctionalInterface
public interface Ticker {
    /** The current time in nanoseconds, from an arbitrary origin; only differences are meaningful. */
    long read();

    /**
     * The node's monotonic clock ({@link io.jarl.Jarl#monotonicTime()}): {@link System#nanoTime()}, or
     * a deterministic run's virtual clock when the process reading it belongs to one.
     */
    static Ticker system() {
        return io.jarl.Jarl::monotonicTime;
    }
}
