package io.jarl.registry;

import static io.jarl.Jarl.*;
import static io.jarl.registry.RegistryTesting.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildInfo;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.ChildType;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.testing.NoLeakedProcesses;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every kind of registry does, after Elixir's test/elixir/registry_test.exs and the examples of
 * registry.ex's documentation, and what Jarl adds: errors from plain threads, via names under a
 * supervisor, a registry that stops.
 */
@ExtendWith(NoLeakedProcesses.class)
class RegistryTest {

    /** Elixir's Registry.Test: all kinds, 1 and 8 partitions. */
    @Nested
    @ParameterizedClass(name = "{0}, partitions = {1}")
    @CsvSource({"UNIQUE, 1", "UNIQUE, 8", "DUPLICATE, 1", "DUPLICATE, 8", "DUPLICATE_BY_KEY, 1", "DUPLICATE_BY_KEY, 8"})
    @ExtendWith(NoLeakedProcesses.class)
    class AllKinds {
        @Parameter(0)
        Keys keys;

        @Parameter(1)
        int partitions;

        @Test
        void cleanUpRegistryOnProcessCrash() {
            String name = "crash." + keys + "." + partitions;
            Registry.start(RegistryOptions.of(keys, name).withPartitions(partitions)).orElseThrow();
            Registry<Object, Object> registry = Registry.named(name);
            try (var me = attach()) {
                Task task1 = registerTask(registry, "hello", "value");
                Task task2 = registerTask(registry, "world", "value");
                assertThat(tablesEmpty(name)).isFalse();
                kill(task1.pid());
                kill(task2.pid());
                // a pid may be in another partition than its key: wait for all of them
                sync(name);
                assertThat(tablesEmpty(name)).isTrue();
                assertThat(registry.count()).isZero();
            } finally {
                Supervisor.stop(Name.of(name));
            }
        }
    }

    /** Elixir's Registry.LockTest: unique and duplicate, 1 and 8 partitions. */
    @Nested
    @ParameterizedClass(name = "{0}, partitions = {1}")
    @CsvSource({"UNIQUE, 1", "UNIQUE, 8", "DUPLICATE, 1", "DUPLICATE, 8"})
    @ExtendWith(NoLeakedProcesses.class)
    class Locks {
        @Parameter(0)
        Keys keys;

        @Parameter(1)
        int partitions;

        private record Locked(Object which) {}

        private record Unlock() {}

        private record Done(Pid task, Object result) {}

        /** A task that takes {@code lock}, says so, waits for Unlock if asked, and reports the result. */
        private Pid lockTask(Registry<Object, Object> registry, Object lock, Object which, boolean waitForUnlock) {
            Pid parent = self();
            return spawn(() -> {
                Object result = registry.lock(lock, () -> {
                    send(parent, new Locked(which));
                    if (waitForUnlock) {
                        receive(Unlock.class);
                    }
                    return "done";
                });
                send(parent, new Done(self(), result));
            });
        }

        /** Waits until {@code task} waits for a lock (its call sent) and the partitions have queued it. */
        private void awaitQueued(Pid task, String registry) {
            eventually(task + " waits for the lock", () -> info(task)
                    .map(i -> i.status() == io.jarl.ProcessInfo.Status.WAITING).orElse(false));
            sync(registry);
        }

        private String start(String test) {
            String name = "lock." + test + "." + keys + "." + partitions;
            Registry.start(RegistryOptions.of(keys, name).withPartitions(partitions)).orElseThrow();
            return name;
        }

        @Test
        void doesNotLockWhenUsingDifferentKeys() {
            String name = start("different");
            Registry<Object, Object> registry = Registry.named(name);
            try (var me = attach()) {
                Pid task1 = lockTask(registry, 1, 1, true);
                awaitMessage(new Locked(1));
                Pid task2 = lockTask(registry, 2, 2, true);
                awaitMessage(new Locked(2));
                send(task1, new Unlock());
                send(task2, new Unlock());
                awaitMessage(new Done(task1, "done"));
                awaitMessage(new Done(task2, "done"));
                assertThat(registry.lock(1, () -> "done")).isEqualTo("done");
                assertThat(registry.lock(2, () -> "done")).isEqualTo("done");
            } finally {
                Supervisor.stop(Name.of(name));
            }
        }

