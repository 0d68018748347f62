package io.jarl.registry;

import io.jarl.Pid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/*
 * The tables of one registry partition: what Elixir keeps in the partition's two ETS tables.
 *
 * - The key table maps a key to its entries. Unique: key -> Entry. Duplicate: key -> a skip list of
 *   entries ordered by a counter, so that a process's entries under one key keep their registration
 *   order and one of them can be removed without looking at the others.
 * - The pid table maps a registered process to what it registered here: (key, key table, counter).
 *   It is how the partition finds a dead process's entries (Elixir: ets:take(pid_ets, Pid)).
 *
 * Every write is made by the registering process itself (register, unregister, updateValue act for
 * the caller only), or by the partition process once that process is dead; never by two live
 * processes for the same pid. Keys are shared, so the key table is written with CHM's atomic
 * operations (compute, putIfAbsent). Readers never lock: CHM reads and skip-list iteration are
 * lock-free and weakly consistent, like ETS reads with read_concurrency.
 *
 * A table belongs to its partition process, as an ETS table to its owner: when the owner is dead the
 * table reads as empty, whatever it still holds (a partition killed without running terminate).
 */
final class PartitionTable {

    /**
     * What a process registered through this partition: the key, the key table it went to, and a
     * counter unique in this partition (for duplicate keys the key table is this partition: the counter
     * is also the entry's place among the key's entries).
     */
    record Owned(Object key, PartitionTable keyTable, long counter) {}

    final Pid owner;
    final int index;
    /** Unique registries: key -> Entry. Null for duplicate registries. */
    private final ConcurrentHashMap<Object, Registry.Entry<?>> unique;
    /** Duplicate registries: key -> counter -> Entry. Null for unique registries. */
    private final ConcurrentHashMap<Object, ConcurrentSkipListMap<Long, Registry.Entry<?>>> duplicate;
    /** Registered process -> counter -> what it registered. */
    final ConcurrentHashMap<Pid, ConcurrentSkipListMap<Long, Owned>> pids = new ConcurrentHashMap<>();
    private final LongAdder size = new LongAdder();
    private final AtomicLong counter = new AtomicLong();

    PartitionTable(Pid owner, int index, Keys keys) {
        this.owner = owner;
        this.index = index;
        this.unique = keys.duplicate() ? null : new ConcurrentHashMap<>();
        this.duplicate = keys.duplicate() ? new ConcurrentHashMap<>() : null;
    }

    /** Whether the owning partition runs; a dead partition's table reads as empty (ETS: deleted with its owner). */
    boolean live() {
        return owner.isAlive();
    }

    long nextCounter() {
        return counter.incrementAndGet();
    }

    /** The number of entries (Elixir: {@code :ets.info(key_ets, :size)}). */
    long size() {
        return live() ? size.sum() : 0;
    }

    // ------------------------------------------------------------------ reads

    /** The entry of a unique key, or null. */
    Registry.Entry<?> uniqueEntry(Object key) {
        return live() ? unique.get(key) : null;
    }

    /** The entries under {@code key}, in registration order per process (both kinds). */
    List<Registry.Entry<?>> entries(Object key) {
        if (!live()) {
            return List.of();
        }
        if (unique != null) {
            Registry.Entry<?> e = unique.get(key);
            return e == null ? List.of() : List.of(e);
        }
        ConcurrentSkipListMap<Long, Registry.Entry<?>> bag = duplicate.get(key);
        if (bag == null) {
            return List.of();
        }
        // One pass (a skip list's size() is a walk too), into a list nobody else sees.
        List<Registry.Entry<?>> out = new ArrayList<>();
        for (Registry.Entry<?> e : bag.values()) {
            out.add(e);
        }
        return Collections.unmodifiableList(out);
    }

    /** Visits every (key, entry) of the key table. */
    void forEach(KeyEntryVisitor visitor) {
        if (!live()) {
            return;
        }
        if (unique != null) {
            unique.forEach(visitor::visit);
        } else {
            duplicate.forEach((key, bag) -> bag.values().forEach(e -> visitor.visit(key, e)));
        }
    }

    @FunctionalInterface
    interface KeyEntryVisitor {
        void visit(Object key, Registry.Entry<?> entry);
    }

