package io.jarl.supervisor;

import io.jarl.Address;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.Via;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to start a {@link PartitionSupervisor} (Elixir: the options of {@code PartitionSupervisor.start_link/1}).
 *
 * <p>Immutable; each {@code with...} method returns a changed copy:
 * {@snippet :
 * PartitionSupervisorOptions options = PartitionSupervisorOptions.of("collectors",
 *                 ChildSpec.worker("collector", args -> GenServer.startLink(new Collector((int) args.getFirst()))))
 *         .withArguments((args, partition) -> List.of(partition))
 *         .withPartitions(4);
 * }
 *
 * @param name          the supervisor's name, required (Elixir: {@code :name}): a {@link Name} or a
 *                      {@link Via}; the partitions are found through it
 * @param childSpec     the child each partition runs (Elixir: {@code :child_spec}); its id is replaced
 *                      by the partition number
 * @param partitions    how many partitions (Elixir: {@code :partitions}); by default the number of
 *                      processors ({@code System.schedulers_online()})
 * @param withArguments what each partition's start function receives, given the arguments it would
 *                      receive (none under a supervisor) and the partition number (Elixir:
 *                      {@code :with_arguments}); by default the arguments unchanged
 * @param flags         the supervisor's strategy and restart limits (Elixir: {@code :strategy},
 *                      {@code :max_restarts}, {@code :max_seconds}); by default one_for_one with Elixir's
 *                      3 restarts in 5 seconds; its auto-shutdown must be {@link AutoShutdown#NEVER}
 */
public record PartitionSupervisorOptions(Address name, ChildSpec childSpec, int partitions, WithArguments withArguments,
        SupervisorFlags flags) {

    /**
     * The arguments given to a partition's start function (Elixir: the function of {@code :with_arguments}).
     */
    @FunctionalInterface
    public interface WithArguments {
        /**
         * @param arguments the arguments the start function would receive otherwise (empty)
         * @param partition the partition, from 0
         * @return the arguments to give it; not null
         */
        List<Object> apply(List<Object> arguments, int partition);
    }

    /** Elixir's restart limits for a PartitionSupervisor: 3 restarts within 5 seconds. */
    public static final SupervisorFlags DEFAULT_FLAGS = SupervisorFlags.oneForOne().withIntensity(3)
            .withPeriod(Duration.ofSeconds(5));

    /**
     * @throws IllegalArgumentException if {@code name} is a pid or a remote name, {@code partitions} is not positive, or
     *         the flags' auto-shutdown is not {@link AutoShutdown#NEVER} (Elixir raises {@code ArgumentError})
     */
    public PartitionSupervisorOptions {
        Objects.requireNonNull(name, "the name must be given to a PartitionSupervisor");
        if (name instanceof Pid || name instanceof io.jarl.RemoteName) {
            throw new IllegalArgumentException("the name of a PartitionSupervisor must be a Name or a Via, got "
                    + name);
        }
        Objects.requireNonNull(childSpec, "the child spec must be given to a PartitionSupervisor");
        if (partitions < 1) {
            throw new IllegalArgumentException("the partitions must be a positive integer, got: " + partitions);
        }
        Objects.requireNonNull(withArguments, "withArguments");
        Objects.requireNonNull(flags, "flags");
        if (flags.autoShutdown() != AutoShutdown.NEVER) {
            throw new IllegalArgumentException("the auto-shutdown must be NEVER, got: " + flags.autoShutdown());
        }
    }

    /** Partitions of {@code childSpec} under the local name {@code name}, with the defaults. */
    public static PartitionSupervisorOptions of(String name, ChildSpec childSpec) {
        return of(Name.of(Objects.requireNonNull(name, "name")), childSpec);
    }

    /** Partitions of {@code childSpec} under {@code name} (a {@link Name} or a {@link Via}), with the defaults. */
    public static PartitionSupervisorOptions of(Address name, ChildSpec childSpec) {
        return new PartitionSupervisorOptions(name, childSpec, Runtime.getRuntime().availableProcessors(),
                (arguments, partition) -> arguments, DEFAULT_FLAGS);
    }

    public PartitionSupervisorOptions withPartitions(int partitions) {
        return new PartitionSupervisorOptions(name, childSpec, partitions, withArguments, flags);
    }

    public PartitionSupervisorOptions withArguments(WithArguments withArguments) {
        return new PartitionSupervisorOptions(name, childSpec, partitions, withArguments, flags);
    }

    public PartitionSupervisorOptions withFlags(SupervisorFlags flags) {
        return new PartitionSupervisorOptions(name, childSpec, partitions, withArguments, flags);
    }
}
