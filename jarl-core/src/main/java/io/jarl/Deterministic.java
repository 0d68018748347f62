package io.jarl;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs processes in a deterministic order, on virtual time: a run is replayed by its seed. The hook
 * a simulation testkit stands on (FoundationDB's simulator, Concuerror and turmoil test this way).
 *
 * <p>{@link #run(long, Runnable)} runs {@code root} as the first process of a closed world: every
 * process it spawns, and every process those spawn (GenServers, supervisors, tasks...), belongs to
 * the run. One thread runs them all, one at a time; each step takes one of the runnable processes,
 * chosen by a {@link java.util.Random} seeded with the run's seed, and runs it until it waits (a
 * handler process: for one activation). The run's clock starts at zero and moves only when nothing
 * is runnable, then jumps to the next timer: {@link Jarl#sendAfter}, {@link Jarl#exitAfter}, receive
 * timeouts, {@link Jarl#sleep}, {@code GenServer.call}'s and {@code Task.await}'s timeouts, the
 * behaviours' timeouts, the supervisors' restart window and {@link Jarl#monotonicTime()} all follow
 * it, so an hour of timeouts takes no time.
 *
 * <p>The run ends when the root process has ended ({@link Stop#ROOT_ENDED}), when no process can
 * run and no timer is pending ({@link Stop#QUIESCENT}: every process waits for a message nobody will
 * send), at the step limit ({@link Stop#STEP_LIMIT}), or when it has waited too long in real time
 * for a process held outside the runtime ({@link Stop#STUCK}). Then the processes still alive are
 * killed (the {@link Outcome#leaked()} list names them): nothing of a run outlives it.
 *
 * <p>What is replayed, and what is not. Two runs of the same code with the same seed take the same
 * steps in the same order, at the same virtual times, as long as the code itself is deterministic
 * and its processes wait only on each other. Not replayed: whatever comes from outside the run (a
 * {@code Thread.sleep}, a lock, I/O, a message from a process of the node, the answer of a
 * GenServer of the node that the run calls); {@link Outcome#externalWakeups()} counts such
 * wake-ups and {@link Outcome#outsideSends()} the messages sent out, and a run with neither is
 * exact. Virtual time does not wait for the outside: a call from the run to a process of the node
 * times out at once, in virtual time, unless its answer comes while the run still has other work;
 * start what the run needs inside it. Pid and reference numbers are the node's, so they differ from run to run:
 * the trace names processes by their ordinal (1 for the root, then in spawn order), and code whose
 * behaviour depends on pid numbers or hash codes (a partitioned registry picks a partition by hash)
 * may take other paths. A dirty process is an ordinary one in a run. {@code GenStateMachine}'s
 * absolute timeouts are wall-clock instants and do not follow the run's clock.
 *
 * <p>Needs the JDK's virtual-thread internals open, as Jarl's scheduler does ({@code --add-opens
 * java.base/java.lang=ALL-UNNAMED}).
 */
public final class Deterministic {
    private Deterministic() {}

    /**
     * Options of a run.
     *
     * @param seed         the seed of the choice among runnable processes
     * @param maxSteps     the run stops after this many steps ({@link Stop#STEP_LIMIT})
     * @param externalWait how long (real time) the run waits, with nothing runnable and no timer
     *                     pending, for processes held outside the runtime ({@link Stop#STUCK}), or
     *                     for an answer from the node once the run has sent to it
     */
    public record Options(long seed, long maxSteps, Duration externalWait) {
        public Options {
            if (maxSteps < 0) {
                throw new IllegalArgumentException("maxSteps must not be negative: " + maxSteps);
            }
            Objects.requireNonNull(externalWait, "externalWait");
            if (externalWait.isNegative()) {
                throw new IllegalArgumentException("externalWait must not be negative: " + externalWait);
            }
        }

        /** Seed {@code seed}, at most ten million steps, five seconds of waiting for the outside. */
        public static Options seed(long seed) {
            return new Options(seed, 10_000_000, Duration.ofSeconds(5));
        }

        public Options withMaxSteps(long maxSteps) {
            return new Options(seed, maxSteps, externalWait);
        }

        public Options withExternalWait(Duration externalWait) {
            return new Options(seed, maxSteps, externalWait);
        }
    }

    /** Why a run stopped. */
    public enum Stop {
        /** The root process ended. */
        ROOT_ENDED,
        /** No process could run and no timer was pending: all of them waited for messages. */
        QUIESCENT,
        /** The run took {@link Options#maxSteps()} steps. */
        STEP_LIMIT,
        /** Only processes held outside the runtime were left, for longer than {@link Options#externalWait()}. */
        STUCK
    }

    /**
     * One step of a run: process number {@code process} (its ordinal: 1 for the root, then in spawn
     * order) ran until it waited, at {@code atNanos} on the run's clock.
     */
    public record Step(int process, long atNanos) {}

    /**
     * What a run did.
     *
     * @param seed            the run's seed
     * @param stop            why it stopped
     * @param rootReason      the root process's exit reason; empty if it was alive when the run stopped
     * @param steps           the number of steps
     * @param elapsed         the run's clock when it stopped
     * @param processes       every process of the run, by ordinal (the root first)
     * @param leaked          those still alive when the run stopped (then killed)
     * @param trace           the steps in order
     * @param externalWakeups wake-ups that came from outside the run (zero: the run is replayed exactly)
     * @param outsideSends    messages the run's processes sent to processes outside it
     */
    public record Outcome(long seed, Stop stop, Optional<ExitReason> rootReason, long steps, Duration elapsed,
                          List<Pid> processes, List<Pid> leaked, List<Step> trace, long externalWakeups,
                          long outsideSends) {
        /** The ordinal of {@code pid} in this run (1 for the root), or 0 if it is not one of its processes. */
        public int ordinal(Pid pid) {
            return processes.indexOf(pid) + 1;
        }
    }

    /** {@link #run(Options, Runnable)} with {@link Options#seed(long)}. */
    public static Outcome run(long seed, Runnable root) {
        return run(Options.seed(seed), root);
    }

    /**
     * Runs {@code root} and everything it spawns deterministically, and returns when the run has
     * stopped and its processes are gone. Callable from a plain thread or a process (which waits,
     * holding its thread, meanwhile).
     *
     * @throws UnsupportedOperationException if the JDK's internals are not open to Jarl
     */
    public static Outcome run(Options options, Runnable root) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(root, "root");
        String unavailable = Simulator.unavailable();
        if (unavailable != null) {
            throw new UnsupportedOperationException(unavailable);
        }
        return new Simulator(Kernel.NODE, options).run(root);
    }
}
