package io.jarl;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/*
 * Implementation overview.
 *
 * Jarl's scheduler runs the node's processes on a few worker threads of its own, in the BEAM's
 * manner, instead of leaving every hand-off to the JDK's ForkJoinPool. A process is a virtual thread
 * whose carrier is a Jarl worker: the scheduler is the virtual threads' Executor, so each time a
 * process becomes runnable (spawned, sent a message while it waited, its timer fired) the JDK hands
 * its continuation to execute() here, and a worker runs it until it waits again. A waiting process
 * holds no thread, only its stack chunk.
 *
 * Parts, and the BEAM (and Go runtime) mechanism each mirrors:
 *
 * - Workers (the BEAM's normal schedulers): platform threads, one per core by default
 *   (-Djarl.schedulers=N). Each has its own run queue (a bounded ring, Go's runq: the owner pushes
 *   and pops, other workers steal half of it) and a run-next slot.
 *
 * - The run-next slot (Go's runnext; the BEAM gets the same effect by running a process woken by
 *   a send on the sender's scheduler): a process made runnable by a process running on worker W
 *   goes into W's slot and runs on W as soon as the current one waits. A conversation between two
 *   processes therefore stays on one core: a round trip is two continuation switches, with no
 *   wake-up of another thread and no cache line crossing cores. The slot is not stolen (an idle
 *   worker would otherwise take the partner at once, which is what the JDK's pool does), except from
 *   a worker that is blocked. What the slot displaces goes to the run queue, where it can be stolen.
 *   A worker that has taken the slot STREAK times in a row while its queue waited takes from the
 *   queue instead, so a chatty pair cannot starve the rest (the BEAM's reductions do this).
 *
 * - The global queue (the BEAM's run queue of the whole node when balancing; Go's global runq):
 *   processes made runnable by threads that are not workers (timers, sockets, plain threads), and
 *   the overflow of full run queues. A worker looks at it every 61st task so that it is never
 *   starved, and whenever its own queue is empty.
 *
 * - Work stealing and idle workers (the BEAM's task stealing and scheduler sleep; Go's spinning
 *   Ms): a worker without work steals half of another's queue, spins a little, then parks. Work
 *   pushed where others can take it wakes one parked worker, unless one is already searching;
 *   a process that yields goes to the back of its own worker's queue and wakes nobody (Go's
 *   Gosched does the same): a woken thief would take it straight back, while what it yielded to
 *   waited, and on a busy machine the OS may even run the woken thread in place of this one.
 *
 * - Blocked workers (the BEAM's dirty I/O schedulers; Go's sysmon hand-off): Java cannot preempt a
 *   virtual thread, and a process may hold its worker by blocking where the JDK cannot unmount it
 *   (a native call, file I/O, a class initialiser) or by computing for long. A monitor thread
 *   (jarl-sysmon) checks the workers every millisecond; a worker that has run one task for five
 *   checks while work waits anywhere (on it or on another worker) is marked blocked, its run-next
 *   slot becomes stealable, and a replacement worker starts, so the others keep running. When the blocked task returns, its worker retires if the node has enough workers
 *   (up to -Djarl.schedulers.max threads in all, 256 by default). A process that computes for long
 *   is thus time-sliced by the OS among the replacement threads; it still delays the processes in
 *   its own worker's run-next slot until the monitor notices (5 ms).
 *
 * - Handler processes and runners (the BEAM's own process model: a process is a structure the
 *   scheduler runs, with a stack only while it runs): a handler process (Jarl.spawnHandler) has no
 *   thread. Made runnable, the LocalProcess itself goes into the queues above. A worker that takes
 *   one hands it to a runner, a virtual thread of this scheduler (the worker's idle one, a spare,
 *   or a new one), and runs the runner's continuation at once (execute() gives it back through
 *   `direct` instead of queueing it). The runner calls the process's handler for its messages,
 *   then takes the worker's next task itself: another handler process runs on the same stack,
 *   with no switch, so a conversation between handler processes is plain calls on one core; a
 *   continuation is left in `handoff` for the worker's thread, and the runner parks. A handler
 *   that blocks parks its runner with its stack (a body process's stack, for as long as it
 *   blocks), and the worker takes another runner for the rest. The worker's tick counter goes up
 *   with every process a runner takes, so the monitor tells a busy runner from a held one.
 *
 * - Socket I/O (the BEAM's schedulers poll for I/O themselves): a process blocked on a socket is a
 *   parked virtual thread, woken by the JDK's poller. The scheduler sets jdk.pollerMode=1 (platform
 *   poller threads, unless the user set it) so the poller hands the process to this scheduler
 *   directly rather than through the JDK's pool; the distribution's readers and writers are
 *   virtual threads of this scheduler (Core.ioThread), so a frame read and delivered runs its receiver in
 *   the reader's worker's run-next slot.
 *
 * Needs --add-opens java.base/java.lang=ALL-UNNAMED (or =io.jarl.core on the module path): the JDK
 * has no public API to give virtual threads a scheduler, only the package-private one its own
 * tests use. Without it, or with -Djarl.scheduler=jdk, processes are virtual threads of the JDK's
 * default scheduler, as before (create() returns null and says so once in the log).
 */
