package io.jarl.registry;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Pid;
import io.jarl.server.Sys;
import java.util.ArrayList;
import java.util.List;

/** Helpers for the registry tests, after the helpers of Elixir's registry tests. */
final class RegistryTesting {
    private RegistryTesting() {}

    /** A value with three fields, for the match tests (Elixir: {@code {1, :atom, 1}}). */
    record Triple(Object a, Object b, Object c) {}

    /** A process that registered itself, and the partition that watches it (Elixir: {@code {owner, task}}). */
    record Task(Pid pid, Pid owner) {}

    private record Registered(Pid pid, RegisterResult result) {}

    /**
     * Spawns a process that registers under {@code key} and then waits forever (Elixir:
     * {@code register_task/3}); it dies with the registry, being linked to it.
     */
    static Task registerTask(Registry<Object, Object> registry, Object key, Object value) {
        Pid parent = self();
        spawn(() -> {
            send(parent, new Registered(self(), registry.register(key, value)));
            blockForever();
        });
        Registered r = await(Registered.class);
        assertThat(r.result()).isInstanceOf(RegisterResult.Ok.class);
        return new Task(r.pid(), r.result().orElseThrow());
    }

    /** The partition processes of a registry, in partition order. */
    static List<Pid> partitions(String registry) {
        RegistryTable t = RegistryTable.find(registry);
        List<Pid> out = new ArrayList<>();
        for (int i = 0; i < t.partitions; i++) {
            out.add(t.partition(i).owner);
        }
        return out;
    }

    /** Waits until every partition has handled what was sent to it before (Elixir: {@code GenServer.call(partition, :sync)}). */
    static void sync(String registry) {
        partitions(registry).forEach(Sys::getState);
    }

    /** How many entries the pid tables hold, over all partitions (Elixir: {@code sum_pid_entries/2}). */
    static int pidEntries(String registry) {
        RegistryTable t = RegistryTable.find(registry);
        int n = 0;
        for (int i = 0; i < t.partitions; i++) {
            n += t.partition(i).pids.values().stream().mapToInt(java.util.Map::size).sum();
        }
        return n;
    }

    /** How many processes the pid tables hold, and entries the key tables, over all partitions. */
    static boolean tablesEmpty(String registry) {
        RegistryTable t = RegistryTable.find(registry);
        for (int i = 0; i < t.partitions; i++) {
            PartitionTable p = t.partition(i);
            int[] keys = {0};
            p.forEach((k, e) -> keys[0]++);
            if (!p.pids.isEmpty() || keys[0] != 0 || p.size() != 0) {
                return false;
            }
        }
        return true;
    }
}