        @Test
        void locksWhenUsingTheSameKey() {
            String name = start("same");
            Registry<Object, Object> registry = Registry.named(name);
            try (var me = attach()) {
                Pid task1 = lockTask(registry, "ok", 1, true);
                awaitMessage(new Locked(1));
                Pid task2 = lockTask(registry, "ok", 2, false);
                awaitQueued(task2, name);
                assertThat(pollMatching(new Locked(2)::equals)).isFalse();
                send(task1, new Unlock());
                awaitMessage(new Done(task1, "done"));
                awaitMessage(new Locked(2));
                awaitMessage(new Done(task2, "done"));
                assertThat(registry.lock("ok", () -> "done")).isEqualTo("done");
            } finally {
                Supervisor.stop(Name.of(name));
            }
        }

        @Test
        void locksWhenTheOneHoldingTheLockRaises() {
            String name = start("raises");
            Registry<Object, Object> registry = Registry.named(name);
            try (var me = attach()) {
                Pid parent = self();
                var task1 = spawnMonitor(() -> registry.lock("ok", () -> {
                    send(parent, new Locked(1));
                    receive(Unlock.class);
                    throw new IllegalStateException("oops");
                }));
                awaitMessage(new Locked(1));
                Pid task2 = lockTask(registry, "ok", 2, false);
                send(task1.pid(), new Unlock());
                Down down = awaitDown(task1.monitor());
                assertThat(down.reason()).isInstanceOf(ExitReason.Crash.class);
                awaitMessage(new Locked(2));
                awaitMessage(new Done(task2, "done"));
                assertThat(registry.lock("ok", () -> "done")).isEqualTo("done");
            } finally {
                Supervisor.stop(Name.of(name));
            }
        }

        @Test
        void locksWhenTheOneHoldingTheLockTerminates() {
            String name = start("holder");
            Registry<Object, Object> registry = Registry.named(name);
            try (var me = attach()) {
                Pid task1 = lockTask(registry, "ok", 1, true);
                awaitMessage(new Locked(1));
                Pid task2 = lockTask(registry, "ok", 2, false);
                kill(task1);
                awaitMessage(new Locked(2));
                awaitMessage(new Done(task2, "done"));
                assertThat(registry.lock("ok", () -> "done")).isEqualTo("done");
            } finally {
                Supervisor.stop(Name.of(name));
            }
        }

        @Test
        void locksWhenTheOneWaitingForTheLockTerminates() {
            String name = start("waiter");
            Registry<Object, Object> registry = Registry.named(name);
            try (var me = attach()) {
                Pid task1 = lockTask(registry, "ok", 1, true);
                awaitMessage(new Locked(1));
                Pid task2 = lockTask(registry, "ok", 2, false);
                awaitQueued(task2, name);
                kill(task2);
                send(task1, new Unlock());
                awaitMessage(new Done(task1, "done"));
                assertThat(registry.lock("ok", () -> "done")).isEqualTo("done");
                assertThat(flush()).isEmpty(); // task2 never got the lock
            } finally {
                Supervisor.stop(Name.of(name));
            }
        }

        @Test
        void lockFromAPlainThreadAndNoticeThatLocksAreNotKeys() {
            String name = start("plain");
            Registry<Object, Object> registry = Registry.named(name);
            try {
                assertThat(registry.lock("hello", () -> "from a plain thread")).isEqualTo("from a plain thread");
                assertThat(registry.count()).isZero(); // a lock key is not a registry key
            } finally {
                Supervisor.stop(Name.of(name));
            }
        }
    }

