package io.jarl.testing;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessExitedError;
import io.jarl.ProcessInfo;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves processes behind, or leaves its thread attached as a process.
 *
 * <p>Before each test it records the live processes. After the test, every process created since
 * that is still alive is given a bounded grace period to end: a temporary process attached to the
 * test thread monitors each one and waits for its {@link Down} (no sleeping, no polling). Whatever
 * is still alive when the grace period is over is reported with {@link Jarl#info(Pid)} (initial
 * call, status, stack, ...) and then killed, so that one leaking test does not break the next.
 *
 * <p>Tests must therefore kill what they spawn, or let it end.
 */
public final class NoLeakedProcesses implements BeforeEachCallback, AfterEachCallback {
    /** How long processes left by a test may take to end. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeakedProcesses.class);
    private static final String BEFORE = "processes before the test";

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put(BEFORE, snapshot());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Set<Pid> before = (Set<Pid>) context.getStore(NS).remove(BEFORE, Set.class);
        verify(before == null ? Set.of() : before, GRACE);
    }

    /** The live processes now. */
    public static Set<Pid> snapshot() {
        return Set.copyOf(Jarl.processes());
    }

    /**
     * Checks that the calling thread is not left attached and that every process not in
     * {@code before} ends within {@code grace}; kills the rest and throws an {@link AssertionError}
     * describing them.
     */
    public static void verify(Set<Pid> before, Duration grace) {
        List<String> problems = new ArrayList<>();

        // 1. The test thread must not be left attached: kill the process it still is, so the next
        //    test can attach again, and report it.
        if (Jarl.inProcess()) {
            Pid attached = Jarl.self();
            problems.add("the test thread " + Thread.currentThread().getName() + " is still attached as process "
                    + attached + " (close the ProcessScope that Jarl.attach() returned)\n" + describe(attached));
            try {
                Jarl.exit(attached, ExitReason.kill());
            } catch (ProcessExitedError expected) {
                // the thread's process is now dead; Jarl.attach() works again on this thread
            }
        }

        // 2. Processes created during the test must end within the grace period.
        Set<Pid> leaked = leftovers(before, null);
        if (!leaked.isEmpty()) {
            try (ProcessScope watcher = Jarl.attach()) {
                leaked = awaitEnd(before, watcher.pid(), grace);
                if (!leaked.isEmpty()) {
                    StringBuilder report = new StringBuilder();
                    report.append(leaked.size()).append(" process(es) created by the test still alive ")
                            .append(grace.toMillis()).append(" ms after it ended:");
                    for (Pid pid : leaked) {
                        report.append('\n').append(describe(pid));
                    }
                    problems.add(report.toString());
                    killAll(leaked);
                }
            }
        }

        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
    }

    /** Live processes created since {@code before}, other than {@code except}. */
    private static Set<Pid> leftovers(Set<Pid> before, Pid except) {
        Set<Pid> out = new LinkedHashSet<>();
        for (Pid pid : Jarl.processes()) {
            if (!before.contains(pid) && !pid.equals(except)) {
                out.add(pid);
            }
        }
        return out;
    }

    /**
     * Monitors every leftover (including processes the leftovers start meanwhile) and waits for
     * their {@code Down}s until {@code grace} is over. Returns those still alive. Runs in an
     * attached process.
     */
    private static Set<Pid> awaitEnd(Set<Pid> before, Pid self, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        Map<Ref, Pid> watching = new HashMap<>();
        Set<Pid> watched = new LinkedHashSet<>();
        for (;;) {
            Set<Pid> alive = leftovers(before, self);
            if (alive.isEmpty()) {
                return alive;
            }
            for (Pid pid : alive) {
                if (watched.add(pid)) {
                    watching.put(Jarl.monitor(pid), pid); // a dead pid gives an immediate noproc Down
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return alive;
            }
            if (watching.isEmpty()) {
                continue; // every Down arrived but the table still lists one: look again (bounded by the deadline)
            }
            Optional<Down> down = Jarl.receive(
                    m -> m instanceof Down d && watching.containsKey(d.ref()) ? d : Jarl.<Down>skip(),
                    Duration.ofNanos(left));
            down.ifPresent(d -> watching.remove(d.ref()));
        }
    }

    private static void killAll(Set<Pid> pids) {
        Map<Ref, Pid> watching = new HashMap<>();
        for (Pid pid : pids) {
            watching.put(Jarl.monitor(pid), pid);
            Jarl.exit(pid, ExitReason.kill());
        }
        while (!watching.isEmpty()) {
            Optional<Down> down = Jarl.receive(
                    m -> m instanceof Down d && watching.containsKey(d.ref()) ? d : Jarl.<Down>skip(), GRACE);
            if (down.isEmpty()) {
                return; // the runtime is broken; the assertion error says enough
            }
            watching.remove(down.get().ref());
        }
    }

    /** A readable account of a process: what it was started to run, what it is doing now. */
    public static String describe(Pid pid) {
        Optional<ProcessInfo> info = Jarl.info(pid);
        if (info.isEmpty()) {
            return "  " + pid + ": (no longer alive)";
        }
        ProcessInfo i = info.get();
        StringBuilder out = new StringBuilder();
        out.append("  ").append(pid).append(": initial call ").append(i.initialCall())
                .append(", status ").append(i.status())
                .append(", registered name ").append(i.registeredName().orElse("-"))
                .append(", message queue ").append(i.messageQueueLength())
                .append(", links ").append(i.links())
                .append(", monitors ").append(i.monitors())
                .append(", monitored by ").append(i.monitoredBy())
                .append(", trap exit ").append(i.trapExit())
                .append(", ancestors ").append(i.ancestors());
        int shown = 0;
        for (StackTraceElement frame : i.stack()) {
            if (shown++ == 25) {
                out.append("\n      ...");
                break;
            }
            out.append("\n      at ").append(frame);
        }
        return out.toString();
    }
}
