package io.jarl.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Measures how long a cache line takes to go from one core to another and back: two platform
 * threads take turns writing a shared counter, and the median round trip of a few batches is
 * reported.
 *
 * <p>Why the runner measures it: on a virtual machine the host may run the guest's two vCPUs on two
 * hyperthreads of one core (a round trip of about 50 ns on the machine this was written on) or on
 * cores far apart (about 430 ns), and may change that every few seconds. Anything that hands
 * messages between two cores, which the many-caller scenarios do on every call, runs several times
 * faster in the first case; a result is only comparable with another taken at the same round trip.
 */
final class CoreLatency {
    private static volatile long ping;
    private static volatile long pong;

    private CoreLatency() {
    }

    /** The median round trip in nanoseconds over about {@code millis} ms (or -1 with one core). */
    static long roundTripNanos(int millis) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return -1;
        }
        Thread echo = new Thread(() -> {
            long seen = 0;
            while (true) {
                long v;
                while ((v = ping) == seen) {
                    Thread.onSpinWait();
                }
                seen = v;
                pong = v;
                if (v < 0) {
                    return;
                }
            }
        }, "core-latency-echo");
        echo.setDaemon(true);
        ping = 0;
        pong = 0;
        echo.start();
        int batches = 10;
        long[] perBatch = new long[batches];
        long batchNanos = millis * 1_000_000L / batches;
        long n = 0;
        for (int b = 0; b < batches; b++) {
            long t0 = System.nanoTime();
            long trips = 0;
            while (System.nanoTime() - t0 < batchNanos) {
                for (int i = 0; i < 100; i++) {
                    long v = ++n;
                    ping = v;
                    while (pong != v) {
                        Thread.onSpinWait();
                    }
                }
                trips += 100;
            }
            perBatch[b] = (System.nanoTime() - t0) / trips;
        }
        ping = -1;
        Arrays.sort(perBatch);
        return perBatch[batches / 2];
    }

    /** One line for the runner's output: the round trip now. */
    static String describe() {
        long ns = roundTripNanos(200);
        return ns < 0 ? "n/a (one core)" : String.format(Locale.ROOT, "%d ns", ns);
    }
}