    // ---------------------------------------------------------------- the documentation's examples

    @Test
    void aKilledRegistryTakesItsTableWithIt() {
        // As an ETS table goes with its owner: the supervisor, killed, runs no terminate.
        try (var me = attach()) {
            String name = "Registry.KilledTest";
            Pid sup = Registry.start(RegistryOptions.unique(name)).orElseThrow();
            trapExit(true); // registering links this process to the partition, which dies too
            Registry.<String, String>named(name).register("key", "value");
            assertThat(RegistryTable.isPublished(name)).isTrue();
            kill(sup);
            assertThat(RegistryTable.isPublished(name)).isFalse();
            assertThatThrownBy(() -> Registry.named(name).lookup("key")).isInstanceOf(UnknownRegistryException.class);
        }
    }

    @Test
    void metaTest() {
        Registry.start(RegistryOptions.unique("Registry.MetaTest").withMeta("custom_key", "custom_value")).orElseThrow();
        Registry<Object, Object> registry = Registry.named("Registry.MetaTest");
        try {
            assertThat(registry.meta("custom_key")).contains("custom_value");
            assertThat(registry.meta("unknown_key")).isEmpty();
            registry.putMeta(List.of("tuple", "key"), "tuple_value");
            assertThat(registry.meta(List.of("tuple", "key"))).contains("tuple_value");
            registry.deleteMeta("custom_key");
            assertThat(registry.meta("custom_key")).isEmpty();
        } finally {
            Supervisor.stop(Name.of("Registry.MetaTest"));
        }
        assertThatThrownBy(() -> registry.meta("custom_key")).isInstanceOf(UnknownRegistryException.class);
        assertThatThrownBy(() -> registry.putMeta("k", "v")).isInstanceOf(UnknownRegistryException.class);
    }

    @Test
    void pubSubTest() {
        Registry.start(RegistryOptions.duplicate("Registry.PubSubTest")
                .withPartitions(Runtime.getRuntime().availableProcessors())).orElseThrow();
        Registry<String, List<Object>> pubsub = Registry.named("Registry.PubSubTest");
        try (var me = attach()) {
            pubsub.register("hello", List.of()).orElseThrow();
            pubsub.dispatch("hello", entries -> {
                for (Registry.Entry<List<Object>> e : entries) {
                    send(e.pid(), List.of("broadcast", "world"));
                }
            });
            awaitMessage(List.of("broadcast", "world"));
        } finally {
            Supervisor.stop(Name.of("Registry.PubSubTest"));
        }
    }

    // ---------------------------------------------------------------- processes and threads

    @Test
    void registerFromAPlainThreadIsAnError() {
        Registry.start(RegistryOptions.unique("plain")).orElseThrow();
        Registry<String, String> registry = Registry.named("plain");
        try {
            assertThatThrownBy(() -> registry.register("hello", "value"))
                    .isInstanceOf(NotAProcessException.class)
                    .hasMessageContaining("Registry.register acts for the calling process");
            assertThatThrownBy(() -> registry.unregister("hello")).isInstanceOf(NotAProcessException.class);
            assertThatThrownBy(() -> registry.unregisterMatch("hello", v -> true)).isInstanceOf(NotAProcessException.class);
            assertThatThrownBy(() -> registry.updateValue("hello", v -> v)).isInstanceOf(NotAProcessException.class);
            // reads work from anywhere
            assertThat(registry.lookup("hello")).isEmpty();
            assertThat(registry.count()).isZero();
            // attached, the thread is a process
            try (var me = attach()) {
                registry.register("hello", "value").orElseThrow();
                assertThat(registry.lookup("hello")).containsExactly(new Registry.Entry<>(me.pid(), "value"));
            }
            // the attached process has ended: its entries go once its partition has heard of it
            sync("plain");
            assertThat(registry.lookup("hello")).isEmpty();
        } finally {
            Supervisor.stop(Name.of("plain"));
        }
    }

