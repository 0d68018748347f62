package io.jarl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Processes: spawn them, send them messages, receive selectively, link, monitor, name and time
 * them (OTP: the process BIFs of the {@code erlang} module; Elixir: {@code Kernel} and {@code Process}).
 *
 * <p>A process is a function running in its own lightweight thread with its own mailbox. Processes
 * share nothing: they talk by sending messages, which are queued in the receiver's mailbox in the
 * order each sender sent them. A process ends with reason {@code normal} when its function returns and
 * with {@link ExitReason.Crash} when it throws; processes linked to it are then sent an exit signal
 * and processes monitoring it a {@link Down} message.
 *
 * {@snippet :
 * import static io.jarl.Jarl.*;
 *
 * record Ping(Pid from) {}
 * record Pong() {}
 *
 * Pid ponger = spawn(() -> {
 *     while (true) {
 *         Ping ping = receive(Ping.class);
 *         send(ping.from(), new Pong());
 *     }
 * });
 * try (var me = attach()) {             // a plain thread becomes a process for a while
 *     send(ponger, new Ping(self()));
 *     receive(Pong.class, Duration.ofSeconds(1)).orElseThrow();
 *     exit(ponger, ExitReason.kill());
 * }
 * }
 *
 * <h2>Calling from a process, or not</h2>
 * Methods that act on "the calling process" ({@link #self()}, {@link #receive()}, {@link #link(Pid)},
 * {@link #monitor(Pid)}, ...) must run in a process: code given to {@code spawn}, or a plain thread
 * inside {@link #attach()}, or a block given to {@link #run(Callable)}. Elsewhere they throw
 * {@link NotAProcessException}. {@link #send(Pid, Object)}, {@link #exit(Pid, ExitReason)},
 * {@link #spawn(Runnable)}, names, timers and introspection work from any thread.
 *
 * <h2>Where Java differs from the BEAM</h2>
 * Each process runs on a virtual thread. The runtime cannot preempt one in the middle of a
 * computation: a process killed while it runs CPU-bound code is dead at once for everyone else
 * (links and monitors fire, its name is freed, messages to it are dropped) and its thread is
 * interrupted, but the code keeps running until it next calls the runtime, which then throws
 * {@link ProcessExitedError}. Processes share the Java heap: a message is passed by reference, not
 * copied, so send immutable values (records, immutable collections). A process's receive does not
 * react to {@link Thread#interrupt()}; exit signals are how processes are stopped.
 */
public final class Jarl {
    private static final Kernel K = Kernel.NODE;
    private static final ThreadLocal<LocalProcess> ATTACHED = new ThreadLocal<>();

    private Jarl() {}

    // ---------------------------------------------------------------- the calling process

    static LocalProcess currentOrNull() {
        Thread t = Thread.currentThread();
        if (t.getUncaughtExceptionHandler() instanceof LocalProcess p) {
            return p;
        }
        return ATTACHED.get();
    }

    static LocalProcess current() {
        LocalProcess p = currentOrNull();
        if (p == null) {
            throw new NotAProcessException("thread " + Thread.currentThread()
                    + " is not a process; spawn one, or use Jarl.attach() or Jarl.run(...)");
        }
        p.ensureAlive();
        return p;
    }

    /** The calling process (OTP: {@code self/0}). */
    public static Pid self() {
        return current();
    }

    /** Whether the calling thread is a live process (a spawned one, or attached). */
    public static boolean inProcess() {
        LocalProcess p = currentOrNull();
        return p != null && p.isAlive();
    }

    // ---------------------------------------------------------------- spawning

    /** Starts a process running {@code body} (OTP: {@code spawn/1}). Works from any thread. */
    public static Pid spawn(Runnable body) {
        return spawn(SpawnOptions.defaults(), body);
    }

    /**
     * Starts a process linked to the caller (OTP: {@code spawn_link/1}): the link exists before the
     * new process runs, so neither can end unseen by the other.
     */
    public static Pid spawnLink(Runnable body) {
        return spawn(SpawnOptions.defaults().link(), body);
    }

    /** Starts a process monitored by the caller (OTP: {@code spawn_monitor/1}). */
    public static Spawned spawnMonitor(Runnable body) {
        return spawnMonitor(SpawnOptions.defaults(), body);
    }

    /**
     * Starts a process with options (OTP: {@code spawn_opt/2}).
     *
     * @throws NameTakenException if {@code options} name a registered name; nothing is started then
     */
    public static Pid spawn(SpawnOptions options, Runnable body) {
        Objects.requireNonNull(body, "body");
        LocalProcess parent = options.linked() ? current() : liveCurrentOrNull();
        LocalProcess p = K.spawn(parent, body, options);
        p.thread.start();
        if (parent != null) {
            parent.reduce();
        }
        return p;
    }

    /** Starts a process with options, monitored by the caller. */
    public static Spawned spawnMonitor(SpawnOptions options, Runnable body) {
        Objects.requireNonNull(body, "body");
        LocalProcess parent = current();
        LocalProcess p = K.spawn(parent, body, options);
        Ref ref = Ref.make();
        parent.monitor(ref, p, p);
        p.thread.start();
        parent.reduce();
        return new Spawned(p, ref);
    }

    /**
     * Starts a handler process (see {@link Handler}): {@code init} runs in the new process and gives
     * its first state ({@code null}: the process ends at once, normally), then {@code handler} takes
     * its messages one at a time. Between two messages the process holds no thread. Works from any
     * thread.
     */
    public static <S> Pid spawnHandler(Supplier<? extends S> init, Handler<S> handler) {
        return spawnHandler(SpawnOptions.defaults(), init, handler);
    }

    /**
     * Starts a handler process with options (linked, trapping exits, registered...).
     *
     * @throws NameTakenException       if {@code options} name a registered name; nothing is started then
     * @throws IllegalArgumentException if {@code options} ask for a dirty process
     */
    public static <S> Pid spawnHandler(SpawnOptions options, Supplier<? extends S> init, Handler<S> handler) {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(handler, "handler");
        LocalProcess parent = options.linked() ? current() : liveCurrentOrNull();
        LocalProcess p = K.spawnHandler(parent, init, handler, options);
        K.schedule(p);
        if (parent != null) {
            parent.reduce();
        }
        return p;
    }

    /** Starts a handler process monitored by the caller. */
    public static <S> Spawned spawnHandlerMonitor(SpawnOptions options, Supplier<? extends S> init,
                                                  Handler<S> handler) {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(handler, "handler");
        LocalProcess parent = current();
        LocalProcess p = K.spawnHandler(parent, init, handler, options);
        Ref ref = Ref.make();
        parent.monitor(ref, p, p);
        K.schedule(p);
        parent.reduce();
        return new Spawned(p, ref);
    }

    private static LocalProcess liveCurrentOrNull() {
        LocalProcess p = currentOrNull();
        if (p != null) {
            p.ensureAlive();
        }
        return p;
    }

    // ---------------------------------------------------------------- messages

    /**
     * Sends {@code message} to {@code to} (OTP: {@code Pid ! Message}). Never blocks and never fails:
     * a message to a dead process is dropped. Messages from one sender to one receiver arrive in the
     * order sent. Works from any thread.
     */
    public static void send(Pid to, Object message) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        LocalProcess me = currentOrNull();
        if (me != null) {
            me.ensureAlive();
        }
        LocalProcess target = null;
        switch (to) {
            case LocalProcess p -> (target = p).deliver(message);
            case RemotePid r -> K.dist(r).send(me == null ? K.outside : me, r, message);
            case PidKey k -> (target = K.local(k)).deliver(message);
        }
        if (me != null) {
            if (me.sim != null && target != null && target.sim != me.sim) {
                me.sim.sentOutside(); // a deterministic run talks to the node: it may be answered from outside
            }
            me.reduce();
        }
    }

    /**
     * Sends {@code message} to an address: a pid (never fails), a registered name or a {@link Via}
     * name (fail if nobody has it), or a name on another node (never fails: the other node drops a
     * message to a name nobody has, as the BEAM does).
     *
     * @throws NoSuchNameException if {@code to} is a local name no process has (OTP: {@code badarg})
     */
    public static void send(Address to, Object message) {
        switch (Objects.requireNonNull(to, "to")) {
            case Pid pid -> send(pid, message);
            case Name name -> send(name.value(), message);
            case Via via -> send(via.resolve().orElseThrow(() -> new NoSuchNameException(via.toString())), message);
            case RemoteName name when name.isLocal() -> send(name.name(), message);
            case RemoteName name -> {
                Objects.requireNonNull(message, "message");
                LocalProcess me = liveCurrentOrNull();
                K.dist(name).send(me == null ? K.outside : me, name, message);
            }
        }
    }

    /**
     * Sends {@code message} to the process registered as {@code name}.
     *
     * @throws NoSuchNameException if no process has that name (OTP: {@code badarg})
     */
    public static void send(String name, Object message) {
        Objects.requireNonNull(message, "message");
        LocalProcess to = K.whereis(name).orElseThrow(() -> new NoSuchNameException(name));
        send(to, message);
    }

    /**
     * Sends {@code message} to the process whose alias {@code alias} is (OTP: {@code Alias ! Message}).
     * Delivered only while the alias is active; otherwise, or if {@code alias} is not an alias, the
     * message is dropped. Never blocks or fails.
     */
    public static void send(Ref alias, Object message) {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(message, "message");
        LocalProcess me = liveCurrentOrNull(); // as for a pid: a process that has ended sends nothing
        if (!alias.isLocal()) {
            K.dist(alias).sendAlias(me == null ? K.outside : me, alias, message);
            return;
        }
        LocalProcess owner = alias.aliasOf;
        if (owner != null) {
            owner.deliverToAlias(alias, message);
        }
        if (me != null) {
            me.reduce();
        }
    }

    /**
     * Makes an alias for the calling process (OTP: {@code alias/0}): a reference that works as an
     * address until {@link #unalias(Ref)}. A request that carries an alias for its reply lets the
     * requester stop the reply from arriving once it has given up (timed out). Like
     * {@link #makeRef()}, it marks the mailbox for {@link #receive(Ref, Matcher, Duration)}.
     */
    public static Ref alias() {
        LocalProcess me = current();
        Ref alias = Ref.alias(me);
        me.mark(alias);
        me.activateAlias(alias);
        return alias;
    }

    /**
     * Deactivates an alias of the calling process (OTP: {@code unalias/1}); after it returns nothing
     * sent to the alias arrives. Returns whether it was active.
     */
    public static boolean unalias(Ref alias) {
        Objects.requireNonNull(alias, "alias");
        LocalProcess me = current();
        return alias.aliasOf == me && me.deactivateAlias(alias);
    }

    /**
     * What a {@link Matcher} returns to leave a message in the mailbox: {@code null}, spelled so that
     * a {@code switch} reads as a receive ({@code default -> skip()}).
     */
    public static <R> R skip() {
        return null;
    }

    /** Takes the oldest message, waiting as long as it takes. */
    public static Object receive() {
        return current().receive(m -> m, -1, null);
    }

    /** Takes the oldest message, or returns empty after {@code timeout} ({@link Duration#ZERO}: poll). */
    public static Optional<Object> receive(Duration timeout) {
        return Optional.ofNullable(current().receive(m -> m, nanos(timeout), null));
    }

    /** Takes the oldest message of type {@code type}, waiting as long as it takes; others stay queued. */
    public static <T> T receive(Class<T> type) {
        return current().receive(ofType(type), -1, null);
    }

    /** Takes the oldest message of type {@code type}, or returns empty after {@code timeout}. */
    public static <T> Optional<T> receive(Class<T> type, Duration timeout) {
        return Optional.ofNullable(current().receive(ofType(type), nanos(timeout), null));
    }

    /**
     * Selective receive (OTP: {@code receive ... end}): takes the oldest message the matcher accepts
     * and returns what the matcher made of it, waiting as long as it takes.
     */
    public static <R> R receive(Matcher<R> matcher) {
        Objects.requireNonNull(matcher, "matcher");
        return current().receive(matcher, -1, null);
    }

    /**
     * Selective receive with a timeout (OTP: {@code receive ... after T -> ... end}). Returns empty
     * if nothing matched within {@code timeout}; {@link Duration#ZERO} looks once without waiting.
     */
    public static <R> Optional<R> receive(Matcher<R> matcher, Duration timeout) {
        Objects.requireNonNull(matcher, "matcher");
        return Optional.ofNullable(current().receive(matcher, nanos(timeout), null));
    }

    /**
     * Selective receive of a reply tagged with {@code since}, a reference the calling process made
     * (with {@link #makeRef()} or {@link #monitor(Pid)}) just before the request.
     *
     * <p>The matcher must accept only messages that were sent after {@code since} was made (typically:
     * messages that carry it): the receive skips older messages without looking at them (OTP's
     * receive-reference optimisation), so a request-reply costs the same with 100,000 unrelated
     * messages queued as with none. The skip applies when {@code since} is the reference the process
     * made last ({@link #makeRef()}, {@link #alias()}, {@link #monitor(Pid)}) and it has received
     * nothing since; otherwise the whole mailbox is scanned, which is slower but gives the same result.
     *
     * <p>Two traps: a message that may have been queued before {@code since} was made (say, the
     * first message a new process expects, sent by its parent at any moment) must not be received
     * this way, even if it carries a reference the process made later; and
     * {@link #spawnMonitor(Runnable)} does not mark the mailbox, so a Down of its monitor is
     * received with the plain receive.
     */
    public static <R> Optional<R> receive(Ref since, Matcher<R> matcher, Duration timeout) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(matcher, "matcher");
        return Optional.ofNullable(current().receive(matcher, nanos(timeout), since));
    }

    /** Takes the oldest message {@code test} accepts, waiting as long as it takes. */
    public static Object receiveIf(Predicate<Object> test) {
        return current().receive(accepting(test), -1, null);
    }

    /** Takes the oldest message {@code test} accepts, or returns empty after {@code timeout}. */
    public static Optional<Object> receiveIf(Predicate<Object> test, Duration timeout) {
        return Optional.ofNullable(current().receive(accepting(test), nanos(timeout), null));
    }

    /** Takes every queued message, in order, without waiting. */
    public static List<Object> flush() {
        LocalProcess me = current();
        List<Object> out = new ArrayList<>();
        for (Object m; (m = me.receive(x -> x, 0, null)) != null; ) {
            out.add(m);
        }
        return out;
    }

    /**
     * Suspends the calling process for {@code duration} (OTP: {@code timer:sleep/1}, a receive that
     * matches nothing). Messages stay queued; an exit signal ends the sleep at once.
     */
    public static void sleep(Duration duration) {
        current().receive(m -> null, nanos(duration), null);
    }

    /**
     * The node's monotonic clock in nanoseconds (OTP: {@code erlang:monotonic_time(nanosecond)}), from
     * an arbitrary origin; only differences are meaningful. {@link System#nanoTime()}, except in a
     * {@linkplain Deterministic deterministic run}, whose processes read the run's virtual clock
     * (zero when the run began).
     */
    public static long monotonicTime() {
        LocalProcess p = currentOrNull();
        return p == null ? System.nanoTime() : p.now();
    }

    /**
     * Lets other runnable processes run before the caller goes on (OTP: {@code erlang:yield/0}). On
     * Jarl's scheduler the caller goes to the back of its worker's run queue. Java cannot preempt a
     * process, so a long computation that makes no runtime call should call this now and then, or
     * run as a {@linkplain SpawnOptions#dirty() dirty} process. From a thread that is not a process it
     * is {@link Thread#yield()}.
     */
    public static void yield() {
        LocalProcess me = currentOrNull();
        if (me != null) {
            me.ensureAlive();
        }
        Thread.yield();
    }

    private static <T> Matcher<T> ofType(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return m -> type.isInstance(m) ? type.cast(m) : skip();
    }

    private static Matcher<Object> accepting(Predicate<Object> test) {
        Objects.requireNonNull(test, "test");
        return m -> test.test(m) ? m : null;
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        return timeout.isZero() ? 0 : Math.max(1, Math.min(Kernel.saturatedNanos(timeout), Long.MAX_VALUE / 4));
    }

    // ---------------------------------------------------------------- links and exits

    /**
     * Links the calling process and {@code pid} (OTP: {@code link/1}). Links are bidirectional and
     * idempotent: when either process ends, the other is sent an exit signal with its reason.
     *
     * <p>If {@code pid} is not alive, a process that traps exits receives {@code Exit(pid, noproc)};
     * one that does not gets an {@link ExitException} with reason {@code noproc}.
     */
    public static void link(Pid pid) {
        LocalProcess me = current();
        if (pid instanceof RemotePid r) {
            me.linkRemote(r);
            return;
        }
        if (!me.link(K.local(pid))) {
            if (me.trapExit) {
                me.deliverSignal(new Exit(pid, ExitReason.NOPROC));
            } else {
                throw new ExitException(ExitReason.NOPROC, "link(" + pid + ")");
            }
        }
    }

    /**
     * Removes the link between the calling process and {@code pid}, both ways (OTP: {@code unlink/1}).
     * Once it returns, the link no longer affects the caller; an {@link Exit} message already queued
     * stays queued.
     */
    public static void unlink(Pid pid) {
        if (pid instanceof RemotePid r) {
            current().unlinkRemote(r);
            return;
        }
        current().unlink(K.local(pid));
    }

    /**
     * Sets whether the calling process traps exits (OTP: {@code process_flag(trap_exit, Flag)}):
     * a trapping process receives exit signals as {@link Exit} messages instead of dying, except
     * {@code kill}. Returns the previous setting.
     */
    public static boolean trapExit(boolean trap) {
        LocalProcess me = current();
        boolean old = me.trapExit;
        me.trapExit = trap;
        return old;
    }

    /**
     * Ends the calling process with {@code reason} (OTP: {@code exit/1}), by throwing an
     * {@link ExitException} that, if nothing catches it, becomes the process's exit reason.
     */
    public static ExitException exit(ExitReason reason) {
        throw new ExitException(Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Sends an exit signal to {@code pid} (OTP: {@code exit/2}). Works from any thread.
     *
     * <ul>
     *   <li>{@code kill}: the process ends with {@code killed}, trapping or not;</li>
     *   <li>if it traps exits: it receives {@code Exit(sender, reason)};</li>
     *   <li>{@code normal}: ignored, unless the process signals itself;</li>
     *   <li>otherwise: it ends with {@code reason}, at once, wherever it is.</li>
     * </ul>
     * A dead pid is ignored. From a plain thread the sender is {@code <0.0.0>}, a pid that is never
     * alive.
     */
    public static void exit(Pid pid, ExitReason reason) {
        Objects.requireNonNull(reason, "reason");
        LocalProcess me = liveCurrentOrNull();
        if (pid instanceof RemotePid r) {
            K.dist(r).exit(me == null ? K.outside : me, r, reason);
            return;
        }
        LocalProcess target = K.local(pid);
        target.exitSignal(me == null ? K.outside : me, reason, false);
        if (me != null) {
            me.ensureAlive();
        }
    }

    // ---------------------------------------------------------------- monitors

    /**
     * Monitors {@code pid} (OTP: {@code monitor(process, Pid)}): when it ends, the caller receives one
     * {@code Down(ref, pid, reason)}. Each call makes a new, independent monitor. A process that is
     * already dead gives an immediate {@code Down} with {@code noproc}.
     */
    public static Ref monitor(Pid pid) {
        LocalProcess me = current();
        Ref ref = Ref.make();
        me.mark(ref); // before a noproc Down is queued, so a receive since ref sees it
        return monitor(me, ref, pid);
    }

    private static Ref monitor(LocalProcess me, Ref ref, Pid pid) {
        if (pid instanceof RemotePid r) {
            me.monitorRemote(ref, r);
            return ref;
        }
        LocalProcess target = K.local(pid);
        if (!me.monitor(ref, target, target)) {
            me.monitorDown(ref, pid, ExitReason.NOPROC, true);
        }
        return ref;
    }

    /**
     * Monitors {@code address} as {@link #monitor(Address)} does, with a reference that is also an
     * alias of the caller while the monitor lasts (OTP: {@code monitor(process, Dest, [{alias,
     * demonitor}])}): the alias is deactivated when the monitor goes, by {@link #demonitor} or by its
     * {@link Down}. This is how a request names where its reply goes and detects the server's death
     * with one reference, as {@code gen:call} does.
     */
    public static Ref monitorAlias(Address address) {
        Objects.requireNonNull(address, "address");
        LocalProcess me = current();
        Ref ref = Ref.alias(me);
        me.mark(ref);
        me.activateAlias(ref);
        return monitor(me, ref, address);
    }

    /**
     * Monitors the process registered as {@code name} now (OTP: {@code monitor(process, Name)}).
     * The {@code Down} names the name, not the pid; an unknown name gives an immediate
     * {@code Down} with {@code noproc}.
     */
    public static Ref monitor(String name) {
        Objects.requireNonNull(name, "name");
        LocalProcess me = current();
        Ref ref = Ref.make();
        me.mark(ref);
        monitorName(me, ref, name);
        return ref;
    }

    /**
     * Monitors an address (OTP: {@code monitor(process, Dest)}): a pid, a local name, a
     * {@link Via} name (the process it resolves to now), or a name on another node, whose
     * {@code Down} names the {@link RemoteName} and comes with {@code noproc} if nobody has the name
     * there, or {@code noconnection} if the node cannot be reached.
     */
    public static Ref monitor(Address address) {
        Objects.requireNonNull(address, "address");
        LocalProcess me = current();
        Ref ref = Ref.make();
        me.mark(ref); // before a noproc Down is queued, so a receive since ref sees it
        return monitor(me, ref, address);
    }

    /** Monitors {@code address} with {@code ref} (made and marked by the caller); the Down names what was monitored. */
    private static Ref monitor(LocalProcess me, Ref ref, Address address) {
        switch (address) {
            case Pid pid -> monitor(me, ref, pid);
            case Name name -> monitorName(me, ref, name.value());
            case RemoteName name when name.isLocal() -> monitorName(me, ref, name.name());
            case RemoteName name -> me.monitorRemote(ref, name);
            case Via via -> {
                Optional<Pid> pid = via.resolve();
                if (pid.isPresent()) {
                    monitor(me, ref, pid.get());
                } else {
                    me.monitorDown(ref, via, ExitReason.NOPROC, true);
                }
            }
        }
        return ref;
    }

    /** Monitors the process registered as {@code name} now; an unknown name gives a noproc Down at once. */
    private static void monitorName(LocalProcess me, Ref ref, String name) {
        Optional<LocalProcess> target = K.whereis(name);
        if (target.isEmpty() || !me.monitor(ref, target.get(), name)) {
            me.monitorDown(ref, name, ExitReason.NOPROC, true);
        }
    }

    /**
     * Removes a monitor (OTP: {@code demonitor/1}). After it returns no {@code Down} for it will
     * arrive, though one may already be queued. Returns whether the monitor was still active.
     */
    public static boolean demonitor(Ref ref) {
        return current().demonitor(Objects.requireNonNull(ref, "ref"));
    }

    /**
     * Removes a monitor and, with {@code flush}, also a {@code Down} for it already queued
     * (OTP: {@code demonitor(Ref, [flush])}).
     */
    public static boolean demonitor(Ref ref, boolean flush) {
        LocalProcess me = current();
        boolean active = me.demonitor(Objects.requireNonNull(ref, "ref"));
        if (flush && !active) { // an active monitor has no Down queued: no need to scan the mailbox
            // A monitor has at most one Down (OTP's flush removes one message too): stop at it.
            me.removeFirst(m -> m instanceof Down d && d.ref().equals(ref) ? m : null);
        }
        return active;
    }

    // ---------------------------------------------------------------- names

    /**
     * Registers {@code pid} under {@code name} (OTP: {@code register/2}). The name is freed when the
     * process ends, before its links and monitors hear of it.
     *
     * @throws NameTakenException if the name is taken, the process already has a name, or is dead
     */
    public static void register(String name, Pid pid) {
        Objects.requireNonNull(name, "name");
        if (pid instanceof RemotePid) {
            throw new IllegalArgumentException("cannot register " + pid + ": a pid of another node");
        }
        K.local(pid).register(name);
    }

    /**
     * Removes a registered name (OTP: {@code unregister/1}).
     *
     * @throws NoSuchNameException if no process has that name
     */
    public static void unregister(String name) {
        Optional<LocalProcess> p = K.whereis(name);
        if (p.isEmpty() || !p.get().unregister(name)) {
            throw new NoSuchNameException(name);
        }
    }

    /**
     * This node's name (OTP: {@code node/0}): {@code name@host} once distributed, else
     * {@code nonode@nohost}.
     */
    public static String node() {
        return K.nodeName();
    }

    /** The live process registered as {@code name} (OTP: {@code whereis/1}). */
    public static Optional<Pid> whereis(String name) {
        return K.whereis(Objects.requireNonNull(name, "name")).map(p -> p);
    }

    /** All registered names (OTP: {@code registered/0}). */
    public static Set<String> registered() {
        Set<String> out = new java.util.TreeSet<>();
        K.names.forEach((name, p) -> {
            if (p.isAlive()) {
                out.add(name);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- references and timers

    /**
     * A new unique reference (OTP: {@code make_ref/0}). Made in a process, it also marks the
     * mailbox for {@link #receive(Ref, Matcher, Duration)}.
     */
    public static Ref makeRef() {
        Ref ref = Ref.make();
        LocalProcess me = currentOrNull();
        if (me != null) {
            me.mark(ref);
        }
        return ref;
    }

    /**
     * Sends {@code message} to {@code to} after {@code delay} (OTP: {@code erlang:send_after/3}).
     * Returns the timer's reference for {@link #cancelTimer(Ref)}. The timer is cancelled when
     * {@code to} ends, and never started if it is already dead. All timers share one thread.
     */
    public static Ref sendAfter(Pid to, Object message, Duration delay) {
        Objects.requireNonNull(message, "message");
        if (to instanceof RemotePid r) {
            return K.startTimer(delay, null, () -> send(r, message));
        }
        LocalProcess target = K.local(to);
        return K.startTimer(delay, target, () -> target.deliver(message));
    }

    /**
     * Sends {@code message} after {@code delay} to whatever process is registered as {@code name}
     * then; if none is, the message is dropped.
     */
    public static Ref sendAfter(String name, Object message, Duration delay) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(message, "message");
        return K.startTimer(delay, null, () -> K.whereis(name).ifPresent(p -> p.deliver(message)));
    }

    /**
     * Sends an exit signal with {@code reason} to {@code pid} after {@code delay}
     * (OTP: {@code timer:exit_after/3}), from the calling process ({@code <0.0.0>} from a plain thread).
     */
    public static Ref exitAfter(Pid pid, ExitReason reason, Duration delay) {
        Objects.requireNonNull(reason, "reason");
        LocalProcess me = liveCurrentOrNull();
        Pid from = me == null ? K.outside : me;
        if (pid instanceof RemotePid r) {
            return K.startTimer(delay, null, () -> K.dist(r).exit(from, r, reason));
        }
        LocalProcess target = K.local(pid);
        return K.startTimer(delay, null, () -> target.exitSignal(from, reason, false));
    }

    /**
     * Cancels a timer (OTP: {@code erlang:cancel_timer/1}). Returns the time that was left, or empty
     * if the timer already fired, was cancelled, or is not a timer.
     */
    public static Optional<Duration> cancelTimer(Ref timer) {
        return K.cancelTimer(Objects.requireNonNull(timer, "timer"));
    }

    /** The time left on a timer (OTP: {@code erlang:read_timer/1}), or empty if it is not pending. */
    public static Optional<Duration> readTimer(Ref timer) {
        return K.readTimer(Objects.requireNonNull(timer, "timer"));
    }

    // ---------------------------------------------------------------- introspection

    /** All live processes (OTP: {@code processes/0}), in creation order. */
    public static List<Pid> processes() {
        List<Pid> out = new ArrayList<>(K.table.size());
        for (LocalProcess p : K.table.values()) {
            if (p.isAlive()) {
                out.add(p);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * A snapshot of the scheduler: its workers, what each is doing, its run queue, its utilisation
     * and steals, and the workers held by blocked processes (OTP: {@code scheduler_wall_time},
     * {@code statistics(run_queue_lengths)}).
     */
    public static SchedulerInfo schedulerInfo() {
        return K.scheduler == null ? Scheduler.jdkInfo() : K.scheduler.info();
    }

    /** The number of live processes (OTP: {@code erlang:system_info(process_count)}). */
    public static int processCount() {
        return K.table.size();
    }

    /**
     * A snapshot of a live process of this node (OTP: {@code process_info/1}); empty if it is dead.
     *
     * @throws IllegalArgumentException for a pid of another node (OTP: {@code badarg})
     */
    public static Optional<ProcessInfo> info(Pid pid) {
        return K.local(Objects.requireNonNull(pid, "pid")).info();
    }

    /**
     * Subscribes {@code subscriber}, a process of this node, to the node's {@link SystemEvent}s
     * (OTP: {@code erlang:system_monitor/2}, which allows one monitor; here any number subscribe):
     * today the long-queue alarms of processes started with {@link MailboxLimits}. A subscription
     * ends with {@link #unsubscribeSystemEvents} or the subscriber's death. Subscribing twice is
     * one subscription.
     *
     * @return false if the subscriber is not alive
     * @throws IllegalArgumentException for a pid of another node: subscribe a local process that
     *         forwards
     */
    public static boolean subscribeSystemEvents(Pid subscriber) {
        return K.subscribeSystemEvents(K.local(Objects.requireNonNull(subscriber, "subscriber")));
    }

    /** Ends a subscription made by {@link #subscribeSystemEvents}; false if there was none. */
    public static boolean unsubscribeSystemEvents(Pid subscriber) {
        return K.unsubscribeSystemEvents(K.local(Objects.requireNonNull(subscriber, "subscriber")));
    }

    // ---------------------------------------------------------------- plain threads

    /**
     * Makes the calling plain thread a process until the returned scope is closed: it gets a pid and
     * a mailbox, and can receive, link, monitor and make calls. Closing the scope ends the process
     * with {@code normal}; messages still queued are dropped.
     *
     * <p>An exit signal that kills the attached process does not interrupt the thread; its next
     * runtime call throws {@link ProcessExitedError}.
     *
     * @throws IllegalStateException if the thread is already a process
     */
    public static ProcessScope attach() {
        if (inProcess()) {
            throw new IllegalStateException("thread " + Thread.currentThread() + " is already process "
                    + currentOrNull());
        }
        LocalProcess p = K.attach(Thread.currentThread());
        ATTACHED.set(p);
        return new ProcessScope(p, () -> {
            if (ATTACHED.get() == p) {
                ATTACHED.remove();
            }
            p.terminate(ExitReason.NORMAL);
        });
    }

    /**
     * Runs {@code block} in a new process and returns its result, from a plain thread or a process.
     * The caller waits until the process ends.
     *
     * @throws ExitException with the process's exit reason if it did not return normally
     *         (a {@link ExitReason.Crash} carries the exception the block threw)
     */
    public static <T> T run(Callable<T> block) {
        Objects.requireNonNull(block, "block");
        if (inProcess()) {
            return runFrom(block);
        }
        try (ProcessScope ignored = attach()) {
            return runFrom(block);
        }
    }

    private static <T> T runFrom(Callable<T> block) {
        Object[] result = new Object[1];
        Spawned child = spawnMonitor(() -> {
            try {
                result[0] = block.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new ExitException(ExitReason.crash(e));
            }
        });
        Down down = receive(child.monitor(), m -> m instanceof Down d && d.ref() == child.monitor() ? d : skip(),
                Duration.ofNanos(Long.MAX_VALUE / 2)).orElseThrow();
        if (down.reason() instanceof ExitReason.Normal) {
            @SuppressWarnings("unchecked")
            T value = (T) result[0];
            return value;
        }
        throw new ExitException(down.reason(), "Jarl.run(" + child.pid() + ")");
    }
}
