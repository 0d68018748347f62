package io.jarl.registry;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a {@link Registry} (Elixir: the options of {@code Registry.start_link/1}).
 *
 * <p>Immutable; each {@code with...} method returns a changed copy:
 * {@snippet :
 * RegistryOptions options = RegistryOptions.duplicate("pubsub")
 *         .withPartitions(Runtime.getRuntime().availableProcessors())
 *         .withListeners("audit")
 *         .withMeta("started", Instant.now());
 * }
 *
 * @param keys       unique or duplicate keys (Elixir: {@code :keys})
 * @param name       the registry's name: its supervisor is registered under it, and every
 *                   {@link Registry#named(String)} handle reaches the registry through it (Elixir: {@code :name})
 * @param partitions how many partitions, each a process with its own tables (Elixir: {@code :partitions});
 *                   1 by default; more spread the writes and the clean-up of a registry that many
 *                   processes use at once
 * @param listeners  names of processes sent a {@link RegistryEvent} at each register and unregister
 *                   (Elixir: {@code :listeners}); none by default
 * @param meta       the registry's initial metadata, read with {@link Registry#meta(Object)} (Elixir:
 *                   {@code :meta}); keys and values must not be null
 */
public record RegistryOptions(Keys keys, String name, int partitions, List<String> listeners, Map<Object, Object> meta) {

    /**
     * @throws IllegalArgumentException if {@code partitions} is not positive or {@code name} is empty
     *         (Elixir raises {@code ArgumentError} for both)
     */
    public RegistryOptions {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("expected the registry's name to be a non-empty string");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("expected partitions to be a positive integer, got: " + partitions);
        }
        listeners = List.copyOf(listeners); // rejects null names
        LinkedHashMap<Object, Object> copy = new LinkedHashMap<>();
        meta.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "a meta key is null"),
                Objects.requireNonNull(v, () -> "the meta value of " + k + " is null")));
        meta = java.util.Collections.unmodifiableMap(copy);
    }

    /** A registry of {@code keys} named {@code name}, with one partition, no listeners, no metadata. */
    public static RegistryOptions of(Keys keys, String name) {
        return new RegistryOptions(keys, name, 1, List.of(), Map.of());
    }

    /** A {@link Keys#UNIQUE} registry named {@code name}. */
    public static RegistryOptions unique(String name) {
        return of(Keys.UNIQUE, name);
    }

    /** A {@link Keys#DUPLICATE} registry named {@code name}. */
    public static RegistryOptions duplicate(String name) {
        return of(Keys.DUPLICATE, name);
    }

    public RegistryOptions withKeys(Keys keys) {
        return new RegistryOptions(keys, name, partitions, listeners, meta);
    }

    public RegistryOptions withName(String name) {
        return new RegistryOptions(keys, name, partitions, listeners, meta);
    }

    public RegistryOptions withPartitions(int partitions) {
        return new RegistryOptions(keys, name, partitions, listeners, meta);
    }

    /** These listeners, in place of any given before. */
    public RegistryOptions withListeners(String... listeners) {
        return new RegistryOptions(keys, name, partitions, Arrays.asList(listeners), meta);
    }

    /** This metadata entry added to the initial metadata. */
    public RegistryOptions withMeta(Object key, Object value) {
        Map<Object, Object> more = new LinkedHashMap<>(meta);
        more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new RegistryOptions(keys, name, partitions, listeners, more);
    }
}
