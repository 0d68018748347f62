package io.jarl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/*
 * Implementation overview.
 *
 * A LocalProcess is at once the process control block and its Pid, so a pid held by another
 * process reaches the mailbox with no table look-up. It is also its thread's body (Runnable) and the
 * thread's uncaught-exception handler, which is how Jarl.self() finds the current process without a
 * ThreadLocal or ScopedValue (either would cost ~200 bytes per idle process).
 *
 * Mailbox: an intrusive multi-producer single-consumer linked list (Vyukov). Producers swap the tail
 * and link the old tail to the new node; only the owner reads and unlinks. A node taken out of the
 * middle is unlinked from its predecessor when it has a successor; a node with no successor yet may be
 * the one a producer is about to link to, so it is only marked REMOVED and unlinked by a later scan.
 * A receive scans from the sentinel head in arrival order, so skipped messages keep their order.
 * A process started with MailboxLimits has a BoundedInbox in front of the list: senders queue
 * there, under its lock, and only the owner appends to the list, one message at a time as a receive
 * reaches its end (see BoundedInbox).
 *
 * Receive-ref optimisation (OTP's recv_mark): makeRef/monitor remember the tail node at the moment
 * the reference is made. A receive "since" that reference starts after that node, because no older
 * message can carry the reference. Any other receive forgets the mark, so the remembered node is
 * never unlinked while marked and never retains consumed messages.
 *
 * Signals: a process ends exactly once (terminate() flips state under the process's lock). Whoever
 * ends it, its own thread or the thread that delivers a killing exit signal, runs the termination:
 * the name is freed, then links and monitors are told. A link or monitor signal is delivered only if
 * the receiving side still holds the link/monitor when it is removed under that side's lock, so an
 * unlink or demonitor that returned is never followed by a signal from it.
 */
final class LocalProcess extends Pid implements Runnable, Thread.UncaughtExceptionHandler {

    static final class Node {
        Object msg;
        volatile Node next;

        Node(Object msg) {
            this.msg = msg;
        }
    }

    private static final Object REMOVED = new Object();
    private static final int ALIVE = 0, DEAD = 1;
    /** waitState: running (or, a handler process, scheduled to run); parked in a receive; a handler process with nothing to do. */
    private static final int RUNNING = 0, PARKED = 1, IDLE = 2;

