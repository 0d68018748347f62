package io.jarl;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The node's shared state: the process table, the name registry and the timer service. One per JVM,
 * like the BEAM's one node per OS process.
 */
final class Kernel {
    static final Kernel NODE = new Kernel();

    static {
        io.jarl.internal.Core.register(new CoreBridge(NODE));
    }

    final Logger log = LoggerFactory.getLogger("io.jarl");
    private final Logger crashLog = LoggerFactory.getLogger("io.jarl.crash");

    /** Every live process, mapped to itself: a {@link PidKey} with its number finds it. */
    final ConcurrentHashMap<Pid, LocalProcess> table = new ConcurrentHashMap<>(1 << 12);
    final ConcurrentHashMap<String, LocalProcess> names = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private final ConcurrentHashMap<Ref, Timer> timers = new ConcurrentHashMap<>();
    final Waker waker = new Waker();
    /** Jarl's scheduler, or null when processes run on the JDK's default virtual-thread scheduler. */
    final Scheduler scheduler = Scheduler.create(log);
    private final ScheduledThreadPoolExecutor timerService;

    /** The sender of exit signals sent from plain threads: a pid that is never alive ({@code <0.0.0>}). */
    final LocalProcess outside;

    private Kernel() {
        outside = new LocalProcess(this, 0, null, true, "outside", null, false);
        outside.terminate(ExitReason.NORMAL);
        timerService = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jarl-timers");
            t.setDaemon(true);
            return t;
        });
        timerService.setRemoveOnCancelPolicy(true);
    }

    // ---------------------------------------------------------------- processes

    LocalProcess spawn(LocalProcess parent, Runnable body, SpawnOptions opts) {
        return spawn(parent, body, opts, parent == null ? null : parent.sim);
    }

    /** A body process of deterministic run {@code sim} (null: of the node), not yet started. */
    LocalProcess spawn(LocalProcess parent, Runnable body, SpawnOptions opts, Simulator sim) {
        LocalProcess p = newProcess(parent, body, body.getClass(), opts, sim);
        // A builder per process: builders are not thread-safe, and the handler is how self() finds p.
        if (sim != null) {
            // One worker runs the whole run, a dirty process's work included: nothing runs beside it.
            p.thread = sim.newThread(p);
            p.thread.setUncaughtExceptionHandler(p);
        } else if (opts.runsDirty()) {
            p.thread = Thread.ofPlatform().daemon().name("jarl-dirty-" + p.id).uncaughtExceptionHandler(p).unstarted(p);
        } else {
            p.thread = newThread("", p);
            p.thread.setUncaughtExceptionHandler(p);
        }
        return enter(parent, p, opts);
    }

    /** An unstarted virtual thread of the node's scheduler: Jarl's, or the JDK's when the node runs on that. */
    Thread newThread(String name, Runnable body) {
        return scheduler != null ? scheduler.newThread(name, body) : Thread.ofVirtual().name(name).unstarted(body);
    }

    /** A handler process, not yet scheduled (see {@link #schedule}): no thread, only its handler. */
    LocalProcess spawnHandler(LocalProcess parent, Supplier<?> init, Handler<?> handler, SpawnOptions opts) {
        if (opts.runsDirty()) {
            throw new IllegalArgumentException("a handler process cannot be dirty: it runs on the scheduler's"
                    + " workers; spawn a body process with SpawnOptions.dirty() for work that computes for long");
        }
        Simulator sim = parent == null ? null : parent.sim;
        LocalProcess p = newProcess(parent, null, handler.getClass(), opts, sim);
        if (sim != null) {
            sim.enter(p);
        }
        p.handle(init, handler);
        return enter(parent, p, opts);
    }

    private LocalProcess newProcess(LocalProcess parent, Runnable body, Class<?> code, SpawnOptions opts,
                                    Simulator sim) {
        Object initialCall = opts.initialCall().isPresent() ? opts.initialCall().get() : code;
        LocalProcess.AncestorList ancestors = parent == null ? null : parent.ancestorsForChild();
        LocalProcess p = new LocalProcess(this, ids.incrementAndGet(), body, false, initialCall, ancestors,
                opts.trapsExits(), opts.mailbox().orElse(null));
        p.sim = sim;
        return p;
    }

    /** Puts a new process in the table, registers and links it as asked. */
    private LocalProcess enter(LocalProcess parent, LocalProcess p, SpawnOptions opts) {
        table.put(p, p);
        if (opts.name().isPresent()) {
            try {
                p.register(opts.name().get());
            } catch (NameTakenException e) {
                p.terminate(ExitReason.NOPROC); // it never ran; nothing links or watches it yet
                throw e;
            }
        }
        if (opts.linked()) {
            try {
                parent.link(p); // p is alive: only the parent's own death can stop this
            } catch (RuntimeException | Error e) {
                p.terminate(ExitReason.KILLED);
                throw e;
            }
        }
        return p;
    }

    /**
     * A handler process has work: a worker of Jarl's scheduler runs it. On the JDK's scheduler each
     * activation gets a virtual thread of its own, which is correct but costs a thread start.
     */
    void schedule(LocalProcess p) {
        if (p.sim != null) {
            p.sim.execute(p);
        } else if (scheduler != null) {
            scheduler.execute(p);
        } else {
            Thread.ofVirtual().start(() -> {
                while (!p.activate()) {
                    Thread.yield();
                }
            });
        }
    }

    LocalProcess attach(Thread thread) {
        LocalProcess p = new LocalProcess(this, ids.incrementAndGet(), null, true,
                "attached thread " + thread.getName(), null, false);
        p.thread = thread;
        table.put(p, p);
        return p;
    }

    /** The process of a local pid (a dead one if it has ended). */
    LocalProcess local(Pid pid) {
        return switch (pid) {
            case LocalProcess p -> p;
            case PidKey k -> {
                LocalProcess p = table.get(k);
                yield p != null ? p : dead(k.id);
            }
            case RemotePid r -> throw new IllegalArgumentException(r + " is a pid of another node");
        };
    }

    /** A process that has ended, standing for the pid {@code id} of this node. */
    LocalProcess dead(long id) {
        LocalProcess p = new LocalProcess(this, id, null, true, "dead", null, false);
        p.terminate(ExitReason.NOPROC);
        return p;
    }

    // ---------------------------------------------------------------- distribution

    private volatile io.jarl.internal.Distribution distribution;

    /** The distribution layer, or null when this node is not distributed. */
    io.jarl.internal.Distribution distribution() {
        return distribution;
    }

    /**
     * The distribution layer for a signal to {@code what}, on another node. When this node is not
     * distributed (any more), the signal goes where it would on a BEAM node that is not alive (OTP
     * after {@code net_kernel:stop/0}): a send or an exit signal is dropped, a link breaks at once
     * with {@code noconnection}, a monitor fires {@code noconnection}. This used to throw, so a
     * process holding a pid of another node crashed when it signalled it after the node stopped,
     * and a dying process linked across stopped telling the rest of its links. (OTP's
     * {@code monitor/2} on a node that never was alive raises badarg instead; Jarl does not tell
     * the two apart.)
     */
    io.jarl.internal.Distribution dist(Object what) {
        io.jarl.internal.Distribution d = distribution;
        return d != null ? d : NotAlive.INSTANCE;
    }

    /** The distribution of a node that is not alive: nothing reaches another node. */
    private enum NotAlive implements io.jarl.internal.Distribution {
        INSTANCE;

        @Override
        public String nodeName() {
            return "nonode@nohost";
        }

        @Override
        public int creation() {
            return 0;
        }

        @Override
        public boolean isConnected(String node) {
            return false;
        }

        @Override
        public void send(Pid from, RemotePid to, Object message) {}

        @Override
        public void send(Pid from, RemoteName to, Object message) {}

        @Override
        public void sendAlias(Pid from, Ref alias, Object message) {}

        @Override
        public boolean link(Pid from, RemotePid to) {
            return false;
        }

        @Override
        public void unlink(Pid from, RemotePid to) {}

        @Override
        public void linkExit(Pid from, RemotePid to, ExitReason reason) {}

        @Override
        public void exit(Pid from, RemotePid to, ExitReason reason) {}

        @Override
        public boolean monitor(Pid watcher, Ref ref, Object target) {
            return false;
        }

        @Override
        public void demonitor(Pid watcher, Ref ref, Object target) {}

        @Override
        public void monitorExit(Pid dead, Pid watcher, Ref ref, Object object, ExitReason reason) {}
    }

    void install(io.jarl.internal.Distribution d) {
        synchronized (this) {
            if (distribution != null && distribution != d) {
                throw new IllegalStateException("this node is already distributed as " + distribution.nodeName());
            }
            distribution = d;
        }
    }

    synchronized void uninstall(io.jarl.internal.Distribution d) {
        if (distribution == d) {
            distribution = null;
        }
    }

    /** This node's name (OTP: {@code node/0}): {@code nonode@nohost} when not distributed. */
    String nodeName() {
        io.jarl.internal.Distribution d = distribution;
        return d == null ? "nonode@nohost" : d.nodeName();
    }

    Optional<LocalProcess> whereis(String name) {
        LocalProcess p = names.get(name);
        return p != null && p.isAlive() ? Optional.of(p) : Optional.empty();
    }

    // ---------------------------------------------------------------- system events

    /** The processes subscribed to system events; each leaves at its death. */
    private final java.util.concurrent.CopyOnWriteArraySet<LocalProcess> systemSubscribers =
            new java.util.concurrent.CopyOnWriteArraySet<>();

    /** The subscribers, past or present, whose death hook is set: one hook a process, however often it subscribes. */
    private final java.util.Set<LocalProcess> systemHooked = ConcurrentHashMap.newKeySet();

    boolean subscribeSystemEvents(LocalProcess p) {
        if (systemHooked.add(p) && !p.atExit(() -> {
            systemSubscribers.remove(p);
            systemHooked.remove(p);
        })) {
            systemHooked.remove(p);
            return false;
        }
        systemSubscribers.add(p);
        if (!p.isAlive()) { // it died after its hook ran: the hook may have missed this add
            systemSubscribers.remove(p);
            return false;
        }
        return true;
    }

    boolean unsubscribeSystemEvents(LocalProcess p) {
        return systemSubscribers.remove(p);
    }

    /** Tells every subscriber of {@code event}. */
    void systemEvent(SystemEvent event) {
        for (LocalProcess p : systemSubscribers) {
            p.deliver(event);
        }
    }

    void crashReport(LocalProcess p, ExitReason reason, Throwable failure, int queued) {
        if (!crashLog.isErrorEnabled()) {
            return;
        }
        String name = p.registeredName;
        crashLog.error("crash report: process {}{} exited with reason {}; initial call {}; ancestors {};"
                        + " message queue length {}",
                p, name == null ? "" : " (" + name + ")", reason, p.initialCall(),
                p.ancestors == null ? "[]" : p.ancestors.toList(), queued, failure);
    }

    // ---------------------------------------------------------------- timers

    /**
     * A pending timer: {@code future} (or, in a deterministic run, {@code virtual}) is set just
     * after the entry is published.
     */
    private static final class Timer {
        final long due;
        final LocalProcess owner;
        final Simulator sim;
        volatile ScheduledFuture<?> future;
        volatile Simulator.Timer virtual;

        Timer(long due, LocalProcess owner, Simulator sim) {
            this.due = due;
            this.owner = owner;
            this.sim = sim;
        }

        Duration left() {
            return Duration.ofNanos(Math.max(0, due - Simulator.clock(sim)));
        }
    }

    /**
     * Runs {@code action} once after {@code delay} unless cancelled first; one thread serves all
     * timers. With an {@code owner}, the timer is cancelled when that process ends, and not started
     * if it has already ended (OTP: a send_after to a pid).
     */
    Ref startTimer(Duration delay, LocalProcess owner, Runnable action) {
        Ref ref = Ref.make();
        long nanos = Math.max(0, saturatedNanos(delay));
        // The clock of the process that sets the timer, or of the one it is for if set from a thread.
        LocalProcess setter = Jarl.currentOrNull();
        Simulator sim = setter != null ? setter.sim : owner != null ? owner.sim : null;
        Timer timer = new Timer(Simulator.clock(sim) + nanos, owner, sim);
        timers.put(ref, timer);
        if (owner != null && !owner.addTimer(ref)) {
            timers.remove(ref);
            return ref;
        }
        Runnable fire = () -> {
            if (timers.remove(ref) != null) {
                if (owner != null) {
                    owner.removeTimer(ref);
                }
                action.run();
            }
        };
        if (sim != null) {
            timer.virtual = sim.schedule(nanos, fire);
        } else {
            timer.future = timerService.schedule(fire, nanos, TimeUnit.NANOSECONDS);
        }
        return ref;
    }

    /** {@code d} in nanoseconds, or about 73 years if it does not fit. */
    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** The time that was left, or empty if the timer already fired, was cancelled, or never existed. */
    Optional<Duration> cancelTimer(Ref ref) {
        Timer timer = timers.remove(ref);
        if (timer == null) {
            return Optional.empty();
        }
        if (timer.owner != null) {
            timer.owner.removeTimer(ref);
        }
        ScheduledFuture<?> f = timer.future;
        if (f != null) {
            f.cancel(false);
        }
        Simulator.Timer v = timer.virtual;
        if (v != null) {
            timer.sim.cancel(v);
        }
        return Optional.of(timer.left());
    }

    /** Forgets the timers of a deterministic run that has ended; they never fire. */
    void discardTimers(Simulator sim) {
        timers.values().removeIf(t -> t.sim == sim);
    }

    Optional<Duration> readTimer(Ref ref) {
        Timer timer = timers.get(ref);
        return timer == null ? Optional.empty() : Optional.of(timer.left());
    }
}