final class Scheduler implements Executor {
    /** The run-next slot is taken at most this many times in a row while the run queue waits. */
    private static final int STREAK = 64;
    /**
     * The monitor marks a worker blocked once it has run one task for this many of its 1 ms checks
     * while other work waited (a class initialiser or a first compilation can take a few).
     */
    private static final int STUCK_CHECKS = 5;
    /** Searching workers try this many rounds of the queues before they park. */
    private static final int SEARCH_ROUNDS = 64;

    private static final MethodHandle NEW_VIRTUAL_THREAD, CURRENT_CARRIER;
    private static final String UNAVAILABLE;
    private static final VarHandle RUN_NEXT, TICKS, CURRENT;

    static {
        MethodHandle newThread = null, carrier = null;
        String unavailable = null;
        try {
            Class<?> builders = Class.forName("java.lang.ThreadBuilders");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(builders, MethodHandles.lookup());
            newThread = lookup.findStatic(builders, "newVirtualThread",
                    MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
            carrier = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = e.toString();
        }
        NEW_VIRTUAL_THREAD = newThread;
        CURRENT_CARRIER = carrier;
        UNAVAILABLE = unavailable;
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUN_NEXT = l.findVarHandle(Worker.class, "runNext", Runnable.class);
            TICKS = l.findVarHandle(Worker.class, "ticks", long.class);
            CURRENT = l.findVarHandle(Worker.class, "current", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int target;
    private final int max;
    private final Worker[] workers;
    private final AtomicInteger workerCount = new AtomicInteger();
    /** Workers neither blocked nor retired. */
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger spinning = new AtomicInteger();
    private final AtomicInteger blocked = new AtomicInteger();
    private final AtomicLong replacements = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> global = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Worker> idle = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Worker> spare = new ConcurrentLinkedQueue<>();
    private final Thread sysmon;
    private volatile boolean sysmonParked;
    private final long started = System.nanoTime();

    /**
     * The node's scheduler, or null when processes must run on the JDK's default scheduler (asked
     * for with -Djarl.scheduler=jdk, or the JDK's internals are not open to Jarl).
     */
    static Scheduler create(Logger log) {
        String kind = System.getProperty("jarl.scheduler", "jarl");
        if (kind.equals("jdk")) {
            return null;
        }
        if (!kind.equals("jarl")) {
            throw new IllegalArgumentException("-Djarl.scheduler must be jarl or jdk, not '" + kind + "'");
        }
        if (UNAVAILABLE != null) {
            log.info("Jarl's scheduler is off: run the JVM with --add-opens java.base/java.lang=ALL-UNNAMED "
                    + "(=io.jarl.core on the module path) to turn it on; processes run on the JDK's default "
                    + "virtual-thread scheduler ({})", UNAVAILABLE);
            return null;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int n = Integer.getInteger("jarl.schedulers", cores);
        int max = Integer.getInteger("jarl.schedulers.max", Math.max(256, n));
        if (n < 1 || max < n) {
            throw new IllegalArgumentException("-Djarl.schedulers must be at least 1 and at most -Djarl.schedulers.max"
                    + " (" + n + ", " + max + ")");
        }
        if (System.getProperty("jdk.pollerMode") == null) {
            // Blocking socket I/O parks a process's virtual thread until a poller sees the socket
            // ready. The JDK's default pollers are virtual threads of the JDK's own pool, so each
            // wake-up would go through that pool's threads before it reached this scheduler;
            // platform poller threads hand the woken process to this scheduler directly. Read when
            // the JDK first polls for a virtual thread, so it has no effect if that happened first.
            System.setProperty("jdk.pollerMode", "1");
        }
        return new Scheduler(n, max, log);
    }

    private final Logger log;

    private Scheduler(int target, int max, Logger log) {
        this.log = log;
        this.target = target;
        this.max = max;
        this.workers = new Worker[max];
        for (int i = 0; i < target; i++) {
            running.incrementAndGet();
            newWorker().start();
        }
        sysmon = new Thread(this::monitor, "jarl-sysmon");
        sysmon.setDaemon(true);
        sysmon.start();
    }

    private Worker newWorker() {
        int index = workerCount.getAndIncrement();
        Worker w = new Worker(this, index);
        workers[index] = w;
        return w;
    }

    /** An unstarted virtual thread running {@code body} on this scheduler (a process, a runner, a connection's I/O). */
    Thread newThread(String name, Runnable body) {
        return newVirtualThread(this, name, body);
    }

    /** Whether virtual threads with an Executor of Jarl's can be made (the JDK's internals are open). */
    static boolean canMakeThreads() {
        return UNAVAILABLE == null;
    }

    /** An unstarted virtual thread whose continuation {@code executor} runs. */
    static Thread newVirtualThread(Executor executor, String name, Runnable body) {
        try {
            return (Thread) NEW_VIRTUAL_THREAD.invokeExact(executor, name, 0, body);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create a process's thread", e);
        }
    }

    /** The carrier of the calling virtual thread, the calling thread itself if it is a platform one. */
    static Thread currentCarrier() {
        try {
            return CURRENT_CARRIER == null ? Thread.currentThread() : (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** java.lang.VirtualThread's carrier field, or null without --add-opens java.base/java.lang. */
    private static final VarHandle VT_CARRIER = virtualThreadField("carrierThread", Thread.class);

    /** A field of java.lang.VirtualThread, or null without --add-opens java.base/java.lang. */
    static VarHandle virtualThreadField(String name, Class<?> type) {
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            return MethodHandles.privateLookupIn(vt, MethodHandles.lookup()).findVarHandle(vt, name, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether {@code t} is a virtual thread that is ready to run but not mounted on a carrier: in
     * a run queue. False when that cannot be told (a platform thread, or java.lang not opened).
     */
    static boolean unmounted(Thread t) {
        return t.isVirtual() && VT_CARRIER != null && VT_CARRIER.getVolatile(t) == null;
    }

    /** The worker the calling thread runs on, or null. */
    static Worker currentWorker() {
        return CURRENT_CARRIER != null && currentCarrier() instanceof Worker w ? w : null;
    }

    /** Whether the calling process shares its worker with other runnable work (it should not spin). */
    static boolean othersWaitHere() {
        Worker w = currentWorker();
        return w != null && (w.runNext != null || w.queue.size() > 0);
    }

    // ---------------------------------------------------------------- submission

    /**
     * A continuation is runnable. From a process running on a worker, it goes into that worker's
     * run-next slot; from the worker itself (a process that yielded, or was woken while it was
     * parking) to the back of its run queue; from any other thread to the global queue.
     */
    @Override
    public void execute(Runnable task) {
        Worker w = currentWorker();
        if (w != null && w.scheduler == this) {
            if (Thread.currentThread() == w) {
                if (w.resuming) {
                    w.direct = task; // the runner this worker is starting or waking: it runs it now
                    return;
                }
                // A process that yielded, or was woken while it parked: this worker is about to
                // look for work and finds it here; waking a thief would defeat the yield.
                w.pushLocal(task);
                return;
            }
            Runnable displaced = (Runnable) RUN_NEXT.getAndSet(w, task);
            if (displaced != null) {
                w.pushLocal(displaced);
                signal();
            } else if (w.blockedFlag) {
                signal(); // a blocked worker's slot is for others to take
            }
            return;
        }
        global.add(task);
        signal();
    }

    /** Work was put where any worker can take it: wake a parked one unless one is searching. */
    private void signal() {
        if (spinning.get() != 0) {
            return;
        }
        Worker w = idle.poll();
        if (w != null) {
            spinning.incrementAndGet();
            w.wake();
        }
    }

    // ---------------------------------------------------------------- the monitor

    private void monitor() {
        long[] seen = new long[max];
        int[] stuck = new int[max];
        for (;;) {
            LockSupport.parkNanos(1_000_000);
            boolean anyBusy = false;
            // Work that waits anywhere: a worker held by one task must then be stood in for, even
            // if what waits sits on another worker (a blocked one's run-next slot, say).
            boolean waiting = !global.isEmpty();
            int count = workerCount.get();
            for (int i = 0; i < count; i++) {
                Worker w = workers[i];
                if (w.retired) {
                    continue;
                }
                boolean hasWork = w.runNext != null || w.queue.size() > 0;
                waiting |= hasWork;
                if (w.blockedFlag) {
                    // Still held. What its process made runnable since (a pump thread that reads a
                    // pipe wakes the reader, then blocks again) is for the others to take.
                    anyBusy = true;
                    if (hasWork) {
                        signal();
                    }
                    continue;
                }
                long ticks = (long) TICKS.getOpaque(w);
                Object current = CURRENT.getOpaque(w);
                if (current == null || ticks != seen[i]) {
                    seen[i] = ticks;
                    stuck[i] = 0;
                    anyBusy |= current != null;
                    continue;
                }
                anyBusy = true;
                stuck[i]++;
            }
            if (waiting) {
                for (int i = 0; i < count; i++) {
                    Worker w = workers[i];
                    if (stuck[i] >= STUCK_CHECKS && !w.retired && !w.blockedFlag) {
                        stuck[i] = 0;
                        w.blockedFlag = true;
                        blocked.incrementAndGet();
                        if (running.decrementAndGet() < target) {
                            replace();
                        }
                        signal(); // its run-next slot can be stolen now
                    }
                }
            }
            if (!anyBusy && idle.size() >= running.get() && global.isEmpty()) {
                // Every worker is parked: sleep until one wakes (Worker.wake unparks the monitor).
                sysmonParked = true;
                if (idle.size() >= running.get() && global.isEmpty()) {
                    LockSupport.park(this);
                }
                sysmonParked = false;
            }
        }
    }

    /** Starts a worker to stand in for a blocked one: a spare if there is one, else a new thread. */
    private void replace() {
        Worker w = spare.poll();
        running.incrementAndGet();
        replacements.incrementAndGet();
        if (w != null) {
            w.retired = false;
            spinning.incrementAndGet();
            w.searching = true;
            w.wake();
            return;
        }
        if (workerCount.get() >= max) {
            running.decrementAndGet(); // at the cap: the remaining workers carry on alone
            return;
        }
        Worker fresh = newWorker();
        fresh.start();
    }

    // ---------------------------------------------------------------- statistics

    SchedulerInfo info() {
        List<SchedulerInfo.Worker> list = new ArrayList<>();
        long now = System.nanoTime();
        int count = workerCount.get();
        for (int i = 0; i < count; i++) {
            Worker w = workers[i];
            SchedulerInfo.WorkerState state = w.retired ? SchedulerInfo.WorkerState.RETIRED
                    : w.blockedFlag ? SchedulerInfo.WorkerState.BLOCKED
                    : w.parked ? SchedulerInfo.WorkerState.IDLE
                    : CURRENT.getOpaque(w) != null ? SchedulerInfo.WorkerState.RUNNING
                    : SchedulerInfo.WorkerState.SEARCHING;
            long idleNanos = w.idleNanos + (w.parked && w.idleSince != 0 ? now - w.idleSince : 0);
            list.add(new SchedulerInfo.Worker(i, state, w.queue.size() + (w.runNext != null ? 1 : 0),
                    (long) TICKS.getOpaque(w), w.steals, Math.max(0, now - w.born - idleNanos), now - w.born));
        }
        return new SchedulerInfo("jarl", target, blocked.get(), global.size(), replacements.get(), runnerCount.get(),
                list);
    }

    static SchedulerInfo jdkInfo() {
        return new SchedulerInfo("jdk", Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors()), 0, 0, 0, 0, List.of());
    }

    // ---------------------------------------------------------------- workers

    static final class Worker extends Thread {
        final Scheduler scheduler;
        final RunQueue queue = new RunQueue();
        volatile Runnable runNext;
        @SuppressWarnings("unused") // through TICKS: tasks started, read by the monitor
        private long ticks;
        // Owned by this worker's thread, or by the runner mounted on it (the thread then waits in it).
        private long tick;          // tasks taken, for the global queue's turn
        private Runner idleRunner;  // a runner with nothing to do, the first to get a handler process
        private Runnable handoff;   // a continuation a runner took from the queues and leaves to this thread
        private boolean resuming;   // in startRunner: execute() of this worker's thread gives `direct`
        private Runnable direct;
        @SuppressWarnings("unused") // through CURRENT: the task running, read by the monitor
        private Runnable current;
        volatile boolean parked, blockedFlag, retired, searching;
        private int streak;
        volatile long steals;
        volatile long idleNanos, idleSince;
        final long born = System.nanoTime();

        Worker(Scheduler scheduler, int index) {
            super("jarl-scheduler-" + (index + 1));
            this.scheduler = scheduler;
            setDaemon(true);
        }

        void wake() {
            parked = false;
            LockSupport.unpark(this);
            if (scheduler.sysmonParked) {
                LockSupport.unpark(scheduler.sysmon);
            }
        }

        void pushLocal(Runnable task) {
            if (!queue.push(task)) {
                scheduler.global.add(task);
            }
        }

        @Override
        public void run() {
            for (;;) {
                try {
                    loop();
                } catch (Throwable e) {
                    // A bug of the scheduler's, never a process's (their failures end in their own
                    // threads): losing the worker would strand what is queued on it, so it goes on.
                    CURRENT.setOpaque(this, (Runnable) null);
                    scheduler.log.error("{} failed and carries on", getName(), e);
                }
            }
        }

        private void loop() {
            for (;;) {
                Runnable task = handoff;
                if (task != null) {
                    handoff = null;
                } else {
                    task = next(++tick);
                    if (task == null) {
                        task = search();
                        if (task == null) {
                            continue; // woke from a park (or retired and revived): look again
                        }
                    } else if (searching) {
                        stopSearching(); // woken to search, found work of its own
                    }
                }
                if (task instanceof LocalProcess p) {
                    task = startRunner(p);
                    if (task == null) {
                        continue; // the runner was awake and took p itself
                    }
                }
                CURRENT.setOpaque(this, task);
                TICKS.setOpaque(this, tick);
                if (scheduler.sysmonParked) {
                    LockSupport.unpark(scheduler.sysmon); // it parked when every worker was idle
                }
                try {
                    task.run();
                } catch (Throwable e) {
                    // runContinuation does not throw; a failure here is the JDK's, not a process's
                }
                CURRENT.setOpaque(this, (Runnable) null);
                if (blockedFlag) {
                    unblocked();
                }
            }
        }

        /**
         * Gives handler process {@code p} to a runner: this worker's idle one, a spare, or a new one.
         * Returns the runner's continuation for this thread to run, or null if the runner was not
         * parked (it was woken for nothing, and finds {@code p} before it parks again).
         */
        private Runnable startRunner(LocalProcess p) {
            Runner r = idleRunner;
            if (r != null) {
                idleRunner = null;
            } else {
                r = scheduler.spareRunners.poll();
            }
            resuming = true;
            try {
                if (r == null) {
                    r = new Runner(scheduler);
                    r.pending = p;
                    r.thread.start();
                } else {
                    r.pending = p;
                    LockSupport.unpark(r.thread);
                }
            } finally {
                resuming = false;
            }
            Runnable c = direct;
            direct = null;
            return c;
        }

        /**
         * The next handler process for a runner mounted on this worker to run at once, or null: no
         * work, a continuation (left in handoff for this worker's thread), or this worker is held.
         */
        LocalProcess nextForRunner() {
            if (blockedFlag || retired || handoff != null) {
                return null;
            }
            Runnable t = next(++tick);
            if (t == null) {
                return null;
            }
            TICKS.setOpaque(this, tick);
            if (t instanceof LocalProcess p) {
                return p;
            }
            handoff = t;
            return null;
        }

        /** The next task from this worker's own slot and queue, or the global queue; null if none. */
        private Runnable next(long tick) {
            Scheduler s = scheduler;
            if (tick % 61 == 0) {
                Runnable r = s.global.poll();
                if (r != null) {
                    return r;
                }
            }
            Runnable r = runNext;
            if (r != null) {
                r = (Runnable) RUN_NEXT.getAndSet(this, (Runnable) null);
                if (r != null) {
                    if (++streak < STREAK || queue.size() == 0) {
                        return r;
                    }
                    pushLocal(r); // let the queue have a turn
                }
            }
            streak = 0;
            r = queue.pop();
            if (r != null) {
                return r;
            }
            return s.global.poll();
        }

        /** Steals, spins, parks. Returns a task, or null after a park. */
        private Runnable search() {
            Scheduler s = scheduler;
            if (!searching) {
                searching = true;
                s.spinning.incrementAndGet();
            }
            for (int round = 0; round < SEARCH_ROUNDS; round++) {
                Runnable r = stealOnce();
                if (r == null) {
                    r = s.global.poll();
                }
                if (r != null) {
                    stopSearching();
                    return r;
                }
                Thread.onSpinWait();
            }
            // Park. Going idle before the last look means a producer either sees this worker idle
            // (and wakes it) or this look sees its work.
            parked = true;
            s.idle.add(this);
            searching = false;
            s.spinning.decrementAndGet();
            if (anyWork() && s.idle.remove(this)) {
                parked = false;
                searching = true;
                s.spinning.incrementAndGet();
                return null;
            }
            idleSince = System.nanoTime();
            while (parked) {
                LockSupport.park(this);
            }
            idleNanos += System.nanoTime() - idleSince;
            idleSince = 0;
            searching = true; // whoever woke this worker counted it as spinning
            return null;
        }

        private void stopSearching() {
            if (searching) {
                searching = false;
                Scheduler s = scheduler;
                if (s.spinning.decrementAndGet() == 0 && (queue.size() > 0 || !s.global.isEmpty())) {
                    s.signal();
                }
            }
        }

        private boolean anyWork() {
            Scheduler s = scheduler;
            if (!s.global.isEmpty() || queue.size() > 0 || runNext != null) {
                return true;
            }
            int count = s.workerCount.get();
            for (int i = 0; i < count; i++) {
                Worker w = s.workers[i];
                if (w != this && (w.queue.size() > 0 || w.blockedFlag && w.runNext != null)) {
                    return true;
                }
            }
            return false;
        }

        /** Half of another worker's queue (or a blocked worker's run-next slot); null if none. */
        private Runnable stealOnce() {
            Scheduler s = scheduler;
            int count = s.workerCount.get();
            int start = ThreadLocalRandom.current().nextInt(count);
            for (int k = 0; k < count; k++) {
                Worker victim = s.workers[(start + k) % count];
                if (victim == this) {
                    continue;
                }
                Runnable r = queue.stealHalf(victim.queue);
                if (r == null && victim.blockedFlag && victim.runNext != null) {
                    r = (Runnable) RUN_NEXT.getAndSet(victim, (Runnable) null);
                }
                if (r != null) {
                    steals++;
                    return r;
                }
            }
            return null;
        }

        /** The task that blocked this worker returned: carry on, or retire if there are enough workers. */
        private void unblocked() {
            Scheduler s = scheduler;
            blockedFlag = false;
            s.blocked.decrementAndGet();
            if (s.running.incrementAndGet() <= s.target) {
                return;
            }
            s.running.decrementAndGet();
            // Retire: hand over what is queued here, then wait as a spare until a replacement is needed.
            if (handoff != null) {
                s.global.add(handoff); // what a runner left for this thread when the monitor flagged it
                handoff = null;
            }
            for (Runnable r = (Runnable) RUN_NEXT.getAndSet(this, (Runnable) null); r != null; r = queue.pop()) {
                s.global.add(r);
            }
            s.signal();
            retired = true;
            parked = true;
            s.spare.add(this);
            stopSearching();
            while (parked) {
                LockSupport.park(this);
            }
        }
    }

    /** Idle runners no worker keeps; beyond this many, an idle runner ends. */
    private static final int SPARE_RUNNERS = 64;
    private final ConcurrentLinkedQueue<Runner> spareRunners = new ConcurrentLinkedQueue<>();
    private final AtomicInteger runnerCount = new AtomicInteger();

    /**
     * A virtual thread that runs handler processes (see the overview): it takes them one after
     * another from the queues of the worker it is mounted on, and parks when the next task is a
     * process's continuation or there is none. A handler that blocks blocks its runner only.
     */
    static final class Runner implements Runnable {
        final Scheduler scheduler;
        final Thread thread;
        volatile LocalProcess pending;

        Runner(Scheduler scheduler) {
            this.scheduler = scheduler;
            this.thread = scheduler.newThread("jarl-runner", this);
            scheduler.runnerCount.incrementAndGet();
        }

        @Override
        public void run() {
            try {
                for (;;) {
                    LocalProcess p = pending;
                    if (p == null) {
                        LockSupport.park(this); // woken for nothing: wait for a process
                        continue;
                    }
                    pending = null;
                    while (p != null) {
                        boolean done = p.activate();
                        Worker w = currentWorker(); // it may have waited, and resumed on another
                        if (!done) {
                            w.pushLocal(p); // its budget is spent: to the back of the queue
                        }
                        p = w.nextForRunner();
                    }
                    Worker w = currentWorker();
                    if (w.idleRunner == null && !w.retired) {
                        w.idleRunner = this;
                    } else if (scheduler.spareRunners.size() < SPARE_RUNNERS) {
                        scheduler.spareRunners.add(this);
                    } else {
                        return;
                    }
                    while (pending == null) {
                        LockSupport.park(this);
                    }
                }
            } finally {
                scheduler.runnerCount.decrementAndGet();
            }
        }
    }

    /**
     * A worker's run queue: a ring of 256 tasks (Go's runq). The owner pushes at the tail and pops at
     * the head; thieves take half from the head. Head moves by CAS, the tail only by its owner.
     */
    static final class RunQueue {
        private static final int CAPACITY = 256, MASK = CAPACITY - 1;
        private static final VarHandle HEAD, TAIL;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                HEAD = l.findVarHandle(RunQueue.class, "head", int.class);
                TAIL = l.findVarHandle(RunQueue.class, "tail", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Runnable[] ring = new Runnable[CAPACITY];
        @SuppressWarnings("unused") // through HEAD
        private volatile int head;
        @SuppressWarnings("unused") // through TAIL
        private volatile int tail;

        int size() {
            int n = (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this);
            return Math.max(0, Math.min(n, CAPACITY));
        }

        /** Owner only; false if full. */
        boolean push(Runnable task) {
            int t = (int) TAIL.getOpaque(this);
            if (t - (int) HEAD.getAcquire(this) >= CAPACITY) {
                return false;
            }
            ring[t & MASK] = task;
            TAIL.setRelease(this, t + 1);
            return true;
        }

        /** Owner only. */
        Runnable pop() {
            for (;;) {
                int h = (int) HEAD.getAcquire(this);
                int t = (int) TAIL.getOpaque(this);
                if (t == h) {
                    return null;
                }
                Runnable r = ring[h & MASK];
                if (HEAD.compareAndSet(this, h, h + 1)) {
                    return r;
                }
            }
        }

        /**
         * Moves half of {@code victim}'s tasks into this (empty, owned by the caller) queue and
         * returns one of them; null if the victim had none.
         */
        Runnable stealHalf(RunQueue victim) {
            for (;;) {
                int h = (int) HEAD.getAcquire(victim);
                int t = (int) TAIL.getAcquire(victim);
                int n = t - h;
                n -= n / 2;
                if (n <= 0) {
                    return null;
                }
                if (n > CAPACITY / 2) {
                    continue; // read head and tail at different moments
                }
                Runnable first = victim.ring[h & MASK];
                int mine = (int) TAIL.getOpaque(this);
                for (int i = 1; i < n; i++) {
                    ring[(mine + i - 1) & MASK] = victim.ring[(h + i) & MASK];
                }
                if (HEAD.compareAndSet(victim, h, h + n)) {
                    if (n > 1) {
                        TAIL.setRelease(this, mine + n - 1);
                    }
                    return first;
                }
            }
        }
    }
}
