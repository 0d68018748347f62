package io.jarl.supervisor;

import io.jarl.Address;
import io.jarl.ExitReason;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A process that starts, watches and restarts other processes, its children (OTP: {@code supervisor};
 * Elixir: {@code Supervisor}).
 *
 * <h2>Example</h2>
 * {@snippet :
 * try (var me = Jarl.attach()) {
 *     List<ChildSpec> children = List.of(
 *             ChildSpec.worker("stack", () -> GenServer.startLink(new Stack(List.of()))),
 *             ChildSpec.worker("cache", () -> GenServer.startLink(new Cache())));
 *     Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(), children).orElseThrow();
 *
 *     Pid stack = Supervisor.whichChildren(sup).getLast().pid().orElseThrow(); // newest first
 *     Jarl.exit(stack, ExitReason.kill());     // the supervisor starts a new stack
 * }
 * }
 * The children start in list order, each with the start function of its {@link ChildSpec}, run in
 * the supervisor's process (so that {@code GenServer.startLink} links the child to the supervisor).
 * {@code startLink} returns once all have started. If one fails to start, the ones already started
 * are terminated in reverse order and the supervisor fails to start with reason
 * {@code ExitReason.shutdown(new FailedToStartChild(id, reason))}. A child whose start function
 * returns {@link StartResult.Ignored} does not run; its spec is kept (dropped if it is temporary).
 *
 * <h2>Restarts</h2>
 * When a child exits, its {@link Restart} type decides whether it is restarted, and the
 * {@link Strategy} which other children are restarted with it: {@link Strategy#ONE_FOR_ONE} only the
 * child, {@link Strategy#ONE_FOR_ALL} all of them, {@link Strategy#REST_FOR_ONE} it and the children
 * started after it (the others are terminated in reverse start order, then all restarted in start
 * order). Restarts are limited: more than {@link SupervisorFlags#intensity()} restarts within
 * {@link SupervisorFlags#period()} (OTP's defaults: 1 in 5 seconds) make the supervisor give up: it
 * terminates all children in reverse start order and exits with {@code shutdown}, and its own
 * supervisor takes over. A restart whose start function fails is retried, after the messages already
 * queued, and each attempt counts toward the intensity.
 *
 * <h2>Shutdown</h2>
 * A supervisor stops when its parent sends it an exit signal (it traps exits), when
 * {@link #stop(Address)} is called, or when it gives up. It then terminates its children in reverse
 * start order, each according to its {@link Shutdown}: monitor it, send {@code exit(child, shutdown)},
 * wait up to the timeout, then {@code kill}; {@code brutal_kill} kills at once, {@code infinity}
 * waits. Monitoring (not only linking) means a child that unlinked itself cannot hang it.
 *
 * <h2>Client API</h2>
 * {@link #startChild}, {@link #terminateChild}, {@link #restartChild}, {@link #deleteChild},
 * {@link #whichChildren}, {@link #countChildren} and {@link #getChildSpec} are calls to the
 * supervisor, with no timeout (as OTP's). Their outcomes are sealed results named after OTP's answers
 * ({@link StartChildResult.AlreadyPresent}, {@link RestartResult.Running}, {@link DeleteResult.NotFound}, ...),
 * so that a {@code switch} on them is checked by the compiler. A supervisor that is not running makes
 * them throw {@link io.jarl.ExitException} with reason {@code noproc}, like any call.
 *
 * <h2>Supervision trees</h2>
 * A child may itself be a supervisor: give it {@link ChildSpec#supervisor}, whose default shutdown is
 * {@code infinity}, so that it has the time to stop its own children.
 *
 * <h2>Reports</h2>
 * The supervisor logs one report, on the SLF4J logger {@code io.jarl.supervisor} at error level, when
 * a child exits abnormally ({@code child_terminated}), a start fails ({@code start_error}), a child
 * stops with another reason than asked ({@code shutdown_error}), and when it gives up
 * ({@code reached_max_restart_intensity}). Exits with {@code normal} or {@code shutdown} are silent.
 *
 * <h2>Name registration</h2>
 * {@code Supervisor.startLink(flags, children, StartOptions.named("workers"))} registers the
 * supervisor before its children start; every client function takes an {@link Address}, so
 * {@code Name.of("workers")} works wherever a pid does.
 *
 * <h2>When not to use it</h2>
 * For children started on demand, many of the same kind, use {@link DynamicSupervisor}. A supervisor
 * does not pass state between restarts: a restarted child starts afresh, so keep what must survive
 * elsewhere. And a supervisor is for processes that are linked to it: a child started without a link
 * is still terminated properly, but its crashes go unseen.
 *
 * <h2>Where it differs from OTP</h2>
 * There is no callback module: the flags and child specs are values, or an init function
 * ({@link #startLink(Callable, StartOptions)}) for children computed in the supervisor's process.
 * Bad flags throw {@link IllegalArgumentException} when built, instead of failing the start.
 * {@link #whichChildren} lists the children newest first, as OTP does. No {@code modules} field:
 * there is no hot code upgrade.
 */
public final class Supervisor {
    /** How long the client API waits for the supervisor: as long as it takes (OTP: {@code infinity}). */
    private static final Duration INFINITY = Duration.ofNanos(Long.MAX_VALUE);

    private Supervisor() {}

    // ------------------------------------------------------------------ starting

    /** Starts a supervisor linked to the caller, which must be a process (OTP: {@code supervisor:start_link/2}). */
    public static StartResult startLink(SupervisorFlags flags, List<ChildSpec> children) {
        return startLink(flags, children, StartOptions.defaults());
    }

    /** {@link #startLink(SupervisorFlags, List)} with a name or a start timeout. */
    public static StartResult startLink(SupervisorFlags flags, List<ChildSpec> children, StartOptions options) {
        SupervisorInit init = SupervisorInit.of(flags, children);
        return startLink(() -> init, options);
    }

    /**
     * Starts a supervisor linked to the caller whose flags and children are computed by {@code init},
     * in the supervisor's process, before the children start (OTP: {@code Module:init/1}). It may return
     * {@link SupervisorInit#ignore()} (the start returns {@link StartResult.Ignored}); if it throws,
     * the start fails with the exception as reason.
     */
    public static StartResult startLink(Callable<SupervisorInit> init, StartOptions options) {
        Objects.requireNonNull(init, "init");
        return GenServer.startLink(new SupervisorServer(init, options.name()), options);
    }

    /** Starts a supervisor not linked to the caller (OTP has only {@code start_link}; this is its {@code gen_server:start}). */
    public static StartResult start(SupervisorFlags flags, List<ChildSpec> children) {
        return start(flags, children, StartOptions.defaults());
    }

    /** {@link #start(SupervisorFlags, List)} with a name or a start timeout. */
    public static StartResult start(SupervisorFlags flags, List<ChildSpec> children, StartOptions options) {
        SupervisorInit init = SupervisorInit.of(flags, children);
        return start(() -> init, options);
    }

    /** {@link #startLink(Callable, StartOptions)} without the link. */
    public static StartResult start(Callable<SupervisorInit> init, StartOptions options) {
        Objects.requireNonNull(init, "init");
        return GenServer.start(new SupervisorServer(init, options.name()), options);
    }

    /**
     * Stops the supervisor with reason {@code normal}, after it has terminated its children, and waits
     * (Elixir: {@code Supervisor.stop/1}).
     */
    public static void stop(Address supervisor) {
        GenServer.stop(supervisor, ExitReason.normal(), INFINITY);
    }

    // ------------------------------------------------------------------ the child API

    /**
     * Adds a child and starts it (OTP: {@code start_child/2}). The spec is checked first
     * ({@link StartChildResult.Invalid}); a child with the same id gives
     * {@link StartChildResult.AlreadyStarted} or {@link StartChildResult.AlreadyPresent}.
     */
    public static StartChildResult startChild(Address supervisor, ChildSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return GenServer.call(supervisor, new SupervisorServer.Call.StartChild(spec), INFINITY);
    }

    /**
     * Terminates a child with its shutdown protocol and keeps its spec, not running (OTP:
     * {@code terminate_child/2}); a temporary child's spec is dropped. A child that is not running
     * gives {@link TerminateResult.Terminated} too, and a restart in progress is abandoned.
     */
    public static TerminateResult terminateChild(Address supervisor, Object id) {
        Objects.requireNonNull(id, "id");
        return GenServer.call(supervisor, new SupervisorServer.Call.TerminateChild(id), INFINITY);
    }

    /** Starts again a child that is not running, from its kept spec (OTP: {@code restart_child/2}). */
    public static RestartResult restartChild(Address supervisor, Object id) {
        Objects.requireNonNull(id, "id");
        return GenServer.call(supervisor, new SupervisorServer.Call.RestartChild(id), INFINITY);
    }

    /** Removes the spec of a child that is not running (OTP: {@code delete_child/2}). */
    public static DeleteResult deleteChild(Address supervisor, Object id) {
        Objects.requireNonNull(id, "id");
        return GenServer.call(supervisor, new SupervisorServer.Call.DeleteChild(id), INFINITY);
    }

    /** The children, newest first (OTP: {@code which_children/1}). */
    public static List<ChildInfo> whichChildren(Address supervisor) {
        return GenServer.call(supervisor, new Inspect.WhichChildren(), INFINITY);
    }

    /** How many children of each kind (OTP: {@code count_children/1}). */
    public static ChildCounts countChildren(Address supervisor) {
        return GenServer.call(supervisor, new Inspect.CountChildren(), INFINITY);
    }

    /** The spec of a child, or empty if there is none with that id (OTP: {@code get_childspec/2}). */
    public static Optional<ChildSpec> getChildSpec(Address supervisor, Object id) {
        Objects.requireNonNull(id, "id");
        return GenServer.call(supervisor, new SupervisorServer.Call.GetChildSpec(id), INFINITY);
    }

    // ------------------------------------------------------------------ checking specs

    /**
     * Checks a list of child specs as a supervisor would, without an auto-shutdown setting
     * (OTP: {@code check_childspecs/1}): ids must be unique and significant children not permanent.
     *
     * @return the first error, or empty if all are valid
     */
    public static Optional<ChildSpecError> checkChildSpecs(List<ChildSpec> specs) {
        return check(specs, null);
    }

    /**
     * Checks child specs for a supervisor with {@code autoShutdown} (OTP: {@code check_childspecs/2}):
     * also, significant children need an auto-shutdown other than {@link AutoShutdown#NEVER}.
     */
    public static Optional<ChildSpecError> checkChildSpecs(List<ChildSpec> specs, AutoShutdown autoShutdown) {
        return check(specs, Objects.requireNonNull(autoShutdown, "autoShutdown"));
    }

    private static Optional<ChildSpecError> check(List<ChildSpec> specs, AutoShutdown autoShutdown) {
        Objects.requireNonNull(specs, "specs");
        Set<Object> ids = new HashSet<>();
        for (ChildSpec spec : specs) {
            Objects.requireNonNull(spec, "a child spec is null");
            Optional<ChildSpecError> error = checkOne(spec, autoShutdown);
            if (error.isPresent()) {
                return error;
            }
            if (!ids.add(spec.id())) {
                return Optional.of(new ChildSpecError.DuplicateId(spec.id()));
            }
        }
        return Optional.empty();
    }

    /** The checks of one spec (OTP: {@code validSignificant/3}); {@code autoShutdown} null: not checked. */
    static Optional<ChildSpecError> checkOne(ChildSpec spec, AutoShutdown autoShutdown) {
        if (spec.significant() && autoShutdown == AutoShutdown.NEVER) {
            return Optional.of(new ChildSpecError.SignificantWithoutAutoShutdown(spec.id()));
        }
        if (spec.significant() && spec.restart() == Restart.PERMANENT) {
            return Optional.of(new ChildSpecError.SignificantPermanent(spec.id()));
        }
        return Optional.empty();
    }
}
