package io.jarl.registry;

import static io.jarl.Jarl.*;
import static io.jarl.registry.RegistryTesting.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.Supervisor;
import io.jarl.testing.NoLeakedProcesses;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Duplicate registries, partitioned by pid ({@link Keys#DUPLICATE}) and by key
 * ({@link Keys#DUPLICATE_BY_KEY}), with 1 and 8 partitions, after Elixir's
 * test/elixir/registry/duplicate_test.exs (test names in camelCase).
 */
@ParameterizedClass(name = "{0}, partitions = {1}")
@CsvSource({"DUPLICATE, 1", "DUPLICATE, 8", "DUPLICATE_BY_KEY, 1", "DUPLICATE_BY_KEY, 8"})
@ExtendWith(NoLeakedProcesses.class)
class RegistryDuplicateTest {

    @Parameter(0)
    Keys keys;

    @Parameter(1)
    int partitions;

    private String name;
    private Registry<Object, Object> registry;

    @BeforeEach
    void startRegistry(TestInfo test) {
        name = "duplicate." + test.getTestMethod().orElseThrow().getName() + "." + keys + "." + partitions;
        Registry.start(RegistryOptions.of(keys, name).withPartitions(partitions)).orElseThrow();
        registry = Registry.named(name);
    }

    @AfterEach
    void stopRegistry() {
        Supervisor.stop(Name.of(name));
    }

    @Test
    void startsConfiguredNumberOfPartitions() {
        assertThat(Supervisor.whichChildren(Name.of(name))).hasSize(partitions);
    }

    @Test
    void countsZeroKeysInAnEmptyRegistry() {
        assertThat(registry.count()).isZero();
    }

    @Test
    void countsTheNumberOfKeysInARegistry() {
        try (var me = attach()) {
            registry.register("hello", "value").orElseThrow();
            registry.register("hello", "value").orElseThrow();
            assertThat(registry.count()).isEqualTo(2);
        }
    }

    @Test
    void hasDuplicateRegistrations() {
        try (var me = attach()) {
            assertThat(registry.register("hello", "value")).isInstanceOf(RegisterResult.Ok.class);
            assertThat(registry.keys(self())).containsExactly("hello");
            assertThat(registry.values("hello", self())).containsExactly("value");

            assertThat(registry.register("hello", "value")).isInstanceOf(RegisterResult.Ok.class);
            assertThat(registry.keys(self())).containsExactly("hello", "hello");
            assertThat(registry.values("hello", self())).containsExactly("value", "value");

            assertThat(registry.register("world", "value")).isInstanceOf(RegisterResult.Ok.class);
            assertThat(registry.keys(self())).containsExactlyInAnyOrder("hello", "hello", "world");
        }
    }

    @Test
    void hasDuplicateRegistrationsAcrossProcesses() {
        try (var me = attach()) {
            Task task = registerTask(registry, "hello", "world");
            assertThat(registry.keys(self())).isEmpty();
            assertThat(registry.keys(task.pid())).containsExactly("hello");
            assertThat(registry.values("hello", self())).isEmpty();
            assertThat(registry.values("hello", task.pid())).containsExactly("world");

            assertThat(registry.register("hello", "value")).isInstanceOf(RegisterResult.Ok.class);
            assertThat(registry.keys(self())).containsExactly("hello");
            assertThat(registry.values("hello", self())).containsExactly("value");
            assertThat(registry.lookup("hello")).containsExactlyInAnyOrder(
                    new Registry.Entry<>(task.pid(), "world"), new Registry.Entry<>(self(), "value"));
        }
    }

    @Test
    void comparesUsingEquals() {
        try (var me = attach()) {
            registry.register(1.0, "value").orElseThrow();
            registry.register(1, "value").orElseThrow();
            assertThat(registry.keys(self())).containsExactlyInAnyOrder(1, 1.0);
            assertThat(registry.lookup(1)).hasSize(1);
        }
    }

    @Test
    void dispatchesToMultipleKeysInSerial() {
        try (var me = attach()) {
            trapExit(true);
            Pid parent = self();
            registry.dispatch("hello", entries -> {
                throw new AssertionError("never invoked");
            });
            registry.register("hello", "value1").orElseThrow();
            registry.register("hello", "value2").orElseThrow();
            registry.register("world", "value3").orElseThrow();

            registry.dispatch("hello", entries -> {
                assertThat(self()).isEqualTo(parent);
                entries.forEach(e -> send(e.pid(), List.of("dispatch", e.value())));
            });
            awaitMessage(List.of("dispatch", "value1"));
            awaitMessage(List.of("dispatch", "value2"));
            assertThat(pollMatching(List.of("dispatch", "value3")::equals)).isFalse();

            registry.dispatch("world", entries -> entries.forEach(e -> send(e.pid(), List.of("dispatch", e.value()))));
            awaitMessage(List.of("dispatch", "value3"));
            assertThat(flush()).isEmpty(); // no Exit
        }
    }

    @Test
    void dispatchesToMultipleKeysInParallel() {
        // {:duplicate, :key} dispatches from a single partition: parallel has no effect there
        boolean parallel = partitions == 8 && keys == Keys.DUPLICATE;
        try (var me = attach()) {
            trapExit(true);
            Pid parent = self();
            registry.dispatchParallel("hello", entries -> {
                throw new AssertionError("never invoked");
            });
            registry.register("hello", "value1").orElseThrow();
            registry.register("hello", "value2").orElseThrow();
            registry.register("world", "value3").orElseThrow();

            registry.dispatchParallel("hello", entries -> {
                send(parent, List.of("dispatched by", self()));
                entries.forEach(e -> send(e.pid(), List.of("dispatch", e.value())));
            });
            Object by = awaitMatching("dispatched by", m -> m instanceof List<?> l && l.getFirst().equals("dispatched by"));
            assertThat(((List<?>) by).get(1).equals(parent)).isEqualTo(!parallel);
            awaitMessage(List.of("dispatch", "value1"));
            awaitMessage(List.of("dispatch", "value2"));
            assertThat(pollMatching(List.of("dispatch", "value3")::equals)).isFalse();

            registry.dispatchParallel("world", entries -> entries.forEach(e -> send(e.pid(), List.of("dispatch", e.value()))));
            awaitMessage(List.of("dispatch", "value3"));
            assertThat(flush()).isEmpty(); // the tasks unlinked before ending: no Exit
        }
    }

    @Test
    void aParallelDispatcherThatFailsFailsTheDispatch() {
        try (var me = attach()) {
            trapExit(true);
            registry.register("hello", "value").orElseThrow();
            IllegalStateException boom = new IllegalStateException("boom");
            if (partitions == 8 && keys == Keys.DUPLICATE) {
                assertThatThrownBy(() -> registry.dispatchParallel("hello", entries -> {
                    throw boom;
                })).isInstanceOf(ExitException.class).hasCause(boom);
                Exit exit = await(Exit.class); // the failed task was linked to the caller
                assertThat(exit.reason()).isEqualTo(io.jarl.ExitReason.crash(boom));
            } else {
                assertThatThrownBy(() -> registry.dispatchParallel("hello", entries -> {
                    throw boom;
                })).isSameAs(boom);
            }
        }
    }

    @Test
    void dispatchParallelFromAPlainThread() {
        try (var me = attach()) {
            registry.register("hello", "value").orElseThrow();
            Thread plain = Thread.ofPlatform().start(() -> registry.dispatchParallel("hello",
                    entries -> entries.forEach(e -> send(e.pid(), "from a plain thread"))));
            join(plain);
            awaitMessage("from a plain thread");
        }
    }

    @Test
    void unregistersByKey() {
        try (var me = attach()) {
            registry.register("hello", "value").orElseThrow();
            registry.register("hello", "value").orElseThrow();
            registry.register("world", "value").orElseThrow();
            assertThat(registry.keys(self())).containsExactlyInAnyOrder("hello", "hello", "world");
            registry.unregister("hello");
            assertThat(registry.keys(self())).containsExactly("world");
            registry.unregister("world");
            assertThat(registry.keys(self())).isEmpty();
            assertThat(registry.count()).isZero();
        }
    }

    @Test
    void unregistersWithNoEntries() {
        try (var me = attach()) {
            registry.unregister("hello");
            assertThat(registry.keys(self())).isEmpty();
        }
    }

    @Test
    void supportsMatchPatterns() {
        try (var me = attach()) {
            Triple value1 = new Triple(1, "atom", 1);
            Triple value2 = new Triple(2, "atom", 2);
            registry.register("hello", value1).orElseThrow();
            registry.register("hello", value2).orElseThrow();
            assertThat(registry.match("hello", v -> ((Triple) v).a().equals(1)))
                    .containsExactly(new Registry.Entry<>(self(), value1));
            assertThat(registry.match("hello", v -> ((Triple) v).a().equals(1.0))).isEmpty();
            assertThat(registry.match("hello", v -> ((Triple) v).b().equals("atom"))).containsExactlyInAnyOrder(
                    new Registry.Entry<>(self(), value1), new Registry.Entry<>(self(), value2));
            assertThat(registry.match("hello", v -> ((Triple) v).a().equals(((Triple) v).c()))).hasSize(2);
            assertThat(registry.match("hello", v -> ((Triple) v).a().equals(2)))
                    .containsExactly(new Registry.Entry<>(self(), value2));
        }
    }

    @Test
    void supportsGuards() {
        try (var me = attach()) {
            Triple value1 = new Triple(1, "atom", 1);
            Triple value2 = new Triple(2, "atom", 2);
            registry.register("hello", value1).orElseThrow();
            registry.register("hello", value2).orElseThrow();
            assertThat(registry.match("hello", v -> v instanceof Triple(Integer a, var b, var c) && a < 2))
                    .containsExactly(new Registry.Entry<>(self(), value1));
            assertThat(registry.match("hello", v -> v instanceof Triple(Integer a, var b, var c) && a > 3)).isEmpty();
            assertThat(registry.match("hello", v -> v instanceof Triple(Integer a, var b, var c) && a < 3)).hasSize(2);
            assertThat(registry.match("hello", v -> v instanceof Triple(var a, String b, var c))).hasSize(2);
        }
    }

    @Test
    void usesExactComplexKeysInLookupAndMatch() {
        try (var me = attach()) {
            List<String> tupleKey = List.of("_", "topic");
            Map<String, String> mapKey = Map.of("b", "b");
            registry.register(tupleKey, "tuple").orElseThrow();
            registry.register(List.of("other", "topic"), "other_tuple").orElseThrow();
            registry.register(mapKey, "map").orElseThrow();
            registry.register(Map.of("a", "a", "b", "b"), "superset_map").orElseThrow();

            assertThat(registry.lookup(tupleKey)).containsExactly(new Registry.Entry<>(self(), "tuple"));
            assertThat(registry.match(tupleKey, v -> true)).containsExactly(new Registry.Entry<>(self(), "tuple"));
            assertThat(registry.countMatch(tupleKey, v -> true)).isEqualTo(1);
            assertThat(registry.lookup(mapKey)).containsExactly(new Registry.Entry<>(self(), "map"));
            assertThat(registry.match(mapKey, v -> true)).containsExactly(new Registry.Entry<>(self(), "map"));
            assertThat(registry.countMatch(mapKey, v -> true)).isEqualTo(1);
        }
    }

    @Test
    void countMatchSupportsMatchPatternsAndGuards() {
        try (var me = attach()) {
            registry.register("hello", new Triple(1, "atom", 2)).orElseThrow();
            assertThat(registry.countMatch("hello", v -> ((Triple) v).a().equals(1))).isEqualTo(1);
            assertThat(registry.countMatch("hello", v -> ((Triple) v).a().equals(1.0))).isZero();
            assertThat(registry.countMatch("hello", v -> v instanceof Triple(var a, var b, Integer c) && c > 1)).isEqualTo(1);
            assertThat(registry.countMatch("hello", v -> v instanceof Triple(var a, var b, Integer c) && c > 2)).isZero();
            assertThat(registry.countMatch("hello", v -> v instanceof Triple(var a, String b, var c))).isEqualTo(1);
        }
    }

    @Test
    void unregisterMatchSupportsPatterns() {
        try (var me = attach()) {
            Triple value1 = new Triple(1, "atom", 1);
            Triple value2 = new Triple(2, "atom", 2);
            registry.register("hello", value1).orElseThrow();
            registry.register("hello", value2).orElseThrow();

            registry.unregisterMatch("hello", v -> ((Triple) v).a().equals(2));
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(self(), value1));

            registry.register("hello", value2).orElseThrow();
            registry.unregisterMatch("hello", v -> ((Triple) v).a().equals(2.0));
            assertThat(registry.lookup("hello")).containsExactly(
                    new Registry.Entry<>(self(), value1), new Registry.Entry<>(self(), value2)); // registration order
            registry.unregisterMatch("hello", v -> ((Triple) v).b().equals("atom"));
            assertThat(registry.lookup("hello")).isEmpty();
            assertThat(registry.keys(self())).isEmpty();
        }
    }

    @Test
    void unregisterMatchSupportsGuards() {
        try (var me = attach()) {
            Triple value1 = new Triple(1, "atom", 1);
            Triple value2 = new Triple(2, "atom", 2);
            registry.register("hello", value1).orElseThrow();
            registry.register("hello", value2).orElseThrow();
            registry.unregisterMatch("hello", v -> v instanceof Triple(Integer a, var b, var c) && a < 2);
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(self(), value2));
            assertThat(registry.keys(self())).containsExactly("hello");
        }
    }

    @Test
    void allowsListeners() {
        String listened = name + ".listened";
        String listener = listened + ".listener";
        Registry.start(RegistryOptions.of(keys, listened).withPartitions(partitions).withListeners(listener)).orElseThrow();
        Registry<Object, Object> r = Registry.named(listened);
        try (var me = attach()) {
            register(listener, self());
            Task task = registerTask(r, "hello", "world");
            awaitMessage(new RegistryEvent.Register(listened, "hello", task.pid(), "world"));

            r.register("hello", "value").orElseThrow();
            awaitMessage(new RegistryEvent.Register(listened, "hello", self(), "value"));
            r.unregister("hello");
            awaitMessage(new RegistryEvent.Unregister(listened, "hello", self()));

            // unregisterMatch tells only when it removes all the caller's entries under the key
            r.register("hello", 1).orElseThrow();
            r.register("hello", 2).orElseThrow();
            awaitMessage(new RegistryEvent.Register(listened, "hello", self(), 1));
            awaitMessage(new RegistryEvent.Register(listened, "hello", self(), 2));
            r.unregisterMatch("hello", v -> v.equals(1));
            assertThat(flush()).isEmpty();
            r.unregisterMatch("hello", v -> v.equals(2));
            awaitMessage(new RegistryEvent.Unregister(listened, "hello", self()));
        } finally {
            Supervisor.stop(Name.of(listened));
        }
    }

    @Test
    void linksAndUnlinksOnRegisterUnregister() {
        try (var me = attach()) {
            Pid owner = registry.register("hello", "value").orElseThrow();
            assertThat(info(self()).orElseThrow().links()).contains(owner);
            Pid owner2 = registry.register("world", "value").orElseThrow();
            assertThat(info(self()).orElseThrow().links()).contains(owner, owner2);

            registry.unregister("hello");
            assertThat(info(self()).orElseThrow().links()).contains(owner2);
            registry.unregister("world");
            assertThat(info(self()).orElseThrow().links()).doesNotContainAnyElementsOf(partitions(name));
        }
    }

    @Test
    void raisesOnUnknownRegistryName() {
        try (var me = attach()) {
            assertThatThrownBy(() -> Registry.named("unknown").register("hello", "value"))
                    .isInstanceOf(UnknownRegistryException.class)
                    .hasMessageContaining("unknown registry");
        }
    }

    @Test
    void raisesIfAttemptToBeUsedOnVia() {
        try (var me = attach()) {
            assertThatThrownBy(() -> registry.via("hello").resolve())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(":via is not supported for duplicate registries");
            // a server that tries to register through it does not start
            StartResult result = GenServer.start(new RegistryUniqueTest.Holder(false), StartOptions.via(registry, "hello"));
            assertThat(result).isInstanceOf(StartResult.Failed.class);
            assertThat(registry.lookup("hello")).isEmpty();
        }
    }

    @Test
    void emptyListForEmptyRegistry() {
        assertThat(registry.select(r -> true)).isEmpty();
    }

    @Test
    void selectAll() {
        try (var me = attach()) {
            registry.register("hello", "value").orElseThrow();
            registry.register("hello", "value").orElseThrow();
            assertThat(registry.select(r -> true)).containsExactly(
                    new Registry.Registration<>("hello", self(), "value"), new Registry.Registration<>("hello", self(), "value"));
        }
    }

    @Test
    void selectAllowsMultipleSpecs() {
        try (var me = attach()) {
            registry.register("hello", "value").orElseThrow();
            registry.register("world", "value").orElseThrow();
            assertThat(registry.select(r -> r.key().equals("hello") || r.key().equals("world")).stream()
                    .map(Registry.Registration::key)).containsExactlyInAnyOrder("hello", "world");
            assertThat(registry.countSelect(r -> r.key().equals("hello") || r.key().equals("world"))).isEqualTo(2);
            assertThat(registry.countSelect(r -> r.value().equals("nothing"))).isZero();
        }
    }

    @Test
    void updateValueIsNotSupported() {
        try (var me = attach()) {
            assertThatThrownBy(() -> registry.updateValue("hello", v -> v))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Registry.updateValue is not supported");
        }
    }

    @Test
    void keysOfADeadProcessAreEmpty() {
        try (var me = attach()) {
            Task task = registerTask(registry, "hello", "value");
            Pid dead = task.pid();
            kill(dead);
            assertThat(registry.keys(dead)).isEmpty();
            sync(name);
            assertThat(registry.lookup("hello")).isEmpty();
            assertThat(registry.count()).isZero();
        }
    }

    @Test
    void aPartitionThatCrashesTakesItsProcessesAndEntriesWithIt() {
        try (var me = attach()) {
            Task task = registerTask(registry, "hello", "value");
            Pid victim = task.owner();
            io.jarl.Ref watch = monitor(task.pid());
            kill(victim);
            // linked to its partition, the registered process dies with it (Elixir: the same link)
            assertThat(awaitDown(watch).reason()).isEqualTo(io.jarl.ExitReason.killed());
            // the partition is restarted empty (one_for_one: duplicate registries restart only it)
            eventually("the partition restarted", () -> !partitions(name).contains(victim)
                    && partitions(name).stream().allMatch(Pid::isAlive));
            assertThat(registry.lookup("hello")).isEmpty();
            registry.register("hello", "again").orElseThrow();
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(self(), "again"));
        }
    }

    @Test
    void manyProcessesUnderOneKey() {
        try (var me = attach()) {
            int n = 200;
            for (int i = 0; i < n; i++) {
                registerTask(registry, "topic", i);
            }
            assertThat(registry.lookup("topic")).hasSize(n);
            assertThat(registry.count()).isEqualTo(n);
            int[] dispatched = {0};
            registry.dispatch("topic", entries -> dispatched[0] += entries.size());
            assertThat(dispatched[0]).isEqualTo(n);
            assertThat(registry.countMatch("topic", v -> (Integer) v % 2 == 0)).isEqualTo(n / 2);
        } // the tasks end with the registry
    }
}
