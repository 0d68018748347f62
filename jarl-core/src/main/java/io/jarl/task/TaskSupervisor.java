package io.jarl.task;

import io.jarl.Address;
import io.jarl.ExitException;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildInfo;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.DynamicSupervisor;
import io.jarl.supervisor.DynamicSupervisorOptions;
import io.jarl.supervisor.Restart;
import io.jarl.supervisor.Shutdown;
import io.jarl.supervisor.StartChildResult;
import io.jarl.supervisor.TerminateResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A supervisor of tasks started on demand (Elixir: {@code Task.Supervisor}).
 *
 * <p>A task supervisor starts with no children, usually in a supervision tree and under a name:
 * {@snippet :
 * Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(
 *         TaskSupervisor.childSpec(StartOptions.named("tasks"))));
 *
 * Task<Report> task = TaskSupervisor.asyncNolink(Name.of("tasks"), () -> buildReport(day));
 * switch (Task.yield(task, Duration.ofSeconds(10)).or(() -> Task.shutdown(task))) {
 *     case TaskResult.Ok<Report> ok -> publish(ok.value());
 *     case TaskResult.Exited<Report> failed -> log.warn("report failed: {}", failed.reason());
 *     case TaskResult.None<Report> none -> log.warn("report took too long");
 * }
 * }
 * Supervised tasks are visible ({@link #children}), and are shut down within their shutdown time when
 * the supervisor stops. The ways to start one, by how much the caller cares:
 * <ul>
 *   <li>{@link #startChild}: fire and forget; the result and the failure are nobody's business
 *       (failures are logged). Its {@link Restart} can make it be retried.</li>
 *   <li>{@link #async}: like {@link Task#async}, linked to the caller: await it; its failure is the
 *       caller's.</li>
 *   <li>{@link #asyncNolink}: monitored, not linked: the caller survives a failure and learns of it
 *       from {@link Task#await} (which throws the reason), {@link Task#yield} or
 *       {@link Task#shutdown}, or from the task's {@link io.jarl.Down} in a GenServer's
 *       {@code handleInfo}.</li>
 *   <li>{@link #asyncStream} and {@link #asyncStreamNolink}: {@link Task#asyncStream} with supervised
 *       tasks.</li>
 * </ul>
 *
 * <h2>Supervision and options</h2>
 * It is a {@link DynamicSupervisor} (every {@code DynamicSupervisor} function works on it), with
 * its restart intensity and {@linkplain DynamicSupervisorOptions#withMaxChildren child limit}; starting
 * a task beyond the limit throws {@link IllegalStateException} ({@code async}, streams) or returns
 * {@link StartChildResult.MaxChildren} ({@code startChild}). Tasks are temporary by default; a task
 * that must be retried on failure is started with {@link #startChild(Address, Runnable, Restart, Shutdown)}
 * and {@link Restart#TRANSIENT}. Each task is terminated like any child: sent {@code shutdown},
 * killed after its shutdown time (5 s by default; it matters only to a task that traps exits), or
 * killed at once with {@link Shutdown#brutalKill()}.
 *
 * <h2>Naming</h2>
 * {@link StartOptions#named(String)} or {@link StartOptions#via}; every function takes an
 * {@link Address}.
 *
 * <h2>When not to use it</h2>
 * A task supervisor is one process: a great many tasks started per second from many callers queue
 * up on it; start several and spread the callers over them (Elixir's {@code PartitionSupervisor}).
 *
 * <h2>Where it differs from Elixir</h2>
 * The restart limits default to OTP's (1 restart in 5 s) like every Jarl supervisor, where Elixir's
 * allow 3. The child spec's id is the task's function ({@code com.example.Foo$lambda/0}) where Elixir
 * has none.
 */
public final class TaskSupervisor {

    /*
     * Implementation overview.
     *
     * As in Elixir, a DynamicSupervisor whose children are tasks. A task that replies (async,
     * async_nolink, streams) is spawned by the supervisor, linked to it, monitoring its owner and
     * waiting for the owner's Go (Supervised.replying with monitorOwner); once the supervisor has
     * answered the start with the pid, the owner links to it (async) and sends the Go, exactly as
     * Task.async does for an unsupervised task. A fire-and-forget task (startChild) needs no Go: its
     * function is in the child spec's start function, which a restart runs again (Elixir passes
     * temporary tasks their function in a message only to keep it out of the supervisor's state).
     */

    private TaskSupervisor() {}

    /** Starts a task supervisor linked to the caller, with the default options (Elixir: {@code Task.Supervisor.start_link/1}). */
    public static StartResult startLink() {
        return startLink(DynamicSupervisorOptions.defaults(), StartOptions.defaults());
    }

    /** {@link #startLink()} with a name. */
    public static StartResult startLink(StartOptions startOptions) {
        return startLink(DynamicSupervisorOptions.defaults(), startOptions);
    }

    /** {@link #startLink()} with restart limits, a child limit and a name. */
    public static StartResult startLink(DynamicSupervisorOptions options, StartOptions startOptions) {
        return DynamicSupervisor.startLink(options, startOptions);
    }

    /** Starts a task supervisor not linked to the caller (for scripts and tests; Elixir has only {@code start_link}). */
    public static StartResult start(DynamicSupervisorOptions options, StartOptions startOptions) {
        return DynamicSupervisor.start(options, startOptions);
    }

    /** Stops the supervisor after shutting its tasks down, and waits. */
    public static void stop(Address supervisor) {
        DynamicSupervisor.stop(supervisor);
    }

    /**
     * A child spec for a task supervisor in a supervision tree (Elixir: {@code {Task.Supervisor, opts}}):
     * type supervisor, id its name (or {@code "TaskSupervisor"}).
     */
    public static ChildSpec childSpec(StartOptions startOptions) {
        return childSpec(DynamicSupervisorOptions.defaults(), startOptions);
    }

    /** {@link #childSpec(StartOptions)} with restart limits and a child limit. */
    public static ChildSpec childSpec(DynamicSupervisorOptions options, StartOptions startOptions) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(startOptions, "startOptions");
        Object id = startOptions.name().<Object>map(n -> n)
                .or(() -> startOptions.via().map(v -> v.key()))
                .orElse("TaskSupervisor");
        return ChildSpec.supervisor(id, () -> startLink(options, startOptions));
    }

    // ------------------------------------------------------------------ tasks that reply

    /**
     * Starts a task under the supervisor, linked to the caller, to be awaited (Elixir:
     * {@code Task.Supervisor.async/3}); see {@link Task#async}.
     *
     * @throws IllegalStateException if the supervisor has its maximum number of children
     * @throws ExitException with {@code noproc} if the supervisor is not running
     * @throws io.jarl.NotAProcessException if the caller is not a process
     */
    public static <T> Task<T> async(Address supervisor, Callable<T> fn) {
        return async(supervisor, fn, Shutdown.DEFAULT_WORKER);
    }

    /** {@link #async(Address, Callable)} with the task's shutdown ({@link Shutdown#brutalKill()} or a time). */
    public static <T> Task<T> async(Address supervisor, Callable<T> fn, Shutdown shutdown) {
        return startAsync(supervisor, fn, shutdown, true, "TaskSupervisor.async");
    }

    /**
     * Starts a task under the supervisor, monitored by the caller but not linked to it (Elixir:
     * {@code Task.Supervisor.async_nolink/3}). The caller survives the task's failure: {@link Task#await}
     * throws its reason, {@link Task#yield} returns it; in a GenServer, the task's {@link Task.Reply} or
     * its {@link io.jarl.Down} arrives in {@code handleInfo}.
     *
     * @throws IllegalStateException if the supervisor has its maximum number of children
     * @throws ExitException with {@code noproc} if the supervisor is not running
     * @throws io.jarl.NotAProcessException if the caller is not a process
     */
    public static <T> Task<T> asyncNolink(Address supervisor, Callable<T> fn) {
        return asyncNolink(supervisor, fn, Shutdown.DEFAULT_WORKER);
    }

    /** {@link #asyncNolink(Address, Callable)} with the task's shutdown. */
    public static <T> Task<T> asyncNolink(Address supervisor, Callable<T> fn, Shutdown shutdown) {
        return startAsync(supervisor, fn, shutdown, false, "TaskSupervisor.asyncNolink");
    }

    private static <T> Task<T> startAsync(Address supervisor, Callable<T> fn, Shutdown shutdown, boolean link,
                                          String what) {
        Objects.requireNonNull(supervisor, "supervisor");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(shutdown, "shutdown");
        Pid owner = Supervised.requireProcess(what);
        String function = Supervised.describe(fn, 0);
        Pid pid = startReplying(supervisor, owner, function, shutdown).orElseThrow(
                () -> new IllegalStateException(MAX_CHILDREN));
        if (link) {
            Jarl.link(pid);
        }
        return Task.go(pid, owner, function, link, fn);
    }

    private static final String MAX_CHILDREN = "reached the maximum number of tasks for this task supervisor. The"
            + " maximum number of tasks that are allowed to run at the same time under this supervisor can be"
            + " configured with DynamicSupervisorOptions.withMaxChildren given to TaskSupervisor.startLink";

    /** Starts a temporary task that waits for its owner's Go; empty at the child limit. */
    private static Optional<Pid> startReplying(Address supervisor, Pid owner, String function, Shutdown shutdown) {
        ChildSpec spec = ChildSpec.worker(function, args -> new StartResult.Ok(Jarl.spawn(
                        Supervised.spawnOptions(function, true), Supervised.replying(owner, true, function))))
                .withRestart(Restart.TEMPORARY)
                .withShutdown(shutdown);
        StartChildResult result = DynamicSupervisor.startChild(supervisor, spec);
        return switch (result) {
            case StartChildResult.Started(Pid pid) -> Optional.of(pid);
            case StartChildResult.MaxChildren() -> Optional.empty();
            default -> Optional.of(result.orElseThrow());
        };
    }

    /**
     * Runs {@code fn} as a supervised task on behalf of a plain thread and returns a future of its
     * result; works from any thread. As {@link Task#asFuture(Callable)}, with the task started by
     * {@link #asyncNolink(Address, Callable)}: a waiter process owns it and completes the future; the
     * future fails with {@code noproc} if the supervisor is not running, or with the task's reason
     * (for instance {@code shutdown} when the supervisor stops). Completing the future from outside
     * shuts the task down.
     */
    public static <T> CompletableFuture<T> asFuture(Address supervisor, Callable<T> fn) {
        Objects.requireNonNull(supervisor, "supervisor");
        Objects.requireNonNull(fn, "fn");
        return TaskFuture.start("TaskSupervisor.asFuture(" + supervisor + ", " + Supervised.describe(fn, 0) + ")",
                () -> asyncNolink(supervisor, fn));
    }

    // ------------------------------------------------------------------ fire and forget

    /**
     * Starts a fire-and-forget task under the supervisor, linked to it only (Elixir:
     * {@code Task.Supervisor.start_child/2}): temporary, 5-second shutdown. Works from any thread.
     */
    public static StartChildResult startChild(Address supervisor, Runnable fn) {
        return startChild(supervisor, fn, Restart.TEMPORARY, Shutdown.DEFAULT_WORKER);
    }

    /**
     * {@link #startChild(Address, Runnable)} with a restart type ({@link Restart#TRANSIENT}: run again
     * after a failure; {@link Restart#PERMANENT}: always run again) and a shutdown.
     */
    public static StartChildResult startChild(Address supervisor, Runnable fn, Restart restart, Shutdown shutdown) {
        Objects.requireNonNull(supervisor, "supervisor");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(shutdown, "shutdown");
        Object owner = Supervised.starter();
        String function = Supervised.describe(fn, 0);
        ChildSpec spec = ChildSpec.worker(function, args -> new StartResult.Ok(Jarl.spawn(
                        Supervised.spawnOptions(function, true), Supervised.noReply(owner, fn, function))))
                .withRestart(restart)
                .withShutdown(shutdown);
        return DynamicSupervisor.startChild(supervisor, spec);
    }

    // ------------------------------------------------------------------ children

    /** The pids of the running tasks, in start order (Elixir: {@code Task.Supervisor.children/1}). */
    public static List<Pid> children(Address supervisor) {
        return DynamicSupervisor.whichChildren(supervisor).stream()
                .map(ChildInfo::pid).flatMap(Optional::stream).toList();
    }

    /**
     * Terminates a task with its shutdown (Elixir: {@code Task.Supervisor.terminate_child/2});
     * {@link TerminateResult.NotFound} if it is not a child.
     */
    public static TerminateResult terminateChild(Address supervisor, Pid pid) {
        return DynamicSupervisor.terminateChild(supervisor, pid);
    }

    // ------------------------------------------------------------------ streams

    /**
     * {@link Task#asyncStream(Iterable, Function, AsyncStreamOptions)} with tasks started under the
     * supervisor and linked to the consumer (Elixir: {@code Task.Supervisor.async_stream/4}); their
     * shutdown is {@link AsyncStreamOptions#shutdown()}.
     */
    public static <E, R> Stream<TaskResult<R>> asyncStream(Address supervisor, Iterable<? extends E> source,
            Function<? super E, ? extends R> fn, AsyncStreamOptions options) {
        Objects.requireNonNull(source, "source");
        return AsyncStream.create("TaskSupervisor.asyncStream", source::iterator, () -> {}, fn, options,
                spawner(supervisor, fn, options, true));
    }

    /** {@link #asyncStream(Address, Iterable, Function, AsyncStreamOptions)} over a {@link Stream}. */
    public static <E, R> Stream<TaskResult<R>> asyncStream(Address supervisor, Stream<? extends E> source,
            Function<? super E, ? extends R> fn, AsyncStreamOptions options) {
        Objects.requireNonNull(source, "source");
        return AsyncStream.create("TaskSupervisor.asyncStream", source::iterator, source::close, fn, options,
                spawner(supervisor, fn, options, true));
    }

    /**
     * An async stream whose supervised tasks are not linked to the consumer (Elixir:
     * {@code Task.Supervisor.async_stream_nolink/4}): a task that fails gives an {@code Exited} element,
     * whether the consumer traps exits or not. Closing the stream still shuts its tasks down.
     */
    public static <E, R> Stream<TaskResult<R>> asyncStreamNolink(Address supervisor, Iterable<? extends E> source,
            Function<? super E, ? extends R> fn, AsyncStreamOptions options) {
        Objects.requireNonNull(source, "source");
        return AsyncStream.create("TaskSupervisor.asyncStreamNolink", source::iterator, () -> {}, fn, options,
                spawner(supervisor, fn, options, false));
    }

    /** {@link #asyncStreamNolink(Address, Iterable, Function, AsyncStreamOptions)} over a {@link Stream}. */
    public static <E, R> Stream<TaskResult<R>> asyncStreamNolink(Address supervisor, Stream<? extends E> source,
            Function<? super E, ? extends R> fn, AsyncStreamOptions options) {
        Objects.requireNonNull(source, "source");
        return AsyncStream.create("TaskSupervisor.asyncStreamNolink", source::iterator, source::close, fn, options,
                spawner(supervisor, fn, options, false));
    }

    /** Starts a stream's task under the supervisor, from the stream's monitor process, which it links to. */
    private static AsyncStream.Spawner spawner(Address supervisor, Object fn, AsyncStreamOptions options,
                                               boolean link) {
        Objects.requireNonNull(supervisor, "supervisor");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(options, "options");
        String function = Supervised.describe(fn, 1);
        Shutdown shutdown = options.shutdown();
        return consumer -> {
            Optional<Pid> pid = startReplying(supervisor, consumer, function, shutdown);
            if (pid.isPresent() && link) {
                Jarl.link(pid.get());
            }
            return pid.map(p -> new AsyncStream.Started(p, link));
        };
    }
}
