package io.jarl.registry;

import static io.jarl.Jarl.*;
import static io.jarl.registry.RegistryTesting.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Name;
import io.jarl.NoSuchNameException;
import io.jarl.Pid;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.Result;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.server.Sys;
import io.jarl.supervisor.Supervisor;
import io.jarl.testing.NoLeakedProcesses;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** A unique registry, after Elixir's test/elixir/registry/unique_test.exs (test names in camelCase), with 1 and 8 partitions. */
@ParameterizedClass(name = "partitions = {0}")
@ValueSource(ints = {1, 8})
@ExtendWith(NoLeakedProcesses.class)
class RegistryUniqueTest {

    @Parameter
    int partitions;

    private String name;
    private Registry<Object, Object> registry;

    @BeforeEach
    void startRegistry(TestInfo test) {
        name = "unique." + test.getTestMethod().orElseThrow().getName() + "." + partitions;
        Registry.start(RegistryOptions.unique(name).withPartitions(partitions)).orElseThrow();
        registry = Registry.named(name);
    }

    @AfterEach
    void stopRegistry() {
        Supervisor.stop(Name.of(name));
    }

    /** An agent-like server holding a number, to name through the registry (Elixir's tests use Agent). */
    static final class Holder implements GenServer<Integer, Holder.Call, Holder.Cast> {
        sealed interface Call {
            record Get() implements Call, Request<Integer> {}
        }

        sealed interface Cast {
            record Add(int n) implements Cast {}
        }

        private final boolean failInit;

        Holder(boolean failInit) {
            this.failInit = failInit;
        }

        @Override
        public Init<Integer> init() {
            if (failInit) {
                throw new IllegalStateException("oops");
            }
            return Init.ok(0);
        }

        @Override
        public CallResult<Integer> handleCall(Call call, From from, Integer n) {
            return switch (call) {
                case Call.Get() -> CallResult.reply(n, n);
            };
        }

