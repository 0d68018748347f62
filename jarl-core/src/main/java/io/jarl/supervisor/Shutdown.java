package io.jarl.supervisor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a supervisor terminates a child (OTP: the child spec's {@code shutdown}).
 *
 * <p>Whatever the choice, the supervisor first monitors the child, so that a child that has unlinked
 * itself cannot hang it, and waits for the child's {@code Down}.
 */
public sealed interface Shutdown {

    /** Kill the child at once with the untrappable {@code kill} (OTP: {@code brutal_kill}). */
    record BrutalKill() implements Shutdown {
        @Override
        public String toString() {
            return "brutal_kill";
        }
    }

    /**
     * Send {@code exit(child, shutdown)}, wait up to {@code timeout} for it to end, then kill it
     * (OTP: an integer number of milliseconds). The default for workers is 5 seconds.
     */
    record Timeout(Duration timeout) implements Shutdown {
        public Timeout {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("negative shutdown timeout: " + timeout);
            }
        }

        @Override
        public String toString() {
            return timeout.toMillis() + " ms";
        }
    }

    /**
     * Send {@code exit(child, shutdown)} and wait as long as it takes (OTP: {@code infinity}). The
     * default for supervisors, which need the time to shut down their own children.
     */
    record Infinity() implements Shutdown {
        @Override
        public String toString() {
            return "infinity";
        }
    }

    /** OTP's default for workers: 5000 ms. */
    Shutdown DEFAULT_WORKER = new Timeout(Duration.ofSeconds(5));

    /** OTP's default for supervisors: {@code infinity}. */
    Shutdown DEFAULT_SUPERVISOR = new Infinity();

    static Shutdown brutalKill() {
        return new BrutalKill();
    }

    static Shutdown timeout(Duration timeout) {
        return new Timeout(timeout);
    }

    static Shutdown infinity() {
        return new Infinity();
    }
}
