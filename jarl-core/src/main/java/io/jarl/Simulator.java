package io.jarl;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/*
 * Implementation overview: the deterministic scheduler behind Deterministic.run.
 *
 * A run is a closed world of processes that one platform thread, the run's worker, executes one at
 * a time. The run's processes are virtual threads whose Executor is this object (body processes),
 * and handler processes run by runners that are virtual threads of this object too, so whatever
 * makes one of them runnable (a send, an exit signal, a timer) ends in execute() here, on the
 * worker's thread. Nothing runs in parallel, so the only freedom left is the order, and the worker
 * takes it from a java.util.Random seeded by the run's seed:
 *
 * - Runnable set. What execute() is given goes into a map keyed by the process's ordinal (its place
 *   in the order of spawning within the run), not into a queue: pids and references are numbered
 *   node-wide, so two runs of one program get other numbers, other hash codes and other orders of
 *   the runtime's hash sets (a dying process's links, say); keyed by ordinal, the set of runnable
 *   processes is the same whatever order they were woken in. Each step picks the k-th of them, k
 *   drawn from the seeded Random, and runs it until it waits again (a handler process: one
 *   activation). This is the BEAM's run queue with a seeded choice instead of FIFO order, which
 *   is how Concuerror and FoundationDB's simulator reach the interleavings a real node may produce.
 *
 * - Virtual time. The run has its own clock, which starts at 0 and moves only when nothing is
 *   runnable: it jumps to the earliest pending timer, whose action then runs (the BEAM's timer
 *   wheel, without the waiting). Timers (Jarl.sendAfter, exitAfter, so the behaviours' timeouts),
 *   receive timeouts (so GenServer.call's, Task.await's, Jarl.sleep) and Jarl.monotonicTime() of the
 *   run's processes all read and arm this clock. Timers due at the same instant fire in the order
 *   they were set.
 *
 * - Handler processes. A worker that picks one hands it to an idle runner and runs the runner's
 *   continuation at once (execute() gives it back through `direct`, as in Scheduler). A handler
 *   that blocks inside an activation keeps its runner, whose continuation is then keyed by that
 *   process's ordinal until the activation ends.
 *
 * - The outside. A run's process may still wait for something outside the run: Thread.sleep, a
 *   lock, I/O, a process of the node. Its wake-up comes from another thread, goes to a concurrent
 *   queue and is counted (Outcome.externalWakeups): a run with none is replayed exactly by its seed.
 *   When nothing is runnable and no timer is pending while such a process exists, the worker waits
 *   for it in real time, up to Options.externalWait.
 *
 * Needs the same --add-opens java.base/java.lang as Scheduler (it makes virtual threads with an
 * Executor of its own).
 */
final class Simulator implements Executor {
    private static final VarHandle RUN_CONTINUATION = Scheduler.virtualThreadField("runContinuation", Runnable.class);

    /** Why a run can be had here; null when it can. */
    static String unavailable() {
        if (RUN_CONTINUATION == null || !Scheduler.canMakeThreads()) {
            return "a deterministic run needs the JDK's virtual-thread internals: run the JVM with"
                    + " --add-opens java.base/java.lang=ALL-UNNAMED (=io.jarl.core on the module path)";
        }
        return null;
    }

    /** A timer of the run's virtual clock. */
    static final class Timer implements Comparable<Timer> {
        final long due;
        final long seq;
        final Runnable action;           // a timer's action, or null for a timed receive
        final Waker.Sleeper sleeper;     // a timed receive's: fires if its wait is still the one armed
        boolean cancelled;

        Timer(long due, long seq, Runnable action, Waker.Sleeper sleeper) {
            this.due = due;
            this.seq = seq;
            this.action = action;
            this.sleeper = sleeper;
        }