    /** The entry {@code owned} stands for, or null if it is gone. */
    Registry.Entry<?> entryOf(Owned owned, Pid pid) {
        if (unique != null) {
            Registry.Entry<?> e = unique.get(owned.key());
            return e != null && e.pid().equals(pid) ? e : null;
        }
        ConcurrentSkipListMap<Long, Registry.Entry<?>> bag = duplicate.get(owned.key());
        return bag == null ? null : bag.get(owned.counter());
    }

    /** What {@code pid} registered in this partition, oldest first (empty if nothing or the table is dead). */
    List<Owned> ownedBy(Pid pid) {
        ConcurrentSkipListMap<Long, Owned> mine = live() ? pids.get(pid) : null;
        return mine == null ? List.of() : new ArrayList<>(mine.values());
    }

    // ------------------------------------------------------------------ writes to the key table

    /**
     * Inserts the entry of a unique key (Elixir: {@code register_key(:unique, ...)}): returns null if
     * inserted, or the live process that holds the key. An entry left by a dead process whose
     * partition has not yet cleaned up is replaced.
     */
    Pid putUnique(Object key, Registry.Entry<?> entry) {
        for (;;) {
            Registry.Entry<?> current = unique.putIfAbsent(key, entry);
            if (current == null) {
                size.increment();
                return null;
            }
            if (current.pid().isAlive()) {
                return current.pid();
            }
            removeUnique(key, current);
        }
    }

    /** Replaces the entry of a unique key if it is still {@code expected}. */
    boolean replaceUnique(Object key, Registry.Entry<?> expected, Registry.Entry<?> entry) {
        boolean[] replaced = {false};
        unique.computeIfPresent(key, (k, e) -> {
            if (e != expected) {
                return e;
            }
            replaced[0] = true;
            return entry;
        });
        return replaced[0];
    }

    /** Adds an entry under a duplicate key. */
    void addDuplicate(Object key, long counter, Registry.Entry<?> entry) {
        duplicate.compute(key, (k, bag) -> {
            ConcurrentSkipListMap<Long, Registry.Entry<?>> b = bag == null ? new ConcurrentSkipListMap<>() : bag;
            b.put(counter, entry);
            return b;
        });
        size.increment();
    }

    /** Removes the entry {@code owned} stands for, if it is still there. Both kinds. */
    void remove(Owned owned, Pid pid) {
        if (unique != null) {
            Registry.Entry<?> e = unique.get(owned.key());
            if (e != null && e.pid().equals(pid)) {
                removeUnique(owned.key(), e);
            }
            return;
        }
        boolean[] removed = {false};
        duplicate.computeIfPresent(owned.key(), (k, bag) -> {
            removed[0] = bag.remove(owned.counter()) != null;
            return bag.isEmpty() ? null : bag;
        });
        if (removed[0]) {
            size.decrement();
        }
    }

    private void removeUnique(Object key, Registry.Entry<?> expected) {
        boolean[] removed = {false};
        unique.computeIfPresent(key, (k, e) -> {
            if (e != expected) {
                return e;
            }
            removed[0] = true;
            return null;
        });
        if (removed[0]) {
            size.decrement();
        }
    }

    // ------------------------------------------------------------------ writes to the pid table

    /** Records that {@code pid} registered {@code owned} here. Called by {@code pid} itself. */
    void own(Pid pid, Owned owned) {
        pids.computeIfAbsent(pid, p -> new ConcurrentSkipListMap<>()).put(owned.counter(), owned);
    }

    /**
     * Forgets {@code owned} for {@code pid}; returns whether {@code pid} has nothing left here (and so
     * its record was dropped). Called by {@code pid} itself.
     */
    boolean disown(Pid pid, Owned owned) {
        ConcurrentSkipListMap<Long, Owned> mine = pids.get(pid);
        if (mine == null) {
            return true;
        }
        mine.remove(owned.counter());
        if (mine.isEmpty()) {
            pids.remove(pid);
            return true;
        }
        return false;
    }

    /**
     * Removes everything a dead process registered through this partition, from whichever key table
     * it went to (Elixir: the partition's {@code handle_info({:EXIT, pid, _})}). Run by the partition.
     */
    void removeAll(Pid pid) {
        ConcurrentSkipListMap<Long, Owned> mine = pids.remove(pid);
        if (mine != null) {
            mine.values().forEach(o -> o.keyTable().remove(o, pid));
        }
    }

    /** Empties the tables: the partition is stopping (ETS: its tables are deleted with it). */
    void clear() {
        if (unique != null) {
            unique.clear();
        } else {
            duplicate.clear();
        }
        pids.clear();
        size.reset();
    }
}
