package io.jarl.supervisor;

import io.jarl.Address;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Name;
import io.jarl.NameRegistry;
import io.jarl.Pid;
import io.jarl.RemoteName;
import io.jarl.Via;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A supervisor that runs several copies, partitions, of one child, and routes to them by key (Elixir:
 * {@code PartitionSupervisor}, since 1.14).
 *
 * <p>A process that has become a bottleneck and whose state splits into independent parts can run as
 * one process per part: each key is routed to one partition, always the same while the number of
 * partitions does not change.
 *
 * {@snippet :
 * try (var me = Jarl.attach()) {
 *     PartitionSupervisor.startLink(PartitionSupervisorOptions.of("counters",
 *             ChildSpec.worker("counter", () -> GenServer.startLink(new Counter())))).orElseThrow();
 *
 *     Via counter = PartitionSupervisor.via(Name.of("counters"), userId);   // the partition of userId
 *     GenServer.cast(counter, new Counter.Cast.Add(1));
 *     int n = GenServer.call(counter, new Counter.Call.Get());
 * }
 * }
 *
 * <h2>Partitions</h2>
 * The supervisor starts {@link PartitionSupervisorOptions#partitions()} children (by default one per
 * processor), with ids 0, 1, ...; each is the {@linkplain PartitionSupervisorOptions#childSpec() child
 * spec} with its id replaced by the partition number. A child learns its partition through
 * {@link PartitionSupervisorOptions#withArguments()}:
 * {@snippet :
 * PartitionSupervisorOptions.of("shards",
 *                 ChildSpec.worker("shard", args -> GenServer.startLink(new Shard((int) args.getFirst()))))
 *         .withArguments((args, partition) -> List.of(partition));
 * }
 *
 * <h2>Routing</h2>
 * {@link #via(Address, Object)} is the address of the partition of a key, for calls, casts and sends,
 * resolved at each use: an integer key (int, long, short, byte, {@link BigInteger}) goes to
 * {@code abs(key) % partitions}, any other to its hash code spread over the partitions (Elixir:
 * {@code :erlang.phash2/2}; so keys must have a stable {@code hashCode}). As in Elixir, the routing may
 * change between versions: do not store it. Resolving reads a table, with no message to the supervisor.
 *
 * <h2>Supervision</h2>
 * It is a {@link Supervisor} (one_for_one, Elixir's 3 restarts in 5 seconds, unless
 * {@link PartitionSupervisorOptions#flags()} say otherwise): {@link #whichChildren},
 * {@link #countChildren} and {@link #stop} are those of {@link Supervisor}. A restarted partition is
 * routed to at once. In a tree, use {@link #childSpec(PartitionSupervisorOptions)}.
 *
 * <h2>Naming</h2>
 * The supervisor needs a name: a {@link Name}, or a {@link Via} in any {@link NameRegistry} (a
 * {@code Registry}, for instance); every function here takes it.
 *
 * <h2>When not to use it</h2>
 * When the partitions must share state, or when a key's process must survive a change of the number
 * of partitions. For one process per key, started on demand, use a {@link DynamicSupervisor} and a
 * registry.
 *
 * <h2>Where it differs from Elixir</h2>
 * The start function of the child spec receives the arguments {@code withArguments} makes (under a
 * Supervisor a start function receives none), where Elixir rewrites the arguments of the child's
 * {@code start} MFA. A route to a partition that is being restarted resolves to no process (a send to
 * it fails with {@link io.jarl.NoSuchNameException}), where Elixir returns the old pid.
 */
public final class PartitionSupervisor implements NameRegistry {

    /*
     * Implementation overview (Elixir: partition_supervisor.ex).
     *
     * startLink() starts a Supervisor under the given name; its init, in the supervisor's process,
     * publishes a Table (Elixir's ETS table: the number of partitions and each partition's pid) under
     * the name, then returns one child spec per partition whose start function records the child's
     * pid in the table (Elixir: start_child/4 and register_child/2). Routing reads the table, never
     * the supervisor. A table goes with its supervisor: one whose owner is dead is unknown (noproc),
     * dropped when found so, or replaced when the name starts again.
     *
     * An instance of this class is the NameRegistry of the Via names of one supervisor: it routes
     * keys and refuses registrations, as Elixir's via callbacks do.
     */

    private static final ConcurrentHashMap<Address, Table> TABLES = new ConcurrentHashMap<>();
    private static final Duration INFINITY = Duration.ofNanos(Long.MAX_VALUE);

    /** Elixir's ETS table of one partition supervisor. */
    private static final class Table {
        final Pid owner;
        final int max;
        volatile int partitions;
        final AtomicReferenceArray<Pid> children;
        /** Resizes one at a time (Elixir: {@code Registry.lock} on the supervisor). */
        final ReentrantLock resizing = new ReentrantLock();

        Table(Pid owner, int partitions) {
            this.owner = owner;
            this.max = partitions;
            this.partitions = partitions;
            this.children = new AtomicReferenceArray<>(partitions);
        }
    }

    private final Address name;

    private PartitionSupervisor(Address name) {
        this.name = name;
    }

    // ------------------------------------------------------------------ starting

    /**
     * Starts a partition supervisor linked to the caller, which must be a process (Elixir:
     * {@code PartitionSupervisor.start_link/1}), and its partitions. A name that is taken gives
     * {@code Failed({already_started, Pid})}.
     *
     * @throws IllegalArgumentException if {@code withArguments} returns null, in the caller
     */
    public static StartResult startLink(PartitionSupervisorOptions options) {
        Objects.requireNonNull(options, "options");
        List<List<Object>> arguments = new ArrayList<>();
        for (int p = 0; p < options.partitions(); p++) {
            List<Object> a = options.withArguments().apply(List.of(), p);
            if (a == null) {
                throw new IllegalArgumentException("the function given to withArguments must return a list, got null"
                        + " for partition " + p);
            }
            arguments.add(Collections.unmodifiableList(new ArrayList<>(a)));
        }
        StartOptions start = switch (options.name()) {
            case Name n -> StartOptions.named(n.value());
            case Via v -> StartOptions.via(v.registry(), v.key());
            case Pid _, RemoteName _ -> throw new IllegalArgumentException(
                    "unreachable: the options take a local or via name only");
        };
        return Supervisor.startLink(() -> init(options, arguments), start);
    }

    /**
     * A child spec that starts the partition supervisor under another supervisor (Elixir:
     * {@code PartitionSupervisor.child_spec/1}): id the name (a {@link Via}'s key for a via name),
     * type supervisor.
     */
    public static ChildSpec childSpec(PartitionSupervisorOptions options) {
        Objects.requireNonNull(options, "options");
        Object id = switch (options.name()) {
            case Name n -> n.value();
            case Via v -> v.key();
            case Pid _, RemoteName _ -> throw new IllegalArgumentException(
                    "unreachable: the options take a local or via name only");
        };
        return ChildSpec.supervisor(id, () -> startLink(options));
    }

    /** Runs in the supervisor: publish the table, then give the supervisor the partitions. */
    private static SupervisorInit init(PartitionSupervisorOptions options, List<List<Object>> arguments) {
        Table table = new Table(Jarl.self(), options.partitions());
        Table published = TABLES.compute(options.name(), (n, old) -> old == null || !old.owner.isAlive() ? table : old);
        if (published != table) {
            throw new IllegalStateException("a PartitionSupervisor named " + options.name() + " is already running: "
                    + published.owner);
        }
        ChildSpec spec = options.childSpec();
        List<ChildSpec> children = new ArrayList<>();
        for (int p = 0; p < options.partitions(); p++) {
            int partition = p;
            List<Object> args = arguments.get(p);
            children.add(new ChildSpec(partition, extra -> {
                StartResult result = spec.start().start(args);
                if (result instanceof StartResult.Ok(Pid pid)) {
                    table.children.set(partition, pid);
                }
                return result;
            }, spec.restart(), spec.shutdown(), spec.type(), spec.significant()));
        }
        return SupervisorInit.of(options.flags(), children);
    }

    // ------------------------------------------------------------------ routing

    /**
     * The address of the partition of {@code key} in the partition supervisor {@code supervisor}
     * (Elixir: {@code {:via, PartitionSupervisor, {name, key}}}), resolved at each use.
     */
    public static Via via(Address supervisor, Object key) {
        return new Via(new PartitionSupervisor(requireName(supervisor)), Objects.requireNonNull(key, "key"));
    }

    /**
     * The partition of {@code key}'s running process, if any (Elixir: {@code GenServer.whereis/1} of a via).
     *
     * @throws ExitException with {@code noproc} if no partition supervisor runs under that name
     * @throws IllegalArgumentException if it has been resized to zero partitions
     */
    @Override
    public Optional<Pid> whereisName(Object key) {
        Objects.requireNonNull(key, "key");
        Table t = table(name, "whereis");
        int n = t.partitions;
        if (n == 0) {
            throw new IllegalArgumentException("PartitionSupervisor " + name + " has zero partitions");
        }
        return Optional.ofNullable(t.children.get(route(key, n))).filter(Pid::isAlive);
    }

    /**
     * Refuses: a partition is not a name to register under (Elixir raises too).
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public boolean registerName(Object key, Pid pid) {
        throw new UnsupportedOperationException("a PartitionSupervisor via name cannot be given on registration");
    }

    /**
     * Refuses, as {@link #registerName}.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void unregisterName(Object key) {
        throw new UnsupportedOperationException("a PartitionSupervisor via name cannot be given on unregistration");
    }

    /** Elixir: {@code rem(abs(key), partitions)} for integers, {@code :erlang.phash2(key, partitions)} otherwise. */
    static int route(Object key, int partitions) {
        return switch (key) {
            case Integer i -> Math.abs(i % partitions);
            case Long l -> (int) Math.abs(l % partitions);
            case Short s -> Math.abs(s % partitions);
            case Byte b -> Math.abs(b % partitions);
            case BigInteger b -> b.abs().mod(BigInteger.valueOf(partitions)).intValue();
            default -> {
                int h = key.hashCode() * 0x9E3779B9;
                h ^= h >>> 16;
                yield (int) (((h & 0xFFFF_FFFFL) * partitions) >>> 32);
            }
        };
    }

    // ------------------------------------------------------------------ the supervisor

    /**
     * The number of partitions that keys are routed to (Elixir: {@code PartitionSupervisor.partitions/1}).
     *
     * @throws ExitException with {@code noproc} if no partition supervisor runs under that name
     */
    public static int partitions(Address supervisor) {
        return table(requireName(supervisor), "partitions").partitions;
    }

    /**
     * Changes the number of partitions that run and that keys are routed to, between 0 and the number it
     * started with, by terminating the partitions above the new number or restarting those below it
     * (Elixir: {@code PartitionSupervisor.resize!/2}, since 1.18). Their specs stay. Resizes of one
     * supervisor run one at a time. Returns the number of partitions before.
     *
     * @throws IllegalArgumentException if {@code partitions} is out of range
     * @throws IllegalStateException if a partition could not be restarted or terminated
     * @throws ExitException with {@code noproc} if no partition supervisor runs under that name
     */
    public static int resize(Address supervisor, int partitions) {
        Table t = table(requireName(supervisor), "resize");
        t.resizing.lock();
        try {
            if (partitions < 0 || partitions > t.max) {
                throw new IllegalArgumentException("the number of partitions to resize to must be a number between 0 and "
                        + t.max + ", got: " + partitions);
            }
            int current = t.partitions;
            if (partitions > current) {
                for (int id = current; id < partitions; id++) {
                    RestartResult r = Supervisor.restartChild(supervisor, id);
                    if (!(r instanceof RestartResult.Restarted)) {
                        throw new IllegalStateException("cannot restart partition " + id + " of PartitionSupervisor "
                                + supervisor + ": " + r);
                    }
                }
                t.partitions = partitions;
            } else if (partitions < current) {
                t.partitions = partitions; // stop routing there before the partitions go
                for (int id = partitions; id < current; id++) {
                    TerminateResult r = Supervisor.terminateChild(supervisor, id);
                    if (!(r instanceof TerminateResult.Terminated)) {
                        throw new IllegalStateException("cannot terminate partition " + id + " of PartitionSupervisor "
                                + supervisor + ": " + r);
                    }
                }
            }
            return current;
        } finally {
            t.resizing.unlock();
        }
    }

    /** The partitions, newest first, with ids 0, 1, ... (Elixir: {@code PartitionSupervisor.which_children/1}). */
    public static List<ChildInfo> whichChildren(Address supervisor) {
        return Supervisor.whichChildren(requireName(supervisor));
    }

    /** How many partitions of each kind (Elixir: {@code PartitionSupervisor.count_children/1}). */
    public static ChildCounts countChildren(Address supervisor) {
        return Supervisor.countChildren(requireName(supervisor));
    }

    /** Stops the partition supervisor with {@code normal} and waits (Elixir: {@code PartitionSupervisor.stop/1}). */
    public static void stop(Address supervisor) {
        stop(supervisor, ExitReason.normal(), INFINITY);
    }

    /**
     * Stops the partition supervisor with {@code reason}, waiting up to {@code timeout} (Elixir:
     * {@code PartitionSupervisor.stop/3}).
     *
     * @throws ExitException with {@code noproc} if it is not running, {@code timeout} if it did not stop
     *         in time, or its exit reason if it ended with another reason
     */
    public static void stop(Address supervisor, ExitReason reason, Duration timeout) {
        GenServer.stop(requireName(supervisor), reason, timeout);
    }

    // ------------------------------------------------------------------ helpers

    private static Address requireName(Address supervisor) {
        Objects.requireNonNull(supervisor, "supervisor");
        if (supervisor instanceof Pid) {
            throw new IllegalArgumentException("a PartitionSupervisor is addressed by its name (a Name or a Via), not by"
                    + " the pid " + supervisor);
        }
        return supervisor;
    }

    private static Table table(Address name, String operation) {
        Table t = TABLES.get(name);
        if (t != null && !t.owner.isAlive()) {
            TABLES.remove(name, t);
            t = null;
        }
        if (t == null) {
            throw new ExitException(ExitReason.noproc(), "PartitionSupervisor." + operation + "(" + name + ")");
        }
        return t;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PartitionSupervisor p && p.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "PartitionSupervisor[" + name + "]";
    }
}