    @Test
    void unknownRegistryForEveryOperation() {
        Registry<String, String> unknown = Registry.named("never.started");
        try (var me = attach()) {
            assertThatThrownBy(() -> unknown.register("k", "v")).isInstanceOf(UnknownRegistryException.class);
            assertThatThrownBy(() -> unknown.lookup("k")).isInstanceOf(UnknownRegistryException.class);
            assertThatThrownBy(() -> unknown.keys(self())).isInstanceOf(UnknownRegistryException.class);
            assertThatThrownBy(() -> unknown.count()).isInstanceOf(UnknownRegistryException.class);
            assertThatThrownBy(() -> unknown.dispatch("k", e -> {})).isInstanceOf(UnknownRegistryException.class);
            assertThatThrownBy(() -> unknown.via("k").resolve()).isInstanceOf(UnknownRegistryException.class);
            assertThat(((UnknownRegistryException) catchThrowable(() -> unknown.lookup("k"))).registry())
                    .isEqualTo("never.started");
        }
    }

    private static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void aRegistryThatStopsTakesItsEntriesAndProcessesWithIt() {
        Registry.start(RegistryOptions.unique("stopping").withPartitions(2)).orElseThrow();
        Registry<String, String> registry = Registry.named("stopping");
        try (var me = attach()) {
            trapExit(true); // so the test process survives the registry's shutdown
            Pid owner = registry.register("mine", "value").orElseThrow();
            Pid other = spawn(() -> {
                registry.register("theirs", "value");
                blockForever();
            });
            Ref watch = monitor(other);
            eventually("the other process registered", () -> registry.lookup("theirs").size() == 1);
            Supervisor.stop(Name.of("stopping"));
            assertThat(awaitExit(owner).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(awaitDown(watch).reason()).isEqualTo(ExitReason.shutdown());
            assertThatThrownBy(() -> registry.lookup("mine")).isInstanceOf(UnknownRegistryException.class);

            // a new registry of the same name starts empty
            Registry.start(RegistryOptions.unique("stopping")).orElseThrow();
            assertThat(registry.lookup("mine")).isEmpty();
            assertThat(registry.count()).isZero();
            Supervisor.stop(Name.of("stopping"));
        }
    }

    @Test
    void aRegistryNameThatIsTakenFailsTheStart() {
        try (var me = attach()) {
            Pid holder = spawn(io.jarl.testing.ProcessTesting::blockForever);
            register("taken", holder);
            assertThat(Registry.start(RegistryOptions.unique("taken")))
                    .isEqualTo(new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(holder))));
            assertThatThrownBy(() -> Registry.named("taken").lookup("k")).isInstanceOf(UnknownRegistryException.class);
            kill(holder);
        }
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> RegistryOptions.unique("r").withPartitions(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected partitions to be a positive integer, got: 0");
        assertThatThrownBy(() -> RegistryOptions.unique("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RegistryOptions.unique("r").withMeta("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RegistryOptions.unique(null)).isInstanceOf(NullPointerException.class);
    }

    // ---------------------------------------------------------------- via names under a supervisor

    /** A server that tells the test process when it starts, to name through a registry. */
    static final class Room implements GenServer<String, Room.Call, Void> {
        sealed interface Call {
            record Name() implements Call, Request<String> {}
        }

        record Started(String room, Pid pid) {}

        private final String room;
        private final Pid observer;

        Room(String room, Pid observer) {
            this.room = room;
            this.observer = observer;
        }

        @Override
        public Init<String> init() {
            send(observer, new Started(room, self()));
            return Init.ok(room);
        }

        @Override
        public CallResult<String> handleCall(Call call, From from, String state) {
            return switch (call) {
                case Call.Name() -> CallResult.reply(state, state);
            };
        }
    }

    @Test
    void viaNamesUnderASupervisorRegisterAgainOnRestart() {
        try (var me = attach()) {
            Registry<String, String> rooms = Registry.named("rooms");
            Pid observer = self();
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne().withIntensity(5), List.of(
                    Registry.childSpec(RegistryOptions.unique("rooms").withPartitions(2)),
                    ChildSpec.worker("lobby", () -> GenServer.startLink(new Room("lobby", observer),
                            StartOptions.via(rooms, new Registry.WithValue<>("lobby", "the lobby")))))).orElseThrow();
            assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::id, ChildInfo::type)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("lobby", ChildType.WORKER),
                            org.assertj.core.groups.Tuple.tuple("rooms", ChildType.SUPERVISOR));
            Pid first = await(Room.Started.class).pid();
            assertThat(GenServer.call(rooms.via("lobby"), new Room.Call.Name())).isEqualTo("lobby");
            assertThat(rooms.lookup("lobby")).containsExactly(new Registry.Entry<>(first, "the lobby"));