    private static final VarHandle TAIL, WAIT, THREAD, WATCHED;
    /**
     * What a handler process's thread field holds while an exit signal that kills it interrupts the
     * thread running its activation: the activation cannot end (and its thread run another process)
     * until the interrupt is done, so the interrupt reaches this process only. Never started.
     */
    private static final Thread INTERRUPTING = new Thread(() -> {}, "jarl-interrupting");
    /** The most a receive spins before it parks; the system property {@code jarl.receive.spins} tunes it. */
    private static final int SPINS = Integer.getInteger("jarl.receive.spins", 20);
    /** A spin that ends within this many turns was worth it (see {@link #await}). */
    private static final int QUICK_SPIN = SPINS * 4 / 5;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(LocalProcess.class, "tail", Node.class);
            WAIT = l.findVarHandle(LocalProcess.class, "waitState", int.class);
            THREAD = l.findVarHandle(LocalProcess.class, "thread", Thread.class);
            WATCHED = l.findVarHandle(LocalProcess.class, "monitoredBy", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Node head = new Node(null);
    @SuppressWarnings("unused") // accessed through TAIL
    private volatile Node tail = head;
    private volatile int waitState;
    private volatile int state;
    volatile boolean trapExit;
    volatile String registeredName;

    final Kernel kernel;
    private final boolean attached;
    private final Object initialCall; // a String, or the body's Class described on demand
    final AncestorList ancestors;
    private AncestorList childAncestors;
    private Runnable body;
    /** The thread the process runs on; a handler process's only while its handler runs. */
    Thread thread;
    /** The deterministic run this process belongs to (Deterministic.run), or null: the node's scheduler. */
    Simulator sim;
    // A handler process (Jarl.spawnHandler): its handler, init and state, touched only by its
    // activations, which the scheduling hand-off orders. The first activation runs the init.
    private Handler<Object> handler;
    private Supplier<?> init;
    private Object handlerState;
    private volatile ExitReason exitReason;

    // Guarded by this. Links: LocalProcess or RemotePid. Monitors: ref -> LocalProcess, or the
    // remote target (a RemotePid or RemoteName) for a monitor of a process on another node.
    private HashSet<Pid> links;
    private HashMap<Ref, Object> monitors;
    // Not guarded by this: monitors of one process (say, a server's callers) come and go without
    // contending for its lock, by CAS. Null, one Watched (most processes are watched by one at a
    // time, if at all: a starter until init is done, a caller during its call), or, from the first
    // time two watch at once, a ConcurrentHashMap<Ref, Watch> kept for good. See monitor() for the
    // race with death.
    private volatile Object monitoredBy;
    private Object aliases; // a RefSet
    private Object timers;  // a RefSet: timers sending to this pid, cancelled when it ends
    /** Where senders queue for a process started with MailboxLimits; null for all others. */
    final BoundedInbox bounded;
    private List<Runnable> exitHooks; // run at death (tables that go with their owner)

    // Owner-thread only.
    private Waker.Sleeper sleeper; // made on the first long timed wait
    private Ref markRef;
    private Node markNode;
    private int spinBudget = SPINS; // turns the next receive may spin; adapts, see await
    private int spinProbes;         // receives waited since the budget reached zero
    private int reductions;         // sends, receives and spawns since it last waited or yielded
    private long received;          // messages taken, ever (read racily by info)

    /** A monitor of this process: by a local process, or by a RemotePid through its connection. */
    private record Watch(Pid watcher, Object object) {}

    /** The one monitor of this process, while there is only one. */
    private record Watched(Ref ref, Watch watch) {}

    /** An immutable cons list of ancestors, shared by all children of one parent. */
    record AncestorList(Pid head, AncestorList tail) {
        List<Pid> toList() {
            List<Pid> out = new ArrayList<>();
            for (AncestorList a = this; a != null; a = a.tail) {
                out.add(a.head);
            }
            return out;
        }
    }

    LocalProcess(Kernel kernel, long id, Runnable body, boolean attached, Object initialCall, AncestorList ancestors,
                 boolean trapExit) {
        this(kernel, id, body, attached, initialCall, ancestors, trapExit, null);
    }

    LocalProcess(Kernel kernel, long id, Runnable body, boolean attached, Object initialCall, AncestorList ancestors,
                 boolean trapExit, MailboxLimits limits) {
        super(id, null, 0);
        this.bounded = limits == null ? null : new BoundedInbox(limits);
        this.kernel = kernel;
        this.body = body;
        this.attached = attached;
        this.initialCall = initialCall;
        this.ancestors = ancestors;
        this.trapExit = trapExit;
    }

    @Override
    public boolean isAlive() {
        return state == ALIVE;
    }

    String initialCall() {
        if (initialCall instanceof Class<?> c) {
            String n = c.getName();
            int lambda = n.indexOf("$$Lambda");
            return (lambda > 0 ? n.substring(0, lambda) + "$lambda" : n) + "/0";
        }
        return (String) initialCall;
    }

    AncestorList ancestorsForChild() {
        AncestorList a = childAncestors;
        if (a == null) {
            childAncestors = a = new AncestorList(this, ancestors);
        }
        return a;
    }

    /** Throws in the owner's thread if the process has ended. */
    void ensureAlive() {
        if (state != ALIVE) {
            throw new ProcessExitedError(this, exitReason);
        }
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public void run() {
        Runnable b = body;
        body = null;
        if (state != ALIVE) {
            return; // killed between spawn and start
        }
        Throwable failure = null;
        try {
            b.run();
        } catch (Throwable t) {
            failure = t;
        }
        if (failure == null) {
            end(ExitReason.NORMAL, null);
        } else {
            ended(failure);
        }
    }

    /**
     * A message found the bounded mailbox full and its policy is to exit: the process is killed with
     * {@code {mailbox_overflow, length}}, which it cannot trap, and a crash report says so. A sender
     * that holds this process's lock (a message to an alias is queued under it) hands the kill to a
     * thread of its own, as telling the links under that lock could deadlock with a link being made.
     */
    void overflowed(int length) {
        if (Thread.holdsLock(this)) {
            kernel.newThread("jarl-overflow-" + id, () -> overflowed(length)).start();
            return;
        }
        ExitReason reason = ExitReason.mailboxOverflow(length);
        if (terminate(reason)) {
            kernel.crashReport(this, reason, null, length);
        }
    }

    /** The process's code threw {@code t}: it ends with the reason that stands for. */
    private void ended(Throwable t) {
        switch (t) {
            case ExitException e -> end(e.reason(), e);
            case ProcessExitedError e -> { } // it had ended already; the exception only unwound its code
            default -> end(ExitReason.crash(t), t);
        }
    }

    private void end(ExitReason reason, Throwable failure) {
        int queued = reason.isAbnormal() ? queueLength() : 0;
        if (terminate(reason) && reason.isAbnormal()) {
            kernel.crashReport(this, reason, failure, queued);
        }
    }

    // ---------------------------------------------------------------- handler processes

    /** Makes this a handler process, whose first activation runs {@code init} for its state. */
    @SuppressWarnings("unchecked")
    void handle(Supplier<?> init, Handler<?> handler) {
        this.init = init;
        this.handler = (Handler<Object>) handler;
    }

    boolean isHandler() {
        return handler != null;
    }

    /**
     * Runs a handler process (Kernel.schedule made it runnable): its handler takes the queued
     * messages one at a time until none is left, then the process goes idle, holding no thread.
     * After a budget of reductions it goes back to the run queue instead ({@code false}: the caller
     * requeues it), so a process with a full mailbox cannot hold a worker.
     */
    boolean activate() {
        if (state != ALIVE) {
            return true;
        }
        Thread t = Thread.currentThread();
        thread = t;
        t.setUncaughtExceptionHandler(this); // how Jarl.self() finds this process
        boolean done = true, idle = false;
        try {
            Supplier<?> i = init;
            if (i != null) {
                init = null;
                if ((handlerState = i.get()) == null) {
                    end(ExitReason.NORMAL, null); // no state: the process has nothing more to do
                    return true;
                }
            }
            for (;;) {
                Object msg = receive(ANY, 0, null);
                if (msg == null) {
                    // Idle, then look once more: a sender links its message, then reads the state.
                    // Once idle, a sender may start the next activation on another runner: nothing
                    // of the process is touched after that, its thread field least of all.
                    release(t);
                    waitState = IDLE;
                    if (!hasMessages() || !WAIT.compareAndSet(this, IDLE, RUNNING)) {
                        idle = true;
                        break;
                    }
                    THREAD.setVolatile(this, t);
                    continue;
                }
                if ((handlerState = handler.handle(handlerState, msg)) == null) {
                    end(ExitReason.NORMAL, null);
                    break;
                }
                if (reductions >= BUDGET) {
                    reductions = 0;
                    done = false;
                    break;
                }
            }
        } catch (Throwable e) {
            ended(e);
        } finally {
            if (!idle) {
                release(t);
            }
            t.setUncaughtExceptionHandler(null); // the runner's, or the fallback's, has none
            Thread.interrupted(); // nothing of this process's may reach the next one on this thread
        }
        return done || state != ALIVE;
    }

    /**
     * Gives up the thread an activation ran on. If a killing exit signal is interrupting it (see
     * die), waits the few instructions until that is done, so the interrupt is cleared before the
     * thread runs anything else.
     */
    private void release(Thread t) {
        while (!THREAD.compareAndSet(this, t, (Thread) null)) {
            if (THREAD.getVolatile(this) != INTERRUPTING) {
                return; // already given up
            }
            Thread.onSpinWait();
        }
    }

    private static final Matcher<Object> ANY = m -> m;

    private boolean hasMessages() {
        if (bounded != null && bounded.queued > 0) {
            return true;
        }
        for (Node cur = head.next; cur != null; cur = cur.next) {
            if (cur.msg != REMOVED) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        // run() catches everything; this is reached only if crash reporting itself failed.
        kernel.log.error("uncaught failure in the runtime for process {}", this, e);
    }

    /** What a process that just ended must still tell others: its links, watchers and monitors. */
    private record Death(LocalProcess process, ExitReason reason, HashSet<Pid> links,
                         Object watchers, HashMap<Ref, Object> watching) {}

    /**
     * Ends the process with {@code reason} unless it already ended, then tells its links and
     * monitors, and so on along every link that this ends in turn. Returns whether this call ended it.
     */
    boolean terminate(ExitReason reason) {
        Death death = die(reason);
        if (death == null) {
            return false;
        }
        propagate(death);
        return true;
    }

    /**
     * Flips the process to dead, frees its name, drops it from the table and wakes its thread.
     * Returns what must still be told, or null if it was already dead.
     */
    private Death die(ExitReason reason) {
        Death death;
        String name;
        Object pendingTimers;
        List<Runnable> hooks;
        synchronized (this) {
            if (state != ALIVE) {
                return null;
            }
            hooks = exitHooks;
            exitHooks = null;
            exitReason = reason;
            state = DEAD;
            death = new Death(this, reason, links, monitoredBy, monitors);
            links = null;
            monitors = null;
            name = registeredName;
            pendingTimers = timers;
            timers = null;
        }
        RefSet.forEach(pendingTimers, kernel::cancelTimer); // OTP: a timer to a pid dies with it
        if (bounded != null) {
            bounded.clear();
        }
        if (name != null) {
            kernel.names.remove(name, this);
        }
        kernel.table.remove(this);
        if (hooks != null) {
            for (Runnable hook : hooks) {
                try {
                    hook.run();
                } catch (RuntimeException e) {
                    // a hook must not throw; the death goes on regardless
                }
            }
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            if (handler == null) {
                LockSupport.unpark(t);
                if (!attached) {
                    t.interrupt(); // a sleep or blocking I/O ends; an attached thread is not ours
                }
            } else if (t != INTERRUPTING && THREAD.compareAndSet(this, t, INTERRUPTING)) {
                // Still in this process's activation, which cannot end until the field is back.
                t.interrupt();
                LockSupport.unpark(t);
                THREAD.setVolatile(this, t);
            }
        }
        head.next = null; // let queued messages go
        return death;
    }

    /**
     * Delivers the exit signals and Down messages of a death, and of every death they cause, with a
     * work list rather than recursion: a chain of a million linked processes must not overflow the
     * stack of the thread that killed its first link.
     */
    private static void propagate(Death first) {
        ArrayDeque<Death> more = null;
        for (Death d = first; d != null; d = more == null ? null : more.poll()) {
            // Its own monitors go first: whoever hears of this death must not still find them.
            if (d.watching != null) {
                for (Map.Entry<Ref, Object> e : d.watching.entrySet()) {
                    if (e.getValue() instanceof LocalProcess target) {
                        target.removeWatcher(e.getKey());
                    } else {
                        d.process.kernel.dist(e.getValue()).demonitor(d.process, e.getKey(), e.getValue());
                    }
                }
            }
            // Other nodes first: once a local process hears of the death it may stop the node (a
            // supervisor, its application), and the connections must already carry the signals.
            Death dead = d;
            forEachWatch(d.watchers, (ref, w) -> {
                if (!(w.watcher instanceof LocalProcess)) {
                    dead.process.kernel.dist(w.watcher).monitorExit(dead.process, w.watcher, ref, w.object,
                            dead.reason);
                }
            });
            if (d.links != null) {
                for (Pid linked : d.links) {
                    if (!(linked instanceof LocalProcess)) {
                        d.process.kernel.dist(linked).linkExit(d.process, (RemotePid) linked, d.reason);
                    }
                }
                for (Pid linked : d.links) {
                    if (!(linked instanceof LocalProcess p)) {
                        continue;
                    }
                    Death next = p.linkExit(d.process, d.reason);
                    if (next != null) {
                        if (more == null) {
                            more = new ArrayDeque<>();
                        }
                        more.add(next);
                    }
                }
            }
            forEachWatch(d.watchers, (ref, w) -> {
                if (w.watcher instanceof LocalProcess watcher) {
                    watcher.monitorDown(ref, w.object, dead.reason);
                }
            });
        }
    }

    // ---------------------------------------------------------------- mailbox

    /**
     * Reductions a process may spend without waiting before it gives its worker to the others
     * queued there (the BEAM's reduction budget). Java cannot count the work between, so only what
     * goes through Jarl counts: a message sent, a message received, a process spawned.
     */
    static final int BUDGET = 4_000;

    /**
     * Counts a reduction of this process (owner only); at the budget it yields if others wait on its
     * worker. A handler process gives its worker up between two messages instead (see activate), and
     * yields here only if a single message costs it four budgets.
     */
    void reduce() {
        if (++reductions >= BUDGET && (handler == null || reductions >= 4 * BUDGET)) {
            reductions = 0;
            if (sim != null || Scheduler.othersWaitHere()) {
                Thread.yield();
            }
        }
    }

    /**
     * Enqueues a message. Never blocks; a message to a dead process is dropped, and so is one that
     * overflows a bounded mailbox (or it is redirected, or it kills the process: see MailboxLimits).
     */
    void deliver(Object msg) {
        deliver(msg, false);
    }

    /** Enqueues a signal turned into a message (a Down, a trapped Exit): a bounded mailbox takes it even when full. */
    void deliverSignal(Object msg) {
        deliver(msg, true);
    }

    private void deliver(Object msg, boolean signal) {
        if (state != ALIVE) {
            return;
        }
        BoundedInbox b = bounded;
        if (b == null) {
            Node n = new Node(msg);
            Node prev = (Node) TAIL.getAndSet(this, n);
            prev.next = n;
        } else if (!b.offer(this, msg, signal)) {
            return;
        }
        int w = waitState;
        if (w != RUNNING) {
            if (w == PARKED) {
                if (WAIT.compareAndSet(this, PARKED, RUNNING)) {
                    LockSupport.unpark(thread);
                }
            } else if (WAIT.compareAndSet(this, IDLE, RUNNING)) {
                kernel.schedule(this);
            }
        }
    }

    /** Remembers the current end of the mailbox for {@code ref} (owner only). */
    void mark(Ref ref) {
        markRef = ref;
        markNode = (Node) TAIL.getVolatile(this);
    }

    /**
     * Selective receive (owner only). Returns the matcher's result, or {@code null} on timeout.
     *
     * @param timeoutNanos negative: wait forever; zero: poll
     * @param since        a reference made by this process: messages older than it are skipped
     */
    <R> R receive(Matcher<R> matcher, long timeoutNanos, Ref since) {
        ensureAlive();
        Node prev = head;
        if (since != null && since == markRef) {
            prev = markNode;
        }
        markRef = null;
        markNode = null;
        if (timeoutNanos <= 0) {
            return scan(matcher, prev, timeoutNanos == 0 ? NOW : NEVER);
        }
        long deadline = now() + timeoutNanos;
        try {
            return scan(matcher, prev, deadline == NOW || deadline == NEVER ? deadline + 2 : deadline);
        } finally {
            Waker.Sleeper s = sleeper;
            if (s != null) {
                kernel.waker.disarm(s);
            }
        }
    }

    private static final long NOW = 0, NEVER = -1;

    /** The process's monotonic clock: the node's, or its deterministic run's virtual one. */
    long now() {
        return Simulator.clock(sim);
    }

    /** Scans from {@code prev} on; {@code deadline} is a nanoTime, or NOW (poll) or NEVER. */
    private <R> R scan(Matcher<R> matcher, Node prev, long deadline) {
        for (;;) {
            Node cur = prev.next;
            if (cur == null) {
                if (bounded != null && pull(prev)) {
                    continue;
                }
                if (deadline == NOW || !await(prev, deadline)) {
                    ensureAlive();
                    return null;
                }
                continue;
            }
            Object msg = cur.msg;
            if (msg == REMOVED) {
                if (!unlink(prev, cur)) {
                    prev = cur;
                }
                continue;
            }
            R result = matcher.match(msg);
            if (result != null) {
                take(prev, cur);
                received++;
                reduce(); // a process that only receives from a full mailbox never waits
                return result;
            }
            prev = cur;
        }
    }

    private void take(Node prev, Node cur) {
        cur.msg = REMOVED;
        unlink(prev, cur);
        if (bounded != null) {
            bounded.took(this, 1);
        }
    }

    /**
     * A bounded process's receive reached the end of its list ({@code last}): moves the oldest
     * message of its inbox there. Only the owner appends to such a process's list.
     */
    private boolean pull(Node last) {
        Object m = bounded.poll();
        if (m == null) {
            return false;
        }
        Node n = new Node(m);
        TAIL.setVolatile(this, n);
        last.next = n;
        return true;
    }

    /** Whether a message came after {@code last}, or into the inbox of a bounded process. */
    private boolean arrived(Node last) {
        return last.next != null || bounded != null && bounded.queued > 0;
    }

    /**
     * Unlinks {@code cur} from {@code prev} (owner only). A node with a successor is simply
     * bypassed. The last node may be the one a producer is about to link to, so it is unlinked only
     * if the tail can be given back to {@code prev}; otherwise it stays, marked REMOVED, for a later
     * scan. Returns whether {@code cur} is out of the list. Without the give-back, a process that only
     * ever takes replies through receive-since (which never rescans from the head) would keep one
     * removed node per reply.
     */
    private boolean unlink(Node prev, Node cur) {
        Node next = cur.next;
        if (next != null) {
            prev.next = next;
            return true;
        }
        prev.next = null; // only the owner reads prev.next while cur is the tail
        if (TAIL.compareAndSet(this, cur, prev)) {
            return true;
        }
        prev.next = cur; // a producer has taken the tail and is linking to cur
        return false;
    }

    /** Waits shorter than this park with a timeout; longer ones are woken by the {@link Waker}. */
    private static final long SHORT_WAIT = 2_000_000;

    /**
     * Waits until {@code last} has a successor. Returns false at the deadline (NEVER: none).
     * Throws if the process ends while waiting.
     */
    private boolean await(Node last, long deadline) {
        for (;;) {
            ensureAlive();
            if (arrived(last)) {
                return true;
            }
            long left = 0;
            if (deadline != NEVER && (left = deadline - now()) <= 0) {
                return false;
            }
            // A reply often arrives within a few hundred nanoseconds (the partner runs on the other
            // core): a short spin saves a park and an unpark, which cost a microsecond together. But
            // a spin for a sender queued on this very carrier (one carrier, or all busy), or for one
            // on a core far away, only burns the carrier: with one carrier, 16 callers of a server
            // spent half the CPU here. So the budget adapts: a spin that ends quickly restores it,
            // a long or a failed one halves it, and at zero one wait in 32 spins in full, to notice
            // when spinning pays again.
            int limit = spinBudget;
            if (limit == 0 && (++spinProbes & 31) == 0) {
                limit = SPINS;
            }
            if (limit > 0 && (sim != null || Scheduler.othersWaitHere())) {
                limit = 0; // whoever would send runs on this worker, after this process waits
            }
            int turns = 0;
            while (turns < limit && !arrived(last)) {
                Thread.onSpinWait();
                turns++;
            }
            if (arrived(last)) {
                int budget = turns <= QUICK_SPIN ? SPINS : spinBudget >> 1;
                if (turns > 0 && budget != spinBudget) {
                    spinBudget = budget;
                }
                return true;
            }
            if (spinBudget != 0) {
                spinBudget >>= 1;
            }
            reductions = 0;
            waitState = PARKED;
            if (!arrived(last) && state == ALIVE) {
                if (deadline == NEVER) {
                    LockSupport.park(this);
                } else if (sim != null) {
                    sim.arm(sleeper(), deadline); // the run's clock: its worker wakes this when due
                    LockSupport.park(this);
                } else if (left < SHORT_WAIT) {
                    LockSupport.parkNanos(this, left);
                } else {
                    kernel.waker.arm(sleeper(), deadline);
                    LockSupport.park(this);
                }
            }
            waitState = RUNNING;
            if (Thread.interrupted()) {
                ensureAlive();
                if (attached) {
                    Thread.currentThread().interrupt();
                    throw new ExitException(ExitReason.of("interrupted"),
                            "the thread attached as " + this + " was interrupted while receiving");
                }
                // A process's receive is not interruptible: exit signals stop processes.
            }
        }
    }

    /** The calling owner's timed-wait state: a handler process waits on whichever thread runs it this time. */
    private Waker.Sleeper sleeper() {
        Waker.Sleeper s = sleeper;
        if (s == null || s.thread != Thread.currentThread()) {
            sleeper = s = new Waker.Sleeper(Thread.currentThread());
        }
        return s;
    }

    /** Removes every queued message the matcher accepts (owner only). */
    void removeAll(Matcher<?> matcher) {
        forgetMark();
        while (bounded != null && pull((Node) TAIL.getVolatile(this))) {
            // a flush looks at every message: the whole inbox moves to the list
        }
        Node prev = head;
        int removed = 0;
        for (Node cur = prev.next; cur != null; cur = prev.next) {
            Object msg = cur.msg;
            if (msg != REMOVED && matcher.match(msg) != null) {
                cur.msg = REMOVED;
                removed++;
            }
            if (cur.msg != REMOVED || !unlink(prev, cur)) {
                prev = cur;
            }
        }
        if (removed > 0 && bounded != null) {
            bounded.took(this, removed);
        }
    }

    /**
     * Removes the oldest queued message the matcher accepts, if any (owner only), and stops there:
     * for a message there can be at most one of, such as a monitor's Down, a flush need not scan
     * the rest of the mailbox.
     */
    boolean removeFirst(Matcher<?> matcher) {
        forgetMark();
        Node prev = head;
        for (Node cur = prev.next; cur != null || bounded != null && pull(prev); cur = prev.next) {
            if (cur == null) {
                continue; // pulled from the inbox: look at it
            }
            Object msg = cur.msg;
            if (msg != REMOVED && matcher.match(msg) != null) {
                take(prev, cur);
                return true;
            }
            if (msg != REMOVED || !unlink(prev, cur)) {
                prev = cur;
            }
        }
        return false;
    }

    /**
     * Forgets the receive mark: removing messages may unlink the marked node, and a receive since
     * a detached node would miss what arrives later (a receive forgets the mark for the same reason).
     */
    private void forgetMark() {
        markRef = null;
        markNode = null;
    }

    /** Nodes in the mailbox, taken ones not yet unlinked included (for tests). */
    int mailboxNodes() {
        int n = 0;
        for (Node cur = head.next; cur != null; cur = cur.next) {
            n++;
        }
        return n;
    }

    int queueLength() {
        int n = bounded == null ? 0 : bounded.queued;
        for (Node cur = head.next; cur != null; cur = cur.next) {
            if (cur.msg != REMOVED) {
                n++;
            }
        }
        return n;
    }

    boolean isWaiting() {
        return waitState != RUNNING;
    }

    // ---------------------------------------------------------------- links and exit signals

    /** Links this process (the caller) and {@code other}. Returns false if {@code other} is not alive. */
    boolean link(LocalProcess other) {
        if (other == this) {
            return true;
        }
        LocalProcess first = id < other.id ? this : other, second = first == this ? other : this;
        synchronized (first) {
            synchronized (second) {
                if (other.state != ALIVE) {
                    return false;
                }
                ensureAlive();
                if (links == null) {
                    links = new HashSet<>(4);
                }
                if (other.links == null) {
                    other.links = new HashSet<>(4);
                }
                links.add(other);
                other.links.add(this);
                return true;
            }
        }
    }

    void unlink(LocalProcess other) {
        LocalProcess first = id < other.id ? this : other, second = first == this ? other : this;
        synchronized (first) {
            synchronized (second) {
                if (links != null) {
                    links.remove(other);
                }
                if (other.links != null) {
                    other.links.remove(this);
                }
            }
        }
    }

    /** A linked process ended: its exit signal arrives if the link still stands. */
    private synchronized Death linkExit(Pid from, ExitReason reason) {
        // The signal takes effect under the lock (die() takes no other process's lock), so an unlink
        // that returned is never followed by this link's signal. Its deaths propagate outside.
        if (state != ALIVE || links == null || !links.remove(from)) {
            return null;
        }
        return signal(from, reason, true);
    }

    /** An exit signal from {@code from} arrives (OTP: the receiving side of exit/2 and of links). */
    void exitSignal(Pid from, ExitReason reason, boolean fromLink) {
        Death death = signal(from, reason, fromLink);
        if (death != null) {
            propagate(death);
        }
    }

    /** Applies an exit signal; returns the resulting death, if it kills this process. */
    private Death signal(Pid from, ExitReason reason, boolean fromLink) {
        if (state != ALIVE) {
            return null;
        }
        if (reason instanceof ExitReason.Kill && !fromLink) {
            return die(ExitReason.KILLED);
        } else if (trapExit) {
            deliverSignal(new Exit(from, reason));
        } else if (!(reason instanceof ExitReason.Normal) || from == this) {
            return die(reason);
        }
        return null;
    }

    // ---------------------------------------------------------------- monitors

    /** Adds a monitor of {@code target} by this process. Returns false if the target is not alive. */
    boolean monitor(Ref ref, LocalProcess target, Object object) {
        // The watcher's side first: once the target knows of the watch, its death looks for it here.
        synchronized (this) {
            ensureAlive();
            if (monitors == null) {
                monitors = new HashMap<>(4);
            }
            monitors.put(ref, target);
        }
        if (target.addWatch(ref, new Watch(this, object))) {
            // The target's death flips its state, then reads its watchers; this wrote the watch,
            // then reads the state: one of the two sees the other (both are volatile).
            if (target.state == ALIVE) {
                return true;
            }
            target.removeWatcher(ref);
        }
        // The target is dead. Its death may have seen the watch and sent a Down already; whoever
        // takes the ref out of this process's monitors sends the one Down.
        synchronized (this) {
            return monitors == null || monitors.remove(ref) == null;
        }
    }

    /** Records a watch of this process (the caller then checks it is alive). False if it is dead already. */
    @SuppressWarnings("unchecked")
    private boolean addWatch(Ref ref, Watch watch) {
        for (;;) {
            if (state != ALIVE) {
                return false;
            }
            Object by = monitoredBy;
            switch (by) {
                case null -> {
                    if (WATCHED.compareAndSet(this, null, new Watched(ref, watch))) {
                        return true;
                    }
                }
                case Watched one -> {
                    ConcurrentHashMap<Ref, Watch> map = new ConcurrentHashMap<>(4);
                    map.put(one.ref, one.watch);
                    map.put(ref, watch);
                    if (WATCHED.compareAndSet(this, one, map)) {
                        return true;
                    }
                }
                default -> {
                    ((ConcurrentHashMap<Ref, Watch>) by).put(ref, watch);
                    return true;
                }
            }
        }
    }

    /** Calls {@code action} for each watch in {@code watchers} (a monitoredBy value). */
    @SuppressWarnings("unchecked")
    private static void forEachWatch(Object watchers, java.util.function.BiConsumer<Ref, Watch> action) {
        switch (watchers) {
            case null -> { }
            case Watched one -> action.accept(one.ref, one.watch);
            default -> ((ConcurrentHashMap<Ref, Watch>) watchers).forEach(action);
        }
    }

    /** Removes a monitor this process holds. Returns whether it was still active. */
    boolean demonitor(Ref ref) {
        Object target;
        synchronized (this) {
            target = monitors == null ? null : monitors.remove(ref);
            if (target != null && ref.aliasOf == this) {
                aliases = RefSet.remove(aliases, ref); // a monitorAlias: the alias goes with the monitor
            }
        }
        if (target == null) {
            return false;
        }
        if (target instanceof LocalProcess p) {
            p.removeWatcher(ref);
        } else {
            kernel.dist(target).demonitor(this, ref, target);
        }
        return true;
    }

    /** Forgets a watch of this process. Returns whether it was there. */
    @SuppressWarnings("unchecked")
    boolean removeWatcher(Ref ref) {
        for (;;) {
            Object by = monitoredBy;
            switch (by) {
                case null -> {
                    return false;
                }
                case Watched one -> {
                    if (!one.ref.equals(ref)) {
                        return false;
                    }
                    if (WATCHED.compareAndSet(this, one, null)) {
                        return true;
                    }
                }
                default -> {
                    return ((ConcurrentHashMap<Ref, Watch>) by).remove(ref) != null;
                }
            }
        }
    }

    /** The monitored process ended. Under the lock, so a demonitor that returned sees no Down after. */
    synchronized void monitorDown(Ref ref, Object object, ExitReason reason) {
        monitorDown(ref, object, reason, false);
    }

    /**
     * The Down of {@code ref}, if the monitor is still held ({@code always}: a monitor that never
     * took, whose noproc Down the caller gives). A monitor that is also an alias (monitorAlias)
     * deactivates its alias with the Down, under the lock, so nothing sent to it arrives after.
     */
    synchronized void monitorDown(Ref ref, Object object, ExitReason reason, boolean always) {
        if (state == ALIVE && (always || monitors != null && monitors.remove(ref) != null)) {
            if (ref.aliasOf == this) {
                aliases = RefSet.remove(aliases, ref);
            }
            deliverSignal(new Down(ref, object, reason));
        }
    }

    // ---------------------------------------------------------------- signals with other nodes

    /**
     * Links this process (the caller) to a process of another node. The link is recorded here, then
     * the connection is told; if there is none, the link breaks at once with {@code noconnection}.
     */
    void linkRemote(RemotePid other) {
        synchronized (this) {
            ensureAlive();
            if (links == null) {
                links = new HashSet<>(4);
            }
            if (!links.add(other)) {
                return; // links are idempotent: one LINK on the wire
            }
        }
        if (!kernel.dist(other).link(this, other)) {
            exitSignalIfLinked(other, ExitReason.NOCONNECTION);
        }
    }

    void unlinkRemote(RemotePid other) {
        boolean had;
        synchronized (this) {
            had = links != null && links.remove(other);
        }
        if (had) {
            kernel.dist(other).unlink(this, other);
        }
    }

    /** A remote process linked to this one. Returns false if this one is dead. */
    synchronized boolean remoteLinked(RemotePid from) {
        if (state != ALIVE) {
            return false;
        }
        if (links == null) {
            links = new HashSet<>(4);
        }
        links.add(from);
        return true;
    }

    synchronized void remoteUnlinked(RemotePid from) {
        if (links != null) {
            links.remove(from);
        }
    }

    /** A link's exit signal from {@code from} (remote), if the link still stands. */
    void exitSignalIfLinked(Pid from, ExitReason reason) {
        Death death = linkExit(from, reason);
        if (death != null) {
            propagate(death);
        }
    }

    /**
     * Monitors a process of another node ({@code target}: a RemotePid or RemoteName). If no
     * connection can be had, the Down with {@code noconnection} is queued at once.
     */
    void monitorRemote(Ref ref, Object target) {
        synchronized (this) {
            ensureAlive();
            if (monitors == null) {
                monitors = new HashMap<>(4);
            }
            monitors.put(ref, target);
        }
        if (!kernel.dist(target).monitor(this, ref, target)) {
            monitorDown(ref, target, ExitReason.NOCONNECTION);
        }
    }

    /** A remote process monitors this one. Returns false if this one is dead (noproc). */
    boolean remoteMonitored(RemotePid watcher, Ref ref, Object object) {
        if (!addWatch(ref, new Watch(watcher, object))) {
            return false;
        }
        // As in monitor(): the death reads the watchers after flipping the state.
        if (state == ALIVE) {
            return true;
        }
        return !removeWatcher(ref); // the death saw it and will send MONITOR_P_EXIT
    }

    /**
     * The connection to {@code node} is gone: links to processes there break with noconnection,
     * monitors of processes there fire with it, and monitors from there are forgotten.
     */
    void nodeDown(String node) {
        List<Pid> brokenLinks = null;
        List<Map.Entry<Ref, Object>> firedMonitors = null;
        synchronized (this) {
            if (state != ALIVE) {
                return;
            }
            if (links != null) {
                for (Pid p : links) {
                    if (node.equals(p.node)) {
                        (brokenLinks == null ? brokenLinks = new ArrayList<>() : brokenLinks).add(p);
                    }
                }
            }
            if (monitors != null) {
                for (Map.Entry<Ref, Object> e : monitors.entrySet()) {
                    if (onNode(e.getValue(), node)) {
                        (firedMonitors == null ? firedMonitors = new ArrayList<>() : firedMonitors)
                                .add(Map.entry(e.getKey(), e.getValue()));
                    }
                }
            }
        }
        for (Object by = monitoredBy; ; by = monitoredBy) {
            if (by instanceof Watched one) {
                if (node.equals(one.watch.watcher.node) && !WATCHED.compareAndSet(this, one, null)) {
                    continue;
                }
            } else if (by instanceof ConcurrentHashMap<?, ?> map) {
                map.values().removeIf(watch -> node.equals(((Watch) watch).watcher.node));
            }
            break;
        }
        if (firedMonitors != null) {
            for (Map.Entry<Ref, Object> e : firedMonitors) {
                monitorDown(e.getKey(), e.getValue(), ExitReason.NOCONNECTION);
            }
        }
        if (brokenLinks != null) {
            for (Pid p : brokenLinks) {
                exitSignalIfLinked(p, ExitReason.NOCONNECTION);
            }
        }
    }

    private static boolean onNode(Object target, String node) {
        return target instanceof RemotePid p ? node.equals(p.node)
                : target instanceof RemoteName n && node.equals(n.node());
    }

    // ---------------------------------------------------------------- aliases

    synchronized void activateAlias(Ref alias) {
        aliases = RefSet.add(aliases, alias);
    }

    synchronized boolean deactivateAlias(Ref alias) {
        boolean had = RefSet.contains(aliases, alias);
        aliases = RefSet.remove(aliases, alias);
        return had;
    }

    /**
     * Delivers a message sent to one of this process's aliases, if the alias is active. The check and
     * the enqueue happen under the lock, so nothing sent to an alias arrives after it was deactivated.
     */
    synchronized void deliverToAlias(Ref alias, Object msg) {
        if (RefSet.contains(aliases, alias)) {
            deliver(msg);
        }
    }

    /** Runs {@code hook} at this process's death; false (and never run) if it is not alive. */
    synchronized boolean atExit(Runnable hook) {
        if (state != ALIVE) {
            return false;
        }
        if (exitHooks == null) {
            exitHooks = new ArrayList<>(1);
        }
        exitHooks.add(hook);
        return true;
    }

    // ---------------------------------------------------------------- timers

    /** Records a timer that sends to this process; false if the process is not alive. */
    synchronized boolean addTimer(Ref timer) {
        if (state != ALIVE) {
            return false;
        }
        timers = RefSet.add(timers, timer);
        return true;
    }

    synchronized void removeTimer(Ref timer) {
        timers = RefSet.remove(timers, timer);
    }

    // ---------------------------------------------------------------- names and introspection

    void register(String name) {
        synchronized (this) {
            if (state != ALIVE) {
                throw new NameTakenException(name, "cannot register '" + name + "': " + this + " is not alive");
            }
            if (registeredName != null) {
                throw new NameTakenException(name, "cannot register '" + name + "': " + this
                        + " is already registered as '" + registeredName + "'");
            }
            LocalProcess owner = kernel.names.putIfAbsent(name, this);
            if (owner != null && !owner.isAlive() && kernel.names.replace(name, owner, this)) {
                owner = null; // the owner died and its termination has not freed the name yet
            }
            if (owner != null) {
                throw new NameTakenException(name, "cannot register '" + name + "': the name belongs to " + owner);
            }
            registeredName = name;
        }
    }

    synchronized boolean unregister(String name) {
        if (!name.equals(registeredName)) {
            return false;
        }
        registeredName = null;
        kernel.names.remove(name, this);
        return true;
    }

    Optional<ProcessInfo> info() {
        List<Pid> linked, watching, watchedBy;
        synchronized (this) {
            if (state != ALIVE) {
                return Optional.empty();
            }
            linked = links == null ? List.of() : List.copyOf(links);
            watching = new ArrayList<>();
            if (monitors != null) {
                for (Object target : monitors.values()) {
                    if (target instanceof Pid p && !watching.contains(p)) {
                        watching.add(p);
                    }
                }
            }
            watchedBy = new ArrayList<>();
            List<Pid> by = watchedBy;
            forEachWatch(monitoredBy, (ref, w) -> {
                if (!by.contains(w.watcher)) {
                    by.add(w.watcher);
                }
            });
        }
        Thread t = thread;
        if (t == INTERRUPTING) {
            t = null;
        }
        ProcessInfo.Status status = status(t);
        List<StackTraceElement> stack = t == null ? List.of() : List.of(t.getStackTrace());
        return Optional.of(new ProcessInfo(this, status, queueLength(), linked, List.copyOf(watching),
                List.copyOf(watchedBy), Optional.ofNullable(registeredName), trapExit, initialCall(),
                ancestors == null ? List.of() : ancestors.toList(), stack, received,
                bounded == null ? Optional.empty() : Optional.of(bounded.limits),
                bounded == null ? 0 : bounded.dropped(), bounded == null ? 0 : bounded.redirected()));
    }

    /** The reason the process ended with, or null while it is alive. */
    ExitReason exitReasonOrNull() {
        return state == ALIVE ? null : exitReason;
    }

    /**
     * Whether the process holds its thread outside the runtime (a sleep, a lock, I/O): alive, not in
     * a receive, with a thread that waits. Racy, as {@link #info()}.
     */
    boolean heldOutside() {
        Thread t = thread;
        return state == ALIVE && waitState == RUNNING && t != null && t != INTERRUPTING
                && status(t) == ProcessInfo.Status.BLOCKED;
    }

    /** What the process is doing, as well as another thread can tell (a snapshot, racy by nature). */
    private ProcessInfo.Status status(Thread t) {
        if (waitState != RUNNING) {
            return ProcessInfo.Status.WAITING; // in a receive, or a handler process with nothing to do
        }
        if (t == null) {
            // A handler process in a run queue (its activation has no thread yet).
            return handler != null ? ProcessInfo.Status.RUNNABLE : ProcessInfo.Status.RUNNING;
        }
        return switch (t.getState()) {
            case NEW -> ProcessInfo.Status.RUNNABLE;
            case RUNNABLE -> Scheduler.unmounted(t) ? ProcessInfo.Status.RUNNABLE : ProcessInfo.Status.RUNNING;
            case BLOCKED, WAITING, TIMED_WAITING -> ProcessInfo.Status.BLOCKED;
            case TERMINATED -> ProcessInfo.Status.RUNNING; // ending: its thread is done, its death not yet told
        };
    }
}
