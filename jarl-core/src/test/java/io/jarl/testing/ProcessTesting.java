package io.jarl.testing;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessInfo;
import io.jarl.Ref;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Bounded waits for tests. Every wait is on a message, a monitor or a thread, with a generous
 * deadline ({@link #WAIT}) that a working runtime never reaches; a broken one makes the test fail
 * instead of hang. Nothing here sleeps.
 */
public final class ProcessTesting {
    /** The bound on every wait for something that must happen. */
    public static final Duration WAIT = Duration.ofSeconds(5);

    private ProcessTesting() {}

    /** Receives the next message of {@code type} within {@link #WAIT}, or fails. */
    public static <T> T await(Class<T> type) {
        return Jarl.receive(type, WAIT)
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " message within " + WAIT
                        + "; mailbox: " + peekMailbox()));
    }

    /** Receives the oldest message {@code test} accepts within {@link #WAIT}, or fails. */
    public static Object awaitMatching(String what, Predicate<Object> test) {
        return Jarl.receiveIf(test, WAIT)
                .orElseThrow(() -> new AssertionError("no message " + what + " within " + WAIT));
    }

    /** Receives the message {@code expected} (by equality) within {@link #WAIT}, or fails. */
    public static void awaitMessage(Object expected) {
        awaitMatching("equal to " + expected, expected::equals);
    }

    /** Receives the {@link Down} of monitor {@code ref} within {@link #WAIT}, or fails. */
    public static Down awaitDown(Ref ref) {
        return Jarl.receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : Jarl.<Down>skip(), WAIT)
                .orElseThrow(() -> new AssertionError("no Down for monitor " + ref + " within " + WAIT));
    }

    /** Receives the {@link Exit} message from {@code from} within {@link #WAIT}, or fails. */
    public static Exit awaitExit(Pid from) {
        return Jarl.receive(m -> m instanceof Exit e && e.from().equals(from) ? e : Jarl.<Exit>skip(), WAIT)
                .orElseThrow(() -> new AssertionError("no Exit from " + from + " within " + WAIT));
    }

    /** Whether a message {@code test} accepts is queued now (takes it if so). */
    public static boolean pollMatching(Predicate<Object> test) {
        return Jarl.receiveIf(test, Duration.ZERO).isPresent();
    }

    /** Whether a {@code Down} for {@code ref} is queued now (takes it if so). */
    public static boolean pollDown(Ref ref) {
        return pollMatching(m -> m instanceof Down d && d.ref().equals(ref));
    }

    /** Monitors {@code pid}, sends it {@code kill} and waits for its {@code Down}. */
    public static Down kill(Pid pid) {
        Ref ref = Jarl.monitor(pid);
        Jarl.exit(pid, ExitReason.kill());
        return awaitDown(ref);
    }

    /** Waits until a process that is ending (or was told to end) is dead, by monitoring it. */
    public static Down awaitDeath(Pid pid) {
        return awaitDown(Jarl.monitor(pid));
    }

    /** A process body that waits for messages forever (it ends only by an exit signal). */
    public static void blockForever() {
        Jarl.receive(m -> Jarl.skip());
    }

    /** A process that is already dead, for tests about dead pids. */
    public static Pid deadProcess() {
        return Jarl.run(() -> {
            Pid pid = Jarl.spawn(() -> {});
            awaitDeath(pid);
            return pid;
        });
    }

    /** Joins {@code thread} within {@link #WAIT}; fails if it is still running. */
    public static void join(Thread thread) {
        try {
            if (!thread.join(WAIT)) {
                throw new AssertionError("thread " + thread + " still running after " + WAIT + ":\n"
                        + stack(thread));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining " + thread, e);
        }
    }

    /**
     * Waits, without sleeping, for a condition on state that has no message to wait for (such as a
     * process's status in {@link Jarl#info(Pid)}); fails after {@link #WAIT}.
     */
    public static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + WAIT + ": " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Waits until {@code pid}, running on {@code thread}, is blocked: its status is WAITING (it is in
     * a receive or a sleep with nothing to take) and its thread is actually parked (the status flips
     * just before the thread parks).
     */
    public static void awaitBlocked(Pid pid, Thread thread) {
        eventually(pid + " blocked in a receive", () -> {
            boolean waiting = Jarl.info(pid)
                    .map(i -> i.status() == ProcessInfo.Status.WAITING)
                    .orElseThrow(() -> new AssertionError(pid + " died while we waited for it to block"));
            Thread.State state = thread.getState();
            return waiting && (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING);
        });
    }

    private static String stack(Thread thread) {
        StringBuilder out = new StringBuilder();
        for (StackTraceElement e : thread.getStackTrace()) {
            out.append("    at ").append(e).append('\n');
        }
        return out.toString();
    }

    private static String peekMailbox() {
        Optional<Pid> self = Jarl.inProcess() ? Optional.of(Jarl.self()) : Optional.empty();
        return self.flatMap(Jarl::info).map(i -> i.messageQueueLength() + " message(s) queued").orElse("?");
    }
}
