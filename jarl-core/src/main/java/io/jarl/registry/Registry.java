package io.jarl.registry;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.NameRegistry;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.Spawned;
import io.jarl.Via;
import io.jarl.internal.Gen;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.supervisor.SupervisorInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A local, partitioned key-value store of processes: processes register themselves under keys, with
 * a value, and anyone looks them up by key; entries vanish when their process ends (Elixir:
 * {@code Registry}).
 *
 * <p>A registry has {@linkplain Keys#UNIQUE unique} keys (a key names at most one process) or
 * {@linkplain Keys#DUPLICATE duplicate} keys (a key has any number of entries, for pub/sub). It is
 * used to name processes ({@link #via}), to publish and dispatch events ({@link #dispatch}), or to keep
 * properties of processes that others can query.
 *
 * {@snippet :
 * try (var me = Jarl.attach()) {
 *     Registry.startLink(RegistryOptions.unique("rooms")).orElseThrow();
 *     Registry<String, Integer> rooms = Registry.named("rooms");
 *
 *     rooms.register("lobby", 42);                        // RegisterResult.Ok: the caller is "lobby"
 *     rooms.lookup("lobby");                              // [Entry[pid=<0.81.0>, value=42]]
 *     rooms.register("lobby", 43);                        // AlreadyRegistered[pid=<0.81.0>]
 *     rooms.updateValue("lobby", n -> n + 1);             // Optional[Updated[newValue=43, oldValue=42]]
 *     rooms.unregister("lobby");
 *     rooms.lookup("lobby");                              // []
 * }
 * }
 *
 * <h2>Starting a registry</h2>
 * {@link #startLink(RegistryOptions)} starts the registry: a supervisor registered under the
 * registry's name, with one partition process per {@linkplain RegistryOptions#partitions() partition}.
 * In a supervision tree, give {@link #childSpec(RegistryOptions)} to the parent supervisor, before the
 * children that use the registry. {@link #named(String)} makes a typed handle; it is a value (two
 * handles with the same name are equal) and needs no running registry until used. Every method of a
 * handle throws {@link UnknownRegistryException} when no registry of its name runs.
 *
 * <h2>Registering</h2>
 * {@link #register(Object, Object)} registers the <em>calling process</em>; so do
 * {@link #unregister}, {@link #unregisterMatch} and {@link #updateValue} act for the caller only, which
 * must be a process ({@link NotAProcessException} otherwise). The caller is linked to the partition
 * that records it; when it ends, that partition removes its entries. The link goes both ways: a
 * partition that crashes, or a registry that stops, ends the processes registered in it with its
 * exit reason unless they trap exits. {@link RegisterResult.Ok#owner()} is that partition.
 * Registering a key of a unique registry that a live process holds gives
 * {@link RegisterResult.AlreadyRegistered}; a duplicate registry accepts any number of entries, from
 * any number of processes, the caller's own included. Values may be null (Elixir's {@code nil}).
 *
 * <h2>Reading</h2>
 * {@link #lookup}, {@link #match}, {@link #keys}, {@link #values}, {@link #count}, {@link #select}
 * and {@link #dispatch} read the tables directly, from any thread, without a message to any process:
 * reads scale with the number of readers. They are weakly consistent: an entry whose process has just
 * died stays visible until its partition has removed it (as in Elixir), so a reader may get a dead pid,
 * as it could get one that dies right after the read. A unique lookup reads one partition; a
 * {@link Keys#DUPLICATE} lookup reads them all, a {@link Keys#DUPLICATE_BY_KEY} lookup one.
 * Keys are compared with {@code equals} (Elixir: {@code ===}, so {@code 1} and {@code 1.0} differ here
 * too); they must have a stable {@code hashCode}, which picks their partition.
 *
 * <h2>Matching</h2>
 * Elixir's match specs become Java predicates: {@link #match}, {@link #countMatch} and
 * {@link #unregisterMatch} take a {@code Predicate} on the value (Elixir: a pattern and guards on the
 * value), {@link #select} and {@link #countSelect} a {@code Predicate} on the whole
 * {@link Registration} (Elixir: a full match spec; shape the result with {@code stream().map}).
 *
 * <h2>Pub/sub</h2>
 * {@snippet :
 * Registry.startLink(RegistryOptions.duplicate("pubsub").withPartitions(4));
 * Registry<String, String> pubsub = Registry.named("pubsub");
 * pubsub.register("news", "sports only");                    // in each subscriber
 * pubsub.dispatch("news", entries -> {                       // in the publisher
 *     for (Registry.Entry<String> e : entries) {
 *         Jarl.send(e.pid(), new Headline("..."));
 *     }
 * });
 * }
 * The dispatcher runs in the caller, once per partition that has entries for the key;
 * {@link #dispatchParallel} runs it in one process per partition.
 *
 * <h2>Naming processes: via</h2>
 * A unique registry is a {@link NameRegistry}: {@code StartOptions.via(rooms, "lobby")} (or
 * {@code StartOptions.via(rooms, new Registry.WithValue<>("lobby", value))} to store a value) starts a
 * GenServer or supervisor registered as {@code "lobby"}, and {@code rooms.via("lobby")} is its
 * {@link io.jarl.Address} for calls, casts and sends. A name that is taken makes the start fail with
 * {@code {already_started, Pid}}; under a supervisor, a restarted child registers again.
 *
 * <h2>Partitions</h2>
 * A partition is a process that owns its share of the tables and cleans up after the processes that
 * registered through it. More partitions spread that work; for unique registries the supervisor
 * restarts all partitions together (one_for_all), since a process's entries may be in any key
 * partition; for duplicate ones, only the one that failed. A restarted partition starts empty. The
 * supervisor allows Elixir's default of 3 restarts in 5 seconds.
 *
 * <h2>When not to use it</h2>
 * For a name per process known in advance, a locally registered name ({@link Jarl#register}) is
 * simpler. A registry is local to this runtime; cluster-wide naming is another tool ({@code global}).
 *
 * <h2>Where it differs from Elixir</h2>
 * A registry is named by a {@code String} and used through a typed handle. Match specs are
 * predicates. {@code compressed} is not offered (there is nothing to compress). Registering through
 * {@link #via} in a duplicate registry fails the start of the server with an
 * {@link IllegalArgumentException} as reason, where Elixir raises in the caller. Entries are shared,
 * not copied: register immutable values.
 *
 * @param <K> the keys
 * @param <V> the values
 */
public final class Registry<K, V> implements NameRegistry {

    /*
     * Implementation overview (Elixir: registry.ex, Registry.Supervisor, Registry.Partition).
     *
     * The registry is a Supervisor registered under its name; its init publishes a RegistryTable
     * (Elixir's named ETS table: kind, partitions, listeners, meta) and starts one RegistryPartition
     * per partition, each of which publishes its PartitionTable (Elixir's key and pid ETS tables).
     * A handle finds the RegistryTable by name and caches it while its supervisor lives.
     *
     * register() follows Elixir's order so that the partition can always clean up: link to the pid
     * partition, record the entry in the pid table, then insert it in the key table. If the caller is
     * found dead after writing (a Java process killed while running keeps running until its next
     * runtime call), it removes what it wrote itself, since its partition may already have looked.
     * unregister() removes from the key table first, then from the pid table, then unlinks if the
     * caller has nothing left in that partition.
     */

    private final String name;
    private volatile RegistryTable cached;

    private Registry(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * A handle on the registry named {@code name}. It needs no running registry until it is used;
     * its type parameters are the caller's promise about the keys and values stored there.
     */
    public static <K, V> Registry<K, V> named(String name) {
        return new Registry<>(name);
    }

    /** The registry's name. */
    public String name() {
        return name;
    }

    // ------------------------------------------------------------------ the values it hands out

    /**
     * One entry: a registered process and its value (Elixir: {@code {pid, value}}).
     *
     * @param pid   the process that registered itself
     * @param value the value it registered with; may be null
     * @param <V>   the registry's values
     */
    public record Entry<V>(Pid pid, V value) {
        public Entry {
            Objects.requireNonNull(pid, "pid");
        }
    }

    /**
     * One entry with its key, as {@link #select} sees it (Elixir: the {@code {key, pid, value}} a match
     * spec matches).
     *
     * @param key   the key
     * @param pid   the process that registered itself
     * @param value its value; may be null
     * @param <K>   the registry's keys
     * @param <V>   the registry's values
     */
    public record Registration<K, V>(K key, Pid pid, V value) {
        public Registration {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(pid, "pid");
        }
    }

    /**
     * What {@link #updateValue} did (Elixir: {@code {new_value, old_value}}).
     *
     * @param newValue the value now registered
     * @param oldValue the value before
     * @param <V>      the registry's values
     */
    public record Updated<V>(V newValue, V oldValue) {}

    /**
     * A {@link Via} key that also gives the value to register with (Elixir:
     * {@code {:via, Registry, {registry, key, value}}}); {@code rooms.via("lobby")} still finds the
     * process registered with {@code rooms.via("lobby", value)}.
     *
     * @param key   the key to register under
     * @param value the value to register with; may be null
     * @param <K>   the registry's keys
     * @param <V>   the registry's values
     */
    public record WithValue<K, V>(K key, V value) {
        public WithValue {
            Objects.requireNonNull(key, "key");
        }
    }

    // ------------------------------------------------------------------ starting

    /**
     * Starts a registry linked to the caller, which must be a process (Elixir:
     * {@code Registry.start_link/1}): a supervisor registered as {@code options.name()} and its
     * partitions. A name that is taken gives {@code Failed({already_started, Pid})}.
     */
    public static StartResult startLink(RegistryOptions options) {
        Objects.requireNonNull(options, "options");
        return Supervisor.startLink(() -> supervisorInit(options), StartOptions.named(options.name()));
    }

    /** {@link #startLink(RegistryOptions)} without the link, from any thread. */
    public static StartResult start(RegistryOptions options) {
        Objects.requireNonNull(options, "options");
        return Supervisor.start(() -> supervisorInit(options), StartOptions.named(options.name()));
    }

    /**
     * A child spec that starts the registry under a supervisor (Elixir: {@code Registry.child_spec/1}):
     * id the registry's name, type supervisor.
     */
    public static ChildSpec childSpec(RegistryOptions options) {
        Objects.requireNonNull(options, "options");
        return ChildSpec.supervisor(options.name(), () -> startLink(options));
    }

    /** Runs in the registry's supervisor: publish the registry's table, then start the partitions. */
    private static SupervisorInit supervisorInit(RegistryOptions options) {
        RegistryTable table = RegistryTable.create(options, Jarl.self());
        List<ChildSpec> partitions = new ArrayList<>();
        for (int i = 0; i < options.partitions(); i++) {
            int index = i;
            String partitionName = RegistryPartition.processName(options.name(), i);
            partitions.add(ChildSpec.worker(partitionName,
                    () -> GenServer.startLink(new RegistryPartition(table, index), StartOptions.named(partitionName))));
        }
        // Elixir (Registry.Supervisor): unique keys live in the key's partition and their owners in
        // the pid's, so a partition that fails may hold entries of every other: restart all.
        SupervisorFlags flags = (options.keys().duplicate() ? SupervisorFlags.oneForOne() : SupervisorFlags.oneForAll())
                .withIntensity(3);
        return SupervisorInit.of(flags, partitions);
    }

    // ------------------------------------------------------------------ registering

    /**
     * Registers the calling process under {@code key} with {@code value} (Elixir:
     * {@code Registry.register/3}). The caller is linked to the partition that records it, and the
     * registry's listeners are sent {@link RegistryEvent.Register}.
     *
     * @return {@link RegisterResult.Ok} with the partition, or for a unique registry
     *         {@link RegisterResult.AlreadyRegistered} if a live process holds {@code key}
     * @throws NotAProcessException if the caller is not a process
     * @throws UnknownRegistryException if no registry of this name runs
     * @throws ExitException with {@code noproc} if the registry's partition is not running (it is
     *         being restarted)
     * @throws io.jarl.NoSuchNameException if a listener name is not registered, after the
     *         registration is made (Elixir raises there too)
     */
    public RegisterResult register(K key, V value) {
        Objects.requireNonNull(key, "key");
        Pid me = caller("register");
        RegistryTable t = table();
        PartitionTable keyTable = t.partition(t.keyPartition(key, me));
        PartitionTable pidTable = t.partition(t.pidPartition(key, me));
        requireRunning(pidTable, "register", key);
        Jarl.link(pidTable.owner);
        requireRunning(pidTable, "register", key); // a caller that traps exits got an Exit and no error
        requireRunning(keyTable, "register", key);

        // The counter numbers the caller's entries in its pid table; for duplicate keys the key table
        // is the same partition, where it also orders the key's entries.
        PartitionTable.Owned owned = new PartitionTable.Owned(key, keyTable, pidTable.nextCounter());
        pidTable.own(me, owned);
        Entry<V> entry = new Entry<>(me, value);
        if (t.keys.duplicate()) {
            keyTable.addDuplicate(key, owned.counter(), entry);
        } else {
            Pid holder = keyTable.putUnique(key, entry);
            if (holder != null) {
                forget(pidTable, me, owned);
                return new RegisterResult.AlreadyRegistered(holder);
            }
        }
        if (!me.isAlive()) {
            // Killed while registering: the partition may have cleaned up before these writes.
            keyTable.remove(owned, me);
            pidTable.disown(me, owned);
            Jarl.self(); // throws ProcessExitedError
        }
        for (String listener : t.listeners) {
            Jarl.send(listener, new RegistryEvent.Register(name, key, me, value));
        }
        return new RegisterResult.Ok(pidTable.owner);
    }

    /**
     * Removes all the entries of the calling process under {@code key} (Elixir:
     * {@code Registry.unregister/2}), unlinks it from its partition if it has nothing left there, and
     * sends the listeners {@link RegistryEvent.Unregister}, whether it had entries or not (as Elixir).
     *
     * @throws NotAProcessException if the caller is not a process
     * @throws UnknownRegistryException if no registry of this name runs
     */
    public void unregister(K key) {
        Objects.requireNonNull(key, "key");
        Pid me = caller("unregister");
        RegistryTable t = table();
        PartitionTable pidTable = t.partition(t.pidPartition(key, me));
        if (pidTable != null) {
            List<PartitionTable.Owned> mine = ownedUnder(pidTable, me, key);
            // Elixir's order: the key table first, so that a crash half-way leaves the pid table to
            // clean up from.
            mine.forEach(o -> o.keyTable().remove(o, me));
            mine.forEach(o -> forget(pidTable, me, o));
        }
        for (String listener : t.listeners) {
            Jarl.send(listener, new RegistryEvent.Unregister(name, key, me));
        }
    }

    /**
     * Removes the entries of the calling process under {@code key} whose value {@code pattern} accepts
     * (Elixir: {@code Registry.unregister_match/4}, with a predicate for the pattern and guards). If
     * that removes all its entries under the key, the caller is unlinked if it has nothing left in its
     * partition and the listeners are sent {@link RegistryEvent.Unregister} (also when it had none, as
     * in Elixir); if it removes some of them, nobody is told.
     *
     * @throws NotAProcessException if the caller is not a process
     */
    public void unregisterMatch(K key, Predicate<? super V> pattern) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(pattern, "pattern");
        Pid me = caller("unregisterMatch");
        RegistryTable t = table();
        PartitionTable pidTable = t.partition(t.pidPartition(key, me));
        List<PartitionTable.Owned> mine = pidTable == null ? List.of() : ownedUnder(pidTable, me, key);
        List<PartitionTable.Owned> matched = new ArrayList<>();
        for (PartitionTable.Owned o : mine) {
            Entry<?> e = o.keyTable().entryOf(o, me);
            if (e != null && pattern.test(this.<V>valueOf(e))) {
                matched.add(o);
            }
        }
        matched.forEach(o -> o.keyTable().remove(o, me));
        matched.forEach(o -> forget(pidTable, me, o));
        if (matched.size() == mine.size()) {
            for (String listener : t.listeners) {
                Jarl.send(listener, new RegistryEvent.Unregister(name, key, me));
            }
        }
    }

    /**
     * Changes the value of {@code key} if the calling process holds it, in a unique registry (Elixir:
     * {@code Registry.update_value/3}). {@code update} runs in the caller.
     *
     * @return the new and old values, or empty if the caller does not hold {@code key} (Elixir: {@code :error})
     * @throws IllegalArgumentException for a duplicate registry
     * @throws NotAProcessException if the caller is not a process
     */
    public Optional<Updated<V>> updateValue(K key, UnaryOperator<V> update) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(update, "update");
        RegistryTable t = table();
        if (t.keys.duplicate()) {
            throw new IllegalArgumentException("Registry.updateValue is not supported for " + t.keys.elixir()
                    + " registries");
        }
        Pid me = caller("updateValue");
        PartitionTable keyTable = t.partition(t.keyPartition(key, me));
        Entry<?> current = keyTable == null ? null : keyTable.uniqueEntry(key);
        if (current == null || !current.pid().equals(me)) {
            return Optional.empty();
        }
        V old = valueOf(current);
        V changed = update.apply(old);
        // Only the holder changes its entry, and the holder is the caller: the entry is still current.
        keyTable.replaceUnique(key, current, new Entry<>(me, changed));
        return Optional.of(new Updated<>(changed, old));
    }

    // ------------------------------------------------------------------ reading

    /**
     * The entries under {@code key}, in no particular order across partitions (Elixir:
     * {@code Registry.lookup/2}). May include a process that has just died.
     */
    public List<Entry<V>> lookup(K key) {
        Objects.requireNonNull(key, "key");
        RegistryTable t = table();
        if (t.oneKeyOnePartition()) {
            return entriesOf(t.partition(t.lookupPartition(key)), key);
        }
        List<Entry<V>> found = List.of();
        List<Entry<V>> out = null;
        for (int i = 0; i < t.partitions; i++) {
            List<Entry<V>> some = entriesOf(t.partition(i), key);
            if (some.isEmpty()) {
                continue;
            }
            if (found.isEmpty()) {
                found = some; // often the only partition with entries: no copy
            } else {
                if (out == null) {
                    out = new ArrayList<>(found);
                }
                out.addAll(some);
            }
        }
        return out == null ? found : Collections.unmodifiableList(out);
    }

    /**
     * The entries under {@code key} whose value {@code pattern} accepts (Elixir:
     * {@code Registry.match/4}, with a predicate in place of the pattern and guards).
     */
    public List<Entry<V>> match(K key, Predicate<? super V> pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return lookup(key).stream().filter(e -> pattern.test(e.value())).toList();
    }

    /** How many entries under {@code key} have a value {@code pattern} accepts (Elixir: {@code Registry.count_match/4}). */
    public int countMatch(K key, Predicate<? super V> pattern) {
        Objects.requireNonNull(pattern, "pattern");
        int n = 0;
        for (Entry<V> e : lookup(key)) {
            if (pattern.test(e.value())) {
                n++;
            }
        }
        return n;
    }

    /**
     * The keys {@code pid} is registered under, with a key repeated for each of its entries (Elixir:
     * {@code Registry.keys/2}); empty if {@code pid} is dead.
     */
    public List<K> keys(Pid pid) {
        Objects.requireNonNull(pid, "pid");
        RegistryTable t = table();
        if (!pid.isAlive()) {
            return List.of();
        }
        List<K> out = new ArrayList<>();
        if (t.pidOnePartition()) {
            collectKeys(t.partition(t.processPartition(pid)), pid, out);
        } else {
            for (int i = 0; i < t.partitions; i++) {
                collectKeys(t.partition(i), pid, out);
            }
        }
        return List.copyOf(out);
    }

    /** The values {@code pid} registered under {@code key} (Elixir: {@code Registry.values/3}). */
    public List<V> values(K key, Pid pid) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(pid, "pid");
        RegistryTable t = table();
        List<V> out = new ArrayList<>();
        for (Entry<V> e : entriesOf(t.partition(t.keyPartition(key, pid)), key)) {
            if (e.pid().equals(pid)) {
                out.add(e.value());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The number of entries (Elixir: {@code Registry.count/1}); constant time per partition. */
    public int count() {
        RegistryTable t = table();
        long n = 0;
        for (int i = 0; i < t.partitions; i++) {
            PartitionTable p = t.partition(i);
            n += p == null ? 0 : p.size();
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /**
     * Every entry that {@code filter} accepts, with its key (Elixir: {@code Registry.select/2}, with a
     * predicate for the match spec's pattern and guards; shape the result with {@code stream().map}).
     * It reads every entry of every partition.
     */
    public List<Registration<K, V>> select(Predicate<? super Registration<K, V>> filter) {
        Objects.requireNonNull(filter, "filter");
        List<Registration<K, V>> out = new ArrayList<>();
        forEachRegistration(r -> {
            if (filter.test(r)) {
                out.add(r);
            }
        });
        return List.copyOf(out);
    }

    /** How many entries {@code filter} accepts (Elixir: {@code Registry.count_select/2}). */
    public int countSelect(Predicate<? super Registration<K, V>> filter) {
        Objects.requireNonNull(filter, "filter");
        int[] n = {0};
        forEachRegistration(r -> {
            if (filter.test(r)) {
                n[0]++;
            }
        });
        return n[0];
    }

    @SuppressWarnings("unchecked")
    private void forEachRegistration(Consumer<Registration<K, V>> action) {
        RegistryTable t = table();
        for (int i = 0; i < t.partitions; i++) {
            PartitionTable p = t.partition(i);
            if (p != null) {
                p.forEach((key, e) -> action.accept(new Registration<>((K) key, e.pid(), (V) e.value())));
            }
        }
    }

    // ------------------------------------------------------------------ dispatching

    /**
     * Calls {@code dispatcher} with the entries under {@code key}, in the calling thread, once per
     * partition that has some, and not at all if there are none (Elixir: {@code Registry.dispatch/3}).
     * What the dispatcher throws propagates to the caller, and the partitions not yet visited are not.
     * Works from any thread.
     */
    public void dispatch(K key, Consumer<? super List<Entry<V>>> dispatcher) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dispatcher, "dispatcher");
        RegistryTable t = table();
        if (t.oneKeyOnePartition()) {
            dispatchTo(t.partition(t.lookupPartition(key)), key, dispatcher);
            return;
        }
        for (int i = t.partitions - 1; i >= 0; i--) {
            dispatchTo(t.partition(i), key, dispatcher);
        }
    }

    /**
     * {@link #dispatch} in parallel (Elixir: {@code dispatch/4} with {@code parallel: true}): for a
     * {@link Keys#DUPLICATE} registry with several partitions, each partition's entries are dispatched
     * by a process of its own, linked to the caller, and the call returns when all are done; otherwise
     * it is the same as {@link #dispatch} (there is one partition to read). A dispatcher that fails
     * makes this throw {@link ExitException} with its reason, and, through the link, ends a caller that
     * does not trap exits (as Elixir's {@code Task.async}). From a plain thread the caller is attached
     * as a trapping process for the duration.
     */
    public void dispatchParallel(K key, Consumer<? super List<Entry<V>>> dispatcher) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dispatcher, "dispatcher");
        RegistryTable t = table();
        if (t.oneKeyOnePartition()) {
            dispatch(key, dispatcher);
            return;
        }
        if (Jarl.inProcess()) {
            dispatchInTasks(t, key, dispatcher);
            return;
        }
        try (ProcessScope _ = Jarl.attach()) {
            Jarl.trapExit(true);
            dispatchInTasks(t, key, dispatcher);
        }
    }

    private void dispatchInTasks(RegistryTable t, K key, Consumer<? super List<Entry<V>>> dispatcher) {
        Pid caller = Jarl.self();
        List<Spawned> tasks = new ArrayList<>();
        SpawnOptions linked = SpawnOptions.defaults().link().initialCall("Registry.dispatch/4");
        for (int i = t.partitions - 1; i >= 0; i--) {
            PartitionTable p = t.partition(i);
            tasks.add(Jarl.spawnMonitor(linked, () -> {
                dispatchTo(p, key, dispatcher);
                Jarl.unlink(caller); // done: a caller that traps exits gets no Exit (Elixir's Task does the same)
            }));
        }
        for (int i = 0; i < tasks.size(); i++) {
            Ref monitor = tasks.get(i).monitor();
            Down down = Jarl.receive(monitor, m -> m instanceof Down d && d.ref().equals(monitor) ? d : Jarl.<Down>skip(),
                    FOREVER).orElseThrow();
            if (!(down.reason() instanceof ExitReason.Normal)) {
                // Elixir's caller exits here; one that catches this must not find the others' Downs later.
                tasks.subList(i + 1, tasks.size()).forEach(other -> Jarl.demonitor(other.monitor(), true));
                throw new ExitException(down.reason(), "Registry.dispatch(" + name + ", " + key + ", parallel)");
            }
        }
    }

    private void dispatchTo(PartitionTable partition, K key, Consumer<? super List<Entry<V>>> dispatcher) {
        List<Entry<V>> entries = entriesOf(partition, key);
        if (!entries.isEmpty()) {
            dispatcher.accept(entries);
        }
    }

    // ------------------------------------------------------------------ locks

    /**
     * Runs {@code function} in the caller while holding the lock {@code lockKey}, waiting as long as it
     * takes for it (Elixir: {@code Registry.lock/3}). Callers of the same lock key run one at a time,
     * in the order they asked; lock keys have their own namespace, apart from the registry's keys. A
     * holder that dies releases the lock. Not reentrant: a holder that asks again for its own lock
     * waits forever. From a plain thread the caller is attached as a process for the duration.
     *
     * @throws ExitException with {@code noproc} if the lock's partition is not running
     */
    public <T> T lock(Object lockKey, Supplier<? extends T> function) {
        Objects.requireNonNull(lockKey, "lockKey");
        Objects.requireNonNull(function, "function");
        RegistryTable t = table();
        PartitionTable p = t.partition(RegistryTable.hash(lockKey, t.partitions));
        requireRunning(p, "lock", lockKey);
        return Gen.inProcess(() -> locked(p.owner, lockKey, function));
    }

    private static <T> T locked(Pid partition, Object lockKey, Supplier<? extends T> function) {
        Ref ref = GenServer.call(partition, new RegistryPartition.Call.Lock(lockKey), FOREVER);
        try {
            return function.get();
        } finally {
            Jarl.send(partition, new RegistryPartition.Unlock(lockKey, ref));
        }
    }

    // ------------------------------------------------------------------ metadata

    /** The metadata under {@code key} (Elixir: {@code Registry.meta/2}). */
    public Optional<Object> meta(Object key) {
        Objects.requireNonNull(key, "key");
        return Optional.ofNullable(table().meta.get(key));
    }

    /** Sets metadata (Elixir: {@code Registry.put_meta/3}); {@code value} must not be null. */
    public void putMeta(Object key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        table().meta.put(key, value);
    }

    /** Removes metadata, if present (Elixir: {@code Registry.delete_meta/2}). */
    public void deleteMeta(Object key) {
        Objects.requireNonNull(key, "key");
        table().meta.remove(key);
    }

    // ------------------------------------------------------------------ via

    /**
     * The address of the process registered under {@code key} (Elixir:
     * {@code {:via, Registry, {registry, key}}}), for calls, casts and sends, and to register a server:
     * {@code StartOptions.via(registry, key)}.
     */
    public Via via(K key) {
        return new Via(this, Objects.requireNonNull(key, "key"));
    }

    /**
     * A {@link Via} name that registers its process with {@code value} (Elixir:
     * {@code {:via, Registry, {registry, key, value}}}).
     */
    public Via via(K key, V value) {
        return new Via(this, new WithValue<>(key, value));
    }

    /**
     * Registers {@code pid}, which must be the calling process, under {@code key} (a key, or a
     * {@link WithValue}), as a {@code Via} name does when a server starts (Elixir: {@code register_name/2}).
     *
     * @return false if the key is taken
     * @throws IllegalArgumentException if {@code pid} is not the caller, or the registry has duplicate keys
     */
    @Override
    public boolean registerName(Object key, Pid pid) {
        Objects.requireNonNull(pid, "pid");
        requireUnique();
        Pid me = caller("registerName");
        if (!pid.equals(me)) {
            throw new IllegalArgumentException("a Registry registers the calling process only: " + pid + " is not the"
                    + " caller " + me);
        }
        return switch (key) {
            case WithValue<?, ?>(Object k, Object v) -> register(keyOf(k), this.<V>cast(v)) instanceof RegisterResult.Ok;
            default -> register(keyOf(key), null) instanceof RegisterResult.Ok;
        };
    }

    /** Unregisters the calling process's {@code key} (Elixir: {@code unregister_name/1}). */
    @Override
    public void unregisterName(Object key) {
        unregister(keyOf(key instanceof WithValue<?, ?> w ? w.key() : key));
    }

    /**
     * The live process registered under {@code key} (Elixir: {@code whereis_name/1}).
     *
     * @throws IllegalArgumentException for a duplicate registry (Elixir: "{@code :via} is not supported
     *         for duplicate registries")
     */
    @Override
    public Optional<Pid> whereisName(Object key) {
        requireUnique();
        Object k = key instanceof WithValue<?, ?> w ? w.key() : key;
        RegistryTable t = table();
        PartitionTable p = t.partition(t.lookupPartition(k));
        Entry<?> e = p == null ? null : p.uniqueEntry(k);
        return e != null && e.pid().isAlive() ? Optional.of(e.pid()) : Optional.empty();
    }

    private void requireUnique() {
        if (table().keys.duplicate()) {
            throw new IllegalArgumentException(":via is not supported for duplicate registries (registry " + name + ")");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    /** The registry's table, cached while its supervisor lives. */
    private RegistryTable table() {
        RegistryTable t = cached;
        if (t == null || !t.owner.isAlive()) {
            t = RegistryTable.find(name);
            if (t == null) {
                throw new UnknownRegistryException(name);
            }
            cached = t;
        }
        return t;
    }

    private static Pid caller(String operation) {
        if (!Jarl.inProcess()) {
            throw new NotAProcessException("Registry." + operation + " acts for the calling process, and thread "
                    + Thread.currentThread() + " is not one; call it from a process (spawned, Jarl.attach() or"
                    + " Jarl.run())");
        }
        return Jarl.self();
    }

    private void requireRunning(PartitionTable p, String operation, Object key) {
        if (p == null || !p.live()) {
            throw new ExitException(ExitReason.noproc(), "Registry." + operation + "(" + name + ", " + key
                    + "): the registry's partition is not running");
        }
    }

    /** What {@code me} registered under {@code key} in {@code pidTable}. */
    private static List<PartitionTable.Owned> ownedUnder(PartitionTable pidTable, Pid me, Object key) {
        List<PartitionTable.Owned> out = new ArrayList<>();
        for (PartitionTable.Owned o : pidTable.ownedBy(me)) {
            if (o.key().equals(key)) {
                out.add(o);
            }
        }
        return out;
    }

    /** Drops {@code owned} from the caller's record, unlinking from the partition if nothing is left. */
    private static void forget(PartitionTable pidTable, Pid me, PartitionTable.Owned owned) {
        if (pidTable.disown(me, owned)) {
            Jarl.unlink(pidTable.owner);
        }
    }

    @SuppressWarnings("unchecked")
    private void collectKeys(PartitionTable p, Pid pid, List<K> out) {
        if (p != null) {
            p.ownedBy(pid).forEach(o -> out.add((K) o.key()));
        }
    }

    @SuppressWarnings("unchecked")
    private List<Entry<V>> entriesOf(PartitionTable p, Object key) {
        if (p == null) {
            return List.of();
        }
        // Every entry of this registry was made by register(K, V): the cast is the handle's type promise.
        return (List<Entry<V>>) (List<?>) p.entries(key);
    }

    @SuppressWarnings("unchecked")
    private <T> T valueOf(Entry<?> e) {
        return (T) e.value();
    }

    @SuppressWarnings("unchecked")
    private <T> T cast(Object o) {
        return (T) o;
    }

    @SuppressWarnings("unchecked")
    private K keyOf(Object key) {
        return (K) Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Registry<?, ?> r && r.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "Registry[" + name + "]";
    }
}
