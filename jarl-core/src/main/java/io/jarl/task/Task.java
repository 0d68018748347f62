package io.jarl.task;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.internal.Gen;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Restart;
import io.jarl.supervisor.Shutdown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A process that runs one function and, usually, sends its result back to the process that started
 * it (Elixir: {@code Task}).
 *
 * <p>The common use is to turn sequential code into concurrent code: start the slow part as a task,
 * do something else, then wait for the task's result.
 * {@snippet :
 * try (var me = Jarl.attach()) {
 *     Task<Integer> task = Task.async(() -> slowSum(numbers));   // runs in its own process
 *     int other = somethingElse();
 *     int total = other + Task.await(task);                       // waits up to 5 s
 * }
 * }
 *
 * <h2>async and await</h2>
 * {@link #async(Callable)} starts a process linked to the caller and monitored by it; the caller is
 * the task's <em>owner</em>, and only the owner can wait for it. When the function returns, the task
 * sends the owner a {@link Reply} tagged with {@link #ref()} and exits {@code normal}.
 * {@link #await(Task, Duration)} takes that reply. Two rules follow, as in Elixir:
 * <ol>
 *   <li>A task started with {@code async} must be awaited (or yielded, shut down or ignored): its reply
 *       is always sent. For work whose result nobody wants, use {@link #start(Runnable)} or
 *       {@link TaskSupervisor#startChild}.</li>
 *   <li>The task and its owner are linked: if the owner dies, the task dies; if the task fails, the
 *       owner exits with the same reason, as if the work had been done in the owner itself (in Java:
 *       the owner is dead at once, and its next runtime call, such as the {@code await} it is blocked
 *       in, throws {@link io.jarl.ProcessExitedError}). A task
 *       is an extension of its caller, not a way to isolate failures; for that, start it under a
 *       {@link TaskSupervisor} with {@link TaskSupervisor#asyncNolink}.</li>
 * </ol>
 * An owner that traps exits survives a failed task: {@code await} then throws an
 * {@link ExitException} with the task's reason, and an {@link io.jarl.Exit} message stays queued.
 * As in Elixir, the exception's reason names the await: {@code {reason, {Task.await, [task,
 * timeout]}}}, an {@link ExitReason.CallFailed} ({@link ExitReason#cause()} gives the task's reason).
 *
 * <h2>yield, shutdown, ignore</h2>
 * {@link #yield(Task, Duration)} waits for a while and returns a {@link TaskResult}: {@code Ok} with the
 * reply, {@code Exited} with the reason, or {@code None} if the task is still running, in which case it
 * can be yielded again. A common idiom gives a task some time, then stops it:
 * {@snippet :
 * TaskResult<Page> page = Task.yield(task, Duration.ofSeconds(2)).or(() -> Task.shutdown(task));
 * }
 * {@link #shutdown(Task, Shutdown)} unlinks the task, sends it {@code shutdown} (or kills it), waits,
 * and still returns the reply if it came meanwhile. {@link #ignore(Task)} lets the task run on,
 * unlinked, and drops its reply. {@link #awaitMany} and {@link #yieldMany} do the same for lists.
 *
 * <h2>Tasks in a GenServer</h2>
 * A server should not block in {@code await}. It can start a task (best with
 * {@link TaskSupervisor#asyncNolink}, so that a failure does not take the server down) and take the
 * task's messages in {@code handleInfo}: a {@link Reply} whose {@code ref} is the task's, then the
 * task's {@link Down} (reason {@code normal}), or only the {@code Down} if the task failed. After
 * the reply, call {@link #demonitor(Task)}, the counterpart of Elixir's
 * {@code Process.demonitor(ref, [:flush])}.
 *
 * <h2>Streams</h2>
 * {@link #asyncStream(Iterable, Function, AsyncStreamOptions)} maps a function over a source
 * concurrently, a bounded number of tasks at a time, as the returned stream is consumed.
 *
 * <h2>Supervision</h2>
 * {@link #startLink(Runnable)} and {@link #childSpec(Runnable)} run a fire-and-forget task under a
 * {@link io.jarl.supervisor.Supervisor}, temporary by default (a task that ends is not restarted).
 * Tasks started on demand belong under a {@link TaskSupervisor}.
 *
 * <h2>Timeouts</h2>
 * {@code await}, {@code yield}, {@code awaitMany}, {@code yieldMany} and {@code shutdown} wait 5 seconds
 * ({@link #DEFAULT_TIMEOUT}) unless told otherwise; {@link #INFINITY} waits as long as it takes.
 * When {@code await} runs out of time the owner exits with {@code {timeout, {Task.await, [task,
 * timeout]}}} (Elixir: {@code {:timeout, {Task, :await, [task, timeout]}}}) and, being linked, takes the task with it; a reply that comes later never reaches
 * its mailbox.
 *
 * <h2>Reports</h2>
 * A task that fails is logged once, by the runtime's crash report of its process, whose exception
 * reads {@code Task <0.42.0> started from <0.40.0> terminating; function com.example.Foo$lambda/0}.
 * Exits with {@code normal}, {@code shutdown} or {@code {shutdown, _}} are silent.
 *
 * <h2>Plain threads</h2>
 * The owner must be a process: {@code async} from a plain thread throws
 * {@link io.jarl.NotAProcessException}, since the reply needs a mailbox and the task a link. Attach the
 * thread ({@link Jarl#attach()}) for the life of the task, or use {@link #asFuture(Callable)}, which
 * gives a {@link CompletableFuture}.
 *
 * <h2>When not to use it</h2>
 * For state that outlives one computation, or requests from many clients, use a
 * {@link io.jarl.server.GenServer} or an {@link io.jarl.agent.Agent}. For synchronous start-up in a
 * supervision tree, too: a supervisor does not wait for a task to finish.
 *
 * <h2>Where it differs from Elixir</h2>
 * The owner holds two references for a task: {@link #ref()}, which is the monitor and tags the
 * reply, and a private alias the reply is sent to (OTP 24's monitor alias is one reference for both).
 * Awaiting or yielding a task whose outcome was already taken (awaited, yielded to a result, ignored,
 * shut down, or given up by a timed-out {@code await}) throws {@link IllegalStateException} at once,
 * where Elixir would wait for the timeout. Exits carry the bare reason and a message naming the call,
 * not {@code {Reason, {Task, await, [Task, Timeout]}}}. There is no {@code $callers}: a task's
 * ancestors ({@link Jarl#info(Pid)}) say who spawned it. {@code noconnection} is not turned into
 * {@code {nodedown, Node}}: there is no distribution yet.
 *
 * @param <T> the type of the task's result
 */
public final class Task<T> {

    /*
     * Implementation overview.
     *
     * A task process (Supervised.replying) is spawned first, linked; the owner then makes an alias and
     * a monitor of it and sends it a Go carrying the function and where to reply (Elixir: async/3
     * and Task.Supervised.reply/4). The reply is Reply(monitor ref, value) sent to the alias, so the
     * owner matches the reply and the Down with one reference, and removing the alias when it gives
     * up (await timeout, ignore, shutdown) means a late reply never arrives. Because the monitor is
     * the last reference the owner made before the Go, await right after async skips the older
     * messages of the mailbox (receive since ref).
     *
     * settled records, in the owner only, why the task's outcome can no longer be received; it makes
     * a second await or yield fail at once instead of waiting for nothing.
     */

    /** What {@link #await} and the others wait by default (Elixir: 5000 ms). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** A timeout that never runs out (Elixir: {@code :infinity}). */
    public static final Duration INFINITY = Duration.ofNanos(Long.MAX_VALUE);

    /**
     * The message a task sends its owner with its result (Elixir: {@code {ref, result}}).
     *
     * @param ref   the task's {@link Task#ref()}
     * @param value what its function returned (may be {@code null})
     */
    public record Reply(Ref ref, Object value) {
        public Reply {
            Objects.requireNonNull(ref, "ref");
        }
    }

    private final Pid pid; // null: a completed task, no process
    private final Ref ref;
    private final Pid owner;
    private final Ref alias; // where the reply goes; null for a completed task
    private final String function;
    private final boolean linked;
    private String settled; // owner-only: why the outcome can no longer be received

    Task(Pid pid, Ref ref, Pid owner, Ref alias, String function, boolean linked) {
        this.pid = pid;
        this.ref = Objects.requireNonNull(ref, "ref");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.alias = alias;
        this.function = Objects.requireNonNull(function, "function");
        this.linked = linked;
    }

    /** The task's process; empty for a {@link #completed} task. */
    public Optional<Pid> pid() {
        return Optional.ofNullable(pid);
    }

    /** The reference that tags the task's {@link Reply} and its {@link Down} (Elixir: {@code task.ref}). */
    public Ref ref() {
        return ref;
    }

    /** The process that started the task and alone may wait for it. */
    public Pid owner() {
        return owner;
    }

    /** What the task runs, for reports (Elixir: {@code task.mfa}), such as {@code com.example.Foo$lambda/0}. */
    public String function() {
        return function;
    }

    @Override
    public String toString() {
        return "Task[pid=" + (pid == null ? "none" : pid) + ", ref=" + ref + ", owner=" + owner + ", function="
                + function + "]";
    }

    // ------------------------------------------------------------------ starting

    /**
     * Starts a task that runs {@code fn} and must be awaited (Elixir: {@code Task.async/1}): linked to
     * the caller and monitored by it.
     *
     * @throws io.jarl.NotAProcessException if the caller is not a process
     */
    public static <T> Task<T> async(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        Pid owner = Supervised.requireProcess("Task.async");
        String function = Supervised.describe(fn, 0);
        Pid pid = Jarl.spawn(Supervised.spawnOptions(function, true), Supervised.replying(owner, false, function));
        return go(pid, owner, function, true, fn);
    }

    /** Makes the owner's alias and monitor of a waiting task process and sends it its Go. */
    static <T> Task<T> go(Pid pid, Pid owner, String function, boolean linked, Callable<? extends T> fn) {
        Ref alias = Jarl.alias();
        Ref ref = Jarl.monitor(pid);
        Jarl.send(pid, new Supervised.Go(owner, new Supervised.ToTask(alias, ref), fn));
        return new Task<>(pid, ref, owner, alias, function, linked);
    }

    /**
     * A task that has already completed with {@code value}, with no process (Elixir:
     * {@code Task.completed/1}): awaiting it returns {@code value}. Useful when some results of a group
     * are known at once and others are computed by tasks.
     */
    public static <T> Task<T> completed(T value) {
        Pid owner = Supervised.requireProcess("Task.completed");
        Ref ref = Jarl.makeRef();
        Jarl.send(owner, new Reply(ref, value));
        return new Task<>(null, ref, owner, null, "Task.completed/1", false);
    }

    /**
     * Starts a fire-and-forget task, not linked (Elixir: {@code Task.start/1}). Works from any thread.
     * A task that fails is logged and affects nobody else.
     */
    public static Pid start(Runnable fn) {
        Objects.requireNonNull(fn, "fn");
        String function = Supervised.describe(fn, 0);
        return Jarl.spawn(Supervised.spawnOptions(function, false), Supervised.noReply(Supervised.starter(), fn, function));
    }

    /**
     * Starts a fire-and-forget task linked to the caller (Elixir: {@code Task.start_link/1}), typically
     * as the start function of a supervisor's child (see {@link #childSpec(Runnable)}).
     *
     * @throws io.jarl.NotAProcessException if the caller is not a process
     */
    public static Pid startLink(Runnable fn) {
        Objects.requireNonNull(fn, "fn");
        Pid owner = Supervised.requireProcess("Task.startLink");
        String function = Supervised.describe(fn, 0);
        return Jarl.spawn(Supervised.spawnOptions(function, true), Supervised.noReply(owner, fn, function));
    }

    /**
     * A child spec that runs {@code fn} with {@link #startLink(Runnable)} under a supervisor, with id
     * {@code "Task"} (Elixir: {@code {Task, fun}}). It is temporary, unlike other children: a task
     * that ends is not restarted; use {@link ChildSpec#withRestart} for {@link Restart#TRANSIENT} or
     * {@link Restart#PERMANENT}.
     */
    public static ChildSpec childSpec(Runnable fn) {
        return childSpec("Task", fn);
    }

    /** {@link #childSpec(Runnable)} with an id. */
    public static ChildSpec childSpec(Object id, Runnable fn) {
        Objects.requireNonNull(fn, "fn");
        return ChildSpec.worker(id, args -> new StartResult.Ok(startLink(fn))).withRestart(Restart.TEMPORARY);
    }

    // ------------------------------------------------------------------ waiting

    /** {@link #await(Task, Duration)} with the default 5 seconds. */
    public static <T> T await(Task<T> task) {
        return await(task, DEFAULT_TIMEOUT);
    }

    /**
     * Waits for the task's reply and returns it (Elixir: {@code Task.await/2}).
     *
     * @throws ExitException with the task's exit reason if it ended without replying (a task that
     *         fails also exits its linked owner, unless the owner traps exits), or with
     *         {@code timeout} if no reply came in time: the owner is meant to exit then, and its
     *         linked task with it. A reply that comes after the timeout is never delivered.
     * @throws IllegalArgumentException if the caller is not the task's owner
     * @throws IllegalStateException if the task's outcome was already taken
     */
    @SuppressWarnings("unchecked")
    public static <T> T await(Task<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        Supervised.nanos(timeout);
        task.checkQueryable("await");
        Object answer = Jarl.receive(task.ref, task::answer, timeout).orElse(null);
        switch (answer) {
            case Reply r -> {
                task.settle("its reply was taken by await");
                return (T) r.value();
            }
            case Down d -> {
                task.settle("it exited with " + d.reason() + ", as await reported");
                throw awaitFailed("Task.await", d.reason(), task, timeout);
            }
            case null -> {
                task.settle("await gave up on it after " + timeout);
                // The alias is gone: no reply can come any more, but one may have come just now.
                Optional<Reply> late = Jarl.receive(m -> m instanceof Reply r && r.ref().equals(task.ref) ? r
                        : Jarl.<Reply>skip(), Duration.ZERO);
                if (late.isPresent()) {
                    task.settled = "its reply was taken by await";
                    return (T) late.get().value();
                }
                throw awaitFailed("Task.await", ExitReason.timeout(), task, timeout);
            }
            default -> throw new IllegalStateException("unreachable: " + answer);
        }
    }

    /** {@link #yield(Task, Duration)} with the default 5 seconds. */
    public static <T> TaskResult<T> yield(Task<T> task) {
        return Task.yield(task, DEFAULT_TIMEOUT);
    }

    /**
     * Waits up to {@code timeout} for the task's reply or exit (Elixir: {@code Task.yield/2}).
     * Returns {@code Ok} with the reply, {@code Exited} with the reason if the task ended without
     * replying (only seen when the owner survives that: the task exited {@code normal}, is not
     * linked, or the owner traps exits), or {@code None} if neither came in time: the task runs on, and
     * can be yielded again, awaited, shut down or ignored.
     *
     * @throws IllegalArgumentException if the caller is not the task's owner
     * @throws IllegalStateException if the task's outcome was already taken
     */
    @SuppressWarnings("unchecked")
    public static <T> TaskResult<T> yield(Task<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        Supervised.nanos(timeout);
        task.checkQueryable("yield");
        Object answer = Jarl.receive(task.ref, task::answer, timeout).orElse(null);
        return switch (answer) {
            case Reply r -> {
                task.settle("its reply was taken by yield");
                yield TaskResult.ok((T) r.value());
            }
            case Down d -> {
                task.settle("it exited with " + d.reason() + ", as yield reported");
                yield TaskResult.exit(d.reason());
            }
            case null -> TaskResult.none();
            default -> throw new IllegalStateException("unreachable: " + answer);
        };
    }

    /**
     * Lets the task run on, unlinked, and stops watching it: its reply, if it comes later, is dropped
     * (Elixir: {@code Task.ignore/1}). Returns {@code Ok} or {@code Exited} if the task had already
     * replied or exited, {@code None} otherwise.
     *
     * @throws IllegalArgumentException if the caller is not the task's owner
     */
    @SuppressWarnings("unchecked")
    public static <T> TaskResult<T> ignore(Task<T> task) {
        Objects.requireNonNull(task, "task");
        task.checkOwner("ignore");
        Object answer = Jarl.receive(task.ref, task::answer, Duration.ZERO).orElse(null);
        switch (answer) {
            case Reply r -> {
                task.unlinkIfLinked();
                task.settle("its reply was taken by ignore");
                return TaskResult.ok((T) r.value());
            }
            case Down d -> {
                task.settle("it exited with " + d.reason() + ", as ignore reported");
                return TaskResult.exit(d.reason());
            }
            case null -> {
                task.unlinkIfLinked();
                task.settle("it was ignored");
                // No reply can come any more; one may have come just now.
                return Jarl.receive(m -> m instanceof Reply r && r.ref().equals(task.ref) ? r : Jarl.<Reply>skip(),
                        Duration.ZERO).<TaskResult<T>>map(r -> TaskResult.ok((T) r.value())).orElse(TaskResult.none());
            }
            default -> throw new IllegalStateException("unreachable: " + answer);
        }
    }

    /** {@link #shutdown(Task, Shutdown)} with a 5-second timeout. */
    public static <T> TaskResult<T> shutdown(Task<T> task) {
        return shutdown(task, Shutdown.DEFAULT_WORKER);
    }

    /** {@link #shutdown(Task, Shutdown)} with a timeout. */
    public static <T> TaskResult<T> shutdown(Task<T> task, Duration timeout) {
        return shutdown(task, Shutdown.timeout(timeout));
    }

    /**
     * Unlinks the task, shuts it down and checks for a reply (Elixir: {@code Task.shutdown/2}).
     * With a timeout the task is sent {@code shutdown} and killed if it has not ended in time (a task
     * that does not trap exits ends at once); with {@link Shutdown#brutalKill()} it is killed at once;
     * {@link Shutdown#infinity()} waits as long as it takes.
     *
     * <p>Returns {@code Ok} if the task replied before it ended (the reply wins the race with the shut
     * down), {@code None} if it ended as asked ({@code shutdown}, or {@code killed} for a brutal kill),
     * and {@code Exited} with any other reason: it had already failed, exited {@code normal} without
     * replying, was killed after the timeout, or its outcome had already been taken ({@code noproc}).
     * A {@link #completed} task is {@linkplain #ignore ignored}.
     *
     * @throws IllegalArgumentException if the caller is not the task's owner
     */
    public static <T> TaskResult<T> shutdown(Task<T> task, Shutdown how) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(how, "how");
        if (task.pid == null) {
            return ignore(task);
        }
        task.checkOwner("shutdown");
        Ref watch = Jarl.monitor(task.pid);
        ShutdownType type;
        Duration timeout;
        switch (how) {
            case Shutdown.BrutalKill b -> {
                type = ShutdownType.BRUTAL_KILL;
                timeout = INFINITY;
            }
            case Shutdown.Timeout t -> {
                type = ShutdownType.SHUTDOWN;
                timeout = t.timeout();
            }
            case Shutdown.Infinity i -> {
                type = ShutdownType.SHUTDOWN;
                timeout = INFINITY;
            }
        }
        ExitReason signal = type == ShutdownType.BRUTAL_KILL ? ExitReason.kill() : ExitReason.shutdown();
        if (task.linked) {
            Supervised.unlinkAndExit(task.pid, signal);
        } else {
            Jarl.exit(task.pid, signal);
        }
        Down down = Jarl.receive(watch, m -> m instanceof Down d && d.ref().equals(watch) ? d : Jarl.<Down>skip(),
                timeout).orElse(null);
        if (down == null) {
            Jarl.exit(task.pid, ExitReason.kill());
            type = ShutdownType.TIMEOUT_KILL;
            down = Jarl.receive(m -> m instanceof Down d && d.ref().equals(watch) ? d : Jarl.<Down>skip());
        }
        return shutdownResult(task, type, down.reason());
    }

    private enum ShutdownType { SHUTDOWN, BRUTAL_KILL, TIMEOUT_KILL }

    /** Elixir's shutdown_receive/5 once the task's Down has come. */
    @SuppressWarnings("unchecked")
    private static <T> TaskResult<T> shutdownResult(Task<T> task, ShutdownType type, ExitReason reason) {
        TaskResult<T> outcome;
        if (reason instanceof ExitReason.NoProc) {
            // Dead before we looked: its own monitor says how it ended, if its Down is still queued.
            Optional<Down> own = Jarl.receive(m -> m instanceof Down d && d.ref().equals(task.ref) ? d
                    : Jarl.<Down>skip(), Duration.ZERO);
            outcome = own.isPresent() ? asked(type, own.get().reason()) ? TaskResult.none()
                    : TaskResult.exit(own.get().reason()) : TaskResult.exit(reason);
        } else {
            outcome = asked(type, reason) ? TaskResult.none() : TaskResult.exit(reason);
        }
        task.settle("it was shut down");
        Optional<Reply> reply = Jarl.receive(m -> m instanceof Reply r && r.ref().equals(task.ref) ? r
                : Jarl.<Reply>skip(), Duration.ZERO);
        return reply.<TaskResult<T>>map(r -> TaskResult.ok((T) r.value())).orElse(outcome);
    }

    /** Whether the task ended the way the shutdown asked it to. */
    private static boolean asked(ShutdownType type, ExitReason reason) {
        return reason instanceof ExitReason.Shutdown && type != ShutdownType.BRUTAL_KILL
                || reason instanceof ExitReason.Killed && type == ShutdownType.BRUTAL_KILL;
    }

    /** {@link #awaitMany(List, Duration)} with the default 5 seconds. */
    public static <T> List<T> awaitMany(List<? extends Task<? extends T>> tasks) {
        return awaitMany(tasks, DEFAULT_TIMEOUT);
    }

    /**
     * The exit of a failed await, as Elixir's: {@code {reason, {Task, :await, [task, timeout]}}}
     * (likewise {@code await_many}).
     */
    private static ExitException awaitFailed(String function, ExitReason reason, Object tasks, Duration timeout) {
        return new ExitException(ExitReason.callFailed(reason, function, List.of(tasks, Gen.timeoutArg(timeout))),
                function + "(" + tasks + ", " + Gen.show(timeout) + ")");
    }

    /**
     * Waits for the replies of several tasks, within {@code timeout} for all of them, and returns them
     * in the order of {@code tasks} (Elixir: {@code Task.await_many/2}).
     *
     * @throws ExitException as soon as one task ends without replying (with its reason), or with
     *         {@code timeout}; the tasks not yet answered are then demonitored
     * @throws IllegalArgumentException if the caller does not own all the tasks (checked before waiting)
     * @throws IllegalStateException if the outcome of one of them was already taken
     */
    public static <T> List<T> awaitMany(List<? extends Task<? extends T>> tasks, Duration timeout) {
        Objects.requireNonNull(tasks, "tasks");
        long nanos = Supervised.nanos(timeout);
        Map<Ref, Task<? extends T>> awaiting = new LinkedHashMap<>();
        for (Task<? extends T> task : tasks) {
            Objects.requireNonNull(task, "a task is null").checkOwner("awaitMany");
        }
        for (Task<? extends T> task : tasks) {
            task.checkQueryable("awaitMany");
            awaiting.put(task.ref, task);
        }
        Map<Ref, Object> replies = new HashMap<>();
        long deadline = Jarl.monotonicTime() + nanos;
        while (!awaiting.isEmpty()) {
            Duration left = nanos >= Long.MAX_VALUE / 4 ? INFINITY
                    : Duration.ofNanos(Math.max(0, deadline - Jarl.monotonicTime()));
            Object answer = Jarl.receive(m -> m instanceof Reply r && awaiting.containsKey(r.ref())
                    || m instanceof Down d && awaiting.containsKey(d.ref()) ? m : Jarl.skip(), left).orElse(null);
            switch (answer) {
                case Reply r -> {
                    awaiting.remove(r.ref()).settle("its reply was taken by awaitMany");
                    replies.put(r.ref(), r.value());
                }
                case Down d -> {
                    awaiting.remove(d.ref()).settle("it exited with " + d.reason() + ", as awaitMany reported");
                    awaiting.values().forEach(t -> t.settle("awaitMany gave up on it when another task exited"));
                    throw awaitFailed("Task.awaitMany", d.reason(), tasks, timeout);
                }
                case null -> {
                    awaiting.values().forEach(t -> t.settle("awaitMany gave up on it after " + timeout));
                    throw awaitFailed("Task.awaitMany", ExitReason.timeout(), tasks, timeout);
                }
                default -> throw new IllegalStateException("unreachable: " + answer);
            }
        }
        List<T> out = new ArrayList<>(tasks.size());
        for (Task<? extends T> task : tasks) {
            @SuppressWarnings("unchecked")
            T value = (T) replies.get(task.ref);
            out.add(value);
        }
        return out;
    }

    /** {@link #yieldMany(List, YieldManyOptions)} with a timeout and the other defaults. */
    public static <T> List<TaskResult<T>> yieldMany(List<? extends Task<? extends T>> tasks, Duration timeout) {
        return yieldMany(tasks, YieldManyOptions.defaults().withTimeout(timeout));
    }

    /**
     * Waits for the replies or exits of several tasks within one timeout and returns, in the order of
     * {@code tasks}, what became of each (Elixir: {@code Task.yield_many/2}): {@code Ok}, {@code Exited},
     * or {@code None} for a task still running. With a {@linkplain YieldManyOptions#limit() limit} it
     * returns as soon as that many have answered. At the timeout, the tasks still running are left
     * alone, ignored or killed, as {@link YieldManyOptions#onTimeout()} says.
     *
     * @throws IllegalArgumentException if the caller does not own all the tasks (checked before waiting)
     * @throws IllegalStateException if the outcome of one of them was already taken
     */
    @SuppressWarnings("unchecked")
    public static <T> List<TaskResult<T>> yieldMany(List<? extends Task<? extends T>> tasks, YieldManyOptions options) {
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(options, "options");
        long nanos = Supervised.nanos(options.timeout());
        Map<Ref, Task<? extends T>> pending = new LinkedHashMap<>();
        for (Task<? extends T> task : tasks) {
            Objects.requireNonNull(task, "a task is null").checkOwner("yieldMany");
        }
        for (Task<? extends T> task : tasks) {
            task.checkQueryable("yieldMany");
            pending.put(task.ref, task);
        }
        Map<Ref, TaskResult<T>> results = new HashMap<>();
        int limit = Math.min(options.limit(), pending.size());
        boolean timedOut = false;
        long deadline = Jarl.monotonicTime() + nanos;
        while (limit > 0) {
            Duration left = nanos >= Long.MAX_VALUE / 4 ? INFINITY
                    : Duration.ofNanos(Math.max(0, deadline - Jarl.monotonicTime()));
            Object answer = Jarl.receive(m -> m instanceof Reply r && pending.containsKey(r.ref())
                    || m instanceof Down d && pending.containsKey(d.ref()) ? m : Jarl.skip(), left).orElse(null);
            switch (answer) {
                case Reply r -> {
                    pending.remove(r.ref()).settle("its reply was taken by yieldMany");
                    results.put(r.ref(), TaskResult.ok((T) r.value()));
                }
                case Down d -> {
                    pending.remove(d.ref()).settle("it exited with " + d.reason() + ", as yieldMany reported");
                    results.put(d.ref(), TaskResult.exit(d.reason()));
                }
                case null -> timedOut = true;
                default -> throw new IllegalStateException("unreachable: " + answer);
            }
            if (timedOut) {
                break;
            }
            limit--;
        }
        List<TaskResult<T>> out = new ArrayList<>(tasks.size());
        for (Task<? extends T> task : tasks) {
            TaskResult<T> result = results.get(task.ref);
            if (result == null) {
                result = !timedOut ? TaskResult.none() : switch (options.onTimeout()) {
                    case NOTHING -> TaskResult.none();
                    case IGNORE -> (TaskResult<T>) ignore(task);
                    case KILL_TASK -> (TaskResult<T>) shutdown(task, Shutdown.brutalKill());
                };
            }
            out.add(result);
        }
        return out;
    }

    /**
     * Stops watching a task whose messages the owner takes itself, say in a GenServer's
     * {@code handleInfo}: removes the monitor, drops its {@link Down} if queued and deactivates the
     * task's reply address, so nothing more from the task arrives (Elixir:
     * {@code Process.demonitor(task.ref, [:flush])}, whose monitor is also the reply alias). The link,
     * if any, stays.
     *
     * @throws IllegalArgumentException if the caller is not the task's owner
     */
    public static void demonitor(Task<?> task) {
        Objects.requireNonNull(task, "task");
        task.checkOwner("demonitor");
        task.settle("it was demonitored");
    }

    // ------------------------------------------------------------------ streams and futures

    /** {@link #asyncStream(Iterable, Function, AsyncStreamOptions)} with the default options. */
    public static <E, R> Stream<TaskResult<R>> asyncStream(Iterable<? extends E> source, Function<? super E, ? extends R> fn) {
        return asyncStream(source, fn, AsyncStreamOptions.defaults());
    }

    /**
     * A stream that runs {@code fn} on each element of {@code source} in its own task, at most
     * {@link AsyncStreamOptions#maxConcurrency()} at a time, and emits {@code Ok(result)} for each,
     * or {@code Exited(reason)} for a task that failed while the consumer traps exits (Elixir:
     * {@code Task.async_stream/3}).
     *
     * <p>Nothing runs until the stream is consumed; the source is read ahead only as far as the
     * concurrency allows. The process that consumes the stream owns the run: the tasks are linked to
     * it (through a helper process that also enforces each task's
     * {@linkplain AsyncStreamOptions#timeout() timeout}), so a task that fails makes a consumer that
     * does not trap exits exit too. Consume it sequentially, in one process.
     * {@snippet :
     * try (Stream<TaskResult<Integer>> lengths = Task.asyncStream(urls, Fetcher::length,
     *         AsyncStreamOptions.defaults().withMaxConcurrency(16))) {
     *     int total = lengths.mapToInt(r -> ((TaskResult.Ok<Integer>) r).value()).sum();
     * }
     * }
     * Consuming every element ends the run. A stream left before its end, by a short-circuiting
     * operation such as {@code limit} or {@code findFirst}, must be closed (try-with-resources): closing
     * it kills the tasks still running and drops their messages. An exception thrown by the consumer's
     * own code, or by the source, closes it too.
     *
     * <p>With {@link AsyncStreamOptions.OnTimeout#EXIT} (the default) a task that runs out of time
     * makes the consumer exit with {@code timeout}, after the run has been shut down (an
     * {@link ExitException} thrown out of the terminal operation); with
     * {@link AsyncStreamOptions.OnTimeout#KILL_TASK} the task is killed and {@code Exited(timeout)} is
     * emitted in its place. Closing, like the end of the run, waits until the tasks are dead.
     *
     * @throws io.jarl.NotAProcessException from the terminal operation, if the consumer is not a process
     */
    public static <E, R> Stream<TaskResult<R>> asyncStream(Iterable<? extends E> source,
            Function<? super E, ? extends R> fn, AsyncStreamOptions options) {
        Objects.requireNonNull(source, "source");
        return AsyncStream.create("Task.asyncStream", source::iterator, () -> {}, fn, options, linkedSpawner(fn));
    }

    /**
     * {@link #asyncStream(Iterable, Function, AsyncStreamOptions)} over a {@link Stream}, which is
     * closed when the returned stream is closed or consumed to its end.
     */
    public static <E, R> Stream<TaskResult<R>> asyncStream(Stream<? extends E> source,
            Function<? super E, ? extends R> fn, AsyncStreamOptions options) {
        Objects.requireNonNull(source, "source");
        return AsyncStream.create("Task.asyncStream", source::iterator, source::close, fn, options,
                linkedSpawner(fn));
    }

    private static AsyncStream.Spawner linkedSpawner(Object fn) {
        Objects.requireNonNull(fn, "fn");
        String function = Supervised.describe(fn, 1);
        return consumer -> Optional.of(new AsyncStream.Started(
                Jarl.spawn(Supervised.spawnOptions(function, true), Supervised.replying(consumer, false, function)),
                true));
    }

    /**
     * Runs {@code fn} as a task on behalf of a plain thread and returns a future of its result; works
     * from any thread.
     *
     * <p>A waiter process owns the task: it starts it with {@link #async(Callable)} (so the task is
     * linked to the waiter, which traps exits), awaits it with no timeout, and completes the future
     * with the result, or exceptionally with an {@link ExitException} carrying the task's exit
     * reason. Completing the future from outside ({@code cancel}, {@code complete},
     * {@code orTimeout}, ...) makes the waiter {@linkplain #shutdown(Task) shut the task down}.
     * {@link TaskSupervisor#asFuture} does the same with a supervised task.
     */
    public static <T> CompletableFuture<T> asFuture(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        return TaskFuture.start("Task.asFuture(" + Supervised.describe(fn, 0) + ")", () -> async(fn));
    }

    // ------------------------------------------------------------------ the owner's bookkeeping

    /** The reply or the Down of this task, as a matcher (the owner's selective receive). */
    Object answer(Object message) {
        return message instanceof Reply r && r.ref().equals(ref) || message instanceof Down d && d.ref().equals(ref)
                ? message : null;
    }

    void checkOwner(String operation) {
        Pid me = Jarl.inProcess() ? Jarl.self() : null;
        if (!owner.equals(me)) {
            throw new IllegalArgumentException("task " + this + " must be queried from the owner but was queried from "
                    + (me != null ? me : "thread " + Thread.currentThread().getName() + ", which is not a process")
                    + " (Task." + operation + ")");
        }
    }

    /** The owner may still take this task's outcome. */
    void checkQueryable(String operation) {
        checkOwner(operation);
        if (settled != null) {
            throw new IllegalStateException("Task." + operation + " on task " + this
                    + ", whose outcome was already taken: " + settled);
        }
    }

    /** Stops watching: the monitor (and a queued Down) and the reply alias go; nothing more arrives. */
    void settle(String why) {
        if (alias != null) {
            Jarl.unalias(alias);
        }
        Jarl.demonitor(ref, true);
        settled = why;
    }

    private void unlinkIfLinked() {
        if (pid != null && linked) {
            Jarl.unlink(pid);
        }
    }

    boolean linked() {
        return linked;
    }
}
