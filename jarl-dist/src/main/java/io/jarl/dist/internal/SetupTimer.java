package io.jarl.dist.internal;

import java.time.Duration;

/**
 * The deadline of the current handshake step (OTP: {@code dist_util:start_timer/1},
 * {@code reset_timer/1}).
 *
 * <p>OTP runs a timer process that kills a handshake making no progress for {@code net_setuptime}
 * (7 s by default); the handshake resets it after a few steps. Here each read computes its socket
 * timeout from the deadline, so that a peer trickling bytes cannot stretch a step beyond it, and
 * {@link #reset()} starts a new step at the same points as {@code dist_util}.
 */
final class SetupTimer {
    private final long stepNanos;
    private long deadline;

    SetupTimer(Duration step) {
        this.stepNanos = step.toNanos();
        reset();
    }

    /** Starts a new step: the deadline moves to now plus the setup time. */
    void reset() {
        deadline = System.nanoTime() + stepNanos;
    }

    /** Milliseconds left in this step, at least 1 while any time is left, 0 when it is over. */
    int remainingMillis() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return 0;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }

    /** Time left in this step, never negative. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The full length of a step. */
    Duration step() {
        return Duration.ofNanos(stepNanos);
    }
}
