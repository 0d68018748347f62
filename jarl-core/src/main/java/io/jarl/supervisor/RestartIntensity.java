package io.jarl.supervisor;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The sliding window of restart times (OTP: {@code add_restart/1,3}): a restart is allowed when, with
 * it, at most {@code intensity} restarts happened within the last {@code period}. Not thread-safe: one
 * supervisor process owns it.
 */
final class RestartIntensity {
    private final int intensity;
    private final long periodNanos;
    private final Ticker ticker;
    private final ArrayDeque<Long> restarts = new ArrayDeque<>(); // oldest first

    RestartIntensity(int intensity, Duration period, Ticker ticker) {
        this.intensity = intensity;
        this.periodNanos = saturatedNanos(period);
        this.ticker = ticker;
    }

    /** Records a restart now; returns whether it is within the intensity (false: the supervisor must give up). */
    boolean add() {
        long now = ticker.read();
        // Keep the restarts at most one period old (OTP keeps R >= Now - Period).
        while (!restarts.isEmpty() && now - restarts.peekFirst() > periodNanos) {
            restarts.pollFirst();
        }
        restarts.addLast(now);
        return restarts.size() <= intensity;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