        @Override
        public Result<Integer> handleCast(Cast cast, Integer n) {
            return switch (cast) {
                case Cast.Add(int k) -> Result.noReply(n + k);
            };
        }
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
            registry.register("world", "value").orElseThrow();
            assertThat(registry.count()).isEqualTo(2);
        }
    }

    @Test
    void hasUniqueRegistrations() {
        try (var me = attach()) {
            RegisterResult first = registry.register("hello", "value");
            assertThat(first).isInstanceOf(RegisterResult.Ok.class);
            assertThat(registry.keys(self())).containsExactly("hello");
            assertThat(registry.values("hello", self())).containsExactly("value");

            assertThat(registry.register("hello", "value")).isEqualTo(new RegisterResult.AlreadyRegistered(self()));
            assertThat(registry.keys(self())).containsExactly("hello");
            assertThat(registry.values("hello", self())).containsExactly("value");

            assertThat(registry.register("world", "value")).isInstanceOf(RegisterResult.Ok.class);
            assertThat(registry.keys(self())).containsExactlyInAnyOrder("hello", "world");
        }
    }

    @Test
    void hasUniqueRegistrationsAcrossProcesses() {
        try (var me = attach()) {
            Task task = registerTask(registry, "hello", "value");
            assertThat(registry.keys(task.pid())).containsExactly("hello");
            assertThat(registry.values("hello", task.pid())).containsExactly("value");

            assertThat(registry.register("hello", "recent")).isEqualTo(new RegisterResult.AlreadyRegistered(task.pid()));
            assertThat(registry.keys(self())).isEmpty();
            assertThat(registry.values("hello", self())).isEmpty();
            // the failed registration did not leave the caller linked to any partition
            assertThat(info(self()).orElseThrow().links()).doesNotContainAnyElementsOf(partitions(name));
        }
    }

    @Test
    void hasUniqueRegistrationsEvenIfPartitionIsDelayed() {
        try (var me = attach()) {
            Task task = registerTask(registry, "hello", "value");
            assertThat(registry.register("hello", "other")).isEqualTo(new RegisterResult.AlreadyRegistered(task.pid()));

            Sys.suspend(task.owner());
            kill(task.pid());
            // the partition has not cleaned up, but the holder is dead: the key is free
            assertThat(registry.register("hello", "other")).isInstanceOf(RegisterResult.Ok.class);
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(self(), "other"));
            Sys.resume(task.owner());
            sync(name);
            // the late clean-up of the dead holder left the new entry alone
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(self(), "other"));
        }
    }

    @Test
    void supportsMatchPatterns() {
        try (var me = attach()) {
            Triple value = new Triple(1, "atom", 1);
            registry.register("hello", value).orElseThrow();
            List<Registry.Entry<Object>> hello = List.of(new Registry.Entry<>(self(), value));
            assertThat(registry.match("hello", v -> v instanceof Triple t && t.a().equals(1))).isEqualTo(hello);
            assertThat(registry.match("hello", v -> v instanceof Triple t && t.a().equals(1.0))).isEmpty();
            assertThat(registry.match("hello", v -> v instanceof Triple t && t.b().equals("atom"))).isEqualTo(hello);
            assertThat(registry.match("hello", v -> v instanceof Triple t && t.a().equals(t.c()))).isEqualTo(hello);
            assertThat(registry.match("hello", v -> true)).isEqualTo(hello);
            assertThat(registry.match("_", v -> true)).isEmpty(); // no wildcard keys: "_" is a key like any other

            Map<String, String> value2 = Map.of("a", "a", "b", "b");
            registry.register("world", value2).orElseThrow();
            assertThat(registry.match("world", v -> v instanceof Map<?, ?> m && "b".equals(m.get("b"))))
                    .containsExactly(new Registry.Entry<>(self(), value2));
        }
    }

    @Test
    void supportsGuardConditions() {
        try (var me = attach()) {
            Triple value = new Triple(1, "atom", 2);
            registry.register("hello", value).orElseThrow();
            assertThat(registry.match("hello", v -> v instanceof Triple(var a, var b, Integer c) && c > 1))
                    .containsExactly(new Registry.Entry<>(self(), value));
            assertThat(registry.match("hello", v -> v instanceof Triple(var a, var b, Integer c) && c > 2)).isEmpty();
            assertThat(registry.match("hello", v -> v instanceof Triple(var a, String b, var c)))
                    .containsExactly(new Registry.Entry<>(self(), value));
        }
    }

    @Test
    void countMatchSupportsMatchPatternsAndGuards() {
        try (var me = attach()) {
            registry.register("hello", new Triple(1, "atom", 1)).orElseThrow();
            assertThat(registry.countMatch("hello", v -> v instanceof Triple t && t.a().equals(1))).isEqualTo(1);
            assertThat(registry.countMatch("hello", v -> v instanceof Triple t && t.a().equals(1.0))).isZero();
            assertThat(registry.countMatch("hello", v -> v instanceof Triple t && t.a().equals(t.c()))).isEqualTo(1);
            assertThat(registry.countMatch("hello", v -> true)).isEqualTo(1);
            assertThat(registry.countMatch("_", v -> true)).isZero();
            assertThat(registry.countMatch("hello", v -> v instanceof Triple(var a, var b, Integer c) && c > 1)).isZero();
        }
    }

    @Test
    void unregisterMatchSupportsPatterns() {
        try (var me = attach()) {
            Triple value = new Triple(1, "atom", 1);
            registry.register("hello", value).orElseThrow();
            registry.unregisterMatch("hello", v -> v instanceof Triple t && t.a().equals(2));
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(self(), value));
            registry.unregisterMatch("hello", v -> v instanceof Triple t && t.a().equals(1.0));
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(self(), value));
            registry.unregisterMatch("hello", v -> v instanceof Triple t && t.b().equals("atom"));
            assertThat(registry.lookup("hello")).isEmpty();
            assertThat(registry.keys(self())).isEmpty();
            assertThat(info(self()).orElseThrow().links()).doesNotContainAnyElementsOf(partitions(name));
        }
    }

    @Test
    void usesExactComplexKeys() {
        try (var me = attach()) {
            // Elixir's "supports reserved keys": keys that look like patterns are keys like any other,
            // and a map key matches only an equal map, not a larger one.
            registry.register(List.of("$$", "label"), "list").orElseThrow();
            registry.register(Map.of("label", "x", "b", "b"), "map").orElseThrow();
            registry.register(Map.of("label", "x", "a", "a", "b", "b"), "superset").orElseThrow();
            assertThat(registry.lookup(List.of("$$", "label"))).containsExactly(new Registry.Entry<>(self(), "list"));
            assertThat(registry.lookup(Map.of("b", "b", "label", "x"))).containsExactly(new Registry.Entry<>(self(), "map"));
            registry.unregisterMatch(Map.of("label", "x", "b", "b"), "map"::equals);
            assertThat(registry.lookup(Map.of("label", "x", "b", "b"))).isEmpty();
            assertThat(registry.lookup(Map.of("label", "x", "a", "a", "b", "b")))
                    .containsExactly(new Registry.Entry<>(self(), "superset"));
        }
    }

    @Test
    void comparesUsingEquals() {
        try (var me = attach()) {
            registry.register(1.0, "value").orElseThrow();
            registry.register(1, "value").orElseThrow();
            assertThat(registry.keys(self())).containsExactlyInAnyOrder(1, 1.0);
        }
    }

    @Test
    void updatesCurrentProcessValue() {
        try (var me = attach()) {
            assertThat(registry.updateValue("hello", v -> {
                throw new AssertionError("never called");
            })).isEmpty();
            registerTask(registry, "hello", "value");
            assertThat(registry.updateValue("hello", v -> {
                throw new AssertionError("never called");
            })).isEmpty();

            registry.register("world", 1).orElseThrow();
            assertThat(registry.lookup("world")).containsExactly(new Registry.Entry<>(self(), 1));
            assertThat(registry.updateValue("world", v -> (Integer) v + 1)).contains(new Registry.Updated<>(2, 1));
            assertThat(registry.lookup("world")).containsExactly(new Registry.Entry<>(self(), 2));
        }
    }

    @Test
    void dispatchesToASingleKey() {
        try (var me = attach()) {
            registry.dispatch("hello", entries -> {
                throw new AssertionError("never invoked");
            });
            registry.register("hello", "value").orElseThrow();
            registry.dispatch("hello", entries -> {
                assertThat(entries).hasSize(1);
                send(entries.getFirst().pid(), List.of("dispatch", entries.getFirst().value()));
            });
            awaitMessage(List.of("dispatch", "value"));
            // a unique registry has one partition per key: parallel is the same
            registry.dispatchParallel("hello", entries -> send(self(), "parallel"));
            awaitMessage("parallel");
        }
    }

    @Test
    void unregistersProcessByKey() {
        try (var me = attach()) {
            registry.unregister("hello");
            registry.register("hello", "value").orElseThrow();
            registry.register("world", "value").orElseThrow();
            assertThat(registry.keys(self())).containsExactlyInAnyOrder("hello", "world");
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
    void allowsListeners() {
        String listened = name + ".listened";
        String listener = listened + ".listener";
        Registry.start(RegistryOptions.unique(listened).withPartitions(partitions).withListeners(listener)).orElseThrow();
        Registry<Object, Object> r = Registry.named(listened);
        try (var me = attach()) {
            register(listener, self());
            Task task = registerTask(r, "hello", "world");
            awaitMessage(new RegistryEvent.Register(listened, "hello", task.pid(), "world"));

            r.register("world", "value").orElseThrow();
            awaitMessage(new RegistryEvent.Register(listened, "world", self(), "value"));
            r.unregister("world");
            awaitMessage(new RegistryEvent.Unregister(listened, "world", self()));
        } finally {
            Supervisor.stop(Name.of(listened));
        }
    }

    @Test
    void aListenerThatIsNotRegisteredMakesRegisterThrowAfterRegistering() {
        String listened = name + ".unheard";
        Registry.start(RegistryOptions.unique(listened).withPartitions(partitions).withListeners("nobody")).orElseThrow();
        Registry<Object, Object> r = Registry.named(listened);
        try (var me = attach()) {
            assertThatThrownBy(() -> r.register("hello", "value")).isInstanceOf(NoSuchNameException.class);
            assertThat(r.lookup("hello")).containsExactly(new Registry.Entry<>(self(), "value"));
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
            assertThat(owner2).isEqualTo(owner); // the caller's partition
            assertThat(info(self()).orElseThrow().links()).contains(owner);

            registry.unregister("hello");
            assertThat(info(self()).orElseThrow().links()).contains(owner);
            registry.unregister("world");
            assertThat(info(self()).orElseThrow().links()).doesNotContain(owner);
        }
    }

    @Test
    void raisesOnUnknownRegistryName() {
        try (var me = attach()) {
            Registry<Object, Object> unknown = Registry.named("unknown");
            assertThatThrownBy(() -> unknown.register("hello", "value"))
                    .isInstanceOf(UnknownRegistryException.class)
                    .hasMessageContaining("unknown registry: unknown");
        }
    }

    @Test
    void viaCallbacks() {
        try (var me = attach()) {
            // register_name
            Pid pid = GenServer.startLink(new Holder(false), StartOptions.via(registry, "hello")).orElseThrow();
            // send, whereis_name
            GenServer.cast(registry.via("hello"), new Holder.Cast.Add(1));
            assertThat(GenServer.call(registry.via("hello"), new Holder.Call.Get())).isEqualTo(1);
            assertThat(registry.via("hello").resolve()).contains(pid);
            // unregister_name: a server whose init fails frees its name
            StartResult failed = GenServer.start(new Holder(true), StartOptions.via(registry, "failing"));
            assertThat(failed).isInstanceOf(StartResult.Failed.class);
            assertThat(registry.lookup("failing")).isEmpty();
            // errors
            assertThat(GenServer.start(new Holder(false), StartOptions.via(registry, "hello")))
                    .isEqualTo(new StartResult.Failed(io.jarl.ExitReason.of(new StartResult.AlreadyStarted(pid))));
            assertThatThrownBy(() -> send(registry.via("nobody"), "hi")).isInstanceOf(NoSuchNameException.class);
            GenServer.stop(pid);
            assertThat(registry.via("hello").resolve()).isEmpty();
        }
    }

    @Test
    void usesValueProvidedInVia() {
        try (var me = attach()) {
            Pid pid = GenServer.startLink(new Holder(false), StartOptions.via(registry, new Registry.WithValue<>("hello", "value")))
                    .orElseThrow();
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(pid, "value"));
            assertThat(registry.via("hello").resolve()).contains(pid);
            assertThat(registry.via("hello", "other").resolve()).contains(pid);
            GenServer.stop(pid);
        }
    }

    @Test
    void viaRegistersWithNullValueLikeElixirsNil() {
        try (var me = attach()) {
            Pid pid = GenServer.startLink(new Holder(false), StartOptions.via(registry, "hello")).orElseThrow();
            assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(pid, null));
            GenServer.stop(pid);
        }
    }

    @Test
    void emptyListForEmptyRegistry() {
        assertThat(registry.select(r -> true)).isEmpty();
    }

    @Test
    void selectAll() {
        try (var me = attach()) {
            Pid pid = GenServer.startLink(new Holder(false), StartOptions.via(registry, "hello")).orElseThrow();
            registry.register("world", "value").orElseThrow();
            assertThat(registry.select(r -> true)).containsExactlyInAnyOrder(
                    new Registry.Registration<>("hello", pid, null), new Registry.Registration<>("world", self(), "value"));
            GenServer.stop(pid);
        }
    }

    @Test
    void selectSupportsFullMatchSpecs() {
        try (var me = attach()) {
            Triple value = new Triple(1, "atom", 1);
            registry.register("hello", value).orElseThrow();
            Registry.Registration<Object, Object> hello = new Registry.Registration<>("hello", self(), value);
            assertThat(registry.select(r -> r.key().equals("hello"))).containsExactly(hello);
            assertThat(registry.select(r -> r.pid().equals(self()))).containsExactly(hello);
            assertThat(registry.select(r -> r.value().equals(value))).containsExactly(hello);
            assertThat(registry.select(r -> r.key().equals("world"))).isEmpty();
            assertThat(registry.select(r -> r.value() instanceof Triple t && t.a().equals(1.0))).isEmpty();
            assertThat(registry.select(r -> r.value() instanceof Triple t && t.a().equals(t.c()))).containsExactly(hello);

            Map<String, String> value2 = Map.of("a", "a", "b", "b");
            registry.register("world", value2).orElseThrow();
            assertThat(registry.select(r -> r.key().equals("world") && r.value() instanceof Map<?, ?> m
                    && "b".equals(m.get("b"))).stream().map(r -> "match")).containsExactly("match");
            assertThat(registry.select(r -> true).stream().map(Registry.Registration::key))
                    .containsExactlyInAnyOrder("hello", "world");
        }
    }

    @Test
    void selectSupportsGuardConditions() {
        try (var me = attach()) {
            Triple value = new Triple(1, "atom", 2);
            registry.register("hello", value).orElseThrow();
            assertThat(registry.select(r -> r.value() instanceof Triple(var a, var b, Integer c) && c > 1))
                    .containsExactly(new Registry.Registration<>("hello", self(), value));
            assertThat(registry.select(r -> r.value() instanceof Triple(var a, var b, Integer c) && c > 2)).isEmpty();
            assertThat(registry.select(r -> r.value() instanceof Triple(var a, String b, var c)).stream()
                    .map(Registry.Registration::key)).containsExactly("hello");
        }
    }

    @Test
    void countSelectSupportsMatchSpecsAndGuards() {
        try (var me = attach()) {
            Triple value = new Triple(1, "atom", 1);
            registry.register("hello", value).orElseThrow();
            assertThat(registry.countSelect(r -> r.value().equals(value))).isEqualTo(1);
            assertThat(registry.countSelect(r -> r.key().equals("hello"))).isEqualTo(1);
            assertThat(registry.countSelect(r -> r.key().equals("hello") && r.value() == null)).isZero();
            registry.register("world", "value").orElseThrow();
            assertThat(registry.countSelect(r -> r.key().equals("hello") || r.key().equals("world"))).isEqualTo(2);
            assertThat(registry.countSelect(r -> Objects.equals(r.value(), "nothing"))).isZero();
        }
    }

    @Test
    void doesNotGrowTablesOnAlreadyRegistered() {
        try (var me = attach()) {
            assertThat(pidEntries(name)).isZero();
            registry.register("hello", "value").orElseThrow();
            assertThat(pidEntries(name)).isEqualTo(1);
            registry.register("world", "value").orElseThrow();
            assertThat(pidEntries(name)).isEqualTo(2);
            assertThat(registry.register("hello", "value")).isInstanceOf(RegisterResult.AlreadyRegistered.class);
            assertThat(pidEntries(name)).isEqualTo(2);
        }
    }

    @Test
    void doesNotGrowTablesOnAlreadyRegisteredAcrossProcesses() {
        try (var me = attach()) {
            Task task = registerTask(registry, "hello", "value");
            assertThat(pidEntries(name)).isEqualTo(1);
            registry.register("world", "value").orElseThrow();
            assertThat(pidEntries(name)).isEqualTo(2);
            assertThat(registry.register("hello", "recent")).isEqualTo(new RegisterResult.AlreadyRegistered(task.pid()));
            assertThat(pidEntries(name)).isEqualTo(2);
        }
    }
}
