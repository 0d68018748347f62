package io.jarl.supervisor;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shutdown protocol (OTP: {@code shutdown/1}, {@code unlink_flush/2}, and for many children at
 * once {@code terminate_dynamic_children/1}). Runs in the supervisor's process.
 *
 * <p>The supervisor monitors the child and waits for its {@code Down}, not for its {@code Exit}: a
 * child that has unlinked itself sends no {@code Exit} and would hang a supervisor that waited for
 * one. After the {@code Down} it unlinks the child and takes the {@code Exit} that may have come (links
 * fire before monitors, so if there is one it is queued), whose reason is the one that counts.
 */
final class ChildShutdown {
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    /** A running child to terminate. */
    record Target(Pid pid, ChildSpec spec) {}

    private ChildShutdown() {}

    /** Terminates one child and waits until it is dead; an unexpected exit reason is reported. */
    static void terminate(Object supervisor, Pid pid, ChildSpec spec) {
        terminateAll(supervisor, List.of(new Target(pid, spec)));
    }

    /**
     * Terminates all {@code targets} at once and waits until all are dead: each is sent {@code shutdown}
     * (or {@code kill} for brutal kill), and each that outlives its own timeout is killed.
     */
    static void terminateAll(Object supervisor, List<Target> targets) {
        if (targets.isEmpty()) {
            return;
        }
        final class Pending {
            final Target target;
            final long deadline; // Jarl.monotonicTime() at which it is killed; meaningless unless timed
            final boolean timed;
            boolean killed;
            ExitReason exitReason; // from its Exit message, if it came before the Down

            Pending(Target target, long now) {
                this.target = target;
                if (target.spec().shutdown() instanceof Shutdown.Timeout(Duration t)) {
                    timed = true;
                    deadline = now + Math.min(t.toNanos(), Long.MAX_VALUE / 4);
                } else {
                    timed = false;
                    deadline = 0;
                }
                killed = target.spec().shutdown() instanceof Shutdown.BrutalKill;
            }
        }
        Map<Ref, Pending> byRef = new HashMap<>();
        Map<Pid, Pending> byPid = new HashMap<>();
        long start = Jarl.monotonicTime();
        for (Target t : targets) {
            Pending p = new Pending(t, start);
            byRef.put(Jarl.monitor(t.pid()), p);
            byPid.put(t.pid(), p);
            Jarl.exit(t.pid(), p.killed ? ExitReason.kill() : ExitReason.shutdown());
        }
        while (!byRef.isEmpty()) {
            Duration wait = FOREVER;
            long now = Jarl.monotonicTime();
            for (Pending p : byRef.values()) {
                if (p.timed && !p.killed) {
                    Duration left = Duration.ofNanos(Math.max(0, p.deadline - now));
                    if (left.compareTo(wait) < 0) {
                        wait = left;
                    }
                }
            }
            Optional<Object> msg = Jarl.receive(m -> switch (m) {
                case Down d when byRef.containsKey(d.ref()) -> d;
                case Exit e when byPid.containsKey(e.from()) && byPid.get(e.from()).exitReason == null -> e;
                default -> Jarl.skip();
            }, wait);
            if (msg.isEmpty()) {
                long t = Jarl.monotonicTime();
                for (Pending p : byRef.values()) {
                    if (p.timed && !p.killed && t - p.deadline >= 0) {
                        p.killed = true;
                        Jarl.exit(p.target.pid(), ExitReason.kill());
                    }
                }
                continue;
            }
            switch (msg.get()) {
                case Exit e -> byPid.get(e.from()).exitReason = e.reason();
                case Down d -> {
                    Pending p = byRef.remove(d.ref());
                    Pid pid = p.target.pid();
                    byPid.remove(pid);
                    ExitReason reason = p.exitReason != null ? p.exitReason : unlinkFlush(pid, d.reason());
                    if (p.exitReason != null) {
                        Jarl.unlink(pid);
                    }
                    if (!expected(reason, p.target.spec())) {
                        Reports.report(supervisor, Reports.Context.SHUTDOWN_ERROR, reason, pid, p.target.spec());
                    }
                }
                default -> throw new IllegalStateException("unreachable: " + msg.get());
            }
        }
    }

    /** Unlinks a dead child and takes its {@code Exit}, if one came; its reason wins (OTP: {@code unlink_flush/2}). */
    private static ExitReason unlinkFlush(Pid pid, ExitReason downReason) {
        Jarl.unlink(pid);
        return Jarl.receive(m -> m instanceof Exit e && e.from().equals(pid) ? e : Jarl.<Exit>skip(), Duration.ZERO)
                .map(Exit::reason)
                .orElse(downReason);
    }

    /** Whether a terminated child ended the way the protocol asked it to (otherwise: a shutdown_error report). */
    private static boolean expected(ExitReason reason, ChildSpec spec) {
        boolean permanent = spec.restart() == Restart.PERMANENT;
        boolean brutal = spec.shutdown() instanceof Shutdown.BrutalKill;
        return switch (reason) {
            case ExitReason.Killed k -> brutal;
            case ExitReason.Shutdown s -> !brutal || !permanent;
            case ExitReason.ShutdownWith s -> !permanent;
            case ExitReason.Normal n -> !permanent;
            default -> false;
        };
    }
}
