package io.jarl.supervisor;

import io.jarl.Address;
import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A supervisor that starts no children of its own and runs the children it is asked to start, many
 * and short-lived if need be (Elixir: {@code DynamicSupervisor}; OTP: a {@code simple_one_for_one}
 * supervisor).
 *
 * <h2>Example</h2>
 * {@snippet :
 * try (var me = Jarl.attach()) {
 *     Pid rooms = DynamicSupervisor.startLink(DynamicSupervisorOptions.defaults().withMaxChildren(1000),
 *             StartOptions.named("rooms")).orElseThrow();
 *     Pid lobby = DynamicSupervisor.startChild(Name.of("rooms"),
 *             ChildSpec.worker("room", () -> GenServer.startLink(new Room("lobby")))).orElseThrow();
 *     DynamicSupervisor.terminateChild(rooms, lobby);
 * }
 * }
 * Each child is restarted according to its own {@link Restart} type, alone (the strategy is always
 * one-for-one), within the supervisor's restart intensity (OTP's default: 1 restart in 5 seconds;
 * more makes it terminate its children and exit with {@code shutdown}). A restart that fails is
 * retried after the messages already queued, counting toward the intensity.
 *
 * <h2>Extra arguments</h2>
 * A start function receives the supervisor's
 * {@linkplain DynamicSupervisorOptions#extraArguments() extra arguments} (Elixir: {@code extra_arguments}),
 * the same for every child, for example a shared resource given once when the supervisor starts:
 * {@snippet :
 * Pid pool = DynamicSupervisor.startLink(DynamicSupervisorOptions.defaults()
 *         .withExtraArguments(List.of(connectionConfig))).orElseThrow();
 * DynamicSupervisor.startChild(pool, ChildSpec.worker("conn",
 *         args -> GenServer.startLink(new Connection((Config) args.get(0)))));
 * }
 * The arguments are kept with the child and given again at each restart.
 *
 * <h2>Client API</h2>
 * {@link #startChild}, {@link #terminateChild} (by pid: children have no usable id here),
 * {@link #whichChildren} and {@link #countChildren} are calls without timeout. A start beyond
 * {@link DynamicSupervisorOptions#maxChildren()} gives {@link StartChildResult.MaxChildren}.
 *
 * <h2>Shutdown</h2>
 * When the supervisor stops, its children are terminated concurrently (all sent {@code shutdown},
 * or {@code kill} for brutal kill, at once; each killed when its own shutdown timeout is over), since
 * they have no order and may be many.
 *
 * <h2>Naming</h2>
 * Pass {@link StartOptions#named(String)}; every client function takes an {@link Address}.
 *
 * <h2>When not to use it</h2>
 * For a fixed set of children that depend on each other, use {@link Supervisor}: it starts them in
 * order and can restart them together. A dynamic supervisor is one process: if it starts a great many
 * children per second it becomes the bottleneck; start several (Elixir's {@code PartitionSupervisor}).
 */
public final class DynamicSupervisor {
    private static final Duration INFINITY = Duration.ofNanos(Long.MAX_VALUE);

    private DynamicSupervisor() {}

    /** Starts a dynamic supervisor linked to the caller (Elixir: {@code DynamicSupervisor.start_link/1}). */
    public static StartResult startLink(DynamicSupervisorOptions options) {
        return startLink(options, StartOptions.defaults());
    }

    /** {@link #startLink(DynamicSupervisorOptions)} with a name or a start timeout. */
    public static StartResult startLink(DynamicSupervisorOptions options, StartOptions startOptions) {
        Objects.requireNonNull(options, "options");
        return GenServer.startLink(new DynamicSupervisorServer(options, startOptions.name()), startOptions);
    }

    /** Starts a dynamic supervisor not linked to the caller. */
    public static StartResult start(DynamicSupervisorOptions options, StartOptions startOptions) {
        Objects.requireNonNull(options, "options");
        return GenServer.start(new DynamicSupervisorServer(options, startOptions.name()), startOptions);
    }

    /** Stops the supervisor with reason {@code normal} after terminating its children, and waits. */
    public static void stop(Address supervisor) {
        GenServer.stop(supervisor, ExitReason.normal(), INFINITY);
    }

    /**
     * Starts a child with {@code spec}, its start function receiving the extra arguments
     * (Elixir: {@code DynamicSupervisor.start_child/2}). Its id is not used; an ignored child is not kept.
     */
    public static StartChildResult startChild(Address supervisor, ChildSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return GenServer.call(supervisor, new DynamicSupervisorServer.Call.StartChild(spec), INFINITY);
    }

    /**
     * Terminates the child {@code pid} with its shutdown protocol and forgets it
     * (Elixir: {@code DynamicSupervisor.terminate_child/2}); {@link TerminateResult.NotFound} if it is
     * not a child.
     */
    public static TerminateResult terminateChild(Address supervisor, Pid pid) {
        Objects.requireNonNull(pid, "pid");
        return GenServer.call(supervisor, new DynamicSupervisorServer.Call.TerminateChild(pid), INFINITY);
    }

    /**
     * The children, in start order, each with the id of its spec (Elixir lists {@code :undefined}),
     * running or restarting.
     */
    public static List<ChildInfo> whichChildren(Address supervisor) {
        return GenServer.call(supervisor, new Inspect.WhichChildren(), INFINITY);
    }

    /** How many children: specs is the number of children; active those not being restarted. */
    public static ChildCounts countChildren(Address supervisor) {
        return GenServer.call(supervisor, new Inspect.CountChildren(), INFINITY);
    }
}
