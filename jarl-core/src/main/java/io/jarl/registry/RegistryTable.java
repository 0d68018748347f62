package io.jarl.registry;

import io.jarl.Pid;
import io.jarl.internal.Core;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/*
 * What Elixir keeps in the registry's own named ETS table: the kind, the partitions and where their
 * tables are, the listeners and the metadata. It is found by name in BY_NAME (the role of the named
 * table), owned by the registry's supervisor, and published by the supervisor's init before any
 * partition starts; each partition publishes its own tables in its slot when it (re)starts.
 *
 * Like an ETS table it goes with its owner: it is dropped from BY_NAME when the supervisor ends,
 * however it ends ({@code kill} included); until then a table whose supervisor is dead is unknown.
 */
final class RegistryTable {
    private static final ConcurrentHashMap<String, RegistryTable> BY_NAME = new ConcurrentHashMap<>();

    final String name;
    final Keys keys;
    final int partitions;
    final List<String> listeners;
    final ConcurrentHashMap<Object, Object> meta;
    /** The registry's supervisor. */
    final Pid owner;
    private final AtomicReferenceArray<PartitionTable> slots;

    private RegistryTable(RegistryOptions options, Pid owner) {
        this.name = options.name();
        this.keys = options.keys();
        this.partitions = options.partitions();
        this.listeners = options.listeners();
        this.meta = new ConcurrentHashMap<>(options.meta());
        this.owner = owner;
        this.slots = new AtomicReferenceArray<>(partitions);
    }

    /**
     * Makes and publishes the table of a registry whose supervisor is {@code owner}.
     *
     * @throws IllegalStateException if a live registry already has the name (its supervisor gave up
     *         its process name, so the start could not see it)
     */
    static RegistryTable create(RegistryOptions options, Pid owner) {
        RegistryTable fresh = new RegistryTable(options, owner);
        RegistryTable published = BY_NAME.compute(options.name(),
                (n, old) -> old == null || !old.owner.isAlive() ? fresh : old);
        if (published != fresh) {
            throw new IllegalStateException("a registry named " + options.name() + " is already running, supervised by "
                    + published.owner);
        }
        if (!Core.get().atExit(owner, () -> BY_NAME.remove(options.name(), fresh))) {
            BY_NAME.remove(options.name(), fresh); // the supervisor is already gone
        }
        return fresh;
    }

    /** Whether a table is published under {@code name}, live or not (for tests). */
    static boolean isPublished(String name) {
        return BY_NAME.containsKey(name);
    }

    /** The live registry named {@code name}, or null. */
    static RegistryTable find(String name) {
        RegistryTable t = BY_NAME.get(name);
        if (t != null && !t.owner.isAlive()) {
            BY_NAME.remove(name, t);
            return null;
        }
        return t;
    }

    // ------------------------------------------------------------------ partitions

    void publish(int partition, PartitionTable table) {
        slots.set(partition, table);
    }

    /** The tables of partition {@code i}; null until its process has started once. */
    PartitionTable partition(int i) {
        return slots.get(i);
    }

    /** The partition that holds the entries of {@code key} registered by {@code pid} (Elixir: {@code partitions/4}). */
    int keyPartition(Object key, Pid pid) {
        return keys == Keys.DUPLICATE ? hash(pid, partitions) : hash(key, partitions);
    }

    /** The partition that links to {@code pid} and records what it registered under {@code key}. */
    int pidPartition(Object key, Pid pid) {
        return keys == Keys.DUPLICATE_BY_KEY ? hash(key, partitions) : hash(pid, partitions);
    }

    /** Whether the entries of a key are all in one partition, {@link #lookupPartition(Object)}. */
    boolean oneKeyOnePartition() {
        return partitions == 1 || keys != Keys.DUPLICATE;
    }

    /** The partition that holds all the entries of {@code key}; only if {@link #oneKeyOnePartition()}. */
    int lookupPartition(Object key) {
        assert oneKeyOnePartition();
        return keys == Keys.DUPLICATE ? 0 : hash(key, partitions);
    }

    /** Whether what a process registered is all in one partition, {@link #processPartition(Pid)}. */
    boolean pidOnePartition() {
        return partitions == 1 || keys != Keys.DUPLICATE_BY_KEY;
    }

    /** The partition that records all that {@code pid} registered; only if {@link #pidOnePartition()}. */
    int processPartition(Pid pid) {
        assert pidOnePartition();
        return keys == Keys.DUPLICATE_BY_KEY ? 0 : hash(pid, partitions);
    }

    /**
     * A term's partition (Elixir: {@code :erlang.phash2(term, partitions)}): the term's hash code,
     * mixed, mapped onto {@code [0, n)} by multiplication.
     */
    static int hash(Object term, int n) {
        if (n == 1) {
            return 0;
        }
        int h = term.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        return (int) (((h & 0xFFFF_FFFFL) * n) >>> 32);
    }
}