        boolean live() {
            return !cancelled && (sleeper == null || sleeper.wakeAt == due);
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    final Deterministic.Options options;
    private final Random random;
    private final Kernel kernel;
    private Thread worker;
    private volatile long now;
    private long timerSeq;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final TreeMap<Integer, Runnable> runnable = new TreeMap<>();
    private final ConcurrentLinkedQueue<Runnable> external = new ConcurrentLinkedQueue<>();
    private long externalWakeups;
    private long outsideSends;
    /** Ordinal of each process's task: its continuation (a body's, or a runner's in its activation) or itself. */
    private final IdentityHashMap<Object, Integer> ordinals = new IdentityHashMap<>();
    final List<LocalProcess> processes = new ArrayList<>();
    private final ArrayDeque<SimRunner> idleRunners = new ArrayDeque<>();
    private final List<SimRunner> runners = new ArrayList<>();
    private boolean resuming;
    private Runnable direct;
    private long steps;
    private int[] traceProcess = new int[1024];
    private long[] traceAt = new long[1024];

    Simulator(Kernel kernel, Deterministic.Options options) {
        this.kernel = kernel;
        this.options = options;
        this.random = new Random(options.seed());
    }

    /** The run's clock, in nanoseconds since it began. */
    long now() {
        return now;
    }

    /** The clock of a process of run {@code sim}: the run's, or the node's ({@link System#nanoTime()}) for null. */
    static long clock(Simulator sim) {
        return sim == null ? System.nanoTime() : sim.now;
    }

    // ---------------------------------------------------------------- processes

    /** A body process's thread: a virtual thread of this run, its continuation keyed by p's ordinal. */
    Thread newThread(LocalProcess p) {
        Thread t = Scheduler.newVirtualThread(this, "", p);
        ordinals.put(RUN_CONTINUATION.get(t), enter(p));
        return t;
    }

    /** Gives a process of this run its ordinal (1, 2, ...). */
    int enter(LocalProcess p) {
        processes.add(p);
        int ordinal = processes.size();
        ordinals.put(p, ordinal);
        return ordinal;
    }

    /** A process of the run sent a message to a process outside it (owner's thread: the worker). */
    void sentOutside() {
        outsideSends++;
    }

    /** Whether the caller is this run's worker or one of its processes on it. */
    private boolean onWorker() {
        Thread me = Thread.currentThread();
        return me == worker || Scheduler.currentCarrier() == worker;
    }

    @Override
    public void execute(Runnable task) {
        if (!onWorker()) {
            external.add(task);
            LockSupport.unpark(worker);
            return;
        }
        if (resuming) {
            direct = task;
            return;
        }
        makeRunnable(task);
    }

    private void makeRunnable(Runnable task) {
        Integer ordinal = ordinals.get(task);
        if (ordinal == null) {
            throw new IllegalStateException("a task that is not a process of this deterministic run: " + task);
        }
        Runnable was = runnable.put(ordinal, task);
        if (was != null && was != task) {
            throw new IllegalStateException("process " + ordinal + " of a deterministic run was made runnable twice");
        }
    }

    // ---------------------------------------------------------------- timers

    /** Runs {@code action} on the worker when the run's clock reaches {@code now() + nanos}. */
    Timer schedule(long nanos, Runnable action) {
        synchronized (timers) {
            Timer t = new Timer(now + Math.max(0, nanos), timerSeq++, action, null);
            timers.add(t);
            return t;
        }
    }

    void cancel(Timer t) {
        synchronized (timers) {
            t.cancelled = true;
        }
    }

    /** A timed receive: wakes {@code s}'s thread at {@code deadline} unless its wait is over by then. */
    void arm(Waker.Sleeper s, long deadline) {
        s.wakeAt = deadline;
        synchronized (timers) {
            timers.add(new Timer(deadline, timerSeq++, null, s));
        }
    }

    /** The earliest live timer, stale ones dropped on the way; null if none. */
    private Timer firstTimer() {
        synchronized (timers) {
            for (Timer t = timers.peek(); t != null; t = timers.peek()) {
                if (t.live()) {
                    return t;
                }
                timers.poll();
            }
            return null;
        }
    }

    /** Moves the clock to the earliest timer and fires every timer due then, in the order set. */
    private void advance(Timer first) {
        now = Math.max(now, first.due);
        for (;;) {
            Timer t;
            synchronized (timers) {
                t = timers.peek();
                if (t == null || t.due > now) {
                    return;
                }
                timers.poll();
                if (!t.live()) {
                    continue;
                }
            }
            if (t.action != null) {
                t.action.run();
            } else {
                LockSupport.unpark(t.sleeper.thread);
            }
        }
    }

    // ---------------------------------------------------------------- the run

    /** Runs {@code root} as the run's first process, on a worker of its own, and waits for the outcome. */
    Deterministic.Outcome run(Runnable root) {
        Deterministic.Outcome[] outcome = new Deterministic.Outcome[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().daemon().name("jarl-deterministic-" + options.seed()).unstarted(() -> {
            try {
                outcome[0] = loop(root);
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        worker = t;
        t.start();
        boolean interrupted = false;
        for (;;) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the run is not abandoned half way: it would leave processes behind
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("the deterministic run with seed " + options.seed() + " failed",
                    failure[0]);
        }
        return outcome[0];
    }

    private Deterministic.Outcome loop(Runnable root) {
        LocalProcess first = kernel.spawn(null, root, SpawnOptions.defaults(), this);
        first.thread.start();
        Deterministic.Stop stop = drive(true);
        long elapsed = now;
        ExitReason rootReason = first.isAlive() ? null : first.exitReasonOrNull();
        List<Pid> leaked = new ArrayList<>();
        for (LocalProcess p : processes) {
            if (p.isAlive()) {
                leaked.add(p);
            }
        }
        // A run is a closed world: what is still alive goes with it, and so do the runners.
        for (LocalProcess p : processes) {
            if (p.isAlive()) {
                p.exitSignal(kernel.outside, ExitReason.kill(), false);
            }
        }
        drive(false);
        for (SimRunner r : runners) {
            r.stopped = true;
            LockSupport.unpark(r.thread);
        }
        drive(false);
        kernel.discardTimers(this); // timers for no process (sendAfter to a name, exitAfter) that never fired
        List<Deterministic.Step> trace = new ArrayList<>((int) steps);
        for (int i = 0; i < steps; i++) {
            trace.add(new Deterministic.Step(traceProcess[i], traceAt[i]));
        }
        return new Deterministic.Outcome(options.seed(), stop, java.util.Optional.ofNullable(rootReason), steps,
                Duration.ofNanos(elapsed), List.copyOf(processes), List.copyOf(leaked), List.copyOf(trace),
                externalWakeups, outsideSends);
    }

    /**
     * Runs processes until the root has ended ({@code untilRoot}), nothing can run any more, or the
     * step limit; returns why it stopped. Without {@code untilRoot} (the clean-up after the run) it
     * runs what is runnable until every thread of the run has ended, fires no timers and records no
     * steps.
     */
    private Deterministic.Stop drive(boolean untilRoot) {
        LocalProcess root = processes.getFirst();
        long waitedSince = 0;
        for (;;) {
            if (untilRoot && !root.isAlive()) {
                return Deterministic.Stop.ROOT_ENDED;
            }
            for (Runnable r; (r = external.poll()) != null; ) {
                externalWakeups++;
                makeRunnable(r);
            }
            if (!runnable.isEmpty()) {
                waitedSince = 0;
                if (untilRoot && steps >= options.maxSteps()) {
                    return Deterministic.Stop.STEP_LIMIT;
                }
                int k = random.nextInt(runnable.size());
                Iterator<Map.Entry<Integer, Runnable>> it = runnable.entrySet().iterator();
                Map.Entry<Integer, Runnable> e = it.next();
                for (int i = 0; i < k; i++) {
                    e = it.next();
                }
                int ordinal = e.getKey();
                Runnable task = e.getValue();
                it.remove(); // after the reads: TreeMap may reuse e for its successor's mapping
                if (untilRoot) {
                    record(ordinal);
                }
                step(task);
                continue;
            }
            Timer next = untilRoot ? firstTimer() : null;
            if (next != null) {
                advance(next);
                continue;
            }
            // Nothing can move inside the run: what may still move it comes from outside.
            boolean held = untilRoot ? anyHeldOutside() : anyThreadLeft();
            if (!held && (outsideSends == 0 || !untilRoot)) {
                return Deterministic.Stop.QUIESCENT;
            }
            long t = System.nanoTime();
            if (waitedSince == 0) {
                waitedSince = t;
            } else if (t - waitedSince > Kernel.saturatedNanos(options.externalWait())) {
                if (!untilRoot) {
                    kernel.log.warn("a thread of the deterministic run with seed {} still runs {} after its process"
                            + " was killed; it is left behind", options.seed(), options.externalWait());
                }
                return held ? Deterministic.Stop.STUCK : Deterministic.Stop.QUIESCENT;
            }
            LockSupport.parkNanos(this, 1_000_000);
        }
    }

    private void record(int ordinal) {
        int i = (int) steps;
        if (i == traceProcess.length) {
            traceProcess = java.util.Arrays.copyOf(traceProcess, i * 2);
            traceAt = java.util.Arrays.copyOf(traceAt, i * 2);
        }
        traceProcess[i] = ordinal;
        traceAt[i] = now;
        steps++;
    }

    private void step(Runnable task) {
        if (task instanceof LocalProcess p) {
            SimRunner r = idleRunners.poll();
            boolean fresh = r == null;
            if (fresh) {
                r = new SimRunner(this);
                runners.add(r);
            }
            ordinals.put(r.continuation, ordinals.get(p));
            r.pending = p;
            resuming = true;
            try {
                if (fresh) {
                    r.thread.start();
                } else {
                    LockSupport.unpark(r.thread);
                }
            } finally {
                resuming = false;
            }
            task = direct;
            direct = null;
            if (task == null) {
                throw new IllegalStateException("a runner of the deterministic run did not resume");
            }
        }
        try {
            task.run();
        } catch (Throwable e) {
            kernel.log.error("a deterministic run's task failed", e);
        }
    }

    /** Whether a live process of the run holds its thread outside the runtime (a sleep, a lock, I/O). */
    private boolean anyHeldOutside() {
        for (LocalProcess p : processes) {
            if (p.isAlive() && p.heldOutside()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a thread of the run is still running (its process killed, it unwinds). */
    private boolean anyThreadLeft() {
        for (LocalProcess p : processes) {
            Thread t = p.thread;
            if (!p.isHandler() && t != null && t.getState() != Thread.State.NEW && t.isAlive()) {
                return true;
            }
        }
        for (SimRunner r : runners) {
            if (r.stopped && r.thread.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** Runs handler processes of the run, one activation at a time, as the worker picks them. */
    static final class SimRunner implements Runnable {
        final Simulator sim;
        final Thread thread;
        final Runnable continuation;
        LocalProcess pending;
        LocalProcess active;
        boolean stopped;

        SimRunner(Simulator sim) {
            this.sim = sim;
            this.thread = Scheduler.newVirtualThread(sim, "jarl-deterministic-runner", this);
            this.continuation = (Runnable) RUN_CONTINUATION.get(thread);
        }

        @Override
        public void run() {
            for (;;) {
                while (pending == null) {
                    if (stopped) {
                        return;
                    }
                    LockSupport.park(this);
                }
                LocalProcess p = pending;
                pending = null;
                active = p;
                boolean done = p.activate();
                active = null;
                if (!done) {
                    sim.makeRunnable(p); // its budget is spent: it goes back among the runnable
                }
                sim.idleRunners.add(this);
            }
        }
    }
}
