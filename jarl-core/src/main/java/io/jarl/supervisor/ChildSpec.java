package io.jarl.supervisor;

import io.jarl.server.StartResult;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a supervisor starts, restarts and terminates one child (OTP: {@code child_spec()}).
 *
 * <p>Build one with {@link #worker} or {@link #supervisor}, which give OTP's defaults, and change
 * what differs with the {@code with...} methods (each returns a changed copy):
 *
 * {@snippet :
 * ChildSpec cache = ChildSpec.worker("cache", () -> GenServer.startLink(new Cache()))
 *         .withRestart(Restart.TRANSIENT)
 *         .withShutdown(Shutdown.timeout(Duration.ofSeconds(1)));
 * }
 *
 * <p>The start function runs in the supervisor's process, so a child started with
 * {@code GenServer.startLink} (or {@code Jarl.spawnLink}) is linked to the supervisor, as it must be.
 * It returns {@link StartResult.Ok} with the child's pid, {@link StartResult.Ignored} (the child does
 * not run; its spec is kept unless it is temporary), or {@link StartResult.Failed}; a start function
 * that throws fails with the exception as reason.
 *
 * <p>The record's constructor checks each field alone (no nulls, no negative timeout). Rules that
 * involve several fields or several specs (a significant child must not be permanent, ids must be
 * unique, ...) are checked by {@link Supervisor#checkChildSpecs(List, AutoShutdown)} and when the spec
 * reaches a supervisor, which reports them as a {@link ChildSpecError}, as OTP does.
 *
 * @param id          the child's name within its supervisor (OTP: {@code id}); any value with
 *                    {@code equals}; ignored by {@link DynamicSupervisor}
 * @param start       starts the child (OTP: {@code start}); receives the extra arguments of a
 *                    {@link DynamicSupervisor} (an empty list under a {@link Supervisor})
 * @param restart     when the child is restarted; default {@link Restart#PERMANENT}
 * @param shutdown    how it is terminated; default 5 s for a worker, {@code infinity} for a supervisor
 * @param type        worker or supervisor; default {@link ChildType#WORKER}
 * @param significant whether its exit may shut the supervisor down (see {@link AutoShutdown});
 *                    default {@code false}; not allowed with {@link Restart#PERMANENT}
 */
public record ChildSpec(Object id, StartFunction start, Restart restart, Shutdown shutdown, ChildType type,
        boolean significant) {

    /**
     * Starts a child, in the supervisor's process (OTP: the {@code {M, F, A}} of a child spec).
     * {@code extraArguments} are a {@link DynamicSupervisor}'s extra arguments (OTP: the arguments
     * appended by {@code supervisor:start_child/2} for {@code simple_one_for_one}); empty under a
     * {@link Supervisor}.
     */
    @FunctionalInterface
    public interface StartFunction {
        StartResult start(List<Object> extraArguments) throws Exception;
    }

    public ChildSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(type, "type");
    }

    /** A permanent, non-significant worker with a 5-second shutdown, started by {@code start}. */
    public static ChildSpec worker(Object id, Supplier<StartResult> start) {
        Objects.requireNonNull(start, "start");
        return worker(id, args -> start.get());
    }

    /** A permanent worker whose start function takes a {@link DynamicSupervisor}'s extra arguments. */
    public static ChildSpec worker(Object id, StartFunction start) {
        return new ChildSpec(id, start, Restart.PERMANENT, Shutdown.DEFAULT_WORKER, ChildType.WORKER, false);
    }

    /** A permanent supervisor child with shutdown {@code infinity}, started by {@code start}. */
    public static ChildSpec supervisor(Object id, Supplier<StartResult> start) {
        Objects.requireNonNull(start, "start");
        return supervisor(id, args -> start.get());
    }

    /** A permanent supervisor child whose start function takes extra arguments. */
    public static ChildSpec supervisor(Object id, StartFunction start) {
        return new ChildSpec(id, start, Restart.PERMANENT, Shutdown.DEFAULT_SUPERVISOR, ChildType.SUPERVISOR, false);
    }

    public ChildSpec withId(Object id) {
        return new ChildSpec(id, start, restart, shutdown, type, significant);
    }

    public ChildSpec withRestart(Restart restart) {
        return new ChildSpec(id, start, restart, shutdown, type, significant);
    }

    public ChildSpec withShutdown(Shutdown shutdown) {
        return new ChildSpec(id, start, restart, shutdown, type, significant);
    }

    /** This spec as a worker or a supervisor; the shutdown is left as it is. */
    public ChildSpec withType(ChildType type) {
        return new ChildSpec(id, start, restart, shutdown, type, significant);
    }

    public ChildSpec withSignificant(boolean significant) {
        return new ChildSpec(id, start, restart, shutdown, type, significant);
    }

    @Override
    public String toString() {
        return "ChildSpec[id=" + id + ", restart=" + restart + ", shutdown=" + shutdown + ", type=" + type
                + ", significant=" + significant + "]";
    }
}
