package io.jarl.supervisor;

/**
 * A source of monotonic time in nanoseconds, as {@link System#nanoTime()} (the idea of Caffeine's
 * {@code Ticker}). A supervisor reads it to keep its restart-intensity window; tests inject one they
 * advance by hand, so that they never sleep.
 */
@FunctionalInterface
public interface Ticker {
    /** The current time in nanoseconds, from an arbitrary origin; only differences are meaningful. */
    long read();

    /** The system's monotonic clock ({@link System#nanoTime()}). */
    static Ticker system() {
        return System::nanoTime;
    }
}
