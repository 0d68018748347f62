package io.jarl.bench;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The runner's child processes (JVMs, {@code erl} nodes, {@code epmd}): started here so that none
 * outlives the runner. Each is killed by whoever started it when its work is done or it hangs; a
 * shutdown hook kills those still running when the runner itself is stopped (Ctrl-C, SIGTERM). A
 * receiving node also ends by itself when its standard input closes, which covers the runner being
 * killed outright.
 */
final class Children {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jarl-bench-children").unstarted(() -> {
            LIVE.forEach(Children::kill);
        }));
    }

    private Children() {}

    /** Starts {@code builder}'s process and keeps it until it ends. */
    static Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        LIVE.add(p);
        p.onExit().thenRun(() -> LIVE.remove(p));
        return p;
    }

    /**
     * Ends {@code p}: closes its standard input (a receiving node then stops by itself) and waits up
     * to {@code graceSeconds}; then asks it to terminate, and after 5 s more kills it (and what it
     * started). Returns once it has ended, or 10 s after the kill; if interrupted, kills it at once
     * and returns with the interrupt flag set. Null is ignored.
     */
    static void stop(Process p, int graceSeconds) {
        if (p == null) {
            return;
        }
        try {
            p.getOutputStream().close();
        } catch (IOException alreadyGone) {
            // it ended by itself
        }
        try {
            if (p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                return;
            }
            p.destroy();
            if (p.waitFor(5, TimeUnit.SECONDS)) {
                return;
            }
            kill(p);
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** How many children are running now (for tests: none after a run). */
    static int running() {
        return (int) LIVE.stream().filter(Process::isAlive).count();
    }
}
