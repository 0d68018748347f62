package io.jarl.supervisor;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.Via;
import io.jarl.registry.Registry;
import io.jarl.registry.RegistryOptions;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.StartResult;
import io.jarl.testing.NoLeakedProcesses;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** PartitionSupervisor, after Elixir's test/elixir/partition_supervisor_test.exs (test names in camelCase). */
@ExtendWith(NoLeakedProcesses.class)
class PartitionSupervisorTest {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** Elixir's Agent, as much as these tests need: a server that holds a value made by its init. */
    static final class Agent implements GenServer<Object, Agent.Get, Void> {
        record Get() implements Request<Object> {}

        private final Supplier<Object> initial;

        Agent(Supplier<Object> initial) {
            this.initial = initial;
        }

        static ChildSpec spec(Supplier<Object> initial) {
            return ChildSpec.worker("agent", () -> GenServer.startLink(new Agent(initial)));
        }

        @Override
        public Init<Object> init() {
            return Init.ok(initial.get());
        }

        @Override
        public CallResult<Object> handleCall(Get get, From from, Object state) {
            return CallResult.reply(state, state);
        }
    }

    private static Object get(io.jarl.Address agent) {
        return GenServer.call(agent, new Agent.Get());
    }

    private static ChildSpec dynamicSupervisors() {
        return ChildSpec.supervisor("dynamic", () -> DynamicSupervisor.startLink(DynamicSupervisorOptions.defaults()));
    }

    // ---------------------------------------------------------------- child_spec

    @Test
    void childSpecUsesTheNameAsId() {
        ChildSpec spec = PartitionSupervisor.childSpec(PartitionSupervisorOptions.of("Foo", dynamicSupervisors()));
        assertThat(spec.id()).isEqualTo("Foo");
        assertThat(spec.type()).isEqualTo(ChildType.SUPERVISOR);
        assertThat(spec.shutdown()).isEqualTo(Shutdown.infinity());
    }

    @Test
    void childSpecUsesTheViaValueAsId() {
        Via via = Registry.named("bar").via(List.of("bar", "baz"));
        ChildSpec spec = PartitionSupervisor.childSpec(PartitionSupervisorOptions.of(via, dynamicSupervisors()));
        assertThat(spec.id()).isEqualTo(List.of("bar", "baz"));
        assertThat(spec.type()).isEqualTo(ChildType.SUPERVISOR);
    }

    // ---------------------------------------------------------------- start_link

    @Test
    void onSuccessWithAtomName() {
        try (var me = attach()) {
            Name name = Name.of("onSuccessWithAtomName");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, dynamicSupervisors())).orElseThrow();
            assertThat(PartitionSupervisor.partitions(name)).isEqualTo(CORES);

