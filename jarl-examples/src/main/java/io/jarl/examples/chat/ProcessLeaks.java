package io.jarl.examples.chat;

import io.jarl.Down;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Waits for processes to end, with monitors, not sleeps: what the script and the tests use to check
 * that nothing is left running.
 */
public final class ProcessLeaks {
    private ProcessLeaks() {}

    /** The live processes now. */
    public static Set<Pid> snapshot() {
        return Set.copyOf(Jarl.processes());
    }

    /**
     * Waits up to {@code grace} for every process not in {@code before} to end (including those they
     * start meanwhile), monitoring each and waiting for its {@code Down}. Returns those still alive.
     * Works from a plain thread (attached for the wait) or a process (not counted).
     */
    public static Set<Pid> awaitEnd(Set<Pid> before, Duration grace) {
        if (!Jarl.inProcess()) {
            try (ProcessScope me = Jarl.attach()) {
                return awaitEnd(before, grace);
            }
        }
        Pid self = Jarl.self();
        long deadline = System.nanoTime() + grace.toNanos();
        Map<Ref, Pid> watching = new HashMap<>();
        Set<Pid> watched = new LinkedHashSet<>();
        while (true) {
            Set<Pid> alive = new LinkedHashSet<>();
            for (Pid pid : Jarl.processes()) {
                if (!before.contains(pid) && !pid.equals(self)) {
                    alive.add(pid);
                }
            }
            long left = deadline - System.nanoTime();
            if (alive.isEmpty() || left <= 0) {
                watching.keySet().forEach(ref -> Jarl.demonitor(ref, true));
                return alive;
            }
            for (Pid pid : alive) {
                if (watched.add(pid)) {
                    watching.put(Jarl.monitor(pid), pid); // a dead one gives an immediate noproc Down
                }
            }
            if (watching.isEmpty()) {
                continue; // all Downs came but the table still lists one: look again (bounded by the deadline)
            }
            Optional<Down> down = Jarl.receive(
                    m -> m instanceof Down d && watching.containsKey(d.ref()) ? d : Jarl.<Down>skip(),
                    Duration.ofNanos(left));
            down.ifPresent(d -> watching.remove(d.ref()));
        }
    }
}