            kill(first);
            Pid second = await(Room.Started.class).pid();
            assertThat(second).isNotEqualTo(first);
            assertThat(rooms.via("lobby").resolve()).contains(second);
            assertThat(GenServer.call(rooms.via("lobby"), new Room.Call.Name())).isEqualTo("lobby");
            assertThat(rooms.lookup("lobby")).containsExactly(new Registry.Entry<>(second, "the lobby"));

            // a second server under the same name is refused with the GenServer's own failure
            assertThat(GenServer.start(new Room("lobby", observer), StartOptions.via(rooms, "lobby")))
                    .isEqualTo(new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(second))));
            assertThat(flush()).isEmpty();
            Supervisor.stop(sup);
        }
    }

    @Test
    void aServerNamedInAnUnknownRegistryFailsToStart() {
        try (var me = attach()) {
            StartResult result = GenServer.start(new Room("lobby", self()), StartOptions.via(Registry.named("nowhere"), "lobby"));
            assertThat(result).isInstanceOfSatisfying(StartResult.Failed.class, f -> assertThat(f.reason())
                    .isInstanceOfSatisfying(ExitReason.Crash.class,
                            c -> assertThat(c.error()).isInstanceOf(UnknownRegistryException.class)));
            assertThat(flush()).isEmpty(); // init never ran
        }
    }

    @Test
    void childSpecIsASupervisorNamedAfterTheRegistry() {
        ChildSpec spec = Registry.childSpec(RegistryOptions.unique("spec"));
        assertThat(spec.id()).isEqualTo("spec");
        assertThat(spec.type()).isEqualTo(ChildType.SUPERVISOR);
        assertThat(spec.restart()).isEqualTo(io.jarl.supervisor.Restart.PERMANENT);
        assertThat(spec.shutdown()).isEqualTo(io.jarl.supervisor.Shutdown.infinity());
    }

    @Test
    void registerNameRegistersOnlyTheCaller() {
        Registry.start(RegistryOptions.unique("callers")).orElseThrow();
        Registry<String, String> registry = Registry.named("callers");
        try (var me = attach()) {
            Pid other = spawn(io.jarl.testing.ProcessTesting::blockForever);
            assertThatThrownBy(() -> registry.registerName("k", other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("registers the calling process only");
            assertThat(registry.registerName("k", self())).isTrue();
            assertThat(registry.registerName("k", self())).isFalse();
            assertThat(registry.whereisName("k")).contains(self());
            registry.unregisterName("k");
            assertThat(registry.whereisName("k")).isEmpty();
            kill(other);
        } finally {
            Supervisor.stop(Name.of("callers"));
        }
    }

    @Test
    void handlesAreValuesByName() {
        assertThat(Registry.named("a")).isEqualTo(Registry.named("a")).hasSameHashCodeAs(Registry.named("a"));
        assertThat(Registry.named("a")).isNotEqualTo(Registry.named("b"));
        assertThat(Registry.<String, String>named("a").via("k")).isEqualTo(Registry.named("a").via("k"));
        assertThat(Registry.named("a").name()).isEqualTo("a");
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentReadersSeeEveryEntryOfLiveProcesses() throws Exception {
        Registry.start(RegistryOptions.unique("concurrent").withPartitions(4)).orElseThrow();
        Registry<Integer, Integer> registry = Registry.named("concurrent");
        int n = 200;
        try (var me = attach()) {
            Pid parent = self();
            List<Pid> holders = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int key = i;
                holders.add(spawn(() -> {
                    registry.register(key, key).orElseThrow();
                    send(parent, "registered");
                    blockForever();
                }));
            }
            for (int i = 0; i < n; i++) {
                awaitMessage("registered");
            }
            // readers on plain threads while half of the holders churn their keys
            AtomicInteger missing = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(4);
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                readers.add(Thread.ofVirtual().start(() -> {
                    for (int round = 0; round < 50; round++) {
                        for (int k = n / 2; k < n; k++) {
                            if (registry.lookup(k).size() != 1) {
                                missing.incrementAndGet();
                            }
                        }
                    }
                    done.countDown();
                }));
            }
            List<Ref> churners = new ArrayList<>();
            for (int i = 0; i < n / 2; i++) {
                int key = n + i;
                churners.add(spawnMonitor(() -> {
                    for (int j = 0; j < 20; j++) {
                        registry.register(key, j).orElseThrow();
                        registry.unregister(key);
                    }
                }).monitor());
            }
            for (Ref ref : churners) {
                assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.normal());
            }
            assertThat(done.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            readers.forEach(io.jarl.testing.ProcessTesting::join);
            assertThat(missing).hasValue(0);
            assertThat(registry.count()).isEqualTo(n);
            holders.forEach(io.jarl.testing.ProcessTesting::kill);
            sync("concurrent");
            assertThat(registry.count()).isZero();
        } finally {
            Supervisor.stop(Name.of("concurrent"));
        }
    }

    @Test
    void aPartitionThatCrashesInAUniqueRegistryRestartsThemAll() {
        Registry.start(RegistryOptions.unique("all.for.one").withPartitions(4)).orElseThrow();
        Registry<String, String> registry = Registry.named("all.for.one");
        try (var me = attach()) {
            trapExit(true);
            Pid owner = registry.register("hello", "value").orElseThrow();
            List<Pid> before = partitions("all.for.one");
            Pid victim = before.stream().filter(p -> !p.equals(owner)).findFirst().orElseThrow();
            kill(victim);
            // one_for_all: the caller's partition is shut down too, and its link tells the caller
            assertThat(awaitExit(owner).reason()).isEqualTo(ExitReason.shutdown());
            eventually("all partitions restarted", () -> partitions("all.for.one").stream()
                    .allMatch(p -> p.isAlive() && !before.contains(p)));
            assertThat(registry.lookup("hello")).isEmpty();
            assertThat(registry.register("hello", "again")).isInstanceOf(io.jarl.registry.RegisterResult.Ok.class);
        } finally {
            Supervisor.stop(Name.of("all.for.one"));
        }
    }

    @Test
    void registerInAPartitionThatIsDownExitsNoproc() {
        Registry.start(RegistryOptions.unique("down")).orElseThrow();
        Registry<String, String> registry = Registry.named("down");
        try (var me = attach()) {
            Pid partition = partitions("down").getFirst();
            io.jarl.server.Sys.suspend(Name.of("down")); // the supervisor cannot restart it yet
            kill(partition);
            assertThatThrownBy(() -> registry.register("hello", "value"))
                    .isInstanceOf(ExitException.class)
                    .satisfies(e -> assertThat(((ExitException) e).reason()).isEqualTo(ExitReason.noproc()));
            assertThat(registry.lookup("hello")).isEmpty();
            io.jarl.server.Sys.resume(Name.of("down"));
        } finally {
            Supervisor.stop(Name.of("down"));
        }
    }
}