            List<Ref> refs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Ref ref = makeRef();
                DynamicSupervisor.startChild(PartitionSupervisor.via(name, ref), Agent.spec(() -> ref)).orElseThrow();
                refs.add(ref);
            }
            List<Object> agents = new ArrayList<>();
            for (ChildInfo partition : PartitionSupervisor.whichChildren(name)) {
                for (ChildInfo agent : DynamicSupervisor.whichChildren(partition.pid().orElseThrow())) {
                    agents.add(get(agent.pid().orElseThrow()));
                }
            }
            assertThat(agents).containsExactlyInAnyOrderElementsOf(refs);
            PartitionSupervisor.stop(name);
        }
    }

    @Test
    void onSuccessWithViaName() {
        try (var me = attach()) {
            Registry.startLink(RegistryOptions.unique("PartitionRegistry")).orElseThrow();
            Via name = Registry.<String, Object>named("PartitionRegistry").via("onSuccessWithViaName");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, Agent.spec(() -> "hello"))).orElseThrow();
            assertThat(PartitionSupervisor.partitions(name)).isEqualTo(CORES);
            assertThat(get(PartitionSupervisor.via(name, 0))).isEqualTo("hello");
            PartitionSupervisor.stop(name);
            Supervisor.stop(Name.of("PartitionRegistry"));
        }
    }

    @Test
    void withArguments() {
        try (var me = attach()) {
            Name name = Name.of("withArguments");
            ChildSpec agent = ChildSpec.worker("agent", args -> GenServer.startLink(new Agent(() -> args.getFirst())));
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, agent)
                    .withArguments((args, partition) -> List.of(partition))
                    .withPartitions(3)).orElseThrow();
            assertThat(PartitionSupervisor.partitions(name)).isEqualTo(3);
            assertThat(get(PartitionSupervisor.via(name, 0))).isEqualTo(0);
            assertThat(get(PartitionSupervisor.via(name, 1))).isEqualTo(1);
            assertThat(get(PartitionSupervisor.via(name, 2))).isEqualTo(2);
            assertThat(get(PartitionSupervisor.via(name, 3))).isEqualTo(0);
            assertThat(get(PartitionSupervisor.via(name, -1))).isEqualTo(1);
            assertThat(get(PartitionSupervisor.via(name, 5L))).isEqualTo(2);
            assertThat(get(PartitionSupervisor.via(name, BigInteger.TEN.pow(30).negate().subtract(BigInteger.ONE))))
                    .isEqualTo(BigInteger.TEN.pow(30).add(BigInteger.ONE).mod(BigInteger.valueOf(3)).intValue());
            PartitionSupervisor.stop(name);
        }
    }

    @Test
    void withArgumentsThatReturnsNullRaises() {
        try (var me = attach()) {
            assertThatThrownBy(() -> PartitionSupervisor.startLink(PartitionSupervisorOptions.of("nulls", dynamicSupervisors())
                    .withArguments((args, partition) -> null)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("withArguments must return a list");
            assertThat(whereis("nulls")).isEmpty();
        }
    }

    @Test
    void raisesWithoutNameOrChildSpec() {
        assertThatThrownBy(() -> PartitionSupervisorOptions.of((io.jarl.Address) null, dynamicSupervisors()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the name must be given to a PartitionSupervisor");
        assertThatThrownBy(() -> PartitionSupervisorOptions.of("Foo", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("the child spec must be given to a PartitionSupervisor");
        try (var me = attach()) {
            assertThatThrownBy(() -> PartitionSupervisorOptions.of(self(), dynamicSupervisors()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void raisesOnBadPartitions() {
        assertThatThrownBy(() -> PartitionSupervisorOptions.of("Foo", dynamicSupervisors()).withPartitions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the partitions must be a positive integer, got: 0");
    }

    @Test
    void raisesWithBadAutoShutdown() {
        assertThatThrownBy(() -> PartitionSupervisorOptions.of("Foo", dynamicSupervisors())
                .withFlags(SupervisorFlags.oneForOne().withAutoShutdown(AutoShutdown.ANY_SIGNIFICANT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the auto-shutdown must be NEVER, got: ANY_SIGNIFICANT");
    }

    @Test
    void aTakenNameFailsTheStart() {
        try (var me = attach()) {
            Pid holder = spawn(io.jarl.testing.ProcessTesting::blockForever);
            register("taken", holder);
            assertThat(PartitionSupervisor.startLink(PartitionSupervisorOptions.of("taken", dynamicSupervisors())))
                    .isEqualTo(new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(holder))));
            assertThatThrownBy(() -> PartitionSupervisor.partitions(Name.of("taken"))).isInstanceOf(ExitException.class);
            kill(holder);
        }
    }

    // ---------------------------------------------------------------- stop

    @Test
    void stopIsSynchronous() {
        try (var me = attach()) {
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of("stopIsSynchronous", Agent.spec(() -> 0)))
                    .orElseThrow();
            PartitionSupervisor.stop(Name.of("stopIsSynchronous"));
            assertThat(whereis("stopIsSynchronous")).isEmpty();
            assertThatThrownBy(() -> PartitionSupervisor.partitions(Name.of("stopIsSynchronous")))
                    .isInstanceOf(ExitException.class);
        }
    }

    @Test
    void stopWithViaTuple() {
        try (var me = attach()) {
            Registry.startLink(RegistryOptions.unique("stopWithViaTuple")).orElseThrow();
            Via name = Registry.<String, Object>named("stopWithViaTuple").via("stop_test");
            Pid pid = PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, Agent.spec(() -> 0))).orElseThrow();
            assertThat(pid.isAlive()).isTrue();
            PartitionSupervisor.stop(name, ExitReason.normal(), java.time.Duration.ofSeconds(5));
            assertThat(pid.isAlive()).isFalse();
            Supervisor.stop(Name.of("stopWithViaTuple"));
        }
    }

    // ---------------------------------------------------------------- partitions

    @Test
    void raisesNoprocForUnknownAtomPartitionSupervisor() {
        assertThatThrownBy(() -> PartitionSupervisor.partitions(Name.of("unknown")))
                .isInstanceOf(ExitException.class)
                .satisfies(e -> assertThat(((ExitException) e).reason().cause()).isEqualTo(ExitReason.noproc()));
    }

    @Test
    void raisesNoprocForUnknownViaPartitionSupervisor() {
        try (var me = attach()) {
            Registry.startLink(RegistryOptions.unique("unknownVia")).orElseThrow();
            Via via = Registry.<String, Object>named("unknownVia").via("unknown");
            assertThatThrownBy(() -> PartitionSupervisor.partitions(via))
                    .isInstanceOf(ExitException.class)
                    .satisfies(e -> assertThat(((ExitException) e).reason().cause()).isEqualTo(ExitReason.noproc()));
            Supervisor.stop(Name.of("unknownVia"));
        }
    }

    // ---------------------------------------------------------------- resize

    @Test
    void resizesTheNumberOfChildren() {
        try (var me = attach()) {
            Name name = Name.of("resizesTheNumberOfChildren");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, Agent.spec(() -> 0)).withPartitions(8))
                    .orElseThrow();
            List<Integer> sizes = new ArrayList<>();
            for (int i = 8; i >= 0; i--) {
                sizes.add(i);
            }
            for (int i = 0; i <= 8; i++) {
                sizes.add(i);
            }
            List<Integer> shuffled = new ArrayList<>(sizes.subList(9, 18));
            java.util.Collections.shuffle(shuffled, new java.util.Random(42));
            sizes.addAll(shuffled);
            for (int i : sizes) {
                PartitionSupervisor.resize(name, i);
                assertThat(PartitionSupervisor.partitions(name)).isEqualTo(i);
                assertThat(PartitionSupervisor.countChildren(name)).isEqualTo(new ChildCounts(8, i, 0, 8));
                // every key is still routed, to one of the running partitions
                if (i != 0) {
                    Set<Pid> children = new HashSet<>();
                    for (int key = 0; key < 8; key++) {
                        children.add(PartitionSupervisor.via(name, key).resolve().orElseThrow());
                    }
                    assertThat(children).hasSize(i);
                }
            }
            PartitionSupervisor.stop(name);
        }
    }

    @Test
    void raisesOnLookupAfterResizingToZero() {
        try (var me = attach()) {
            Name name = Name.of("raisesOnLookupAfterResizingToZero");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, Agent.spec(() -> 0)).withPartitions(8))
                    .orElseThrow();
            assertThat(PartitionSupervisor.resize(name, 0)).isEqualTo(8);
            assertThatThrownBy(() -> PartitionSupervisor.via(name, 0).resolve())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has zero partitions");
            assertThat(PartitionSupervisor.resize(name, 8)).isZero();
            PartitionSupervisor.stop(name);
        }
    }

    @Test
    void raisesIfTryingToIncreaseTheNumberOfPartitions() {
        try (var me = attach()) {
            Name name = Name.of("raisesIfTryingToIncrease");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, Agent.spec(() -> 0)).withPartitions(8))
                    .orElseThrow();
            assertThatThrownBy(() -> PartitionSupervisor.resize(name, 9))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the number of partitions to resize to must be a number between 0 and 8, got: 9");
            PartitionSupervisor.stop(name);
        }
    }

    // ---------------------------------------------------------------- which_children, count_children

    @Test
    void whichChildrenReturnsAllPartitions() {
        try (var me = attach()) {
            Name name = Name.of("whichChildren");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, Agent.spec(() -> 0))).orElseThrow();
            List<ChildInfo> children = new ArrayList<>(PartitionSupervisor.whichChildren(name));
            children.sort((a, b) -> Integer.compare((Integer) a.id(), (Integer) b.id()));
            assertThat(children).hasSize(CORES);
            for (int partition = 0; partition < CORES; partition++) {
                Pid pid = PartitionSupervisor.via(name, partition).resolve().orElseThrow();
                assertThat(children.get(partition))
                        .isEqualTo(new ChildInfo(partition, new ChildInfo.Status.Running(pid), ChildType.WORKER));
            }
            PartitionSupervisor.stop(name);
        }
    }

    @Test
    void countChildrenWithWorkers() {
        try (var me = attach()) {
            Name name = Name.of("countWorkers");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, Agent.spec(() -> 0))).orElseThrow();
            assertThat(PartitionSupervisor.countChildren(name)).isEqualTo(new ChildCounts(CORES, CORES, 0, CORES));
            PartitionSupervisor.stop(name);
        }
    }

    @Test
    void countChildrenWithSupervisors() {
        try (var me = attach()) {
            Name name = Name.of("countSupervisors");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, dynamicSupervisors())).orElseThrow();
            assertThat(PartitionSupervisor.countChildren(name)).isEqualTo(new ChildCounts(CORES, CORES, CORES, 0));
            PartitionSupervisor.stop(name);
        }
    }

    @Test
    void countChildrenRaisesNoprocForUnknownPartitionSupervisor() {
        assertThatThrownBy(() -> PartitionSupervisor.countChildren(Name.of("unknown")))
                .isInstanceOf(ExitException.class)
                .satisfies(e -> assertThat(((ExitException) e).reason().cause()).isEqualTo(ExitReason.noproc()));
    }

    @Test
    void countChildrenWithViaTuple() {
        try (var me = attach()) {
            Registry.startLink(RegistryOptions.unique("countVia")).orElseThrow();
            Via name = Registry.<String, Object>named("countVia").via("count_test");
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, Agent.spec(() -> 0))).orElseThrow();
            assertThat(PartitionSupervisor.countChildren(name)).isEqualTo(new ChildCounts(CORES, CORES, 0, CORES));
            PartitionSupervisor.stop(name);
            Supervisor.stop(Name.of("countVia"));
        }
    }

    // ---------------------------------------------------------------- Jarl: restarts, routing, via refusals

    @Test
    void aRestartedPartitionIsRoutedToAtOnceAndKnowsItsPartition() {
        try (var me = attach()) {
            Name name = Name.of("restarted");
            Pid test = self();
            ChildSpec agent = ChildSpec.worker("agent", args -> {
                StartResult started = GenServer.startLink(new Agent(() -> args.getFirst()));
                send(test, List.of("started", args.getFirst(), started.orElseThrow()));
                return started;
            });
            PartitionSupervisor.startLink(PartitionSupervisorOptions.of(name, agent)
                    .withArguments((args, partition) -> List.of(partition)).withPartitions(2)).orElseThrow();
            awaitMatching("partition 0 started", m -> m instanceof List<?> l && l.get(1).equals(0));
            awaitMatching("partition 1 started", m -> m instanceof List<?> l && l.get(1).equals(1));
            Pid first = PartitionSupervisor.via(name, 1).resolve().orElseThrow();
            kill(first);
            List<?> restarted = (List<?>) awaitMatching("partition 1 restarted",
                    m -> m instanceof List<?> l && l.get(1).equals(1));
            // the start function sent that before returning; once the supervisor answers a call, the
            // restart (and the routing table) is done
            PartitionSupervisor.countChildren(name);
            assertThat(PartitionSupervisor.via(name, 1).resolve()).contains((Pid) restarted.get(2));
            assertThat(get(PartitionSupervisor.via(name, 1))).isEqualTo(1);
            PartitionSupervisor.stop(name);
        }
    }

    @Test
    void routingIsStableAndSpreadsKeys() {
        for (int n : new int[] {1, 2, 3, 7, 16}) {
            for (int key = -20; key < 20; key++) {
                assertThat(PartitionSupervisor.route(key, n)).isEqualTo(Math.abs(key % n));
                assertThat(PartitionSupervisor.route((long) key, n)).isEqualTo(Math.abs(key % n));
            }
            assertThat(PartitionSupervisor.route(Long.MIN_VALUE, n)).isBetween(0, n - 1);
            assertThat(PartitionSupervisor.route(Integer.MIN_VALUE, n)).isBetween(0, n - 1);
            assertThat(PartitionSupervisor.route("user:42", n)).isEqualTo(PartitionSupervisor.route("user:42", n))
                    .isBetween(0, n - 1);
        }
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            used.add(PartitionSupervisor.route("key" + i, 16));
        }
        assertThat(used).hasSize(16);
    }

    @Test
    void viaNamesCannotRegister() {
        try (var me = attach()) {
            Via via = PartitionSupervisor.via(Name.of("x"), 1);
            assertThatThrownBy(() -> via.registry().registerName(1, self()))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> via.registry().unregisterName(1))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(via).isEqualTo(PartitionSupervisor.via(Name.of("x"), 1));
            assertThatThrownBy(() -> PartitionSupervisor.via(self(), 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void underASupervisor() {
        try (var me = attach()) {
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(PartitionSupervisor.childSpec(
                    PartitionSupervisorOptions.of("nested", Agent.spec(() -> "nested")).withPartitions(2)))).orElseThrow();
            assertThat(get(PartitionSupervisor.via(Name.of("nested"), "any key"))).isEqualTo("nested");
            assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::id).containsExactly("nested");
            Supervisor.stop(sup);
            assertThatThrownBy(() -> PartitionSupervisor.partitions(Name.of("nested"))).isInstanceOf(ExitException.class);
        }
    }
}
